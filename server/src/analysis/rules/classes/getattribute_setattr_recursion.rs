//! `getattribute-setattr-recursion`: `self.x` read inside `__getattribute__`,
//! or `self.x = ...` inside `__setattr__`, calls the same hook again: on a
//! path that always runs, that recursion never ends.

use super::prelude::*;
use crate::analysis::helpers::definitions::class_of_method;
use crate::analysis::helpers::definitions::first_param;
use crate::syntax::code_children;

pub struct GetattributeSetattrRecursion;

/// Whether `node` runs every time its enclosing function `func` runs (up to
/// an earlier `return`/`raise`): no branch, loop, handler, nested scope or
/// short-circuit lies between them.
fn always_runs(node: Node, func: Node) -> bool {
    let body = func.child_by_field_id(crate::field_id!("body"));
    let mut cur = node;
    while let Some(p) = cur.up() {
        if Some(p.id()) == body.map(|b| b.id()) {
            // No earlier top-level statement leaves the function.
            return !code_children(p).iter().take_while(|s| s.id() != cur.id()).any(|s| {
                matches!(s.kind_name(), "return_statement" | "raise_statement" | "if_statement" | "try_statement" | "for_statement" | "while_statement" | "match_statement" | "with_statement")
            });
        }
        match p.kind_name() {
            "if_statement" | "elif_clause" | "else_clause" | "for_statement" | "while_statement" | "try_statement"
            | "except_clause" | "finally_clause" | "with_statement" | "match_statement" | "conditional_expression"
            | "boolean_operator" | "lambda" | "function_definition" | "class_definition" | "list_comprehension"
            | "set_comprehension" | "dictionary_comprehension" | "generator_expression" | "decorated_definition" => return false,
            _ => {}
        }
        cur = p;
    }
    false
}

/// Whether the text defines a method one of the two hooks could be: without
/// either name in it, no attribute can be in one. Asked for every attribute,
/// so answered once per rule walk (a search of the text, not a walk up from
/// each attribute to its function).
fn has_hook(cx: &Context) -> bool {
    let compute = || {
        use crate::analysis::helpers::text::contains;
        contains(cx.src, "__getattribute__", &cx.texts) || contains(cx.src, "__setattr__", &cx.texts)
    };
    thread_local! {
        static HOOK: std::cell::Cell<Option<(u64, bool)>> = const { std::cell::Cell::new(None) };
    }
    let Some(walk) = syntax::walk_id() else { return compute() };
    if let Some((w, has)) = HOOK.with(|h| h.get()) {
        if w == walk {
            return has;
        }
    }
    let has = compute();
    HOOK.with(|h| h.set(Some((walk, has))));
    has
}

impl Rule for GetattributeSetattrRecursion {
    fn id(&self) -> &'static str {
        "getattribute-setattr-recursion"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["attribute"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Function
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if !has_hook(cx) {
            return;
        }
        // The enclosing method first: in a file with a hook, most
        // attributes lie outside it, and its name is one field lookup where
        // the attribute's object and name are two.
        let Some(func) = syntax::enclosing_function(node).filter(|f| f.kind_name() == "function_definition") else { return };
        let name = func.child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)).unwrap_or("");
        if !matches!(name, "__getattribute__" | "__setattr__") || class_of_method(func).is_none() {
            return;
        }
        let Some(obj) = node.child_by_field_id(crate::field_id!("object")).filter(|o| o.kind_name() == "identifier") else { return };
        let Some(attr) = node.child_by_field_id(crate::field_id!("attribute")) else { return };
        if syntax::has_decorator(func, cx.src, &["staticmethod", "classmethod"]) {
            return;
        }
        let Some(this) = first_param(func, cx).filter(|p| *p == cx.text(obj)) else { return };
        // `self.__class__ = …` switches to another class's hooks (lazy modules do this).
        if func.child_by_field_id(crate::field_id!("body")).is_some_and(|b| cx.text(b).contains(&format!("{this}.__class__ ="))) {
            return;
        }
        // `self` must not be rebound in the method.
        if let Some(body) = func.child_by_field_id(crate::field_id!("body")) {
            let mut b = std::collections::HashSet::new();
            crate::analysis::scope::collect_bindings(body, cx.src, &mut b);
            if b.contains(this) {
                return;
            }
        }
        let parent = node.up();
        let is_target = parent.is_some_and(|p| {
            matches!(p.kind_name(), "assignment" | "augmented_assignment")
                && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == node.id())
        });
        let in_del = parent.is_some_and(|p| p.kind_name() == "delete_statement");
        let stmt_ok = || parent.and_then(|p| p.up()).is_some_and(|s| s.kind_name() == "expression_statement");
        if name == "__setattr__" {
            // An assignment to `self.x` calls `__setattr__` again.
            let Some(assign) = parent.filter(|_| is_target) else { return };
            if !always_runs(assign, func) {
                return;
            }
            let mut f = Finding::new(self.id(), node.byte_range());
            let right = assign.child_by_field_id(crate::field_id!("right"));
            if assign.kind_name() == "assignment"
                && assign.child_by_field_id(crate::field_id!("type")).is_none()
                && stmt_ok()
                && right.is_some_and(|r| !matches!(r.kind_name(), "assignment" | "augmented_assignment" | "yield"))
                && !syntax::has_comment_in(assign, assign.byte_range())
            {
                let r = right.map(|r| cx.text(r)).unwrap_or("");
                let rhs = if r.contains(',') && right.is_some_and(|r| r.kind_name() == "expression_list") { format!("({r})") } else { r.to_string() };
                let new = format!("super().__setattr__(\"{}\", {rhs})", cx.text(attr));
                f = f.with_fix(Fix::unsafe_("super-call", vec![Edit::replace(assign.byte_range(), new)]));
            }
            out.push(f);
        } else {
            // Any read of `self.x` calls `__getattribute__` again.
            if (is_target && parent.is_some_and(|p| p.kind_name() == "assignment")) || in_del || !always_runs(node, func) {
                return;
            }
            let mut f = Finding::new(self.id(), node.byte_range());
            if !is_target {
                let new = format!("super().__getattribute__(\"{}\")", cx.text(attr));
                f = f.with_fix(Fix::unsafe_("super-call", vec![Edit::replace(node.byte_range(), new)]));
            }
            out.push(f);
        }
    }
}
