//! `testcase-method-not-collected`: a `unittest.TestCase` method that makes
//! assertions but whose name does not start with `test`, and that nothing
//! calls: unittest never runs it.

use super::prelude::*;
use crate::analysis::helpers::imports::resolves_to;
use crate::analysis::helpers::text::skip_extras;
use crate::syntax::code_children;

pub struct TestcaseMethodNotCollected;

const CASES: &[&str] = &["unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase"];

/// Methods unittest itself calls, or that are conventionally helpers.
const HOOKS: &[&str] = &[
    "setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown", "run", "debug",
    "setUpModule", "tearDownModule", "runTest",
];

fn has_self_assert(func: Node, this: &str, cx: &Context) -> bool {
    let mut stack = vec![func.child_by_field_id(crate::field_id!("body"))];
    while let Some(Some(n)) = stack.pop() {
        if matches!(n.kind_name(), "function_definition" | "class_definition" | "lambda") {
            continue;
        }
        if n.kind_name() == "call" {
            if let Some(f) = n.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") {
                let obj = f.child_by_field_id(crate::field_id!("object")).map(|o| cx.text(o));
                let attr = f.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or("");
                if obj == Some(this) && (attr.starts_with("assert") || attr == "fail") {
                    return true;
                }
            }
        }
        stack.extend(named_children(n).into_iter().map(Some));
    }
    false
}

/// Whether `name` occurs as an identifier anywhere in the file other than
/// at `except`, or inside a string: found from the occurrences of `name` in
/// the text (the smallest node there, and its ancestors up to a string),
/// not by a walk of the whole tree per candidate method.
fn used_elsewhere(root: Node, name: &str, except: Node, cx: &Context) -> bool {
    // Cheap text test first: most names occur once.
    if cx.src.matches(name).count() <= 1 {
        return false;
    }
    // The candidate's own name does not count.
    let found = crate::analysis::helpers::bindings::named_or_quoted(root, cx.src, name, |at| !except.byte_range().contains(&at));
    #[cfg(debug_assertions)]
    assert_eq!(found, used_elsewhere_by_walk(root, name, except, cx), "used_elsewhere({name:?})");
    found
}

/// `used_elsewhere` by a walk of every named node: what the occurrence
/// search is held to (debug builds compare them on every call).
#[cfg(debug_assertions)]
fn used_elsewhere_by_walk(root: Node, name: &str, except: Node, cx: &Context) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && n.id() != except.id() && cx.text(n) == name {
            return true;
        }
        if n.kind_name() == "string" && n.id() != except.id() && cx.text(n).contains(name) {
            return true;
        }
        stack.extend(named_children(n));
    }
    false
}

impl Rule for TestcaseMethodNotCollected {
    fn id(&self) -> &'static str {
        "testcase-method-not-collected"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Dispatched on the module: a call of the method anywhere in the
        // file makes it a helper, so a call added or removed in any
        // statement changes the finding (an incremental recheck reruns
        // `module` rules after every edit).
        &["module"]
    }
    fn scope(&self) -> super::Scope {
        // Calls from anywhere in the file count, and `TestCase` resolves through imports.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // A base is a test case only through a module-level import naming
        // one of `CASES` or a module above one, or a star import
        // (`check_class`): without either, no class here is one.
        if !crate::analysis::helpers::imports::may_name_any(cx, CASES) && cx.module.star_imports.is_empty() {
            return;
        }
        // The classes whose bases may name a test case: their text holds
        // `TestCase` (`unittest.TestCase`, `TestCase` from an import or a
        // star import, `case.IsolatedAsyncioTestCase`), unless an import
        // binds a case to another name (`TestCase as TC`): then every class.
        let renamed = cx.module.imports.iter().any(|(local, q)| CASES.contains(&q.as_str()) && !local.contains("TestCase"));
        if renamed {
            let src = cx.src.as_bytes();
            let keyword = |at: usize| {
                let ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80;
                !(at > 0 && ident(src[at - 1])) && src.get(at + 5).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\\' | b'\x0c'))
            };
            super::whole_file_nodes_where(node, cx, &["class"], &["class_definition"], keyword, |n| self.check_class_if_candidates(n, cx, out));
        } else {
            super::whole_file_nodes(node, cx, &["TestCase"], &["class_definition"], |n| self.check_class_if_candidates(n, cx, out));
        }
    }
}

/// The text pre-test, for a class without syntax errors: whether its text
/// holds a `def` whose header `check_class` keeps as a candidate: a name
/// that does not start with `test` or `_` and is not a hook, and one plain
/// parameter (`(self)`, `(self,)`, with white space and comments around).
/// A byte above ASCII in a header makes the answer yes.
fn may_have_candidate(text: &[u8]) -> bool {
    let ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    let word = |i: usize| {
        let mut j = i;
        while j < text.len() && ident(text[j]) {
            j += 1;
        }
        j
    };
    for at in memchr::memmem::find_iter(text, b"def") {
        if (at > 0 && ident(text[at - 1])) || text.get(at + 3).is_some_and(|&c| ident(c)) {
            continue;
        }
        let Some(from) = skip_extras(text, at + 3) else { return true };
        let to = word(from);
        let name = &text[from..to];
        if name.is_empty() || name.starts_with(b"test") || name.starts_with(b"_") || HOOKS.iter().any(|h| h.as_bytes() == name) {
            continue;
        }
        // `(`, a name, an optional `,`, `)`.
        let Some(i) = skip_extras(text, to) else { return true };
        if text.get(i) != Some(&b'(') {
            // Type parameters (`def f[T](self)`), or no `def` header.
            if text.get(i) == Some(&b'[') {
                return true;
            }
            continue;
        }
        let Some(p) = skip_extras(text, i + 1) else { return true };
        let q = word(p);
        if q == p {
            continue;
        }
        let Some(mut i) = skip_extras(text, q) else { return true };
        if text.get(i) == Some(&b',') {
            let Some(j) = skip_extras(text, i + 1) else { return true };
            i = j;
        }
        if text.get(i) == Some(&b')') {
            return true;
        }
    }
    false
}

