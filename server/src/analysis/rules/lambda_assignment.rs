//! `lambda-assignment`: `f = lambda x: ...` instead of `def f(x): ...`.

use super::Rule;
use crate::analysis::{Context, Edit, Finding, Fix};
use tree_sitter::Node;

pub struct LambdaAssignment;

impl Rule for LambdaAssignment {
    fn id(&self) -> &'static str {
        "lambda-assignment"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["assignment"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(stmt) = node.parent().filter(|p| p.kind() == "expression_statement") else { return };
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return;
        };
        if left.kind() != "identifier" || right.kind() != "lambda" {
            return;
        }
        // In a class body a lambda attribute is often deliberate (and a def would become a method).
        if stmt.parent().filter(|b| b.kind() == "block").and_then(|b| b.parent()).is_some_and(|c| c.kind() == "class_definition") {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        let body = right.child_by_field_name("body");
        let params = right.child_by_field_name("parameters").map(|p| cx.text(p)).unwrap_or("");
        let annotated = node.child_by_field_name("type").is_some();
        if let Some(body) = body {
            let body_text = cx.text(body);
            let indent = crate::syntax::indent_at(cx.src, stmt.start_byte());
            let nl = crate::syntax::newline_of(cx.src);
            // One statement on its own line, no comments, a one-line body.
            let alone = stmt.start_byte() == cx.src[..stmt.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1) + indent.len();
            if !annotated && alone && !body_text.contains('\n') && !crate::syntax::has_comment_in(node, node.byte_range())
                && stmt.next_sibling().is_none_or(|n| n.kind() != ";")
            {
                let new = format!("def {}({params}):{nl}{indent}    return {body_text}", cx.text(left));
                f = f.with_fix(Fix::unsafe_("def", vec![Edit::replace(node.byte_range(), new)]));
            }
        }
        out.push(f);
    }
}
