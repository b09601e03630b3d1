//! Hostile input: the shapes of issue 13 at the issue's sizes, each on a
//! thread with a 2 MiB stack (so a pass proves there is no recursion whose
//! depth the input controls, not that the stack is large), through check,
//! fix-all and hover at many positions; then a seeded generator of hostile
//! Python over every feature, and the binary's file and stdin paths.

#[path = "common/edits.rs"]
mod edits;

use edits::{random_edit, Rng};
use pyexplain::analysis::{check, fix, hover};
use pyexplain::config::Settings;
use pyexplain::knowledge::Knowledge;

const SMALL_STACK: usize = 2 << 20;

fn all_rules() -> Settings {
    Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() }
}

/// Check, fix-all (safe and unsafe) and hover at `positions` (byte offsets,
/// plus a spread over the text) on a thread with a small stack.
fn every_feature(name: &str, src: String, positions: Vec<usize>) {
    let name = name.to_string();
    let h = std::thread::Builder::new()
        .name(name.clone())
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let k = Knowledge::get();
            let settings = all_rules();
            let t0 = std::time::Instant::now();
            let tree = pyexplain::syntax::parse(&src, None);
            let findings = check(&src, &tree, &settings, k);
            eprintln!("{name}: {} bytes, check {:?}", src.len(), t0.elapsed());
            let t0 = std::time::Instant::now();
            let mut offsets = positions;
            let n = src.len();
            for i in 0..=16 {
                offsets.push(n * i / 16);
            }
            for off in offsets {
                let mut off = off.min(n);
                while !src.is_char_boundary(off) {
                    off -= 1;
                }
                if let Some(h) = hover::hover(&src, &tree, off, &findings, &settings, k) {
                    assert!(h.range.start <= h.range.end && h.range.end <= n, "{name}: hover range {:?}", h.range);
                    assert!(src.is_char_boundary(h.range.start) && src.is_char_boundary(h.range.end));
                    for at in [h.range.start, h.range.end] {
                        assert!(!(src[..at].ends_with('\r') && src[at..].starts_with('\n')), "{name}: hover range {:?} splits a CRLF", h.range);
                    }
                }
            }
            eprintln!("{name}: hover {:?}", t0.elapsed());
            let t0 = std::time::Instant::now();
            for unsafe_fixes in [false, true] {
                let fixed = fix::fix_all(&src, &settings, k, unsafe_fixes);
                let again = fix::fix_all(&fixed.text, &settings, k, unsafe_fixes);
                let _ = again;
            }
            eprintln!("{name}: fix-all {:?}", t0.elapsed());
            findings.len()
        })
        .expect("spawn");
    h.join().unwrap_or_else(|_| panic!("a feature panicked"));
}

fn repeat(s: &str, n: usize) -> String {
    s.repeat(n)
}

/// `a=a=…=1`
#[test]
fn chained_assignment_3000() {
    let src = format!("{}1\n", repeat("a=", 3000));
    every_feature("chained assignment", src, vec![0, 3000, 5999]);
}

#[test]
fn deep_list_and_tuple_targets_3000() {
    let list = format!("{}a{} = 1\n", repeat("[", 3000), repeat("]", 3000));
    every_feature("list target", list, vec![3000]);
    let tuple = format!("{}a,{} = 1\n", repeat("(", 3000), repeat(")", 3000));
    every_feature("tuple target", tuple, vec![3000]);
}

#[test]
fn nested_walrus_2000() {
    let src = format!("{}1{}\n", repeat("(a:=", 2000), repeat(")", 2000));
    every_feature("walrus", src, vec![4000, 5]);
}

#[test]
fn long_concatenation_in_loop_5000() {
    let mut src = String::from("for x in xs:\n    s += 'a'");
    for _ in 0..5000 {
        src.push_str(" + x");
    }
    src.push('\n');
    every_feature("concatenation", src, vec![20, 10000]);
}

