//! `none-equality`: `x == None` / `x != None` instead of `is` / `is not`.

use super::prelude::*;

pub struct NoneEquality;

impl Rule for NoneEquality {
    fn id(&self) -> &'static str {
        "none-equality"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["comparison_operator"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        let kids = crate::syntax::children(node);
        // Exactly `a OP b`: chains are left alone.
        if kids.len() != 3 {
            return;
        }
        let (l, op, r) = (kids[0], kids[1], kids[2]);
        let new_op = match op.kind_name() {
            "==" => "is",
            "!=" => "is not",
            _ => return,
        };
        if l.kind_name() != "none" && r.kind_name() != "none" {
            return;
        }
        out.push(
            Finding::new(self.id(), node.byte_range())
                .with_fix(Fix::unsafe_("use-is", vec![Edit::replace(op.byte_range(), new_op)])),
        );
    }
}
