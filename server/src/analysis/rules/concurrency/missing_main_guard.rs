//! `missing-main-guard`: a module that starts worker processes at import
//! time. Under the spawn and forkserver start methods each child imports the
//! main module again, and would start processes of its own.

use super::prelude::*;

pub struct MissingMainGuard;

const LAST: &[&str] = &["Process", "Pool", "ProcessPoolExecutor", "set_start_method"];
const TARGETS: &[&str] = &[
    "multiprocessing.Process",
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "multiprocessing.set_start_method",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];

impl Rule for MissingMainGuard {
    fn id(&self) -> &'static str {
        "missing-main-guard"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Whether a process is started, and the fix, depend on the statements
        // that follow at module level: checked from the module node (which
        // incremental re-checking revisits after every edit), walking only
        // module-level code, never function or class bodies.
        &["module"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // A finding's call resolves through a module-level import (`call_target`
        // on a module-level call reads `cx.module.imports`, `imports::qualified`)
        // to one of `TARGETS`: without an import naming one of them or a
        // module above one, there is none (most files, also those that
        // mention a `Pool` or a `Process`).
        if !crate::analysis::helpers::imports::may_name_any(cx, TARGETS) {
            return;
        }
        // Most files never name a process API: skip the walk.
        let bytes = cx.src.as_bytes();
        // (`ProcessPoolExecutor` holds `Process`.)
        use crate::analysis::helpers::text::contains;
        let named = contains(cx.src, "Process", &cx.texts) || contains(cx.src, "Pool", &cx.texts) || contains(cx.src, "set_start_method", &cx.texts);
        debug_assert_eq!(named, LAST.iter().any(|n| memchr::memmem::find(bytes, n.as_bytes()).is_some()));
        if !named {
            return;
        }
        // The calls whose text holds one of the names (`call_target` wants
        // the callee's last name as written), found from the text: a walk of
        // all module-level code cost a sixth of the check of a module that
        // is one long literal mentioning a `Pool`. Module-level code is
        // what lies outside definitions and lambdas, decorators included.
        super::whole_file_nodes(node, cx, LAST, &["call"], |c| {
            if syntax::ancestor(c, &["function_definition", "class_definition", "lambda", "decorated_definition"]).is_none() {
                self.check_call(c, cx, out);
            }
        });
    }
}

impl MissingMainGuard {
    fn check_call(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(q) = calls::call_target(node, cx, LAST, TARGETS) else { return };
        // Module level only: not in a def, lambda or class, nor under the guard.
        if syntax::ancestor(node, &["function_definition", "lambda", "class_definition"]).is_some() || statements::under_main_guard(node, cx) {
            return;
        }
        // A Process only matters once started.
        if q == "multiprocessing.Process" && !started(node, cx) {
            return;
        }
        let stmt = syntax::statement_of(node);
        let mut f = Finding::new(self.id(), node.byte_range());
        if let Some(fix) = guard_fix(stmt, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

/// `Process(...).start()`, or `p = Process(...)` followed at the same level by
/// `p.start()`.
fn started(call: Node, cx: &Context) -> bool {
    let Some(parent) = call.up() else { return false };
    if parent.kind_name() == "attribute" {
        return parent.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) == "start");
    }
    if parent.kind_name() != "assignment" {
        return false;
    }
    let Some(name) = parent.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") else { return false };
    let starter = format!("{}.start()", cx.text(name));
    let mut next = syntax::statement_of(call).next_named_sibling();
    while let Some(s) = next {
        if cx.text(s).contains(&starter) {
            return true;
        }
        next = s.next_named_sibling();
    }
    false
}

/// Put the statement and everything after it at module level under
/// `if __name__ == "__main__":`, when that tail defines nothing (no def,
/// class or import) that a child process might need.
fn guard_fix(stmt: Node, cx: &Context) -> Option<Fix> {
    if stmt.up().is_none_or(|p| p.kind_name() != "module") {
        return None;
    }
    let mut tail = vec![stmt];
    let mut next = stmt.next_sibling();
    while let Some(s) = next {
        tail.push(s);
        next = s.next_sibling();
    }
    let last = *tail.iter().rev().find(|s| s.kind_name() != "comment")?;
    for s in &tail {
        if matches!(
            s.kind_name(),
            "function_definition" | "class_definition" | "decorated_definition" | "import_statement" | "import_from_statement" | "future_import_statement"
        ) {
            return None;
        }
        if s.kind_name() == "if_statement" && s.child_by_field_id(crate::field_id!("condition")).is_some_and(|c| statements::is_main_test(c, cx)) {
            return None;
        }
        if s.is_error() {
            return None;
        }
    }
    if !edits::reindentable(stmt, last, "", cx) {
        return None;
    }
    let unit = edits::indent_unit(cx.src, "");
    let nl = syntax::newline_of(cx.src);
    let body = edits::indented(cx.src, stmt.start_byte()..last.end_byte(), unit);
    Some(Fix::unsafe_(
        "main-guard",
        vec![Edit::replace(stmt.start_byte()..last.end_byte(), format!("if __name__ == \"__main__\":{nl}{unit}{body}"))],
    ))
}
