//! `blocking-sleep-in-async`: `time.sleep()` inside `async def` stops the
//! whole event loop; `await asyncio.sleep()` lets other tasks run.

use super::prelude::*;

pub struct BlockingSleepInAsync;

impl Rule for BlockingSleepInAsync {
    fn id(&self) -> &'static str {
        "blocking-sleep-in-async"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["sleep"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if calls::call_target(node, cx, &["sleep"], &["time.sleep"]).is_none() {
            return;
        }
        // The innermost function (lambdas included) must be an `async def`.
        if !syntax::enclosing_function(node).is_some_and(definitions::is_async_def) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if let Some(fix) = await_fix(node, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn await_fix(call: Node, cx: &Context) -> Option<Fix> {
    // Only a call that is a statement of its own: its value (None) is unused.
    let stmt = call.up().filter(|p| p.kind_name() == "expression_statement" && p.named_child_count() == 1)?;
    if stmt.up().is_none_or(|b| !matches!(b.kind_name(), "block" | "module")) {
        return None;
    }
    // Code written for trio, anyio or curio needs their own sleep.
    if cx.module.imported_modules.iter().any(|m| {
        let top = m.split('.').next().unwrap_or(m);
        matches!(top, "trio" | "anyio" | "curio" | "twisted" | "gevent" | "eventlet")
    }) {
        return None;
    }
    let func = call.child_by_field_id(crate::field_id!("function"))?;
    if syntax::has_comment_in(call, func.byte_range()) {
        return None;
    }
    let mut edits = Vec::new();
    let name = match imports::local_expr(cx, call, "asyncio.sleep") {
        Some(n) => n,
        None if bindings::name_is_free(cx, call, "asyncio") => {
            edits.push(cx.import_edit("import asyncio"));
            "asyncio.sleep".to_string()
        }
        None => return None,
    };
    edits.push(Edit::replace(call.start_byte()..func.end_byte(), format!("await {name}")));
    Some(Fix::unsafe_("await-asyncio-sleep", edits))
}
