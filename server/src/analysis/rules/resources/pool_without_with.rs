//! `pool-without-with`: an executor or pool assigned to a name and never
//! shut down, closed or handed on, so its workers outlive their use.

use super::prelude::*;

pub struct PoolWithoutWith;

const EXECUTORS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];

impl Rule for PoolWithoutWith {
    fn id(&self) -> &'static str {
        "pool-without-with"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // The callee's own name (`sibling_needles` are whole words).
        &["ThreadPoolExecutor", "ProcessPoolExecutor", "Pool", "ThreadPool"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["ThreadPoolExecutor", "ProcessPoolExecutor", "Pool", "ThreadPool"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        let tail = match func.kind_name() {
            "identifier" => func,
            "attribute" => match func.child_by_field_id(crate::field_id!("attribute")) {
                Some(a) => a,
                None => return,
            },
            _ => return,
        };
        if !matches!(cx.text(tail), "ThreadPoolExecutor" | "ProcessPoolExecutor" | "Pool" | "ThreadPool") {
            return;
        }
        let executor = imports::qualified(func, cx).is_some_and(|q| EXECUTORS.contains(&q.as_str()));
        if !executor && !concurrency::is_pool_call(node, cx) {
            return;
        }
        // `name = Executor(...)` as a statement of its own.
        let Some(assign) = node.up().filter(|p| p.kind_name() == "assignment") else { return };
        let Some(stmt) = assign.up().filter(|p| p.kind_name() == "expression_statement" && p.named_child_count() == 1) else { return };
        let Some(left) = assign.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") else { return };
        let name = cx.text(left);
        // Not a class attribute.
        if syntax::ancestor(node, &["function_definition", "class_definition"]).is_some_and(|a| a.kind_name() == "class_definition") {
            return;
        }
        let scope_node = syntax::enclosing_function(node).unwrap_or(cx.tree.root_node());
        if scope_node.kind_name() == "lambda" {
            return;
        }
        let Some(last_use) = uses(scope_node, name, stmt.end_byte(), cx) else { return };
        let mut f = Finding::new(self.id(), node.byte_range());
        if executor {
            if let Some(fix) = with_fix(stmt, node, left, last_use, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

/// Walk the uses of `name` after `after`: None if the object is shut down,
/// closed, used in `with`, or escapes (returned, passed, stored, rebound,
/// used from a nested function); otherwise the end of the last use.
fn uses(scope_node: Node, name: &str, after: usize, cx: &Context) -> Option<usize> {
    let mut cursor = scope_node.walk();
    let mut stack = vec![scope_node];
    let mut last = after;
    while let Some(n) = stack.pop() {
        if n.end_byte() <= after {
            continue;
        }
        if n.kind_name() == "identifier" && cx.text(n) == name && n.start_byte() >= after {
            let p = n.up()?;
            let as_object = p.kind_name() == "attribute" && p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == n.id());
            if !as_object {
                return None;
            }
            let attr = p.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or("");
            if matches!(attr, "shutdown" | "close" | "terminate" | "join" | "__exit__" | "__enter__") {
                return None;
            }
            // Used from a nested function or lambda: it may outlive this scope.
            // The module is the root, whatever its kind: an ERROR root (a
            // text that does not parse as a module) is module scope too.
            let own = (scope_node.id() != cx.tree.root_node().id()).then_some(scope_node.id());
            if syntax::enclosing_function(n).map(|f| f.id()) != own {
                return None;
            }
            last = last.max(syntax::statement_of(n).end_byte());
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    (last > after).then_some(last)
}

/// `name = Executor(...)` and the statements after it in the same block up
/// to the last use become `with Executor(...) as name:` and its body.
fn with_fix(stmt: Node, call: Node, left: Node, last_use: usize, cx: &Context) -> Option<Fix> {
    let mut last = None;
    let mut next = stmt.next_sibling();
    while let Some(s) = next {
        if s.start_byte() >= last_use {
            break;
        }
        last = Some(s);
        if s.end_byte() >= last_use {
            break;
        }
        next = s.next_sibling();
    }
    let last = last.filter(|l| l.end_byte() >= last_use)?;
    if last.kind_name() == "comment" {
        return None;
    }
    let indent = syntax::indent_at(cx.src, stmt.start_byte()).to_string();
    if !edits::reindentable(stmt, last, &indent, cx) || syntax::has_comment_in(stmt, stmt.byte_range()) {
        return None;
    }
    let unit = edits::indent_unit(cx.src, &indent);
    let le = stmt.end_byte();
    let tail = edits::indented(cx.src, le..last.end_byte(), unit);
    let header = format!("with {} as {}:", cx.text(call), cx.text(left));
    Some(Fix::unsafe_("with", vec![Edit::replace(stmt.start_byte()..last.end_byte(), format!("{header}{tail}"))]))
}
