//! `manual-index-counter`: `i = 0` before a `for` loop and `i += 1` in its
//! body, a hand-made `enumerate()`.

use super::prelude::*;

pub struct ManualIndexCounter;

/// `name += 1` as a statement: the name.
fn increment<'t>(stmt: Node<'t>, cx: &Context) -> Option<Node<'t>> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let a = stmt.named_child(0)?;
    if a.kind_name() != "augmented_assignment" || a.child_by_field_id(crate::field_id!("operator")).is_none_or(|o| o.kind_name() != "+=") {
        return None;
    }
    let l = a.child_by_field_id(crate::field_id!("left"))?;
    let r = a.child_by_field_id(crate::field_id!("right"))?;
    (l.kind_name() == "identifier" && r.kind_name() == "integer" && cx.text(r) == "1").then_some(l)
}

fn is_int_literal(n: Node, cx: &Context) -> bool {
    n.kind_name() == "integer" && cx.text(n).chars().all(|c| c.is_ascii_digit() || c == '_')
}

impl Rule for ManualIndexCounter {
    fn id(&self) -> &'static str {
        "manual-index-counter"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // The increment's `+=` in the loop's text before the statement
        // before the loop: `prev_named_sibling` searches down from the root
        // (7,000 instructions a loop), and most loops count nothing.
        super::behind_pretest(cx.text(node).contains("+="), node, cx, out, |n, cx, out| self.check_full(n, cx, out));
    }
}

impl ManualIndexCounter {
    fn check_full(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.child(0).is_some_and(|c| c.kind_name() == "async") {
            return;
        }
        let (Some(left), Some(right), Some(body)) = (
            node.child_by_field_id(crate::field_id!("left")),
            node.child_by_field_id(crate::field_id!("right")),
            node.child_by_field_id(crate::field_id!("body")),
        ) else {
            return;
        };
        // `i = <int>` immediately before the loop.
        let Some(init) = statements::previous_statement(node) else { return };
        let Some((counter, start)) = statements::simple_assignment(init) else { return };
        if !is_int_literal(start, cx) {
            return;
        }
        let i = cx.text(counter);
        // `i += 1` as a statement of the loop body itself (unconditional).
        let stmts = syntax::code_children(body);
        let incs: Vec<usize> = stmts.iter().enumerate().filter(|(_, s)| increment(**s, cx).is_some_and(|n| cx.text(n) == i)).map(|(k, _)| k).collect();
        let [pos] = incs.as_slice() else { return };
        let inc = stmts[*pos];
        // Every other use of i in the loop is a read, before the increment.
        let refs = bindings::name_refs(node, i, cx);
        let mut reads_before = 0;
        let mut reads_after = 0;
        for r in &refs {
            if inc.byte_range().contains(&r.start_byte()) {
                continue;
            }
            let p = r.up();
            let written = p.is_some_and(|p| {
                matches!(p.kind_name(), "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" | "named_expression")
                    && p.child_by_field_id(crate::field_id!("left")).or(p.child_by_field_id(crate::field_id!("name"))).is_some_and(|l| l.byte_range().contains(&r.start_byte()))
            }) || syntax::ancestor(*r, &["pattern_list", "tuple_pattern", "list_pattern"]).is_some();
            // Read by the iterable (evaluated before the loop, when the
            // counter no longer exists) or inside a nested function (run later).
            let nested = syntax::ancestor(*r, &["function_definition", "lambda", "class_definition"])
                .is_some_and(|f| f.start_byte() > node.start_byte());
            if written || nested || r.start_byte() < body.start_byte() || r.start_byte() >= body.end_byte() {
                return;
            }
            if r.start_byte() >= inc.end_byte() {
                reads_after += 1;
            } else {
                reads_before += 1;
            }
        }
        // A counter nobody reads in the loop counts items; not an index.
        // Either every read comes before the increment (i counts from the
        // start value), or every read follows it and no `continue` can skip
        // it (i counts from start + 1).
        let first = reads_before == 0
            && !stmts[..*pos].iter().any(|st| st.kind_name() == "continue_statement" || loops::has_own_jump(*st, "continue_statement"));
        if !(reads_after == 0 && reads_before > 0) && !(first && reads_after > 0) {
            return;
        }
        // `continue` before the increment skips it: then i is not the index.
        if !first && loops::has_own_jump(body, "continue_statement") {
            return;
        }
        // Read after the loop: it holds the count there, not the last index.
        let scope_n = bindings::scope_node(node, cx);
        if bindings::used_after(scope_n, node.end_byte(), i, cx) {
            return;
        }
        // A global, nonlocal, or module-level counter other code may read.
        if syntax::descendants(scope_n).into_iter().any(|n| {
            matches!(n.kind_name(), "global_statement" | "nonlocal_statement") && !bindings::name_refs(n, i, cx).is_empty()
        }) {
            return;
        }
        if scope_n.kind_name() == "module"
            && bindings::name_refs(scope_n, i, cx).iter().any(|r| r.start_byte() < init.start_byte() || r.start_byte() >= node.end_byte())
        {
            return;
        }
        let mut f = Finding::new(self.id(), node.start_byte()..right.end_byte());
        if !scope::is_shadowed("enumerate", node, cx.src, &cx.module) && !definitions::has_async(right) {
            let del_init = edits::delete_statement_lines(init, cx);
            let del_inc = edits::delete_statement_lines(inc, cx);
            if let (Some(a), Some(b)) = (del_init, del_inc) {
                if !syntax::has_comment_in(node, left.start_byte()..right.end_byte()) {
                    let target = match left.kind_name() {
                        "pattern_list" => format!("({})", cx.text(left)),
                        _ => cx.text(left).to_string(),
                    };
                    let iter = match right.kind_name() {
                        "expression_list" => format!("({})", cx.text(right)),
                        _ => cx.text(right).to_string(),
                    };
                    let Ok(mut n) = cx.text(start).replace('_', "").parse::<u64>() else { return out.push(f) };
                    if first {
                        n += 1;
                    }
                    let call = if n == 0 { format!("enumerate({iter})") } else { format!("enumerate({iter}, start={n})") };
                    let edits = vec![a, b, Edit::replace(left.start_byte()..right.end_byte(), format!("{i}, {target} in {call}"))];
                    // A `break` before the increment leaves i one lower; nothing reads it after the loop.
                    f = f.with_fix(Fix::new("enumerate", Applicability::Safe, edits));
                }
            }
        }
        out.push(f);
    }
}
