//! Incremental re-checking gives exactly the findings of a full check, after
//! random edit sequences over every fixture (all rules selected, including
//! those off by default). Edits break and mend syntax, add suppression
//! comments, indent and dedent, and come one per version or in bursts.

#[path = "common/edits.rs"]
mod edits;

use edits::{random_edit, ByteEdit, Rng};
use pyexplain::analysis::incremental;
use pyexplain::config::Settings;
use pyexplain::document::{Change, Document};
use pyexplain::knowledge::Knowledge;
use pyexplain::line_index::Encoding;

fn all_rules() -> Settings {
    Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() }
}

const SNIPPETS: &[&str] = &[
    "\"", "'", "(", ")", ":", "\n", " ", "    ", "x", "#", "  # pyexplain: ignore", "\n\n",
    "import os\n", "def f():\n    yield 1\n", "for i in range(len(xs)):\n    print(xs[i])\n",
    "if x == None:\n    pass\n", "except:", "print 'a'\n", "class C(object):\n    pass\n",
    "from typing import List\n", "try:\n    pass\nexcept Exception, e:\n    pass\n", "\"\"\"", "\\",
    "async def g():\n    time.sleep(1)\n", "lambda: 0", "d.keys()", "😀", "é",
    // Module-level bindings that shadow names rules look up.
    "open = None\n", "def print(*a):\n    pass\n", "zip = len\n", "super = None\n", "type = 1\n",
    "object = dict\n", "exec = 1\n", "import functools\n", "from functools import wraps\n",
];

fn fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/rules", "tests/fixtures/hover", "examples"] {
        let Ok(rd) = std::fs::read_dir(dir) else { continue };
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "py") {
                if let Ok(s) = std::fs::read_to_string(&p) {
                    out.push((p.display().to_string(), s));
                }
            }
        }
    }
    out
}

