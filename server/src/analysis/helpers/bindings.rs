//! Names: which are bound where (an enclosing function, a class body), which
//! are read after a point, and fresh names for new bindings.
//!
//! Three questions about an enclosing function look alike and differ on
//! purpose (their callers' findings depend on the difference):
//! `bound_in_function` (every def and lambda: parameters and body),
//! `bound_in_def` (a lambda only through its parameters; also tells a local
//! import, `enclosing_binding`), and `head_bound_in_function` (the first name
//! of a chain, a `global`/`nonlocal` declaration not counting as a binding).
//! `scope::is_locally_bound` also sees the class body the name stands in.

use crate::analysis::scope::{self, ModuleFacts};
use crate::analysis::Context;
use crate::syntax::{self, named_children, text, NodeExt};
use std::collections::HashMap;
use tree_sitter::Node;

/// Whether `name` is bound by a function or lambda enclosing `at`: a
/// parameter, or anything its body binds (class bodies ignored).
pub fn bound_in_function(name: &str, at: Node, src: &str) -> bool {
    let mut cur = at.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if scope::parameter_names(n, src).contains(name) {
                return true;
            }
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                if crate::analysis::scope::scope_bindings(body, src).contains(name) {
                    return true;
                }
            }
        }
        cur = n.up();
    }
    false
}

/// What an enclosing def makes of `name` (lambdas only through their
/// parameters): imported there (its facts), bound otherwise (None inside
/// Some), or not bound (None).
pub fn enclosing_binding<'t>(name: &str, at: Node<'t>, src: &str) -> Option<Option<ModuleFacts>> {
    let mut cur = at.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if scope::parameter_names(n, src).contains(name) {
                return Some(None);
            }
            if n.kind_name() == "function_definition" {
                if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                    // The cached bindings answer the common case (not bound here).
                    if crate::analysis::scope::scope_bindings(body, src).contains(name) {
                        let f = ModuleFacts::collect(body, src);
                        if f.imports.contains_key(name) {
                            return Some(Some(f));
                        }
                        return Some(None);
                    }
                }
            }
        }
        cur = n.up();
    }
    None
}

/// Whether `name` is bound by an enclosing def (parameters or body) or by
/// the parameters of an enclosing lambda (`enclosing_binding`).
pub fn bound_in_def(name: &str, at: Node, src: &str) -> bool {
    enclosing_binding(name, at, src).is_some()
}

/// Whether the first name of `node` (an identifier or attribute chain) is
/// bound by an enclosing function or lambda, a name its body declares
/// `global`/`nonlocal` not counting: then it hides the module-level import.
pub fn head_bound_in_function(node: Node, cx: &Context) -> bool {
    let Some(head) = scope::base_identifier(node) else { return false };
    let name = cx.text(head);
    let mut cur = node.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if scope::parameter_names(n, cx.src).contains(name) {
                return true;
            }
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                if crate::analysis::scope::scope_bindings(body, cx.src).contains(name) && !declares_global(body, name, cx) {
                    return true;
                }
            }
        }
        cur = n.up();
    }
    false
}

/// Whether `body` (a function body) has `global name` at its top level or
/// in nested blocks (not in nested functions).
fn declares_global(body: Node, name: &str, cx: &Context) -> bool {
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "global_statement" | "nonlocal_statement" => {
                if named_children(n).iter().any(|c| cx.text(*c) == name) {
                    return true;
                }
            }
            "function_definition" | "class_definition" | "lambda" => {
                if n.id() != body.id() {
                    continue;
                }
            }
            _ => {}
        }
        stack.extend(named_children(n));
    }
    false
}

/// Whether a class enclosing `node` binds `name` in its body (a method, an
/// attribute). Annotations of methods are evaluated in the class body, so
/// there `list` or `type` may mean the class's own attribute.
pub fn class_binds(node: Node, name: &str, src: &str) -> bool {
    let mut cur = node.up();
    while let Some(n) = cur {
        if n.kind_name() == "class_definition" {
            if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                for stmt in named_children(body) {
                    let mut b = std::collections::HashSet::new();
                    scope::collect_bindings(stmt, src, &mut b);
                    if b.contains(name) {
                        return true;
                    }
                }
            }
        }
        cur = n.up();
    }
    false
}

