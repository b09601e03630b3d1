//! `global-after-use`: a `global` or `nonlocal` statement naming a name
//! that its scope already used or bound before it, or that is a parameter
//! of its function. Python refuses to compile it ("name 'x' is used prior
//! to global declaration", "… is assigned to before global declaration",
//! "… is parameter and global").
//!
//! Only what stands in the scope itself is read: nested function and
//! lambda bodies, parameters and default values of nested functions, and
//! comprehensions past their first iterable are skipped (an occurrence
//! there is not claimed), and imports are left out (CPython accepts
//! `import x` before `global x`).

use super::prelude::*;

pub struct GlobalAfterUse;

impl Rule for GlobalAfterUse {
    fn id(&self) -> &'static str {
        "global-after-use"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["global_statement", "nonlocal_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.has_error() {
            return;
        }
        let Some((body, func)) = scope_body(node) else { return };
        let names: Vec<Node> = named_children(node).into_iter().filter(|n| n.kind_name() == "identifier").collect();
        let params = func.map(|f| scope::parameter_names(f, cx.src)).unwrap_or_default();
        let mut earlier: HashSet<&str> = HashSet::new();
        occurrences_before(body, node.start_byte(), cx, &mut earlier);
        for n in names {
            let name = cx.text(n);
            if params.contains(name) || earlier.contains(name) {
                out.push(Finding::new(self.id(), n.byte_range()));
            }
        }
    }
}

/// The block (or module) of the scope that holds `stmt`, and its function
/// if it is one. None when unsure (a syntax error on the way).
fn scope_body(stmt: Node<'_>) -> Option<(Node<'_>, Option<Node<'_>>)> {
    let mut child = stmt;
    while let Some(p) = child.up() {
        match p.kind_name() {
            "function_definition" => {
                let body = p.child_by_field_id(crate::field_id!("body"))?;
                return (body.id() == child.id()).then_some((body, Some(p)));
            }
            "class_definition" => {
                let body = p.child_by_field_id(crate::field_id!("body"))?;
                return (body.id() == child.id()).then_some((body, None));
            }
            "module" => return Some((p, None)),
            "ERROR" | "lambda" => return None,
            _ => {}
        }
        child = p;
    }
    None
}

/// The names that `node`'s subtree uses or binds in its own scope, among
/// the identifiers starting before `limit`.
fn occurrences_before<'a>(node: Node, limit: usize, cx: &Context<'a>, out: &mut HashSet<&'a str>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.start_byte() >= limit {
            continue;
        }
        match n.kind_name() {
            "identifier" => {
                if names_a_variable(n) {
                    out.insert(cx.text(n));
                }
                continue;
            }
            // Not a use of the name in this scope.
            "import_statement" | "import_from_statement" | "future_import_statement" | "global_statement" | "nonlocal_statement"
            | "lambda" | "keyword_pattern" => continue,
            // A nested function binds its name here; the rest is its own.
            "function_definition" => {
                if let Some(name) = n.child_by_field_id(crate::field_id!("name")) {
                    stack.push(name);
                }
                continue;
            }
            // A nested class: its name and bases are read here, its body is its own.
            "class_definition" => {
                for f in [crate::field_id!("name"), crate::field_id!("superclasses")] {
                    if let Some(c) = n.child_by_field_id(f) {
                        stack.push(c);
                    }
                }
                continue;
            }
            // A comprehension: its first iterable runs here.
            "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
                if let Some(first) = named_children(n).into_iter().find(|c| c.kind_name() == "for_in_clause") {
                    if let Some(right) = first.child_by_field_id(crate::field_id!("right")) {
                        stack.push(right);
                    }
                }
                continue;
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
}

/// Whether an identifier names a variable (not an attribute, a keyword
/// argument's name or a later part of a dotted name).
fn names_a_variable(id: Node) -> bool {
    let Some(p) = id.up() else { return true };
    match p.kind_name() {
        "attribute" => p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == id.id()),
        "keyword_argument" => p.child_by_field_id(crate::field_id!("name")).is_none_or(|n| n.id() != id.id()),
        "dotted_name" => p.named_child(0).is_some_and(|f| f.id() == id.id()),
        _ => true,
    }
}
