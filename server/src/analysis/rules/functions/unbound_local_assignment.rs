//! `unbound-local-assignment`: a function reads a name that exists outside
//! it, and later assigns the same name. The assignment makes the name local
//! to the whole function, so the earlier read raises `UnboundLocalError`.

use super::prelude::*;
use crate::syntax::code_children;
use std::collections::{HashMap, HashSet};

pub struct UnboundLocalAssignment;

#[derive(Default)]
struct Facts<'t> {
    /// Name → offset after which the first binding has happened.
    bound_at: HashMap<String, usize>,
    /// Names declared `global`/`nonlocal`.
    declared: HashSet<String>,
    /// Reads in load position, in source order.
    reads: Vec<Node<'t>>,
    /// Constructs we do not model (match statements …): stay quiet.
    unsure: bool,
}

impl<'t> Facts<'t> {
    fn bind(&mut self, name: &str, at: usize) {
        let e = self.bound_at.entry(name.to_string()).or_insert(at);
        if at < *e {
            *e = at;
        }
    }
}

/// One step of the walk: visit a node (with its parent), or bind an
/// assignment target. Steps run in the order the recursive walk made them,
/// so `reads` keeps its order (bindings keep the smallest offset, in any
/// order); an explicit stack, as the input controls the nesting depth.
enum Step<'t> {
    Visit(Node<'t>, Option<Node<'t>>),
    Target(Node<'t>, usize),
}

/// Walk a function body in evaluation-ish order, recording bindings and reads.
/// `p` is `n`'s parent: passing it down spares a `Node::parent` search per
/// identifier (which made this rule a tenth of a check).
fn visit<'t>(n: Node<'t>, p: Option<Node<'t>>, cx: &Context, f: &mut Facts<'t>) {
    let mut stack = vec![Step::Visit(n, p)];
    let mut next = Vec::new();
    let mut kids = Vec::new();
    while let Some(step) = stack.pop() {
        match step {
            Step::Visit(n, p) => visit_one(n, p, cx, f, &mut next, &mut kids),
            Step::Target(t, at) => bind_target(t, at, cx, f, &mut next),
        }
        stack.extend(next.drain(..).rev());
    }
}

/// Names bound by an assignment target, all bound at `at`.
fn bind_target<'t>(t: Node<'t>, at: usize, cx: &Context, f: &mut Facts<'t>, next: &mut Vec<Step<'t>>) {
    match t.kind_name() {
        "identifier" => f.bind(cx.text(t), at),
        "pattern_list" | "tuple_pattern" | "list_pattern" | "list_splat_pattern" | "tuple" | "list"
        | "parenthesized_expression" | "as_pattern_target" => {
            for c in code_children(t) {
                next.push(Step::Target(c, at));
            }
        }
        // `a.b = …`, `a[i] = …` read `a` (and `i`).
        _ => next.push(Step::Visit(t, t.up())),
    }
}

