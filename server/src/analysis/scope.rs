//! Module-wide facts (imports, top-level bindings) and name resolution:
//! `from functools import wraps` makes `wraps` mean `functools.wraps`,
//! `import functools as ft` makes `ft.wraps` mean it too, and a local
//! definition shadows a builtin.

use crate::syntax::{self, named_children, text};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ModuleFacts {
    /// Local name → qualified name (`wraps` → `functools.wraps`, `ft` → `functools`).
    pub imports: HashMap<String, String>,
    /// Modules imported with `from m import *`.
    pub star_imports: Vec<String>,
    /// Names bound at module level other than by imports.
    pub bindings: HashSet<String>,
    /// Every module named in an `import` statement (`import a.b` → `a.b`).
    pub imported_modules: HashSet<String>,
    /// Top-level functions that are the only binding of their name, not
    /// decorated: name → the `def` header's text (up to its body), so that
    /// a rule may rely on their signature.
    pub functions: HashMap<String, String>,
    /// Byte offset just after the module docstring and `__future__` imports:
    /// where a new import statement goes.
    pub import_insert_at: usize,
}

impl ModuleFacts {
    pub fn collect(root: Node, src: &str) -> Self {
        let mut f = ModuleFacts::default();
        let mut insert_at = 0;
        let mut seen_other = false;
        let mut counts: HashMap<String, usize> = HashMap::new();
        // Only comments so far (a shebang, a coding line, a licence header):
        // a new import goes after them, and a string that follows is still
        // the module docstring.
        let mut only_comments = true;
        for stmt in named_children(root) {
            let leading = only_comments;
            if stmt.kind_name() != "comment" {
                only_comments = false;
            }
            match stmt.kind_name() {
                "import_statement" | "import_from_statement" | "future_import_statement" => {
                    f.add_import(stmt, src);
                    if stmt.kind_name() == "future_import_statement" && !seen_other {
                        insert_at = stmt.end_byte();
                    }
                }
                "expression_statement"
                    if leading && stmt.named_child(0).is_some_and(|c| c.kind_name() == "string") =>
                {
                    insert_at = stmt.end_byte();
                }
                "comment" => {
                    if leading {
                        insert_at = stmt.end_byte();
                    }
                }
                _ => {
                    seen_other = true;
                    let mut here = HashSet::new();
                    collect_bindings(stmt, src, &mut here);
                    for name in here {
                        *counts.entry(name.clone()).or_insert(0usize) += 1;
                        if stmt.kind_name() == "function_definition" {
                            let header_end = stmt.child_by_field_id(crate::field_id!("body")).map_or(stmt.end_byte(), |b| b.start_byte());
                            f.functions.insert(name.clone(), src.get(stmt.start_byte()..header_end).unwrap_or("").to_string());
                        }
                        f.bindings.insert(name);
                    }
                }
            }
        }
        // Only functions bound once, by their `def`, keep their entry.
        f.functions.retain(|name, _| counts.get(name) == Some(&1));
        // Imports nested in `if`/`try` at module level still bind module names.
        for stmt in crate::syntax::named_children(root) {
            if matches!(stmt.kind_name(), "if_statement" | "try_statement" | "with_statement") {
                visit_imports(stmt, src, &mut f);
            }
        }
        f.import_insert_at = insert_at;
        f
    }

