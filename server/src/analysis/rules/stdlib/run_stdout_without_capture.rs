//! `run-stdout-without-capture`: `subprocess.run(...)` without capturing
//! output, whose result's `.stdout` or `.stderr` is then read (it is None).

use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::calls::keyword;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;
use crate::analysis::scope::collect_bindings;

pub struct RunStdoutWithoutCapture;

fn is_output_read(n: Node, var: &str, cx: &Context) -> bool {
    n.kind_name() == "attribute"
        && n.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.kind_name() == "identifier" && cx.text(o) == var)
        && n.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| matches!(cx.text(a), "stdout" | "stderr"))
        && !n.up().is_some_and(|p| {
            matches!(p.kind_name(), "assignment" | "augmented_assignment")
                && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id())
        })
}

/// Whether a statement reads `var.stdout` / `var.stderr` (a small subtree walk).
fn reads_output(stmt: Node, var: &str, cx: &Context) -> bool {
    let mut cursor = stmt.walk();
    let mut stack = vec![stmt];
    while let Some(n) = stack.pop() {
        if is_output_read(n, var, cx) {
            return true;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}

/// Whether, in `stmt`, every read of `var.stdout`/`var.stderr` comes after an
/// assignment to `var` earlier in the text (`if r.returncode: r = run(...,
/// capture_output=True); print(r.stderr)`).
fn rebound_before_read(stmt: Node, var: &str, cx: &Context) -> bool {
    let nodes = syntax::descendants(stmt);
    let first_bind = nodes
        .iter()
        .filter(|n| matches!(n.kind_name(), "assignment" | "named_expression"))
        .filter_map(|n| n.child_by_field_id(crate::field_id!("left")).or_else(|| n.child_by_field_id(crate::field_id!("name"))))
        .filter(|l| l.kind_name() == "identifier" && cx.text(*l) == var)
        .map(|l| l.start_byte())
        .min();
    let first_read = nodes.iter().filter(|n| is_output_read(**n, var, cx)).map(|n| n.start_byte()).min();
    matches!((first_bind, first_read), (Some(b), Some(r)) if b < r)
}

impl Rule for RunStdoutWithoutCapture {
    fn id(&self) -> &'static str {
        "run-stdout-without-capture"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["run"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // `r = subprocess.run(...)` reports on a read of `r.stdout` in any
        // later statement of its block: at module level, any later
        // module-level statement.
        &["run"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !refers_to_import(func, cx, "subprocess.run") {
            return;
        }
        let Some(args) = call_args(node) else { return };
        if args.is_empty()
            || args.iter().any(|a| matches!(a.kind_name(), "dictionary_splat" | "list_splat"))
            || ["capture_output", "stdout", "stderr"].iter().any(|k| keyword(&args, k, cx).is_some())
        {
            return;
        }
        let Some(parent) = node.up() else { return };
        let read = match parent.kind_name() {
            // `subprocess.run(...).stdout`
            "attribute" => {
                parent.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == node.id())
                    && parent.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| matches!(cx.text(a), "stdout" | "stderr"))
            }
            // `r = subprocess.run(...)` and a later `r.stdout` in the same block.
            "assignment" => {
                let Some(left) = parent.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") else { return };
                if !parent.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == node.id()) {
                    return;
                }
                let var = cx.text(left);
                let Some(stmt) = parent.up().filter(|s| s.kind_name() == "expression_statement") else { return };
                let mut found = false;
                let mut cur = stmt.next_named_sibling();
                while let Some(s) = cur {
                    if reads_output(s, var, cx) {
                        // Read only after `var` is bound again earlier in the
                        // same statement (re-run with capture on that path):
                        // that read sees the new result.
                        found = !rebound_before_read(s, var, cx);
                        break;
                    }
                    let mut bound = HashSet::new();
                    collect_bindings(s, cx.src, &mut bound);
                    if bound.contains(var) {
                        break;
                    }
                    cur = s.next_named_sibling();
                }
                found
            }
            _ => false,
        };
        if !read {
            return;
        }
        let Some(last) = args.last() else { return };
        let at = last.end_byte();
        let mut fixes = vec![Fix::unsafe_("capture-output", vec![Edit::insert(at, ", capture_output=True")])];
        if !["text", "universal_newlines", "encoding", "errors"].iter().any(|k| keyword(&args, k, cx).is_some()) {
            fixes.push(Fix::unsafe_("capture-text", vec![Edit::insert(at, ", capture_output=True, text=True")]));
        }
        out.push(Finding::new(self.id(), node.byte_range()).with_fixes(fixes));
    }
}
