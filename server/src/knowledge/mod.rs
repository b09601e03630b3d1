//! The knowledge base: topics and rules parsed from `knowledge/*.md` (embedded
//! at build time), the interface strings, and the indexes the hover resolver
//! and the rules use (by node kind, keyword, name and id).

pub mod locale;
pub mod parse;

pub use locale::Locale;

pub use parse::{parse_doc, parse_front_matter, Doc, ParseError, Section};
pub use parse::code_blocks_in;

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

mod files {
    include!(concat!(env!("OUT_DIR"), "/knowledge_files.rs"));
}

/// Front matter of a topic file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicMeta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub node_kinds: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub when: Vec<String>,
    pub sources: Vec<String>,
    pub docs: String,
    #[serde(default)]
    pub see_also: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    DisplayOnly,
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixMeta {
    pub kind: String,
    pub title: String,
    pub applicability: Applicability,
}

/// Front matter of a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub default: bool,
    pub message: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub docs: String,
    #[serde(default)]
    pub ruff: String,
    #[serde(default)]
    pub topics: Vec<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub fixes: Vec<FixMeta>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub meta: TopicMeta,
    pub doc: Doc,
}

#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub meta: RuleMeta,
    pub doc: Doc,
}

impl RuleDoc {
    pub fn fix(&self, kind: &str) -> Option<&FixMeta> {
        self.meta.fixes.iter().find(|f| f.kind == kind)
    }
}

/// Interface strings (`knowledge/interface.toml`), looked up as `table.key`.
#[derive(Debug, Default)]
pub struct Interface {
    strings: HashMap<String, String>,
}

impl Interface {
    fn parse(src: &str) -> Result<Self, String> {
        let v: toml::Table = toml::from_str(src).map_err(|e| e.to_string())?;
        let mut strings = HashMap::new();
        // Nested tables flatten to dotted keys: `[hover.notes]` "X" = … is `hover.notes.X`.
        fn flatten(prefix: &str, t: toml::Table, out: &mut HashMap<String, String>) {
            for (k, val) in t {
                let key = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                match val {
                    toml::Value::String(s) => {
                        out.insert(key, s);
                    }
                    toml::Value::Table(inner) => flatten(&key, inner, out),
                    _ => {}
                }
            }
        }
        flatten("", v, &mut strings);
        Ok(Interface { strings })
    }

    /// The string for `key`, with `{name}` placeholders filled from `args`.
    pub fn get(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.strings.get(key).cloned().unwrap_or_else(|| key.to_string());
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    pub fn has(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }
}

/// Everything loaded, with its indexes.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub topics: Vec<Topic>,
    pub rules: Vec<RuleDoc>,
    pub interface: Interface,
    /// Problems found while loading (reported by validation tests; the
    /// server skips a broken file and keeps going).
    pub errors: Vec<String>,
    topic_by_id: HashMap<String, usize>,
    rule_by_id: HashMap<String, usize>,
    pub by_keyword: HashMap<String, Vec<usize>>,
    pub by_kind: HashMap<String, Vec<usize>>,
    pub by_name: HashMap<String, Vec<usize>>,
    /// `module.name` for every public name of the stdlib modules that have
    /// a topic (`knowledge/coverage/stdlib-names.txt`).
    pub stdlib_public: std::collections::HashSet<String>,
    /// The language of this knowledge's text.
    pub locale: Locale,
    /// Entries of this locale that are in English because their translation
    /// is missing or failed its parity check (empty in English).
    pub untranslated: Vec<String>,
}

/// The public names of the stdlib modules the knowledge covers, as
/// (module, names), from `knowledge/coverage/stdlib-names.txt`.
pub fn stdlib_public_names() -> Vec<(String, Vec<String>)> {
    parse_stdlib_names(STDLIB_NAMES)
}

static STDLIB_NAMES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/knowledge/coverage/stdlib-names.txt"));

fn parse_stdlib_names(src: &str) -> Vec<(String, Vec<String>)> {
    src.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(m, names)| (m.trim().to_string(), names.split_whitespace().map(String::from).collect()))
        .collect()
}

