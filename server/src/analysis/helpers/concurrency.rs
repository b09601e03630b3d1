//! Pools and coroutines: which calls create a `multiprocessing` pool or a
//! coroutine.

use crate::analysis::{scope, Context};
use crate::syntax::{self, NodeExt};
use tree_sitter::Node;
use super::imports::qualified;
use super::definitions::is_async_def;

/// Callables that create a process or thread pool with `apply`/`map`.
pub const POOLS: &[&str] = &[
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];

/// Whether `call` creates a `multiprocessing` pool (also through
/// `multiprocessing.get_context(...).Pool(...)`).
pub fn is_pool_call(call: Node, cx: &Context) -> bool {
    if call.kind_name() != "call" {
        return false;
    }
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    if let Some(q) = qualified(func, cx) {
        return POOLS.contains(&q.as_str());
    }
    func.kind_name() == "attribute"
        && func.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) == "Pool")
        && func.child_by_field_id(crate::field_id!("object")).is_some_and(|o| {
            o.kind_name() == "call"
                && o.child_by_field_id(crate::field_id!("function")).and_then(|f| qualified(f, cx)).as_deref() == Some("multiprocessing.get_context")
        })
}

/// Coroutine functions of the standard library that are commonly waited on.
pub const STD_COROUTINES: &[&str] = &[
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.open_connection",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
];

/// Whether `call` calls a coroutine function the file or asyncio defines.
pub fn is_coroutine_call(call: Node, cx: &Context) -> bool {
    if call.kind_name() != "call" {
        return false;
    }
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    if let Some(q) = qualified(func, cx) {
        return STD_COROUTINES.contains(&q.as_str());
    }
    match func.kind_name() {
        // A name bound only by an `async def` of the module or an enclosing function.
        "identifier" => {
            let name = cx.text(func);
            let mut cur = call.up();
            while let Some(n) = cur {
                if n.kind_name() == "function_definition" {
                    if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                        if let Some(is_async) = defines(body, name, cx) {
                            return is_async;
                        }
                    }
                    if scope::parameter_names(n, cx.src).contains(name) {
                        return false;
                    }
                }
                cur = n.up();
            }
            defines(cx.tree.root_node(), name, cx).unwrap_or(false)
        }
        // `self.method(...)` where the enclosing class defines `async def method`.
        "attribute" => {
            let (Some(obj), Some(attr)) = (func.child_by_field_id(crate::field_id!("object")), func.child_by_field_id(crate::field_id!("attribute"))) else {
                return false;
            };
            if cx.text(obj) != "self" {
                return false;
            }
            let Some(class) = syntax::ancestor(call, &["class_definition"]) else { return false };
            class.child_by_field_id(crate::field_id!("body")).and_then(|b| defines(b, cx.text(attr), cx)).unwrap_or(false)
        }
        _ => false,
    }
}

/// Among the statements of `block`: Some(true) if `name` is bound only by an
/// undecorated `async def`, Some(false) if bound otherwise, None if unbound.
fn defines(block: Node, name: &str, cx: &Context) -> Option<bool> {
    let mut found = None;
    for s in syntax::named_children(block) {
        match s.kind_name() {
            "function_definition" => {
                if s.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == name) {
                    found = Some(is_async_def(s) && found != Some(false));
                }
            }
            "comment" => {}
            _ => {
                let mut b = std::collections::HashSet::new();
                scope::collect_bindings(s, cx.src, &mut b);
                if b.contains(name) {
                    found = Some(false);
                }
            }
        }
    }
    found
}
