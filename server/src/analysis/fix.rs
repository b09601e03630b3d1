//! Applying fixes: one fix to a text, or every applicable fix in a file
//! (non-overlapping, repeated until nothing changes, a few rounds at most).
//!
//! Fix-all and the CLI's "N fixable" count run the same replay (`Replay`),
//! so the count is what `--fix` does by construction. A round after the
//! first reparses incrementally (`Tree::edit` for every applied edit, then a
//! reparse reusing the old tree) and rechecks only the statements the edits
//! touched (`incremental::recheck`, which `tests/incremental.rs` holds equal
//! to a full check); a text with a carriage return, a syntax error or
//! indentation too deep to parse whole takes a fresh parse and a full check
//! instead. Debug builds compare every incremental round with the fresh one.

use super::incremental::{self, ChangeSet, Checked};
use super::{Edit, Finding, Fix};
use crate::config::Settings;
use crate::knowledge::{Applicability, Knowledge};
use tree_sitter::{InputEdit, Point, Tree};

/// Apply non-overlapping edits to `src`. Edits are sorted here; an edit that
/// overlaps an earlier one is skipped. Returns None if an edit's range is not
/// on character boundaries of `src`.
pub fn apply_edits(src: &str, edits: &[Edit]) -> Option<String> {
    apply_edits_tracked(src, edits).map(|(text, _)| text)
}

/// `apply_edits`, with the edits it applied (sorted, in `src`'s offsets).
fn apply_edits_tracked<'e>(src: &str, edits: &'e [Edit]) -> Option<(String, Vec<&'e Edit>)> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(src.len() + 64);
    let mut applied = Vec::with_capacity(sorted.len());
    let mut pos = 0;
    for e in sorted {
        if e.range.start < pos || e.range.end > src.len() || e.range.start > e.range.end {
            if e.range.start < pos {
                continue;
            }
            return None;
        }
        if !src.is_char_boundary(e.range.start) || !src.is_char_boundary(e.range.end) {
            return None;
        }
        out.push_str(&src[pos..e.range.start]);
        out.push_str(&e.new_text);
        pos = e.range.end;
        applied.push(e);
    }
    out.push_str(&src[pos..]);
    Some((out, applied))
}

/// Whether a fix of this applicability may be applied automatically.
pub fn allowed(a: Applicability, unsafe_fixes: bool) -> bool {
    match a {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// The fix that fix-all would apply for a finding.
pub fn auto_fix(f: &Finding, unsafe_fixes: bool) -> Option<&Fix> {
    f.fixes.iter().find(|fx| allowed(fx.applicability, unsafe_fixes))
}

/// Result of fixing a whole file.
pub struct FixAll {
    pub text: String,
    /// (rule, fix kind) of every fix applied.
    pub applied: Vec<(&'static str, &'static str)>,
    /// Findings still present in the final text.
    pub remaining: Vec<Finding>,
}

pub const MAX_ROUNDS: usize = 5;

/// Apply every allowed fix, round after round, until nothing changes.
pub fn fix_all(src: &str, settings: &Settings, k: &Knowledge, unsafe_fixes: bool) -> FixAll {
    let tree = crate::syntax::parse(src, None);
    let checked = incremental::check_full(src, &tree, settings, k);
    let mut replay = Replay { text: src.to_string(), tree, checked };
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let (edits, rules) = select_edits(&replay.checked.findings, unsafe_fixes);
        if edits.is_empty() || !replay.apply(&edits, true, settings, k) {
            break;
        }
        applied.extend(rules);
    }
    FixAll { text: replay.text, applied, remaining: replay.checked.findings }
}

/// How many fixes `fix_all` applies to `src` (whose tree and full check are
/// given) without unsafe fixes, and how many with them: the same rounds as
/// `fix_all`, shared between the two while they choose the same edits.
/// `want` says which of the two counts are wanted (an unwanted one is 0).
pub fn count_fixes(src: &str, tree: &Tree, checked: &Checked, settings: &Settings, k: &Knowledge, want: (bool, bool)) -> (usize, usize) {
    let mut replay = Replay { text: src.to_string(), tree: tree.clone(), checked: checked.clone() };
    let (mut safe, mut all) = (0, 0);
    for round in 0..MAX_ROUNDS {
        let s = if want.0 { select_edits(&replay.checked.findings, false) } else { Default::default() };
        let u = if want.1 { select_edits(&replay.checked.findings, true) } else { Default::default() };
        let last = round + 1 == MAX_ROUNDS;
        if !want.0 || !want.1 || s == u {
            // One replay serves both (or only one is wanted).
            let (edits, rules) = if want.0 { s } else { u };
            if edits.is_empty() || !replay.apply(&edits, !last, settings, k) {
                break;
            }
            if want.0 {
                safe += rules.len();
            }
            if want.1 {
                all += rules.len();
            }
            continue;
        }
        // The two part here: each goes on alone.
        let mut other = replay.clone();
        safe += other.count_from(round, s, false, settings, k);
        all += replay.count_from(round, u, true, settings, k);
        break;
    }
    (safe, all)
}

/// The edits of every allowed fix whose edits do not overlap those chosen
/// before it, with the (rule, kind) of each fix taken.
pub fn select_edits(findings: &[Finding], unsafe_fixes: bool) -> (Vec<Edit>, Vec<(&'static str, &'static str)>) {
    let mut chosen: Vec<Edit> = Vec::new();
    let mut rules = Vec::new();
    for f in findings {
        let Some(fx) = auto_fix(f, unsafe_fixes) else { continue };
        let clash = fx.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                e.range.start < c.range.end.max(c.range.start + 1) && c.range.start < e.range.end.max(e.range.start + 1)
            })
        });
        if clash {
            continue;
        }
        chosen.extend(fx.edits.iter().cloned());
        rules.push((f.rule, fx.kind));
    }
    (chosen, rules)
}

