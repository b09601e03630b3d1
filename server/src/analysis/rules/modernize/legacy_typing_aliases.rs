//! `legacy-typing-aliases`: `typing.List[int]`, `Dict`, `Tuple`, `Set`,
//! `FrozenSet`, `Type` (builtins are generic since 3.9) and `Optional[X]` /
//! `Union[X, Y]` (`X | None`, `X | Y` since 3.10).

use super::prelude::*;

pub struct LegacyTypingAliases;

const BUILTINS: &[(&str, &str)] =
    &[("List", "list"), ("Dict", "dict"), ("Tuple", "tuple"), ("Set", "set"), ("FrozenSet", "frozenset"), ("Type", "type")];

impl Rule for LegacyTypingAliases {
    fn id(&self) -> &'static str {
        "legacy-typing-aliases"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Type aliases (`Vector = List[float]`) are reported from `module`:
        // whether the file uses the alias as a run-time value depends on
        // the whole file.
        &["generic_type", "subscript", "module"]
    }
    fn min_python(&self) -> (u8, u8) {
        (3, 9)
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Every finding names `typing.X` (`scope::refers_to`): only through an
        // import of `typing` or of a name from it, or `from typing import *`.
        // Without one, skip the module's statements (a walk per keystroke).
        let typing = |m: &str| m == "typing" || m.starts_with("typing.");
        if !cx.module.imports.values().any(|q| typing(q)) && !cx.module.star_imports.iter().any(|m| m == "typing") {
            return;
        }
        if node.kind_name() == "module" {
            for stmt in named_children(node) {
                let Some(right) = stmt.named_child(0).filter(|a| stmt.kind_name() == "expression_statement" && a.kind_name() == "assignment").and_then(|a| a.child_by_field_id(crate::field_id!("right"))) else {
                    continue;
                };
                if !cx.text(right).contains('[') {
                    continue;
                }
                for n in syntax::descendants(right) {
                    if matches!(n.kind_name(), "generic_type" | "subscript") {
                        self.check_node(n, true, cx, out);
                    }
                }
            }
            return;
        }
        self.check_node(node, false, cx, out);
    }
}

