//! Helpers shared by the group-C idiom rules (loops, comprehensions,
//! counters). Small subtree walks only; never the whole tree.

use crate::analysis::{Context, Edit};
use crate::syntax;
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// Every node of the subtree rooted at `node` (the node included), in
/// document order.
pub fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let kids: Vec<Node> = n.children(&mut cursor).collect();
        for c in kids.into_iter().rev() {
            stack.push(c);
        }
    }
    out
}

/// Whether an identifier node is a variable reference (not the attribute
/// part of `a.b`, not a keyword argument's name).
pub fn is_variable(n: Node) -> bool {
    if n.kind_name() != "identifier" {
        return false;
    }
    match n.up() {
        Some(p) if p.kind_name() == "attribute" => p.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| a.id() != n.id()),
        Some(p) if p.kind_name() == "keyword_argument" => p.child_by_field_id(crate::field_id!("name")).is_none_or(|a| a.id() != n.id()),
        _ => true,
    }
}

/// The variable references named `name` inside `node`.
pub fn name_refs<'t>(node: Node<'t>, name: &str, cx: &Context) -> Vec<Node<'t>> {
    descendants(node).into_iter().filter(|n| is_variable(*n) && cx.text(*n) == name).collect()
}

/// The previous statement in the same block (comments skipped).
pub fn prev_statement(stmt: Node<'_>) -> Option<Node<'_>> {
    let mut cur = stmt.prev_named_sibling();
    while let Some(n) = cur {
        if n.kind_name() != "comment" {
            return Some(n);
        }
        cur = n.prev_named_sibling();
    }
    None
}

/// The statements of a block (comments skipped).
pub fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    syntax::named_children(block).into_iter().filter(|n| n.kind_name() != "comment").collect()
}

/// Positional/keyword arguments of a call (comments skipped); None when the
/// call's arguments are a bare generator expression.
pub fn call_args(call: Node<'_>) -> Option<Vec<Node<'_>>> {
    let args = call.child_by_field_id(crate::field_id!("arguments"))?;
    if args.kind_name() != "argument_list" {
        return None;
    }
    Some(syntax::named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect())
}

/// `x = <value>` with a single identifier target: (target, value).
pub fn simple_assignment<'t>(stmt: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let a = stmt.named_child(0)?;
    if a.kind_name() != "assignment" || a.child_by_field_id(crate::field_id!("type")).is_some() {
        return None;
    }
    let l = a.child_by_field_id(crate::field_id!("left"))?;
    let r = a.child_by_field_id(crate::field_id!("right"))?;
    (l.kind_name() == "identifier").then_some((l, r))
}

/// Whether a `break` (or `continue`, per `kind`) inside `body` belongs to the
/// loop whose body it is (not to a nested loop, function or class).
pub fn has_own_jump(body: Node, kind: &str) -> bool {
    let mut cursor = body.walk();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n.kind_name() == kind {
            return true;
        }
        for c in n.children(&mut cursor) {
            match c.kind_name() {
                "function_definition" | "class_definition" | "lambda" | "decorated_definition" => {}
                "for_statement" | "while_statement" => {
                    // Their `else` clause still belongs to us.
                    if let Some(alt) = c.child_by_field_id(crate::field_id!("alternative")) {
                        stack.push(alt);
                    }
                }
                _ => stack.push(c),
            }
        }
    }
    false
}

/// Whether `kinds` occur anywhere in the subtree.
pub fn contains_kind(node: Node, kinds: &[&str]) -> bool {
    descendants(node).iter().any(|n| kinds.contains(&n.kind_name()))
}

/// Whether the subtree contains an `await` or an `async` comprehension/for.
pub fn has_async(node: Node) -> bool {
    descendants(node).iter().any(|n| n.kind_name() == "await" || n.kind_name() == "async")
}

/// Whether `name` is read after `end` in `scope` before being rebound:
/// the first later occurrence decides (a plain assignment or `for` target
/// rebinds it; anything else reads it). Conservative: occurrences inside
/// nested functions count as reads.
pub fn used_after(scope: Node, end: usize, name: &str, cx: &Context) -> bool {
    let first = descendants(scope)
        .into_iter()
        .find(|n| n.start_byte() >= end && is_variable(*n) && cx.text(*n) == name);
    let Some(n) = first else { return false };
    let Some(p) = n.up() else { return true };
    let rebinds = matches!(p.kind_name(), "for_statement" | "assignment")
        && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id())
        && !(p.kind_name() == "assignment" && p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| !name_refs(r, name, cx).is_empty()));
    !rebinds
}

/// The enclosing scope node (function or module) of `node`.
pub fn scope_node<'t>(node: Node<'t>, cx: &'t Context) -> Node<'t> {
    syntax::ancestor(node, &["function_definition"]).unwrap_or(cx.tree.root_node())
}

/// Whether `node` is inside a loop (of the same function).
pub fn in_loop(node: Node) -> bool {
    let mut cur = node.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "for_statement" | "while_statement" => return true,
            "function_definition" | "class_definition" | "lambda" => return false,
            _ => {}
        }
        cur = n.up();
    }
    false
}

