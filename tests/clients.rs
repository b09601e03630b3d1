//! The server with what real editors send: one protocol-level session per
//! recorded client (`tests/fixtures/clients/*.json`: VS Code, Neovim 0.7–0.11,
//! Helix, Emacs/eglot, a client that offers nothing), and the Helix
//! configuration checked against the keys Helix documents.

mod common;
use common::*;
use pyexplain::line_index::{Encoding, LineIndex};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A line with a non-ASCII string before `yield` and before the fixed
/// `xs[i]`, so positions differ between UTF-8 and UTF-16.
const TEXT: &str = "\"\"\"Recorded-client session.\"\"\"\n\n\ndef squares(xs):\n    for i in range(len(xs)):\n        s = \"😀é\"; yield s + xs[i]\n";
const FIXED: &str = "\"\"\"Recorded-client session.\"\"\"\n\n\ndef squares(xs):\n    for x in xs:\n        s = \"😀é\"; yield s + x\n";
const FIX_TITLE: &str = "Iterate over the sequence directly (range-len-loop)";

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clients")
}

fn recorded_clients() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(clients_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_stem().unwrap().to_string_lossy().to_string(), v)
        })
        .collect()
}

/// Column (in `enc`) of `needle` on `line` of `text`.
fn column(text: &str, line: usize, needle: &str, enc: Encoding) -> usize {
    let l = text.lines().nth(line).unwrap();
    let byte = l.find(needle).unwrap();
    pyexplain::line_index::column_width(&l[..byte], enc)
}

/// Apply LSP text edits given in `enc` to `text`.
fn apply(text: &str, edits: &[Value], enc: Encoding) -> String {
    let idx = LineIndex::new(text);
    let off = |p: &Value| idx.offset(text, p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize, enc);
    let mut es: Vec<(usize, usize, String)> =
        edits.iter().map(|e| (off(&e["range"]["start"]), off(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string())).collect();
    es.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in es {
        out.replace_range(a..b, &t);
    }
    out
}

/// Whether the capabilities offer dynamic registration anywhere.
fn offers_dynamic_registration(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| (k == "dynamicRegistration" && v == &json!(true)) || offers_dynamic_registration(v)),
        Value::Array(a) => a.iter().any(offers_dynamic_registration),
        _ => false,
    }
}

