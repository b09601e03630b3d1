//! The JSON-RPC edge over the real binary: every odd form of message the
//! reliability audit found (issue 13) is answered, and the server keeps
//! serving the same documents afterwards. Each case is a regression test.

mod common;
use common::Client;
use serde_json::{json, Value};

const URI: &str = "file:///tmp/pyexplain-protocol/a.py";

fn caps() -> Value {
    json!({"textDocument": {"hover": {"contentFormat": ["markdown"]}}})
}

/// The server still answers a hover on the open document.
fn alive(c: &mut Client) {
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 4}}));
    assert!(r.get("error").is_none(), "{r}");
}

fn raw(c: &mut Client, body: &str) {
    c.send_raw(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
}

#[test]
fn ids_that_tower_lsp_server_cannot_read_get_an_error_with_a_null_id() {
    let mut c = Client::spawn();
    c.initialize(caps());
    c.open(URI, "def f():\n    yield 1\n", 1);
    c.diagnostics(URI, Some(1));
    for id in ["1.5", "1e3", "18446744073709551616", "null", "{}"] {
        raw(&mut c, &format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{"textDocument":{{"uri":"{URI}"}},"position":{{"line":1,"character":4}}}}}}"#));
        let e = c.wait_for(|m| m.get("error").is_some());
        assert_eq!(e["id"], Value::Null, "id {id}");
        assert_eq!(e["error"]["code"], -32600, "id {id}");
        alive(&mut c);
    }
    // Duplicate keys: the last one wins, as for any JSON reader, and the
    // request is served.
    raw(&mut c, &format!(r#"{{"jsonrpc":"2.0","id":900,"id":901,"method":"textDocument/hover","params":{{"textDocument":{{"uri":"{URI}"}},"position":{{"line":1,"character":4}}}}}}"#));
    let r = c.wait_for(|m| m["id"] == 901);
    assert!(r["result"]["contents"]["value"].as_str().unwrap().contains("yield"), "{r}");
    alive(&mut c);
}

#[test]
fn a_stray_line_between_frames_does_not_desynchronise_the_stream() {
    let mut c = Client::spawn();
    c.initialize(caps());
    c.open(URI, "def f():\n    yield 1\n", 1);
    c.diagnostics(URI, Some(1));
    c.send_raw(b"hello\r\n");
    alive(&mut c);
    c.send_raw(b"garbage with no newline ");
    alive(&mut c);
    // An oversized header line is skipped, not buffered.
    let mut long = vec![b'x'; 1 << 20];
    long.extend_from_slice(b"\r\n");
    c.send_raw(&long);
    alive(&mut c);
}

#[test]
fn dollar_requests_are_answered_and_a_shutdown_notification_is_ignored() {
    let mut c = Client::spawn();
    c.initialize(caps());
    c.open(URI, "x = 1\n", 1);
    c.diagnostics(URI, Some(1));
    let r = c.request("$/somethingCustom", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    c.notify("shutdown", Value::Null);
    alive(&mut c);
    // A real shutdown still works afterwards.
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 0);
}

#[test]
fn an_edit_holding_a_lone_surrogate_is_applied_not_dropped() {
    let mut c = Client::spawn();
    c.initialize(caps());
    c.open(URI, "x = 1\n", 1);
    c.diagnostics(URI, Some(1));
    // Replace the whole text with one holding a lone surrogate, then a
    // mutable default: if the edit were dropped, no finding would come.
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":2}},"contentChanges":[{{"text":"s = '\ud800'\ndef g(x=[]):\n    return x\n"}}]}}}}"#
    );
    raw(&mut c, &body);
    let d = c.diagnostics(URI, Some(2));
    let rules: Vec<&str> = d["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!rules.is_empty(), "the edit was applied and checked: {d}");
    // The next incremental edit lands where the editor thinks it does.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": "t"}]}),
    );
    c.diagnostics(URI, Some(3));
    let r = c.request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 0}}));
    assert!(r.get("error").is_none(), "{r}");
}
