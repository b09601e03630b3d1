//! Imports: what a name or attribute chain resolves to through the file's
//! imports, and how to spell a module's attribute here. There is one way to
//! add an import: `Context::import_edit`; these helpers only choose its text.
//!
//! `resolves_to` and `refers_to_import` differ only for a function that
//! declares the name `global`: the first ignores that declaration as a
//! local binding, the second does not.

use crate::analysis::scope;
use crate::analysis::{Context, Edit};
use crate::syntax::{text, NodeExt};
use tree_sitter::Node;

/// The qualified name of an identifier or attribute chain through the
/// imports of the enclosing functions and of the module. None when the base
/// name is not imported, or is rebound in an enclosing function.
pub fn qualified(node: Node, cx: &Context) -> Option<String> {
    let base = scope::base_identifier(node)?;
    let name = text(base, cx.src);
    match super::bindings::enclosing_binding(name, node, cx.src) {
        Some(Some(facts)) => return scope::qualified_name(node, cx.src, &facts),
        Some(None) => return None,
        None => {}
    }
    // A name both imported and bound otherwise at module level (`import x`
    // under `if`/`try` counts as both) resolves through the import.
    scope::qualified_name(node, cx.src, &cx.module)
}

/// Whether a module-level import binds one of `targets` or a module above
/// one (`import multiprocessing`, `from concurrent import futures`): when
/// not, no name or attribute chain resolves to any of them through the
/// module's imports (`scope::qualified_name`), which lets a rule whose
/// findings need such a name skip the file.
pub fn may_name_any(cx: &Context, targets: &[&str]) -> bool {
    cx.module.imports.values().any(|v| targets.iter().any(|t| t.strip_prefix(v.as_str()).is_some_and(|r| r.is_empty() || r.starts_with('.'))))
}

/// `scope::refers_to`, and not hidden by a binding in an enclosing function
/// (`bindings::head_bound_in_function`).
pub fn resolves_to(node: Node, cx: &Context, qualified: &str) -> bool {
    scope::refers_to(node, cx.src, &cx.module, qualified) && !super::bindings::head_bound_in_function(node, cx)
}

/// Whether a name or attribute chain refers to `qualified` through the
/// file's imports and its first name is not rebound by an enclosing function
/// (`bindings::bound_in_function`).
pub fn refers_to_import(node: Node, cx: &Context, qualified: &str) -> bool {
    if !matches!(node.kind_name(), "identifier" | "attribute") {
        return false;
    }
    if !scope::refers_to(node, cx.src, &cx.module, qualified) {
        return false;
    }
    scope::base_identifier(node).is_some_and(|first| !super::bindings::bound_in_function(cx.text(first), node, cx.src))
}

/// A local expression naming `qualified` (a module, or `module.attr`) at
/// `at`, from the module's imports: `import asyncio as aio` gives `aio`,
/// `from datetime import timezone` gives `timezone`, `import datetime` gives
/// `datetime.timezone`. Recursive over the dots of `qualified`, a name the
/// calling rule spells out, never over the input.
pub fn local_expr(cx: &Context, at: Node, qualified: &str) -> Option<String> {
    let usable = |local: &str| !super::bindings::bound_in_def(local, at, cx.src);
    let own = qualified.rsplit('.').next().unwrap_or(qualified);
    let mut best: Option<String> = None;
    for (local, q) in &cx.module.imports {
        if q == qualified && usable(local) {
            // The plain name first, then a deterministic choice among aliases.
            if best.as_ref().is_none_or(|b| (local != own, local) < (b != own, b)) {
                best = Some(local.clone());
            }
        }
    }
    if best.is_some() {
        return best;
    }
    if let Some((module, attr)) = qualified.rsplit_once('.') {
        let m = local_expr(cx, at, module)?;
        return Some(format!("{m}.{attr}"));
    }
    None
}

/// The local spelling of `module.name` through the file's imports, if any:
/// `name` when imported from the module, `alias.name` when the module is
/// (the first in name order); never an added import.
pub fn local_ref(cx: &Context, module: &str, name: &str) -> Option<String> {
    let full = format!("{module}.{name}");
    let m = &cx.module;
    let mut direct: Vec<&String> = m.imports.iter().filter(|(_, q)| **q == full).map(|(l, _)| l).collect();
    direct.sort();
    if let Some(l) = direct.first() {
        return Some((*l).clone());
    }
    let mut via: Vec<&String> = m.imports.iter().filter(|(_, q)| q.as_str() == module).map(|(l, _)| l).collect();
    via.sort();
    via.first().map(|l| format!("{l}.{name}"))
}

/// How to spell `module.name` in this file (also through `from module
/// import *`), and the `import module` to add if nothing fits:
/// `(expression, edits)`.
pub fn import_name(cx: &Context, module: &str, name: &str) -> (String, Vec<Edit>) {
    let m = &cx.module;
    let full = format!("{module}.{name}");
    if let Some((local, _)) = m.imports.iter().find(|(_, q)| **q == full) {
        return (local.clone(), vec![]);
    }
    if let Some((local, _)) = m.imports.iter().find(|(_, q)| q.as_str() == module) {
        return (format!("{local}.{name}"), vec![]);
    }
    if m.star_imports.iter().any(|s| s == module) {
        return (name.to_string(), vec![]);
    }
    (full, vec![cx.import_edit(&format!("import {module}"))])
}

/// Whether the module binds `module`'s own name to something other than the
/// module (then an added `import module` would clash).
pub fn import_would_clash(cx: &Context, module: &str) -> bool {
    (cx.module.bindings.contains(module) || cx.module.imports.get(module).is_some_and(|q| q != module))
        && !cx.module.imports.values().any(|q| q == module)
}

/// How to spell `module.attr` at a given point of the file: an existing
/// `from module import attr`, an existing `import module [as m]`, or a new
/// `import module` (returned as the edit to add). None when the module's
/// name is taken by something else in the file. Unlike `import_name`, an
/// import whose local name the module rebinds does not count.
pub fn module_attr(cx: &Context, module: &str, attr: &str) -> Option<(String, Option<Edit>)> {
    let m = &cx.module;
    let want = format!("{module}.{attr}");
    let mut locals: Vec<&String> = m.imports.iter().filter(|(_, q)| **q == want).map(|(l, _)| l).collect();
    locals.sort();
    if let Some(local) = locals.first() {
        if !m.bindings.contains(local.as_str()) {
            return Some(((*local).clone(), None));
        }
    }
    let mut mods: Vec<&String> = m.imports.iter().filter(|(_, q)| q.as_str() == module).map(|(l, _)| l).collect();
    mods.sort();
    if let Some(local) = mods.first() {
        if !m.bindings.contains(local.as_str()) {
            return Some((format!("{local}.{attr}"), None));
        }
    }
    let top = module.split('.').next().unwrap_or(module);
    let top_is_module = m.imports.get(top).is_some_and(|q| q == top);
    if top_is_module && m.imported_modules.contains(module) && !m.bindings.contains(top) {
        return Some((format!("{module}.{attr}"), None));
    }
    if m.bindings.contains(top) || (m.imports.contains_key(top) && !top_is_module) {
        return None;
    }
    Some((format!("{module}.{attr}"), Some(cx.import_edit(&format!("import {module}")))))
}
