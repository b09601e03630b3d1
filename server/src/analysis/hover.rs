//! Hover: from a position to an explanation. Inside a finding, the rule's
//! explanation comes first; then the innermost construct with a topic
//! (keyword and operator tokens, names through imports, syntax nodes), with
//! the variant that fits where the cursor stands. Rendering is Markdown.

use super::scope::{self, ModuleFacts};
use super::Finding;
use crate::config::{Settings, Verbosity};
use crate::knowledge::{parse::code_blocks_in, Knowledge, RuleDoc, Topic};
use crate::syntax::{self, named_children, text};
use std::collections::HashSet;
use std::ops::Range;
use tree_sitter::{Node, Tree};
#[allow(unused_imports)]
use crate::syntax::NodeExt;

/// The fixed list of context keys the resolver computes (knowledge/README.md).
pub const CONTEXT_KEYS: &[&str] = &[
    "async-generator", "contextmanager", "yield-expression", "parameters", "call", "target", "literal",
    "keyword-only-marker", "positional-only-marker", "loop", "comprehension", "async", "after-if", "after-for",
    "after-while", "after-try", "membership", "yield-from", "raise-from", "import", "decorator", "matmul", "slice",
    "annotation", "dict", "lambda", "block", "none", "compare-literal", "key-argument", "except-star", "returns-none",
    "nested-loop", "method", "class-body", "python2", "docstring", "main-guard", "slice-step", "f-string",
    "stacked-decorators", "nested-def", "decorated-class", "chained-comparison", "string-format",
    "set-operator", "sequence-concatenation", "sequence-repetition", "async-comprehension",
    "case-guard", "await", "type-parameters", "generator-return", "module-level",
    "exits-finally", "late-binding",
];

#[derive(Debug, Clone)]
pub struct HoverResult {
    pub markdown: String,
    pub range: Range<usize>,
    pub topic: Option<String>,
    pub variant: Option<String>,
    pub rules: Vec<String>,
}

/// What the resolver found for a position, before rendering.
#[derive(Debug, Clone)]
pub struct Resolved<'k> {
    pub topic: &'k Topic,
    pub variant: Option<String>,
    pub range: Range<usize>,
}

/// The token at `offset`: the character under the cursor, or the one just
/// before it when the cursor stands after a word.
pub fn token_at<'t>(tree: &'t Tree, src: &str, offset: usize) -> Option<Node<'t>> {
    let root = tree.root_node();
    let offset = offset.min(src.len());
    let here = src[offset..].chars().next();
    let (a, b) = match here {
        Some(c) if !c.is_whitespace() => (offset, offset + c.len_utf8()),
        _ => {
            let prev = src[..offset].chars().next_back()?;
            if prev.is_whitespace() {
                // Between tokens: the innermost construct around the cursor.
                let n = root.descendant_for_byte_range(offset, offset)?;
                return (n.is_named() && !matches!(n.kind_name(), "module" | "block")).then_some(n);
            }
            (offset - prev.len_utf8(), offset)
        }
    };
    let n = root.descendant_for_byte_range(a, b)?;
    (n.kind_name() != "module").then_some(n)
}

