//! `profile-module`: importing the pure-Python `profile` module where
//! `cProfile` offers the same interface with far less overhead.

use super::prelude::*;

pub struct ProfileModule;

impl Rule for ProfileModule {
    fn id(&self) -> &'static str {
        "profile-module"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["import_statement", "import_from_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if compat::in_compat_guard(node, cx.src) {
            return;
        }
        if node.kind_name() == "import_statement" {
            for c in named_children(node) {
                let (name, aliased) = match c.kind_name() {
                    "dotted_name" => (c, false),
                    "aliased_import" => match c.child_by_field_id(crate::field_id!("name")) {
                        Some(n) => (n, true),
                        None => continue,
                    },
                    _ => continue,
                };
                if cx.text(name) != "profile" {
                    continue;
                }
                let new = if aliased { "cProfile" } else { "cProfile as profile" };
                out.push(
                    Finding::new(self.id(), name.byte_range())
                        .with_fix(Fix::unsafe_("use-cprofile", vec![Edit::replace(name.byte_range(), new)])),
                );
            }
            return;
        }
        let Some(module) = node.child_by_field_id(crate::field_id!("module_name")).filter(|m| m.kind_name() == "dotted_name") else { return };
        if cx.text(module) != "profile" {
            return;
        }
        let mut cursor = node.walk();
        let shared = node.children_by_field_name("name", &mut cursor).all(|n| {
            let base = if n.kind_name() == "aliased_import" { n.child_by_field_id(crate::field_id!("name")).unwrap_or(n) } else { n };
            matches!(cx.text(base), "run" | "runctx" | "Profile")
        });
        let wildcard = named_children(node).iter().any(|c| c.kind_name() == "wildcard_import");
        let mut f = Finding::new(self.id(), module.byte_range());
        if shared || wildcard {
            f = f.with_fix(Fix::unsafe_("use-cprofile", vec![Edit::replace(module.byte_range(), "cProfile")]));
        }
        out.push(f);
    }
}
