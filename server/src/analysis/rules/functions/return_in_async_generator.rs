//! `return-in-async-generator`: `return` with a value in an `async def`
//! that is a generator (a `yield` in its own body), which the compiler
//! rejects ("'return' with value in async generator") on 3.8 to 3.13, wherever
//! the `return` stands in the body. A plain `return` is allowed; a sync
//! generator may return a value (it becomes `StopIteration.value`).

use super::prelude::*;
use definitions::Placement;

pub struct ReturnInAsyncGenerator;

/// Whether the body of `func` holds a `yield` of its own (not `yield
/// from`, which an `async def` refuses with another message; not one in a
/// nested function, lambda or class; one in a comprehension's first
/// iterable runs in `func` and counts).
fn yields_itself(func: Node) -> bool {
    let Some(body) = func.child_by_field_id(crate::field_id!("body")) else { return false };
    syntax::descendants(body).into_iter().any(|n| {
        n.kind_name() == "yield"
            && !syntax::children(n).iter().any(|c| c.kind_name() == "from")
            && matches!(definitions::runs_in(n), Placement::Function(f) if f.id() == func.id())
    })
}

impl Rule for ReturnInAsyncGenerator {
    fn id(&self) -> &'static str {
        "return-in-async-generator"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["return_statement"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        // A value: some child that is code (not the keyword, not a comment).
        if !syntax::children(node).iter().any(|c| c.is_named() && c.kind_name() != "comment") {
            return;
        }
        let Placement::Function(func) = definitions::runs_in(node) else { return };
        if definitions::is_async_def(func) && yields_itself(func) {
            out.push(Finding::new(self.id(), node.byte_range()));
        }
    }
}
