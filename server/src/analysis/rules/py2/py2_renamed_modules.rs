//! `py2-renamed-modules`: imports of Python 2 standard-library modules that
//! Python 3 renamed (`Queue`, `ConfigParser`, `cPickle`, `urlparse` …) or
//! removed (`commands`, `popen2`, `urllib2` …).

use super::prelude::*;

pub struct Py2RenamedModules;

/// Python 2 name, Python 3 module, whether the rename is exact (`Some(true)`),
/// close but not exact (`Some(false)`), or needs a manual rewrite (`None`).
const MODULES: &[(&str, &str, Option<bool>)] = &[
    ("Queue", "queue", Some(true)),
    ("ConfigParser", "configparser", Some(false)),
    ("cPickle", "pickle", Some(true)),
    ("StringIO", "io", Some(false)),
    ("cStringIO", "io", Some(false)),
    ("__builtin__", "builtins", Some(true)),
    ("copy_reg", "copyreg", Some(true)),
    ("SocketServer", "socketserver", Some(true)),
    ("Tkinter", "tkinter", Some(true)),
    ("tkMessageBox", "tkinter.messagebox", Some(true)),
    ("tkFileDialog", "tkinter.filedialog", Some(true)),
    ("tkSimpleDialog", "tkinter.simpledialog", Some(true)),
    ("tkColorChooser", "tkinter.colorchooser", Some(true)),
    ("tkCommonDialog", "tkinter.commondialog", Some(true)),
    ("tkFont", "tkinter.font", Some(true)),
    ("Tkconstants", "tkinter.constants", Some(true)),
    ("Tkdnd", "tkinter.dnd", Some(true)),
    ("ScrolledText", "tkinter.scrolledtext", Some(true)),
    ("ttk", "tkinter.ttk", Some(true)),
    ("httplib", "http.client", Some(true)),
    ("HTMLParser", "html.parser", Some(false)),
    ("htmlentitydefs", "html.entities", Some(true)),
    ("Cookie", "http.cookies", Some(true)),
    ("cookielib", "http.cookiejar", Some(true)),
    ("BaseHTTPServer", "http.server", Some(true)),
    ("SimpleHTTPServer", "http.server", Some(true)),
    ("CGIHTTPServer", "http.server", Some(true)),
    ("xmlrpclib", "xmlrpc.client", Some(true)),
    ("SimpleXMLRPCServer", "xmlrpc.server", Some(true)),
    ("DocXMLRPCServer", "xmlrpc.server", Some(true)),
    ("urlparse", "urllib.parse", Some(true)),
    ("robotparser", "urllib.robotparser", Some(true)),
    ("anydbm", "dbm", Some(true)),
    ("whichdb", "dbm", Some(true)),
    ("dumbdbm", "dbm.dumb", Some(true)),
    ("gdbm", "dbm.gnu", Some(true)),
    ("_winreg", "winreg", Some(true)),
    ("thread", "_thread", Some(true)),
    ("markupbase", "_markupbase", Some(true)),
    ("UserDict", "collections", None),
    ("UserList", "collections", None),
    ("UserString", "collections", None),
    ("urllib2", "urllib.request", None),
    ("commands", "subprocess", None),
    ("popen2", "subprocess", None),
    ("dummy_thread", "threading", None),
];

fn lookup(name: &str) -> Option<(&'static str, Option<bool>)> {
    MODULES.iter().find(|(old, _, _)| *old == name).map(|(_, new, exact)| (*new, *exact))
}

fn finding(id: &'static str, name: Node, exact: Option<bool>, new_text: String) -> Finding {
    let f = Finding::new(id, name.byte_range());
    match exact {
        Some(true) => f.with_fix(Fix::new("rename", Applicability::Safe, vec![Edit::replace(name.byte_range(), new_text)])),
        Some(false) => f.with_fix(Fix::new("rename", Applicability::Unsafe, vec![Edit::replace(name.byte_range(), new_text)])),
        None => f,
    }
}

impl Rule for Py2RenamedModules {
    fn id(&self) -> &'static str {
        "py2-renamed-modules"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["import_statement", "import_from_statement"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if compat::in_compat_guard(node, cx.src) {
            return;
        }
        if node.kind_name() == "import_statement" {
            for c in named_children(node) {
                match c.kind_name() {
                    "dotted_name" => {
                        let old = cx.text(c);
                        if let Some((new, exact)) = lookup(old) {
                            // Keep the old name bound, so the rest of the file still works.
                            out.push(finding(self.id(), c, exact, format!("{new} as {old}")));
                        }
                    }
                    "aliased_import" => {
                        let Some(n) = c.child_by_field_id(crate::field_id!("name")) else { continue };
                        if let Some((new, exact)) = lookup(cx.text(n)) {
                            let alias = c.child_by_field_id(crate::field_id!("alias")).map(|a| cx.text(a));
                            let mut f = finding(self.id(), n, exact, new.to_string());
                            if alias == Some(new) {
                                // `import cPickle as pickle` → `import pickle`.
                                for fx in &mut f.fixes {
                                    fx.edits = vec![Edit::replace(c.byte_range(), new)];
                                }
                            }
                            out.push(f);
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let Some(module) = node.child_by_field_id(crate::field_id!("module_name")).filter(|m| m.kind_name() == "dotted_name") else { return };
        if let Some((new, exact)) = lookup(cx.text(module)) {
            out.push(finding(self.id(), module, exact, new.to_string()));
        }
    }
}
