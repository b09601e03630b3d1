//! `deprecated-stdlib-aliases`: old spellings the standard library keeps (or
//! kept) only for compatibility — `logger.warn()`, `Condition.notifyAll()`,
//! `Thread.setDaemon()`, `threading.currentThread()`, `self.assertEquals()`,
//! `@abc.abstractproperty` …

use super::prelude::*;

pub struct DeprecatedStdlibAliases;

/// Module functions: qualified name → new name (None: no mechanical fix).
const FUNCTIONS: &[(&str, Option<&str>)] = &[
    ("logging.warn", Some("warning")),
    ("threading.currentThread", Some("current_thread")),
    ("threading.activeCount", Some("active_count")),
    ("base64.encodestring", Some("encodebytes")),
    ("base64.decodestring", Some("decodebytes")),
    ("inspect.getcallargs", None),
    ("sys.setcheckinterval", None),
    ("sys.getcheckinterval", None),
    ("time.clock", None),
];

/// Methods whose name alone identifies the deprecated alias.
const METHODS: &[(&str, &str)] = &[("notifyAll", "notify_all"), ("isAlive", "is_alive")];

/// unittest.TestCase aliases, called on `self`.
const UNITTEST: &[(&str, Option<&str>)] = &[
    ("assertEquals", Some("assertEqual")),
    ("assertNotEquals", Some("assertNotEqual")),
    ("assertAlmostEquals", Some("assertAlmostEqual")),
    ("assertNotAlmostEquals", Some("assertNotAlmostEqual")),
    ("assert_", Some("assertTrue")),
    ("failUnless", Some("assertTrue")),
    ("failIf", Some("assertFalse")),
    ("failUnlessEqual", Some("assertEqual")),
    ("failIfEqual", Some("assertNotEqual")),
    ("failUnlessAlmostEqual", Some("assertAlmostEqual")),
    ("failIfAlmostEqual", Some("assertNotAlmostEqual")),
    ("failUnlessRaises", Some("assertRaises")),
    ("assertRegexpMatches", Some("assertRegex")),
    ("assertNotRegexpMatches", Some("assertNotRegex")),
    ("assertRaisesRegexp", Some("assertRaisesRegex")),
    ("assertDictContainsSubset", None),
];

impl Rule for DeprecatedStdlibAliases {
    fn id(&self) -> &'static str {
        "deprecated-stdlib-aliases"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call", "decorator"]
    }
    fn reads_class_header(&self) -> bool {
        // `self.assertEquals` is reported only in a class with a `Test…` base.
        true
    }
    fn callees(&self) -> &'static [&'static str] {
        &["warn", "currentThread", "activeCount", "encodestring", "decodestring", "getcallargs", "setcheckinterval", "getcheckinterval", "clock", "notifyAll", "isAlive", "setDaemon", "isDaemon", "assertEquals", "assertNotEquals", "assertAlmostEquals", "assertNotAlmostEquals", "assert_", "failUnless", "failIf", "failUnlessEqual", "failIfEqual", "failUnlessAlmostEqual", "failIfAlmostEqual", "failUnlessRaises", "assertRegexpMatches", "assertNotRegexpMatches", "assertRaisesRegexp", "assertDictContainsSubset"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if node.kind_name() == "decorator" {
            check_decorator(node, cx, out, self.id());
            return;
        }
        let Some(func) = node.child_by_field_id(crate::field_id!("function")) else { return };
        // Module functions, resolved through imports.
        if let Some(q) = scope::qualified_name(func, cx.src, &cx.module) {
            if let Some((_, new)) = FUNCTIONS.iter().find(|(old, _)| *old == q) {
                let mut f = Finding::new(self.id(), func.byte_range());
                if let (Some(new), Some(attr)) = (new, func.child_by_field_id(crate::field_id!("attribute"))) {
                    f = f.with_fix(Fix::safe("rename", vec![Edit::replace(attr.byte_range(), *new)]));
                }
                out.push(f);
                return;
            }
        }
        if func.kind_name() != "attribute" {
            return;
        }
        let (Some(obj), Some(attr)) = (func.child_by_field_id(crate::field_id!("object")), func.child_by_field_id(crate::field_id!("attribute"))) else { return };
        let name = cx.text(attr);
        let rename = |new: &str, a: Applicability| Fix::new("rename", a, vec![Edit::replace(attr.byte_range(), new)]);
        let range = attr.start_byte()..node.end_byte();
        if name == "warn" && is_logger(obj, cx) {
            out.push(Finding::new(self.id(), range).with_fix(rename("warning", Applicability::Safe)));
        } else if let Some((_, new)) = METHODS.iter().find(|(old, _)| *old == name) {
            if calls::has_no_args(node) {
                out.push(Finding::new(self.id(), range).with_fix(rename(new, Applicability::Unsafe)));
            }
        } else if name == "setDaemon" || name == "isDaemon" {
            let args = calls::call_args(node).unwrap_or_default();
            let mut f = Finding::new(self.id(), range.clone());
            let whole_statement = node.up().is_some_and(|p| p.kind_name() == "expression_statement" && p.named_child_count() == 1);
            let o = cx.text(obj);
            let comment = syntax::has_comment_in(node, node.byte_range());
            if name == "setDaemon" && args.len() == 1 && args[0].kind_name() != "keyword_argument" && whole_statement && !comment {
                let new = format!("{o}.daemon = {}", cx.text(args[0]));
                f = f.with_fix(Fix::unsafe_("daemon-attribute", vec![Edit::replace(node.byte_range(), new)]));
            } else if name == "isDaemon" && args.is_empty() && !comment {
                f = f.with_fix(Fix::unsafe_("daemon-attribute", vec![Edit::replace(node.byte_range(), format!("{o}.daemon"))]));
            }
            if args.len() <= 1 {
                out.push(f);
            }
        } else if obj.kind_name() == "identifier" && cx.text(obj) == "self" {
            if let Some((_, new)) = UNITTEST.iter().find(|(old, _)| *old == name) {
                let in_test_class = syntax::ancestor(node, &["class_definition"]).is_some_and(|c| {
                    c.child_by_field_id(crate::field_id!("superclasses")).is_some_and(|s| cx.text(s).contains("Test"))
                });
                if !in_test_class {
                    return;
                }
                let mut f = Finding::new(self.id(), range);
                if let Some(new) = new {
                    f = f.with_fix(rename(new, Applicability::Safe));
                }
                out.push(f);
            }
        }
    }
}