impl LegacyTypingAliases {
    /// `from_module`: called from the `module` node, for the right-hand side
    /// of a module-level assignment (the only place an alias is reported).
    fn check_node(&self, node: Node, from_module: bool, cx: &Context, out: &mut Vec<Finding>) {
        let (name, args): (Node, Vec<Node>) = if node.kind_name() == "generic_type" {
            let Some(n) = node.named_child(0).filter(|n| n.kind_name() == "identifier") else { return };
            let Some(tp) = named_children(node).into_iter().find(|c| c.kind_name() == "type_parameter") else { return };
            (n, named_children(tp).into_iter().filter(|c| c.kind_name() != "comment").collect())
        } else {
            let Some(v) = node.child_by_field_id(crate::field_id!("value")) else { return };
            let mut cursor = node.walk();
            let a: Vec<Node> = node.children_by_field_name("subscript", &mut cursor).collect();
            (v, a)
        };
        if !matches!(name.kind_name(), "identifier" | "attribute") {
            return;
        }
        let last = if name.kind_name() == "attribute" {
            name.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or("")
        } else {
            cx.text(name)
        };
        let known = BUILTINS.iter().any(|(t, _)| *t == last) || last == "Optional" || last == "Union";
        // A name both imported from typing and bound in the file is ambiguous.
        if name.kind_name() == "identifier" && cx.module.bindings.contains(cx.text(name)) {
            return;
        }
        if !known || !scope::refers_to(name, cx.src, &cx.module, &format!("typing.{last}")) {
            return;
        }
        let in_annotation = syntax::ancestor(node, &["type"]).is_some();
        // Outside annotations, only type aliases (`Vector = List[float]`): other
        // run-time uses (`isinstance`, tests of typing itself) stay quiet.
        let mut top = node;
        while let Some(p) = top.up().filter(|p| matches!(p.kind_name(), "subscript" | "binary_operator" | "list")) {
            top = p;
        }
        let alias_value = top.up().is_some_and(|p| {
            p.kind_name() == "assignment"
                && p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == top.id())
                && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier")
                && syntax::enclosing_function(node).is_none()
        });
        if !in_annotation && !alias_value {
            return;
        }
        // Each node is reported once: aliases from the module node, the rest
        // where they are dispatched.
        if alias_value != from_module {
            return;
        }
        // An alias that the file then tests or hands over as a value
        // (`hints["x"] == Expected`, `x is Expected`, `check(Expected)`) is a
        // run-time value: its exact typing object is what the code looks at.
        if !in_annotation {
            let alias = top.up().and_then(|p| p.child_by_field_id(crate::field_id!("left"))).map(|l| cx.text(l));
            if alias.is_some_and(|a| used_as_value(cx.tree.root_node(), a, cx)) {
                return;
            }
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if let Some((_, b)) = BUILTINS.iter().find(|(t, _)| *t == last) {
            if !scope::is_shadowed(b, node, cx.src, &cx.module) && !bindings::class_binds(node, b, cx.src) {
                // `List[int] == list[int]` is False: code that compares or
                // prints annotations sees the difference (ruff: unsafe too).
                f = f.with_fix(Fix::unsafe_("builtin-generic", vec![Edit::replace(name.byte_range(), *b)]));
            }
            out.push(f);
            return;
        }
        if !cx.target_at_least(3, 10) {
            return;
        }
        // `Optional["Node"]` has no `|` spelling outside a string: leave it be.
        if args.iter().any(|a| syntax::contains_kind(*a, &["string", "concatenated_string"])) {
            return;
        }
        if let Some(fix) = union_fix(node, last, &args, in_annotation, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

/// `Optional[X]` → `X | None`, `Union[X, Y]` → `X | Y`.
fn union_fix(node: Node, which: &str, args: &[Node], in_annotation: bool, cx: &Context) -> Option<Fix> {
    if args.is_empty() || (which == "Optional" && args.len() != 1) {
        return None;
    }
    if syntax::has_comment_in(node, node.byte_range()) {
        return None;
    }
    // `"Fwd" | None` fails at run time; `(X | Y).attr` needs parentheses.
    let has_string = args.iter().any(|a| syntax::contains_kind(*a, &["string", "concatenated_string"]));
    let bad_arg = args.iter().any(|a| {
        let inner = if a.kind_name() == "type" { a.named_child(0).unwrap_or(*a) } else { *a };
        matches!(
            inner.kind_name(),
            "lambda" | "conditional_expression" | "tuple" | "list_splat" | "splat_type" | "keyword_argument" | "slice"
                | "not_operator" | "boolean_operator" | "comparison_operator" | "named_expression" | "ellipsis"
        )
    });
    let parent_bad = node.up().is_some_and(|p| match p.kind_name() {
        "attribute" => p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == node.id()),
        "call" => p.child_by_field_id(crate::field_id!("function")).is_some_and(|o| o.id() == node.id()),
        "subscript" => p.child_by_field_id(crate::field_id!("value")).is_some_and(|o| o.id() == node.id()),
        "await" | "unary_operator" => true,
        "binary_operator" => p.child_by_field_id(crate::field_id!("operator")).is_none_or(|o| cx.text(o) != "|"),
        _ => false,
    });
    if has_string || bad_arg || parent_bad {
        return None;
    }
    let mut parts: Vec<&str> = args.iter().map(|a| cx.text(*a)).collect();
    if which == "Optional" {
        parts.push("None");
    }
    let new = parts.join(" | ");
    let applicability = if in_annotation { Applicability::Safe } else { Applicability::Unsafe };
    Some(Fix::new("pep604-union", applicability, vec![Edit::replace(node.byte_range(), new)]))
}

/// Whether `name` is read as an operand of a comparison or as a call argument.
fn used_as_value(root: Node, name: &str, cx: &Context) -> bool {
    if cx.src.matches(name).count() < 2 {
        return false;
    }
    // Every identifier spelling `name` starts where the text does: the
    // identifier at each occurrence, found down from the root, instead of a
    // walk over the whole tree (a million instructions per alias).
    let len = name.len();
    let found = memchr::memmem::find_iter(cx.src.as_bytes(), name.as_bytes()).any(|at| {
        root.descendant_for_byte_range(at, at + len)
            .filter(|n| n.kind_name() == "identifier" && n.byte_range() == (at..at + len))
            .is_some_and(|n| read_as_value(n))
    });
    #[cfg(debug_assertions)]
    {
        let walked = syntax::descendants(root).into_iter().any(|n| n.kind_name() == "identifier" && cx.text(n) == name && read_as_value(n));
        debug_assert_eq!(found, walked, "occurrences of {name:?} found the identifiers a walk finds");
    }
    found
}

/// Whether identifier `n` is an operand of a comparison, a call argument or
/// a keyword argument's value.
fn read_as_value(n: Node) -> bool {
    n.up().is_some_and(|p| match p.kind_name() {
        "comparison_operator" | "argument_list" => true,
        "keyword_argument" => p.child_by_field_id(crate::field_id!("value")).is_some_and(|v| v.id() == n.id()),
        _ => false,
    })
}
