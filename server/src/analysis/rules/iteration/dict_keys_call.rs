//! `dict-keys-call`: `k in d.keys()` and `for k in d.keys():`, where the dict
//! itself already answers membership and iterates over its keys.

use super::prelude::*;

pub struct DictKeysCall;

/// If `node` is `X.keys()` with no arguments, the `X` node.
fn keys_receiver<'t>(node: Node<'t>, cx: &Context) -> Option<Node<'t>> {
    if node.kind_name() != "call" {
        return None;
    }
    let f = node.child_by_field_id(crate::field_id!("function"))?;
    let args = node.child_by_field_id(crate::field_id!("arguments"))?;
    if f.kind_name() != "attribute" || args.kind_name() != "argument_list" || args.named_child_count() != 0 {
        return None;
    }
    let attr = f.child_by_field_id(crate::field_id!("attribute"))?;
    (cx.text(attr) == "keys").then(|| f.child_by_field_id(crate::field_id!("object")))?
}

impl Rule for DictKeysCall {
    fn id(&self) -> &'static str {
        "dict-keys-call"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // At module level, whether the receiver is a dict depends on every
        // module-level binding of it (`bindings::known_dict`).
        &["keys"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["comparison_operator", "for_statement", "for_in_clause"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let call = match node.kind_name() {
            "comparison_operator" => {
                let kids = crate::syntax::children(node);
                if kids.len() != 3 || !matches!(kids[1].kind_name(), "in" | "not in") {
                    return;
                }
                kids[2]
            }
            _ => match node.child_by_field_id(crate::field_id!("right")) {
                Some(r) => r,
                None => return,
            },
        };
        let Some(obj) = keys_receiver(call, cx) else { return };
        // On `self`, `in self` would call the class's own `__contains__`/`__iter__`,
        // which may be the very method this is in.
        if cx.text(obj) == "self" || probes_keys(obj, cx) {
            return;
        }
        let mut finding = Finding::new(self.id(), call.byte_range());
        if !crate::syntax::has_comment_in(call, call.byte_range()) {
            // A real dict tests and iterates its keys itself; another object
            // with a `keys()` method may not (the `dict.update` protocol
            // needs only `keys()` and `__getitem__`).
            let applicability = if bindings::known_dict(obj, cx) { Applicability::Safe } else { Applicability::Unsafe };
            finding = finding.with_fix(Fix::new("remove-keys", applicability, vec![Edit::delete(obj.end_byte()..call.end_byte())]));
        }
        out.push(finding);
    }
}

/// Whether the enclosing function probes `obj` for a `keys` method
/// (`hasattr(E, "keys")`, `getattr(E, "keys", None)`): the `dict.update`
/// protocol, where `obj` need only have `keys()` and `__getitem__`.
fn probes_keys(obj: Node, cx: &Context) -> bool {
    let scope_node = crate::syntax::enclosing_function(obj).unwrap_or(cx.tree.root_node());
    let text = cx.text(scope_node);
    let o = cx.text(obj);
    ["hasattr", "getattr"]
        .iter()
        .any(|f| ["'keys'", "\"keys\""].iter().any(|k| text.contains(&format!("{f}({o}, {k}"))))
}
