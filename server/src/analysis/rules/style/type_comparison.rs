//! `type-comparison`: `type(x) == T` where `isinstance(x, T)` is meant.
//! `type(x) is T` is an exact-type check on purpose and is left alone.

use super::prelude::*;

pub struct TypeComparison;

fn type_call_arg<'t>(node: Node<'t>, cx: &Context) -> Option<Node<'t>> {
    if node.kind_name() != "call" {
        return None;
    }
    let f = node.child_by_field_id(crate::field_id!("function"))?;
    if !scope::refers_to(f, cx.src, &cx.module, "type") {
        return None;
    }
    let args = node.child_by_field_id(crate::field_id!("arguments"))?;
    let named = crate::syntax::named_children(args);
    if named.len() != 1 || args.kind_name() != "argument_list" {
        return None;
    }
    let a = named[0];
    (!matches!(a.kind_name(), "keyword_argument" | "list_splat" | "dictionary_splat")).then_some(a)
}

impl Rule for TypeComparison {
    fn id(&self) -> &'static str {
        "type-comparison"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["comparison_operator"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let kids: Vec<Node> = crate::syntax::children(node).into_iter().filter(|k| k.kind_name() != "comment").collect();
        if kids.len() > 3 {
            // A chain (`type(a) == type(b) == T`): report a `==`/`!=` link with
            // a `type()` call on either side, without a fix.
            let hit = kids.windows(3).step_by(2).any(|w| {
                matches!(w[1].kind_name(), "==" | "!=") && (type_call_arg(w[0], cx).is_some() || type_call_arg(w[2], cx).is_some())
            });
            if hit {
                out.push(Finding::new(self.id(), node.byte_range()));
            }
            return;
        }
        if kids.len() != 3 {
            return;
        }
        let (l, op, r) = (kids[0], kids[1], kids[2]);
        let negate = match op.kind_name() {
            "==" => false,
            "!=" => true,
            _ => return,
        };
        let (arg, other) = match (type_call_arg(l, cx), type_call_arg(r, cx)) {
            (Some(a), _) => (a, r),
            (None, Some(a)) => (a, l),
            _ => return,
        };
        let mut f = Finding::new(self.id(), node.byte_range());
        // isinstance() needs a class on the other side: a name or dotted name.
        if crate::syntax::is_name_or_attribute(other) && other.kind_name() != "none" {
            let text = format!(
                "{}isinstance({}, {})",
                if negate { "not " } else { "" },
                cx.text(arg),
                cx.text(other)
            );
            if !crate::syntax::has_comment_in(node, node.byte_range()) {
                f = f.with_fix(Fix::unsafe_("use-isinstance", vec![Edit::replace(node.byte_range(), text)]));
            }
        }
        out.push(f);
    }
}
