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
        // Whether a class of the file defines a method, asked once per name:
        // each answer is a walk of the whole tree (a test file with a dozen
        // `iteritems()` calls spent a third of its check on them).
        let mut defined: Vec<(&'static str, bool)> = Vec::new();
        super::whole_file_nodes(node, cx, METHODS, &["call"], |n| self.check_call(n, cx, &mut defined, out));
    }
}

impl Py2DictIterMethods {
    fn check_call(&self, node: Node, cx: &Context, defined: &mut Vec<(&'static str, bool)>, out: &mut Vec<Finding>) {
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
        // A class of this file that defines the method: its objects are not
        // dicts. Inside a class that defines any of these methods, the calls
        // are its own protocol too.
        let Some(&name) = METHODS.iter().find(|m| **m == cx.text(attr)) else { return };
        let defines = match defined.iter().find(|(n, _)| *n == name) {
            Some(&(_, d)) => d,
            None => {
                let d = defines_method(cx, name);
                defined.push((name, d));
                d
            }
        };
        if defines || in_class_defining_iter_methods(node, cx) {
            return;
        }
        // Only a dict is known to have the Python 3 method the fix calls.
        let known = func.child_by_field_id(crate::field_id!("object")).is_some_and(|o| bindings::known_dict(o, cx));
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
        if !known {
            applicability = Applicability::Unsafe;
        }
        out.push(Finding::new(self.id(), attr.start_byte()..node.end_byte()).with_fix(Fix::new("rename", applicability, edits)));
    }
}

const METHODS: &[&str] = &["iteritems", "itervalues", "iterkeys", "viewitems", "viewvalues", "viewkeys"];

/// Whether a class of the file (at any depth) defines a method or class
/// attribute called `name`. Found from the text: the `def`s and
/// assignments around each occurrence of the name (`whole_file_nodes`), not
/// a walk of every node (a test file with a dozen `iteritems()` calls spent
/// a quarter of its check walking).
fn defines_method(cx: &Context, name: &'static str) -> bool {
    let mut found = false;
    super::whole_file_nodes(cx.tree.root_node(), cx, &[name], &["function_definition", "assignment"], |n| {
        found = found || binds_in_class_body(n, name, cx);
    });
    debug_assert_eq!(
        found,
        syntax::descendants(cx.tree.root_node()).into_iter().any(|c| c.kind_name() == "class_definition" && class_defines(c, cx, &[name])),
        "defines_method({name})"
    );
    found
}

/// Whether `n`, a `def` or an assignment, binds `name` as a member of a
/// class body, as `class_defines` reads one: a `def` (decorated or not) in
/// the body, or an assignment that is a body statement's first part.
fn binds_in_class_body(n: Node, name: &str, cx: &Context) -> bool {
    let in_class_body = |b: Option<Node>| b.is_some_and(|b| b.kind_name() == "block" && b.up().is_some_and(|c| c.kind_name() == "class_definition"));
    match n.kind_name() {
        "function_definition" => {
            if !n.child_by_field_id(crate::field_id!("name")).is_some_and(|x| cx.text(x) == name) {
                return false;
            }
            let p = n.up();
            let p = if p.is_some_and(|p| p.kind_name() == "decorated_definition") { p.and_then(|p| p.up()) } else { p };
            in_class_body(p)
        }
        "assignment" => {
            if !n.child_by_field_id(crate::field_id!("left")).is_some_and(|l| cx.text(l) == name) {
                return false;
            }
            let Some(e) = n.up().filter(|e| e.kind_name() == "expression_statement") else { return false };
            e.named_child(0).is_some_and(|a| a.id() == n.id()) && in_class_body(e.up())
        }
        _ => false,
    }
}

/// Whether `class` binds one of `names` in its body: a `def` or an assignment.
fn class_defines(class: Node, cx: &Context, names: &[&str]) -> bool {
    let Some(body) = class.child_by_field_id(crate::field_id!("body")) else { return false };
    named_children(body).into_iter().any(|m| {
        let d = if m.kind_name() == "decorated_definition" { m.child_by_field_id(crate::field_id!("definition")) } else { Some(m) };
        let Some(d) = d else { return false };
        match d.kind_name() {
            "function_definition" => d.child_by_field_id(crate::field_id!("name")).is_some_and(|n| names.contains(&cx.text(n))),
            "expression_statement" => d.named_child(0).filter(|a| a.kind_name() == "assignment").and_then(|a| a.child_by_field_id(crate::field_id!("left"))).is_some_and(|l| names.contains(&cx.text(l))),
            _ => false,
        }
    })
}

/// Whether `node` sits inside a class that defines one of the Python 2
/// methods itself (a dict-like class implementing its own protocol).
fn in_class_defining_iter_methods(node: Node, cx: &Context) -> bool {
    let mut cur = node.up();
    while let Some(p) = cur {
        if p.kind_name() == "class_definition" && class_defines(p, cx, METHODS) {
            return true;
        }
        cur = p.up();
    }
    false
}
