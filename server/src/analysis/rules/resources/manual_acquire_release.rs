//! `manual-acquire-release`: `L.acquire()` / `f = open(...)` followed by
//! `try: ... finally: L.release()` / `f.close()`, which is a `with`
//! statement spelt out by hand.

use super::prelude::*;

pub struct ManualAcquireRelease;

/// Factories whose objects are context managers acquiring on enter and
/// releasing on exit.
const LOCKS: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "threading.Condition",
    "multiprocessing.Lock",
    "multiprocessing.RLock",
    "multiprocessing.Semaphore",
    "multiprocessing.BoundedSemaphore",
    "multiprocessing.Condition",
];

impl Rule for ManualAcquireRelease {
    fn id(&self) -> &'static str {
        "manual-acquire-release"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        // Dispatched on the `try`, which holds the release or close; and on
        // a bare `acquire()`, whose finding depends on a later `release()`.
        &["release", "close", "acquire"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["try_statement", "expression_statement"]
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "expression_statement" {
            // `L.acquire()` alone: a text test before the tree is read (this
            // runs on every expression statement).
            if cx.text(node).contains("acquire") {
                unprotected(node, cx, out);
            }
            return;
        }
        // try: ... finally: X.release() / X.close(), with no except/else.
        let kids = named_children(node);
        if kids.iter().any(|k| matches!(k.kind_name(), "except_clause" | "except_group_clause" | "else_clause")) {
            return;
        }
        let Some(fin) = kids.iter().find(|k| k.kind_name() == "finally_clause") else { return };
        let Some(fin_body) = named_children(*fin).into_iter().find(|c| c.kind_name() == "block") else { return };
        let fin_stmts: Vec<Node> = named_children(fin_body).into_iter().filter(|s| s.kind_name() != "comment").collect();
        if fin_stmts.len() != 1 {
            return;
        }
        let Some((obj, method)) = bare_method_call(fin_stmts[0], cx) else { return };
        // The statement just before the try.
        let mut prev = node.prev_named_sibling();
        while let Some(p) = prev.filter(|p| p.kind_name() == "comment") {
            prev = p.prev_named_sibling();
        }
        let Some(prev) = prev.filter(|p| p.kind_name() == "expression_statement") else { return };
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        let (header, applicability) = match method {
            "release" => {
                let Some((pobj, "acquire")) = bare_method_call(prev, cx) else { return };
                if cx.text(pobj) != cx.text(obj) {
                    return;
                }
                // Only objects that are, or are named like, locks: other
                // classes have acquire()/release() without being context
                // managers (logging.Handler).
                let known = is_known_lock(obj, cx);
                if !known && !lock_like_name(obj, cx) {
                    return;
                }
                let safe = known && !rebinds(body, obj, cx);
                (format!("with {}:", cx.text(obj)), if safe { Applicability::Safe } else { Applicability::Unsafe })
            }
            "close" => {
                if obj.kind_name() != "identifier" {
                    return;
                }
                let Some(assign) = prev.named_child(0).filter(|a| a.kind_name() == "assignment" && prev.named_child_count() == 1) else { return };
                let (Some(left), Some(right)) = (assign.child_by_field_id(crate::field_id!("left")), assign.child_by_field_id(crate::field_id!("right"))) else { return };
                if left.kind_name() != "identifier" || cx.text(left) != cx.text(obj) || right.kind_name() != "call" {
                    return;
                }
                let Some(func) = right.child_by_field_id(crate::field_id!("function")) else { return };
                if !scope::refers_to(func, cx.src, &cx.module, "open") && !scope::refers_to(func, cx.src, &cx.module, "io.open") {
                    return;
                }
                let safe = !rebinds(body, obj, cx);
                (format!("with {} as {}:", cx.text(right), cx.text(left)), if safe { Applicability::Safe } else { Applicability::Unsafe })
            }
            _ => return,
        };
        let mut f = Finding::new(self.id(), prev.byte_range());
        // Replace `prev` through `try:` with the with header; drop the finally clause.
        let try_kw_end = node.child(0).filter(|c| c.kind_name() == "try").map(|c| c.end_byte());
        let colon_end = node.child(1).filter(|c| c.kind_name() == ":").map(|c| c.end_byte());
        let prev_line_start = cx.src[..prev.start_byte()].rfind('\n').map_or(0, |i| i + 1);
        let prev_line_ok = cx.src[prev_line_start..prev.start_byte()].trim().is_empty()
            && syntax::indent_at(cx.src, prev.start_byte()) == syntax::indent_at(cx.src, node.start_byte());
        if let (Some(_), Some(colon_end)) = (try_kw_end, colon_end) {
            let fin_start = fin.start_byte();
            // Start of the finally line (its indentation), after the body's end.
            let fin_line = cx.src[..fin_start].rfind('\n').map_or(0, |i| i + 1);
            let cut_from = cx.src[..fin_line].trim_end_matches(['\n', '\r']).len();
            // The end of the acquiring statement's line (a comment there stays).
            let prev_eol = cx.src[prev.end_byte()..].find(['\n', '\r']).map_or(cx.src.len(), |i| prev.end_byte() + i);
            let clean = !syntax::has_comment_in(cx.tree.root_node(), prev_eol..colon_end)
                && !syntax::has_comment_in(cx.tree.root_node(), prev.byte_range())
                && !syntax::has_comment_in(node, body.end_byte()..fin.end_byte())
                && !header.contains('\n')
                && cx.src[fin_line..fin_start].trim().is_empty()
                && cut_from >= body.end_byte()
                && cx.src[fin.end_byte()..].split(['\n', '\r']).next().is_some_and(|r| r.trim().is_empty())
                && prev_line_ok
                && !cx.src[prev.end_byte()..node.start_byte()].contains(';')
                && prev_eol < node.start_byte();
            if clean {
                f = f.with_fix(Fix::new(
                    "with",
                    applicability,
                    vec![Edit::replace(prev.byte_range(), header), Edit::delete(prev_eol..colon_end), Edit::delete(cut_from..fin.end_byte())],
                ));
            }
        }
        out.push(f);
    }
}

