//! `range-len-loop`: `for i in range(len(xs)):` where the loop wants the
//! items (`xs[i]`), not the indices. Picks, per finding, direct iteration,
//! `enumerate` or `zip`, and lowers the fix to unsafe where it cannot prove
//! the rewrite keeps the meaning.

use super::prelude::*;

pub struct RangeLenLoop;

/// `range(len(X))` or `range(0, len(X))` → X. The shape first, then what
/// the two names mean (`refers_to` walks up through the scopes).
fn range_len_target<'t>(call: Node<'t>, cx: &Context) -> Option<Node<'t>> {
    if call.kind_name() != "call" {
        return None;
    }
    let f = call.child_by_field_id(crate::field_id!("function"))?;
    let args: Vec<Node> = named_children(call.child_by_field_id(crate::field_id!("arguments"))?)
        .into_iter()
        .filter(|n| n.kind_name() != "comment")
        .collect();
    let len_call = match args.as_slice() {
        [one] => *one,
        [zero, one] if cx.text(*zero) == "0" => *one,
        _ => return None,
    };
    if len_call.kind_name() != "call" {
        return None;
    }
    let lf = len_call.child_by_field_id(crate::field_id!("function"))?;
    let largs = named_children(len_call.child_by_field_id(crate::field_id!("arguments"))?);
    if largs.len() != 1 || !syntax::is_name_or_attribute(largs[0]) {
        return None;
    }
    if !scope::refers_to(f, cx.src, &cx.module, "range") || !scope::refers_to(lf, cx.src, &cx.module, "len") {
        return None;
    }
    Some(largs[0])
}

/// One use of the index variable in the body.
struct Use<'t> {
    ident: Node<'t>,
    /// The enclosing `seq[i]` subscript, when the use is exactly that.
    subscript: Option<Node<'t>>,
    /// Whether that subscript is written (assigned, deleted, augmented).
    store: bool,
}

fn uses<'t>(body: Node<'t>, name: &str, cx: &Context) -> Vec<Use<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" && cx.text(n) == name {
            let parent = n.up();
            let sub = parent.filter(|p| {
                p.kind_name() == "subscript" && p.child_by_field_id(crate::field_id!("subscript")).is_some_and(|s| s.id() == n.id())
            });
            let store = sub.is_some_and(|s| is_store(s));
            out.push(Use { ident: n, subscript: sub, store });
            continue;
        }
        for c in syntax::children(n) {
            stack.push(c);
        }
    }
    out.sort_by_key(|u| u.ident.start_byte());
    out
}

/// Whether a use of the index is arithmetic (`i + 1`, `-i`, `i += 1`) or
/// part of a slice (`xs[i:]`), looking up to the loop body.
fn positional(ident: Node, body: Node) -> bool {
    let mut cur = ident;
    while cur.up().is_some_and(|p| p.kind_name() == "parenthesized_expression") {
        cur = cur.up().unwrap();
    }
    if cur.up().is_some_and(|p| matches!(p.kind_name(), "binary_operator" | "unary_operator" | "augmented_assignment")) {
        return true;
    }
    let mut cur = ident;
    while let Some(p) = cur.up() {
        if p.id() == body.id() {
            return false;
        }
        if p.kind_name() == "slice" {
            return true;
        }
        cur = p;
    }
    false
}

/// Whether a subscript is an assignment target, deleted, or augmented.
fn is_store(sub: Node) -> bool {
    let mut cur = sub;
    while let Some(p) = cur.up() {
        match p.kind_name() {
            "assignment" | "augmented_assignment" => {
                return p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.byte_range().contains(&sub.start_byte()));
            }
            "delete_statement" => return true,
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" | "parenthesized_expression" => cur = p,
            "for_statement" | "for_in_clause" => {
                return p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.byte_range().contains(&sub.start_byte()));
            }
            _ => return false,
        }
    }
    false
}

/// Whether the body may change the sequence's length or rebind it.
fn mutates(body: Node, seq: &str, cx: &Context) -> bool {
    const METHODS: &[&str] = &["append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"];
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind_name() {
            "call" => {
                if let Some(f) = n.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") {
                    let obj = f.child_by_field_id(crate::field_id!("object")).map(|o| cx.text(o));
                    let attr = f.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a));
                    if obj == Some(seq) && attr.is_some_and(|a| METHODS.contains(&a)) {
                        return true;
                    }
                }
            }
            "assignment" | "augmented_assignment" => {
                if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                    let t = cx.text(l);
                    if t == seq || t.split([',', ' ', '(', ')']).any(|p| p == seq) {
                        return true;
                    }
                    if l.kind_name() == "subscript" && l.child_by_field_id(crate::field_id!("value")).is_some_and(|v| cx.text(v) == seq)
                        && l.child_by_field_id(crate::field_id!("subscript")).is_some_and(|s| s.kind_name() == "slice")
                    {
                        return true;
                    }
                }
            }
            "delete_statement" => {
                if cx.text(n).contains(seq) {
                    return true;
                }
            }
            _ => {}
        }
        for c in syntax::children(n) {
            stack.push(c);
        }
    }
    false
}