impl Knowledge {
    /// Build from (stem, text) pairs; used for the embedded files and in tests.
    pub fn from_sources(topics: &[(&str, &str)], rules: &[(&str, &str)], interface: &str) -> Self {
        let mut k = Knowledge::default();
        k.load_interface(interface);
        k.load_topics(topics);
        k.load_rules(rules);
        k.stdlib_public = parse_stdlib_names(STDLIB_NAMES).into_iter().flat_map(|(m, ns)| ns.into_iter().map(move |n| format!("{m}.{n}"))).collect();
        k
    }

    /// `from_sources` without topics and stdlib names: the rules and the
    /// interface strings alone (`rules_for_locale`). Without `sections`, each
    /// rule's Markdown is left unparsed (its `doc` empty): `check` reads only
    /// the front matter, and a translation's parity check needs the sections.
    /// `front_json`: when not empty, each rule's front matter as JSON
    /// (`server/build.rs`), read instead of its TOML when `sections` is off.
    fn rules_from_sources(rules: &[(&str, &str)], front_json: &[&str], interface: &str, sections: bool) -> Self {
        let mut k = Knowledge::default();
        k.load_interface(interface);
        k.load_rules_with(rules, front_json, sections);
        k
    }

    fn load_interface(&mut self, interface: &str) {
        match Interface::parse(interface) {
            Ok(i) => self.interface = i,
            Err(e) => self.errors.push(format!("interface.toml: {e}")),
        }
    }

    /// Parse and index the topics.
    fn load_topics(&mut self, topics: &[(&str, &str)]) {
        let k = self;
        let parsed = parse_docs::<TopicMeta>("topics", topics, &[], |m| &m.id, &mut k.errors, true);
        k.topics.extend(parsed.into_iter().map(|(meta, doc)| Topic { meta, doc }));
        for (i, t) in k.topics.iter().enumerate() {
            k.topic_by_id.insert(t.meta.id.clone(), i);
            for kw in &t.meta.keywords {
                k.by_keyword.entry(kw.clone()).or_default().push(i);
            }
            for kind in &t.meta.node_kinds {
                k.by_kind.entry(kind.clone()).or_default().push(i);
            }
            for n in &t.meta.names {
                k.by_name.entry(n.clone()).or_default().push(i);
            }
        }
    }

    /// Parse and index the rules.
    fn load_rules(&mut self, rules: &[(&str, &str)]) {
        self.load_rules_with(rules, &[], true);
    }

    /// Parse and index the rules, their sections only when `sections`.
    fn load_rules_with(&mut self, rules: &[(&str, &str)], front_json: &[&str], sections: bool) {
        let k = self;
        let parsed = parse_docs::<RuleMeta>("rules", rules, front_json, |m| &m.id, &mut k.errors, sections);
        k.rules.extend(parsed.into_iter().map(|(meta, doc)| RuleDoc { meta, doc }));
        for (i, r) in k.rules.iter().enumerate() {
            k.rule_by_id.insert(r.meta.id.clone(), i);
        }
    }

