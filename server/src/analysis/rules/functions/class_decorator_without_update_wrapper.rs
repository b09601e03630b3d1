//! `class-decorator-without-update-wrapper`: a class used as a decorator
//! (`__init__(self, func)` keeps the function, `__call__` calls it) that does
//! not copy the function's metadata with `functools.update_wrapper`.

use crate::analysis::helpers::imports::module_attr;
use crate::analysis::helpers::statements::first_statement;
use crate::analysis::helpers::text::skip_extras;
use super::prelude::*;

pub struct ClassDecoratorWithoutUpdateWrapper;

fn methods<'t>(body: Node<'t>, cx: &Context) -> Vec<(&'static str, Node<'t>)> {
    let mut out = Vec::new();
    for s in named_children(body) {
        let d = if s.kind_name() == "decorated_definition" { None } else { Some(s) };
        let Some(d) = d.filter(|d| d.kind_name() == "function_definition") else { continue };
        let Some(n) = d.child_by_field_id(crate::field_id!("name")) else { continue };
        match cx.text(n) {
            "__init__" => out.push(("__init__", d)),
            "__call__" => out.push(("__call__", d)),
            _ => {}
        }
    }
    out
}

/// Whether the subtree contains a call whose function is `self.<attr>`.
fn calls_self_attr(n: Node, attr: &str, cx: &Context) -> bool {
    let mut cursor = n.walk();
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if x.kind_name() == "call" {
            if let Some(f) = x.child_by_field_id(crate::field_id!("function")).filter(|f| f.kind_name() == "attribute") {
                let obj = f.child_by_field_id(crate::field_id!("object")).map(|o| cx.text(o));
                let a = f.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a));
                if obj == Some("self") && a == Some(attr) {
                    return true;
                }
            }
        }
        for c in x.children(&mut cursor) {
            stack.push(c);
        }
    }
    false
}

impl Rule for ClassDecoratorWithoutUpdateWrapper {
    fn id(&self) -> &'static str {
        "class-decorator-without-update-wrapper"
    }
    // Whether the class is used as a decorator is read from the whole file
    // (`@Name` anywhere): dispatched on `module`, so that an edit anywhere
    // rechecks it, and only on classes whose text holds `__call__`.
    fn kinds(&self) -> &'static [&'static str] {
        &["module"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        // Most files use no class of theirs as a decorator: two byte searches
        // rule that out before the search for `__call__` and the walks down
        // to its classes (a syntax error leaves the class headers unsure).
        let passes = node.has_error() || may_decorate_with_own_class(cx.src.as_bytes());
        super::behind_pretest(passes, node, cx, out, |n, cx, out| {
            super::whole_file_nodes(n, cx, &["__call__"], &["class_definition"], |c| self.check_class(c, cx, out))
        });
    }
}

/// The text pre-test, for a text without syntax errors: whether some
/// `@Name` followed by what `check_class`'s use test accepts (a newline,
/// space, tab or `(`) names a class that a `class` keyword of the text
/// defines. The name after `class` is read past the white space, line
/// continuations and comments that tree-sitter allows there; a byte above
/// ASCII there (Unicode spaces tree-sitter also allows, a non-ASCII name)
/// makes the answer yes.
fn may_decorate_with_own_class(src: &[u8]) -> bool {
    let ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    // The words after `@` that the use test can accept.
    let mut words: Vec<&[u8]> = Vec::new();
    for at in memchr::memchr_iter(b'@', src) {
        let rest = &src[at + 1..];
        let mut len = 0;
        while len < rest.len() && (ident(rest[len]) || rest[len] >= 0x80) {
            len += 1;
        }
        let word = &rest[..len];
        if len > 0 && rest.get(len).is_some_and(|c| matches!(c, b'\n' | b'\r' | b' ' | b'\t' | b'(')) && !words.contains(&word) {
            words.push(word);
        }
    }
    if words.is_empty() {
        return false;
    }
    for at in memchr::memmem::find_iter(src, b"class") {
        if (at > 0 && ident(src[at - 1])) || src.get(at + 5).is_some_and(|&c| ident(c)) {
            continue;
        }
        let Some(mut i) = skip_extras(src, at + 5) else { return true };
        let from = i;
        while i < src.len() && ident(src[i]) {
            i += 1;
        }
        if src.get(i).is_some_and(|&c| c >= 0x80) || (i > from && words.contains(&&src[from..i])) {
            return true;
        }
    }
    false
}

