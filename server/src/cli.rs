//! The command line: `serve`, `check`, `explain`, `notes index`, `rules`, `--version`.
//! It calls the same analysis as the server and never touches LSP types.
//! Errors print a clear message and exit with status 2.

use crate::analysis::{self, fix, Finding};
use crate::config::{self, Settings};
use crate::knowledge::{Applicability, Knowledge, Locale};
use crate::line_index::{Encoding, LineIndex};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub fn main(args: &[String]) -> i32 {
    // `--locale X` (any command, anywhere): the language of what is printed;
    // without it the environment's (LC_ALL, LC_MESSAGES, LANG).
    let (args, flag) = take_locale(args);
    let args = &args[..];
    let env_locale = Locale::from_env_vars(|v| std::env::var(v).ok());
    let locale = flag.or(env_locale).unwrap_or_default();
    let check = args.first().is_some_and(|c| c == "check");
    let serve = args.first().is_some_and(|c| c == "serve");
    if serve {
        // The server's tree-sitter allocations go to mimalloc too (a reparse
        // frees and allocates node by node; the keystroke benchmark's median
        // was about a tenth lower than on glibc's malloc over three
        // alternating runs), but without committing its arenas eagerly:
        // with that default the server's peak memory on the 10,000-line
        // file rose from 25.7 to 33 MiB, above ruff server's 29.7; without
        // it, 26 MiB. `4`: `mi_option_arena_eager_commit` in mimalloc 3's
        // `mimalloc.h` (libmimalloc-sys names no constant for it).
        // SAFETY: before any allocation by mimalloc; an option is a plain value.
        unsafe { libmimalloc_sys::mi_option_set(4, 0) };
    }
    if check || serve {
        // Here, before the knowledge: a translation's parity check parses
        // its code examples on this thread, and a parser made by one
        // allocator must not be freed (at exit) by the other.
        tree_sitter_on_mimalloc();
    }
    // Before anything parses (a translation's parity check, below,
    // included), on the one thread there is.
    crate::syntax::use_dense_parse_table();
    if check {
        // SAFETY: no tree exists yet, and `check` keeps each file's trees
        // on the worker thread that parses it (`check_cmd`): `FileResult`
        // carries text and findings, no tree or node.
        unsafe { crate::syntax::use_plain_ref_counts() };
    }
    // `check` reads the rules and its own strings, never a topic: it skips
    // parsing the topics (`rules_for_locale`).
    let k = if check { Knowledge::rules_for_locale(locale) } else { Knowledge::for_locale(locale) };
    LOCALE_CHOICE.get_or_init(|| (flag, env_locale));
    let Some(cmd) = args.first() else {
        eprintln!("{}", k.ui("cli.usage", &[]));
        return 2;
    };
    let rest = &args[1..];
    // `pyexplain check --help` and the like print the usage, like `pyexplain --help`.
    if cmd != "serve" && rest.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", k.ui("cli.usage", &[]));
        return 0;
    }
    match cmd.as_str() {
        "serve" => crate::lsp::serve_cli(rest),
        "check" => check_cmd(rest, k),
        "explain" => explain_cmd(rest, k),
        "notes" => notes_cmd(rest, k),
        "rules" => rules_cmd(k),
        "--version" | "-V" | "version" => {
            println!("pyexplain {}", env!("CARGO_PKG_VERSION"));
            0
        }
        "--help" | "-h" | "help" => {
            println!("{}", k.ui("cli.usage", &[]));
            0
        }
        other => {
            eprintln!("pyexplain: {}\n\n{}", k.ui("cli.unknown_command", &[("command", other)]), k.ui("cli.usage", &[]));
            2
        }
    }
}

/// (flag, environment) locales chosen at start, for commands whose project
/// setting `locale` sits between the two.
static LOCALE_CHOICE: std::sync::OnceLock<(Option<Locale>, Option<Locale>)> = std::sync::OnceLock::new();

/// The knowledge for a command whose project settings are known: `--locale`,
/// else the `locale` setting, else the environment.
fn knowledge_for(settings: &Settings) -> &'static Knowledge {
    let (flag, env) = LOCALE_CHOICE.get().copied().unwrap_or((None, None));
    Knowledge::for_locale(flag.or(settings.locale.as_deref().map(Locale::parse)).or(env).unwrap_or_default())
}

/// The arguments without `--locale X` / `--locale=X`, and the locale named.
fn take_locale(args: &[String]) -> (Vec<String>, Option<Locale>) {
    let mut out = Vec::new();
    let mut locale = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--locale" {
            locale = it.next().map(|v| Locale::parse(v));
        } else if let Some(v) = a.strip_prefix("--locale=") {
            locale = Some(Locale::parse(v));
        } else {
            out.push(a.clone());
        }
    }
    (out, locale)
}

/// `pyexplain notes index DIR…`: index the notes folders (through their
/// cache) and list the sections found.
fn notes_cmd(rest: &[String], k: &Knowledge) -> i32 {
    let (Some("index"), dirs) = (rest.first().map(String::as_str), rest.get(1..).unwrap_or_default()) else {
        return fail(k.ui("cli.usage", &[]));
    };
    if dirs.is_empty() {
        return fail(k.ui("cli.no_paths", &[]));
    }
    let mut status = 0;
    let mut all = Vec::new();
    for d in dirs {
        let idx = crate::notes::index_dir(Path::new(d), k);
        if !Path::new(d).is_dir() {
            status = 2;
        }
        all.push((d, idx));
    }
    let mut out = std::io::stdout().lock();
    for (d, idx) in &all {
        for m in idx.messages.iter().chain(idx.files.iter().flat_map(|f| f.messages.iter())) {
            eprintln!("pyexplain: {m}");
        }
        for f in &idx.files {
            for s in &f.sections {
                let mut what: Vec<String> = s.topics.iter().map(|t| if s.about.contains(t) { format!("{t}*") } else { t.clone() }).collect();
                what.extend(s.rules.iter().map(|r| format!("!{r}")));
                let _ = writeln!(out, "{}:{}: {} — {}", f.path.display(), s.line, s.title, what.join(" "));
            }
        }
        let sections: usize = idx.files.iter().map(|f| f.sections.len()).sum();
        let _ = writeln!(
            out,
            "{}",
            k.ui(
                "notes.indexed",
                &[
                    ("files", &idx.files.len().to_string()),
                    ("sections", &sections.to_string()),
                    ("parsed", &idx.stats.parsed.to_string()),
                    ("cached", &idx.stats.cached.to_string()),
                    ("cache", &crate::notes::cache_path(&std::path::absolute(d).unwrap_or_else(|_| PathBuf::from(d))).display().to_string()),
                ]
            )
        );
    }
    status
}

/// The notes folders of `settings` (relative ones from `base`) and of `--notes` flags.
fn notes_dirs(settings: &Settings, base: &Path, flags: &[String]) -> Vec<PathBuf> {
    settings.notes.iter().chain(flags).map(|d| if Path::new(d).is_absolute() { PathBuf::from(d) } else { base.join(d) }).collect()
}

