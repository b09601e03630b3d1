//! `unnecessary-comprehension-or-constructor`: `[x for x in it]` (a copy:
//! `list(it)`), `set([...])`/`set(<generator>)`/`dict([(k, v) for ...])`
//! (a comprehension of the right kind says it directly) and
//! `set([1, 2])` (a set display).

use super::prelude::*;

pub struct UnnecessaryComprehensionOrConstructor;

impl Rule for UnnecessaryComprehensionOrConstructor {
    fn id(&self) -> &'static str {
        "unnecessary-comprehension-or-constructor"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["list_comprehension", "set_comprehension", "call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["set", "dict"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "call" {
            constructor(node, cx, out);
        } else {
            identity_comprehension(node, cx, out);
        }
    }
}

fn builtin(node: Node, cx: &Context, name: &str) -> bool {
    node.kind_name() == "identifier" && cx.text(node) == name && scope::refers_to(node, cx.src, &cx.module, name)
}

/// The clauses of a comprehension: (for_in_clauses, if_clauses).
fn clauses(comp: Node) -> (Vec<Node>, usize) {
    let kids = syntax::named_children(comp);
    let fors: Vec<Node> = kids.iter().copied().filter(|c| c.kind_name() == "for_in_clause").collect();
    let ifs = kids.iter().filter(|c| c.kind_name() == "if_clause").count();
    (fors, ifs)
}

/// (a) `[x for x in it]` → `list(it)`, `{x for x in it}` → `set(it)`.
fn identity_comprehension(comp: Node, cx: &Context, out: &mut Vec<Finding>) {
    let (fors, ifs) = clauses(comp);
    let [clause] = fors.as_slice() else { return };
    if ifs != 0 || definitions::has_async(comp) {
        return;
    }
    let (Some(body), Some(left), Some(right)) = (
        comp.child_by_field_id(crate::field_id!("body")),
        clause.child_by_field_id(crate::field_id!("left")),
        clause.child_by_field_id(crate::field_id!("right")),
    ) else {
        return;
    };
    if body.kind_name() != "identifier" || left.kind_name() != "identifier" || cx.text(body) != cx.text(left) {
        return;
    }
    // `for x in a, b` iterates a tuple: the rewrite would need brackets.
    if right.kind_name() == "expression_list" {
        return;
    }
    let ctor = if comp.kind_name() == "list_comprehension" { "list" } else { "set" };
    if scope::is_shadowed(ctor, comp, cx.src, &cx.module) {
        return;
    }
    let mut f = Finding::new("unnecessary-comprehension-or-constructor", comp.byte_range());
    if !syntax::has_comment_in(comp, comp.byte_range()) {
        // list()/set() may call `__len__`: inside `__len__` itself that recurses.
        let in_len = syntax::enclosing_function(comp)
            .and_then(|f| f.child_by_field_id(crate::field_id!("name")))
            .is_some_and(|n| matches!(cx.text(n), "__len__" | "__length_hint__" | "__iter__"));
        let applicability = if in_len { Applicability::Unsafe } else { Applicability::Safe };
        let arg = if right.kind_name() == "generator_expression" {
            format!("({})", cx.text(right))
        } else {
            cx.text(right).to_string()
        };
        f = f.with_fix(Fix::new("constructor", applicability, vec![Edit::replace(comp.byte_range(), format!("{ctor}({arg})"))]));
    }
    out.push(f);
}

/// (b) `set([...])`, `set(<gen>)`, `dict([(k, v) for ...])`; (c) `set([1, 2])`.
fn constructor(call: Node, cx: &Context, out: &mut Vec<Finding>) {
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return };
    let is_set = builtin(func, cx, "set");
    let is_dict = !is_set && builtin(func, cx, "dict");
    if !is_set && !is_dict {
        return;
    }
    let Some(arguments) = call.child_by_field_id(crate::field_id!("arguments")) else { return };
    // `set(x for x in y)`: the generator is the argument list itself.
    let arg = if arguments.kind_name() == "generator_expression" {
        arguments
    } else {
        match calls::call_args(call).as_deref() {
            Some([one]) => *one,
            _ => return,
        }
    };
    if syntax::has_comment_in(call, call.byte_range()) {
        return;
    }
    let inner = |n: Node| -> Option<(usize, usize)> {
        // The text between the brackets of a display or comprehension.
        let kids = syntax::children(n);
        Some((kids.first()?.end_byte(), kids.last()?.start_byte()))
    };
    let id = "unnecessary-comprehension-or-constructor";
    match (is_set, arg.kind_name()) {
        (true, "list_comprehension" | "generator_expression") => {
            if definitions::has_async(arg) && arg.kind_name() == "generator_expression" {
                return;
            }
            let Some((a, b)) = inner(arg) else { return };
            let text = format!("{{{}}}", &cx.src[a..b]);
            out.push(Finding::new(id, call.byte_range()).with_fix(Fix::safe("comprehension", vec![Edit::replace(call.byte_range(), text)])));
        }
        (true, "list" | "tuple") => {
            let items: Vec<Node> = syntax::named_children(arg);
            let new = if items.is_empty() {
                "set()".to_string()
            } else {
                let Some((a, b)) = inner(arg) else { return };
                let body = cx.src[a..b].trim();
                // `set((x,))`: drop the tuple's trailing comma.
                let body = if arg.kind_name() == "tuple" && items.len() == 1 { body.trim_end_matches(',').trim_end() } else { body };
                format!("{{{body}}}")
            };
            if new == cx.text(call) {
                return;
            }
            out.push(Finding::new(id, call.byte_range()).with_fix(Fix::safe("literal", vec![Edit::replace(call.byte_range(), new)])));
        }
        (false, "list_comprehension" | "generator_expression") => {
            let Some(body) = arg.child_by_field_id(crate::field_id!("body")) else { return };
            if body.kind_name() != "tuple" || (arg.kind_name() == "generator_expression" && definitions::has_async(arg)) {
                return;
            }
            let elems = syntax::named_children(body);
            let [k, v] = elems.as_slice() else { return };
            if matches!(k.kind_name(), "list_splat" | "parenthesized_list_splat") || matches!(v.kind_name(), "list_splat" | "parenthesized_list_splat") {
                return;
            }
            let Some((_, b)) = inner(arg) else { return };
            let rest = &cx.src[body.end_byte()..b];
            let text = format!("{{{}: {}{}}}", cx.text(*k), cx.text(*v), rest);
            out.push(Finding::new(id, call.byte_range()).with_fix(Fix::safe("comprehension", vec![Edit::replace(call.byte_range(), text)])));
        }
        _ => {}
    }
}
