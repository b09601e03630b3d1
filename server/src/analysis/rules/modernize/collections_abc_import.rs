//! `collections-abc-import`: abstract base classes taken from `collections`
//! (`from collections import Mapping`, `collections.Iterable`), aliases
//! removed in Python 3.10; they live in `collections.abc`.

use super::prelude::*;

pub struct CollectionsAbcImport;

const ABCS: &[&str] = &[
    "Awaitable", "Coroutine", "AsyncIterable", "AsyncIterator", "AsyncGenerator", "Hashable", "Iterable", "Iterator",
    "Generator", "Reversible", "Sized", "Container", "Callable", "Collection", "Set", "MutableSet", "Mapping",
    "MutableMapping", "MappingView", "KeysView", "ItemsView", "ValuesView", "Sequence", "MutableSequence", "ByteString",
];

impl Rule for CollectionsAbcImport {
    fn id(&self) -> &'static str {
        "collections-abc-import"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["import_from_statement", "attribute"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Cheap tests first: the compatibility-guard search walks ancestors.
        if node.kind_name() == "attribute" {
            // An attribute's text ends with its name: most end with none of
            // the ABCs, which a byte comparison tells before the two field
            // lookups (this runs on every attribute of the file).
            let t = cx.text(node).as_bytes();
            if !ABCS.iter().any(|a| t.ends_with(a.as_bytes())) {
                return;
            }
            let (Some(obj), Some(attr)) = (node.child_by_field_id(crate::field_id!("object")), node.child_by_field_id(crate::field_id!("attribute"))) else {
                return;
            };
            if !ABCS.contains(&cx.text(attr)) || obj.kind_name() != "identifier" {
                return;
            }
            if scope::qualified_name(obj, cx.src, &cx.module).as_deref() != Some("collections") {
                return;
            }
            // Leave assignments to the module attribute alone.
            if node.up().is_some_and(|p| p.kind_name() == "assignment" && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == node.id())) {
                return;
            }
            if compat::in_compat_guard(node, cx.src) {
                return;
            }
            let mut edits = vec![Edit::insert(obj.end_byte(), ".abc")];
            if !cx.module.imported_modules.contains("collections.abc") {
                edits.push(cx.import_edit("import collections.abc"));
            }
            out.push(Finding::new(self.id(), node.byte_range()).with_fix(Fix::safe("import-from-abc", edits)));
            return;
        }
        let Some(module) = node.child_by_field_id(crate::field_id!("module_name")).filter(|m| m.kind_name() == "dotted_name") else { return };
        if cx.text(module) != "collections" {
            return;
        }
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        let base = |n: Node| -> &str {
            let b = if n.kind_name() == "aliased_import" { n.child_by_field_id(crate::field_id!("name")).unwrap_or(n) } else { n };
            cx.text(b)
        };
        let (abcs, others): (Vec<Node>, Vec<Node>) = names.iter().partition(|n| ABCS.contains(&base(**n)));
        if abcs.is_empty() || compat::in_compat_guard(node, cx.src) {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        if others.is_empty() {
            f = f.with_fix(Fix::safe("import-from-abc", vec![Edit::replace(module.byte_range(), "collections.abc")]));
        } else if edits::starts_line(cx.src, node.start_byte())
            && !syntax::has_comment_in(node, node.byte_range())
            && named_children(node).iter().all(|c| c.kind_name() != "wildcard_import")
        {
            let nl = syntax::newline_of(cx.src);
            let indent = syntax::indent_at(cx.src, node.start_byte());
            let join = |v: &[Node]| v.iter().map(|n| cx.text(*n)).collect::<Vec<_>>().join(", ");
            let new = format!("from collections import {}{nl}{indent}from collections.abc import {}", join(&others), join(&abcs));
            f = f.with_fix(Fix::safe("import-from-abc", vec![Edit::replace(node.byte_range(), new)]));
        }
        out.push(f);
    }
}
