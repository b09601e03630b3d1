//! `default-parameter-order`: a parameter without a default after one with
//! a default, before any `*` or `*args` (`def f(x=1, y)`), which Python
//! refuses to compile ("parameter without a default follows parameter with
//! a default"; before 3.12 "non-default argument follows default
//! argument"). Keyword-only parameters, after `*` or `*args`, need no
//! default.

use super::prelude::*;

pub struct DefaultParameterOrder;

impl Rule for DefaultParameterOrder {
    fn id(&self) -> &'static str {
        "default-parameter-order"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["parameters", "lambda_parameters"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // No default value at all (no `=` in the text): nothing to order.
        if memchr::memchr(b'=', cx.src.as_bytes().get(node.byte_range()).unwrap_or_default()).is_none() || node.has_error() {
            return;
        }
        let mut defaulted = false;
        for p in named_children(node) {
            match p.kind_name() {
                "default_parameter" | "typed_default_parameter" => defaulted = true,
                "identifier" | "typed_parameter" if defaulted => {
                    // `typed_parameter` also wraps `*args: T` and `**kw: T`.
                    if p.named_child(0).is_some_and(|c| c.kind_name() != "identifier") {
                        return;
                    }
                    out.push(Finding::new(self.id(), p.byte_range()));
                    return;
                }
                "list_splat_pattern" | "keyword_separator" | "dictionary_splat_pattern" => return,
                _ => {}
            }
        }
    }
}
