//! `pkg-resources-entry-points`: `pkg_resources.iter_entry_points(group)`,
//! which `importlib.metadata.entry_points(group=...)` replaces.

use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::calls::is_positional;
use crate::analysis::helpers::imports::module_attr;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct PkgResourcesEntryPoints;

impl Rule for PkgResourcesEntryPoints {
    fn id(&self) -> &'static str {
        "pkg-resources-entry-points"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["iter_entry_points"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        if !refers_to_import(func, cx, "pkg_resources.iter_entry_points") {
            return;
        }
        let Some(args) = call_args(node) else { return };
        let mut f = Finding::new(self.id(), node.byte_range());
        // iter_entry_points(group, name=None)
        let mut parts = Vec::new();
        let mut ok = !args.is_empty() && args.len() <= 2;
        for (i, a) in args.iter().enumerate() {
            if is_positional(*a) {
                parts.push(format!("{}={}", ["group", "name"][i.min(1)], cx.text(*a)));
            } else if a.kind_name() == "keyword_argument"
                && a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| matches!(cx.text(n), "group" | "name"))
            {
                parts.push(cx.text(*a).to_string());
            } else {
                ok = false;
            }
        }
        if ok && cx.target_at_least(3, 10) && !syntax::has_comment_in(node, node.byte_range()) {
            if let Some((ep, import)) = module_attr(cx, "importlib.metadata", "entry_points") {
                let mut edits = vec![Edit::replace(node.byte_range(), format!("{ep}({})", parts.join(", ")))];
                edits.extend(import);
                f = f.with_fix(Fix::unsafe_("importlib-metadata", edits));
            }
        }
        out.push(f);
    }
}
