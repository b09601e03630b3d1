//! The project's ruff configuration, read as ruff reads it (for the parts
//! that decide which of our rules the project has already ruled on), and
//! ruff's default selection per release (`knowledge/ruff.toml`).
//!
//! Read: `select`, `extend-select`, `ignore`, `extend-ignore`,
//! `per-file-ignores`, `extend-per-file-ignores`, `preview`, `target-version`,
//! at the top level or under `lint` (`[tool.ruff]`/`[tool.ruff.lint]` in
//! pyproject.toml, the top level and `[lint]` of `ruff.toml`/`.ruff.toml`).
//! Not followed: `extend` (another configuration file it inherits from) and
//! ruff's user-level configuration; both are reported as not read.

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A `ruff.toml`, `.ruff.toml` or the `[tool.ruff]` table of a pyproject.toml.
#[derive(Debug, Clone, Default)]
pub struct RuffConfig {
    /// The file it came from; per-file-ignores are relative to its directory.
    pub path: PathBuf,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    /// `ignore` and `extend-ignore`.
    pub ignore: Vec<String>,
    /// `per-file-ignores` and `extend-per-file-ignores`.
    pub per_file: Vec<PerFile>,
    pub preview: bool,
    pub target_version: Option<(u8, u8)>,
    /// `extend = "…"`: named, not followed.
    pub extend: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PerFile {
    pub pattern: String,
    absolute: GlobMatcher,
    basename: GlobMatcher,
    negated: bool,
    pub codes: Vec<String>,
}

impl PartialEq for RuffConfig {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.select == other.select
            && self.extend_select == other.extend_select
            && self.ignore == other.ignore
            && self.preview == other.preview
            && self.per_file.iter().map(|p| (&p.pattern, &p.codes)).eq(other.per_file.iter().map(|p| (&p.pattern, &p.codes)))
    }
}

fn strings(t: &toml::Table, key: &str) -> Option<Vec<String>> {
    t.get(key)?.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
}

impl RuffConfig {
    /// The ruff table of a configuration file: `root` is `[tool.ruff]` of a
    /// pyproject.toml or the whole of a ruff.toml.
    pub fn from_table(root: &toml::Table, path: &Path) -> RuffConfig {
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut c = RuffConfig { path: path.to_path_buf(), ..Default::default() };
        let lint = root.get("lint").and_then(|l| l.as_table());
        // `[lint]` wins over the deprecated top-level keys, as in ruff.
        let tables: Vec<&toml::Table> = std::iter::once(root).chain(lint).collect();
        for t in &tables {
            if let Some(s) = strings(t, "select") {
                c.select = Some(s);
            }
        }
        for t in &tables {
            c.extend_select.extend(strings(t, "extend-select").unwrap_or_default());
            c.ignore.extend(strings(t, "ignore").unwrap_or_default());
            c.ignore.extend(strings(t, "extend-ignore").unwrap_or_default());
            for key in ["per-file-ignores", "extend-per-file-ignores"] {
                if let Some(map) = t.get(key).and_then(|v| v.as_table()) {
                    for (pattern, codes) in map {
                        let codes: Vec<String> =
                            codes.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
                        if let Some(p) = PerFile::new(pattern, dir, codes) {
                            c.per_file.push(p);
                        }
                    }
                }
            }
            if let Some(p) = t.get("preview").and_then(|v| v.as_bool()) {
                c.preview = p;
            }
        }
        c.target_version = root.get("target-version").and_then(|v| v.as_str()).and_then(super::parse_version);
        c.extend = root.get("extend").and_then(|v| v.as_str()).map(str::to_string);
        c
    }

    /// The codes `per-file-ignores` turns off for `file`.
    pub fn file_ignores(&self, file: &Path) -> Vec<String> {
        let name = file.file_name().map(Path::new).unwrap_or(file);
        let mut out = Vec::new();
        for p in &self.per_file {
            let hit = p.absolute.is_match(file) || p.basename.is_match(name);
            if hit != p.negated {
                out.extend(p.codes.iter().cloned());
            }
        }
        out
    }
}

