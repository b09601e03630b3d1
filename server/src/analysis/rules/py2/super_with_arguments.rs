//! `super-with-arguments`: `super(Cls, self)` inside `Cls`'s own method,
//! where Python 3's `super()` means the same.

use super::prelude::*;

pub struct SuperWithArguments;

impl Rule for SuperWithArguments {
    fn id(&self) -> &'static str {
        "super-with-arguments"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["super"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !scope::refers_to(func, cx.src, &cx.module, "super") {
            return;
        }
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let a: Vec<Node> = named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect();
        if a.len() != 2 || !matches!(a[0].kind_name(), "identifier" | "attribute") || a[1].kind_name() != "identifier" {
            return;
        }
        // The innermost function must be a method directly in a class body;
        // zero-argument super() does not work in lambdas or generator expressions.
        let Some(method) = syntax::enclosing_function(node).filter(|f| f.kind_name() == "function_definition") else { return };
        let mut cur = node.up();
        while let Some(n) = cur {
            if n.id() == method.id() {
                break;
            }
            if matches!(n.kind_name(), "generator_expression" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension") {
                return;
            }
            cur = n.up();
        }
        let holder = match method.up() {
            Some(p) if p.kind_name() == "decorated_definition" => p.up(),
            p => p,
        };
        let Some(class) = holder.filter(|b| b.kind_name() == "block").and_then(|b| b.up()).filter(|c| c.kind_name() == "class_definition")
        else {
            return;
        };
        if syntax::has_decorator(method, cx.src, &["staticmethod", "classmethod"]) && cx.text(a[1]) != "cls" {
            return;
        }
        // `@dataclass(slots=True)` builds a new class: zero-argument super() would
        // see the original one (fixed only in 3.14), so leave these alone.
        if let Some(dec) = class.up().filter(|p| p.kind_name() == "decorated_definition") {
            let t = cx.text(dec);
            if t[..class.start_byte() - dec.start_byte()].contains("slots=True") {
                return;
            }
        }
        // The names that reach the class from its methods: `Outer.Inner` for a
        // class nested in a class body (whose own name is not visible there).
        let Some(class_name) = class.child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)) else { return };
        let mut path = vec![class_name];
        let mut outer = class;
        while let Some(o) = class_holder(outer) {
            path.push(o.child_by_field_id(crate::field_id!("name")).map_or("", |n| cx.text(n)));
            outer = o;
        }
        path.reverse();
        let full = path.join(".");
        let first: String = cx.text(a[0]).split_whitespace().collect();
        let nested_bare = path.len() > 1 && first == class_name;
        if first != full && !nested_bare {
            return;
        }
        let first_param = method
            .child_by_field_id(crate::field_id!("parameters"))
            .and_then(|p| named_children(p).into_iter().next())
            .filter(|p| p.kind_name() == "identifier" || p.kind_name() == "typed_parameter")
            .map(|p| if p.kind_name() == "typed_parameter" { p.named_child(0).unwrap_or(p) } else { p });
        if first_param.map(|p| cx.text(p)) != Some(cx.text(a[1])) {
            return;
        }
        // A class decorator may rebind the name to another object, which
        // `super(Name, self)` would then look up; `super()` would not.
        let decorated_class = class.up().is_some_and(|p| p.kind_name() == "decorated_definition");
        let param = cx.text(a[1]);
        let rebinds_param = method.child_by_field_id(crate::field_id!("body")).is_some_and(|b| {
            let mut names = HashSet::new();
            scope::collect_bindings(b, cx.src, &mut names);
            names.contains(param)
        });
        let top = path[0];
        let unsafe_ = decorated_class || nested_bare || rebinds_param || rebound(outer, top, cx);
        let applicability = if unsafe_ { Applicability::Unsafe } else { Applicability::Safe };
        let mut f = Finding::new(self.id(), node.byte_range());
        if !syntax::has_comment_in(args, args.byte_range()) {
            f = f.with_fix(Fix::new("remove-arguments", applicability, vec![Edit::replace(args.byte_range(), "()")]));
        }
        out.push(f);
    }
}

/// The class whose body directly holds `class` (decorated or not).
fn class_holder(class: Node) -> Option<Node> {
    let stmt = class.up().filter(|p| p.kind_name() == "decorated_definition").unwrap_or(class);
    stmt.up().filter(|b| b.kind_name() == "block").and_then(|b| b.up()).filter(|c| c.kind_name() == "class_definition")
}

/// Whether `name`, defined by the class statement `class`, is bound again in
/// the scope holding it: by an import anywhere in the module (module level),
/// or by another statement of the enclosing function.
fn rebound(class: Node, name: &str, cx: &Context) -> bool {
    let stmt = class.up().filter(|p| p.kind_name() == "decorated_definition").unwrap_or(class);
    let Some(func) = syntax::enclosing_function(stmt) else {
        return cx.module.imports.contains_key(name);
    };
    let Some(body) = func.child_by_field_id(crate::field_id!("body")) else { return false };
    let mut cursor = body.walk();
    let others: Vec<Node> = body.named_children(&mut cursor).collect();
    others.into_iter().filter(|s| s.byte_range() != stmt.byte_range()).any(|s| {
        let mut names = HashSet::new();
        if s.start_byte() <= stmt.start_byte() && stmt.end_byte() <= s.end_byte() {
            // A compound statement holding the class: look at its other parts only.
            return false;
        }
        scope::collect_bindings(s, cx.src, &mut names);
        names.contains(name)
    }) || scope::parameter_names(func, cx.src).contains(name)
}