    fn add_import(&mut self, stmt: Node, src: &str) {
        match stmt.kind_name() {
            "import_statement" => {
                for c in named_children(stmt) {
                    match c.kind_name() {
                        "dotted_name" => {
                            let full = dotted_text(c, src);
                            let first = full.split('.').next().unwrap_or("").to_string();
                            self.imported_modules.insert(full.clone());
                            self.imports.insert(first.clone(), first);
                        }
                        "aliased_import" => {
                            if let (Some(n), Some(a)) = (c.child_by_field_id(crate::field_id!("name")), c.child_by_field_id(crate::field_id!("alias"))) {
                                let full = dotted_text(n, src);
                                self.imported_modules.insert(full.clone());
                                self.imports.insert(text(a, src).to_string(), full);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = stmt.child_by_field_id(crate::field_id!("module_name")) else { return };
                if module.kind_name() == "relative_import" {
                    return;
                }
                let m = dotted_text(module, src);
                let mut cursor = stmt.walk();
                for c in stmt.children_by_field_name("name", &mut cursor) {
                    match c.kind_name() {
                        "dotted_name" => {
                            let n = dotted_text(c, src);
                            self.imports.insert(n.clone(), format!("{m}.{n}"));
                        }
                        "aliased_import" => {
                            if let (Some(n), Some(a)) = (c.child_by_field_id(crate::field_id!("name")), c.child_by_field_id(crate::field_id!("alias"))) {
                                self.imports.insert(text(a, src).to_string(), format!("{m}.{}", dotted_text(n, src)));
                            }
                        }
                        _ => {}
                    }
                }
                if named_children(stmt).iter().any(|c| c.kind_name() == "wildcard_import") {
                    self.star_imports.push(m);
                }
            }
            _ => {}
        }
    }

    /// Whether `module` is imported as a whole under its own name.
    pub fn has_module_import(&self, module: &str) -> bool {
        self.imports.get(module).is_some_and(|q| q == module)
    }
}

fn visit_imports(node: Node, src: &str, f: &mut ModuleFacts) {
    // An explicit stack: nesting depth is the input's to choose.
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let kids: Vec<Node> = crate::syntax::named_children(n).into_iter().collect();
        for c in kids.into_iter().rev() {
            match c.kind_name() {
                "import_statement" | "import_from_statement" => f.add_import(c, src),
                "function_definition" | "class_definition" | "decorated_definition" => {}
                _ => stack.push(c),
            }
        }
    }
}

thread_local! {
    /// During a rule walk (`syntax::walk_id`): the names each scope body
    /// binds, by (node id, start).
    static BINDINGS: std::cell::RefCell<(u64, HashMap<(usize, usize), std::rc::Rc<HashSet<String>>>)> =
        std::cell::RefCell::new((0, HashMap::new()));
}

/// The names a function or class body binds (`scope::collect_bindings`),
/// computed once per body during a rule walk (many rules ask whether a name
/// is shadowed) and every time outside one (node ids are only unique within
/// a live tree, and the cache lives exactly as long as the walk).
pub fn scope_bindings(body: Node<'_>, src: &str) -> std::rc::Rc<std::collections::HashSet<String>> {
    let compute = || {
        let mut b = std::collections::HashSet::new();
        collect_bindings(body, src, &mut b);
        std::rc::Rc::new(b)
    };
    let Some(walk) = syntax::walk_id() else { return compute() };
    let key = (body.id(), body.start_byte());
    let hit = BINDINGS.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != walk {
            *c = (walk, HashMap::new());
        }
        c.1.get(&key).cloned()
    });
    if let Some(hit) = hit {
        return hit;
    }
    let b = compute();
    BINDINGS.with(|c| c.borrow_mut().1.insert(key, b.clone()));
    b
}

/// What `collect_bindings` does at a node it enters, by the node's kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    /// `def`/`class`: binds the child in field `name`; not entered.
    Def,
    /// A decorated definition: the definition is entered instead.
    Decorated,
    /// Binds nothing and is not entered (`lambda`, `global`, `nonlocal`).
    Stop,
    /// Binds the targets in the child of this field, and is entered.
    Targets(u16),
    /// `:=`: binds the identifier in field `name`, and is entered.
    Walrus,
    /// An import: binds what it imports; not entered.
    Import,
    /// Entered.
    Enter,
}

/// For each kind id: what `collect_bindings` does at a node of that kind,
/// and whether a named child of that kind is entered (statements and their
/// parts can bind names; an expression binds one only through `:=`).
fn binding_kinds() -> &'static [Option<(Act, bool)>] {
    static TABLE: std::sync::OnceLock<Vec<Option<(Act, bool)>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let lang = syntax::language();
        (0..=lang.node_kind_count() as u16)
            .map(|id| lang.node_kind_for_id(id).filter(|k| !k.is_empty()).map(binding_kind))
            .collect()
    })
}

