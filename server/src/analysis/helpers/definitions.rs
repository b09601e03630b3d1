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
