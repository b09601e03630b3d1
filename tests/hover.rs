//! Hover fixtures: `tests/fixtures/hover/*.py` hold code and marker comments
//! `# ^ topic-id[/variant]` whose caret sits under the character to hover on
//! the nearest code line above. Each marker must resolve to that topic and
//! variant; the rendered hovers are snapshotted per fixture
//! (`UPDATE_SNAPSHOTS=1` rewrites them). Also prints a coverage report.

use pyexplain::analysis::hover;
use pyexplain::config::Settings;
use pyexplain::knowledge::Knowledge;
use pyexplain::line_index::{Encoding, LineIndex};
use pyexplain::syntax;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

struct Marker {
    line: usize,
    offset: usize,
    topic: String,
    variant: Option<String>,
}

fn markers(src: &str) -> Vec<Marker> {
    let idx = LineIndex::new(src);
    let lines: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    let mut code_line: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix('#') {
            if let Some(after) = rest.trim_start().strip_prefix('^') {
                let caret_col = l.chars().position(|c| c == '^').unwrap();
                let spec = after.trim().split_whitespace().next().unwrap_or("");
                let (topic, variant) = match spec.split_once('/') {
                    Some((t, v)) => (t.to_string(), Some(v.to_string())),
                    None => (spec.to_string(), None),
                };
                if let Some(cl) = code_line {
                    let offset = idx.offset(src, cl, caret_col, Encoding::CodePoints);
                    out.push(Marker { line: i + 1, offset, topic, variant });
                }
                continue;
            }
        }
        if !t.is_empty() {
            code_line = Some(i);
        }
    }
    out
}

#[test]
fn hover_fixtures_resolve_and_match_snapshots() {
    let k = Knowledge::get();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hover");
    let snap_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/hover");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let settings = Settings::default();
    let full_settings = Settings { hover_verbosity: pyexplain::config::Verbosity::Full, ..Settings::default() };
    let mut failures = Vec::new();
    let mut snapshot_diffs = Vec::new();
    let mut reached_topics = BTreeSet::new();
    let mut reached_variants = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let mut total = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "py")) {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let tree = syntax::parse(&src, None);
        let mut snap = String::new();
        for m in markers(&src) {
            total += 1;
            let got = hover::resolve(&src, &tree, m.offset, k);
            let got_topic = got.as_ref().map(|r| r.topic.meta.id.clone());
            let got_variant = got.as_ref().and_then(|r| r.variant.clone());
            if got_topic.as_deref() != Some(m.topic.as_str()) || (m.variant.is_some() && got_variant != m.variant) {
                failures.push(format!(
                    "{name}.py:{}: expected {}{}, got {:?}/{:?}",
                    m.line,
                    m.topic,
                    m.variant.as_ref().map(|v| format!("/{v}")).unwrap_or_default(),
                    got_topic,
                    got_variant
                ));
                continue;
            }
            reached_topics.insert(m.topic.clone());
            if let Some(v) = &got_variant {
                reached_variants.insert((m.topic.clone(), v.clone()));
            }
            let md = hover::hover(&src, &tree, m.offset, &[], &settings, k).map(|h| h.markdown).unwrap_or_default();
            let full = hover::hover(&src, &tree, m.offset, &[], &full_settings, k).map(|h| h.markdown).unwrap_or_default();
            let at = format!("line {} → {}{}", m.line, m.topic, got_variant.map(|v| format!("/{v}")).unwrap_or_default());
            snap.push_str(&format!("<!-- {at} (brief) -->\n{md}\n\n<!-- {at} (full) -->\n{full}\n\n"));
        }
        let snap_path = snap_dir.join(format!("{name}.md"));
        if update {
            std::fs::write(&snap_path, &snap).unwrap();
        } else if std::fs::read_to_string(&snap_path).ok().as_deref() != Some(snap.as_str()) {
            snapshot_diffs.push(name);
        }
    }
    // Coverage report.
    let topics: BTreeSet<String> = k.topics.iter().map(|t| t.meta.id.clone()).collect();
    let variants: BTreeSet<(String, String)> =
        k.topics.iter().flat_map(|t| t.doc.variant_keys().into_iter().map(|v| (t.meta.id.clone(), v.to_string()))).collect();
    let unreached: Vec<_> = topics.difference(&reached_topics).collect();
    let unreached_variants: Vec<_> = variants.difference(&reached_variants).collect();
    println!(
        "hover coverage: {} markers; topics reached {}/{}; variants reached {}/{}",
        total,
        reached_topics.len(),
        topics.len(),
        reached_variants.len(),
        variants.len()
    );
    let mut by_topic: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &failures {
        *by_topic.entry(f.split(".py").next().unwrap()).or_default() += 1;
    }
    assert!(failures.is_empty(), "{} of {total} markers do not resolve as expected:\n{}", failures.len(), failures.join("\n"));
    assert!(unreached.is_empty(), "topics no fixture reaches: {unreached:?}");
    assert!(unreached_variants.is_empty(), "variants no fixture reaches: {unreached_variants:?}");
    assert!(snapshot_diffs.is_empty(), "hover snapshots differ (rerun with UPDATE_SNAPSHOTS=1 and review): {snapshot_diffs:?}");
}