fn session(name: &str, recorded: &Value) {
    let caps = &recorded["capabilities"];
    let offered: Vec<&str> = caps["general"]["positionEncodings"].as_array().map(|a| a.iter().filter_map(|e| e.as_str()).collect()).unwrap_or_default();
    let (enc, enc_name) = if offered.contains(&"utf-8") { (Encoding::Utf8, "utf-8") } else { (Encoding::Utf16, "utf-16") };
    let config_pull = caps["workspace"]["configuration"] == json!(true);
    let document_changes = caps["workspace"]["workspaceEdit"]["documentChanges"] == json!(true);
    let dynamic = offers_dynamic_registration(caps);
    let root = format!("file:///tmp/pyexplain-clients/{name}");
    let uri = format!("{root}/example.py");

    let mut c = Client::spawn();
    let mut params = json!({
        "processId": std::process::id(),
        "clientInfo": recorded["clientInfo"],
        "rootUri": root,
        "rootPath": format!("/tmp/pyexplain-clients/{name}"),
        "capabilities": caps,
        "trace": "off",
        "workspaceFolders": [{"uri": root, "name": name}],
    });
    if let Some(opts) = recorded.get("initializationOptions") {
        params["initializationOptions"] = opts.clone();
    }
    let r = c.request("initialize", params);
    let cap = &r["result"]["capabilities"];
    assert_eq!(cap["positionEncoding"], enc_name, "{name}: {r:#}");
    assert_eq!(cap["hoverProvider"], true, "{name}");
    assert_eq!(cap["textDocumentSync"]["change"], 2, "{name}");
    assert!(cap.get("notebookDocumentSync").is_none(), "{name}");
    c.notify("initialized", json!({}));
    if recorded["clientInfo"]["name"] == "Neovim" {
        // Neovim 0.7–0.10 send their (empty) `settings` right after `initialized`.
        c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    }

    // Open: diagnostics for version 1.
    c.open(&uri, TEXT, 1);
    let d = c.diagnostics(&uri, Some(1));
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{name}: {diags:#?}");
    let diag = &diags[0];
    assert_eq!(diag["code"], "range-len-loop", "{name}");
    assert_eq!(diag["range"]["start"], json!({"line": 4, "character": 8}), "{name}");
    assert_eq!(diag["range"]["end"], json!({"line": 4, "character": 27}), "{name}");

    // Hover on `yield`, after the emoji: the column is counted in the negotiated encoding.
    let col = column(TEXT, 5, "yield", enc) as u64;
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": col}}));
    let md = h["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{name}: no hover: {h:#}"));
    assert!(md.contains("is a generator function"), "{name}: {md}");
    assert_eq!(h["result"]["contents"]["kind"], "markdown", "{name}");
    assert_eq!(h["result"]["range"], json!({"start": {"line": 5, "character": col}, "end": {"line": 5, "character": col + 5}}), "{name}");

    // Code action on the diagnostic, with the context the client sends back (no `data`).
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag], "triggerKind": 1}}),
    );
    let actions = r["result"].as_array().unwrap_or_else(|| panic!("{name}: {r:#}"));

    // Hover on the finding (after the code action, which waits for the
    // findings of the current settings): VS Code (and its builds) shows the
    // diagnostic's message in the hover box already, so the heading does not
    // repeat it; the other clients show diagnostics apart and get it.
    let col = column(TEXT, 4, "range", enc) as u64;
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": col}}));
    let md = h["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{name}: no hover on the finding: {h:#}"));
    let message = diag["message"].as_str().unwrap();
    let vscode = ["Visual Studio Code", "code-server"].contains(&recorded["clientInfo"]["name"].as_str().unwrap_or(""));
    if vscode {
        assert!(md.starts_with("**pyexplain: range-len-loop**\n\n") && !md.contains(message), "{name}: {md}");
    } else {
        assert!(md.starts_with(&format!("**pyexplain: range-len-loop** — {message}")), "{name}: {md}");
    }
    let fix = actions.iter().find(|a| a["title"] == FIX_TITLE).unwrap_or_else(|| panic!("{name}: {actions:#?}"));
    assert_eq!(fix["kind"], "quickfix", "{name}");
    if document_changes {
        assert_eq!(fix["edit"]["documentChanges"][0]["textDocument"]["version"], 1, "{name}: {fix:#}");
        assert!(fix["edit"].get("changes").is_none(), "{name}");
    } else {
        assert!(fix["edit"].get("documentChanges").is_none(), "{name}: {fix:#}");
        assert!(fix["edit"]["changes"][&uri].is_array(), "{name}: {fix:#}");
    }
    let edits = action_edits(fix, &uri);
    let fixed = apply(TEXT, &edits, enc);
    assert_eq!(fixed, FIXED, "{name}");

    // The client applies the fix and reports it as an incremental change, in its encoding.
    let changes: Vec<Value> = edits.iter().rev().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect();
    let mut sorted = changes.clone();
    sorted.sort_by_key(|c| std::cmp::Reverse((c["range"]["start"]["line"].as_u64(), c["range"]["start"]["character"].as_u64())));
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": sorted}));
    let d = c.diagnostics(&uri, Some(2));
    assert_eq!(d["diagnostics"], json!([]), "{name}: the fixed text still has findings");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": column(FIXED, 5, "yield", enc)}}),
    );
    assert!(h["result"]["contents"]["value"].as_str().unwrap_or("").contains("is a generator function"), "{name}: {h:#}");

    // Shut down cleanly.
    let s = c.request("shutdown", Value::Null);
    assert!(s.get("error").is_none() && s["result"].is_null(), "{name}: {s:#}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0, "{name}");

    // The server asked only for what the client offers.
    let asked: Vec<String> = c.backlog.iter().filter(|m| m.get("id").is_some() && m.get("method").is_some()).map(|m| m["method"].as_str().unwrap().to_string()).collect();
    for m in &asked {
        match m.as_str() {
            "workspace/configuration" => assert!(config_pull, "{name}: asked for configuration the client does not offer"),
            "client/registerCapability" => assert!(dynamic, "{name}: registered a capability dynamically"),
            other => panic!("{name}: unexpected server request {other}"),
        }
    }
    if config_pull {
        assert!(asked.iter().any(|m| m == "workspace/configuration"), "{name}: the client offers workspace/configuration; the server should pull settings");
    }
}

