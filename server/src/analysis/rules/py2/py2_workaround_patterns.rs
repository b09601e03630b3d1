//! `py2-workaround-patterns`: two Python 2 emulations that Python 3 has
//! syntax for: a one-item list used as a writable closure variable
//! (`count = [0]` … `count[0] += 1` in a nested function: `nonlocal`), and
//! `**kwargs` popped by hand and checked for leftovers (keyword-only
//! parameters).

use super::prelude::*;

pub struct Py2WorkaroundPatterns;

fn statements(body: Node<'_>) -> Vec<Node<'_>> {
    named_children(body).into_iter().filter(|c| c.kind_name() != "comment").collect()
}

fn assignment(stmt: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let a = stmt.named_child(0).filter(|a| stmt.kind_name() == "expression_statement" && a.kind_name() == "assignment")?;
    Some((a.child_by_field_id(crate::field_id!("left"))?, a.child_by_field_id(crate::field_id!("right"))?))
}

/// Whether `n` is `name[0]`.
fn is_item0(n: Node, name: &str, cx: &Context) -> bool {
    n.kind_name() == "subscript"
        && n.child_by_field_id(crate::field_id!("value")).is_some_and(|v| v.kind_name() == "identifier" && cx.text(v) == name)
        && n.child_by_field_id(crate::field_id!("subscript")).is_some_and(|s| s.kind_name() == "integer" && cx.text(s) == "0")
}

/// Every use of `name` in `root`: (only as `name[0]` apart from `skip`,
/// some `name[0] = …` / `name[0] += …` inside a nested function, a
/// `nonlocal`/`global` of it anywhere).
fn uses(root: Node, name: &str, skip: Node, cx: &Context) -> (bool, bool, bool) {
    let (mut only_item0, mut nested_write, mut declared) = (true, false, false);
    let mut cursor = root.walk();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.id() == skip.id() {
            continue;
        }
        match n.kind_name() {
            "nonlocal_statement" | "global_statement" => {
                if named_children(n).iter().any(|c| cx.text(*c) == name) {
                    declared = true;
                }
            }
            "identifier" if cx.text(n) == name => {
                let ok = n.up().is_some_and(|p| is_item0(p, name, cx) && p.child_by_field_id(crate::field_id!("value")).is_some_and(|v| v.id() == n.id()));
                if !ok {
                    only_item0 = false;
                }
            }
            "assignment" | "augmented_assignment" => {
                if n.child_by_field_id(crate::field_id!("left")).is_some_and(|l| is_item0(l, name, cx))
                    && crate::syntax::enclosing_function(n).is_some_and(|f| f.id() != root.up().map_or(root.id(), |p| p.id()))
                {
                    nested_write = true;
                }
            }
            _ => {}
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    (only_item0, nested_write, declared)
}

impl Rule for Py2WorkaroundPatterns {
    fn id(&self) -> &'static str {
        "py2-workaround-patterns"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }
    fn scope(&self) -> Scope {
        // Reported on the outer function but depends on the nested ones:
        // an edit inside a nested function must re-check its parent too.
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        // (a) needs a nested `def` in the body, (b) a `**kwargs` parameter:
        // without the text of either there is nothing to collect (most functions).
        let params = node.child_by_field_id(crate::field_id!("parameters")).map_or("", |p| cx.text(p));
        if memchr::memmem::find(cx.text(body).as_bytes(), b"def").is_none() && !params.contains("**") {
            return;
        }
        let stmts = statements(body);
        self.closure_list(body, &stmts, cx, out);
        self.kwargs_pop(node, &stmts, cx, out);
    }
}

impl Py2WorkaroundPatterns {
    /// (a) `name = [value]` here, `name[0] = …` in a nested function, and
    /// no other use of `name` than `name[0]`.
    fn closure_list(&self, body: Node, stmts: &[Node], cx: &Context, out: &mut Vec<Finding>) {
        let has_nested = stmts.iter().any(|s| {
            s.kind_name() == "function_definition"
                || (s.kind_name() == "decorated_definition"
                    && s.child_by_field_id(crate::field_id!("definition")).is_some_and(|d| d.kind_name() == "function_definition"))
        });
        if !has_nested {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for s in stmts {
            let Some((left, right)) = assignment(*s) else { continue };
            if left.kind_name() != "identifier" || right.kind_name() != "list" || statements(right).len() != 1 {
                continue;
            }
            if matches!(statements(right)[0].kind_name(), "list_splat" | "list_comprehension") {
                continue;
            }
            let name = cx.text(left);
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let (only_item0, nested_write, declared) = uses(body, name, left, cx);
            // Assigned only once in this function.
            let assigned_again = stmts.iter().filter(|t| assignment(**t).is_some_and(|(l, _)| cx.text(l) == name)).count() > 1;
            if only_item0 && nested_write && !declared && !assigned_again {
                out.push(Finding::new(self.id(), left.byte_range()));
            }
        }
    }

    /// (b) `def f(..., **kwargs)` that pops fixed keys from `kwargs` and
    /// then raises `TypeError` if any are left.
    fn kwargs_pop(&self, def: Node, stmts: &[Node], cx: &Context, out: &mut Vec<Finding>) {
        let Some(params) = def.child_by_field_id(crate::field_id!("parameters")) else { return };
        let Some(splat) = named_children(params).into_iter().find(|p| p.kind_name() == "dictionary_splat_pattern") else { return };
        let Some(kw) = splat.named_child(0).filter(|n| n.kind_name() == "identifier") else { return };
        let kw = cx.text(kw);
        let pops = stmts
            .iter()
            .filter(|s| {
                assignment(**s).is_some_and(|(l, r)| {
                    l.kind_name() == "identifier"
                        && r.kind_name() == "call"
                        && r.child_by_field_id(crate::field_id!("function")).is_some_and(|f| cx.text(f) == format!("{kw}.pop"))
                        && r.child_by_field_id(crate::field_id!("arguments")).is_some_and(|a| {
                            let args = statements(a);
                            (1..=2).contains(&args.len()) && args[0].kind_name() == "string"
                        })
                })
            })
            .count();
        if pops == 0 {
            return;
        }
        // A popped key that is a Python keyword (`kwargs.pop("from")`) or not
        // an identifier cannot be a keyword-only parameter: the workaround
        // is the only way to accept it.
        let unnameable = stmts.iter().filter_map(|s| assignment(*s)).any(|(_, r)| {
            r.kind_name() == "call"
                && r.child_by_field_id(crate::field_id!("function")).is_some_and(|f| cx.text(f) == format!("{kw}.pop"))
                && r.child_by_field_id(crate::field_id!("arguments")).and_then(|a| statements(a).first().copied()).is_some_and(|k| {
                    let key = cx.text(k).trim_matches(|c| c == '"' || c == '\'');
                    k.kind_name() == "string" && !is_identifier(key)
                })
        });
        if unnameable {
            return;
        }
        let raises_leftovers = stmts.iter().any(|s| {
            s.kind_name() == "if_statement"
                && s.child_by_field_id(crate::field_id!("condition")).is_some_and(|c| c.kind_name() == "identifier" && cx.text(c) == kw)
                && s.child_by_field_id(crate::field_id!("consequence")).is_some_and(|b| {
                    statements(b).iter().any(|r| r.kind_name() == "raise_statement" && cx.text(*r).contains("TypeError"))
                })
        });
        if raises_leftovers {
            out.push(Finding::new(self.id(), splat.byte_range()));
        }
    }
}

/// Whether `s` can name a parameter: an identifier that is not a keyword.
fn is_identifier(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    ];
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&s)
}
