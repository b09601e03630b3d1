//! `and-or-ternary`: `x = cond and a or b`, the pre-2.5 spelling of a
//! conditional expression, which yields `b` whenever `a` is falsy.

use super::util_c;
use super::prelude::*;

pub struct AndOrTernary;

fn bool_op<'t>(n: Node<'t>, op: &str) -> Option<(Node<'t>, Node<'t>)> {
    if n.kind_name() != "boolean_operator" {
        return None;
    }
    let o = n.child_by_field_id(crate::field_id!("operator"))?;
    if o.kind_name() != op {
        return None;
    }
    Some((n.child_by_field_id(crate::field_id!("left"))?, n.child_by_field_id(crate::field_id!("right"))?))
}

fn is_falsy_literal(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "false" | "none" => true,
        "integer" | "float" => !util_c::provably_truthy(n, cx) && !cx.text(n).contains(['e', 'E']),
        "string" => cx.text(n).trim_start_matches(|c: char| c.is_ascii_alphabetic()).len() == 2,
        "list" | "dictionary" | "tuple" => n.named_child_count() == 0,
        _ => false,
    }
}

impl Rule for AndOrTernary {
    fn id(&self) -> &'static str {
        "and-or-ternary"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["boolean_operator"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Only where a value is produced (as pylint): assigned or returned.
        let Some(parent) = node.up() else { return };
        let is_value = match parent.kind_name() {
            "assignment" | "augmented_assignment" => {
                parent.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == node.id())
            }
            "return_statement" => true,
            _ => false,
        };
        if !is_value {
            return;
        }
        let Some((and, otherwise)) = bool_op(node, "or") else { return };
        let Some((cond, then)) = bool_op(and, "and") else { return };
        // `a and b and c or d`, `a and (b or c) or d`, `a and b or c or d`: not a ternary.
        if [cond, then, otherwise].iter().any(|n| n.kind_name() == "boolean_operator") {
            return;
        }
        // Two comparisons read as boolean logic, not as a choice of values.
        if then.kind_name() == "comparison_operator" && otherwise.kind_name() == "comparison_operator" {
            return;
        }
        // `c and None or x` always yields x: a different mistake.
        if is_falsy_literal(then, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if !syntax::has_comment_in(node, node.byte_range()) {
            let applicability =
                if util_c::provably_truthy(then, cx) { Applicability::Safe } else { Applicability::Unsafe };
            let text = format!("{} if {} else {}", cx.text(then), cx.text(cond), cx.text(otherwise));
            f = f.with_fix(Fix::new("conditional-expression", applicability, vec![Edit::replace(node.byte_range(), text)]));
        }
        out.push(f);
    }
}
