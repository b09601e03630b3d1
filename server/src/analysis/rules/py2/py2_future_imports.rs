//! `py2-future-imports`: `from __future__ import print_function, division …`,
//! features that every Python 3 has switched on.

use super::prelude::*;

pub struct Py2FutureImports;

const ALWAYS_ON: &[&str] =
    &["absolute_import", "division", "print_function", "unicode_literals", "with_statement", "generators", "nested_scopes"];

impl Rule for Py2FutureImports {
    fn id(&self) -> &'static str {
        "py2-future-imports"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["future_import_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        let feature = |n: Node| -> &str {
            let base = if n.kind_name() == "aliased_import" { n.child_by_field_id(crate::field_id!("name")).unwrap_or(n) } else { n };
            cx.text(base)
        };
        let obsolete = |f: &str| ALWAYS_ON.contains(&f) || (f == "generator_stop" && cx.target_at_least(3, 7));
        let kept: Vec<Node> = names.iter().copied().filter(|n| !obsolete(feature(*n))).collect();
        if names.is_empty() || kept.len() == names.len() {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        let comment = syntax::has_comment_in(node, node.byte_range());
        if kept.is_empty() {
            if let Some(e) = edits::delete_statement(node, cx) {
                // At module level a lone statement never becomes `pass`.
                if e.new_text.is_empty() || node.up().is_some_and(|p| p.kind_name() == "block") {
                    f = f.with_fix(Fix::new("remove-import", Applicability::Safe, vec![e]));
                }
            }
        } else if !comment {
            let list: Vec<&str> = kept.iter().map(|n| cx.text(*n)).collect();
            let new = format!("from __future__ import {}", list.join(", "));
            f = f.with_fix(Fix::safe("remove-import", vec![Edit::replace(node.byte_range(), new)]));
        }
        out.push(f);
    }
}
