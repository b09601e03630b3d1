//! Project configuration, end to end: each `tests/fixtures/projects/<name>/`
//! is copied to a fresh temporary directory (nothing above it is read) and
//! checked by the built binary; `case.toml` says what must come out (see the
//! README there). Also the command line's promises: syntax errors are
//! findings, unknown rule ids stop the run, the summary's fixable counts are
//! what `--fix` then does.

use pyexplain::config::{Project, TargetOrigin};
use pyexplain::knowledge::Knowledge;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A fresh copy of a fixture project (or of any directory) in the temp dir.
fn scratch(name: &str, from: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyexplain-projects-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(from, &dir);
    dir
}

fn pyexplain(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyexplain")).args(args).current_dir(cwd).env_remove("VIRTUAL_ENV").output().unwrap()
}

fn py_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if !p.ends_with(".venv") {
                py_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

#[test]
fn fixture_projects() {
    let k = Knowledge::get();
    let base = root().join("tests/fixtures/projects");
    let mut names: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let mut report = Vec::new();
    for name in &names {
        let case: toml::Table = toml::from_str(&std::fs::read_to_string(base.join(name).join("case.toml")).unwrap()).unwrap();
        let dir = scratch(name, &base.join(name));
        let out = pyexplain(&["check", "--select", "ALL", "--format", "json", "."], &dir);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();

        if let Some(rules) = case.get("rules").and_then(|r| r.as_array()) {
            let rules: Vec<&str> = rules.iter().filter_map(|r| r.as_str()).collect();
            let mut files = Vec::new();
            py_files(&dir, &mut files);
            let mut want = BTreeSet::new();
            for f in &files {
                let rel = f.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
                for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
                    for rest in line.split("# expect:").skip(1) {
                        let rule = rest.split_whitespace().next().unwrap_or("").trim_end_matches(',');
                        want.insert((rel.clone(), i + 1, rule.to_string()));
                    }
                }
            }
            let got: BTreeSet<(String, usize, String)> = findings
                .iter()
                .filter(|f| rules.contains(&f["rule"].as_str().unwrap()))
                .map(|f| {
                    let p = f["path"].as_str().unwrap().trim_start_matches("./").to_string();
                    (p, f["line"].as_u64().unwrap() as usize, f["rule"].as_str().unwrap().to_string())
                })
                .collect();
            for m in want.difference(&got) {
                report.push(format!("{name}: missing {m:?}"));
            }
            for n in got.difference(&want) {
                report.push(format!("{name}: noisy {n:?}"));
            }
        }
        let inserted: Vec<String> = findings
            .iter()
            .flat_map(|f| f["fixes"].as_array().cloned().unwrap_or_default())
            .flat_map(|fx| fx["edits"].as_array().cloned().unwrap_or_default())
            .map(|e| e["new_text"].as_str().unwrap_or("").to_string())
            .collect();
        if let Some(a) = case.get("absent").and_then(|v| v.as_str()) {
            if inserted.iter().any(|t| t.contains(a)) {
                report.push(format!("{name}: a fix inserts `{a}`"));
            }
        }
        if let Some(p) = case.get("present").and_then(|v| v.as_str()) {
            if !inserted.iter().any(|t| t.contains(p)) {
                report.push(format!("{name}: no fix inserts `{p}`"));
            }
        }
        if let Some(from) = case.get("target-from").and_then(|v| v.as_str()) {
            let any_py = {
                let mut f = Vec::new();
                py_files(&dir, &mut f);
                f.remove(0)
            };
            let p = Project::discover(&any_py, None, k);
            let s = p.settings_for(&any_py);
            let got_from = match &s.target_origin {
                TargetOrigin::Default => "default".to_string(),
                TargetOrigin::Setting(x) => x.clone(),
                TargetOrigin::Declared { field, .. } => field.to_string(),
            };
            if got_from != from {
                report.push(format!("{name}: target from {got_from}, expected {from}"));
            }
            let want_v = case.get("target").and_then(|v| v.as_str()).map(|v| pyexplain::config::parse_version(v).unwrap());
            let want_v = want_v.unwrap_or_else(pyexplain::config::default_target);
            if s.target_version != want_v {
                report.push(format!("{name}: target {:?}, expected {want_v:?}", s.target_version));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn a_syntax_error_is_a_finding_and_exit_1() {
    let dir = scratch("syntax", &root().join("tests/fixtures/projects/noqa"));
    std::fs::write(dir.join("broken.py"), "def f(:\n    return 1\n").unwrap();
    std::fs::write(dir.join("fine.py"), "x = 1\n").unwrap();
    let out = pyexplain(&["check", "broken.py", "fine.py"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("broken.py:1:7: syntax-error SyntaxError:"), "{text}");
    assert!(!text.contains("All checks passed"), "{text}");
    let out = pyexplain(&["check", "--format", "json", "broken.py"], &dir);
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0]["rule"].as_str(), v[0]["line"].as_u64()), (Some("syntax-error"), Some(1)));
    // The near-miss: valid code is clean.
    let out = pyexplain(&["check", "fine.py"], &dir);
    assert_eq!(out.status.code(), Some(0));
    // Valid syntax tree-sitter-python 0.25 cannot parse is not reported.
    std::fs::write(dir.join("pep696.py"), "def first[T = int](xs: list[T]) -> T:\n    return xs[0]\n").unwrap();
    std::fs::write(dir.join("dedent.py"), "def f():\n    (bar.\nbaz)\n").unwrap();
    let out = pyexplain(&["check", "pep696.py", "dedent.py"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_rule_ids_exit_2_with_the_closest() {
    let dir = scratch("unknown", &root().join("tests/fixtures/projects/noqa"));
    for (flag, id) in [("--select", "none-equalty"), ("--ignore", "mutable-default-arg"), ("--select", "E711")] {
        let out = pyexplain(&["check", flag, id, "m.py"], &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {id}: {err}");
        assert!(err.contains(id), "{err}");
        let near = if id.starts_with("mutable") { "mutable-default-argument" } else { "none-equality" };
        assert!(err.contains(&format!("did you mean `{near}`")), "{err}");
    }
    // `ALL` stays valid.
    assert_eq!(pyexplain(&["check", "--select", "ALL", "m.py"], &dir).status.code(), Some(1));
    // And in the configuration.
    std::fs::write(dir.join("pyproject.toml"), "[tool.pyexplain]\nignore = [\"bare-excep\"]\n").unwrap();
    let out = pyexplain(&["check", "m.py"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean `bare-except`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// "N fixable with --fix, M more with --unsafe-fixes" from the summary.
fn summary_counts(stdout: &str) -> (usize, usize) {
    let line = stdout.lines().last().unwrap();
    let nums: Vec<usize> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert_eq!(nums.len(), 3, "{line}");
    (nums[1], nums[2])
}

fn fixed_count(stdout: &str) -> usize {
    let line = stdout.lines().last().unwrap();
    line.split(|c: char| !c.is_ascii_digit()).find_map(|n| n.parse().ok()).unwrap()
}

#[test]
fn fixable_counts_are_what_fix_does() {
    for src in ["examples", "tests/fixtures/rules"] {
        let dir = scratch(&format!("fixable-{}", src.replace('/', "-")), &root().join(src));
        let check = pyexplain(&["check", "--select", "ALL", "--target-version", "3.12", "."], &dir);
        let (safe, more) = summary_counts(&String::from_utf8_lossy(&check.stdout));
        assert!(safe > 0 && more > 0, "{src}: {safe} {more}");
        let safe_dir = scratch(&format!("fixable-safe-{}", src.replace('/', "-")), &dir);
        let fix = pyexplain(&["check", "--select", "ALL", "--target-version", "3.12", "--fix", "."], &safe_dir);
        assert_eq!(fixed_count(&String::from_utf8_lossy(&fix.stdout)), safe, "{src}: --fix");
        let unsafe_dir = scratch(&format!("fixable-unsafe-{}", src.replace('/', "-")), &dir);
        let fix = pyexplain(&["check", "--select", "ALL", "--target-version", "3.12", "--fix", "--unsafe-fixes", "."], &unsafe_dir);
        assert_eq!(fixed_count(&String::from_utf8_lossy(&fix.stdout)), safe + more, "{src}: --fix --unsafe-fixes");
        for d in [dir, safe_dir, unsafe_dir] {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

#[test]
fn every_fix_is_shown_with_its_safety() {
    let dir = scratch("every-fix", &root().join("tests/fixtures/projects/noqa"));
    // zip-without-strict offers two fixes; none-equality's is unsafe.
    std::fs::write(dir.join("two.py"), "for a, b in zip(xs, ys):\n    print(a == None, b)\n").unwrap();
    let out = pyexplain(&["check", "--select", "zip-without-strict,none-equality", "--format", "json", "two.py"], &dir);
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for f in &v {
        let fixes = f["fixes"].as_array().unwrap();
        assert!(!fixes.is_empty(), "{f:#}");
        let rule = k_rule(f["rule"].as_str().unwrap());
        assert_eq!(fixes.len(), rule.meta.fixes.len().min(fixes.len()));
        for fx in fixes {
            assert!(["safe", "unsafe", "display-only"].contains(&fx["applicability"].as_str().unwrap()), "{fx:#}");
        }
    }
    let out = pyexplain(&["check", "--select", "zip-without-strict,none-equality", "two.py"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let json_fixes: usize = v.iter().map(|f| f["fixes"].as_array().unwrap().len()).sum();
    let text_fixes = text.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(json_fixes, text_fixes, "{text}");
    // The safety is said once per fix line: `[unsafe: …]`, never `(unsafe) [unsafe]`.
    assert!(text.contains("[unsafe: "), "{text}");
    assert!(text.contains("[safe]"), "{text}");
    assert!(!text.contains("(unsafe) [unsafe"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn k_rule(id: &str) -> &'static pyexplain::knowledge::RuleDoc {
    Knowledge::get().rule(id).unwrap()
}

#[test]
fn every_twin_was_measured_against_the_newest_ruff_table() {
    let newest = pyexplain::config::ruff::releases().last().unwrap();
    let mut missing = Vec::new();
    for r in &Knowledge::get().rules {
        for c in pyexplain::config::ruff::twins(&r.meta.ruff) {
            if !newest.checked.iter().any(|x| x == c) {
                missing.push(format!("{} ({c})", r.meta.id));
            }
        }
    }
    assert!(missing.is_empty(), "knowledge/ruff.toml: measure these twins for ruff {}: {missing:?}", newest.version);
}

#[test]
fn readme_overlap_table_matches_the_data() {
    use pyexplain::config::ruff::{release_for, twins};
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("## Overlap with ruff").nth(1).unwrap().split("\n## ").next().unwrap();
    let rows: BTreeSet<String> = section.lines().filter(|l| l.starts_with("| `")).map(str::to_string).collect();
    let mut want = BTreeSet::new();
    let cell = |v: &str, code: &str| {
        let r = release_for(Some(v)).unwrap();
        if r.preview_twins.iter().any(|c| c == code) {
            "preview only"
        } else if r.on_by_default(code) {
            "yes"
        } else {
            "no"
        }
    };
    for r in &Knowledge::get().rules {
        for code in twins(&r.meta.ruff) {
            want.insert(format!(
                "| `{}` | {} | {code} | {} | {} | {} |",
                r.meta.id,
                if r.meta.default { "on" } else { "off" },
                cell("0.17.0", code),
                cell("0.16.0", code),
                cell("0.1.0", code)
            ));
        }
    }
    let missing: Vec<_> = want.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&want).collect();
    assert!(missing.is_empty() && stale.is_empty(), "README overlap table: missing {missing:#?}\nstale {stale:#?}");
}