/// Whether `name` is free to be bound by a new module-level import.
pub fn name_is_free(cx: &Context, at: Node, name: &str) -> bool {
    !cx.module.bindings.contains(name) && !cx.module.imports.contains_key(name) && !bound_in_def(name, at, cx.src)
}

/// Whether an identifier node is a variable reference (not the attribute
/// part of `a.b`, not a keyword argument's name).
pub fn is_variable(n: Node) -> bool {
    if n.kind_name() != "identifier" {
        return false;
    }
    n.up().is_none_or(|p| is_variable_in(n, p))
}

/// `is_variable` for an identifier whose parent `p` is known.
fn is_variable_in(n: Node, p: Node) -> bool {
    match p.kind_name() {
        "attribute" => p.child_by_field_id(crate::field_id!("attribute")).is_none_or(|a| a.id() != n.id()),
        "keyword_argument" => p.child_by_field_id(crate::field_id!("name")).is_none_or(|a| a.id() != n.id()),
        _ => true,
    }
}

/// Every node of `node`'s subtree, `node` first, in document order: what
/// `syntax::descendants` gives, read in one pass in C (`syntax::preorder`)
/// instead of a call per node (a module-level loop's scope is the module).
fn subtree(node: Node<'_>) -> Vec<Node<'_>> {
    let mut v = Vec::new();
    syntax::preorder(node, &mut v);
    let out: Vec<Node> = v.into_iter().map(|(n, _)| n).collect();
    debug_assert!(out == syntax::descendants(node), "preorder differs from descendants");
    out
}

/// The variable references named `name` inside `node`.
pub fn name_refs<'t>(node: Node<'t>, name: &str, cx: &Context) -> Vec<Node<'t>> {
    // The text first: `is_variable` asks for the parent, which for a node
    // off the walker's path is a search down from the root.
    subtree(node).into_iter().filter(|n| cx.text(*n) == name && is_variable(*n)).collect()
}

/// How many identifiers in the subtree of `node` spell `name` (attribute
/// names and keyword names included, unlike `name_refs`).
pub fn identifier_count(node: Node, name: &str, src: &str) -> usize {
    let mut stack = vec![node];
    let mut n = 0;
    while let Some(x) = stack.pop() {
        if x.kind_name() == "identifier" && text(x, src) == name {
            n += 1;
        }
        for c in crate::syntax::children(x) {
            stack.push(c);
        }
    }
    n
}

/// Whether `name` is read after `end` in `scope` before being rebound:
/// the first later occurrence decides (a plain assignment or `for` target
/// rebinds it; anything else reads it). Conservative: occurrences inside
/// nested functions count as reads.
pub fn used_after(scope: Node, end: usize, name: &str, cx: &Context) -> bool {
    let first = subtree(scope).into_iter().find(|n| n.start_byte() >= end && cx.text(*n) == name && is_variable(*n));
    let Some(n) = first else { return false };
    let Some(p) = n.up() else { return true };
    let rebinds = matches!(p.kind_name(), "for_statement" | "assignment")
        && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id())
        && !(p.kind_name() == "assignment" && p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| !name_refs(r, name, cx).is_empty()));
    !rebinds
}

/// The enclosing scope node (function or module) of `node`.
pub fn scope_node<'t>(node: Node<'t>, cx: &'t Context) -> Node<'t> {
    syntax::ancestor(node, &["function_definition"]).unwrap_or(cx.tree.root_node())
}

/// Identifiers used anywhere in `node` (for picking fresh names).
pub fn identifiers(node: Node, cx: &Context) -> std::collections::HashSet<String> {
    subtree(node).into_iter().filter(|n| n.kind_name() == "identifier").map(|n| cx.text(n).to_string()).collect()
}

