//! End-to-end tests: the real `pyexplain serve` binary over JSON-RPC.

mod common;
use common::*;
use serde_json::{json, Value};

const URI: &str = "file:///tmp/pyexplain-test/example.py";

fn caps(utf8: bool, document_changes: bool) -> Value {
    let mut c = json!({
        "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}, "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}}},
        "workspace": {"workspaceEdit": {"documentChanges": document_changes}}
    });
    if utf8 {
        c["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    c
}

#[test]
fn initialize_spells_out_capabilities() {
    let mut c = Client::spawn();
    let r = c.initialize(caps(false, true));
    let cap = &r["result"]["capabilities"];
    assert_eq!(cap["positionEncoding"], "utf-16");
    assert_eq!(cap["textDocumentSync"]["change"], 2);
    assert_eq!(cap["textDocumentSync"]["openClose"], true);
    assert_eq!(cap["hoverProvider"], true);
    let kinds = cap["codeActionProvider"]["codeActionKinds"].as_array().unwrap();
    assert!(kinds.contains(&json!("quickfix")) && kinds.contains(&json!("source.fixAll.pyexplain")));
    assert!(cap.get("notebookDocumentSync").is_none());
    assert_eq!(r["result"]["serverInfo"]["name"], "pyexplain");
    assert_eq!(r["result"]["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));

    let mut c8 = Client::spawn();
    let r8 = c8.initialize(caps(true, true));
    assert_eq!(r8["result"]["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn diagnostics_on_open_hover_and_quick_fix() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    let text = "def squares(xs):\n    for i in range(len(xs)):\n        yield xs[i] * xs[i]\n";
    c.open(URI, text, 1);
    let d = c.diagnostics(URI, Some(1));
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let diag = &diags[0];
    assert_eq!(diag["code"], "range-len-loop");
    assert_eq!(diag["source"], "pyexplain");
    assert!(diag["codeDescription"]["href"].as_str().unwrap().starts_with("https://docs.python.org/"));

    // Hover on `yield` explains generators.
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 10}}));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("generator"), "{md}");
    assert_eq!(h["result"]["contents"]["kind"], "markdown");

    // Hover inside the finding explains the rule first.
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 19}}));
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("range-len-loop"), "{md}");

    // Code actions without sending Diagnostic.data back.
    let mut diag_no_data = diag.clone();
    diag_no_data.as_object_mut().unwrap().remove("data");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": diag["range"], "context": {"diagnostics": [diag_no_data], "only": ["quickfix"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions.iter().find(|a| a["title"].as_str().unwrap().ends_with("(range-len-loop)") && !a["title"].as_str().unwrap().starts_with("Ignore")).unwrap();
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["edit"]["documentChanges"][0]["textDocument"]["version"], 1);
    let fixed = apply_lsp_edits(text, &action_edits(fix, URI));
    assert!(py_compiles(&fixed), "{fixed}");
    assert!(!fixed.contains("range(len("), "{fixed}");
    let ignore = actions.iter().find(|a| a["title"] == "Ignore range-len-loop on this line").unwrap();
    let ignored = apply_lsp_edits(text, &action_edits(ignore, URI));
    assert!(ignored.contains("# pyexplain: ignore[range-len-loop]"), "{ignored}");

    // The fixed text, sent back as a full change, no longer triggers the rule.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]}));
    let d = c.diagnostics(URI, Some(2));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 0, "{d:#?}");

    // The ignore comment silences it too.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": ignored}]}));
    let d = c.diagnostics(URI, Some(3));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 0, "{d:#?}");

    // didClose clears diagnostics.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    let d = c.diagnostics(URI, None);
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn fix_all_turns_python2_into_python3() {
    let mut c = Client::spawn();
    c.initialize(caps(false, false));
    let text = "import sys\n\nclass Old(object):\n    def run(self, code):\n        try:\n            exec code in {}\n        except ValueError, e:\n            print \"bad\", e\n            raise RuntimeError, \"failed\"\n        print \"done\", sys.argv[0]\n";
    assert!(!py_compiles(text));
    c.open(URI, text, 1);
    let d = c.diagnostics(URI, Some(1));
    assert!(d["diagnostics"].as_array().unwrap().len() >= 5, "{d:#?}");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll.pyexplain"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.pyexplain");
    // Without documentChanges support the edit comes as `changes`.
    assert!(actions[0]["edit"]["changes"].is_object());
    let fixed = apply_lsp_edits(text, &action_edits(&actions[0], URI));
    assert!(py_compiles(&fixed), "{fixed}");
    assert!(fixed.contains("except ValueError as e:") && fixed.contains("print(\"done\", sys.argv[0])"), "{fixed}");
}

