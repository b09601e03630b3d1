//! An open document: its text, line index and syntax tree, kept in step by
//! incremental edits (`Tree::edit` then a reparse that reuses the old tree).
//!
//! Applying an edit does not parse (`apply_edits`): the edits are recorded,
//! and the tree is brought up to date once, for all of them, by whoever
//! needs it next (`reparse`, then `install`). `apply_changes` does both.
//!
//! Which old tree a reparse starts from decides its cost, never its result
//! (tree-sitter's incremental parse equals a fresh one for any old tree and
//! the edits that lead from its text). An edit that opens a string or a
//! bracket leaves tree-sitter-python's scanner with a different state for
//! every token after it, so nothing after the edit can be reused: 15–25 ms
//! on a 10,000-line file. The edit that closes it again would pay the same
//! against that broken tree, but costs only the edited statement against
//! the last tree without a syntax error (the anchor), whose later tokens
//! have the scanner's state of the mended text: so when the current tree
//! has an error and an anchor is kept, the reparse starts from the anchor.

use crate::line_index::{Encoding, LineIndex};
use crate::syntax;
use std::ops::Range;
use tree_sitter::{InputEdit, Point, Tree};

/// A change to a document, in (line, column) positions of some encoding;
/// `range: None` replaces the whole text.
#[derive(Clone, Debug)]
pub struct Change {
    pub range: Option<((usize, usize), (usize, usize))>,
    pub text: String,
}

/// Past this many edits since the anchor, it is dropped (replaying them all
/// on every reparse would cost more than it saves).
const MAX_ANCHOR_EDITS: usize = 256;

#[derive(Clone)]
pub struct Document {
    pub version: i32,
    pub text: String,
    pub line_index: LineIndex,
    /// The syntax tree of `text` when `is_parsed()`; otherwise the tree of
    /// an earlier text, which the unparsed edits lead from (see `reparse`).
    pub tree: Tree,
    /// Edits applied to the text since `tree` was parsed, in order.
    unparsed: Vec<InputEdit>,
    /// The whole text was replaced since `tree` was parsed (then `unparsed`
    /// holds the edits after the replacement, and only a fresh parse will do).
    replaced: bool,
    /// Edits (and replacements) applied since the document was opened, and
    /// how many of them the first entry of `unparsed` comes after.
    edit_count: u64,
    unparsed_from: u64,
    anchor: Option<Anchor>,
}

/// The last tree without a syntax error, the edits made since, and the
/// ranges (of the current text) in which some tree parsed since then
/// differed from it structurally.
#[derive(Clone)]
struct Anchor {
    tree: Tree,
    edits: Vec<InputEdit>,
    changed: Vec<Range<usize>>,
}