impl PerFile {
    /// As ruff's `PerFileIgnore::new`: the pattern is matched against the
    /// file's absolute path (the pattern joined to the configuration's
    /// directory) and against its base name; `!` negates.
    fn new(pattern: &str, dir: &Path, codes: Vec<String>) -> Option<PerFile> {
        let (negated, pat) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        let abs = dir.join(pat);
        let absolute = Glob::new(&abs.to_string_lossy()).ok()?.compile_matcher();
        let basename = Glob::new(pat).ok()?.compile_matcher();
        Some(PerFile { pattern: pattern.to_string(), absolute, basename, negated, codes })
    }
}

/// Leading letters and the rest of a code or selector (`PLC0206` → `PLC`, `0206`).
fn split_code(s: &str) -> (&str, &str) {
    let i = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    (&s[..i], &s[i..])
}

/// How specific `selector` is when it selects `code` (ruff: a more specific
/// selector wins, `ALL` is the least specific), or None if it does not.
pub fn specificity(selector: &str, code: &str) -> Option<usize> {
    let selector = selector.trim();
    if selector == "ALL" {
        return Some(0);
    }
    let (sl, sd) = split_code(selector);
    let (cl, cd) = split_code(code);
    let linter = sl == cl || (sl == "PL" && matches!(cl, "PLC" | "PLE" | "PLR" | "PLW"));
    (linter && cd.starts_with(sd) && (sd.is_empty() || sl == cl)).then_some(1 + sd.len())
}

fn best(selectors: &[String], code: &str) -> Option<usize> {
    selectors.iter().filter_map(|s| specificity(s, code)).max()
}

/// One ruff release's defaults (`knowledge/ruff.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Release {
    pub version: String,
    #[serde(default)]
    pub measured: String,
    #[serde(default)]
    pub default_prefixes: Vec<String>,
    #[serde(default)]
    pub default: Vec<String>,
    #[serde(default)]
    pub preview_twins: Vec<String>,
    #[serde(default)]
    pub checked: Vec<String>,
}

impl Release {
    /// Whether ruff of this release runs `code` with no configuration.
    pub fn on_by_default(&self, code: &str) -> bool {
        !self.preview_twins.iter().any(|c| c == code)
            && (self.default.iter().any(|c| c == code) || best(&self.default_prefixes, code).is_some())
    }
}

#[derive(Debug, Deserialize)]
struct Table {
    release: Vec<Release>,
}

/// Every release entry, oldest first.
pub fn releases() -> &'static [Release] {
    static R: OnceLock<Vec<Release>> = OnceLock::new();
    R.get_or_init(|| {
        let mut r = toml::from_str::<Table>(include_str!("../../../knowledge/ruff.toml")).map(|t| t.release).unwrap_or_default();
        r.sort_by_key(|r| version_key(&r.version));
        r
    })
}

pub fn version_key(v: &str) -> Vec<u32> {
    v.split('.').map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0)).collect()
}

/// The entry for ruff `version` (None: the newest).
pub fn release_for(version: Option<&str>) -> Option<&'static Release> {
    let all = releases();
    match version {
        Some(v) => {
            let key = version_key(v);
            all.iter().rev().find(|r| version_key(&r.version) <= key).or(all.last())
        }
        None => all.last(),
    }
}

/// The ruff codes one of our rules lists as its twins (`ruff = "E711"`, or
/// several separated by commas or spaces).
pub fn twins(field: &str) -> impl Iterator<Item = &str> {
    field.split([',', ' ']).map(str::trim).filter(|c| !c.is_empty() && c.chars().next().is_some_and(|ch| ch.is_ascii_uppercase()))
}

/// What ruff makes of one file: the project's selection resolved for it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuffView {
    /// The configuration file (None: ruff's defaults, no configuration found).
    pub config: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// per-file-ignores matching this file.
    pub file_ignore: Vec<String>,
    pub preview: bool,
    /// The ruff version found in the project's environment, if any.
    pub ruff_version: Option<String>,
}

