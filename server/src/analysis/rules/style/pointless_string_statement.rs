//! `pointless-string-statement`: a string literal standing alone as a
//! statement where it is not a docstring (a "multi-line comment").

use crate::analysis::helpers::edits::alone_on_lines;
use crate::analysis::helpers::statements::first_statement;
use crate::analysis::helpers::statements::previous_statement;
use super::prelude::*;

pub struct PointlessStringStatement;

/// A string without interpolations (evaluating it has no effect).
fn is_constant_string(n: Node) -> bool {
    match n.kind_name() {
        "string" => !named_children(n).iter().any(|c| c.kind_name() == "interpolation"),
        "concatenated_string" => named_children(n).into_iter().filter(|c| c.kind_name() != "comment").all(is_constant_string),
        _ => false,
    }
}

impl Rule for PointlessStringStatement {
    fn id(&self) -> &'static str {
        "pointless-string-statement"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["expression_statement"]
    }
    fn scope(&self) -> super::Scope {
        // Whether it is a docstring depends on its place among the statements
        // around it, at module level too (an edit above a module-level string
        // can make it stop being the module docstring).
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // A statement that is one string starts with that string: its
        // prefix letters, then a quote (or with a comment). A byte test
        // before the children are read (this runs on every expression
        // statement).
        let t = cx.text(node).as_bytes();
        let rest = &t[t.iter().take_while(|b| b.is_ascii_alphabetic()).count()..];
        if !matches!(rest.first(), Some(b'"' | b'\'')) && t.first() != Some(&b'#') {
            return;
        }
        let kids: Vec<Node> = named_children(node).into_iter().filter(|c| c.kind_name() != "comment").collect();
        if kids.len() != 1 || !is_constant_string(kids[0]) {
            return;
        }
        let string = kids[0];
        let Some(parent) = node.up() else { return };
        let is_first = first_statement(parent).is_some_and(|f| f.id() == node.id());
        match parent.kind_name() {
            // The module docstring.
            "module" if is_first => return,
            "module" => {}
            "block" => {
                let owner = parent.up().map(|p| p.kind_name());
                if is_first && matches!(owner, Some("function_definition" | "class_definition")) {
                    return;
                }
            }
            _ => return,
        }
        // An attribute docstring: a string right after an assignment.
        if let Some(prev) = previous_statement(node) {
            if prev.kind_name() == "expression_statement"
                && prev.named_child(0).is_some_and(|c| c.kind_name() == "assignment")
            {
                return;
            }
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if let Some(fix) = comment_fix(node, string, parent, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

/// Rewrite the string as `#` comment lines (starting with `pass` if it was the
/// only statement of its block).
fn comment_fix(stmt: Node, string: Node, parent: Node, cx: &Context) -> Option<Fix> {
    // A comment on the first two lines could become an encoding declaration.
    if string.kind_name() != "string" || !alone_on_lines(stmt, cx.src) || stmt.start_position().row < 2 {
        return None;
    }
    let kids = syntax::children(string);
    let (open, close) = (kids.first()?, kids.last()?);
    if open.kind_name() != "string_start" || close.kind_name() != "string_end" || open.id() == close.id() {
        return None;
    }
    let content = cx.src.get(open.end_byte()..close.start_byte())?;
    // Python ends a line at a lone carriage return too: in a file whose lines
    // end in `\n`, the text after a lone `\r` inside the string would become
    // code in a comment, so there is no fix. In a CR-only file every `\r` is
    // a line break and each part becomes its own comment line.
    let cr_only = !cx.src.contains('\n');
    if !cr_only && content.split("\r\n").any(|part| part.contains('\r')) {
        return None;
    }
    let unified = content.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.split('\n').collect();
    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    // Drop the blank first and last lines of a triple-quoted block.
    if lines.len() > 1 && lines[0].trim().is_empty() {
        lines.remove(0);
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.iter().all(|l| l.trim().is_empty()) {
        return None;
    }
    // Dedent the continuation lines by their common indentation.
    let common = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let indent = syntax::indent_at(cx.src, stmt.start_byte()).to_string();
    let nl = syntax::newline_of(cx.src);
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        let body = if i == 0 { l.trim_start() } else if l.trim().is_empty() { "" } else { &l[common.min(l.len())..] };
        let body = body.trim_end();
        if i > 0 {
            text.push_str(nl);
            text.push_str(&indent);
        }
        if body.is_empty() {
            text.push('#');
        } else {
            text.push_str("# ");
            text.push_str(body);
        }
    }
    let only_statement = parent.kind_name() == "block"
        && named_children(parent).into_iter().filter(|c| c.kind_name() != "comment").count() == 1;
    if only_statement {
        // Keep the block non-empty without adding a line.
        text.insert_str(0, "pass  ");
    }
    Some(Fix::safe("comment", vec![Edit::replace(stmt.byte_range(), text)]))
}
