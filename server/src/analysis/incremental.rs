//! Incremental re-checking: after an edit, run the rules again only on the
//! top-level statements the edit (or tree-sitter's reparse) touched, and
//! shift every other finding by the edit's byte delta. (A rule may also
//! read the statement just before or just after the one it reports on: the
//! statements around each touched one are revisited too.)
//!
//! Correctness rests on the rule contract of `rules::Scope`: a finding
//! depends on its enclosing top-level statement and on `ModuleFacts`, or the
//! rule is dispatched on the `module` node. So the recheck falls back to a
//! full check whenever the module facts change, and always reruns the
//! `module`-dispatched rules. A property test (`tests/incremental.rs`)
//! compares the result with a full check after random edit sequences.

use super::rules::{self, RawFindings};
use super::scope::ModuleFacts;
use super::{Context, Edit, Finding};
/// Re-exported: the syntax layer (`document`) produces it, rechecking reads it.
pub use crate::document::ChangeSet;
use crate::document::map_range;
use crate::config::Settings;
use crate::knowledge::Knowledge;
use std::ops::Range;
use tree_sitter::{InputEdit, Node, Tree};
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// The findings of one version of a document, and what a recheck needs.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    facts: std::sync::Arc<ModuleFacts>,
    /// Bodies of the top-level functions and classes: an edit inside one
    /// (before and after) cannot change the module facts.
    bodies: Vec<Range<usize>>,
    /// Whether an ERROR or MISSING node covers the point where fixes add
    /// imports (`ModuleFacts::import_insert_at`): `finish` then drops every
    /// fix adding an import, in statements however far away. When this
    /// changes, kept findings would keep the wrong fixes.
    import_blocked: bool,
    /// The ERROR and MISSING ranges of the checked tree: findings that
    /// overlap one are dropped (`finish`), so where one appears or vanishes
    /// the statements around it are revisited, edited or not.
    error_ranges: Vec<Range<usize>>,
    /// The top-level statements whose subtree is at least
    /// `MAX_RULE_HEIGHT` levels tall (then the module is too tall for the
    /// `module`-dispatched rules), once a recheck has needed it or a full
    /// check found the tree not too tall (then none): kept up to date per
    /// statement, so a keystroke does not measure the whole tree.
    deep: Option<Vec<Range<usize>>>,
    /// The module-level code statements (not definitions or comments) whose
    /// text holds one of the needles of the rules that read their sibling
    /// statements (`Rule::sibling_needles`), with those needles; kept up to
    /// date per statement like `deep`, so a keystroke does not read every
    /// module-level statement.
    sibling_stmts: Option<(Vec<&'static str>, Vec<Range<usize>>)>,
    /// The names of the top-level classes (`class_name`), kept
    /// per statement like `bodies`: a recheck narrows a class to its header
    /// only where the old name, mapped through the edits, is the new one.
    class_names: Vec<Range<usize>>,
}

fn import_blocked(error_ranges: &[Range<usize>], at: usize) -> bool {
    crate::syntax::overlaps_any(error_ranges, &(at..at))
}

/// A position after edit `e`, or None when the edit replaced it.
fn map_pos(p: usize, e: &InputEdit) -> Option<usize> {
    if p >= e.old_end_byte {
        Some((p as isize + e.new_end_byte as isize - e.old_end_byte as isize) as usize)
    } else if p <= e.start_byte {
        Some(p)
    } else {
        None
    }
}

/// A range after all `edits`, or None when one of them cut into it.
/// An empty range (an insertion point) survives an edit that starts or ends
/// on it only if it lies outside the replaced text.
fn map_span(r: &Range<usize>, edits: &[InputEdit]) -> Option<Range<usize>> {
    let (mut s, mut t) = (r.start, r.end);
    for e in edits {
        // Text strictly inside the finding was replaced: not mappable.
        if e.start_byte < t && e.old_end_byte > s {
            return None;
        }
        if s == t && e.start_byte <= s && s < e.old_end_byte.max(e.start_byte + 1) && e.start_byte != e.old_end_byte {
            return None;
        }
        s = map_pos(s, e)?;
        t = map_pos(t, e)?;
    }
    Some(s..t)
}

fn map_finding(f: &Finding, edits: &[InputEdit]) -> Option<Finding> {
    let mut out = f.clone();
    out.range = map_span(&f.range, edits)?;
    for fix in out.fixes.iter_mut() {
        for e in fix.edits.iter_mut() {
            *e = Edit { range: map_span(&e.range, edits)?, new_text: std::mem::take(&mut e.new_text) };
        }
    }
    Some(out)
}

