//! Loops: their bodies, `break`/`continue`, and turning a `for` loop into a
//! comprehension.

use crate::analysis::Context;
use crate::syntax::{self, NodeExt};
use tree_sitter::Node;

/// Whether `node` is inside a loop (of the same function).
pub fn in_loop(node: Node) -> bool {
    let mut cur = node.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "for_statement" | "while_statement" => return true,
            "function_definition" | "class_definition" | "lambda" => return false,
            _ => {}
        }
        cur = n.up();
    }
    false
}

/// Whether a `break` (or `continue`, per `kind`) inside `body` belongs to the
/// loop whose body it is (not to a nested loop, function or class).
pub fn has_own_jump(body: Node, kind: &str) -> bool {
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n.kind_name() == kind {
            return true;
        }
        for c in crate::syntax::children(n) {
            match c.kind_name() {
                "function_definition" | "class_definition" | "lambda" | "decorated_definition" => {}
                "for_statement" | "while_statement" => {
                    // Their `else` clause still belongs to us.
                    if let Some(alt) = c.child_by_field_id(crate::field_id!("alternative")) {
                        stack.push(alt);
                    }
                }
                _ => stack.push(c),
            }
        }
    }
    false
}

/// The body of a loop that is a single statement, optionally inside one `if`
/// without `elif`/`else`: (statement, condition).
pub fn single_statement_body<'t>(loop_node: Node<'t>) -> Option<(Node<'t>, Option<Node<'t>>)> {
    let body = loop_node.child_by_field_id(crate::field_id!("body"))?;
    let [stmt] = syntax::code_children(body)[..] else { return None };
    if stmt.kind_name() == "if_statement" {
        if stmt.child_by_field_id(crate::field_id!("alternative")).is_some() {
            return None;
        }
        let cond = stmt.child_by_field_id(crate::field_id!("condition"))?;
        let [inner] = syntax::code_children(stmt.child_by_field_id(crate::field_id!("consequence"))?)[..] else { return None };
        return Some((inner, Some(cond)));
    }
    Some((stmt, None))
}

/// The comprehension clauses of a loop: `for <left> in <right>[ if <cond>]`.
pub fn clauses_text(loop_node: Node, cond: Option<Node>, cx: &Context) -> Option<String> {
    let left = loop_node.child_by_field_id(crate::field_id!("left"))?;
    let right = loop_node.child_by_field_id(crate::field_id!("right"))?;
    let r = cx.text(right);
    let mut s = if matches!(right.kind_name(), "conditional_expression" | "lambda") {
        format!("for {} in ({r})", cx.text(left))
    } else {
        format!("for {} in {r}", cx.text(left))
    };
    if let Some(c) = cond {
        // A conditional expression or lambda needs brackets after `if`.
        let t = cx.text(c);
        if c.kind_name() == "conditional_expression" {
            s.push_str(&format!(" if ({t})"));
        } else {
            s.push_str(&format!(" if {t}"));
        }
    }
    Some(s)
}

/// Whether a `for` loop can become a comprehension over the same clauses:
/// Whether the variable `name`, bound in `region` (a loop, an `except`
/// handler), is seen by more than the code after `region` (which
/// `bindings::used_after` answers): by a nested function or lambda of
/// `scope` that does not bind it itself (a closure, wherever it is
/// defined), by a `global`/`nonlocal` declaration, or by the body of a loop
/// enclosing `region` outside it (the next round reads it before `region`
/// binds it again). Used where a rewrite stops binding the name after
/// `region`.
pub fn name_escapes(region: Node, scope: Node, name: &str, cx: &Context) -> bool {
    let inside = |n: Node| n.start_byte() >= region.start_byte() && n.end_byte() <= region.end_byte();
    let refs: Vec<Node> = super::bindings::name_refs(scope, name, cx);
    let escapes = |r: Node| {
        let mut in_function = false;
        let mut cur = r.up();
        while let Some(a) = cur {
            if a.id() == scope.id() {
                break;
            }
            match a.kind_name() {
                "global_statement" | "nonlocal_statement" => return true,
                "function_definition" | "lambda" => {
                    // A function binding the name itself reads its own variable.
                    let own = crate::analysis::scope::parameter_names(a, cx.src).contains(name)
                        || (a.kind_name() == "function_definition"
                            && a.child_by_field_id(crate::field_id!("body"))
                                .is_some_and(|b| crate::analysis::scope::scope_bindings(b, cx.src).contains(name))
                            && !syntax::descendants(a).iter().any(|d| matches!(d.kind_name(), "global_statement" | "nonlocal_statement")));
                    if own {
                        return false;
                    }
                    in_function = true;
                }
                _ => {}
            }
            cur = a.up();
        }
        in_function
    };
    if refs.iter().any(|r| escapes(*r)) {
        return true;
    }
    let mut cur = region.up();
    while let Some(p) = cur {
        if p.id() == scope.id() || matches!(p.kind_name(), "function_definition" | "class_definition") {
            break;
        }
        // Only reads count (a plain `name = …` there reads nothing).
        let rebinds = |r: Node| {
            r.up().is_some_and(|a| {
                a.kind_name() == "assignment"
                    && a.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == r.id())
                    && a.child_by_field_id(crate::field_id!("right")).is_some_and(|v| super::bindings::name_refs(v, name, cx).is_empty())
            })
        };
        if matches!(p.kind_name(), "for_statement" | "while_statement")
            && refs.iter().any(|r| !inside(*r) && !rebinds(*r) && r.start_byte() >= p.start_byte() && r.end_byte() <= p.end_byte())
        {
            return true;
        }
        cur = p.up();
    }
    false
}