/// A tree for the text of a document as it was when `reparse` ran, to
/// `install` in that document or a later version of it.
#[derive(Clone)]
pub struct Reparsed {
    tree: Tree,
    /// The edit count it covers.
    at: u64,
    /// Ranges of that text that may differ structurally from the previous
    /// tree; None after a fresh parse (everything may differ).
    pub changed: Option<Vec<Range<usize>>>,
    anchor: Option<Anchor>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let tree = syntax::parse(&text, None);
        let line_index = LineIndex::new(&text);
        let anchor = (!tree.root_node().has_error()).then(|| Anchor { tree: tree.clone(), edits: Vec::new(), changed: Vec::new() });
        Document { version, text, line_index, tree, unparsed: Vec::new(), replaced: false, edit_count: 0, unparsed_from: 0, anchor }
    }

    /// Whether `tree` is the tree of `text`.
    pub fn is_parsed(&self) -> bool {
        self.unparsed.is_empty() && !self.replaced
    }

    /// The edits applied since `tree` was parsed, or None when the whole
    /// text was replaced since.
    pub fn unparsed_edits(&self) -> Option<&[InputEdit]> {
        (!self.replaced).then_some(&self.unparsed[..])
    }

    /// Apply `changes` and reparse once, incrementally. Returns what
    /// changed: the edits, and the ranges of the new text that they wrote or
    /// that the reparse found changed (for incremental re-checking).
    pub fn apply_changes(&mut self, changes: &[Change], enc: Encoding, version: i32) -> ChangeSet {
        let mut cs = self.apply_edits(changes, enc, version);
        let r = self.reparse();
        if let Some(changed) = &r.changed {
            cs.dirty.extend(changed.iter().cloned());
        }
        self.install(r);
        cs
    }

    /// Apply `changes` in order, each against the text the previous one left,
    /// without parsing: the tree is brought up to date by `reparse`. Returns
    /// the edits and the ranges of the new text they wrote.
    pub fn apply_edits(&mut self, changes: &[Change], enc: Encoding, version: i32) -> ChangeSet {
        let mut touched = Vec::new();
        let mut edits = Vec::new();
        let mut full = false;
        for ch in changes {
            self.edit_count += 1;
            match ch.range {
                None => {
                    self.text = ch.text.clone();
                    self.line_index = LineIndex::new(&self.text);
                    full = true;
                    touched.clear();
                    touched.push(0..self.text.len());
                    self.replaced = true;
                    self.unparsed.clear();
                    self.unparsed_from = self.edit_count;
                    self.anchor = None;
                }
                Some(((sl, sc), (el, ec))) => {
                    let mut start = self.line_index.offset(&self.text, sl, sc, enc);
                    let mut end = self.line_index.offset(&self.text, el, ec, enc);
                    if end < start {
                        std::mem::swap(&mut start, &mut end);
                    }
                    let start_point = point_at(&self.text, &self.line_index, start);
                    let old_end_point = point_at(&self.text, &self.line_index, end);
                    self.text.replace_range(start..end, &ch.text);
                    let new_end = start + ch.text.len();
                    self.line_index.edit(&self.text, start, end, new_end);
                    let new_end_point = point_at(&self.text, &self.line_index, new_end);
                    let edit = InputEdit {
                        start_byte: start,
                        old_end_byte: end,
                        new_end_byte: new_end,
                        start_position: start_point,
                        old_end_position: old_end_point,
                        new_end_position: new_end_point,
                    };
                    self.unparsed.push(edit);
                    if let Some(a) = &mut self.anchor {
                        if a.edits.len() >= MAX_ANCHOR_EDITS {
                            self.anchor = None;
                        } else {
                            a.edits.push(edit);
                            for r in a.changed.iter_mut() {
                                *r = map_range(r.clone(), &edit);
                            }
                        }
                    }
                    edits.push(edit);
                    // Shift earlier touched ranges that lie after this edit.
                    let delta = new_end as isize - end as isize;
                    for r in touched.iter_mut() {
                        if r.start >= end {
                            r.start = (r.start as isize + delta) as usize;
                            r.end = (r.end as isize + delta) as usize;
                        } else if r.end >= start {
                            r.end = (r.end as isize + delta).max(start as isize) as usize;
                        }
                    }
                    touched.push(start..new_end);
                }
            }
        }
        self.version = version;
        ChangeSet { edits, dirty: touched, full }
    }

    /// The tree of the current text, parsed incrementally from the current
    /// tree or from the anchor (see the module comment), with the ranges
    /// that may differ structurally from the current tree. Does not change
    /// the document: `install` the result in it (or in a later version).
    pub fn reparse(&self) -> Reparsed {
        if self.replaced {
            let tree = syntax::parse(&self.text, None);
            let anchor = (!tree.root_node().has_error()).then(|| Anchor { tree: tree.clone(), edits: Vec::new(), changed: Vec::new() });
            return Reparsed { tree, at: self.edit_count, changed: None, anchor };
        }
        if self.unparsed.is_empty() {
            return Reparsed { tree: self.tree.clone(), at: self.edit_count, changed: Some(Vec::new()), anchor: self.anchor.clone() };
        }
        let from_anchor = self.anchor.as_ref().filter(|_| self.tree.root_node().has_error());
        let (mut old, edits) = match from_anchor {
            Some(a) => (a.tree.clone(), &a.edits),
            None => (self.tree.clone(), &self.unparsed),
        };
        for e in edits {
            old.edit(e);
        }
        let tree = syntax::parse(&self.text, Some(&old));
        let mut changed: Vec<Range<usize>> = old.changed_ranges(&tree).map(|r| r.start_byte..r.end_byte).collect();
        let anchor = if !tree.root_node().has_error() {
            // The previous tree differed from the anchor where the anchor's
            // `changed` says; the new one equals neither there, maybe.
            if let Some(a) = from_anchor {
                changed.extend(a.changed.iter().cloned());
            }
            Some(Anchor { tree: tree.clone(), edits: Vec::new(), changed: Vec::new() })
        } else {
            self.anchor.as_ref().map(|a| {
                // Parsed from the anchor (the current tree has an error) or
                // the current tree is the anchor: either way `changed` is
                // now how the new tree differs from the anchor, and with
                // the anchor's old `changed`, how it differs from the current tree.
                let mut all = a.changed.clone();
                all.extend(changed.iter().cloned());
                let now = Anchor { tree: a.tree.clone(), edits: a.edits.clone(), changed: changed.clone() };
                changed = all;
                now
            })
        };
        Reparsed { tree, at: self.edit_count, changed: Some(changed), anchor }
    }

    /// Install a tree made by `reparse` of this document or of an earlier
    /// version of it: the edits it covers are no longer pending; the ones
    /// made since stay pending on top of it. A tree older than the current
    /// one, or older than a replacement of the whole text, is ignored.
    /// Returns whether it was installed.
    pub fn install(&mut self, r: Reparsed) -> bool {
        if r.at < self.unparsed_from || (r.at == self.unparsed_from && !self.replaced) || r.at > self.edit_count {
            return false;
        }
        let covered = (r.at - self.unparsed_from) as usize;
        self.unparsed.drain(..covered.min(self.unparsed.len()));
        self.tree = r.tree;
        self.replaced = false;
        self.unparsed_from = r.at;
        self.anchor = r.anchor.and_then(|mut a| {
            if a.edits.len() + self.unparsed.len() > MAX_ANCHOR_EDITS {
                return None;
            }
            for e in &self.unparsed {
                a.edits.push(*e);
                for c in a.changed.iter_mut() {
                    *c = map_range(c.clone(), e);
                }
            }
            Some(a)
        });
        true
    }
}

