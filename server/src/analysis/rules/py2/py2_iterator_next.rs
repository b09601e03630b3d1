//! `py2-iterator-next`: the Python 2 iterator protocol — `it.next()` calls on
//! iterators and classes that define `next()` but no `__next__()`.

use super::prelude::*;

pub struct Py2IteratorNext;

impl Rule for Py2IteratorNext {
    fn id(&self) -> &'static str {
        "py2-iterator-next"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call", "function_definition"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["next"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "function_definition" {
            check_method(node, cx, out, self.id());
            return;
        }
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        let (Some(obj), Some(attr)) = (func.child_by_field_id(crate::field_id!("object")), func.child_by_field_id(crate::field_id!("attribute"))) else { return };
        if cx.text(attr) != "next" || !calls::has_no_args(node) {
            return;
        }
        if !is_iterator(obj, node, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if !scope::is_shadowed("next", node, cx.src, &cx.module) && !syntax::has_comment_in(node, node.byte_range()) {
            let new = format!("next({})", cx.text(obj));
            f = f.with_fix(Fix::safe("next-builtin", vec![Edit::replace(node.byte_range(), new)]));
        }
        out.push(f);
    }
}

/// An expression known to make an iterator: `iter(…)`, a generator
/// expression, `open(…)`.
fn makes_iterator(e: Node, cx: &Context) -> bool {
    let Some(e) = crate::syntax::unparenthesized(e) else { return false };
    match e.kind_name() {
        "generator_expression" => true,
        "call" => e.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            f.kind_name() == "identifier"
                && matches!(cx.text(f), "iter" | "open")
                && scope::refers_to(f, cx.src, &cx.module, cx.text(f))
        }),
        _ => false,
    }
}

/// Whether `obj` is an iterator: made in place, or a name whose every
/// assignment in the enclosing function (or at module level) makes one.
fn is_iterator(obj: Node, at: Node, cx: &Context) -> bool {
    if makes_iterator(obj, cx) {
        return true;
    }
    if obj.kind_name() != "identifier" {
        return false;
    }
    let name = cx.text(obj);
    let func = syntax::ancestor(at, &["function_definition"]);
    if let Some(f) = func {
        if scope::parameter_names(f, cx.src).contains(name) {
            return false;
        }
    }
    let stmts: Vec<Node> = match func.and_then(|f| f.child_by_field_id(crate::field_id!("body"))) {
        Some(body) => {
            let mut v = Vec::new();
            collect_assignments(body, &mut v);
            v
        }
        None => {
            if func.is_some() {
                return false;
            }
            let mut v = Vec::new();
            for s in named_children(cx.tree.root_node()) {
                if s.kind_name() == "expression_statement" {
                    v.extend(named_children(s).into_iter().filter(|a| a.kind_name() == "assignment"));
                }
            }
            v
        }
    };
    let mut seen = false;
    for a in stmts {
        let Some(left) = a.child_by_field_id(crate::field_id!("left")) else { continue };
        if left.kind_name() == "identifier" && cx.text(left) == name {
            match a.child_by_field_id(crate::field_id!("right")) {
                Some(r) if makes_iterator(r, cx) => seen = true,
                _ => return false,
            }
        }
    }
    seen
}

/// Assignments in a function body (not in nested functions or classes), in
/// source order (an explicit stack: nesting is the input's).
fn collect_assignments<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = n.walk();
    let mut stack: Vec<Node<'t>> = n.named_children(&mut cursor).collect();
    stack.reverse();
    while let Some(c) = stack.pop() {
        match c.kind_name() {
            "function_definition" | "class_definition" | "lambda" => continue,
            "assignment" => out.push(c),
            _ => {}
        }
        let at = stack.len();
        stack.extend(c.named_children(&mut cursor));
        stack[at..].reverse();
    }
}

/// `def next(self)` in a class that defines `__iter__` but no `__next__`.
fn check_method(def: Node, cx: &Context, out: &mut Vec<Finding>, id: &'static str) {
    let Some(name) = def.child_by_field_id(crate::field_id!("name")).filter(|n| cx.text(*n) == "next") else { return };
    let holder = match def.up() {
        Some(p) if p.kind_name() == "decorated_definition" => return,
        p => p,
    };
    let Some(body) = holder.filter(|b| b.kind_name() == "block") else { return };
    if !body.up().is_some_and(|c| c.kind_name() == "class_definition") {
        return;
    }
    let params = def.child_by_field_id(crate::field_id!("parameters")).map(|p| named_children(p).into_iter().filter(|c| c.kind_name() != "comment").count());
    if params != Some(1) {
        return;
    }
    let mut defines_iter = false;
    for s in named_children(body) {
        let d = if s.kind_name() == "decorated_definition" { s.child_by_field_id(crate::field_id!("definition")).unwrap_or(s) } else { s };
        let n = match d.kind_name() {
            "function_definition" => d.child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)),
            "expression_statement" => d
                .named_child(0)
                .filter(|a| a.kind_name() == "assignment")
                .and_then(|a| a.child_by_field_id(crate::field_id!("left")))
                .map(|l| cx.text(l)),
            _ => None,
        };
        match n {
            Some("__next__") => return,
            // An iterator's `__iter__` returns the object itself; a generator
            // `__iter__` (an iterable, like tarfile.TarFile) does not count.
            Some("__iter__") => defines_iter = d.kind_name() == "function_definition" && returns_self(d, cx),
            _ => {}
        }
    }
    if !defines_iter {
        return;
    }
    let nl = syntax::newline_of(cx.src);
    let indent = syntax::indent_at(cx.src, def.start_byte());
    let alias = Edit::insert(def.end_byte(), format!("{nl}{nl}{indent}__next__ = next"));
    let rename = Edit::replace(name.byte_range(), "__next__");
    out.push(
        Finding::new(id, name.byte_range())
            .with_fix(Fix::safe("add-alias", vec![alias]))
            .with_fix(Fix::unsafe_("rename", vec![rename])),
    );
}

/// Whether a method's body is (after an optional docstring) `return self`.
fn returns_self(def: Node, cx: &Context) -> bool {
    let Some(body) = def.child_by_field_id(crate::field_id!("body")) else { return false };
    let stmts: Vec<Node> = named_children(body)
        .into_iter()
        .filter(|s| s.kind_name() != "comment")
        .filter(|s| !(s.kind_name() == "expression_statement" && s.named_child(0).is_some_and(|c| c.kind_name() == "string")))
        .collect();
    stmts.len() == 1
        && stmts[0].kind_name() == "return_statement"
        && stmts[0].named_child(0).is_some_and(|v| v.kind_name() == "identifier" && cx.text(v) == "self")
}
