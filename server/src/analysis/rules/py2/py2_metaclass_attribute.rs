//! `py2-metaclass-attribute`: `__metaclass__ = M` in a class body, which
//! Python 3 ignores; the metaclass belongs in the class header.

use super::prelude::*;

pub struct Py2MetaclassAttribute;

impl Rule for Py2MetaclassAttribute {
    fn id(&self) -> &'static str {
        "py2-metaclass-attribute"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["class_definition"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        for stmt in named_children(body) {
            if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
                continue;
            }
            let Some(assign) = stmt.named_child(0).filter(|a| a.kind_name() == "assignment") else { continue };
            let is_meta = assign.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == "__metaclass__");
            let Some(value) = assign.child_by_field_id(crate::field_id!("right")) else { continue };
            if !is_meta || assign.child_by_field_id(crate::field_id!("type")).is_some() || value.kind_name() == "assignment" {
                continue;
            }
            let mut f = Finding::new(self.id(), stmt.byte_range());
            if let Some(del) = edits::delete_statement(stmt, cx) {
                if value.kind_name() == "identifier" && scope::refers_to(value, cx.src, &cx.module, "type") {
                    f = f.with_fix(Fix::safe("remove", vec![del]));
                } else if let Some(ins) = header_insert(node, cx, cx.text(value)) {
                    f = f.with_fix(Fix::unsafe_("metaclass-keyword", vec![del, ins]));
                }
            }
            out.push(f);
            return;
        }
    }
}

/// The edit adding `metaclass=<value>` to the class header, or None when the
/// header already names a metaclass or has comments.
fn header_insert(class: Node, cx: &Context, value: &str) -> Option<Edit> {
    if value.contains('\n') {
        return None;
    }
    let kw = format!("metaclass={value}");
    let Some(args) = class.child_by_field_id(crate::field_id!("superclasses")) else {
        let after = class.child_by_field_id(crate::field_id!("type_parameters")).or_else(|| class.child_by_field_id(crate::field_id!("name")))?;
        return Some(Edit::insert(after.end_byte(), format!("({kw})")));
    };
    if syntax::has_comment_in(args, args.byte_range()) {
        return None;
    }
    let items: Vec<Node> = named_children(args);
    if items.iter().any(|k| {
        k.kind_name() == "dictionary_splat"
            || (k.kind_name() == "keyword_argument" && k.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == "metaclass"))
    }) {
        return None;
    }
    let Some(last) = items.last() else {
        return Some(Edit::insert(args.start_byte() + 1, kw));
    };
    let comma = children(args).into_iter().find(|c| c.kind_name() == "," && c.start_byte() >= last.end_byte());
    if let Some(comma) = comma {
        Some(Edit::insert(comma.end_byte(), format!(" {kw}")))
    } else {
        Some(Edit::insert(last.end_byte(), format!(", {kw}")))
    }
}