/// A small deterministic generator (no dependency needed for tests).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn pipelined_incremental_edits_match_a_fresh_open() {
    for utf8 in [false, true] {
        let mut c = Client::spawn();
        c.initialize(caps(utf8, true));
        let enc = if utf8 { pyexplain::line_index::Encoding::Utf8 } else { pyexplain::line_index::Encoding::Utf16 };
        let mut text = String::from("def f(xs, d={}):\n    for i in range(len(xs)):\n        print(xs[i], '😀', \"漢字\")\n    return x == None\n");
        c.open(URI, &text, 1);
        let pieces = ["😀", "漢", "a", "\n", " ", "x", "(", ")", "é", "\r\n", "for i in range(len(xs)): print(xs[i])\n", "== None", "𝄞"];
        let mut rng = Rng(0x9E3779B97F4A7C15 ^ utf8 as u64);
        for v in 2..=501 {
            let idx = pyexplain::line_index::LineIndex::new(&text);
            // Random char-boundary range.
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let a = bounds[rng.below(bounds.len())];
            let b = if rng.below(3) == 0 { a } else { bounds[rng.below(bounds.len())] };
            let (a, b) = (a.min(b), a.max(b));
            let b = bounds.iter().copied().filter(|&x| x >= a).take(1 + rng.below(4)).last().unwrap_or(b).min(b.max(a));
            let ins = if rng.below(4) == 0 { String::new() } else { pieces[rng.below(pieces.len())].to_string() };
            let (sl, sc) = idx.position(&text, a, enc);
            let (el, ec) = idx.position(&text, b, enc);
            text.replace_range(a..b, &ins);
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": v}, "contentChanges": [
                    {"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": ins}
                ]}),
            );
        }
        let last = c.diagnostics(URI, Some(501));
        let other = "file:///tmp/pyexplain-test/fresh.py";
        c.open(other, &text, 1);
        let fresh = c.diagnostics(other, Some(1));
        assert_eq!(last["diagnostics"], fresh["diagnostics"], "utf8={utf8}\n{text}");
        // The server's text equals ours: a full-document fix-all round trip proves it.
        let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 1}}));
        assert!(h.get("error").is_none());
    }
}

#[test]
fn malformed_messages_do_not_end_the_server() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let e = c.wait_for(|m| m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    c.send_raw(b"Content-Length: 2\r\n\r\n[]");
    let e = c.wait_for(|m| m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32600);
    c.send_raw(b"Content-Length: abc\r\n\r\n");
    let e = c.wait_for(|m| m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    // Unknown request: an error, and the server keeps going.
    let r = c.request("pyexplain/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // Bad params for a known request.
    let r = c.request("textDocument/hover", json!({"textDocument": 5}));
    assert!(r.get("error").is_some());
    // Position past the end, on a document that is open: clamped, no error.
    c.open(URI, "x = 1\n", 1);
    c.diagnostics(URI, Some(1));
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 999, "character": 999}}));
    assert!(r.get("error").is_none(), "{r}");
    // Hover on a document that is not open.
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": "file:///nope.py"}, "position": {"line": 0, "character": 0}}));
    assert_eq!(r["result"], Value::Null);
    // Still alive.
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}));
    assert!(r.get("error").is_none());
}

#[test]
fn large_and_binary_documents_are_survived() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    let big = format!("{}def g(x=[]):\n    return x == None\n", "def f(x):\n    return x + 1\n".repeat(180_000)); // ~5 MB
    c.open(URI, &big, 1);
    let d = c.diagnostics(URI, Some(1));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 2);
    let binary: String = (0u8..=255).map(|b| b as char).collect::<String>().repeat(10);
    c.open("file:///tmp/pyexplain-test/bin.py", &binary, 1);
    c.diagnostics("file:///tmp/pyexplain-test/bin.py", Some(1));
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": "file:///tmp/pyexplain-test/bin.py"}, "position": {"line": 0, "character": 5}}));
    assert!(r.get("error").is_none());
}

#[test]
fn shutdown_then_exit_is_status_0_and_exit_alone_is_1() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);

    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}