fn fail(msg: String) -> i32 {
    eprintln!("pyexplain: {msg}");
    2
}

#[derive(Default)]
struct CheckArgs {
    json: bool,
    fix: bool,
    unsafe_fixes: bool,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    target: Option<(u8, u8)>,
    paths: Vec<String>,
}

fn parse_check_args(rest: &[String], k: &Knowledge) -> Result<CheckArgs, String> {
    let mut a = CheckArgs::default();
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| k.ui("cli.missing_value", &[("option", name)]))
        };
        match flag {
            "--format" | "--output-format" => match value(flag)?.as_str() {
                "json" => a.json = true,
                "text" | "concise" | "full" => a.json = false,
                v => return Err(k.ui("cli.bad_value", &[("value", v), ("option", flag)])),
            },
            "--fix" => a.fix = true,
            "--unsafe-fixes" => {
                a.unsafe_fixes = true;
            }
            "--select" => a.select = Some(split_ids(&value(flag)?)),
            "--ignore" => a.ignore = Some(split_ids(&value(flag)?)),
            "--target-version" => {
                let v = value(flag)?;
                a.target = Some(config::parse_version(&v).ok_or_else(|| k.ui("cli.bad_value", &[("value", &v), ("option", flag)]))?);
            }
            "-" => a.paths.push("-".into()),
            f if f.starts_with('-') => return Err(k.ui("cli.unknown_option", &[("option", f), ("command", "check")])),
            _ => a.paths.push(arg.clone()),
        }
    }
    if a.paths.is_empty() {
        return Err(k.ui("cli.no_paths", &[]));
    }
    for (option, ids) in [("--select", &a.select), ("--ignore", &a.ignore)] {
        for id in ids.iter().flatten() {
            if id != "ALL" && k.rule(id).is_none() {
                let near = config::closest_rule(id, k).unwrap_or("");
                return Err(k.ui("cli.unknown_rule", &[("rule", id), ("option", option), ("near", near)]));
            }
        }
    }
    Ok(a)
}

fn split_ids(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// A decoded source file.
pub struct Source {
    pub text: String,
    pub encoding: SourceEncoding,
    pub bom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Latin1,
    /// Another legacy encoding named by a PEP 263 cookie (cp1252, koi8-r,
    /// shift_jis, …), decoded and encoded by `encoding_rs`.
    Other(&'static encoding_rs::Encoding),
}

/// Decode Python source bytes: a UTF-8 BOM, a PEP 263 coding cookie on one
/// of the first two lines, else UTF-8. Errors name the encoding that failed.
pub fn decode(bytes: &[u8]) -> Result<Source, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return String::from_utf8(rest.to_vec())
            .map(|text| Source { text, encoding: SourceEncoding::Utf8, bom: true })
            .map_err(|_| "utf-8".to_string());
    }
    if bytes.contains(&0) {
        return Err("Python source (it contains NUL bytes)".to_string());
    }
    let mut enc = "utf-8".to_string();
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let l = String::from_utf8_lossy(line);
        let t = l.trim_start();
        if !t.starts_with('#') {
            // A cookie only counts on a comment line; a code line ends the search.
            if !t.is_empty() {
                break;
            }
            continue;
        }
        if let Some(i) = t.find("coding") {
            let after = &t[i + 6..];
            if let Some(after) = after.strip_prefix(':').or_else(|| after.strip_prefix('=')) {
                let name: String =
                    after.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
                if !name.is_empty() {
                    enc = name.to_ascii_lowercase().replace('_', "-");
                    break;
                }
            }
        }
    }
    match enc.as_str() {
        "utf-8" | "utf8" | "utf-8-sig" => String::from_utf8(bytes.to_vec())
            .map(|text| Source { text, encoding: SourceEncoding::Utf8, bom: false })
            .map_err(|_| "utf-8".to_string()),
        "ascii" | "us-ascii" => {
            if bytes.is_ascii() {
                Ok(Source { text: String::from_utf8(bytes.to_vec()).unwrap_or_default(), encoding: SourceEncoding::Utf8, bom: false })
            } else {
                Err("ascii".into())
            }
        }
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp819" | "iso-latin-1" => {
            Ok(Source { text: bytes.iter().map(|&b| b as char).collect(), encoding: SourceEncoding::Latin1, bom: false })
        }
        other => {
            // Python's own names first where they differ from the WHATWG labels.
            let label = match other {
                "cp1252" | "windows-1252" => "windows-1252",
                "mac-roman" | "macroman" => "macintosh",
                l => l,
            };
            let Some(e) = encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()) else {
                return Err(other.to_string());
            };
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE || e == encoding_rs::UTF_8 {
                return Err(other.to_string());
            }
            match e.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => Ok(Source { text: text.into_owned(), encoding: SourceEncoding::Other(e), bom: false }),
                None => Err(other.to_string()),
            }
        }
    }
}

/// Encode back for writing a fixed file; None if a character does not fit.
pub fn encode(src: &Source, text: &str) -> Option<Vec<u8>> {
    match src.encoding {
        SourceEncoding::Utf8 => {
            let mut v = Vec::with_capacity(text.len() + 3);
            if src.bom {
                v.extend_from_slice(b"\xef\xbb\xbf");
            }
            v.extend_from_slice(text.as_bytes());
            Some(v)
        }
        SourceEncoding::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
        SourceEncoding::Other(e) => {
            let (bytes, _, unmappable) = e.encode(text);
            (!unmappable).then(|| bytes.into_owned())
        }
    }
}

const SKIP_DIRS: &[&str] = &[".git", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".hg", ".tox", ".mypy_cache"];

/// A `.gitignore`-style pattern, anchored to the directory it came from.
#[derive(Clone, Debug)]
struct Ignore {
    base: PathBuf,
    pattern: String,
    negate: bool,
    dir_only: bool,
    anchored: bool,
}

/// Simple glob: `*` (not across `/`), `**` (across), `?`.
///
/// Linear in the text for each pattern position (a table of which pattern
/// positions are live, advanced one byte at a time), so no pattern — such as
/// `*a*a*a*a*a*a*a*a*a*a*a*a*b` against a long name — can make it backtrack
/// exponentially.
pub fn glob_match(pat: &str, s: &str) -> bool {
    let p = pat.as_bytes();
    // `live[j]`: the first j pattern bytes can match the text read so far.
    let closure = |live: &mut Vec<bool>| {
        // `*` and `**` (and a `/` right after `**`) may match nothing.
        let mut j = 0;
        while j < p.len() {
            if live[j] {
                if p[j..].starts_with(b"**/") {
                    live[j + 3] = true;
                    live[j + 2] = true;
                } else if p[j..].starts_with(b"**") {
                    live[j + 2] = true;
                } else if p[j] == b'*' {
                    live[j + 1] = true;
                }
            }
            j += 1;
        }
    };
    let mut live = vec![false; p.len() + 1];
    live[0] = true;
    closure(&mut live);
    for &c in s.as_bytes() {
        let mut next = vec![false; p.len() + 1];
        let mut j = 0;
        while j < p.len() {
            if live[j] {
                if p[j..].starts_with(b"**") {
                    next[j] = true; // `**` eats any byte, `/` included
                } else {
                    match p[j] {
                        b'*' if c != b'/' => next[j] = true,
                        b'*' => {}
                        b'?' if c != b'/' => next[j + 1] = true,
                        b'?' => {}
                        d if d == c => next[j + 1] = true,
                        _ => {}
                    }
                }
            }
            j += 1;
        }
        closure(&mut next);
        if !next.iter().any(|&b| b) {
            return false;
        }
        live = next;
    }
    live[p.len()]
}