impl Checked {
    /// The module facts of the checked text (hover reuses them).
    pub fn facts(&self) -> &ModuleFacts {
        &self.facts
    }
}

/// Check the whole document.
pub fn check_full(src: &str, tree: &Tree, settings: &Settings, k: &Knowledge) -> Checked {
    let cx = Context::new(src, tree, settings);
    let enabled = rules::enabled_rules(settings, k);
    let raw = rules::run(&cx, &enabled);
    let import_blocked = import_blocked(&raw.error_ranges, cx.module.import_insert_at);
    let error_ranges = raw.error_ranges.clone();
    // The walk measured the tree: when it is not too tall, no top-level
    // statement is deep (each is a level lower), and the first recheck
    // need not measure them all (a pass over the whole tree).
    let deep = raw.shallow.then(Vec::new);
    let findings = super::finish(raw, &cx, k);
    let root = tree.root_node();
    debug_assert!(deep.is_none() || crate::syntax::children(root).into_iter().all(|c| !is_deep(c)), "a shallow tree with a deep statement");
    Checked {
        findings,
        facts: cx.module,
        bodies: top_level_bodies(root),
        import_blocked,
        error_ranges,
        deep,
        sibling_stmts: None,
        class_names: crate::syntax::named_children(root).into_iter().filter_map(class_name).collect(),
    }
}

/// Whether top-level statement `top` is at least `MAX_RULE_HEIGHT` levels tall.
fn is_deep(top: Node) -> bool {
    let limit = rules::MAX_RULE_HEIGHT.saturating_sub(1);
    top.descendant_count() >= limit && rules::taller_than(top, limit)
}

/// `node` and every class nested in it, in document order. A class is a
/// statement, so only the nodes that hold statements (blocks, compound
/// statements and their clauses, definitions, error nodes) are entered, and
/// only when their text holds the keyword `class`: a long class's methods'
/// expressions are never read. The children of a node are read in one pass,
/// `syntax::named_children`, where a cursor paid for every step through a
/// hidden node.
fn classes_within<'t>(node: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let finder = memchr::memmem::Finder::new(b"class");
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "class_definition" {
            out.push(n);
        }
        for c in crate::syntax::named_children(n).into_iter().rev() {
            if holds_statements(c) && finder.find(src.as_bytes().get(c.byte_range()).unwrap_or_default()).is_some() {
                stack.push(c);
            }
        }
    }
    #[cfg(debug_assertions)]
    {
        // Every class, found by entering every named node.
        let mut all = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.kind_name() == "class_definition" {
                all.push(n);
            }
            stack.extend(crate::syntax::named_children(n).into_iter().rev());
        }
        assert_eq!(out, all, "classes_within skipped a class");
    }
    out
}

/// Whether a class definition can lie inside `n`: `n` is a class itself or
/// one of the nodes a statement can stand in (tree-sitter-python puts a
/// statement only in a module, a block, a compound statement's clause, a
/// decorated definition or an error node).
fn holds_statements(n: Node) -> bool {
    matches!(
        n.kind_name(),
        "class_definition"
            | "block"
            | "function_definition"
            | "decorated_definition"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "match_statement"
            | "case_clause"
            | "module"
            | "ERROR"
    )
}

/// A module-level statement of code: named, not a definition nor a comment.
pub(crate) fn is_module_code(c: Node) -> bool {
    c.is_named() && !is_definition(c) && c.kind_name() != "comment"
}

/// Whether `r` overlaps (strictly, as `overlaps`) a module-level statement
/// of code (`is_module_code`).
fn in_module_code(root: Node, r: &Range<usize>) -> bool {
    let mut n = root.first_child_for_byte(r.start);
    while let Some(c) = n {
        let d = c.byte_range();
        if d.start > r.end || (d.start == r.end && !r.is_empty()) {
            break;
        }
        if is_module_code(c) && overlaps(std::slice::from_ref(&d), r) {
            return true;
        }
        n = c.next_sibling();
    }
    false
}

/// A top-level function or class definition (possibly decorated).
fn is_definition(n: Node) -> bool {
    matches!(n.kind_name(), "function_definition" | "class_definition" | "decorated_definition")
}

/// The `body` ranges of top-level (possibly decorated) functions and classes.
fn top_level_bodies(root: Node) -> Vec<Range<usize>> {
    crate::syntax::named_children(root).into_iter().filter_map(definition_body).collect()
}

