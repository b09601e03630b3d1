//! `reduce-to-builtin`: `functools.reduce` with a function that adds,
//! multiplies, or keeps the larger or smaller of two values: `sum()`,
//! `math.prod()`, `max()` and `min()` say it directly.

use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::calls::is_positional;
use crate::analysis::helpers::imports::module_attr;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct ReduceToBuiltin;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Sum,
    Prod,
    Max,
    Min,
}

/// The two parameter names of `lambda a, b: ...` (plain parameters only).
fn lambda_params<'a>(lambda: Node, cx: &Context<'a>) -> Option<(&'a str, &'a str)> {
    let params = lambda.child_by_field_id(crate::field_id!("parameters"))?;
    let p: Vec<Node> = named_children(params).into_iter().filter(|c| c.kind_name() != "comment").collect();
    if p.len() != 2 || p.iter().any(|x| x.kind_name() != "identifier") {
        return None;
    }
    let (a, b) = (cx.text(p[0]), cx.text(p[1]));
    (a != b).then_some((a, b))
}

fn is_name(n: Node, name: &str, cx: &Context) -> bool {
    n.kind_name() == "identifier" && cx.text(n) == name
}

/// What the reducing function computes, if it is one of the four.
fn op_of(f: Node, cx: &Context) -> Option<Op> {
    match f.kind_name() {
        "identifier" | "attribute" => {
            let m = &cx.module;
            if scope::refers_to(f, cx.src, m, "operator.add") || scope::refers_to(f, cx.src, m, "operator.__add__") {
                Some(Op::Sum)
            } else if scope::refers_to(f, cx.src, m, "operator.mul") || scope::refers_to(f, cx.src, m, "operator.__mul__") {
                Some(Op::Prod)
            } else if scope::refers_to(f, cx.src, m, "max") {
                Some(Op::Max)
            } else if scope::refers_to(f, cx.src, m, "min") {
                Some(Op::Min)
            } else {
                None
            }
        }
        "lambda" => {
            let (a, b) = lambda_params(f, cx)?;
            let body = f.child_by_field_id(crate::field_id!("body"))?;
            lambda_op(body, a, b, cx)
        }
        _ => None,
    }
}

fn lambda_op(body: Node, a: &str, b: &str, cx: &Context) -> Option<Op> {
    let body = crate::syntax::unparenthesized(body)?;
    match body.kind_name() {
        // `a + b`, `a * b` (in this order: `+` need not commute).
        "binary_operator" => {
            let (l, r) = (body.child_by_field_id(crate::field_id!("left"))?, body.child_by_field_id(crate::field_id!("right"))?);
            if !is_name(l, a, cx) || !is_name(r, b, cx) {
                return None;
            }
            match cx.text(body.child_by_field_id(crate::field_id!("operator"))?) {
                "+" => Some(Op::Sum),
                "*" => Some(Op::Prod),
                _ => None,
            }
        }
        // `max(a, b)`, `min(b, a)`.
        "call" => {
            let func = body.child_by_field_id(crate::field_id!("function"))?;
            let args = call_args(body)?;
            if args.len() != 2 || !args.iter().all(|x| x.kind_name() == "identifier") {
                return None;
            }
            let names = (cx.text(args[0]), cx.text(args[1]));
            if names != (a, b) && names != (b, a) {
                return None;
            }
            if scope::refers_to(func, cx.src, &cx.module, "max") {
                Some(Op::Max)
            } else if scope::refers_to(func, cx.src, &cx.module, "min") {
                Some(Op::Min)
            } else {
                None
            }
        }
        // `a if a > b else b` and its mirror images.
        "conditional_expression" => {
            let parts: Vec<Node> = named_children(body).into_iter().filter(|c| c.kind_name() != "comment").collect();
            let [t, cond, e] = parts[..] else { return None };
            let (tn, en) = (cx.text(t), cx.text(e));
            if !(t.kind_name() == "identifier" && e.kind_name() == "identifier" && ((tn, en) == (a, b) || (tn, en) == (b, a))) {
                return None;
            }
            if cond.kind_name() != "comparison_operator" {
                return None;
            }
            let k = children(cond);
            if k.len() != 3 || k[0].kind_name() != "identifier" || k[2].kind_name() != "identifier" {
                return None;
            }
            let (l, r) = (cx.text(k[0]), cx.text(k[2]));
            if !((l, r) == (a, b) || (l, r) == (b, a)) {
                return None;
            }
            let greater = match k[1].kind_name() {
                ">" | ">=" => true,
                "<" | "<=" => false,
                _ => return None,
            };
            // The true branch is taken when `l op r`.
            let picks_left = tn == l;
            Some(if greater == picks_left { Op::Max } else { Op::Min })
        }
        _ => None,
    }
}

impl Rule for ReduceToBuiltin {
    fn id(&self) -> &'static str {
        "reduce-to-builtin"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["reduce"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // The fix depends on whether `sum`/`max`/`min`/`prod`/`math` is bound
        // at module level, names the statement itself need not contain.
        &["reduce"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !refers_to_import(func, cx, "functools.reduce") {
            return;
        }
        let Some(args) = call_args(node) else { return };
        if !(2..=3).contains(&args.len()) || !args.iter().all(|a| is_positional(*a)) {
            return;
        }
        let Some(op) = op_of(args[0], cx) else { return };
        let (items, init) = (cx.text(args[1]), args.get(2).map(|n| cx.text(*n)));
        let mut f = Finding::new(self.id(), node.byte_range());
        if !syntax::has_comment_in(node, node.byte_range()) {
            if let Some(fix) = self.fix(op, node, items, init, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

impl ReduceToBuiltin {
    fn fix(&self, op: Op, call: Node, items: &str, init: Option<&str>, cx: &Context) -> Option<Fix> {
        let builtin = |name: &str| !scope::is_shadowed(name, call, cx.src, &cx.module);
        let range = call.byte_range();
        match op {
            Op::Sum if builtin("sum") => {
                let new = match init {
                    Some(i) => format!("sum({items}, {i})"),
                    None => format!("sum({items})"),
                };
                Some(Fix::unsafe_("use-sum", vec![Edit::replace(range, new)]))
            }
            Op::Prod if cx.target_at_least(3, 8) => {
                let (prod, import) = module_attr(cx, "math", "prod")?;
                // `prod` or `math` bound by an enclosing function or class
                // would be what the new call reads.
                let head = prod.split('.').next().unwrap_or(&prod);
                if scope::is_locally_bound(head, call, cx.src) {
                    return None;
                }
                let new = match init {
                    Some(i) => format!("{prod}({items}, start={i})"),
                    None => format!("{prod}({items})"),
                };
                let mut edits = vec![Edit::replace(range, new)];
                edits.extend(import);
                Some(Fix::unsafe_("use-prod", edits))
            }
            Op::Max | Op::Min if init.is_none() => {
                let name = if op == Op::Max { "max" } else { "min" };
                builtin(name).then(|| Fix::unsafe_("use-max-min", vec![Edit::replace(range, format!("{name}({items})"))]))
            }
            _ => None,
        }
    }
}
