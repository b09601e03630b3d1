//! What a project declares about itself, found from one of its files: the
//! nearest `pyproject.toml` (`[tool.pyexplain]`, `[project] requires-python`,
//! Poetry's python dependency), `setup.cfg` and `setup.py` beside it (read as
//! text, never executed), the ruff configuration ruff would use, and the ruff
//! release installed in the project's virtual environment.

use super::ruff::{RuffConfig, RuffView};
use super::{RawSettings, Settings};
use crate::knowledge::Knowledge;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the target version came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TargetOrigin {
    /// No declaration: the oldest CPython still supported.
    #[default]
    Default,
    /// Our own setting (`[tool.pyexplain]`, the client, `--target-version`).
    Setting(String),
    /// A project file and the field in it.
    Declared { path: PathBuf, field: &'static str },
}

impl TargetOrigin {
    /// A line for the start-up log (text from knowledge).
    pub fn describe(&self, version: (u8, u8), k: &Knowledge) -> String {
        let v = format!("{}.{}", version.0, version.1);
        match self {
            TargetOrigin::Default => k.ui("startup.target_default", &[("version", &v)]),
            TargetOrigin::Setting(s) => k.ui("startup.target_setting", &[("version", &v), ("source", s)]),
            TargetOrigin::Declared { path, field } => {
                k.ui("startup.target_declared", &[("version", &v), ("path", &path.display().to_string()), ("field", field)])
            }
        }
    }
}

/// The configuration of the project a file belongs to, before anything
/// that depends on the file itself.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub base: Settings,
    /// Messages about bad values, for the user.
    pub warnings: Vec<String>,
    /// Configuration files read, in the order they were found.
    pub sources: Vec<PathBuf>,
    pub ruff: Option<Arc<RuffConfig>>,
    pub ruff_version: Option<String>,
}

/// Every name `Project::discover` reads in a directory on the way up: the
/// project files, the ruff configurations and the virtual environments
/// (`find_ruff_version`). A directory holding none of them contributes
/// nothing, so its files' project is its parent directory's.
pub const DISCOVERY_NAMES: [&str; 7] = ["pyproject.toml", "setup.cfg", "setup.py", ".ruff.toml", "ruff.toml", ".venv", "venv"];

