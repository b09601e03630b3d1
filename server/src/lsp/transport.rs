//! Our own stdio framing in front of tower-lsp-server. tower-lsp-server stops
//! serving after one unparsable frame, so every frame is read and checked
//! here: a malformed one is answered with a JSON-RPC error and dropped; only
//! well-formed messages reach tower-lsp-server, over an in-memory duplex.

use super::Backend;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::{LspService, Server};

static LOG_FILE: OnceLock<Mutex<Option<std::fs::File>>> = OnceLock::new();

pub fn set_log_file(path: Option<String>) {
    let f = path.and_then(|p| std::fs::OpenOptions::new().create(true).append(true).open(p).ok());
    let _ = LOG_FILE.set(Mutex::new(f));
}

/// Log a line to the log file, or stderr (never stdout).
pub fn log(msg: &str) {
    use std::io::Write;
    if let Some(m) = LOG_FILE.get() {
        if let Ok(mut g) = m.lock() {
            if let Some(f) = g.as_mut() {
                let _ = writeln!(f, "{msg}");
                return;
            }
        }
    }
    eprintln!("pyexplain: {msg}");
}

const MAX_FRAME: usize = 64 << 20;

/// One frame read from a stream.
pub enum Frame {
    Body(Vec<u8>),
    /// The header block had no usable Content-Length.
    BadHeader(String),
    Eof,
}

/// Read one `Content-Length` framed message.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Frame> {
    let mut len: Option<usize> = None;
    let mut bad: Option<String> = None;
    let mut saw_any = false;
    loop {
        let mut line = Vec::new();
        let n = r.read_until(b'\n', &mut line).await?;
        if n == 0 {
            return Ok(if saw_any { Frame::BadHeader("unexpected end of input in headers".into()) } else { Frame::Eof });
        }
        let text = String::from_utf8_lossy(&line);
        let t = text.trim_end_matches(['\r', '\n']);
        if t.is_empty() {
            if !saw_any {
                continue;
            }
            break;
        }
        saw_any = true;
        match t.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => match value.trim().parse::<usize>() {
                Ok(v) if v <= MAX_FRAME => len = Some(v),
                _ => bad = Some(format!("invalid Content-Length `{}`", value.trim())),
            },
            Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
            Some(_) => {}
            None => bad = Some(format!("malformed header line `{}`", t.chars().take(80).collect::<String>())),
        }
    }
    match (len, bad) {
        (Some(n), None) => {
            let mut body = vec![0; n];
            r.read_exact(&mut body).await?;
            Ok(Frame::Body(body))
        }
        (_, Some(b)) => Ok(Frame::BadHeader(b)),
        (None, None) => Ok(Frame::BadHeader("missing Content-Length".into())),
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    v.extend_from_slice(body);
    v
}

fn error_response(id: Value, code: i64, message: &str) -> Vec<u8> {
    let v = serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(v.to_string().as_bytes())
}

/// Check a message body: Ok(method name, if any) for a well-formed JSON-RPC
/// message, Err(response) for one to answer with an error.
fn validate(body: &[u8]) -> Result<Option<String>, Vec<u8>> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Err(error_response(Value::Null, -32700, &format!("Parse error: {e}"))),
    };
    let Some(obj) = v.as_object() else {
        return Err(error_response(Value::Null, -32600, "Invalid Request: not a JSON object"));
    };
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error_response(id, -32600, "Invalid Request: jsonrpc must be \"2.0\""));
    }
    if !matches!(id, Value::Null | Value::Number(_) | Value::String(_)) {
        return Err(error_response(Value::Null, -32600, "Invalid Request: bad id"));
    }
    match obj.get("method") {
        Some(Value::String(m)) => {
            if let Some(p) = obj.get("params") {
                if !p.is_object() && !p.is_array() && !p.is_null() {
                    if obj.contains_key("id") {
                        return Err(error_response(id, -32602, "Invalid params"));
                    }
                    return Err(Vec::new());
                }
            }
            Ok(Some(m.clone()))
        }
        Some(_) => Err(error_response(id, -32600, "Invalid Request: method must be a string")),
        None if obj.contains_key("id") && (obj.contains_key("result") || obj.contains_key("error")) => Ok(None),
        None => Err(error_response(id, -32600, "Invalid Request: no method")),
    }
}