/// How to spell `module.name` in this file, and the import to add if none
/// fits: `(expression, edits)`.
pub fn import_name(cx: &Context, module: &str, name: &str) -> (String, Vec<Edit>) {
    let m = &cx.module;
    let full = format!("{module}.{name}");
    if let Some((local, _)) = m.imports.iter().find(|(_, q)| **q == full) {
        return (local.clone(), vec![]);
    }
    if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == module) {
        return (format!("{local}.{name}"), vec![]);
    }
    if m.star_imports.iter().any(|s| s == module) {
        return (name.to_string(), vec![]);
    }
    (full, vec![cx.import_edit(&format!("import {module}"))])
}

/// Whether the module binds `module`'s own name to something other than the
/// module (then an added `import module` would clash).
pub fn import_would_clash(cx: &Context, module: &str) -> bool {
    (cx.module.bindings.contains(module) || cx.module.imports.get(module).is_some_and(|q| q != module))
        && !cx.module.imports.values().any(|q| q == module)
}

/// Whether the expression is syntactically certain to be truthy.
pub fn provably_truthy(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "true" | "lambda" => true,
        "integer" | "float" => {
            let t = cx.text(n).replace('_', "").to_ascii_lowercase();
            let t = t.trim_end_matches(['j', 'l']);
            let digits = if t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b") { &t[2..] } else { t };
            // `1e-400` underflows to 0.0: exponents are not trusted.
            !(n.kind_name() == "float" && digits.contains('e')) && digits.chars().any(|c| c.is_ascii_hexdigit() && c != '0')
        }
        "string" => {
            // A plain (non-f) string with at least one character of content.
            if syntax::named_children(n).iter().any(|c| c.kind_name() == "interpolation") {
                return false;
            }
            let t = cx.text(n);
            let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let q = if body.starts_with("\"\"\"") || body.starts_with("'''") { 3 } else { 1 };
            body.len() > 2 * q
        }
        "concatenated_string" => syntax::named_children(n).iter().any(|c| provably_truthy(*c, cx)),
        "list" | "set" | "dictionary" => {
            syntax::named_children(n).iter().any(|c| c.kind_name() != "comment" && c.kind_name() != "list_splat" && c.kind_name() != "dictionary_splat")
        }
        "tuple" => syntax::named_children(n).iter().any(|c| c.kind_name() != "comment" && c.kind_name() != "list_splat"),
        "parenthesized_expression" => n.named_child(0).is_some_and(|c| provably_truthy(c, cx)),
        _ => false,
    }
}

