//! Helpers shared by the Python 2 porting and modernisation rules
//! (`py2-*`, `deprecated-stdlib-aliases`, `legacy-typing-aliases` …).

use crate::analysis::{Context, Edit};
use crate::syntax::{self, named_children};
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// The arguments of a call (comments left out), or None when the call's
/// arguments are a bare generator expression.
pub fn call_args(call: Node) -> Option<Vec<Node>> {
    let args = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list")?;
    Some(named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect())
}

/// Whether a call has an empty argument list `()` (no comment inside).
pub fn has_no_args(call: Node) -> bool {
    call.child_by_field_id(crate::field_id!("arguments"))
        .is_some_and(|a| a.kind_name() == "argument_list" && a.named_child_count() == 0)
}

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
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    if !src[line_start..start].trim().is_empty() {
        return None;
    }
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i);
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

/// Whether `node` sits where Python 2/3 compatibility code usually lives: in a
/// `try` body whose handlers catch ImportError/NameError/AttributeError (or
/// everything), in such a handler, or under an `if`/`else` testing the Python
/// version (`sys.version_info`, `PY2`, `PY3`, `six.PY2` …).
pub fn in_compat_guard(node: Node, src: &str) -> bool {
    let mut cur = node.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "try_statement" => {
                for h in named_children(n) {
                    if h.kind_name() != "except_clause" {
                        continue;
                    }
                    let head: String = named_children(h)
                        .into_iter()
                        .filter(|c| c.kind_name() != "block" && c.kind_name() != "comment")
                        .map(|c| syntax::text(c, src))
                        .collect();
                    if head.is_empty()
                        || ["ImportError", "ModuleNotFoundError", "NameError", "AttributeError", "Exception"]
                            .iter()
                            .any(|e| head.contains(e))
                    {
                        return true;
                    }
                }
            }
            "if_statement" | "conditional_expression" => {
                let cond = if n.kind_name() == "if_statement" {
                    n.child_by_field_id(crate::field_id!("condition")).map(|c| syntax::text(c, src)).unwrap_or("")
                } else {
                    syntax::text(n, src)
                };
                if version_test(cond) {
                    return true;
                }
                if n.kind_name() == "if_statement" {
                    for alt in named_children(n) {
                        if alt.kind_name() == "elif_clause" {
                            let c = alt.child_by_field_id(crate::field_id!("condition")).map(|c| syntax::text(c, src)).unwrap_or("");
                            if version_test(c) {
                                return true;
                            }
                        }
                    }
                }
            }
            "function_definition" | "class_definition" => {
                // A def guarded by a version test still counts.
            }
            _ => {}
        }
        cur = n.up();
    }
    false
}

fn version_test(cond: &str) -> bool {
    cond.contains("version") || cond.contains("PY2") || cond.contains("PY3") || cond.contains("PY_2") || cond.contains("PY_3")
}

/// Whether the statement holding `node` starts its own line (only blanks
/// before it on the line).
pub fn starts_line(src: &str, at: usize) -> bool {
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    src[line_start..at].trim().is_empty()
}

/// The edit adding the import `line` (see `Context::import_edit`).
pub fn add_import(cx: &Context, line: &str) -> Edit {
    cx.import_edit(line)
}

/// The local spelling of `module.name` through the file's imports, if any:
/// `name` when imported from the module, `alias.name` when the module is.
pub fn local_ref(cx: &Context, module: &str, name: &str) -> Option<String> {
    let full = format!("{module}.{name}");
    let m = &cx.module;
    let mut direct: Vec<&String> = m.imports.iter().filter(|(_, q)| **q == full).map(|(l, _)| l).collect();
    direct.sort();
    if let Some(l) = direct.first() {
        return Some((*l).clone());
    }
    let mut via: Vec<&String> = m.imports.iter().filter(|(_, q)| q.as_str() == module).map(|(l, _)| l).collect();
    via.sort();
    via.first().map(|l| format!("{l}.{name}"))
}

/// Whether a class enclosing `node` binds `name` in its body (a method, an
/// attribute). Annotations of methods are evaluated in the class body, so
/// there `list` or `type` may mean the class's own attribute.
pub fn class_binds(node: Node, name: &str, src: &str) -> bool {
    let mut cur = node.up();
    while let Some(n) = cur {
        if n.kind_name() == "class_definition" {
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                for stmt in named_children(body) {
                    let mut b = std::collections::HashSet::new();
                    crate::analysis::scope::collect_bindings(stmt, src, &mut b);
                    if b.contains(name) {
                        return true;
                    }
                }
            }
        }
        cur = n.up();
    }
    false
}
