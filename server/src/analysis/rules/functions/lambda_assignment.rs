//! `lambda-assignment`: `f = lambda x: ...` instead of `def f(x): ...`.

use super::prelude::*;

pub struct LambdaAssignment;

impl Rule for LambdaAssignment {
    fn id(&self) -> &'static str {
        "lambda-assignment"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["assignment"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // The value must be a lambda: a text test before any field lookup
        // (this runs on every assignment).
        if !cx.text(node).contains("lambda") {
            return;
        }
        let Some(stmt) = node.up().filter(|p| p.kind_name() == "expression_statement") else { return };
        let (Some(left), Some(right)) = (node.child_by_field_id(crate::field_id!("left")), node.child_by_field_id(crate::field_id!("right"))) else {
            return;
        };
        // `f = (lambda x: ...)`, parenthesised to spread it over lines.
        let mut right = right;
        while right.kind_name() == "parenthesized_expression" && right.named_child_count() == 1 {
            let Some(inner) = right.named_child(0) else { return };
            right = inner;
        }
        if left.kind_name() != "identifier" || right.kind_name() != "lambda" {
            return;
        }
        // In a class body an annotated lambda may be a dataclass field's default,
        // which a def would turn into a method. An unannotated one is a method already.
        let in_class =
            stmt.up().filter(|b| b.kind_name() == "block").and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition");
        if in_class && node.child_by_field_id(crate::field_id!("type")).is_some() {
            return;
        }
        let parenthesized = right.id() != node.child_by_field_id(crate::field_id!("right")).map_or(right.id(), |r| r.id());
        let mut f = Finding::new(self.id(), node.byte_range());
        let body = right.child_by_field_id(crate::field_id!("body"));
        let params = right.child_by_field_id(crate::field_id!("parameters")).map(|p| cx.text(p)).unwrap_or("");
        let annotated = node.child_by_field_id(crate::field_id!("type")).is_some();
        if let Some(body) = body {
            let body_text = cx.text(body);
            let indent = crate::syntax::indent_at(cx.src, stmt.start_byte());
            let nl = crate::syntax::newline_of(cx.src);
            // One statement on its own line, no comments, a one-line body.
            let alone = stmt.start_byte() == cx.src[..stmt.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1) + indent.len();
            if !annotated && !parenthesized && alone && !body_text.contains('\n') && !crate::syntax::has_comment_in(node, node.byte_range())
                && stmt.next_sibling().is_none_or(|n| n.kind_name() != ";")
            {
                let new = format!("def {}({params}):{nl}{indent}    return {body_text}", cx.text(left));
                f = f.with_fix(Fix::unsafe_("def", vec![Edit::replace(node.byte_range(), new)]));
            }
        }
        out.push(f);
    }
}