/// One node of the walk: its bindings and reads now, its parts as `next`
/// steps; `kids` is a buffer for child lists.
fn visit_one<'t>(n: Node<'t>, p: Option<Node<'t>>, cx: &Context, f: &mut Facts<'t>, next: &mut Vec<Step<'t>>, kids: &mut Vec<Node<'t>>) {
    match n.kind_name() {
        "identifier" => {
            if p.is_some_and(|p| is_load_in(n, p)) {
                f.reads.push(n);
            }
            return;
        }
        "function_definition" | "class_definition" => {
            if let Some(name) = n.child_by_field_id(crate::field_id!("name")) {
                f.bind(cx.text(name), n.end_byte());
            }
            return;
        }
        "decorated_definition" => {
            if let Some(d) = n.child_by_field_id(crate::field_id!("definition")) {
                if let Some(name) = d.child_by_field_id(crate::field_id!("name")) {
                    f.bind(cx.text(name), n.end_byte());
                }
            }
            return;
        }
        "lambda" => return,
        "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
            comprehension(n, cx, f, next);
            return;
        }
        "match_statement" | "type_alias_statement" | "exec_statement" | "print_statement" => {
            f.unsure = true;
            return;
        }
        "global_statement" | "nonlocal_statement" => {
            for c in named_children(n) {
                f.declared.insert(cx.text(c).to_string());
            }
            return;
        }
        "import_statement" | "import_from_statement" => {
            let mut names = HashSet::new();
            scope::collect_bindings(n, cx.src, &mut names);
            for name in names {
                f.bind(&name, n.end_byte());
            }
            if named_children(n).iter().any(|c| c.kind_name() == "wildcard_import") {
                f.unsure = true;
            }
            return;
        }
        "assignment" => {
            // The value runs first, then the targets are bound.
            if let Some(r) = n.child_by_field_id(crate::field_id!("right")) {
                next.push(Step::Visit(r, Some(n)));
            }
            if let Some(ty) = n.child_by_field_id(crate::field_id!("type")) {
                next.push(Step::Visit(ty, Some(n)));
            }
            if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                next.push(Step::Target(l, n.end_byte()));
            }
            return;
        }
        "augmented_assignment" => {
            if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                if l.kind_name() == "identifier" {
                    // `x += 1` reads `x` first.
                    f.reads.push(l);
                    if let Some(r) = n.child_by_field_id(crate::field_id!("right")) {
                        next.push(Step::Visit(r, Some(n)));
                    }
                    f.bind(cx.text(l), n.end_byte());
                    return;
                }
            }
        }
        "for_statement" => {
            let right = n.child_by_field_id(crate::field_id!("right"));
            if let Some(r) = right {
                next.push(Step::Visit(r, Some(n)));
            }
            if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                next.push(Step::Target(l, right.map_or(n.start_byte(), |r| r.end_byte())));
            }
            for c in named_children(n) {
                if matches!(c.kind_name(), "block" | "else_clause") {
                    next.push(Step::Visit(c, Some(n)));
                }
            }
            return;
        }
        "as_pattern" => {
            // `with f() as x`, `except E as x`.
            if let Some(v) = n.named_child(0) {
                next.push(Step::Visit(v, Some(n)));
            }
            if let Some(a) = n.child_by_field_id(crate::field_id!("alias")) {
                next.push(Step::Target(a, n.end_byte()));
            }
            return;
        }
        "except_clause" => {
            if let Some(v) = n.child_by_field_id(crate::field_id!("value")) {
                next.push(Step::Visit(v, Some(n)));
            }
            if let Some(a) = n.child_by_field_id(crate::field_id!("alias")) {
                next.push(Step::Target(a, a.end_byte()));
            }
            for c in named_children(n) {
                if c.kind_name() == "block" {
                    next.push(Step::Visit(c, Some(n)));
                }
            }
            return;
        }
        "named_expression" => {
            if let Some(v) = n.child_by_field_id(crate::field_id!("value")) {
                next.push(Step::Visit(v, Some(n)));
            }
            if let Some(name) = n.child_by_field_id(crate::field_id!("name")) {
                f.bind(cx.text(name), n.end_byte());
            }
            return;
        }
        "delete_statement" => {
            // `del x` makes `x` local (and needs it bound): treat as a binding.
            let mut stack = named_children(n);
            while let Some(c) = stack.pop() {
                match c.kind_name() {
                    "identifier" => f.bind(cx.text(c), n.end_byte()),
                    "expression_list" | "tuple" | "list" | "parenthesized_expression" => stack.extend(named_children(c)),
                    _ => next.push(Step::Visit(c, c.up())),
                }
            }
            return;
        }
        _ => {}
    }
    syntax::children_into(n, kids);
    for &c in kids.iter() {
        if c.is_named() {
            next.push(Step::Visit(c, Some(n)));
        }
    }
}

