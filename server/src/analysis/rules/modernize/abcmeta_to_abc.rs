//! `abcmeta-to-abc`: `class C(metaclass=ABCMeta)` where inheriting from
//! `abc.ABC` says the same more simply.

use super::prelude::*;

pub struct AbcmetaToAbc;

impl Rule for AbcmetaToAbc {
    fn id(&self) -> &'static str {
        "abcmeta-to-abc"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["class_definition"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(args) = node.child_by_field_id(crate::field_id!("superclasses")) else { return };
        let items: Vec<Node> = named_children(args).into_iter().filter(|c| c.kind_name() != "comment").collect();
        let Some(pos) = items.iter().position(|k| {
            k.kind_name() == "keyword_argument"
                && k.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == "metaclass")
                && k.child_by_field_id(crate::field_id!("value")).is_some_and(|v| scope::refers_to(v, cx.src, &cx.module, "abc.ABCMeta"))
        }) else {
            return;
        };
        let kw = items[pos];
        let mut f = Finding::new(self.id(), kw.byte_range());
        let before_ok = items[..pos].iter().all(|k| !matches!(k.kind_name(), "keyword_argument" | "dictionary_splat" | "list_splat"));
        let after_ok = items[pos + 1..].iter().all(|k| k.kind_name() == "keyword_argument");
        let value = kw.child_by_field_id(crate::field_id!("value"));
        // How to spell `abc.ABC` here, and whether an import is needed.
        let mut edits = Vec::new();
        let abc_ref = match value {
            Some(v) if v.kind_name() == "attribute" => v.child_by_field_id(crate::field_id!("object")).map(|o| format!("{}.ABC", cx.text(o))),
            _ => match imports::local_ref(cx, "abc", "ABC") {
                Some(r) => Some(r),
                None if !scope::is_shadowed("ABC", node, cx.src, &cx.module) => {
                    edits.push(cx.import_edit("from abc import ABC"));
                    Some("ABC".to_string())
                }
                None => None,
            },
        };
        if let Some(r) = abc_ref.filter(|_| before_ok && after_ok && !syntax::has_comment_in(kw, kw.byte_range())) {
            edits.push(Edit::replace(kw.byte_range(), r));
            let has_bases = pos > 0;
            let applicability = if has_bases { Applicability::Unsafe } else { Applicability::Safe };
            f = f.with_fix(Fix::new("inherit-abc", applicability, edits));
        }
        out.push(f);
    }
}