/// Whether the loop's code behaves differently in a comprehension's own
/// scope: zero-argument `super()` and `__class__` (a comprehension is a
/// function before 3.12, PEP 709, and a generator expression still is), and
/// `locals()`, `vars()`, `dir()`, `eval()`, `exec()` (they see the
/// comprehension's names, not the function's).
fn needs_own_scope(loop_node: Node, cx: &Context) -> bool {
    syntax::descendants(loop_node).into_iter().any(|n| match n.kind_name() {
        "identifier" => matches!(cx.text(n), "__class__" | "locals" | "vars" | "dir" | "eval" | "exec" | "globals"),
        "call" => n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            f.kind_name() == "identifier"
                && cx.text(f) == "super"
                && n.child_by_field_id(crate::field_id!("arguments")).is_some_and(|a| a.named_child_count() == 0)
        }),
        _ => false,
    })
}

/// None when not (async loop, `else` clause, a target that is not plain
/// names, `yield`/`await`/`:=` inside, a class body), else
/// Some(safe): unsafe when the loop variables are read after the loop, by a
/// closure, under `global`/`nonlocal` or in the next round of an enclosing
/// loop (a comprehension does not bind them), when the body needs the
/// function's own scope (`super()`, `locals()`, …), or when the loop sits in
/// a `try`/`with` (a failure half-way leaves no partial result).
pub fn loop_to_comprehension(loop_node: Node, cx: &Context) -> Option<bool> {
    if loop_node.kind_name() != "for_statement" || loop_node.child(0).is_some_and(|c| c.kind_name() == "async") {
        return None;
    }
    if loop_node.child_by_field_id(crate::field_id!("alternative")).is_some() {
        return None;
    }
    let left = loop_node.child_by_field_id(crate::field_id!("left"))?;
    let right = loop_node.child_by_field_id(crate::field_id!("right"))?;
    let names: Vec<Node> = syntax::descendants(left).into_iter().filter(|n| n.is_named()).collect();
    if !names.iter().all(|n| matches!(n.kind_name(), "identifier" | "pattern_list" | "tuple_pattern" | "list_pattern")) {
        return None;
    }
    if syntax::descendants(loop_node).iter().any(|n| matches!(n.kind_name(), "yield" | "await" | "named_expression" | "lambda")) {
        return None;
    }
    if right.kind_name() == "expression_list" {
        return None;
    }
    // In a class body the comprehension could not see the class's names.
    let stmt = syntax::statement_of(loop_node);
    if stmt.up().and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition") {
        return None;
    }
    let scope = super::bindings::scope_node(loop_node, cx);
    let vars: Vec<&str> = names.iter().filter(|n| n.kind_name() == "identifier").map(|n| cx.text(*n)).collect();
    let mut safe = !vars.iter().any(|v| super::bindings::used_after(scope, loop_node.end_byte(), v, cx))
        && !vars.iter().any(|v| name_escapes(loop_node, scope, v, cx))
        && !needs_own_scope(loop_node, cx);
    let mut cur = loop_node.up();
    while let Some(p) = cur {
        match p.kind_name() {
            "try_statement" | "with_statement" => safe = false,
            "function_definition" | "class_definition" => break,
            _ => {}
        }
        cur = p.up();
    }
    Some(safe)
}