/// A comprehension: its first iterable runs now, in this scope. A list,
/// set or dict comprehension runs its other parts now as well, in a scope
/// of its own whose reads of this function's names happen now (a name the
/// function binds later is unbound then: `NameError` before 3.12,
/// `UnboundLocalError` since); a generator expression runs them when it is
/// consumed, perhaps after the binding, so they are not read. The names its
/// `for` clauses bind are its own; a `:=` in it binds in this function.
fn comprehension<'t>(n: Node<'t>, cx: &Context, f: &mut Facts<'t>, next: &mut Vec<Step<'t>>) {
    let eager = n.kind_name() != "generator_expression";
    let mut own: HashSet<String> = HashSet::new();
    let mut kids = Vec::new();
    let mut inner = Facts::default();
    let mut first = true;
    for c in named_children(n) {
        if c.kind_name() != "for_in_clause" {
            // The element (or key: value pair) and the `if` clauses.
            if eager {
                visit(c, Some(n), cx, &mut inner);
            }
            continue;
        }
        let left = c.child_by_field_id(crate::field_id!("left"));
        if let Some(l) = left {
            scope::target_names(l, cx.src, &mut |name| {
                own.insert(name.to_string());
            }, &mut kids);
        }
        for part in named_children(c).into_iter().filter(|x| Some(x.id()) != left.map(|l| l.id()) && x.kind_name() != "comment") {
            if first {
                next.push(Step::Visit(part, Some(c)));
            } else if eager {
                visit(part, Some(c), cx, &mut inner);
            }
        }
        first = false;
    }
    f.unsure |= inner.unsure;
    // Its clauses run before its element, each time round: a name its `:=`
    // binds may be read by the element written before it
    // (`[y for x in xs if (y := f(x))]`); such reads stay quiet.
    let reads = inner.reads.into_iter().filter(|r| !own.contains(cx.text(*r)) && !inner.bound_at.contains_key(cx.text(*r)));
    f.reads.extend(reads);
    for (name, at) in inner.bound_at {
        f.bind(&name, at);
    }
}

/// Whether identifier `id`, whose parent is `p`, is read.
fn is_load_in(id: Node, p: Node) -> bool {
    match p.kind_name() {
        "attribute" => p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == id.id()),
        "keyword_argument" => p.child_by_field_id(crate::field_id!("value")).is_some_and(|v| v.id() == id.id()),
        "call" | "argument_list" | "binary_operator" | "boolean_operator" | "comparison_operator" | "not_operator"
        | "unary_operator" | "subscript" | "slice" | "return_statement" | "expression_statement" | "if_statement"
        | "elif_clause" | "while_statement" | "parenthesized_expression" | "tuple" | "list" | "set" | "pair"
        | "expression_list" | "conditional_expression" | "interpolation" | "await" | "yield" | "raise_statement"
        | "assert_statement" | "list_splat" | "dictionary_splat" | "with_item" | "for_statement" | "assignment"
        | "augmented_assignment" | "except_clause" | "list_comprehension" | "set_comprehension"
        | "dictionary_comprehension" | "generator_expression" | "if_clause" => true,
        // The iterable (`comprehension` never visits the target).
        "for_in_clause" => p.child_by_field_id(crate::field_id!("left")).is_none_or(|l| l.id() != id.id()),
        _ => false,
    }
}

/// The scopes around a function, innermost first, up to the first lambda:
/// each enclosing function's parameters and body bindings (gathered once
/// per check, not per name asked).
struct Outer {
    functions: Vec<(HashSet<String>, Option<std::rc::Rc<HashSet<String>>>)>,
    /// A lambda encloses the function (beyond `functions`): the answer is
    /// unknown for names those do not bind.
    in_lambda: bool,
}

impl Outer {
    fn of(func: Node, cx: &Context) -> Outer {
        let mut out = Outer { functions: Vec::new(), in_lambda: false };
        let mut cur = func.up();
        while let Some(n) = cur {
            match n.kind_name() {
                "function_definition" => {
                    let body = n.child_by_field_id(crate::field_id!("body")).map(|b| crate::analysis::scope::scope_bindings(b, cx.src));
                    out.functions.push((scope::parameter_names(n, cx.src), body));
                }
                "lambda" => {
                    out.in_lambda = true;
                    break;
                }
                _ => {}
            }
            cur = n.up();
        }
        out
    }