#[test]
fn or_chain_10000() {
    let names: Vec<String> = (0..10000).map(|i| format!("n{i}")).collect();
    let src = format!("if {}:\n    pass\n", names.join(" or "));
    every_feature("or chain", src, vec![3, 30000]);
}

#[test]
fn attribute_chain_10000() {
    let src = format!("x = a{}\n", repeat(".b", 10000));
    every_feature("attribute chain", src, vec![5, 10000, 20003]);
}

#[test]
fn nested_with_3000() {
    let mut src = String::new();
    for i in 0..3000 {
        src.push_str(&" ".repeat(i % 8));
        src.push_str("with x:\n");
    }
    // Indentation cannot grow 3,000 deep (see the scanner guard); nest with
    // one-line bodies instead: `with a: with b: …` is not Python, so nest
    // by items and by parenthesised context managers.
    let flat = format!("with {}:\n    pass\n", (0..3000).map(|i| format!("open(f{i}) as g{i}")).collect::<Vec<_>>().join(", "));
    every_feature("with items", flat, vec![6, 20000]);
    let mut nested = String::new();
    for d in 0..3000 {
        nested.push_str(&" ".repeat(d));
        nested.push_str("with x:\n");
    }
    nested.push_str(&" ".repeat(3000));
    nested.push_str("pass\n");
    every_feature("nested with", nested, vec![10, 100000]);
}

#[test]
fn nested_parentheses_10000() {
    let src = format!("x = {}1{}\n", repeat("(", 10000), repeat(")", 10000));
    every_feature("parentheses", src, vec![4, 5000, 10004, 15000]);
}

#[test]
fn nested_typing_subscripts() {
    for (word, depth) in [("Optional", 1000), ("Union", 2000), ("List", 5000)] {
        let src = format!(
            "from typing import {word}\nx: {}int{} = None\n",
            repeat(&format!("{word}["), depth),
            repeat("]", depth)
        );
        every_feature(word, src, vec![30, 30 + depth * 3]);
    }
}

/// tree-sitter-python's scanner aborts the process on 511 nested blocks and
/// a string literal (issue 13's generator): the binary must exit cleanly and
/// say that it checked only the text before the too-deep line.
#[test]
fn scanner_indent_limit_is_guarded() {
    let mut src: String = (0..511).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
    src.push_str(&" ".repeat(511));
    src.push_str("'s'\n");
    assert!(pyexplain::syntax::is_truncated(&src));
    let cut = pyexplain::syntax::parse_len(&src);
    assert!(cut > 0 && src[..cut].ends_with('\n'));
    // CR-only and tab-indented variants are cut too.
    assert!(pyexplain::syntax::is_truncated(&src.replace('\n', "\r")));
    let tabs: String = (0..400).map(|i| format!("{}if x:\n", "\t".repeat(i))).collect::<String>() + &"\t".repeat(400) + "'s'\n";
    assert!(pyexplain::syntax::is_truncated(&tabs));
    // An ordinary deep-but-sane file is parsed whole.
    let sane: String = (0..2000).map(|i| format!("{}if x:\n", " ".repeat(i % 40))).collect::<String>() + "    'ok'\n";
    assert!(!pyexplain::syntax::is_truncated(&sane));
    for text in [src.clone(), src.replace('\n', "\r\n"), tabs] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pyexplain"))
            .args(["check", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run pyexplain");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
        assert!(out.status.code() != Some(101), "panicked: {stderr}");
        let k = Knowledge::get();
        let expected = k.ui("syntax.too_deep", &[("path", "-"), ("limit", "300"), ("line", "__")]);
        let (head, _) = expected.split_once("__").unwrap();
        let head = head.replace("-: ", "");
        assert!(stderr.contains(&head), "no clear message: {stderr}");
    }
    // The in-process features on the small stack too.
    every_feature("scanner limit", src, vec![100, 200000]);
}

/// Every rule fixture in CR-only, CRLF and mixed line endings: fix-all (safe
/// and unsafe) reaches a fixed point (a second run changes nothing) and adds
/// no syntax error. A CR-only `print(1, 2)` was parsed as a Python 2 print
/// statement and wrapped in parentheses on every pass.
#[test]
fn fix_all_converges_under_every_line_ending() {
    let k = Knowledge::get();
    let settings = all_rules();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let cr_print = "import os\rprint(1, 2)\rx = 1\r".to_string();
    let fixed = fix::fix_all(&cr_print, &settings, k, true);
    assert_eq!(fixed.text, cr_print, "a CR-only print call is a call");
    let mut n = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "py")) {
        let src = std::fs::read_to_string(path).unwrap();
        let mixed: String = src.split_inclusive('\n').enumerate().map(|(i, l)| match i % 3 {
            0 => l.replace('\n', "\r\n"),
            1 => l.replace('\n', "\r"),
            _ => l.to_string(),
        }).collect();
        for (ending, text) in [("CR", src.replace('\n', "\r")), ("CRLF", src.replace('\n', "\r\n")), ("mixed", mixed)] {
            let before = pyexplain::syntax::parse(&text, None).root_node().has_error();
            for unsafe_fixes in [false, true] {
                let once = fix::fix_all(&text, &settings, k, unsafe_fixes);
                let twice = fix::fix_all(&once.text, &settings, k, unsafe_fixes);
                assert_eq!(twice.text, once.text, "{} ({ending}, unsafe={unsafe_fixes}): fix-all did not converge", path.display());
                let after = pyexplain::syntax::parse(&once.text, None).root_node().has_error();
                assert!(!after || before, "{} ({ending}, unsafe={unsafe_fixes}): fix-all broke the syntax", path.display());
                n += 1;
            }
        }
    }
    assert!(n > 100);
}