/// The context keys that hold for `token`.
pub fn context_keys(token: Node, src: &str) -> HashSet<&'static str> {
    let mut k = HashSet::new();
    let parent = token.up();
    let pk = parent.map(|p| p.kind_name()).unwrap_or("");
    let tk = token.kind_name();
    // yield
    if let Some(y) = self_or_ancestor(token, &["yield"]) {
        if let Some(f) = syntax::ancestor(y, &["function_definition", "lambda"]) {
            if f.child(0).is_some_and(|c| c.kind_name() == "async") {
                k.insert("async-generator");
            }
            if syntax::has_decorator(f, src, &["contextmanager", "asynccontextmanager"]) {
                k.insert("contextmanager");
            }
        }
        let mut p = y.up();
        while let Some(pp) = p.filter(|p| p.kind_name() == "parenthesized_expression") {
            p = pp.up();
        }
        if p.is_some_and(|p| p.kind_name() != "expression_statement") {
            k.insert("yield-expression");
        }
        if tk == "from" {
            k.insert("yield-from");
        }
    }
    match tk {
        "*" | "**" | "/" => match pk {
            "list_splat_pattern" | "dictionary_splat_pattern" => {
                if parent.and_then(|p| p.up()).is_some_and(|g| matches!(g.kind_name(), "parameters" | "lambda_parameters")) {
                    k.insert("parameters");
                } else {
                    k.insert("target");
                }
            }
            "list_splat" | "dictionary_splat" => {
                match parent.and_then(|p| p.up()).map(|g| g.kind_name()) {
                    Some("argument_list") => k.insert("call"),
                    _ => k.insert("literal"),
                };
            }
            "keyword_separator" => {
                k.insert("keyword-only-marker");
                k.insert("parameters");
            }
            "positional_separator" => {
                k.insert("positional-only-marker");
                k.insert("parameters");
            }
            "except_clause" => {
                k.insert("except-star");
            }
            _ => {}
        },
        "for" | "in" | "async" => match pk {
            "for_statement" => {
                k.insert("loop");
            }
            "for_in_clause" => {
                k.insert("comprehension");
            }
            "comparison_operator" | "not in" => {
                k.insert("membership");
            }
            _ => {}
        },
        "from" => match pk {
            "raise_statement" => {
                k.insert("raise-from");
            }
            "import_from_statement" | "future_import_statement" => {
                k.insert("import");
            }
            _ => {}
        },
        "@" => match pk {
            "decorator" => {}
            "binary_operator" | "augmented_assignment" => {
                k.insert("matmul");
            }
            _ => {}
        },
        ":" => match pk {
            "slice" => {
                // `xs[a:b:c]`: the second colon introduces the step.
                let colons: Vec<usize> = syntax::children(parent.unwrap()).iter().filter(|c| c.kind_name() == ":").map(|c| c.id()).collect();
                if colons.len() == 2 && colons[1] == token.id() {
                    k.insert("slice-step");
                } else {
                    k.insert("slice");
                }
            }
            "typed_parameter" | "typed_default_parameter" | "assignment" => {
                k.insert("annotation");
            }
            "pair" => {
                k.insert("dict");
            }
            "lambda" => {
                k.insert("lambda");
            }
            // A mapping pattern's `:`, a type parameter's constraints
            // (`[T: (int, str)]`), an f-string's format spec: none of the
            // colon's jobs; the construct around it has the topic.
            "dict_pattern" | "constrained_type" | "format_specifier" => {}
            _ => {
                k.insert("block");
            }
        },
        // `...` in a type (`Callable[..., int]`, `tuple[int, ...]`) and `|`
        // between types (`int | None`) are part of the annotation.
        "ellipsis" | "|" if syntax::ancestor(token, &["type"]).is_some() => {
            k.insert("annotation");
        }
        // `"%s" % x`: printf-style formatting of a string literal.
        "%" if pk == "binary_operator"
            && parent
                .and_then(|p| p.child_by_field_id(crate::field_id!("left")))
                .is_some_and(|l| matches!(l.kind_name(), "string" | "concatenated_string")) =>
        {
            k.insert("string-format");
        }
        "->" => {
            k.insert("annotation");
        }
        "except" => {
            if parent.is_some_and(|p| syntax::children(p).iter().any(|c| c.kind_name() == "*")) {
                k.insert("except-star");
            }
        }
        "try" => {
            // A `try` whose handlers are `except*` handles exception groups.
            let star = |c: &Node| c.kind_name() == "except_clause" && syntax::children(*c).iter().any(|t| t.kind_name() == "*");
            if parent.is_some_and(|p| named_children(p).iter().any(star)) {
                k.insert("except-star");
            }
        }
        "<>" => {
            k.insert("python2");
        }
        _ => {}
    }
    // In the `[T]` of `def f[T]` or `class C[T]` (3.12 type parameters;
    // the grammar calls the `[int]` of `list[int]` a type_parameter too).
    if self_or_ancestor(token, &["type_parameter"]).and_then(|t| t.up()).is_some_and(|d| matches!(d.kind_name(), "function_definition" | "class_definition")) {
        k.insert("type-parameters");
    }
    // The keyword of an `await` expression.
    if tk == "await" && pk == "await" {
        k.insert("await");
    }
    // The `if` of `case pattern if condition:`.
    if tk == "if" && pk == "if_clause" && parent.and_then(|p| p.up()).is_some_and(|g| g.kind_name() == "case_clause") {
        k.insert("case-guard");
    }
    if let Some(p) = parent.filter(|p| matches!(p.kind_name(), "for_statement" | "with_statement" | "function_definition" | "for_in_clause")) {
        if tk != "async" && p.child(0).is_some_and(|c| c.kind_name() == "async") || tk == "async" {
            k.insert("async");
            if p.kind_name() == "for_in_clause" {
                k.insert("async-comprehension");
            }
        }
    }
    // Generic positions: parameter lists, assignment targets, splats.
    let mut cur = Some(token);
    while let Some(n) = cur {
        if crate::analysis::budget::exhausted() {
            break;
        }
        match n.kind_name() {
            "parameters" | "lambda_parameters" if n.is_named() => {
                k.insert("parameters");
                break;
            }
            "block" | "module" | "argument_list" | "call" | "lambda" if n.is_named() => break,
            _ => {}
        }
        if let Some(p) = n.up() {
            if matches!(p.kind_name(), "assignment" | "for_statement" | "for_in_clause" | "augmented_assignment")
                && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == n.id())
            {
                k.insert("target");
                break;
            }
        }
        cur = n.up();
    }
    if let Some(sp) = self_or_ancestor(token, &["list_splat", "dictionary_splat"]) {
        match sp.up().map(|p| p.kind_name()) {
            Some("argument_list") => k.insert("call"),
            Some("list" | "tuple" | "set" | "dictionary" | "expression_list") => k.insert("literal"),
            _ => false,
        };
    }
    if pk == "not in" {
        k.insert("membership");
    }
    // `a < b < c`: an operator of a comparison with three or more operands.
    if pk == "comparison_operator" && !token.is_named() && parent.is_some_and(|p| p.named_child_count() >= 3) {
        k.insert("chained-comparison");
    }
    // `{1, 2} | other`, `set(a) <= b`: set algebra, when an operand is
    // written as a set; `[0] * n`, `"-" * 40`, `"n=" + s`: repetition and
    // concatenation, when an operand is a sequence display (what the other
    // operand is, the syntax cannot tell: these are where the operator's
    // meaning shows).
    match (tk, pk) {
        ("|" | "&" | "-" | "^", "binary_operator") if binary_operands(parent.unwrap()).iter().any(|o| is_set_expression(*o, src)) => {
            k.insert("set-operator");
        }
        ("<" | "<=" | ">" | ">=", "comparison_operator")
            if parent.is_some_and(|p| p.named_child_count() == 2 && named_children(p).iter().any(|o| is_set_expression(*o, src))) =>
        {
            k.insert("set-operator");
        }
        ("*" | "+", "binary_operator") if binary_operands(parent.unwrap()).iter().any(|o| is_sequence_display(*o)) => {
            k.insert(if tk == "*" { "sequence-repetition" } else { "sequence-concatenation" });
        }
        _ => {}
    }
    if tk == "none" && pk == "comparison_operator" {
        let ops: Vec<Node> = syntax::children(parent.unwrap());
        if ops.iter().any(|o| matches!(o.kind_name(), "is" | "is not" | "==" | "!=")) {
            k.insert("none");
        }
    }
    // An `async def` that yields is an async generator, wherever the cursor is in it.
    if let Some(f) = self_or_ancestor(token, &["function_definition"]) {
        if f.child(0).is_some_and(|c| c.kind_name() == "async") && f.child_by_field_id(crate::field_id!("body")).is_some_and(contains_yield) {
            k.insert("async-generator");
        }
    }
    // else
    if let Some(e) = self_or_ancestor(token, &["else_clause"]) {
        match e.up().map(|p| p.kind_name()) {
            Some("if_statement") => k.insert("after-if"),
            Some("for_statement") => k.insert("after-for"),
            Some("while_statement") => k.insert("after-while"),
            Some("try_statement") => k.insert("after-try"),
            _ => false,
        };
    }
    // comparisons
    let cmp = match pk {
        "comparison_operator" => parent,
        "is not" | "not in" => parent.and_then(|p| p.up()),
        _ => None,
    };
    if let Some(c) = cmp.filter(|_| matches!(tk, "is" | "not" | "==" | "!=" | "is not" | "in" | "<>")) {
        let operands: Vec<Node> = named_children(c);
        if operands.iter().any(|o| o.kind_name() == "none") && tk != "in" {
            k.insert("none");
        }
        if (tk == "is" || tk == "not" || pk == "is not")
            && operands.iter().any(|o| {
                matches!(o.kind_name(), "integer" | "float" | "string" | "concatenated_string" | "tuple" | "list" | "dictionary" | "set")
            })
        {
            k.insert("compare-literal");
        }
    }
    // lambda as key=
    if let Some(l) = self_or_ancestor(token, &["lambda"]) {
        if let Some(kw) = l.up().filter(|p| p.kind_name() == "keyword_argument") {
            if kw.child_by_field_id(crate::field_id!("name")).is_some_and(|n| text(n, src) == "key") {
                k.insert("key-argument");
            }
        }
    }
    if let Some(r) = self_or_ancestor(token, &["return_statement"]) {
        if r.named_child(0).is_some_and(|v| v.kind_name() == "none") {
            k.insert("returns-none");
        }
        // In a generator (a plain `def` that yields), `return` ends the iteration.
        if let Some(f) = syntax::ancestor(r, &["function_definition", "lambda"]).filter(|f| f.kind_name() == "function_definition") {
            if !f.child(0).is_some_and(|c| c.kind_name() == "async") && f.child_by_field_id(crate::field_id!("body")).is_some_and(contains_yield) {
                k.insert("generator-return");
            }
        }
    }
    if tk == "lambda" && pk == "lambda" && parent.is_some_and(|l| reads_loop_variable(l, src)) {
        k.insert("late-binding");
    }
    if matches!(tk, "return" | "break" | "continue") && exits_finally(token) {
        k.insert("exits-finally");
    }
    if matches!(tk, "break" | "continue") {
        let mut loops = 0;
        let mut cur = token.up();
        while let Some(n) = cur {
            match n.kind_name() {
                "for_statement" | "while_statement" => loops += 1,
                "function_definition" | "class_definition" | "lambda" => break,
                _ => {}
            }
            cur = n.up();
        }
        if loops >= 2 {
            k.insert("nested-loop");
        }
    }
    if let Some(f) = self_or_ancestor(token, &["function_definition"]) {
        // A function defined in another function's body (a closure when it
        // uses the outer variables), not across a class.
        if syntax::ancestor(f, &["function_definition", "class_definition"]).is_some_and(|o| o.kind_name() == "function_definition") {
            k.insert("nested-def");
        }
        let holder = match f.up() {
            Some(p) if p.kind_name() == "decorated_definition" => p.up(),
            p => p,
        };
        if holder.filter(|b| b.kind_name() == "block").and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition") {
            k.insert("method");
        }
    }
    let stmt = syntax::statement_of(token);
    if stmt.up().filter(|b| b.kind_name() == "block").and_then(|b| b.up()).is_some_and(|c| c.kind_name() == "class_definition") {
        k.insert("class-body");
    }
    // Module scope: inside no `def`, `class` or `lambda`.
    if self_or_ancestor(token, &["function_definition", "class_definition", "lambda"]).is_none() {
        k.insert("module-level");
    }
    if self_or_ancestor(token, &["print_statement", "exec_statement"]).is_some()
        || (tk == "string_start" && text(token, src) == "`")
        || (tk == "string" && text(token, src).starts_with('`'))
    {
        k.insert("python2");
    }
    if let Some(s) = self_or_ancestor(token, &["string"]) {
        if is_docstring(s) {
            k.insert("docstring");
        }
    }
    // Inside an f-string (its prefix, text, or a replacement field).
    if let Some(st) = self_or_ancestor(token, &["string"]) {
        if st.child(0).is_some_and(|s0| s0.kind_name() == "string_start" && text(s0, src).chars().any(|c| c == 'f' || c == 'F')) {
            k.insert("f-string");
        }
    }
    // An `@` or a decorator's expression: one decorator, or one of several.
    let in_decorator = tk == "@" && pk == "decorator" || syntax::ancestor(token, &["decorator"]).is_some();
    let dd = syntax::ancestor(token, &["decorated_definition"]);
    let decorated_class = dd
        .and_then(|d| d.child_by_field_id(crate::field_id!("definition")))
        .is_some_and(|c| c.kind_name() == "class_definition" && (in_decorator || (tk == "class" && parent.is_some_and(|p| p.id() == c.id()))));
    if decorated_class {
        // A class decorator (its `@` or its `class` keyword).
        k.insert("decorated-class");
    } else if in_decorator {
        if dd.is_some_and(|d| named_children(d).iter().filter(|c| c.kind_name() == "decorator").count() >= 2) {
            k.insert("stacked-decorators");
        } else {
            k.insert("decorator");
        }
    }
    if let Some(ifs) = self_or_ancestor(token, &["if_statement"]) {
        if ifs.up().is_some_and(|p| p.kind_name() == "module") {
            if let Some(c) = ifs.child_by_field_id(crate::field_id!("condition")) {
                let t = text(c, src);
                if t.contains("__name__") && t.contains("__main__") {
                    k.insert("main-guard");
                }
            }
        }
    }
    k
}