    /// Whether `name` is bound in the scopes around the function: the module
    /// (Some(true)), an enclosing function (Some(false)), or neither (None,
    /// also when a lambda lies between).
    fn has(&self, name: &str, cx: &Context) -> Option<bool> {
        for (params, body) in &self.functions {
            if params.contains(name) || body.as_ref().is_some_and(|b| b.contains(name)) {
                return Some(false);
            }
        }
        if self.in_lambda {
            return None;
        }
        (cx.module.bindings.contains(name) || cx.module.imports.contains_key(name)).then_some(true)
    }
}

impl Rule for UnboundLocalAssignment {
    fn id(&self) -> &'static str {
        "unbound-local-assignment"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }
    fn scope(&self) -> super::Scope {
        // Whether the name exists outside depends on module-level bindings.
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(body) = node.child_by_field_id(crate::field_id!("body")) else { return };
        let outer_cell = std::cell::OnceCell::new();
        let outer = || outer_cell.get_or_init(|| Outer::of(node, cx));
        let nested = || {
            let mut cur = node.up();
            while let Some(n) = cur {
                if matches!(n.kind_name(), "function_definition" | "lambda") {
                    return true;
                }
                cur = n.up();
            }
            false
        };
        let passes = may_read_then_bind(body, cx, &nested, &|w| outer().has(w, cx).is_some());
        super::behind_pretest(passes, node, cx, out, |n, cx, out| self.check_full(n, body, cx, out, &outer_cell));
    }
}

impl UnboundLocalAssignment {
    fn check_full(&self, node: Node, body: Node, cx: &Context, out: &mut Vec<Finding>, outer_cell: &std::cell::OnceCell<Outer>) {
        // Cheap test first: a finding needs a name this function binds that
        // an outer scope binds too (`del x` binds as well, and the cached
        // statement-level bindings do not count it).
        // The scopes around, gathered when first asked.
        let outer = || outer_cell.get_or_init(|| Outer::of(node, cx));
        if !has_del(cx.text(body).as_bytes()) {
            let local = crate::analysis::scope::scope_bindings(body, cx.src);
            if !local.iter().any(|n| outer().has(n, cx).is_some()) {
                return;
            }
        }
        let mut f = Facts::default();
        visit(body, Some(node), cx, &mut f);
        if f.unsure {
            return;
        }
        let params = scope::parameter_names(node, cx.src);
        let mut reported = HashSet::new();
        for r in &f.reads {
            let name = cx.text(*r);
            if reported.contains(name) || params.contains(name) || f.declared.contains(name) {
                continue;
            }
            let Some(&bound) = f.bound_at.get(name) else { continue };
            if r.start_byte() >= bound {
                continue;
            }
            // A read inside a loop that also binds the name later may run
            // after the binding, on a later iteration.
            if in_loop_binding(*r, body, name, cx) {
                continue;
            }
            let Some(module_level) = outer().has(name, cx) else { continue };
            reported.insert(name);
            let mut finding = Finding::new(self.id(), r.byte_range());
            if module_level {
                if let Some(fix) = global_fix(node, body, name, cx) {
                    finding = finding.with_fix(fix);
                }
            }
            out.push(finding);
        }
    }
}

