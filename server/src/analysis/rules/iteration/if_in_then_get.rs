//! `if-in-then-get`: `if k in d: v = d[k] else: v = default`, which is
//! `v = d.get(k, default)`.

use super::prelude::*;

pub struct IfInThenGet;

/// The single statement of a block, if it is an assignment `name = value`.
fn single_assignment<'t>(block: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    let stmts: Vec<Node> = named_children(block).into_iter().filter(|n| n.kind_name() != "comment").collect();
    if stmts.len() != 1 || stmts[0].kind_name() != "expression_statement" {
        return None;
    }
    let a = stmts[0].named_child(0)?;
    if a.kind_name() != "assignment" || a.child_by_field_id(crate::field_id!("type")).is_some() {
        return None;
    }
    let left = a.child_by_field_id(crate::field_id!("left"))?;
    let right = a.child_by_field_id(crate::field_id!("right"))?;
    (left.kind_name() == "identifier").then_some((left, right))
}

/// A literal, name or attribute: evaluating it has no side effects worth keeping lazy.
fn is_plain(n: Node) -> bool {
    match n.kind_name() {
        "identifier" | "attribute" | "integer" | "float" | "string" | "true" | "false" | "none" => true,
        "unary_operator" => n.named_child(0).is_some_and(is_plain),
        "tuple" | "list" | "dictionary" | "set" | "pair" | "concatenated_string" => named_children(n).into_iter().all(is_plain),
        _ => false,
    }
}

impl Rule for IfInThenGet {
    fn id(&self) -> &'static str {
        "if-in-then-get"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["if_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(cond) = node.child_by_field_id(crate::field_id!("condition")) else { return };
        let kids = crate::syntax::children(cond);
        if cond.kind_name() != "comparison_operator" || kids.len() != 3 {
            return;
        }
        let negated = match kids[1].kind_name() {
            "in" => false,
            "not in" => true,
            _ => return,
        };
        let (key, dict) = (kids[0], kids[2]);
        let alts: Vec<Node> = {
            let mut c = node.walk();
            node.children_by_field_name("alternative", &mut c).collect()
        };
        if alts.len() != 1 || alts[0].kind_name() != "else_clause" {
            return;
        }
        let (Some(body), Some(else_body)) = (node.child_by_field_id(crate::field_id!("consequence")), alts[0].child_by_field_id(crate::field_id!("body"))) else {
            return;
        };
        let (Some((t1, v1)), Some((t2, v2))) = (single_assignment(body), single_assignment(else_body)) else { return };
        if cx.text(t1) != cx.text(t2) {
            return;
        }
        // The branch that reads the dict, and the default.
        let (lookup, default) = if negated { (v2, v1) } else { (v1, v2) };
        if lookup.kind_name() != "subscript" {
            return;
        }
        let (Some(obj), Some(idx)) = (lookup.child_by_field_id(crate::field_id!("value")), lookup.child_by_field_id(crate::field_id!("subscript"))) else {
            return;
        };
        if cx.text(obj) != cx.text(dict) || cx.text(idx) != cx.text(key) || !crate::syntax::is_name_or_attribute(dict) {
            return;
        }
        // `get(k, default)` evaluates the default every time: only plain values qualify.
        if !is_plain(default) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if !crate::syntax::has_comment_in(node, node.byte_range()) && !cx.text(default).contains('\n') {
            let new = format!("{} = {}.get({}, {})", cx.text(t1), cx.text(dict), cx.text(key), cx.text(default));
            f = f.with_fix(Fix::unsafe_("use-get", vec![Edit::replace(node.byte_range(), new)]));
        }
        out.push(f);
    }
}