#[test]
fn the_fixtures_cover_both_encodings_and_a_client_without_configuration() {
    let clients = recorded_clients();
    let names: Vec<&str> = clients.iter().map(|(n, _)| n.as_str()).collect();
    for want in ["vscode-1.65.2", "vscode-code-server-1.100.3", "neovim-0.7.0", "neovim-0.11.0", "helix-25.07", "emacs-eglot-29.1", "minimal"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let utf8 = |v: &Value| v["capabilities"]["general"]["positionEncodings"].as_array().is_some_and(|a| a.contains(&json!("utf-8")));
    assert!(clients.iter().any(|(_, v)| utf8(v)));
    assert!(clients.iter().any(|(_, v)| !utf8(v)));
    assert!(clients.iter().any(|(_, v)| v["capabilities"]["workspace"]["configuration"] != json!(true) && !offers_dynamic_registration(&v["capabilities"])));
}

#[test]
fn every_recorded_client_gets_diagnostics_hover_and_a_quick_fix() {
    let clients = recorded_clients();
    // Two at a time: the machine is small and each session spawns a server.
    for pair in clients.chunks(2) {
        std::thread::scope(|s| {
            for (name, v) in pair {
                s.spawn(move || session(name, v));
            }
        });
    }
}

// ---- Helix: editors/helix/languages.toml and the README's snippets ----

/// Keys Helix documents for `[language-server.NAME]` (book: languages.md, "Language Server configuration").
const HELIX_SERVER_KEYS: &[&str] = &["command", "args", "config", "timeout", "environment", "required-root-patterns"];
/// Keys of a `language-servers` entry given as a table.
const HELIX_SERVER_REF_KEYS: &[&str] = &["name", "only-features", "except-features"];
/// Feature names for `only-features` / `except-features`.
const HELIX_FEATURES: &[&str] = &[
    "format",
    "goto-definition",
    "goto-declaration",
    "goto-type-definition",
    "goto-reference",
    "goto-implementation",
    "signature-help",
    "hover",
    "document-highlight",
    "completion",
    "code-action",
    "workspace-command",
    "document-symbols",
    "workspace-symbols",
    "diagnostics",
    "rename-symbol",
    "inlay-hints",
    "document-colors",
];
/// Keys of a `[[language]]` entry (book: languages.md, "Language configuration").
const HELIX_LANGUAGE_KEYS: &[&str] = &[
    "name",
    "language-id",
    "scope",
    "injection-regex",
    "file-types",
    "shebangs",
    "roots",
    "auto-format",
    "diagnostic-severity",
    "comment-token",
    "comment-tokens",
    "block-comment-tokens",
    "indent",
    "grammar",
    "formatter",
    "soft-wrap",
    "text-width",
    "rulers",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
    "language-servers",
    "auto-pairs",
    "debugger",
    "path-completion",
    "word-completion",
];

/// Checks one languages.toml text; returns the Python entry's server list.
fn check_helix_toml(what: &str, text: &str) -> Vec<Value> {
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{what}: not TOML: {e}"));
    for k in doc.keys() {
        assert!(k == "language-server" || k == "language" || k == "use-grammars" || k == "grammar", "{what}: unknown top-level key {k}");
    }
    let servers = doc.get("language-server").and_then(|v| v.as_table()).unwrap_or_else(|| panic!("{what}: no [language-server.*]"));
    let px = servers.get("pyexplain").and_then(|v| v.as_table()).unwrap_or_else(|| panic!("{what}: no [language-server.pyexplain]"));
    for k in px.keys() {
        assert!(HELIX_SERVER_KEYS.contains(&k.as_str()), "{what}: [language-server.pyexplain] has {k}, which Helix does not document");
    }
    assert_eq!(px.get("command").and_then(|v| v.as_str()), Some("pyexplain"), "{what}");
    assert_eq!(px.get("args").map(|v| v.to_string()), Some(r#"["serve"]"#.to_string()), "{what}");
    let langs = doc.get("language").and_then(|v| v.as_array()).unwrap_or_else(|| panic!("{what}: no [[language]]"));
    let python = langs.iter().filter_map(|l| l.as_table()).find(|l| l.get("name").and_then(|n| n.as_str()) == Some("python")).unwrap_or_else(|| panic!("{what}: no python entry"));
    for k in python.keys() {
        assert!(HELIX_LANGUAGE_KEYS.contains(&k.as_str()), "{what}: [[language]] has {k}, which Helix does not document");
    }
    let list = python.get("language-servers").and_then(|v| v.as_array()).unwrap_or_else(|| panic!("{what}: python has no language-servers"));
    let mut out = Vec::new();
    for entry in list {
        let j: Value = serde_json::to_value(entry).unwrap();
        if let Some(t) = entry.as_table() {
            for k in t.keys() {
                assert!(HELIX_SERVER_REF_KEYS.contains(&k.as_str()), "{what}: language-servers entry has {k}");
            }
            assert!(t.get("name").is_some_and(|n| n.is_str()), "{what}: a table entry needs a name");
            assert!(!(t.contains_key("only-features") && t.contains_key("except-features")), "{what}: only- and except-features together");
            for key in ["only-features", "except-features"] {
                for f in t.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
                    assert!(HELIX_FEATURES.contains(&f.as_str().unwrap_or("")), "{what}: unknown feature {f}");
                }
            }
        } else {
            assert!(entry.is_str(), "{what}: a language-servers entry is a name or a table");
        }
        out.push(j);
    }
    let name_of = |v: &Value| v.as_str().map(str::to_string).or_else(|| v["name"].as_str().map(str::to_string)).unwrap();
    assert!(out.iter().any(|v| name_of(v) == "pyexplain"), "{what}: pyexplain not in the python servers");
    assert!(out.len() >= 2, "{what}: the list replaces Helix's default; keep the user's other server beside pyexplain");
    for v in &out {
        let n = name_of(v);
        assert!(n == "pyexplain" || n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{what}: odd server name {n}");
    }
    out
}

#[test]
fn helix_languages_toml_uses_only_documented_keys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/helix");
    let text = std::fs::read_to_string(root.join("languages.toml")).unwrap();
    let list = check_helix_toml("languages.toml", &text);
    // Helix 25.07+: pyexplain beside the others, with every feature.
    assert!(list.iter().any(|v| v == "pyexplain"), "{list:?}");
    // The list replaces Helix's default one: it keeps Helix 25.07's default Python
    // servers, in Helix's order, and adds pyexplain.
    let others: Vec<&str> = list.iter().map(|v| v.as_str().or(v["name"].as_str()).unwrap()).filter(|n| *n != "pyexplain").collect();
    assert_eq!(others, ["ty", "ruff", "jedi", "pylsp"], "languages.toml drops or reorders Helix 25.07's default Python servers: {list:?}");

    // Every ```toml block of the README is valid too; the one for older Helix puts pyexplain first,
    // limited to hover, diagnostics and code actions.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```toml\n").skip(1).map(|b| b.split("\n```").next().unwrap()).collect();
    assert!(blocks.len() >= 2, "README has {} toml blocks", blocks.len());
    let mut saw_older = false;
    for (i, b) in blocks.iter().enumerate() {
        let list = check_helix_toml(&format!("README block {i}"), b);
        if list[0]["name"] == "pyexplain" {
            let mut f: Vec<&str> = list[0]["only-features"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            f.sort();
            assert_eq!(f, ["code-action", "diagnostics", "hover"], "README block {i}");
            saw_older = true;
        }
    }
    assert!(saw_older, "README: no block for Helix before 25.07 with pyexplain first");
}
