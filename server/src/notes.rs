//! The user's own notes: folders of Markdown files whose Python code blocks
//! are indexed by the constructs (topic ids, as the hover resolver finds
//! them) and the findings (rule ids) they show, so that a hover can link to
//! the section of the notes that shows the construct under the cursor.
//!
//! - A section is a Markdown heading (`#` … `######`, outside code fences)
//!   and the text up to the next heading; text before the first heading is a
//!   section titled by the file name. Only sections with at least one
//!   ```python block (also `py`, `python3`, `pycon`-free) are indexed.
//! - Each block is parsed with tree-sitter (never executed); the topic of
//!   every token is resolved as a hover would, and the rules that are on by
//!   default are run on it. A block that does not parse is skipped with a
//!   message; so are a file over `MAX_NOTE_BYTES`, invalid UTF-8 and an
//!   unreadable file. Nothing here panics on any input.
//! - A section is *about* a topic it shows when its heading or its first
//!   paragraph names the topic: a keyword, a name, the id, or a main word of
//!   the title in English or in a translation.
//! - The index of a folder is cached in `<folder>/.pyexplain-cache/notes-index.json`
//!   (the notes folder is the only place written, never the source tree),
//!   keyed per file by path, modification time and size, and rebuilt
//!   incrementally: an unchanged file is not read again. A cache that cannot
//!   be written is reported, and the index still works from memory.

use crate::analysis::{self, hover};
use crate::config::Settings;
use crate::knowledge::{Knowledge, Locale};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

/// Larger note files are skipped (a note is text a person wrote).
pub const MAX_NOTE_BYTES: u64 = 2 * 1024 * 1024;
/// Larger code blocks are skipped (parsing and resolving every token).
const MAX_BLOCK_BYTES: usize = 64 * 1024;
pub const CACHE_DIR: &str = ".pyexplain-cache";
pub const CACHE_FILE: &str = "notes-index.json";
/// At most this many sections are linked from one hover.
pub const HOVER_SECTIONS: usize = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    /// 1-based line of the heading (1 for text before any heading).
    pub line: usize,
    /// Topic ids the section's code shows, in first-seen order.
    pub topics: Vec<String>,
    /// The topics (of `topics`) the section is about.
    pub about: Vec<String>,
    /// Rule ids of the findings in the section's code.
    pub rules: Vec<String>,
    /// The language its prose is written in (`en`, `es`), when the words
    /// tell (`guess_lang`): the hover lists the reader's language first.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteFile {
    pub path: PathBuf,
    pub mtime_ns: u128,
    pub size: u64,
    pub sections: Vec<Section>,
    /// Why (part of) the file was skipped.
    pub messages: Vec<String>,
}

/// How an index was built: files read and parsed, files taken from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub parsed: usize,
    pub cached: usize,
}

#[derive(Debug, Clone, Default)]
pub struct NotesIndex {
    pub files: Vec<NoteFile>,
    /// Messages about folders and caches (file messages are in `files`).
    pub messages: Vec<String>,
    pub stats: Stats,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    /// The index depends on the resolver and the rules of this build.
    fingerprint: String,
    files: Vec<NoteFile>,
}

fn fingerprint(k: &Knowledge) -> String {
    // `lang`: sections carry their language (caches written before do not).
    format!("{}:{}:{}:lang", env!("CARGO_PKG_VERSION"), k.topics.len(), k.rules.len())
}

/// A Markdown text split into sections: (title, heading line, body lines
/// with their 1-based numbers).
fn split_sections<'a>(text: &'a str, file_title: &str) -> Vec<(String, usize, Vec<(usize, &'a str)>)> {
    let mut out: Vec<(String, usize, Vec<(usize, &str)>)> = vec![(file_title.to_string(), 1, Vec::new())];
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let fence_mark = if t.starts_with("```") { Some("```") } else if t.starts_with("~~~") { Some("~~~") } else { None };
        match (fence, fence_mark) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m && t.trim_end().trim_start_matches(m.chars().next().unwrap()).is_empty() => fence = None,
            _ => {}
        }
        if fence.is_none() && fence_mark.is_none() {
            let hashes = t.chars().take_while(|&c| c == '#').count();
            if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) && line.len() - t.len() < 4 {
                let title = t[hashes..].trim().trim_end_matches('#').trim().to_string();
                out.push((title, i + 1, Vec::new()));
                continue;
            }
        }
        if let Some(last) = out.last_mut() {
            last.2.push((i + 1, line));
        }
    }
    out
}