#[test]
fn incremental_findings_equal_a_full_check() {
    let settings = all_rules();
    let mut files = fixtures();
    assert!(files.len() > 50, "fixtures not found");
    let corpus: Vec<String> = files.iter().map(|(_, s)| s.clone()).collect();
    // Real code too, when asked: `PYEXPLAIN_INCREMENTAL_FILES` names a file
    // listing paths, one a line (a standard library, a site-packages):
    // `cargo test --release --test incremental incremental_findings_equal`.
    if let Ok(list) = std::env::var("PYEXPLAIN_INCREMENTAL_FILES") {
        let listed = std::fs::read_to_string(&list).unwrap_or_else(|e| panic!("{list}: {e}"));
        files.extend(listed.lines().filter_map(|p| std::fs::read_to_string(p).ok().map(|s| (p.to_string(), s))));
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut rechecks = 0;
    for (path, src) in &files {
        let next_edit = |rng: &mut Rng, text: &str| {
            random_edit(rng, text, |rng| match rng.below(5) {
                0 => String::new(),
                1 | 2 => rng.pick(SNIPPETS).to_string(),
                _ => {
                    // A line from another fixture.
                    let other = &corpus[rng.below(corpus.len())];
                    let lines: Vec<&str> = other.split_inclusive('\n').collect();
                    lines.get(rng.below(lines.len().max(1))).copied().unwrap_or("").to_string()
                }
            })
        };
        match edits::session(path, src, &settings, &mut rng, 36, next_edit) {
            Ok(t) => rechecks += t.rechecks,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(rechecks > 1000, "too few rechecks compared ({rechecks})");
}

/// Issue 13: an edit inside a method dropped the class-level findings of a
/// class nested in the same top-level class (`useless-object-inheritance`
/// on `Inner`, on a class nested in another method), and undoing the edit
/// did not bring them back. Every edit and its undo, at each line of each
/// method, recheck to exactly the findings of a full check.
#[test]
fn nested_class_findings_survive_an_edit_in_a_method_and_its_undo() {
    let k = Knowledge::get();
    let settings = Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() };
    let src = "class Outer(object):\n    def m(self):\n        x = 1\n        return x\n    class Inner(object):\n        class Innermost(object):\n            pass\n    def n(self):\n        class Deep(object):\n            pass\n        return Deep\n";
    let full0 = incremental::check_full(src, &pyexplain::syntax::parse(src, None), &settings, k);
    let inheritance = |fs: &[pyexplain::analysis::Finding]| fs.iter().filter(|f| f.rule == "useless-object-inheritance").count();
    assert_eq!(inheritance(&full0.findings), 4, "{:?}", full0.findings);
    for (row, line) in src.lines().enumerate() {
        if !line.starts_with("        ") || line.trim_start().starts_with("class") {
            continue;
        }
        for insert in ["y = 2\n        ", "(", "print(x)\n        "] {
            let mut doc = Document::new(src.to_string(), 0);
            let mut checked = incremental::check_full(&doc.text, &doc.tree, &settings, k);
            let edit = Change { range: Some(((row, 8), (row, 8))), text: insert.to_string() };
            let cs = doc.apply_changes(std::slice::from_ref(&edit), Encoding::Utf8, 1);
            checked = incremental::recheck(&checked, &cs, &doc.text, &doc.tree, &settings, k);
            let full = incremental::check_full(&doc.text, &doc.tree, &settings, k);
            assert_eq!(checked.findings, full.findings, "after inserting {insert:?} at line {row}:\n{}", doc.text);
            // Undo.
            let end = insert.split('\n').count() - 1;
            let end_col = if end == 0 { 8 + insert.len() } else { insert.rsplit('\n').next().unwrap().len() };
            let undo = Change { range: Some(((row, 8), (row + end, end_col))), text: String::new() };
            let cs = doc.apply_changes(std::slice::from_ref(&undo), Encoding::Utf8, 2);
            assert_eq!(doc.text, src);
            checked = incremental::recheck(&checked, &cs, &doc.text, &doc.tree, &settings, k);
            assert_eq!(checked.findings, full0.findings, "after undoing {insert:?} at line {row}");
        }
    }
}

/// Statements for function and method bodies; `\n` continues at the same
/// indentation, deeper lines carry their own four spaces. Most trigger a
/// rule, some only when their neighbour does (a later read, an earlier
/// initialisation).
const BODY: &[&str] = &[
    "x = 1", "return x", "print(x)", "pass", "yield 1", "d.keys()", "f = open(p)", "time.sleep(1)",
    "if x == None:\n    pass", "for i in range(len(xs)):\n    print(xs[i])",
    "r = subprocess.run(['ls'])\nprint(r.stdout)", "r = subprocess.run(['ls'])", "print(r.stderr)",
    "s = ''\nfor p in ps:\n    s += p", "s = ''", "for p in ps:\n    s += p",
    "super(C, self).__init__()", "with open(f) as g:\n    pass", "try:\n    pass\nexcept:\n    pass",
    "l = []\nfor i in xs:\n    l.append(i)", "'''doc'''", "type(x) == int", "global y", "del x",
];
/// Class-level statements (besides methods and nested classes).
const CLASS_BODY: &[&str] = &["x = 1", "'''doc'''", "pass", "__slots__ = ()", "y: int = 0", "z = x == None"];
const DECORATORS: &[&str] = &["@property", "@staticmethod", "@classmethod", "@functools.wraps(f)", "@dataclass", "@decorator", "@abc.abstractmethod", "@x.setter"];
const BASES: &[&str] = &["(object)", "", "()", "(Base)", "(object, metaclass=M)", "(Exception)"];
/// Edits that break syntax (unterminated strings and brackets) or mend it.
const BREAKERS: &[&str] = &["'", "\"", "(", "[", "{", "\"\"\"", "'''", ")", "]", ":", "\\", "#", "  # pyexplain: ignore", " if", "def", "class"];

fn push_lines(out: &mut String, indent: usize, text: &str) {
    for line in text.split('\n') {
        out.push_str(&" ".repeat(indent));
        out.push_str(line);
        out.push('\n');
    }
}

/// A block of statements at `indent`: in a class body, class-level
/// statements, methods (maybe decorated) and nested classes; in a function,
/// body statements and sometimes a class.
fn block(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, in_class: bool) {
    let n = 1 + rng.below(3);
    for _ in 0..n {
        match rng.below(if depth >= 4 { 2 } else { 4 }) {
            0 => {
                let s = if in_class { rng.pick(CLASS_BODY) } else { rng.pick(BODY) };
                push_lines(out, indent, s);
            }
            1 if in_class => method(rng, out, indent, depth),
            1 => push_lines(out, indent, rng.pick(BODY)),
            2 => class(rng, out, indent, depth + 1),
            _ if in_class => method(rng, out, indent, depth),
            _ => class(rng, out, indent, depth + 1),
        }
    }
}

fn decorators(rng: &mut Rng, out: &mut String, indent: usize) {
    for _ in 0..rng.below(3).saturating_sub(1) {
        push_lines(out, indent, rng.pick(DECORATORS));
    }
}

fn method(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    decorators(rng, out, indent);
    let name = rng.pick(&["m", "n", "__init__", "__iter__", "run", "close"]);
    push_lines(out, indent, &format!("{}def {name}(self{}):", if rng.chance(5) { "async " } else { "" }, if rng.chance(3) { ", a=[]" } else { "" }));
    for _ in 0..1 + rng.below(3) {
        if depth < 4 && rng.chance(4) {
            class(rng, out, indent + 4, depth + 1);
        } else {
            push_lines(out, indent + 4, rng.pick(BODY));
        }
    }
}

fn class(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    decorators(rng, out, indent);
    let name = rng.pick(&["C", "Inner", "Deep", "Meta"]);
    push_lines(out, indent, &format!("class {name}{}:", rng.pick(BASES)));
    block(rng, out, indent + 4, depth, true);
}

/// A module of top-level classes (nested classes, methods in them,
/// decorators) between a few module-level statements.
fn nested_module(rng: &mut Rng) -> String {
    let mut out = String::new();
    if !rng.chance(4) {
        out.push_str("import subprocess\nimport functools\nfrom dataclasses import dataclass\n");
    }
    for _ in 0..1 + rng.below(3) {
        match rng.below(4) {
            0 => push_lines(&mut out, 0, rng.pick(BODY)),
            _ => class(rng, &mut out, 0, 1),
        }
    }
    out
}

/// The byte offsets where each line of `text` starts, and its indentation.
fn lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        let indent = l.len() - l.trim_start_matches(' ').len();
        out.push((at, at + l.trim_end_matches(['\n', '\r']).len(), indent));
        at += l.len();
    }
    out
}

