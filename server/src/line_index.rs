//! Byte offsets ⇄ (line, column) in the three encodings the project speaks:
//! UTF-8 and UTF-16 code units (LSP) and Unicode code points (the CLI).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says.
//! Every conversion clamps: a position past the end of a line or of the text
//! lands on the nearest valid offset, never panics.

/// How a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    CodePoints,
}

/// Start offsets of every line of a text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts, len: bytes.len() }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line containing `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where `line` starts (clamped to the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte offset where the content of `line` ends (before its line break).
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = text.as_bytes();
        let mut end = next.min(b.len());
        if end > self.line_start(line) && end <= b.len() && end > 0 && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > self.line_start(line) && end > 0 && b[end - 1] == b'\r' {
            end -= 1;
        }
        end.max(self.line_start(line))
    }

    /// (line, column) of `offset`, the column counted in `enc`.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = column_width(&text[start..offset], enc);
        (line, col)
    }

    /// Byte offset of (line, column), clamped: a column past the end of the
    /// line gives the line's end; a line past the end gives the text's end.
    pub fn offset(&self, text: &str, line: usize, col: usize, enc: Encoding) -> usize {
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(text, line);
        let slice = &text[start..end];
        if enc == Encoding::Utf8 {
            let mut o = col.min(slice.len());
            while !slice.is_char_boundary(o) {
                o -= 1;
            }
            return start + o;
        }
        let mut units = 0;
        for (i, ch) in slice.char_indices() {
            if units >= col {
                return start + i;
            }
            units += match enc {
                Encoding::Utf16 => ch.len_utf16(),
                _ => 1,
            };
            if units > col {
                // Inside a surrogate pair: land on the character's start.
                return start + i;
            }
        }
        end
    }
}

/// Width of `s` in the units of `enc`.
pub fn column_width(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        Encoding::CodePoints => s.chars().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_every_encoding() {
        let text = "a = '😀'\r\nb = '漢字'\rc\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::CodePoints] {
            for (o, _) in text.char_indices() {
                let (l, c) = idx.position(text, o, enc);
                let back = idx.offset(text, l, c, enc);
                // `\r\n` is one line break: the `\n` maps to the end of its line.
                if !text[o..].starts_with('\n') {
                    assert_eq!(back, o, "{enc:?} offset {o}");
                }
            }
        }
        let emoji_end = text.find("😀").unwrap() + 4;
        assert_eq!(idx.position(text, emoji_end, Encoding::Utf16), (0, 7));
        assert_eq!(idx.position(text, emoji_end, Encoding::CodePoints), (0, 6));
        assert_eq!(idx.position(text, emoji_end, Encoding::Utf8), (0, 9));
    }

    #[test]
    fn clamps_past_the_end() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(text, 0, 99, Encoding::Utf16), 2);
        assert_eq!(idx.offset(text, 9, 0, Encoding::Utf16), 5);
        assert_eq!(idx.position(text, 99, Encoding::Utf16), (1, 2));
        // A column inside a surrogate pair lands on the character.
        let t = "😀x";
        let i = LineIndex::new(t);
        assert_eq!(i.offset(t, 0, 1, Encoding::Utf16), 0);
        assert_eq!(i.offset(t, 0, 2, Encoding::Utf16), 4);
    }
}
