//! `pool-apply-in-loop`: `pool.apply()` called once per item in a loop.
//! `apply` blocks until its one task is done, so the items run one after
//! another and the pool's other workers sit idle.

use super::prelude::*;

pub struct PoolApplyInLoop;

impl Rule for PoolApplyInLoop {
    fn id(&self) -> &'static str {
        "pool-apply-in-loop"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["apply"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["apply"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        if func.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != "apply") {
            return;
        }
        let Some(pool) = func.child_by_field_id(crate::field_id!("object")).filter(|o| o.kind_name() == "identifier") else { return };
        // Inside a loop or comprehension of the same function.
        let Some(lp) = loop_of(node) else { return };
        if !bound_to_pool(pool, node, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if lp.kind_name() == "list_comprehension" {
            if let Some(fix) = map_fix(node, lp, pool, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

/// The innermost loop or comprehension around `node` whose body (not its
/// iterable) holds it, within the same function.
fn loop_of(node: Node) -> Option<Node> {
    let mut child = node;
    let mut cur = node.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "function_definition" | "lambda" | "class_definition" => return None,
            "for_statement" | "while_statement" => {
                if n.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id()) {
                    return Some(n);
                }
            }
            "list_comprehension" | "set_comprehension" | "generator_expression" | "dictionary_comprehension" => {
                if n.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id()) {
                    return Some(n);
                }
            }
            _ => {}
        }
        child = n;
        cur = n.up();
    }
    None
}

/// `with Pool(...) as name:` around the call, or `name = Pool(...)` in a
/// statement before one of the call's enclosing statements, same function.
fn bound_to_pool(name: Node, at: Node, cx: &Context) -> bool {
    let n = cx.text(name);
    let mut cur = at.up();
    while let Some(p) = cur {
        if matches!(p.kind_name(), "function_definition" | "lambda" | "class_definition") {
            break;
        }
        if p.kind_name() == "with_statement" {
            for item in with_items(p) {
                if let Some(v) = item.named_child(0).filter(|v| v.kind_name() == "as_pattern") {
                    let value = v.named_child(0);
                    let alias = v.child_by_field_id(crate::field_id!("alias")).and_then(|a| a.named_child(0).or(Some(a)));
                    if alias.is_some_and(|a| cx.text(a) == n) && value.is_some_and(|c| concurrency::is_pool_call(c, cx)) {
                        return true;
                    }
                }
            }
        }
        if matches!(p.kind_name(), "block" | "module") {
            // Earlier statements of this block.
            let stmt = {
                let mut c = at;
                while c.up().is_some_and(|x| x.id() != p.id()) {
                    c = c.up().unwrap_or(c);
                }
                c
            };
            let mut prev = stmt.prev_named_sibling();
            while let Some(s) = prev {
                if let Some(a) = s.named_child(0).filter(|a| s.kind_name() == "expression_statement" && a.kind_name() == "assignment") {
                    if a.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == n) {
                        return a.child_by_field_id(crate::field_id!("right")).is_some_and(|r| concurrency::is_pool_call(r, cx));
                    }
                }
                prev = s.prev_named_sibling();
            }
        }
        cur = p.up();
    }
    false
}

fn with_items(with: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for c in named_children(with) {
        if c.kind_name() == "with_clause" {
            out.extend(named_children(c).into_iter().filter(|i| i.kind_name() == "with_item"));
        }
    }
    out
}

/// `[pool.apply(f, (x,)) for x in xs]` -> `pool.map(f, xs)`.
fn map_fix(call: Node, comp: Node, pool: Node, cx: &Context) -> Option<Fix> {
    let clauses: Vec<Node> = named_children(comp).into_iter().filter(|c| c.kind_name() != "comment").skip(1).collect();
    if clauses.len() != 1 || clauses[0].kind_name() != "for_in_clause" || clauses[0].child(0).is_some_and(|c| c.kind_name() == "async") {
        return None;
    }
    let var = clauses[0].child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier")?;
    let iterable = clauses[0].child_by_field_id(crate::field_id!("right"))?;
    let mut c = clauses[0].walk();
    if clauses[0].children_by_field_name("right", &mut c).count() != 1 {
        return None;
    }
    let a = calls::split_args(call, cx)?;
    if a.positional.len() != 2 || !a.keywords.is_empty() {
        return None;
    }
    let target = a.positional[0];
    let packed = a.positional[1];
    if !matches!(packed.kind_name(), "tuple" | "list") {
        return None;
    }
    let items: Vec<Node> = named_children(packed).into_iter().filter(|c| c.kind_name() != "comment").collect();
    if items.len() != 1 || cx.text(items[0]) != cx.text(var) {
        return None;
    }
    // The function must not depend on the loop variable.
    if bindings::identifier_count(target, cx.text(var), cx.src) != 0 || syntax::has_comment_in(comp, comp.byte_range()) {
        return None;
    }
    let new = format!("{}.map({}, {})", cx.text(pool), cx.text(target), cx.text(iterable));
    Some(Fix::unsafe_("map", vec![Edit::replace(comp.byte_range(), new)]))
}