/// "Ignore … on this line" after a backslash continuation went after the
/// backslash (a SyntaxError); it goes to the end of the logical line, and
/// suppresses the finding there, in every line ending.
#[test]
fn ignore_after_backslash_continuation_stays_valid_and_suppresses() {
    let k = Knowledge::get();
    let settings = all_rules();
    for nl in ["\n", "\r\n", "\r"] {
        let src = format!("if x == None \\{nl}        and y:{nl}    pass{nl}z = (a == None) \\{nl}    + \\{nl}    1{nl}");
        let tree = pyexplain::syntax::parse(&src, None);
        assert!(!tree.root_node().has_error(), "{nl:?}");
        let findings = check(&src, &tree, &settings, k);
        let targets: Vec<_> = findings.iter().filter(|f| f.rule == "none-equality").collect();
        assert_eq!(targets.len(), 2, "{nl:?}: {findings:?}");
        for f in targets {
            let edit = pyexplain::analysis::suppress::ignore_edit(&src, &tree, f.rule, f.range.start).expect("an edit");
            let out = fix::apply_edits(&src, &[edit]).unwrap();
            let tree2 = pyexplain::syntax::parse(&out, None);
            assert!(!tree2.root_node().has_error(), "{nl:?}: {out:?}");
            let after = check(&out, &tree2, &settings, k);
            let left = after.iter().filter(|g| g.rule == f.rule).count();
            assert_eq!(left, 1, "{nl:?}: the ignore did not suppress its finding: {out:?}");
        }
    }
}

