//! `asyncio-wait-bare-coroutines`: `asyncio.wait()` given coroutine objects
//! (deprecated in 3.8, a `TypeError` since 3.11) instead of tasks.

use super::prelude::*;

pub struct AsyncioWaitBareCoroutines;

impl Rule for AsyncioWaitBareCoroutines {
    fn id(&self) -> &'static str {
        "asyncio-wait-bare-coroutines"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["wait"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["wait"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if calls::call_target(node, cx, &["wait"], &["asyncio.wait"]).is_none() {
            return;
        }
        let Some(a) = calls::split_args(node, cx) else { return };
        let Some(first) = a.positional.first().copied().or_else(|| a.keyword("fs").map(|(_, v)| v)) else { return };
        let (container, inline) = if first.kind_name() == "identifier" {
            match assigned_list(first, node, cx) {
                Some(v) => (v, false),
                None => return,
            }
        } else {
            (first, true)
        };
        let Some(items) = coroutine_items(container, cx) else { return };
        let mut f = Finding::new(self.id(), first.byte_range());
        // create_task needs a running loop: only inside a coroutine.
        let in_async = syntax::enclosing_function(node).is_some_and(definitions::is_async_def)
            && syntax::enclosing_function(container) == syntax::enclosing_function(node);
        if in_async && cx.target_at_least(3, 7) && !syntax::has_comment_in(container, container.byte_range()) {
            if let Some(fix) = wrap_fix(&items, node, inline, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

/// The coroutine calls a list/set/tuple display or comprehension holds, if
/// every item is one.
fn coroutine_items<'t>(container: Node<'t>, cx: &Context) -> Option<Vec<Node<'t>>> {
    let items: Vec<Node> = match container.kind_name() {
        "list" | "set" | "tuple" => named_children(container).into_iter().filter(|c| c.kind_name() != "comment").collect(),
        "list_comprehension" | "set_comprehension" | "generator_expression" => vec![container.child_by_field_id(crate::field_id!("body"))?],
        _ => return None,
    };
    if items.is_empty() || !items.iter().all(|i| concurrency::is_coroutine_call(*i, cx)) {
        return None;
    }
    Some(items)
}

/// `tasks = [...]`: the one assignment of `name` before `call` among the
/// statements of the same block, if `name` is bound nowhere else in the scope.
fn assigned_list<'t>(name: Node<'t>, call: Node<'t>, cx: &Context) -> Option<Node<'t>> {
    let n = cx.text(name);
    let stmt = syntax::statement_of(call);
    let mut prev = stmt.prev_named_sibling();
    while let Some(s) = prev {
        if s.kind_name() == "expression_statement" {
            if let Some(a) = s.named_child(0).filter(|a| a.kind_name() == "assignment") {
                if a.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == n) {
                    let value = a.child_by_field_id(crate::field_id!("right"))?;
                    // Bound once in the scope, and not changed in place.
                    let scope_node = syntax::enclosing_function(call).and_then(|f| f.child_by_field_id(crate::field_id!("body"))).unwrap_or(cx.tree.root_node());
                    let mut b = std::collections::HashSet::new();
                    let mut count = 0;
                    for st in named_children(scope_node) {
                        b.clear();
                        crate::analysis::scope::collect_bindings(st, cx.src, &mut b);
                        if b.contains(n) {
                            count += 1;
                        }
                    }
                    if count != 1 || cx.text(scope_node).contains(&format!("{n}.")) {
                        return None;
                    }
                    return Some(value);
                }
            }
        }
        prev = s.prev_named_sibling();
    }
    None
}

fn wrap_fix(items: &[Node], at: Node, inline: bool, cx: &Context) -> Option<Fix> {
    let mut edits = Vec::new();
    let create = match imports::local_expr(cx, at, "asyncio.create_task") {
        Some(n) => n,
        None if bindings::name_is_free(cx, at, "asyncio") => {
            edits.push(cx.import_edit("import asyncio"));
            "asyncio.create_task".to_string()
        }
        None => return None,
    };
    for i in items {
        edits.push(Edit::insert(i.start_byte(), format!("{create}(")));
        edits.push(Edit::insert(i.end_byte(), ")"));
    }
    // Built ahead of the wait, the tasks start earlier than the coroutines did.
    let applicability = if inline { Applicability::Safe } else { Applicability::Unsafe };
    Some(Fix::new("create-task", applicability, edits))
}
