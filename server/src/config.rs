//! Configuration: one struct, filled from defaults, what the project declares
//! (`project`: `[tool.pyexplain]` in the nearest `pyproject.toml`, the target
//! version from wherever the project states it, the ruff configuration ruff
//! would use), then (in the server) `initializationOptions` and
//! `workspace/didChangeConfiguration`, or (on the command line) the flags.
//! Later sources win field by field; lists replace. Parsing is lenient per
//! field: a bad value is reported once and that field keeps its previous value.

pub mod project;
pub mod ruff;

pub use project::{Project, TargetOrigin, DISCOVERY_NAMES};

use crate::knowledge::{Knowledge, Severity};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

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
    /// Turn off a rule whose ruff twin the project's ruff configuration ignores.
    pub respect_ruff_config: bool,
    /// Where `target_version` came from (for the start-up log).
    pub target_origin: TargetOrigin,
    /// What ruff makes of this file (None: not looked up, e.g. in tests).
    pub ruff: Option<Arc<ruff::RuffView>>,
    /// The file is a stub (`.pyi`), laid out by the stub conventions, not
    /// PEP 8's blank lines.
    pub stub: bool,
    /// The `locale` setting (a language tag, `es`, `en`); None: the
    /// client's locale (server) or the environment's (command line).
    pub locale: Option<String>,
    /// The `notes` setting: folders of the user's own Markdown notes, as
    /// written (relative ones are resolved by the caller).
    pub notes: Vec<String>,
    /// The editor shows a diagnostic's message in the hover box itself,
    /// just above the server's hover (VS Code does; told from `clientInfo`):
    /// the brief hover of a finding then leaves the message out of its
    /// heading instead of saying it twice.
    pub diagnostics_in_hover: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            select: None,
            ignore: Vec::new(),
            severity: HashMap::new(),
            unsafe_fixes: false,
            target_version: default_target(),
            exclude: Vec::new(),
            hover_verbosity: Verbosity::Brief,
            hover_topics: true,
            defer_to_ruff: false,
            respect_ruff_config: true,
            target_origin: TargetOrigin::Default,
            ruff: None,
            stub: false,
            locale: None,
            notes: Vec::new(),
            diagnostics_in_hover: false,
        }
    }
}

/// `notes = "dir"` or `notes = ["dir", …]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
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
    #[serde(alias = "respect-ruff-config", alias = "respectRuffConfig")]
    pub respect_ruff_config: Option<Lenient<bool>>,
    #[serde(rename = "hover.topics", alias = "hoverTopics", alias = "hover-topics")]
    pub hover_topics: Option<Lenient<bool>>,
    pub locale: Option<Lenient<String>>,
    pub notes: Option<Lenient<OneOrMany>>,
}

/// The oldest CPython still supported on `today` (year, month), from the
/// end-of-life table in `knowledge/cpython.toml`.
pub fn oldest_supported(today: (u32, u32)) -> (u8, u8) {
    let table: toml::Table = toml::from_str(include_str!("../../knowledge/cpython.toml")).unwrap_or_default();
    let mut eol: Vec<((u8, u8), (u32, u32))> = table
        .get("end-of-life")
        .and_then(|t| t.as_table())
        .map(|t| {
            t.iter()
                .filter_map(|(v, d)| {
                    let (y, m) = d.as_str()?.split_once('-')?;
                    Some((parse_version(v)?, (y.parse().ok()?, m.parse().ok()?)))
                })
                .collect()
        })
        .unwrap_or_default();
    eol.sort();
    // Support ends during the month named: a release is supported before it.
    eol.iter().find(|(_, end)| today < *end).or(eol.last()).map_or((3, 11), |(v, _)| *v)
}

/// The default target: the oldest CPython supported today (by the clock).
pub fn default_target() -> (u8, u8) {
    static T: std::sync::OnceLock<(u8, u8)> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        oldest_supported(year_month(secs / 86_400))
    })
}

/// (year, month) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
fn year_month(days: u64) -> (u32, u32) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as u32, m as u32)
}

/// The known rule id closest to `id` (edit distance), for "did you mean".
pub fn closest_rule<'k>(id: &str, k: &'k Knowledge) -> Option<&'k str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    let lower = id.to_ascii_lowercase().replace('_', "-");
    k.rules
        .iter()
        .map(|r| r.meta.id.as_str())
        .map(|r| {
            // A ruff code names the rule whose twin it is.
            let twin = k.rule(r).is_some_and(|d| ruff::twins(&d.meta.ruff).any(|c| c.eq_ignore_ascii_case(id)));
            (if twin { 0 } else { distance(&lower, r) }, r)
        })
        .min()
        .map(|(_, r)| r)
}

