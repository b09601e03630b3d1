//! `missing-docstring`: a public module, class or function without a
//! docstring.

use super::prelude::*;
use crate::syntax::code_children;

pub struct MissingDocstring;

fn starts_with_docstring(body: Node) -> bool {
    code_children(body).first().is_some_and(|s| {
        s.kind_name() == "expression_statement"
            && s.named_child(0).is_some_and(|e| e.kind_name() == "string" || e.kind_name() == "concatenated_string")
    })
}

/// Decorators that mean "not a definition of its own": overloads, overrides,
/// property setters and deleters.
fn exempt_by_decorator(def: Node, cx: &Context) -> bool {
    let Some(dd) = def.up().filter(|p| p.kind_name() == "decorated_definition") else { return false };
    named_children(dd).into_iter().filter(|d| d.kind_name() == "decorator").any(|d| {
        let t = cx.text(d).trim_start_matches('@').trim();
        let t = t.split('(').next().unwrap_or(t);
        let last = t.rsplit('.').next().unwrap_or(t);
        matches!(last, "overload" | "override" | "setter" | "deleter")
    })
}

/// Whether every scope around `def` is the module or a public class.
fn publicly_reachable(def: Node, cx: &Context) -> bool {
    let mut cur = def.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "function_definition" | "lambda" => return false,
            "class_definition" => {
                if n.child_by_field_id(crate::field_id!("name")).is_none_or(|x| cx.text(x).starts_with('_')) {
                    return false;
                }
            }
            "module" => return true,
            // Definitions under `if`/`try` at module level are still public.
            _ => {}
        }
        cur = n.up();
    }
    true
}

impl Rule for MissingDocstring {
    fn id(&self) -> &'static str {
        "missing-docstring"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["module", "class_definition", "function_definition"]
    }
    fn scope(&self) -> super::Scope {
        // The module docstring is the module's first statement.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "module" {
            if !code_children(node).is_empty() && !starts_with_docstring(node) && !node.has_error() {
                out.push(Finding::new(self.id(), 0..0));
            }
            return;
        }
        let Some(name) = node.child_by_field_id(crate::field_id!("name")) else { return };
        if cx.text(name).starts_with('_') || !publicly_reachable(node, cx) || exempt_by_decorator(node, cx) {
            return;
        }
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        if starts_with_docstring(body) {
            return;
        }
        out.push(Finding::new(self.id(), name.byte_range()));
    }
}
