//! `py2-raise-comma`: Python 2's `raise E, msg[, tb]`.

use super::prelude::*;

pub struct Py2RaiseComma;

impl Rule for Py2RaiseComma {
    fn id(&self) -> &'static str {
        "py2-raise-comma"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["raise_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(list) = node.named_child(0).filter(|n| n.kind_name() == "expression_list") else { return };
        let items: Vec<Node> = crate::syntax::named_children(list).into_iter().filter(|n| n.kind_name() != "comment").collect();
        if !(2..=3).contains(&items.len()) {
            return;
        }
        let exc = cx.text(items[0]);
        let msg = items[1];
        // Python 2 unpacked a tuple into the constructor's arguments.
        let args = if msg.kind_name() == "tuple" {
            let t = cx.text(msg);
            t[1..t.len() - 1].trim().trim_end_matches(',').to_string()
        } else if msg.kind_name() == "none" {
            String::new()
        } else {
            cx.text(msg).to_string()
        };
        let mut new = format!("{exc}({args})");
        if let Some(tb) = items.get(2) {
            new = format!("{new}.with_traceback({})", cx.text(*tb));
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if !crate::syntax::has_comment_in(list, list.byte_range()) {
            f = f.with_fix(Fix::safe("raise-call", vec![Edit::replace(list.byte_range(), new)]));
        }
        out.push(f);
    }
}
