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

/// The whole lines an LSP range touches, as a byte range from the start of
/// its first line to the start of the line after its last (or the end of
/// the text): a cursor anywhere on a line asks about that line.
pub fn line_span(doc: &Document, r: Range, enc: Encoding) -> ByteRange<usize> {
    let b = byte_range(doc, r, enc);
    let first = doc.line_index.line_of(b.start);
    let last = doc.line_index.line_of(b.end);
    doc.line_index.line_start(first)..doc.line_index.line_start(last + 1).max(b.end)
}

/// Whether a finding's byte range lies on the lines of `span` (see `line_span`).
pub fn on_lines(f: &ByteRange<usize>, span: &ByteRange<usize>) -> bool {
    f.start < span.end.max(span.start + 1) && (f.end > span.start || f.start >= span.start)
}