/// A name for the element that nothing in `scope_text` already uses.
fn element_name(seq: &str, taken: &HashSet<String>) -> String {
    let last = seq.rsplit('.').next().unwrap_or(seq);
    let mut candidates = Vec::new();
    if last.len() > 1 && last.ends_with('s') && !last.ends_with("ss") {
        candidates.push(last[..last.len() - 1].to_string());
    }
    candidates.extend(["item", "element", "value"].map(String::from));
    for c in &candidates {
        if !taken.contains(c) && c != last {
            return c.clone();
        }
    }
    (2..).map(|i| format!("item{i}")).find(|c| !taken.contains(c)).unwrap_or_default()
}

fn identifiers_in(node: Node, cx: &Context) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "identifier" {
            out.insert(cx.text(n).to_string());
        }
        for c in syntax::children(n) {
            stack.push(c);
        }
    }
    out
}

impl Rule for RangeLenLoop {
    fn id(&self) -> &'static str {
        "range-len-loop"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // A loop outside any function binds module (or class) variables,
        // which code anywhere in the module may read: its fix depends on the
        // whole module, so those loops are checked from the `module` node,
        // which incremental re-checking revisits after every edit.
        &["for_statement", "module"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "module" {
            // Only module-level statements that mention `range` can hold one:
            // one search of the text, not one per statement (this runs on
            // every keystroke).
            let mut stack: Vec<Node> = Vec::new();
            let span = node.byte_range();
            for at in crate::analysis::helpers::text::occurrences(cx.src, "range", &cx.texts) {
                if at < span.start || at + 5 > span.end {
                    continue;
                }
                let Some(c) = node.first_child_for_byte(at) else { continue };
                if c.is_named() && c.start_byte() <= at && at + 5 <= c.end_byte() && stack.last().is_none_or(|l| l.id() != c.id()) {
                    stack.push(c);
                }
            }
            // Each entry: a statement or clause outside any function.
            while let Some(c) = stack.pop() {
                match c.kind_name() {
                    "function_definition" | "lambda" => continue,
                    "for_statement" => self.check_loop(c, cx, out),
                    k if k.ends_with("statement")
                        || matches!(
                            k,
                            "block" | "else_clause" | "elif_clause" | "except_clause" | "finally_clause"
                                | "class_definition" | "decorated_definition" | "case_clause"
                        ) => {}
                    _ => continue,
                }
                // The C child pass: a cursor's step through a block's hidden
                // repeat nodes costs ~600 instructions a child.
                stack.extend(named_children(c));
            }
        } else if syntax::enclosing_function(node).is_some() {
            self.check_loop(node, cx, out);
        }
    }
}

impl RangeLenLoop {
    fn check_loop(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // The iterable must be a call of what `range` means here: a callee
        // spelling `range`, or one an import names `range` (`import range
        // as r`). The loop's text before its three fields and `refers_to`.
        super::behind_pretest(cx.text(node).contains("range") || cx.module.imports.values().any(|q| q == "range"), node, cx, out, |n, cx, out| self.check_loop_full(n, cx, out));
    }

