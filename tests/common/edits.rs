//! The random-edit driver shared by `tests/incremental.rs` and
//! `tests/hostile.rs`: a seeded generator, byte-range edits with their undo,
//! and a session that applies random edits (one to three per version, in
//! bursts, sometimes undone) and compares each incremental recheck with a
//! full check of the same text.
#![allow(dead_code)]

use pyexplain::analysis::incremental::{self, ChangeSet, Checked};
use pyexplain::analysis::Finding;
use pyexplain::config::Settings;
use pyexplain::document::{Change, Document};
use pyexplain::knowledge::Knowledge;
use pyexplain::line_index::Encoding;

/// A small deterministic generator (xorshift64*), so failures reproduce.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// The largest char boundary of `s` at or before `i`.
pub fn char_floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Replace bytes `start..end` of the current text with `text`.
#[derive(Debug, Clone)]
pub struct ByteEdit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl ByteEdit {
    /// As an LSP-style change in UTF-8 (line, column) positions of `doc`.
    pub fn change(&self, doc: &Document) -> Change {
        let (sl, sc) = doc.line_index.position(&doc.text, self.start, Encoding::Utf8);
        let (el, ec) = doc.line_index.position(&doc.text, self.end, Encoding::Utf8);
        Change { range: Some(((sl, sc), (el, ec))), text: self.text.clone() }
    }
    /// The edit that undoes this one, given the text it applied to.
    pub fn undo(&self, before: &str) -> ByteEdit {
        ByteEdit { start: self.start, end: self.start + self.text.len(), text: before[self.start..self.end].to_string() }
    }
}

/// A random edit of `text`: an insertion, a short or long deletion or a
/// replacement up to the end of the line, with `insert` choosing the text.
pub fn random_edit(rng: &mut Rng, text: &str, insert: impl FnOnce(&mut Rng) -> String) -> ByteEdit {
    let a = char_floor(text, rng.below(text.len() + 1));
    let b = match rng.below(4) {
        0 => a,
        1 => char_floor(text, a + rng.below(4)),
        2 => char_floor(text, a + rng.below(40)),
        _ => char_floor(text, text[a..].find('\n').map_or(text.len(), |i| a + i + 1)),
    };
    ByteEdit { start: a, end: b.max(a), text: insert(rng) }
}

pub fn show(fs: &[Finding]) -> String {
    fs.iter().map(|f| format!("{:?}", f)).collect::<Vec<_>>().join("\n  ")
}

/// What a session did.
#[derive(Debug, Default)]
pub struct Tally {
    pub rechecks: usize,
    pub undos: usize,
}

/// Apply `steps` versions of random edits to `src` (each version one to
/// three edits from `next_edit`, or the undo of the last version's edits); after
/// most versions (the others form bursts) recheck incrementally and compare
/// with a full check of the same text. Err: a description of the first
/// difference, with the text before and after and the findings of both.
pub fn session(
    name: &str,
    src: &str,
    settings: &Settings,
    rng: &mut Rng,
    steps: usize,
    mut next_edit: impl FnMut(&mut Rng, &str) -> ByteEdit,
) -> Result<Tally, String> {
    let k = Knowledge::get();
    let mut doc = Document::new(src.to_string(), 0);
    let mut checked: Checked = incremental::check_full(&doc.text, &doc.tree, settings, k);
    let mut pending = ChangeSet::default();
    let mut prev_text = doc.text.clone();
    let mut applied: Vec<ByteEdit> = Vec::new();
    let mut tally = Tally::default();
    let mut log: Vec<ByteEdit> = Vec::new();
    for step in 0..steps {
        let edits: Vec<ByteEdit> = if !applied.is_empty() && rng.chance(5) {
            tally.undos += 1;
            // Undo the last version: its edits' undos, last first.
            std::mem::take(&mut applied)
        } else {
            let mut out = Vec::new();
            let mut text = doc.text.clone();
            let mut undos = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let e = next_edit(rng, &text);
                undos.push(e.undo(&text));
                text.replace_range(e.start..e.end, &e.text);
                out.push(e);
            }
            undos.reverse();
            applied = undos;
            out
        };
        // Each change is relative to the text the previous one left: apply one at a time.
        for e in &edits {
            let c = e.change(&doc);
            let cs = doc.apply_changes(std::slice::from_ref(&c), Encoding::Utf8, step as i32 + 1);
            pending.extend(&cs);
            log.push(e.clone());
        }
        if rng.chance(3) {
            continue; // a burst: recheck later, over several versions at once
        }
        let panics = pyexplain::analysis::rules::caught_rule_panics();
        let inc = incremental::recheck(&checked, &pending, &doc.text, &doc.tree, settings, k);
        let full = incremental::check_full(&doc.text, &doc.tree, settings, k);
        // A rule that panics (a failed debug assertion, in a test build) is
        // caught by the dispatch and loses its findings: none may.
        if pyexplain::analysis::rules::caught_rule_panics() != panics {
            return Err(format!("{name}, step {step}: a rule panicked (see above)\n--- before\n{prev_text}\n--- edits {log:?}\n--- text\n{}", doc.text));
        }
        if inc.findings != full.findings {
            return Err(format!(
                "{name}, step {step}: incremental differs from full\n--- before\n{prev_text}\n--- edits {:?}\n--- prev findings\n  {}\n--- text\n{}\n--- incremental\n  {}\n--- full\n  {}",
                log,
                show(&checked.findings),
                doc.text,
                show(&inc.findings),
                show(&full.findings)
            ));
        }
        tally.rechecks += 1;
        checked = inc;
        pending = ChangeSet::default();
        prev_text = doc.text.clone();
        log.clear();
    }
    Ok(tally)
}