impl RuffView {
    pub fn new(config: Option<&RuffConfig>, file: &Path, ruff_version: Option<String>) -> RuffView {
        match config {
            Some(c) => RuffView {
                config: Some(c.path.clone()),
                select: c.select.clone(),
                extend_select: c.extend_select.clone(),
                ignore: c.ignore.clone(),
                file_ignore: c.file_ignores(file),
                preview: c.preview,
                ruff_version,
            },
            None => RuffView {
                config: None,
                select: None,
                extend_select: Vec::new(),
                ignore: Vec::new(),
                file_ignore: Vec::new(),
                preview: false,
                ruff_version,
            },
        }
    }

    /// The (selected, ignored) specificities of `code` in the project's layer.
    fn layer(&self, code: &str) -> (Option<usize>, Option<usize>) {
        let sel = best(self.select.as_deref().unwrap_or(&[]), code).max(best(&self.extend_select, code));
        (sel, best(&self.ignore, code))
    }

    /// Whether the project turned `code` off for this file: an `ignore`
    /// selector at least as specific as any selecting it, or a per-file one.
    pub fn ignores(&self, code: &str) -> bool {
        if best(&self.file_ignore, code).is_some() {
            return true;
        }
        match self.layer(code) {
            (Some(s), Some(i)) => i >= s,
            (None, Some(_)) => true,
            _ => false,
        }
    }

    /// Whether ruff runs `code` on this file: its defaults (or the project's
    /// `select`), then `extend-select`/`ignore` by specificity, then
    /// per-file-ignores; a preview-only rule needs `preview = true`.
    pub fn runs(&self, code: &str) -> bool {
        let Some(release) = release_for(self.ruff_version.as_deref()) else { return false };
        if release.preview_twins.iter().any(|c| c == code) && !self.preview {
            return false;
        }
        let base = self.select.is_none() && release.on_by_default(code);
        let on = match self.layer(code) {
            (Some(s), Some(i)) => s > i,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => base,
        };
        on && best(&self.file_ignore, code).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(specificity("E7", "E711"), Some(2));
        assert_eq!(specificity("E", "E711"), Some(1));
        assert_eq!(specificity("E", "EXE001"), None);
        assert_eq!(specificity("F", "FURB180"), None);
        assert_eq!(specificity("PL", "PLW0120"), Some(1));
        assert_eq!(specificity("C4", "C416"), Some(2));
        assert_eq!(specificity("E711", "E711"), Some(4));
        assert_eq!(specificity("E712", "E711"), None);
        assert_eq!(specificity("ALL", "B006"), Some(0));
    }

    #[test]
    fn views() {
        let t: toml::Table = toml::from_str(
            r#"
            [lint]
            select = ["E", "B"]
            ignore = ["E7", "B006"]
            extend-select = ["E711"]
            [lint.per-file-ignores]
            "tests/**" = ["B008"]
            "__init__.py" = ["F401"]
            "#,
        )
        .unwrap();
        let c = RuffConfig::from_table(&t, Path::new("/p/ruff.toml"));
        let v = RuffView::new(Some(&c), Path::new("/p/src/m.py"), None);
        assert!(v.runs("E711") && !v.ignores("E711"), "the more specific select wins");
        assert!(!v.runs("E721") && v.ignores("E721"));
        assert!(!v.runs("B006") && v.ignores("B006"));
        assert!(v.runs("B008") && !v.ignores("B008"));
        assert!(!v.runs("UP006"), "not selected");
        let t = RuffView::new(Some(&c), Path::new("/p/tests/a/test_x.py"), None);
        assert!(t.ignores("B008") && !t.runs("B008"));
        let i = RuffView::new(Some(&c), Path::new("/p/pkg/__init__.py"), None);
        assert!(i.ignores("F401"));
    }

    #[test]
    fn defaults_per_release() {
        let none = |v: Option<&str>| RuffView::new(None, Path::new("/x.py"), v.map(str::to_string));
        assert!(none(Some("0.15.3")).runs("E711"));
        assert!(!none(Some("0.15.3")).runs("B006"));
        assert!(!none(Some("0.17.6")).runs("E711"));
        assert!(none(Some("0.17.6")).runs("B006"));
        assert!(!none(None).runs("FURB180"), "preview only");
        assert_eq!(twins("UP006, UP007 UP045").collect::<Vec<_>>(), ["UP006", "UP007", "UP045"]);
    }
}
