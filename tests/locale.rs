//! Translations (issue 11): every `knowledge/es` file has an English twin and
//! keeps its structure (headings, variants, fix kinds, code apart from the
//! text of comments, link URLs); the brief limits hold with 20% more words;
//! interface.toml has every key with the same placeholders; an entry that
//! fails its check is English whole; Spanish hovers are snapshotted.

use pyexplain::analysis::hover::{self, brief_rule, brief_topic, word_count, BRIEF_EXAMPLE_LINES, BRIEF_PROSE_WORDS};
use pyexplain::config::Verbosity;
use pyexplain::knowledge::{self, embedded_sources, embedded_translation, locale, Knowledge, Locale, RuleMeta, TopicMeta};
use std::collections::BTreeMap;
use std::path::Path;

/// The Spanish limit: about 20% more words than English.
const ES_PROSE_WORDS: usize = BRIEF_PROSE_WORDS * 6 / 5;

/// Sentences in prose, not counting punctuation inside `code spans`
/// (`` `.` this package `` is no sentence end).
fn sentences(s: &str) -> usize {
    let prose: String = s.split('`').step_by(2).collect::<Vec<_>>().join("x").replace("e.g.", "eg").replace("i.e.", "ie");
    prose.matches(". ").count() + prose.matches("? ").count() + prose.matches("! ").count() + usize::from(prose.trim_end().ends_with(['.', '?', '!']))
}

#[test]
fn every_translation_has_an_english_twin_and_the_same_structure() {
    let (en_topics, en_rules, _) = embedded_sources();
    let (es_topics, es_rules, _) = embedded_translation(Locale::Es);
    let en = Knowledge::get();
    let mut problems = Vec::new();
    for (stem, src) in es_topics {
        if !en_topics.iter().any(|(s, _)| s == stem) {
            problems.push(format!("es/topics/{stem}.md: no English twin"));
            continue;
        }
        if let Err(p) = locale::translate_topic(en.topic(stem).unwrap(), src) {
            problems.push(format!("es/topics/{stem}.md: {}", p.join("; ")));
        }
    }
    for (stem, src) in es_rules {
        if !en_rules.iter().any(|(s, _)| s == stem) {
            problems.push(format!("es/rules/{stem}.md: no English twin"));
            continue;
        }
        if let Err(p) = locale::translate_rule(en.rule(stem).unwrap(), src) {
            problems.push(format!("es/rules/{stem}.md: {}", p.join("; ")));
        }
    }
    assert!(problems.is_empty(), "{} translation problem(s):\n{}", problems.len(), problems.join("\n"));
    // The loaded Spanish knowledge agrees: no errors, and what is untranslated is what has no file.
    let es = Knowledge::for_locale(Locale::Es);
    assert!(es.errors.is_empty(), "{:#?}", es.errors);
    assert_eq!(es.untranslated.len(), en.topics.len() + en.rules.len() - es_topics.len() - es_rules.len());
    // The four entries the engine wrote are there.
    for id in ["yield", "range", "enumerate"] {
        assert!(es_topics.iter().any(|(s, _)| *s == id), "es/topics/{id}.md");
        assert_ne!(es.topic(id).unwrap().meta.title, en.topic(id).unwrap().meta.title);
    }
    assert!(es.rule("range-len-loop").unwrap().meta.message.starts_with("El bucle"));
}

/// The English file with a change, as a translation, for the checks below.
fn mutated(id: &str, f: impl Fn(&str) -> String) -> Result<knowledge::Topic, Vec<String>> {
    let (_, _, _) = embedded_sources();
    let es = embedded_translation(Locale::Es).0.iter().find(|(s, _)| *s == id).unwrap().1;
    locale::translate_topic(Knowledge::get().topic(id).unwrap(), &f(es))
}

#[test]
fn the_parity_check_catches_what_must_not_change_and_allows_comments() {
    assert!(mutated("yield", |s| s.to_string()).is_ok());
    // Comment text is translated freely…
    assert!(mutated("yield", |s| s.replace("# se detiene aquí y entrega n", "# otra cosa")).is_ok());
    // …but not the code, the `# ->`-style results aside.
    let code = mutated("yield", |s| s.replace("gen = countdown(3)", "gen = countdown(4)")).unwrap_err();
    assert!(code.iter().any(|p| p.contains("code block")), "{code:?}");
    let heading = mutated("yield", |s| s.replace("## Common mistakes", "## Errores comunes")).unwrap_err();
    assert!(heading.iter().any(|p| p.contains("headings")), "{heading:?}");
    let variant = mutated("yield", |s| s.replace("### yield-expression", "### yield-expr")).unwrap_err();
    assert!(variant.iter().any(|p| p.contains("headings")), "{variant:?}");
    let fence = mutated("range", |s| s.replacen("```python", "```python2", 1)).unwrap_err();
    assert!(fence.iter().any(|p| p.contains("fence")), "{fence:?}");
    let extra = mutated("range", |s| s.replace("## Common mistakes", "## Common mistakes\n\nVéase [aquí](https://example.com).\n")).unwrap_err();
    assert!(extra.iter().any(|p| p.contains("link")), "{extra:?}");
    let front = mutated("range", |s| s.replace("title = ", "docs = \"x\"\ntitle = ")).unwrap_err();
    assert!(front.iter().any(|p| p.contains("front matter")), "{front:?}");
    // A rule's fix kinds must match in order.
    let es = embedded_translation(Locale::Es).1.iter().find(|(s, _)| *s == "range-len-loop").unwrap().1;
    let en = Knowledge::get().rule("range-len-loop").unwrap();
    assert!(locale::translate_rule(en, es).is_ok());
    let swapped = es.replacen("kind = \"direct\"", "kind = \"zip2\"", 1);
    assert!(locale::translate_rule(en, &swapped).unwrap_err().iter().any(|p| p.contains("fix kinds")));
    let link = es.replace("https://docs.python.org/3/library/functions.html#zip", "https://docs.python.org/3/library/functions.html#zap");
    assert!(locale::translate_rule(en, &link).unwrap_err().iter().any(|p| p.contains("link")));
}

