//! `cache-on-method`: `functools.cache` / `lru_cache` on an instance method
//! keeps every instance alive in a class-wide cache.

use super::prelude::*;
use crate::analysis::helpers::definitions::class_of_method;
use crate::analysis::helpers::imports::resolves_to;

pub struct CacheOnMethod;

/// Whether a decorator's expression is `functools.cache`, `functools.lru_cache`
/// or a call of `lru_cache(...)`.
fn is_cache_decorator(dec: Node, cx: &Context) -> bool {
    let Some(mut e) = dec.named_child(0) else { return false };
    if e.kind_name() == "call" {
        match e.child_by_field_id(crate::field_id!("function")) {
            Some(f) => e = f,
            None => return false,
        }
    }
    resolves_to(e, cx, "functools.cache") || resolves_to(e, cx, "functools.lru_cache")
}

fn decorator_is(dec: Node, cx: &Context, names: &[&str]) -> bool {
    dec.named_child(0).is_some_and(|e| names.iter().any(|n| resolves_to(e, cx, n)) || names.contains(&cx.text(e)))
}

impl Rule for CacheOnMethod {
    fn id(&self) -> &'static str {
        "cache-on-method"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["decorator"]
    }
    fn reads_class_header(&self) -> bool {
        // A method of an `Enum` or `Flag` subclass is not reported.
        true
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if !is_cache_decorator(node, cx) {
            return;
        }
        let Some(dd) = node.up().filter(|p| p.kind_name() == "decorated_definition") else { return };
        let Some(func) = dd.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "function_definition") else { return };
        let Some(class) = class_of_method(func) else { return };
        let name = func.child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)).unwrap_or("");
        // Implicit static and class methods.
        if matches!(name, "__new__" | "__init_subclass__" | "__class_getitem__") {
            return;
        }
        let decs: Vec<Node> = named_children(dd).into_iter().filter(|d| d.kind_name() == "decorator").collect();
        if decs.iter().any(|d| decorator_is(*d, cx, &["staticmethod", "classmethod"])) {
            return;
        }
        // Enum members are singletons: caching on them leaks nothing.
        if let Some(sup) = class.child_by_field_id(crate::field_id!("superclasses")) {
            if named_children(sup).iter().any(|b| {
                let t = cx.text(*b);
                let last = t.rsplit('.').next().unwrap_or(t);
                last.ends_with("Enum") || last.ends_with("Flag")
            }) {
                return;
            }
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        // `@property` directly above `@cache`: `functools.cached_property`.
        let idx = decs.iter().position(|d| d.id() == node.id()).unwrap_or(0);
        let plain_cache = node.named_child(0).is_some_and(|e| e.kind_name() != "call")
            || node.named_child(0).and_then(|c| c.child_by_field_id(crate::field_id!("arguments"))).is_some_and(|a| {
                // `lru_cache()` / `lru_cache(maxsize=None)` / `lru_cache(None)`: a cache of any size.
                let args = syntax::code_children(a);
                args.is_empty()
                    || (args.len() == 1 && {
                        let v = if args[0].kind_name() == "keyword_argument" { args[0].child_by_field_id(crate::field_id!("value")) } else { Some(args[0]) };
                        let n = if args[0].kind_name() == "keyword_argument" { args[0].child_by_field_id(crate::field_id!("name")).map(|n| cx.text(n)) } else { Some("maxsize") };
                        n == Some("maxsize") && v.is_some_and(|v| v.kind_name() == "none" || v.kind_name() == "integer")
                    })
            });
        // cached_property needs an instance `__dict__`: not with `__slots__`.
        let slotted = class.child_by_field_id(crate::field_id!("body")).is_some_and(|b| cx.text(b).contains("__slots__"));
        if idx > 0 && plain_cache && !slotted && cx.target_at_least(3, 8) && decorator_is(decs[idx - 1], cx, &["property", "builtins.property"]) {
            let prop = decs[idx - 1];
            let end = node.named_child(0).map_or(node.end_byte(), |e| e.end_byte());
            let span = prop.start_byte()..end;
            if !syntax::has_comment_in(dd, span.clone()) {
                let m = &cx.module;
                let mut edits = Vec::new();
                let deco = if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "functools.cached_property") {
                    local.clone()
                } else if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "functools") {
                    format!("{local}.cached_property")
                } else {
                    edits.push(cx.import_edit("import functools"));
                    "functools.cached_property".to_string()
                };
                edits.push(Edit::replace(span, format!("@{deco}")));
                f = f.with_fix(Fix::new("cached-property", Applicability::Unsafe, edits));
            }
        }
        out.push(f);
    }
}
