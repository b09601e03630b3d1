//! Knowledge validation: every topic and rule file is well-formed, its code
//! compiles, its node kinds exist, its rule is registered, and each rule's
//! Example triggers it while Use instead does not (and, for a safe first fix,
//! fixing the Example gives Use instead exactly).

use pyexplain::analysis::{self, fix, hover::CONTEXT_KEYS};
use pyexplain::config::Settings;
use pyexplain::knowledge::{code_blocks_in, Knowledge};
use pyexplain::syntax;
use std::io::Write;
use std::process::{Command, Stdio};

const TOPIC_SECTIONS: &[&str] = &["Summary", "Example", "How it works", "Common mistakes"];
const RULE_SECTIONS: &[&str] = &["In brief", "What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Known differences", "References"];
const RULE_REQUIRED: &[&str] = &["What it does", "Why is this bad?", "Example", "Use instead", "References"];

fn k() -> &'static Knowledge {
    Knowledge::get()
}

#[test]
fn every_file_loads() {
    let k = k();
    assert!(k.errors.is_empty(), "knowledge errors:\n{}", k.errors.join("\n"));
    let (topics, rules, _) = pyexplain::knowledge::embedded_sources();
    assert_eq!(k.topics.len(), topics.len());
    assert_eq!(k.rules.len(), rules.len());
    assert!(k.topics.len() >= 27, "the first slice needs at least 27 topics");
}

