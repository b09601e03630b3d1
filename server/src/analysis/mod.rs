//! The pure core: rules produce findings over a syntax tree, fixes turn
//! findings into edits, hover turns a position into an explanation. No IO, no
//! async, no LSP types; nothing here may panic on any input.

pub mod budget;
pub mod fix;
pub mod helpers;
pub mod hover;
pub mod incremental;
pub mod rules;
pub mod scope;
pub mod suppress;

use crate::config::Settings;
use crate::knowledge::{Applicability, Knowledge, Severity};
use std::ops::Range;
use tree_sitter::{Node, Tree};

/// A text replacement, in byte offsets of the checked text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Self {
        Edit { range, new_text: new_text.into() }
    }
    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Edit { range: at..at, new_text: new_text.into() }
    }
    pub fn delete(range: Range<usize>) -> Self {
        Edit { range, new_text: String::new() }
    }
}

/// One way to fix a finding. `kind` names a `[[fixes]]` entry of the rule's
/// knowledge file, which gives its title and best-case applicability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub kind: &'static str,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(kind: &'static str, applicability: Applicability, edits: Vec<Edit>) -> Self {
        Fix { kind, applicability, edits }
    }
    pub fn safe(kind: &'static str, edits: Vec<Edit>) -> Self {
        Fix::new(kind, Applicability::Safe, edits)
    }
    pub fn unsafe_(kind: &'static str, edits: Vec<Edit>) -> Self {
        Fix::new(kind, Applicability::Unsafe, edits)
    }
}

/// A rule's report on a piece of code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub range: Range<usize>,
    /// Fixes in order of preference; the first is the one fix-all applies.
    pub fixes: Vec<Fix>,
    pub severity: Severity,
    /// Reported from the `module` node, so it may depend on the whole file:
    /// incremental re-checking recomputes it after every edit.
    pub whole_module: bool,
    /// Reported from a `class_definition` node: it may read any method, so
    /// an edit inside one method reruns the class's own rules.
    pub class_level: bool,
}

impl Finding {
    pub fn new(rule: &'static str, range: Range<usize>) -> Self {
        Finding { rule, range, fixes: Vec::new(), severity: Severity::Information, whole_module: false, class_level: false }
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }
}

/// What the rules see: the text, the tree, module-wide facts and settings.
pub struct Context<'a> {
    pub src: &'a str,
    pub tree: &'a Tree,
    /// Shared, so that a recheck that keeps the facts does not copy them.
    pub module: std::sync::Arc<scope::ModuleFacts>,
    pub settings: &'a Settings,
    /// This check's searches of `src` (`helpers::text::occurrences`).
    pub texts: helpers::text::Memo,
}

impl<'a> Context<'a> {
    pub fn new(src: &'a str, tree: &'a Tree, settings: &'a Settings) -> Self {
        let module = std::sync::Arc::new(scope::ModuleFacts::collect(tree.root_node(), src));
        Context { src, tree, module, settings, texts: Default::default() }
    }
    pub fn with_facts(src: &'a str, tree: &'a Tree, settings: &'a Settings, module: std::sync::Arc<scope::ModuleFacts>) -> Self {
        Context { src, tree, module, settings, texts: Default::default() }
    }
    pub fn text(&self, node: Node) -> &'a str {
        crate::syntax::text(node, self.src)
    }
    /// The edit adding `statement` (an import, without newline) where new
    /// imports go: after leading comments, the module docstring and
    /// `__future__` imports (`ModuleFacts::import_insert_at`). `finish`
    /// caps every fix carrying one at unsafe (`is_import_edit`).
    pub fn import_edit(&self, statement: &str) -> Edit {
        let nl = crate::syntax::newline_of(self.src);
        match self.module.import_insert_at {
            0 => Edit::insert(0, format!("{statement}{nl}")),
            at => Edit::insert(at, format!("{nl}{statement}")),
        }
    }
    /// Whether `e` is an edit `import_edit` made (every added import is
    /// one): a fix carrying it is never safe, since importing a module runs
    /// its code, which the program may not have done before.
    pub fn is_import_edit(&self, e: &Edit) -> bool {
        let t = e.new_text.trim_start_matches(['\r', '\n']);
        e.range.is_empty() && e.range.start == self.module.import_insert_at && (t.starts_with("import ") || t.starts_with("from "))
    }
    pub fn target_at_least(&self, major: u8, minor: u8) -> bool {
        self.settings.target_version >= (major, minor)
    }
}

/// Run every enabled rule over `tree`, apply knowledge (severity, fix
/// applicability caps), drop findings on broken syntax and suppressed lines.
pub fn check(src: &str, tree: &Tree, settings: &Settings, k: &Knowledge) -> Vec<Finding> {
    incremental::check_full(src, tree, settings, k).findings
}

pub(crate) fn finish(raw: rules::RawFindings, cx: &Context, k: &Knowledge) -> Vec<Finding> {
    let sup = suppress::Suppressions::collect(cx.tree.root_node(), cx.src, &cx.texts);
    let mut out: Vec<Finding> = Vec::with_capacity(raw.findings.len());
    for mut f in raw.findings {
        if crate::syntax::overlaps_any(&raw.error_ranges, &f.range) {
            continue;
        }
        if f.fixes.iter().any(|fx| fx.edits.iter().any(|e| crate::syntax::overlaps_any(&raw.error_ranges, &e.range))) {
            f.fixes.clear();
        }
        if sup.suppresses(cx, &f) {
            continue;
        }
        let Some(doc) = k.rule(f.rule) else { continue };
        f.severity = cx.settings.severity.get(f.rule).copied().unwrap_or(doc.meta.severity);
        f.fixes.retain_mut(|fx| match doc.fix(fx.kind) {
            Some(meta) => {
                fx.applicability = fx.applicability.min(meta.applicability);
                // A fix that adds an import runs that module's import-time code.
                if fx.edits.iter().any(|e| cx.is_import_edit(e)) {
                    fx.applicability = fx.applicability.min(Applicability::Unsafe);
                }
                true
            }
            None => false,
        });
        out.push(f);
    }
    sort_findings(&mut out);
    out
}

/// The one order findings are reported in (position, then rule), without
/// duplicates.
pub(crate) fn sort_findings(out: &mut Vec<Finding>) {
    out.sort_by(|a, b| (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule)));
    out.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
}