/// The Python blocks of a section body: (line of the opening fence, code).
fn python_blocks(body: &[(usize, &str)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // (opening line, code, fence character, is Python)
    let mut open: Option<(usize, String, char, bool)> = None;
    for &(n, line) in body {
        let t = line.trim_start();
        let fence = ['`', '~'].into_iter().find(|&c| t.starts_with(&c.to_string().repeat(3)));
        match open.as_mut() {
            None => {
                if let Some(c) = fence {
                    let info = t.trim_start_matches(c).trim().trim_start_matches('{').trim_start_matches('.');
                    let lang = info.split(|ch: char| ch.is_whitespace() || ch == '}').next().unwrap_or("").to_ascii_lowercase();
                    open = Some((n, String::new(), c, matches!(lang.as_str(), "python" | "py" | "python3" | "py3")));
                }
            }
            Some((start, code, c, py)) => {
                if fence == Some(*c) && t.trim_end().chars().all(|ch| ch == *c) {
                    if *py {
                        out.push((*start, std::mem::take(code)));
                    }
                    open = None;
                } else if *py {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    out
}

/// The lines of a section body outside code fences.
fn prose<'a>(body: &'a [(usize, &'a str)]) -> impl Iterator<Item = &'a str> + 'a {
    let mut fence: Option<char> = None;
    body.iter().filter_map(move |&(_, line)| {
        let t = line.trim_start();
        let mark = ['`', '~'].into_iter().find(|&c| t.starts_with(&c.to_string().repeat(3)));
        match (fence, mark) {
            (None, Some(c)) => {
                fence = Some(c);
                None
            }
            (Some(open), Some(c)) if open == c => {
                fence = None;
                None
            }
            (Some(_), _) => None,
            (None, None) => Some(line),
        }
    })
}

/// Words common in English prose and not in Spanish, and the reverse
/// (`a`, shared by both, is in neither).
const EN_WORDS: &[&str] = &[
    "the", "of", "and", "to", "is", "in", "it", "that", "for", "with", "on", "as", "are", "this", "be", "an", "by", "you",
    "your", "when", "not", "or", "from", "at", "which", "its", "each", "one", "out",
];
const ES_WORDS: &[&str] = &[
    "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "que", "y", "en", "es", "por", "para", "con", "se",
    "su", "sus", "lo", "al", "como", "pero", "más", "o", "cuando", "esta", "este", "son", "uno",
];

/// The language of `lines` (`en` or `es`): which of the two languages'
/// common words (and Spanish's ñ, accents, ¿ and ¡) occur more often; None
/// when neither leads. Code spans (between backticks) are left out.
fn guess_lang<'a>(lines: impl Iterator<Item = &'a str>) -> Option<String> {
    let (mut en, mut es) = (0usize, 0usize);
    for line in lines {
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 1 {
                continue;
            }
            let lower = part.to_lowercase();
            es += lower.chars().filter(|c| "ñáéíóú¿¡".contains(*c)).count();
            for w in lower.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
                en += usize::from(EN_WORDS.contains(&w));
                es += usize::from(ES_WORDS.contains(&w));
            }
        }
    }
    match en.cmp(&es) {
        std::cmp::Ordering::Greater => Some("en".to_string()),
        std::cmp::Ordering::Less => Some("es".to_string()),
        std::cmp::Ordering::Equal => None,
    }
}

/// The first paragraph of a section body (outside code), as plain text.
fn first_paragraph(body: &[(usize, &str)]) -> String {
    let mut para = String::new();
    for &(_, line) in body {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            if para.is_empty() {
                continue;
            }
            break;
        }
        if t.is_empty() {
            if para.is_empty() {
                continue;
            }
            break;
        }
        para.push_str(t);
        para.push(' ');
    }
    para
}

/// Words too general to tell what a section is about.
const GENERIC: &[&str] = &[
    "function", "functions", "función", "funciones", "object", "objects", "objeto", "objetos", "values", "valores", "python",
    "together", "between", "through", "without", "instead", "statement", "sentencia", "method", "methods", "método", "métodos",
];

/// What names topic `id` in prose: its keywords and names, the id, and the
/// main words of its title in every locale.
fn about_terms(id: &str) -> (Vec<String>, Vec<String>) {
    let mut exact = vec![id.to_string(), id.replace('-', " ")];
    let mut stems = Vec::new();
    for &loc in Locale::ALL {
        let Some(t) = Knowledge::for_locale(loc).topic(id) else { continue };
        if loc == Locale::En {
            for kw in &t.meta.keywords {
                if kw.chars().any(|c| c.is_alphanumeric()) {
                    exact.push(kw.clone());
                }
            }
            for n in &t.meta.names {
                let n = n.trim_start_matches('.').trim_end_matches('=');
                exact.push(n.to_string());
                if let Some((_, last)) = n.rsplit_once('.') {
                    exact.push(last.to_string());
                }
            }
        }
        let title = t.meta.title.as_str();
        let (head, tail) = title.split_once(" — ").unwrap_or((title, ""));
        let head = head.split(" (").next().unwrap_or(head).replace("()", "");
        if !head.trim().is_empty() && head.split_whitespace().count() <= 3 {
            exact.push(head.trim().to_string());
        }
        for w in tail.split(|c: char| !c.is_alphanumeric()) {
            let lw = w.to_lowercase();
            if lw.chars().count() >= 6 && !GENERIC.contains(&lw.as_str()) {
                stems.push(lw);
            }
        }
    }
    exact.retain(|e| !e.trim().is_empty());
    (exact.into_iter().map(|e| e.to_lowercase()).collect(), stems)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `hay` (lowercase) names the term as a whole word.
fn names_exact(hay: &str, term: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(term) {
        let at = from + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + term.len()..].chars().next();
        let edge = |c: Option<char>, t: Option<char>| c.is_none_or(|c| !is_word_char(c)) || t.is_some_and(|t| !is_word_char(t));
        if edge(before, term.chars().next()) && edge(after, term.chars().next_back()) {
            return true;
        }
        from = at + term.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// Whether a word of `hay` shares a long prefix with `stem` (generator /
/// generators, generadoras / generadores).
fn names_stem(hay: &str, stem: &str) -> bool {
    let sc: Vec<char> = stem.chars().collect();
    hay.split(|c: char| !c.is_alphanumeric()).any(|w| {
        let wc: Vec<char> = w.chars().collect();
        let common = sc.iter().zip(&wc).take_while(|(a, b)| a == b).count();
        let need = 5.max(sc.len().min(wc.len()).saturating_sub(2));
        common >= need
    })
}

/// Whether a heading and first paragraph name topic `id`.
pub fn is_about(heading: &str, paragraph: &str, id: &str) -> bool {
    let hay = format!("{heading} \n {paragraph}").to_lowercase();
    let (exact, stems) = about_terms(id);
    exact.iter().any(|t| names_exact(&hay, t)) || stems.iter().any(|s| names_stem(&hay, s))
}

/// Topic ids shown by a parsed code block: the topic of every token, as a
/// hover there would resolve it.
fn topics_of(code: &str, tree: &tree_sitter::Tree, k: &Knowledge, out: &mut Vec<String>) {
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.child_count() == 0 {
            if n.start_byte() < n.end_byte() {
                if let Some(r) = hover::resolve(code, tree, n.start_byte(), k) {
                    if !out.contains(&r.topic.meta.id) {
                        out.push(r.topic.meta.id.clone());
                    }
                }
            }
            continue;
        }
        let mut c = n.walk();
        let kids: Vec<_> = n.children(&mut c).collect();
        stack.extend(kids.into_iter().rev());
    }
}

/// The sections of one note (its text), with messages for skipped blocks.
pub fn index_text(text: &str, display: &str, file_title: &str, k: &Knowledge) -> (Vec<Section>, Vec<String>) {
    let mut sections = Vec::new();
    let mut messages = Vec::new();
    let settings = Settings::default();
    let split = split_sections(text, file_title);
    // A section whose own words do not tell takes the file's language.
    let file_lang = guess_lang(split.iter().flat_map(|(title, _, body)| std::iter::once(title.as_str()).chain(prose(body))));
    for (title, line, body) in split {
        let blocks = python_blocks(&body);
        if blocks.is_empty() {
            continue;
        }
        let mut topics = Vec::new();
        let mut rules: Vec<String> = Vec::new();
        let mut any = false;
        for (at, code) in blocks {
            let tree = (code.len() <= MAX_BLOCK_BYTES).then(|| crate::syntax::parse(&code, None));
            let Some(tree) = tree.filter(|t| !t.root_node().has_error()) else {
                messages.push(k.ui("notes.skipped_block", &[("path", display), ("line", &at.to_string())]));
                continue;
            };
            any = true;
            let shown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut t = Vec::new();
                topics_of(&code, &tree, k, &mut t);
                let r: Vec<&'static str> = analysis::check(&code, &tree, &settings, k).into_iter().map(|f| f.rule).collect();
                (t, r)
            }));
            if let Ok((t, r)) = shown {
                for id in t {
                    if !topics.contains(&id) {
                        topics.push(id);
                    }
                }
                for id in r {
                    if !rules.iter().any(|x| x == id) {
                        rules.push(id.to_string());
                    }
                }
            }
        }
        if !any {
            continue;
        }
        let para = first_paragraph(&body);
        let about = topics.iter().filter(|id| is_about(&title, &para, id)).cloned().collect();
        let lang = guess_lang(std::iter::once(title.as_str()).chain(prose(&body))).or_else(|| file_lang.clone());
        sections.push(Section { title, line, topics, about, rules, lang });
    }
    (sections, messages)
}

