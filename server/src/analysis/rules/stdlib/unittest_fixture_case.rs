//! `unittest-fixture-case`: a `unittest.TestCase` method named `setup`,
//! `tear_down`, `setUpclass` … that unittest never calls, because its hooks
//! are spelled `setUp`, `tearDown`, `setUpClass`, `tearDownClass`.

use crate::analysis::helpers::definitions::class_of_method;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct UnittestFixtureCase;

/// (hook, is a classmethod)
const HOOKS: &[(&str, bool)] = &[
    ("setUp", false),
    ("tearDown", false),
    ("asyncSetUp", false),
    ("asyncTearDown", false),
    ("setUpClass", true),
    ("tearDownClass", true),
];

/// Whether `a` and `b` are the same name but for underscores and ASCII
/// case (compared char by char: this runs on every function, and building
/// the two lowercased strings cost a tenth of a percent of `check`).
fn same_but_case(a: &str, b: &str) -> bool {
    a.chars().filter(|c| *c != '_').map(|c| c.to_ascii_lowercase()).eq(b.chars().filter(|c| *c != '_').map(|c| c.to_ascii_lowercase()))
}

const TEST_CASES: &[&str] = &[
    "unittest.TestCase",
    "unittest.IsolatedAsyncioTestCase",
    "unittest.case.TestCase",
    "unittest.async_case.IsolatedAsyncioTestCase",
];

fn is_test_case(class: Node, cx: &Context) -> bool {
    let Some(supers) = class.child_by_field_id(crate::field_id!("superclasses")) else { return false };
    named_children(supers).into_iter().any(|b| TEST_CASES.iter().any(|q| refers_to_import(b, cx, q)))
}

impl Rule for UnittestFixtureCase {
    fn id(&self) -> &'static str {
        "unittest-fixture-case"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Dispatched on the module: a method called anywhere in the file
        // (`self.setup()`) is a deliberate helper, so a call added or
        // removed in any statement changes the finding (an incremental
        // recheck reruns `module` rules after every edit). The methods it
        // reports are the `def`s named like a hook (`hook_like_def`).
        &["module"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // A finding's class has a base that names a test case through the
        // module's imports (`is_test_case`): without such an import, none.
        if !crate::analysis::helpers::imports::may_name_any(cx, TEST_CASES) {
            return;
        }
        super::whole_file_nodes_where(node, cx, &["def"], &["function_definition"], |at| hook_like_def(cx.src, at), |n| {
            self.check_def(n, cx, out)
        });
    }
}

/// Whether the `def` at byte `at` is the keyword, followed by a name that
/// differs from a hook only in case and underscores.
fn hook_like_def(src: &str, at: usize) -> bool {
    // This runs at every `def` of the file on every keystroke: most are
    // rejected by their first letter (past underscores, as `same_but_case`
    // compares) or their length, before the name is compared with a hook.
    let b = src.as_bytes();
    let ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80;
    if at > 0 && ident(b[at - 1]) {
        return false;
    }
    let mut i = at + 3;
    if !(i < b.len() && matches!(b[i], b' ' | b'\t' | b'\\' | b'\x0c')) {
        return false;
    }
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\x0c' | b'\\' | b'\r' | b'\n') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i] == b'_' {
        i += 1;
    }
    if !matches!(b.get(i).map(u8::to_ascii_lowercase), Some(b's' | b't' | b'a')) {
        return false;
    }
    let mut letters = 0;
    while i < b.len() && ident(b[i]) {
        letters += usize::from(b[i] != b'_');
        i += 1;
    }
    matches!(letters, 5 | 8 | 10 | 13) && src.get(start..i).is_some_and(|name| HOOKS.iter().any(|(h, _)| same_but_case(h, name) && *h != name))
}

impl UnittestFixtureCase {
    fn check_def(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(name_node) = node.child_by_field_id(crate::field_id!("name")) else { return };
        let name = cx.text(name_node);
        let Some(&(hook, class_level)) = HOOKS.iter().find(|(h, _)| same_but_case(h, name) && *h != name) else { return };
        let Some(class) = class_of_method(node) else { return };
        if !is_test_case(class, cx) {
            return;
        }
        // The hook kind must match: setUpClass is a classmethod, setUp is not.
        if syntax::has_decorator(node, cx.src, &["classmethod"]) != class_level {
            return;
        }
        if name.starts_with("async") != (node.child(0).is_some_and(|c| c.kind_name() == "async")) {
            return;
        }
        // Only `self` / `cls`: a method with more parameters is a helper.
        let params = node.child_by_field_id(crate::field_id!("parameters")).map(named_children).unwrap_or_default();
        if params.iter().filter(|p| p.kind_name() != "comment").count() != 1 {
            return;
        }
        // A helper called explicitly (`self.setup()`), or a class that
        // defines the real hook too, is deliberate.
        if bindings::used_besides_defs(cx.src, name) {
            return;
        }
        let body = class.child_by_field_id(crate::field_id!("body"));
        let defines_hook = body.is_some_and(|b| {
            named_children(b).into_iter().any(|s| {
                let d = if s.kind_name() == "decorated_definition" { s.child_by_field_id(crate::field_id!("definition")) } else { Some(s) };
                d.and_then(|d| d.child_by_field_id(crate::field_id!("name"))).is_some_and(|n| cx.text(n) == hook)
            })
        });
        if defines_hook {
            return;
        }
        let f = Finding::new(self.id(), name_node.byte_range())
            .with_fix(Fix::unsafe_("rename", vec![Edit::replace(name_node.byte_range(), hook)]));
        out.push(f);
    }
}