/// The text pre-test: whether the body may read a name it binds that the
/// scopes around bind too, as a finding needs (`check_full` asks
/// `Outer::has` of the same name). Read from the body's text, which must be
/// ASCII and without syntax errors (error recovery may drop the tokens
/// between a target and its `=`; tree-sitter takes some Unicode spaces
/// between tokens):
///
/// - each name the walk binds (`visit`) is a whole word of the text (a run
///   of `[A-Za-z0-9_]`) not after `.` (an attribute), and, unless it may be
///   a `def`/`class` name or the first word of `import a.b` (followed by
///   `.`, after `import` or `,`: `after_import_or_comma`, when the text
///   holds `import`): followed (past blanks) by what can follow a target
///   (`may_follow_target`: also the names `from m import a, b` and
///   `import a as b` bind); not right after a keyword that starts an
///   expression (`return x`, `in x`) nor inside the brackets of a call, a
///   subscript or a dict or set (`inside_expression`), unless it is `x :=`;
/// - the read is another such word, unless the binding is `x op= …`
///   (perhaps with the operator on a continued line), which reads `x`.
///
/// A name the filter of the module's names rules out is not bound there;
/// the scopes of enclosing functions are only gathered for a nested
/// function that has such a word. Far cheaper than collecting every body's
/// bindings from the tree, and most functions have no such word.
fn may_read_then_bind(body: Node, cx: &Context, nested: &dyn Fn() -> bool, outer_has: &dyn Fn(&str) -> bool) -> bool {
    let src = cx.src.as_bytes();
    let (start, end) = (body.start_byte(), body.end_byte().min(src.len()));
    let text = &src[start..end];
    if body.has_error() || !text.is_ascii() {
        return true;
    }
    let imports = memchr::memmem::find(text, b"import").is_some();
    let names = (!nested()).then(|| ModuleNames::of(cx));
    let mut i = start;
    // The previous word.
    let mut prev: (usize, usize) = (0, 0);
    while i < end {
        if !ident(src[i]) {
            i += 1;
            continue;
        }
        let from = i;
        while i < end && ident(src[i]) {
            i += 1;
        }
        let word = &src[from..i];
        let (pf, pt) = std::mem::replace(&mut prev, (from, i));
        if from > 0 && src[from - 1] == b'.' {
            continue;
        }
        // The cheapest test first: most words are no module-level name.
        if let Some(names) = &names {
            if !names.may_hold(word) {
                continue;
            }
        }
        // The previous word, when only blanks lie between it and this one.
        let before = (pt > start && src[pt..from].iter().all(|&c| blank(c))).then(|| &src[pf..pt]);
        let mut j = i;
        while j < end && blank(src[j]) {
            j += 1;
        }
        let next = &src[j..end];
        // A `def` or `class` name: after the keyword, or first on its line
        // (`def \`, or `def  # …` then the name: tree-sitter takes both).
        let defines = pt > start && matches!(&src[pf..pt], b"def" | b"class")
            || next.first().is_some_and(|c| matches!(c, b'(' | b'['))
                && src[..from].iter().rev().take_while(|&&c| !matches!(c, b'\n' | b'\r')).all(|&c| blank(c));
        let walrus = next.starts_with(b":=");
        // `import a.b` binds `a`.
        let imported = imports && next.first() == Some(&b'.') && after_import_or_comma(src, start, from);
        if !defines && !imported && !may_follow_target(next) {
            continue;
        }
        if !defines && !walrus {
            let reads = |k: &[u8]| {
                matches!(k, b"return" | b"if" | b"elif" | b"while" | b"not" | b"and" | b"or" | b"is" | b"in" | b"yield" | b"await" | b"raise" | b"assert" | b"else")
            };
            if before.is_some_and(reads) || inside_expression(src, start, from) {
                continue;
            }
        }
        // `x \` then `+= …` on the next line reads `x` too.
        if !(augmented(next) || next.first() == Some(&b'\\') || occurs_twice(text, word)) {
            continue;
        }
        let Ok(w) = std::str::from_utf8(word) else { return true };
        let bound_outside = match &names {
            Some(_) => cx.module.bindings.contains(w) || cx.module.imports.contains_key(w),
            None => outer_has(w),
        };
        if bound_outside {
            return true;
        }
    }
    false
}

fn ident(c: u8) -> bool {
    /// `[A-Za-z0-9_]`, by byte.
    static IDENT: [bool; 256] = {
        let mut t = [false; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            t[c] = b == b'_' || b.is_ascii_alphanumeric();
            c += 1;
        }
        t
    };
    IDENT[c as usize]
}

fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\x0b' | b'\x0c')
}