impl ClassDecoratorWithoutUpdateWrapper {
    fn check_class(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let (Some(name), Some(body)) = (node.child_by_field_id(crate::field_id!("name")), node.child_by_field_id(crate::field_id!("body"))) else { return };
        let class_name = cx.text(name);
        // The methods first: searching a long class's text for the three
        // words below cost more, on every keystroke (the rule runs on the
        // module), than the structure that rules out most classes.
        let ms = methods(body, cx);
        let (Some(init), Some(call)) =
            (ms.iter().find(|m| m.0 == "__init__").map(|m| m.1), ms.iter().find(|m| m.0 == "__call__").map(|m| m.1))
        else {
            return;
        };
        // __init__(self, func)
        let params: Vec<Node> =
            init.child_by_field_id(crate::field_id!("parameters")).map(named_children).unwrap_or_default().into_iter().filter(|p| p.kind_name() != "comment").collect();
        if params.len() != 2 || params.iter().any(|p| p.kind_name() != "identifier") || cx.text(params[0]) != "self" {
            return;
        }
        let func = cx.text(params[1]);
        let Some(init_body) = init.child_by_field_id(crate::field_id!("body")) else { return };
        // ...stores it: `self.X = func`...
        let stored = named_children(init_body).into_iter().find_map(|s| {
            let a = s.named_child(0).filter(|a| s.kind_name() == "expression_statement" && a.kind_name() == "assignment")?;
            let (l, r) = (a.child_by_field_id(crate::field_id!("left"))?, a.child_by_field_id(crate::field_id!("right"))?);
            if r.kind_name() != "identifier" || cx.text(r) != func || l.kind_name() != "attribute" {
                return None;
            }
            let obj = l.child_by_field_id(crate::field_id!("object"))?;
            let attr = l.child_by_field_id(crate::field_id!("attribute"))?;
            (cx.text(obj) == "self").then(|| cx.text(attr))
        });
        let Some(attr) = stored else { return };
        // ...and __call__ calls it.
        if !calls_self_attr(call, attr, cx) {
            return;
        }
        if cx.text(node).contains("update_wrapper") || cx.text(node).contains("wraps(") || cx.text(body).contains("__slots__") {
            return;
        }
        // It is used as a decorator in this file.
        let used = cx.src.match_indices(&format!("@{class_name}")).any(|(i, m)| {
            cx.src[i + m.len()..].chars().next().is_some_and(|c| matches!(c, '\n' | '\r' | ' ' | '\t' | '('))
        });
        if !used {
            return;
        }
        let mut f = Finding::new(self.id(), name.byte_range());
        if let Some(fix) = fix(init_body, func, cx) {
            f = f.with_fix(fix);
        }
        out.push(f);
    }
}

/// Insert `functools.update_wrapper(self, func)` as the first statement of
/// `__init__` (after its docstring).
fn fix(init_body: Node, func: &str, cx: &Context) -> Option<Fix> {
    let first = first_statement(init_body)?;
    let is_doc = first.kind_name() == "expression_statement" && first.named_child(0).is_some_and(|c| c.kind_name() == "string");
    let indent = syntax::indent_at(cx.src, first.start_byte()).to_string();
    let line_start = cx.src[..first.start_byte()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if line_start + indent.len() != first.start_byte() {
        return None;
    }
    let (uw, import) = module_attr(cx, "functools", "update_wrapper")?;
    let nl = syntax::newline_of(cx.src);
    let line = format!("{uw}(self, {func})");
    let edit = if is_doc {
        let next = first.next_named_sibling()?;
        if next.start_position().row == first.end_position().row {
            return None;
        }
        Edit::insert(first.end_byte(), format!("{nl}{indent}{line}"))
    } else {
        Edit::insert(first.start_byte(), format!("{line}{nl}{indent}"))
    };
    let mut edits = vec![edit];
    edits.extend(import);
    Some(Fix::unsafe_("add-update-wrapper", edits))
}

#[cfg(test)]
mod tests {
    use super::may_decorate_with_own_class as pretest;

    #[test]
    fn pretest_finds_the_class_names_tree_sitter_reads() {
        let dec = "\n@Dec\ndef f():\n    pass\n";
        assert!(pretest(format!("class Dec:\n    pass\n{dec}").as_bytes()));
        assert!(pretest(format!("class \\\n        Dec:\n    pass\n{dec}").as_bytes()));
        assert!(pretest(format!("x = 1;class\tDec(object):\n    pass\n{dec}").as_bytes()));
        assert!(pretest(format!("class\u{a0}Dec:\n    pass\n{dec}").as_bytes()));
        assert!(pretest(b"class Dec:\n    pass\n\n@Dec(1)\ndef f():\n    pass\n"));
        // No `@Dec` that the use test accepts, or no class `Dec`.
        assert!(!pretest(b"class Dec:\n    pass\n\n@Dec.make\ndef f():\n    pass\n"));
        assert!(!pretest(b"class Decorator:\n    pass\n\n@Dec\ndef f():\n    pass\n"));
        assert!(!pretest(b"class Dec:\n    pass\n\n@Decorator\ndef f():\n    pass\n"));
        assert!(!pretest(b"subclass Dec\n@Dec\n"));
        assert!(!pretest(b"x = a @ b\nclass Dec: pass\n"));
    }
}
