//! Helpers shared by group d's rules.

use crate::analysis::{scope, Context};
use crate::syntax::named_children;
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// Whether the first name of `node` (an identifier or attribute chain) is
/// bound by an enclosing function (a parameter or a local binding), which
/// hides the module-level import of the same name.
pub fn locally_bound(node: Node, cx: &Context) -> bool {
    let mut head = node;
    while head.kind_name() == "attribute" {
        match head.child_by_field_id(crate::field_id!("object")) {
            Some(o) => head = o,
            None => return false,
        }
    }
    if head.kind_name() != "identifier" {
        return false;
    }
    let name = cx.text(head);
    let mut cur = node.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if scope::parameter_names(n, cx.src).contains(name) {
                return true;
            }
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                if crate::syntax::scope_bindings(body, cx.src).contains(name) && !declares_global(body, name, cx) {
                    return true;
                }
            }
        }
        cur = n.up();
    }
    false
}

/// Whether `body` (a function body) has `global name` at its top level or
/// in nested blocks (not in nested functions).
fn declares_global(body: Node, name: &str, cx: &Context) -> bool {
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "global_statement" | "nonlocal_statement" => {
                if named_children(n).iter().any(|c| cx.text(*c) == name) {
                    return true;
                }
            }
            "function_definition" | "class_definition" | "lambda" => {
                if n.id() != body.id() {
                    continue;
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    false
}

/// `refers_to`, and not hidden by a binding in an enclosing function.
pub fn resolves_to(node: Node, cx: &Context, qualified: &str) -> bool {
    scope::refers_to(node, cx.src, &cx.module, qualified) && !locally_bound(node, cx)
}

/// The class whose body directly holds `func` (a `function_definition`,
/// possibly decorated).
pub fn class_of_method(func: Node) -> Option<Node> {
    let holder = match func.up() {
        Some(p) if p.kind_name() == "decorated_definition" => p.up(),
        p => p,
    };
    holder.filter(|b| b.kind_name() == "block").and_then(|b| b.up()).filter(|c| c.kind_name() == "class_definition")
}

/// The first parameter's name of a function, if it is a plain (or typed) name.
pub fn first_param<'a>(func: Node, cx: &Context<'a>) -> Option<&'a str> {
    let params = func.child_by_field_id(crate::field_id!("parameters"))?;
    let p = named_children(params).into_iter().find(|p| p.kind_name() != "comment")?;
    let id = match p.kind_name() {
        "identifier" => p,
        "typed_parameter" => p.named_child(0).filter(|c| c.kind_name() == "identifier")?,
        _ => return None,
    };
    Some(cx.text(id))
}

/// The named, non-comment children of `node`.
pub fn kids(node: Node) -> Vec<Node> {
    named_children(node).into_iter().filter(|n| n.kind_name() != "comment").collect()
}

/// The statements of a block, without comments.
pub fn stmts(block: Node) -> Vec<Node> {
    kids(block)
}

/// The exception type expression of an `except` clause (without `as name`).
pub fn except_value(clause: Node) -> Option<Node> {
    let v = clause.child_by_field_id(crate::field_id!("value"))?;
    if v.kind_name() == "as_pattern" {
        return v.named_child(0);
    }
    Some(v)
}

/// The edit adding `import module` (see `Context::import_edit`).
pub fn add_import(cx: &Context, module: &str) -> crate::analysis::Edit {
    cx.import_edit(&format!("import {module}"))
}