#[test]
fn topic_sections_and_fields() {
    let mut problems = Vec::new();
    for t in &k().topics {
        let id = &t.meta.id;
        let heads: Vec<&str> = t.doc.sections.iter().map(|s| s.heading.as_str()).collect();
        let mut expected: Vec<&str> = TOPIC_SECTIONS.to_vec();
        // Issue 15: an optional `## Brief example` right after the Summary.
        if heads.contains(&"Brief example") {
            expected.insert(1, "Brief example");
        }
        if heads.contains(&"In context") {
            expected.push("In context");
        }
        if heads != expected {
            problems.push(format!("{id}: sections {heads:?}, expected {expected:?}"));
        }
        if t.doc.body("Summary").split_whitespace().count() > 60 {
            problems.push(format!("{id}: Summary too long for a hover"));
        }
        if code_blocks_in(t.doc.body("Example")).is_empty() {
            problems.push(format!("{id}: Example has no code block"));
        }
        if !t.meta.docs.starts_with("https://docs.python.org/3/") {
            problems.push(format!("{id}: docs must link the Python 3 documentation"));
        }
        for kind in &t.meta.node_kinds {
            if !syntax::is_named_kind(kind) {
                problems.push(format!("{id}: node kind `{kind}` is not in tree-sitter-python"));
            }
        }
        for key in t.doc.variant_keys() {
            if !CONTEXT_KEYS.contains(&key) {
                problems.push(format!("{id}: variant `{key}` is not a known context key"));
            }
        }
        for w in &t.meta.when {
            let ok = match w.split_once(':') {
                Some(("parent" | "inside", kind)) => syntax::is_named_kind(kind) || ["not in", "is not"].contains(&kind),
                _ => CONTEXT_KEYS.contains(&w.as_str()),
            };
            if !ok {
                problems.push(format!("{id}: `when` entry `{w}` is unknown"));
            }
        }
        for s in &t.meta.see_also {
            if k().topic(s).is_none() && k().rule(s).is_none() {
                // Plan topics not written yet are allowed, but must be kebab-case ids.
                if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                    problems.push(format!("{id}: see_also `{s}` is not an id"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_files_match_registered_rules() {
    let k = k();
    let registered: Vec<&str> = analysis::rules::all().iter().map(|r| r.id()).collect();
    let mut problems = Vec::new();
    for id in &registered {
        if k.rule(id).is_none() {
            problems.push(format!("rule `{id}` has no knowledge/rules/{id}.md"));
        }
    }
    for r in &k.rules {
        let id = r.meta.id.as_str();
        if !registered.contains(&id) {
            problems.push(format!("knowledge/rules/{id}.md matches no registered rule"));
        }
        let heads: Vec<&str> = r.doc.sections.iter().map(|s| s.heading.as_str()).collect();
        let order: Vec<&str> = RULE_SECTIONS.iter().copied().filter(|h| heads.contains(h)).collect();
        if heads != order {
            problems.push(format!("{id}: sections {heads:?} out of order or unknown"));
        }
        for req in RULE_REQUIRED {
            if !heads.contains(req) {
                problems.push(format!("{id}: missing section `{req}`"));
            }
        }
        let any_unsafe = r.meta.fixes.iter().any(|f| f.applicability != pyexplain::knowledge::Applicability::Safe);
        if any_unsafe && !heads.contains(&"Fix safety") {
            problems.push(format!("{id}: a fix is not always safe but there is no `Fix safety` section"));
        }
        if !r.meta.docs.starts_with("https://") {
            problems.push(format!("{id}: docs must be a link"));
        }
        if r.meta.message.trim().is_empty() || r.meta.sources.is_empty() {
            problems.push(format!("{id}: message and sources are required"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Run `script` with python3, `payload` (JSON) on its stdin; it prints a
/// JSON list of problems, returned.
fn python_json(script: &str, payload: &str) -> Vec<String> {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed to validate knowledge code blocks");
    child.stdin.take().unwrap().write_all(payload.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).expect("python3 printed JSON")
}

/// Compile many snippets with one python3 process; returns the failures.
fn compile_all(blocks: &[(String, String)]) -> Vec<String> {
    let payload = serde_json::to_string(blocks).unwrap();
    let script = r#"
import json, sys, ast
fails = []
for name, src in json.load(sys.stdin):
    try:
        compile(src, name, "exec")
    except SyntaxError as e:
        fails.append(f"{name}: {e}")
print(json.dumps(fails))
"#;
    python_json(script, &payload)
}

#[test]
fn python_blocks_compile() {
    let k = k();
    let mut blocks = Vec::new();
    let mut refused: Vec<(String, String, String)> = Vec::new();
    let mut problems = Vec::new();
    let docs = k.topics.iter().map(|t| (format!("topics/{}", t.meta.id), &t.doc)).chain(k.rules.iter().map(|r| (format!("rules/{}", r.meta.id), &r.doc)));
    for (name, doc) in docs {
        for (i, (lang, code)) in doc.code_blocks().into_iter().enumerate() {
            match lang.as_str() {
                "python" => {
                    if let Some(msg) = code.trim_start().strip_prefix("# SyntaxError:") {
                        // Code that CPython must refuse, with this message
                        // (the error rules' examples).
                        let msg = msg.lines().next().unwrap_or("").trim().to_string();
                        refused.push((format!("{name} block {i}"), code.clone(), msg));
                    } else if code.trim_start().starts_with("# requires:") {
                        // Newer syntax: only parsed, by tree-sitter.
                        if syntax::parse(&code, None).root_node().has_error() {
                            problems.push(format!("{name} block {i}: does not parse"));
                        }
                    } else {
                        blocks.push((format!("{name} block {i}"), code));
                    }
                }
                "python2" | "" | "text" | "console" | "sh" | "bash" | "toml" | "ini" | "pycon" => {}
                other => problems.push(format!("{name} block {i}: unknown fence language `{other}`")),
            }
        }
    }
    assert!(blocks.len() >= k.topics.len(), "expected at least one runnable block per topic, found {}", blocks.len());
    problems.extend(compile_all(&blocks));
    assert!(!refused.is_empty(), "no block is marked `# SyntaxError:`");
    problems.extend(refused_as_marked(&refused));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Blocks marked `# SyntaxError: <message>` on their first line: each must
/// fail to compile with exactly that message. Returns the ones that do not.
fn refused_as_marked(blocks: &[(String, String, String)]) -> Vec<String> {
    let payload = serde_json::to_string(blocks).unwrap();
    let script = r#"
import json, sys
# The marker gives 3.12+'s wording; older interpreters said this instead.
before_3_12 = {"parameter without a default follows parameter with a default": "non-default argument follows default argument"}
fails = []
for name, src, want in json.load(sys.stdin):
    try:
        compile(src, name, "exec")
        fails.append(f"{name}: compiles, but is marked `SyntaxError: {want}`")
    except SyntaxError as e:
        if e.msg != want and not (sys.version_info < (3, 12) and e.msg == before_3_12.get(want)):
            fails.append(f"{name}: SyntaxError `{e.msg}`, marked `{want}`")
print(json.dumps(fails))
"#;
    python_json(script, &payload)
}

fn only(rule: &str) -> Settings {
    Settings { select: Some(vec![rule.to_string()]), target_version: (3, 12), ..Settings::default() }
}

fn first_block(md: &str) -> Option<(String, String)> {
    code_blocks_in(md).into_iter().next()
}

#[test]
fn rule_examples_trigger_and_use_instead_does_not() {
    let k = k();
    let mut problems = Vec::new();
    assert_eq!(k.rules.len(), analysis::rules::all().len());
    for r in &k.rules {
        let id = r.meta.id.as_str();
        let s = only(id);
        let Some((_, example)) = first_block(r.doc.body("Example")) else {
            problems.push(format!("{id}: Example has no code block"));
            continue;
        };
        let Some((lang, use_instead)) = first_block(r.doc.body("Use instead")) else {
            problems.push(format!("{id}: Use instead has no code block"));
            continue;
        };
        let tree = syntax::parse(&example, None);
        let found = analysis::check(&example, &tree, &s, k);
        if found.is_empty() {
            problems.push(format!("{id}: the Example does not trigger the rule"));
            continue;
        }
        let t2 = syntax::parse(&use_instead, None);
        if !analysis::check(&use_instead, &t2, &s, k).is_empty() {
            problems.push(format!("{id}: Use instead triggers the rule"));
        }
        if lang != "python" {
            problems.push(format!("{id}: Use instead must be Python 3 (```python)"));
        }
        let first_safe = r.meta.fixes.first().is_some_and(|f| f.applicability == pyexplain::knowledge::Applicability::Safe);
        if first_safe {
            // A fix the knowledge calls safe may be lowered where the code
            // needs it (an added import, say): then Use instead is what the
            // unsafe fixes give.
            let lowered = found.iter().any(|f| f.fixes.first().is_some_and(|x| x.applicability != pyexplain::knowledge::Applicability::Safe));
            let out = fix::fix_all(&example, &s, k, lowered);
            if out.text.trim_end() != use_instead.trim_end() {
                problems.push(format!("{id}: fixing the Example gives\n{}\nbut Use instead is\n{}", out.text, use_instead));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