/// Whether the body of `lambda` reads a variable that a loop around it
/// binds (a `for` statement whose body holds it, or a comprehension's `for`
/// clause that runs before it), so that every lambda made in the loop reads
/// the variable's value when called, not when made. The search stops at a
/// `def`, a `class` or another lambda.
fn reads_loop_variable(lambda: Node, src: &str) -> bool {
    if !kept_for_later(lambda, src) {
        return false;
    }
    let params = scope::parameter_names(lambda, src);
    let mut names: HashSet<String> = HashSet::new();
    let mut kids = Vec::new();
    let mut child = lambda;
    let mut cur = lambda.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "function_definition" | "class_definition" | "lambda" => break,
            "for_statement" if n.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id()) => {
                if let Some(l) = n.child_by_field_id(crate::field_id!("left")) {
                    scope::target_names(l, src, &mut |t| {
                        names.insert(t.to_string());
                    }, &mut kids);
                }
            }
            "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
                // The element runs inside every clause; a clause, inside
                // the clauses before it.
                let in_element = n.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id());
                for c in named_children(n) {
                    if c.kind_name() != "for_in_clause" || !(in_element || c.end_byte() <= lambda.start_byte()) {
                        continue;
                    }
                    if let Some(l) = c.child_by_field_id(crate::field_id!("left")) {
                        scope::target_names(l, src, &mut |t| {
                            names.insert(t.to_string());
                        }, &mut kids);
                    }
                }
            }
            _ => {}
        }
        child = n;
        cur = n.up();
    }
    names.retain(|n| !params.contains(n));
    if names.is_empty() {
        return false;
    }
    let Some(body) = lambda.child_by_field_id(crate::field_id!("body")) else { return false };
    // A comprehension in the body binds its own variables: inside it, the
    // names its clauses bind are not the loop's.
    let mut stack = vec![(body, std::rc::Rc::new(names))];
    while let Some((n, names)) = stack.pop() {
        match n.kind_name() {
            "identifier" => {
                let is_attr = n.up().is_some_and(|p| {
                    (p.kind_name() == "attribute" && p.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| a.id() == n.id()))
                        || (p.kind_name() == "keyword_argument" && p.child_by_field_id(crate::field_id!("name")).is_some_and(|a| a.id() == n.id()))
                });
                if !is_attr && names.contains(text(n, src)) {
                    return true;
                }
            }
            "lambda" => {}
            "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
                let mut own = (*names).clone();
                for c in named_children(n).into_iter().filter(|c| c.kind_name() == "for_in_clause") {
                    if let Some(l) = c.child_by_field_id(crate::field_id!("left")) {
                        scope::target_names(l, src, &mut |t| {
                            own.remove(t);
                        }, &mut kids);
                    }
                }
                let own = std::rc::Rc::new(own);
                // Its first iterable runs outside it, with the names around.
                let first = named_children(n).into_iter().find(|c| c.kind_name() == "for_in_clause");
                let first_right = first.and_then(|c| c.child_by_field_id(crate::field_id!("right")));
                for c in named_children(n) {
                    if Some(c.id()) == first.map(|f| f.id()) {
                        for part in named_children(c) {
                            let outer = Some(part.id()) == first_right.map(|r| r.id());
                            stack.push((part, if outer { names.clone() } else { own.clone() }));
                        }
                    } else {
                        stack.push((c, own.clone()));
                    }
                }
            }
            _ => stack.extend(named_children(n).into_iter().map(|c| (c, names.clone()))),
        }
    }
    false
}

