//! `list-comprehension-in-aggregate`: `sum([...])`, `min`, `max`, `any`,
//! `all` given a list comprehension, which builds a whole list just to
//! fold it; a generator expression does the same without the list.

use super::prelude::*;

pub struct ListComprehensionInAggregate;

const AGGREGATES: &[&str] = &["sum", "min", "max", "any", "all"];

impl Rule for ListComprehensionInAggregate {
    fn id(&self) -> &'static str {
        "list-comprehension-in-aggregate"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        AGGREGATES
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "identifier") else { return };
        let name = cx.text(func);
        if !AGGREGATES.contains(&name) || !scope::refers_to(func, cx.src, &cx.module, name) {
            return;
        }
        let Some(args) = calls::call_args(node) else { return };
        let Some(comp) = args.first().copied() else { return };
        if comp.kind_name() != "list_comprehension" {
            return;
        }
        // Extra arguments: `sum(..., start)`, `min/max(..., key=, default=)`.
        let extra_ok = args[1..].iter().all(|a| match (name, a.kind_name()) {
            ("sum", "keyword_argument") => a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == "start"),
            ("sum", k) => args.len() == 2 && !matches!(k, "list_splat" | "dictionary_splat"),
            ("min" | "max", "keyword_argument") => {
                a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| matches!(cx.text(n), "key" | "default"))
            }
            _ => false,
        });
        if !extra_ok {
            return;
        }
        // `await` or `async for` would turn the generator into an async one,
        // which these functions cannot consume: nothing to suggest.
        if definitions::has_async(comp) {
            return;
        }
        let mut f = Finding::new(self.id(), comp.byte_range());
        let applicability = if matches!(name, "any" | "all") || may_have_side_effects(comp) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let kids = syntax::children(comp);
        if let (Some(open), Some(close)) = (kids.first(), kids.last()) {
            if open.kind_name() == "[" && close.kind_name() == "]" {
                // A generator that is not the only argument needs its own brackets.
                let (o, c) = if args.len() == 1 { ("", "") } else { ("(", ")") };
                f = f.with_fix(Fix::new(
                    "generator",
                    applicability,
                    vec![Edit::replace(open.byte_range(), o), Edit::replace(close.byte_range(), c)],
                ));
            }
        }
        out.push(f);
    }
}

/// Whether anything the comprehension evaluates per item (everything except
/// its first iterable, evaluated at once either way) may have side effects.
fn may_have_side_effects(comp: Node) -> bool {
    let first_iter = syntax::named_children(comp)
        .into_iter()
        .find(|c| c.kind_name() == "for_in_clause")
        .and_then(|c| c.child_by_field_id(crate::field_id!("right")));
    syntax::descendants(comp).into_iter().any(|n| {
        matches!(n.kind_name(), "call" | "named_expression" | "yield" | "subscript" | "attribute")
            && first_iter.is_none_or(|fi| !(fi.start_byte() <= n.start_byte() && n.end_byte() <= fi.end_byte()))
    }) || first_iter.is_some_and(|fi| fi.kind_name() != "identifier" && fi.kind_name() != "list" && fi.kind_name() != "tuple")
}