/// A name from `candidates` (then `base2`, `base3`…) not in `taken`.
pub fn fresh_name(candidates: &[&str], taken: &std::collections::HashSet<String>) -> String {
    for c in candidates {
        if !taken.contains(*c) && !is_keyword(c) {
            return c.to_string();
        }
    }
    let base = candidates.last().copied().unwrap_or("value");
    (2..).map(|i| format!("{base}{i}")).find(|c| !taken.contains(c)).unwrap_or_default()
}

/// Whether `s` is a Python keyword (or a Python 2 statement word).
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "False" | "None" | "True" | "and" | "as" | "assert" | "async" | "await" | "break" | "class" | "continue"
            | "def" | "del" | "elif" | "else" | "except" | "finally" | "for" | "from" | "global" | "if" | "import"
            | "in" | "is" | "lambda" | "nonlocal" | "not" | "or" | "pass" | "raise" | "return" | "try" | "while"
            | "with" | "yield" | "match" | "case" | "type" | "print" | "exec"
    )
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

/// Whether `name` is bound to a dict in `scope` (a display, a comprehension,
/// `dict(...)`/`defaultdict(...)`/`OrderedDict(...)`/`Counter(...)`, or a
/// `dict` annotation), with no other kind of assignment.
pub fn bound_to_dict(name: &str, scope_node: Node, cx: &Context) -> bool {
    let answer = bound_to_dict_from_facts(name, scope_node, cx);
    #[cfg(debug_assertions)]
    assert_eq!(answer, bound_to_dict_rescanning(name, scope_node, cx), "bound_to_dict({name})");
    answer
}

/// What the parameters of `scope_node` (when a function) say of `name`:
/// None when none is called so; `**name` is always a dict, and a parameter
/// annotated `dict` is meant to be one (true); any other parameter may be
/// anything (false).
fn parameter_is_dict(name: &str, scope_node: Node, cx: &Context) -> Option<bool> {
    if scope_node.kind_name() != "function_definition" {
        return None;
    }
    let params = scope_node.child_by_field_id(crate::field_id!("parameters"))?;
    let mut dict = None;
    for p in syntax::named_children(params) {
        let Some(first) = (if p.kind_name() == "identifier" { Some(p) } else { p.named_child(0) }) else { continue };
        if cx.text(first) != name {
            continue;
        }
        match p.kind_name() {
            "dictionary_splat_pattern" => dict = Some(true),
            "typed_parameter" | "typed_default_parameter"
                if p.child_by_field_id(crate::field_id!("type")).is_some_and(|t| is_dict_annotation(cx.text(t))) =>
            {
                dict = Some(true)
            }
            _ => return Some(false),
        }
    }
    dict
}

fn bound_to_dict_from_facts(name: &str, scope_node: Node, cx: &Context) -> bool {
    let mut dict = false;
    match parameter_is_dict(name, scope_node, cx) {
        Some(false) => return false,
        Some(true) => dict = true,
        None => {}
    }
    // Bound another way (a `for` target, `with … as`, `global`, an import):
    // not known. Any other assignment: not a dict.
    if let Some(u) = dict_facts(scope_node, cx).get(name) {
        if u.other_binding || u.other_assigned {
            return false;
        }
        dict |= u.dict_assigned;
    }
    dict
}

/// What the scope's own code (not that of nested functions, classes and
/// lambdas) does with a name, as far as `bound_to_dict` asks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct DictUse {
    /// A variable reference that binds it some other way: a `for` target,
    /// an unpacking, `as`, `global`/`nonlocal`, an import, `:=`.
    other_binding: bool,
    /// `name = <a dict>` or `name: dict… = …`.
    dict_assigned: bool,
    /// `name = <anything else>`.
    other_assigned: bool,
}

thread_local! {
    /// During a rule walk: `dict_uses` of each scope asked about, by (node
    /// id, start), as `scope::scope_bindings` caches its answer.
    static DICT_FACTS: std::cell::RefCell<(u64, HashMap<(usize, usize), std::rc::Rc<HashMap<String, DictUse>>>)> =
        std::cell::RefCell::new((0, HashMap::new()));
}

