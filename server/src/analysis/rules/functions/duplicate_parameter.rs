//! `duplicate-parameter`: two parameters of one `def` or `lambda` with the
//! same name (`def f(a, a)`, `def f(a, *a)`), which Python refuses to
//! compile ("duplicate argument 'a' in function definition").

use super::prelude::*;

pub struct DuplicateParameter;

impl Rule for DuplicateParameter {
    fn id(&self) -> &'static str {
        "duplicate-parameter"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["parameters", "lambda_parameters"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.named_child_count() < 2 || node.has_error() {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for p in named_children(node) {
            let Some(name) = parameter_name(p) else { continue };
            let text = cx.text(name);
            if seen.contains(&text) {
                out.push(Finding::new(self.id(), name.byte_range()));
                return;
            }
            seen.push(text);
        }
    }
}

/// The name a parameter binds: `a`, `a: int`, `a=1`, `a: int = 1`, `*a`,
/// `**a` (with or without an annotation). None for `*`, `/` and the rest.
fn parameter_name(p: Node) -> Option<Node> {
    match p.kind_name() {
        "identifier" => Some(p),
        "typed_parameter" => p.named_child(0).and_then(parameter_name),
        "default_parameter" | "typed_default_parameter" => p.child_by_field_id(crate::field_id!("name")).filter(|n| n.kind_name() == "identifier"),
        "list_splat_pattern" | "dictionary_splat_pattern" => p.named_child(0).filter(|n| n.kind_name() == "identifier"),
        _ => None,
    }
}