/// Whether `lambda` is kept to be called later: the element of a
/// comprehension, an item of a list, tuple, set or dict display, the value
/// of an assignment, or what `append`, `add`, `insert` or `setdefault` is
/// given. A lambda handed to a call (`sorted(key=...)`, `map(...)`) is
/// usually called at once, in the same round of the loop.
fn kept_for_later(lambda: Node, src: &str) -> bool {
    let mut n = lambda;
    while let Some(p) = n.up().filter(|p| p.kind_name() == "parenthesized_expression") {
        n = p;
    }
    let Some(p) = n.up() else { return false };
    match p.kind_name() {
        "list_comprehension" | "set_comprehension" | "generator_expression" => {
            p.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == n.id())
        }
        "pair" => p.child_by_field_id(crate::field_id!("value")).is_some_and(|v| v.id() == n.id()),
        "list" | "tuple" | "set" | "expression_list" => true,
        "assignment" | "augmented_assignment" => p.child_by_field_id(crate::field_id!("right")).is_some_and(|r| r.id() == n.id()),
        "argument_list" => p
            .up()
            .and_then(|call| call.child_by_field_id(crate::field_id!("function")))
            .filter(|f| f.kind_name() == "attribute")
            .and_then(|f| f.child_by_field_id(crate::field_id!("attribute")))
            .is_some_and(|a| matches!(text(a, src), "append" | "add" | "insert" | "setdefault")),
        _ => false,
    }
}

/// Whether the `return`, `break` or `continue` keyword `token` leaves a
/// `finally` block: one lies between it and its function (a `return`) or
/// the loop whose body holds it (a `break` or `continue`; a loop's `else`
/// belongs to the loop around it).
fn exits_finally(token: Node) -> bool {
    let jumps_loop = token.kind_name() != "return";
    let mut child = token;
    let mut cur = token.up();
    while let Some(n) = cur {
        match n.kind_name() {
            "finally_clause" => return true,
            "function_definition" | "lambda" | "class_definition" => return false,
            "for_statement" | "while_statement"
                if jumps_loop && n.child_by_field_id(crate::field_id!("body")).is_some_and(|b| b.id() == child.id()) =>
            {
                return false;
            }
            _ => {}
        }
        child = n;
        cur = n.up();
    }
    false
}

/// Whether a function body yields (not counting nested functions and lambdas).
fn contains_yield(body: Node) -> bool {
    let mut cursor = body.walk();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if crate::analysis::budget::exhausted() {
            return false;
        }
        if n.kind_name() == "yield" && n.is_named() {
            return true;
        }
        if matches!(n.kind_name(), "function_definition" | "lambda" | "class_definition") {
            continue;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}

/// Whether a `string` node is the docstring of a module, class or function.
pub fn is_docstring(s: Node) -> bool {
    let Some(stmt) = s.up().filter(|p| p.kind_name() == "expression_statement") else { return false };
    if stmt.named_child_count() != 1 {
        return false;
    }
    let Some(container) = stmt.up() else { return false };
    let first = named_children(container).into_iter().find(|n| n.kind_name() != "comment");
    if first.map(|f| f.id()) != Some(stmt.id()) {
        return false;
    }
    match container.kind_name() {
        "module" => true,
        "block" => container.up().is_some_and(|p| matches!(p.kind_name(), "function_definition" | "class_definition")),
        _ => false,
    }
}

/// The two operands of a `binary_operator`.
fn binary_operands(op: Node) -> Vec<Node> {
    [op.child_by_field_id(crate::field_id!("left")), op.child_by_field_id(crate::field_id!("right"))].into_iter().flatten().collect()
}

/// A set display, a set comprehension, or a call of `set` or `frozenset`.
fn is_set_expression(n: Node, src: &str) -> bool {
    let Some(n) = syntax::unparenthesized(n) else { return false };
    match n.kind_name() {
        "set" | "set_comprehension" => true,
        "call" => n.child_by_field_id(crate::field_id!("function")).is_some_and(|f| f.kind_name() == "identifier" && matches!(text(f, src), "set" | "frozenset")),
        _ => false,
    }
}

/// A list, tuple or string display (a list comprehension too).
fn is_sequence_display(n: Node) -> bool {
    syntax::unparenthesized(n).is_some_and(|n| matches!(n.kind_name(), "list" | "tuple" | "string" | "concatenated_string" | "list_comprehension"))
}

fn self_or_ancestor<'t>(n: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    // Keyword tokens share their kind with the named node (`yield`, `lambda`).
    if n.is_named() && kinds.contains(&n.kind_name()) {
        return Some(n);
    }
    syntax::ancestor(n, kinds)
}

/// How specifically a topic's `when` holds for a match at `node`: `None`
/// without `when`; `Some(0)` when no entry holds; else the best entry held:
/// 3 for a context key, 2 for `parent:`, 1 for `inside:`.
fn when_holds(topic: &Topic, node: Node, _token: Node, keys: &HashSet<&str>) -> Option<u8> {
    if topic.meta.when.is_empty() {
        return None;
    }
    Some(
        topic
            .meta
            .when
            .iter()
            .map(|w| {
                if let Some(kind) = w.strip_prefix("parent:") {
                    if node.up().is_some_and(|p| p.kind_name() == kind) { 2 } else { 0 }
                } else if let Some(kind) = w.strip_prefix("inside:") {
                    if syntax::ancestor(node, &[kind]).is_some() { 1 } else { 0 }
                } else if keys.contains(w.as_str()) {
                    3
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0),
    )
}

/// Pick among candidate topics at one level: a satisfied `when` first (the
/// most specific one: a context key over `parent:` over `inside:`; the first
/// listed among equals), then those without `when`; unsatisfied ones never.
fn choose<'k>(k: &'k Knowledge, cands: &[usize], node: Node, token: Node, keys: &HashSet<&str>) -> Option<&'k Topic> {
    let mut plain = None;
    let mut best: Option<(u8, &Topic)> = None;
    for &i in cands {
        let t = &k.topics[i];
        match when_holds(t, node, token, keys) {
            Some(0) => {}
            Some(score) => {
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, t));
                }
            }
            None => {
                if plain.is_none() {
                    plain = Some(t);
                }
            }
        }
    }
    best.map(|(_, t)| t).or(plain)
}