/// Client capabilities are advisory, but tower-lsp-server rejects an
/// `initialize` whose capabilities do not deserialize, and then the editor gets
/// no server at all. Real clients send such values: Neovim 0.9.1, as
/// pytest-lsp recorded it, sends `textDocument.callHierarchy` as an array. When the params fail, drop each
/// `capabilities.SECTION.ENTRY` that fails on its own (logged) and pass on the
/// rest; None when nothing needed repair or the repair did not help.
fn repair_initialize(body: &[u8]) -> Option<Vec<u8>> {
    use tower_lsp_server::ls_types::{ClientCapabilities, InitializeParams};
    let mut msg: Value = serde_json::from_slice(body).ok()?;
    let params = msg.get_mut("params")?;
    if serde_json::from_value::<InitializeParams>(params.clone()).is_ok() {
        return None;
    }
    let caps = params.get_mut("capabilities")?.as_object_mut()?;
    let fits = |v: Value| serde_json::from_value::<ClientCapabilities>(v).is_ok();
    let mut dropped = Vec::new();
    let sections: Vec<String> = caps.keys().cloned().collect();
    for section in sections {
        let entries: Vec<String> = match caps.get(&section) {
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        for entry in entries {
            let value = caps[&section][&entry].clone();
            if !fits(serde_json::json!({ section.as_str(): { entry.as_str(): value } })) {
                if let Some(m) = caps.get_mut(&section).and_then(Value::as_object_mut) {
                    m.remove(&entry);
                }
                dropped.push(format!("{section}.{entry}"));
            }
        }
        if !fits(serde_json::json!({ section.as_str(): caps[&section].clone() })) {
            caps.remove(&section);
            dropped.push(section);
        }
    }
    if dropped.is_empty() || serde_json::from_value::<InitializeParams>(params.clone()).is_err() {
        return None;
    }
    log(&format!("ignored client capabilities that do not follow the LSP types: {}", dropped.join(", ")));
    serde_json::to_vec(&msg).ok()
}

/// Serve LSP on `input`/`output` until `exit` or end of input. Returns the
/// process exit status: 0 after `shutdown` then `exit`, 1 otherwise.
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let (service, socket) = LspService::new(|client| Backend::new(client));
    let (mut to_tower, tower_in) = tokio::io::duplex(1 << 20);
    let (tower_out, from_tower) = tokio::io::duplex(1 << 20);
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();

    // One writer: whole frames only, so error replies never split a message.
    let writer = tokio::spawn(async move {
        let mut output = output;
        while let Some(bytes) = rx.recv().await {
            if output.write_all(&bytes).await.is_err() {
                break;
            }
            let _ = output.flush().await;
        }
    });
    let pump_tx = tx.clone();
    let pump = tokio::spawn(async move {
        let mut r = BufReader::new(from_tower);
        while let Ok(Frame::Body(b)) = read_frame(&mut r).await {
            if pump_tx.send(frame(&b)).is_err() {
                break;
            }
        }
    });
    let server = tokio::spawn(Server::new(tower_in, tower_out, socket).serve(service));

    let mut reader = BufReader::new(input);
    let mut exit_code = 1;
    loop {
        match read_frame(&mut reader).await {
            Ok(Frame::Body(body)) => match validate(&body) {
                Ok(method) => {
                    let is_exit = method.as_deref() == Some("exit");
                    if method.as_deref() == Some("shutdown") {
                        shutdown.store(true, Ordering::SeqCst);
                    }
                    let body = if method.as_deref() == Some("initialize") { repair_initialize(&body).unwrap_or(body) } else { body };
                    if to_tower.write_all(&frame(&body)).await.is_err() {
                        break;
                    }
                    if is_exit {
                        exit_code = if shutdown.load(Ordering::SeqCst) { 0 } else { 1 };
                        break;
                    }
                }
                Err(reply) => {
                    log("malformed message answered with an error");
                    if !reply.is_empty() {
                        let _ = tx.send(reply);
                    }
                }
            },
            Ok(Frame::BadHeader(why)) => {
                log(&format!("bad frame: {why}"));
                let _ = tx.send(error_response(Value::Null, -32700, &format!("Parse error: {why}")));
            }
            Ok(Frame::Eof) | Err(_) => {
                exit_code = if shutdown.load(Ordering::SeqCst) { 0 } else { 1 };
                break;
            }
        }
    }
    drop(to_tower);
    // Let in-flight replies go out (bounded: never hang on exit).
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), server).await;
    let _ = tokio::time::timeout(std::time::Duration::from_millis(500), pump).await;
    drop(tx);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), writer).await;
    exit_code
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn initialize_with_a_malformed_capability_is_repaired() {
        // Neovim 0.9 sends textDocument.callHierarchy as an array.
        let body = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,
            "capabilities":{"textDocument":{"callHierarchy":[{"dynamicRegistration":false}],"hover":{"contentFormat":["markdown"]}},
            "general":{"positionEncodings":["utf-8"]}}}}"#;
        let fixed: serde_json::Value = serde_json::from_slice(&super::repair_initialize(body).unwrap()).unwrap();
        let caps = &fixed["params"]["capabilities"];
        assert!(caps["textDocument"].get("callHierarchy").is_none());
        assert_eq!(caps["textDocument"]["hover"]["contentFormat"][0], "markdown");
        assert_eq!(caps["general"]["positionEncodings"][0], "utf-8");
        let fine = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#;
        assert!(super::repair_initialize(fine).is_none());
    }

    #[test]
    fn validation() {
        assert!(validate(br#"{"jsonrpc":"2.0","method":"x"}"#).is_ok());
        assert!(validate(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert!(validate(b"{nope").is_err());
        assert!(validate(br#"[1,2]"#).is_err());
        assert!(validate(br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#).is_err());
        assert!(validate(br#"{"jsonrpc":"2.0","id":{},"method":"x"}"#).is_err());
    }
}
