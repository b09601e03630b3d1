//! `# pyexplain: ignore[rule-id, …]` and bare `# pyexplain: ignore` comments,
//! and ruff's `# noqa` (bare: every rule) and `# noqa: CODE, …` (the rules
//! whose ruff twin is one of the codes, matched exactly as ruff does).
//! A comment suppresses findings on its own line, and findings inside a
//! multi-line statement whose first line carries it. A `# noqa` on the line
//! that closes a multi-line string or a backslash continuation also covers
//! the lines it closes, as ruff reads it (ruff expects it there).

use super::{Context, Finding};
use std::collections::HashMap;
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

#[derive(Debug, Default)]
pub struct Suppressions {
    /// line → None (everything) or the listed rule ids.
    lines: HashMap<usize, Option<Vec<String>>>,
    /// line → None (bare `# noqa`) or the ruff codes listed.
    noqa: HashMap<usize, Option<Vec<String>>>,
}

/// Parse a `# noqa` directive anywhere in a comment's text (`#` then
/// optional spaces then `noqa`, any case, as ruff reads it): `Some(None)` for
/// a bare one, `Some(Some(codes))` for `# noqa: E711, B006`. `# noqa:` with no
/// valid code, and `# ruff: noqa`/`# flake8: noqa` (file-level), give None.
pub fn parse_noqa(comment: &str) -> Option<Option<Vec<String>>> {
    let lower = comment.to_ascii_lowercase();
    for (at, _) in lower.match_indices("noqa") {
        let before = lower[..at].trim_end_matches([' ', '\t']);
        if !before.ends_with('#') {
            continue;
        }
        // The word must end here (`# noqaxyz` is not a directive).
        let rest = &comment[at + 4..];
        if rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(list) = rest.strip_prefix(':') else { return Some(None) };
        let mut codes = Vec::new();
        for word in list.split([',', ' ', '\t']).filter(|w| !w.is_empty()) {
            let letters = word.chars().take_while(char::is_ascii_uppercase).count();
            let digits = word[letters..].chars().take_while(char::is_ascii_digit).count();
            if letters == 0 || digits == 0 || letters + digits != word.len() {
                break;
            }
            codes.push(word.to_string());
        }
        return if codes.is_empty() { None } else { Some(Some(codes)) };
    }
    None
}

/// The ruff twins of one of our rules, from its knowledge file.
fn twins_of(rule: &str) -> Vec<&'static str> {
    crate::knowledge::Knowledge::get().rule(rule).map(|d| crate::config::ruff::twins(&d.meta.ruff).collect()).unwrap_or_default()
}

/// Parse the directive in a comment's text, if any.
pub fn parse_directive(comment: &str) -> Option<Option<Vec<String>>> {
    // The directive may follow other comment text: `# noqa  # pyexplain: ignore`.
    let at = comment.match_indices("pyexplain:").find(|(i, _)| comment[..*i].trim_end().ends_with('#'))?.0;
    let rest = comment[at + "pyexplain:".len()..].trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let rest = rest.trim_start();
    if let Some(list) = rest.strip_prefix('[') {
        let list = list.split(']').next().unwrap_or("");
        Some(Some(list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()))
    } else if rest.is_empty() || rest.starts_with('#') || rest.starts_with(char::is_whitespace) {
        Some(None)
    } else {
        None
    }
}

impl Suppressions {
    pub fn collect(root: Node, src: &str, texts: &crate::analysis::helpers::text::Memo) -> Self {
        let mut s = Suppressions::default();
        // Find the directive text, then confirm with the tree that it sits in
        // a comment (a '#' inside a string is not one). No tree walk: this
        // runs on every incremental recheck.
        let bytes = src.as_bytes();
        let mut last_comment = None;
        for at in crate::analysis::helpers::text::occurrences(src, "pyexplain:", texts) {
            let Some(n) = root.descendant_for_byte_range(at, at + "pyexplain:".len()) else { continue };
            if n.kind_name() != "comment" || last_comment == Some(n.id()) {
                continue;
            }
            last_comment = Some(n.id());
            if let Some(d) = parse_directive(crate::syntax::text(n, src)) {
                let row = n.start_position().row;
                // A directive at the end of a backslash-continued logical line
                // (where `ignore_edit` puts it) covers each of its lines.
                for r in row - backslash_rows_before(src, n.start_byte())..row {
                    add(&mut s.lines, r, d.clone());
                }
                add(&mut s.lines, row, d);
            }
        }
        // `# noqa`, in any case: from each `q` (rare in code), without a
        // lower-cased copy of the text.
        let mut last_comment = None;
        // (Streamed, not kept: a one-byte needle's occurrences could be as
        // many as the text's bytes.)
        for q in memchr::memchr2_iter(b'q', b'Q', bytes) {
            let Some(at) = q.checked_sub(2) else { continue };
            if !bytes.get(at..at + 4).is_some_and(|w| w.eq_ignore_ascii_case(b"noqa")) {
                continue;
            }
            let Some(n) = root.descendant_for_byte_range(at, at + 4) else { continue };
            if n.kind_name() != "comment" || last_comment == Some(n.id()) {
                continue;
            }
            last_comment = Some(n.id());
            if let Some(d) = parse_noqa(crate::syntax::text(n, src)) {
                let row = n.start_position().row;
                // As ruff reads it, a `# noqa` closing a multi-line string
                // or a backslash continuation covers the lines it closes.
                for r in noqa_first_row(root, src, row, n.start_byte())..row {
                    add(&mut s.noqa, r, d.clone());
                }
                add(&mut s.noqa, row, d);
            }
        }
        s
    }