/// The `body` range of `c`, a (possibly decorated) function or class.
fn definition_body(c: Node) -> Option<Range<usize>> {
    if !c.is_named() {
        return None;
    }
    let def = if c.kind_name() == "decorated_definition" { c.child_by_field_id(crate::field_id!("definition")) } else { Some(c) };
    let d = def.filter(|d| matches!(d.kind_name(), "function_definition" | "class_definition"))?;
    d.child_by_field_id(crate::field_id!("body")).map(|b| b.byte_range())
}

/// The name's range of `c`, a (possibly decorated) class.
fn class_name(c: Node) -> Option<Range<usize>> {
    let def = if c.kind_name() == "decorated_definition" { c.child_by_field_id(crate::field_id!("definition"))? } else { c };
    (def.kind_name() == "class_definition").then(|| def.child_by_field_id(crate::field_id!("name")).map(|n| n.byte_range()))?
}

/// Whether `r` lies strictly inside the body of a top-level function or
/// class of the tree under `root` (`all_inside` of `top_level_bodies`,
/// reading only the statement at `r`).
fn inside_body_now(root: Node, r: &Range<usize>) -> bool {
    let Some(c) = root.first_child_for_byte(r.start) else { return false };
    definition_body(c).is_some_and(|b| b.start < r.start && r.end < b.end)
}

/// Whether every range lies strictly inside one of `bodies` (sorted).
fn all_inside(ranges: &[Range<usize>], bodies: &[Range<usize>]) -> bool {
    ranges.iter().all(|r| {
        let i = bodies.partition_point(|b| b.end <= r.start);
        bodies.get(i).is_some_and(|b| b.start < r.start && r.end < b.end)
    })
}