#[test]
fn configuration_changes_apply() {
    let mut c = Client::spawn();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": caps(false, true), "initializationOptions": {"pyexplain": {"ignore": ["none-equality"], "select": 5}}}),
    );
    c.notify("initialized", json!({}));
    // The bad `select` value is reported, the good `ignore` still applies.
    let m = c.wait_for(|m| m["method"] == "window/showMessage");
    assert!(m["params"]["message"].as_str().unwrap().contains("select"));
    c.open(URI, "x = 1\nprint(x == None)\n", 1);
    let d = c.diagnostics(URI, Some(1));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 0, "{d:#?}");
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"ignore": [], "severity": {"none-equality": "hint"}}}));
    let d = c.diagnostics(URI, Some(1));
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["severity"], 4);
    // A null payload changes nothing.
    c.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    let d = c.diagnostics(URI, Some(1));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn unsafe_quick_fixes_say_so_in_their_title() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    // none-equality's fix is unsafe; range-len-loop's first fix is safe.
    let text = "def f(x, xs):\n    for i in range(len(xs)):\n        print(xs[i])\n    return x == None\n";
    c.open(URI, text, 1);
    let d = c.diagnostics(URI, Some(1));
    assert!(d["diagnostics"].as_array().unwrap().len() >= 2, "{d:#?}");
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 20}}, "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    let titles: Vec<&str> = r["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    let eq = titles.iter().find(|t| t.contains("(none-equality)") && !t.starts_with("Ignore")).unwrap_or_else(|| panic!("{titles:?}"));
    assert!(eq.ends_with("(unsafe)"), "{titles:?}");
    let direct = titles.iter().find(|t| t.starts_with("Iterate over the sequence directly")).unwrap_or_else(|| panic!("{titles:?}"));
    assert!(!direct.contains("unsafe"), "{titles:?}");
    let zip = titles.iter().find(|t| t.starts_with("Use zip()"));
    assert!(zip.is_none_or(|t| t.ends_with("(unsafe)")), "{titles:?}");
}

#[test]
fn start_up_logs_version_sources_and_target() {
    let dir = std::env::temp_dir().join(format!("pyexplain-lsp-startup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pyproject.toml"), "[tool.poetry.dependencies]\npython = \"^3.9\"\n\n[tool.ruff.lint]\nignore = [\"E711\"]\n").unwrap();
    let uri = format!("file://{}", dir.display());
    let mut c = Client::spawn();
    c.request("initialize", json!({"processId": null, "rootUri": uri, "capabilities": caps(false, true)}));
    c.notify("initialized", json!({}));
    let mut logged = Vec::new();
    while logged.len() < 5 {
        let m = c.wait_for(|m| m["method"] == "window/logMessage");
        logged.push(m["params"]["message"].as_str().unwrap().to_string());
    }
    let all = logged.join("\n");
    assert!(all.contains(&format!("pyexplain {}", env!("CARGO_PKG_VERSION"))), "{all}");
    assert!(all.contains("pyproject.toml"), "{all}");
    assert!(all.contains("target Python 3.9") && all.contains("[tool.poetry.dependencies] python"), "{all}");
    assert!(all.contains("none-equality"), "the rule ruff's ignore turns off: {all}");
    // And the file's diagnostics follow: E711 ignored for ruff, so none-equality is off.
    let file = format!("{uri}/m.py");
    c.open(&file, "def f(x=[]):\n    return x == None\n", 1);
    let d = c.diagnostics(&file, Some(1));
    let codes: Vec<&str> = d["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"mutable-default-argument") && !codes.contains(&"none-equality"), "{codes:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 15: no hover on a plain local, a parameter or an unknown object's
/// attribute; `yield` inside `async def` answers with the async-generator
/// text first; `hoverTopics: false` leaves only the findings' hovers.
#[test]
fn hover_only_where_there_is_something_to_teach() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    let text = "def total(s, obj):\n    count = len(s)\n    obj.weight\n    return count\n\n\nasync def ticks(n):\n    for i in range(n):\n        yield i\n";
    c.open(URI, text, 1);
    c.diagnostics(URI, Some(1));
    let hover = |c: &mut Client, line: u32, character: u32| -> Value {
        c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}))
    };
    // `count` (a local), `s` (a parameter, at its use and its definition), `weight` (attribute of an unknown object).
    for (line, ch, what) in [(1, 5, "local"), (1, 17, "parameter use"), (0, 10, "parameter"), (2, 9, "unknown attribute"), (3, 12, "local use")] {
        let h = hover(&mut c, line, ch);
        assert!(h["result"].is_null(), "{what} at {line}:{ch} must get no hover: {h:#}");
    }
    // `yield` in `async def`: the async-generator variant comes first, in place of the generic summary.
    let h = hover(&mut c, 8, 9);
    let md = h["result"]["contents"]["value"].as_str().expect("yield has a hover");
    let body = md.split_once("\n\n").map(|(_, b)| b).unwrap_or(md);
    let yield_topic = pyexplain::knowledge::Knowledge::get().topic("yield").unwrap();
    let variant = yield_topic.doc.variant("async-generator").expect("yield has an async-generator variant");
    let first_line = |s: &str| s.trim().lines().next().unwrap_or("").trim().to_string();
    assert!(body.starts_with(&first_line(variant)), "the async-generator text first: {md}");
    assert!(!md.contains(&first_line(yield_topic.doc.body("Summary"))), "not the generic summary: {md}");

    // Topic hovers off: the keyword gets none.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"pyexplain": {"hoverTopics": false}}}));
    c.diagnostics(URI, Some(1));
    let h = hover(&mut c, 8, 9);
    assert!(h["result"].is_null(), "hoverTopics=false: {h:#}");
}

