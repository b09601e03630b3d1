//! `manual-list-building`: `xs = []` followed by a loop whose only statement
//! is `xs.append(e)` (optionally under one `if`): a list comprehension.

use super::prelude::*;

pub struct ManualListBuilding;

/// `name.append(e)` as a statement: (name, e).
pub fn append_call<'t>(stmt: Node<'t>, cx: &Context) -> Option<(Node<'t>, Node<'t>)> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let call = stmt.named_child(0)?;
    if call.kind_name() != "call" {
        return None;
    }
    let f = call.child_by_field_id(crate::field_id!("function"))?;
    if f.kind_name() != "attribute" || f.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != "append") {
        return None;
    }
    let obj = f.child_by_field_id(crate::field_id!("object"))?;
    let args = calls::call_args(call)?;
    let [arg] = args.as_slice() else { return None };
    if matches!(arg.kind_name(), "keyword_argument" | "list_splat" | "dictionary_splat") {
        return None;
    }
    (obj.kind_name() == "identifier").then_some((obj, *arg))
}

impl Rule for ManualListBuilding {
    fn id(&self) -> &'static str {
        "manual-list-building"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // At module level the loop variable may be read by any later
        // statement or function (`loops::loop_to_comprehension`).
        &["append"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some((stmt, cond)) = loops::single_statement_body(node) else { return };
        let Some((list, elem)) = append_call(stmt, cx) else { return };
        let name = cx.text(list);
        // `xs = []` just before the loop.
        let Some(init) = statements::previous_statement(node) else { return };
        let Some((target, value)) = statements::simple_assignment(init) else { return };
        if cx.text(target) != name || value.kind_name() != "list" || value.named_child_count() != 0 {
            return;
        }
        // The loop must not look at the list it builds.
        let Some(right) = node.child_by_field_id(crate::field_id!("right")) else { return };
        let Some(left) = node.child_by_field_id(crate::field_id!("left")) else { return };
        let refs = bindings::name_refs(node, name, cx);
        if refs.len() != 1 || bindings::name_refs(left, name, cx).len() > 0 {
            return;
        }
        if node.child(0).is_some_and(|c| c.kind_name() == "async") {
            return;
        }
        // In a `try` body or under `with suppress(...)`, an exception can end
        // the loop part-way and the code after it still sees the items
        // appended so far; a comprehension would leave the name unbound.
        if ends_part_way(node, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), node.start_byte()..right.end_byte());
        if let (Some(safe), Some(clauses)) = (loops::loop_to_comprehension(node, cx), loops::clauses_text(node, cond, cx)) {
            {
                let range = init.start_byte()..node.end_byte();
                let text = edits::keep_comments(format!("{name} = [{} {clauses}]", cx.text(elem)), range, cx);
                let edits = vec![Edit::replace(init.start_byte()..node.end_byte(), text)];
                let applicability = if safe { Applicability::Safe } else { Applicability::Unsafe };
                f = f.with_fix(Fix::new("list-comprehension", applicability, edits));
            }
        }
        out.push(f);
    }
}

/// Whether the loop is a statement of a `try` body or of a
/// `with suppress(...)` body.
fn ends_part_way(node: Node, cx: &Context) -> bool {
    let Some(block) = node.up().filter(|b| b.kind_name() == "block") else { return false };
    let Some(owner) = block.up() else { return false };
    match owner.kind_name() {
        "try_statement" => owner.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == block.id()),
        "with_statement" => {
            let t = cx.text(owner);
            let head = &t[..t.find(':').unwrap_or(t.len())];
            head.contains("suppress(")
        }
        _ => false,
    }
}
