//! Statements and blocks: the statement before or first in a block, simple
//! assignments, `except` clauses, the main guard.

use crate::analysis::Context;
use crate::syntax::{named_children, NodeExt};
use tree_sitter::Node;

/// The statement before `node` in its block, comments skipped.
pub fn previous_statement(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.prev_named_sibling();
    while let Some(p) = cur {
        if p.kind_name() != "comment" {
            return Some(p);
        }
        cur = p.prev_named_sibling();
    }
    None
}

/// The first statement of a block or module, comments skipped.
pub fn first_statement(body: Node<'_>) -> Option<Node<'_>> {
    named_children(body).into_iter().find(|c| c.kind_name() != "comment")
}

/// `x = <value>` with a single identifier target: (target, value).
pub fn simple_assignment<'t>(stmt: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let a = stmt.named_child(0)?;
    if a.kind_name() != "assignment" || a.child_by_field_id(crate::field_id!("type")).is_some() {
        return None;
    }
    let l = a.child_by_field_id(crate::field_id!("left"))?;
    let r = a.child_by_field_id(crate::field_id!("right"))?;
    (l.kind_name() == "identifier").then_some((l, r))
}

/// The exception type expression of an `except` clause (without `as name`).
pub fn except_value(clause: Node) -> Option<Node> {
    let v = clause.child_by_field_id(crate::field_id!("value"))?;
    if v.kind_name() == "as_pattern" {
        return v.named_child(0);
    }
    Some(v)
}

/// Whether `node` is `__name__ == "__main__"` (either way round).
pub fn is_main_test(node: Node, cx: &Context) -> bool {
    let t: String = cx.text(node).chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace('\'', "\"");
    t == "__name__==\"__main__\"" || t == "\"__main__\"==__name__"
}

/// Whether `node` sits in the body of an `if __name__ == "__main__":`.
pub fn under_main_guard(node: Node, cx: &Context) -> bool {
    let mut cur = node;
    while let Some(p) = cur.up() {
        if p.kind_name() == "if_statement"
            && p.child_by_field_id(crate::field_id!("consequence")).is_some_and(|c| c.id() == cur.id())
            && p.child_by_field_id(crate::field_id!("condition")).is_some_and(|c| is_main_test(c, cx))
        {
            return true;
        }
        cur = p;
    }
    false
}
