//! Rule fixtures: `tests/fixtures/rules/<id>.py` marks each expected finding
//! with `# expect: <id>` on the line where it starts; every other line is a
//! near-miss that must stay quiet. Reports missing and noisy findings per
//! rule. Fix snapshots (`tests/snapshots/fixes/<id>.py`) record each fixture
//! before and after its fixes; `UPDATE_SNAPSHOTS=1` rewrites them.

use pyexplain::analysis::{self, fix};
use pyexplain::config::Settings;
use pyexplain::knowledge::Knowledge;
use pyexplain::syntax;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn settings(rule: &str) -> Settings {
    Settings { select: Some(vec![rule.to_string()]), target_version: (3, 12), ..Settings::default() }
}

fn fixture(rule: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/rules/{rule}.py")))
        .unwrap_or_else(|_| panic!("rule {rule} has no fixture tests/fixtures/rules/{rule}.py"))
}

fn expected_lines(src: &str, rule: &str) -> BTreeSet<usize> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.split("# expect:").skip(1).any(|rest| rest.split(',').any(|r| r.trim().split_whitespace().next() == Some(rule)))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn fixtures_have_no_missing_and_no_noisy_findings() {
    let k = Knowledge::get();
    let mut report = Vec::new();
    for rule in analysis::rules::all() {
        let id = rule.id();
        let src = fixture(id);
        let want = expected_lines(&src, id);
        assert!(want.len() >= 3, "{id}: a fixture needs at least three hits");
        let near_misses = src.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && !l.contains("# expect:")).count();
        assert!(near_misses >= 3, "{id}: a fixture needs near-misses");
        let tree = syntax::parse(&src, None);
        let found = analysis::check(&src, &tree, &settings(id), k);
        let got: BTreeSet<usize> = found.iter().map(|f| src[..f.range.start].matches('\n').count() + 1).collect();
        let missing: Vec<_> = want.difference(&got).collect();
        let noisy: Vec<_> = got.difference(&want).collect();
        if !missing.is_empty() || !noisy.is_empty() {
            report.push(format!("{id}: missing on lines {missing:?}, noisy on lines {noisy:?}"));
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn fix_snapshots() {
    let k = Knowledge::get();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/fixes");
    let mut mismatched = Vec::new();
    for rule in analysis::rules::all() {
        let id = rule.id();
        let src = fixture(id);
        let safe = fix::fix_all(&src, &settings(id), k, false);
        let all = fix::fix_all(&src, &settings(id), k, true);
        let snap = format!(
            "# Fixes of tests/fixtures/rules/{id}.py\n# ---- safe fixes ({} applied) ----\n{}\n# ---- safe and unsafe fixes ({} applied) ----\n{}",
            safe.applied.len(),
            safe.text,
            all.applied.len(),
            all.text
        );
        let path = dir.join(format!("{id}.py.snap"));
        if update {
            std::fs::write(&path, &snap).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(snap.as_str()) {
            mismatched.push(id);
        }
    }
    assert!(mismatched.is_empty(), "fix snapshots differ (rerun with UPDATE_SNAPSHOTS=1 and review the diff): {mismatched:?}");
}

/// Fixed code never stops compiling (for fixtures that compiled before);
/// Python 2 fixtures compile once every finding of the rule is fixed (one
/// whose fix is unsafe or display-only leaves Python 2 code behind).
#[test]
fn fixes_keep_code_compiling() {
    let k = Knowledge::get();
    let mut broken = Vec::new();
    for rule in analysis::rules::all() {
        let id = rule.id();
        let src = fixture(id);
        let compiles = |s: &str| {
            Command::new("python3")
                .args(["-c", "import sys; compile(open(sys.argv[1]).read(), 'f', 'exec')"])
                .arg(write_tmp(id, s))
                .status()
                .map(|st| st.success())
                .unwrap_or(false)
        };
        let was_python3 = compiles(&src);
        for unsafe_fixes in [false, true] {
            let out = fix::fix_all(&src, &settings(id), k, unsafe_fixes);
            let fully_fixed = out.remaining.iter().all(|f| f.rule != id);
            if (was_python3 || (id.starts_with("py2-") && fully_fixed)) && !compiles(&out.text) {
                broken.push(format!("{id} (unsafe={unsafe_fixes})"));
            }
        }
    }
    assert!(broken.is_empty(), "fixes broke compilation: {broken:?}");
}

fn write_tmp(id: &str, s: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pyexplain-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{id}-{}.py", s.len()));
    std::fs::write(&p, s).unwrap();
    p
}

fn run_python(id: &str, s: &str) -> Option<String> {
    let out = Command::new("python3").arg(write_tmp(id, s)).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

/// For every rule whose first fix is safe: running the rule's Example and
/// the fixed Example prints the same; likewise for runnable fixtures.
#[test]
fn safe_fixes_do_not_change_what_programs_print() {
    let k = Knowledge::get();
    let mut changed = Vec::new();
    let mut compared = 0;
    for r in &k.rules {
        let id = r.meta.id.as_str();
        let s = settings(id);
        let mut programs = Vec::new();
        if let Some((lang, code)) = pyexplain::knowledge::code_blocks_in(r.doc.body("Example")).into_iter().next() {
            if lang == "python" {
                programs.push(("Example", code));
            }
        }
        programs.push(("fixture", fixture(id)));
        for (what, code) in programs {
            let out = fix::fix_all(&code, &s, k, false);
            if out.applied.is_empty() {
                continue;
            }
            // Every applied fix is one the rule's knowledge file declares.
            assert!(out.applied.iter().all(|(rule, kind)| k.rule(rule).and_then(|d| d.fix(kind)).is_some()));
            let Some(before) = run_python(id, &code) else { continue };
            compared += 1;
            match run_python(id, &out.text) {
                Some(after) if after == before => {}
                other => changed.push(format!("{id} {what}: before {before:?}, after {other:?}")),
            }
        }
    }
    assert!(compared >= 3, "too few runnable programs to compare ({compared})");
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}

/// The rules of severity `error` report code that CPython refuses to
/// compile. In each one's fixture, every `# expect:` line is on its own
/// (the other expected lines replaced by `pass`, `if True:` for a block
/// header, `case 0:` for a case) a SyntaxError that CPython reports on that
/// very line, and the
/// near misses below the `# Near misses` line compile (with the fixture's
/// imports). So the fixtures prove both halves against the interpreter.
#[test]
fn error_rules_report_exactly_what_cpython_refuses() {
    let k = Knowledge::get();
    let ids: Vec<&str> = k.rules.iter().filter(|r| r.meta.severity == pyexplain::knowledge::Severity::Error).map(|r| r.meta.id.as_str()).collect();
    assert!(ids.len() >= 4, "{ids:?}");
    let cases: Vec<(String, String)> = ids.iter().map(|id| (id.to_string(), fixture(id))).collect();
    let script = r##"
import json, sys
problems = []
for rid, src in json.load(sys.stdin):
    marker = "# Near misses"
    if marker not in src:
        problems.append(f"{rid}: no `{marker}` line")
        continue
    # The near misses compile under the fixture's imports (an expected
    # line, a late `from __future__` import for one, is left out).
    imports = "".join(l + "\n" for l in src.split("\n") if l.startswith(("import ", "from ")) and "# expect: " not in l)
    tail = src.split(marker, 1)[1].split("\n", 1)[1]
    try:
        compile(imports + tail, rid, "exec")
    except SyntaxError as e:
        problems.append(f"{rid}: a near miss does not compile: line {e.lineno}: {e.msg}")
    lines = src.split("\n")
    expected = [i for i, l in enumerate(lines) if "# expect: " + rid in l]
    if not expected:
        problems.append(f"{rid}: no expected line")
    for i in expected:
        def stub(l):
            indent = l[: len(l) - len(l.lstrip())]
            if l.lstrip().startswith("case "):
                return indent + "case 0:"
            return indent + ("if True:" if l.split("#")[0].rstrip().endswith(":") else "pass")
        alone = [l if j == i or j not in expected else stub(l) for j, l in enumerate(lines)]
        try:
            compile("\n".join(alone), rid, "exec")
            problems.append(f"{rid}: line {i + 1} alone compiles")
        except SyntaxError as e:
            if e.lineno != i + 1:
                problems.append(f"{rid}: line {i + 1} alone: the SyntaxError is on line {e.lineno} ({e.msg})")
print(json.dumps(problems))
"##;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed to check the error rules' fixtures");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), serde_json::to_string(&cases).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let problems: Vec<String> = serde_json::from_slice(&out.stdout).expect("python3 printed JSON");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