fn mtime_ns(m: &std::fs::Metadata) -> u128 {
    m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Markdown files under `dir` (not hidden ones, not in hidden folders), sorted.
fn note_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            note_files(&p, out, depth + 1);
        } else if ft.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown")) {
            out.push(p);
        }
    }
}

fn index_file(path: &Path, meta: &std::fs::Metadata, k: &Knowledge) -> NoteFile {
    let display = path.display().to_string();
    let mut f = NoteFile { path: path.to_path_buf(), mtime_ns: mtime_ns(meta), size: meta.len(), sections: Vec::new(), messages: Vec::new() };
    if meta.len() > MAX_NOTE_BYTES {
        f.messages.push(k.ui(
            "notes.skipped_too_large",
            &[("path", &display), ("size", &meta.len().to_string()), ("limit", &MAX_NOTE_BYTES.to_string())],
        ));
        return f;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            f.messages.push(k.ui("notes.skipped_unreadable", &[("path", &display), ("error", &e.to_string())]));
            return f;
        }
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").map(<[u8]>::to_vec).unwrap_or(bytes);
    let Ok(text) = String::from_utf8(bytes) else {
        f.messages.push(k.ui("notes.skipped_invalid_utf8", &[("path", &display)]));
        return f;
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let (sections, messages) = index_text(&text, &display, &stem, k);
    f.sections = sections;
    f.messages = messages;
    f
}

/// The cache file of a notes folder.
pub fn cache_path(dir: &Path) -> PathBuf {
    dir.join(CACHE_DIR).join(CACHE_FILE)
}

/// Index one folder, reusing the cached entries of unchanged files.
pub fn index_dir(dir: &Path, k: &Knowledge) -> NotesIndex {
    let mut idx = NotesIndex::default();
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !dir.is_dir() {
        idx.messages.push(k.ui("notes.not_a_folder", &[("path", &dir.display().to_string())]));
        return idx;
    }
    let cache = cache_path(&dir);
    let fp = fingerprint(k);
    let old: HashMap<PathBuf, NoteFile> = std::fs::read(&cache)
        .ok()
        .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
        .filter(|c| c.fingerprint == fp)
        .map(|c| c.files.into_iter().map(|f| (f.path.clone(), f)).collect())
        .unwrap_or_default();
    let mut paths = Vec::new();
    note_files(&dir, &mut paths, 0);
    let mut changed = paths.len() != old.len();
    for p in paths {
        let Ok(meta) = std::fs::metadata(&p) else { continue };
        match old.get(&p).filter(|f| f.mtime_ns == mtime_ns(&meta) && f.size == meta.len() && f.mtime_ns != 0) {
            Some(f) => {
                idx.stats.cached += 1;
                idx.files.push(f.clone());
            }
            None => {
                idx.stats.parsed += 1;
                changed = true;
                idx.files.push(index_file(&p, &meta, k));
            }
        }
    }
    if changed {
        let body = serde_json::to_vec(&CacheFile { fingerprint: fp, files: idx.files.clone() }).unwrap_or_default();
        let tmp = cache.with_extension(format!("json.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir.join(CACHE_DIR)).and_then(|_| std::fs::write(&tmp, &body)).and_then(|_| std::fs::rename(&tmp, &cache));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            idx.messages.push(k.ui("notes.cache_not_written", &[("path", &cache.display().to_string()), ("error", &e.to_string())]));
        }
    }
    idx
}

/// Index several folders into one index.
pub fn index_dirs(dirs: &[PathBuf], k: &Knowledge) -> NotesIndex {
    let mut all = NotesIndex::default();
    for d in dirs {
        let i = index_dir(d, k);
        all.files.extend(i.files);
        all.messages.extend(i.messages);
        all.stats.parsed += i.stats.parsed;
        all.stats.cached += i.stats.cached;
    }
    all
}

/// How long the server trusts an index before looking at the files again.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// The index of `dirs` for the server: built once, then brought up to date
/// (incrementally, through the cache) when it is older than a moment.
pub fn shared(dirs: &[PathBuf]) -> Arc<NotesIndex> {
    type Cache = Mutex<HashMap<Vec<PathBuf>, (Instant, Arc<NotesIndex>)>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some((at, idx)) = cache.lock().ok().and_then(|c| c.get(dirs).cloned()) {
        if at.elapsed() < FRESH_FOR {
            return idx;
        }
    }
    let idx = Arc::new(index_dirs(dirs, Knowledge::get()));
    for m in idx.messages.iter().chain(idx.files.iter().flat_map(|f| f.messages.iter())) {
        crate::lsp::transport::log(m);
    }
    if let Ok(mut c) = cache.lock() {
        c.insert(dirs.to_vec(), (Instant::now(), idx.clone()));
    }
    idx
}

/// Sections that show topic `topic` or one of `rules`, those about the
/// construct first, in the reader's language (`locale`) before another
/// known one, then in file and line order.
pub fn sections_for<'i>(idx: &'i NotesIndex, topic: Option<&str>, rules: &[String], locale: &str) -> Vec<(&'i NoteFile, &'i Section)> {
    let mut found: Vec<(bool, &NoteFile, &Section)> = Vec::new();
    for f in &idx.files {
        for s in &f.sections {
            let shows_topic = topic.is_some_and(|t| s.topics.iter().any(|x| x == t));
            let shows_rule = rules.iter().any(|r| s.rules.contains(r));
            if shows_topic || shows_rule {
                let about = topic.is_some_and(|t| s.about.iter().any(|x| x == t))
                    || rules.iter().any(|r| s.rules.contains(r) && s.title.to_lowercase().contains(r.as_str()));
                found.push((about, f, s));
            }
        }
    }
    found.sort_by_key(|(about, _, s)| (!*about, s.lang.as_deref().is_some_and(|l| l != locale)));
    found.into_iter().map(|(_, f, s)| (f, s)).collect()
}

/// `file:///path#L12`: a link an editor opens at the line (VS Code does).
pub fn file_link(path: &Path, line: usize) -> String {
    let mut p = path.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    let mut enc = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("file://{enc}#L{line}")
}

fn link_text(s: &str) -> String {
    hover::escape_prose(s).replace('[', "\\[").replace(']', "\\]")
}

/// The hover's "Your notes" line: links to at most two sections.
pub fn hover_line(idx: &NotesIndex, topic: Option<&str>, rules: &[String], k: &Knowledge) -> Option<String> {
    let found = sections_for(idx, topic, rules, k.locale.code());
    if found.is_empty() {
        return None;
    }
    let links: Vec<String> = found
        .iter()
        .take(HOVER_SECTIONS)
        .map(|(f, s)| format!("[{}]({})", link_text(&k.ui("notes.your_notes", &[("title", &s.title)])), file_link(&f.path, s.line)))
        .collect();
    Some(links.join(" · "))
}

/// `pyexplain explain ID`: every section of the notes that shows `id`.
pub fn explain_lines(idx: &NotesIndex, id: &str, k: &Knowledge) -> Option<String> {
    let is_topic = k.topic(id).is_some();
    let rules = if k.rule(id).is_some() { vec![id.to_string()] } else { Vec::new() };
    let found = sections_for(idx, is_topic.then_some(id), &rules, k.locale.code());
    if found.is_empty() {
        return None;
    }
    let mut out = k.ui("notes.your_sections", &[("id", id)]);
    for (f, s) in found {
        out.push('\n');
        out.push_str(&k.ui("notes.section_line", &[("title", &s.title), ("path", &f.path.display().to_string()), ("line", &s.line.to_string())]));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_blocks() {
        let text = "intro\n# Generators\n\nUse `yield`.\n\n```python\ndef f():\n    yield 1\n```\n\n## Not code\n\n```text\n# not a heading\n```\n";
        let secs = split_sections(text, "file");
        assert_eq!(secs.iter().map(|s| (s.0.as_str(), s.1)).collect::<Vec<_>>(), vec![("file", 1), ("Generators", 2), ("Not code", 11)]);
        assert_eq!(python_blocks(&secs[1].2), vec![(6, "def f():\n    yield 1\n".to_string())]);
        assert!(python_blocks(&secs[2].2).is_empty());
    }

    #[test]
    fn about_a_construct() {
        assert!(is_about("Generators", "", "yield"));
        assert!(is_about("Generadores", "", "yield"));
        assert!(is_about("Notes", "The `yield` keyword pauses.", "yield"));
        assert!(!is_about("Reading files", "Open and close.", "yield"));
        assert!(is_about("Loops with enumerate", "", "enumerate"));
        assert!(!is_about("Numerate things", "", "enumerate"));
    }

    #[test]
    fn a_sections_language_from_its_words() {
        let g = |t: &str| guess_lang(t.lines());
        assert_eq!(g("Generators\nA generator function hands out the values one at a time.").as_deref(), Some("en"));
        assert_eq!(g("Generadores\nUna función generadora entrega sus valores de uno en uno.").as_deref(), Some("es"));
        assert_eq!(g("¿Por qué?").as_deref(), Some("es"));
        // Code spans and bare titles tell nothing.
        assert_eq!(g("`for el in la: de(que)`"), None);
        assert_eq!(g("Generators"), None);
        // Prose only: fenced code is left out.
        let body = [(1, "```python"), (2, "the = of = and = 1"), (3, "```"), (4, "Con un ejemplo.")];
        assert_eq!(guess_lang(prose(&body)).as_deref(), Some("es"));
    }

    #[test]
    fn links_open_at_the_line() {
        assert_eq!(file_link(Path::new("/a b/ñ.md"), 12), "file:///a%20b/%C3%B1.md#L12");
    }
}