impl Ignore {
    fn matches(&self, path: &Path, is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.base) else { return false };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if self.anchored || self.pattern.contains('/') {
            glob_match(&self.pattern, &rel)
        } else {
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            glob_match(&self.pattern, &name)
        }
    }
}

fn read_gitignore(dir: &Path) -> Vec<Ignore> {
    let Ok(text) = std::fs::read_to_string(dir.join(".gitignore")) else { return Vec::new() };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (negate, l) = match l.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, l),
            };
            let dir_only = l.ends_with('/');
            let l = l.trim_end_matches('/');
            let anchored = l.starts_with('/');
            Ignore { base: dir.to_path_buf(), pattern: l.trim_start_matches('/').to_string(), negate, dir_only, anchored }
        })
        .collect()
}

fn ignored(rules: &[Ignore], path: &Path, is_dir: bool) -> bool {
    let mut out = false;
    for r in rules {
        if r.matches(path, is_dir) {
            out = !r.negate;
        }
    }
    out
}

fn excluded(exclude: &[String], root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    exclude.iter().any(|p| {
        let p = p.trim_end_matches('/');
        glob_match(p, &rel) || glob_match(p, &name) || rel.starts_with(&format!("{p}/"))
    })
}

/// Files to check under `paths`, in a stable order. Explicitly named files are
/// always checked; directories are walked with the skip lists.
pub fn discover(paths: &[String], exclude: &[String], errors: &mut Vec<String>, k: &Knowledge) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        let path = PathBuf::from(p);
        if path.is_file() {
            out.push(path);
        } else if path.is_dir() {
            walk(&path, &path, &read_gitignore(&path), exclude, &mut out);
        } else if path.exists() {
            // A FIFO, a socket or a device: reading it could block forever.
            errors.push(k.ui("cli.not_regular", &[("path", p)]));
        } else {
            errors.push(k.ui("cli.not_found", &[("path", p)]));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn walk(root: &Path, dir: &Path, ignores: &[Ignore], exclude: &[String], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(mut ft) = e.file_type() else { continue };
        let name = e.file_name().to_string_lossy().to_string();
        if ft.is_symlink() {
            // Follow a link only when its target stays inside the tree being
            // checked: `--fix` must never rewrite files outside it, and a
            // link to a parent folder must not loop.
            if !inside(root, &path) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            ft = meta.file_type();
            if ft.is_dir() {
                continue;
            }
        }
        if ft.is_dir() {
            if SKIP_DIRS.contains(&name.as_str()) || ignored(ignores, &path, true) || excluded(exclude, root, &path) {
                continue;
            }
            let mut sub = ignores.to_vec();
            sub.extend(read_gitignore(&path));
            walk(root, &path, &sub, exclude, out);
        } else if ft.is_file()
            && (name.ends_with(".py") || name.ends_with(".pyi"))
            && !ignored(ignores, &path, false)
            && !excluded(exclude, root, &path)
        {
            // Regular files only: a FIFO or a device named `x.py` would
            // block the run forever or never end.
            out.push(path);
        }
    }
}

/// Whether `path`, with every link resolved, lies under `root` (resolved).
fn inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(r), Ok(p)) => p.starts_with(r),
        _ => false,
    }
}

/// Replace `path`'s contents without ever leaving it half written: write a
/// temporary file in the same folder, flush it to disk, then rename it over
/// the original (keeping its permissions). A link is replaced in its target,
/// and only when the target is a regular file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pyexplain-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.set_permissions(meta.permissions())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The stack of every thread that analyses a file. The walks have depth
/// guards; this is the margin under them, the same in the CLI and the
/// server (only the pages used are ever committed).
pub const ANALYSIS_STACK: usize = 64 << 20;

/// Settings for a file: defaults, its project (discovered once per
/// directory), the file's own ruff per-file-ignores, then the flags.
#[derive(Default)]
struct SettingsCache {
    by_dir: Mutex<HashMap<PathBuf, std::sync::Arc<config::Project>>>,
    warned: Mutex<std::collections::HashSet<String>>,
    /// Unknown rule ids in a configuration: the run stops with exit 2.
    errors: Mutex<Vec<String>>,
}

impl SettingsCache {
    fn project(&self, abs: &Path, k: &Knowledge) -> std::sync::Arc<config::Project> {
        let dir = abs.parent().unwrap_or(abs);
        self.project_of_dir(dir, abs, k)
    }

    /// The project of the files in `dir`, discovered from `from` (a file in
    /// it, or `dir` itself) when not known yet. A directory that holds none of the
    /// names discovery reads there (`config::DISCOVERY_NAMES`) has its
    /// parent's project: discovery would read the same files from its
    /// parent up. So each directory is probed once, not once per directory
    /// below it (a tree of 50 files in 40 directories cost 2,400 failed
    /// opens, before any file was checked).
    fn project_of_dir(&self, dir: &Path, from: &Path, k: &Knowledge) -> std::sync::Arc<config::Project> {
        if let Some(p) = self.by_dir.lock().unwrap().get(dir) {
            return p.clone();
        }
        let holds_none = || config::DISCOVERY_NAMES.iter().all(|n| std::fs::symlink_metadata(dir.join(n)).is_err());
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty() && dir.is_dir() && holds_none()) {
            let p = self.project_of_dir(parent, parent, k);
            self.by_dir.lock().unwrap().insert(dir.to_path_buf(), p.clone());
            return p;
        }
        let dir = dir.to_path_buf();
        let p = std::sync::Arc::new(config::Project::discover(from, None, k));
        for w in &p.warnings {
            if self.warned.lock().unwrap().insert(w.clone()) {
                eprintln!("{w}");
            }
        }
        for (key, id, near) in config::unknown_rules(&p.base, k) {
            let path = p.sources.first().map(|s| s.display().to_string()).unwrap_or_default();
            let msg = k.ui("cli.unknown_rule_config", &[("path", &path), ("key", key), ("rule", &id), ("near", near.as_deref().unwrap_or(""))]);
            let mut errs = self.errors.lock().unwrap();
            if !errs.contains(&msg) {
                errs.push(msg);
            }
        }
        self.by_dir.lock().unwrap().insert(dir, p.clone());
        p
    }

    fn for_path(&self, path: &Path, a: &CheckArgs, k: &Knowledge) -> Settings {
        let abs = std::path::absolute(path).unwrap_or(path.to_path_buf());
        let mut s = self.project(&abs, k).settings_for(&abs);
        apply_flags(&mut s, a);
        s
    }
}