/// Client capabilities with lazy resolution of a code action's `edit`, as
/// VS Code and Neovim send them.
fn caps_resolve() -> Value {
    let mut c = caps(false, true);
    c["textDocument"]["codeAction"]["resolveSupport"] = json!({"properties": ["edit"]});
    c
}

fn code_action(c: &mut Client, uri: &str, line: u64, character: u64, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": [], "triggerKind": 2});
    if let Some(o) = only {
        context["only"] = json!(o);
    }
    let pos = json!({"line": line, "character": character});
    let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": context}));
    r["result"].as_array().unwrap_or_else(|| panic!("{r:#}")).clone()
}

fn is_fix_all(a: &Value) -> bool {
    a["kind"] == "source.fixAll.pyexplain"
}

/// Neovim's `gra` with the cursor at column 0, far from the finding's
/// columns, must offer that line's quick fix, and no other line's.
#[test]
fn the_quick_fix_is_offered_anywhere_on_the_findings_line() {
    let mut c = Client::spawn();
    c.initialize(caps_resolve());
    let text = "def squares(xs):\n    for i in range(len(xs)):\n        yield xs[i] * xs[i]\n\n\ndef cubes(ys):\n    for j in range(len(ys)):\n        yield ys[j]\n";
    c.open(URI, text, 1);
    let d = c.diagnostics(URI, Some(1));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 2, "{d:#}");
    for col in [0, 2, 28] {
        let actions = code_action(&mut c, URI, 1, col, None);
        let fixes: Vec<&Value> = actions.iter().filter(|a| a["kind"] == "quickfix" && a["diagnostics"][0]["code"] == "range-len-loop").collect();
        assert!(fixes.iter().any(|a| a["isPreferred"] == true), "column {col}: {actions:#?}");
        // Only the finding on line 1: every quick fix points at it.
        assert!(fixes.iter().all(|a| a["diagnostics"][0]["range"]["start"]["line"] == 1), "{actions:#?}");
        let fixed = apply_lsp_edits(text, &action_edits(fixes[0], URI));
        assert!(fixed.contains("for i, ") || fixed.contains("for i in xs") || !fixed.contains("range(len(xs))"), "{fixed}");
        assert!(fixed.contains("range(len(ys))"), "the other finding is not touched: {fixed}");
    }
    // A blank line between the two: no quick fix.
    let actions = code_action(&mut c, URI, 3, 0, None);
    assert!(actions.iter().all(|a| a["kind"] != "quickfix"), "{actions:#?}");
    // The range from line 0 to line 6 touches both.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 3}, "end": {"line": 6, "character": 0}}, "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    let lines: std::collections::BTreeSet<u64> =
        r["result"].as_array().unwrap().iter().map(|a| a["diagnostics"][0]["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines.into_iter().collect::<Vec<_>>(), vec![1, 6]);
}

/// A cursor move on a 10,000-line file asks for code actions without
/// `only`: fix-all (a whole-file computation) is not computed for it. It is
/// offered unresolved to a client that can resolve it, not offered at all to
/// one that cannot, and computed when asked for by kind or resolved.
#[test]
fn a_cursor_move_does_not_compute_fix_all() {
    let block = "def f{n}(xs):\n    for i in range(len(xs)):\n        print(xs[i] == None)\n    return 1\n\n";
    let text: String = (0..2_000).map(|n| block.replace("{n}", &n.to_string())).collect();
    assert_eq!(text.lines().count(), 10_000);

    // A client without resolve support: no fix-all unless asked for.
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    c.open(URI, &text, 1);
    c.diagnostics(URI, Some(1));
    let actions = code_action(&mut c, URI, 5001, 4, None);
    assert!(!actions.is_empty() && actions.iter().all(|a| a["kind"] == "quickfix"), "{actions:#?}");
    assert!(actions.iter().all(|a| a["diagnostics"][0]["range"]["start"]["line"] == 5001), "only that line's findings: {actions:#?}");
    let actions = code_action(&mut c, URI, 5001, 4, Some(&["quickfix"]));
    assert!(!actions.iter().any(is_fix_all), "{actions:#?}");
    let actions = code_action(&mut c, URI, 0, 0, Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert!(is_fix_all(&actions[0]) && actions[0]["edit"].is_object(), "{actions:#?}");

    // A client that resolves: fix-all listed without its edit, the edit
    // computed on resolve, and it fixes the whole file.
    let mut c = Client::spawn();
    c.initialize(caps_resolve());
    c.open(URI, &text, 1);
    c.diagnostics(URI, Some(1));
    let actions = code_action(&mut c, URI, 5001, 0, None);
    let lazy = actions.iter().find(|a| is_fix_all(a)).unwrap_or_else(|| panic!("{actions:#?}"));
    assert!(lazy.get("edit").is_none(), "not computed for a cursor move: {lazy:#}");
    assert!(actions.iter().any(|a| a["kind"] == "quickfix"), "{actions:#?}");
    let resolved = c.request("codeAction/resolve", lazy.clone());
    let fixed = apply_lsp_edits(&text, &action_edits(&resolved["result"], URI));
    assert!(!fixed.contains("range(len("), "{}", &fixed[..400]);
    assert_eq!(fixed.matches("for x in xs:").count(), 2_000);
    assert_eq!(fixed.lines().count(), 10_000);
}

/// An `untitled:` document has no place on disk: it must not pick up the
/// pyproject.toml of the server's working directory, and takes the
/// workspace folder's when there is one.
#[test]
fn untitled_documents_use_the_workspace_configuration_not_the_working_directory() {
    let base = std::env::temp_dir().join(format!("pyexplain-untitled-{}", std::process::id()));
    let cwd = base.join("cwd");
    let ws = base.join("workspace");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(cwd.join("pyproject.toml"), "[tool.pyexplain]\nignore = [\"none-equality\"]\n").unwrap();
    std::fs::write(ws.join("pyproject.toml"), "[tool.pyexplain]\nignore = [\"range-len-loop\"]\n").unwrap();
    let text = "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i] == None)\n";
    let codes = |c: &mut Client, uri: &str| -> Vec<String> {
        let d = c.diagnostics(uri, Some(1));
        let mut v: Vec<String> = d["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
        v.sort();
        v
    };

    // No workspace: no configuration at all (the working directory's ignores none-equality).
    let mut c = Client::spawn_with(|cmd| {
        cmd.current_dir(&cwd);
    });
    c.initialize(caps(false, true));
    c.open("untitled:Untitled-1", text, 1);
    assert_eq!(codes(&mut c, "untitled:Untitled-1"), ["none-equality", "range-len-loop"]);

    // A workspace folder: its pyproject.toml applies.
    let mut c = Client::spawn_with(|cmd| {
        cmd.current_dir(&cwd);
    });
    let ws_uri = format!("file://{}", ws.display());
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": ws_uri, "workspaceFolders": [{"uri": ws_uri, "name": "ws"}], "capabilities": caps(false, true)}),
    );
    c.notify("initialized", json!({}));
    c.open("untitled:Untitled-2", text, 1);
    assert_eq!(codes(&mut c, "untitled:Untitled-2"), ["none-equality"]);
    // A file of the workspace too (the existing behaviour, for contrast).
    let file_uri = format!("file://{}/a.py", ws.display());
    c.open(&file_uri, text, 1);
    assert_eq!(codes(&mut c, &file_uri), ["none-equality"]);
    let _ = std::fs::remove_dir_all(&base);
}

/// A hover is answered from the findings at hand while a long diagnostics
/// run is under way, and a cancelled request is answered at once: both
/// arrive before the diagnostics of the 5 MB document they were sent after.
#[test]
fn hover_and_cancel_do_not_wait_for_a_diagnostics_run() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    let big = format!("{}def g(x=[]):\n    return x == None\n", "def f(x):\n    yield x + 1\n".repeat(180_000));
    c.open(URI, &big, 1);
    let hover = c.request_async("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 5}}));
    let action = c.request_async(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 360_001, "character": 0}, "end": {"line": 360_001, "character": 0}}, "context": {"diagnostics": []}}),
    );
    c.notify("$/cancelRequest", json!({"id": action}));
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let m = c.wait_for(|m| m.get("id").is_some() || m["method"] == "textDocument/publishDiagnostics");
        if m["method"] == "textDocument/publishDiagnostics" {
            assert_eq!(m["params"]["diagnostics"].as_array().unwrap().len(), 2, "the full run's findings");
            seen.push("diagnostics".to_string());
        } else if m["id"] == json!(hover) {
            let md = m["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{m:#}"));
            assert!(md.contains("generator"), "{md}");
            seen.push("hover".to_string());
        } else if m["id"] == json!(action) {
            assert_eq!(m["error"]["code"], -32800, "{m:#}");
            seen.push("cancelled".to_string());
        }
    }
    assert_eq!(seen.last().map(String::as_str), Some("diagnostics"), "{seen:?}");
    // Still serving, and the code action now has the findings.
    let actions = code_action(&mut c, URI, 360_001, 0, Some(&["quickfix"]));
    assert!(actions.iter().any(|a| a["diagnostics"][0]["code"] == "mutable-default-argument" || a["diagnostics"][0]["code"] == "none-equality"), "{actions:#?}");
}

