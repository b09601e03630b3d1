//! `naive-datetime`: `datetime.utcnow()`, `datetime.utcfromtimestamp()` and
//! `datetime.now()` without a time zone return naive datetimes.

use super::prelude::*;

pub struct NaiveDatetime;

impl Rule for NaiveDatetime {
    fn id(&self) -> &'static str {
        "naive-datetime"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["now", "utcnow", "utcfromtimestamp"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(q) = calls::call_target(
            node,
            cx,
            &["now", "utcnow", "utcfromtimestamp"],
            &["datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.utcfromtimestamp"],
        ) else {
            return;
        };
        let Some(a) = calls::split_args(node, cx) else { return };
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        let Some(attr) = func.child_by_field_id(crate::field_id!("attribute")) else { return };
        let is_none = |n: Node| n.kind_name() == "none";
        let mut f = Finding::new(self.id(), node.byte_range());
        let clean = !syntax::has_comment_in(a.list, a.list.byte_range());
        match q.as_str() {
            "datetime.datetime.now" => {
                let tz = match (a.positional.first(), a.keyword("tz")) {
                    (Some(p), None) if a.positional.len() == 1 && a.keywords.is_empty() => Some(*p),
                    (None, Some((_, v))) if a.keywords.len() == 1 => Some(v),
                    (None, None) if a.keywords.is_empty() => None,
                    _ => return,
                };
                if tz.is_some_and(|t| !is_none(t)) {
                    return;
                }
                // `datetime.now().astimezone()` is aware (local time zone).
                if node.up().is_some_and(|p| {
                    p.kind_name() == "attribute"
                        && p.child_by_field_id(crate::field_id!("attribute")).is_some_and(|n| cx.text(n) == "astimezone")
                        && p.up().is_some_and(|c| c.kind_name() == "call")
                }) {
                    return;
                }
                if clean {
                    f = f.with_fix(Fix::unsafe_("aware-local", vec![Edit::replace(a.list.byte_range(), "().astimezone()")]));
                    if let Some((utc, mut edits)) = utc_expr(cx, node) {
                        edits.push(Edit::replace(a.list.byte_range(), format!("({utc})")));
                        f = f.with_fix(Fix::unsafe_("aware-utc", edits));
                    }
                }
            }
            "datetime.datetime.utcnow" => {
                if !a.positional.is_empty() || !a.keywords.is_empty() {
                    return;
                }
                if clean {
                    if let Some((utc, mut edits)) = utc_expr(cx, node) {
                        edits.push(Edit::replace(attr.start_byte()..node.end_byte(), format!("now({utc})")));
                        f = f.with_fix(Fix::unsafe_("aware-utc", edits));
                    }
                }
            }
            _ => {
                if a.positional.len() != 1 || !a.keywords.is_empty() {
                    return;
                }
                if clean {
                    if let Some((utc, mut edits)) = utc_expr(cx, node) {
                        let ts = cx.text(a.positional[0]);
                        edits.push(Edit::replace(attr.start_byte()..node.end_byte(), format!("fromtimestamp({ts}, {utc})")));
                        f = f.with_fix(Fix::unsafe_("aware-utc", edits));
                    }
                }
            }
        }
        out.push(f);
    }
}

/// An expression for UTC at `at`, with the import edit it needs, if any.
fn utc_expr(cx: &Context, at: Node) -> Option<(String, Vec<Edit>)> {
    if let Some(n) = imports::local_expr(cx, at, "datetime.timezone") {
        return Some((format!("{n}.utc"), Vec::new()));
    }
    if let Some(n) = cx.module.imports.iter().filter(|(_, q)| q.as_str() == "datetime.UTC").map(|(l, _)| l.clone()).min() {
        if !bindings::bound_in_def(&n, at, cx.src) && !cx.module.bindings.contains(&n) {
            return Some((n, Vec::new()));
        }
    }
    if bindings::name_is_free(cx, at, "timezone") {
        return Some(("timezone.utc".to_string(), vec![cx.import_edit("from datetime import timezone")]));
    }
    None
}
