//! `except-order`: an `except` clause that can never run because an earlier
//! clause of the same `try` already catches its class (or a base of it).

use super::prelude::*;
use crate::syntax::code_children;

pub struct ExceptOrder;

/// Builtin exception classes and their bases (aliases map to the class itself).
const BASES: &[(&str, &[&str])] = &[
    ("ArithmeticError", &["Exception"]),
    ("AssertionError", &["Exception"]),
    ("AttributeError", &["Exception"]),
    ("BaseException", &[]),
    ("BaseExceptionGroup", &["BaseException"]),
    ("BlockingIOError", &["OSError"]),
    ("BrokenPipeError", &["ConnectionError"]),
    ("BufferError", &["Exception"]),
    ("BytesWarning", &["Warning"]),
    ("ChildProcessError", &["OSError"]),
    ("ConnectionAbortedError", &["ConnectionError"]),
    ("ConnectionError", &["OSError"]),
    ("ConnectionRefusedError", &["ConnectionError"]),
    ("ConnectionResetError", &["ConnectionError"]),
    ("DeprecationWarning", &["Warning"]),
    ("EOFError", &["Exception"]),
    ("EncodingWarning", &["Warning"]),
    ("Exception", &["BaseException"]),
    ("ExceptionGroup", &["BaseExceptionGroup", "Exception"]),
    ("FileExistsError", &["OSError"]),
    ("FileNotFoundError", &["OSError"]),
    ("FloatingPointError", &["ArithmeticError"]),
    ("FutureWarning", &["Warning"]),
    ("GeneratorExit", &["BaseException"]),
    ("ImportError", &["Exception"]),
    ("ImportWarning", &["Warning"]),
    ("IndentationError", &["SyntaxError"]),
    ("IndexError", &["LookupError"]),
    ("InterruptedError", &["OSError"]),
    ("IsADirectoryError", &["OSError"]),
    ("KeyError", &["LookupError"]),
    ("KeyboardInterrupt", &["BaseException"]),
    ("LookupError", &["Exception"]),
    ("MemoryError", &["Exception"]),
    ("ModuleNotFoundError", &["ImportError"]),
    ("NameError", &["Exception"]),
    ("NotADirectoryError", &["OSError"]),
    ("NotImplementedError", &["RuntimeError"]),
    ("OSError", &["Exception"]),
    ("OverflowError", &["ArithmeticError"]),
    ("PendingDeprecationWarning", &["Warning"]),
    ("PermissionError", &["OSError"]),
    ("ProcessLookupError", &["OSError"]),
    ("PythonFinalizationError", &["RuntimeError"]),
    ("RecursionError", &["RuntimeError"]),
    ("ReferenceError", &["Exception"]),
    ("ResourceWarning", &["Warning"]),
    ("RuntimeError", &["Exception"]),
    ("RuntimeWarning", &["Warning"]),
    ("StopAsyncIteration", &["Exception"]),
    ("StopIteration", &["Exception"]),
    ("SyntaxError", &["Exception"]),
    ("SyntaxWarning", &["Warning"]),
    ("SystemError", &["Exception"]),
    ("SystemExit", &["BaseException"]),
    ("TabError", &["IndentationError"]),
    ("TimeoutError", &["OSError"]),
    ("TypeError", &["Exception"]),
    ("UnboundLocalError", &["NameError"]),
    ("UnicodeDecodeError", &["UnicodeError"]),
    ("UnicodeEncodeError", &["UnicodeError"]),
    ("UnicodeError", &["ValueError"]),
    ("UnicodeTranslateError", &["UnicodeError"]),
    ("UnicodeWarning", &["Warning"]),
    ("UserWarning", &["Warning"]),
    ("ValueError", &["Exception"]),
    ("Warning", &["Exception"]),
    ("ZeroDivisionError", &["ArithmeticError"]),
];

fn canonical(name: &str) -> &str {
    match name {
        "IOError" | "EnvironmentError" => "OSError",
        n => n,
    }
}

/// Whether builtin class `sub` is `sup` or derives from it. Recursive over
/// the fixed `BASES` table (a few levels), never over the input.
fn is_subclass(sub: &str, sup: &str) -> bool {
    if sub == sup {
        return true;
    }
    let Some((_, bases)) = BASES.iter().find(|(n, _)| *n == sub) else { return false };
    bases.iter().any(|b| is_subclass(b, sup))
}

/// The builtin exception classes a clause names, with their nodes.
fn caught<'t>(clause: Node<'t>, cx: &Context) -> Vec<(Node<'t>, &'static str)> {
    candidates(clause, cx).into_iter().filter(|(i, _)| scope::refers_to(*i, cx.src, &cx.module, cx.text(*i))).collect()
}

/// The names a clause spells like builtin exception classes (`caught`
/// before `refers_to` has said they mean the builtins).
fn candidates<'t>(clause: Node<'t>, cx: &Context) -> Vec<(Node<'t>, &'static str)> {
    let Some(value) = statements::except_value(clause) else { return Vec::new() };
    let items = match value.kind_name() {
        "tuple" => code_children(value),
        "parenthesized_expression" => match value.named_child(0) {
            Some(t) if t.kind_name() == "tuple" => code_children(t),
            Some(i) => vec![i],
            None => Vec::new(),
        },
        _ => vec![value],
    };
    items
        .into_iter()
        .filter(|i| i.kind_name() == "identifier")
        .filter_map(|i| {
            let t = cx.text(i);
            let c = canonical(t);
            let (name, _) = BASES.iter().find(|(n, _)| *n == c)?;
            Some((i, *name))
        })
        .collect()
}

impl Rule for ExceptOrder {
    fn id(&self) -> &'static str {
        "except-order"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["try_statement"]
    }
    fn scope(&self) -> super::Scope {
        // Whether a name is the builtin class depends on module-level bindings.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let clauses: Vec<Node> = code_children(node).into_iter().filter(|c| c.kind_name() == "except_clause").collect();
        // Whether the names alone allow a shadowed clause: `caught` keeps
        // a subset of each clause's candidates, so without a later candidate
        // under an earlier one there is none, and no `refers_to` (a walk up
        // through the scopes per name) is needed.
        let mut spelled: Vec<&'static str> = Vec::new();
        let mut possible = false;
        for clause in &clauses {
            let here = candidates(*clause, cx);
            if here.iter().any(|(_, name)| spelled.iter().any(|e| is_subclass(name, e))) {
                possible = true;
                break;
            }
            spelled.extend(here.iter().map(|(_, n)| *n));
        }
        let mut earlier: Vec<&'static str> = Vec::new();
        for (i, clause) in clauses.iter().enumerate() {
            let bare = statements::except_value(*clause).is_none();
            if bare {
                if i + 1 < clauses.len() {
                    // `except:` that is not the last handler (a SyntaxError in Python 3).
                    let kw = syntax::children(*clause).into_iter().next().map_or(clause.byte_range(), |k| k.byte_range());
                    out.push(Finding::new(self.id(), kw));
                }
                continue;
            }
            let here = if possible { caught(*clause, cx) } else { Vec::new() };
            for (n, name) in &here {
                if earlier.iter().any(|e| is_subclass(name, e)) {
                    out.push(Finding::new(self.id(), n.byte_range()));
                }
            }
            earlier.extend(here.iter().map(|(_, n)| *n));
        }
    }
}