/// Topic candidates for an identifier through names: dunders, imports,
/// builtins (unless shadowed), star imports, and `.method` names.
fn name_candidates(token: Node, src: &str, module: &ModuleFacts, k: &Knowledge) -> Vec<usize> {
    let mut out = Vec::new();
    let t = text(token, src);
    let mut push = |key: &str| {
        if let Some(v) = k.by_name.get(key) {
            out.extend(v.iter().copied());
        }
        if k.stdlib_public.contains(key) {
            // A public name of a covered module: the module's topic, after
            // any topic that names it.
            if let Some(v) = key.rsplit_once('.').and_then(|(m, _)| k.by_name.get(m)) {
                out.extend(v.iter().copied().filter(|i| !out.contains(i)).collect::<Vec<_>>());
            }
        }
    };
    let parent = token.up();
    let is_attr = parent.is_some_and(|p| {
        p.kind_name() == "attribute" && p.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| a.id() == token.id())
    });
    if t.starts_with("__") && t.ends_with("__") && t.len() > 4 {
        push(t);
    }
    // Import statements name modules directly: `import functools`, `from functools import wraps`.
    // An import statement holds names at most three levels down (statement,
    // aliased import, dotted name): no need to walk up a deep expression.
    let near = |kinds: &[&str]| {
        let mut cur = token.up();
        for _ in 0..4 {
            let n = cur?;
            if kinds.contains(&n.kind_name()) {
                return Some(n);
            }
            cur = n.up();
        }
        None
    };
    if let Some(imp) = near(&["import_statement", "import_from_statement"]) {
        let dotted = near(&["dotted_name"]).or(parent.filter(|p| p.kind_name() == "dotted_name"));
        if imp.kind_name() == "import_from_statement" {
            if let Some(m) = imp.child_by_field_id(crate::field_id!("module_name")) {
                let is_module = dotted.is_some_and(|d| d.id() == m.id());
                if is_module {
                    push(text(m, src));
                } else {
                    push(&format!("{}.{t}", text(m, src)));
                }
            }
        } else if let Some(d) = dotted {
            push(text(d, src));
        }
        return out;
    }
    // `class C(metaclass=M)`: the keyword of a class header's keyword argument
    // matches the name `"metaclass="`.
    if let Some(kw) = parent.filter(|p| p.kind_name() == "keyword_argument") {
        if kw.child_by_field_id(crate::field_id!("name")).is_some_and(|n| n.id() == token.id())
            && kw.up().and_then(|a| a.up()).is_some_and(|c| c.kind_name() == "class_definition")
        {
            push(&format!("{t}="));
        }
        return out;
    }
    let node = if is_attr { parent.unwrap() } else { token };
    if let Some(q) = scope::qualified_name(node, src, module) {
        push(&q);
        // `from datetime import datetime; datetime.now` → try the module path too.
        return out;
    }
    if is_attr {
        push(&format!(".{t}"));
        return out;
    }
    if !scope::is_shadowed(t, token, src, module) {
        push(t);
        for m in &module.star_imports {
            push(&format!("{m}.{t}"));
        }
    }
    out
}

/// Resolve the topic for the token at `offset`.
pub fn resolve<'k>(src: &str, tree: &Tree, offset: usize, k: &'k Knowledge) -> Option<Resolved<'k>> {
    resolve_with(src, tree, offset, k, None)
}

/// `resolve`, with the module facts when the caller has them for this text
/// (the server caches them with the findings); otherwise they are collected
/// only if a name needs them, never for a keyword.
pub fn resolve_with<'k>(src: &str, tree: &Tree, offset: usize, k: &'k Knowledge, facts: Option<&ModuleFacts>) -> Option<Resolved<'k>> {
    resolve_inner(src, tree, offset, k, facts, None)
}

/// `resolve_with`; with `refused`, the module's facts are not collected
/// (the tree is not the whole file): `refused` is set when the answer would
/// have needed them, and the answer is then worthless.
fn resolve_inner<'k>(
    src: &str,
    tree: &Tree,
    offset: usize,
    k: &'k Knowledge,
    facts: Option<&ModuleFacts>,
    refused: Option<&std::cell::Cell<bool>>,
) -> Option<Resolved<'k>> {
    let token = token_at(tree, src, offset)?;
    // Every walk up from the token below reads this path: linear in the
    // depth, where `Node::parent` would cost the depth at every step.
    let _path = syntax::AncestorPath::from_root(tree.root_node(), token);
    let cell = std::cell::OnceCell::new();
    let module = || -> &ModuleFacts {
        if let Some(r) = refused {
            r.set(true);
            return cell.get_or_init(ModuleFacts::default);
        }
        facts.unwrap_or_else(|| cell.get_or_init(|| ModuleFacts::collect(tree.root_node(), src)))
    };
    let keys = context_keys(token, src);
    let found = resolve_token(token, src, &module, &keys, k)?;
    let (topic, at) = found;
    let variant = topic.doc.variant_keys().into_iter().find(|v| keys.contains(v)).map(String::from);
    Some(Resolved { topic, variant, range: at.byte_range() })
}

