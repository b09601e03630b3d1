//! Applying fixes: one fix to a text, or every applicable fix in a file
//! (non-overlapping, repeated until nothing changes, a few rounds at most).

use super::{check, Edit, Finding, Fix};
use crate::config::Settings;
use crate::knowledge::{Applicability, Knowledge};

/// Apply non-overlapping edits to `src`. Edits are sorted here; an edit that
/// overlaps an earlier one is skipped. Returns None if an edit's range is not
/// on character boundaries of `src`.
pub fn apply_edits(src: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0;
    for e in sorted {
        if e.range.start < pos || e.range.end > src.len() || e.range.start > e.range.end {
            if e.range.start < pos {
                continue;
            }
            return None;
        }
        if !src.is_char_boundary(e.range.start) || !src.is_char_boundary(e.range.end) {
            return None;
        }
        out.push_str(&src[pos..e.range.start]);
        out.push_str(&e.new_text);
        pos = e.range.end;
    }
    out.push_str(&src[pos..]);
    Some(out)
}

/// Whether a fix of this applicability may be applied automatically.
pub fn allowed(a: Applicability, unsafe_fixes: bool) -> bool {
    match a {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// The fix that fix-all would apply for a finding.
pub fn auto_fix(f: &Finding, unsafe_fixes: bool) -> Option<&Fix> {
    f.fixes.iter().find(|fx| allowed(fx.applicability, unsafe_fixes))
}

/// Result of fixing a whole file.
pub struct FixAll {
    pub text: String,
    /// (rule, fix kind) of every fix applied.
    pub applied: Vec<(&'static str, &'static str)>,
    /// Findings still present in the final text.
    pub remaining: Vec<Finding>,
}

pub const MAX_ROUNDS: usize = 5;

/// Apply every allowed fix, round after round, until nothing changes.
pub fn fix_all(src: &str, settings: &Settings, k: &Knowledge, unsafe_fixes: bool) -> FixAll {
    let mut text = src.to_string();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let tree = crate::syntax::parse(&text, None);
        let findings = check(&text, &tree, settings, k);
        let (edits, rules) = select_edits(&findings, unsafe_fixes);
        if edits.is_empty() {
            return FixAll { text, applied, remaining: findings };
        }
        match apply_edits(&text, &edits) {
            Some(t) if t != text => {
                text = t;
                applied.extend(rules);
            }
            _ => return FixAll { text, applied, remaining: findings },
        }
    }
    let tree = crate::syntax::parse(&text, None);
    let remaining = check(&text, &tree, settings, k);
    FixAll { text, applied, remaining }
}

/// The edits of every allowed fix whose edits do not overlap those chosen
/// before it, with the (rule, kind) of each fix taken.
pub fn select_edits(findings: &[Finding], unsafe_fixes: bool) -> (Vec<Edit>, Vec<(&'static str, &'static str)>) {
    let mut chosen: Vec<Edit> = Vec::new();
    let mut rules = Vec::new();
    for f in findings {
        let Some(fx) = auto_fix(f, unsafe_fixes) else { continue };
        let clash = fx.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                e.range.start < c.range.end.max(c.range.start + 1) && c.range.start < e.range.end.max(e.range.start + 1)
            })
        });
        if clash {
            continue;
        }
        chosen.extend(fx.edits.iter().cloned());
        rules.push((f.rule, fx.kind));
    }
    (chosen, rules)
}
