//! Function and class definitions: methods and their class, parameters,
//! `async`.

use crate::analysis::Context;
use crate::syntax::{named_children, NodeExt};
use tree_sitter::Node;

/// The class whose body holds `def` directly (through a decorated definition).
pub fn class_of_method(def: Node<'_>) -> Option<Node<'_>> {
    let holder = match def.up() {
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

/// Whether `node` is an `async def`.
pub fn is_async_def(node: Node) -> bool {
    node.kind_name() == "function_definition" && node.child(0).is_some_and(|c| c.kind_name() == "async")
}

/// Whether the subtree contains an `await` or an `async` comprehension/for.
pub fn has_async(node: Node) -> bool {
    crate::syntax::descendants(node).iter().any(|n| n.kind_name() == "await" || n.kind_name() == "async")
}

/// Where the compiler places the code at `node`, for the statements and
/// expressions it allows only in some places (`return`, `yield`, `await`):
/// the innermost function body, lambda body, class body, comprehension or
/// the module that holds it (`runs_in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'t> {
    /// The body of this `def` or `async def`.
    Function(Node<'t>),
    Lambda,
    ClassBody,
    Module,
    /// Inside this comprehension or generator expression, past the
    /// iterable of its first `for` (which runs where the comprehension
    /// stands, and so is looked through).
    Comprehension(Node<'t>),
    /// Inside a syntax error, or in a place whose rules differ between
    /// Python versions or from a body's: parameters and their defaults,
    /// annotations, decorators, class bases, type parameters and `type`
    /// aliases. Rules asking stay quiet there.
    Unsure,
}

fn is_body(parent: Node, child: Node) -> bool {
    parent.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id())
}

/// The innermost place that holds `node` (itself excluded), as the
/// compiler sees it: see `Placement`.
pub fn runs_in(node: Node<'_>) -> Placement<'_> {
    let mut child = node;
    let mut below: Option<Node> = None;
    while let Some(p) = child.up() {
        match p.kind_name() {
            "function_definition" => return if is_body(p, child) { Placement::Function(p) } else { Placement::Unsure },
            "lambda" => return if is_body(p, child) { Placement::Lambda } else { Placement::Unsure },
            "class_definition" => return if is_body(p, child) { Placement::ClassBody } else { Placement::Unsure },
            "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
                let first_for = named_children(p).into_iter().find(|c| c.kind_name() == "for_in_clause");
                let in_first_iterable = first_for.is_some_and(|f| f.id() == child.id())
                    && below.is_some_and(|b| child.child_by_field_id(crate::field_id!("left")).is_none_or(|l| l.id() != b.id()));
                if !in_first_iterable {
                    return Placement::Comprehension(p);
                }
            }
            "ERROR" | "type_alias_statement" | "decorator" => return Placement::Unsure,
            "module" => return Placement::Module,
            _ => {}
        }
        below = Some(child);
        child = p;
    }
    Placement::Unsure
}

/// Whether a `break` or `continue` at `node` is inside a loop's body (not
/// its `else` clause) without a function or class body in between: Some
/// answer, or None inside a syntax error or a lambda.
pub fn in_loop_body(node: Node) -> Option<bool> {
    let mut child = node;
    while let Some(p) = child.up() {
        match p.kind_name() {
            "for_statement" | "while_statement" if is_body(p, child) => return Some(true),
            "function_definition" | "class_definition" => return is_body(p, child).then_some(false),
            "lambda" | "ERROR" => return None,
            "module" => return Some(false),
            _ => {}
        }
        child = p;
    }
    None
}
