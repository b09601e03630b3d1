//! `yield-in-comprehension`: `yield` or `yield from` inside a list, set or
//! dict comprehension or a generator expression, past the iterable of its
//! first `for` (which runs where the comprehension stands). The compiler
//! rejects it ("'yield' inside list comprehension", "… set comprehension",
//! "… dict comprehension", "'yield' inside generator expression"), on
//! 3.8 to 3.13 alike. A lambda inside the comprehension is a function of
//! its own and may hold one.

use super::prelude::*;
use definitions::Placement;

pub struct YieldInComprehension;

impl Rule for YieldInComprehension {
    fn id(&self) -> &'static str {
        "yield-in-comprehension"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["yield"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        if matches!(definitions::runs_in(node), Placement::Comprehension(_)) {
            out.push(Finding::new(self.id(), node.byte_range()));
        }
    }
}