/// What changed between two versions: the edits in order (byte offsets of
/// the text each applies to) and the ranges of the new text that the edits
/// wrote or that the reparse found structurally changed.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub edits: Vec<InputEdit>,
    pub dirty: Vec<Range<usize>>,
    /// The whole text was replaced: only a full check will do.
    pub full: bool,
}

impl ChangeSet {
    /// Append the changes of a later version.
    pub fn extend(&mut self, later: &ChangeSet) {
        if later.full {
            self.full = true;
        }
        for e in &later.edits {
            for r in self.dirty.iter_mut() {
                *r = map_range(r.clone(), e);
            }
        }
        self.edits.extend(later.edits.iter().copied());
        self.dirty.extend(later.dirty.iter().cloned());
    }
}

/// `r` after edit `e`: shifted when after it, stretched when it overlaps it.
pub fn map_range(r: Range<usize>, e: &InputEdit) -> Range<usize> {
    let delta = e.new_end_byte as isize - e.old_end_byte as isize;
    let shift = |p: usize| (p as isize + delta).max(0) as usize;
    let start = if r.start >= e.old_end_byte { shift(r.start) } else { r.start.min(e.start_byte.max(r.start)) };
    let end = if r.end >= e.old_end_byte {
        shift(r.end)
    } else if r.end > e.start_byte {
        e.new_end_byte
    } else {
        r.end
    };
    start..end.max(start)
}

