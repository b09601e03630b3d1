//! `py2-except-comma`: Python 2's `except E, name:`.

use super::prelude::*;

pub struct Py2ExceptComma;

/// Whether `n` is the name an `except … as n:` / `except …, n:` header binds.
fn binds_in_except_header(n: Node, cx: &Context) -> bool {
    let before = cx.src[..n.start_byte()].trim_end();
    if !(before.ends_with(',') || before.ends_with(" as")) {
        return false;
    }
    let mut cur = n.up();
    while let Some(p) = cur {
        match p.kind_name() {
            "except_clause" => return true,
            "block" | "argument_list" | "tuple" | "parenthesized_expression" => return false,
            _ => cur = p.up(),
        }
    }
    false
}

/// Whether `name` is read after `end` in `scope` before being bound again
/// (an assignment, a `for` target, another handler's name). Conservative:
/// anything else counts as a read.
fn read_after(scope: Node, end: usize, name: &str, cx: &Context) -> bool {
    let first = syntax::descendants(scope).into_iter().find(|n| n.start_byte() >= end && bindings::is_variable(*n) && cx.text(*n) == name);
    let Some(n) = first else { return false };
    if binds_in_except_header(n, cx) {
        return false;
    }
    bindings::used_after(scope, end, name, cx)
}

/// Whether `name` looks like an exception class: `except A, B:` then meant a
/// tuple of classes, not a variable.
fn looks_like_class(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().any(|c| c.is_ascii_lowercase())
}

impl Rule for Py2ExceptComma {
    fn id(&self) -> &'static str {
        "py2-except-comma"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["except_clause"]
    }
    fn scope(&self) -> Scope {
        // The name may be read anywhere later in its function or module.
        Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // A module-level handler's fix depends on the rest of the module.
        &["except"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let mut cursor = node.walk();
        let values: Vec<Node> = node.children_by_field_name("value", &mut cursor).collect();
        if values.len() != 2 || values[1].kind_name() != "identifier" {
            return;
        }
        let (ty, name) = (values[0], values[1]);
        let n = cx.text(name);
        // Python 3 deletes the name when the handler ends; Python 2 kept it.
        let scope = bindings::scope_node(node, cx);
        let applicability = if looks_like_class(n) {
            Applicability::DisplayOnly
        } else if read_after(scope, node.end_byte(), n, cx) || loops::name_escapes(node, scope, n, cx) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        out.push(
            Finding::new(self.id(), ty.start_byte()..name.end_byte())
                .with_fix(Fix::new("except-as", applicability, vec![Edit::replace(ty.end_byte()..name.start_byte(), " as ")])),
        );
    }
}