/// `binding_kinds`' entry for the kind named `k`.
fn binding_kind(k: &str) -> (Act, bool) {
    let act = match k {
        "function_definition" | "class_definition" => Act::Def,
        "decorated_definition" => Act::Decorated,
        "lambda" | "global_statement" | "nonlocal_statement" => Act::Stop,
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => Act::Targets(crate::field_id!("left")),
        // `except E as e` (the grammar puts the alias on the clause).
        "as_pattern" | "except_clause" => Act::Targets(crate::field_id!("alias")),
        "named_expression" => Act::Walrus,
        "import_statement" | "import_from_statement" => Act::Import,
        _ => Act::Enter,
    };
    let binds = k.ends_with("statement")
        || k.ends_with("clause")
        || k.ends_with("definition")
        || k.ends_with("pattern")
        || matches!(k, "block" | "assignment" | "augmented_assignment" | "with_item" | "case_pattern");
    (act, binds)
}

/// `binding_kinds`' entry for `node` (kinds outside the table, such as
/// ERROR, by name).
/// A `dotted_name`'s names joined by `.`, without the blanks and line
/// continuations Python lets stand around the dots (`import os .path`,
/// `import os.\` then `path`): the module named. Any other node: its text.
fn dotted_text(n: Node, src: &str) -> String {
    if n.kind_name() != "dotted_name" {
        return text(n, src).to_string();
    }
    let parts: Vec<&str> = named_children(n).into_iter().filter(|c| c.kind_name() == "identifier").map(|c| text(c, src)).collect();
    parts.join(".")
}

fn binding_kind_of(node: Node) -> (Act, bool) {
    match binding_kinds().get(node.kind_id() as usize) {
        Some(&Some(e)) => e,
        _ => binding_kind(node.kind_name()),
    }
}

/// Names a statement binds in the scope it stands in (not inside nested
/// functions or classes). Iterative: nesting depth is the input's to choose.
pub fn collect_bindings(node: Node, src: &str, out: &mut HashSet<String>) {
    for_each_binding(node, src, &mut |name| {
        if !out.contains(name) {
            out.insert(name.to_string());
        }
    });
}

/// `collect_bindings`, handing each name bound to `f` (a name bound twice
/// comes twice). Kinds are read from a table by kind id and child lists go
/// to one buffer: the bindings of every function body are read, for the
/// `unbound-local-assignment` pre-test and the shadowing checks.
fn for_each_binding(node: Node, src: &str, f: &mut dyn FnMut(&str)) {
    // Where `:=` occurs in the node's text, so that "does this expression
    // hold one" is a binary search, not a scan of its text at every level.
    let base = node.start_byte();
    let walrus: Vec<usize> = src
        .get(node.byte_range())
        .map(|t| memchr::memmem::find_iter(t.as_bytes(), b":=").map(|i| base + i).collect())
        .unwrap_or_default();
    let holds_walrus = |c: Node| {
        if walrus.is_empty() {
            return false;
        }
        let r = c.byte_range();
        let i = walrus.partition_point(|&p| p < r.start);
        walrus.get(i).is_some_and(|&p| p + 2 <= r.end)
    };
    let mut kids = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match binding_kind_of(node).0 {
            Act::Def => {
                if let Some(n) = node.child_by_field_id(crate::field_id!("name")) {
                    f(text(n, src));
                }
                continue;
            }
            Act::Decorated => {
                if let Some(d) = node.child_by_field_id(crate::field_id!("definition")) {
                    stack.push(d);
                }
                continue;
            }
            Act::Stop => continue,
            Act::Targets(field) => {
                if let Some(l) = node.child_by_field_id(field) {
                    target_names(l, src, f, &mut kids);
                }
            }
            Act::Walrus => {
                if let Some(n) = node.child_by_field_id(crate::field_id!("name")) {
                    f(text(n, src));
                }
            }
            Act::Import => {
                let mut m = ModuleFacts::default();
                m.add_import(node, src);
                for name in m.imports.keys() {
                    f(name);
                }
                continue;
            }
            Act::Enter => {}
        }
        syntax::children_into(node, &mut kids);
        for &c in &kids {
            if c.is_named() && (binding_kind_of(c).1 || holds_walrus(c)) {
                stack.push(c);
            }
        }
    }
}

/// The names an assignment target binds (`a`, `a, (b, *c)`; not `a.b` or
/// `a[i]`), handed to `f`; `kids` is a buffer for child lists.
pub(crate) fn target_names<'t>(node: Node<'t>, src: &str, f: &mut dyn FnMut(&str), kids: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "identifier" => f(text(node, src)),
            "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" | "tuple" | "list"
            | "parenthesized_expression" | "as_pattern_target" => {
                syntax::children_into(node, kids);
                stack.extend(kids.iter().filter(|c| c.is_named()));
            }
            _ => {}
        }
    }
}