fn resolve_token<'k, 't, 'm>(
    token: Node<'t>,
    src: &str,
    module: &dyn Fn() -> &'m ModuleFacts,
    keys: &HashSet<&str>,
    k: &'k Knowledge,
) -> Option<(&'k Topic, Node<'t>)> {
    // Level 0: the token itself.
    if !token.is_named() {
        // `not in` / `is not` are two tokens under one aliased node.
        let (kw, at) = match token.up() {
            Some(p) if !p.is_named() && p.kind_name() != token.kind_name() => (p.kind_name(), p),
            _ => (token.kind_name(), token),
        };
        // `except*`: the `except` and the `*` of a handler of exception groups.
        let in_except = kw == "except" || (kw == "*" && token.up().is_some_and(|p| p.kind_name() == "except_clause"));
        let kw = if in_except && keys.contains("except-star") && k.by_keyword.contains_key("except*") { "except*" } else { kw };
        // The `async` of `async for` and `async with` is explained by the
        // loop's and the `with` statement's own variants (`async def`'s is
        // the coroutine topic).
        let kw = match (kw, token.up().map(|p| p.kind_name())) {
            ("async", Some("for_statement" | "for_in_clause")) => "for",
            ("async", Some("with_statement")) => "with",
            _ => kw,
        };
        // `int | None` in an annotation is a union of types, not the `|`
        // operator: the `type` around it has the topic.
        let union_in_type = kw == "|" && keys.contains("annotation");
        if let Some(c) = k.by_keyword.get(kw).filter(|_| !union_in_type) {
            if let Some(t) = choose(k, c, at, token, keys) {
                return Some((t, at));
            }
        }
    } else if token.kind_name() == "identifier" {
        let c = name_candidates(token, src, module(), k);
        let at = match token.up() {
            Some(p) if p.kind_name() == "attribute" && p.child_by_field_id(crate::field_id!("attribute")).is_some_and(|a| a.id() == token.id()) => p,
            _ => token,
        };
        // `when` is tried at the attribute (`parent:` sees its parent), then at the name.
        if let Some(t) = choose(k, &c, at, token, keys).or_else(|| choose(k, &c, token, token, keys)) {
            return Some((t, token));
        }
    }
    // A name teaches only through what it names (a builtin, an import, a
    // dunder, a known method): a plain local, a parameter or an attribute
    // of an unknown object gets no hover, not the enclosing construct's.
    if token.kind_name() == "identifier" && !identifier_reaches_construct(token) {
        return None;
    }
    // Then the token and its ancestors by node kind, up to the statement
    // that holds it: the body of a `def` does not explain `def`.
    let mut cur = Some(token);
    // Attributes met on the way up are asked for names only this close to the
    // token (an attribute chain can be any length; each ask reads its chain).
    let mut attribute_asks = 8;
    while let Some(n) = cur {
        if n.kind_name() == "block" && n.id() != token.id() {
            break;
        }
        // The way up is as long as the nesting: a cancelled or over-budget
        // hover stops here (`budget`, polled as the rule walk does).
        if crate::analysis::budget::exhausted() {
            return None;
        }
        if n.is_named() {
            if let Some(c) = k.by_kind.get(n.kind_name()) {
                if let Some(t) = choose(k, c, n, token, keys) {
                    return Some((t, if n.id() == token.id() { n } else { token }));
                }
            }
            // An attribute or call on the way up may name a topic (`obj.__dict__`).
            if n.kind_name() == "attribute" && n.id() != token.id() && attribute_asks > 0 {
                attribute_asks -= 1;
                if let Some(attr) = n.child_by_field_id(crate::field_id!("attribute")) {
                    let c = name_candidates(attr, src, module(), k);
                    if let Some(t) = choose(k, &c, attr, token, keys) {
                        return Some((t, token));
                    }
                }
            }
        }
        cur = n.up();
    }
    None
}

/// Whether an identifier stands for its construct rather than for a value:
/// the `_` wildcard of a pattern, `match`/`case`/`type` parsed as names, the
/// name right after `@`.
/// the name in a `*args`/`**kwargs` form or a `global`/`nonlocal` list, the
/// keyword of `name=value`, a name in an import statement, and the
/// expression of a decorator (`@repeat(3)`).
fn identifier_reaches_construct(token: Node) -> bool {
    let Some(p) = token.up() else { return false };
    match p.kind_name() {
        // soft keywords and the wildcard parsed as identifiers
        "case_pattern" | "match_statement" | "case_clause" | "type_alias_statement" => return true,
        "list_splat_pattern" | "dictionary_splat_pattern" | "list_splat" | "dictionary_splat" => return true,
        "global_statement" | "nonlocal_statement" => return true,
        "keyword_argument" => return p.child_by_field_id(crate::field_id!("name")).is_some_and(|n| n.id() == token.id()),
        "keyword_pattern" => return p.named_child(0).is_some_and(|n| n.id() == token.id()),
        _ => {}
    }
    if syntax::ancestor(token, &["import_statement", "import_from_statement", "future_import_statement"]).is_some() {
        return true;
    }
    // `@name`, `@a.b`, `@name(args)`: up through the decorator's own expression.
    let mut n = token;
    while let Some(p) = n.up() {
        match p.kind_name() {
            "decorator" => return true,
            "attribute" if p.child_by_field_id(crate::field_id!("object")).is_some_and(|o| o.id() == n.id()) => {}
            "call" if p.child_by_field_id(crate::field_id!("function")).is_some_and(|f| f.id() == n.id()) => {}
            _ => return false,
        }
        n = p;
    }
    false
}

/// Escape Markdown prose: `<` outside code spans and fences.
pub fn escape_prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_fence = false;
    for line in s.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push_str(line);
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        let mut in_code = false;
        for ch in line.chars() {
            if ch == '`' {
                in_code = !in_code;
            }
            if ch == '<' && !in_code {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// The limits of a brief hover (knowledge/README.md, "Brief hovers").
pub const BRIEF_EXAMPLE_LINES: usize = 6;
pub const BRIEF_PROSE_WORDS: usize = 50;
pub const PROVENANCE_WORDS: usize = 12;

/// The parts of a brief topic hover, before rendering (the limit test reads them).
#[derive(Debug, Clone)]
pub struct BriefTopic {
    pub title: String,
    /// The variant for this context, or the Summary.
    pub prose: String,
    /// Whether `prose` is the variant's.
    pub from_variant: bool,
    /// The example's code (without fences).
    pub example: Option<String>,
    /// Where the example comes from: the variant's own block, `## Brief
    /// example`, or (for files not yet rewritten) the start of `## Example`.
    pub example_source: ExampleSource,
    /// `Notes: …`, when it fits in PROVENANCE_WORDS.
    pub provenance: Option<String>,
    pub docs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleSource {
    Variant,
    BriefExample,
    /// Fallback until the file has a `## Brief example`: the first lines of `## Example`.
    ExampleCut,
    None,
}

/// Split a text into its prose (outside code fences) and its first ```python block.
pub fn prose_and_code(text: &str) -> (String, Option<String>) {
    let mut prose = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let code = code_blocks_in(text).into_iter().find(|(lang, _)| lang.is_empty() || lang == "python").map(|(_, c)| c);
    (prose.trim().to_string(), code)
}

/// A short label for a note title (`hover.notes.<title>` in interface.toml;
/// the title itself when there is none).
fn note_label(title: &str, k: &Knowledge) -> String {
    let key = format!("hover.notes.{title}");
    if k.interface.has(&key) { k.ui(&key, &[]) } else { title.to_string() }
}

/// Words of a text as a reader counts them: whitespace-separated runs that
/// hold a letter or digit (a lone `·` or `—` is not a word).
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric())).count()
}

/// The compact provenance line: `Notes: Effective Python 16, 17 · Fluent
/// Python`, one entry per note in the order of `sources`; item numbers are
/// kept for the notes whose sections are numbered items (`Item 16`). Without
/// the numbers when they make it too long; `None` when even that is over
/// PROVENANCE_WORDS.
/// Notes named in a brief provenance line; more are counted, not named.
pub const MAX_PROVENANCE_NOTES: usize = 3;

