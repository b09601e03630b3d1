//! `pdb-set-trace`: `pdb.set_trace()` hard-wires the debugger; the builtin
//! `breakpoint()` (3.7+) does the same by default and can be switched off or
//! redirected with `PYTHONBREAKPOINT`.

use super::prelude::*;

pub struct PdbSetTrace;

impl Rule for PdbSetTrace {
    fn id(&self) -> &'static str {
        "pdb-set-trace"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["set_trace"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["set_trace"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if calls::call_target(node, cx, &["set_trace"], &["pdb.set_trace"]).is_none() {
            return;
        }
        // Inside a function named for pdb (`pdb_on_signal`, `start_pdb`),
        // starting the debugger is the function's purpose, not a leftover.
        let mut enclosing = syntax::enclosing_function(node);
        while let Some(e) = enclosing {
            if e.kind_name() == "function_definition"
                && e.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n).to_ascii_lowercase().contains("pdb"))
            {
                return;
            }
            enclosing = syntax::enclosing_function(e);
        }
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        let mut f = Finding::new(self.id(), node.byte_range());
        let usable = cx.target_at_least(3, 7) && !scope::is_shadowed("breakpoint", node, cx.src, &cx.module);
        if usable {
            // `breakpoint()` calls `sys.breakpointhook()`, which obeys the
            // PYTHONBREAKPOINT environment variable (`0` skips it, another
            // debugger may run), and passes any arguments on to it: never
            // the same call as `pdb.set_trace()`.
            let applicability = Applicability::Unsafe;
            let start = same_line_import(node, cx).unwrap_or(func.start_byte());
            if !syntax::has_comment_in(node, func.byte_range()) {
                f = f.with_fix(Fix::new("breakpoint", applicability, vec![Edit::replace(start..func.end_byte(), "breakpoint")]));
            }
        }
        out.push(f);
    }
}

/// `import pdb; pdb.set_trace()` on one line, with `pdb` used nowhere else in
/// the scope: the start of the import, so the fix drops it too.
fn same_line_import(call: Node, cx: &Context) -> Option<usize> {
    let stmt = call.up().filter(|p| p.kind_name() == "expression_statement")?;
    let import = stmt.prev_named_sibling().filter(|s| s.kind_name() == "import_statement")?;
    if cx.text(import) != "import pdb" || import.end_position().row != stmt.start_position().row {
        return None;
    }
    let between = cx.src.get(import.end_byte()..stmt.start_byte())?;
    if between.trim() != ";" {
        return None;
    }
    let scope_node = syntax::enclosing_function(call).and_then(|f| f.child_by_field_id(crate::field_id!("body"))).unwrap_or(cx.tree.root_node());
    (bindings::identifier_count(scope_node, "pdb", cx.src) == 2).then_some(import.start_byte())
}
