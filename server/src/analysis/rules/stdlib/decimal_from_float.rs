//! `decimal-from-float`: `Decimal(0.1)` builds the binary float's exact value
//! (0.1000000000000000055…), not the decimal the author wrote.

use super::prelude::*;

pub struct DecimalFromFloat;

impl Rule for DecimalFromFloat {
    fn id(&self) -> &'static str {
        "decimal-from-float"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["Decimal"]
    }
    fn scope(&self) -> super::Scope {
        // Resolving `Decimal` depends on the module's imports.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !imports::resolves_to(func, cx, "decimal.Decimal") {
            return;
        }
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let a: Vec<Node> = named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect();
        // `Decimal(value, context)`: the value is the first positional argument.
        let Some(&arg) = a.first() else { return };
        let (sign, lit) = match arg.kind_name() {
            "float" => ("", arg),
            "unary_operator" => {
                let Some(op) = arg.child_by_field_id(crate::field_id!("operator")) else { return };
                let Some(inner) = arg.child_by_field_id(crate::field_id!("argument")).filter(|x| x.kind_name() == "float") else { return };
                (if cx.text(op) == "-" { "-" } else { "" }, inner)
            }
            _ => return,
        };
        let t = cx.text(lit);
        // `1.5j` is a complex literal (tree-sitter calls it a float); Decimal rejects it anyway.
        if t.is_empty() || t.ends_with(['j', 'J']) {
            return;
        }
        let mut f = Finding::new(self.id(), arg.byte_range());
        if !syntax::has_comment_in(arg, arg.byte_range()) {
            f = f.with_fix(Fix::unsafe_("string-literal", vec![Edit::replace(arg.byte_range(), format!("\"{sign}{t}\""))]));
        }
        out.push(f);
    }
}
