//! `py2-dict-iter-methods`: `d.iteritems()`, `d.itervalues()`, `d.iterkeys()`
//! and `d.viewitems()` … — Python 2 dict methods that Python 3 dropped.

use super::prelude::*;

pub struct Py2DictIterMethods;

/// Builtins that only iterate over their (first) argument.
const CONSUMERS: &[&str] = &[
    "list", "tuple", "set", "frozenset", "sorted", "dict", "sum", "min", "max", "any", "all", "zip", "enumerate", "map",
    "filter", "len",
];

impl Rule for Py2DictIterMethods {
    fn id(&self) -> &'static str {
        "py2-dict-iter-methods"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Whether a class of the file defines `iteritems` decides: a
        // whole-file dependency, so checked from the module node.
        &["module"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let needles = ["iteritems", "itervalues", "iterkeys", "viewitems", "viewvalues", "viewkeys"];
        super::whole_file_nodes(node, cx.src, &needles, &["call"], |n| self.check_call(n, cx, out));
    }
}

impl Py2DictIterMethods {
    fn check_call(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        let Some(attr) = func.child_by_field_id(crate::field_id!("attribute")) else { return };
        let new = match cx.text(attr) {
            "iteritems" | "viewitems" => "items",
            "itervalues" | "viewvalues" => "values",
            "iterkeys" | "viewkeys" => "keys",
            _ => return,
        };
        if !calls::has_no_args(node) {
            return;
        }
        // `six.iteritems(d)` style helpers are calls of a module function, not
        // methods; `self.iteritems()` is a method of the class at hand.
        if let Some(obj) = func.child_by_field_id(crate::field_id!("object")) {
            if scope::qualified_name(obj, cx.src, &cx.module).is_some() || matches!(cx.text(obj), "self" | "cls") {
                return;
            }
        }
        // A class of this file that defines the method: its objects are not dicts.
        if defines_method(cx, cx.text(attr)) {
            return;
        }
        let rename = Edit::replace(attr.byte_range(), new);
        let is_view = cx.text(attr).starts_with("view");
        let mut edits = vec![rename];
        let mut applicability = Applicability::Unsafe;
        if is_view {
            applicability = Applicability::Safe;
        } else if let Some(p) = node.up() {
            match p.kind_name() {
                "for_statement" | "for_in_clause" => {
                    if p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == node.id()) {
                        applicability = Applicability::Safe;
                    }
                }
                "argument_list" => {
                    let call = p.up().filter(|c| c.kind_name() == "call");
                    let callee = call.and_then(|c| c.child_by_field_id(crate::field_id!("function"))).filter(|f| f.kind_name() == "identifier");
                    let first = p.named_child(0).is_some_and(|a| a.id() == node.id());
                    if let Some(callee) = callee {
                        let name = cx.text(callee);
                        let builtin = !scope::is_shadowed(name, callee, cx.src, &cx.module);
                        if builtin && name == "next" && first {
                            // A view is not an iterator: next() needs iter() around it.
                            edits.push(Edit::insert(node.start_byte(), "iter("));
                            edits.push(Edit::insert(node.end_byte(), ")"));
                            applicability = Applicability::Safe;
                        } else if builtin && CONSUMERS.contains(&name) && (first || matches!(name, "zip" | "map")) {
                            applicability = Applicability::Safe;
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(Finding::new(self.id(), attr.start_byte()..node.end_byte()).with_fix(Fix::new("rename", applicability, edits)));
    }
}

/// Whether a top-level class of the file defines a method called `name`.
fn defines_method(cx: &Context, name: &str) -> bool {
    let root = cx.tree.root_node();
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        let class = if stmt.kind_name() == "decorated_definition" { stmt.child_by_field_id(crate::field_id!("definition")) } else { Some(stmt) };
        let Some(body) = class.filter(|c| c.kind_name() == "class_definition").and_then(|c| c.child_by_field_id(crate::field_id!("body"))) else {
            continue;
        };
        let mut c2 = body.walk();
        for m in body.named_children(&mut c2) {
            let d = if m.kind_name() == "decorated_definition" { m.child_by_field_id(crate::field_id!("definition")) } else { Some(m) };
            if d.is_some_and(|d| d.kind_name() == "function_definition" && d.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == name)) {
                return true;
            }
        }
    }
    false
}
