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
    let mut replay = Replay { text: src.to_string(), tree, checked, indent: None };
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
pub fn count_fixes(src: &str, tree: &Tree, checked: &Checked, settings: &Settings, k: &Knowledge, want: (bool, bool), bound: Option<u64>) -> (usize, usize) {
    // `parse_len` reads a text line by line once it has that many lines:
    // one reading here spares one per round (none when the caller read
    // `bound`, the text's `indent_bound`, with its `parse_len`).
    debug_assert!(bound.is_none_or(|b| b == crate::syntax::indent_bound(src, 0, src.len())));
    let indent = bound.or_else(|| {
        (memchr::memchr2_iter(b'\n', b'\r', src.as_bytes()).count() >= crate::syntax::MAX_INDENT_LEVELS)
            .then(|| crate::syntax::indent_bound(src, 0, src.len()))
    });
    // Only findings with a fix to apply choose a round's edits (a finding
    // without one neither is taken nor blocks another, `select_edits`), so
    // the rounds recheck with the rules that can fix something only.
    let settings = &fixing_rules_only(settings, k);
    let mut checked = checked.clone();
    checked.findings.retain(|f| settings.select.as_ref().is_some_and(|ids| ids.iter().any(|id| id == f.rule)));
    let mut replay = Replay { text: src.to_string(), tree: tree.clone(), checked, indent };
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
        // The two part here: each goes on alone. When the unsafe round is
        // the safe one plus edits of its own, it starts from the safe
        // round's result (its reparse and recheck then cover only those
        // edits) instead of from this text.
        if round + 1 < MAX_ROUNDS {
            if let Some((mut after_safe, mut after_all)) = replay.split(&s.0, &u.0, settings, k) {
                safe += s.1.len() + after_safe.count_rest(round + 1, false, settings, k);
                all += u.1.len() + after_all.count_rest(round + 1, true, settings, k);
                break;
            }
        }
        let mut other = replay.clone();
        safe += other.count_from(round, s, false, settings, k);
        all += replay.count_from(round, u, true, settings, k);
        break;
    }
    (safe, all)
}