fn apply_flags(s: &mut Settings, a: &CheckArgs) {
    if let Some(sel) = &a.select {
        s.select = Some(sel.clone());
    }
    if let Some(ig) = &a.ignore {
        s.ignore = ig.clone();
    }
    if let Some(t) = a.target {
        s.target_version = t;
        s.target_origin = config::TargetOrigin::Setting("--target-version".to_string());
    }
    if a.unsafe_fixes {
        s.unsafe_fixes = true;
    }
}

/// The outcome for one file.
#[derive(Default)]
struct FileResult {
    display: String,
    text: String,
    findings: Vec<Finding>,
    fixed: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    fixed_text: Option<String>,
    /// The first syntax error of `text`: (byte offset, message).
    syntax_error: Option<(usize, String)>,
    /// How many findings `--fix` would fix, and how many more `--unsafe-fixes` would.
    fixable: usize,
    fixable_unsafe: usize,
    /// Warnings for stderr, printed when every file is done, in list order
    /// (the files are not checked in that order).
    notes: Vec<String>,
    /// The report's entries for this file (`render`), once rendered.
    rendered: bool,
    lines: Vec<String>,
    json: Vec<serde_json::Value>,
}

/// The first ERROR or MISSING node of the tree, in source order, as ruff
/// reports a syntax error: its position and a message.
///
/// Not reported in a file where tree-sitter-python 0.25 is known to fail on
/// valid code: a line inside brackets indented less than the statement it
/// continues (`(bar.` / `baz)` at column 0 inside a function, as in CPython's
/// test_compile.py).
pub fn first_syntax_error(src: &str, tree: &tree_sitter::Tree, k: &Knowledge) -> Option<(usize, String)> {
    let root = tree.root_node();
    if !root.has_error() || dedented_continuation(src) {
        return None;
    }
    let mut node = root;
    'down: loop {
        if node.is_error() || node.is_missing() {
            break;
        }
        let mut cursor = node.walk();
        for c in node.children(&mut cursor) {
            if c.is_error() || c.is_missing() || c.has_error() {
                node = c;
                continue 'down;
            }
        }
        return None;
    }
    let msg = if node.is_missing() {
        k.ui("syntax.expected", &[("token", node.kind())])
    } else {
        // The first token inside the ERROR node.
        let mut leaf = node;
        while let Some(c) = leaf.child(0) {
            leaf = c;
        }
        let text = src.get(leaf.byte_range()).unwrap_or("").lines().next().unwrap_or("").trim();
        if node.start_position().row != node.end_position().row {
            // A statement tree-sitter could not finish: where it went wrong
            // inside is a guess, so say only where it starts.
            k.ui("syntax.incomplete", &[])
        } else if leaf.start_byte() >= src.trim_end().len() {
            k.ui("syntax.unexpected_end", &[])
        } else if text.is_empty() {
            k.ui("syntax.invalid", &[])
        } else {
            let short: String = text.chars().take(20).collect();
            k.ui("syntax.unexpected", &[("token", &short)])
        }
    };
    let at = if node.is_error() {
        let mut leaf = node;
        while let Some(c) = leaf.child(0) {
            leaf = c;
        }
        leaf.start_byte()
    } else {
        node.start_byte()
    };
    let line_start = src[..at.min(src.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = src[line_start..].lines().next().unwrap_or("");
    if type_parameter_default(line) {
        return None;
    }
    Some((at, msg))
}

/// Whether a line inside brackets is indented less than the first line of
/// its statement (valid Python that tree-sitter-python misparses). Strings
/// and comments are skipped.
pub fn dedented_continuation(src: &str) -> bool {
    let b = src.as_bytes();
    let (mut i, mut depth, mut logical_indent, mut line_start) = (0usize, 0usize, 0usize, true);
    while i < b.len() {
        if line_start {
            line_start = false;
            let indent = b[i..].iter().take_while(|c| **c == b' ' || **c == b'\t').count();
            let rest = b.get(i + indent).copied();
            if !matches!(rest, None | Some(b'\n') | Some(b'\r') | Some(b'#')) {
                if depth == 0 {
                    logical_indent = indent;
                } else if indent < logical_indent {
                    return true;
                }
            }
            i += indent;
            continue;
        }
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => line_start = true,
            b'\\' => i += 1,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            q @ (b'\'' | b'"') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q))) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether `line` opens a `def`, `class` or `type` statement whose type