/// Remove `count` bytes of indentation (only spaces/tabs) from the start of
/// every line that starts inside `range` after its first line, except lines
/// that begin inside a multi-line string. Returns None if some non-blank line
/// does not start with `extra` after `base`.
pub fn dedent_edits(cx: &Context, root: Node, range: std::ops::Range<usize>, base: &str, extra: &str) -> Option<Vec<Edit>> {
    let strings: Vec<std::ops::Range<usize>> = descendants(root)
        .into_iter()
        .filter(|n| n.kind_name() == "string" && cx.text(*n).contains('\n'))
        .map(|n| n.byte_range())
        .collect();
    let src = cx.src;
    let mut edits = Vec::new();
    let mut pos = range.start;
    while let Some(off) = src.get(pos..range.end).and_then(|s| s.find('\n')) {
        let ls = pos + off + 1;
        if ls >= range.end {
            break;
        }
        pos = ls;
        if strings.iter().any(|r| r.start < ls && ls < r.end) {
            continue;
        }
        let line = &src[ls..];
        let line_end = line.find('\n').unwrap_or(line.len());
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

/// An edit deleting a statement together with its whole line(s), when the
/// statement is alone on its lines (only indentation before it, only a line
/// break after it). None otherwise, or when a comment would be lost.
pub fn delete_statement_lines(stmt: Node, cx: &Context) -> Option<Edit> {
    let src = cx.src;
    let line_start = src[..stmt.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    if !src[line_start..stmt.start_byte()].trim().is_empty() {
        return None;
    }
    let rest = &src[stmt.end_byte()..];
    let eol = rest.find('\n').map_or(src.len(), |i| stmt.end_byte() + i + 1);
    if !src[stmt.end_byte()..eol].trim().is_empty() {
        return None;
    }
    if syntax::has_comment_in(cx.tree.root_node(), line_start..eol) {
        return None;
    }
    Some(Edit::delete(line_start..eol))
}

/// Identifiers used anywhere in `node` (for picking fresh names).
pub fn identifiers(node: Node, cx: &Context) -> std::collections::HashSet<String> {
    descendants(node).into_iter().filter(|n| n.kind_name() == "identifier").map(|n| cx.text(n).to_string()).collect()
}

/// A name from `candidates` (then `base2`, `base3`…) not in `taken`.
pub fn fresh_name(candidates: &[&str], taken: &std::collections::HashSet<String>) -> String {
    for c in candidates {
        if !taken.contains(*c) && !is_keyword(c) {
            return c.to_string();
        }
    }
    let base = candidates.last().copied().unwrap_or("value");
    (2..).map(|i| format!("{base}{i}")).find(|c| !taken.contains(c)).unwrap_or_default()
}

pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "False" | "None" | "True" | "and" | "as" | "assert" | "async" | "await" | "break" | "class" | "continue"
            | "def" | "del" | "elif" | "else" | "except" | "finally" | "for" | "from" | "global" | "if" | "import"
            | "in" | "is" | "lambda" | "nonlocal" | "not" | "or" | "pass" | "raise" | "return" | "try" | "while"
            | "with" | "yield" | "match" | "case" | "type" | "print" | "exec"
    )
}

/// Whether a `for` loop can become a comprehension over the same clauses:
/// None when not (async loop, `else` clause, a target that is not plain
/// names, `yield`/`await`/`:=` inside, a class body), else
/// Some(safe): unsafe when the loop variables are read after the loop (a
/// comprehension does not bind them) or the loop sits in a `try` (a
/// failure half-way leaves no partial result).
pub fn loop_to_comprehension(loop_node: Node, cx: &Context) -> Option<bool> {
    if loop_node.kind_name() != "for_statement" || loop_node.child(0).is_some_and(|c| c.kind_name() == "async") {
        return None;
    }
    if loop_node.child_by_field_id(crate::field_id!("alternative")).is_some() {
        return None;
    }
    let left = loop_node.child_by_field_id(crate::field_id!("left"))?;
    let right = loop_node.child_by_field_id(crate::field_id!("right"))?;
    let names: Vec<Node> = descendants(left).into_iter().filter(|n| n.is_named()).collect();
    if !names.iter().all(|n| matches!(n.kind_name(), "identifier" | "pattern_list" | "tuple_pattern" | "list_pattern")) {
        return None;
    }
    if descendants(loop_node).iter().any(|n| matches!(n.kind_name(), "yield" | "await" | "named_expression" | "lambda")) {
        return None;
    }
    if right.kind_name() == "expression_list" {
        return None;
    }
    // In a class body the comprehension could not see the class's names.
    let stmt = syntax::statement_of(loop_node);
    if stmt.up().and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition") {
        return None;
    }
    let scope = scope_node(loop_node, cx);
    let mut safe = !names
        .iter()
        .filter(|n| n.kind_name() == "identifier")
        .any(|n| used_after(scope, loop_node.end_byte(), cx.text(*n), cx));
    let mut cur = loop_node.up();
    while let Some(p) = cur {
        match p.kind_name() {
            "try_statement" | "with_statement" => safe = false,
            "function_definition" | "class_definition" => break,
            _ => {}
        }
        cur = p.up();
    }
    Some(safe)
}

/// The body of a loop that is a single statement, optionally inside one `if`
/// without `elif`/`else`: (statement, condition).
pub fn single_statement_body<'t>(loop_node: Node<'t>) -> Option<(Node<'t>, Option<Node<'t>>)> {
    let body = loop_node.child_by_field_id(crate::field_id!("body"))?;
    let [stmt] = statements(body)[..] else { return None };
    if stmt.kind_name() == "if_statement" {
        if stmt.child_by_field_id(crate::field_id!("alternative")).is_some() {
            return None;
        }
        let cond = stmt.child_by_field_id(crate::field_id!("condition"))?;
        let [inner] = statements(stmt.child_by_field_id(crate::field_id!("consequence"))?)[..] else { return None };
        return Some((inner, Some(cond)));
    }
    Some((stmt, None))
}

/// The comprehension clauses of a loop: `for <left> in <right>[ if <cond>]`.
pub fn clauses_text(loop_node: Node, cond: Option<Node>, cx: &Context) -> Option<String> {
    let left = loop_node.child_by_field_id(crate::field_id!("left"))?;
    let right = loop_node.child_by_field_id(crate::field_id!("right"))?;
    let r = cx.text(right);
    let mut s = if matches!(right.kind_name(), "conditional_expression" | "lambda") {
        format!("for {} in ({r})", cx.text(left))
    } else {
        format!("for {} in {r}", cx.text(left))
    };
    if let Some(c) = cond {
        // A conditional expression or lambda needs brackets after `if`.
        let t = cx.text(c);
        if c.kind_name() == "conditional_expression" {
            s.push_str(&format!(" if ({t})"));
        } else {
            s.push_str(&format!(" if {t}"));
        }
    }
    Some(s)
}

/// `text` replacing `range`, keeping the comments found there: one comment
/// trails the new code, several go on their own lines before it.
pub fn keep_comments(text: String, range: std::ops::Range<usize>, cx: &Context) -> String {
    let root = cx.tree.root_node();
    let top = root.descendant_for_byte_range(range.start, range.end).unwrap_or(root);
    let top = top.up().unwrap_or(top);
    let comments: Vec<&str> = descendants(top)
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