/// `dict_uses` of `scope_node`, gathered once per rule walk (every loop over
/// a dict's keys asks about its scope) and every time outside one.
fn dict_facts(scope_node: Node, cx: &Context) -> std::rc::Rc<HashMap<String, DictUse>> {
    let Some(walk) = syntax::walk_id() else { return std::rc::Rc::new(dict_uses(scope_node, cx)) };
    let key = (scope_node.id(), scope_node.start_byte());
    let hit = DICT_FACTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != walk {
            *c = (walk, HashMap::new());
        }
        c.1.get(&key).cloned()
    });
    if let Some(hit) = hit {
        return hit;
    }
    let facts = std::rc::Rc::new(dict_uses(scope_node, cx));
    DICT_FACTS.with(|c| c.borrow_mut().1.insert(key, facts.clone()));
    facts
}

/// One pass over `scope_node` (a function or the module), not entering
/// nested functions, classes and lambdas: for each name, how its variable
/// references and its assignments there bind it.
fn dict_uses(scope_node: Node, cx: &Context) -> HashMap<String, DictUse> {
    let mut out: HashMap<String, DictUse> = HashMap::new();
    // (node, its parent): parents are known on the way down, never searched.
    let mut stack: Vec<(Node, Option<Node>)> = vec![(scope_node, None)];
    while let Some((n, parent)) = stack.pop() {
        match n.kind_name() {
            "function_definition" | "class_definition" | "lambda" if n.id() != scope_node.id() => continue,
            "identifier" => {
                let Some(p) = parent else { continue };
                if !is_variable_in(n, p) {
                    continue;
                }
                let for_target = matches!(p.kind_name(), "for_statement" | "for_in_clause")
                    && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id());
                if for_target
                    || matches!(
                        p.kind_name(),
                        "pattern_list" | "tuple_pattern" | "list_pattern" | "as_pattern_target" | "global_statement"
                            | "nonlocal_statement" | "dotted_name" | "aliased_import" | "named_expression"
                    )
                {
                    out.entry(cx.text(n).to_string()).or_default().other_binding = true;
                }
                continue;
            }
            "assignment" => {
                if let Some(l) = n.child_by_field_id(crate::field_id!("left")).filter(|l| l.kind_name() == "identifier") {
                    let right = n.child_by_field_id(crate::field_id!("right"));
                    let is_dict_value = right.is_some_and(|r| is_dict_value(r, cx));
                    let annotated = n.child_by_field_id(crate::field_id!("type")).is_some_and(|t| is_dict_annotation(cx.text(t)));
                    if is_dict_value || annotated {
                        out.entry(cx.text(l).to_string()).or_default().dict_assigned = true;
                    } else if right.is_some() {
                        out.entry(cx.text(l).to_string()).or_default().other_assigned = true;
                    }
                }
            }
            _ => {}
        }
        for c in crate::syntax::children(n) {
            stack.push((c, Some(n)));
        }
    }
    out
}

