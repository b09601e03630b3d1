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
