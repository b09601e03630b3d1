//! Languages of the knowledge: English (the source) and translations laid
//! over it (`knowledge/es/**`, format in `knowledge/README.md`, "Spanish").
//!
//! A translated file holds only the translatable fields of its front matter
//! and the same `##`/`###` headings as its English twin (headings are keys).
//! It replaces its English entry only when it passes the parity check
//! (`doc_parity`, `rule_parity`): same headings in the same order, same
//! variants, same code blocks once the text of `#` comments is blanked, the
//! same link URLs, the same fix kinds. Otherwise the whole entry stays
//! English: an entry is never half translated.

use super::{parse_doc, Doc, RuleDoc, Topic};
use serde::Deserialize;
use std::collections::BTreeSet;

/// A language the explanations are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Locale {
    #[default]
    En,
    Es,
}

impl Locale {
    pub const ALL: &'static [Locale] = &[Locale::En, Locale::Es];

    /// A locale from a language tag as clients and environments spell it
    /// (`es`, `es-ES`, `es_AR.UTF-8`, `ES`); anything we do not have, and
    /// `C`/`POSIX`, is English.
    pub fn parse(tag: &str) -> Locale {
        let lang: String = tag.trim().chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_lowercase();
        match lang.as_str() {
            "es" => Locale::Es,
            _ => Locale::En,
        }
    }

    /// The locale of the environment, as `gettext` picks it: the first
    /// non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG`; None when none is set.
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Option<Locale> {
        ["LC_ALL", "LC_MESSAGES", "LANG"].iter().filter_map(|v| get(v)).find(|v| !v.trim().is_empty()).map(|v| Locale::parse(&v))
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }
}

/// Front matter of a translated topic: only what is translated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicText {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixText {
    pub kind: String,
    pub title: String,
}

/// Front matter of a translated rule: only what is translated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleText {
    pub id: String,
    pub title: String,
    pub message: String,
    #[serde(default)]
    pub fixes: Vec<FixText>,
}

/// The headings of a document, in order: `## X` and `## X / ### key`.
pub fn headings(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    for s in &doc.sections {
        out.push(s.heading.clone());
        for (k, _) in &s.subsections {
            out.push(format!("{} / {k}", s.heading));
        }
    }
    out
}

/// A code block with the text of its `#` comments blanked (found with
/// tree-sitter, so a `#` in a string is not a comment). `# ->` markers,
/// `# requires:` lines and `# SyntaxError:` lines (what CPython says of an
/// example it refuses) are kept whole: they are results and conditions,
/// never translated.
pub fn blank_comments(code: &str) -> String {
    // A parser of its own, dropped here: `syntax::parse` keeps one per
    // thread, and this runs while the knowledge loads, before `check` and
    // `serve` move tree-sitter to mimalloc, which would then free at exit
    // a parser glibc allocated (a crash at exit). A code block has no `\r`
    // and nests far less than `syntax::parse_len` allows: the same tree.
    let mut parser = crate::syntax::parser();
    let Some(tree) = parser.parse(code, None) else { return code.to_string() };
    let mut ranges = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            let t = &code[n.byte_range()];
            let body = t.trim_start_matches('#').trim_start();
            if !body.starts_with("->") && !body.starts_with("requires:") && !body.starts_with("SyntaxError:") {
                ranges.push(n.byte_range());
            }
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(code.len());
    let mut at = 0;
    for r in ranges {
        if r.start < at {
            continue;
        }
        out.push_str(&code[at..r.start]);
        out.push('#');
        at = r.end;
    }
    out.push_str(&code[at..]);
    out
}

/// The URLs of the Markdown links of a text (`[text](url)`), in order.
pub fn link_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            match after.find(')') {
                Some(j) => {
                    out.push(after[..j].trim().to_string());
                    rest = &after[j + 1..];
                }
                None => break,
            }
        }
    }
    out
}

fn all_text(doc: &Doc) -> String {
    let mut s = String::new();
    for sec in &doc.sections {
        s.push_str(&sec.body);
        for (_, b) in &sec.subsections {
            s.push_str(b);
        }
    }
    s
}

/// What differs between an English document and its translation in what
/// must not differ: headings, variants, code (comments aside), links.
pub fn doc_parity(en: &Doc, es: &Doc) -> Vec<String> {
    let mut problems = Vec::new();
    let (he, hs) = (headings(en), headings(es));
    if he != hs {
        problems.push(format!("headings differ: English {he:?}, translation {hs:?}"));
    }
    let (ce, cs) = (en.code_blocks(), es.code_blocks());
    if ce.len() != cs.len() {
        problems.push(format!("{} code blocks in English, {} in the translation", ce.len(), cs.len()));
    } else {
        for (i, ((le, e), (ls, s))) in ce.iter().zip(&cs).enumerate() {
            if le != ls {
                problems.push(format!("code block {}: fence ```{le} in English, ```{ls} in the translation", i + 1));
            } else if blank_comments(e) != blank_comments(s) {
                let line = blank_comments(e).lines().zip(blank_comments(s).lines()).position(|(a, b)| a != b).map_or(0, |p| p + 1);
                problems.push(format!("code block {} differs from the English one beyond its comments (line {line})", i + 1));
            }
        }
    }
    let (le, ls) = (link_urls(&all_text(en)), link_urls(&all_text(es)));
    if le != ls {
        problems.push(format!("link URLs differ: English {le:?}, translation {ls:?}"));
    }
    problems
}