/// `X.method()` with no arguments as a statement of its own: (X, method).
fn bare_method_call<'t>(stmt: Node<'t>, cx: &Context<'t>) -> Option<(Node<'t>, &'t str)> {
    if stmt.kind_name() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    let call = stmt.named_child(0).filter(|c| c.kind_name() == "call")?;
    call.child_by_field_id(crate::field_id!("arguments")).filter(|a| a.kind_name() == "argument_list" && a.named_child_count() == 0)?;
    let f = call.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute")?;
    let obj = f.child_by_field_id(crate::field_id!("object")).filter(|o| syntax::is_name_or_attribute(*o))?;
    let attr = f.child_by_field_id(crate::field_id!("attribute"))?;
    Some((obj, cx.text(attr)))
}

fn lock_like_name(obj: Node, cx: &Context) -> bool {
    let last = match obj.kind_name() {
        "attribute" => obj.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or(""),
        _ => cx.text(obj),
    }
    .to_ascii_lowercase();
    ["lock", "mutex", "sem", "cond", "cv"].iter().any(|w| last.contains(w))
}

/// Whether the body assigns the base name of `obj` (or `obj` itself).
fn rebinds(body: Node, obj: Node, cx: &Context) -> bool {
    let mut b = std::collections::HashSet::new();
    scope::collect_bindings(body, cx.src, &mut b);
    if scope::base_identifier(obj).is_some_and(|n| b.contains(cx.text(n))) {
        return true;
    }
    // `self.lock = ...` inside the body.
    obj.kind_name() == "attribute" && cx.text(body).contains(&format!("{} =", cx.text(obj)))
}