/// Past its time budget a diagnostics run publishes what it found so far,
/// logs which rule ran over, and the server goes on serving.
#[test]
fn a_run_past_its_time_budget_answers_what_it_has_and_says_so() {
    let log = std::env::temp_dir().join(format!("pyexplain-budget-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut c = Client::spawn_with(|cmd| {
        cmd.env("PYEXPLAIN_TIME_BUDGET_MS", "1").arg("--log-file").arg(&log);
    });
    c.initialize(caps(false, true));
    let block = "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i] == None)\n";
    let text = block.repeat(20_000);
    c.open(URI, &text, 1);
    let d = c.diagnostics(URI, Some(1));
    let n = d["diagnostics"].as_array().unwrap().len();
    assert!(n < 40_000, "the run stopped early: {n} findings");
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(logged.contains("time budget") && logged.contains("last rule run:"), "{logged}");
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 4}}));
    assert!(h["result"]["contents"]["value"].as_str().is_some(), "{h:#}");
    let _ = std::fs::remove_file(&log);
}

/// Initialize with `locale` (and initializationOptions), open a file whose
/// line 1 has a `range(len())` finding and whose line 2 a `yield`.
fn locale_client(locale: Option<&str>, options: Value) -> (Client, String) {
    let mut c = Client::spawn();
    let mut params = json!({"processId": null, "rootUri": null, "capabilities": caps(false, true), "initializationOptions": options});
    if let Some(l) = locale {
        params["locale"] = json!(l);
    }
    c.request("initialize", params);
    c.notify("initialized", json!({}));
    let text = "def squares(xs):\n    for i in range(len(xs)):\n        yield xs[i] * xs[i]\n";
    c.open(URI, text, 1);
    (c, text.to_string())
}