/// `settings` with only the rules it enables whose knowledge lists a fix
/// that `--fix` or `--fix --unsafe-fixes` may apply: `analysis::finish`
/// drops every fix the knowledge does not list and lowers each to the
/// listed applicability, so the other rules' findings never carry one.
/// Named in `select`, they are enabled exactly as before: `ignore`, the
/// ruff configuration and the target version had let each of them through.
fn fixing_rules_only(settings: &Settings, k: &Knowledge) -> Settings {
    let enabled = super::rules::enabled_rules(settings, k);
    let ids: Vec<String> = enabled
        .rules()
        .iter()
        .map(|r| r.id())
        .filter(|id| k.rule(id).is_some_and(|d| d.meta.fixes.iter().any(|m| allowed(m.applicability, true))))
        .map(str::to_string)
        .collect();
    let mut fixing = settings.clone();
    fixing.select = Some(ids);
    debug_assert_eq!(
        super::rules::enabled_rules(&fixing, k).rules().iter().map(|r| r.id()).collect::<Vec<_>>(),
        fixing.select.iter().flatten().map(String::as_str).collect::<Vec<_>>(),
        "the fixing rules are enabled exactly"
    );
    fixing
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

/// How many times `count_fixes` built the unsafe round from the safe one
/// (`Replay::split`): the CLI's count test checks it is not vacuous.
#[cfg(test)]
pub(crate) static SPLITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A text in the middle of fix-all: its tree and its findings.
#[derive(Clone)]
struct Replay {
    text: String,
    tree: Tree,
    checked: Checked,
    /// An upper bound of `text`'s line-start widths (`syntax::indent_bound`),
    /// kept per round from the lines the edits wrote, when known: while it
    /// is small, a round learns `syntax::parse_len` without reading the
    /// whole text.
    indent: Option<u64>,
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

    /// Rounds `round`.. of fix-all alone, after a round that was rechecked:
    /// how many fixes they apply.
    fn count_rest(&mut self, round: usize, unsafe_fixes: bool, settings: &Settings, k: &Knowledge) -> usize {
        if round >= MAX_ROUNDS {
            return 0;
        }
        let next = select_edits(&self.checked.findings, unsafe_fixes);
        self.count_from(round, next, unsafe_fixes, settings, k)
    }

    /// One round that applies `safe` and one that applies `all` from this
    /// text, both rechecked, when `all` is `safe` plus edits of its own: the
    /// second is built from the first by applying only those edits, which
    /// gives the same text (compared here), hence the same tree and
    /// findings (an incremental reparse equals a fresh parse, a recheck a
    /// full check: the invariants every round rests on). None when `all`
    /// is not such a superset or either round would leave its text as it
    /// is (the caller then replays each from this text).
    fn split(&self, safe: &[Edit], all: &[Edit], settings: &Settings, k: &Knowledge) -> Option<(Replay, Replay)> {
        let mut matched = vec![false; all.len()];
        for e in safe {
            let i = (0..all.len()).find(|&i| !matched[i] && all[i] == *e)?;
            matched[i] = true;
        }
        let (safe_text, safe_applied) = apply_edits_tracked(&self.text, safe)?;
        let all_text = apply_edits(&self.text, all)?;
        // The edits of `all` alone, in the offsets of `safe_text`: no edit
        // of `all` overlaps another, so each moves by what the safe edits
        // before it added or removed.
        let own: Vec<Edit> = (0..all.len())
            .filter(|&i| !matched[i])
            .map(|i| {
                let e = &all[i];
                let delta: isize = safe.iter().filter(|x| x.range.end <= e.range.start).map(|x| x.new_text.len() as isize - x.range.len() as isize).sum();
                let shift = |p: usize| (p as isize + delta) as usize;
                Edit { range: shift(e.range.start)..shift(e.range.end), new_text: e.new_text.clone() }
            })
            .collect();
        let (own_text, own_applied) = apply_edits_tracked(&safe_text, &own)?;
        if safe_text == self.text || all_text == safe_text || own_text != all_text {
            return None;
        }
        // The texts just built are the rounds' texts (`apply` would build
        // them again).
        let mut after_safe = self.clone();
        if !after_safe.apply_text(safe_text, &safe_applied, true, settings, k) {
            return None;
        }
        let mut after_all = after_safe.clone();
        if !after_all.apply_text(own_text, &own_applied, true, settings, k) {
            return None;
        }
        #[cfg(test)]
        SPLITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some((after_safe, after_all))
    }

    /// Apply `edits`; when `check`, reparse and recheck the new text (else
    /// the tree and findings are left stale: the replay ends). Returns
    /// whether the text changed (nothing else is done when it does not).
    fn apply(&mut self, edits: &[Edit], check: bool, settings: &Settings, k: &Knowledge) -> bool {
        let Some((text, applied)) = apply_edits_tracked(&self.text, edits) else { return false };
        self.apply_text(text, &applied, check, settings, k)
    }

    /// `apply`, given what `apply_edits_tracked` made of the edits: the new
    /// text and the edits applied.
    fn apply_text(&mut self, text: String, applied: &[&Edit], check: bool, settings: &Settings, k: &Knowledge) -> bool {
        if text == self.text {
            return false;
        }
        if !check {
            self.text = text;
            self.indent = None;
            return true;
        }
        // The lines the edits wrote (and those a width carries into), in
        // the new text's offsets (`Document` keeps its bound the same way).
        self.indent = self.indent.map(|b| {
            let mut delta: isize = 0;
            let mut bound = b;
            for e in applied {
                let start = (e.range.start as isize + delta) as usize;
                bound = bound.max(crate::syntax::indent_bound(&text, start, start + e.new_text.len()));
                delta += e.new_text.len() as isize - e.range.len() as isize;
            }
            bound
        });
        let len = match self.indent {
            Some(b) => crate::syntax::parse_len_within(&text, b),
            None => crate::syntax::parse_len(&text),
        };
        let incremental_ok = !self.tree.root_node().has_error() && !self.text.contains('\r') && !text.contains('\r') && len == text.len();
        let mut done = false;
        if incremental_ok {
            let (input, old, tree) = reparse(&self.text, &self.tree, applied, &text, len);
            if !tree.root_node().has_error() {
                // The written ranges, in the new text's offsets, and what the reparse changed.
                let mut dirty = Vec::with_capacity(applied.len());
                let mut delta: isize = 0;
                for e in applied {
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
            self.tree = crate::syntax::parse_prefix(&text, None, len);
            self.checked = incremental::check_full(&text, &self.tree, settings, k);
        }
        self.text = text;
        true
    }
}

/// `tree` (of `src`) told about the edits `applied` (sorted, non-overlapping,
/// in `src`'s offsets; `src` has no `\r`), and `text` (`src` with them
/// applied, `len` its `syntax::parse_len`) parsed reusing it: the
/// tree-sitter edits, the edited old tree
/// (for `changed_ranges`) and the new tree. tree-sitter is vendored with a
/// fix to its reuse (`vendor/tree-sitter/PYEXPLAIN.md`): without it a fix
/// inserting a statement at the start of a function body re-lexed the rest
/// of the file (on `test_inspect.py` half of `check`'s instructions).
fn reparse(src: &str, tree: &Tree, applied: &[&Edit], text: &str, len: usize) -> (Vec<InputEdit>, Tree, Tree) {
    let input = input_edits(src, applied);
    let mut old = tree.clone();
    for e in &input {
        old.edit(e);
    }
    let new = crate::syntax::parse_prefix(text, Some(&old), len);
    (input, old, new)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::syntax::NodeExt;
    use std::path::{Path, PathBuf};
    use tree_sitter::Node;

    /// Every node of the tree under `root`, in document order: kind, byte
    /// range, points, and whether it is named, missing or an error.
    fn nodes(root: Node) -> Vec<(u16, std::ops::Range<usize>, Point, Point, bool, bool, bool)> {
        crate::syntax::descendants(root)
            .into_iter()
            .map(|n| (n.kind_id(), n.byte_range(), n.start_position(), n.end_position(), n.is_named(), n.is_missing(), n.is_error()))
            .collect()
    }

    /// Every fixture and example, decoded, in path order (also for the
    /// CLI's tests).
    pub(crate) fn fixture_sources() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        py_files(&root.join("tests/fixtures"), &mut files);
        py_files(&root.join("examples"), &mut files);
        assert!(files.len() > 200, "fixtures not found");
        files.into_iter().filter_map(|p| Some((p.clone(), crate::cli::decode(&std::fs::read(&p).ok()?).ok()?.text))).collect()
    }

    fn py_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                py_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "py") {
                out.push(p);
            }
        }
    }

    /// Reparse `src` (parsed as `tree`) after `edits` as the replay does,
    /// and compare the new tree with a fresh parse of the new text, node
    /// for node. Returns the new text and tree, or None when the edits do
    /// not apply.
    fn reparse_equals_fresh(src: &str, tree: &Tree, edits: &[Edit], what: &str) -> Option<(String, Tree)> {
        let (text, applied) = apply_edits_tracked(src, edits)?;
        let (_, _, new) = reparse(src, tree, &applied, &text, crate::syntax::parse_len(&text));
        let fresh = crate::syntax::parse(&text, None);
        assert!(nodes(new.root_node()) == nodes(fresh.root_node()), "{what}: incremental reparse differs from a fresh parse:\n{text}");
        Some((text, new))
    }

    /// The statements that start the bodies of the functions in `root`.
    fn body_starts(root: Node) -> Vec<Node> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if n.kind_name() == "function_definition" {
                if let Some(first) = n.child_by_field_id(crate::field_id!("body")).and_then(|b| b.named_child(0)) {
                    if first.start_position().row != n.start_position().row && first.kind_name() != "comment" {
                        out.push(first);
                    }
                }
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
        out.sort_by_key(|n| n.start_byte());
        out
    }

    /// tree-sitter's reuse (vendored with a patch, `reparse`) gives the tree
    /// a fresh parse gives, node for node: over every fixture and example,
    /// for every round of fix-all's edits (safe and unsafe, all rules), for
    /// a statement inserted at the start of function bodies (the edit that
    /// made tree-sitter skip every later statement before the patch), one
    /// body at a time and all at once, for the first body statement removed,
    /// and for a string opened at a body's start (the scanner state then
    /// really differs up to the end of the file).
    #[test]
    fn incremental_reparse_equals_a_fresh_parse() {
        let k = Knowledge::get();
        let all = Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() };
        let (mut rounds, mut insertions) = (0, 0);
        for (path, src) in &fixture_sources() {
            let src = src.clone();
            if src.contains('\r') || crate::syntax::parse_len(&src) < src.len() {
                continue;
            }
            let what = path.display().to_string();
            let tree = crate::syntax::parse(&src, None);
            for unsafe_fixes in [false, true] {
                let (mut text, mut t) = (src.clone(), tree.clone());
                for _ in 0..MAX_ROUNDS {
                    let findings = incremental::check_full(&text, &t, &all, k).findings;
                    let (edits, _) = select_edits(&findings, unsafe_fixes);
                    if edits.is_empty() {
                        break;
                    }
                    let Some((next, next_tree)) = reparse_equals_fresh(&text, &t, &edits, &what) else { break };
                    if next == text {
                        break;
                    }
                    rounds += 1;
                    (text, t) = (next, next_tree);
                }
            }
            let starts = body_starts(tree.root_node());
            let mut every = Vec::new();
            for first in starts.iter().take(4) {
                let at = first.start_byte();
                let indent = crate::syntax::indent_at(&src, at);
                for new_text in [format!("x = 1\n{indent}"), format!("if a is None:\n{indent}    a = []\n{indent}"), format!("s = '''\n{indent}")] {
                    reparse_equals_fresh(&src, &tree, &[Edit::insert(at, new_text)], &what);
                    insertions += 1;
                }
                // The first statement's line removed, when another follows.
                if let Some(second) = first.next_named_sibling().filter(|n| n.start_position().row > first.end_position().row) {
                    let line = at - indent.len();
                    let next_line = second.start_byte() - crate::syntax::indent_at(&src, second.start_byte()).len();
                    reparse_equals_fresh(&src, &tree, &[Edit::delete(line..next_line)], &what);
                }
                every.push(Edit::insert(at, format!("y = []\n{indent}")));
            }
            if every.len() > 1 {
                reparse_equals_fresh(&src, &tree, &every, &what);
            }
        }
        // Not vacuous: many replay rounds and body-start insertions compared.
        assert!(rounds > 200 && insertions > 300, "{rounds} {insertions}");
    }
}

