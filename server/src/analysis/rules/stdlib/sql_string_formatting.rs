//! `sql-string-formatting`: an SQL statement passed to `.execute()` that is
//! built by formatting values into the text, instead of passing them as
//! query parameters.

use super::prelude::*;
use crate::syntax::code_children;

pub struct SqlStringFormatting;

const METHODS: &[&str] = &["execute", "executemany", "executescript"];
const SQL_WORDS: &[&str] = &["select", "insert", "update", "delete", "create", "drop", "alter", "pragma", "replace", "where", "values"];

fn is_string(n: Node) -> bool {
    matches!(n.kind_name(), "string" | "concatenated_string")
}

fn is_fstring(n: Node, cx: &Context) -> bool {
    n.kind_name() == "string"
        && n.child(0).is_some_and(|s| s.kind_name() == "string_start" && cx.text(s).to_ascii_lowercase().contains('f'))
        && named_children(n).iter().any(|c| c.kind_name() == "interpolation")
}

/// The literal text of the string pieces of a query expression, if it is
/// built by formatting (`%`, `.format()`, an f-string or `+`).
fn formatted_literals(n: Node, cx: &Context, out: &mut String) -> bool {
    let Some(n) = crate::syntax::unparenthesized(n) else { return false };
    match n.kind_name() {
        "string" if is_fstring(n, cx) => {
            out.push_str(cx.text(n));
            true
        }
        "binary_operator" => {
            let op = n.child_by_field_id(crate::field_id!("operator")).map(|o| cx.text(o));
            let (Some(l), Some(r)) = (n.child_by_field_id(crate::field_id!("left")), n.child_by_field_id(crate::field_id!("right"))) else { return false };
            match op {
                Some("%") if is_string(l) && !is_string(r) => {
                    out.push_str(cx.text(l));
                    true
                }
                Some("+") => {
                    // A chain of `+` mixing string literals and other values.
                    let mut parts = Vec::new();
                    flatten_plus(n, cx, &mut parts);
                    let lits: Vec<Node> = parts.iter().copied().filter(|p| is_string(*p)).collect();
                    if lits.is_empty() || lits.len() == parts.len() {
                        return false;
                    }
                    // Values are appended after SQL text: `" " * n + "select …"` only pads.
                    let first_lit = parts.iter().position(|p| is_string(*p)).unwrap_or(0);
                    if !parts[first_lit..].iter().any(|p| !is_string(*p)) {
                        return false;
                    }
                    for l in lits {
                        out.push_str(cx.text(l));
                        out.push(' ');
                    }
                    true
                }
                _ => false,
            }
        }
        "call" => {
            let Some(f) = n.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return false };
            let attr = f.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a));
            let Some(obj) = f.child_by_field_id(crate::field_id!("object")).filter(|o| is_string(*o)) else { return false };
            if attr != Some("format") {
                return false;
            }
            out.push_str(cx.text(obj));
            true
        }
        _ => false,
    }
}

/// The operands of a chain of `+`, left to right (an explicit stack: the
/// chain's length is the input's).
fn flatten_plus<'t>(n: Node<'t>, cx: &Context, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "binary_operator" && n.child_by_field_id(crate::field_id!("operator")).is_some_and(|o| cx.text(o) == "+") {
            // Right pushed first, so the left operand comes out first.
            if let Some(r) = n.child_by_field_id(crate::field_id!("right")) {
                stack.push(r);
            }
            if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                stack.push(l);
            }
        } else {
            out.push(n);
        }
    }
}

fn looks_like_sql(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    (has("select") && has("from"))
        || (has("insert") && has("into"))
        || (has("update") && has("set"))
        || (has("delete") && has("from"))
        || SQL_WORDS.iter().take(8).filter(|w| has(w)).count() >= 1 && (has("table") || has("where") || has("values"))
}

impl Rule for SqlStringFormatting {
    fn id(&self) -> &'static str {
        "sql-string-formatting"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        METHODS
    }
    fn scope(&self) -> super::Scope {
        // The placeholder fix depends on the module importing sqlite3.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        let Some(attr) = func.child_by_field_id(crate::field_id!("attribute")) else { return };
        if !METHODS.contains(&cx.text(attr)) {
            return;
        }
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let a = code_children(args);
        let Some(&query) = a.first() else { return };
        let mut lits = String::new();
        if !formatted_literals(query, cx, &mut lits) || !looks_like_sql(&lits) {
            return;
        }
        let mut f = Finding::new(self.id(), query.byte_range());
        if a.len() == 1 && cx.text(attr) == "execute" && cx.module.imported_modules.contains("sqlite3") {
            if let Some(fix) = placeholder_fix(query, args, cx) {
                f = f.with_fix(fix);
            }
        }
        out.push(f);
    }
}

/// For an f-string whose interpolations are plain names in value positions:
/// `f"... = {x}"` → `"... = ?", (x,)`, with sqlite3's `?` placeholders.
fn placeholder_fix(query: Node, args: Node, cx: &Context) -> Option<Fix> {
    if query.kind_name() != "string" || syntax::has_comment_in(args, args.byte_range()) {
        return None;
    }
    let start = query.child(0)?;
    let prefix = cx.text(start);
    if !(prefix == "f\"" || prefix == "f'" || prefix == "F\"" || prefix == "F'") {
        return None;
    }
    let text = cx.text(query);
    let base = query.start_byte();
    let mut new = String::new();
    let mut values = Vec::new();
    let mut pos = start.end_byte();
    for c in named_children(query) {
        match c.kind_name() {
            "string_start" | "string_content" | "escape_sequence" => {}
            "interpolation" => {
                let e = c.child_by_field_id(crate::field_id!("expression"))?;
                if !syntax::is_name_or_attribute(e) || c.named_child_count() != 1 {
                    return None;
                }
                let mut before = &text[pos - base..c.start_byte() - base];
                let mut after_skip = 0;
                // `'{x}'`: the quotes go with the value.
                if let Some(b) = before.strip_suffix('\'') {
                    if text[c.end_byte() - base..].starts_with('\'') {
                        before = b;
                        after_skip = 1;
                    } else {
                        return None;
                    }
                }
                let t = before.trim_end().to_ascii_lowercase();
                let value_pos = ["=", "<", ">", "(", ","].iter().any(|s| t.ends_with(s)) || t.ends_with(" like") || t.ends_with(" is");
                if !value_pos || before.contains('{') || before.contains('}') {
                    return None;
                }
                new.push_str(before);
                new.push('?');
                values.push(cx.text(e).to_string());
                pos = c.end_byte() + after_skip;
            }
            "string_end" => {
                let rest = &text[pos - base..c.start_byte() - base];
                if rest.contains('{') || rest.contains('}') || rest.contains('?') || new.contains('?') && new.matches('?').count() != values.len() {
                    return None;
                }
                new.push_str(rest);
                pos = c.start_byte();
            }
            _ => return None,
        }
    }
    let end = &text[pos - base..];
    let quote = &prefix[1..];
    let tuple = if values.len() == 1 { format!("({},)", values[0]) } else { format!("({})", values.join(", ")) };
    let replacement = format!("{quote}{new}{end}, {tuple}");
    Some(Fix::unsafe_("parameters", vec![Edit::replace(query.byte_range(), replacement)]))
}