    fn check_loop_full(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.child(0).is_some_and(|c| c.kind_name() == "async") {
            return;
        }
        let (Some(left), Some(right), Some(body)) = (
            node.child_by_field_id(crate::field_id!("left")),
            node.child_by_field_id(crate::field_id!("right")),
            node.child_by_field_id(crate::field_id!("body")),
        ) else {
            return;
        };
        if left.kind_name() != "identifier" {
            return;
        }
        let Some(seq) = range_len_target(right, cx) else { return };
        let i = cx.text(left);
        let seq_text = cx.text(seq);
        let all_uses = uses(body, i, cx);
        // An index that takes part in arithmetic (`i + 1`) or in a slice
        // (`xs[:i]`) is wanted as a position, not only to fetch the item.
        if all_uses.iter().any(|u| positional(u.ident, body)) {
            return;
        }
        let seq_reads: Vec<&Use> = all_uses
            .iter()
            .filter(|u| u.subscript.is_some_and(|s| s.child_by_field_id(crate::field_id!("value")).is_some_and(|v| cx.text(v) == seq_text)))
            .collect();
        // Only index loops that actually read the sequence through the index.
        if seq_reads.iter().all(|u| u.store) {
            return;
        }
        let other_seqs: Vec<&Use> = all_uses
            .iter()
            .filter(|u| {
                u.subscript.is_some_and(|s| {
                    s.child_by_field_id(crate::field_id!("value"))
                        .is_some_and(|v| cx.text(v) != seq_text && syntax::is_name_or_attribute(v))
                })
            })
            .collect();
        let plain_uses = all_uses.len() - seq_reads.len() - other_seqs.len();
        let any_store = seq_reads.iter().any(|u| u.store);
        let mut f = Finding::new(self.id(), left.start_byte()..right.end_byte());
        // Conditions that make every rewrite unsafe.
        let mut applicability = Applicability::Safe;
        if any_store || mutates(body, seq_text, cx) || seq.kind_name() != "identifier" {
            applicability = Applicability::Unsafe;
        }
        let header_range = left.start_byte()..right.end_byte();
        if syntax::has_comment_in(node, header_range.clone()) {
            out.push(f);
            return;
        }
        let scope_node = syntax::enclosing_function(node).unwrap_or(cx.tree.root_node());
        let taken = identifiers_in(scope_node, cx);
        let item = element_name(seq_text, &taken);
        // Is the index used after the loop (it stays bound in Python)?
        let used_after = {
            // The first later occurrence decides: a read, or a fresh binding.
            let mut c = scope_node.walk();
            let mut stack = vec![scope_node];
            let mut first: Option<Node> = None;
            while let Some(n) = stack.pop() {
                if n.end_byte() <= node.end_byte() {
                    continue;
                }
                if n.start_byte() >= node.end_byte() && n.kind_name() == "identifier" && cx.text(n) == i {
                    if first.is_none_or(|f| n.start_byte() < f.start_byte()) {
                        first = Some(n);
                    }
                    continue;
                }
                for ch in n.children(&mut c) {
                    stack.push(ch);
                }
            }
            first.is_some_and(|n| {
                let p = n.up();
                let rebinds = p.is_some_and(|p| {
                    matches!(p.kind_name(), "for_statement" | "assignment")
                        && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id())
                });
                !rebinds
            })
        };
        let read_edits = |uses: &[&Use]| -> Vec<Edit> {
            uses.iter()
                .filter(|u| !u.store)
                .map(|u| Edit::replace(u.subscript.unwrap().byte_range(), item.clone()))
                .collect()
        };
        if plain_uses == 0 && other_seqs.is_empty() && !any_store && !used_after {
            let mut edits = vec![Edit::replace(header_range.clone(), format!("{item} in {seq_text}"))];
            edits.extend(read_edits(&seq_reads));
            f = f.with_fix(Fix::new("direct", applicability, edits));
        } else if !other_seqs.is_empty() && plain_uses == 0 && !any_store && !used_after
            && other_seqs.iter().all(|u| !u.store)
        {
            // Parallel sequences: zip() — lengths may differ, so never safe.
            let mut names = vec![(seq_text.to_string(), item.clone())];
            let mut taken2 = taken.clone();
            taken2.insert(item.clone());
            let mut edits = read_edits(&seq_reads);
            for u in &other_seqs {
                let v = cx.text(u.subscript.unwrap().child_by_field_id(crate::field_id!("value")).unwrap()).to_string();
                let name = match names.iter().find(|(s, _)| *s == v) {
                    Some((_, n)) => n.clone(),
                    None => {
                        let n = element_name(&v, &taken2);
                        taken2.insert(n.clone());
                        names.push((v.clone(), n.clone()));
                        n
                    }
                };
                edits.push(Edit::replace(u.subscript.unwrap().byte_range(), name));
            }
            let targets: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
            let seqs: Vec<&str> = names.iter().map(|(s, _)| s.as_str()).collect();
            edits.push(Edit::replace(header_range.clone(), format!("{} in zip({})", targets.join(", "), seqs.join(", "))));
            f = f.with_fix(Fix::unsafe_("zip", edits));
        } else {
            let mut edits = vec![Edit::replace(header_range.clone(), format!("{i}, {item} in enumerate({seq_text})"))];
            edits.extend(read_edits(&seq_reads));
            f = f.with_fix(Fix::new("enumerate", applicability, edits));
        }
        out.push(f);
    }
}
