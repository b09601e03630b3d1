//! Incremental re-checking gives exactly the findings of a full check, after
//! random edit sequences over every fixture (all rules selected, including
//! those off by default). Edits break and mend syntax, add suppression
//! comments, indent and dedent, and come one per version or in bursts.

use pyexplain::analysis::incremental::{self, ChangeSet};
use pyexplain::config::Settings;
use pyexplain::document::{Change, Document};
use pyexplain::knowledge::Knowledge;
use pyexplain::line_index::Encoding;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
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

fn char_floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A random change, in UTF-8 (line, column) positions of `text`.
fn random_change(rng: &mut Rng, doc: &Document, corpus: &[String]) -> Change {
    let text = &doc.text;
    let a = char_floor(text, rng.below(text.len() + 1));
    let b = match rng.below(4) {
        0 => a,
        1 => char_floor(text, a + rng.below(4)),
        2 => char_floor(text, a + rng.below(40)),
        _ => char_floor(text, text[a..].find('\n').map_or(text.len(), |i| a + i + 1)),
    };
    let new_text = match rng.below(5) {
        0 => String::new(),
        1 | 2 => SNIPPETS[rng.below(SNIPPETS.len())].to_string(),
        _ => {
            // A line from another fixture.
            let other = &corpus[rng.below(corpus.len())];
            let lines: Vec<&str> = other.split_inclusive('\n').collect();
            lines.get(rng.below(lines.len().max(1))).copied().unwrap_or("").to_string()
        }
    };
    let (sl, sc) = doc.line_index.position(text, a, Encoding::Utf8);
    let (el, ec) = doc.line_index.position(text, b, Encoding::Utf8);
    Change { range: Some(((sl, sc), (el, ec))), text: new_text }
}

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
    let k = Knowledge::get();
    let settings = Settings { select: Some(vec!["ALL".to_string()]), target_version: (3, 12), ..Settings::default() };
    let files = fixtures();
    assert!(files.len() > 50, "fixtures not found");
    let corpus: Vec<String> = files.iter().map(|(_, s)| s.clone()).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut rechecks = 0;
    let mut skipped_work = 0usize;
    for (path, src) in &files {
        let mut doc = Document::new(src.clone(), 0);
        let mut checked = incremental::check_full(&doc.text, &doc.tree, &settings, k);
        let mut pending = ChangeSet::default();
        let mut prev_text = doc.text.clone();
        for step in 0..36 {
            // One to three changes per version; sometimes several versions per recheck.
            let n = 1 + rng.below(3);
            let changes: Vec<Change> = (0..n)
                .map(|_| {
                    let c = random_change(&mut rng, &doc, &corpus);
                    c
                })
                .collect();
            // Each change is relative to the text the previous one left: apply one at a time.
            for c in &changes {
                let cs = doc.apply_changes(std::slice::from_ref(c), Encoding::Utf8, step + 1);
                pending.extend(&cs);
            }
            if rng.below(3) == 0 {
                continue; // a burst: recheck later, over several versions at once
            }
            let inc = incremental::recheck(&checked, &pending, &doc.text, &doc.tree, &settings, k);
            let full = incremental::check_full(&doc.text, &doc.tree, &settings, k);
            if inc.findings != full.findings {
                fn show(fs: &[pyexplain::analysis::Finding]) -> String {
                    fs.iter().map(|f| format!("{:?}", f)).collect::<Vec<_>>().join("\n  ")
                }
                panic!(
                    "{path}, step {step}: incremental differs from full\n--- before\n{prev_text}\n--- changes {:?}\n--- prev findings {:?}\n--- text\n{}\n--- incremental\n  {}\n--- full\n  {}",
                    pending,
                    show(&checked.findings),
                    doc.text,
                    show(&inc.findings),
                    show(&full.findings)
                );
            }
            skipped_work += pending.dirty.len();
            rechecks += 1;
            checked = inc;
            pending = ChangeSet::default();
            prev_text = doc.text.clone();
        }
    }
    assert!(rechecks > 1000, "too few rechecks compared ({rechecks})");
    let _ = skipped_work;
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