/// Bring `prev` (the findings of the text before `changes`) up to date with
/// `src`/`tree`, doing as little work as the rule contract allows.
pub fn recheck(prev: &Checked, changes: &ChangeSet, src: &str, tree: &Tree, settings: &Settings, k: &Knowledge) -> Checked {
    let root = tree.root_node();
    if changes.full {
        return check_full(src, tree, settings, k);
    }
    let insert_at = match map_span(&(prev.facts.import_insert_at..prev.facts.import_insert_at), &changes.edits) {
        Some(r) => r.start,
        None => return check_full(src, tree, settings, k),
    };
    // Module facts come from top-level statements, but a function or class
    // contributes only its name: when every change lies inside the body of
    // one, before the edit and after it, the facts stay as they were (shared,
    // not copied: this is the common keystroke).
    // (The new tree's bodies are read only around the changes: reading
    // them all cost a walk of the module's statements per keystroke.)
    let old_bodies: Vec<Range<usize>> =
        prev.bodies.iter().map(|b| changes.edits.iter().fold(b.clone(), |r, e| map_range(r, e))).collect();
    let mut renamed: Vec<String> = Vec::new();
    debug_assert_eq!(
        changes.dirty.iter().all(|r| inside_body_now(root, r)),
        all_inside(&changes.dirty, &top_level_bodies(root))
    );
    let facts = if changes.dirty.iter().all(|r| inside_body_now(root, r)) && all_inside(&changes.dirty, &old_bodies) {
        let mut facts = prev.facts.clone();
        if facts.import_insert_at != insert_at {
            std::sync::Arc::make_mut(&mut facts).import_insert_at = insert_at;
        }
        facts
    } else {
        let old = &prev.facts;
        let facts = ModuleFacts::collect(root, src);
        // Imports decide qualified names and where fixes add imports: any
        // change there and only a full check is sure. A changed module-level
        // binding matters only to statements that mention the name.
        if old.imports != facts.imports
            || old.star_imports != facts.star_imports
            || old.imported_modules != facts.imported_modules
            || insert_at != facts.import_insert_at
        {
            return check_full(src, tree, settings, k);
        }
        renamed.extend(old.bindings.symmetric_difference(&facts.bindings).cloned());
        for (name, header) in old.functions.iter().chain(facts.functions.iter()) {
            let other = if facts.functions.get(name) == Some(header) { old.functions.get(name) } else { None };
            if other != Some(header) && !renamed.contains(name) {
                renamed.push(name.clone());
            }
        }
        std::sync::Arc::new(facts)
    };

    // Dirty ranges, widened to whole lines (a comment added at the end of a
    // line can suppress a finding of the statement it follows), then to the
    // top-level statements they touch.
    // Syntax errors that appeared or vanished where the reparse reports no
    // change (a zero-width MISSING node after an untouched statement) change
    // which findings there are dropped: revisit them as if edited.
    let errors_now = error_ranges(root);
    let errors_before: Vec<Range<usize>> =
        prev.error_ranges.iter().map(|r| changes.edits.iter().fold(r.clone(), |r, e| map_range(r, e))).collect();
    let mut changed: Vec<Range<usize>> = changes.dirty.clone();
    changed.extend(errors_before.iter().filter(|r| !errors_now.contains(r)).cloned());
    changed.extend(errors_now.iter().filter(|r| !errors_before.contains(r)).map(|r| r.start.min(src.len())..r.end.min(src.len())));
    let dirty: Vec<Range<usize>> = changed.iter().map(|r| widen_to_lines(src, r.clone())).collect();
    let mut tops = top_level_touching(root, &dirty);
    let touched = tops.clone();
    // Bodies: unchanged statements keep theirs; touched ones are read (a
    // statement that only touches a touched one is not itself touched).
    let bodies: Vec<Range<usize>> = {
        let mut out: Vec<Range<usize>> = prev
            .bodies
            .iter()
            .filter_map(|b| map_span(b, &changes.edits))
            .filter(|b| {
                !touches(&dirty, b)
                    && !tops.iter().any(|t| {
                        let t = t.byte_range();
                        (t.start < b.end && b.start < t.end) || (t.start <= b.start && b.end <= t.end)
                    })
            })
            .collect();
        out.extend(tops.iter().filter_map(|t| definition_body(*t)));
        out.sort_by_key(|r| (r.start, r.end));
        out
    };
    debug_assert_eq!(bodies, top_level_bodies(root), "bodies kept per statement differ from the tree's");
    // Class names likewise; the old ones, mapped, tell which names stayed.
    let old_names: Vec<Range<usize>> = prev.class_names.iter().filter_map(|r| map_span(r, &changes.edits)).collect();
    let class_names: Vec<Range<usize>> = {
        let mut out: Vec<Range<usize>> = old_names
            .iter()
            .filter(|r| !touches(&dirty, r) && !tops.iter().any(|t| t.start_byte() <= r.start && r.end <= t.end_byte()))
            .cloned()
            .collect();
        out.extend(tops.iter().filter_map(|t| class_name(*t)));
        out.sort_by_key(|r| (r.start, r.end));
        out.dedup();
        out
    };
    debug_assert_eq!(
        class_names,
        crate::syntax::named_children(root).into_iter().filter_map(class_name).collect::<Vec<_>>(),
        "class names kept per statement differ from the tree's"
    );
    // Inside a top-level class, an edit within one method's body or
    // parameter list re-walks that method only (classes can be long); rules
    // dispatched on the class itself run again on it, since they may read
    // any method.
    let mut narrowed_classes: Vec<(Node, Node)> = Vec::new();
    let mut methods: Vec<Node> = Vec::new();
    // An edit confined to a top-level class's header after its name (a fix
    // dropping `(object)`, `metaclass=ABCMeta` becoming `ABC`): the header's
    // nodes are walked, the rules dispatched on the class run again, and so
    // do the rules that read the header from inside (`reads_class_header`)
    // over the whole statement; nothing else in the body can have changed.
    let enabled = rules::enabled_rules(settings, k);
    let decorated_rules = enabled.rules().iter().any(|r| r.kinds().contains(&"decorated_definition"));
    let mut headers: Vec<(Node, Node)> = Vec::new();
    tops.retain(|t| match narrow_to_methods(*t, &changed, &dirty, src) {
        Some((class, ms)) => {
            narrowed_classes.push((class, *t));
            for m in ms {
                if !methods.iter().any(|x| x.id() == m.id()) {
                    methods.push(m);
                }
            }
            false
        }
        None => match narrow_to_header(*t, &changed, &dirty, &old_names) {
            Some(class) if !(decorated_rules && t.kind_name() == "decorated_definition") => {
                narrowed_classes.push((class, *t));
                headers.push((class, *t));
                false
            }
            _ => true,
        },
    });
    if !headers.is_empty() {
        HEADER_RECHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    // Heights: unchanged statements keep theirs; touched ones are measured.
    // A class narrowed to some methods, in a text with no deep statement
    // before: the changes lie inside those methods, so every other node of
    // the class stands where it stood, at most `limit` levels down; the
    // class is deep now only if one of those methods reaches `limit` from
    // the class (a long class is not walked through for its height).
    let all_shallow = prev.deep.as_ref().is_some_and(Vec::is_empty);
    let deep_now = |t: &Node| -> bool {
        let narrowed = all_shallow && narrowed_classes.iter().any(|(_, top)| top.id() == t.id()) && !headers.iter().any(|(_, top)| top.id() == t.id());
        if !narrowed {
            return is_deep(*t);
        }
        let limit = rules::MAX_RULE_HEIGHT.saturating_sub(1);
        methods.iter().filter(|m| t.start_byte() <= m.start_byte() && m.end_byte() <= t.end_byte()).any(|m| {
            // `m`'s depth below the class statement.
            let mut d = 0;
            let mut cur = Some(*m);
            while let Some(n) = cur.filter(|n| n.id() != t.id()) {
                d += 1;
                cur = n.up();
            }
            let rest = limit.saturating_sub(d);
            m.descendant_count() >= rest && rules::taller_than(*m, rest)
        })
    };
    let deep: Vec<Range<usize>> = match &prev.deep {
        Some(d) => {
            let mut out: Vec<Range<usize>> = d
                .iter()
                .filter_map(|r| map_span(r, &changes.edits))
                .filter(|r| !touched.iter().any(|t| t.start_byte() <= r.end && r.start <= t.end_byte()))
                .collect();
            out.extend(touched.iter().filter(|t| deep_now(t)).map(|t| t.byte_range()));
            out
        }
        None => {
            crate::syntax::children(root).into_iter().filter(|c| is_deep(*c)).map(|c| c.byte_range()).collect()
        }
    };
    // Every part of the header but the body: its nodes are walked again.
    let header_parts: Vec<Node> = headers
        .iter()
        .flat_map(|(class, _)| crate::syntax::children(*class).into_iter().filter(|c| Some(c.id()) != class.child_by_field_id(crate::field_id!("body")).map(|b| b.id())))
        .collect();
    for m in methods.clone() {
        let Some(block) = m.parent() else { continue };
        crate::syntax::each_named_sibling(block, m, src, true, |c| {
            if !methods.iter().any(|x| x.id() == c.id()) {
                methods.push(c);
            }
            c.kind_name() == "comment"
        });
    }
    // A rule may look at the statement just before the one it reports on (a
    // docstring is the first statement; an attribute docstring follows an
    // assignment): revisit the statement after each touched one too.
    let mut next = Vec::new();
    for t in &tops {
        crate::syntax::each_named_sibling(root, *t, src, true, |c| {
            next.push(c);
            c.kind_name() == "comment"
        });
    }
    // And one may look at the statement just after (`slice-style`'s
    // parallel neighbour, `manual-grouping-defaultdict`'s `append` after its
    // `if`): revisit the statement before each touched one, unless it is a
    // function or class, whose findings never read past their own body.
    for t in &tops {
        crate::syntax::each_named_sibling(root, *t, src, false, |c| {
            if c.kind_name() == "comment" {
                return true;
            }
            if !is_definition(c) {
                next.push(c);
            }
            false
        });
    }
    for c in next {
        if !tops.iter().any(|t| t.id() == c.id()) {
            tops.push(c);
        }
    }
    tops.sort_by_key(|n| n.start_byte());
    if !renamed.is_empty() {
        // Each name's search built once, not once per statement (a broken
        // edit can rename dozens of names in a file of a thousand
        // statements); a whole-word match, read widely (`Needle`).
        let names: Vec<super::helpers::text::Needle> = renamed.iter().map(|n| super::helpers::text::Needle::new(n)).collect();
        for c in crate::syntax::children(root) {
            let text = src.as_bytes().get(c.byte_range()).unwrap_or_default();
            if names.iter().any(|n| n.found_in(text)) && !tops.iter().any(|t| t.id() == c.id()) {
                tops.push(c);
            }
        }
        tops.sort_by_key(|n| n.start_byte());
    }
    // Methods walked on their own, unless their class is walked whole anyway.
    methods.retain(|m| !tops.iter().any(|t| t.start_byte() <= m.start_byte() && m.end_byte() <= t.end_byte()));
    let walked: Vec<Range<usize>> = tops.iter().chain(methods.iter()).chain(header_parts.iter()).map(|n| n.byte_range()).collect();
    let header_tops: Vec<Range<usize>> = headers.iter().map(|(_, top)| top.byte_range()).collect();
    // The rules reading a class's header from inside it (the rules
    // dispatched on the class itself run again on it anyway).
    let header_readers = enabled.filtered("header readers", |r| r.reads_class_header() && !r.kinds().contains(&"class_definition"));
    let header_reader_rules = header_readers.rules();
    let not_header_readers = enabled.filtered("not header readers", |r| !r.reads_class_header());
    let module_rules = enabled.module_rules();
    // Rules whose module-level findings depend on other module-level
    // statements: revisit every module-level statement mentioning a needle.
    let sibling = enabled.filtered("sibling readers", |r| !r.sibling_needles().is_empty());
    let sibling_rules = sibling.rules();
    let needles: Vec<&'static str> = sibling_rules.iter().flat_map(|r| r.sibling_needles().iter().copied()).collect();
    let finders = rules::SiblingNeedles::new(&needles, &facts);
    let mentions = |c: Node| -> bool { finders.in_text(src.as_bytes().get(c.byte_range()).unwrap_or_default()) };
    // Unchanged statements keep their answer; touched ones are read.
    let sibling_stmts: Vec<Range<usize>> = match &prev.sibling_stmts {
        _ if sibling_rules.is_empty() => Vec::new(),
        Some((n, kept)) if *n == needles => {
            let mut out: Vec<Range<usize>> = kept
                .iter()
                .filter_map(|r| map_span(r, &changes.edits))
                .filter(|r| !touches(&dirty, r) && !touched.iter().any(|t| t.start_byte() < r.end && r.start < t.end_byte()))
                .collect();
            out.extend(touched.iter().filter(|c| is_module_code(**c) && mentions(**c)).map(|c| c.byte_range()));
            out.sort_by_key(|r| (r.start, r.end));
            out.dedup();
            out
        }
        _ => {
            crate::syntax::named_children(root).into_iter().filter(|c| is_module_code(*c) && mentions(*c)).map(|c| c.byte_range()).collect()
        }
    };
    debug_assert_eq!(
        sibling_stmts,
        if sibling_rules.is_empty() {
            Vec::new()
        } else {
            crate::syntax::named_children(root).into_iter().filter(|c| is_module_code(*c) && mentions(*c)).map(|c| c.byte_range()).collect::<Vec<_>>()
        },
        "needle statements kept per statement differ from the tree's"
    );
    let class_level = enabled.filtered("class level", |r| r.kinds().contains(&"class_definition"));
    let class_rules = class_level.rules();
    // The whole top-level statement: a class-level finding may sit on a decorator.
    let narrowed_ranges: Vec<Range<usize>> = narrowed_classes
        .iter()
        .filter(|(_, top)| !tops.iter().any(|t| t.id() == top.id()))
        .map(|(_, top)| top.byte_range())
        .collect();

    let mut kept = Vec::with_capacity(prev.findings.len());
    for f in &prev.findings {
        if f.whole_module {
            continue;
        }
        let Some(m) = map_finding(f, &changes.edits) else { continue };
        if overlaps(&walked, &m.range) || touches(&dirty, &m.range) {
            continue;
        }
        if m.class_level && overlaps(&narrowed_ranges, &m.range) {
            continue;
        }
        if overlaps(&header_tops, &m.range) && header_reader_rules.iter().any(|r| r.id() == m.rule) {
            continue;
        }
        if sibling_rules.iter().any(|r| r.id() == m.rule) && in_module_code(root, &m.range) {
            continue;
        }
        // A fix of a kept finding that reaches into changed text would be stale.
        if m.fixes.iter().any(|fx| fx.edits.iter().any(|e| touches(&dirty, &e.range))) {
            return check_full(src, tree, settings, k);
        }
        kept.push(m);
    }

    let cx = Context::with_facts(src, tree, settings, facts);
    let mut raw = RawFindings { findings: Vec::new(), error_ranges: Vec::new(), shallow: false };
    // On the module node only, as the full check's walk dispatches them:
    // not on a root that is an ERROR node (a text that does not parse as a
    // module at all; every finding there would fall under that error).
    if !module_rules.is_empty() && root.kind_name() == "module" {
        if deep.is_empty() {
            // Not too tall (as `dispatch` would find, walking the whole tree).
            rules::dispatch_unchecked(root, &cx, &module_rules, &mut raw.findings);
        } else {
            rules::dispatch(root, &cx, &module_rules, &mut raw.findings);
        }
    }
    // A statement inside no deep top-level statement has no node taller
    // than the rules' limit (`is_deep` measures one level less), so the walk
    // need not measure it.
    debug_assert_eq!(
        {
            let mut d = deep.clone();
            d.sort_by_key(|r| r.start);
            d
        },
        crate::syntax::children(root).into_iter().filter(|c| is_deep(*c)).map(|c| c.byte_range()).collect::<Vec<_>>(),
        "heights kept per statement differ from the tree's"
    );
    let short = |n: &Node| n.descendant_count() < rules::MAX_RULE_HEIGHT || !deep.iter().any(|r| r.start <= n.start_byte() && n.end_byte() <= r.end);
    for top in &tops {
        rules::walk_within(*top, &cx, &enabled, &mut raw, short(top));
    }
    for m in &methods {
        rules::walk_within(*m, &cx, &enabled, &mut raw, short(m));
    }
    for p in &header_parts {
        rules::walk_within(*p, &cx, &not_header_readers, &mut raw, short(p));
    }
    if !header_reader_rules.is_empty() {
        for (_, top) in &headers {
            rules::walk_within(*top, &cx, &header_readers, &mut raw, short(top));
        }
    }
    if !class_rules.is_empty() {
        for (c, top) in &narrowed_classes {
            if narrowed_ranges.iter().any(|r| *r == top.byte_range()) {
                // The class and every class nested in it: their class-level
                // findings were all dropped above. Those inside a re-walked
                // method come from that walk.
                for cls in classes_within(*c, src) {
                    if methods.iter().any(|m| m.start_byte() <= cls.start_byte() && cls.end_byte() <= m.end_byte()) {
                        continue;
                    }
                    let _path = crate::syntax::AncestorPath::new(root, cls);
                    if short(&cls) {
                        // Inside no deep statement: not too tall (as `dispatch` would find).
                        rules::dispatch_unchecked(cls, &cx, &class_rules, &mut raw.findings);
                    } else {
                        rules::dispatch(cls, &cx, &class_rules, &mut raw.findings);
                    }
                }
            }
        }
    }
    for r in &sibling_stmts {
        let Some(c) = root.first_child_for_byte(r.start).filter(|c| c.byte_range() == *r) else { continue };
        if tops.iter().any(|t| t.id() == c.id()) {
            continue;
        }
        rules::walk_within(c, &cx, &sibling, &mut raw, short(&c));
    }
    raw.error_ranges = errors_now;
    let blocked = import_blocked(&raw.error_ranges, insert_at);
    let raw_errors = raw.error_ranges.clone();
    if blocked != prev.import_blocked {
        // Fixes adding an import were dropped (or kept) everywhere: kept
        // findings carry the old choice.
        return check_full(src, tree, settings, k);
    }
    let mut fresh = super::finish(raw, &cx, k);
    // A module-dispatched rule may also report inside untouched statements;
    // everything else fresh lies inside the statements just walked.
    fresh.extend(kept);
    super::sort_findings(&mut fresh);
    let error_ranges = raw_errors;
    Checked {
        findings: fresh,
        facts: cx.module,
        bodies,
        import_blocked: blocked,
        error_ranges,
        deep: Some(deep),
        sibling_stmts: Some((needles, sibling_stmts)),
        class_names,
    }
}

/// Strict overlap: a finding that ends where a walked statement starts
/// belongs to the statement before.
fn overlaps(ranges: &[Range<usize>], r: &Range<usize>) -> bool {
    ranges.iter().any(|d| if r.is_empty() { d.start <= r.start && r.start < d.end } else { d.start < r.end && r.start < d.end })
}

fn touches(ranges: &[Range<usize>], r: &Range<usize>) -> bool {
    ranges.iter().any(|d| d.start <= r.end && r.start <= d.end)
}

fn widen_to_lines(src: &str, r: Range<usize>) -> Range<usize> {
    let start = r.start.min(src.len());
    let end = r.end.clamp(start, src.len());
    let bytes = src.as_bytes();
    let s = bytes[..start].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
    let e = bytes[end..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(src.len(), |i| end + i);
    s..e
}

/// If every change touching top-level statement `top`, a class, lies inside
/// one of its methods (as the new tree has them), in the body or after the
/// colon that opens it (tree-sitter reports a body given a new first
/// statement as changed to its end), or in the parameter list of an
/// error-free `def` (a fix making `x={}` `x=None` and adding `if x is None:
/// x = {}`), the class and those methods. `raw` are the changed ranges,
/// `widened` the same widened to whole lines (they may also hold a `def`
/// line's indentation).
fn narrow_to_methods<'t>(top: Node<'t>, raw: &[Range<usize>], widened: &[Range<usize>], src: &str) -> Option<(Node<'t>, Vec<Node<'t>>)> {
    let class = match top.kind_name() {
        "class_definition" => top,
        "decorated_definition" => top.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "class_definition")?,
        _ => return None,
    };
    let body = class.child_by_field_id(crate::field_id!("body"))?;
    let touching = |r: &Range<usize>| top.start_byte() <= r.end && r.start <= top.end_byte();
    let method_at = |r: &Range<usize>| -> Option<Node<'t>> {
        let s = body.first_child_for_byte(r.start)?;
        let def = match s.kind_name() {
            "function_definition" => s,
            "decorated_definition" => s.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "function_definition")?,
            _ => return None,
        };
        // A whole line starts with the statement's indentation.
        let lead = src.get(r.start..s.start_byte()).is_some_and(|t| t.bytes().all(|b| b == b' ' || b == b'\t'));
        Some((s, def)).filter(|(s, _)| (s.start_byte() <= r.start || lead) && r.end <= s.end_byte()).map(|(s, _)| s)
            .filter(|_| def.child_by_field_id(crate::field_id!("body")).is_some())
    };
    let mut out: Vec<Node<'t>> = Vec::new();
    for r in raw.iter().filter(|r| touching(r)) {
        let m = method_at(r)?;
        let def = if m.kind_name() == "decorated_definition" { m.child_by_field_id(crate::field_id!("definition"))? } else { m };
        let fb = def.child_by_field_id(crate::field_id!("body"))?;
        // From the end of the `def` line's colon: a statement inserted first.
        let colon_end = fb.prev_sibling().filter(|c| c.kind_name() == ":").map_or(fb.start_byte(), |c| c.end_byte());
        let in_body = colon_end <= r.start && r.end <= fb.end_byte();
        let in_params = !def.has_error()
            && def.child_by_field_id(crate::field_id!("parameters")).is_some_and(|p| p.start_byte() <= r.start && r.end <= p.end_byte());
        if !(in_body || in_params) {
            return None;
        }
        if !out.iter().any(|o| o.id() == m.id()) {
            out.push(m);
        }
    }
    for r in widened.iter().filter(|r| touching(r)) {
        let m = method_at(r)?;
        if !out.iter().any(|o| o.id() == m.id()) {
            return None;
        }
    }
    (!out.is_empty()).then_some((class, out))
}