    fn line_suppresses(&self, line: usize, rule: &str) -> bool {
        let ours = match self.lines.get(&line) {
            Some(None) => true,
            Some(Some(ids)) => ids.iter().any(|i| i == rule),
            None => false,
        };
        ours || match self.noqa.get(&line) {
            Some(None) => true,
            Some(Some(codes)) => twins_of(rule).iter().any(|t| codes.iter().any(|c| c == t)),
            None => false,
        }
    }

    pub fn suppresses(&self, cx: &Context, f: &Finding) -> bool {
        if self.lines.is_empty() && self.noqa.is_empty() {
            return false;
        }
        let root = cx.tree.root_node();
        let Some(node) = root.descendant_for_byte_range(f.range.start, f.range.start) else { return false };
        let line = node.start_position().row;
        // Rows as the parser counts them: `\n`, `\r\n` and a lone `\r` end a line.
        let before = &cx.src.as_bytes()[..f.range.start.min(cx.src.len())];
        let start_line = memchr::memchr2_iter(b'\n', b'\r', before)
            .filter(|&i| !(before[i] == b'\r' && cx.src.as_bytes().get(i + 1) == Some(&b'\n')))
            .count();
        if self.line_suppresses(start_line, f.rule) || self.line_suppresses(line, f.rule) {
            return true;
        }
        let stmt = crate::syntax::statement_of(node);
        self.line_suppresses(stmt.start_position().row, f.rule)
    }
}

/// The first line that a `# noqa` at `at` (on line `row`) speaks for, as
/// ruff reads it: a line that begins inside a multi-line string (or
/// f-string, the outermost) belongs with the line where the string begins,
/// and a line after backslash continuations with the lines they continue;
/// both as often as they chain. `row` itself when neither applies.
fn noqa_first_row(root: Node, src: &str, row: usize, at: usize) -> usize {
    let (mut row, mut at) = (row, at);
    loop {
        let line_start = line_start_of(src, at);
        let continued = backslash_rows_before(src, at);
        if continued > 0 {
            row -= continued;
            // Back to the end of the first continued line (a string may
            // close on it, before its backslash).
            let mut start = line_start;
            let mut end = line_start;
            for _ in 0..continued {
                // The previous line's text ends before its `\n`, `\r\n` or `\r`.
                end = start.saturating_sub(1);
                if src.as_bytes().get(end) == Some(&b'\n') && end > 0 && src.as_bytes()[end - 1] == b'\r' {
                    end -= 1;
                }
                start = line_start_of(src, end);
            }
            at = end;
            continue;
        }
        // The outermost string around the line's first byte, begun on an
        // earlier line: as ruff maps them, a triple-quoted string or an
        // f-string. Its closing quotes stand on this line before `at`
        // (three of them, or, for a single-quoted f-string that a newline
        // inside `{}` spread over lines, one after a `}`): a line without
        // them walks nothing (this runs for every `# noqa` on every recheck).
        let before = &src.as_bytes()[line_start..at.min(src.len())];
        let may_close_one = {
            // One pass: a run of three equal quotes, or a quote after a `}`.
            let (mut run, mut last, mut brace, mut found) = (0, 0u8, false, false);
            for &b in before {
                if b == b'"' || b == b'\'' {
                    run = if b == last { run + 1 } else { 1 };
                    if run >= 3 || brace {
                        found = true;
                        break;
                    }
                } else {
                    run = 0;
                    brace |= b == b'}';
                }
                last = b;
            }
            found
        };
        let around = if may_close_one {
            root.descendant_for_byte_range(line_start, line_start).and_then(|d| {
                crate::syntax::ancestors_down_to(root, d).into_iter().find(|x| x.kind_name() == "string" && x.start_byte() < line_start && line_start < x.end_byte())
            })
        } else {
            None
        };
        match around {
            Some(string) if string.start_position().row < row => {
                row = string.start_position().row;
                at = string.start_byte();
            }
            _ => return row,
        }
    }
}