/// `obj` is a name assigned once at module level (or in the enclosing
/// function) from a threading/multiprocessing lock factory.
fn is_known_lock(obj: Node, cx: &Context) -> bool {
    if obj.kind_name() != "identifier" {
        return false;
    }
    let name = cx.text(obj);
    let scope_node = syntax::enclosing_function(obj)
        .filter(|f| bindings::bound_in_def(name, obj, cx.src) && f.kind_name() == "function_definition")
        .and_then(|f| f.child_by_field_id(crate::field_id!("body")))
        .unwrap_or(cx.tree.root_node());
    let mut found = 0;
    let mut ok = false;
    for s in named_children(scope_node) {
        let mut b = std::collections::HashSet::new();
        scope::collect_bindings(s, cx.src, &mut b);
        if !b.contains(name) {
            continue;
        }
        found += 1;
        ok = s.kind_name() == "expression_statement"
            && s.named_child(0).filter(|a| a.kind_name() == "assignment").is_some_and(|a| {
                a.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.kind_name() == "identifier" && cx.text(l) == name)
                    && a.child_by_field_id(crate::field_id!("right")).is_some_and(|r| {
                        r.kind_name() == "call"
                            && r.child_by_field_id(crate::field_id!("function"))
                                .and_then(|f| imports::qualified(f, cx))
                                .is_some_and(|q| LOCKS.contains(&q.as_str()))
                    })
            });
    }
    found == 1 && ok
}

/// `L.acquire()` … `L.release()` in one block with no `try` at all: an
/// exception between them leaves the lock held for good.
fn unprotected(acquire: Node, cx: &Context, out: &mut Vec<Finding>) {
    let Some((obj, "acquire")) = bare_method_call(acquire, cx) else { return };
    if !matches!(acquire.up().map(|p| p.kind_name()), Some("block" | "module")) {
        return;
    }
    if !is_known_lock(obj, cx) && !lock_like_name(obj, cx) {
        return;
    }
    // Inside a try of its own, the author handles failure by hand.
    if syntax::ancestor(acquire, &["try_statement", "function_definition", "class_definition"]).is_some_and(|a| a.kind_name() == "try_statement") {
        return;
    }
    let name = cx.text(obj);
    let (acq_call, rel_call) = (format!("{name}.acquire("), format!("{name}.release("));
    // The statements up to the first bare `L.release()` of the same block.
    let mut between = Vec::new();
    let mut release = None;
    let mut cur = acquire.next_named_sibling();
    while let Some(s) = cur {
        if bare_method_call(s, cx).is_some_and(|(o, m)| m == "release" && cx.text(o) == name) {
            release = Some(s);
            break;
        }
        let t = cx.text(s);
        // A try (the protected form, or failure handled by hand), a release
        // on some path only, or another acquire: not this simple shape.
        if syntax::contains_kind(s, &["try_statement"]) || t.contains(&rel_call) || t.contains(&acq_call) {
            return;
        }
        between.push(s);
        cur = s.next_named_sibling();
    }
    let Some(release) = release else { return };
    let code: Vec<Node> = between.iter().copied().filter(|s| s.kind_name() != "comment").collect();
    let (Some(_), Some(last)) = (code.first(), between.last().copied()) else { return };
    let mut f = Finding::new("manual-acquire-release", acquire.byte_range());
    // A return/break/continue/yield between leaves with the lock held: maybe
    // on purpose, so no rewrite then.
    let leaves = code.iter().any(|s| {
        syntax::contains_kind(*s, &["return_statement", "break_statement", "continue_statement", "yield"])
    });
    let indent = syntax::indent_at(cx.src, acquire.start_byte()).to_string();
    let rebound = between.iter().any(|s| {
        let mut b = HashSet::new();
        scope::collect_bindings(*s, cx.src, &mut b);
        scope::base_identifier(obj).is_some_and(|n| b.contains(cx.text(n))) || cx.text(*s).contains(&format!("{name} ="))
    });
    let clean = !leaves
        && !rebound
        && edits::alone_on_lines(acquire, cx.src)
        && edits::alone_on_lines(release, cx.src)
        && cx.src[release.end_byte()..].split(['\n', '\r']).next().is_some_and(|r| r.trim().is_empty())
        && syntax::indent_at(cx.src, release.start_byte()) == indent
        && !syntax::has_comment_in(cx.tree.root_node(), last.end_byte()..release.end_byte())
        && edits::reindentable(acquire, last, &indent, cx);
    if clean {
        let unit = edits::indent_unit(cx.src, &indent);
        let tail = edits::indented(cx.src, acquire.end_byte()..last.end_byte(), unit);
        f = f.with_fix(Fix::unsafe_("with-no-try", vec![Edit::replace(acquire.start_byte()..release.end_byte(), format!("with {name}:{tail}"))]));
    }
    out.push(f);
}
