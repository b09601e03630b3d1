//! Helpers shared by group E's rules (argument lists, imports, edit distance).

use crate::analysis::{Context, Edit};
use crate::syntax::named_children;
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// The named children of an `argument_list`, comments left out.
pub fn arguments(call: Node<'_>) -> Option<Vec<Node<'_>>> {
    let args = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list")?;
    Some(named_children(args).into_iter().filter(|n| n.kind_name() != "comment").collect())
}

/// Whether an argument is a plain positional one (not `k=v`, `*a`, `**k`).
pub fn is_positional(arg: Node) -> bool {
    !matches!(arg.kind_name(), "keyword_argument" | "list_splat" | "dictionary_splat" | "parenthesized_list_splat")
}

/// The keyword argument `name=...` of a call's argument nodes, if any.
pub fn keyword<'t>(args: &[Node<'t>], name: &str, cx: &Context) -> Option<Node<'t>> {
    args.iter().copied().find(|a| {
        a.kind_name() == "keyword_argument" && a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == name)
    })
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=m {
        d[0][j] = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// How to spell `module.attr` at a given point of the file: an existing
/// `from module import attr`, an existing `import module [as m]`, or a new
/// `import module` (returned as the edit to add). None when the module's
/// name is taken by something else in the file.
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
    let nl = crate::syntax::newline_of(cx.src);
    let at = m.import_insert_at;
    let edit = if at == 0 { Edit::insert(0, format!("import {module}{nl}")) } else { Edit::insert(at, format!("{nl}import {module}")) };
    Some((format!("{module}.{attr}"), Some(edit)))
}

/// The first statement of a block or module, comments skipped.
pub fn first_statement(body: Node<'_>) -> Option<Node<'_>> {
    named_children(body).into_iter().find(|c| c.kind_name() != "comment")
}

/// The statement before `node` in its block, comments skipped.
pub fn previous_statement(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.prev_named_sibling();
    while let Some(p) = cur {
        if p.kind_name() != "comment" {
            return Some(p);
        }
        cur = p.prev_named_sibling();
    }
    None
}

/// The class whose body holds `def` directly (through a decorated definition).
pub fn class_of_method(def: Node<'_>) -> Option<Node<'_>> {
    let holder = match def.up() {
        Some(p) if p.kind_name() == "decorated_definition" => p.up(),
        p => p,
    };
    holder.filter(|b| b.kind_name() == "block").and_then(|b| b.up()).filter(|c| c.kind_name() == "class_definition")
}

/// Whether `node` alone occupies its lines: only indentation before it and
/// only blanks or a comment after it.
pub fn alone_on_lines(node: Node, src: &str) -> bool {
    let start = node.start_byte();
    let line_start = src[..start.min(src.len())].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if !src[line_start..start].chars().all(|c| c == ' ' || c == '\t') {
        return false;
    }
    let end = node.end_byte().min(src.len());
    let rest = &src[end..];
    let line_rest = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
    let t = line_rest.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

/// Whether `name` is bound by a function enclosing `at` (a parameter or a
/// local assignment, def or import), hiding a module-level import.
pub fn locally_bound(name: &str, at: Node, src: &str) -> bool {
    let mut cur = at.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if crate::analysis::scope::parameter_names(n, src).contains(name) {
                return true;
            }
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                if crate::syntax::scope_bindings(body, src).contains(name) {
                    return true;
                }
            }
        }
        cur = n.up();
    }
    false
}

/// Whether a name or attribute chain refers to `qualified` through the
/// file's imports and its first name is not rebound by an enclosing function.
pub fn refers_to_import(node: Node, cx: &Context, qualified: &str) -> bool {
    if !matches!(node.kind_name(), "identifier" | "attribute") {
        return false;
    }
    if !crate::analysis::scope::refers_to(node, cx.src, &cx.module, qualified) {
        return false;
    }
    let mut first = node;
    while first.kind_name() == "attribute" {
        match first.child_by_field_id(crate::field_id!("object")) {
            Some(o) => first = o,
            None => return false,
        }
    }
    first.kind_name() == "identifier" && !locally_bound(cx.text(first), node, cx.src)
}

/// Whether `name` occurs in `src` as a whole word other than right after
/// `def ` (a call, an attribute read, a string mentioning it …).
pub fn used_besides_defs(src: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    src.match_indices(name).any(|(i, _)| {
        let before = src[..i].chars().next_back();
        let after = src[i + name.len()..].chars().next();
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            return false;
        }
        !src[..i].trim_end_matches([' ', '\t']).ends_with("def")
    })
}
