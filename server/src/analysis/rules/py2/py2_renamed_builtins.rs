//! `py2-renamed-builtins`: calls to `xrange()` and `raw_input()`, which
//! Python 3 renamed to `range()` and `input()`.

use super::prelude::*;

pub struct Py2RenamedBuiltins;

impl Rule for Py2RenamedBuiltins {
    fn id(&self) -> &'static str {
        "py2-renamed-builtins"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["xrange", "raw_input"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "identifier") else { return };
        let name = cx.text(func);
        let new = match name {
            "xrange" => "range",
            "raw_input" => "input",
            _ => return,
        };
        if scope::is_shadowed(name, func, cx.src, &cx.module) || compat::in_compat_guard(node, cx.src) {
            return;
        }
        let mut f = Finding::new(self.id(), func.byte_range());
        if !scope::is_shadowed(new, func, cx.src, &cx.module) {
            f = f.with_fix(Fix::safe("rename", vec![Edit::replace(func.byte_range(), new)]));
        }
        out.push(f);
    }
}
