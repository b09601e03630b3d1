//! Configuration: one struct, filled from defaults, `[tool.pyexplain]` in the
//! nearest `pyproject.toml`, then (in the server) `initializationOptions` and
//! `workspace/didChangeConfiguration`. Later sources win field by field; lists
//! replace. Parsing is lenient per field: a bad value is reported once and
//! that field keeps its previous value.

use crate::knowledge::{Knowledge, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    #[default]
    Brief,
    Full,
}

/// The effective settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: HashMap<String, Severity>,
    pub unsafe_fixes: bool,
    pub target_version: (u8, u8),
    pub exclude: Vec<String>,
    pub hover_verbosity: Verbosity,
    /// Hovers on topics (`hover.topics`, `hoverTopics`); off leaves only the findings' hovers.
    pub hover_topics: bool,
    pub defer_to_ruff: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            select: None,
            ignore: Vec::new(),
            severity: HashMap::new(),
            unsafe_fixes: false,
            target_version: (3, 11),
            exclude: Vec::new(),
            hover_verbosity: Verbosity::Brief,
            hover_topics: true,
            defer_to_ruff: false,
        }
    }
}

/// A field that either parsed or did not; the bad value is kept for the message.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Valid(T),
    Invalid(serde_json::Value),
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct RawHover {
    pub verbosity: Option<Lenient<Verbosity>>,
    pub topics: Option<Lenient<bool>>,
}

/// One source of settings, every field optional. Accepts kebab-case (TOML),
/// camelCase (LSP) and snake_case keys.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct RawSettings {
    pub select: Option<Lenient<Vec<String>>>,
    pub ignore: Option<Lenient<Vec<String>>>,
    pub severity: Option<Lenient<HashMap<String, Severity>>>,
    #[serde(alias = "unsafe-fixes", alias = "unsafeFixes")]
    pub unsafe_fixes: Option<Lenient<bool>>,
    #[serde(alias = "target-version", alias = "targetVersion")]
    pub target_version: Option<Lenient<String>>,
    pub exclude: Option<Lenient<Vec<String>>>,
    pub hover: Option<Lenient<RawHover>>,
    #[serde(rename = "hover.verbosity")]
    pub hover_verbosity: Option<Lenient<Verbosity>>,
    #[serde(alias = "defer-to-ruff", alias = "deferToRuff")]
    pub defer_to_ruff: Option<Lenient<bool>>,
    #[serde(rename = "hover.topics", alias = "hoverTopics", alias = "hover-topics")]
    pub hover_topics: Option<Lenient<bool>>,
}

/// Parse "3.12" / "py312" / "3.12.1" into (3, 12).
pub fn parse_version(s: &str) -> Option<(u8, u8)> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("py") {
        if rest.len() >= 2 && rest.chars().all(|c| c.is_ascii_digit()) {
            return Some((rest[..1].parse().ok()?, rest[1..].parse().ok()?));
        }
        return None;
    }
    let mut it = s.split('.');
    let major: u8 = it.next()?.parse().ok()?;
    let minor: u8 = it.next()?.parse().ok()?;
    (major == 3).then_some((major, minor))
}

/// The lowest version a `requires-python` specifier allows (`>=3.12`, `~=3.10`, `>3.9`).
pub fn version_from_requires_python(spec: &str) -> Option<(u8, u8)> {
    let mut best: Option<(u8, u8)> = None;
    for clause in spec.split(',') {
        let c = clause.trim();
        let (op, v) = if let Some(v) = c.strip_prefix(">=") {
            (">=", v)
        } else if let Some(v) = c.strip_prefix("~=") {
            (">=", v)
        } else if let Some(v) = c.strip_prefix("==") {
            (">=", v.trim_end_matches(".*"))
        } else if let Some(v) = c.strip_prefix('>') {
            (">", v)
        } else {
            continue;
        };
        if let Some(mut ver) = parse_version(v) {
            if op == ">" && v.trim().split('.').count() == 2 {
                ver.1 += 1;
            }
            best = Some(best.map_or(ver, |b| b.max(ver)));
        }
    }
    best
}

