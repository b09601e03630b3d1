//! `super-with-arguments`: `super(Cls, self)` inside `Cls`'s own method,
//! where Python 3's `super()` means the same.

use super::Rule;
use crate::analysis::{scope, Context, Edit, Finding, Fix};
use crate::knowledge::Applicability;
use crate::syntax::{self, named_children};
use tree_sitter::Node;

pub struct SuperWithArguments;

impl Rule for SuperWithArguments {
    fn id(&self) -> &'static str {
        "super-with-arguments"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_name("function") else { return };
        if !scope::refers_to(func, cx.src, &cx.module, "super") {
            return;
        }
        let Some(args) = node.child_by_field_name("arguments").filter(|a| a.kind() == "argument_list") else { return };
        let a: Vec<Node> = named_children(args).into_iter().filter(|n| n.kind() != "comment").collect();
        if a.len() != 2 || a[0].kind() != "identifier" || a[1].kind() != "identifier" {
            return;
        }
        // The innermost function must be a method directly in a class body;
        // zero-argument super() does not work in lambdas or generator expressions.
        let Some(method) = syntax::enclosing_function(node).filter(|f| f.kind() == "function_definition") else { return };
        let mut cur = node.parent();
        while let Some(n) = cur {
            if n.id() == method.id() {
                break;
            }
            if matches!(n.kind(), "generator_expression" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension") {
                return;
            }
            cur = n.parent();
        }
        let holder = match method.parent() {
            Some(p) if p.kind() == "decorated_definition" => p.parent(),
            p => p,
        };
        let Some(class) = holder.filter(|b| b.kind() == "block").and_then(|b| b.parent()).filter(|c| c.kind() == "class_definition")
        else {
            return;
        };
        if syntax::has_decorator(method, cx.src, &["staticmethod", "classmethod"]) && cx.text(a[1]) != "cls" {
            return;
        }
        // `@dataclass(slots=True)` builds a new class: zero-argument super() would
        // see the original one (fixed only in 3.14), so leave these alone.
        if let Some(dec) = class.parent().filter(|p| p.kind() == "decorated_definition") {
            let t = cx.text(dec);
            if t[..class.start_byte() - dec.start_byte()].contains("slots=True") {
                return;
            }
        }
        let class_name = class.child_by_field_name("name").map(|n| cx.text(n));
        if class_name != Some(cx.text(a[0])) {
            return;
        }
        let first_param = method
            .child_by_field_name("parameters")
            .and_then(|p| named_children(p).into_iter().next())
            .filter(|p| p.kind() == "identifier" || p.kind() == "typed_parameter")
            .map(|p| if p.kind() == "typed_parameter" { p.named_child(0).unwrap_or(p) } else { p });
        if first_param.map(|p| cx.text(p)) != Some(cx.text(a[1])) {
            return;
        }
        // A class decorator may rebind the name to another object, which
        // `super(Name, self)` would then look up; `super()` would not.
        let decorated_class = class.parent().is_some_and(|p| p.kind() == "decorated_definition");
        let applicability = if decorated_class { Applicability::Unsafe } else { Applicability::Safe };
        let mut f = Finding::new(self.id(), node.byte_range());
        if !syntax::has_comment_in(args, args.byte_range()) {
            f = f.with_fix(Fix::new("remove-arguments", applicability, vec![Edit::replace(args.byte_range(), "()")]));
        }
        out.push(f);
    }
}