/// parameters have a default (`def f[T = int]()`, PEP 696, Python 3.13),
/// which tree-sitter-python 0.25 does not parse.
pub fn type_parameter_default(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("async ").map_or(t, str::trim_start);
    let Some(rest) = ["def ", "class ", "type "].iter().find_map(|k| t.strip_prefix(k)) else { return false };
    let rest = rest.trim_start();
    let name_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let Some(params) = rest[name_end..].trim_start().strip_prefix('[') else { return false };
    let mut depth = 0usize;
    for c in params.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' if depth == 0 => return false,
            ']' | ')' => depth -= 1,
            '=' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn check_one(display: String, bytes: &[u8], settings: &Settings, a: &CheckArgs, k: &Knowledge, write_to: Option<&Path>) -> FileResult {
    let src = match decode(bytes) {
        Ok(s) => s,
        Err(enc) => {
            return FileResult {
                error: Some(k.ui("cli.cannot_decode", &[("path", &display), ("encoding", &enc)])),
                display,
                ..Default::default()
            };
        }
    };
    let (parsed, bound) = crate::syntax::parse_len_and_bound(&src.text);
    let mut notes = Vec::new();
    if parsed < src.text.len() {
        let line = (src.text[..parsed].matches('\n').count() + 1).to_string();
        let limit = crate::syntax::MAX_INDENT_LEVELS.to_string();
        notes.push(format!("pyexplain: {}", k.ui("syntax.too_deep", &[("path", &display), ("limit", &limit), ("line", &line)])));
    }
    let unsafe_fixes = a.unsafe_fixes || settings.unsafe_fixes;
    if a.fix {
        let out = fix::fix_all(&src.text, settings, k, unsafe_fixes);
        let mut error = None;
        let changed = out.text != src.text;
        if changed {
            if let Some(path) = write_to {
                match encode(&src, &out.text) {
                    Some(bytes) => {
                        if let Err(e) = write_atomically(path, &bytes) {
                            error = Some(k.ui("cli.cannot_read", &[("path", &display), ("error", &e.to_string())]));
                        }
                    }
                    None => error = Some(k.ui("cli.cannot_decode", &[("path", &display), ("encoding", "latin-1")])),
                }
            }
        }
        let tree = crate::syntax::parse(&out.text, None);
        let syntax_error = first_syntax_error(&out.text, &tree, k);
        return FileResult {
            display,
            fixed_text: Some(out.text.clone()),
            text: out.text,
            findings: out.remaining,
            fixed: out.applied,
            error,
            syntax_error,
            notes,
            ..Default::default()
        };
    }
    let tree = crate::syntax::parse_prefix(&src.text, None, parsed);
    let checked = analysis::incremental::check_full(&src.text, &tree, settings, k);
    let syntax_error = first_syntax_error(&src.text, &tree, k);
    let (fixable, fixable_unsafe) = fixable_counts(&src.text, &tree, &checked, settings, k, unsafe_fixes, bound);
    FileResult { display, text: src.text, findings: checked.findings, syntax_error, fixable, fixable_unsafe, notes, ..Default::default() }
}

/// How many findings `--fix` would fix in this text, and how many more
/// `--unsafe-fixes` would: `fix::count_fixes` runs the rounds `--fix` runs
/// (so the summary is exact), and not at all without a fix to apply.
/// `bound` is the text's `syntax::indent_bound` when known.
fn fixable_counts(
    src: &str,
    tree: &tree_sitter::Tree,
    checked: &analysis::incremental::Checked,
    settings: &Settings,
    k: &Knowledge,
    unsafe_fixes: bool,
    bound: Option<u64>,
) -> (usize, usize) {
    let has = |a: Applicability| checked.findings.iter().any(|f| f.fixes.iter().any(|fx| fx.applicability == a));
    // Without a safe fix the safe rounds apply nothing. Without an unsafe
    // one in this text the unsafe rounds may still part from the safe ones
    // later: a safe fix can make a finding with an unsafe fix, which
    // `--fix --unsafe-fixes` applies in its next round (`count_fixes`
    // shares the rounds while both choose the same edits, so asking costs
    // nothing until they part).
    let want_safe = has(Applicability::Safe) || (unsafe_fixes && has(Applicability::Unsafe));
    let want_unsafe = !unsafe_fixes && (has(Applicability::Unsafe) || has(Applicability::Safe));
    if !want_safe && !want_unsafe {
        return (0, 0);
    }
    if unsafe_fixes {
        let (_, all) = fix::count_fixes(src, tree, checked, settings, k, (false, true), bound);
        return (all, 0);
    }
    let (safe, all) = fix::count_fixes(src, tree, checked, settings, k, (want_safe, want_unsafe), bound);
    (safe, if want_unsafe { all.saturating_sub(safe) } else { 0 })
}

/// Send tree-sitter's allocations to mimalloc: its parses and reparses
/// allocate and free a node at a time, which glibc's malloc makes a tenth
/// of `check`'s work. Called by `main` for `check` and `serve` (which first
/// turns off eager arena commit) and by `parse-floor`, before they make any
/// tree-sitter object.
pub fn tree_sitter_on_mimalloc() {
    use libmimalloc_sys as mi;
    unsafe extern "C" fn malloc(n: usize) -> *mut std::ffi::c_void {
        unsafe { mi::mi_malloc(n) }
    }
    unsafe extern "C" fn calloc(n: usize, size: usize) -> *mut std::ffi::c_void {
        match n.checked_mul(size) {
            Some(bytes) => unsafe { mi::mi_zalloc(bytes) },
            None => std::ptr::null_mut(),
        }
    }
    unsafe extern "C" fn realloc(p: *mut std::ffi::c_void, n: usize) -> *mut std::ffi::c_void {
        unsafe { mi::mi_realloc(p, n) }
    }
    unsafe extern "C" fn free(p: *mut std::ffi::c_void) {
        unsafe { mi::mi_free(p) }
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: once, on this thread, before the command parses anything: no
    // tree-sitter object allocated by the old allocator is alive.
    ONCE.call_once(|| unsafe { tree_sitter::set_allocator(Some(tree_sitter::Allocator { malloc, calloc, realloc, free })) });
}

fn check_cmd(rest: &[String], k: &Knowledge) -> i32 {
    let a = match parse_check_args(rest, k) {
        Ok(a) => a,
        Err(e) => return fail(format!("{e}\n\n{}", k.ui("cli.usage", &[]))),
    };
    let mut errors = Vec::new();
    let cache = SettingsCache::default();
    let mut results: Vec<FileResult> = Vec::new();
    let file_args: Vec<String> = a.paths.iter().filter(|p| p.as_str() != "-").cloned().collect();
    if a.paths.iter().any(|p| p == "-") {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            return fail(k.ui("cli.cannot_read", &[("path", "-"), ("error", &e.to_string())]));
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let settings = cache.for_path(&cwd.join("stdin.py"), &a, k);
        let config_errors = std::mem::take(&mut *cache.errors.lock().unwrap());
        if !config_errors.is_empty() {
            return fail(config_errors.join("\npyexplain: "));
        }
        let one = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(ANALYSIS_STACK)
                .spawn_scoped(s, || check_one("-".into(), &bytes, &settings, &a, k, None))
                .ok()
                .and_then(|h| h.join().ok())
        });
        match one {
            Some(r) => results.push(r),
            None => return fail(k.ui("cli.cannot_read", &[("path", "-"), ("error", "internal error")])),
        }
    }
    if !file_args.is_empty() {
        // The exclude setting of the pyproject nearest the first path applies to discovery.
        let first = PathBuf::from(&file_args[0]);
        let base = cache.for_path(&first.join("x.py"), &a, k);
        let files = discover(&file_args, &base.exclude, &mut errors, k);
        // Every project's settings first: an unknown rule id stops the run.
        for f in &files {
            cache.for_path(f, &a, k);
        }
        let config_errors = std::mem::take(&mut *cache.errors.lock().unwrap());
        if !config_errors.is_empty() {
            return fail(config_errors.join("\npyexplain: "));
        }
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<FileResult>>> = files.iter().map(|_| Mutex::new(None)).collect();
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(files.len().max(1));
        let order = largest_first(&files);
        std::thread::scope(|s| {
            for _ in 0..threads {
                let worker = std::thread::Builder::new().name("check".into()).stack_size(ANALYSIS_STACK);
                let _ = worker.spawn_scoped(s, || loop {
                    let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                    let path = &files[i];
                    let display = path.display().to_string();
                    let r = match std::fs::read(path) {
                        Ok(bytes) => {
                            let settings = cache.for_path(path, &a, k);
                            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                check_one(display.clone(), &bytes, &settings, &a, k, Some(path))
                            }));
                            res.unwrap_or_else(|_| FileResult {
                                error: Some(k.ui("cli.cannot_read", &[("path", &display), ("error", "internal error")])),
                                display: display.clone(),
                                ..Default::default()
                            })
                        }
                        Err(e) => FileResult {
                            error: Some(k.ui("cli.cannot_read", &[("path", &display), ("error", &e.to_string())])),
                            display,
                            ..Default::default()
                        },
                    };
                    let mut r = r;
                    render(&mut r, a.json, k);
                    *slots[i].lock().unwrap() = Some(r);
                });
            }
        });
        results.extend(slots.into_iter().filter_map(|m| m.into_inner().unwrap()));
    }
    for note in results.iter().flat_map(|r| &r.notes) {
        eprintln!("{note}");
    }
    report(&a, &mut results, &errors, k)
}

