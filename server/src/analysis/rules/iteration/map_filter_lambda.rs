//! `map-filter-lambda`: `map(lambda x: …, xs)` / `filter(lambda x: …, xs)`,
//! clearer as a comprehension or generator expression.

use super::prelude::*;

pub struct MapFilterLambda;

/// (`map`|`filter`, lambda parameter, lambda body, iterable) of a call.
fn parts<'t>(call: Node<'t>, cx: &Context) -> Option<(&'static str, Node<'t>, Node<'t>, Node<'t>)> {
    let func = call.child_by_field_id(crate::field_id!("function"))?;
    let which = if scope::refers_to(func, cx.src, &cx.module, "map") {
        "map"
    } else if scope::refers_to(func, cx.src, &cx.module, "filter") {
        "filter"
    } else {
        return None;
    };
    let args = call.child_by_field_id(crate::field_id!("arguments"))?;
    if args.kind_name() != "argument_list" {
        return None;
    }
    let a: Vec<Node> = named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect();
    if a.len() != 2 || a[0].kind_name() != "lambda" || matches!(a[1].kind_name(), "keyword_argument" | "list_splat" | "dictionary_splat") {
        return None;
    }
    let params = a[0].child_by_field_id(crate::field_id!("parameters"))?;
    let p = named_children(params);
    if p.len() != 1 || p[0].kind_name() != "identifier" {
        return None;
    }
    let body = a[0].child_by_field_id(crate::field_id!("body"))?;
    Some((which, p[0], body, a[1]))
}

/// Text of `n`, parenthesized where a comprehension clause would misparse it.
fn clause(n: Node, cx: &Context) -> String {
    let t = cx.text(n);
    if matches!(n.kind_name(), "conditional_expression" | "lambda" | "named_expression") {
        format!("({t})")
    } else {
        t.to_string()
    }
}

impl Rule for MapFilterLambda {
    fn id(&self) -> &'static str {
        "map-filter-lambda"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["map", "filter"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some((which, param, body, iterable)) = parts(node, cx) else { return };
        if body.kind_name() == "lambda" || body.kind_name() == "yield" {
            return;
        }
        // Wrapped in list()/set()? Report and rewrite the wrapper.
        let wrapper = node
            .up()
            .filter(|p| p.kind_name() == "argument_list" && p.named_child_count() == 1)
            .and_then(|p| p.up())
            .filter(|c| c.kind_name() == "call")
            .and_then(|c| {
                let f = c.child_by_field_id(crate::field_id!("function"))?;
                ["list", "set"]
                    .into_iter()
                    .find(|b| scope::refers_to(f, cx.src, &cx.module, b))
                    .map(|b| (c, b))
            });
        let x = cx.text(param);
        let it = clause(iterable, cx);
        let element = match which {
            "map" => clause(body, cx),
            _ => x.to_string(),
        };
        let filter = if which == "filter" { format!(" if {}", clause(body, cx)) } else { String::new() };
        let inner = format!("{element} for {x} in {it}{filter}");
        let (range, new) = match wrapper {
            Some((w, "list")) => (w.byte_range(), format!("[{inner}]")),
            Some((w, _)) => (w.byte_range(), format!("{{{inner}}}")),
            None => (node.byte_range(), format!("({inner})")),
        };
        let mut f = Finding::new(self.id(), range.clone());
        if !crate::syntax::has_comment_in(cx.tree.root_node(), range.clone()) {
            f = f.with_fix(Fix::unsafe_("comprehension", vec![Edit::replace(range, new)]));
        }
        out.push(f);
    }
}
