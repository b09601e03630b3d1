//! `irrefutable-case-not-last`: a `case` whose pattern matches every value
//! (a bare name, which captures, or `_`), without a guard, followed by
//! other cases; or such a name or `_` as an alternative of `|` before
//! others. Python refuses to compile it ("name capture 'x' makes remaining
//! patterns unreachable", "wildcard makes remaining patterns
//! unreachable"). A bare name is always a capture pattern: comparing with
//! a constant needs a dotted name (`Color.RED`).

use super::prelude::*;

pub struct IrrefutableCaseNotLast;

impl Rule for IrrefutableCaseNotLast {
    fn id(&self) -> &'static str {
        "irrefutable-case-not-last"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["case_clause"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.has_error() {
            return;
        }
        let Some(pattern) = named_children(node).into_iter().find(|c| c.kind_name() == "case_pattern") else { return };
        // `a | b`: an alternative that matches everything before others.
        if let Some(u) = named_children(pattern).into_iter().find(|c| c.kind_name() == "union_pattern") {
            let mut alts = Vec::new();
            alternatives(u, &mut alts);
            if let Some(a) = alts.iter().take(alts.len().saturating_sub(1)).find(|a| matches_everything(**a, cx)) {
                out.push(Finding::new(self.id(), a.byte_range()));
                return;
            }
        }
        if node.child_by_field_id(crate::field_id!("guard")).is_some() || !matches_everything(pattern, cx) {
            return;
        }
        let mut later = node.next_named_sibling();
        while let Some(s) = later {
            match s.kind_name() {
                "case_clause" => {
                    out.push(Finding::new(self.id(), pattern.byte_range()));
                    return;
                }
                _ if s.is_extra() => later = s.next_named_sibling(),
                _ => return,
            }
        }
    }
}

/// The alternatives of a `|` pattern, left to right.
/// (`_` is an anonymous token there, `|` too.)
fn alternatives<'t>(u: Node<'t>, out: &mut Vec<Node<'t>>) {
    for c in children(u).into_iter().filter(|c| !c.is_extra()) {
        match c.kind_name() {
            "union_pattern" => alternatives(c, out),
            "|" => {}
            _ => out.push(c),
        }
    }
}

/// Whether a pattern (a `case_pattern` or an alternative of `|`) matches
/// every value: `_`, a bare name, `p as name` of such a `p`, or `|` with
/// such an alternative. Anything else (parentheses included) is not
/// claimed.
fn matches_everything(p: Node, cx: &Context) -> bool {
    let kids: Vec<Node> = named_children(p).into_iter().filter(|c| !c.is_extra()).collect();
    match p.kind_name() {
        "case_pattern" => match kids.as_slice() {
            [] => cx.text(p).trim() == "_",
            [one] => matches_everything(*one, cx),
            _ => false,
        },
        "_" => true,
        "dotted_name" => kids.len() == 1 && kids[0].kind_name() == "identifier",
        "as_pattern" => kids.first().is_some_and(|c| c.kind_name() == "case_pattern" && matches_everything(*c, cx)),
        "union_pattern" => {
            let mut alts = Vec::new();
            alternatives(p, &mut alts);
            alts.iter().any(|a| matches_everything(*a, cx))
        }
        _ => false,
    }
}