/// Whether the code before `at`, back to `start` and past blanks and line
/// continuations, ends with `,` or the word `import` (or is empty): where a
/// dotted name's first word is bound (`import a.b`, `import x, a.b`).
fn after_import_or_comma(src: &[u8], start: usize, at: usize) -> bool {
    let mut k = at;
    loop {
        while k > start && blank(src[k - 1]) {
            k -= 1;
        }
        // A line break after `\` (`\n`, `\r\n` or `\r`) joins the lines.
        let mut m = k;
        if m > start && src[m - 1] == b'\n' {
            m -= 1;
        }
        if m > start && src[m - 1] == b'\r' {
            m -= 1;
        }
        if m < k && m > start && src[m - 1] == b'\\' {
            k = m - 1;
            continue;
        }
        break;
    }
    k == start || src[k - 1] == b',' || (k >= start + 6 && &src[k - 6..k] == b"import" && (k - 6 == start || !ident(src[k - 7])))
}

/// Whether `rest` (the text after a word and its blanks) can follow an
/// assignment, `for`, `as`, `:=` or `del` target: `=` (not `==`), an
/// augmented operator, `,` `)` `]` `:` `;`, `in`, the end of the line (or a
/// comment, a continuation, other white space) or of the body.
fn may_follow_target(rest: &[u8]) -> bool {
    match rest {
        [] => true,
        [b'=', b'=', ..] => false,
        [c, ..] if *c <= b' ' => true,
        [b'=' | b',' | b')' | b']' | b':' | b';' | b'#' | b'\\', ..] => true,
        [b'i', b'n', ..] => rest.get(2).is_none_or(|&c| !ident(c)),
        _ => augmented(rest),
    }
}

