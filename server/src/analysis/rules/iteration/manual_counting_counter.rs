//! `manual-counting-counter`: a loop whose only job is tallying
//! (`d[k] = d.get(k, 0) + 1`, `if k in d: d[k] += 1 else: d[k] = 1`,
//! `counts[k] += 1` on a fresh `Counter()`), which `collections.Counter`
//! does in one call.

use super::prelude::*;

pub struct ManualCountingCounter;

fn expr_stmt(stmt: Node) -> Option<Node> {
    (stmt.kind_name() == "expression_statement" && stmt.named_child_count() == 1).then(|| stmt.named_child(0))?
}

/// `d[k]` with a plain-name `d`: (d, k).
fn item<'t>(n: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    if n.kind_name() != "subscript" {
        return None;
    }
    let mut c = n.walk();
    if n.children_by_field_name("subscript", &mut c).count() != 1 {
        return None;
    }
    let v = n.child_by_field_id(crate::field_id!("value"))?;
    (v.kind_name() == "identifier").then_some((v, n.child_by_field_id(crate::field_id!("subscript"))?))
}

fn is_one(n: Node, cx: &Context) -> bool {
    n.kind_name() == "integer" && cx.text(n) == "1"
}

/// `d[k] += 1`: (d, k).
fn plus_one<'t>(stmt: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>)> {
    let a = expr_stmt(stmt)?;
    if a.kind_name() != "augmented_assignment" || a.child_by_field_id(crate::field_id!("operator")).is_none_or(|o| o.kind_name() != "+=") {
        return None;
    }
    is_one(a.child_by_field_id(crate::field_id!("right"))?, cx).then(|| item(a.child_by_field_id(crate::field_id!("left"))?))?
}

/// `d[k] = 1`: (d, k).
fn set_one<'t>(stmt: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>)> {
    let a = expr_stmt(stmt)?;
    if a.kind_name() != "assignment" {
        return None;
    }
    is_one(a.child_by_field_id(crate::field_id!("right"))?, cx).then(|| item(a.child_by_field_id(crate::field_id!("left"))?))?
}

/// `d[k] = d.get(k, 0) + 1`: (d, k).
fn get_plus_one<'t>(stmt: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>)> {
    let a = expr_stmt(stmt)?;
    if a.kind_name() != "assignment" {
        return None;
    }
    let (d, k) = item(a.child_by_field_id(crate::field_id!("left"))?)?;
    let r = a.child_by_field_id(crate::field_id!("right"))?;
    if r.kind_name() != "binary_operator" || r.child_by_field_id(crate::field_id!("operator")).is_none_or(|o| o.kind_name() != "+") {
        return None;
    }
    if !is_one(r.child_by_field_id(crate::field_id!("right"))?, cx) {
        return None;
    }
    let call = r.child_by_field_id(crate::field_id!("left"))?;
    let f = call.child_by_field_id(crate::field_id!("function"))?;
    if call.kind_name() != "call" || f.kind_name() != "attribute" {
        return None;
    }
    let obj = f.child_by_field_id(crate::field_id!("object"))?;
    if cx.text(obj) != cx.text(d) || f.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != "get") {
        return None;
    }
    let args = calls::call_args(call)?;
    let [a0, a1] = args.as_slice() else { return None };
    (cx.text(*a0) == cx.text(k) && a1.kind_name() == "integer" && cx.text(*a1) == "0").then_some((d, k))
}

/// `k in d` / `k not in d`: (k, d, negated).
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

/// The tally a loop body performs: (d, k, kind), kind = "get", "if", "counter".
fn tally<'t>(body: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>, &'static str)> {
    let stmts = syntax::code_children(body);
    let same = |a: (Node, Node), b: (Node, Node)| cx.text(a.0) == cx.text(b.0) && cx.text(a.1) == cx.text(b.1);
    match stmts.as_slice() {
        [s] if s.kind_name() == "if_statement" => {
            let cond = s.child_by_field_id(crate::field_id!("condition"))?;
            let (k, d, negated) = membership(cond)?;
            let alt = s.child_by_field_id(crate::field_id!("alternative")).filter(|a| a.kind_name() == "else_clause")?;
            let [then] = syntax::code_children(s.child_by_field_id(crate::field_id!("consequence"))?)[..] else { return None };
            let [other] = syntax::code_children(alt.child_by_field_id(crate::field_id!("body"))?)[..] else { return None };
            let (inc, init) = if negated { (other, then) } else { (then, other) };
            let a = plus_one(inc, cx)?;
            let b = set_one(init, cx)?;
            (same(a, b) && cx.text(a.0) == cx.text(d) && cx.text(a.1) == cx.text(k)).then_some((a.0, a.1, "if"))
        }
        [s] => {
            if let Some((d, k)) = get_plus_one(*s, cx) {
                return Some((d, k, "get"));
            }
            let (d, k) = plus_one(*s, cx)?;
            Some((d, k, "counter"))
        }
        _ => None,
    }
}

