//! `contextmanager-yield-without-finally`: a `@contextmanager` generator
//! whose cleanup after `yield` is skipped when the `with` body raises.

use super::prelude::*;

pub struct ContextmanagerYieldWithoutFinally;

impl Rule for ContextmanagerYieldWithoutFinally {
    fn id(&self) -> &'static str {
        "contextmanager-yield-without-finally"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if !is_contextmanager(node, cx) {
            return;
        }
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        // Exactly one yield in the function, as a statement of the body itself.
        let mut yields = Vec::new();
        collect_yields(body, &mut yields);
        if yields.len() != 1 {
            return;
        }
        let stmts: Vec<Node> = named_children(body).into_iter().filter(|s| s.kind_name() != "comment").collect();
        let Some(pos) = stmts.iter().position(|s| is_yield_statement(*s, yields[0])) else { return };
        let after = &stmts[pos + 1..];
        // Cleanup after the yield; a lone `pass` or `return` is none.
        if after.iter().all(|s| matches!(s.kind_name(), "pass_statement" | "return_statement")) {
            return;
        }
        let ystmt = stmts[pos];
        let mut f = Finding::new(self.id(), yields[0].byte_range());
        if let Some(fix) = wrap_fix(ystmt, after, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn is_contextmanager(def: Node, cx: &Context) -> bool {
    let Some(parent) = def.up().filter(|p| p.kind_name() == "decorated_definition") else { return false };
    named_children(parent).into_iter().filter(|c| c.kind_name() == "decorator").any(|d| {
        d.named_child(0).is_some_and(|e| {
            cx.text(e).ends_with("contextmanager")
                && matches!(
                imports::qualified(e, cx).as_deref(),
                Some("contextlib.contextmanager" | "contextlib.asynccontextmanager")
            )
        })
    })
}

/// The `yield`s under `node`, in source order, not looking into nested
/// functions, classes and lambdas (an explicit stack: nesting is the input's).
fn collect_yields<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    let mut stack: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    stack.reverse();
    while let Some(c) = stack.pop() {
        match c.kind_name() {
            "function_definition" | "class_definition" | "lambda" | "decorated_definition" => continue,
            "yield" => out.push(c),
            _ => {}
        }
        let at = stack.len();
        stack.extend(c.named_children(&mut cursor));
        stack[at..].reverse();
    }
}

/// `yield x` or `v = yield x` as a statement.
fn is_yield_statement(stmt: Node, y: Node) -> bool {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return false;
    }
    let Some(e) = stmt.named_child(0) else { return false };
    if e.id() == y.id() {
        return true;
    }
    e.kind_name() == "assignment" && e.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == y.id())
}

fn wrap_fix(ystmt: Node, after: &[Node], cx: &Context) -> Option<Fix> {
    let last = *after.last()?;
    // `return`, `break` or `continue` in the new finally block would swallow
    // the exception (and warns since 3.14).
    if after.iter().any(|s| has_jump(*s)) {
        return None;
    }
    let indent = syntax::indent_at(cx.src, ystmt.start_byte()).to_string();
    if !edits::reindentable(ystmt, last, &indent, cx) {
        return None;
    }
    // A comment after the last statement on its line stays with it, and one
    // after the yield stays on the yield's line.
    let end = last.end_byte();
    let unit = edits::indent_unit(cx.src, &indent);
    let nl = syntax::newline_of(cx.src);
    let le = cx.src[ystmt.end_byte()..].find(['\r', '\n']).map_or(cx.src.len(), |i| ystmt.end_byte() + i);
    if le >= end {
        return None;
    }
    let head = edits::indented(cx.src, ystmt.start_byte()..le, unit);
    let tail = edits::indented(cx.src, le..end, unit);
    let new = format!("try:{nl}{indent}{unit}{head}{nl}{indent}finally:{tail}");
    Some(Fix::unsafe_("try-finally", vec![Edit::replace(ystmt.start_byte()..end, new)]))
}

fn has_jump(node: Node) -> bool {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "return_statement" | "break_statement" | "continue_statement" => {
                // break/continue inside a loop that is itself in the cleanup are fine.
                if n.kind_name() == "return_statement" || syntax::ancestor(n, &["for_statement", "while_statement"]).is_none_or(|l| l.start_byte() < node.start_byte()) {
                    return true;
                }
            }
            "function_definition" | "class_definition" | "lambda" => continue,
            _ => {}
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}
