//! `bare-except`: `except:` with no exception type.

use super::prelude::*;

pub struct BareExcept;

impl Rule for BareExcept {
    fn id(&self) -> &'static str {
        "bare-except"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["except_clause"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        let mut cursor = node.walk();
        let kids: Vec<Node> = node.children(&mut cursor).collect();
        let Some(kw) = kids.first().filter(|k| k.kind_name() == "except") else { return };
        // `except:` has only the keyword, the colon, comments and the block.
        if kids.iter().skip(1).any(|c| !matches!(c.kind_name(), ":" | "block" | "comment")) {
            return;
        }
        // `except: cleanup(); raise` re-raises everything: it hides nothing.
        if kids.iter().find(|c| c.kind_name() == "block").is_some_and(|b| {
            crate::syntax::named_children(*b)
                .iter()
                .any(|s| s.kind_name() == "raise_statement" && s.named_child_count() == 0)
        }) {
            return;
        }
        out.push(
            Finding::new(self.id(), kw.byte_range())
                .with_fix(Fix::unsafe_("except-exception", vec![Edit::insert(kw.end_byte(), " Exception")])),
        );
    }
}