    /// The knowledge embedded in this binary, loaded once.
    pub fn get() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| Knowledge::from_sources(files::TOPICS, files::RULES, files::INTERFACE))
    }

    /// The embedded knowledge in `locale`, loaded once per locale. Indexes
    /// and metadata are the English ones; each entry's text is its
    /// translation when that exists and passes the parity check, else the
    /// English entry whole. Interface strings fall back key by key.
    pub fn for_locale(locale: Locale) -> &'static Knowledge {
        static ES: OnceLock<Knowledge> = OnceLock::new();
        match locale {
            Locale::En => Knowledge::get(),
            Locale::Es => ES.get_or_init(|| {
                Knowledge::from_sources(files::TOPICS, files::RULES, files::INTERFACE).translated(
                    Locale::Es,
                    files::ES_TOPICS,
                    files::ES_RULES,
                    files::ES_INTERFACE,
                )
            }),
        }
    }

    /// The embedded rules and interface strings in `locale`, loaded once per
    /// locale: what `check` reads (rule metadata, messages, fix titles, its
    /// own strings), as `for_locale` has them, without the topics and the
    /// stdlib names, which only hover, `explain` and `notes` read. Parsing
    /// the topics was two thirds of loading the knowledge, paid by every
    /// `check` process.
    pub fn rules_for_locale(locale: Locale) -> &'static Knowledge {
        static EN: OnceLock<Knowledge> = OnceLock::new();
        static ES: OnceLock<Knowledge> = OnceLock::new();
        match locale {
            Locale::En => EN.get_or_init(|| Knowledge::rules_from_sources(files::RULES, files::RULES_FRONT_JSON, files::INTERFACE, false)),
            Locale::Es => ES.get_or_init(|| {
                Knowledge::rules_from_sources(files::RULES, &[], files::INTERFACE, true).translated(Locale::Es, &[], files::ES_RULES, files::ES_INTERFACE)
            }),
        }
    }

    /// Lay a translation over this (English) knowledge: per entry, the
    /// translation when it passes its parity check, else the English entry;
    /// the problems go to `errors`, the English-only ids to `untranslated`.
    pub fn translated(mut self, locale: Locale, topics: &[(&str, &str)], rules: &[(&str, &str)], interface: &str) -> Self {
        self.locale = locale;
        let dir = locale.code();
        if !interface.trim().is_empty() {
            match Interface::parse(interface) {
                Ok(tr) => self.interface.strings.extend(tr.strings),
                Err(e) => self.errors.push(format!("{dir}/interface.toml: {e}")),
            }
        }
        let topic_src: HashMap<&str, &str> = topics.iter().copied().collect();
        let rule_src: HashMap<&str, &str> = rules.iter().copied().collect();
        for (stem, _) in topics {
            if self.topic(stem).is_none() {
                self.errors.push(format!("{dir}/topics/{stem}.md: no English twin topics/{stem}.md"));
            }
        }
        for (stem, _) in rules {
            if self.rule(stem).is_none() {
                self.errors.push(format!("{dir}/rules/{stem}.md: no English twin rules/{stem}.md"));
            }
        }
        for t in self.topics.iter_mut() {
            let id = t.meta.id.clone();
            match topic_src.get(id.as_str()) {
                Some(src) => match locale::translate_topic(t, src) {
                    Ok(tr) => *t = tr,
                    Err(p) => {
                        self.errors.push(format!("{dir}/topics/{id}.md: {}", p.join("; ")));
                        self.untranslated.push(id);
                    }
                },
                None => self.untranslated.push(id),
            }
        }
        for r in self.rules.iter_mut() {
            let id = r.meta.id.clone();
            match rule_src.get(id.as_str()) {
                Some(src) => match locale::translate_rule(r, src) {
                    Ok(tr) => *r = tr,
                    Err(p) => {
                        self.errors.push(format!("{dir}/rules/{id}.md: {}", p.join("; ")));
                        self.untranslated.push(id);
                    }
                },
                None => self.untranslated.push(id),
            }
        }
        self
    }

    /// The label of a knowledge file's section heading in this locale
    /// (`[headings]` of the translated interface.toml; the heading itself in
    /// English, where headings are their own labels).
    pub fn heading(&self, heading: &str) -> String {
        let key = format!("headings.{heading}");
        if self.interface.has(&key) { self.interface.get(&key, &[]) } else { heading.to_string() }
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topic_by_id.get(id).map(|&i| &self.topics[i])
    }

    pub fn rule(&self, id: &str) -> Option<&RuleDoc> {
        self.rule_by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Interface string shortcut.
    pub fn ui(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.interface.get(key, args)
    }
}

/// The embedded translations of `locale`: (topics, rules, interface.toml);
/// empty for English.
pub fn embedded_translation(locale: Locale) -> (&'static [(&'static str, &'static str)], &'static [(&'static str, &'static str)], &'static str) {
    match locale {
        Locale::En => (&[], &[], ""),
        Locale::Es => (files::ES_TOPICS, files::ES_RULES, files::ES_INTERFACE),
    }
}

