//! `repeated-keyword-argument`: the same keyword argument twice in one
//! call, class bases or decorator call (`f(x=1, x=2)`), which Python
//! refuses to compile ("keyword argument repeated: x"). A name that comes
//! once by keyword and again from `**mapping` fails only when the call
//! runs, and is not claimed.

use super::prelude::*;

pub struct RepeatedKeywordArgument;

impl Rule for RepeatedKeywordArgument {
    fn id(&self) -> &'static str {
        "repeated-keyword-argument"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["argument_list"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Every call comes here: it needs two keyword arguments, so two `=`.
        if node.named_child_count() < 2 || memchr::memchr_iter(b'=', cx.src.as_bytes().get(node.byte_range()).unwrap_or_default()).nth(1).is_none() {
            return;
        }
        if node.has_error() {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for a in named_children(node) {
            if a.kind_name() != "keyword_argument" {
                continue;
            }
            let Some(name) = a.child_by_field_id(crate::field_id!("name")) else { continue };
            let name_text = cx.text(name);
            if seen.contains(&name_text) {
                out.push(Finding::new(self.id(), name.byte_range()));
                return;
            }
            seen.push(name_text);
        }
    }
}