impl Project {
    /// Discover the project of `file` (or of the directory `file`), looking no
    /// higher than `stop` for the pyproject.toml (the workspace root).
    pub fn discover(file: &Path, stop: Option<&Path>, k: &Knowledge) -> Project {
        let mut p = Project::default();
        let start = if file.is_dir() { file } else { file.parent().unwrap_or(file) };
        let ancestors: Vec<&Path> = start.ancestors().collect();
        // The project directory: the nearest with a pyproject.toml, a
        // setup.cfg or a setup.py (a project unpacked inside another one's
        // tree is its own project, not the outer one).
        let within_stop = |d: &Path| stop.is_none_or(|s| d.starts_with(s) || !start.starts_with(s));
        let project_dir = ancestors
            .iter()
            .copied()
            .filter(|d| within_stop(d))
            .find(|d| ["pyproject.toml", "setup.cfg", "setup.py"].iter().any(|f| d.join(f).is_file()));

        let mut declared: Vec<((u8, u8), TargetOrigin, u8)> = Vec::new();
        if let Some(dir) = project_dir {
            let pp = dir.join("pyproject.toml");
            if let Ok(text) = std::fs::read_to_string(&pp) {
                p.sources.push(pp.clone());
                match toml::from_str::<toml::Table>(&text) {
                    Ok(table) => {
                        if let Some(v) = table.get("project").and_then(|t| t.get("requires-python")).and_then(|v| v.as_str()) {
                            if let Some(ver) = super::version_from_requires_python(v) {
                                declared.push((ver, TargetOrigin::Declared { path: pp.clone(), field: "[project] requires-python" }, 1));
                            }
                        }
                        let poetry = table.get("tool").and_then(|t| t.get("poetry")).and_then(|t| t.get("dependencies")).and_then(|t| t.get("python"));
                        let poetry = poetry.and_then(|v| v.as_str().or_else(|| v.get("version").and_then(|x| x.as_str())));
                        if let Some(ver) = poetry.and_then(version_from_poetry) {
                            declared.push((ver, TargetOrigin::Declared { path: pp.clone(), field: "[tool.poetry.dependencies] python" }, 2));
                        }
                        if let Some(tool) = table.get("tool").and_then(|t| t.get("pyexplain")) {
                            match RawSettings::deserialize(tool.clone()) {
                                Ok(raw) => {
                                    let had = raw.target_version.is_some();
                                    p.warnings.extend(p.base.merge(raw, k));
                                    if had && p.base.target_origin != TargetOrigin::Default {
                                        p.base.target_origin = TargetOrigin::Declared { path: pp.clone(), field: "[tool.pyexplain] target-version" };
                                    }
                                }
                                Err(e) => p.warnings.push(k.ui(
                                    "settings.invalid_value",
                                    &[("key", "tool.pyexplain"), ("value", &e.to_string())],
                                )),
                            }
                        }
                    }
                    Err(e) => p.warnings.push(k.ui(
                        "settings.invalid_pyproject",
                        &[("path", &pp.display().to_string()), ("error", &e.to_string())],
                    )),
                }
            }
            let cfg = dir.join("setup.cfg");
            if let Ok(text) = std::fs::read_to_string(&cfg) {
                p.sources.push(cfg.clone());
                if let Some(ver) = ini_value(&text, "options", "python_requires").and_then(|v| super::version_from_requires_python(&v)) {
                    declared.push((ver, TargetOrigin::Declared { path: cfg, field: "[options] python_requires" }, 3));
                }
            }
            let spy = dir.join("setup.py");
            if let Ok(text) = std::fs::read_to_string(&spy) {
                p.sources.push(spy.clone());
                if let Some(ver) = setup_py_python_requires(&text).and_then(|v| super::version_from_requires_python(&v)) {
                    declared.push((ver, TargetOrigin::Declared { path: spy, field: "python_requires=" }, 4));
                }
            }
        }

        // The ruff configuration ruff would use: in each directory from the
        // file up, `.ruff.toml`, then `ruff.toml`, then a pyproject.toml with
        // a `[tool.ruff]` table.
        'dirs: for d in &ancestors {
            for name in [".ruff.toml", "ruff.toml", "pyproject.toml"] {
                let f = d.join(name);
                let Ok(text) = std::fs::read_to_string(&f) else { continue };
                let Ok(table) = toml::from_str::<toml::Table>(&text) else {
                    if name != "pyproject.toml" {
                        p.warnings.push(k.ui("settings.invalid_ruff", &[("path", &f.display().to_string())]));
                    }
                    continue;
                };
                let ruff_table = if name == "pyproject.toml" {
                    match table.get("tool").and_then(|t| t.get("ruff")).and_then(|t| t.as_table()) {
                        Some(t) => t.clone(),
                        None => continue,
                    }
                } else {
                    table
                };
                let c = RuffConfig::from_table(&ruff_table, &f);
                if !p.sources.contains(&f) {
                    p.sources.push(f.clone());
                }
                if let Some(ext) = &c.extend {
                    p.warnings.push(k.ui("settings.ruff_extend_ignored", &[("path", &f.display().to_string()), ("extend", ext)]));
                }
                if let Some(ver) = c.target_version {
                    declared.push((ver, TargetOrigin::Declared { path: f.clone(), field: "ruff target-version" }, 5));
                }
                p.ruff = Some(Arc::new(c));
                break 'dirs;
            }
        }
        p.ruff_version = find_ruff_version(&ancestors, std::env::var_os("VIRTUAL_ENV").map(PathBuf::from));

        if p.base.target_origin == TargetOrigin::Default {
            if let Some((ver, origin, _)) = declared.into_iter().min_by_key(|d| d.2) {
                p.base.target_version = ver;
                p.base.target_origin = origin;
            }
        }
        p
    }

    /// Lines for the start-up log: sources, target and where it came from,
    /// the ruff configuration and what it turns off.
    pub fn describe(&self, k: &Knowledge) -> Vec<String> {
        let mut out = Vec::new();
        if self.sources.is_empty() {
            out.push(k.ui("startup.no_sources", &[]));
        } else {
            let list: Vec<String> = self.sources.iter().map(|p| p.display().to_string()).collect();
            out.push(k.ui("startup.sources", &[("sources", &list.join(", "))]));
        }
        out.push(self.base.target_origin.describe(self.base.target_version, k));
        let ruff = self.ruff_version.clone().unwrap_or_else(|| k.ui("startup.ruff_version_unknown", &[]));
        match &self.ruff {
            Some(c) => {
                let view = RuffView::new(Some(c), Path::new(""), self.ruff_version.clone());
                let off: Vec<&str> = k
                    .rules
                    .iter()
                    .filter(|r| super::ruff::twins(&r.meta.ruff).any(|t| view.ignores(t)))
                    .map(|r| r.meta.id.as_str())
                    .collect();
                let off = if off.is_empty() { "-".to_string() } else { off.join(", ") };
                out.push(k.ui("startup.ruff_config", &[("path", &c.path.display().to_string()), ("ruff", &ruff), ("off", &off)]));
            }
            None => out.push(k.ui("startup.ruff_none", &[("ruff", &ruff)])),
        }
        out
    }

    /// Settings for one file of the project.
    pub fn settings_for(&self, file: &Path) -> Settings {
        let mut s = self.base.clone();
        s.ruff = Some(Arc::new(RuffView::new(self.ruff.as_deref(), file, self.ruff_version.clone())));
        s.stub = file.extension().is_some_and(|e| e == "pyi");
        s
    }
}

