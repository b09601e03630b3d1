//! `await-outside-async`: `await`, `async for`, `async with` or an
//! asynchronous list, set or dict comprehension where no `async def` body
//! holds it, which the compiler rejects ("'await' outside function",
//! "'async for' outside async function", "asynchronous comprehension
//! outside of an asynchronous function").
//!
//! A generator expression may hold `await` and `async for` anywhere (it
//! becomes an asynchronous generator); a list, set or dict comprehension
//! needs the same as the code around it, except the iterable of its first
//! `for`, which runs where the comprehension stands. A lambda or a class
//! body inside an `async def` is not the `async def`'s body.

use super::prelude::*;
use definitions::Placement;

pub struct AwaitOutsideAsync;

impl Rule for AwaitOutsideAsync {
    fn id(&self) -> &'static str {
        "await-outside-async"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["await", "for_statement", "with_statement", "list_comprehension", "set_comprehension", "dictionary_comprehension"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let range = match node.kind_name() {
            "await" => node.child(0).map_or(node.byte_range(), |k| k.byte_range()),
            "for_statement" | "with_statement" => {
                let Some(kw) = node.child(0).filter(|k| k.kind_name() == "async") else { return };
                let end = node.child(1).map_or(kw.end_byte(), |k| k.end_byte());
                kw.start_byte()..end
            }
            _ => {
                // A comprehension without the word `async` has no async clause.
                if memchr::memmem::find(cx.src.as_bytes().get(node.byte_range()).unwrap_or_default(), b"async").is_none() {
                    return;
                }
                let clause = named_children(node)
                    .into_iter()
                    .find(|c| c.kind_name() == "for_in_clause" && c.child(0).is_some_and(|k| k.kind_name() == "async"));
                let Some(clause) = clause else { return };
                let kw = clause.child(0).map_or(clause.byte_range(), |k| k.byte_range());
                let end = clause.child(1).map_or(kw.end, |k| k.end_byte());
                kw.start..end
            }
        };
        if allowed_here(node) == Some(false) {
            out.push(Finding::new(self.id(), range));
        }
    }
}

/// Whether the code at `node` may await: Some answer, None where unsure.
fn allowed_here(node: Node) -> Option<bool> {
    let mut at = node;
    loop {
        match definitions::runs_in(at) {
            Placement::Function(f) => return Some(definitions::is_async_def(f)),
            Placement::Lambda | Placement::ClassBody | Placement::Module => return Some(false),
            Placement::Comprehension(c) if c.kind_name() == "generator_expression" => return Some(true),
            Placement::Comprehension(c) => at = c,
            Placement::Unsure => return None,
        }
    }
}
