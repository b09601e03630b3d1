//! `swallowed-exception`: `except Exception: pass` (or a bare `except:`)
//! that silently drops every error of the `try` body.

use super::prelude::*;
use crate::syntax::code_children;

pub struct SwallowedException;

/// The names a handler catches if it is broad: `None` for a narrow handler,
/// `Some("BaseException")` for a bare `except:`, else the handler's text.
fn broad_types<'a>(clause: Node, cx: &Context<'a>) -> Option<&'a str> {
    let Some(value) = statements::except_value(clause) else {
        // `except:` (but not Python 2's `except E, e:` shapes, which have a value).
        return Some("BaseException");
    };
    let items = match value.kind_name() {
        "identifier" => vec![value],
        "tuple" => code_children(value),
        "parenthesized_expression" => match value.named_child(0) {
            Some(t) if t.kind_name() == "tuple" => code_children(t),
            Some(i) if i.kind_name() == "identifier" => vec![i],
            _ => return None,
        },
        _ => return None,
    };
    let broad = items.iter().any(|i| {
        i.kind_name() == "identifier"
            && ["Exception", "BaseException"].iter().any(|b| scope::refers_to(*i, cx.src, &cx.module, b))
    });
    broad.then(|| cx.text(value))
}

impl Rule for SwallowedException {
    fn id(&self) -> &'static str {
        "swallowed-exception"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["except_clause"]
    }
    fn scope(&self) -> super::Scope {
        // Whether `Exception` is the builtin depends on module-level bindings.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if syntax::children(node).iter().any(|c| c.kind_name() == "except*" || c.kind_name() == ",") {
            return;
        }
        let Some(block) = syntax::named_children(node).into_iter().find(|c| c.kind_name() == "block") else { return };
        let body = code_children(block);
        if body.len() != 1 {
            return;
        }
        let only = body[0];
        let is_pass = only.kind_name() == "pass_statement"
            || (only.kind_name() == "expression_statement" && only.named_child(0).is_some_and(|e| e.kind_name() == "ellipsis"));
        if !is_pass && only.kind_name() != "continue_statement" {
            return;
        }
        let Some(caught) = broad_types(node, cx) else { return };
        let end = statements::except_value(node).map_or(node.start_byte() + 6, |v| v.end_byte());
        let mut f = Finding::new(self.id(), node.start_byte()..end);
        if is_pass {
            if let Some(fix) = suppress_fix(node, caught, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

/// `try: stmt / except E: pass` → `with contextlib.suppress(E): stmt`.
fn suppress_fix(clause: Node, caught: &str, cx: &Context) -> Option<Fix> {
    let tr = clause.up().filter(|p| p.kind_name() == "try_statement")?;
    let parts = code_children(tr);
    // Exactly: body block + this one handler (no else, finally, other handlers).
    if parts.len() != 2 || parts[1].id() != clause.id() {
        return None;
    }
    let body = tr.child_by_field_id(crate::field_id!("body"))?;
    if code_children(body).len() != 1 {
        return None;
    }
    let colon = syntax::children(tr).into_iter().find(|c| c.kind_name() == ":")?;
    // The header must be `try:` followed by a line break (not `try: x`).
    if body.start_position().row == tr.start_position().row {
        return None;
    }
    if syntax::has_comment_in(tr, tr.start_byte()..colon.end_byte()) {
        return None;
    }
    // A comment in the removed handler moves to the end of the `with` line,
    // if that line has none.
    let dropped = comments_in(tr, body.end_byte()..clause.end_byte());
    let header_comment = comments_in(tr, colon.end_byte()..body.start_byte());
    let moved = match dropped.as_slice() {
        [] => String::new(),
        [c] if header_comment.is_empty() => format!("  {}", cx.text(*c)),
        _ => return None,
    };
    let inner = caught.trim();
    let inner = if inner.starts_with('(') && inner.ends_with(')') { &inner[1..inner.len() - 1] } else { inner };
    let inner = inner.trim().trim_end_matches(',').trim();
    if inner.contains('\n') || inner.contains('\r') {
        return None;
    }
    let m = &cx.module;
    let mut edits = Vec::new();
    let name = if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "contextlib.suppress") {
        local.clone()
    } else if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "contextlib") {
        format!("{local}.suppress")
    } else {
        edits.push(cx.import_edit("import contextlib"));
        "contextlib.suppress".to_string()
    };
    edits.push(Edit::replace(tr.start_byte()..colon.end_byte(), format!("with {name}({inner}):{moved}")));
    edits.push(Edit::delete(body.end_byte()..clause.end_byte()));
    Some(Fix::safe("contextlib-suppress", edits))
}

fn comments_in(root: Node, range: std::ops::Range<usize>) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= range.start || n.start_byte() >= range.end {
            continue;
        }
        if n.kind_name() == "comment" {
            out.push(n);
        }
        stack.extend(syntax::children(n));
    }
    out
}