/// The lowest version a Poetry constraint allows: `^3.9`, `~3.9`, `>=3.8,<4`,
/// `3.9.*`, alternatives with `||`.
pub fn version_from_poetry(spec: &str) -> Option<(u8, u8)> {
    spec.split("||")
        .filter_map(|alt| {
            let alt = alt.trim();
            let clauses: Vec<String> = alt
                .split(',')
                .map(|c| {
                    let c = c.trim();
                    if let Some(v) = c.strip_prefix('^').or_else(|| c.strip_prefix("~=")).or_else(|| c.strip_prefix('~')) {
                        format!(">={}", v.trim())
                    } else if c.starts_with(|ch: char| ch.is_ascii_digit()) {
                        format!(">={}", c.trim_end_matches(".*"))
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            // (A Python 2 alternative is left out here, as before.)
            super::version_from_requires_python(&clauses.join(",")).filter(|v| v.0 >= 3)
        })
        .min()
}

/// `key` in `[section]` of an INI text (`=` or `:`), first line only.
pub fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = name.trim().to_string();
            continue;
        }
        if current == section {
            if let Some(i) = t.find(['=', ':']) {
                if t[..i].trim().replace('-', "_") == key {
                    return Some(t[i + 1..].trim().to_string());
                }
            }
        }
    }
    None
}

/// A literal `python_requires="…"` in a setup.py, read as text.
pub fn setup_py_python_requires(text: &str) -> Option<String> {
    for (at, _) in text.match_indices("python_requires") {
        let rest = text[at + "python_requires".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else { continue };
        let rest = rest.trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let body = &rest[1..];
        if let Some(end) = body.find(q) {
            return Some(body[..end].to_string());
        }
    }
    None
}

/// The ruff release installed in the project's environment, read from a
/// `ruff-X.Y.Z.dist-info` directory (nothing is executed): `$VIRTUAL_ENV`,
/// then `.venv`/`venv` in the file's directory and each one above it.
pub fn find_ruff_version(ancestors: &[&Path], virtual_env: Option<PathBuf>) -> Option<String> {
    let mut envs: Vec<PathBuf> = virtual_env.into_iter().collect();
    for d in ancestors {
        envs.push(d.join(".venv"));
        envs.push(d.join("venv"));
    }
    for env in envs {
        let mut site_dirs = vec![env.join("Lib").join("site-packages")];
        if let Ok(rd) = std::fs::read_dir(env.join("lib")) {
            site_dirs.extend(rd.filter_map(Result::ok).map(|e| e.path().join("site-packages")));
        }
        for site in site_dirs {
            let Ok(rd) = std::fs::read_dir(&site) else { continue };
            for e in rd.filter_map(Result::ok) {
                let name = e.file_name().to_string_lossy().to_string();
                if let Some(v) = name.strip_prefix("ruff-").and_then(|r| r.strip_suffix(".dist-info")) {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_and_setup() {
        assert_eq!(version_from_poetry("^3.9"), Some((3, 9)));
        assert_eq!(version_from_poetry(">=3.8,<4"), Some((3, 8)));
        assert_eq!(version_from_poetry("~3.9"), Some((3, 9)));
        assert_eq!(version_from_poetry("3.10.*"), Some((3, 10)));
        assert_eq!(version_from_poetry("^2.7 || ^3.7"), Some((3, 7)));
        assert_eq!(version_from_poetry("*"), None);
        assert_eq!(ini_value("[metadata]\nname = x\n[options]\npython_requires = >=3.8\n", "options", "python_requires").as_deref(), Some(">=3.8"));
        assert_eq!(ini_value("[metadata]\npython_requires = >=3.8\n", "options", "python_requires"), None);
        assert_eq!(setup_py_python_requires("setup(name='x', python_requires = '>=3.7, <4')").as_deref(), Some(">=3.7, <4"));
        assert_eq!(setup_py_python_requires("setup(python_requires=REQ)"), None);
    }
}
