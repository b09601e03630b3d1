//! `positional-after-keyword`: in a call (or a class's bases, or a
//! decorator's call), a positional argument after a keyword argument
//! (`f(x=1, 2)`) or after `**mapping`, or `*iterable` after `**mapping`,
//! which Python refuses to compile ("positional argument follows keyword
//! argument", "… follows keyword argument unpacking", "iterable argument
//! unpacking follows keyword argument unpacking"). `*iterable` after a
//! keyword argument is allowed.

use super::prelude::*;

pub struct PositionalAfterKeyword;

impl Rule for PositionalAfterKeyword {
    fn id(&self) -> &'static str {
        "positional-after-keyword"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["argument_list"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Every call comes here: most pass at most one argument, or no
        // keyword argument and no `**` at all (no `=` in their text).
        if node.named_child_count() < 2 {
            return;
        }
        // Something must follow the first keyword argument or `**`: a `,`
        // after the first `=` or `**` of the text.
        let text = cx.src.as_bytes().get(node.byte_range()).unwrap_or_default();
        let first = match (memchr::memchr(b'=', text), memchr::memmem::find(text, b"**")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return,
        };
        if memchr::memchr(b',', &text[first..]).is_none() {
            return;
        }
        if node.has_error() {
            return;
        }
        let (mut keyword, mut unpacked) = (false, false);
        // Comments and line continuations (`\` at a line's end) are extras,
        // not arguments.
        for a in named_children(node).into_iter().filter(|a| !a.is_extra()) {
            match a.kind_name() {
                "keyword_argument" => keyword = true,
                "dictionary_splat" => unpacked = true,
                "list_splat" if unpacked => {
                    out.push(Finding::new(self.id(), a.byte_range()));
                    return;
                }
                "list_splat" => {}
                _ if keyword || unpacked => {
                    out.push(Finding::new(self.id(), a.byte_range()));
                    return;
                }
                _ => {}
            }
        }
    }
}
