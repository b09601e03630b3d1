//! An open document: its text, line index and syntax tree, kept in step by
//! incremental edits (`Tree::edit` then a reparse that reuses the old tree).
//!
//! Applying an edit does not parse (`apply_edits`): the edits are recorded,
//! and the tree is brought up to date once, for all of them, by whoever
//! needs it next (`reparse`, then `install`). `apply_changes` does both.
//!
//! Which old tree a reparse starts from decides its cost, not its result
//! in valid text (tree-sitter's incremental parse then equals a fresh one
//! for any old tree and the edits that lead from its text; in broken text
//! error recovery may place its ERROR nodes differently). An edit that
//! opens a bracket (and, before the vendored grammar's scanner fix,
//! `vendor/tree-sitter-python/PYEXPLAIN.md`, a string) leaves the parser
//! in a different state for every token after it, so little after the
//! edit can be reused. The edit that closes it again would pay the same
//! against that broken tree, but costs only the edited statement against
//! the last tree without a syntax error (the anchor), whose later tokens
//! have the state of the mended text. Likewise, opening the same string
//! again costs little against the last tree with an error there. So a
//! reparse starts from one of those two kept trees when the edited lines
//! suggest it (`leaves_open`), else from the current tree.

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

/// The largest text copied on the first pending edit for `stale_view`
/// (a copy per keystroke after each parse: larger files' hovers parse).
const MAX_STALE_TEXT: usize = 1 << 20;

/// Past this many edits since a kept tree, it is dropped (replaying them
/// all on every reparse would cost more than it saves).
const MAX_KEPT_EDITS: usize = 256;

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
    /// The last tree without a syntax error, and the last one with one:
    /// starting points for a reparse (see the module comment).
    anchor: Option<Kept>,
    broken: Option<Kept>,
    /// While edits are pending on `tree`: the text it was parsed from (for
    /// `stale_view`), copied when the first of them arrives.
    parsed_text: Option<std::sync::Arc<str>>,
    /// An upper bound of the text's line-start widths
    /// (`syntax::indent_bound`), kept up to date edit by edit: while it is
    /// small, the scanner guard (`syntax::parse_len`) need not read the text.
    indent_bound: u64,
}

/// An earlier tree kept as a starting point for reparses: the edits made
/// since, the ranges (of the current text) where it may differ
/// structurally from the current tree, and the lines of its syntax errors.
#[derive(Clone)]
struct Kept {
    tree: Tree,
    edits: Vec<InputEdit>,
    differs: Vec<Range<usize>>,
    errors: Vec<Range<usize>>,
    /// Every edit since lay inside `errors`: the text differs from this
    /// tree's only where this tree has its errors.
    edits_in_errors: bool,
    /// The tree's text, when it was kept while the tree was the document's
    /// (for `stale_view`: a statement whose text the edits since left as
    /// it was is read from this tree).
    text: Option<std::sync::Arc<str>>,
}

/// What `install_keeping` replaced, for the caller to drop when it suits.
pub struct Retired {
    _tree: Tree,
    _anchor: Option<Kept>,
    _broken: Option<Kept>,
}

impl Kept {
    fn new(tree: &Tree, text: &str) -> Kept {
        let errors = if tree.root_node().has_error() { error_lines(tree, text) } else { Vec::new() };
        Kept { tree: tree.clone(), edits: Vec::new(), differs: Vec::new(), errors, edits_in_errors: true, text: None }
    }

    /// Record an edit made since; false when there are too many to keep.
    fn push(&mut self, e: &InputEdit) -> bool {
        if self.edits.len() >= MAX_KEPT_EDITS {
            return false;
        }
        self.edits_in_errors &= self.errors.iter().any(|r| r.start <= e.start_byte && e.old_end_byte <= r.end);
        self.edits.push(*e);
        for r in self.differs.iter_mut().chain(self.errors.iter_mut()) {
            *r = map_range(r.clone(), e);
        }
        true
    }
}

/// The whole lines holding the ERROR and MISSING nodes of `tree` (the
/// first few dozen: a file broken all over is not worth more).
fn error_lines(tree: &Tree, text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut within: Option<Range<usize>> = None;
    for n in syntax::error_nodes(tree.root_node()) {
        if out.len() >= 64 {
            break;
        }
        // A node inside an ERROR node already taken is its line's.
        if within.as_ref().is_some_and(|w| w.start <= n.start_byte() && n.end_byte() <= w.end) {
            continue;
        }
        within = Some(n.byte_range());
        let bytes = text.as_bytes();
        let (s, e) = (n.start_byte().min(bytes.len()), n.end_byte().min(bytes.len()));
        let s = bytes[..s].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let e = bytes[e..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| e + i);
        out.push(s..e);
    }
    out
}