/// How many physical lines just before the one holding `at` end in a
/// backslash continuation (so that they and `at`'s line are one logical line).
fn backslash_rows_before(src: &str, at: usize) -> usize {
    let mut line_start = line_start_of(src, at);
    let mut n = 0;
    while line_start > 0 {
        let mut end = line_start - 1;
        if src.as_bytes()[end] == b'\n' && end > 0 && src.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        if !src[..end].ends_with('\\') {
            break;
        }
        n += 1;
        line_start = line_start_of(src, end);
    }
    n
}

/// Where the line holding `at` starts (after a `\n`, `\r` or `\r\n`).
fn line_start_of(src: &str, at: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &src.as_bytes()[..at.min(src.len())]).map_or(0, |i| i + 1)
}

fn add(map: &mut HashMap<usize, Option<Vec<String>>>, line: usize, d: Option<Vec<String>>) {
    match (map.get_mut(&line), d) {
        (Some(Some(existing)), Some(more)) => existing.extend(more),
        (Some(slot), None) => *slot = None,
        (None, d) => {
            map.insert(line, d);
        }
        _ => {}
    }
}

/// The edit that adds (or extends) `# pyexplain: ignore[rule]` on the line
/// where `finding`'s statement starts.
pub fn ignore_edit(src: &str, tree: &tree_sitter::Tree, rule: &str, at: usize) -> Option<super::Edit> {
    let root = tree.root_node();
    let node = root.descendant_for_byte_range(at, at)?;
    let stmt = crate::syntax::statement_of(node);
    let line_start_off = if stmt.kind_name() == "module" { at } else { stmt.start_byte().min(at) };
    let line_start = src[..line_start_off].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut line_end = src[line_start..].find(['\n', '\r']).map_or(src.len(), |i| line_start + i);
    // A comment cannot follow a backslash continuation: go to the end of the
    // logical line (`Suppressions::collect` applies it to every line of it).
    while src[..line_end].ends_with('\\') && line_end < src.len() {
        let next = line_end + if src[line_end..].starts_with("\r\n") { 2 } else { 1 };
        line_end = src[next..].find(['\n', '\r']).map_or(src.len(), |i| next + i);
    }
    let line = &src[line_start..line_end];
    // A comment already on the line? Extend an existing directive, or append one.
    let mut stack = vec![root];
    let mut comment = None;
    while let Some(n) = stack.pop() {
        if n.end_byte() < line_start || n.start_byte() > line_end {
            continue;
        }
        if n.kind_name() == "comment" && n.start_byte() >= line_start && n.end_byte() <= line_end {
            comment = Some(n);
            break;
        }
        for c in crate::syntax::children(n) {
            stack.push(c);
        }
    }
    if let Some(c) = comment {
        let text = crate::syntax::text(c, src);
        if let Some(Some(ids)) = parse_directive(text) {
            if ids.iter().any(|i| i == rule) {
                return None;
            }
            let close = text.find("ignore[").and_then(|i| text[i..].find(']').map(|j| i + j))?;
            let at = c.start_byte() + close;
            return Some(super::Edit::insert(at, format!(", {rule}")));
        }
        if let Some(None) = parse_directive(text) {
            return None;
        }
    }
    let trimmed_len = line.trim_end().len();
    Some(super::Edit::insert(line_start + trimmed_len, format!("  # pyexplain: ignore[{rule}]")))
}

#[cfg(test)]
mod tests {
    use super::{parse_directive, parse_noqa};

    #[test]
    fn noqa_directives() {
        let codes = |v: &[&str]| Some(Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        assert_eq!(parse_noqa("# noqa"), Some(None));
        assert_eq!(parse_noqa("# NOQA"), Some(None));
        assert_eq!(parse_noqa("#noqa"), Some(None));
        assert_eq!(parse_noqa("# noqa: E711"), codes(&["E711"]));
        assert_eq!(parse_noqa("# noqa:E711,B006"), codes(&["E711", "B006"]));
        assert_eq!(parse_noqa("# noqa: E711 B006 some words"), codes(&["E711", "B006"]));
        assert_eq!(parse_noqa("# type: ignore  # noqa: E501"), codes(&["E501"]));
        assert_eq!(parse_noqa("# noqa:"), None);
        assert_eq!(parse_noqa("# noqa: not-a-code"), None);
        assert_eq!(parse_noqa("# ruff: noqa"), None);
        assert_eq!(parse_noqa("# flake8: noqa: E711"), None);
        assert_eq!(parse_noqa("# noqai"), None);
        assert_eq!(parse_noqa("# see the noqa docs"), None);
    }

    #[test]
    fn directives() {
        assert_eq!(parse_directive("# pyexplain: ignore"), Some(None));
        assert_eq!(
            parse_directive("# pyexplain: ignore[a, b]"),
            Some(Some(vec!["a".to_string(), "b".to_string()]))
        );
        assert_eq!(parse_directive("# pyexplain: ignored"), None);
        assert_eq!(parse_directive("# noqa"), None);
        assert_eq!(parse_directive("# noqa  # pyexplain: ignore[x]"), Some(Some(vec!["x".to_string()])));
    }
}