#[test]
fn a_failing_translation_leaves_the_whole_entry_in_english() {
    let (t, r, i) = embedded_sources();
    let (est, esr, esi) = embedded_translation(Locale::Es);
    let yield_es = est.iter().find(|(s, _)| *s == "yield").unwrap().1.replace("gen = countdown(3)", "gen = countdown(4)");
    let mut topics: Vec<(&str, &str)> = est.iter().filter(|(s, _)| *s != "yield").copied().collect();
    topics.push(("yield", &yield_es));
    topics.push(("no-such-topic", "+++\nid = \"no-such-topic\"\ntitle = \"x\"\n+++\n"));
    let k = Knowledge::from_sources(t, r, i).translated(Locale::Es, &topics, esr, esi);
    let en = Knowledge::get();
    let y = k.topic("yield").unwrap();
    assert_eq!(y.meta.title, en.topic("yield").unwrap().meta.title);
    assert_eq!(y.doc.body("Summary"), en.topic("yield").unwrap().doc.body("Summary"));
    assert!(k.untranslated.contains(&"yield".to_string()));
    assert!(k.errors.iter().any(|e| e.starts_with("es/topics/yield.md")), "{:?}", k.errors);
    assert!(k.errors.iter().any(|e| e.contains("no-such-topic") && e.contains("no English twin")), "{:?}", k.errors);
    // The others are still Spanish, and the interface is.
    assert!(k.topic("range").unwrap().meta.title.contains("secuencia"));
    assert_eq!(k.ui("hover.docs", &[]), "Documentación de Python");
    // Metadata stays English (indexes, docs, sources).
    assert_eq!(k.topic("range").unwrap().meta.names, en.topic("range").unwrap().meta.names);
    assert_eq!(k.by_name.get("range"), en.by_name.get("range"));
}

