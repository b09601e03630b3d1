//! `lock-locked-check`: `if not lock.locked(): lock.acquire()` races: another
//! thread can take the lock between the check and the acquire.

use super::prelude::*;

pub struct LockLockedCheck;

/// If `call` is `X.<method>()` with no arguments, the `X` node.
fn method_call_on<'t>(call: Node<'t>, method: &str, cx: &Context) -> Option<Node<'t>> {
    if call.kind_name() != "call" {
        return None;
    }
    let f = call.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute")?;
    let args = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list")?;
    if args.named_child_count() != 0 || f.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != method) {
        return None;
    }
    f.child_by_field_id(crate::field_id!("object")).filter(|o| syntax::is_name_or_attribute(*o))
}

impl Rule for LockLockedCheck {
    fn id(&self) -> &'static str {
        "lock-locked-check"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["if_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(cond) = node.child_by_field_id(crate::field_id!("condition")) else { return };
        if cond.kind_name() != "not_operator" {
            return;
        }
        let Some(inner) = cond.child_by_field_id(crate::field_id!("argument")) else { return };
        let Some(lock) = method_call_on(inner, "locked", cx) else { return };
        let Some(body) = node.child_by_field_id(crate::field_id!("consequence")) else { return };
        let stmts: Vec<Node> = named_children(body).into_iter().filter(|s| s.kind_name() != "comment").collect();
        let Some(first) = stmts.first().copied() else { return };
        // The first statement is a plain (not awaited) blocking `L.acquire()`.
        if first.kind_name() != "expression_statement" || first.named_child_count() != 1 {
            return;
        }
        let Some(call) = first.named_child(0) else { return };
        let Some(obj) = method_call_on(call, "acquire", cx) else { return };
        if cx.text(obj) != cx.text(lock) {
            return;
        }
        let mut f = Finding::new(self.id(), node.start_byte()..cond.end_byte());
        if let Some(fix) = fix(node, cond, first, stmts.len() == 1, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn fix(if_node: Node, cond: Node, acquire: Node, only: bool, cx: &Context) -> Option<Fix> {
    let lock = cx.text(cond.child_by_field_id(crate::field_id!("argument"))?.child_by_field_id(crate::field_id!("function"))?.child_by_field_id(crate::field_id!("object"))?);
    let mut edits = vec![Edit::replace(cond.byte_range(), format!("{lock}.acquire(blocking=False)"))];
    if syntax::has_comment_in(if_node, cond.byte_range()) {
        return None;
    }
    if only {
        edits.push(Edit::replace(acquire.byte_range(), "pass"));
    } else {
        // Remove the acquire's whole line; it must be alone on it.
        let line_start = cx.src[..acquire.start_byte()].rfind('\n').map_or(0, |i| i + 1);
        let rest = &cx.src[acquire.end_byte()..];
        let eol = rest.find('\n').map_or(cx.src.len(), |i| acquire.end_byte() + i + 1);
        if !cx.src[line_start..acquire.start_byte()].trim().is_empty() || !cx.src[acquire.end_byte()..eol].trim().is_empty() {
            return None;
        }
        edits.push(Edit::delete(line_start..eol));
    }
    Some(Fix::unsafe_("acquire-non-blocking", edits))
}