/// `select`/`ignore`/`severity` entries naming no rule: (setting, id, closest known id).
pub fn unknown_rules(s: &Settings, k: &Knowledge) -> Vec<(&'static str, String, Option<String>)> {
    let mut out = Vec::new();
    let lists: [(&'static str, Vec<String>); 3] = [
        ("select", s.select.clone().unwrap_or_default()),
        ("ignore", s.ignore.clone()),
        ("severity", s.severity.keys().cloned().collect()),
    ];
    for (key, ids) in lists {
        for id in ids {
            if (key == "severity" || id != "ALL") && k.rule(&id).is_none() {
                let near = closest_rule(&id, k).map(str::to_string);
                out.push((key, id, near));
            }
        }
    }
    out
}

/// The message for one unknown rule id.
pub fn unknown_rule_message(key: &str, id: &str, near: Option<&str>, k: &Knowledge) -> String {
    match near {
        Some(n) => k.ui("settings.unknown_rule_near", &[("key", key), ("rule", id), ("near", n)]),
        None => k.ui("settings.unknown_rule", &[("key", key), ("rule", id)]),
    }
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
        // A project may still declare Python 2 (`>=2.7, !=3.0.*`): its target
        // is then 2.x, below every rule's minimum, so no Python 3 advice is
        // given to code that must keep running on Python 2.
        let py2 = || {
            let mut it = v.trim().split('.');
            let major: u8 = it.next()?.parse().ok()?;
            let minor: u8 = it.next()?.parse().ok()?;
            (major == 2).then_some((major, minor))
        };
        if let Some(mut ver) = parse_version(v).or_else(py2) {
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
                Some(ver) => {
                    self.target_version = ver;
                    self.target_origin = TargetOrigin::Setting("target-version".to_string());
                }
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
        if let Some(v) = take!(raw.respect_ruff_config, "respect-ruff-config") {
            self.respect_ruff_config = v;
        }
        if let Some(v) = take!(raw.locale, "locale") {
            self.locale = Some(v);
        }
        if let Some(v) = take!(raw.notes, "notes") {
            self.notes = match v {
                OneOrMany::One(d) => vec![d],
                OneOrMany::Many(ds) => ds,
            };
        }
        for (key, id, near) in unknown_rules(self, k) {
            warnings.push(unknown_rule_message(key, &id, near.as_deref(), k));
        }
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

    /// Whether rule `id` (with its knowledge metadata: default, ruff twins) is on.
    ///
    /// Off when our `ignore` names it; when the project's ruff configuration
    /// ignores one of its twins for this file (unless `respect-ruff-config =
    /// false`, or our own `select` names the rule itself); with
    /// `defer-to-ruff`, when ruff runs every one of its twins on this file
    /// (the project's ruff selection, or ruff's defaults of the release found).
    pub fn rule_enabled(&self, id: &str, default_on: bool, ruff: &str) -> bool {
        if self.ignore.iter().any(|r| r == id || r == "ALL") {
            return false;
        }
        let named = self.select.as_ref().is_some_and(|sel| sel.iter().any(|r| r == id));
        if let Some(view) = &self.ruff {
            if self.respect_ruff_config && !named && ruff::twins(ruff).any(|c| view.ignores(c)) {
                return false;
            }
        }
        if self.defer_to_ruff {
            let mut twins = ruff::twins(ruff).peekable();
            if twins.peek().is_some() {
                let default_view;
                let view = match &self.ruff {
                    Some(v) => v.as_ref(),
                    None => {
                        default_view = ruff::RuffView::new(None, Path::new(""), None);
                        &default_view
                    }
                };
                if twins.all(|c| view.runs(c)) {
                    return false;
                }
            }
        }
        match &self.select {
            Some(sel) => sel.iter().any(|r| r == id || r == "ALL"),
            None => default_on,
        }
    }
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
        assert_eq!(version_from_requires_python(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*"), Some((2, 7)));
        assert_eq!(version_from_requires_python(">3.9"), Some((3, 10)));
    }

    #[test]
    fn oldest_supported_cpython() {
        assert_eq!(oldest_supported((2026, 9)), (3, 10));
        assert_eq!(oldest_supported((2026, 10)), (3, 11));
        assert_eq!(oldest_supported((2026, 12)), (3, 11));
        assert_eq!(oldest_supported((2027, 10)), (3, 12));
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(20_793), (2026, 12)); // 2026-12-06
    }

    #[test]
    fn did_you_mean() {
        let k = Knowledge::get();
        assert_eq!(closest_rule("none-equalty", k), Some("none-equality"));
        assert_eq!(closest_rule("E711", k), Some("none-equality"));
        assert_eq!(closest_rule("bare_except", k), Some("bare-except"));
    }
}
