//! Searches of a file's text that module-level rules repeat on every
//! incremental recheck, answered from the last long text's answers.

use std::sync::Mutex;

/// Whether `text` may mention `name` (an identifier) as a whole word:
/// `Needle`'s reading, which errs wide (callers read a match as "may
/// mention `name`", their quiet side). For one search; a name searched for
/// in many texts is a `Needle` built once.
pub fn contains_word(text: &str, name: &str) -> bool {
    Needle::new(name).found_in(text.as_bytes())
}

/// A word searched for in texts (a rule's `sibling_needles`, a module-level
/// name an edit bound or unbound, a name a rule looks for): a needle of
/// ASCII letters, digits and `_` (a name, a keyword) as a whole word, any
/// other (`+=`, ` in `, a non-ASCII name) as bytes.
pub struct Needle {
    finder: memchr::memmem::Finder<'static>,
    word: bool,
}

impl Needle {
    pub fn new(needle: &str) -> Self {
        let word = !needle.is_empty() && needle.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric());
        Needle { finder: memchr::memmem::Finder::new(needle).into_owned(), word }
    }

    /// Whether `text` holds the needle. A word match is refused only when
    /// an ASCII letter, digit or `_` continues the word after it, or a name
    /// continues it before it: a run of them before it that starts with a
    /// digit ends a number (`[1for x in y]`, `1jfor`), and a non-ASCII
    /// character around it is read as a boundary. Both are the wider
    /// reading: the statement is revisited.
    pub fn found_in(&self, text: &[u8]) -> bool {
        if !self.word {
            return self.finder.find(text).is_some();
        }
        let joins = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
        let len = self.finder.needle().len();
        self.finder.find_iter(text).any(|at| {
            if text.get(at + len).is_some_and(|c| joins(*c)) {
                return false;
            }
            let mut start = at;
            while start > 0 && joins(text[start - 1]) {
                start -= 1;
            }
            start == at || text[start].is_ascii_digit()
        })
    }
}

/// Texts at least this long keep their answers for the next search.
const KEEP: usize = 32 * 1024;

/// Texts longer than this are searched in full every time: what is kept
/// (the text and every occurrence of every needle) grows with the text.
const KEEP_MAX: usize = 8 * 1024 * 1024;

/// The last long text searched, with the occurrences found in it.
struct Kept {
    text: String,
    /// Changes with `text`.
    generation: u64,
    found: Vec<(&'static str, Vec<usize>)>,
}

/// One check's record of the kept text: the generation it found equal to
/// its own text, so that its later searches need not compare 0.35 MB again.
#[derive(Default)]
pub struct Memo(std::cell::Cell<Option<u64>>);

static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

/// Where `needle` starts in `hay`, every occurrence (overlapping ones too),
/// offset by `base`; only starts below `before` (absolute).
fn scan(hay: &[u8], needle: &[u8], base: usize, before: usize, out: &mut Vec<usize>) {
    let finder = memchr::memmem::Finder::new(needle);
    let mut from = 0;
    while let Some(i) = finder.find(&hay[from..]) {
        let at = base + from + i;
        if at >= before {
            break;
        }
        out.push(at);
        from += i + 1;
    }
}

/// Every start of `needle` in `src` (overlapping occurrences included), in
/// order. On a long text (a 10,000-line file: six rules, each a search of
/// 0.35 MB per keystroke) the answers for the last text are kept, and
/// after an edit only the bytes between the common prefix and suffix of the
/// two texts (and a needle's length around them) are searched again. One
/// text is kept, for whichever thread asks; a thread that finds it busy
/// searches in full. Debug builds compare every answer with a full search.
pub fn occurrences(src: &str, needle: &'static str, memo: &Memo) -> Vec<usize> {
    with_occurrences(src, needle, memo, <[usize]>::to_vec)
}

/// `f` of the starts of `needle` in `src` (`occurrences`), without copying
/// the kept answers.
fn with_occurrences<R>(src: &str, needle: &'static str, memo: &Memo, f: impl FnOnce(&[usize]) -> R) -> R {
    let full = || {
        let mut out = Vec::new();
        scan(src.as_bytes(), needle.as_bytes(), 0, usize::MAX, &mut out);
        out
    };
    if src.len() < KEEP || src.len() > KEEP_MAX || needle.is_empty() {
        return f(&full());
    }
    let Ok(mut kept) = KEPT.try_lock() else { return f(&full()) };
    let k = kept.get_or_insert_with(|| Kept { text: String::new(), generation: 0, found: Vec::new() });
    if memo.0.get() != Some(k.generation) && k.text != src {
        let (old, new) = (k.text.as_bytes(), src.as_bytes());
        let p = common_prefix(old, new);
        let s = common_suffix(&old[p..], &new[p..]);
        let (old_end, new_end) = (old.len() - s, new.len() - s);
        if p + s < new.len() / 2 {
            // Another text (the next file of a `check`), not an edit of
            // this one: searching it again for every kept needle would
            // search for words no rule may ask about. Each needle asked is
            // searched once, below.
            k.found.clear();
        }
        for (n, hits) in k.found.iter_mut() {
            let len = n.len();
            // Untouched: an occurrence that ends within the prefix or
            // starts within the suffix.
            let keep_before = hits.partition_point(|&h| h + len <= p);
            let after = hits.partition_point(|&h| h < old_end);
            let mut next: Vec<usize> = hits[..keep_before].to_vec();
            let from = (p + 1).saturating_sub(len);
            let to = (new_end + len - 1).min(new.len());
            if from < to {
                scan(&new[from..to], n.as_bytes(), from, new_end, &mut next);
            }
            next.extend(hits[after..].iter().map(|&h| h - old_end + new_end));
            *hits = next;
        }
        k.text.clear();
        k.text.push_str(src);
        k.generation += 1;
    }
    memo.0.set(Some(k.generation));
    let at = match k.found.iter().position(|(n, _)| *n == needle) {
        Some(i) => i,
        None => {
            k.found.push((needle, full()));
            k.found.len() - 1
        }
    };
    let hits = &k.found[at].1;
    debug_assert_eq!(*hits, full(), "occurrences of {needle:?} kept across an edit differ from a full search");
    f(hits)
}

/// Whether `needle` occurs in `src` (`occurrences`, for a long text).
pub fn contains(src: &str, needle: &'static str, memo: &Memo) -> bool {
    if src.len() < KEEP || src.len() > KEEP_MAX {
        return memchr::memmem::find(src.as_bytes(), needle.as_bytes()).is_some();
    }
    with_occurrences(src, needle, memo, |hits| !hits.is_empty())
}

/// The length of the longest common prefix of `a` and `b` (compared a
/// block at a time, then a line, then bytes).
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    for chunk in [4096, 64, 1] {
        while i + chunk <= n && a[i..i + chunk] == b[i..i + chunk] {
            i += chunk;
        }
    }
    i
}

