//! `property-call-form`: `x = property(getx, setx)` in a class body whose
//! accessors are methods of the same class; the decorator form keeps them
//! together under one name.

use super::prelude::*;
use crate::syntax::code_children;

pub struct PropertyCallForm;

const ROLES: [&str; 4] = ["fget", "fset", "fdel", "doc"];

impl Rule for PropertyCallForm {
    fn id(&self) -> &'static str {
        "property-call-form"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Dispatched on the module: the fix renames the accessors only
        // where no other statement of the file uses their names, so a use
        // added anywhere changes it (an incremental recheck reruns
        // `module` rules after every edit). The assignments it reports
        // hold the word `property`, not after `@` (`@property` is the
        // common occurrence, and never such an assignment).
        &["module"]
    }
    fn scope(&self) -> super::Scope {
        // The fix renames methods and checks every use in the file.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let src = cx.src.as_bytes();
        super::whole_file_nodes_where(node, cx, &["property"], &["assignment"], |at| at == 0 || src[at - 1] != b'@', |n| {
            self.check_assignment(n, cx, out)
        });
    }
}

impl PropertyCallForm {
    fn check_assignment(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(stmt) = node.up().filter(|p| p.kind_name() == "expression_statement") else { return };
        let Some(block) = stmt.up().filter(|p| p.kind_name() == "block") else { return };
        let Some(_class) = block.up().filter(|c| c.kind_name() == "class_definition") else { return };
        let Some(left) = node.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") else { return };
        let Some(call) = node.child_by_field_id(crate::field_id!("right")).filter(|r| r.kind_name() == "call") else { return };
        let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return };
        if !scope::refers_to(func, cx.src, &cx.module, "property") {
            return;
        }
        let Some(args) = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        // Map arguments to roles.
        let mut roles: [Option<Node>; 4] = [None; 4];
        for (i, a) in code_children(args).into_iter().enumerate() {
            if a.kind_name() == "keyword_argument" {
                let Some(k) = a.child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)) else { return };
                let Some(slot) = ROLES.iter().position(|r| *r == k) else { return };
                roles[slot] = a.child_by_field_id(crate::field_id!("value"));
            } else if i < 4 && a.kind_name() != "list_splat" && a.kind_name() != "dictionary_splat" {
                roles[i] = Some(a);
            } else {
                return;
            }
        }
        let Some(getter) = roles[0] else { return };
        // Every accessor is a plain method defined earlier in this class body.
        let body = code_children(block);
        let find_def = |n: Node| -> Option<Node> {
            if n.kind_name() != "identifier" {
                return None;
            }
            let name = cx.text(n);
            let defs: Vec<Node> = body
                .iter()
                .copied()
                .filter(|s| s.kind_name() == "function_definition" && s.child_by_field_id(crate::field_id!("name")).is_some_and(|x| cx.text(x) == name))
                .collect();
            match defs.as_slice() {
                [d] if d.end_byte() <= stmt.start_byte() => Some(*d),
                _ => None,
            }
        };
        let mut defs: Vec<(usize, Node)> = Vec::new();
        for (slot, r) in roles.iter().enumerate().take(3) {
            if let Some(n) = r {
                if n.kind_name() == "none" {
                    continue;
                }
                let Some(d) = find_def(*n) else { return };
                defs.push((slot, d));
            }
        }
        if find_def(getter).is_none() {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if let Some(fix) = decorator_fix(stmt, left, &defs, roles[3], block, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn decorator_fix(stmt: Node, left: Node, defs: &[(usize, Node)], doc: Option<Node>, block: Node, cx: &Context) -> Option<Fix> {
    let x = cx.text(left);
    // The getter comes first; no accessor serves twice.
    let getter = defs.iter().find(|(s, _)| *s == 0)?.1;
    if defs.iter().any(|(_, d)| d.start_byte() < getter.start_byte()) {
        return None;
    }
    for (i, (_, a)) in defs.iter().enumerate() {
        if defs[i + 1..].iter().any(|(_, b)| a.id() == b.id()) {
            return None;
        }
    }
    // Nothing else in the class binds the property's name (besides the getter, if it is called so).
    let mut bound = std::collections::HashSet::new();
    for s in code_children(block) {
        if s.id() != stmt.id() && !defs.iter().any(|(_, d)| d.id() == s.id()) {
            scope::collect_bindings(s, cx.src, &mut bound);
        }
    }
    if bound.contains(x) {
        return None;
    }
    // The accessors' names are used nowhere else in the file.
    let root = cx.tree.root_node();
    let args = stmt.named_child(0)?.child_by_field_id(crate::field_id!("right"))?;
    for (_, d) in defs {
        let name = cx.text(d.child_by_field_id(crate::field_id!("name"))?);
        if name != x && uses_outside(root, name, &[d.child_by_field_id(crate::field_id!("name"))?], args, cx) {
            return None;
        }
    }
    // The assignment stands alone on its lines, without comments.
    let line_start = cx.src[..stmt.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    if !cx.src[line_start..stmt.start_byte()].trim().is_empty() {
        return None;
    }
    let rest = &cx.src[stmt.end_byte()..];
    let line_end = rest.find('\n').map_or(cx.src.len(), |i| stmt.end_byte() + i + 1);
    if syntax::has_comment_in(stmt, stmt.byte_range()) {
        return None;
    }
    // A trailing comment moves to the `@property` line.
    let trailing = cx.src[stmt.end_byte()..line_end].trim();
    if !trailing.is_empty() && !trailing.starts_with('#') {
        return None;
    }
    let moved = if trailing.is_empty() { String::new() } else { format!("  {trailing}") };
    let nl = syntax::newline_of(cx.src);
    let mut edits = vec![Edit::delete(line_start..line_end)];
    for (slot, d) in defs {
        let indent = syntax::indent_at(cx.src, d.start_byte());
        let deco = match slot {
            0 => format!("@property{moved}"),
            1 => format!("@{x}.setter"),
            _ => format!("@{x}.deleter"),
        };
        edits.push(Edit::insert(d.start_byte(), format!("{deco}{nl}{indent}")));
        let name = d.child_by_field_id(crate::field_id!("name"))?;
        if cx.text(name) != x {
            edits.push(Edit::replace(name.byte_range(), x));
        }
    }
    if let Some(doc) = doc.filter(|d| d.kind_name() != "none") {
        if doc.kind_name() != "string" || cx.text(doc).contains('\n') {
            return None;
        }
        let body = getter.child_by_field_id(crate::field_id!("body"))?;
        let first = *code_children(body).first()?;
        let has_doc = first.kind_name() == "expression_statement" && first.named_child(0).is_some_and(|s| s.kind_name() == "string");
        if has_doc || first.start_position().row == getter.start_position().row {
            return None;
        }
        let indent = syntax::indent_at(cx.src, first.start_byte());
        edits.push(Edit::insert(first.start_byte(), format!("{}{nl}{indent}", cx.text(doc))));
    }
    Some(Fix::unsafe_("decorators", edits))
}

/// Whether `name` occurs as an identifier (or in a string) outside `skip`
/// nodes and the `args` expression.
fn uses_outside(root: Node, name: &str, skip: &[Node], args: Node, cx: &Context) -> bool {
    // A use is an identifier spelled `name`, or a string holding it, outside
    // `args` and `skip`: found from the occurrences of `name` in the text
    // (the node there, and its ancestors up to a string), not by a walk of
    // the whole file per accessor (a fifth of a check on test_descr.py).
    if name.is_empty() {
        return crate::syntax::descendants(root).into_iter().any(|n| n.kind_name() == "string" && !args.byte_range().contains(&n.start_byte()));
    }
    let outside = |at: usize| !args.byte_range().contains(&at) && !skip.iter().any(|s| s.byte_range().contains(&at));
    crate::analysis::helpers::bindings::named_or_quoted(root, cx.src, name, outside)
}