/// A tree-sitter point (row, byte column) for `offset`.
fn point_at(text: &str, idx: &LineIndex, offset: usize) -> Point {
    let (row, col) = idx.position(text, offset, Encoding::Utf8);
    Point { row, column: col }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut d = Document::new("def f():\n    return 1\n".into(), 1);
        d.apply_changes(
            &[Change { range: Some(((1, 11), (1, 12))), text: "'😀'".into() }],
            Encoding::Utf16,
            2,
        );
        assert_eq!(d.text, "def f():\n    return '😀'\n");
        d.apply_changes(
            &[Change { range: Some(((1, 12), (1, 14))), text: "ab".into() }],
            Encoding::Utf16,
            3,
        );
        assert_eq!(d.text, "def f():\n    return 'ab'\n");
        let fresh = Document::new(d.text.clone(), 3);
        assert_eq!(d.tree.root_node().to_sexp(), fresh.tree.root_node().to_sexp());
    }

    /// Edits recorded without parsing, reparsed at random moments (from the
    /// current tree or from the anchor), and trees installed into versions
    /// that moved on meanwhile: the tree always equals a fresh parse of the
    /// text it was made for, and one of the current text once installed.
    #[test]
    fn coalesced_reparses_match_a_fresh_parse() {
        let base = "import os\n\ndef f(x):\n    y = x + 1\n    return y\n\nclass C:\n    def m(self):\n        return 'a'\n\nz = f(2)\n";
        let snippets = ["\"", "'", "(", ")", "x", "\n", "    ", "\"\"\"", "#", ":", "\\", "é", ""];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
        };
        for _round in 0..40 {
            let mut d = Document::new(base.to_string(), 0);
            let mut held: Option<(Reparsed, String)> = None;
            for step in 0..30 {
                let len = d.text.len();
                let mut a = next(len + 1);
                while !d.text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (a + next(3)).min(len);
                while !d.text.is_char_boundary(b) {
                    b -= 1;
                }
                let (sl, sc) = d.line_index.position(&d.text, a, Encoding::Utf8);
                let (el, ec) = d.line_index.position(&d.text, b, Encoding::Utf8);
                let text = snippets[next(snippets.len())].to_string();
                let change = if next(40) == 0 { Change { range: None, text: d.text.clone() + &text } } else { Change { range: Some(((sl, sc), (el, ec))), text } };
                d.apply_edits(&[change], Encoding::Utf8, step);
                match next(4) {
                    0 => {
                        let r = d.reparse();
                        assert_eq!(r.tree.root_node().to_sexp(), syntax::parse(&d.text, None).root_node().to_sexp(), "{}", d.text);
                        held = Some((r, d.text.clone()));
                    }
                    1 => {
                        if let Some((r, _)) = held.take() {
                            d.install(r);
                        }
                    }
                    2 => {
                        let r = d.reparse();
                        assert!(d.install(r));
                        assert!(d.is_parsed());
                        assert_eq!(d.tree.root_node().to_sexp(), syntax::parse(&d.text, None).root_node().to_sexp(), "{}", d.text);
                    }
                    _ => {}
                }
            }
            let r = d.reparse();
            d.install(r);
            assert!(d.is_parsed());
            assert_eq!(d.tree.root_node().to_sexp(), syntax::parse(&d.text, None).root_node().to_sexp(), "{}", d.text);
        }
    }

    /// Opening a string, then closing it: the reparse after the closing edit
    /// starts from the anchor (the tree before the string was opened), and
    /// the changed ranges it reports cover every difference from the broken
    /// tree, so a recheck based on the broken version misses nothing.
    #[test]
    fn mending_reparse_starts_from_the_anchor() {
        let src = "def f():\n    x = 1\n    return x\n\ndef g():\n    return 2\n";
        let mut d = Document::new(src.into(), 0);
        let open = d.apply_changes(&[Change { range: Some(((1, 4), (1, 4))), text: "\"".into() }], Encoding::Utf8, 1);
        assert!(d.tree.root_node().has_error());
        assert!(d.anchor.is_some());
        let broken = d.tree.clone();
        assert!(!open.dirty.is_empty());
        let close = d.apply_changes(&[Change { range: Some(((1, 4), (1, 5))), text: "".into() }], Encoding::Utf8, 2);
        assert_eq!(d.text, src);
        assert!(!d.tree.root_node().has_error());
        // The broken tree's error lies inside the reported ranges.
        let mut old = broken;
        for e in &close.edits {
            old.edit(e);
        }
        for r in old.changed_ranges(&d.tree) {
            assert!(close.dirty.iter().any(|c| c.start <= r.start_byte && r.end_byte <= c.end), "{r:?} not in {:?}", close.dirty);
        }
    }
}