/// The report's entries for one file: its text lines, or its JSON objects
/// (`lines`, `json`). The workers render each file they check, so that the
/// report itself, which runs alone at the end, only writes them out.
fn render(r: &mut FileResult, json: bool, k: &Knowledge) {
    r.rendered = true;
    if r.syntax_error.is_none() && r.findings.is_empty() {
        // Nothing to place: no line index to build.
        return;
    }
    let syntax_rule = k.ui("syntax.rule", &[]);
    let idx = LineIndex::new(&r.text);
    if let Some((at, msg)) = &r.syntax_error {
        let (l, c) = idx.position(&r.text, *at, Encoding::CodePoints);
        if json {
            r.json.push(serde_json::json!({
                "path": r.display, "rule": syntax_rule, "line": l + 1, "column": c + 1,
                "end_line": l + 1, "end_column": c + 1, "message": msg,
                "severity": "error", "fix": null, "fixes": [],
            }));
        } else {
            r.lines.push(format!("{}:{}:{}: {} {}", r.display, l + 1, c + 1, syntax_rule, msg));
        }
    }
    for f in &r.findings {
        let rule = k.rule(f.rule);
        let message = rule.map(|d| d.meta.message.as_str()).unwrap_or("");
        let (l, c) = idx.position(&r.text, f.range.start, Encoding::CodePoints);
        let (el, ec) = idx.position(&r.text, f.range.end, Encoding::CodePoints);
        let title_of = |fx: &analysis::Fix| rule.and_then(|d| d.fix(fx.kind)).map(|m| m.title.clone()).unwrap_or_default();
        if json {
            let fix_json = |fx: &analysis::Fix| {
                let edits: Vec<serde_json::Value> = fx
                    .edits
                    .iter()
                    .map(|e| {
                        let (sl, sc) = idx.position(&r.text, e.range.start, Encoding::CodePoints);
                        let (el, ec) = idx.position(&r.text, e.range.end, Encoding::CodePoints);
                        serde_json::json!({"line": sl + 1, "column": sc + 1, "end_line": el + 1, "end_column": ec + 1, "new_text": e.new_text})
                    })
                    .collect();
                serde_json::json!({"title": title_of(fx), "applicability": fx.applicability.as_str(), "edits": edits})
            };
            let fixes: Vec<serde_json::Value> = f.fixes.iter().map(&fix_json).collect();
            r.json.push(serde_json::json!({
                "path": r.display, "rule": f.rule, "line": l + 1, "column": c + 1,
                "end_line": el + 1, "end_column": ec + 1, "message": message,
                "severity": f.severity.as_str(), "fix": f.fixes.first().map(&fix_json), "fixes": fixes,
            }));
        } else {
            r.lines.push(format!("{}:{}:{}: {} {}", r.display, l + 1, c + 1, f.rule, message));
            for fx in &f.fixes {
                let args = [("title", title_of(fx)), ("applicability", fx.applicability.as_str().to_string())];
                let args: Vec<(&str, &str)> = args.iter().map(|(a, b)| (*a, b.as_str())).collect();
                let key = match fx.applicability {
                    Applicability::Safe => "cli.fix_available",
                    Applicability::Unsafe => "cli.fix_available_unsafe",
                    Applicability::DisplayOnly => "cli.fix_shown_only",
                };
                r.lines.push(format!("  {}", k.ui(key, &args)));
            }
        }
    }
}

/// The order the workers take `files` in: largest first (by size on disk;
/// equal sizes in list order), so that a large file is not started last
/// while the other threads run out of work. Results are still reported in
/// list order.
pub fn largest_first(files: &[PathBuf]) -> Vec<usize> {
    let sizes: Vec<u64> = files.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    order
}