/// A text in the middle of fix-all: its tree and its findings.
#[derive(Clone)]
struct Replay {
    text: String,
    tree: Tree,
    checked: Checked,
}

impl Replay {
    /// Rounds `round`.. of fix-all alone, the first applying `first`: how
    /// many fixes they apply.
    fn count_from(
        &mut self,
        round: usize,
        first: (Vec<Edit>, Vec<(&'static str, &'static str)>),
        unsafe_fixes: bool,
        settings: &Settings,
        k: &Knowledge,
    ) -> usize {
        let mut n = 0;
        let mut next = first;
        for r in round..MAX_ROUNDS {
            let (edits, rules) = next;
            if edits.is_empty() || !self.apply(&edits, r + 1 < MAX_ROUNDS, settings, k) {
                break;
            }
            n += rules.len();
            if r + 1 == MAX_ROUNDS {
                break;
            }
            next = select_edits(&self.checked.findings, unsafe_fixes);
        }
        n
    }

    /// Apply `edits`; when `check`, reparse and recheck the new text (else
    /// the tree and findings are left stale: the replay ends). Returns
    /// whether the text changed (nothing else is done when it does not).
    fn apply(&mut self, edits: &[Edit], check: bool, settings: &Settings, k: &Knowledge) -> bool {
        let Some((text, applied)) = apply_edits_tracked(&self.text, edits) else { return false };
        if text == self.text {
            return false;
        }
        if !check {
            self.text = text;
            return true;
        }
        let incremental_ok = !self.tree.root_node().has_error()
            && !self.text.contains('\r')
            && !text.contains('\r')
            && crate::syntax::parse_len(&text) == text.len();
        let mut done = false;
        if incremental_ok {
            let input = input_edits(&self.text, &applied);
            let mut old = self.tree.clone();
            for e in &input {
                old.edit(e);
            }
            let tree = crate::syntax::parse(&text, Some(&old));
            if !tree.root_node().has_error() {
                // The written ranges, in the new text's offsets, and what the reparse changed.
                let mut dirty = Vec::with_capacity(applied.len());
                let mut delta: isize = 0;
                for e in &applied {
                    let start = (e.range.start as isize + delta) as usize;
                    dirty.push(start..start + e.new_text.len());
                    delta += e.new_text.len() as isize - e.range.len() as isize;
                }
                dirty.extend(old.changed_ranges(&tree).map(|r| r.start_byte..r.end_byte));
                let changes = ChangeSet { edits: input, dirty, full: false };
                let checked = incremental::recheck(&self.checked, &changes, &text, &tree, settings, k);
                #[cfg(debug_assertions)]
                {
                    let fresh = crate::syntax::parse(&text, None);
                    assert_eq!(tree.root_node().to_sexp(), fresh.root_node().to_sexp(), "incremental reparse after fixes differs:\n{text}");
                    let full = incremental::check_full(&text, &fresh, settings, k);
                    assert_eq!(checked.findings, full.findings, "incremental recheck after fixes differs:\n{text}");
                }
                self.tree = tree;
                self.checked = checked;
                done = true;
            }
        }
        if !done {
            self.tree = crate::syntax::parse(&text, None);
            self.checked = incremental::check_full(&text, &self.tree, settings, k);
        }
        self.text = text;
        true
    }
}

/// The tree-sitter edits for `applied` (sorted, non-overlapping, in `src`'s
/// offsets), last first, so each is in the offsets of the text it edits.
/// Points count rows by `\n` (the caller has no `\r`).
fn input_edits(src: &str, applied: &[&Edit]) -> Vec<InputEdit> {
    let bytes = src.as_bytes();
    // The point of each start and end, in one pass over the text.
    let (mut at, mut row, mut line_start) = (0usize, 0usize, 0usize);
    let mut point = |off: usize| -> Point {
        let off = off.max(at);
        for i in memchr::memchr_iter(b'\n', &bytes[at..off]) {
            row += 1;
            line_start = at + i + 1;
        }
        at = off;
        Point { row, column: off - line_start }
    };
    let mut out: Vec<InputEdit> = Vec::with_capacity(applied.len());
    for e in applied {
        let start_position = point(e.range.start);
        let old_end_position = point(e.range.end);
        let nl = memchr::memchr_iter(b'\n', e.new_text.as_bytes()).count();
        let new_end_position = match memchr::memrchr(b'\n', e.new_text.as_bytes()) {
            Some(i) => Point { row: start_position.row + nl, column: e.new_text.len() - i - 1 },
            None => Point { row: start_position.row, column: start_position.column + e.new_text.len() },
        };
        out.push(InputEdit {
            start_byte: e.range.start,
            old_end_byte: e.range.end,
            new_end_byte: e.range.start + e.new_text.len(),
            start_position,
            old_end_position,
            new_end_position,
        });
    }
    out.reverse();
    out
}