/// Expression wrappers: (open, close) around an inner expression.
const WRAPS: &[(&str, &str)] = &[
    ("(", ")"), ("[", "]"), ("{", "}"), ("-", ""), ("not ", ""), ("await ", ""), ("lambda: ", ""), ("f(", ")"),
    ("x[", "]"), ("a if b else ", ""), ("(yield ", ")"), ("[*", "]"), ("{'k': ", "}"), ("(y := ", ")"),
    ("[_ for _ in ", "]"), ("Optional[", "]"), ("f(k=", ")"), ("~", ""), ("x + ", ""), ("(", ",)"), ("f'{", "}'"),
];
const CHAINS: &[&str] = &[" + a", " or a", " and a", ".b", "(x)", "[0]", " == a", " if a else a", ", a", " | a"];
const STATEMENTS: &[&str] = &["if x:", "for i in x:", "while x:", "with x as y:", "try:", "def f(a=[]):", "class C(object):", "async def g():", "else:", "match x:", "case 1:"];
const SOUP: &[&str] = &["(", ")", "[", "]", ":", "\n", " ", "    ", "x", "#", "'", "\"\"\"", "\\", "\r", "\0", "lambda", "def", "class", "=", ":=", "**", "print", "None", "1", "😀", "\t", "import", "from", "yield", "async"];

fn hostile(rng: &mut Rng) -> String {
    let mut s = match rng.below(6) {
        0 => {
            let depth = 200 + rng.below(2800);
            let (mut open, mut close) = (String::new(), String::new());
            for _ in 0..depth {
                let (o, c) = WRAPS[rng.below(WRAPS.len())];
                open.push_str(o);
                close.insert_str(0, c);
            }
            format!("z = {open}1{close}\n")
        }
        1 => {
            let chain = CHAINS[rng.below(CHAINS.len())];
            format!("for a in b:\n    s += a{}\n", chain.repeat(500 + rng.below(6000)))
        }
        2 => {
            let depth = 100 + rng.below(500);
            let mut s = String::new();
            for d in 0..depth {
                s.push_str(&" ".repeat(d));
                s.push_str(STATEMENTS[rng.below(STATEMENTS.len())]);
                s.push('\n');
            }
            s.push_str(&" ".repeat(depth));
            s.push_str("'s'\n");
            s
        }
        3 => format!("x = '{}'\ny = {}\nz = [{}]\n", "a".repeat(200_000), "9".repeat(5_000), "1, ".repeat(20_000)),
        4 => (0..3000).map(|_| SOUP[rng.below(SOUP.len())]).collect(),
        _ => format!("{}1\n{}a{} = 1\n", "a=".repeat(500 + rng.below(2500)), "[".repeat(1000), "]".repeat(1000)),
    };
    match rng.below(4) {
        0 => s = s.replace('\n', "\r"),
        1 => s = s.replace('\n', "\r\n"),
        2 => s = s.split_inclusive('\n').enumerate().map(|(i, l)| if i % 2 == 0 { l.replace('\n', "\r") } else { l.to_string() }).collect(),
        _ => {}
    }
    if rng.below(4) == 0 {
        let at = rng.below(s.len());
        let mut at = at;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.insert(at, '\0');
    }
    s
}

