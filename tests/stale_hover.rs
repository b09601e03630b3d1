//! A hover while edits are pending answers from the tree parsed before them
//! when `Document::stale_view` allows it (issue 13: a hover never waits for
//! a parse while edits flow). Property: wherever it allows it, the answer —
//! text and range — equals the answer after a full parse of the current
//! text. Seeded random edits of the hover fixtures and the examples,
//! string-, bracket- and indentation-breaking ones included, one to four
//! pending at a time; hovers at every eighth byte. Where the current text
//! has a syntax error, tree-sitter's error recovery may pull an untouched
//! statement into an ERROR node (then a full parse gives no hover there,
//! or a coarser one): those positions are counted, not compared — the stale
//! answer explains the statement as written.

#[path = "common/edits.rs"]
mod edits;

use edits::{char_floor, random_edit, Rng};
use pyexplain::analysis::hover::hover_with_facts;
use pyexplain::config::Settings;
use pyexplain::document::Document;
use pyexplain::knowledge::Knowledge;
use pyexplain::line_index::Encoding;
use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures/hover", "examples"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.retain(|p| p.extension().is_some_and(|e| e == "py"));
        files.sort();
        for f in files {
            out.push((f.display().to_string(), std::fs::read_to_string(&f).unwrap()));
        }
    }
    out
}

/// What an edit writes: breaking and harmless text alike.
const INSERTS: &[&str] = &["x", "'", "\"", "\"\"\"", "(", ")", "[", "\n", "    ", ":", "\\\n", "#", "@d\n", "if y:\n", "f'{", "a = 1\n", ""];

#[test]
fn a_hover_from_the_tree_before_pending_edits_equals_the_hover_after_a_full_parse() {
    let k = Knowledge::get();
    let settings = Settings::default();
    let seed: u64 = std::env::var("PYEXPLAIN_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut stale, mut compared, mut broken, mut broken_differ) = (0usize, 0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (name, text) in sources() {
        for round in 0..6 {
            let mut doc = Document::new(text.clone(), 1);
            let pending = 1 + rng.below(4);
            for v in 0..pending {
                let e = random_edit(&mut rng, &doc.text, |r| r.pick(INSERTS).to_string());
                let change = e.change(&doc);
                doc.apply_edits(&[change], Encoding::Utf8, 2 + v as i32);
            }
            let full = pyexplain::syntax::parse(&doc.text, None);
            let mut at = rng.below(8);
            while at <= doc.text.len() {
                let off = char_floor(&doc.text, at);
                at += 8;
                compared += 1;
                let Some(view) = doc.stale_view(off) else { continue };
                stale += 1;
                let old = hover_with_facts(&view.text, &view.tree, view.offset, &[], &settings, k, None)
                    .map(|h| (h.markdown, view.forward(h.range)));
                let new = hover_with_facts(&doc.text, &full, off, &[], &settings, k, None).map(|h| (h.markdown, h.range));
                if full.root_node().has_error() {
                    broken += 1;
                    broken_differ += (old != new) as usize;
                    continue;
                }
                if old != new {
                    failures.push(format!(
                        "{name} round {round} offset {off}: stale {:?} / full {:?}\n--- text ---\n{}",
                        old.as_ref().map(|(m, r)| (m.lines().next().unwrap_or(""), r)),
                        new.as_ref().map(|(m, r)| (m.lines().next().unwrap_or(""), r)),
                        &doc.text
                    ));
                }
            }
        }
    }
    println!("stale hovers: {stale} of {compared} positions; in broken files {broken}, of which {broken_differ} differ");
    assert!(failures.is_empty(), "{} stale hovers differ from a full parse:\n{}", failures.len(), failures.iter().take(5).cloned().collect::<Vec<_>>().join("\n\n"));
    // The view must serve enough hovers in valid text, or the test proves
    // nothing (most positions are names, or in the small fixtures' edited
    // statements: those wait for the parse).
    assert!(stale - broken >= 500, "only {} positions in valid text had a stale view", stale - broken);
}

/// A name waits for the parse even when its statement is untouched: what it
/// means depends on the whole file's bindings (here the import an edit
/// renamed). A keyword in an untouched statement is answered at once.
#[test]
fn names_wait_for_the_parse_and_keywords_do_not() {
    let text = "from collections import ChainMap, Counter\n\nfor i in range(3):\n    x = ChainMap()\n";
    let mut doc = Document::new(text.to_string(), 1);
    let at = text.find("ChainMap").unwrap();
    let change = edits::ByteEdit { start: at, end: at + "ChainMap".len(), text: "OrderedDict".into() }.change(&doc);
    doc.apply_edits(&[change], Encoding::Utf8, 2);
    let name = doc.text.rfind("ChainMap").unwrap() + 2;
    assert!(doc.stale_view(name).is_none());
    let kw = doc.text.find("for").unwrap() + 1;
    let view = doc.stale_view(kw).expect("a keyword in an untouched statement");
    let k = Knowledge::get();
    let h = hover_with_facts(&view.text, &view.tree, view.offset, &[], &Settings::default(), k, None).unwrap();
    assert_eq!(&doc.text[view.forward(h.range.clone())].get(..3), &Some("for"));
    // Inside the edited statement: the parse.
    assert!(doc.stale_view(doc.text.find("import").unwrap() + 1).is_none());
}