#[test]
fn hover_on_every_position_of_every_fixture_never_panics() {
    let k = Knowledge::get();
    let settings = Settings::default();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for sub in ["hover", "rules"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().filter_map(Result::ok) {
            let src = std::fs::read_to_string(e.path()).unwrap();
            let tree = syntax::parse(&src, None);
            let findings = pyexplain::analysis::check(&src, &tree, &settings, k);
            for off in (0..=src.len()).step_by(7) {
                let _ = hover::hover(&src, &tree, off, &findings, &settings, k);
            }
        }
    }
}

/// Every hard keyword of Python 3.12 (35), the soft keywords `match`, `case`,
/// `type` and `_` in patterns, and Python 2's `print`/`exec` statements reach
/// a topic when hovered. (tree-sitter-python's keyword tokens also include
/// `print` and `exec`, and parses True/False/None as named nodes, so the list
/// is explicit here.)
#[test]
fn every_keyword_reaches_a_topic() {
    let k = Knowledge::get();
    let cases: &[(&str, &str)] = &[
        ("False", "x = False\n"), ("None", "x = None\n"), ("True", "x = True\n"),
        ("and", "x = a and b\n"), ("as", "import os as o\n"), ("assert", "assert x\n"),
        ("async", "async def f():\n    pass\n"), ("await", "async def f():\n    await g()\n"),
        ("break", "for x in y:\n    break\n"), ("class", "class A:\n    pass\n"),
        ("continue", "for x in y:\n    continue\n"), ("def", "def f():\n    pass\n"),
        ("del", "del x\n"), ("elif", "if a:\n    pass\nelif b:\n    pass\n"),
        ("else", "if a:\n    pass\nelse:\n    pass\n"), ("except", "try:\n    pass\nexcept E:\n    pass\n"),
        ("finally", "try:\n    pass\nfinally:\n    pass\n"), ("for", "for x in y:\n    pass\n"),
        ("from", "from os import path\n"), ("global", "def f():\n    global x\n"),
        ("if", "if a:\n    pass\n"), ("import", "import os\n"), ("in", "x = a in b\n"),
        ("is", "x = a is b\n"), ("lambda", "f = lambda: 0\n"), ("nonlocal", "def f():\n    def g():\n        nonlocal x\n"),
        ("not", "x = not a\n"), ("or", "x = a or b\n"), ("pass", "pass\n"),
        ("raise", "raise E\n"), ("return", "def f():\n    return 1\n"),
        ("try", "try:\n    pass\nexcept E:\n    pass\n"), ("while", "while a:\n    pass\n"),
        ("with", "with a as b:\n    pass\n"), ("yield", "def f():\n    yield 1\n"),
        ("match", "match x:\n    case 1:\n        pass\n"), ("case", "match x:\n    case 1:\n        pass\n"),
        ("type", "type X = int\n"), ("_", "match x:\n    case _:\n        pass\n"),
        ("print", "print 'hi'\n"), ("exec", "exec 'x = 1'\n"),
    ];
    assert_eq!(cases.len(), 35 + 4 + 2);
    let mut missing = Vec::new();
    for (kw, src) in cases {
        let tree = syntax::parse(src, None);
        let offset = src.match_indices(kw).map(|(i, _)| i).find(|&i| {
            let before = src[..i].chars().next_back();
            let after = src[i + kw.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        });
        let Some(offset) = offset else { panic!("`{kw}` not found in its snippet") };
        if hover::resolve(src, &tree, offset, k).is_none() {
            missing.push(*kw);
        }
    }
    assert!(missing.is_empty(), "keywords with no reachable topic: {missing:?}");
}
