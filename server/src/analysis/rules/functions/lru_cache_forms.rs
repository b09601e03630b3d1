//! `lru-cache-forms`: `@lru_cache()` with empty parentheses (3.8+: plain
//! `@lru_cache`) and `@lru_cache(maxsize=None)` (3.9+: `@cache`).

use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::imports::module_attr;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct LruCacheForms;

impl Rule for LruCacheForms {
    fn id(&self) -> &'static str {
        "lru-cache-forms"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["decorator"]
    }
    fn min_python(&self) -> (u8, u8) {
        (3, 8)
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(call) = node.named_child(0).filter(|c| c.kind_name() == "call") else { return };
        let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return };
        if !refers_to_import(func, cx, "functools.lru_cache") {
            return;
        }
        let Some(args) = call_args(call) else { return };
        let Some(arglist) = call.child_by_field_id(crate::field_id!("arguments")) else { return };
        let commented = syntax::has_comment_in(call, call.byte_range());
        if args.is_empty() {
            let mut f = Finding::new(self.id(), call.byte_range());
            if !commented {
                f = f.with_fix(Fix::safe("remove-parentheses", vec![Edit::delete(arglist.byte_range())]));
            }
            out.push(f);
            return;
        }
        if !cx.target_at_least(3, 9) || args.len() != 1 || args[0].kind_name() != "keyword_argument" {
            return;
        }
        let (Some(name), Some(value)) = (args[0].child_by_field_id(crate::field_id!("name")), args[0].child_by_field_id(crate::field_id!("value"))) else { return };
        if cx.text(name) != "maxsize" || value.kind_name() != "none" {
            return;
        }
        let mut f = Finding::new(self.id(), call.byte_range());
        if !commented {
            // Spell `cache` the way `lru_cache` was spelled: `ft.lru_cache` → `ft.cache`.
            let fix = if func.kind_name() == "attribute" {
                func.child_by_field_id(crate::field_id!("object"))
                    .map(|o| (format!("{}.cache", cx.text(o)), None))
            } else {
                module_attr(cx, "functools", "cache")
            };
            if let Some((cache, import)) = fix {
                let mut edits = vec![Edit::replace(call.byte_range(), cache)];
                edits.extend(import);
                f = f.with_fix(Fix::safe("use-cache", edits));
            }
        }
        out.push(f);
    }
}