fn hover_md(c: &mut Client, line: u64, character: u64) -> String {
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}));
    h["result"]["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[test]
fn the_clients_locale_gives_spanish_hovers_diagnostics_and_fix_titles() {
    let (mut c, _) = locale_client(Some("es"), Value::Null);
    let d = c.diagnostics(URI, Some(1));
    let diag = d["diagnostics"][0].clone();
    assert_eq!(diag["code"], "range-len-loop");
    assert_eq!(diag["message"], "El bucle recorre una secuencia por índice con range(len(...))");
    let y = hover_md(&mut c, 2, 10);
    assert!(y.contains("**yield — funciones generadoras**") && y.contains("función generadora") && y.contains("Documentación de Python"), "{y}");
    let r = hover_md(&mut c, 1, 19);
    assert!(r.contains("El índice es contabilidad") && r.contains("*Corrección:* Recorrer la secuencia directamente (segura)"), "{r}");
    let actions = code_action(&mut c, URI, 1, 19, Some(&["quickfix"]));
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(titles.contains(&"Recorrer la secuencia directamente (range-len-loop)"), "{titles:?}");
    assert!(titles.contains(&"Ignorar range-len-loop en esta línea"), "{titles:?}");

    // A locale we do not have is English; so is `es` overridden by the setting.
    for (locale, options) in [(Some("fr"), Value::Null), (Some("es-MX"), json!({"pyexplain": {"locale": "en"}}))] {
        let (mut c, _) = locale_client(locale, options);
        let d = c.diagnostics(URI, Some(1));
        assert_eq!(d["diagnostics"][0]["message"], Knowledge_message());
        let y = hover_md(&mut c, 2, 10);
        assert!(y.contains("**yield — generator functions**"), "{locale:?}: {y}");
    }
    // The setting alone (no client locale) gives Spanish, and didChangeConfiguration switches back.
    let (mut c, _) = locale_client(None, json!({"locale": "es"}));
    assert!(hover_md(&mut c, 2, 10).contains("funciones generadoras"));
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"pyexplain": {"locale": "en"}}}));
    let mut english = false;
    for _ in 0..50 {
        if hover_md(&mut c, 2, 10).contains("generator functions") {
            english = true;
            break;
        }
    }
    assert!(english, "didChangeConfiguration locale = en");
}