/// Names bound by a function's parameters.
pub fn parameter_names(func: Node, src: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let Some(params) = func.child_by_field_id(crate::field_id!("parameters")) else { return out };
    for p in crate::syntax::named_children(params) {
        let name = match p.kind_name() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_id(crate::field_id!("name")),
            "typed_parameter" => p.named_child(0),
            "list_splat_pattern" | "dictionary_splat_pattern" => p.named_child(0),
            _ => None,
        };
        if let Some(n) = name {
            let n = if n.kind_name() == "identifier" { n } else { n.named_child(0).unwrap_or(n) };
            out.insert(text(n, src).to_string());
        }
    }
    out
}

/// Whether `name`, used at `at`, is bound by the file (module level or any
/// enclosing function) rather than being a builtin.
pub fn is_shadowed(name: &str, at: Node, src: &str, module: &ModuleFacts) -> bool {
    if module.bindings.contains(name) || module.imports.contains_key(name) {
        return true;
    }
    is_locally_bound(name, at, src)
}

/// Whether `name`, used at `at`, is bound by an enclosing function (its
/// parameters or body) or, inside a class body, by that class body.
pub fn is_locally_bound(name: &str, at: Node, src: &str) -> bool {
    let mut cur = at.up();
    while let Some(n) = cur {
        // A scope whose text never mentions the name cannot bind it: a byte
        // search is far cheaper than collecting its bindings from the tree.
        // Only scopes bind; the byte search comes after the kind test, so a
        // deep nest of expressions costs its depth, not depth × size.
        let scope = matches!(n.kind_name(), "function_definition" | "lambda" | "class_definition");
        if !scope || !src.get(n.byte_range()).is_some_and(|t| t.contains(name)) {
            cur = n.up();
            continue;
        }
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if parameter_names(n, src).contains(name) {
                return true;
            }
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                if scope_bindings(body, src).contains(name) {
                    return true;
                }
            }
        }
        if n.kind_name() == "class_definition" {
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                // A class body's names are not visible in its methods, only in the body itself.
                if scope_bindings(body, src).contains(name)
                    && syntax::enclosing_function(at).is_none_or(|f| f.start_byte() < n.start_byte())
                {
                    return true;
                }
            }
        }
        cur = n.up();
    }
    false
}

/// The identifier at the root of an attribute chain (`a` in `a.b.c`).
pub fn base_identifier(node: Node) -> Option<Node> {
    let mut node = node;
    loop {
        match node.kind_name() {
            "identifier" => return Some(node),
            "attribute" => node = node.child_by_field_id(crate::field_id!("object"))?,
            _ => return None,
        }
    }
}

/// The leftmost name of an identifier or attribute chain (`a` in `a.b.c`).
fn base_name<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    base_identifier(node).map(|n| text(n, src))
}

/// The qualified name of an identifier or attribute chain, through the file's
/// imports: `wraps` → `functools.wraps`, `ft.wraps` → `functools.wraps`.
/// Returns None for names that are not imported.
pub fn qualified_name(node: Node, src: &str, module: &ModuleFacts) -> Option<String> {
    // Down the chain to its base (a loop: chains can be any length), then
    // the attributes back up.
    let mut attrs = Vec::new();
    let mut cur = node;
    loop {
        match cur.kind_name() {
            "identifier" => break,
            "attribute" => {
                let obj = cur.child_by_field_id(crate::field_id!("object"))?;
                attrs.push(cur.child_by_field_id(crate::field_id!("attribute"))?);
                cur = obj;
            }
            _ => return None,
        }
    }
    let mut q = module.imports.get(text(cur, src))?.clone();
    for a in attrs.iter().rev() {
        q.push('.');
        q.push_str(text(*a, src));
    }
    Some(q)
}