/// The length of the longest common suffix of `a` and `b`.
pub fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    for chunk in [4096, 64, 1] {
        while i + chunk <= n && a[la - i - chunk..la - i] == b[lb - i - chunk..lb - i] {
            i += chunk;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::{contains, occurrences, Memo, Needle};

    /// A name needle matches the name and the keyword as Python's tokenizer
    /// splits them (after a number too), not inside a longer name; any
    /// other needle matches as bytes.
    #[test]
    fn needles_match_whole_words_the_tokenizer_would_split() {
        let cases: &[(&str, &str, bool)] = &[
            ("wait", "await asyncio.wait(fs)", true),
            ("wait", "Awaitable = _alias(collections.abc.Awaitable, 1)", false),
            ("wait", "x = waiting + await_ + _wait", false),
            ("wait", "x = wait", true),
            ("wait", "wait", true),
            ("for", "[d[k] for k in d]", true),
            ("for", "[d[k]+1for k in d]", true),
            ("for", "[1jfor k in d]", true),
            ("for", "[0x1for k in d]", true),
            ("for", "x1for = former = for_ = _for = 2", false),
            ("for", "\"\"\"Support for typing\"\"\"", true),
            ("open", "f = éopen()", true),
            ("open", "f = opené()", true),
            ("Pool", "p = ThreadPoolExecutor()", false),
            ("ThreadPoolExecutor", "p = futures.ThreadPoolExecutor()", true),
            ("+=", "s+=x", true),
            (" in ", "if k in d:", true),
            (" in ", "if k in(d):", false),
        ];
        for &(needle, text, want) in cases {
            assert_eq!(Needle::new(needle).found_in(text.as_bytes()), want, "{needle:?} in {text:?}");
        }
    }

    /// Kept answers equal full searches across random edits of a long
    /// text, for needles that overlap themselves, meet at an edit's edges,
    /// or appear and vanish with it.
    #[test]
    fn kept_occurrences_follow_edits() {
        let mut text: String = (0..800).map(|i| format!("x{i} = iter(__call____call__) # range pyexplain:\n")).collect();
        let needles = ["__call__", "__", "range", "iter", "pyexplain:", "aa"];
        let mut seed: u64 = 0x5EED;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let pieces = ["", "_", "__", "a", "aa", "range", "__call__", "iter", "\n", "pyexplain", ":"];
        for _ in 0..150 {
            let at = rnd(text.len());
            let del = rnd(12).min(text.len() - at);
            let ins = pieces[rnd(pieces.len())];
            text.replace_range(at..at + del, ins);
            let memo = Memo::default();
            for n in needles {
                let want: Vec<usize> = (0..text.len()).filter(|&i| text.as_bytes()[i..].starts_with(n.as_bytes())).collect();
                assert_eq!(occurrences(&text, n, &memo), want, "{n:?}");
                assert_eq!(contains(&text, n, &memo), !want.is_empty(), "{n:?}");
            }
        }
    }
}

/// Skip stretches of white space, line continuations and comments (what
/// tree-sitter allows between tokens) from `i`; None at a byte above ASCII
/// (some Unicode spaces count too: unsure).
pub fn skip_extras(src: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match src.get(i) {
            Some(b' ' | b'\t' | b'\x0b' | b'\x0c' | b'\r' | b'\n' | b'\\') => i += 1,
            Some(b'#') => {
                while i < src.len() && !matches!(src[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            Some(&c) if c >= 0x80 => return None,
            _ => return Some(i),
        }
    }
}