impl TestcaseMethodNotCollected {
    /// `check_class` for a class whose text may hold a candidate method
    /// (`may_have_candidate`): most test cases hold only `test…` methods,
    /// hooks and helpers with arguments.
    fn check_class_if_candidates(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let passes = node.has_error() || may_have_candidate(cx.text(node).as_bytes());
        super::behind_pretest(passes, node, cx, out, |n, cx, out| self.check_class(n, cx, out));
    }

    fn check_class(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(sup) = node.child_by_field_id(crate::field_id!("superclasses")) else { return };
        // A base named through the imports can only be the case its
        // qualified name spells (`scope::refers_to`): one `resolves_to`
        // (below), and none for the bases no import names, unless a star
        // import may bring a bare name in (then any case).
        let bases: Vec<(Node, Option<&str>)> = code_children(sup)
            .into_iter()
            .filter_map(|b| match crate::analysis::scope::qualified_name(b, cx.src, &cx.module) {
                Some(q) => CASES.iter().find(|c| **c == q).map(|c| (b, Some(*c))),
                None => (b.kind_name() == "identifier" && !cx.module.star_imports.is_empty()).then_some((b, None)),
            })
            .collect();
        if bases.is_empty() {
            return;
        }
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        let methods: Vec<Node> = code_children(body)
            .into_iter()
            .filter_map(|s| match s.kind_name() {
                "function_definition" => Some(s),
                "decorated_definition" => s.child_by_field_id(crate::field_id!("definition")).filter(|d| d.kind_name() == "function_definition"),
                _ => None,
            })
            .collect();
        let names: Vec<&str> = methods.iter().filter_map(|m| m.child_by_field_id(crate::field_id!("name"))).map(|n| cx.text(n)).collect();
        // The methods unittest would not collect, by their headers alone,
        // before a base is resolved (`resolves_to` walks up and collects
        // scope bindings; most test cases have no such method).
        let mut candidates = Vec::new();
        for m in &methods {
            let Some(name_node) = m.child_by_field_id(crate::field_id!("name")) else { continue };
            let name = cx.text(name_node);
            if name.starts_with("test") || name.starts_with('_') || HOOKS.contains(&name) {
                continue;
            }
            // unittest calls test methods with no arguments: only `self`.
            let Some(params) = m.child_by_field_id(crate::field_id!("parameters")) else { continue };
            let ps = code_children(params);
            if ps.len() != 1 || ps[0].kind_name() != "identifier" {
                continue;
            }
            if m.up().is_some_and(|p| p.kind_name() == "decorated_definition") {
                continue;
            }
            candidates.push((*m, name_node, name, cx.text(ps[0])));
        }
        if candidates.is_empty() {
            return;
        }
        if !bases.iter().any(|&(b, case)| match case {
            Some(c) => resolves_to(b, cx, c),
            None => CASES.iter().any(|c| resolves_to(b, cx, c)),
        }) {
            return;
        }
        for (m, name_node, name, this) in candidates {
            if !has_self_assert(m, this, cx) {
                continue;
            }
            if used_elsewhere(cx.tree.root_node(), name, name_node, cx) {
                continue;
            }
            let mut f = Finding::new(self.id(), name_node.byte_range());
            let new = format!("test_{name}");
            if !names.contains(&new.as_str()) && !cx.src.contains(&new) {
                f = f.with_fix(Fix::unsafe_("rename-test", vec![Edit::replace(name_node.byte_range(), new)]));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_have_candidate as pretest;

    #[test]
    fn pretest_reads_candidate_headers() {
        assert!(pretest(b"class T(TestCase):\n    def check(self):\n        pass\n"));
        assert!(pretest(b"class T(TestCase):\n    async def check( self , ):\n        pass\n"));
        assert!(pretest(b"class T(TestCase):\n    def \\\n  check(  # why\n  self):\n        pass\n"));
        assert!(pretest(b"class T(TestCase):\n    def check[X](self):\n        pass\n"));
        assert!(pretest("class T(TestCase):\n    def v\u{e9}rifier(self):\n        pass\n".as_bytes()));
        // Only tests, hooks, private methods and helpers with arguments.
        assert!(!pretest(b"class T(TestCase):\n    def test_a(self):\n        pass\n    def setUp(self):\n        pass\n"));
        assert!(!pretest(b"class T(TestCase):\n    def _check(self):\n        pass\n    def check(self, x):\n        pass\n"));
        assert!(!pretest(b"class T(TestCase):\n    def check(self=None):\n        pass\n    undef(self)\n"));
    }
}
