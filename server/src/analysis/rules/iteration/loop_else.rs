//! `loop-else`: a `for`/`while` loop with an `else` clause but no `break`
//! of its own, so the `else` body always runs when the loop ends normally
//! and can simply follow the loop.

use super::prelude::*;

pub struct LoopElse;

impl Rule for LoopElse {
    fn id(&self) -> &'static str {
        "loop-else"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement", "while_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(body), Some(alt)) = (node.child_by_field_id(crate::field_id!("body")), node.child_by_field_id(crate::field_id!("alternative"))) else {
            return;
        };
        if alt.kind_name() != "else_clause" || loops::has_own_jump(body, "break_statement") {
            return;
        }
        let Some(else_kw) = alt.child(0).filter(|c| c.kind_name() == "else") else { return };
        let Some(else_body) = alt.child_by_field_id(crate::field_id!("body")) else { return };
        let mut f = Finding::new(self.id(), else_kw.byte_range());
        if let Some(fix) = dedent_fix(node, alt, else_kw, else_body, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

fn dedent_fix(loop_node: Node, alt: Node, else_kw: Node, else_body: Node, cx: &Context) -> Option<Fix> {
    let src = cx.src;
    let loop_indent = syntax::indent_at(src, loop_node.start_byte());
    // `else` must start its own line at the loop's indentation.
    let line_start = src[..else_kw.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    if line_start + loop_indent.len() != else_kw.start_byte() || syntax::indent_at(src, else_kw.start_byte()) != loop_indent {
        return None;
    }
    let colon = syntax::children(alt).into_iter().find(|c| c.kind_name() == ":")?;
    // Comments between `else:` and the body are kept, each on its own line.
    let comments: Vec<Node> = syntax::descendants(alt)
        .into_iter()
        .filter(|c| c.kind_name() == "comment" && c.start_byte() >= colon.end_byte() && c.end_byte() <= else_body.start_byte())
        .collect();
    let nl = syntax::newline_of(src);
    let kept: String = comments.iter().map(|c| format!("{}{nl}{loop_indent}", cx.text(*c))).collect();
    let same_line = !src[colon.end_byte()..else_body.start_byte()].contains('\n');
    let mut edits = Vec::new();
    if same_line {
        // `else: a; b` — the simple statements stay where `else:` was.
        edits.push(Edit::delete(else_kw.start_byte()..else_body.start_byte()));
        return Some(Fix::safe("dedent", edits));
    }
    let body_indent = syntax::indent_at(src, else_body.start_byte());
    let extra = body_indent.strip_prefix(loop_indent)?;
    if extra.is_empty() {
        return None;
    }
    // Delete from the `else` line's start to the first body line's indentation
    // end, then strip `extra` from the later body lines.
    let body_line_start = src[..else_body.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    edits.push(Edit::replace(line_start + loop_indent.len()..body_line_start + body_indent.len(), kept));
    edits.extend(edits::dedent_edits(cx, alt, else_body.start_byte()..else_body.end_byte(), loop_indent, extra)?);
    Some(Fix::safe("dedent", edits))
}
