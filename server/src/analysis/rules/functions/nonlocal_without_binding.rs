//! `nonlocal-without-binding`: `nonlocal x` where no enclosing function
//! binds `x`: in a top-level function or in a method of a top-level class
//! (class bodies do not count, and the module is not searched), or when
//! the functions around never bind the name. Python refuses to compile the
//! file ("no binding for nonlocal 'x' found"), on 3.8 to 3.13 alike. It is
//! what writing `nonlocal` for a module-level counter looks like; that
//! needs `global`.
//!
//! A name counts as bound by an enclosing function when it appears there
//! at all, outside the body it encloses (a read counts too, and so do the
//! defaults and decorators of the inner `def`, which run in the outer
//! function): quieter than the compiler, never louder. Quiet too where
//! another SyntaxError comes first or the rule is unsure: the name used in
//! its own scope before the statement (`global-after-use`), a parameter of
//! the same function, a `global` in the same body, type parameters around,
//! `nonlocal` at module level, and syntax errors on the way.

use super::prelude::*;
use crate::analysis::helpers::text::contains_word;

pub struct NonlocalWithoutBinding;

impl Rule for NonlocalWithoutBinding {
    fn id(&self) -> &'static str {
        "nonlocal-without-binding"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["nonlocal_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.has_error() {
            return;
        }
        // The scope that holds the statement: a function or a class body.
        let Some((scope, body)) = holder(node) else { return };
        let own = cx.text(body);
        if own.contains("global") {
            return;
        }
        let before = &cx.src[body.start_byte()..node.start_byte()];
        let header = &cx.src[scope.start_byte()..body.start_byte()];
        for name in named_children(node).into_iter().filter(|n| n.kind_name() == "identifier") {
            let word = cx.text(name);
            // The compiler makes some dunder cells itself (`__class__` in a
            // method, `__classdict__` since 3.12): never claimed.
            let dunder = word.len() > 4 && word.starts_with("__") && word.ends_with("__");
            if dunder || contains_word(before, word) || contains_word(header, word) {
                continue;
            }
            if !bound_around(scope, word, cx) {
                out.push(Finding::new(self.id(), name.byte_range()));
            }
        }
    }
}

/// The function or class whose body holds `stmt` directly (not through a
/// nested function or class), and that body. None at module level, inside
/// a lambda, or with a syntax error on the way.
fn holder(stmt: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let mut child = stmt;
    while let Some(p) = child.up() {
        match p.kind_name() {
            "function_definition" | "class_definition" => {
                let body = p.child_by_field_id(crate::field_id!("body"))?;
                return (body.id() == child.id()).then_some((p, body));
            }
            "module" | "ERROR" | "lambda" => return None,
            _ => {}
        }
        child = p;
    }
    None
}

/// Whether a function around `scope` (a function or class) may bind
/// `name`: it appears in one of them outside the body the search came
/// from. False when none does, up to the module (class bodies skipped, as
/// the compiler skips them). True (unsure) on type parameters or a syntax
/// error on the way.
fn bound_around(scope: Node, name: &str, cx: &Context) -> bool {
    let mut inner = scope;
    let mut cur = scope.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "ERROR" | "lambda" => return true,
            "function_definition" | "class_definition" if n.child_by_field_id(crate::field_id!("type_parameters")).is_some() => return true,
            "function_definition" => {
                // The text of `n` without the body of the definition the
                // search came from (its header runs in `n`).
                let Some(skip) = inner.child_by_field_id(crate::field_id!("body")) else { return true };
                let text = &cx.src[n.start_byte()..skip.start_byte()];
                let rest = &cx.src[skip.end_byte()..n.end_byte()];
                if contains_word(text, name) || contains_word(rest, name) {
                    return true;
                }
                inner = n;
            }
            // A class body binds nothing the compiler looks up from inside
            // it; its header runs in the function around it, which reads it
            // with the rest of its text.
            "class_definition" => inner = n,
            "module" => return false,
            _ => {}
        }
        cur = n.up();
    }
    true
}
