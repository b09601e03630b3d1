//! `return-outside-function`: a `return` at module level or in a class
//! body, which the compiler rejects ("'return' outside function"), so the
//! whole file fails before any of it runs.

use super::prelude::*;
use definitions::Placement;

pub struct ReturnOutsideFunction;

impl Rule for ReturnOutsideFunction {
    fn id(&self) -> &'static str {
        "return-outside-function"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["return_statement"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        if matches!(definitions::runs_in(node), Placement::Module | Placement::ClassBody) {
            let end = node.child(0).map_or(node.end_byte(), |k| k.end_byte());
            out.push(Finding::new(self.id(), node.start_byte()..end));
        }
    }
}
