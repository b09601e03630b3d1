//! `and-or-ternary`: `x = cond and a or b`, the pre-2.5 spelling of a
//! conditional expression, which yields `b` whenever `a` is falsy.

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
        "integer" | "float" => !provably_truthy(n, cx) && !cx.text(n).contains(['e', 'E']),
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
                if provably_truthy(then, cx) { Applicability::Safe } else { Applicability::Unsafe };
            let text = format!("{} if {} else {}", cx.text(then), cx.text(cond), cx.text(otherwise));
            f = f.with_fix(Fix::new("conditional-expression", applicability, vec![Edit::replace(node.byte_range(), text)]));
        }
        out.push(f);
    }
}

/// Whether the expression is syntactically certain to be truthy.
fn provably_truthy(n: Node, cx: &Context) -> bool {
    let Some(n) = crate::syntax::unparenthesized(n) else { return false };
    match n.kind_name() {
        "true" | "lambda" => true,
        "integer" | "float" => {
            let t = cx.text(n).replace('_', "").to_ascii_lowercase();
            let t = t.trim_end_matches(['j', 'l']);
            let digits = if t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b") { &t[2..] } else { t };
            // `1e-400` underflows to 0.0: exponents are not trusted.
            !(n.kind_name() == "float" && digits.contains('e')) && digits.chars().any(|c| c.is_ascii_hexdigit() && c != '0')
        }
        "string" => {
            // A plain (non-f) string with at least one character of content.
            if syntax::named_children(n).iter().any(|c| c.kind_name() == "interpolation") {
                return false;
            }
            let t = cx.text(n);
            let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let q = if body.starts_with("\"\"\"") || body.starts_with("'''") { 3 } else { 1 };
            body.len() > 2 * q
        }
        // Its children are `string` nodes: one level, whatever the input.
        "concatenated_string" => syntax::named_children(n).iter().any(|c| c.kind_name() == "string" && provably_truthy(*c, cx)),
        "list" | "set" | "dictionary" => {
            syntax::named_children(n).iter().any(|c| c.kind_name() != "comment" && c.kind_name() != "list_splat" && c.kind_name() != "dictionary_splat")
        }
        "tuple" => syntax::named_children(n).iter().any(|c| c.kind_name() != "comment" && c.kind_name() != "list_splat"),
        _ => false,
    }
}