pub fn provenance(sources: &[String], k: &Knowledge) -> Option<String> {
    let mut notes: Vec<(String, Vec<String>)> = Vec::new();
    for s in sources {
        let (title, section) = match s.split_once('›') {
            Some((t, sec)) => (t.trim(), sec.trim()),
            None => (s.trim(), ""),
        };
        let label = note_label(title, k);
        let item = section.strip_prefix("Item ").map(|n| n.trim().to_string()).filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
        match notes.iter_mut().find(|(l, _)| *l == label) {
            Some((_, items)) => items.extend(item.filter(|i| !items.contains(i))),
            None => notes.push((label, item.into_iter().collect())),
        }
    }
    if notes.is_empty() {
        return None;
    }
    let sep = k.ui("hover.provenance_separator", &[]);
    // At most three notes by name; the rest as a count (`+2`): the line must
    // fit beside the docs link without wrapping in VS Code's hover box.
    let more = notes.len().saturating_sub(MAX_PROVENANCE_NOTES);
    notes.truncate(MAX_PROVENANCE_NOTES);
    for with_items in [true, false] {
        let list: Vec<String> = notes
            .iter()
            .map(|(l, items)| if with_items && !items.is_empty() { format!("{l} {}", items.join(", ")) } else { l.clone() })
            .collect();
        let mut joined = list.join(&sep);
        if more > 0 {
            joined.push_str(&format!(" +{more}"));
        }
        let line = k.ui("hover.provenance", &[("notes", &joined)]);
        if word_count(&line) <= PROVENANCE_WORDS {
            return Some(line);
        }
    }
    None
}

/// The brief hover of a topic, as parts.
pub fn brief_topic(t: &Topic, variant: Option<&str>, k: &Knowledge) -> BriefTopic {
    let v = variant.and_then(|v| t.doc.variant(v));
    let (prose, from_variant, mut example, mut example_source) = match v {
        Some(text) => {
            let (p, c) = prose_and_code(text);
            let src = if c.is_some() { ExampleSource::Variant } else { ExampleSource::None };
            (p, true, c, src)
        }
        None => (t.doc.body("Summary").to_string(), false, None, ExampleSource::None),
    };
    if example.is_none() {
        if let Some(c) = prose_and_code(t.doc.body("Brief example")).1 {
            example = Some(c);
            example_source = ExampleSource::BriefExample;
        } else if let Some((_, code)) = code_blocks_in(t.doc.body("Example")).into_iter().next() {
            // Not yet rewritten: the first lines of the full example, cut at a
            // blank line when possible.
            let lines: Vec<&str> = code.lines().collect();
            let shown = if lines.len() <= BRIEF_EXAMPLE_LINES {
                lines.join("\n")
            } else {
                let cut = lines[..BRIEF_EXAMPLE_LINES].iter().rposition(|l| l.trim().is_empty()).filter(|&p| p > 1).unwrap_or(BRIEF_EXAMPLE_LINES);
                format!("{}\n# …", lines[..cut].join("\n"))
            };
            example = Some(shown);
            example_source = ExampleSource::ExampleCut;
        }
    }
    BriefTopic {
        title: t.meta.title.clone(),
        prose,
        from_variant,
        example: example.map(|e| e.trim_end().to_string()),
        example_source,
        provenance: provenance(&t.meta.sources, k),
        docs: t.meta.docs.clone(),
    }
}

fn docs_link(docs: &str, k: &Knowledge) -> String {
    if docs.is_empty() { String::new() } else { format!("[{}]({docs})", k.ui("hover.docs", &[])) }
}

fn join_line(parts: &[String]) -> String {
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" · ")
}

/// Markdown for a topic; `variant` is the context's `### key`.
pub fn render_topic(t: &Topic, variant: Option<&str>, verbosity: Verbosity, k: &Knowledge) -> String {
    let mut md = String::new();
    match verbosity {
        Verbosity::Brief => {
            let b = brief_topic(t, variant, k);
            md.push_str(&format!("**{}**\n\n", escape_prose(&b.title)));
            if !b.prose.is_empty() {
                md.push_str(&escape_prose(&b.prose));
                md.push_str("\n\n");
            }
            if let Some(code) = &b.example {
                md.push_str(&format!("```python\n{code}\n```\n\n"));
            }
            md.push_str(&join_line(&[b.provenance.map(|p| format!("*{}*", escape_prose(&p))).unwrap_or_default(), docs_link(&b.docs, k)]));
        }
        Verbosity::Full => {
            md.push_str(&format!("**{}**\n\n", escape_prose(&t.meta.title)));
            if let Some(v) = variant.and_then(|v| t.doc.variant(v)) {
                md.push_str(&format!("*{}:* {}\n\n", k.ui("hover.in_this_context", &[]), escape_prose(v)));
            }
            md.push_str(&escape_prose(t.doc.body("Summary")));
            md.push_str("\n\n");
            for s in &t.doc.sections {
                if s.heading == "Summary" || s.heading == "In context" || s.heading.eq_ignore_ascii_case("Brief example") {
                    continue;
                }
                md.push_str(&format!("### {}\n\n{}\n\n", k.heading(&s.heading), escape_prose(s.body.trim())));
            }
            if let Some(ctx) = t.doc.section("In context") {
                md.push_str(&format!("### {}\n\n", k.heading("In context")));
                for (key, body) in &ctx.subsections {
                    md.push_str(&format!("**{key}**: {}\n\n", escape_prose(body.trim())));
                }
            }
            if !t.meta.see_also.is_empty() {
                md.push_str(&format!("{}: {}\n\n", k.ui("hover.see_also", &[]), t.meta.see_also.join(", ")));
            }
            md.push_str(&sources_line(&t.meta.sources, &t.meta.docs, k));
        }
    }
    md
}

fn sources_line(sources: &[String], docs: &str, k: &Knowledge) -> String {
    let mut line = String::new();
    if !sources.is_empty() {
        line.push_str(&format!("*{}:* {}", k.ui("hover.from_the_notes", &[]), escape_prose(&sources.join("; "))));
    }
    if !docs.is_empty() {
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(&docs_link(docs, k));
    }
    line
}

fn first_paragraph(s: &str) -> &str {
    s.trim().split("\n\n").next().unwrap_or("").trim()
}

/// The parts of a brief rule hover, before rendering.
#[derive(Debug, Clone)]
pub struct BriefRule {
    pub message: String,
    /// `## In brief`, or until the file is rewritten the first paragraph of
    /// `## Why is this bad?`.
    pub why: String,
    pub why_is_in_brief: bool,
    /// (fix title, safety label).
    pub fixes: Vec<(String, String)>,
    pub docs: String,
    pub full: String,
}

fn safety_label(a: crate::knowledge::Applicability, k: &Knowledge) -> String {
    match a {
        crate::knowledge::Applicability::Safe => k.ui("hover.fix_safe", &[]),
        crate::knowledge::Applicability::Unsafe => k.ui("hover.fix_unsafe", &[]),
        crate::knowledge::Applicability::DisplayOnly => k.ui("hover.fix_display_only", &[]),
    }
}

