//! Python 2/3 compatibility code: where it usually stands.

use crate::syntax::{self, named_children, NodeExt};
use tree_sitter::Node;

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

/// Whether a condition's text tests the Python version.
fn version_test(cond: &str) -> bool {
    cond.contains("version") || cond.contains("PY2") || cond.contains("PY3") || cond.contains("PY_2") || cond.contains("PY_3")
}
