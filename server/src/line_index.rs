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

    /// Update the index after `text[start..old_end]` was replaced, `text`
    /// being the new text and `new_end` the end of the inserted part.
    /// Rescans only the lines the edit touched and shifts the rest (a
    /// keystroke in a 10,000-line file should not rescan the file).
    pub fn edit(&mut self, text: &str, start: usize, old_end: usize, new_end: usize) {
        let bytes = text.as_bytes();
        let delta = new_end as isize - old_end as isize;
        // From the line before the edit (a `\r` just before `start` may pair
        // with an inserted `\n`).
        let a = self.line_of(start).saturating_sub(1);
        // Line starts strictly after old_end + 1 follow unchanged text.
        let tail_from = self.starts.partition_point(|&s| s <= old_end + 1);
        let tail: Vec<usize> = self.starts[tail_from..].iter().map(|&s| (s as isize + delta) as usize).collect();
        let stop = tail.first().copied().unwrap_or(bytes.len() + 1);
        self.starts.truncate(a + 1);
        let mut i = self.starts[a];
        while i < bytes.len() && i < stop {
            match bytes[i] {
                b'\n' => {
                    if i + 1 < stop {
                        self.starts.push(i + 1);
                    }
                }
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    if i + 1 < stop {
                        self.starts.push(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.starts.extend(tail);
        self.len = bytes.len();
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

    #[test]
    fn edits_keep_the_index_equal_to_a_fresh_one() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let pieces = ["\n", "\r", "\r\n", "a", "bc", "\n\n", "é", "😀", ""];
        let mut text = String::from("one\r\ntwo\rthree\nfour\n");
        let mut idx = LineIndex::new(&text);
        for _ in 0..5000 {
            let mut start = rnd(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + rnd(4)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let ins: String = (0..rnd(3)).map(|_| pieces[rnd(pieces.len())]).collect();
            text.replace_range(start..end, &ins);
            idx.edit(&text, start, end, start + ins.len());
            let fresh = LineIndex::new(&text);
            assert_eq!(idx.starts, fresh.starts, "{text:?}");
            assert_eq!(idx.len, fresh.len);
        }
    }
}
