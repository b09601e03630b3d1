//! `py2-exec-statement`: Python 2's `exec code in ns`.

use super::prelude::*;

pub struct Py2ExecStatement;

impl Rule for Py2ExecStatement {
    fn id(&self) -> &'static str {
        "py2-exec-statement"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["exec_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(code) = node.child_by_field_id(crate::field_id!("code")) else { return };
        let mut args = vec![cx.text(code).to_string()];
        let mut after_in = false;
        for c in crate::syntax::children(node) {
            if c.kind_name() == "in" {
                after_in = true;
            } else if after_in && c.is_named() && c.kind_name() != "comment" {
                args.push(cx.text(c).to_string());
            }
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if !crate::syntax::has_comment_in(node, node.byte_range()) {
            f = f.with_fix(Fix::safe(
                "exec-function",
                vec![Edit::replace(node.byte_range(), format!("exec({})", args.join(", ")))],
            ));
        }
        out.push(f);
    }
}
