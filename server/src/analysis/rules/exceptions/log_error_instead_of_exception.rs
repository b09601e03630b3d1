//! `log-error-instead-of-exception`: `logging.error(...)` in an `except`
//! handler drops the traceback that `logging.exception(...)` records.

use super::prelude::*;
use crate::analysis::helpers::imports::resolves_to;

pub struct LogErrorInsteadOfException;

/// Whether `obj` looks like a logger: the `logging` module, `logging.getLogger(...)`,
/// or a name whose last part is `log`/`logger` (any case, leading underscores allowed).
fn logger_like(obj: Node, cx: &Context) -> Option<bool> {
    if resolves_to(obj, cx, "logging") {
        return Some(true);
    }
    if obj.kind_name() == "call" {
        let f = obj.child_by_field_id(crate::field_id!("function"))?;
        return resolves_to(f, cx, "logging.getLogger").then_some(false);
    }
    // `from distutils import log`: a module named `log` is not a logger.
    if obj.kind_name() == "identifier" {
        if let Some(q) = cx.module.imports.get(cx.text(obj)) {
            if q.rsplit('.').next() == Some("log") {
                return None;
            }
        }
    }
    let last = match obj.kind_name() {
        "identifier" => cx.text(obj),
        "attribute" => cx.text(obj.child_by_field_id(crate::field_id!("attribute"))?),
        _ => return None,
    };
    let l = last.trim_start_matches('_').to_ascii_lowercase();
    (l == "log" || l == "logger" || l.ends_with("_logger") || l.ends_with("_log")).then_some(false)
}

impl Rule for LogErrorInsteadOfException {
    fn id(&self) -> &'static str {
        "log-error-instead-of-exception"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        &["error"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(func) = node.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") else { return };
        let Some(attr) = func.child_by_field_id(crate::field_id!("attribute")).filter(|a| cx.text(*a) == "error") else { return };
        let Some(obj) = func.child_by_field_id(crate::field_id!("object")) else { return };
        // Directly inside an except handler (not in a nested function).
        let mut cur = node.up();
        let mut in_handler = false;
        while let Some(n) = cur {
            match n.kind_name() {
                "except_clause" => {
                    in_handler = true;
                    break;
                }
                "function_definition" | "lambda" | "class_definition" | "try_statement" | "module" => break,
                _ => {}
            }
            cur = n.up();
        }
        if !in_handler {
            return;
        }
        let Some(is_module) = logger_like(obj, cx) else { return };
        let Some(args) = node.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list") else { return };
        let args_text = cx.text(args);
        // `exc_info=` already chooses what to record.
        if syntax::code_children(args).iter().any(|a| {
            a.kind_name() == "keyword_argument" && a.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == "exc_info")
        }) || syntax::code_children(args).iter().any(|a| a.kind_name() == "dictionary_splat")
        {
            return;
        }
        let mut f = Finding::new(self.id(), node.byte_range());
        // With the traceback already formatted into the message, exception()
        // would print it twice: leave that one to the author.
        if !args_text.contains("format_exc") && !args_text.contains("print_exc") {
            let app = if is_module { Applicability::Safe } else { Applicability::Unsafe };
            f = f.with_fix(Fix::new("use-exception", app, vec![Edit::replace(attr.byte_range(), "exception")]));
        }
        out.push(f);
    }
}