/// How many rechecks narrowed a class to its header (`narrow_to_header`):
/// the test of that narrowing checks it is not vacuous.
#[doc(hidden)]
pub static HEADER_RECHECKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// If every change touching top-level statement `top`, an error-free class
/// without type parameters, lies in its header between the name's start
/// and the body (`raw`: tree-sitter reports the name as changed when an
/// edit touches its end), on the header's own lines (`widened`: no body
/// statement shares them), and the name is the old one, untouched by the
/// edits (`old_names`: the old class names mapped through them), the class.
fn narrow_to_header<'t>(top: Node<'t>, raw: &[Range<usize>], widened: &[Range<usize>], old_names: &[Range<usize>]) -> Option<Node<'t>> {
    let class = match top.kind_name() {
        "class_definition" => top,
        "decorated_definition" => top.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "class_definition")?,
        _ => return None,
    };
    if top.has_error() || class.child_by_field_id(crate::field_id!("type_parameters")).is_some() {
        return None;
    }
    let name = class.child_by_field_id(crate::field_id!("name"))?;
    if !old_names.contains(&name.byte_range()) {
        return None;
    }
    let body = class.child_by_field_id(crate::field_id!("body"))?;
    let touching = |r: &&Range<usize>| top.start_byte() <= r.end && r.start <= top.end_byte();
    let mut any = false;
    for r in raw.iter().filter(touching) {
        if !(name.start_byte() <= r.start && r.end <= body.start_byte()) {
            return None;
        }
        any = true;
    }
    for r in widened.iter().filter(touching) {
        if !(class.start_byte() <= r.start && r.end < body.start_byte()) {
            return None;
        }
    }
    any.then_some(class)
}