/// An edit aimed at class bodies and their edges: at a line's start, its
/// indentation or its end (a class header's colon, a body's last line, the
/// line after a class), inserting a statement at that line's indentation or
/// one level in or out, breaking syntax, indenting or dedenting a line,
/// deleting a line or its last character; sometimes anywhere.
fn class_edit(rng: &mut Rng, text: &str) -> ByteEdit {
    let ls = lines(text);
    if ls.is_empty() || rng.chance(8) {
        return random_edit(rng, text, |rng| rng.pick(BREAKERS).to_string());
    }
    // Prefer class headers and the lines around them.
    let headers: Vec<usize> = ls.iter().enumerate().filter(|(_, l)| text[l.0..l.1].trim_start().starts_with("class ")).map(|(i, _)| i).collect();
    let row = if !headers.is_empty() && rng.chance(2) {
        let h = rng.pick(&headers);
        (h + rng.below(4)).saturating_sub(1).min(ls.len() - 1)
    } else {
        rng.below(ls.len())
    };
    let (start, end, indent) = ls[row];
    let next = ls.get(row + 1).map_or(text.len(), |l| l.0);
    let at = match rng.below(3) {
        0 => start,
        1 => start + indent.min(end - start),
        _ => end,
    };
    let ins = |t: String| ByteEdit { start: at, end: at, text: t };
    match rng.below(9) {
        0 | 1 => {
            let level = match rng.below(3) {
                0 => indent + 4,
                1 => indent.saturating_sub(4),
                _ => indent,
            };
            let mut s = String::new();
            let stmt = match rng.below(4) {
                0 => rng.pick(CLASS_BODY).to_string(),
                1 => format!("class D{}:\n    x = 1", rng.pick(BASES)),
                2 => format!("{}\ndef k(self):\n    return 1", rng.pick(DECORATORS)),
                _ => rng.pick(BODY).to_string(),
            };
            push_lines(&mut s, level, &stmt);
            // Inserted before the line (at its start) or after it (at its end).
            if at == end { ByteEdit { start: end, end: end, text: format!("\n{}", s.trim_end_matches('\n')) } } else { ByteEdit { start, end: start, text: s } }
        }
        2 | 3 => ins(rng.pick(BREAKERS).to_string()),
        4 => ByteEdit { start, end: start, text: "    ".to_string() },
        5 => ByteEdit { start, end: start + indent.min(4), text: String::new() },
        6 => ByteEdit { start, end: next, text: String::new() },
        7 => ByteEdit { start: end.saturating_sub(1).max(start), end, text: String::new() },
        _ => ByteEdit { start: at, end: (at + rng.below(12)).min(end).max(at), text: rng.pick(BREAKERS).to_string() },
    }
}

