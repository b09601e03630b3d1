//! Edits: deleting statements, indenting and dedenting lines, keeping the
//! comments of replaced code, and where a statement stands on its lines.

use crate::analysis::{Context, Edit};
use crate::syntax::{self, named_children, NodeExt};
use tree_sitter::Node;

/// The edit deleting a simple statement: the whole line when it stands alone
/// on it, the statement and its `;` when another statement follows on the
/// line, the statement alone when only a comment follows. A statement that is
/// the only one of its block is replaced by `pass`. None when the statement
/// shares its line with an earlier statement or the deletion would drop a
/// comment.
pub fn delete_statement(stmt: Node, cx: &Context) -> Option<Edit> {
    let src = cx.src;
    let (start, end) = (stmt.start_byte(), stmt.end_byte());
    if let Some(block) = stmt.up().filter(|p| p.kind_name() == "block") {
        let others = named_children(block).into_iter().filter(|c| c.kind_name() != "comment" && c.id() != stmt.id()).count();
        if others == 0 {
            if syntax::has_comment_in(stmt, stmt.byte_range()) {
                return None;
            }
            return Some(Edit::replace(start..end, "pass"));
        }
    }
    let line_start = src[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if !src[line_start..start].trim().is_empty() {
        return None;
    }
    let line_end = src[end..].find(['\n', '\r']).map_or(src.len(), |i| end + i);
    let rest = &src[end..line_end];
    let t = rest.trim();
    if t.is_empty() {
        if syntax::has_comment_in(stmt, stmt.byte_range()) {
            return None;
        }
        let stop = if line_end < src.len() { line_end + 1 } else { line_end };
        return Some(Edit::delete(line_start..stop));
    }
    if let Some(after_semi) = t.strip_prefix(';') {
        if after_semi.trim().is_empty() || after_semi.trim_start().starts_with('#') {
            return None;
        }
        let semi = end + rest.find(';')?;
        let next = semi + 1 + (src[semi + 1..].len() - src[semi + 1..].trim_start_matches([' ', '\t']).len());
        return Some(Edit::delete(start..next));
    }
    if t.starts_with('#') {
        // Keep the trailing comment on its own (now empty) line.
        return Some(Edit::delete(start..end + (rest.len() - rest.trim_start().len())));
    }
    None
}

/// An edit deleting a statement together with its whole line(s) (never a
/// `pass` in its place, unlike `delete_statement`), when the statement is
/// alone on its lines (only indentation before it, only a line
/// break after it). None otherwise, or when a comment would be lost.
pub fn delete_statement_lines(stmt: Node, cx: &Context) -> Option<Edit> {
    let src = cx.src;
    let line_start = src[..stmt.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if !src[line_start..stmt.start_byte()].trim().is_empty() {
        return None;
    }
    let rest = &src[stmt.end_byte()..];
    // Through the line break: `\n`, `\r\n` or a lone `\r` (CR-only files).
    let eol = rest.find(['\n', '\r']).map_or(src.len(), |i| stmt.end_byte() + i + if rest[i..].starts_with("\r\n") { 2 } else { 1 });
    if !src[stmt.end_byte()..eol].trim().is_empty() {
        return None;
    }
    if syntax::has_comment_in(cx.tree.root_node(), line_start..eol) {
        return None;
    }
    Some(Edit::delete(line_start..eol))
}

/// Whether only blanks stand before offset `at` on its line.
pub fn starts_line(src: &str, at: usize) -> bool {
    let line_start = src[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    src[line_start..at].trim().is_empty()
}

/// Whether `node` alone occupies its lines: only indentation before it and
/// only blanks or a comment after it.
pub fn alone_on_lines(node: Node, src: &str) -> bool {
    let start = node.start_byte();
    let line_start = src[..start.min(src.len())].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if !src[line_start..start].chars().all(|c| c == ' ' || c == '\t') {
        return false;
    }
    let end = node.end_byte().min(src.len());
    let rest = &src[end..];
    let line_rest = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
    let t = line_rest.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

/// One more level of indentation than `indent`, in the file's style.
pub fn indent_unit(src: &str, indent: &str) -> &'static str {
    if indent.contains('\t') || (indent.is_empty() && src.contains("\n\t")) { "\t" } else { "    " }
}

/// Whether the statements `first..=last` can be re-indented line by line:
/// each starts its own line at `indent`, and no string spans lines.
pub fn reindentable(first: Node, last: Node, indent: &str, cx: &Context) -> bool {
    let range = first.start_byte()..last.end_byte();
    let mut stmt = Some(first);
    while let Some(s) = stmt {
        if s.kind_name() != "comment" {
            let line_start = cx.src[..s.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            if cx.src.get(line_start..s.start_byte()) != Some(indent) {
                return false;
            }
        }
        if s.id() == last.id() {
            break;
        }
        stmt = s.next_sibling();
    }
    // Multi-line strings would change if their lines were indented.
    let parent = first.up().unwrap_or(first);
    let mut stack = vec![parent];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= range.start || n.start_byte() >= range.end {
            continue;
        }
        if n.kind_name() == "string" && n.start_position().row != n.end_position().row {
            return false;
        }
        if n.kind_name() == "ERROR" {
            return false;
        }
        for c in crate::syntax::children(n) {
            stack.push(c);
        }
    }
    true
}

/// The text of `range`, with `unit` added at the start of every line after
/// the first that is not blank.
pub fn indented(src: &str, range: std::ops::Range<usize>, unit: &str) -> String {
    let text = &src[range];
    let mut out = String::with_capacity(text.len() + 64);
    // Lines end at `\n`, `\r\n` or a lone `\r`; each break is kept as it is.
    let mut lines: Vec<(&str, &str)> = Vec::new();
    let mut rest = text;
    while let Some(j) = rest.find(['\n', '\r']) {
        let brk = if rest[j..].starts_with("\r\n") { 2 } else { 1 };
        lines.push((&rest[..j], &rest[j..j + brk]));
        rest = &rest[j + brk..];
    }
    lines.push((rest, ""));
    let mut prev_break = "";
    for (i, (line, brk)) in lines.into_iter().enumerate() {
        if i > 0 {
            out.push_str(prev_break);
            if !line.trim().is_empty() {
                out.push_str(unit);
            }
        }
        out.push_str(line);
        prev_break = brk;
    }
    out
}

/// Remove `count` bytes of indentation (only spaces/tabs) from the start of
/// every line that starts inside `range` after its first line, except lines
/// that begin inside a multi-line string. Returns None if some non-blank line
/// does not start with `extra` after `base`.
pub fn dedent_edits(cx: &Context, root: Node, range: std::ops::Range<usize>, base: &str, extra: &str) -> Option<Vec<Edit>> {
    let strings: Vec<std::ops::Range<usize>> = syntax::descendants(root)
        .into_iter()
        .filter(|n| n.kind_name() == "string" && cx.text(*n).contains(['\n', '\r']))
        .map(|n| n.byte_range())
        .collect();
    let src = cx.src;
    let mut edits = Vec::new();
    let mut pos = range.start;
    while let Some(off) = src.get(pos..range.end).and_then(|s| s.find(['\n', '\r'])) {
        let ls = pos + off + if src[pos + off..].starts_with("\r\n") { 2 } else { 1 };
        if ls >= range.end {
            break;
        }
        pos = ls;
        if strings.iter().any(|r| r.start < ls && ls < r.end) {
            continue;
        }
        let line = &src[ls..];
        let line_end = line.find(['\n', '\r']).unwrap_or(line.len());
        let l = &line[..line_end];
        if l.trim().is_empty() {
            continue;
        }
        let prefix = format!("{base}{extra}");
        if l.starts_with(&prefix) {
            edits.push(Edit::delete(ls + base.len()..ls + base.len() + extra.len()));
        } else if l.trim_start().starts_with('#') || is_continuation(root, ls) {
            // A comment or a continuation line inside brackets: leave alone.
        } else {
            return None;
        }
    }
    Some(edits)
}

/// Whether the line starting at `offset` continues a statement started on an
/// earlier line (inside brackets or after a backslash).
fn is_continuation(root: Node, offset: usize) -> bool {
    let Some(n) = root.descendant_for_byte_range(offset, offset) else { return false };
    let stmt = syntax::statement_of(n);
    stmt.start_byte() < offset && !matches!(stmt.kind_name(), "block")
        && stmt.child_by_field_id(crate::field_id!("body")).is_none_or(|b| b.start_byte() > offset)
}

/// `text` replacing `range`, keeping the comments found there: one comment
/// trails the new code, several go on their own lines before it.
pub fn keep_comments(text: String, range: std::ops::Range<usize>, cx: &Context) -> String {
    let root = cx.tree.root_node();
    let top = root.descendant_for_byte_range(range.start, range.end).unwrap_or(root);
    let top = top.up().unwrap_or(top);
    let comments: Vec<&str> = syntax::descendants(top)
        .into_iter()
        .filter(|n| n.kind_name() == "comment" && n.start_byte() >= range.start && n.end_byte() <= range.end)
        .map(|n| cx.text(n))
        .collect();
    match comments.as_slice() {
        [] => text,
        [one] => format!("{text}  {one}"),
        many => {
            let nl = syntax::newline_of(cx.src);
            let indent = syntax::indent_at(cx.src, range.start);
            let mut s = String::new();
            for c in many {
                s.push_str(c);
                s.push_str(nl);
                s.push_str(indent);
            }
            s + &text
        }
    }
}
