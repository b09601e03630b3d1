//! `open-positional-encoding`: `open(path, encoding)`, where the second
//! positional argument (the mode) is clearly an encoding.

use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::calls::is_positional;
use crate::analysis::helpers::calls::keyword;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct OpenPositionalEncoding;

/// Common codec names, lower-case without `-` and `_`.
const CODECS: &[&str] = &[
    "utf8", "utf16", "utf32", "utf8sig", "utf16le", "utf16be", "utf32le", "utf32be", "ascii", "usascii", "latin1",
    "latin", "iso88591", "iso885915", "iso88592", "cp1252", "cp1251", "cp1250", "cp437", "cp850", "cp932", "windows1252",
    "windows1251", "shiftjis", "sjis", "eucjp", "euckr", "gbk", "gb2312", "gb18030", "big5", "koi8r", "koi8u", "mbcs",
    "utf7", "macroman",
];

fn is_encoding_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(n.as_str(), "encoding" | "enc" | "charset" | "codec" | "coding" | "file_encoding" | "fileencoding")
        || n.ends_with("_encoding")
        || n.ends_with("_enc")
        || n.ends_with("_charset")
}

/// Whether the expression is evidently an encoding rather than a mode.
fn looks_like_encoding(n: Node, cx: &Context) -> bool {
    match n.kind_name() {
        "identifier" => is_encoding_name(cx.text(n)),
        "attribute" => n.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| is_encoding_name(cx.text(a))),
        // `locale.getpreferredencoding()`, `sys.getfilesystemencoding()`
        "call" => n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            let t = cx.text(f);
            let last = t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
            last.starts_with("get") && last.ends_with("encoding")
        }),
        "string" => {
            let kids = named_children(n);
            if kids.iter().any(|c| c.kind_name() == "interpolation") {
                return false;
            }
            let content: String = kids.iter().filter(|c| c.kind_name() == "string_content").map(|c| cx.text(*c)).collect();
            let norm: String = content.to_ascii_lowercase().chars().filter(|c| *c != '-' && *c != '_').collect();
            CODECS.contains(&norm.as_str())
        }
        _ => false,
    }
}

impl Rule for OpenPositionalEncoding {
    fn id(&self) -> &'static str {
        "open-positional-encoding"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["open"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        let is_open = (func.kind_name() == "identifier" && scope::refers_to(func, cx.src, &cx.module, "open"))
            || refers_to_import(func, cx, "io.open")
            || refers_to_import(func, cx, "codecs.open");
        if !is_open {
            return;
        }
        let Some(args) = call_args(node) else { return };
        let positional: Vec<Node> = args.iter().copied().take_while(|a| is_positional(*a)).collect();
        if positional.len() < 2 || !looks_like_encoding(positional[1], cx) {
            return;
        }
        let mut f = Finding::new(self.id(), positional[1].byte_range());
        // Only `open(path, enc, <keywords>)` can take the encoding as a keyword.
        if positional.len() == 2
            && args.iter().all(|a| a.kind_name() == "keyword_argument" || positional.iter().any(|p| p.id() == a.id()))
            && keyword(&args, "encoding", cx).is_none()
            && keyword(&args, "mode", cx).is_none()
            && !syntax::has_comment_in(positional[1], positional[1].byte_range())
        {
            let r = positional[1].byte_range();
            f = f.with_fix(Fix::unsafe_("keyword-encoding", vec![Edit::insert(r.start, "encoding=")]));
        }
        out.push(f);
    }
}
