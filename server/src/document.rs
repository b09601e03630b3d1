//! An open document: its text, line index and syntax tree, kept in step by
//! incremental edits (`Tree::edit` then a reparse that reuses the old tree).

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

#[derive(Clone)]
pub struct Document {
    pub version: i32,
    pub text: String,
    pub line_index: LineIndex,
    pub tree: Tree,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let tree = syntax::parse(&text, None);
        let line_index = LineIndex::new(&text);
        Document { version, text, line_index, tree }
    }

    /// Apply `changes` in order, each against the text the previous one left,
    /// then reparse once, incrementally. Returns what changed: the edits, and
    /// the ranges of the new text that they wrote or that the reparse found
    /// changed (for incremental re-checking).
    pub fn apply_changes(&mut self, changes: &[Change], enc: Encoding, version: i32) -> ChangeSet {
        let mut touched = Vec::new();
        let mut edits = Vec::new();
        let mut full = false;
        for ch in changes {
            match ch.range {
                None => {
                    self.text = ch.text.clone();
                    self.line_index = LineIndex::new(&self.text);
                    full = true;
                    touched.clear();
                    touched.push(0..self.text.len());
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
                    if !full {
                        self.tree.edit(&edit);
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
        if full {
            self.tree = syntax::parse(&self.text, None);
        } else {
            let old = self.tree.clone();
            self.tree = syntax::parse(&self.text, Some(&old));
            touched.extend(old.changed_ranges(&self.tree).map(|r| r.start_byte..r.end_byte));
        }
        self.version = version;
        ChangeSet { edits, dirty: touched, full }
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
}
