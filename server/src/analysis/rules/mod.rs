//! The rule registry and the single traversal that feeds every rule.
//!
//! Each rule lives in its own file, declares the node kinds it looks at, and
//! is called once per node of those kinds. One walk over the tree serves all
//! rules (as ruff's checker does); no rule walks the tree itself.

use super::{Context, Finding};
use crate::config::Settings;
use crate::knowledge::Knowledge;
use std::ops::Range;
use std::sync::OnceLock;
use tree_sitter::Node;

mod bare_except;
mod call_in_default_argument;
mod decorator_without_wraps;
mod dict_keys_call;
mod if_in_then_get;
mod if_in_then_setdefault;
mod lambda_assignment;
mod map_filter_lambda;
mod mutable_default_argument;
mod none_equality;
mod open_without_with;
mod py2_except_comma;
mod py2_exec_statement;
mod py2_print_statement;
mod py2_raise_comma;
mod range_len_loop;
mod super_with_arguments;
mod type_comparison;
mod useless_object_inheritance;
mod zip_without_strict;

/// How far an edit's effect can reach (used by incremental re-checking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Statement,
    Function,
    Module,
}

pub trait Rule: Sync + Send {
    /// The public id (`range-len-loop`); equals the knowledge file's stem.
    fn id(&self) -> &'static str;
    /// Node kinds this rule wants to see.
    fn kinds(&self) -> &'static [&'static str];
    /// Minimum target Python version for the rule to report at all.
    fn min_python(&self) -> (u8, u8) {
        (3, 0)
    }
    fn scope(&self) -> Scope {
        Scope::Statement
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>);
}

/// Every rule, in id order.
pub fn all() -> &'static [&'static dyn Rule] {
    static ALL: &[&dyn Rule] = &[
        &bare_except::BareExcept,
        &call_in_default_argument::CallInDefaultArgument,
        &decorator_without_wraps::DecoratorWithoutWraps,
        &dict_keys_call::DictKeysCall,
        &if_in_then_get::IfInThenGet,
        &if_in_then_setdefault::IfInThenSetdefault,
        &lambda_assignment::LambdaAssignment,
        &map_filter_lambda::MapFilterLambda,
        &mutable_default_argument::MutableDefaultArgument,
        &none_equality::NoneEquality,
        &open_without_with::OpenWithoutWith,
        &py2_except_comma::Py2ExceptComma,
        &py2_exec_statement::Py2ExecStatement,
        &py2_print_statement::Py2PrintStatement,
        &py2_raise_comma::Py2RaiseComma,
        &range_len_loop::RangeLenLoop,
        &super_with_arguments::SuperWithArguments,
        &type_comparison::TypeComparison,
        &useless_object_inheritance::UselessObjectInheritance,
        &zip_without_strict::ZipWithoutStrict,
    ];
    ALL
}

pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|r| r.id() == id)
}

/// The rules that settings and knowledge turn on, as a per-kind dispatch table.
pub struct Enabled {
    /// Indexed by tree-sitter kind id: the rules that want that kind.
    table: Vec<Vec<&'static dyn Rule>>,
}

impl Enabled {
    pub fn is_empty(&self) -> bool {
        self.table.iter().all(Vec::is_empty)
    }
}

pub fn enabled_rules(settings: &Settings, k: &Knowledge) -> Enabled {
    let lang = crate::syntax::language();
    let count = lang.node_kind_count();
    let mut table: Vec<Vec<&'static dyn Rule>> = vec![Vec::new(); count + 1];
    for &rule in all() {
        let Some(doc) = k.rule(rule.id()) else { continue };
        if !settings.rule_enabled(rule.id(), doc.meta.default, &doc.meta.ruff) {
            continue;
        }
        if settings.target_version < rule.min_python() {
            continue;
        }
        for kind in rule.kinds() {
            for id in kind_ids(kind) {
                table[*id as usize].push(rule);
            }
        }
    }
    Enabled { table }
}

/// Every kind id with this name (a name can map to several ids: named and
/// anonymous variants, aliases).
fn kind_ids(kind: &str) -> &'static [u16] {
    static MAP: OnceLock<std::collections::HashMap<String, Vec<u16>>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let lang = crate::syntax::language();
        let mut m: std::collections::HashMap<String, Vec<u16>> = std::collections::HashMap::new();
        for id in 0..lang.node_kind_count() as u16 {
            if let Some(name) = lang.node_kind_for_id(id) {
                if lang.node_kind_is_named(id) {
                    m.entry(name.to_string()).or_default().push(id);
                }
            }
        }
        m
    });
    map.get(kind).map(Vec::as_slice).unwrap_or(&[])
}

pub struct RawFindings {
    pub findings: Vec<Finding>,
    /// Ranges of ERROR and MISSING nodes: no advice overlaps them.
    pub error_ranges: Vec<Range<usize>>,
}

/// One traversal of the tree, dispatching each node to the rules that want it.
/// A panicking rule loses its findings for this file, never the server.
pub fn run(cx: &Context, enabled: &Enabled) -> RawFindings {
    let mut findings = Vec::new();
    let mut error_ranges = Vec::new();
    let root = cx.tree.root_node();
    let mut cursor = root.walk();
    let has_error = root.has_error();
    loop {
        let node = cursor.node();
        if has_error && (node.is_error() || node.is_missing()) {
            let r = node.byte_range();
            error_ranges.push(if r.is_empty() { r.start.saturating_sub(1)..r.end + 1 } else { r });
        }
        if let Some(rules) = enabled.table.get(node.kind_id() as usize) {
            for rule in rules {
                let before = findings.len();
                let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    rule.check(node, cx, &mut findings);
                }));
                if res.is_err() {
                    findings.truncate(before);
                }
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return RawFindings { findings, error_ranges };
            }
        }
    }
}