#[test]
fn spanish_brief_hovers_keep_to_the_limits_with_20_percent_more_words() {
    let es = Knowledge::for_locale(Locale::Es);
    let en = Knowledge::get();
    let mut problems = Vec::new();
    for t in es.topics.iter().filter(|t| !es.untranslated.contains(&t.meta.id)) {
        let mut contexts: Vec<Option<&str>> = vec![None];
        contexts.extend(t.doc.variant_keys().into_iter().map(Some));
        for v in contexts {
            let at = format!("es topic {}{}", t.meta.id, v.map(|v| format!("/{v}")).unwrap_or_default());
            let b = brief_topic(t, v, es);
            let b_en = brief_topic(en.topic(&t.meta.id).unwrap(), v, en);
            let w = word_count(&b.prose);
            if w > ES_PROSE_WORDS {
                problems.push(format!("{at}: prose has {w} words (at most {ES_PROSE_WORDS})"));
            }
            if sentences(&b.prose) > 2 {
                problems.push(format!("{at}: prose has {} sentences (at most 2)", sentences(&b.prose)));
            }
            if b.prose.is_empty() || b.prose.trim_end().ends_with(':') {
                problems.push(format!("{at}: prose empty or ending in a colon"));
            }
            let lines = |e: &Option<String>| e.as_ref().map(|c| c.lines().count());
            if lines(&b.example) != lines(&b_en.example) || lines(&b.example).is_some_and(|n| n > BRIEF_EXAMPLE_LINES) {
                problems.push(format!("{at}: example has {:?} lines, English {:?}", lines(&b.example), lines(&b_en.example)));
            }
        }
    }
    for r in es.rules.iter().filter(|r| !es.untranslated.contains(&r.meta.id)) {
        let at = format!("es rule {}", r.meta.id);
        let b = brief_rule(r, None, es);
        let w = word_count(&b.why);
        if w > ES_PROSE_WORDS {
            problems.push(format!("{at}: In brief has {w} words (at most {ES_PROSE_WORDS})"));
        }
        if sentences(&b.why) > 2 {
            problems.push(format!("{at}: In brief has {} sentences (at most 2)", sentences(&b.why)));
        }
        if !b.why_is_in_brief {
            problems.push(format!("{at}: no ## In brief"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_limit_check_catches_a_long_spanish_summary() {
    let es = Knowledge::for_locale(Locale::Es);
    let mut t = es.topic("range").unwrap().clone();
    let long = "palabra ".repeat(ES_PROSE_WORDS + 1);
    t.doc.sections.iter_mut().find(|s| s.heading == "Summary").unwrap().body = long;
    assert!(word_count(&brief_topic(&t, None, es).prose) > ES_PROSE_WORDS);
    assert_eq!(sentences("Uno. Dos. Tres."), 3);
}

fn interface_map(src: &str) -> BTreeMap<String, String> {
    knowledge::interface_strings(src).unwrap().into_iter().collect()
}

#[test]
fn interface_toml_has_every_key_with_the_same_placeholders_and_heading_labels() {
    let en = interface_map(embedded_sources().2);
    let es_src = embedded_translation(Locale::Es).2;
    assert!(!es_src.trim().is_empty(), "knowledge/es/interface.toml is missing");
    let es = interface_map(es_src);
    let mut problems = Vec::new();
    for (key, text) in &en {
        match es.get(key) {
            None => problems.push(format!("missing key {key}")),
            Some(t) if locale::placeholders(t) != locale::placeholders(text) => {
                problems.push(format!("{key}: placeholders {:?}, English {:?}", locale::placeholders(t), locale::placeholders(text)))
            }
            Some(_) => {}
        }
    }
    for key in es.keys().filter(|k| !en.contains_key(*k) && !k.starts_with("headings.")) {
        problems.push(format!("key {key} is not in the English interface.toml"));
    }
    // Every heading used in the English files has a label.
    let (topics, rules, _) = embedded_sources();
    let mut used = std::collections::BTreeSet::new();
    for (_, src) in topics {
        used.extend(knowledge::parse_doc::<TopicMeta>(src).unwrap().1.sections.into_iter().map(|s| s.heading));
    }
    for (_, src) in rules {
        used.extend(knowledge::parse_doc::<RuleMeta>(src).unwrap().1.sections.into_iter().map(|s| s.heading));
    }
    for h in used {
        if !es.contains_key(&format!("headings.{h}")) {
            problems.push(format!("no [headings] label for `{h}`"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let k = Knowledge::for_locale(Locale::Es);
    assert_eq!(k.heading("How it works"), "Cómo funciona");
    assert_eq!(Knowledge::get().heading("How it works"), "How it works");
}

/// Spanish hovers of the translated entries (`tests/snapshots/hover-es/<id>.md`;
/// `UPDATE_SNAPSHOTS=1` rewrites; a new entry's snapshot is written and the
/// test fails once, to be reviewed).
#[test]
fn spanish_hovers_match_snapshots() {
    let k = Knowledge::for_locale(Locale::Es);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/hover-es");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    std::fs::create_dir_all(&dir).unwrap();
    let mut diffs = Vec::new();
    let mut expected = Vec::new();
    let mut snaps: Vec<(String, String)> = Vec::new();
    for t in k.topics.iter().filter(|t| !k.untranslated.contains(&t.meta.id)) {
        let mut s = String::new();
        let mut contexts: Vec<Option<&str>> = vec![None];
        contexts.extend(t.doc.variant_keys().into_iter().map(Some));
        for v in contexts {
            s.push_str(&format!("<!-- {} {} (brief) -->\n{}\n\n", t.meta.id, v.unwrap_or("-"), hover::render_topic(t, v, Verbosity::Brief, k)));
        }
        s.push_str(&format!("<!-- {} (full) -->\n{}\n", t.meta.id, hover::render_topic(t, None, Verbosity::Full, k)));
        snaps.push((format!("topic-{}.md", t.meta.id), s));
    }
    for r in k.rules.iter().filter(|r| !k.untranslated.contains(&r.meta.id)) {
        let s = format!(
            "<!-- {} (brief) -->\n{}\n\n<!-- {} (full) -->\n{}\n",
            r.meta.id,
            hover::render_rule(r, None, Verbosity::Brief, false, k),
            r.meta.id,
            hover::render_rule(r, None, Verbosity::Full, false, k)
        );
        snaps.push((format!("rule-{}.md", r.meta.id), s));
    }
    for (name, snap) in &snaps {
        expected.push(name.clone());
        let path = dir.join(name);
        let old = std::fs::read_to_string(&path).ok();
        if update || old.is_none() {
            std::fs::write(&path, snap).unwrap();
        }
        if !update && old.as_deref() != Some(snap.as_str()) {
            diffs.push(name.clone());
        }
    }
    // No snapshot of an entry that is no longer translated.
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.ends_with(".md") && !expected.contains(&n) {
            diffs.push(format!("{n} (stale)"));
        }
    }
    assert!(diffs.is_empty(), "Spanish hover snapshots differ or are new (rerun with UPDATE_SNAPSHOTS=1 and review): {diffs:?}");
    // The snapshots are Spanish: labels and text.
    let y = std::fs::read_to_string(dir.join("topic-yield.md")).unwrap();
    assert!(y.contains("funciones generadoras") && y.contains("### Cómo funciona") && y.contains("Documentación de Python"), "{y}");
}