/// Parity of a translated topic with its English twin.
pub fn topic_parity(en: &Topic, text: &TopicText, doc: &Doc) -> Vec<String> {
    let mut p = Vec::new();
    if text.id != en.meta.id {
        p.push(format!("id `{}` differs from `{}`", text.id, en.meta.id));
    }
    if text.title.trim().is_empty() {
        p.push("empty title".to_string());
    }
    p.extend(doc_parity(&en.doc, doc));
    p
}

/// Parity of a translated rule with its English twin.
pub fn rule_parity(en: &RuleDoc, text: &RuleText, doc: &Doc) -> Vec<String> {
    let mut p = Vec::new();
    if text.id != en.meta.id {
        p.push(format!("id `{}` differs from `{}`", text.id, en.meta.id));
    }
    if text.title.trim().is_empty() || text.message.trim().is_empty() {
        p.push("empty title or message".to_string());
    }
    let ke: Vec<&str> = en.meta.fixes.iter().map(|f| f.kind.as_str()).collect();
    let ks: Vec<&str> = text.fixes.iter().map(|f| f.kind.as_str()).collect();
    if ke != ks {
        p.push(format!("fix kinds differ: English {ke:?}, translation {ks:?}"));
    }
    if text.fixes.iter().any(|f| f.title.trim().is_empty()) {
        p.push("a fix has an empty title".to_string());
    }
    p.extend(doc_parity(&en.doc, doc));
    p
}

/// The `{placeholders}` of an interface string.
pub fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if after[..j].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && j > 0 => {
                out.insert(after[..j].to_string());
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// A translated topic, checked: Some(entry) to use, or the problems.
pub fn translate_topic(en: &Topic, src: &str) -> Result<Topic, Vec<String>> {
    let (text, doc) = parse_doc::<TopicText>(src).map_err(|e| vec![e.to_string()])?;
    let p = topic_parity(en, &text, &doc);
    if !p.is_empty() {
        return Err(p);
    }
    let mut t = en.clone();
    t.meta.title = text.title;
    t.doc = doc;
    Ok(t)
}

/// A translated rule, checked: Some(entry) to use, or the problems.
pub fn translate_rule(en: &RuleDoc, src: &str) -> Result<RuleDoc, Vec<String>> {
    let (text, doc) = parse_doc::<RuleText>(src).map_err(|e| vec![e.to_string()])?;
    let p = rule_parity(en, &text, &doc);
    if !p.is_empty() {
        return Err(p);
    }
    let mut r = en.clone();
    r.meta.title = text.title;
    r.meta.message = text.message;
    for (f, t) in r.meta.fixes.iter_mut().zip(text.fixes) {
        f.title = t.title;
    }
    r.doc = doc;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::parse("es"), Locale::Es);
        assert_eq!(Locale::parse("es-ES"), Locale::Es);
        assert_eq!(Locale::parse("es_AR.UTF-8"), Locale::Es);
        assert_eq!(Locale::parse("ES"), Locale::Es);
        assert_eq!(Locale::parse("en-US"), Locale::En);
        assert_eq!(Locale::parse("fr"), Locale::En);
        assert_eq!(Locale::parse("C"), Locale::En);
        assert_eq!(Locale::parse("estonian"), Locale::En);
        let env = |pairs: &'static [(&'static str, &'static str)]| move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        assert_eq!(Locale::from_env_vars(env(&[("LANG", "es_ES.UTF-8")])), Some(Locale::Es));
        assert_eq!(Locale::from_env_vars(env(&[("LC_ALL", ""), ("LANG", "es_ES.UTF-8")])), Some(Locale::Es));
        assert_eq!(Locale::from_env_vars(env(&[("LC_ALL", "C"), ("LANG", "es_ES.UTF-8")])), Some(Locale::En));
        assert_eq!(Locale::from_env_vars(env(&[("LC_MESSAGES", "es_MX"), ("LANG", "en_US")])), Some(Locale::Es));
        assert_eq!(Locale::from_env_vars(env(&[])), None);
    }

    #[test]
    fn comments_are_blanked_but_not_hashes_in_strings_nor_results() {
        let a = "x = '#no'  # a comment\nprint(x)  # -> '#no'\n# requires: 3.12\n";
        let b = "x = '#no'  # un comentario\nprint(x)  # -> '#no'\n# requires: 3.12\n";
        assert_eq!(blank_comments(a), blank_comments(b));
        assert_ne!(blank_comments(a), blank_comments("x = '#si'  # a comment\nprint(x)  # -> '#no'\n# requires: 3.12\n"));
        assert_ne!(blank_comments(a), blank_comments("x = '#no'  # a comment\nprint(x)  # -> '#si'\n# requires: 3.12\n"));
    }

    #[test]
    fn links_and_placeholders() {
        assert_eq!(link_urls("see [a](http://x) and [b `c`](https://y#z)\n```\n[no](p)\n```\n"), vec!["http://x", "https://y#z"]);
        assert_eq!(placeholders("{title} ({rule}) {{x"), ["rule", "title"].iter().map(|s| s.to_string()).collect());
    }
}