#[allow(non_snake_case)]
fn Knowledge_message() -> &'static str {
    "Loop walks a sequence by index through range(len(...))"
}

#[test]
fn a_hover_links_to_the_users_notes_that_show_the_construct() {
    // A copy of the example notes (the index writes its cache in the folder).
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes");
    let dir = std::env::temp_dir().join(format!("pyexplain-lsp-notes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for rel in ["generators.md", "pipelines.md", "es/generadores.md"] {
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(rel), &to).unwrap();
    }
    let (mut c, _) = locale_client(None, json!({"notes": [dir.to_str().unwrap()]}));
    let y = hover_md(&mut c, 2, 10);
    let last = y.lines().last().unwrap_or("");
    // The reader's language first (the client's locale is English here).
    assert!(last.starts_with("[Your notes: Generators](file:///") && last.contains("generators.md#L5)"), "{y}");
    assert!(last.contains("[Your notes: Generadores](file:///") && last.contains("generadores.md#L1)"), "{y}");
    assert!(!y.contains("Data pipelines"), "at most two sections, those about `yield` first: {y}");
    // The finding's hover links to the section that shows the same finding
    // (once the finding is published: a hover before the first check has
    // no finding at hand).
    c.diagnostics(URI, Some(1));
    let r = hover_md(&mut c, 1, 19);
    assert!(r.contains("[Your notes: Index loops](file:///"), "{r}");
    // A construct no note shows: no line.
    let other = "file:///tmp/pyexplain-test/other.py";
    c.open(other, "key = lambda x: x\n", 1);
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": other}, "position": {"line": 0, "character": 8}}));
    let lam = h["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(lam.contains("lambda") && !lam.contains("Your notes"), "{lam}");
    // In Spanish, the line is Spanish.
    let (mut c, _) = locale_client(Some("es"), json!({"pyexplain": {"notes": dir.to_str().unwrap()}}));
    assert!(hover_md(&mut c, 2, 10).contains("[Tus notas: Generadores](file:///"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// didChange does not parse: a burst of edits is parsed once, by whoever
/// needs the tree next. A hover and a code action sent right behind the
/// burst (before any diagnostics of it) answer for the newest text; the
/// publications come in version order, none for a version older than one
/// already published, and the last one equals a fresh open of the text.
#[test]
fn requests_right_behind_a_burst_of_edits_see_every_edit() {
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    // A file long enough that parsing is not free, then a function to edit.
    let mut text = "def f(x):\n    return x + 1\n\n".repeat(2_000);
    let base_lines = text.lines().count() as u64;
    text.push_str("def g(xs):\n    return xs\n");
    c.open(URI, &text, 1);
    c.diagnostics(URI, Some(1));
    // 200 edits: a string opened and closed, a bracket opened and closed,
    // letters typed and deleted, all on g's body line; the last turns
    // `return xs` into `yield xs == None`.
    let line = base_lines + 1;
    let mut version = 1;
    let mut send = |c: &mut Client, text: &mut String, col: u64, end: u64, ins: &str| {
        version += 1;
        let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let at = starts[line as usize];
        text.replace_range(at + col as usize..at + end as usize, ins);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [
                {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}}, "text": ins}
            ]}),
        );
    };
    for i in 0..49 {
        match i % 3 {
            0 => {
                send(&mut c, &mut text, 4, 4, "\"");
                send(&mut c, &mut text, 14, 14, "\"");
                send(&mut c, &mut text, 14, 15, "");
                send(&mut c, &mut text, 4, 5, "");
            }
            1 => {
                send(&mut c, &mut text, 11, 11, "(");
                send(&mut c, &mut text, 11, 12, "");
                send(&mut c, &mut text, 13, 13, "x");
                send(&mut c, &mut text, 13, 14, "");
            }
            _ => {
                send(&mut c, &mut text, 13, 13, "yz");
                send(&mut c, &mut text, 13, 15, "");
                send(&mut c, &mut text, 4, 4, "(");
                send(&mut c, &mut text, 4, 5, "");
            }
        }
    }
    send(&mut c, &mut text, 4, 13, "yield xs == None");
    let last = version;
    assert!(text.ends_with("def g(xs):\n    yield xs == None\n"), "{}", &text[text.len() - 60..]);
    // Right behind the burst: the hover on `yield` sees the last edit.
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": 5}}));
    let md = h["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{h:#}"));
    assert!(md.contains("generator"), "{md}");
    // And the code action on that line offers the `== None` fix.
    let actions = code_action(&mut c, URI, line, 4, Some(&["quickfix"]));
    assert!(actions.iter().any(|a| a["diagnostics"][0]["code"] == "none-equality"), "{actions:#?}");
    // Publications in version order, ending with the last version.
    let mut seen = 1;
    loop {
        let p = c.diagnostics(URI, None);
        let v = p["version"].as_i64().unwrap();
        assert!(v >= seen, "version {v} published after {seen}");
        seen = v;
        if v == last {
            let other = "file:///tmp/pyexplain-test/fresh.py";
            c.open(other, &text, 1);
            let fresh = c.diagnostics(other, Some(1));
            assert_eq!(p["diagnostics"], fresh["diagnostics"]);
            break;
        }
    }
}