/// A receiver that looks like a logger: `logging`, `logging.getLogger(…)`,
/// or a name whose last part mentions "log" (`logger`, `self.log`, `LOG`).
fn is_logger(obj: Node, cx: &Context) -> bool {
    match obj.kind_name() {
        "call" => obj.child_by_field_id(crate::field_id!("function")).is_some_and(|f| {
            scope::qualified_name(f, cx.src, &cx.module).as_deref() == Some("logging.getLogger")
        }),
        "identifier" | "attribute" => {
            // An imported module such as `distutils.log` has its own `warn()`.
            if scope::qualified_name(obj, cx.src, &cx.module).is_some_and(|q| !q.starts_with("logging")) {
                return false;
            }
            let last = if obj.kind_name() == "attribute" {
                obj.child_by_field_id(crate::field_id!("attribute")).map(|a| cx.text(a)).unwrap_or("")
            } else {
                cx.text(obj)
            };
            let l = last.to_ascii_lowercase();
            l == "log" || l == "_log" || l.ends_with("logger")
        }
        _ => false,
    }
}

/// `@abc.abstractproperty` → `@property` over `@abc.abstractmethod`.
fn check_decorator(dec: Node, cx: &Context, out: &mut Vec<Finding>, id: &'static str) {
    let Some(expr) = dec.named_child(0) else { return };
    let Some(q) = scope::qualified_name(expr, cx.src, &cx.module) else { return };
    let builtin = match q.as_str() {
        "abc.abstractproperty" => "property",
        "abc.abstractclassmethod" => "classmethod",
        "abc.abstractstaticmethod" => "staticmethod",
        _ => return,
    };
    let mut f = Finding::new(id, dec.byte_range());
    let mut edits = Vec::new();
    let abstractmethod = if expr.kind_name() == "attribute" {
        expr.child_by_field_id(crate::field_id!("object")).map(|o| format!("{}.abstractmethod", cx.text(o)))
    } else {
        imports::local_ref(cx, "abc", "abstractmethod").or_else(|| {
            (!scope::is_shadowed("abstractmethod", dec, cx.src, &cx.module)).then(|| {
                edits.push(cx.import_edit("from abc import abstractmethod"));
                "abstractmethod".to_string()
            })
        })
    };
    if let Some(am) = abstractmethod {
        if edits::starts_line(cx.src, dec.start_byte()) && !scope::is_shadowed(builtin, dec, cx.src, &cx.module) {
            let nl = syntax::newline_of(cx.src);
            let indent = syntax::indent_at(cx.src, dec.start_byte());
            let new = format!("{builtin}{nl}{indent}@{am}");
            edits.push(Edit::replace(expr.byte_range(), new));
            f = f.with_fix(Fix::safe("rename", edits));
        }
    }
    out.push(f);
}
