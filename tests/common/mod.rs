//! A small synchronous LSP client for end-to-end tests: spawns the real
//! `pyexplain serve` binary and speaks JSON-RPC over its stdio.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Messages received but not yet consumed.
    pub backlog: Vec<Value>,
}

/// Generous: a safety net against a hung server, never a speed check (a debug
/// build on a loaded 2-core machine checks the 5 MB test document slowly).
pub const TIMEOUT: Duration = Duration::from_secs(180);

impl Client {
    pub fn spawn() -> Client {
        Self::spawn_with(|_| {})
    }

    /// `spawn`, with the command adjusted first (working directory,
    /// environment, more arguments).
    pub fn spawn_with(adjust: impl FnOnce(&mut Command)) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyexplain"));
        cmd.args(["serve", "--stdio"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        adjust(&mut cmd);
        let mut child = cmd.spawn().expect("spawn pyexplain serve");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let t = line.trim();
                    if t.is_empty() {
                        break;
                    }
                    if let Some(v) = t.strip_prefix("Content-Length:") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("server sent valid JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, rx, next_id: 1, backlog: Vec::new() }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let s = self.stdin.as_mut().unwrap();
        s.write_all(bytes).unwrap();
        s.flush().unwrap();
    }

    pub fn send(&mut self, v: &Value) {
        let body = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// The next message (consumed) matching `pred`, answering server requests.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => {
                    // Answer requests from the server (configuration, registration).
                    if m.get("method").is_some() && m.get("id").is_some() {
                        let id = m["id"].clone();
                        let result = if m["method"] == "workspace/configuration" { json!([null]) } else { Value::Null };
                        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                    }
                    if pred(&m) {
                        return m;
                    }
                    self.backlog.push(m);
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting; backlog: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed its output; backlog: {:#?}", self.backlog),
            }
        }
    }

    /// The next publishDiagnostics for `uri` with `version` (or any version when None).
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let uri = uri.to_string();
        self.wait_for(move |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(uri)
                && version.is_none_or(|v| m["params"]["version"] == json!(v))
        })["params"]
            .clone()
    }

    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let r = self.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        self.notify("initialized", json!({}));
        r
    }

    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}),
        );
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Wait for the process to end; its exit status.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Apply LSP text edits (UTF-16 positions) to a text.
pub fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let idx = pyexplain::line_index::LineIndex::new(text);
    let mut es: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let off = |p: &Value| {
                idx.offset(text, p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize, pyexplain::line_index::Encoding::Utf16)
            };
            (off(&r["start"]), off(&r["end"]), e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    es.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in es {
        out.replace_range(a..b, &t);
    }
    out
}

/// The text edits of a code action's workspace edit, for `uri`.
pub fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
    let edit = &action["edit"];
    if let Some(dc) = edit["documentChanges"].as_array() {
        return dc.iter().filter(|d| d["textDocument"]["uri"] == json!(uri)).flat_map(|d| d["edits"].as_array().cloned().unwrap_or_default()).collect();
    }
    edit["changes"][uri].as_array().cloned().unwrap_or_default()
}

/// Whether `python3` compiles `src`.
pub fn py_compiles(src: &str) -> bool {
    let mut child = Command::new("python3")
        .args(["-c", "import sys; compile(sys.stdin.read(), '<fixed>', 'exec')"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is needed for these tests");
    child.stdin.take().unwrap().write_all(src.as_bytes()).unwrap();
    child.wait().unwrap().success()
}
