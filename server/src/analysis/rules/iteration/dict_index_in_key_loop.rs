//! `dict-index-in-key-loop`: `for k in d:` whose body looks each value up
//! with `d[k]`; `for k, v in d.items():` hands over both at once.

use super::prelude::*;

pub struct DictIndexInKeyLoop;

const MUTATORS: &[&str] = &["pop", "popitem", "clear", "update", "setdefault", "__setitem__", "__delitem__"];

impl Rule for DictIndexInKeyLoop {
    fn id(&self) -> &'static str {
        "dict-index-in-key-loop"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // At module level, whether the name is a dict depends on every
        // module-level binding of it (`bindings::bound_to_dict`).
        &["for"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(left), Some(right), Some(body)) = (
            node.child_by_field_id(crate::field_id!("left")),
            node.child_by_field_id(crate::field_id!("right")),
            node.child_by_field_id(crate::field_id!("body")),
        ) else {
            return;
        };
        if left.kind_name() != "identifier" {
            return;
        }
        // `for k in d` (d known to be a dict) or `for k in d.keys()`.
        let (dict_node, via_keys) = match right.kind_name() {
            "call" => {
                let Some(f) = right.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
                if f.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| cx.text(a) != "keys")
                    || calls::call_args(right).is_none_or(|a| !a.is_empty())
                {
                    return;
                }
                let Some(obj) = f.child_by_field_id(crate::field_id!("object")) else { return };
                (obj, true)
            }
            "identifier" => (right, false),
            _ => return,
        };
        if !syntax::is_name_or_attribute(dict_node) || cx.text(dict_node) == "self" {
            return;
        }
        // A finding needs a `d[k]` read in the body: without both texts in it
        // there is none, and neither the function's text nor the body's tree
        // need be searched (most loops).
        let body_text = cx.text(body);
        if !body_text.contains(cx.text(left)) || !body_text.contains(cx.text(dict_node)) || probes_keys(dict_node, cx) {
            return;
        }
        let d = cx.text(dict_node);
        let k = cx.text(left);
        // The `d[k]` reads, and every other use of d and k in the body.
        let mut reads = Vec::new();
        let mut unsafe_use = false;
        for n in syntax::descendants(body) {
            if n.kind_name() == "subscript" {
                let (Some(v), Some(i)) = (n.child_by_field_id(crate::field_id!("value")), n.child_by_field_id(crate::field_id!("subscript"))) else { continue };
                if cx.text(v) == d && i.kind_name() == "identifier" && cx.text(i) == k {
                    if is_store(n) {
                        return; // the body writes d[k]: the loop wants the key.
                    }
                    reads.push(n);
                }
            }
        }
        if reads.is_empty() {
            return;
        }
        // Whether `d` is known to be a dict, after the reads: the search for
        // its binding (bound_to_dict, ~150,000 instructions a loop) costs
        // more than the body's walk, and most loops read no `d[k]`.
        let known = bindings::bound_to_dict(d, bindings::scope_node(node, cx), cx);
        if !via_keys && !known {
            return;
        }
        let read_ranges: Vec<_> = reads.iter().map(|r| r.byte_range()).collect();
        let inside_read = |n: Node| read_ranges.iter().any(|r| r.start <= n.start_byte() && n.end_byte() <= r.end);
        for n in syntax::descendants(body) {
            if inside_read(n) {
                continue;
            }
            // Rebinding the key or the dict, or storing into the dict,
            // changes what later reads see.
            if matches!(n.kind_name(), "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" | "named_expression") {
                if let Some(l) = n.child_by_field_id(crate::field_id!("left")).or(n.child_by_field_id(crate::field_id!("name"))) {
                    let mut bound = std::collections::HashSet::new();
                    target_names(l, cx, &mut bound);
                    if bound.contains(k) || bound.contains(d) {
                        return;
                    }
                    if syntax::descendants(l).iter().any(|t| {
                        t.kind_name() == "subscript" && t.child_by_field_id(crate::field_id!("value")).is_some_and(|v| cx.text(v) == d)
                    }) {
                        return;
                    }
                }
            }
            if n.kind_name() == "delete_statement" && cx.text(n).contains(d) {
                return;
            }
            if n.kind_name() == "attribute" && cx.text(n).starts_with(d) {
                if n.child_by_field_id(crate::field_id!("object")).is_some_and(|o| cx.text(o) == d)
                    && n.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| MUTATORS.contains(&cx.text(a)))
                {
                    return;
                }
            }
            // Any other use of d (passed to a call, another key) or a call that
            // could reach it: the values may change during the loop.
            if syntax::is_name_or_attribute(n) && cx.text(n) == d && n.up().is_none_or(|p| p.kind_name() != "attribute" || p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == n.id())) {
                unsafe_use = true;
            }
            if n.kind_name() == "call" {
                let builtin = n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
                    f.kind_name() == "identifier"
                        && SIDE_EFFECT_FREE.contains(&cx.text(f))
                        && scope::refers_to(f, cx.src, &cx.module, cx.text(f))
                });
                if !builtin {
                    unsafe_use = true;
                }
            }
        }
        let mut f = Finding::new(self.id(), left.start_byte()..right.end_byte());
        let header = left.start_byte()..right.end_byte();
        if !syntax::has_comment_in(node, header.clone()) && !definitions::has_async(right) {
            let scope_n = bindings::scope_node(node, cx);
            let taken = bindings::identifiers(scope_n, cx);
            let value = bindings::fresh_name(&["value"], &taken);
            let mut edits = vec![Edit::replace(header, format!("{k}, {value} in {d}.items()"))];
            edits.extend(reads.iter().map(|r| Edit::replace(r.byte_range(), value.clone())));
            // In a class body the new name would become a class attribute.
            let in_class = syntax::statement_of(node).up().and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition");
            // `for k in x.keys(): … x[k]` also works on objects that only have
            // `keys()` and `__getitem__` (the `dict.update` protocol); `.items()`
            // needs a real dict.
            let applicability = if unsafe_use || in_class || !known { Applicability::Unsafe } else { Applicability::Safe };
            f = f.with_fix(Fix::new("items", applicability, edits));
        }
        out.push(f);
    }
}

