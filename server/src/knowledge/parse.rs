//! Parsing one knowledge file: TOML front matter between `+++` lines, then
//! Markdown split into `## ` sections and `### ` subsections.

use serde::de::DeserializeOwned;
use std::fmt;

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    /// Text before the first `###` of this section.
    pub body: String,
    /// `### key` subsections, in order.
    pub subsections: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub sections: Vec<Section>,
}

impl Doc {
    pub fn section(&self, heading: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading.eq_ignore_ascii_case(heading))
    }

    /// Body of a section, trimmed ("" when absent).
    pub fn body(&self, heading: &str) -> &str {
        self.section(heading).map(|s| s.body.trim()).unwrap_or("")
    }

    /// The `### key` variant of `## In context`.
    pub fn variant(&self, key: &str) -> Option<&str> {
        self.section("In context")?
            .subsections
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    }

    pub fn variant_keys(&self) -> Vec<&str> {
        self.section("In context")
            .map(|s| s.subsections.iter().map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default()
    }

    /// Every fenced code block: (language, code).
    pub fn code_blocks(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for s in &self.sections {
            let mut all = vec![s.body.as_str()];
            all.extend(s.subsections.iter().map(|(_, b)| b.as_str()));
            for text in all {
                out.extend(code_blocks_in(text));
            }
        }
        out
    }
}

/// Fenced code blocks of a Markdown text: (language, code).
pub fn code_blocks_in(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if let Some(lang) = t.strip_prefix("```") {
            let lang = lang.trim().to_string();
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            out.push((lang, code));
        }
    }
    out
}

#[derive(Debug)]
pub enum ParseError {
    NoFrontMatter,
    FrontMatter(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ParseError::NoFrontMatter => write!(f, "no `+++` front matter"),
            ParseError::FrontMatter(e) => write!(f, "front matter: {e}"),
        }
    }
}

/// Split a knowledge file into typed front matter and sections.
pub fn parse_doc<M: DeserializeOwned>(src: &str) -> Result<(M, Doc), ParseError> {
    let (meta, body) = parse_front_matter(src)?;
    Ok((meta, parse_sections(body)))
}

/// A knowledge file's typed front matter, and the Markdown after it unparsed.
pub fn parse_front_matter<M: DeserializeOwned>(src: &str) -> Result<(M, &str), ParseError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut parts = src.splitn(3, "+++");
    let before = parts.next().unwrap_or("");
    if !before.trim().is_empty() {
        return Err(ParseError::NoFrontMatter);
    }
    let (Some(front), Some(body)) = (parts.next(), parts.next()) else {
        return Err(ParseError::NoFrontMatter);
    };
    let meta: M = toml::from_str(front).map_err(|e| ParseError::FrontMatter(e.to_string()))?;
    Ok((meta, body))
}

fn parse_sections(body: &str) -> Doc {
    let mut doc = Doc::default();
    let mut in_fence = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(h) = line.strip_prefix("## ") {
                doc.sections.push(Section { heading: h.trim().to_string(), ..Default::default() });
                continue;
            }
            if let Some(h) = line.strip_prefix("### ") {
                if let Some(s) = doc.sections.last_mut() {
                    s.subsections.push((h.trim().to_string(), String::new()));
                    continue;
                }
            }
        }
        if let Some(s) = doc.sections.last_mut() {
            let target = match s.subsections.last_mut() {
                Some((_, b)) => b,
                None => &mut s.body,
            };
            target.push_str(line);
            target.push('\n');
        }
    }
    doc
}
