//! `yield-outside-function`: `yield` or `yield from` at module level or in
//! a class body, which the compiler rejects ("'yield' outside function").
//! A lambda may hold one (it makes a generator); inside a comprehension the
//! compiler's complaint is another ("'yield' inside list comprehension"),
//! which `yield-in-comprehension` reports.

use super::prelude::*;
use definitions::Placement;

pub struct YieldOutsideFunction;

impl Rule for YieldOutsideFunction {
    fn id(&self) -> &'static str {
        "yield-outside-function"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["yield"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        if matches!(definitions::runs_in(node), Placement::Module | Placement::ClassBody) {
            out.push(Finding::new(self.id(), node.byte_range()));
        }
    }
}
