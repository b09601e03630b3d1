//! `break-outside-loop`: `break` or `continue` with no loop around it in
//! the same function or class body, or in a loop's `else` clause only,
//! which the compiler rejects ("'break' outside loop", "'continue' not
//! properly in loop").

use super::prelude::*;

pub struct BreakOutsideLoop;

impl Rule for BreakOutsideLoop {
    fn id(&self) -> &'static str {
        "break-outside-loop"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["break_statement", "continue_statement"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        if definitions::in_loop_body(node) == Some(false) {
            out.push(Finding::new(self.id(), node.byte_range()));
        }
    }
}
