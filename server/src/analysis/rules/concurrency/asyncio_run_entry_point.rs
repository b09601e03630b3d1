//! `asyncio-run-entry-point`: `loop = asyncio.get_event_loop()` /
//! `new_event_loop()` used only to `run_until_complete()` one coroutine,
//! which `asyncio.run()` does (and cleans up after) in one call.

use super::prelude::*;

pub struct AsyncioRunEntryPoint;

const LOOP_MAKERS: &[&str] = &["asyncio.get_event_loop", "asyncio.new_event_loop"];

impl Rule for AsyncioRunEntryPoint {
    fn id(&self) -> &'static str {
        "asyncio-run-entry-point"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["run_until_complete"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["run_until_complete"]
    }
    fn min_python(&self) -> (u8, u8) {
        (3, 7)
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        if func.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != "run_until_complete") {
            return;
        }
        let Some(obj) = func.child_by_field_id(crate::field_id!("object")) else { return };
        let Some(a) = calls::split_args(node, cx) else { return };
        if a.positional.len() != 1 || !a.keywords.is_empty() {
            return;
        }
        let arg = a.positional[0];
        // In a coroutine the loop is already running: another problem.
        if syntax::enclosing_function(node).is_some_and(definitions::is_async_def) {
            return;
        }
        let stmt = syntax::statement_of(node);
        // The statement is `[target =] <...>.run_until_complete(X)`.
        let simple = node.up().is_some_and(|p| {
            (p.kind_name() == "expression_statement" && p.named_child_count() == 1)
                || (p.kind_name() == "assignment"
                    && p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == node.id())
                    && p.up().is_some_and(|s| s.kind_name() == "expression_statement" && s.named_child_count() == 1))
        });
        // `asyncio.get_event_loop().run_until_complete(X)`
        if obj.kind_name() == "call" {
            if !obj.child_by_field_id(crate::field_id!("function")).and_then(|f| imports::qualified(f, cx)).is_some_and(|q| LOOP_MAKERS.contains(&q.as_str())) {
                return;
            }
            let mut f = Finding::new(self.id(), node.byte_range());
            if simple {
                if let Some(fix) = run_fix(node.start_byte()..node.end_byte(), arg, node, cx) {
                    f = f.with_fix(fix);
                }
            }
            out.push(f);
            return;
        }
        if obj.kind_name() != "identifier" {
            return;
        }
        let name = cx.text(obj);
        // `loop = asyncio.get_event_loop()` earlier in the same block.
        // ... or before an enclosing statement (the call may sit in a try).
        let mut level = stmt;
        let mut prev = stmt.prev_named_sibling();
        let mut maker = None;
        loop {
            let Some(s) = prev else {
                match level.up().and_then(|b| b.up()) {
                    Some(up) if !matches!(up.kind_name(), "function_definition" | "class_definition" | "module" | "lambda") => {
                        let up = syntax::statement_of(up);
                        level = up;
                        prev = up.prev_named_sibling();
                        continue;
                    }
                    _ => break,
                }
            };
            if let Some(asg) = s.named_child(0).filter(|x| s.kind_name() == "expression_statement" && x.kind_name() == "assignment") {
                if asg.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == name) {
                    let ok = asg.child_by_field_id(crate::field_id!("right")).is_some_and(|r| {
                        r.kind_name() == "call"
                            && r.child_by_field_id(crate::field_id!("arguments")).is_some_and(|x| x.named_child_count() == 0)
                            && r.child_by_field_id(crate::field_id!("function")).and_then(|f| imports::qualified(f, cx)).is_some_and(|q| LOOP_MAKERS.contains(&q.as_str()))
                    });
                    if ok {
                        maker = Some(s);
                    }
                    break;
                }
            }
            prev = s.prev_named_sibling();
        }
        let Some(maker) = maker else { return };
        // The loop serves nothing else: only set_event_loop(), this call, close().
        let scope_node = syntax::enclosing_function(node).and_then(|f| f.child_by_field_id(crate::field_id!("body"))).unwrap_or(cx.tree.root_node());
        if !only_simple_uses(scope_node, name, node, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if simple {
            // maker, [set_event_loop(loop)], stmt, [loop.close()] in a row.
            let mut between = maker.next_sibling();
            let mut ok = false;
            while let Some(b) = between {
                if b.id() == stmt.id() {
                    ok = true;
                    break;
                }
                if b.kind_name() == "comment" || !is_set_event_loop(b, name, cx) {
                    ok = false;
                    break;
                }
                between = b.next_sibling();
            }
            let mut close = None;
            let mut next = stmt.next_named_sibling();
            while let Some(n) = next.filter(|n| n.kind_name() == "comment") {
                next = n.next_named_sibling();
            }
            if let Some(n) = next.filter(|n| cx.text(*n) == format!("{name}.close()")) {
                close = Some(n);
            }
            let line_start = |at: usize| cx.src[..at].rfind('\n').map_or(0, |i| i + 1);
            let eol = cx.src[stmt.end_byte()..].find(['\n', '\r']).map_or(cx.src.len(), |i| stmt.end_byte() + i);
            let root = cx.tree.root_node();
            let maker_range = line_start(maker.start_byte())..line_start(stmt.start_byte());
            let close_range = close.map(|c| eol..c.end_byte());
            let lines_ok = cx.src[maker_range.start..maker.start_byte()].trim().is_empty()
                && maker_range.start < maker_range.end
                && !syntax::has_comment_in(root, maker_range.clone())
                && close_range.clone().is_none_or(|r| !syntax::has_comment_in(root, r));
            // After the fix no use of the loop may remain.
            let removed = |n: Node| {
                maker_range.contains(&n.start_byte())
                    || node.byte_range().contains(&n.start_byte())
                    || close_range.clone().is_some_and(|r| r.contains(&n.start_byte()))
            };
            let leftover = uses_outside(scope_node, name, &removed, cx);
            if ok && lines_ok && !leftover {
                if let Some(mut fix) = run_fix(node.byte_range(), arg, node, cx) {
                    fix.edits.push(Edit::delete(maker_range.clone()));
                    if let Some(r) = close_range {
                        fix.edits.push(Edit::delete(r));
                    }
                    f = f.with_fix(fix);
                }
            }
        }
        out.push(f);
    }
}