/// The scanner guard (issue 13): a document indented more levels than
/// tree-sitter-python's scanner can hold is checked up to that line, and the
/// server says so once, as the CLI does; the lines before it still get
/// their diagnostics.
#[test]
fn a_document_nested_too_deep_is_checked_up_to_that_line_and_the_server_says_so() {
    let limit = pyexplain::syntax::MAX_INDENT_LEVELS;
    let mut text = String::from("print(x == None)\n");
    for i in 0..limit + 20 {
        text.push_str(&format!("{}if x:\n", " ".repeat(i)));
    }
    text.push_str(&format!("{}'s'\n", " ".repeat(limit + 20)));
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    c.open(URI, &text, 1);
    let m = c.wait_for(|m| m["method"] == "window/showMessage");
    let msg = m["params"]["message"].as_str().unwrap();
    assert!(msg.contains(&limit.to_string()) && msg.contains("levels deep"), "{msg}");
    let d = c.diagnostics(URI, Some(1));
    let diags = d["diagnostics"].as_array().unwrap();
    assert!(diags.iter().any(|x| x["range"]["start"]["line"] == 0), "{d:#?}");
    // A shallow document says nothing of the kind.
    c.open("file:///tmp/shallow.py", "if x:\n    pass\n", 1);
    let _ = c.diagnostics("file:///tmp/shallow.py", Some(1));
    assert!(c.request("shutdown", Value::Null)["error"].is_null());
}

/// A hover sent right behind an edit elsewhere in the file (issue 13: a hover
/// never waits): the keyword's statement is untouched, so it is answered from
/// the tree parsed before the edit (when the diagnostics task has not parsed
/// first), with its range in the new text — after an edit above it that
/// shifts every line, and one below it; and equal to the hover once parsed.
#[test]
fn a_hover_behind_a_pending_edit_elsewhere_answers_for_the_current_text() {
    let text = "import os\n\n\ndef f(x):\n    return x\n\n\nfor i in range(3):\n    print(i)\n\n\nclass C:\n    pass\n";
    let mut c = Client::spawn();
    c.initialize(caps(false, true));
    c.open(URI, text, 1);
    let _ = c.diagnostics(URI, Some(1));
    // Two lines inserted in `f`, and a letter typed in `class C`.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": "    y = 1\n    z = 2\n"},
            {"range": {"start": {"line": 14, "character": 4}, "end": {"line": 14, "character": 4}}, "text": "x"}
        ]}),
    );
    // `for` moved from line 7 to line 9.
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 9, "character": 1}}));
    let value = h["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("for"), "{h:#?}");
    assert_eq!(h["result"]["range"]["start"], json!({"line": 9, "character": 0}), "{h:#?}");
    // The same hover once everything is parsed.
    let _ = c.diagnostics(URI, Some(2));
    let again = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 9, "character": 1}}));
    assert_eq!(h["result"], again["result"]);
}