const SIDE_EFFECT_FREE: &[&str] = &[
    "print", "len", "str", "repr", "int", "float", "bool", "abs", "min", "max", "sum", "sorted", "isinstance", "format",
    "round", "tuple", "list", "set", "frozenset", "type", "hash", "id", "ord", "chr", "hex", "oct", "bin",
];

/// Whether a subscript is written: assigned, augmented or deleted.
fn is_store(sub: Node) -> bool {
    let mut cur = sub;
    while let Some(p) = cur.up() {
        match p.kind_name() {
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                return p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.byte_range().contains(&sub.start_byte()));
            }
            "delete_statement" => return true,
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" | "parenthesized_expression"
            | "expression_list" => cur = p,
            _ => return false,
        }
    }
    false
}

/// Names (and dotted names) a target binds: `a`, `a, b`, `self.x`.
/// (An explicit stack: the nesting of `[[a]], b` targets is the input's.)
fn target_names(n: Node, cx: &Context, out: &mut std::collections::HashSet<String>) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "identifier" | "attribute" => {
                out.insert(cx.text(n).to_string());
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" | "parenthesized_expression"
            | "list_splat_pattern" | "expression_list" => stack.extend(syntax::named_children(n)),
            _ => {}
        }
    }
}

/// Whether the enclosing function probes `obj` for a `keys` method
/// (`hasattr(E, "keys")`, `getattr(E, "keys", None)`): the `dict.update`
/// protocol, where `obj` need only have `keys()` and `__getitem__`.
fn probes_keys(obj: Node, cx: &Context) -> bool {
    let scope_node = syntax::enclosing_function(obj).unwrap_or(cx.tree.root_node());
    let text = cx.text(scope_node);
    let o = cx.text(obj);
    ["hasattr", "getattr"]
        .iter()
        .any(|f| ["'keys'", "\"keys\""].iter().any(|k| text.contains(&format!("{f}({o}, {k}"))))
}
