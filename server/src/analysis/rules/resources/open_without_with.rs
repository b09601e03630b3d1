//! `open-without-with`: `f = open(...)` outside a `with`, so the file stays
//! open until the garbage collector (or an explicit `close()`) gets to it.

use super::prelude::*;

pub struct OpenWithoutWith;

impl Rule for OpenWithoutWith {
    fn id(&self) -> &'static str {
        "open-without-with"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["open"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["open"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Function
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        let opens = scope::refers_to(func, cx.src, &cx.module, "open")
            || scope::refers_to(func, cx.src, &cx.module, "io.open")
            || scope::refers_to(func, cx.src, &cx.module, "codecs.open")
            || scope::refers_to(func, cx.src, &cx.module, "builtins.open")
            || scope::refers_to(func, cx.src, &cx.module, "_io.open");
        if !opens {
            return;
        }
        let Some(parent) = node.up() else { return };
        // `open(p).read()`: a method called straight on the new file object.
        if parent.kind_name() == "attribute"
            && parent.up().is_some_and(|c| c.kind_name() == "call")
            && parent.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) != "close")
        {
            out.push(Finding::new(self.id(), node.byte_range()));
            return;
        }
        // `f = open(p)` as a statement of its own.
        if parent.kind_name() != "assignment" || parent.up().is_none_or(|p| p.kind_name() != "expression_statement") {
            return;
        }
        let Some(left) = parent.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") else { return };
        let scope_fn = crate::syntax::enclosing_function(node);
        // A context manager's own __enter__ hands the file to its __exit__.
        if scope_fn.and_then(|f| f.child_by_field_id(crate::field_id!("name"))).is_some_and(|n| matches!(cx.text(n), "__enter__" | "__aenter__")) {
            return;
        }
        let name = cx.text(left);
        let scope_node = scope_fn.unwrap_or(cx.tree.root_node());
        if managed_later(scope_node, name, parent.end_byte(), cx) {
            return;
        }
        out.push(Finding::new(self.id(), node.byte_range()));
    }
}

fn managed_later(scope_node: Node, name: &str, after: usize, cx: &Context) -> bool {
    let mut cursor = scope_node.walk();
    let mut stack = vec![scope_node];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= after {
            continue;
        }
        match n.kind_name() {
            "with_item" => {
                if n.named_child(0).is_some_and(|v| v.kind_name() == "identifier" && cx.text(v) == name) {
                    return true;
                }
            }
            "finally_clause" => {
                let t = cx.text(n);
                if t.contains(&format!("{name}.close()")) {
                    return true;
                }
            }
            "return_statement" | "yield" => {
                // Handing the file to the caller: their job to close it.
                if n.named_child(0).is_some_and(|v| cx.text(v) == name) {
                    return true;
                }
            }
            "assignment" => {
                // Stored on an object (`self.f = f`): the object owns it now.
                if n.child_by_field_id(crate::field_id!("right")).is_some_and(|v| cx.text(v) == name)
                    && n.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "attribute")
                {
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
