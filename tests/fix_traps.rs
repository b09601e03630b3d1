//! Fix-safety traps: runnable programs under `tests/fixtures/traps/`, named
//! `<rule-id>.py` or `<rule-id>--<what>.py`, each run by `python3` before
//! and after the rule's fixes.
//!
//! - A trap marked `# trap: safe` holds cases whose safe fix must keep
//!   behaviour: at least one safe fix of the rule applies, and the fixed
//!   program prints what the original printed.
//! - A trap marked `# trap: unsafe` holds cases that must NOT get a safe
//!   fix (the traps of issue 10): no safe fix of the rule applies, and
//!   applying the unsafe fixes does change what the program prints (or
//!   makes it fail) — the evidence that the fix is rightly unsafe.
//! - A trap marked `# trap: not-safe` holds cases that must get no safe fix
//!   where a run cannot show the difference (display-only fixes, no fix,
//!   effects outside the program's output): only the first check applies.
//!
//! What the original prints is its own output, or, for Python 2 code
//! (which `python3` cannot run), the lines written by hand after `#> `:
//! what Python 2 printed for it.

use pyexplain::analysis::{self, fix};
use pyexplain::config::Settings;
use pyexplain::knowledge::Knowledge;
use pyexplain::syntax;
use std::path::{Path, PathBuf};
use std::process::Command;

fn settings(rule: &str) -> Settings {
    Settings { select: Some(vec![rule.to_string()]), target_version: (3, 12), ..Settings::default() }
}

fn run_python(name: &str, s: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("pyexplain-traps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    let out = Command::new("python3").arg(&p).env_remove("PYTHONBREAKPOINT").stdin(std::process::Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

fn traps() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/traps");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "py")).collect();
    v.sort();
    v
}

#[test]
fn fix_traps_keep_or_rightly_refuse_behaviour() {
    let k = Knowledge::get();
    let mut failures = Vec::new();
    let all = traps();
    assert!(all.len() >= 10, "too few traps ({})", all.len());
    for path in all {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let id = name.trim_end_matches(".py").split("--").next().unwrap().to_string();
        assert!(analysis::rules::by_id(&id).is_some(), "{name}: no rule {id}");
        let src = std::fs::read_to_string(&path).unwrap();
        let kind = if src.contains("# trap: safe") {
            "safe"
        } else if src.contains("# trap: unsafe") {
            "unsafe"
        } else if src.contains("# trap: not-safe") {
            "not-safe"
        } else {
            panic!("{name}: mark it `# trap: safe`, `# trap: unsafe` or `# trap: not-safe`")
        };
        let s = settings(&id);
        let tree = syntax::parse(&src, None);
        let found = analysis::check(&src, &tree, &s, k);
        if !found.iter().any(|f| f.rule == id.as_str()) {
            failures.push(format!("{name}: the rule reports nothing here: not a trap"));
            continue;
        }
        let safe = fix::fix_all(&src, &s, k, false);
        let safe_applied = safe.applied.iter().filter(|(r, _)| *r == id.as_str()).count();
        if kind == "not-safe" {
            if safe_applied != 0 {
                failures.push(format!("{name}: {safe_applied} safe fix(es) applied to a trap\n{}", safe.text));
            }
            continue;
        }
        let hand: Vec<&str> = src.lines().filter_map(|l| l.strip_prefix("#> ").or_else(|| (l == "#>").then_some(""))).collect();
        let expected = if hand.is_empty() {
            match run_python(&name, &src) {
                Some(out) => out,
                None => {
                    failures.push(format!("{name}: the original program does not run"));
                    continue;
                }
            }
        } else {
            hand.iter().map(|l| format!("{l}\n")).collect()
        };
        match kind {
            "safe" => {
                if safe_applied == 0 {
                    failures.push(format!("{name}: no safe fix applied"));
                }
                let after = run_python(&name, &safe.text);
                if after.as_deref() != Some(expected.as_str()) {
                    failures.push(format!("{name}: safe fixes changed the output: expected {expected:?}, got {after:?}\n{}", safe.text));
                }
            }
            _ => {
                if safe_applied != 0 {
                    failures.push(format!("{name}: {safe_applied} safe fix(es) applied to a trap\n{}", safe.text));
                }
                let unsafe_ = fix::fix_all(&src, &s, k, true);
                if unsafe_.applied.iter().all(|(r, _)| *r != id.as_str()) {
                    failures.push(format!("{name}: no unsafe fix to test"));
                } else if run_python(&name, &unsafe_.text).as_deref() == Some(expected.as_str()) {
                    failures.push(format!("{name}: the unsafe fixes keep the output: the trap does not show why they are unsafe"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