/// Run `pyexplain check --fix` on `bytes` as a file and on stdin: both must
/// exit on their own (no signal, no panic) and agree on the fixed bytes.
fn fix_through_binary(bytes: &[u8], tag: usize) {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("pyexplain-hostile-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("h.py");
    std::fs::write(&file, bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_pyexplain");
    let on_file = std::process::Command::new(bin).args(["check", "--fix", "--select", "ALL"]).arg(&file).output().unwrap();
    let mut child = std::process::Command::new(bin)
        .args(["check", "--fix", "--select", "ALL", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let on_stdin = child.wait_with_output().unwrap();
    writer.join().unwrap();
    for (what, out) in [("file", &on_file), ("stdin", &on_stdin)] {
        let code = out.status.code();
        assert!(code.is_some() && code != Some(101), "{what} #{tag}: {:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    let fixed_file = std::fs::read(&file).unwrap();
    // On stdin, the fixed text is written to stdout, followed by the report on stderr.
    assert!(
        on_stdin.stdout.starts_with(&fixed_file) || fixed_file == bytes && on_stdin.stdout.is_empty(),
        "#{tag}: the file and stdin paths disagree"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn seeded_hostile_documents_are_answered() {
    let mut rng = Rng(0x5EED_0013_u64);
    for i in 0..24 {
        let src = hostile(&mut rng);
        let positions: Vec<usize> = (0..12).map(|_| rng.below(src.len() + 1)).collect();
        every_feature(&format!("hostile #{i}"), src.clone(), positions);
        if i % 3 == 0 {
            fix_through_binary(src.as_bytes(), i);
        }
    }
    // Invalid UTF-8 only exists as bytes: through the binary.
    let mut bytes = b"x = 1\nif x == None:\n    pass\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n', 0xc3, b'(', b'\n']);
    fix_through_binary(&bytes, 99);
}

/// Issue 13: `$/cancelRequest` did not stop a hover deep in nested
/// brackets. The hover's walks poll the request's budget and cancellation
/// flag as the rule walk does: under a flag already set, a hover whose walk
/// goes up thousands of levels notices it (the run reports `Cancelled`),
/// and stops, on the small stack.
#[test]
fn a_cancelled_hover_stops_its_walk() {
    use pyexplain::analysis::budget::{self, Stop};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let h = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(|| {
            let k = Knowledge::get();
            let settings = all_rules();
            let mut seen = Vec::new();
            for (name, src, at) in [
                ("parentheses", format!("x = {}1{}\n", repeat("(", 10000), repeat(")", 10000)), 10004),
                ("lists", format!("x = {}y{}\n", repeat("[", 10000), repeat("]", 10000)), 10004),
                ("calls", format!("x = {}y{}\n", repeat("f(", 10000), repeat(")", 10000)), 20004),
                ("not", format!("x = {}y\n", repeat("not ", 10000)), 40004),
            ] {
                let tree = pyexplain::syntax::parse(&src, None);
                let (free, stop) = budget::run(None, Some(Arc::new(AtomicBool::new(false))), || hover::hover(&src, &tree, at, &[], &settings, k).is_some());
                assert_eq!(stop, None);
                let (answered, stop) = budget::run(None, Some(Arc::new(AtomicBool::new(true))), || hover::hover(&src, &tree, at, &[], &settings, k).is_some());
                eprintln!("{name}: free hover answered {free}; cancelled: {stop:?}, answered {answered}");
                seen.push((name, stop));
            }
            seen
        })
        .unwrap();
    let seen = h.join().expect("a hover panicked");
    // The walk up from the innermost `1` of 10,000 parentheses, `y` of
    // 10,000 lists and of 10,000 `not`s polls the flag.
    let cancelled: Vec<&str> = seen.iter().filter(|(_, s)| *s == Some(Stop::Cancelled)).map(|(n, _)| *n).collect();
    assert!(["parentheses", "lists", "not"].iter().all(|n| cancelled.contains(n)), "{seen:?}");
}

/// The random-edit driver of `tests/incremental.rs` on hostile documents,
/// on the small stack: random edits (token soup, brackets, quotes, line
/// breaks) to deep nesting, long chains and soup recheck incrementally to
/// exactly the findings of a full check, and undoing them too.
#[test]
fn hostile_documents_recheck_like_full_under_random_edits() {
    let h = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(|| {
            let settings = all_rules();
            let mut rng = Rng(0x5EED_0013_0002);
            let mut rechecks = 0;
            let mut largest = 0;
            for i in 0..12 {
                let src = hostile(&mut rng);
                if src.len() > 60_000 {
                    continue; // the huge literals: answered above, too slow to recheck here in a debug build
                }
                largest = largest.max(src.len());
                let t = edits::session(&format!("hostile #{i}"), &src, &settings, &mut rng, 8, |rng, text| {
                    random_edit(rng, text, |rng| rng.pick(SOUP).to_string())
                })
                .unwrap_or_else(|e| panic!("{e}"));
                rechecks += t.rechecks;
            }
            eprintln!("{rechecks} rechecks, largest document {largest} bytes");
            rechecks
        })
        .unwrap();
    let rechecks = h.join().expect("a recheck panicked");
    assert!(rechecks > 20, "too few rechecks ({rechecks})");
}
