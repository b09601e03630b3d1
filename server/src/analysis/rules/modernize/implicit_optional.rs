//! `implicit-optional`: a parameter annotated with a type that excludes
//! `None` but defaulting to `None` (`def f(x: int = None)`).

use super::prelude::*;

pub struct ImplicitOptional;

const BUILTIN_TYPES: &[&str] = &[
    "int", "float", "complex", "str", "bytes", "bytearray", "bool", "list", "dict", "set", "frozenset", "tuple", "type",
    "memoryview", "range", "slice",
];

/// `typing` / `collections.abc` names of types that never include None.
const TYPING_TYPES: &[&str] = &[
    "List", "Dict", "Set", "FrozenSet", "Tuple", "Type", "Callable", "Iterable", "Iterator", "Sequence", "Mapping",
    "MutableMapping", "MutableSequence", "MutableSet", "AbstractSet", "Collection", "Container", "Generator",
    "AsyncGenerator", "AsyncIterator", "AsyncIterable", "Awaitable", "Coroutine", "Hashable", "Sized", "Reversible",
    "Pattern", "Match", "IO", "TextIO", "BinaryIO", "Text", "DefaultDict", "OrderedDict", "Counter", "Deque",
    "ChainMap", "KeysView", "ValuesView", "ItemsView",
];

/// The qualified name of a dotted name through the file's imports.
fn qualified(n: Node, cx: &Context) -> Option<String> {
    let t: String = cx.text(n).chars().filter(|c| !c.is_whitespace()).collect();
    if !t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') {
        return None;
    }
    let (first, rest) = match t.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (t.as_str(), None),
    };
    let base = cx.module.imports.get(first)?;
    Some(match rest {
        Some(r) => format!("{base}.{r}"),
        None => base.clone(),
    })
}

fn typing_name(n: Node, cx: &Context) -> Option<String> {
    if let Some(q) = qualified(n, cx) {
        let (m, last) = q.rsplit_once('.')?;
        return matches!(m, "typing" | "typing_extensions" | "collections.abc" | "collections").then(|| last.to_string());
    }
    // `from typing import *`
    let t = cx.text(n);
    (n.kind_name() == "identifier"
        && cx.module.star_imports.iter().any(|m| m == "typing")
        && !scope::is_shadowed(t, n, cx.src, &cx.module))
        .then(|| t.to_string())
}

/// Whether the annotation surely names a type that does not include None.
/// Unknown names (aliases, type variables, user classes) answer false.
fn excludes_none(n: Node, cx: &Context) -> bool {
    // Every node on the stack must exclude None (each case below is a
    // conjunction of its parts): an explicit stack, since the nesting of
    // `Optional[Union[…]]` is the input's.
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        let ok = match n.kind_name() {
            "type" | "parenthesized_expression" => {
                let kids: Vec<Node> = named_children(n).into_iter().filter(|c| c.kind_name() != "comment").collect();
                kids.len() == 1 && {
                    stack.push(kids[0]);
                    true
                }
            }
            "identifier" => {
                let t = cx.text(n);
                (BUILTIN_TYPES.contains(&t) && !scope::is_shadowed(t, n, cx.src, &cx.module))
                    || typing_name(n, cx).is_some_and(|name| TYPING_TYPES.contains(&name.as_str()))
            }
            "attribute" | "member_type" => typing_name(n, cx).is_some_and(|name| TYPING_TYPES.contains(&name.as_str())),
            "generic_type" | "subscript" => {
                let base = if n.kind_name() == "subscript" { n.child_by_field_id(crate::field_id!("value")) } else { n.named_child(0) };
                match base {
                    None => false,
                    Some(base) => {
                        let items = subscript_items(n);
                        match typing_name(base, cx).as_deref() {
                            Some("Union") => !items.is_empty() && {
                                stack.extend(items);
                                true
                            },
                            Some("Annotated") => items.first().is_some_and(|a| {
                                stack.push(*a);
                                true
                            }),
                            _ => {
                                stack.push(base);
                                true
                            }
                        }
                    }
                }
            }
            "binary_operator" | "union_type" => {
                if n.kind_name() == "binary_operator" && n.child_by_field_id(crate::field_id!("operator")).map(|o| cx.text(o)) != Some("|") {
                    false
                } else {
                    let kids: Vec<Node> = named_children(n).into_iter().filter(|c| c.kind_name() != "comment").collect();
                    kids.len() == 2 && {
                        stack.extend(kids);
                        true
                    }
                }
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The items inside `X[...]`.
fn subscript_items(n: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    if n.kind_name() == "subscript" {
        let mut c = n.walk();
        out.extend(n.children_by_field_name("subscript", &mut c));
    } else {
        for c in named_children(n).into_iter().skip(1).filter(|c| c.kind_name() == "type_parameter") {
            out.extend(named_children(c).into_iter().filter(|x| x.kind_name() != "comment"));
        }
    }
    if out.len() == 1 && out[0].kind_name() == "tuple" {
        return named_children(out[0]).into_iter().filter(|x| x.kind_name() != "comment").collect();
    }
    out
}

impl Rule for ImplicitOptional {
    fn id(&self) -> &'static str {
        "implicit-optional"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["typed_default_parameter"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(ty), Some(value)) = (node.child_by_field_id(crate::field_id!("type")), node.child_by_field_id(crate::field_id!("value"))) else { return };
        if value.kind_name() != "none" || !excludes_none(ty, cx) {
            return;
        }
        let mut f = Finding::new(self.id(), ty.byte_range());
        if cx.target_at_least(3, 10) && !crate::syntax::has_comment_in(ty, ty.byte_range()) {
            f = f.with_fix(Fix::unsafe_("union-none", vec![Edit::insert(ty.end_byte(), " | None")]));
        }
        out.push(f);
    }
}
