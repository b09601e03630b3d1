//! `manual-grouping-defaultdict`: `if k not in d: d[k] = []` followed by
//! `d[k].append(v)` (or the if/else variant) in a loop, which
//! `d.setdefault(k, []).append(v)` or a `defaultdict(list)` does.

use super::prelude::*;

pub struct ManualGroupingDefaultdict;

const METHODS: &[&str] = &["append", "extend", "add", "update", "insert", "appendleft"];

fn expr_stmt(stmt: Node) -> Option<Node> {
    (stmt.kind_name() == "expression_statement" && stmt.named_child_count() == 1).then(|| stmt.named_child(0))?
}

/// An empty container display or constructor call: `[]`, `{}`, `set()`, `list()`, `dict()`.
fn empty_container(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "list" | "dictionary" => n.named_child_count() == 0,
        "call" => {
            n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| matches!(cx.text(f), "set" | "list" | "dict"))
                && calls::call_args(n).is_some_and(|a| a.is_empty())
        }
        _ => false,
    }
}

/// `d[k] = value`: (d, k, value).
fn store<'t>(stmt: Node<'t>) -> Option<(Node<'t>, Node<'t>, Node<'t>)> {
    let a = expr_stmt(stmt)?;
    if a.kind_name() != "assignment" {
        return None;
    }
    let l = a.child_by_field_id(crate::field_id!("left"))?;
    if l.kind_name() != "subscript" {
        return None;
    }
    Some((l.child_by_field_id(crate::field_id!("value"))?, l.child_by_field_id(crate::field_id!("subscript"))?, a.child_by_field_id(crate::field_id!("right"))?))
}

/// `d[k].method(args)`: (d, k, method name node, argument list).
fn method_on_item<'t>(stmt: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>, Node<'t>, Node<'t>)> {
    let call = expr_stmt(stmt)?;
    if call.kind_name() != "call" {
        return None;
    }
    let f = call.child_by_field_id(crate::field_id!("function"))?;
    if f.kind_name() != "attribute" {
        return None;
    }
    let m = f.child_by_field_id(crate::field_id!("attribute"))?;
    if !METHODS.contains(&cx.text(m)) {
        return None;
    }
    let sub = f.child_by_field_id(crate::field_id!("object"))?;
    if sub.kind_name() != "subscript" {
        return None;
    }
    let args = call.child_by_field_id(crate::field_id!("arguments"))?;
    Some((sub.child_by_field_id(crate::field_id!("value"))?, sub.child_by_field_id(crate::field_id!("subscript"))?, m, args))
}

fn membership<'t>(cond: Node<'t>) -> Option<(Node<'t>, Node<'t>, bool)> {
    if cond.kind_name() != "comparison_operator" {
        return None;
    }
    let kids = syntax::children(cond);
    let [k, op, d] = kids.as_slice() else { return None };
    match op.kind_name() {
        "in" => Some((*k, *d, false)),
        "not in" => Some((*k, *d, true)),
        _ => None,
    }
}

fn simple(n: Node) -> bool {
    !syntax::contains_kind(n, &["call", "await", "yield", "named_expression", "subscript", "lambda"])
}

impl Rule for ManualGroupingDefaultdict {
    fn id(&self) -> &'static str {
        "manual-grouping-defaultdict"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["if_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Function
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if !loops::in_loop(node) {
            return;
        }
        let Some(cond) = node.child_by_field_id(crate::field_id!("condition")) else { return };
        let Some((k, d, negated)) = membership(cond) else { return };
        if !syntax::is_name_or_attribute(d) || syntax::contains_kind(k, &["call", "await", "yield", "named_expression", "lambda"]) {
            return;
        }
        let (dt, kt) = (cx.text(d), cx.text(k));
        let matches = |dd: Node, kk: Node| cx.text(dd) == dt && cx.text(kk) == kt;
        let Some(cons) = node.child_by_field_id(crate::field_id!("consequence")) else { return };
        let [then] = syntax::code_children(cons)[..] else { return };
        let alt = node.child_by_field_id(crate::field_id!("alternative"));
        // The statements the fix replaces, and the replacement.
        let (end, default, call, args, safe) = match (negated, alt) {
            // if k not in d: d[k] = []  /  d[k].append(v)
            (true, None) => {
                let Some((sd, sk, value)) = store(then) else { return };
                if !matches(sd, sk) || !empty_container(value, cx) {
                    return;
                }
                let Some(next) = node.next_named_sibling().filter(|n| n.kind_name() != "comment") else { return };
                let Some((md, mk, m, args)) = method_on_item(next, cx) else { return };
                if !matches(md, mk) {
                    return;
                }
                (next.end_byte(), cx.text(value).to_string(), cx.text(m), cx.text(args).to_string(), true)
            }
            // if k in d: d[k].append(v) else: d[k] = [v]   (or the negated order)
            (_, Some(alt)) if alt.kind_name() == "else_clause" => {
                let Some(ab) = alt.child_by_field_id(crate::field_id!("body")) else { return };
                let [other] = syntax::code_children(ab)[..] else { return };
                let (app, st) = if negated { (other, then) } else { (then, other) };
                let (Some((md, mk, m, _)), Some((sd, sk, value))) = (method_on_item(app, cx), store(st)) else { return };
                if !matches(md, mk) || !matches(sd, sk) {
                    return;
                }
                // `[v]` with `.append(v)`, `{v}` with `.add(v)`.
                let (open, close, method) = match value.kind_name() {
                    "list" => ("[", "]", "append"),
                    "set" => ("{", "}", "add"),
                    _ => return,
                };
                let items = syntax::named_children(value);
                let arg_items = calls::call_args(app.named_child(0).unwrap_or(app)).unwrap_or_default();
                let ([v], [a]) = (items.as_slice(), arg_items.as_slice()) else { return };
                if cx.text(m) != method || cx.text(*v) != cx.text(*a) || matches!(v.kind_name(), "list_splat" | "keyword_argument") {
                    return;
                }
                let _ = (open, close);
                let empty = if method == "append" { "[]" } else { "set()" };
                (node.end_byte(), empty.to_string(), cx.text(m), format!("({})", cx.text(*v)), simple(*v))
            }
            _ => return,
        };
        let mut f = Finding::new(self.id(), node.start_byte()..cond.end_byte());
        {
            let text = edits::keep_comments(format!("{dt}.setdefault({kt}, {default}).{call}{args}"), node.start_byte()..end, cx);
            let applicability = if safe { Applicability::Safe } else { Applicability::Unsafe };
            f = f.with_fix(Fix::new("setdefault", applicability, vec![Edit::replace(node.start_byte()..end, text)]));
        }
        out.push(f);
    }
}
