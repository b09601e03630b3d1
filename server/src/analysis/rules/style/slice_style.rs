//! `slice-style`: `a[0:n]` and `a[n:len(a)]`, where the omitted bound says
//! the same thing; and slices combining start, stop and stride, which are
//! hard to read.

use super::prelude::*;

pub struct SliceStyle;

/// The (start, stop, step) parts of a `slice` node.
fn parts(slice: Node) -> Option<[Option<Node>; 3]> {
    let mut out = [None, None, None];
    let mut i = 0;
    for c in syntax::children(slice) {
        match c.kind_name() {
            ":" => {
                i += 1;
                if i > 2 {
                    return None;
                }
            }
            "comment" => return None,
            _ if c.is_named() => out[i] = Some(c),
            _ => return None,
        }
    }
    Some(out)
}

fn is_positive_int(n: Node, cx: &Context) -> bool {
    n.kind_name() == "integer" && cx.text(n).chars().all(|c| c.is_ascii_digit() || c == '_') && cx.text(n).chars().any(|c| c.is_ascii_digit() && c != '0')
}

fn is_negative(n: Node, cx: &Context) -> bool {
    n.kind_name() == "unary_operator" && cx.text(n).starts_with('-')
}

impl Rule for SliceStyle {
    fn id(&self) -> &'static str {
        "slice-style"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["slice"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(sub) = node.up().filter(|p| p.kind_name() == "subscript") else { return };
        let Some(value) = sub.child_by_field_id(crate::field_id!("value")) else { return };
        let Some([start, stop, step]) = parts(node) else { return };
        // (a) a redundant bound; only when the step is absent or a positive literal.
        let forward = step.is_none_or(|s| is_positive_int(s, cx));
        if forward {
            let mut edits = Vec::new();
            if let Some(s) = start.filter(|s| s.kind_name() == "integer" && cx.text(*s) == "0") {
                edits.push(Edit::delete(s.byte_range()));
            }
            if let Some(e) = stop.filter(|e| is_len_of(*e, value, cx)) {
                edits.push(Edit::delete(e.byte_range()));
            }
            if !edits.is_empty() && !parallel_with_neighbour(node, cx) {
                out.push(Finding::new(self.id(), node.byte_range()).with_fix(Fix::safe("omit-bound", edits)));
                return;
            }
        }
        // (b) start, stop and stride together, or a negative stride with a bound.
        if let Some(step) = step {
            let bounds = start.is_some() as u8 + stop.is_some() as u8;
            if bounds == 2 || (bounds == 1 && is_negative(step, cx)) {
                out.push(Finding::new(self.id(), node.byte_range()));
            }
        }
    }
}

/// `len(X)` where X is the subscripted name or attribute chain.
fn is_len_of(n: Node, value: Node, cx: &Context) -> bool {
    if n.kind_name() != "call" || !syntax::is_name_or_attribute(value) {
        return false;
    }
    let (Some(f), Some(args)) = (n.child_by_field_id(crate::field_id!("function")), calls::call_args(n)) else { return false };
    f.kind_name() == "identifier"
        && scope::refers_to(f, cx.src, &cx.module, "len")
        && args.len() == 1
        && cx.text(args[0]) == cx.text(value)
}

/// Whether the statement holding `slice` sits on the line next to one that
/// slices with an explicit start and stop (`x[0:2]` above `x[2:4]`): the
/// written-out bound keeps the columns parallel, as the author meant.
fn parallel_with_neighbour(slice: Node, cx: &Context) -> bool {
    let stmt = syntax::statement_of(slice);
    let row = (stmt.start_position().row, stmt.end_position().row);
    let neighbours = [stmt.prev_named_sibling().filter(|p| p.end_position().row + 1 == row.0), stmt.next_named_sibling().filter(|n| n.start_position().row == row.1 + 1)];
    neighbours.into_iter().flatten().any(|n| {
        // A function or class is no line of a column of slices (and an edit
        // in a method must not change a finding outside it).
        !matches!(n.kind_name(), "comment" | "function_definition" | "class_definition" | "decorated_definition")
            && syntax::descendants(n).into_iter().any(|d| {
                d.kind_name() == "slice"
                    && parts(d).is_some_and(|[start, stop, _]| {
                        start.is_some_and(|s| !(s.kind_name() == "integer" && cx.text(s) == "0")) && stop.is_some()
                    })
            })
    })
}