fn uses_outside(scope_node: Node, name: &str, removed: &dyn Fn(Node) -> bool, cx: &Context) -> bool {
    let mut cursor = scope_node.walk();
    let mut stack = vec![scope_node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && cx.text(n) == name && !removed(n) {
            return true;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}

fn is_set_event_loop(stmt: Node, name: &str, cx: &Context) -> bool {
    stmt.kind_name() == "expression_statement"
        && stmt.named_child(0).filter(|c| c.kind_name() == "call").is_some_and(|c| {
            c.child_by_field_id(crate::field_id!("function")).and_then(|f| imports::qualified(f, cx)).as_deref() == Some("asyncio.set_event_loop")
                && c.child_by_field_id(crate::field_id!("arguments")).is_some_and(|a| cx.text(a) == format!("({name})"))
        })
}

fn only_simple_uses(scope_node: Node, name: &str, call: Node, cx: &Context) -> bool {
    let mut cursor = scope_node.walk();
    let mut stack = vec![scope_node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && cx.text(n) == name {
            let Some(p) = n.up() else { return false };
            let ok = match p.kind_name() {
                "assignment" => p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id()),
                "attribute" => {
                    let attr = p.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or("");
                    if p.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| a.id() == n.id()) {
                        true
                    } else if attr == "run_until_complete" {
                        p.up().is_some_and(|c| c.id() == call.id())
                    } else {
                        attr == "close"
                    }
                }
                "argument_list" => p.up().is_some_and(|c| is_set_event_loop(c.up().unwrap_or(c), name, cx)),
                "keyword_argument" => p.child_by_field_id(crate::field_id!("name")).is_some_and(|k| k.id() == n.id()),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    true
}

/// Replace `range` with `asyncio.run(X)` when X calls a coroutine function.
fn run_fix(range: std::ops::Range<usize>, arg: Node, at: Node, cx: &Context) -> Option<Fix> {
    if !concurrency::is_coroutine_call(arg, cx) || syntax::has_comment_in(cx.tree.root_node(), range.clone()) {
        return None;
    }
    let mut edits = Vec::new();
    let run = match imports::local_expr(cx, at, "asyncio.run") {
        Some(r) => r,
        None if bindings::name_is_free(cx, at, "asyncio") => {
            edits.push(cx.import_edit("import asyncio"));
            "asyncio.run".to_string()
        }
        None => return None,
    };
    edits.push(Edit::replace(range, format!("{run}({})", cx.text(arg))));
    Some(Fix::unsafe_("asyncio-run", edits))
}
