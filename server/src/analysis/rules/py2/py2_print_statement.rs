//! `py2-print-statement`: Python 2's `print x, y` / `print >>f, x` / bare `print`.

use super::prelude::*;

pub struct Py2PrintStatement;

impl Rule for Py2PrintStatement {
    fn id(&self) -> &'static str {
        "py2-print-statement"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["print_statement", "expression_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "expression_statement" {
            // Both forms below start with the identifier `print`: a text
            // test spares the children of every other statement.
            if !cx.text(node).starts_with("print") {
                return;
            }
            // A lone `print`: Python 2 printed a newline; Python 3 evaluates the
            // function object and does nothing, so the fix changes behaviour.
            let named = crate::syntax::named_children(node);
            if named.len() == 1
                && named[0].kind_name() == "identifier"
                && cx.text(named[0]) == "print"
                && scope::refers_to(named[0], cx.src, &cx.module, "print")
                && node.child_count() == 1
            {
                out.push(
                    Finding::new(self.id(), node.byte_range())
                        .with_fix(Fix::unsafe_("print-function", vec![Edit::replace(node.byte_range(), "print()")])),
                );
            }
            // `print -1` / `print +x`: Python 3 compiles it as a subtraction
            // from the print function and fails when it runs; Python 2 printed
            // the value. The fix turns a crash into printing: unsafe.
            if let [op] = named.as_slice() {
                let left = op.child_by_field_id(crate::field_id!("left"));
                let operator = op.child_by_field_id(crate::field_id!("operator")).map(|o| cx.text(o));
                if op.kind_name() == "binary_operator"
                    && matches!(operator, Some("-" | "+"))
                    && left.is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == "print" && scope::refers_to(l, cx.src, &cx.module, "print"))
                    && !syntax::has_comment_in(node, node.byte_range())
                {
                    let value = cx.src[left.map_or(0, |l| l.end_byte())..op.end_byte()].trim_start();
                    out.push(
                        Finding::new(self.id(), node.byte_range())
                            .with_fix(Fix::unsafe_("print-function", vec![Edit::replace(node.byte_range(), format!("print({value})"))])),
                    );
                }
            }
            return;
        }
        let kids = crate::syntax::children(node);
        let mut args: Vec<String> = Vec::new();
        let mut file = None;
        let mut trailing_comma = false;
        for c in &kids {
            match c.kind_name() {
                "print" => {}
                "chevron" => file = c.named_child(0).map(|f| cx.text(f).to_string()),
                "," => trailing_comma = true,
                "comment" => return out.push(Finding::new(self.id(), node.byte_range())),
                _ if c.is_named() => {
                    trailing_comma = false;
                    args.push(cx.text(*c).to_string());
                }
                _ => {}
            }
        }
        // After a chevron, the first comma separates the file from the values.
        if file.is_some() && args.is_empty() {
            trailing_comma = false;
        }
        // Python 2's trailing comma set the file's "softspace" flag: the space
        // was written only if another print followed (not at exit, not
        // before a `write()`, not after a value ending in a newline), while
        // `end=" "` always writes it. `print >>f` also printed through that
        // flag on `f` and encoded `unicode` values with `f`'s encoding. Both
        // print differently in corner cases: unsafe.
        let applicability = if trailing_comma || file.is_some() { Applicability::Unsafe } else { Applicability::Safe };
        if trailing_comma {
            args.push("end=\" \"".to_string());
        }
        if let Some(f) = file {
            args.push(format!("file={f}"));
        }
        out.push(Finding::new(self.id(), node.byte_range()).with_fix(Fix::new(
            "print-function",
            applicability,
            vec![Edit::replace(node.byte_range(), format!("print({})", args.join(", ")))],
        )));
    }
}