/// The keys of an interface.toml, flattened (`hover.docs`), with their strings.
pub fn interface_strings(src: &str) -> Result<Vec<(String, String)>, String> {
    let mut v: Vec<(String, String)> = Interface::parse(src)?.strings.into_iter().collect();
    v.sort();
    Ok(v)
}

/// The embedded file sources, for validation tests.
pub fn embedded_sources() -> (&'static [(&'static str, &'static str)], &'static [(&'static str, &'static str)], &'static str) {
    (files::TOPICS, files::RULES, files::INTERFACE)
}

/// Parse each `<dir>/<stem>.md` of `files`, in order; a file that does not
/// parse, or whose `id` differs from its name, is reported in `errors`
/// (the first is left out, the second kept). Without `sections` each
/// `Doc` is empty.
/// Each file's front matter, and its sections when `sections`. Without
/// sections, `front_json[i]` (when there is one and it is not empty) stands
/// for file `i`'s front matter (the build's JSON of its TOML); if it does
/// not deserialize, the TOML is read, for the error it gives.
fn parse_docs<M: serde::de::DeserializeOwned>(
    dir: &str,
    files: &[(&str, &str)],
    front_json: &[&str],
    id: fn(&M) -> &String,
    errors: &mut Vec<String>,
    sections: bool,
) -> Vec<(M, Doc)> {
    debug_assert!(front_json.is_empty() || front_json.len() == files.len());
    let mut out = Vec::with_capacity(files.len());
    for (i, (stem, src)) in files.iter().enumerate() {
        let json = front_json.get(i).filter(|j| !sections && !j.is_empty());
        let parsed = match (sections, json.and_then(|j| serde_json::from_str::<M>(j).ok())) {
            (false, Some(meta)) => Ok((meta, Doc::default())),
            (true, _) => parse_doc::<M>(src),
            (false, None) => parse_front_matter::<M>(src).map(|(meta, _)| (meta, Doc::default())),
        };
        match parsed {
            Ok((meta, doc)) => {
                if id(&meta) != stem {
                    errors.push(format!("{dir}/{stem}.md: id `{}` differs from the file name", id(&meta)));
                }
                out.push((meta, doc));
            }
            Err(e) => errors.push(format!("{dir}/{stem}.md: {e}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` reads each rule's front matter from the JSON the build made
    /// of it: it must give every rule the metadata its TOML gives.
    #[test]
    fn rules_front_matter_json_equals_the_toml() {
        assert_eq!(files::RULES_FRONT_JSON.len(), files::RULES.len());
        assert!(files::RULES.len() > 80);
        for ((stem, src), json) in files::RULES.iter().zip(files::RULES_FRONT_JSON) {
            assert!(!json.is_empty(), "rules/{stem}.md: no JSON front matter");
            let (from_toml, _) = parse::parse_front_matter::<RuleMeta>(src).unwrap();
            let from_json: RuleMeta = serde_json::from_str(json).unwrap();
            assert_eq!(format!("{from_json:?}"), format!("{from_toml:?}"), "rules/{stem}.md");
        }
        // And the loaded knowledge is the one the TOML gives.
        let fast = Knowledge::rules_from_sources(files::RULES, files::RULES_FRONT_JSON, files::INTERFACE, false);
        let slow = Knowledge::rules_from_sources(files::RULES, &[], files::INTERFACE, false);
        assert!(fast.errors.is_empty(), "{:?}", fast.errors);
        assert_eq!(format!("{:?}", fast.rules), format!("{:?}", slow.rules));
        // A front matter the JSON cannot stand for is read from the TOML,
        // with the TOML's error.
        let bad = [("x", "+++\nid = 1\n+++\n")];
        let mut errors = Vec::new();
        assert!(parse_docs::<RuleMeta>("rules", &bad, &["{\"id\": 1}"], |m| &m.id, &mut errors, false).is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("rules/x.md: "), "{errors:?}");
    }
}
