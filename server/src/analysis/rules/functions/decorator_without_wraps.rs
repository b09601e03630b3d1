//! `decorator-without-wraps`: a decorator's inner wrapper that is returned in
//! place of the function but does not copy its name and docstring with
//! `functools.wraps`.

use super::prelude::*;

pub struct DecoratorWithoutWraps;

impl Rule for DecoratorWithoutWraps {
    fn id(&self) -> &'static str {
        "decorator-without-wraps"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // The decorator: its first parameter is the decorated function.
        let Some(params) = node.child_by_field_id(crate::field_id!("parameters")) else { return };
        let Some(fparam) = named_children(params).into_iter().next().filter(|p| p.kind_name() == "identifier") else { return };
        let func_name = cx.text(fparam);
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        let stmts = named_children(body);
        // It returns one of its inner functions...
        let returned: Vec<&str> = stmts
            .iter()
            .filter(|s| s.kind_name() == "return_statement")
            .filter_map(|s| s.named_child(0))
            .filter(|v| v.kind_name() == "identifier")
            .map(|v| cx.text(v))
            .collect();
        for s in &stmts {
            let (inner, decorated) = match s.kind_name() {
                "function_definition" => (*s, None),
                "decorated_definition" => match s.child_by_field_id(crate::field_id!("definition")) {
                    Some(d) if d.kind_name() == "function_definition" => (d, Some(*s)),
                    _ => continue,
                },
                _ => continue,
            };
            let Some(name) = inner.child_by_field_id(crate::field_id!("name")) else { continue };
            if !returned.contains(&cx.text(name)) {
                continue;
            }
            // ...that calls the decorated function...
            if !calls_name(inner, func_name, cx) {
                continue;
            }
            // ...and is the wrapper, not the decorator a decorator factory
            // returns (it returns a function of its own: `@wraps(param)`
            // would give it the factory argument's name and signature).
            if returns_own_function(inner, cx) {
                continue;
            }
            // ...without @wraps / @functools.wraps.
            if let Some(d) = decorated {
                if syntax::has_decorator(inner, cx.src, &["wraps"]) || cx.text(d).contains("update_wrapper") {
                    continue;
                }
            }
            if cx.text(body).contains("update_wrapper(") {
                continue;
            }
            let mut f = Finding::new(self.id(), name.byte_range());
            if let Some(fix) = wraps_fix(decorated.unwrap_or(inner), func_name, cx) {
                f = f.with_fix(fix);
            }
            out.push(f);
        }
    }
}

/// Whether `def` returns (by a top-level `return name`) a function it defines.
fn returns_own_function(def: Node, cx: &Context) -> bool {
    let Some(body) = def.child_by_field_id(crate::field_id!("body")) else { return false };
    let stmts = named_children(body);
    let defined: Vec<&str> = stmts
        .iter()
        .filter_map(|s| match s.kind_name() {
            "function_definition" => Some(*s),
            "decorated_definition" => s.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "function_definition"),
            _ => None,
        })
        .filter_map(|d| d.child_by_field_id(crate::field_id!("name")))
        .map(|n| cx.text(n))
        .collect();
    stmts.iter().any(|s| {
        s.kind_name() == "return_statement"
            && s.named_child(0).is_some_and(|v| v.kind_name() == "identifier" && defined.contains(&cx.text(v)))
    })
}

fn calls_name(n: Node, name: &str, cx: &Context) -> bool {
    let mut cursor = n.walk();
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if x.kind_name() == "call" && x.child_by_field_id(crate::field_id!("function")).is_some_and(|f| f.kind_name() == "identifier" && cx.text(f) == name) {
            return true;
        }
        for c in x.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}

fn wraps_fix(def: Node, func_name: &str, cx: &Context) -> Option<Fix> {
    let indent = syntax::indent_at(cx.src, def.start_byte()).to_string();
    // The def must start its own line.
    let line_start = cx.src[..def.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if line_start + indent.len() != def.start_byte() {
        return None;
    }
    let nl = syntax::newline_of(cx.src);
    let m = &cx.module;
    let mut edits = Vec::new();
    let decorator = if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "functools.wraps") {
        local.clone()
    } else if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == "functools") {
        format!("{local}.wraps")
    } else if m.star_imports.iter().any(|s| s == "functools") {
        "wraps".to_string()
    } else {
        edits.push(cx.import_edit("import functools"));
        "functools.wraps".to_string()
    };
    edits.push(Edit::insert(def.start_byte(), format!("@{decorator}({func_name}){nl}{indent}")));
    Some(Fix::unsafe_("add-wraps", edits))
}