#[cfg(test)]
mod reuse_tests {
    use tree_sitter::{InputEdit, Parser, Point};

    /// How many tokens tree-sitter lexes reparsing `new` from `old_text`'s
    /// tree after one insertion at `at` (counted with its logger).
    fn tokens_lexed(old_text: &str, at: usize, inserted: &str) -> usize {
        let mut parser = Parser::new();
        parser.set_language(&crate::syntax::language()).unwrap();
        let mut old = parser.parse(old_text, None).unwrap();
        let point = |text: &str, off: usize| {
            let before = &text[..off];
            Point { row: before.matches('\n').count(), column: off - before.rfind('\n').map_or(0, |i| i + 1) }
        };
        let new = format!("{}{inserted}{}", &old_text[..at], &old_text[at..]);
        old.edit(&InputEdit {
            start_byte: at,
            old_end_byte: at,
            new_end_byte: at + inserted.len(),
            start_position: point(old_text, at),
            old_end_position: point(old_text, at),
            new_end_position: point(&new, at + inserted.len()),
        });
        let lexed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = lexed.clone();
        parser.set_logger(Some(Box::new(move |_, msg: &str| {
            if msg.starts_with("lexed_lookahead") {
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })));
        let tree = parser.parse(&new, Some(&old)).unwrap();
        assert_eq!(tree.root_node().to_sexp(), crate::syntax::parse(&new, None).root_node().to_sexp());
        lexed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The vendored tree-sitter's patch is in effect: a statement inserted
    /// at the start of a method body re-lexes about that statement, not
    /// every class after it (unpatched: the whole rest of the file). A
    /// count of tokens, not a time.
    #[test]
    fn a_statement_inserted_at_a_body_start_relexes_only_nearby_tokens() {
        let mut src = String::new();
        for i in 0..200 {
            src.push_str(&format!("class C{i}:\n    def f(self):\n        a = {i}\n        return a\n\n"));
        }
        let at = src.find("a = 0").unwrap();
        let body_start = tokens_lexed(&src, at, "x = 1\n        ");
        let body_middle = tokens_lexed(&src, src.find("return a").unwrap(), "x = 1\n        ");
        // (The logger reports a lookahead at each of the 200 class
        // boundaries too: about 206 for either, and 3,995 for the first
        // before the patch.)
        assert!(body_middle < 400, "{body_middle}");
        assert!(body_start <= body_middle + 20, "inserting at a body's start re-lexed {body_start} tokens (the mid-body insertion: {body_middle})");
    }
}
