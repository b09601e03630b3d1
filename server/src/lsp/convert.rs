//! Byte offsets ⇄ LSP positions, in the negotiated encoding.

use crate::document::Document;
use crate::line_index::Encoding;
use std::ops::Range as ByteRange;
use tower_lsp_server::ls_types::{Position, Range};

pub fn offset(doc: &Document, pos: Position, enc: Encoding) -> usize {
    doc.line_index.offset(&doc.text, pos.line as usize, pos.character as usize, enc)
}

pub fn position(doc: &Document, offset: usize, enc: Encoding) -> Position {
    let (l, c) = doc.line_index.position(&doc.text, offset, enc);
    Position::new(l as u32, c as u32)
}

pub fn range(doc: &Document, r: &ByteRange<usize>, enc: Encoding) -> Range {
    Range::new(position(doc, r.start, enc), position(doc, r.end, enc))
}

pub fn byte_range(doc: &Document, r: Range, enc: Encoding) -> ByteRange<usize> {
    let a = offset(doc, r.start, enc);
    let b = offset(doc, r.end, enc);
    a.min(b)..a.max(b)
}
