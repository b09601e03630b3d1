//! `explicit-base-init`: `Base.__init__(self, ...)` inside a method of a
//! class derived from `Base`, where `super().__init__(...)` is the idiom.

use super::prelude::*;
use crate::analysis::helpers::definitions::class_of_method;
use crate::analysis::helpers::definitions::first_param;
use crate::syntax::code_children;

pub struct ExplicitBaseInit;

impl Rule for ExplicitBaseInit {
    fn id(&self) -> &'static str {
        "explicit-base-init"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn reads_class_header(&self) -> bool {
        // `Base.__init__(self)` is reported only when `Base` is a base of the class.
        true
    }
    fn callees(&self) -> &'static [&'static str] {
        &["__init__"]
    }
    fn scope(&self) -> super::Scope {
        // Depends on the enclosing class's bases and the method's parameters.
        super::Scope::Function
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        if func.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)) != Some("__init__") {
            return;
        }
        let Some(base) = func.child_by_field_id(crate::field_id!("object")).filter(|o| syntax::is_name_or_attribute(*o)) else { return };
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let a = code_children(args);
        let Some(first) = a.first().filter(|f| f.kind_name() == "identifier") else { return };
        // The innermost scope must be a method directly in a class body: a
        // nested function, lambda or comprehension cannot use super().
        let Some(method) = syntax::enclosing_function(node).filter(|f| f.kind_name() == "function_definition") else { return };
        let mut cur = node.up();
        while let Some(n) = cur {
            if n.id() == method.id() {
                break;
            }
            if matches!(n.kind_name(), "generator_expression" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "class_definition") {
                return;
            }
            cur = n.up();
        }
        let Some(class) = class_of_method(method) else { return };
        if syntax::has_decorator(method, cx.src, &["staticmethod", "classmethod"]) {
            return;
        }
        if first_param(method, cx) != Some(cx.text(*first)) {
            return;
        }
        let Some(sup) = class.child_by_field_id(crate::field_id!("superclasses")) else { return };
        let bases: Vec<Node> = code_children(sup).into_iter().filter(|b| b.kind_name() != "keyword_argument").collect();
        let base_text = cx.text(base);
        if !bases.iter().any(|b| cx.text(*b) == base_text) || matches!(base_text, "object") {
            return;
        }
        // The method also initialises another base by name: deliberate
        // multiple initialisation, each base with its own arguments, which
        // one `super().__init__()` cannot express.
        let other_base_init = syntax::descendants(method).into_iter().any(|c| {
            c.kind_name() == "call"
                && c.id() != node.id()
                && c.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute").is_some_and(|f| {
                    f.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) == "__init__")
                        && f.child_by_field_id(crate::field_id!("object")).is_some_and(|o| {
                            let t = cx.text(o);
                            t != base_text && t != "object" && bases.iter().any(|b| cx.text(*b) == t)
                        })
                })
        });
        if other_base_init {
            return;
        }
        // `@dataclass(slots=True)` builds a new class: zero-argument super() breaks there.
        if let Some(dec) = class.up().filter(|p| p.kind_name() == "decorated_definition") {
            if cx.text(dec).get(..class.start_byte() - dec.start_byte()).is_none_or(|t| t.contains("slots=True")) {
                return;
            }
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        // Rewrite `Base.__init__(self, a, b)` as `super().__init__(a, b)`.
        if !syntax::has_comment_in(node, node.byte_range()) && cx.text(args).ends_with(')') {
            let mut edits = vec![Edit::replace(base.byte_range(), "super()")];
            match a.get(1) {
                Some(second) => edits.push(Edit::delete(first.start_byte()..second.start_byte())),
                None => edits.push(Edit::delete(first.start_byte()..args.end_byte() - 1)),
            }
            f = f.with_fix(Fix::unsafe_("super-init", edits));
        }
        out.push(f);
    }
}