/// Whether `node` (an identifier or attribute) refers to `qualified` — through
/// imports, or, when `qualified` is a builtin name (no dot), as an unshadowed
/// builtin.
pub fn refers_to(node: Node, src: &str, module: &ModuleFacts, qualified: &str) -> bool {
    if let Some(q) = qualified_name(node, src, module) {
        if q != qualified {
            return false;
        }
        // An import is hidden inside a function that binds the same name,
        // unless that binding is an import of the same thing.
        let Some(b) = base_name(node, src) else { return true };
        if !is_locally_bound(b, node, src) {
            return true;
        }
        let mut local = ModuleFacts::default();
        if let Some(f) = syntax::enclosing_function(node).and_then(|f| f.child_by_field_id(crate::field_id!("body"))) {
            visit_imports(f, src, &mut local);
        }
        return local.imports.get(b).is_some() && local.imports.get(b) == module.imports.get(b);
    }
    if node.kind_name() == "identifier" {
        let n = text(node, src);
        if !qualified.contains('.') {
            return n == qualified && !is_shadowed(n, node, src, module);
        }
        // `from m import *` may bring the name in.
        if let Some((m, last)) = qualified.rsplit_once('.') {
            if last == n && module.star_imports.iter().any(|s| s == m) && !is_shadowed(n, node, src, module) {
                return true;
            }
        }
    }
    false
}

/// `collect_bindings` as it was written before its cursor walk (child lists
/// and `child_by_field_id`, kinds by name): the reference the fast walk is
/// held to.
#[cfg(test)]
mod reference {
    use super::{text, ModuleFacts};
    use std::collections::HashSet;
    use tree_sitter::Node;
    #[allow(unused_imports)]
    use crate::syntax::NodeExt;

