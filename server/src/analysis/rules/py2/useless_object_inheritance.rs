//! `useless-object-inheritance`: `class A(object):`, a Python 2 habit.

use super::prelude::*;

pub struct UselessObjectInheritance;

impl Rule for UselessObjectInheritance {
    fn id(&self) -> &'static str {
        "useless-object-inheritance"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["class_definition"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(args) = node.child_by_field_id(crate::field_id!("superclasses")) else { return };
        let kids = crate::syntax::children(args);
        let named: Vec<Node> = kids.iter().copied().filter(|k| k.is_named() && k.kind_name() != "comment").collect();
        for (i, arg) in named.iter().enumerate() {
            if arg.kind_name() != "identifier" || !scope::refers_to(*arg, cx.src, &cx.module, "object") {
                continue;
            }
            let edit = if named.len() == 1 {
                // `class A(object):` → `class A:`
                Edit::delete(args.byte_range())
            } else if i + 1 < named.len() {
                // Remove `object, ` up to the next argument.
                Edit::delete(arg.start_byte()..named[i + 1].start_byte())
            } else {
                // Last of several: remove `, object`.
                Edit::delete(named[i - 1].end_byte()..arg.end_byte())
            };
            let mut f = Finding::new(self.id(), arg.byte_range());
            if !crate::syntax::has_comment_in(args, edit.range.clone()) {
                f = f.with_fix(Fix::safe("remove-object", vec![edit]));
            }
            out.push(f);
        }
    }
}
