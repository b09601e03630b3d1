//! Helpers shared by group B's rules: name resolution that also sees
//! function-local imports and local rebinding, and adding an import.

use crate::analysis::scope::{self, ModuleFacts};
use crate::analysis::{Context, Edit};
use crate::syntax::{self, text};
use tree_sitter::Node;
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// The identifier at the root of an attribute chain (`a` in `a.b.c`).
pub fn base_name(node: Node) -> Option<Node> {
    match node.kind_name() {
        "identifier" => Some(node),
        "attribute" => base_name(node.child_by_field_id(crate::field_id!("object"))?),
        _ => None,
    }
}

/// What an enclosing function makes of `name`: imported there (its facts),
/// bound otherwise (None inside Some), or not bound (None).
fn local_binding<'t>(name: &str, at: Node<'t>, src: &str) -> Option<Option<ModuleFacts>> {
    let mut cur = at.up();
    while let Some(n) = cur {
        if matches!(n.kind_name(), "function_definition" | "lambda") {
            if scope::parameter_names(n, src).contains(name) {
                return Some(None);
            }
            if n.kind_name() == "function_definition" {
                if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                    // The cached bindings answer the common case (not bound here).
                    if crate::syntax::scope_bindings(body, src).contains(name) {
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

/// Whether `name` is bound (by anything) in a function enclosing `at`.
pub fn locally_bound(name: &str, at: Node, src: &str) -> bool {
    local_binding(name, at, src).is_some()
}

/// The qualified name of an identifier or attribute chain through the
/// imports of the enclosing functions and of the module. None when the base
/// name is not imported, or is rebound in an enclosing function.
pub fn qualified(node: Node, cx: &Context) -> Option<String> {
    let base = base_name(node)?;
    let name = text(base, cx.src);
    match local_binding(name, node, cx.src) {
        Some(Some(facts)) => return scope::qualified_name(node, cx.src, &facts),
        Some(None) => return None,
        None => {}
    }
    // A name both imported and bound otherwise at module level (`import x`
    // under `if`/`try` counts as both) resolves through the import.
    scope::qualified_name(node, cx.src, &cx.module)
}

/// The call's function, if its last name part is one of `last` and it
/// resolves to one of `targets`; returns the resolved name.
pub fn call_target(call: Node, cx: &Context, last: &[&str], targets: &[&str]) -> Option<String> {
    let func = call.child_by_field_id(crate::field_id!("function"))?;
    let tail = match func.kind_name() {
        "identifier" => func,
        "attribute" => func.child_by_field_id(crate::field_id!("attribute"))?,
        _ => return None,
    };
    if !last.contains(&cx.text(tail)) {
        return None;
    }
    let q = qualified(func, cx)?;
    targets.contains(&q.as_str()).then_some(q)
}

/// A local expression naming `qualified` (a module, or `module.attr`) at
/// `at`, from the module's imports: `import asyncio as aio` gives `aio`,
/// `from datetime import timezone` gives `timezone`, `import datetime` gives
/// `datetime.timezone`.
pub fn local_expr(cx: &Context, at: Node, qualified: &str) -> Option<String> {
    let usable = |local: &str| !locally_bound(local, at, cx.src);
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

/// Whether `name` is free to be bound by a new module-level import.
pub fn name_is_free(cx: &Context, at: Node, name: &str) -> bool {
    !cx.module.bindings.contains(name) && !cx.module.imports.contains_key(name) && !locally_bound(name, at, cx.src)
}

/// The edit adding the import statement `stmt` (see `Context::import_edit`).
pub fn add_import(cx: &Context, stmt: &str) -> Edit {
    cx.import_edit(stmt)
}

/// The positional and keyword arguments of a call (None if the call has a
/// `*args`/`**kwargs` or is not an argument list).
pub struct Args<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(String, Node<'t>, Node<'t>)>,
    pub list: Node<'t>,
}

pub fn args<'t>(call: Node<'t>, cx: &Context) -> Option<Args<'t>> {
    let list = call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list")?;
    let mut a = Args { positional: Vec::new(), keywords: Vec::new(), list };
    for c in syntax::named_children(list) {
        match c.kind_name() {
            "comment" => {}
            "list_splat" | "dictionary_splat" => return None,
            "keyword_argument" => {
                let name = c.child_by_field_id(crate::field_id!("name"))?;
                let value = c.child_by_field_id(crate::field_id!("value"))?;
                a.keywords.push((cx.text(name).to_string(), c, value));
            }
            _ => a.positional.push(c),
        }
    }
    Some(a)
}

impl<'t> Args<'t> {
    pub fn keyword(&self, name: &str) -> Option<(Node<'t>, Node<'t>)> {
        self.keywords.iter().find(|(n, _, _)| n == name).map(|(_, k, v)| (*k, *v))
    }
}

/// How many identifier nodes in the subtree of `node` read `name`.
pub fn identifier_count(node: Node, name: &str, src: &str) -> usize {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    let mut n = 0;
    while let Some(x) = stack.pop() {
        if x.kind_name() == "identifier" && text(x, src) == name {
            n += 1;
        }
        for c in x.children(&mut cursor) {
            stack.push(c);
        }
    }
    n
}

/// Whether `node` is an `async def`.
pub fn is_async_def(node: Node) -> bool {
    node.kind_name() == "function_definition" && node.child(0).is_some_and(|c| c.kind_name() == "async")
}

/// One more level of indentation than `indent`, in the file's style.
pub fn indent_unit(src: &str, indent: &str) -> &'static str {
    if indent.contains('\t') || (indent.is_empty() && src.contains("\n\t")) { "\t" } else { "    " }
}

/// Whether the statements `first..=last` can be re-indented line by line:
/// each starts its own line at `indent`, and no string spans lines.
pub fn reindentable(first: Node, last: Node, indent: &str, cx: &Context) -> bool {
    let range = first.start_byte()..last.end_byte();
    let mut stmt = Some(first);
    while let Some(s) = stmt {
        if s.kind_name() != "comment" {
            let line_start = cx.src[..s.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            if cx.src.get(line_start..s.start_byte()) != Some(indent) {
                return false;
            }
        }
        if s.id() == last.id() {
            break;
        }
        stmt = s.next_sibling();
    }
    // Multi-line strings would change if their lines were indented.
    let parent = first.up().unwrap_or(first);
    let mut cursor = parent.walk();
    let mut stack = vec![parent];
    while let Some(n) = stack.pop() {
        if n.end_byte() <= range.start || n.start_byte() >= range.end {
            continue;
        }
        if n.kind_name() == "string" && n.start_position().row != n.end_position().row {
            return false;
        }
        if n.kind_name() == "ERROR" {
            return false;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    true
}

/// The text of `range`, with `unit` added at the start of every line after
/// the first that is not blank.
pub fn indented(src: &str, range: std::ops::Range<usize>, unit: &str) -> String {
    let text = &src[range];
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(unit);
            }
        }
        out.push_str(line);
    }
    out
}

/// Whether `node` is `__name__ == "__main__"` (either way round).
pub fn is_main_test(node: Node, cx: &Context) -> bool {
    let t: String = cx.text(node).chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace('\'', "\"");
    t == "__name__==\"__main__\"" || t == "\"__main__\"==__name__"
}

/// Whether `node` sits in the body of an `if __name__ == "__main__":`.
pub fn under_main_guard(node: Node, cx: &Context) -> bool {
    let mut cur = node;
    while let Some(p) = cur.up() {
        if p.kind_name() == "if_statement"
            && p.child_by_field_id(crate::field_id!("consequence")).is_some_and(|c| c.id() == cur.id())
            && p.child_by_field_id(crate::field_id!("condition")).is_some_and(|c| is_main_test(c, cx))
        {
            return true;
        }
        cur = p;
    }
    false
}

/// Callables that create a process or thread pool with `apply`/`map`.
pub const POOLS: &[&str] = &[
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];

/// Whether `call` creates a `multiprocessing` pool (also through
/// `multiprocessing.get_context(...).Pool(...)`).
pub fn is_pool_call(call: Node, cx: &Context) -> bool {
    if call.kind_name() != "call" {
        return false;
    }
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    if let Some(q) = qualified(func, cx) {
        return POOLS.contains(&q.as_str());
    }
    func.kind_name() == "attribute"
        && func.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| cx.text(a) == "Pool")
        && func.child_by_field_id(crate::field_id!("object")).is_some_and(|o| {
            o.kind_name() == "call"
                && o.child_by_field_id(crate::field_id!("function")).and_then(|f| qualified(f, cx)).as_deref() == Some("multiprocessing.get_context")
        })
}

/// Coroutine functions of the standard library that are commonly waited on.
pub const STD_COROUTINES: &[&str] = &[
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.open_connection",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
];

/// Whether `call` calls a coroutine function the file or asyncio defines.
pub fn is_coroutine_call(call: Node, cx: &Context) -> bool {
    if call.kind_name() != "call" {
        return false;
    }
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    if let Some(q) = qualified(func, cx) {
        return STD_COROUTINES.contains(&q.as_str());
    }
    match func.kind_name() {
        // A name bound only by an `async def` of the module or an enclosing function.
        "identifier" => {
            let name = cx.text(func);
            let mut cur = call.up();
            while let Some(n) = cur {
                if n.kind_name() == "function_definition" {
                    if let Some(body) = n.child_by_field_id(crate::field_id!("body")) {
                        if let Some(is_async) = defines(body, name, cx) {
                            return is_async;
                        }
                    }
                    if scope::parameter_names(n, cx.src).contains(name) {
                        return false;
                    }
                }
                cur = n.up();
            }
            defines(cx.tree.root_node(), name, cx).unwrap_or(false)
        }
        // `self.method(...)` where the enclosing class defines `async def method`.
        "attribute" => {
            let (Some(obj), Some(attr)) = (func.child_by_field_id(crate::field_id!("object")), func.child_by_field_id(crate::field_id!("attribute"))) else {
                return false;
            };
            if cx.text(obj) != "self" {
                return false;
            }
            let Some(class) = syntax::ancestor(call, &["class_definition"]) else { return false };
            class.child_by_field_id(crate::field_id!("body")).and_then(|b| defines(b, cx.text(attr), cx)).unwrap_or(false)
        }
        _ => false,
    }
}

/// Among the statements of `block`: Some(true) if `name` is bound only by an
/// undecorated `async def`, Some(false) if bound otherwise, None if unbound.
fn defines(block: Node, name: &str, cx: &Context) -> Option<bool> {
    let mut found = None;
    for s in syntax::named_children(block) {
        match s.kind_name() {
            "function_definition" => {
                if s.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == name) {
                    found = Some(is_async_def(s) && found != Some(false));
                }
            }
            "comment" => {}
            _ => {
                let mut b = std::collections::HashSet::new();
                scope::collect_bindings(s, cx.src, &mut b);
                if b.contains(name) {
                    found = Some(false);
                }
            }
        }
    }
    found
}