/// Whether the word at `at` stands, on its line, inside the brackets of a
/// call or subscript (`f(…)`, `x[…]`: after a name that is not a keyword,
/// or after `)` or `]`) or of a dict or set (`{…}`), where no target stands
/// (a `:=` aside). Reads back to the line's start, stopping (unsure) at a
/// quote or `#`: the text it reads is code, whose brackets balance.
fn inside_expression(src: &[u8], start: usize, at: usize) -> bool {
    let mut depth = 0usize;
    let mut k = at;
    while k > start {
        k -= 1;
        match src[k] {
            b'\n' | b'\r' | b'"' | b'\'' | b'#' => return false,
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'{' => return true,
            b'(' | b'[' => {
                let mut w = k;
                while w > start && ident(src[w - 1]) {
                    w -= 1;
                }
                let call = if w < k {
                    !src[w].is_ascii_digit() && !is_keyword(&src[w..k])
                } else {
                    k > start && matches!(src[k - 1], b')' | b']')
                };
                if call {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Python's keywords (3 and 2), which a bracket after them does not call.
fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"False" | b"None" | b"True" | b"and" | b"as" | b"assert" | b"async" | b"await" | b"break" | b"class" | b"continue"
            | b"def" | b"del" | b"elif" | b"else" | b"except" | b"finally" | b"for" | b"from" | b"global" | b"if" | b"import"
            | b"in" | b"is" | b"lambda" | b"nonlocal" | b"not" | b"or" | b"pass" | b"raise" | b"return" | b"try" | b"while"
            | b"with" | b"yield" | b"exec"
    )
}

/// Whether `rest` starts with an augmented assignment's operator (`+=`, `//=` …).
fn augmented(rest: &[u8]) -> bool {
    match rest {
        [b'/', b'/', b'=', ..] | [b'*', b'*', b'=', ..] | [b'>', b'>', b'=', ..] | [b'<', b'<', b'=', ..] => true,
        [c, b'=', ..] => matches!(c, b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'^' | b'|' | b'@'),
        _ => false,
    }
}

/// Whether `word` occurs at least twice in `text` as a whole word not after `.`.
fn occurs_twice(text: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find_iter(text, word)
        .filter(|&at| {
            let end = at + word.len();
            (at == 0 || !(ident(text[at - 1]) || text[at - 1] == b'.')) && text.get(end).is_none_or(|&c| !ident(c))
        })
        .nth(1)
        .is_some()
}

/// Whether `text` holds the word `del` (a `del` statement, in any of its
/// spellings: `del x`, `del(x)`, `del\tx`, `del[x]`, `del\` and a new line),
/// or something that looks like it in a string or a comment.
fn has_del(text: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"del").any(|at| (at == 0 || !ident(text[at - 1])) && text.get(at + 3).is_none_or(|&c| !ident(c)))
}

/// A Bloom filter of the names the module binds (its bindings and imports),
/// built once per rule walk: a name it does not hold is not bound there.
#[derive(Clone)]
struct ModuleNames([u64; 64]);

thread_local! {
    /// The filter of the walk in progress: (walk id, module facts' address, filter).
    static NAMES: std::cell::RefCell<Option<(u64, usize, ModuleNames)>> = const { std::cell::RefCell::new(None) };
}

impl ModuleNames {
    fn of(cx: &Context) -> ModuleNames {
        let build = || {
            let mut f = ModuleNames([0; 64]);
            for n in cx.module.bindings.iter().chain(cx.module.imports.keys()) {
                let (a, b) = Self::bits(n.as_bytes());
                f.0[a / 64] |= 1 << (a % 64);
                f.0[b / 64] |= 1 << (b % 64);
            }
            f
        };
        let Some(walk) = syntax::walk_id() else { return build() };
        let key = std::sync::Arc::as_ptr(&cx.module) as usize;
        NAMES.with(|c| {
            let mut c = c.borrow_mut();
            match &*c {
                Some((w, k, f)) if *w == walk && *k == key => f.clone(),
                _ => {
                    let f = build();
                    *c = Some((walk, key, f.clone()));
                    f
                }
            }
        })
    }

    /// Two bit positions of `name` (FNV-1a).
    fn bits(name: &[u8]) -> (usize, usize) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &c in name {
            h = (h ^ c as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        ((h % 4096) as usize, ((h >> 32) % 4096) as usize)
    }

    fn may_hold(&self, name: &[u8]) -> bool {
        let (a, b) = Self::bits(name);
        self.0[a / 64] & (1 << (a % 64)) != 0 && self.0[b / 64] & (1 << (b % 64)) != 0
    }
}

/// Whether `read` is inside a `for`/`while` loop (within the function) whose
/// body binds `name`.
fn in_loop_binding(read: Node, body: Node, name: &str, cx: &Context) -> bool {
    let mut cur = read.up();
    while let Some(n) = cur {
        if n.id() == body.id() {
            return false;
        }
        if matches!(n.kind_name(), "for_statement" | "while_statement") {
            let mut f = Facts::default();
            visit(n, n.up(), cx, &mut f);
            if f.bound_at.contains_key(name) {
                return true;
            }
        }
        cur = n.up();
    }
    false
}

/// Insert `global NAME` as the function's first statement (after a docstring).
fn global_fix(func: Node, body: Node, name: &str, cx: &Context) -> Option<Fix> {
    let stmts = code_children(body);
    let first = *stmts.first()?;
    // The body must start on its own line.
    if first.start_position().row == func.start_position().row {
        return None;
    }
    // A nested `nonlocal NAME` would stop compiling.
    if cx.text(body).contains("nonlocal") {
        return None;
    }
    let has_doc = first.kind_name() == "expression_statement" && first.named_child(0).is_some_and(|s| s.kind_name() == "string");
    let nl = syntax::newline_of(cx.src);
    let indent = syntax::indent_at(cx.src, first.start_byte());
    let edit = if has_doc {
        Edit::insert(first.end_byte(), format!("{nl}{indent}global {name}"))
    } else {
        Edit::insert(first.start_byte(), format!("global {name}{nl}{indent}"))
    };
    // The docstring or first statement must not share its line with a `;` chain.
    if has_doc && stmts.get(1).is_some_and(|s| s.start_position().row == first.end_position().row) {
        return None;
    }
    Some(Fix::unsafe_("declare-global", vec![edit]))
}