/// Issue 13: the property above did not cover nested classes. Here every
/// document is classes nested in classes and in methods, with decorators,
/// and the edits aim at class bodies and their edges, break and mend syntax
/// (unterminated strings and brackets) and are undone. Bounded to run in
/// seconds; `PYEXPLAIN_SEED=<n> PYEXPLAIN_DOCS=<count>` runs other seeds
/// (the regression tests below come from such runs), `PYEXPLAIN_SHOW=1`
/// prints each generated document and its findings.
#[test]
fn incremental_equals_full_on_nested_classes() {
    let settings = all_rules();
    let seed = std::env::var("PYEXPLAIN_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x0DD_C1A55_13);
    let docs = std::env::var("PYEXPLAIN_DOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(90);
    let mut rng = Rng(seed);
    let (mut rechecks, mut undos) = (0, 0);
    for doc in 0..docs {
        let src = nested_module(&mut rng);
        if std::env::var("PYEXPLAIN_SHOW").is_ok() {
            let k = Knowledge::get();
            let f = incremental::check_full(&src, &pyexplain::syntax::parse(&src, None), &settings, k);
            eprintln!("{src}---- {:?}", f.findings.iter().map(|f| f.rule).collect::<Vec<_>>());
        }
        match edits::session(&format!("nested #{doc}"), &src, &settings, &mut rng, 24, class_edit) {
            Ok(t) => {
                rechecks += t.rechecks;
                undos += t.undos;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(docs < 90 || rechecks > 1000 && undos > 200, "too few rechecks ({rechecks}) or undos ({undos})");
}

/// Apply `versions` to `src` (each a burst of edits, in byte ranges of
/// the text each applies to, rechecked once), then undo them version by
/// version; after each, the incremental recheck must equal a full check.
fn assert_versions_recheck_like_full(src: &str, versions: &[&[(usize, usize, &str)]]) {
    let k = Knowledge::get();
    let settings = all_rules();
    let mut doc = Document::new(src.to_string(), 0);
    let mut checked = incremental::check_full(&doc.text, &doc.tree, &settings, k);
    let mut undos: Vec<Vec<ByteEdit>> = Vec::new();
    let mut todo: Vec<Vec<ByteEdit>> =
        versions.iter().map(|v| v.iter().map(|(s, e, t)| ByteEdit { start: *s, end: *e, text: t.to_string() }).collect()).collect();
    let n = todo.len();
    for i in 0.. {
        if i == n {
            todo.extend(std::mem::take(&mut undos).into_iter().rev());
        }
        let Some(burst) = todo.get(i).cloned() else { break };
        let mut pending = incremental::ChangeSet::default();
        let mut undo = Vec::new();
        for e in &burst {
            undo.insert(0, e.undo(&doc.text));
            let cs = doc.apply_changes(&[e.change(&doc)], Encoding::Utf8, i as i32 + 1);
            pending.extend(&cs);
        }
        if i < n {
            undos.push(undo);
        }
        checked = incremental::recheck(&checked, &pending, &doc.text, &doc.tree, &settings, k);
        let full = incremental::check_full(&doc.text, &doc.tree, &settings, k);
        assert_eq!(checked.findings, full.findings, "after {burst:?}:\n{}", doc.text);
    }
    assert_eq!(doc.text, src);
}

fn assert_edits_recheck_like_full(src: &str, edits: &[(usize, usize, &str)]) {
    let versions: Vec<&[(usize, usize, &str)]> = edits.iter().map(std::slice::from_ref).collect();
    assert_versions_recheck_like_full(src, &versions);
}

/// Found by the nested-class generator (seed 1, on broken syntax, where
/// error recovery leaves a method's loop at module level); the same holds
/// in valid code: at module level, `string-concat-in-loop` reads an
/// initialisation up to 20 statements before its loop, and
/// `run-stdout-without-capture` a read of `r.stdout` in any later
/// statement. An edit there must revisit the loop and the `run` call.
#[test]
fn module_level_rules_reading_far_siblings_are_revisited() {
    // The initialisation two statements before the loop becomes (and stops being) a str.
    let src = "s = 0\nx = 1\ny = 2\nfor p in ps:\n    s += p\n";
    assert_edits_recheck_like_full(src, &[(4, 5, "''")]);
    let src = "s = ''\nx = 1\ny = 2\nfor p in ps:\n    s += p\n";
    assert_edits_recheck_like_full(src, &[(4, 6, "0")]);
    // A `.stdout` read three statements later appears and goes.
    let src = "import subprocess\nr = subprocess.run(['ls'])\nx = 1\ny = 2\nprint(r.stdin)\n";
    let at = src.find("stdin").unwrap();
    assert_edits_recheck_like_full(src, &[(at, at + 5, "stdout")]);
    // The seed's shape: an unterminated string swallows a method header,
    // leaving its loop at module level after a module-level `s = ''`.
    let src = "s = ''\nclass C(object, metaclass=M):\n    def m(self, a=[]):\n        class Meta(Base):\n            pass\n        for p in ps:\n            s += p\n";
    let at = src.find("        class Meta").unwrap();
    assert_edits_recheck_like_full(src, &[(at, at, "'")]);
}

/// Found by the nested-class generator (seed 11): a fix that adds an import
/// is dropped while a syntax error covers the point where imports go; an
/// edit there that mends it must bring back the fixes of findings far away
/// (here `swallowed-exception`'s `contextlib.suppress`), and undoing it drop
/// them again.
#[test]
fn mending_an_error_where_imports_go_restores_far_import_fixes() {
    let src = "impor\"\"\"t ]import functools\nfrom dataclasses import dataclass\n'@classmethod\nclass Deep(Base):\n        def __iter__(self):\n        try:\n            pass\n        except:\n            pass\n        print(x)\n        with open(f) as g:\n            pass\n    @classmethod\n    def run(self):\n    @classmethod\n    def k(self):\n            return 1\n        class Inner(Exception)\n                x = 1\n        @decorator\n        def k(self):\n            return 1\n            async def n(self)\n                return x\n                x = 1\nreturn x\n";
    assert_versions_recheck_like_full(src, &[&[(367, 367, ":"), (5, 8, ""), (388, 449, "")]]);
    assert_edits_recheck_like_full(src, &[(5, 8, "")]);
}

/// Found by the fixture property test (`incremental_findings_equal_a_full_check`,
/// once a new fixture moved its random sequence): after this edit the
/// reparse rebuilt `self.x, self.y = x, y`, untouched, with the same
/// counts and parse state, but its `x, y` was a `pattern_list` before and
/// is an `expression_list` now. The structural diff took the statement for
/// unchanged from its counts; it now walks a rebuilt subtree before it
/// says so (`document::same_at_once`).
#[test]
fn a_rebuilt_statement_aliased_otherwise_is_a_change() {
    let src = r#"class Vector:
    def #    #                    "-misc
      open = None
          ^ order
eddict
 y):
        self.x, self.y = x, y

  #  def _# Near-misses.
    #   ^ operator-for i in range(len(xs)):
    print(xs[i])
o:             return NotImplemented
            #      ^ operator-overloading
    😀    return Vector(se        self.y = y
lf.x + other.x, self.y        #                    ^ operator-overloading

    def __neg__(self):

    #    ^ operator
        return Vector(-except:f.x, -self.y)
      settings = {"th(eme": "dark"}#      ^ sys-moduimport sys

             ^ ope:or-overloading

    def __lt__(self, other):
        replayers = ["ann", "bob", "cy"]
    
h=10):
    ^ operator-overloading


def transform(matrix, vector):
    return maclass Legacy(metaclass=abc.ABCMeta):
trix @ vector
    #             ^except:"#;
    assert_eq!(&src[163..203], "#   ^ operator-for i in range(len(xs)):\n");
    assert_edits_recheck_like_full(src, &[(163, 203, "\"\"\"")]);
}

/// Found the same way: a text that does not parse as a module at all has an
/// ERROR node for its root, which is then the scope of its module-level
/// statements (`bindings::scope_node`): `bound_to_dict`'s facts took it for
/// the module, its debug cross-check for a function. And the recheck ran the
/// `module`-dispatched rules on that root, which the full check's walk never
/// does.
#[test]
fn a_text_that_is_no_module_is_the_scope_of_its_statements() {
    let src = "prices = {\"tea\": 3}\nfor k in prices:\n    print(prices[k])\nprice in prices.iteritems(  # expect: py2-dict-iter-m\nfirst = next(prices.itervalueclass Tracer:\n    viewkeys = sta(lambda zip = len\n";
    let tree = pyexplain::syntax::parse(src, None);
    assert_eq!(tree.root_node().kind(), "ERROR", "the case needs a root that is an ERROR node");
    let panics = pyexplain::analysis::rules::caught_rule_panics();
    let full = incremental::check_full(src, &tree, &all_rules(), Knowledge::get());
    assert!(full.findings.iter().all(|f| f.rule == "syntax-error"), "{:?}", full.findings);
    let at = src.find("print").unwrap();
    assert_edits_recheck_like_full(src, &[(at, at, "x"), (src.len(), src.len(), "\n")]);
    // No rule panicked (in a debug build, `bound_to_dict` cross-checks its
    // facts with a rescan, and the dispatch would swallow that panic).
    assert_eq!(pyexplain::analysis::rules::caught_rule_panics(), panics, "a rule panicked");
}

/// Found by the fixture generator: `slice-style` reads the statement on the
/// next line (a parallel `x[2:6]` keeps `x[0:2]` as written), so an edit of
/// a statement must revisit the one before it; and a method after a
/// class-level slice is no such neighbour (an edit in it rechecks only it).
#[test]
fn a_rule_reading_the_next_statement_is_revisited() {
    let src = "letters = 'abcdef'\nhead = letters[0:2]\nbody = letters[2:6]\nprint(head, body)\n";
    let at = src.find("[2:6]").unwrap() + 1;
    assert_edits_recheck_like_full(src, &[(at, at + 1, "0")]);
    let src = "class C:\n    head = letters[0:2]\n    def m(self):\n        return letters[2:6]\n";
    let at = src.find("[2:6]").unwrap() + 1;
    assert_edits_recheck_like_full(src, &[(at, at + 1, "0")]);
}

/// Found by the nested-class generator (seed 12): in broken code, an edit
/// far above made a zero-width MISSING node after `z = x == None` vanish
/// without the reparse reporting a change there; the `none-equality`
/// finding it had hidden must come back (and go again on undo).
#[test]
fn a_syntax_error_vanishing_away_from_the_edit_uncovers_its_findings() {
    let src = r#"import subprocess
import functools
from dataclasses import dataclass
class D(object, metaclass=M):
    x = 1
class Inner(Base):
    [class Deep:
        def n(self, a=[]):
            try:
                pass
            except:"pass
        "lose(self):
            for i in range(len(xs)):
            del x
            r = subprocess.run(['ls'])
        pass
    '''doc'''
    z = x == None
class Meta()
    @classmethod
            #_(self):
            type(x) == int
            s = ''
            class D():
           class            @functools.wraps(f)
            class C(object):
                @property
            class Meta(object, metaclass=M):
                    def n(self):
                    y: int = 0
   '                         @property
                                return 1
                        print(x)
                        '''doc'''
                        for i in range(len(xs)):
                            print(xs[i])
                    async def n(self, a=[]):
                    yield 1
                        r = subprocess.run(['ls'])
                z = x == None
#lass
        z = x == None
        z = x == None if
def close(self):
        class Deep():
            def close(self, a=[]):
                    @x.setter
                    def k(self):
                        return 1
      '                for p in ps:
                    ''' p
                class Inner:
                    async def __init__(self):
                        @classmethod
                        class Deep(object):
                            '''doc'''
                            '''doc''
                        d.keys()
)   x = 1
        for i in range(len(xs)):
            if x == None:
                [pass
            print(xs[i])
"#;
    assert_versions_recheck_like_full(src, &[&[(1189, 1189, "            '''doc'''\n"), (619, 619, "        print(x)\n"), (1250, 1250, "            y: int = 0\n")]]);
}

/// The benchmark's edit cycles (`tests/bench/bench.py`), over every
/// fixture: at the start of a single-line statement (top-level or nested),
/// open a string quote, close it at the end of the line, delete the closing
/// quote, delete the opening one; open a parenthesis there (or before a
/// name) and delete it; type a letter at the end of the line and delete it.
/// An opened string leaves tree-sitter-python's scanner with a different
/// state for every later token: the reparse then finds what changed by its
/// own structural comparison (`document::structural_changes`, whose
/// shortcuts debug builds check node by node) instead of tree-sitter's.
/// After each edit the recheck equals a full check.
#[test]
fn benchmark_edit_cycles_recheck_like_full() {
    let k = Knowledge::get();
    let settings = all_rules();
    let mut rng = Rng(0xBE_4C4);
    let mut rechecks = 0;
    for (path, src) in fixtures() {
        let ls = lines(&src);
        // Single-line statements: a line followed by one no deeper.
        let starts: Vec<usize> = (0..ls.len())
            .filter(|&i| {
                let (s, e, ind) = ls[i];
                let text = &src[s + ind..e];
                !text.is_empty() && !text.starts_with('#') && !text.contains(['"', '\\', '#', ';']) && ls.get(i + 1).is_none_or(|n| n.2 <= ind)
            })
            .collect();
        if starts.is_empty() {
            continue;
        }
        let mut doc = Document::new(src.clone(), 0);
        let mut checked = incremental::check_full(&doc.text, &doc.tree, &settings, k);
        let mut version = 0;
        for _ in 0..4 {
            let row = rng.pick(&starts);
            let (s, e, ind) = ls[row];
            let at = s + ind;
            let q = rng.pick(&["\"", "'"]);
            let paren_at = if rng.chance(2) { at } else { src[at..e].find(' ').map_or(at, |i| at + i + 1) };
            let cycle: Vec<(usize, usize, &str)> = match rng.below(3) {
                0 => vec![(at, at, q), (e + 1, e + 1, q), (e + 1, e + 2, ""), (at, at + 1, "")],
                1 => vec![(paren_at, paren_at, "("), (paren_at, paren_at + 1, "")],
                _ => vec![(e, e, "x"), (e, e + 1, "")],
            };
            for (a, b, t) in cycle {
                version += 1;
                let edit = ByteEdit { start: a, end: b, text: t.to_string() };
                let cs = doc.apply_changes(&[edit.change(&doc)], Encoding::Utf8, version);
                checked = incremental::recheck(&checked, &cs, &doc.text, &doc.tree, &settings, k);
                // In valid text the reparse (from whichever kept tree) gives
                // a fresh parse's tree. (In broken text tree-sitter's error
                // recovery may place its ERROR nodes differently when it
                // parses incrementally: the recheck is compared with a full
                // check of the same tree.)
                let fresh = pyexplain::syntax::parse(&doc.text, None);
                if !fresh.root_node().has_error() {
                    assert_eq!(doc.tree.root_node().to_sexp(), fresh.root_node().to_sexp(), "{path}: reparse after {edit:?}");
                }
                let full = incremental::check_full(&doc.text, &doc.tree, &settings, k);
                // (This found `class-decorator-without-update-wrapper` reading
                // `@Name` anywhere in the file from a class rule: it now runs
                // from the module node.)
                assert_eq!(checked.findings, full.findings, "{path}: after {edit:?}:\n{}", doc.text);
                rechecks += 1;
            }
            assert_eq!(doc.text, src, "{path}: a cycle restores the text");
        }
    }
    assert!(rechecks > 500, "too few rechecks ({rechecks})");
}

/// The top-level classes under `root`, decorated or not.
fn top_level_classes(root: tree_sitter::Node) -> Vec<tree_sitter::Node> {
    let mut cursor = root.walk();
    let tops: Vec<tree_sitter::Node> = root.named_children(&mut cursor).collect();
    tops.into_iter()
        .filter_map(|top| match top.kind() {
            "class_definition" => Some(top),
            "decorated_definition" => top.child_by_field_name("definition").filter(|d| d.kind() == "class_definition"),
            _ => None,
        })
        .collect()
}

/// An edit confined to a top-level class's header (a fix dropping
/// `(object)`, bases added or swapped) rechecks the header, the class-level
/// rules and the rules that read the header from inside
/// (`Rule::reads_class_header`), not the whole class. Every top-level class
/// of every fixture, its bases replaced by each of these and undone,
/// rechecks to exactly the findings of a full check.
#[test]
fn class_header_edits_recheck_like_a_full_check() {
    const BASES: &[&str] = &[
        "",
        "(object)",
        "(unittest.TestCase)",
        "(TestCase, Base)",
        "(Exception)",
        "(metaclass=ABCMeta)",
        "(enum.Enum)",
    ];
    let before = incremental::HEADER_RECHECKS.load(std::sync::atomic::Ordering::Relaxed);
    let mut edits = 0;
    for (_, src) in fixtures() {
        let tree = pyexplain::syntax::parse(&src, None);
        let root = tree.root_node();
        for class in top_level_classes(root) {
            let Some(name) = class.child_by_field_name("name") else { continue };
            let (start, end) = match class.child_by_field_name("superclasses") {
                Some(s) => (s.start_byte(), s.end_byte()),
                None => (name.end_byte(), name.end_byte()),
            };
            let old = &src[start..end];
            for new in BASES.iter().filter(|b| **b != old) {
                assert_versions_recheck_like_full(&src, &[&[(start, end, new)]]);
                edits += 1;
            }
            // The same edit taking the name's last letter renames the class
            // (`super(Name, self)` in its methods stops matching): no
            // narrowing then.
            if name.end_byte() - name.start_byte() > 1 && src.is_char_boundary(name.end_byte() - 1) {
                assert_versions_recheck_like_full(&src, &[&[(name.end_byte() - 1, end, "(object)")]]);
            }
        }
    }
    let narrowed = incremental::HEADER_RECHECKS.load(std::sync::atomic::Ordering::Relaxed) - before;
    // Not vacuous: most of these rechecks took the header path (tests run
    // in parallel, so the counter may also count another test's).
    assert!(edits > 500 && narrowed > edits, "{edits} header edits, {narrowed} header rechecks");
}

/// An edit confined to a method of a top-level class, in its parameter list
/// or its body (a `mutable-default-argument` fix does both), rechecks that
/// method and the class-level rules, not the whole class. Every method of
/// every top-level class of every fixture, its parameters replaced, its
/// body given a first statement, or both at once, and undone, rechecks to
/// exactly the findings of a full check.
#[test]
fn method_signature_edits_recheck_like_a_full_check() {
    const PARAMS: &[&str] = &["(self, a={}, b=None)", "(cls)", "()", "(self, *args, **kwargs)"];
    const FIRST: &[&str] = &["x = []\n", "\"\"\"Doc.\"\"\"\n", "if a is None:\n    a = {}\n"];
    let mut edits = 0;
    for (_, src) in fixtures() {
        let tree = pyexplain::syntax::parse(&src, None);
        let root = tree.root_node();
        let mut defs = Vec::new();
        for class in top_level_classes(root) {
            let Some(body) = class.child_by_field_name("body") else { continue };
            let mut c2 = body.walk();
            for s in body.named_children(&mut c2) {
                let def = if s.kind() == "decorated_definition" { s.child_by_field_name("definition") } else { Some(s) };
                defs.extend(def.filter(|d| d.kind() == "function_definition"));
            }
        }
        for def in defs {
            let (Some(params), Some(body)) = (def.child_by_field_name("parameters"), def.child_by_field_name("body")) else { continue };
            if body.start_position().row == def.start_position().row {
                continue;
            }
            let (p0, p1, b0) = (params.start_byte(), params.end_byte(), body.start_byte());
            // Where the colon before the body ends (fixes insert there too).
            let c0 = body.prev_sibling().map_or(b0, |c| c.end_byte());
            let indent = " ".repeat(body.start_position().column);
            let first = |t: &str| t.replace('\n', &format!("\n{indent}"));
            for p in PARAMS.iter().filter(|p| **p != &src[p0..p1]) {
                assert_versions_recheck_like_full(&src, &[&[(p0, p1, p)]]);
                edits += 1;
            }
            for f in FIRST {
                assert_versions_recheck_like_full(&src, &[&[(b0, b0, &first(f))]]);
                // Both, the later edit first (each in the offsets of the text it edits).
                assert_versions_recheck_like_full(&src, &[&[(b0, b0, &first(f)), (p0, p1, PARAMS[0])]]);
                // Inserted just after the colon, as `mutable-default-argument` does.
                let after_colon = format!("\n{indent}{}", f.trim_end().replace('\n', &format!("\n{indent}")));
                assert_versions_recheck_like_full(&src, &[&[(c0, c0, &after_colon), (p0, p1, PARAMS[0])]]);
                edits += 3;
            }
        }
    }
    assert!(edits > 1000, "{edits} method edits");
}

/// `property-call-form` offers to rename the accessors only where no other
/// statement uses their names: a use added in another top-level statement
/// must take the fix away at once, as a full check does (the rule read the
/// whole file while dispatched on its own statement, so the recheck kept
/// the stale fix, which would break the new call).
#[test]
fn property_call_form_fix_follows_uses_anywhere() {
    let src = "class Person:\n    def get_name(self):\n        return self._name\n\n    def set_name(self, value):\n        self._name = value\n\n    name = property(get_name, set_name)\n\n\ndef f(p):\n    return 1\n";
    let at = src.find("return 1").unwrap();
    assert_versions_recheck_like_full(src, &[&[(at, at + 8, "return p.get_name()")]]);
    let k = Knowledge::get();
    let full = incremental::check_full(src, &pyexplain::syntax::parse(src, None), &all_rules(), k);
    assert!(full.findings.iter().any(|f| f.rule == "property-call-form" && !f.fixes.is_empty()), "the fix to take away: {:?}", full.findings);
}

/// A rule whose finding depends on how a name is used elsewhere in the file
/// must be rerun when a use appears anywhere (see the test above). Every
/// name a fixture defines (functions, classes, methods, assignments), used
/// in a new statement at the end of the module, and as an attribute there,
/// rechecks to exactly the findings of a full check.
#[test]
fn a_use_of_a_defined_name_anywhere_rechecks_like_a_full_check() {
    let mut edits = 0;
    for (_, src) in fixtures() {
        let tree = pyexplain::syntax::parse(&src, None);
        let mut names: Vec<String> = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            let name = match n.kind() {
                "function_definition" | "class_definition" => n.child_by_field_name("name"),
                "assignment" => n.child_by_field_name("left").filter(|l| l.kind() == "identifier"),
                _ => None,
            };
            if let Some(name) = name {
                let t = src[name.byte_range()].to_string();
                if !names.contains(&t) {
                    names.push(t);
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        let end = src.len();
        let nl = if src.ends_with('\n') { "" } else { "\n" };
        for name in names.iter().take(40) {
            assert_versions_recheck_like_full(&src, &[&[(end, end, &format!("{nl}{name}()\n"))]]);
            assert_versions_recheck_like_full(&src, &[&[(end, end, &format!("{nl}print(obj.{name})\n"))]]);
            edits += 2;
        }
    }
    assert!(edits > 1000, "{edits} uses added");
}

/// The same for a test case imported under another name, which
/// `testcase-method-not-collected` finds by the import, not by the word
/// `TestCase` in the class: the finding is there, and a call added at the
/// end takes it away in the recheck as in a full check.
#[test]
fn a_renamed_test_case_import_is_followed() {
    let src = "from unittest import TestCase as TC\n\n\nclass T(TC):\n    def check_x(self):\n        self.assertTrue(1)\n";
    let k = Knowledge::get();
    let full = incremental::check_full(src, &pyexplain::syntax::parse(src, None), &all_rules(), k);
    assert!(full.findings.iter().any(|f| f.rule == "testcase-method-not-collected"), "{:?}", full.findings);
    assert_versions_recheck_like_full(src, &[&[(src.len(), src.len(), "T().check_x()\n")]]);
}
