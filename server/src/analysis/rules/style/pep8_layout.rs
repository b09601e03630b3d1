//! `pep8-layout`: a precise subset of PEP 8's layout rules, checked on the
//! text: lines longer than 79 characters (E501), trailing whitespace
//! (W291/W293), and two blank lines around top-level definitions
//! (E302/E303/E305).

use super::prelude::*;

pub struct Pep8Layout;

const MAX_LINE: usize = 79;

fn is_def(n: Node) -> bool {
    matches!(n.kind_name(), "function_definition" | "class_definition" | "decorated_definition")
}

/// The `def`/`class` inside a (possibly decorated) definition.
fn definition(n: Node) -> Option<Node> {
    match n.kind_name() {
        "function_definition" | "class_definition" => Some(n),
        "decorated_definition" => n.child_by_field_id(crate::field_id!("definition")),
        _ => None,
    }
}

/// A definition written on one line (`def f(): ...`, `class E(Exception): pass`),
/// decorators apart.
fn one_liner(n: Node) -> bool {
    definition(n).is_some_and(|d| d.start_position().row == d.end_position().row)
}

/// `prev` is an `@overload` of the function `next` defines (another overload
/// or the implementation).
fn overload_of(prev: Node, next: Node, cx: &Context) -> bool {
    let (Some(p), Some(n)) = (definition(prev), definition(next)) else { return false };
    let name = |d: Node| d.child_by_field_id(crate::field_id!("name")).map(|x| cx.text(x));
    p.kind_name() == "function_definition"
        && name(p).is_some()
        && name(p) == name(n)
        && syntax::has_decorator(p, cx.src, &["overload"])
}

/// Whether byte `at` lies inside a string literal (where whitespace is data).
fn in_string(root: Node, at: usize) -> bool {
    let mut n = root.descendant_for_byte_range(at, at);
    while let Some(x) = n {
        if matches!(x.kind_name(), "string" | "concatenated_string") {
            return x.start_byte() < at && at < x.end_byte();
        }
        n = x.up();
    }
    false
}

impl Rule for Pep8Layout {
    fn id(&self) -> &'static str {
        "pep8-layout"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["module"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.has_error() {
            return;
        }
        let src = cx.src;
        // Physical lines: long lines and trailing whitespace.
        let mut start = 0;
        while start < src.len() {
            let end = src[start..].find('\n').map_or(src.len(), |i| start + i);
            let line = src[start..end].strip_suffix('\r').unwrap_or(&src[start..end]);
            let content_end = start + line.len();
            let trimmed = line.trim_end_matches([' ', '\t', '\x0c']);
            if trimmed.len() < line.len() {
                let ws = start + trimmed.len()..content_end;
                if !in_string(node, ws.start) {
                    out.push(Finding::new(self.id(), ws.clone()).with_fix(Fix::safe("remove-whitespace", vec![Edit::delete(ws)])));
                }
            }
            let chars = line.chars().count();
            if chars > MAX_LINE {
                // Like pycodestyle: a long URL or path alone (in a comment) is allowed.
                let chunks: Vec<&str> = line.split_whitespace().collect();
                let lone = (chunks.len() == 1 || (chunks.len() == 2 && chunks[0] == "#"))
                    && chars - chunks.last().map_or(0, |c| c.chars().count()) < MAX_LINE - 7;
                if !lone {
                    let cut = line.char_indices().nth(MAX_LINE).map_or(line.len(), |(i, _)| i);
                    out.push(Finding::new(self.id(), start + cut..content_end));
                }
            }
            start = end + 1;
        }
        // Blank lines around top-level definitions; stubs (`.pyi`) follow
        // their own convention (typeshed: none between functions).
        if cx.settings.stub {
            return;
        }
        let tops = named_children(node);
        // The previous top-level statement, and the last node on its last line.
        let mut prev: Option<(Node, Node)> = None;
        let mut i = 0;
        while i < tops.len() {
            // A group: comments directly above a statement, then the statement.
            let first = i;
            while i < tops.len() && tops[i].kind_name() == "comment" {
                i += 1;
            }
            let Some(&stmt) = tops.get(i) else { break };
            let group_start = tops[first];
            let attached = (first..i).all(|k| {
                let next = tops.get(k + 1).copied().unwrap_or(stmt);
                next.start_position().row == tops[k].end_position().row + 1
            });
            let before_group = if first > 0 { Some(tops[first - 1]) } else { None };
            i += 1;
            // A comment on the statement's last line belongs to it.
            let mut last = stmt;
            while i < tops.len() && tops[i].kind_name() == "comment" && tops[i].start_position().row == last.end_position().row {
                last = tops[i];
                i += 1;
            }
            let Some((prev_stmt, prev_last)) = prev.replace((stmt, last)) else { continue };
            let needs_two = is_def(stmt) || is_def(prev_stmt);
            // PEP 8: "Blank lines may be omitted between a bunch of related
            // one-liners"; and an `@overload` stack sits together with the
            // implementation it describes (as in stubs).
            if (one_liner(stmt) && one_liner(prev_stmt)) || overload_of(prev_stmt, stmt, cx) {
                continue;
            }
            // Comments that are not attached to the statement: unsure, skip.
            if !needs_two || !attached || before_group.map(|b| b.id()) != Some(prev_last.id()) {
                continue;
            }
            let gap_from = prev_last.end_byte();
            let Some(gap_start) = src[gap_from..].find('\n').map(|k| gap_from + k + 1) else { continue };
            let gap_end = src[..group_start.start_byte()].rfind('\n').map_or(0, |k| k + 1);
            if gap_end < gap_start || !src[gap_start..gap_end].trim().is_empty() || !src[gap_from..gap_start].trim().is_empty() {
                continue;
            }
            let blanks = src[gap_start..gap_end].matches('\n').count();
            if blanks == 2 {
                continue;
            }
            let nl = syntax::newline_of(src);
            let line_end = src[stmt.start_byte()..].find(['\n', '\r']).map_or(src.len(), |k| stmt.start_byte() + k);
            out.push(
                Finding::new(self.id(), stmt.start_byte()..line_end)
                    .with_fix(Fix::safe("blank-lines", vec![Edit::replace(gap_start..gap_end, format!("{nl}{nl}"))])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;
    use crate::knowledge::Knowledge;

    /// A stub's blank-line layout is not PEP 8's: quiet in a `.pyi`, reported in a `.py`.
    #[test]
    fn stubs_keep_their_own_blank_lines() {
        let src = "from typing import overload\nclass A:\n    x: int\nclass B: ...\ndef f(x: int) -> int: ...\n";
        let tree = crate::syntax::parse(src, None);
        let count = |stub: bool| {
            let s = Settings { select: Some(vec!["pep8-layout".into()]), stub, ..Settings::default() };
            crate::analysis::check(src, &tree, &s, Knowledge::get()).len()
        };
        assert_eq!(count(true), 0);
        assert!(count(false) >= 2);
    }
}