    pub(super) fn collect_bindings_by_lists(node: Node, src: &str, out: &mut HashSet<String>) {
        // Where `:=` occurs in the node's text, so that "does this expression
        // hold one" is a binary search, not a scan of its text at every level.
        let base = node.start_byte();
        let walrus: Vec<usize> = src
            .get(node.byte_range())
            .map(|t| memchr::memmem::find_iter(t.as_bytes(), b":=").map(|i| base + i).collect())
            .unwrap_or_default();
        let holds_walrus = |c: Node| {
            let r = c.byte_range();
            let i = walrus.partition_point(|&p| p < r.start);
            walrus.get(i).is_some_and(|&p| p + 2 <= r.end)
        };
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind_name() {
                "function_definition" | "class_definition" => {
                    if let Some(n) = node.child_by_field_id(crate::field_id!("name")) {
                        out.insert(text(n, src).to_string());
                    }
                    continue;
                }
                "decorated_definition" => {
                    if let Some(d) = node.child_by_field_id(crate::field_id!("definition")) {
                        stack.push(d);
                    }
                    continue;
                }
                "lambda" => continue,
                "assignment" | "augmented_assignment" => {
                    if let Some(l) = node.child_by_field_id(crate::field_id!("left")) {
                        target_names_by_lists(l, src, out);
                    }
                }
                "for_statement" | "for_in_clause" => {
                    if let Some(l) = node.child_by_field_id(crate::field_id!("left")) {
                        target_names_by_lists(l, src, out);
                    }
                }
                "as_pattern" => {
                    if let Some(a) = node.child_by_field_id(crate::field_id!("alias")) {
                        target_names_by_lists(a, src, out);
                    }
                }
                // `except E as e` (the grammar puts the alias on the clause).
                "except_clause" => {
                    if let Some(a) = node.child_by_field_id(crate::field_id!("alias")) {
                        target_names_by_lists(a, src, out);
                    }
                }
                "named_expression" => {
                    if let Some(n) = node.child_by_field_id(crate::field_id!("name")) {
                        out.insert(text(n, src).to_string());
                    }
                }
                "import_statement" | "import_from_statement" => {
                    let mut f = ModuleFacts::default();
                    f.add_import(node, src);
                    out.extend(f.imports.into_keys());
                    continue;
                }
                "global_statement" | "nonlocal_statement" => continue,
                _ => {}
            }
            for c in crate::syntax::named_children(node) {
                // Statements and their parts can bind names; an expression binds one
                // only through `:=` (a comprehension's own variables stay inside it),
                // so expressions without one are not walked.
                let k = c.kind_name();
                let binds = k.ends_with("statement")
                    || k.ends_with("clause")
                    || k.ends_with("definition")
                    || k.ends_with("pattern")
                    || matches!(k, "block" | "assignment" | "augmented_assignment" | "with_item" | "case_pattern")
                    || holds_walrus(c);
                if binds {
                    stack.push(c);
                }
            }
        }
    }

    fn target_names_by_lists(node: Node, src: &str, out: &mut HashSet<String>) {
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node.kind_name() {
                "identifier" => {
                    out.insert(text(node, src).to_string());
                }
                "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" | "tuple" | "list"
                | "parenthesized_expression" | "as_pattern_target" => {
                    stack.extend(crate::syntax::named_children(node));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ModuleFacts;
    #[allow(unused_imports)]
    use crate::syntax::NodeExt;

    fn insert_at(src: &str) -> &str {
        let tree = crate::syntax::parse(src, None);
        &src[..ModuleFacts::collect(tree.root_node(), src).import_insert_at]
    }

    #[test]
    fn new_imports_go_after_leading_comments_the_docstring_and_future_imports() {
        assert_eq!(insert_at("import os\n"), "");
        assert_eq!(insert_at("#!/usr/bin/env python3\nimport os\n"), "#!/usr/bin/env python3");
        assert_eq!(insert_at("# coding: utf-8\n\"\"\"Doc.\"\"\"\nx = 1\n"), "# coding: utf-8\n\"\"\"Doc.\"\"\"");
        assert_eq!(
            insert_at("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n# note\nx = 1\n"),
            "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations"
        );
        // A string after code is not a docstring; a comment after code changes nothing.
        assert_eq!(insert_at("x = 1\n# c\n\"\"\"Not a docstring.\"\"\"\n"), "");
    }

    /// Every `Decimal` call in `src`, and whether it means `decimal.Decimal`.
    fn decimal_calls(src: &str) -> Vec<bool> {
        let tree = crate::syntax::parse(src, None);
        let facts = ModuleFacts::collect(tree.root_node(), src);
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if n.kind() == "call" {
                let f = n.child_by_field_id(crate::field_id!("function")).unwrap();
                out.push(super::refers_to(f, src, &facts, "decimal.Decimal"));
            }
            stack.extend(crate::syntax::children(n));
        }
        out
    }

    #[test]
    fn a_local_binding_hides_an_import_unless_it_imports_the_same() {
        assert_eq!(decimal_calls("from decimal import Decimal\nDecimal(1.5)\n"), [true]);
        assert_eq!(decimal_calls("from decimal import Decimal\ndef f():\n    def Decimal(x):\n        return x\n    return Decimal(1.5)\n"), [false]);
        assert_eq!(decimal_calls("from decimal import Decimal\ndef f(Decimal):\n    return Decimal(1.5)\n"), [false]);
        assert_eq!(decimal_calls("from decimal import Decimal\ndef f():\n    from decimal import Decimal\n    return Decimal(1.5)\n"), [true]);
    }

    /// The cursor walk of `collect_bindings` finds what the reference walk
    /// finds, at every statement, clause, block and definition of every
    /// Python fixture (and of the files listed one a line in the file named
    /// by `PYEXPLAIN_BINDINGS_FILES`, when set: the standard library was
    /// checked so).
    #[test]
    fn collect_bindings_equals_the_reference_walk() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "py") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 100, "the fixtures were found");
        if let Ok(list) = std::env::var("PYEXPLAIN_BINDINGS_FILES") {
            files.extend(std::fs::read_to_string(list).unwrap().lines().map(std::path::PathBuf::from));
        }
        let (mut compared, mut named) = (0, 0);
        for file in &files {
            let Ok(src) = std::fs::read_to_string(file) else { continue };
            let tree = crate::syntax::parse(&src, None);
            let mut stack = vec![tree.root_node()];
            while let Some(n) = stack.pop() {
                stack.extend(crate::syntax::named_children(n));
                let k = n.kind_name();
                if !(k == "block" || k == "module" || k.ends_with("statement") || k.ends_with("clause") || k.ends_with("definition")) {
                    continue;
                }
                let (mut fast, mut slow) = (std::collections::HashSet::new(), std::collections::HashSet::new());
                super::collect_bindings(n, &src, &mut fast);
                super::reference::collect_bindings_by_lists(n, &src, &mut slow);
                assert_eq!(fast, slow, "{}: {} at {:?}", file.display(), k, n.start_position());
                compared += 1;
                named += fast.len();
            }
        }
        assert!(compared > 5_000 && named > 4_000, "{compared} nodes, {named} names");
    }

}