/// What the dict starts as, from the statement just before the loop:
/// "dict" (`{}`, `dict()`), "counter" (`Counter()`), "defaultdict"
/// (`defaultdict(int)`), with the assignment.
fn fresh<'t>(loop_node: Node<'t>, name: &str, cx: &Context) -> Option<(Node<'t>, &'static str)> {
    let init = statements::previous_statement(loop_node)?;
    let (t, v) = statements::simple_assignment(init)?;
    if cx.text(t) != name {
        return None;
    }
    let kind = match v.kind_name() {
        "dictionary" if v.named_child_count() == 0 => "dict",
        "call" => {
            let f = v.child_by_field_id(crate::field_id!("function"))?;
            let q = crate::analysis::scope::qualified_name(f, cx.src, &cx.module).unwrap_or_else(|| cx.text(f).to_string());
            let args = calls::call_args(v)?;
            match (q.as_str(), args.as_slice()) {
                ("dict", []) => "dict",
                ("collections.Counter", []) => "counter",
                ("collections.defaultdict", [a]) if cx.text(*a) == "int" => "defaultdict",
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((init, kind))
}

/// Whether an iterable is certainly not a mapping (Counter(mapping) copies
/// its counts instead of counting its keys).
fn not_a_mapping(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "list" | "tuple" | "set" | "list_comprehension" | "set_comprehension" | "generator_expression" | "string" => true,
        "call" => n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| match f.kind_name() {
            "attribute" => f.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| matches!(cx.text(a), "split" | "splitlines" | "readlines")),
            "identifier" => matches!(cx.text(f), "range" | "sorted" | "list" | "tuple" | "reversed"),
            _ => false,
        }),
        _ => false,
    }
}

impl Rule for ManualCountingCounter {
    fn id(&self) -> &'static str {
        "manual-counting-counter"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(left), Some(right), Some(body)) = (
            node.child_by_field_id(crate::field_id!("left")),
            node.child_by_field_id(crate::field_id!("right")),
            node.child_by_field_id(crate::field_id!("body")),
        ) else {
            return;
        };
        let Some((d, k, kind)) = tally(body, cx) else { return };
        let name = cx.text(d);
        if syntax::contains_kind(k, &["call", "await", "yield", "named_expression"]) || !bindings::name_refs(k, name, cx).is_empty() {
            return;
        }
        let init = fresh(node, name, cx);
        // `counts[k] += 1` alone is a tally only on a Counter or defaultdict(int).
        if kind == "counter" && init.is_none_or(|(_, c)| c == "dict") {
            return;
        }
        let mut f = Finding::new(self.id(), node.start_byte()..right.end_byte());
        if let (Some((init, start)), Some(safe)) = (init, loops::loop_to_comprehension(node, cx)) {
            let refs_in_iter = !bindings::name_refs(right, name, cx).is_empty();
            if !refs_in_iter {
                let (counter, mut edits) = imports::import_name(cx, "collections", "Counter");
                let arg = if left.kind_name() == "identifier" && cx.text(left) == cx.text(k) {
                    match right.kind_name() {
                        "conditional_expression" | "lambda" => format!("({})", cx.text(right)),
                        _ => cx.text(right).to_string(),
                    }
                } else {
                    let Some(clauses) = loops::clauses_text(node, None, cx) else { return out.push(f) };
                    format!("{} {clauses}", cx.text(k))
                };
                let direct = left.kind_name() == "identifier" && cx.text(left) == cx.text(k);
                let safe = safe && start == "counter" && (!direct || not_a_mapping(right, cx));
                let clash = imports::import_would_clash(cx, "collections") && !edits.is_empty();
                if !clash {
                    let range = init.start_byte()..node.end_byte();
                    edits.push(Edit::replace(range.clone(), edits::keep_comments(format!("{name} = {counter}({arg})"), range, cx)));
                    let applicability = if safe { Applicability::Safe } else { Applicability::Unsafe };
                    f = f.with_fix(Fix::new("counter", applicability, edits));
                }
            }
        }
        out.push(f);
    }
}