fn report(a: &CheckArgs, results: &mut [FileResult], errors: &[String], k: &Knowledge) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let stdin_fix = a.fix && results.iter().any(|r| r.display == "-");
    let mut had_error = !errors.is_empty();
    for e in errors {
        eprintln!("pyexplain: {e}");
    }
    let mut total = 0;
    let mut fixable = 0;
    let mut unsafe_count = 0;
    let mut fixed_total = 0;
    let mut json = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for r in results.iter_mut() {
        if let Some(e) = &r.error {
            eprintln!("pyexplain: {e}");
            had_error = true;
        }
        if !r.fixed.is_empty() {
            fixed_total += r.fixed.len();
            let msg = k.ui("cli.fixed", &[("count", &r.fixed.len().to_string()), ("path", &r.display)]);
            if a.json || stdin_fix {
                eprintln!("{msg}");
            } else {
                let _ = writeln!(out, "{msg}");
            }
        }
        fixable += r.fixable;
        unsafe_count += r.fixable_unsafe;
        total += r.syntax_error.is_some() as usize + r.findings.len();
        if !r.rendered {
            render(r, a.json, k);
        }
        json.append(&mut r.json);
        lines.append(&mut r.lines);
        for line in lines.drain(..) {
            if stdin_fix {
                eprintln!("{line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if a.json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into()));
    } else if stdin_fix {
        if let Some(r) = results.iter().find(|r| r.display == "-") {
            let _ = write!(out, "{}", r.fixed_text.as_deref().unwrap_or(&r.text));
        }
    }
    let summary = if a.fix {
        k.ui("cli.summary_after_fix", &[("fixed", &fixed_total.to_string()), ("left", &total.to_string())])
    } else if total == 0 {
        k.ui("cli.no_findings", &[])
    } else {
        k.ui(
            "cli.summary",
            &[("count", &total.to_string()), ("fixable", &fixable.to_string()), ("unsafe", &unsafe_count.to_string())],
        )
    };
    if a.json || stdin_fix {
        eprintln!("{summary}");
    } else {
        let _ = writeln!(out, "{summary}");
    }
    let _ = out.flush();
    if had_error {
        2
    } else if total > 0 {
        1
    } else {
        0
    }
}

fn explain_cmd(rest: &[String], k: &Knowledge) -> i32 {
    // `--notes DIR` (repeatable): the user's notes, besides the `notes` setting.
    let mut note_flags = Vec::new();
    let mut args = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.strip_prefix("--notes=") {
            Some(v) => note_flags.push(v.to_string()),
            None if a == "--notes" => note_flags.extend(it.next().cloned()),
            None => args.push(a.clone()),
        }
    }
    let rest = &args[..];
    let Some(arg) = rest.first() else { return fail(k.ui("cli.usage", &[])) };
    // FILE:LINE:COL, where FILE may itself contain ':'.
    let parts: Vec<&str> = arg.rsplitn(3, ':').collect();
    if parts.len() == 3 {
        if let (Ok(line), Ok(col)) = (parts[1].parse::<usize>(), parts[0].parse::<usize>()) {
            let path = parts[2];
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return fail(k.ui("cli.cannot_read", &[("path", path), ("error", &e.to_string())])),
            };
            let src = match decode(&bytes) {
                Ok(s) => s,
                Err(enc) => return fail(k.ui("cli.cannot_decode", &[("path", path), ("encoding", &enc)])),
            };
            let abs = std::path::absolute(path).unwrap_or(PathBuf::from(path));
            let project = config::Project::discover(&abs, None, k);
            for w in &project.warnings {
                eprintln!("{w}");
            }
            let settings = project.settings_for(&abs);
            let k = knowledge_for(&settings);
            let cwd = std::env::current_dir().unwrap_or_default();
            let dirs = notes_dirs(&settings, &cwd, &note_flags);
            let tree = crate::syntax::parse(&src.text, None);
            let idx = LineIndex::new(&src.text);
            let offset = idx.offset(&src.text, line.saturating_sub(1), col.saturating_sub(1), Encoding::CodePoints);
            let findings = analysis::check(&src.text, &tree, &settings, k);
            return match analysis::hover::hover(&src.text, &tree, offset, &findings, &settings, k) {
                Some(h) => {
                    println!("{}", h.markdown);
                    if !dirs.is_empty() {
                        let idx = crate::notes::index_dirs(&dirs, Knowledge::get());
                        if let Some(line) = crate::notes::hover_line(&idx, h.topic.as_deref(), &h.rules, k) {
                            println!("\n{line}");
                        }
                    }
                    0
                }
                None => {
                    eprintln!("pyexplain: {}", k.ui("cli.explain_nothing", &[("position", arg)]));
                    1
                }
            };
        }
    }
    if arg.contains(':') || arg.contains('/') {
        return fail(k.ui("cli.bad_position", &[("arg", arg)]));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let project = config::Project::discover(&cwd.join("__pyexplain__.py"), None, k);
    let settings = project.settings_for(&cwd.join("__pyexplain__.py"));
    let k = knowledge_for(&settings);
    let dirs = notes_dirs(&settings, &cwd, &note_flags);
    match analysis::hover::explain_id(arg, k) {
        Some(md) => {
            println!("{md}");
            if !dirs.is_empty() {
                let idx = crate::notes::index_dirs(&dirs, Knowledge::get());
                for m in idx.messages.iter().chain(idx.files.iter().flat_map(|f| f.messages.iter())) {
                    eprintln!("pyexplain: {m}");
                }
                if let Some(lines) = crate::notes::explain_lines(&idx, arg, k) {
                    println!("\n---\n\n{lines}");
                }
            }
            0
        }
        None => fail(k.ui("cli.explain_unknown", &[("id", arg)])),
    }
}

fn rules_cmd(k: &Knowledge) -> i32 {
    println!("{}", k.ui("cli.rules_header", &[]));
    for rule in analysis::rules::all() {
        if let Some(d) = k.rule(rule.id()) {
            let fix = d.meta.fixes.first().map(|f| f.applicability.as_str()).unwrap_or("-");
            let ruff = if d.meta.ruff.is_empty() { "-" } else { d.meta.ruff.as_str() };
            println!("{} | {} | {} | {}", d.meta.id, if d.meta.default { "on" } else { "off" }, fix, ruff);
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cookies_and_boms() {
        assert_eq!(decode(b"\xef\xbb\xbfx = 1\n").unwrap().text, "x = 1\n");
        let l = decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n").unwrap();
        assert_eq!(l.encoding, SourceEncoding::Latin1);
        assert!(l.text.contains('é'));
        assert!(decode(b"x = '\xe9'\n").is_err());
        // Other legacy encodings named by a cookie decode (and encode back).
        let k = decode(b"# -*- coding: koi8-r -*-\ns = '\xf0\xd2\xc9'\n").unwrap();
        assert!(k.text.contains("При"), "{}", k.text);
        assert_eq!(encode(&k, &k.text).unwrap(), b"# -*- coding: koi8-r -*-\ns = '\xf0\xd2\xc9'\n");
        assert!(encode(&k, "s = '\u{e9}\u{4e2d}'").is_none());
        let w = decode(b"# coding: cp1252\nx = '\x80'\n").unwrap();
        assert!(w.text.contains('\u{20ac}'));
        assert!(decode(b"# coding: shift_jis\nx = 1\n").is_ok());
        assert!(decode(b"# coding: uft-8\nx = 1\n").is_err());
        assert!(decode(b"x = 1\0").is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.py", "a.py"));
        assert!(!glob_match("*.py", "d/a.py"));
        assert!(glob_match("**/gen/*.py", "x/y/gen/a.py"));
        assert!(glob_match("build", "build"));
        assert!(glob_match("**/gen/*.py", "gen/a.py"));
        assert!(glob_match("a/**", "a/b/c"));
        assert!(glob_match("**", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "a/c"));
        assert!(glob_match("*a*b", "xxaxxb"));
        assert!(!glob_match("*a*b", "xxaxx/b"));
        assert!(glob_match("test_*.py", "test_x.py"));
        assert!(!glob_match("test_*.py", "test_x.pyc"));
        // Exponential for a backtracking matcher; linear here.
        let name = "a".repeat(40);
        assert!(!glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", &name));
        assert!(!glob_match("**a**a**a**a**a**a**a**a**a**a**b", &"a/".repeat(200)));
    }

    /// A directory's project taken from its parent's (`project_of_dir`)
    /// equals a fresh discovery, whichever of the names discovery reads
    /// stands at whichever level, for files at every depth.
    #[test]
    fn projects_shared_with_the_parent_directory_equal_a_fresh_discovery() {
        let k = crate::knowledge::Knowledge::get();
        let base = std::env::temp_dir().join(format!("pyexplain-projects-{}", std::process::id()));
        let contents = |name: &str| match name {
            "pyproject.toml" => "[project]\nrequires-python = \">=3.9\"\n[tool.ruff]\ntarget-version = \"py310\"\n[tool.pyexplain]\nselect = [\"bare-except\"]\n",
            "setup.cfg" => "[options]\npython_requires = >=3.8\n",
            "setup.py" => "setup(python_requires='>=3.7')\n",
            ".ruff.toml" | "ruff.toml" => "target-version = \"py312\"\n[lint]\nignore = [\"E722\"]\n",
            _ => "",
        };
        let seen = |p: &config::Project| {
            (
                p.base.clone(),
                p.warnings.clone(),
                p.sources.clone(),
                p.ruff.as_ref().map(|r| format!("{r:?}")),
                p.ruff_version.clone(),
            )
        };
        let mut differed = 0;
        // Written out, not `DISCOVERY_NAMES`: a name missing there must fail here.
        let names = ["pyproject.toml", "setup.cfg", "setup.py", ".ruff.toml", "ruff.toml", ".venv", "venv"];
        for (i, name) in names.iter().enumerate() {
            for level in 0..3 {
                let root = base.join(format!("{i}-{level}"));
                let dirs = [root.join("a"), root.join("a/b"), root.join("a/b/c")];
                std::fs::create_dir_all(&dirs[2]).unwrap();
                let at = dirs[level].join(name);
                if name.contains("venv") {
                    std::fs::create_dir_all(at.join("lib/python3.12/site-packages/ruff-0.9.1.dist-info")).unwrap();
                } else {
                    std::fs::write(&at, contents(name)).unwrap();
                }
                let files: Vec<PathBuf> = dirs.iter().map(|d| d.join("m.py")).collect();
                for f in &files {
                    std::fs::write(f, "x = 1\n").unwrap();
                }
                // Shallow files first, then deep ones, and the reverse.
                for order in [files.clone(), files.iter().rev().cloned().collect()] {
                    let cache = SettingsCache::default();
                    for f in &order {
                        let fresh = config::Project::discover(f, None, k);
                        let shared = cache.project(f, k);
                        assert_eq!(seen(&shared), seen(&fresh), "{name} in level {level}, file {}", f.display());
                        differed += usize::from(seen(&fresh) != seen(&config::Project::discover(&root.join("x.py"), None, k)));
                    }
                }
            }
        }
        // Each name changes what discovery finds (the test sees them all).
        assert!(differed >= names.len() * 3, "{differed}");
        let _ = std::fs::remove_dir_all(&base);
    }

    #[cfg(unix)]
    #[test]
    fn discovery_skips_fifos_and_links_that_leave_the_tree_and_fix_writes_atomically() {
        let k = crate::knowledge::Knowledge::get();
        let base = std::env::temp_dir().join(format!("pyexplain-cli-{}", std::process::id()));
        let tree = base.join("tree");
        let outside = base.join("outside");
        std::fs::create_dir_all(&tree).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(tree.join("a.py"), "x = 1\n").unwrap();
        std::fs::write(outside.join("b.py"), "y = 2\n").unwrap();
        std::os::unix::fs::symlink(outside.join("b.py"), tree.join("link_out.py")).unwrap();
        std::os::unix::fs::symlink(tree.join("a.py"), tree.join("link_in.py")).unwrap();
        std::os::unix::fs::symlink(&base, tree.join("loop")).unwrap();
        let fifo = tree.join("pipe.py");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let mut errors = Vec::new();
        let found = discover(&[tree.to_string_lossy().to_string()], &[], &mut errors, k);
        let names: Vec<String> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy().to_string()).collect();
        assert_eq!(names, vec!["a.py", "link_in.py"], "{errors:?}");
        // Named on the command line, a FIFO is reported, not opened.
        let mut errors = Vec::new();
        assert!(discover(&[fifo.to_string_lossy().to_string()], &[], &mut errors, k).is_empty());
        assert_eq!(errors.len(), 1, "{errors:?}");
        // An atomic write keeps the permissions and leaves no temporary file.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tree.join("a.py"), std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&tree.join("a.py"), b"x = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(tree.join("a.py")).unwrap(), "x = 2\n");
        assert_eq!(std::fs::metadata(tree.join("a.py")).unwrap().permissions().mode() & 0o777, 0o640);
        let left: Vec<_> = std::fs::read_dir(&tree).unwrap().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
        assert!(left.is_empty());
        // Through a link inside the tree, the target is rewritten and the link stays a link.
        write_atomically(&tree.join("link_in.py"), b"x = 3\n").unwrap();
        assert!(std::fs::symlink_metadata(tree.join("link_in.py")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(tree.join("a.py")).unwrap(), "x = 3\n");
        assert!(write_atomically(&fifo, b"x").is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }
    /// Every fixture file (and example): the summary's counts equal what
    /// fix-all applies, with and without unsafe fixes, under default rules
    /// and under all of them; and fix-all (incremental rounds) gives what
    /// rounds of fresh parses and full checks give.
    #[test]
    fn fixable_counts_equal_fix_all_on_every_fixture() {
        use crate::analysis::fix::tests::fixture_sources;
        /// fix-all as it was: a fresh parse and a full check every round.
        fn reference(src: &str, settings: &Settings, k: &Knowledge, unsafe_fixes: bool) -> fix::FixAll {
            let mut text = src.to_string();
            let mut applied = Vec::new();
            for _ in 0..fix::MAX_ROUNDS {
                let tree = crate::syntax::parse(&text, None);
                let findings = analysis::check(&text, &tree, settings, k);
                let (edits, rules) = fix::select_edits(&findings, unsafe_fixes);
                if edits.is_empty() {
                    return fix::FixAll { text, applied, remaining: findings };
                }
                match fix::apply_edits(&text, &edits) {
                    Some(t) if t != text => {
                        text = t;
                        applied.extend(rules);
                    }
                    _ => return fix::FixAll { text, applied, remaining: findings },
                }
            }
            let tree = crate::syntax::parse(&text, None);
            let remaining = analysis::check(&text, &tree, settings, k);
            fix::FixAll { text, applied, remaining }
        }
        let k = Knowledge::get();
        let all = Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() };
        let (mut counted, mut shared_and_parted) = (0, 0);
        let splits = fix::SPLITS.load(std::sync::atomic::Ordering::Relaxed);
        for (path, src) in &fixture_sources() {
            let src = src.clone();
            for settings in [&Settings::default(), &all] {
                let safe = fix::fix_all(&src, settings, k, false);
                let unsafe_ = fix::fix_all(&src, settings, k, true);
                for (ours, unsafe_fixes) in [(&safe, false), (&unsafe_, true)] {
                    let theirs = reference(&src, settings, k, unsafe_fixes);
                    assert_eq!(ours.text, theirs.text, "{}: fix-all text", path.display());
                    assert_eq!(ours.applied, theirs.applied, "{}: fix-all applied", path.display());
                    assert_eq!(ours.remaining, theirs.remaining, "{}: fix-all remaining", path.display());
                }
                let tree = crate::syntax::parse(&src, None);
                let checked = analysis::incremental::check_full(&src, &tree, settings, k);
                let (n, more) = fixable_counts(&src, &tree, &checked, settings, k, false, None);
                assert_eq!((n, n + more), (safe.applied.len(), unsafe_.applied.len()), "{}: counts", path.display());
                let (n, more) = fixable_counts(&src, &tree, &checked, settings, k, true, None);
                assert_eq!((n, more), (unsafe_.applied.len(), 0), "{}: counts with unsafe fixes", path.display());
                counted += unsafe_.applied.len();
                if !safe.applied.is_empty() && safe.applied != unsafe_.applied {
                    shared_and_parted += 1;
                }
            }
        }
        // Not vacuous: many fixes, and files where the two replays part,
        // many of them with the unsafe round built from the safe one.
        let splits = fix::SPLITS.load(std::sync::atomic::Ordering::Relaxed) - splits;
        assert!(counted > 200 && shared_and_parted > 10 && splits > 10, "{counted} {shared_and_parted} {splits}");
    }

    #[test]
    fn dedented_continuations() {
        assert!(dedented_continuation("def f():\n    (bar.\nbaz)\n"));
        assert!(!dedented_continuation("def f():\n    (bar.\n        baz)\n"));
        assert!(!dedented_continuation("def f():\n    x = '''\nnot code (\n'''\n    y = 1\n"));
        assert!(!dedented_continuation("def f():\n    x = 1  # (\nz = 2\n"));
        assert!(!dedented_continuation("x = (1,\n     2)\ny = 3\n"));
        assert!(!dedented_continuation("def f():\n    s = 'a(b'\nz = 2\n"));
        assert!(type_parameter_default("def f[T = int](x: T): pass"));
        assert!(type_parameter_default("class Box[T, U = list[int]]:"));
        assert!(type_parameter_default("type Alias[T = str] = list[T]"));
        assert!(!type_parameter_default("def f[T](x: T = 1): pass"));
        assert!(!type_parameter_default("x = d[k == 1]"));
    }
}