/// The module's children that overlap (or touch) any of `ranges`.
fn top_level_touching<'t>(root: Node<'t>, ranges: &[Range<usize>]) -> Vec<Node<'t>> {
    let mut out: Vec<Node<'t>> = Vec::new();
    for r in ranges {
        // `first_child_for_byte` gives the first child ending after r.start;
        // the one before it may end exactly on r.start.
        let mut n = match root.first_child_for_byte(r.start) {
            Some(f) => match f.prev_sibling() {
                Some(p) if p.end_byte() >= r.start => Some(p),
                _ => Some(f),
            },
            None => root.child(root.child_count().saturating_sub(1) as u32),
        };
        while let Some(c) = n {
            if c.start_byte() > r.end {
                break;
            }
            if c.end_byte() >= r.start && !out.iter().any(|o| o.id() == c.id()) {
                out.push(c);
            }
            n = c.next_sibling();
        }
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

/// Every ERROR and MISSING range of the tree, visiting only subtrees that
/// contain one.
fn error_ranges(root: Node) -> Vec<Range<usize>> {
    crate::syntax::error_nodes(root)
        .into_iter()
        .map(|n| {
            let r = n.byte_range();
            if r.is_empty() { r.start.saturating_sub(1)..r.end + 1 } else { r }
        })
        .collect()
}
