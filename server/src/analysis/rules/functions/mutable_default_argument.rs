//! `mutable-default-argument`: `def f(x=[])` — one list shared by every call.

use super::prelude::*;

pub struct MutableDefaultArgument;

const MUTABLE_CALLS: &[&str] = &[
    "list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
    "collections.Counter", "collections.deque",
];

fn is_mutable(value: Node, cx: &Context) -> bool {
    match value.kind_name() {
        "list" | "dictionary" | "set" | "list_comprehension" | "dictionary_comprehension" | "set_comprehension" => true,
        "call" => value.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            MUTABLE_CALLS.iter().any(|m| scope::refers_to(f, cx.src, &cx.module, m))
        }),
        _ => false,
    }
}

impl Rule for MutableDefaultArgument {
    fn id(&self) -> &'static str {
        "mutable-default-argument"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["default_parameter", "typed_default_parameter"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.up().and_then(|p| p.up()).filter(|f| f.kind_name() == "function_definition") else {
            return;
        };
        let (Some(name), Some(value)) = (node.child_by_field_id(crate::field_id!("name")), node.child_by_field_id(crate::field_id!("value"))) else {
            return;
        };
        if !is_mutable(value, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), value.byte_range());
        if let Some(fix) = none_default_fix(node, func, name, value, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn none_default_fix(param: Node, func: Node, name: Node, value: Node, cx: &Context) -> Option<Fix> {
    let body = func.child_by_field_id(crate::field_id!("body"))?;
    let stmts: Vec<Node> = crate::syntax::named_children(body).into_iter().filter(|n| n.kind_name() != "comment").collect();
    let first = *stmts.first()?;
    // The body must start on its own line.
    if first.start_position().row == func.start_position().row {
        return None;
    }
    let value_text = cx.text(value);
    if value_text.contains('\n') || crate::syntax::has_comment_in(value, value.byte_range()) {
        return None;
    }
    let mut edits = Vec::new();
    if let Some(ty) = param.child_by_field_id(crate::field_id!("type")) {
        // `x: list = []` → `x: list | None = None` (needs 3.10 for `|`).
        if !cx.target_at_least(3, 10) {
            return None;
        }
        let t = cx.text(ty);
        if !t.contains("None") {
            edits.push(Edit::insert(ty.end_byte(), " | None"));
        }
    }
    edits.push(Edit::replace(value.byte_range(), "None"));
    // After a docstring, else before the first statement.
    let is_doc = first.kind_name() == "expression_statement" && first.named_child(0).is_some_and(|s| s.kind_name() == "string");
    let indent = crate::syntax::indent_at(cx.src, first.start_byte()).to_string();
    let nl = crate::syntax::newline_of(cx.src);
    let n = cx.text(name);
    let guard = format!("if {n} is None:{nl}{indent}    {n} = {value_text}");
    if is_doc {
        if stmts.len() == 1 {
            edits.push(Edit::insert(first.end_byte(), format!("{nl}{indent}{guard}")));
        } else {
            edits.push(Edit::insert(stmts[1].start_byte(), format!("{guard}{nl}{indent}")));
        }
    } else {
        edits.push(Edit::insert(first.start_byte(), format!("{guard}{nl}{indent}")));
    }
    Some(Fix::unsafe_("none-default", edits))
}
