//! `late-future-import`: a `from __future__ import …` that does not stand
//! at the start of the module: after another statement (only the module
//! docstring and other `__future__` imports may come before one), or inside
//! a function, class or block. Python refuses to compile the file ("from
//! __future__ imports must occur at the beginning of the file"), on 3.8 to
//! 3.13 alike.
//!
//! Quiet where unsure: a statement with a syntax error before it or around
//! it, and `from .__future__ import …` (a relative import, which 3.12
//! refused and 3.13 accepts).

use super::prelude::*;

pub struct LateFutureImport;

impl Rule for LateFutureImport {
    fn id(&self) -> &'static str {
        "late-future-import"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["future_import_statement"]
    }
    /// At module level, whether one is late depends on the statements
    /// before it: edits there revisit it.
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["__future__"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.has_error() {
            return;
        }
        let Some(parent) = node.up() else { return };
        if parent.kind_name() != "module" {
            // In a function, class or block: always late (a block never
            // stands in the module's opening run of `__future__` imports).
            let mut cur = Some(parent);
            while let Some(n) = cur {
                if n.is_error() {
                    return;
                }
                cur = n.up();
            }
            out.push(Finding::new(self.id(), node.byte_range()));
            return;
        }
        // At module level: late when a statement other than the docstring
        // (the first statement) and `__future__` imports comes before it.
        // A cursor from the first statement, stopping at the first one not
        // allowed: the few statements before a future import are read, not
        // the module's (the rule runs again after every module-level edit,
        // `sibling_needles`).
        let mut cursor = parent.walk();
        if !cursor.goto_first_child() {
            return;
        }
        let mut first = true;
        loop {
            let s = cursor.node();
            if s.id() == node.id() {
                return;
            }
            if s.is_named() && !s.is_extra() {
                if s.is_error() || s.has_error() {
                    return;
                }
                let allowed = s.kind_name() == "future_import_statement" || (first && is_docstring(s, cx));
                first = false;
                if !allowed {
                    out.push(Finding::new(self.id(), node.byte_range()));
                    return;
                }
            }
            if !cursor.goto_next_sibling() {
                return;
            }
        }
    }
}

/// Whether `stmt` is a docstring as the compiler sees one: an expression
/// statement holding only a string literal (concatenated or parenthesised
/// literals too), not an f-string or bytes.
fn is_docstring(stmt: Node, cx: &Context) -> bool {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return false;
    }
    let Some(mut e) = stmt.named_child(0) else { return false };
    while e.kind_name() == "parenthesized_expression" && e.named_child_count() == 1 {
        let Some(inner) = e.named_child(0) else { return false };
        e = inner;
    }
    let parts = match e.kind_name() {
        "string" => vec![e],
        "concatenated_string" => named_children(e).into_iter().filter(|p| !p.is_extra()).collect(),
        _ => return false,
    };
    !parts.is_empty()
        && parts.iter().all(|p| {
            // The prefix: the text before the opening quote.
            let text = cx.text(*p);
            let prefix = &text[..text.find(['"', '\'']).unwrap_or(text.len())];
            p.kind_name() == "string" && prefix.chars().all(|c| matches!(c, 'u' | 'U' | 'r' | 'R'))
        })
}