/// The brief hover of a rule; with a finding, its fixes (as offered) stand
/// for the rule's list.
pub fn brief_rule(r: &RuleDoc, finding: Option<&Finding>, k: &Knowledge) -> BriefRule {
    let in_brief = r.doc.body("In brief");
    let (why, why_is_in_brief) =
        if in_brief.is_empty() { (first_paragraph(r.doc.body("Why is this bad?")).to_string(), false) } else { (in_brief.to_string(), true) };
    let fixes = match finding {
        Some(f) => f.fixes.iter().filter_map(|fx| r.fix(fx.kind).map(|m| (m.title.clone(), safety_label(fx.applicability, k)))).collect(),
        None => r.meta.fixes.iter().map(|m| (m.title.clone(), safety_label(m.applicability, k))).collect(),
    };
    BriefRule {
        message: r.meta.message.clone(),
        why,
        why_is_in_brief,
        fixes,
        docs: r.meta.docs.clone(),
        full: k.ui("hover.rule_full", &[("rule", &r.meta.id)]),
    }
}

/// Markdown for a rule (the explanation shown inside a finding). With
/// `message_shown` (the editor shows the finding's message right above the
/// hover, `Settings::diagnostics_in_hover`), the brief heading is the rule's
/// id alone.
pub fn render_rule(r: &RuleDoc, finding: Option<&Finding>, verbosity: Verbosity, message_shown: bool, k: &Knowledge) -> String {
    let fix_lines = |fixes: &[(String, String)]| -> String {
        fixes.iter().map(|(title, how)| format!("*{}:* {} ({how})\n\n", k.ui("hover.fix", &[]), escape_prose(title))).collect()
    };
    match verbosity {
        Verbosity::Brief => {
            let b = brief_rule(r, finding, k);
            let heading = k.ui("hover.rule_heading", &[("rule", &r.meta.id)]);
            let mut md = if message_shown && finding.is_some() {
                format!("**{heading}**\n\n")
            } else {
                format!("**{heading}** — {}\n\n", escape_prose(&b.message))
            };
            if !b.why.is_empty() {
                md.push_str(&escape_prose(&b.why));
                md.push_str("\n\n");
            }
            md.push_str(&fix_lines(&b.fixes));
            md.push_str(&join_line(&[docs_link(&b.docs, k), b.full]));
            md
        }
        Verbosity::Full => {
            let mut md = format!(
                "**{}** — {}\n\n",
                k.ui("hover.rule_heading", &[("rule", &r.meta.id)]),
                escape_prose(&r.meta.title)
            );
            for s in &r.doc.sections {
                md.push_str(&format!("### {}\n\n{}\n\n", k.heading(&s.heading), escape_prose(s.body.trim())));
            }
            let fixes = brief_rule(r, finding, k).fixes;
            md.push_str(&fix_lines(&fixes));
            md.push_str(&sources_line(&r.meta.sources, &r.meta.docs, k));
            md
        }
    }
}

/// The hover for `offset`: rules of findings under the cursor, then the topic.
pub fn hover(src: &str, tree: &Tree, offset: usize, findings: &[Finding], settings: &Settings, k: &Knowledge) -> Option<HoverResult> {
    hover_with_facts(src, tree, offset, findings, settings, k, None)
}

/// `hover`, with module facts already collected for this text.
pub fn hover_with_facts(
    src: &str,
    tree: &Tree,
    offset: usize,
    findings: &[Finding],
    settings: &Settings,
    k: &Knowledge,
    facts: Option<&ModuleFacts>,
) -> Option<HoverResult> {
    hover_inner(src, tree, offset, findings, settings, k, facts, None)
}

/// `hover` on a view of part of a file, or of an earlier text
/// (`Document::stale_view`): None when the answer depends on what the
/// module binds (a name, an attribute's name), which the view cannot know.
pub fn hover_in_view(src: &str, tree: &Tree, offset: usize, findings: &[Finding], settings: &Settings, k: &Knowledge) -> Option<Option<HoverResult>> {
    let refused = std::cell::Cell::new(false);
    let h = hover_inner(src, tree, offset, findings, settings, k, None, Some(&refused));
    (!refused.get()).then_some(h)
}

#[allow(clippy::too_many_arguments)]
fn hover_inner(
    src: &str,
    tree: &Tree,
    offset: usize,
    findings: &[Finding],
    settings: &Settings,
    k: &Knowledge,
    facts: Option<&ModuleFacts>,
    refused: Option<&std::cell::Cell<bool>>,
) -> Option<HoverResult> {
    let offset = offset.min(src.len());
    let mut parts = Vec::new();
    let mut rules = Vec::new();
    let mut range: Option<Range<usize>> = None;
    for f in findings.iter().filter(|f| f.range.start <= offset && offset <= f.range.end) {
        if let Some(r) = k.rule(f.rule) {
            parts.push(render_rule(r, Some(f), settings.hover_verbosity, settings.diagnostics_in_hover, k));
            rules.push(f.rule.to_string());
            range.get_or_insert(f.range.clone());
        }
    }
    // On a finding, a brief hover is the finding's alone: the topic under
    // the cursor would double it and push it out of the editor's hover box
    // (full verbosity shows both).
    let topics = settings.hover_topics && (rules.is_empty() || settings.hover_verbosity == Verbosity::Full);
    let resolved = if topics { resolve_inner(src, tree, offset, k, facts, refused) } else { None };
    let (topic, variant) = match &resolved {
        Some(r) => {
            parts.push(render_topic(r.topic, r.variant.as_deref(), settings.hover_verbosity, k));
            range = Some(r.range.clone());
            (Some(r.topic.meta.id.clone()), r.variant.clone())
        }
        None => (None, None),
    };
    if parts.is_empty() {
        return None;
    }
    // A range never splits a `\r\n` (an editor has no position between them).
    let split = |at: usize| at > 0 && src.as_bytes().get(at - 1) == Some(&b'\r') && src.as_bytes().get(at) == Some(&b'\n');
    let mut range = range.unwrap_or(offset..offset);
    if split(range.end) {
        range.end -= 1;
    }
    if split(range.start) {
        range.start -= 1;
    }
    range.end = range.end.max(range.start);
    Some(HoverResult { markdown: parts.join("\n\n---\n\n"), range, topic, variant, rules })
}

/// `pyexplain explain ID`: the rule and/or the topic, in full.
pub fn explain_id(id: &str, k: &Knowledge) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(r) = k.rule(id) {
        parts.push(render_rule(r, None, Verbosity::Full, false, k));
    }
    if let Some(t) = k.topic(id) {
        parts.push(render_topic(t, None, Verbosity::Full, k));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}
