//! `optional-argument-passed-positionally`: `True`, `False` or `None`
//! passed by position to a parameter that has a default, in a call
//! to a function whose signature the file shows; and any positional
//! argument to `threading.Thread`, whose first parameter is `group`.

use crate::analysis::helpers::bindings::bound_in_function;
use crate::analysis::helpers::calls::call_args;
use crate::analysis::helpers::calls::is_positional;
use crate::analysis::helpers::calls::keyword;
use crate::analysis::helpers::imports::refers_to_import;
use super::prelude::*;

pub struct OptionalArgumentPassedPositionally;

/// A positional parameter: its name, and whether it has a default and can
/// be passed by keyword.
struct Param {
    name: String,
    default: bool,
    keywordable: bool,
}

/// The positional parameters of a `def`, in order (None if the list has
/// something unexpected).
fn positional_params(def: Node, cx: &Context) -> Option<Vec<Param>> {
    let params = def.child_by_field_id(crate::field_id!("parameters"))?;
    let mut out: Vec<Param> = Vec::new();
    for p in named_children(params) {
        let (name, default) = match p.kind_name() {
            "identifier" => (cx.text(p).to_string(), false),
            "typed_parameter" => (cx.text(p.named_child(0).filter(|n| n.kind_name() == "identifier")?).to_string(), false),
            "default_parameter" | "typed_default_parameter" => (cx.text(p.child_by_field_id(crate::field_id!("name"))?).to_string(), true),
            // `/`: everything so far is positional-only.
            "positional_separator" => {
                for q in out.iter_mut() {
                    q.keywordable = false;
                }
                continue;
            }
            // `*`, `*args`, `**kwargs`: no more positional parameters.
            "keyword_separator" | "list_splat_pattern" | "dictionary_splat_pattern" => break,
            "comment" => continue,
            _ => return None,
        };
        out.push(Param { name, default, keywordable: true });
    }
    Some(out)
}

const THREAD_PARAMS: &[&str] = &["group", "target", "name", "args", "kwargs"];

/// `True`, `False` or `None`: flags whose meaning the call site does not show.
fn is_literal(n: Node) -> bool {
    matches!(n.kind_name(), "true" | "false" | "none")
}

/// The module-level `def` that `name` surely refers to: undecorated, and the
/// only top-level statement binding the name.
fn module_function<'t>(root: Node<'t>, name: &str, cx: &Context) -> Option<Node<'t>> {
    // The module facts know which names only an undecorated `def` binds
    // (and incremental re-checking tracks their headers).
    cx.module.functions.get(name)?;
    crate::syntax::top_level_def(root, name, cx.src)
}

impl Rule for OptionalArgumentPassedPositionally {
    fn id(&self) -> &'static str {
        "optional-argument-passed-positionally"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // The call's text before its tree: the rule sees every call, and
        // reading the callee costs a field search. A finding needs the
        // callee to end with `Thread`, or to be a name the module facts
        // know as a function, and the callee starts the call's text.
        super::behind_pretest(may_report(node, cx), node, cx, out, |n, cx, out| self.check_full(n, cx, out));
    }
}

/// Whether the text of `call` allows a finding: it holds `Thread`, or its
/// leading name (the callee when the callee is a bare name: a name's token
/// is the longest run of name characters) is a module function. A name
/// followed by a non-ASCII byte may go on: the test then lets it through.
fn may_report(call: Node, cx: &Context) -> bool {
    static THREAD: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let text = cx.text(call);
    let run = text.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    text.as_bytes().get(run).is_some_and(|b| *b >= 0x80)
        || (!cx.module.functions.is_empty() && cx.module.functions.contains_key(&text[..run]))
        || THREAD.get_or_init(|| memchr::memmem::Finder::new("Thread")).find(text.as_bytes()).is_some()
}

impl OptionalArgumentPassedPositionally {
    fn check_full(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        // Cheap tests first, before the arguments are read: most calls are
        // neither `Thread(...)` nor calls of a module-level function the
        // facts know.
        let thread = cx.text(func).ends_with("Thread") && refers_to_import(func, cx, "threading.Thread");
        if !thread && (func.kind_name() != "identifier" || !cx.module.functions.contains_key(cx.text(func))) {
            return;
        }
        let Some(args) = call_args(node) else { return };
        if args.iter().any(|a| matches!(a.kind_name(), "list_splat" | "parenthesized_list_splat")) {
            return;
        }
        let positional: Vec<Node> = args.iter().copied().take_while(|a| is_positional(*a)).collect();
        if positional.is_empty() || positional.len() != args.iter().filter(|a| is_positional(**a)).count() {
            return;
        }
        // (parameter names for the positional arguments, first flagged index)
        let (names, first): (Vec<String>, usize) = if thread {
            if positional.len() > THREAD_PARAMS.len() {
                return;
            }
            (THREAD_PARAMS.iter().map(|s| s.to_string()).collect(), 0)
        } else {
            if func.kind_name() != "identifier" {
                return;
            }
            // A finding flags a literal: without one, neither the `def` nor
            // the scopes around the call need be read.
            if !positional.iter().any(|a| is_literal(*a)) {
                return;
            }
            let name = cx.text(func);
            if !cx.module.bindings.contains(name) {
                return;
            }
            let Some(def) = module_function(cx.tree.root_node(), name, cx) else { return };
            let Some(params) = positional_params(def, cx) else { return };
            if positional.len() > params.len() {
                return;
            }
            let Some(first) = (0..positional.len()).find(|&i| params[i].default && params[i].keywordable && is_literal(positional[i]))
            else {
                return;
            };
            // Every argument from there on becomes a keyword: all must allow it.
            if (first..positional.len()).any(|i| !params[i].keywordable || !params[i].default) {
                return;
            }
            // The name must mean the module's function here (a walk up
            // through the scopes: last).
            if bound_in_function(name, node, cx.src) {
                return;
            }
            (params.into_iter().map(|p| p.name).collect(), first)
        };
        if (first..positional.len()).any(|i| keyword(&args, &names[i], cx).is_some()) {
            return;
        }
        let start = positional[first].start_byte();
        let mut f = Finding::new(self.id(), start..positional[positional.len() - 1].end_byte());
        if !syntax::has_comment_in(node, start..positional[positional.len() - 1].end_byte()) {
            let edits = (first..positional.len()).map(|i| Edit::insert(positional[i].start_byte(), format!("{}=", names[i]))).collect();
            f = f.with_fix(Fix::safe("use-keywords", edits));
        }
        out.push(f);
    }
}
