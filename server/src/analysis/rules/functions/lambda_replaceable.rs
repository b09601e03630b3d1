//! `lambda-replaceable`: `lambda x: x[1]`, `lambda p: p.name` and
//! `lambda x: f(a, x)`, which `operator.itemgetter`, `operator.attrgetter`
//! and `functools.partial` say directly.

use super::prelude::*;

pub struct LambdaReplaceable;

/// The lambda's parameters when all are plain names.
fn params<'t>(lambda: Node<'t>, cx: &Context<'t>) -> Option<Vec<&'t str>> {
    let Some(p) = lambda.child_by_field_id(crate::field_id!("parameters")) else { return Some(vec![]) };
    let kids: Vec<Node> = syntax::named_children(p).into_iter().filter(|c| c.kind_name() != "comment").collect();
    kids.iter().all(|c| c.kind_name() == "identifier").then(|| kids.iter().map(|c| cx.text(*c)).collect())
}

/// A literal index: an integer (optionally negated) or a plain string.
fn constant_index(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "integer" => true,
        "unary_operator" => cx.text(n).starts_with('-') && n.named_child(0).is_some_and(|c| c.kind_name() == "integer"),
        "string" => !syntax::named_children(n).iter().any(|c| c.kind_name() == "interpolation"),
        _ => false,
    }
}

/// `p.a.b` → "a.b" when the chain starts at the parameter `p`.
/// (A loop down the chain: its length is the input's.)
fn attr_chain(n: Node, param: &str, cx: &Context) -> Option<String> {
    let mut attrs: Vec<&str> = Vec::new();
    let mut n = n;
    loop {
        match n.kind_name() {
            "identifier" if cx.text(n) == param => break,
            "attribute" => {
                let obj = n.child_by_field_id(crate::field_id!("object"))?;
                let attr = cx.text(n.child_by_field_id(crate::field_id!("attribute"))?);
                // `self.__x` is name-mangled inside a class; attrgetter is not.
                if attr.starts_with("__") && !attr.ends_with("__") {
                    return None;
                }
                attrs.push(attr);
                n = obj;
            }
            _ => return None,
        }
    }
    attrs.reverse();
    Some(attrs.join("."))
}

/// Where the lambda is a key function that its caller calls positionally:
/// `sorted(xs, key=...)`, `min`/`max(..., key=...)`, `xs.sort(key=...)`.
fn is_key_argument(lambda: Node, cx: &Context) -> bool {
    let Some(kw) = lambda.up().filter(|p| p.kind_name() == "keyword_argument") else { return false };
    if kw.child_by_field_id(crate::field_id!("name")).is_none_or(|n| cx.text(n) != "key") {
        return false;
    }
    let Some(call) = kw.up().and_then(|a| a.up()).filter(|c| c.kind_name() == "call") else { return false };
    let Some(f) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    match f.kind_name() {
        "identifier" => ["sorted", "min", "max"].iter().any(|b| cx.text(f) == *b && scope::refers_to(f, cx.src, &cx.module, b)),
        "attribute" => f.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) == "sort"),
        _ => false,
    }
}

impl Rule for LambdaReplaceable {
    fn id(&self) -> &'static str {
        "lambda-replaceable"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["lambda"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        let Some(ps) = params(node, cx) else { return };
        if ps.is_empty() {
            return;
        }
        // Assigned in a class body, a lambda is a method; the replacements are not.
        if let Some(stmt) = Some(syntax::statement_of(node)) {
            if stmt.up().and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition") {
                return;
            }
        }
        let (kind, module, name, args) = match body.kind_name() {
            "subscript" if ps.len() == 1 => {
                let (Some(v), Some(i)) = (body.child_by_field_id(crate::field_id!("value")), body.child_by_field_id(crate::field_id!("subscript"))) else {
                    return;
                };
                // Exactly one index (`x[1, 2]` has several subscript fields).
                let mut c = body.walk();
                if body.children_by_field_name("subscript", &mut c).count() != 1 {
                    return;
                }
                if v.kind_name() != "identifier" || cx.text(v) != ps[0] || !constant_index(i, cx) {
                    return;
                }
                ("itemgetter", "operator", "itemgetter", cx.text(i).to_string())
            }
            "attribute" if ps.len() == 1 => {
                let Some(chain) = attr_chain(body, ps[0], cx) else { return };
                ("attrgetter", "operator", "attrgetter", format!("{chain:?}"))
            }
            "call" => {
                let Some(f) = body.child_by_field_id(crate::field_id!("function")) else { return };
                if !syntax::is_name_or_attribute(f) || !bindings::name_refs(f, ps[0], cx).is_empty() {
                    return;
                }
                let Some(args) = calls::call_args(body) else { return };
                let positional: Vec<Node> = args.iter().copied().filter(|a| a.kind_name() != "keyword_argument").collect();
                let keywords: Vec<Node> = args.iter().copied().filter(|a| a.kind_name() == "keyword_argument").collect();
                if positional.len() <= ps.len() || positional.iter().any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat")) {
                    return;
                }
                if keywords.iter().any(|k| k.kind_name() != "keyword_argument") {
                    return;
                }
                let fixed = positional.len() - ps.len();
                // The trailing arguments are exactly the parameters, in order.
                if positional[fixed..].iter().zip(&ps).any(|(a, p)| a.kind_name() != "identifier" || cx.text(*a) != *p) {
                    return;
                }
                // The fixed part must not use the parameters.
                let fixed_nodes: Vec<Node> = positional[..fixed].iter().chain(keywords.iter()).copied().collect();
                if fixed_nodes.iter().any(|a| ps.iter().any(|p| !bindings::name_refs(*a, p, cx).is_empty())) {
                    return;
                }
                // Keywords must come after all positional arguments to be moved along.
                if keywords.iter().any(|k| k.start_byte() < positional.last().map_or(0, |p| p.start_byte())) {
                    return;
                }
                let mut parts = vec![cx.text(f).to_string()];
                parts.extend(fixed_nodes.iter().map(|a| cx.text(*a).to_string()));
                ("partial", "functools", "partial", parts.join(", "))
            }
            _ => return,
        };
        let mut finding = Finding::new(self.id(), node.byte_range());
        let clash = !cx.module.imports.values().any(|q| q == module || q == &format!("{module}.{name}"))
            && (scope::is_shadowed(module, node, cx.src, &cx.module) || imports::import_would_clash(cx, module));
        if !clash && !syntax::has_comment_in(node, node.byte_range()) {
            let (callee, mut edits) = imports::import_name(cx, module, name);
            edits.push(Edit::replace(node.byte_range(), format!("{callee}({args})")));
            let applicability = if kind != "partial" && is_key_argument(node, cx) {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            finding = finding.with_fix(Fix::new(kind, applicability, edits));
        }
        out.push(finding);
    }
}
