//! `string-concat-in-loop`: `s = ""` before a `for` loop and `s += part`
//! inside it, building a string piece by piece instead of joining.

use super::prelude::*;

pub struct StringConcatInLoop;

/// `name += value` as a statement: (name, value).
fn concat<'t>(stmt: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let a = stmt.named_child(0)?;
    if a.kind_name() != "augmented_assignment" || a.child_by_field_id(crate::field_id!("operator")).is_none_or(|o| o.kind_name() != "+=") {
        return None;
    }
    let l = a.child_by_field_id(crate::field_id!("left"))?;
    (l.kind_name() == "identifier").then_some((l, a.child_by_field_id(crate::field_id!("right"))?))
}

fn is_str_literal(n: Node, cx: &Context) -> bool {
    n.kind_name() == "string" && !cx.text(n).trim_start_matches(|c: char| c.is_ascii_alphabetic()).is_empty()
        && !cx.text(n).split(['"', '\'']).next().is_some_and(|p| p.to_ascii_lowercase().contains('b'))
}

/// Whether an expression certainly evaluates to a `str`: every node on the
/// stack must (each case is a conjunction of its parts; an explicit stack,
/// since a `+` chain is as long as the input makes it).
fn is_str_expr(n: Node, cx: &Context) -> bool {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        let ok = match n.kind_name() {
            "string" => is_str_literal(n, cx),
            "concatenated_string" => {
                stack.extend(syntax::named_children(n));
                true
            }
            "parenthesized_expression" => n.named_child(0).is_some_and(|c| {
                stack.push(c);
                true
            }),
            "binary_operator" => {
                match (n.child_by_field_id(crate::field_id!("left")), n.child_by_field_id(crate::field_id!("right")), n.child_by_field_id(crate::field_id!("operator"))) {
                    (Some(l), Some(r), Some(op)) => match op.kind_name() {
                        "+" => {
                            stack.push(r);
                            stack.push(l);
                            true
                        }
                        "%" => is_str_literal(l, cx),
                        _ => false,
                    },
                    _ => false,
                }
            }
            "call" => n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
                (f.kind_name() == "identifier"
                    && ["str", "repr", "chr", "format", "ascii"].contains(&cx.text(f))
                    && scope::refers_to(f, cx.src, &cx.module, cx.text(f)))
                    || (f.kind_name() == "attribute"
                        && f.child_by_field_id(crate::field_id!("object")).is_some_and(|o| is_str_literal(o, cx))
                        && f.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| matches!(cx.text(a), "format" | "join")))
            }),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

impl Rule for StringConcatInLoop {
    fn id(&self) -> &'static str {
        "string-concat-in-loop"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["for_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // The initialisation may be up to 20 statements before the loop
        // (`check_name`): at module level, other module-level statements.
        &["+="]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        // Every candidate below is an `s += …`: without the token in the
        // body's text there is none (most loops), and no tree to walk.
        if memchr::memmem::find(cx.text(body).as_bytes(), b"+=").is_none() {
            return;
        }
        // The `s += …` statements of the body (its own, or under one `if`).
        // A `+=` followed by `break` or `return` in its own block runs at
        // most once per loop: nothing is built piece by piece.
        let top = syntax::code_children(body);
        let mut blocks = vec![top.clone()];
        for s in top.into_iter().filter(|s| s.kind_name() == "if_statement") {
            for block in syntax::descendants(s).into_iter().filter(|b| b.kind_name() == "block") {
                blocks.push(syntax::code_children(block));
            }
        }
        let mut candidates: Vec<(Node, Node, Node)> = Vec::new();
        let mut ends_loop: Vec<&str> = Vec::new();
        for stmts in &blocks {
            for (k, s) in stmts.iter().enumerate() {
                if let Some((l, r)) = concat(*s) {
                    if stmts[k + 1..].iter().any(|n| matches!(n.kind_name(), "break_statement" | "return_statement")) {
                        ends_loop.push(cx.text(l));
                    } else {
                        candidates.push((*s, l, r));
                    }
                }
            }
        }
        candidates.retain(|(_, l, _)| !ends_loop.contains(&cx.text(*l)));
        let mut names: Vec<&str> = Vec::new();
        for (_, l, _) in &candidates {
            if !names.contains(&cx.text(*l)) {
                names.push(cx.text(*l));
            }
        }
        for name in names {
            if let Some(f) = check_name(node, name, &candidates, cx) {
                out.push(f);
            }
        }
    }
}

fn check_name<'t>(node: Node<'t>, name: &str, candidates: &[(Node<'t>, Node<'t>, Node<'t>)], cx: &Context) -> Option<Finding> {
        let mine: Vec<&(Node, Node, Node)> = candidates.iter().filter(|(_, l, _)| cx.text(*l) == name).collect();
        let first_stmt = mine.first()?.0;
        // The string is initialised to a str literal before the loop, by the
        // last earlier statement of the block that mentions it.
        let mut init = None;
        let mut prev = statements::previous_statement(node);
        let mut budget = 20;
        while let Some(p) = prev {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            if !bindings::name_refs(p, name, cx).is_empty() {
                init = Some(p);
                break;
            }
            prev = statements::previous_statement(p);
        }
        let Some(init) = init else { return None };
        let Some((t, v)) = statements::simple_assignment(init) else { return None };
        if cx.text(t) != name || !is_str_literal(v, cx) {
            return None;
        }
        // The loop uses the string only to append to it.
        let refs = bindings::name_refs(node, name, cx);
        if refs.len() != mine.len() || mine.iter().any(|(_, _, r)| !bindings::name_refs(*r, name, cx).is_empty()) {
            return None;
        }
        let Some(right) = node.child_by_field_id(crate::field_id!("right")) else { return None };
        let mut f = Finding::new("string-concat-in-loop", first_stmt.byte_range());
        // Fix: only for a body that is just the one `s += part` (maybe under an `if`).
        if let (Some((stmt, cond)), true) = (loops::single_statement_body(node), mine.len() == 1) {
            if stmt.id() == first_stmt.id() && right.kind_name() != "expression_list" {
                if let (Some(safe), Some(clauses)) = (loops::loop_to_comprehension(node, cx), loops::clauses_text(node, cond, cx)) {
                    let part = mine[0].2;
                    let adjacent = statements::previous_statement(node).is_some_and(|p| p.id() == init.id());
                    if adjacent && part.kind_name() != "expression_list" {
                        let lit = cx.text(v);
                        let empty = lit.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len() == 2;
                        let quote = if lit.ends_with('\'') { "''" } else { "\"\"" };
                        let joined = format!("{quote}.join({} {clauses})", cx.text(part));
                        let text = if empty { format!("{name} = {joined}") } else { format!("{name} = {lit} + {joined}") };
                        let text = edits::keep_comments(text, init.start_byte()..node.end_byte(), cx);
                        let applicability = if safe && is_str_expr(part, cx) { Applicability::Safe } else { Applicability::Unsafe };
                        f = f.with_fix(Fix::new("join", applicability, vec![Edit::replace(init.start_byte()..node.end_byte(), text)]));
                    }
                }
            }
        }
        Some(f)
}