/// Whether the lines that `edits` (made in order, the last one leading to
/// `text`) wrote leave a string or a bracket open: then tree-sitter-python's
/// scanner carries a different state past them than it does after
/// the mended text. A guess from those lines alone (a line inside a
/// triple-quoted string misleads it), used only to choose where a reparse
/// starts, which decides its cost and never its result.
fn leaves_open(text: &str, edits: &[InputEdit]) -> bool {
    let mut span: Option<Range<usize>> = None;
    for e in edits {
        let r = e.start_byte..e.new_end_byte;
        span = Some(match span {
            None => r,
            Some(s) => {
                let m = map_range(s, e);
                m.start.min(r.start)..m.end.max(r.end)
            }
        });
    }
    let Some(span) = span else { return false };
    let bytes = text.as_bytes();
    let (s, e) = (span.start.min(bytes.len()), span.end.min(bytes.len()));
    let start = bytes[..s].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
    let end = bytes[e..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |i| e + i);
    let line = &bytes[start..end];
    let mut depth: i32 = 0;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'#' => break,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            q @ (b'"' | b'\'') => {
                let triple = line.get(i..i + 3) == Some(&[q, q, q][..]);
                let close: &[u8] = if triple { &line[i..i + 3] } else { &line[i..i + 1] };
                i += close.len();
                loop {
                    if i >= line.len() {
                        return true;
                    }
                    if line[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if line[i..].starts_with(close) {
                        i += close.len() - 1;
                        break;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    depth > 0
}

/// The ranges of `new` whose syntax may differ from `old` (edited to match
/// it): what `Tree::changed_ranges` tells, found more cheaply. The two trees
/// are compared node by node from the root, matching children by kind and
/// range. A pair is the same without going further down when it is one
/// subtree (the reparse reused it), or when neither has a syntax error and
/// they agree in parse state, child and descendant counts, and the old one
/// holds no edit: the same text, parsed from the same state, into as many
/// nodes. (tree-sitter's own comparison descends into every subtree whose
/// preceding external scanner state differs, and an edit that opens a
/// string leaves one on every later token of the file: about 40M
/// instructions on a 10,000-line file, where this compares the top-level
/// statements; after any other edit it walks every `module_repeat1` node
/// the reparse rebuilt, 2.2M instructions against this 0.85M on a typed
/// letter.) Debug builds check each such pair node by node. Used after
/// every edit.
fn structural_changes(old: &Tree, new: &Tree, text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    diff_nodes(old.root_node(), new.root_node(), 0, &mut out);
    out.sort_by_key(|r| (r.start, r.end));
    // Ranges apart by whitespace alone are one (as tree-sitter reports them).
    let blank = |a: usize, b: usize| text.as_bytes().get(a..b).is_some_and(|g| g.iter().all(|c| c.is_ascii_whitespace()));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(m) if r.start <= m.end || blank(m.end, r.start) => m.end = m.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Whether `o` (of the old tree) and `n` are the same subtree
/// (`structural_changes`): at once when they are one subtree; one the
/// reparse rebuilt is walked, when its counts match.
fn same_at_once(o: tree_sitter::Node, n: tree_sitter::Node) -> bool {
    if o.id() == n.id() || syntax::same_subtree(o, n) {
        debug_assert!(same_tree(o, n, false), "one subtree, but differs:\n{}\n{}", o.to_sexp(), n.to_sexp());
        return true;
    }
    // A subtree the reparse rebuilt although nothing in it was edited is
    // usually the same, but not always: the parse may alias a descendant
    // otherwise (`a, b` an `expression_list` before, a `pattern_list` now,
    // when a later token changes what it is), with the same counts and
    // parse state. So the counts only rule out, and a walk decides; it
    // steps over the parts both trees share (`same_tree`).
    !o.has_changes()
        && !o.has_error()
        && !n.has_error()
        && o.parse_state() == n.parse_state()
        && o.child_count() == n.child_count()
        && o.descendant_count() == n.descendant_count()
        && same_tree(o, n, true)
}

/// How deep `diff_nodes` compares before it takes a pair that differs for
/// changed as a whole (its recursion stays bounded on any tree).
const DIFF_DEPTH: usize = 48;

/// Add to `out` the ranges where the children of `o` and `n` (same kind,
/// the same place but for the root) differ; `depth` 0: they are the roots
/// (whose children, the module's statements, have no fields).
fn diff_nodes(o: tree_sitter::Node, n: tree_sitter::Node, depth: usize, out: &mut Vec<Range<usize>>) {
    let top = depth == 0;
    if same_at_once(o, n) {
        return;
    }
    if depth >= DIFF_DEPTH {
        out.push(o.byte_range());
        out.push(n.byte_range());
        return;
    }
    // An ERROR node that changed, changed as a whole (as tree-sitter says).
    if n.is_error() {
        out.push(n.byte_range());
        return;
    }
    if top {
        diff_top(o, n, out);
        return;
    }
    let (mut oc, mut nc) = (o.walk(), n.walk());
    let (mut o_more, mut n_more) = (oc.goto_first_child(), nc.goto_first_child());
    if !o_more || !n_more {
        // Two leaves: the same token unless an edit touched it.
        if !o_more && !n_more && !o.has_changes() {
            return;
        }
        out.push(n.byte_range());
        return;
    }
    // Inside a statement, one range from the first difference to the last
    // (tree-sitter's ranges span the nodes between, whose tokens it re-read).
    let first = out.len();
    while o_more || n_more {
        let (a, b) = (o_more.then(|| oc.node()), n_more.then(|| nc.node()));
        match (a, b) {
            (Some(a), Some(b)) if a.start_byte() == b.start_byte() => {
                if a.kind_id() == b.kind_id()
                    && a.end_byte() == b.end_byte()
                    && a.is_missing() == b.is_missing()
                    && a.is_named() == b.is_named()
                    && oc.field_id() == nc.field_id()
                {
                    diff_nodes(a, b, depth + 1, out);
                } else {
                    out.push(a.byte_range());
                    out.push(b.byte_range());
                }
                o_more = oc.goto_next_sibling();
                n_more = nc.goto_next_sibling();
            }
            (Some(a), b) if b.is_none_or(|b| a.start_byte() < b.start_byte()) => {
                out.push(a.byte_range());
                o_more = oc.goto_next_sibling();
            }
            (_, Some(b)) => {
                out.push(b.byte_range());
                n_more = nc.goto_next_sibling();
            }
            _ => break,
        }
    }
    if out.len() > first + 1 {
        let start = out[first..].iter().map(|r| r.start).min().unwrap_or(0);
        let end = out[first..].iter().map(|r| r.end).max().unwrap_or(0);
        out.truncate(first);
        out.push(start..end);
    }
}

/// `diff_nodes` for the two roots: their children (the module's statements,
/// which have no fields) gathered in C, then matched as `diff_nodes` matches
/// children below them (there with cursors, which also tell the fields; a
/// cursor's steps through the module's hidden `module_repeat1` nodes are
/// what this avoids). The lists leave out the pairs the two roots share
/// (`syntax::children_diff`: the hidden nodes a reparse reused are not
/// entered), which the merge would find to be one subtree and pass over;
/// debug builds compare with the full lists.
fn diff_top(o: tree_sitter::Node, n: tree_sitter::Node, out: &mut Vec<Range<usize>>) {
    #[cfg(debug_assertions)]
    let first = out.len();
    match syntax::children_diff(o, n) {
        Some((oc, nc)) => diff_lists(&oc, &nc, out),
        None => diff_lists(&syntax::children(o), &syntax::children(n), out),
    }
    #[cfg(debug_assertions)]
    {
        let mut full = Vec::new();
        diff_lists(&syntax::children(o), &syntax::children(n), &mut full);
        assert_eq!(out[first..], full[..], "the top-level diff without the shared statements differs");
    }
}

/// `diff_top`'s merge of two lists of children by start.
fn diff_lists(oc: &[tree_sitter::Node], nc: &[tree_sitter::Node], out: &mut Vec<Range<usize>>) {
    let (mut i, mut j) = (0, 0);
    while i < oc.len() || j < nc.len() {
        match (oc.get(i), nc.get(j)) {
            (Some(a), Some(b)) if a.start_byte() == b.start_byte() => {
                if syntax::same_subtree(*a, *b) {
                    // Reused by the reparse: unchanged.
                } else if a.kind_id() == b.kind_id() && a.end_byte() == b.end_byte() && a.is_missing() == b.is_missing() && a.is_named() == b.is_named() {
                    diff_nodes(*a, *b, 1, out);
                } else {
                    out.push(a.byte_range());
                    out.push(b.byte_range());
                }
                i += 1;
                j += 1;
            }
            (Some(a), b) if b.is_none_or(|b| a.start_byte() < b.start_byte()) => {
                out.push(a.byte_range());
                i += 1;
            }
            (_, Some(b)) => {
                out.push(b.byte_range());
                j += 1;
            }
            _ => break,
        }
    }
}

/// Whether `a` and `b` are the same subtree: node by node the same kinds,
/// ranges, fields, and missing or error nodes. With `shared`, a part both
/// hold as one subtree (`syntax::same_subtree`: shared by an edited copy of
/// a tree, or reused by the reparse) is taken as the same without a walk.
fn same_tree(a: tree_sitter::Node, b: tree_sitter::Node, shared: bool) -> bool {
    let (mut x, mut y) = (a.walk(), b.walk());
    loop {
        let (m, n) = (x.node(), y.node());
        if m.kind_id() != n.kind_id()
            || m.byte_range() != n.byte_range()
            || m.is_missing() != n.is_missing()
            || m.is_error() != n.is_error()
            || x.field_id() != y.field_id()
        {
            return false;
        }
        let enter = !(shared && syntax::same_subtree(m, n));
        let down = enter && x.goto_first_child();
        if down != (enter && y.goto_first_child()) {
            return false;
        }
        if down {
            continue;
        }
        loop {
            let next = x.goto_next_sibling();
            if next != y.goto_next_sibling() {
                return false;
            }
            if next {
                break;
            }
            let up = x.goto_parent();
            if up != y.goto_parent() {
                return false;
            }
            if !up {
                return true;
            }
        }
    }
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
    anchor: Option<Kept>,
    broken: Option<Kept>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let indent_bound = syntax::indent_bound(&text, 0, text.len());
        let tree = syntax::parse_prefix(&text, None, syntax::parse_len_within(&text, indent_bound));
        let line_index = LineIndex::new(&text);
        let kept = Kept::new(&tree, &text);
        let (anchor, broken) = if tree.root_node().has_error() { (None, Some(kept)) } else { (Some(kept), None) };
        Document { version, text, line_index, tree, unparsed: Vec::new(), replaced: false, edit_count: 0, unparsed_from: 0, anchor, broken, parsed_text: None, indent_bound }
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

    /// Let go of the earlier trees kept as starting points for reparses
    /// (for a document no longer being edited: they cost memory, and only
    /// save time on the next edits).
    pub fn forget_kept_trees(&mut self) {
        self.anchor = None;
        self.broken = None;
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
                    self.indent_bound = syntax::indent_bound(&self.text, 0, self.text.len());
                    full = true;
                    touched.clear();
                    touched.push(0..self.text.len());
                    self.replaced = true;
                    self.parsed_text = None;
                    self.unparsed.clear();
                    self.unparsed_from = self.edit_count;
                    self.anchor = None;
                    self.broken = None;
                }
                Some(((sl, sc), (el, ec))) => {
                    let mut start = self.line_index.offset(&self.text, sl, sc, enc);
                    let mut end = self.line_index.offset(&self.text, el, ec, enc);
                    if end < start {
                        std::mem::swap(&mut start, &mut end);
                    }
                    if self.unparsed.is_empty() && !self.replaced && self.text.len() <= MAX_STALE_TEXT {
                        self.parsed_text = Some(std::sync::Arc::from(self.text.as_str()));
                        self.share_parsed_text();
                    }
                    let start_point = point_at(&self.text, &self.line_index, start);
                    let old_end_point = point_at(&self.text, &self.line_index, end);
                    self.text.replace_range(start..end, &ch.text);
                    let new_end = start + ch.text.len();
                    self.line_index.edit(&self.text, start, end, new_end);
                    let new_end_point = point_at(&self.text, &self.line_index, new_end);
                    // The lines the edit wrote (and those a width carries
                    // into); an exact figure once it passes the limit.
                    self.indent_bound = self.indent_bound.max(syntax::indent_bound(&self.text, start, new_end));
                    if self.indent_bound > syntax::MAX_INDENT_LEVELS as u64 {
                        self.indent_bound = syntax::indent_bound(&self.text, 0, self.text.len());
                    }
                    let edit = InputEdit {
                        start_byte: start,
                        old_end_byte: end,
                        new_end_byte: new_end,
                        start_position: start_point,
                        old_end_position: old_end_point,
                        new_end_position: new_end_point,
                    };
                    self.unparsed.push(edit);
                    if self.anchor.as_mut().is_some_and(|k| !k.push(&edit)) {
                        self.anchor = None;
                    }
                    if self.broken.as_mut().is_some_and(|k| !k.push(&edit)) {
                        self.broken = None;
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
    /// tree or from a kept one (see the module comment), with the ranges
    /// that may differ structurally from the current tree. Does not change
    /// the document: `install` the result in it (or in a later version).
    pub fn reparse(&self) -> Reparsed {
        if self.replaced {
            let tree = syntax::parse_prefix(&self.text, None, syntax::parse_len_within(&self.text, self.indent_bound));
            let kept = Kept::new(&tree, &self.text);
            let (anchor, broken) = if tree.root_node().has_error() { (None, Some(kept)) } else { (Some(kept), None) };
            return Reparsed { tree, at: self.edit_count, changed: None, anchor, broken };
        }
        if self.unparsed.is_empty() {
            return Reparsed {
                tree: self.tree.clone(),
                at: self.edit_count,
                changed: Some(Vec::new()),
                anchor: self.anchor.clone(),
                broken: self.broken.clone(),
            };
        }
        // Where to start: after an edit that leaves a string or bracket
        // open, the last broken tree if the text differs from its own only
        // where it was broken (the same string opened again); after one
        // that mends, the last tree without an error.
        #[derive(PartialEq)]
        enum Base {
            Current,
            Anchor,
            Broken,
        }
        let opens = leaves_open(&self.text, &self.unparsed);
        let base = if opens {
            match &self.broken {
                Some(b) if b.edits_in_errors && !b.errors.is_empty() => Base::Broken,
                _ => Base::Current,
            }
        } else if self.anchor.is_some() {
            Base::Anchor
        } else {
            Base::Current
        };
        let (mut old, edits, base_differs): (Tree, &[InputEdit], &[Range<usize>]) = match (&base, &self.anchor, &self.broken) {
            (Base::Anchor, Some(k), _) | (Base::Broken, _, Some(k)) => (k.tree.clone(), &k.edits, &k.differs),
            _ => (self.tree.clone(), &self.unparsed, &[]),
        };
        for e in edits {
            old.edit(e);
        }
        let tree = syntax::parse_prefix(&self.text, Some(&old), syntax::parse_len_within(&self.text, self.indent_bound));
        // `structural_changes`, not tree-sitter's comparison (see there).
        let from_base: Vec<Range<usize>> = structural_changes(&old, &tree, &self.text);
        // The new tree differs from the current one only where it differs
        // from the base, or the base from the current tree.
        let mut changed = from_base.clone();
        changed.extend(base_differs.iter().cloned());
        let update = |k: &Kept, is_base: bool| -> Kept {
            let mut k = k.clone();
            if is_base {
                k.differs = from_base.clone();
            } else {
                k.differs.extend(changed.iter().cloned());
            }
            k
        };
        let fresh = Kept::new(&tree, &self.text);
        let (anchor, broken) = if tree.root_node().has_error() {
            (self.anchor.as_ref().map(|k| update(k, base == Base::Anchor)), Some(fresh))
        } else {
            (Some(fresh), self.broken.as_ref().map(|k| update(k, base == Base::Broken)))
        };
        Reparsed { tree, at: self.edit_count, changed: Some(changed), anchor, broken }
    }

    /// Install a tree made by `reparse` of this document or of an earlier
    /// version of it: the edits it covers are no longer pending; the ones
    /// made since stay pending on top of it. A tree older than the current
    /// one, or older than a replacement of the whole text, is ignored.
    /// Returns whether it was installed.
    pub fn install(&mut self, r: Reparsed) -> bool {
        self.install_keeping(r).is_some()
    }

    /// `install`, handing back the trees it replaces (None when it
    /// installs nothing): freeing the last reference to the previous tree
    /// walks it (0.3M instructions on a 10,000-line file), which the caller
    /// may do after publishing.
    pub fn install_keeping(&mut self, r: Reparsed) -> Option<Retired> {
        if r.at < self.unparsed_from || (r.at == self.unparsed_from && !self.replaced) || r.at > self.edit_count {
            return None;
        }
        let covered = (r.at - self.unparsed_from) as usize;
        self.unparsed.drain(..covered.min(self.unparsed.len()));
        let tree = std::mem::replace(&mut self.tree, r.tree);
        self.replaced = false;
        // Its text is kept only from the first pending edit on.
        self.parsed_text = None;
        self.unparsed_from = r.at;
        let later = &self.unparsed;
        let catch_up = |k: Option<Kept>| k.and_then(|mut k| later.iter().all(|e| k.push(e)).then_some(k));
        let anchor = std::mem::replace(&mut self.anchor, catch_up(r.anchor));
        let broken = std::mem::replace(&mut self.broken, catch_up(r.broken));
        Some(Retired { _tree: tree, _anchor: anchor, _broken: broken })
    }
}

impl Document {
    /// For a hover while edits are pending, so that it never waits for a
    /// parse (issue 13). A view is built from an earlier tree and the edits
    /// since: first the tree parsed before the pending edits; when that
    /// fails and that tree has a syntax error (its top-level statements are
    /// then error recovery's guess), the last tree without one (the anchor
    /// kept for reparses). Views that need no parse are tried first, from
    /// either tree. Each block of top-level statements the edits touched
    /// that starts before the end of the statement after the hovered one
    /// must be self-contained in the current text (`self_contained`: no
    /// string, bracket or line continuation left open, nothing that would
    /// join it to the statement before or after); the first one that is not
    /// (or that error recovery keeps from being delimited) is a barrier:
    /// it may reach the statement before it and everything after, so only
    /// statements whose next statement ends before it are read. Then:
    /// - a hover inside an edited block of at most `MAX_VIEW_BLOCK` bytes:
    ///   that block alone, freshly parsed (after a `pass` line when
    ///   statements come before it, so that its first statement does not
    ///   pass for the module's first: a docstring, a `__future__` import);
    ///   but a block whose text the edits left as it was in the earlier
    ///   tree (a letter typed, parsed, and deleted) is read from that tree
    ///   like an untouched one;
    /// - a hover in an untouched top-level statement whose surrounding gaps
    ///   hold no edit either: the earlier tree, with `offset` mapped into
    ///   its text (the anchor keeps its text when it was the document's
    ///   tree at the first pending edit; without it, that statement is
    ///   parsed alone, as above).
    ///
    /// Either way the hovered statement is read with the same tokens, from
    /// the same scanner state, as a full parse of the current text reads it,
    /// whenever that text is valid (`tests/stale_hover.rs`). What a view
    /// cannot know is what the rest of the file binds: names are refused
    /// here, and any answer that needs the module's facts (an attribute's
    /// name) by `analysis::hover::hover_in_view`. None: no view (the caller
    /// parses).
    pub fn stale_view(&self, offset: usize) -> Option<StaleView> {
        // Without parsing first (a statement read from an earlier tree),
        // then parsing a block alone.
        self.stale_view_pass(offset, false).or_else(|| self.stale_view_pass(offset, true))
    }

    /// One pass of `stale_view`: `parse` false, only the views that need no
    /// parse (cheap enough to answer on the thread that reads the request);
    /// true, the others.
    pub fn stale_view_pass(&self, offset: usize, parse: bool) -> Option<StaleView> {
        if self.is_parsed() || self.replaced {
            return None;
        }
        {
            let cheap = !parse;
            if self.unparsed.len() <= MAX_VIEW_EDITS {
                if let Some(old) = self.parsed_text.clone() {
                    // In a tree with a syntax error, error recovery's pieces
                    // join the blocks, and a statement is read from it only
                    // when it and its neighbours are clean (`view_from`).
                    if let Some(v) = self.view_from(&self.tree, &self.unparsed, Some(old), offset, cheap) {
                        return Some(v);
                    }
                }
            }
            if self.tree.root_node().has_error() || self.parsed_text.is_none() {
                if let Some(a) = self.anchor.as_ref().filter(|a| a.edits.len() <= MAX_VIEW_EDITS) {
                    if let Some(v) = self.view_from(&a.tree, &a.edits, a.text.clone(), offset, cheap) {
                        return Some(v);
                    }
                }
            }
        }
        if parse { self.scan_view(offset) } else { None }
    }

    /// A view with no earlier tree: the top-level statements around
    /// `offset`, found by a lexical scan of the current text from its start
    /// (`statement_starts`), parsed alone (`MAX_STALE_TEXT` at most: the
    /// scan reads the whole text).
    pub fn scan_view(&self, offset: usize) -> Option<StaleView> {
        let t = self.text.as_bytes();
        if t.len() > MAX_STALE_TEXT || offset > t.len() {
            return None;
        }
        let (starts, known) = statement_starts(t, offset);
        let i = starts.partition_point(|&p| p <= offset).checked_sub(1)?;
        let (mut lo, mut hi) = (i, i + 1);
        // A statement glued to the one before (a decorator, a header wanting
        // a body) joins it, up to a few times.
        for _ in 0..8 {
            let b = starts[lo]..starts.get(hi).copied().unwrap_or(t.len());
            if b.end > known || b.len() > MAX_VIEW_BLOCK {
                return None;
            }
            // (a decorator chain still open before the block, or at its end)
            let open_before = lo > 0 && in_open_decorator(t, &starts[..lo]);
            let open_after = in_open_decorator(t, &starts[..hi]);
            if self_contained(t, b.clone()) && !open_before && !open_after {
                // The statement before must end complete, as this block must.
                if lo > 0 {
                    self.parse_block(starts[lo - 1]..b.start, lo == 1)?;
                }
                return self.view_of(self.parse_block(b, lo == 0)?, offset);
            }
            if lo > 0 && (glued_to_before(t, b.start) || open_before) {
                lo -= 1;
            } else if hi < starts.len() && (last_line(&t[b.clone()]).is_some_and(wants_next) || open_after) {
                hi += 1;
            } else {
                return None;
            }
        }
        None
    }

    /// `b` of the current text parsed alone; `first`: `b` starts at the
    /// module's first statement (else it is parsed after a `pass` line, so
    /// that its first statement does not pass for the module's first: a
    /// docstring, a `__future__` import). None when too large, or when its
    /// last statement is incomplete: tree-sitter may then join it to the
    /// statement after it in the whole file (`def` and `f(x): ...` on two
    /// lines parse as one definition).
    fn parse_block(&self, b: Range<usize>, first: bool) -> Option<Alone> {
        if b.len() > MAX_VIEW_BLOCK {
            return None;
        }
        let prefix = if first { "" } else { "pass\n" };
        let text: std::sync::Arc<str> = std::sync::Arc::from(format!("{prefix}{}", self.text.get(b.clone())?));
        let tree = syntax::parse(&text, None);
        let root = tree.root_node();
        if root.has_error() {
            let last = crate::syntax::children(root).into_iter().filter(|n| n.kind() != "comment").last();
            if last.is_some_and(|n| n.is_error() || n.has_error() || n.is_missing()) {
                return None;
            }
        }
        Some(Alone { text, tree, prefix: prefix.len(), range: b })
    }

    /// The view of a hover at `offset` in a block parsed alone.
    fn view_of(&self, a: Alone, offset: usize) -> Option<StaleView> {
        if !(a.range.start <= offset && offset <= a.range.end) {
            return None;
        }
        let at = offset - a.range.start + a.prefix;
        if on_name(&a.tree, &a.text, at) {
            return None;
        }
        let map = ViewMap::Block { start: a.range.start, prefix: a.prefix, len: a.range.len(), edits: self.unparsed.clone() };
        Some(StaleView { text: a.text, tree: a.tree, offset: at, map })
    }

    /// `stale_view` from `tree`, which `edits` lead from to the current
    /// text; `old`: the text of `tree`, when kept. `cheap`: only a view that
    /// needs no parse (a statement read from `tree`).
    fn view_from(&self, tree: &Tree, edits: &[InputEdit], old: Option<std::sync::Arc<str>>, offset: usize, cheap: bool) -> Option<StaleView> {
        let parse_block = |b: Range<usize>, first: bool| if cheap { None } else { self.parse_block(b, first) };
        let cur = self.text.as_bytes();
        let old_len = edits.iter().rev().try_fold(cur.len(), |n, e| (n + e.old_end_byte).checked_sub(e.new_end_byte))?;
        // A position of the text after edits[..upto] in the text before them
        // (a position inside text an edit wrote goes to that edit's start,
        // or with `hi` its old end).
        let back = |mut x: usize, upto: usize, hi: bool| -> usize {
            for e in edits[..upto].iter().rev() {
                if x < e.start_byte {
                    continue;
                }
                x = if x >= e.new_end_byte {
                    x - e.new_end_byte + e.old_end_byte
                } else if hi {
                    e.old_end_byte
                } else {
                    e.start_byte
                };
            }
            x
        };
        // A position of the earlier text in the current text: before any
        // text an edit inserted there (`hi`: after it), an edited one
        // stretched to the edit's start (`hi`: its new end).
        let fwd = |mut x: usize, hi: bool| -> usize {
            for e in edits.iter() {
                x = if x < e.start_byte || (x == e.start_byte && !hi) {
                    x
                } else if x >= e.old_end_byte && (x > e.start_byte || hi) {
                    x + e.new_end_byte - e.old_end_byte
                } else if hi {
                    e.new_end_byte
                } else {
                    e.start_byte
                };
            }
            x
        };
        let root = tree.root_node();
        // Error recovery may give up on the module itself: the root is then
        // an ERROR node, and its children, clean as they may be, are no
        // module's statements (a hover finds no `module` above them).
        if root.kind() != "module" {
            return None;
        }
        let dirty: Vec<Range<usize>> = edits.iter().enumerate().map(|(i, e)| back(e.start_byte, i, false)..back(e.old_end_byte, i, true)).collect();
        let nodes: Vec<tree_sitter::Node> = crate::syntax::children(root).into_iter().filter(|c| c.kind() != "comment").collect();
        let tops: Vec<Range<usize>> = nodes.iter().map(|c| c.byte_range()).collect();
        // Each edited block, from the start of the first top-level statement
        // it touches to the start of the next untouched one, in the current
        // text; and whether it starts at the module's first statement; and
        // the same block in the text of `tree`.
        let mut blocks: Vec<(Range<usize>, bool, Range<usize>)> = Vec::new();
        // Blocks start and end at statements that begin a line unindented:
        // error recovery may leave indented pieces of a broken statement
        // at the top level; they join the block.
        // Statements with a syntax error next to a block join it too, a few
        // at most: the statement before a block must have ended cleanly.
        let unindented = |i: usize| nodes[i].start_position().column == 0;
        let clean = |i: usize| unindented(i) && !nodes[i].has_error();
        // Where the first edit that cannot be read as a block lies (in the
        // text of `tree`): its effect may reach the statement before it and
        // everything after, so only statements before those are read.
        let mut barrier = usize::MAX;
        for d in &dirty {
            let after = tops.partition_point(|r| r.start <= d.start);
            let mut first = (0..after).rev().find(|&i| unindented(i));
            // (and a statement that the edits indent joins the one before).
            let indented_now = |i: usize| cur.get(fwd(tops[i].start, false)).is_some_and(|c| indent(*c));
            for _ in 0..8 {
                match first {
                    Some(i) if i > 0 && (nodes[i - 1].has_error() || indented_now(i)) => first = (0..i).rev().find(|&j| unindented(j)),
                    _ => break,
                }
            }
            let start = first.map_or(0, |i| tops[i].start);
            if first.is_some_and(|i| i > 0 && nodes[i - 1].has_error()) {
                barrier = barrier.min(start);
                continue;
            }
            let end = (tops.partition_point(|r| r.start <= d.end)..tops.len()).find(|&i| clean(i)).map_or(old_len, |i| tops[i].start);
            let (s, e) = (fwd(start, false), fwd(end, true));
            if e < s || e > cur.len() {
                barrier = barrier.min(start);
                continue;
            }
            blocks.push((s..e, first.is_none_or(|i| i == 0), start..end));
        }
        blocks.sort_by_key(|b| b.0.start);
        let mut dirty = dirty;
        let mut merged: Vec<(Range<usize>, bool, Range<usize>)> = Vec::new();
        for (b, first, o) in blocks {
            match merged.last_mut() {
                Some((m, f, mo)) if b.start < m.end => {
                    m.end = m.end.max(b.end);
                    *f |= first;
                    mo.start = mo.start.min(o.start);
                    mo.end = mo.end.max(o.end);
                }
                _ => merged.push((b, first, o)),
            }
        }
        // Only the blocks that start before the end of the statement after
        // the hovered one (or after the hovered block) can change what is
        // hovered (see the barrier below): the others are not read.
        let hovered_end = match merged.iter().find(|(b, _, _)| b.start <= offset && offset < b.end) {
            Some((_, _, o)) => o.end,
            None => {
                let at = back(offset, edits.len(), false);
                tops.get(tops.partition_point(|r| r.end < at)).map_or(old_len, |r| r.end)
            }
        };
        let limit = tops.get(tops.partition_point(|r| r.start < hovered_end)).map_or(old_len, |r| r.end);
        merged.retain(|(_, _, o)| o.start < limit);
        for (b, _, o) in &merged {
            if !self_contained(cur, b.clone()) {
                barrier = barrier.min(o.start);
            }
        }
        merged.retain(|(_, _, o)| o.start < barrier);
        dirty.retain(|d| d.start < barrier);
        // Whether the statement that starts at or after `x` (in the text of
        // `tree`) ends before the barrier.
        let before_barrier = |x: usize| barrier == usize::MAX || tops.get(tops.partition_point(|r| r.start < x)).is_some_and(|r| r.end <= barrier);
        // A block whose text the edits left as it was in `tree` (a letter
        // typed and deleted) is not edited: its statements are read from
        // `tree`, at the same place in the block.
        let mut same: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        if let Some(old) = old.as_deref() {
            merged.retain(|(b, _, o)| {
                let kept = old.as_bytes().get(o.clone()) != cur.get(b.clone());
                if !kept {
                    dirty.retain(|d| !(o.start <= d.start && d.end <= o.end));
                    same.push((b.clone(), o.clone()));
                }
                kept
            });
        }
        // A block whose last statement is incomplete may be joined to the
        // statement after it (`parse_block`): the hovered block, and the one
        // that ends where the hovered statement begins, must end complete.
        // The other blocks cannot change the hovered statement.
        let ends_at = |x: usize| merged.iter().find(|(b, _, _)| b.end == x).map(|(b, f, _)| (b.clone(), *f));
        if let Some((b, first, o)) = merged.iter().find(|(b, _, _)| b.start <= offset && offset < b.end) {
            if !before_barrier(o.end) {
                return None;
            }
            if let Some((p, pf)) = ends_at(b.start) {
                parse_block(p, pf)?;
            }
            return self.view_of(parse_block(b.clone(), *first)?, offset);
        }
        // Outside the edited blocks: an untouched statement (a position
        // inside text an edit wrote lies in an edited block, or in one the
        // edits left as it was).
        let in_same = same.iter().find(|(b, _)| b.start <= offset && offset < b.end);
        let at = match in_same {
            Some((b, o)) => offset - b.start + o.start,
            None => back(offset, edits.len(), false),
        };
        let i = tops.partition_point(|r| r.end < at);
        if !tops.get(i).is_some_and(|r| r.start <= at) {
            return None;
        }
        // In a tree with a syntax error, only a clean statement between
        // clean neighbours is read (error recovery reaches its neighbours).
        if !clean(i) || (i > 0 && !clean(i - 1)) || (i + 1 < tops.len() && !clean(i + 1)) || !before_barrier(tops[i].end) {
            return None;
        }
        let region = tops.get(i.wrapping_sub(1)).map_or(0, |r| r.end)..tops.get(i + 1).map_or(old_len, |r| r.start);
        if dirty.iter().any(|d| d.start <= region.end && region.start <= d.end) {
            return None;
        }
        // (where the hovered statement starts in the current text)
        let here = match in_same {
            Some((b, o)) => tops[i].start - o.start + b.start,
            None => fwd(tops[i].start, false),
        };
        if let Some((p, pf)) = ends_at(here) {
            parse_block(p, pf)?;
        }
        let Some(old) = old else {
            let end = tops.get(i + 1).map_or(old_len, |r| r.start);
            let b = fwd(tops[i].start, false)..fwd(end, true);
            return if self_contained(cur, b.clone()) { self.view_of(parse_block(b, i == 0)?, offset) } else { None };
        };
        if at > old.len() || on_name(tree, &old, at) {
            return None;
        }
        let map = match in_same {
            Some((b, o)) => ViewMap::Same { old_start: o.start, start: b.start, len: b.len(), edits: self.unparsed.clone() },
            None => ViewMap::Before(edits.to_vec()),
        };
        Some(StaleView { text: old, tree: tree.clone(), offset: at, map })
    }
}

/// Whether the token a hover at `x` finds (the character at `x`, or the
/// one before when `x` follows a word) is a name. A name means what the
/// whole file binds it to (imports, a `def` that shadows a builtin), which
/// any edit may change: names wait for the parse. Keywords, operators and
/// punctuation mean what their statement makes them.
fn on_name(tree: &Tree, text: &str, x: usize) -> bool {
    let (a, b) = match text.get(x..).and_then(|t| t.chars().next()) {
        Some(c) if !c.is_whitespace() => (x, x + c.len_utf8()),
        _ => match text.get(..x).and_then(|t| t.chars().next_back()) {
            Some(p) if !p.is_whitespace() => (x - p.len_utf8(), x),
            _ => return false,
        },
    };
    tree.root_node().descendant_for_byte_range(a, b).is_some_and(|n| n.kind() == "identifier")
}

/// A block of the current text parsed alone (`Document::parse_block`).
struct Alone {
    text: std::sync::Arc<str>,
    tree: Tree,
    prefix: usize,
    range: Range<usize>,
}

/// How many statement starts past the hovered offset `scan_view` reads
/// (it joins a statement to at most 8 after it): the rest of the text is
/// not scanned.
const STARTS_PAST: usize = 10;

/// The most pending edits a view is built across.
const MAX_VIEW_EDITS: usize = 64;

/// The largest edited block `stale_view` parses on its own for a hover
/// (about 800 lines: a millisecond or two; past it, the incremental parse
/// of the whole file is the cheaper way).
const MAX_VIEW_BLOCK: usize = 32 << 10;

/// See `Document::stale_view`.
pub struct StaleView {
    pub text: std::sync::Arc<str>,
    pub tree: Tree,
    pub offset: usize,
    map: ViewMap,
}

/// How a view's text stands to the current text.
enum ViewMap {
    /// The text before the pending edits.
    Before(Vec<InputEdit>),
    /// `prefix` bytes, then the current text's `start..start + len`.
    Block { start: usize, prefix: usize, len: usize, edits: Vec<InputEdit> },
    /// An earlier text whose `old_start..old_start + len` is the current
    /// text's `start..start + len` (the edits left that block as it was).
    Same { old_start: usize, start: usize, len: usize, edits: Vec<InputEdit> },
}

/// A range of the current text that no pending edit touches, in the text
/// before them.
fn untouched_before(edits: &[InputEdit], r: &Range<usize>) -> Option<Range<usize>> {
    let mut r = r.clone();
    for e in edits.iter().rev() {
        if r.end < e.start_byte {
            continue;
        }
        if r.start > e.new_end_byte {
            let shift = |x: usize| x - e.new_end_byte + e.old_end_byte;
            r = shift(r.start)..shift(r.end);
            continue;
        }
        return None;
    }
    Some(r)
}

impl StaleView {
    /// Whether the view is an edited block parsed on its own (else the
    /// tree from before the edits).
    pub fn parsed_alone(&self) -> bool {
        matches!(self.map, ViewMap::Block { .. })
    }

    /// Whether the view reads an edited block that the edits left as it
    /// was (a letter typed and deleted) from an earlier tree.
    pub fn left_as_it_was(&self) -> bool {
        matches!(self.map, ViewMap::Same { .. })
    }

    /// A range of the view's text, in the current text.
    pub fn forward(&self, r: Range<usize>) -> Range<usize> {
        match &self.map {
            ViewMap::Before(edits) => edits.iter().fold(r, |r, e| map_range(r, e)),
            ViewMap::Block { start, prefix, .. } => {
                let to = |x: usize| x.saturating_sub(*prefix) + start;
                to(r.start)..to(r.end)
            }
            ViewMap::Same { old_start, start, len, .. } => {
                let to = |x: usize| x.clamp(*old_start, old_start + len) - old_start + start;
                to(r.start)..to(r.end)
            }
        }
    }

    /// A range of the current text that no pending edit touches, in the
    /// view's text (None: touched, or outside the view).
    pub fn back(&self, r: &Range<usize>) -> Option<Range<usize>> {
        match &self.map {
            ViewMap::Before(edits) => untouched_before(edits, r),
            ViewMap::Block { start, prefix, len, edits } => {
                untouched_before(edits, r)?;
                (r.start >= *start && r.end <= start + len).then(|| r.start - start + prefix..r.end - start + prefix)
            }
            ViewMap::Same { old_start, start, len, edits } => {
                untouched_before(edits, r)?;
                (r.start >= *start && r.end <= start + len).then(|| r.start - start + old_start..r.end - start + old_start)
            }
        }
    }
}

/// Whether the block `b` of `t` (whole top-level statements) reads the same
/// alone as in `t`: it starts a line, and its first statement neither is
/// indented nor continues a compound statement (`else`, `except`, …), either
/// of which would join it to the statement before; its last line is no
/// decorator and the statement after it starts a line unindented (else they
/// would join); and nothing in it is left open (`lexically_closed`).
fn self_contained(t: &[u8], b: Range<usize>) -> bool {
    if b.start > b.end || b.end > t.len() {
        return false;
    }
    let line_start = |x: usize| x == 0 || matches!(t[x - 1], b'\n' | b'\r');
    if !line_start(b.start) {
        return false;
    }
    if b.end < t.len() && (!line_start(b.end) || indent(t[b.end]) || clause(&t[b.end..])) {
        return false;
    }
    let block = &t[b.clone()];
    if !lexically_closed(block, b.end >= t.len()) {
        return false;
    }
    let mut lines = block.split(|c| matches!(c, b'\n' | b'\r')).filter(|l| significant(l));
    if let Some(first) = lines.next() {
        if indent(first[0]) || clause(first) {
            return false;
        }
        if wants_next(lines.last().unwrap_or(first)) {
            return false;
        }
    }
    !glued_to_before(t, b.start)
}

/// A clause that continues a compound statement (`else`, `elif`, `except`,
/// `finally`) starts `s`.
fn clause(s: &[u8]) -> bool {
    ["else", "elif", "except", "finally"]
        .iter()
        .any(|kw| s.starts_with(kw.as_bytes()) && s.get(kw.len()).is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80)))
}

fn indent(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\x0c')
}

/// A line with code on it (not blank, not only a comment).
fn significant(l: &[u8]) -> bool {
    let s = l.trim_ascii_start();
    !s.is_empty() && s[0] != b'#'
}

/// The last line with code on it in `s`.
fn last_line(s: &[u8]) -> Option<&[u8]> {
    s.split(|c| matches!(c, b'\n' | b'\r')).filter(|l| significant(l)).last()
}

/// A line that takes the statement after it: a decorator, or a line ending
/// with `:` before any comment (a header wanting its body; tree-sitter even
/// takes the next statement as an annotation after `x:`).
fn wants_next(l: &[u8]) -> bool {
    let code = l.iter().position(|c| *c == b'#').map_or(l, |i| &l[..i]);
    l.trim_ascii_start().starts_with(b"@") || code.trim_ascii_end().ends_with(b":")
}

/// Whether the last of `starts` begins a line that continues an open
/// decorator: it is glued to the line before, is no definition itself, and
/// the chain of glued lines it ends in begins with `@`. tree-sitter reads
/// `@`, a blank line and `'''doc'''` as one decorator, which then takes the
/// `class` after it.
fn in_open_decorator(t: &[u8], starts: &[usize]) -> bool {
    let line = |p: usize| t[p..].split(|c| matches!(c, b'\n' | b'\r')).next().unwrap_or(&[]).trim_ascii_start();
    let definition = |p: usize| ["def ", "class ", "async "].iter().any(|k| line(p).starts_with(k.as_bytes()));
    for &p in starts.iter().rev() {
        if line(p).starts_with(b"@") {
            return true;
        }
        if definition(p) || !glued_to_before(t, p) {
            return false;
        }
    }
    false
}

/// Whether the code line before `at` takes the statement at `at` (looked
/// for over the last few KiB: past them, assumed so).
fn glued_to_before(t: &[u8], at: usize) -> bool {
    match last_line(&t[at.saturating_sub(4096)..at]) {
        Some(l) => wants_next(l),
        None => at > 4096,
    }
}

/// The starts of the lines of `t` where a top-level statement may begin,
/// as Python's tokenizer reads strings, brackets, comments and line
/// continuations: 0, and each line start outside them whose line begins
/// unindented with code that is no `else`/`elif`/`except`/`finally`. The
/// second value: where what is known ends (the start of the line where an
/// unterminated string, an unmatched bracket or an odd continuation stopped
/// the scan, or where `STARTS_PAST` starts after `until` were found; none
/// of the starts is at or past it).
fn statement_starts(t: &[u8], until: usize) -> (Vec<usize>, usize) {
    let mut starts = vec![0];
    let mut past = 0;
    let known = match scan(t, |p| {
        if p < t.len() && significant(&t[p..p + 1]) && !clause(&t[p..]) {
            starts.push(p);
            past += (p > until) as usize;
        }
        past < STARTS_PAST
    }) {
        Ok(_) => t.len(),
        // Nothing is known from the line where the scan stopped on.
        Err(at) => t[..at].iter().rposition(|c| matches!(c, b'\n' | b'\r')).map_or(0, |i| i + 1),
    };
    starts.retain(|&p| p < known || known == t.len());
    (starts, known)
}

/// Whether `s` (whole top-level statements) leaves nothing open: every
/// string closed (on its line unless triple-quoted), brackets balanced and
/// never closed before they open, no line continuation at the end, and a
/// line break last (unless `at_end` of the text).
fn lexically_closed(s: &[u8], at_end: bool) -> bool {
    scan(s, |_| true) == Ok(true) && (at_end || s.last().is_some_and(|c| matches!(c, b'\n' | b'\r')))
}

/// Read `s` as Python's tokenizer reads strings, brackets, comments and
/// line continuations, calling `line` with each line start outside all of
/// them (a false answer stops the scan there, as an Err at that line
/// start). Ok: read to the end, and whether nothing is open there. Err: where
/// it stopped (a string unterminated on its line, a bracket closed before
/// it opens, a continuation with no line after it). The replacement fields
/// of f- and t-strings are code again and may hold any quotes and nested
/// f-strings (PEP 701); a field spread over lines, or holding a comment or
/// a backslash, stops the scan (rare; the caller then parses).
fn scan(s: &[u8], mut line: impl FnMut(usize) -> bool) -> Result<bool, usize> {
    #[derive(Clone, Copy)]
    enum Ctx {
        Str { q: u8, triple: bool, fmt: bool },
        Field { depth: i32, spec: bool },
    }
    let mut stack: Vec<Ctx> = Vec::new();
    let mut depth: i32 = 0;
    let mut i = 0;
    // A string starting at `i` (its quote): the context, and its length.
    let string_at = |i: usize| -> (Ctx, usize) {
        let q = s[i];
        let mut j = i;
        while j > 0 && s[j - 1].is_ascii_alphabetic() {
            j -= 1;
        }
        let word = &s[j..i];
        let prefix = word.len() <= 2
            && (j == 0 || !(s[j - 1].is_ascii_alphanumeric() || s[j - 1] == b'_' || s[j - 1] >= 0x80))
            && word.iter().all(|c| b"rRbBuUfFtT".contains(c));
        let fmt = prefix && word.iter().any(|c| b"fFtT".contains(c));
        let triple = s[i..].starts_with(&[q, q, q]);
        (Ctx::Str { q, triple, fmt }, if triple { 3 } else { 1 })
    };
    while i < s.len() {
        let c = s[i];
        // A quote in code (outside strings, and in a replacement field
        // before its format spec) starts a string.
        let in_code = match stack.last() {
            None => true,
            Some(Ctx::Field { spec, .. }) => !spec,
            Some(Ctx::Str { .. }) => false,
        };
        if in_code && matches!(c, b'"' | b'\'') {
            let (ctx, n) = string_at(i);
            stack.push(ctx);
            i += n;
            continue;
        }
        match stack.last().copied() {
            None => match c {
                b'#' => {
                    while i < s.len() && s[i] != b'\n' && s[i] != b'\r' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' | b'\r' if depth == 0 && !(c == b'\r' && s.get(i + 1) == Some(&b'\n')) && !line(i + 1) => return Err(i + 1),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        return Err(i);
                    }
                }
                b'\\' => {
                    // A continuation: a line break must follow, and more text.
                    let at = i;
                    // A line that starts with one (outside brackets):
                    // tree-sitter takes the next line's indentation, the
                    // tokenizer this line's.
                    if depth == 0 && s[..at].iter().rev().take_while(|c| !matches!(c, b'\n' | b'\r')).all(|c| matches!(c, b' ' | b'\t' | b'\x0c')) {
                        return Err(at);
                    }
                    i += 1;
                    if s.get(i) == Some(&b'\r') {
                        i += 1;
                    }
                    if s.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    if i >= s.len() || !matches!(s[i - 1], b'\n' | b'\r') {
                        return Err(at);
                    }
                    // A continuation onto a blank or comment line: tree-sitter
                    // and the tokenizer disagree on where statements end.
                    let next = s[i..].split(|c| matches!(c, b'\n' | b'\r')).next().unwrap_or(&[]);
                    if !significant(next) {
                        return Err(at);
                    }
                    continue;
                }
                _ => {}
            },
            Some(Ctx::Str { q, triple, fmt }) => {
                if c == b'\\' {
                    i += 2;
                    continue;
                }
                if !triple && (c == b'\n' || c == b'\r') {
                    return Err(i);
                }
                if fmt && (c == b'{' || c == b'}') {
                    if s.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    if c == b'}' {
                        return Err(i);
                    }
                    stack.push(Ctx::Field { depth: 0, spec: false });
                } else if c == q && (!triple || s[i..].starts_with(&[q, q, q])) {
                    stack.pop();
                    i += if triple { 3 } else { 1 };
                    continue;
                }
            }
            Some(Ctx::Field { depth: d, spec }) => {
                let set = |stack: &mut Vec<Ctx>, depth: i32, spec: bool| {
                    if let Some(top) = stack.last_mut() {
                        *top = Ctx::Field { depth, spec };
                    }
                };
                match c {
                    b'\n' | b'\r' | b'\\' | b'#' if !(spec && c == b'#') => return Err(i),
                    b'{' if spec => stack.push(Ctx::Field { depth: 0, spec: false }),
                    b'}' if spec || d == 0 => {
                        stack.pop();
                    }
                    _ if spec => {}
                    b'(' | b'[' | b'{' => set(&mut stack, d + 1, false),
                    b')' | b']' | b'}' => {
                        if d == 0 {
                            return Err(i);
                        }
                        set(&mut stack, d - 1, false);
                    }
                    b':' if d == 0 => set(&mut stack, 0, true),
                    _ => {}
                }
            }
        }
        i += 1;
    }
    Ok(stack.is_empty() && depth == 0)
}

impl Document {
    /// `install` a tree parsed from `text` (an earlier version of this
    /// document) while later edits arrived: they stay pending, and `text`
    /// is kept for `stale_view`.
    pub fn install_behind(&mut self, r: Reparsed, text: &str) -> bool {
        let installed = self.install(r);
        if installed && !self.is_parsed() && !self.replaced && text.len() <= MAX_STALE_TEXT {
            self.parsed_text = Some(std::sync::Arc::from(text));
            self.share_parsed_text();
        }
        installed
    }

    /// When the anchor is the tree the pending edits lead from, it keeps
    /// that tree's text (shared, not copied) for `stale_view`, so that it
    /// can still read statements from it after a broken tree replaces it.
    fn share_parsed_text(&mut self) {
        // (A node's id is its subtree's address: the root's differs between
        // copies of a tree, its children's do not.)
        let first = |t: &Tree| t.root_node().child(0).map(|n| n.id());
        let n = self.unparsed.len();
        if let Some(a) = self.anchor.as_mut().filter(|a| a.edits.len() == n && first(&a.tree).is_some() && first(&a.tree) == first(&self.tree)) {
            a.text = self.parsed_text.clone();
        }
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

    /// A seeded xorshift generator: `next(n)` is in `0..n`.
    fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
        }
    }

    /// What `lexically_closed` reads as closed, and as left open.
    /// Every node of `new` that no range of `cover` touches is, with its
    /// whole subtree, the node at the same place in `old` (edited to match).
    /// (A recheck revisits every statement that a changed range touches.)
    fn assert_same_outside(old: tree_sitter::Node, new: tree_sitter::Node, cover: &[Range<usize>], text: &str) {
        let hit = |n: tree_sitter::Node| {
            let r = n.byte_range();
            cover.iter().any(|m| m.start <= r.end && r.start <= m.end)
        };
        if !hit(new) {
            assert!(
                old.kind_id() == new.kind_id() && old.byte_range() == new.byte_range() && super::same_tree(old, new, false),
                "{:?} {:?} changed outside {cover:?}:\n{}\n{}\n{text}",
                new.kind(),
                new.byte_range(),
                old.to_sexp(),
                new.to_sexp()
            );
            return;
        }
        let mut oc = old.walk();
        let olds: Vec<tree_sitter::Node> = old.children(&mut oc).collect();
        let mut nc = new.walk();
        // (Zero-width nodes, a MISSING token or an empty ERROR, may come and
        // go unreported, as with tree-sitter's ranges: a recheck compares
        // the error ranges itself.)
        for n in new.children(&mut nc).filter(|n| n.start_byte() < n.end_byte()) {
            match olds.iter().find(|o| o.byte_range() == n.byte_range() && o.kind_id() == n.kind_id()) {
                Some(o) => assert_same_outside(*o, n, cover, text),
                None => assert!(hit(n), "{:?} {:?} new outside {cover:?}:\n{text}", n.kind(), n.byte_range()),
            }
        }
    }

    #[test]
    fn lexically_closed_reads_strings_brackets_and_fields() {
        let closed = [
            "x = 1\n",
            "x = (1,\n     2)\n",
            "s = 'a' \"b\" '''c\nd''' r'\\''\n",
            "x = 1 \\\n    + 2\n",
            "x = [1,\n\\\n    2]\n",
            "# a comment with ' and (\n",
            "y = f\"{a['k']:>{w}} {b!r:{'<'}{n}} {{}}\"\n",
            "z = f'{\"}\"}' + t'{x}' + F\"{x:#x}\"\n",
            "q = f\"{f'{x}'}\"\n",
            "d = f\"{ {'a': 1}['a'] }\"\n",
            "elf = 'x'\n",
        ];
        let open = [
            // (a line that starts with a continuation: tree-sitter and the
            // tokenizer take different indentations for what follows)
            "x = 1\n\\\n    y = 2\n",
            "x = (1,\n",
            "s = 'abc\n",
            "s = '''abc\n",
            "x = 1 \\\n",
            "x = 1",
            "y = f\"{a\"\n",
            "y = f'{'\n",
            "y = f\"{'}'\"\n",
            "y = f\"}\"\n",
            "y = f\"{x\n}\"\n",
            "y = f\"\"\"{x # c\n}\"\"\"\n",
        ];
        for s in closed {
            assert!(lexically_closed(s.as_bytes(), false), "closed: {s:?}");
        }
        for s in open {
            assert!(!lexically_closed(s.as_bytes(), false), "open: {s:?}");
        }
    }

    /// A typed letter, a new statement and opened strings in a
    /// 400-statement module: `children_diff` leaves out the statements the
    /// reparse reused (not vacuous: the lists are short where the module
    /// has hundreds of children) and `diff_top` gives what the full lists give
    /// (it compares them in debug builds).
    #[test]
    fn top_level_diff_skips_the_statements_a_reparse_reused() {
        let src: String = (0..400).map(|i| format!("def f{i}(x):\n    return x + {i}\n\n")).collect();
        let at = src.find("return x + 200").unwrap();
        // (Measured: 21, 4 and 2 children left of 400; a string opened to
        // the end of the file changes every statement after the edit.)
        for (insert, most) in [("y", 40), ("\nz = 1", 40), ("'", 40), ("\"\"\"", usize::MAX)] {
            let old_tree = crate::syntax::parse(&src, None);
            let text = format!("{}{insert}{}", &src[..at], &src[at..]);
            let mut edited = old_tree.clone();
            let start = point_at(&src, &LineIndex::new(&src), at);
            edited.edit(&tree_sitter::InputEdit {
                start_byte: at,
                old_end_byte: at,
                new_end_byte: at + insert.len(),
                start_position: start,
                old_end_position: start,
                new_end_position: point_at(&text, &LineIndex::new(&text), at + insert.len()),
            });
            let new_tree = crate::syntax::parse(&text, Some(&edited));
            let (o, n) = (edited.root_node(), new_tree.root_node());
            assert!(n.child_count() >= 400);
            let (a, b) = crate::syntax::children_diff(o, n).expect("hidden nodes nest shallowly here");
            assert!(a.len() <= most && b.len() <= most, "{insert:?}: {} and {} children left", a.len(), b.len());
            let mut out = Vec::new();
            diff_top(o, n, &mut out);
            let mut full = Vec::new();
            diff_lists(&crate::syntax::children(o), &crate::syntax::children(n), &mut full);
            assert_eq!(out, full, "{insert:?}");
            assert!(!out.is_empty(), "{insert:?}: the edit shows");
        }
    }

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
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for _round in 0..80 {
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
                        // What the reparse reports changed, with what the
                        // edits wrote, covers every structural difference
                        // from the current tree.
                        let prev = d.unparsed_edits().map(|es| {
                            let mut t = d.tree.clone();
                            for e in es {
                                t.edit(e);
                            }
                            (t, es.to_vec())
                        });
                        let r = d.reparse();
                        if let (Some((prev, edits)), Some(changed)) = (prev, &r.changed) {
                            let mut cover: Vec<Range<usize>> = changed.clone();
                            for (i, e) in edits.iter().enumerate() {
                                let mut w = e.start_byte..e.new_end_byte;
                                for later in &edits[i + 1..] {
                                    w = map_range(w, later);
                                }
                                cover.push(w);
                            }
                            cover.sort_by_key(|r| r.start);
                            let mut merged: Vec<Range<usize>> = Vec::new();
                            for c in cover {
                                match merged.last_mut() {
                                    Some(m) if c.start <= m.end => m.end = m.end.max(c.end),
                                    _ => merged.push(c),
                                }
                            }
                            // Outside the cover, the trees are the same node
                            // for node (tree-sitter's own ranges also count
                            // tokens whose preceding scanner state differs).
                            assert_same_outside(prev.root_node(), r.tree.root_node(), &merged, &d.text);
                        }
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

    /// The indentation bound kept edit by edit never falls below the one
    /// read from the whole text, whatever the edits write (indentation,
    /// backslash continuations, form feeds, line ends of every kind), so the
    /// scanner guard it stands in for gives the same length as a full read.
    #[test]
    fn kept_indent_bound_covers_the_text() {
        let snippets = [" ", "    ", "\t", "\\", "\\\n", "\n", "\r", "\r\n", "\x0c", "x", "\n        \\\n", "\n\n", "", &format!("{}\\\n", " ".repeat(64))];
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _round in 0..200 {
            let mut d = Document::new("a\n  \\\n   b\n\tc\n".to_string(), 0);
            for step in 0..40 {
                let len = d.text.len();
                let a = next(len + 1);
                let b = (a + next(4)).min(len);
                let (sl, sc) = d.line_index.position(&d.text, a, Encoding::Utf8);
                let (el, ec) = d.line_index.position(&d.text, b, Encoding::Utf8);
                let mut text = String::new();
                for _ in 0..next(4) {
                    text.push_str(snippets[next(snippets.len())]);
                }
                d.apply_edits(&[Change { range: Some(((sl, sc), (el, ec))), text }], Encoding::Utf8, step);
                let whole = syntax::indent_bound(&d.text, 0, d.text.len());
                assert!(d.indent_bound >= whole, "{} < {whole} for {:?}", d.indent_bound, d.text);
                if whole <= syntax::MAX_INDENT_LEVELS as u64 {
                    assert_eq!(syntax::parse_len(&d.text), d.text.len());
                }
            }
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
        assert!(d.anchor.is_some() && d.broken.is_some());
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

    /// The guess that chooses a reparse's base, on the edits of the bench's
    /// mix: opening a quote or a bracket leaves the line open; closing it,
    /// typing a letter or deleting leaves it closed.
    #[test]
    fn leaves_open_reads_the_edited_line() {
        let edit = |at: usize, old: usize, new: usize| InputEdit {
            start_byte: at,
            old_end_byte: at + old,
            new_end_byte: at + new,
            start_position: Point { row: 0, column: 0 },
            old_end_position: Point { row: 0, column: 0 },
            new_end_position: Point { row: 0, column: 0 },
        };
        let t = "def f():\n    \"x = g(y)\n    return x\n";
        assert!(leaves_open(t, &[edit(13, 0, 1)]));
        let t = "def f():\n    \"x = g(y)\"\n    return x\n";
        assert!(!leaves_open(t, &[edit(23, 0, 1)]));
        let t = "def f():\n    x = (g(y)\n    return x\n";
        assert!(leaves_open(t, &[edit(17, 0, 1)]));
        let t = "def f():\n    x = 'a(' # (\n    return x\n";
        assert!(!leaves_open(t, &[edit(14, 0, 1)]));
        let t = "x = '''doc\n";
        assert!(leaves_open(t, &[edit(4, 0, 3)]));
        let t = "x = 'it\\'s'\n";
        assert!(!leaves_open(t, &[edit(0, 0, 1)]));
    }
}
