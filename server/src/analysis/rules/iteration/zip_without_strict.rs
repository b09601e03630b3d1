//! `zip-without-strict`: `zip(a, b)` silently stops at the shortest input;
//! `strict=` (3.10+) says whether that is intended.

use super::prelude::*;

pub struct ZipWithoutStrict;

const INFINITE: &[&str] = &["itertools.repeat", "itertools.count", "itertools.cycle"];

impl Rule for ZipWithoutStrict {
    fn id(&self) -> &'static str {
        "zip-without-strict"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["zip"]
    }
    fn min_python(&self) -> (u8, u8) {
        (3, 10)
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !scope::refers_to(func, cx.src, &cx.module, "zip") {
            return;
        }
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let a: Vec<Node> = named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect();
        if a.iter().any(|n| matches!(n.kind_name(), "keyword_argument" | "dictionary_splat")) {
            return;
        }
        // `zip(*rows)` may zip many iterables; one plain argument zips nothing against anything.
        if a.len() < 2 && !a.iter().any(|n| n.kind_name() == "list_splat") {
            return;
        }
        // An infinite iterator among the inputs means truncation is the point.
        let infinite = a.iter().any(|n| {
            n.kind_name() == "call"
                && n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| INFINITE.iter().any(|q| scope::refers_to(f, cx.src, &cx.module, q)))
                // `repeat(x, n)` is finite.
                && !(n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| cx.text(f).ends_with("repeat"))
                    && n.child_by_field_id(crate::field_id!("arguments")).is_some_and(|a| a.named_child_count() >= 2))
        });
        if infinite {
            return;
        }
        let at = a.last().unwrap().end_byte();
        out.push(Finding::new(self.id(), node.byte_range()).with_fixes([
            Fix::unsafe_("strict-true", vec![Edit::insert(at, ", strict=True")]),
            Fix::safe("strict-false", vec![Edit::insert(at, ", strict=False")]),
        ]));
    }
}
