//! Calls: their arguments (positional, keyword, split), and what the callee
//! resolves to.

use crate::analysis::Context;
use crate::syntax::{named_children, NodeExt};
use tree_sitter::Node;

/// The arguments of a call, comments left out; None when the call's
/// arguments are a bare generator expression.
pub fn call_args(call: Node<'_>) -> Option<Vec<Node<'_>>> {
    let args = call.child_by_field_id(crate::field_id!("arguments"))?;
    if args.kind_name() != "argument_list" {
        return None;
    }
    Some(named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect())
}

/// Whether a call has an empty argument list `()` (no comment inside).
pub fn has_no_args(call: Node) -> bool {
    call.child_by_field_id(crate::field_id!("arguments"))
        .is_some_and(|a| a.kind_name() == "argument_list" && a.named_child_count() == 0)
}

/// Whether an argument is a plain positional one (not `k=v`, `*a`, `**k`).
pub fn is_positional(arg: Node) -> bool {
    !matches!(arg.kind_name(), "keyword_argument" | "list_splat" | "dictionary_splat" | "parenthesized_list_splat")
}

/// The keyword argument `name=...` of a call's argument nodes, if any.
pub fn keyword<'t>(args: &[Node<'t>], name: &str, cx: &Context) -> Option<Node<'t>> {
    args.iter().copied().find(|a| {
        a.kind_name() == "keyword_argument" && a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == name)
    })
}

/// A call's arguments split into positional ones and `name=value` ones.
pub struct SplitArgs<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(String, Node<'t>, Node<'t>)>,
    pub list: Node<'t>,
}

/// The arguments of a call split by kind (`split_args`); None when the call
/// has a `*args`/`**kwargs` or its arguments are a bare generator expression.
pub fn split_args<'t>(call: Node<'t>, cx: &Context) -> Option<SplitArgs<'t>> {
    let list = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list")?;
    let mut a = SplitArgs { positional: Vec::new(), keywords: Vec::new(), list };
    for c in named_children(list) {
        match c.kind_name() {
            "comment" => {}
            "list_splat" | "dictionary_splat" => return None,
            "keyword_argument" => {
                let name = c.child_by_field_id(crate::field_id!("name"))?;
                let value = c.child_by_field_id(crate::field_id!("value"))?;
                a.keywords.push((cx.text(name).to_string(), c, value));
            }
            _ => a.positional.push(c),
        }
    }
    Some(a)
}

impl<'t> SplitArgs<'t> {
    /// The keyword argument `name=…`: (the whole argument, its value).
    pub fn keyword(&self, name: &str) -> Option<(Node<'t>, Node<'t>)> {
        self.keywords.iter().find(|(n, _, _)| n == name).map(|(_, k, v)| (*k, *v))
    }
}

/// The call's function, if its last name part is one of `last` and it
/// resolves to one of `targets`; returns the resolved name.
pub fn call_target(call: Node, cx: &Context, last: &[&str], targets: &[&str]) -> Option<String> {
    let func = call.child_by_field_id(crate::field_id!("function"))?;
    let tail = match func.kind_name() {
        "identifier" => func,
        "attribute" => func.child_by_field_id(crate::field_id!("attribute"))?,
        _ => return None,
    };
    if !last.contains(&cx.text(tail)) {
        return None;
    }
    let q = super::imports::qualified(func, cx)?;
    targets.contains(&q.as_str()).then_some(q)
}
