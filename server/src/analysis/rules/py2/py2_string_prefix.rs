//! `py2-string-prefix`: `u"…"` (redundant), `ur"…"` (a syntax error in
//! Python 3) and Python 2 backtick repr `` `x` ``.

use super::prelude::*;

pub struct Py2StringPrefix;

impl Rule for Py2StringPrefix {
    fn id(&self) -> &'static str {
        "py2-string-prefix"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["string"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // A string starts with its `string_start`: only a backquote or a
        // `u`/`U` prefix can be reported (a byte test before the children
        // are read; this runs on every string).
        if !matches!(cx.text(node).as_bytes().first(), Some(b'u' | b'U' | b'`')) {
            return;
        }
        let Some(start) = node.child(0).filter(|c| c.kind_name() == "string_start") else { return };
        let st = cx.text(start);
        if st == "`" {
            let Some(end) = node.child(node.child_count().saturating_sub(1) as u32).filter(|c| c.kind_name() == "string_end") else {
                return;
            };
            let inner = cx.src.get(start.end_byte()..end.start_byte()).unwrap_or("");
            let mut f = Finding::new(self.id(), node.byte_range());
            if !inner.trim().is_empty() && !inner.contains('`') && !inner.contains('#') {
                f = f.with_fix(Fix::safe("repr-call", vec![Edit::replace(node.byte_range(), format!("repr({})", inner.trim()))]));
            }
            out.push(f);
            return;
        }
        let prefix: String = st.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let lower = prefix.to_ascii_lowercase();
        if lower != "u" && lower != "ur" {
            return;
        }
        let u = node.start_byte();
        let body = syntax::text(node, cx.src);
        // Python 2 still decoded \u and \U escapes in ur"" literals; a raw
        // Python 3 string keeps them as two characters.
        let applicability =
            if lower == "ur" && (body.contains("\\u") || body.contains("\\U")) { Applicability::Unsafe } else { Applicability::Safe };
        out.push(
            Finding::new(self.id(), start.byte_range())
                .with_fix(Fix::new("remove-prefix", applicability, vec![Edit::delete(u..u + 1)])),
        );
    }
}