/// Debug builds: `bound_to_dict` as it was, rescanning the scope per
/// question; every answer of the shared facts is compared with it.
#[cfg(debug_assertions)]
fn bound_to_dict_rescanning(name: &str, scope_node: Node, cx: &Context) -> bool {
    let mut dict = false;
    // The function's id, or None for the module: the root, which is an
    // ERROR node when the text does not parse as a module at all
    // (`scope_node` gives the root outside functions).
    let own = (scope_node.id() != cx.tree.root_node().id()).then_some(scope_node.id());
    match parameter_is_dict(name, scope_node, cx) {
        Some(false) => return false,
        Some(true) => dict = true,
        None => {}
    }
    // Bound another way (a `for` target, `with … as`, `global`, an import):
    // not known.
    for r in name_refs(scope_node, name, cx) {
        if syntax::ancestor(r, &["function_definition", "class_definition", "lambda"]).map(|f| f.id())
            != own
        {
            continue;
        }
        let Some(p) = r.up() else { continue };
        let for_target = matches!(p.kind_name(), "for_statement" | "for_in_clause")
            && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == r.id());
        if for_target
            || matches!(
                p.kind_name(),
                "pattern_list" | "tuple_pattern" | "list_pattern" | "as_pattern_target" | "global_statement" | "nonlocal_statement"
                    | "dotted_name" | "aliased_import" | "named_expression"
            )
        {
            return false;
        }
    }
    for n in subtree(scope_node) {
        if n.kind_name() != "assignment" {
            continue;
        }
        let Some(l) = n.child_by_field_id(crate::field_id!("left")) else { continue };
        if l.kind_name() != "identifier" || cx.text(l) != name {
            continue;
        }
        // Only assignments of this scope.
        if syntax::ancestor(n, &["function_definition", "class_definition", "lambda"]).map(|f| f.id())
            != own
        {
            continue;
        }
        let is_dict_value = n.child_by_field_id(crate::field_id!("right")).is_some_and(|r| is_dict_value(r, cx));
        let annotated = n.child_by_field_id(crate::field_id!("type")).is_some_and(|t| is_dict_annotation(cx.text(t)));
        if is_dict_value || annotated {
            dict = true;
        } else if n.child_by_field_id(crate::field_id!("right")).is_some() {
            return false;
        }
    }
    dict
}

/// Whether an annotation names a dict type (`dict`, `Dict[str, int]`, …).
fn is_dict_annotation(t: &str) -> bool {
    let head = t.split('[').next().unwrap_or(t).trim();
    let last = head.rsplit('.').next().unwrap_or(head);
    matches!(last, "dict" | "Dict" | "defaultdict" | "OrderedDict" | "Counter")
}

/// Whether an expression makes a dict: a display, a dict comprehension,
/// `dict(...)`, `defaultdict(...)`, `OrderedDict(...)`, `Counter(...)`.
pub fn is_dict_value(r: Node, cx: &Context) -> bool {
    match r.kind_name() {
        "dictionary" | "dictionary_comprehension" => true,
        "call" => r.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            let t = cx.text(f);
            let last = t.rsplit('.').next().unwrap_or(t);
            syntax::is_name_or_attribute(f) && matches!(last, "dict" | "defaultdict" | "OrderedDict" | "Counter")
        }),
        _ => false,
    }
}

/// Whether the expression `e` is known to be a dict: it makes one
/// (`is_dict_value`), or it is a name only ever bound to a dict in its
/// scope (`bound_to_dict`). Anything else (an attribute, a call result, a
/// parameter) may be any object with the same method names.
pub fn known_dict(e: Node, cx: &Context) -> bool {
    let Some(e) = crate::syntax::unparenthesized(e) else { return false };
    match e.kind_name() {
        "identifier" => bound_to_dict(cx.text(e), scope_node(e, cx), cx),
        _ => is_dict_value(e, cx),
    }
}

/// Whether `name` is used in `root`'s text at an offset `counts` admits: as
/// an identifier spelled `name`, or inside a string (where code may look it
/// up by name). Found from the text's occurrences of `name` (the smallest
/// node at each, and its ancestors up to a string), not by a walk of the
/// whole tree. `name` is not empty.
pub fn named_or_quoted(root: Node, src: &str, name: &str, counts: impl Fn(usize) -> bool) -> bool {
    debug_assert!(!name.is_empty());
    memchr::memmem::find_iter(src.as_bytes(), name.as_bytes()).filter(|&at| counts(at)).any(|at| {
        let Some(mut n) = root.descendant_for_byte_range(at, at + name.len()) else { return false };
        if n.kind_name() == "identifier" && crate::syntax::text(n, src) == name {
            return true;
        }
        loop {
            if n.kind_name() == "string" {
                return true;
            }
            match n.parent() {
                Some(p) => n = p,
                None => return false,
            }
        }
    })
}
