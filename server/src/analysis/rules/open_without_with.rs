//! `open-without-with`: `f = open(...)` outside a `with`, so the file stays
//! open until the garbage collector (or an explicit `close()`) gets to it.

use super::Rule;
use crate::analysis::{scope, Context, Finding};
use tree_sitter::Node;

pub struct OpenWithoutWith;

impl Rule for OpenWithoutWith {
    fn id(&self) -> &'static str {
        "open-without-with"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["assignment"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Function
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.parent().is_none_or(|p| p.kind() != "expression_statement") {
            return;
        }
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return;
        };
        if left.kind() != "identifier" || right.kind() != "call" {
            return;
        }
        let Some(func) = right.child_by_field_name("function") else { return };
        let opens = scope::refers_to(func, cx.src, &cx.module, "open")
            || scope::refers_to(func, cx.src, &cx.module, "io.open")
            || scope::refers_to(func, cx.src, &cx.module, "codecs.open");
        if !opens {
            return;
        }
        let name = cx.text(left);
        // Closed later in a `finally`, or entered with `with name:` — fine.
        let scope_node = crate::syntax::enclosing_function(node).unwrap_or(cx.tree.root_node());
        if managed_later(scope_node, name, node.end_byte(), cx) {
            return;
        }
        out.push(Finding::new(self.id(), right.byte_range()));
    }
}

fn managed_later(scope_node: Node, name: &str, after: usize, cx: &Context) -> bool {
    let mut cursor = scope_node.walk();
    let mut stack = vec![scope_node];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= after {
            continue;
        }
        match n.kind() {
            "with_item" => {
                if n.named_child(0).is_some_and(|v| v.kind() == "identifier" && cx.text(v) == name) {
                    return true;
                }
            }
            "finally_clause" => {
                let t = cx.text(n);
                if t.contains(&format!("{name}.close()")) {
                    return true;
                }
            }
            "return_statement" => {
                // Handing the file to the caller: their job to close it.
                if n.named_child(0).is_some_and(|v| cx.text(v) == name) {
                    return true;
                }
            }
            _ => {}
        }
        for c in n.named_children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}