impl Settings {
    /// Merge one source into these settings; returns messages for bad values.
    pub fn merge(&mut self, raw: RawSettings, k: &Knowledge) -> Vec<String> {
        let mut warnings = Vec::new();
        macro_rules! take {
            ($field:expr, $key:literal) => {
                match $field {
                    Some(Lenient::Valid(v)) => Some(v),
                    Some(Lenient::Invalid(bad)) => {
                        warnings.push(k.ui("settings.invalid_value", &[("key", $key), ("value", &bad.to_string())]));
                        None
                    }
                    None => None,
                }
            };
        }
        if let Some(v) = take!(raw.select, "select") {
            self.select = Some(v);
        }
        if let Some(v) = take!(raw.ignore, "ignore") {
            self.ignore = v;
        }
        if let Some(v) = take!(raw.severity, "severity") {
            self.severity = v;
        }
        if let Some(v) = take!(raw.unsafe_fixes, "unsafe-fixes") {
            self.unsafe_fixes = v;
        }
        if let Some(v) = take!(raw.target_version, "target-version") {
            match parse_version(&v) {
                Some(ver) => self.target_version = ver,
                None => warnings.push(k.ui("settings.invalid_value", &[("key", "target-version"), ("value", &v)])),
            }
        }
        if let Some(v) = take!(raw.exclude, "exclude") {
            self.exclude = v;
        }
        if let Some(h) = take!(raw.hover, "hover") {
            if let Some(v) = take!(h.verbosity, "hover.verbosity") {
                self.hover_verbosity = v;
            }
            if let Some(v) = take!(h.topics, "hover.topics") {
                self.hover_topics = v;
            }
        }
        if let Some(v) = take!(raw.hover_topics, "hover.topics") {
            self.hover_topics = v;
        }
        if let Some(v) = take!(raw.hover_verbosity, "hover.verbosity") {
            self.hover_verbosity = v;
        }
        if let Some(v) = take!(raw.defer_to_ruff, "defer-to-ruff") {
            self.defer_to_ruff = v;
        }
        let mut unknown = Vec::new();
        for (key, ids) in [("select", self.select.clone().unwrap_or_default()), ("ignore", self.ignore.clone())] {
            for id in ids {
                if id != "ALL" && k.rule(&id).is_none() {
                    unknown.push(k.ui("settings.unknown_rule", &[("key", key), ("rule", &id)]));
                }
            }
        }
        for id in self.severity.keys() {
            if k.rule(id).is_none() {
                unknown.push(k.ui("settings.unknown_rule", &[("key", "severity"), ("rule", id)]));
            }
        }
        warnings.extend(unknown);
        warnings
    }

    /// Merge a JSON payload from an LSP client: nested under `pyexplain` or
    /// flat; `null` or an empty object changes nothing.
    pub fn merge_json(&mut self, value: &serde_json::Value, k: &Knowledge) -> Vec<String> {
        let inner = match value.get("pyexplain") {
            Some(v) => v,
            None => value,
        };
        if !inner.is_object() {
            return Vec::new();
        }
        match RawSettings::deserialize(inner) {
            Ok(raw) => self.merge(raw, k),
            Err(e) => vec![k.ui("settings.invalid_value", &[("key", "pyexplain"), ("value", &e.to_string())])],
        }
    }

    /// Whether rule `id` (with its knowledge metadata) is on.
    pub fn rule_enabled(&self, id: &str, default_on: bool, ruff: &str) -> bool {
        if self.ignore.iter().any(|r| r == id || r == "ALL") {
            return false;
        }
        if self.defer_to_ruff && !ruff.is_empty() {
            return false;
        }
        match &self.select {
            Some(sel) => sel.iter().any(|r| r == id || r == "ALL"),
            None => default_on,
        }
    }
}

/// The nearest `pyproject.toml` at or above `start`, not above `stop` (if given).
pub fn find_pyproject(start: &Path, stop: Option<&Path>) -> Option<PathBuf> {
    let mut dir = if start.is_dir() { Some(start) } else { start.parent() };
    while let Some(d) = dir {
        let candidate = d.join("pyproject.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        if stop.is_some_and(|s| s == d) {
            break;
        }
        dir = d.parent();
    }
    None
}

/// Settings from a `pyproject.toml` text: `[tool.pyexplain]`, with
/// `target-version` defaulting from `[project] requires-python`.
pub fn merge_pyproject(settings: &mut Settings, text: &str, path: &Path, k: &Knowledge) -> Vec<String> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            return vec![k.ui(
                "settings.invalid_pyproject",
                &[("path", &path.display().to_string()), ("error", &e.to_string())],
            )];
        }
    };
    let mut warnings = Vec::new();
    if let Some(req) = table.get("project").and_then(|p| p.get("requires-python")).and_then(|v| v.as_str()) {
        if let Some(v) = version_from_requires_python(req) {
            settings.target_version = v;
        }
    }
    if let Some(tool) = table.get("tool").and_then(|t| t.get("pyexplain")) {
        match RawSettings::deserialize(tool.clone()) {
            Ok(raw) => warnings.extend(settings.merge(raw, k)),
            Err(e) => warnings.push(k.ui("settings.invalid_value", &[("key", "tool.pyexplain"), ("value", &e.to_string())])),
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("3.12"), Some((3, 12)));
        assert_eq!(parse_version("py310"), Some((3, 10)));
        assert_eq!(parse_version("2.7"), None);
        assert_eq!(version_from_requires_python(">=3.10, <4"), Some((3, 10)));
        assert_eq!(version_from_requires_python("~=3.12"), Some((3, 12)));
        assert_eq!(version_from_requires_python(">3.9"), Some((3, 10)));
    }
}
