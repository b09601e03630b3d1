//! `if-in-then-setdefault`: `if k not in d: d[k] = v` (then `d[k].append(x)`),
//! which is `d.setdefault(k, v)` (`.append(x)`).

use super::prelude::*;

pub struct IfInThenSetdefault;

impl Rule for IfInThenSetdefault {
    fn id(&self) -> &'static str {
        "if-in-then-setdefault"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // The `not in` test: `not` is in it however it is spaced
        // (`k not in(d)` holds no ` in `).
        &["not"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["if_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.child_by_field_id(crate::field_id!("alternative")).is_some() {
            return;
        }
        let Some(cond) = node.child_by_field_id(crate::field_id!("condition")) else { return };
        let kids = crate::syntax::children(cond);
        if cond.kind_name() != "comparison_operator" || kids.len() != 3 || kids[1].kind_name() != "not in" {
            return;
        }
        let (key, dict) = (kids[0], kids[2]);
        if !crate::syntax::is_name_or_attribute(dict) {
            return;
        }
        let Some(body) = node.child_by_field_id(crate::field_id!("consequence")) else { return };
        let stmts: Vec<Node> = named_children(body).into_iter().filter(|n| n.kind_name() != "comment").collect();
        if stmts.len() != 1 || stmts[0].kind_name() != "expression_statement" {
            return;
        }
        let Some(a) = stmts[0].named_child(0).filter(|a| a.kind_name() == "assignment") else { return };
        let (Some(left), Some(value)) = (a.child_by_field_id(crate::field_id!("left")), a.child_by_field_id(crate::field_id!("right"))) else { return };
        if left.kind_name() != "subscript" {
            return;
        }
        let (Some(obj), Some(idx)) = (left.child_by_field_id(crate::field_id!("value")), left.child_by_field_id(crate::field_id!("subscript"))) else {
            return;
        };
        if cx.text(obj) != cx.text(dict) || cx.text(idx) != cx.text(key) {
            return;
        }
        // Inside a method named `setdefault` this is the implementation:
        // `self.setdefault(k, v)` there would call itself. (After the
        // shape: walking up to every enclosing function cost more than the
        // tests above, for every `if`.)
        let mut scope_node = syntax::enclosing_function(node);
        while let Some(f) = scope_node {
            if f.kind_name() == "function_definition" && f.child_by_field_id(crate::field_id!("name")).is_some_and(|n| cx.text(n) == "setdefault") {
                return;
            }
            scope_node = syntax::enclosing_function(f);
        }
        // `setdefault(k, v)` computes `v` every time; the `if` computes it
        // only when the key is missing. That matters for a call (a memo
        // cache), except an empty container's constructor.
        if value.kind_name() == "call" && !is_empty_constructor(value, cx) {
            return;
        }
        let target = format!("{}[{}]", cx.text(dict), cx.text(key));
        // `if k not in d: d[k] = 0` then `d[k] += 1` is counting (Counter/defaultdict), not setdefault.
        if let Some(next) = node.next_named_sibling().and_then(|n| n.named_child(0)) {
            if next.kind_name() == "augmented_assignment" && next.child_by_field_id(crate::field_id!("left")).is_some_and(|l| cx.text(l) == target) {
                return;
            }
        }
        let setdefault = format!("{}.setdefault({}, {})", cx.text(dict), cx.text(key), cx.text(value));
        let mut f = Finding::new(self.id(), node.byte_range());
        if crate::syntax::has_comment_in(node, node.byte_range()) || cx.text(value).contains('\n') {
            out.push(f);
            return;
        }
        // `d[k].method(...)` right after: fold it into one statement.
        let next = node.next_named_sibling().filter(|n| n.kind_name() == "expression_statement");
        let use_call = next.and_then(|n| n.named_child(0)).filter(|c| c.kind_name() == "call").and_then(|c| {
            let func = c.child_by_field_id(crate::field_id!("function"))?;
            let recv = func.child_by_field_id(crate::field_id!("object"))?;
            (func.kind_name() == "attribute" && cx.text(recv) == target).then_some((n_of(c), recv))
        });
        f = match use_call {
            Some((stmt, recv)) if !crate::syntax::has_comment_in(node.up().unwrap_or(node), node.end_byte()..stmt.end_byte()) => {
                let rest = &cx.src[recv.end_byte()..stmt.end_byte()];
                f.with_fix(Fix::unsafe_(
                    "use-setdefault",
                    vec![Edit::replace(node.start_byte()..stmt.end_byte(), format!("{setdefault}{rest}"))],
                ))
            }
            _ => f.with_fix(Fix::unsafe_("use-setdefault", vec![Edit::replace(node.byte_range(), setdefault)])),
        };
        out.push(f);
    }
}

/// The statement node of an expression.
fn n_of(n: Node) -> Node {
    crate::syntax::statement_of(n)
}

/// `set()`, `list()`, `dict()`, `deque()`, `collections.OrderedDict()` …:
/// a call without arguments that only makes an empty container.
fn is_empty_constructor(call: Node, cx: &Context) -> bool {
    const EMPTY: &[&str] = &["set", "list", "dict", "tuple", "frozenset", "bytearray", "deque", "OrderedDict", "Counter"];
    let Some(func) = call.child_by_field_id(crate::field_id!("function")) else { return false };
    let no_args = call
        .child_by_field_id(crate::field_id!("arguments"))
        .is_some_and(|a| a.kind_name() == "argument_list" && named_children(a).iter().all(|c| c.kind_name() == "comment"));
    let name = match func.kind_name() {
        "identifier" => cx.text(func),
        "attribute" => func.child_by_field_id(crate::field_id!("attribute")).map_or("", |a| cx.text(a)),
        _ => "",
    };
    no_args && EMPTY.contains(&name)
}
