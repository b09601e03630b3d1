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
/// The longest header line kept; the rest of a longer one is skipped.
const MAX_HEADER_LINE: usize = 8 << 10;
/// Header lines in one block before it is given up as garbage.
const MAX_HEADER_LINES: usize = 64;

/// One frame read from a stream.
pub enum Frame {
    Body(Vec<u8>),
    /// The header block had no usable Content-Length.
    BadHeader(String),
    Eof,
}

/// Read one line (through `\n`), keeping at most `MAX_HEADER_LINE` bytes of
/// it: the rest of an overlong line is read and dropped, so a header line can
/// never grow the buffer without bound. Returns (bytes read, overlong).
async fn read_bounded_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>, line: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut total = 0;
    let mut overlong = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok((total, overlong));
        }
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        if take > room {
            overlong = true;
        }
        line.extend_from_slice(&buf[..take.min(room)]);
        r.consume(take);
        total += take;
        if done {
            return Ok((total, overlong));
        }
    }
}

/// Where a `Content-Length` header starts in a line that may carry garbage
/// before it (a stray `hello` with no newline, the tail of a body whose
/// length was wrong), case-insensitively.
fn content_length_at(line: &[u8]) -> Option<usize> {
    const KEY: &[u8] = b"content-length";
    line.windows(KEY.len()).position(|w| w.eq_ignore_ascii_case(KEY))
}

/// Read one `Content-Length` framed message.
///
/// Garbage between frames (a stray line, a line with no `:`) is skipped up
/// to the next `Content-Length` header, which resynchronises the stream;
/// header lines and blocks are bounded.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Frame> {
    let mut len: Option<usize> = None;
    let mut bad: Option<String> = None;
    let mut saw_any = false;
    let mut lines = 0usize;
    loop {
        let mut line = Vec::new();
        let (n, overlong) = read_bounded_line(r, &mut line).await?;
        if n == 0 {
            return Ok(if saw_any { Frame::BadHeader("unexpected end of input in headers".into()) } else { Frame::Eof });
        }
        lines += 1;
        if overlong {
            // Garbage before a header is skipped like any stray line; inside
            // a header block it spoils the block.
            if saw_any {
                bad.get_or_insert_with(|| format!("header line longer than {MAX_HEADER_LINE} bytes"));
            } else if lines > MAX_HEADER_LINES {
                return Ok(Frame::BadHeader(format!("no Content-Length header in {MAX_HEADER_LINES} lines")));
            }
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let t = text.trim_end_matches(['\r', '\n']);
        if t.is_empty() {
            if !saw_any {
                continue;
            }
            break;
        }
        // Garbage before a header on the same line: start at the header.
        let t = match content_length_at(t.as_bytes()) {
            Some(at) if at > 0 => {
                bad = None;
                len = None;
                &t[at..]
            }
            _ => t,
        };
        match t.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                saw_any = true;
                match value.trim().parse::<usize>() {
                    Ok(v) if v <= MAX_FRAME => len = Some(v),
                    _ => bad = Some(format!("invalid Content-Length `{}`", value.trim().chars().take(40).collect::<String>())),
                }
            }
            Some(_) if saw_any => {}
            // A stray line before any Content-Length: skip it, and keep
            // looking for the next header (resynchronisation).
            _ => {
                if lines > MAX_HEADER_LINES {
                    return Ok(Frame::BadHeader(format!("no Content-Length header in {MAX_HEADER_LINES} lines")));
                }
                continue;
            }
        }
        if lines > MAX_HEADER_LINES {
            return Ok(Frame::BadHeader(format!("more than {MAX_HEADER_LINES} header lines")));
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

/// A message that passed validation.
pub struct Valid {
    pub method: Option<String>,
    /// The message re-serialised from the parsed value: duplicate keys are
    /// gone (the last one wins, as serde_json reads them), so what
    /// tower-lsp-server deserialises is exactly what was validated.
    pub body: Vec<u8>,
}

/// JSON-RPC ids this server accepts: strings and integers that fit in i64
/// (what tower-lsp-server can read back; `1.5`, `1e3` and integers past
/// i64 would stop it).
fn valid_id(id: &Value) -> bool {
    match id {
        Value::String(_) => true,
        Value::Number(n) => n.is_i64() || n.as_u64().is_some_and(|u| u <= i64::MAX as u64),
        _ => false,
    }
}

/// Replace `\uD800`-`\uDFFF` escapes that do not form a surrogate pair with
/// `\uFFFD`, as a lenient JSON decoder would (VS Code can send a lone
/// surrogate inside a `didChange`): better one replacement character than an
/// edit dropped and a document that differs from the editor's from then on.
/// None when there is nothing to replace.
fn replace_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    fn hex4(b: &[u8]) -> Option<u16> {
        let s = std::str::from_utf8(b.get(..4)?).ok()?;
        u16::from_str_radix(s, 16).ok()
    }
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let c = body[i];
        if !in_string {
            if c == b'"' {
                in_string = true;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = false;
                out.push(c);
                i += 1;
            }
            b'\\' if body.get(i + 1) == Some(&b'u') => {
                let Some(u) = hex4(&body[i + 2..]) else {
                    out.push(c);
                    i += 1;
                    continue;
                };
                if (0xD800..0xDC00).contains(&u) {
                    // A high surrogate: fine only when a low one follows.
                    let low = (body.get(i + 6) == Some(&b'\\') && body.get(i + 7) == Some(&b'u'))
                        .then(|| hex4(&body[i + 8..]))
                        .flatten()
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    if low.is_some() {
                        out.extend_from_slice(&body[i..i + 12]);
                        i += 12;
                    } else {
                        out.extend_from_slice(b"\\uFFFD");
                        changed = true;
                        i += 6;
                    }
                } else if (0xDC00..0xE000).contains(&u) {
                    out.extend_from_slice(b"\\uFFFD");
                    changed = true;
                    i += 6;
                } else {
                    out.extend_from_slice(&body[i..i + 6]);
                    i += 6;
                }
            }
            b'\\' => {
                out.push(c);
                if let Some(&n) = body.get(i + 1) {
                    out.push(n);
                }
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

/// Check a message body: Ok for a well-formed JSON-RPC message, Err(response)
/// for one to answer with an error (an empty response: drop it silently).
fn validate(body: &[u8]) -> Result<Valid, Vec<u8>> {
    let parsed = serde_json::from_slice::<Value>(body).or_else(|e| match replace_lone_surrogates(body) {
        Some(fixed) => {
            log("a message held a lone UTF-16 surrogate; replaced with U+FFFD");
            serde_json::from_slice::<Value>(&fixed)
        }
        None => Err(e),
    });
    let v: Value = match parsed {
        Ok(v) => v,
        Err(e) => return Err(error_response(Value::Null, -32700, &format!("Parse error: {e}"))),
    };
    let Some(obj) = v.as_object() else {
        return Err(error_response(Value::Null, -32600, "Invalid Request: not a JSON object"));
    };
    let has_id = obj.contains_key("id");
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    if has_id && !valid_id(&id) {
        return Err(error_response(Value::Null, -32600, "Invalid Request: an id must be a string or an integer that fits in 64 bits"));
    }
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error_response(id, -32600, "Invalid Request: jsonrpc must be \"2.0\""));
    }
    let method = match obj.get("method") {
        Some(Value::String(m)) => {
            if let Some(p) = obj.get("params") {
                if !p.is_object() && !p.is_array() && !p.is_null() {
                    if has_id {
                        return Err(error_response(id, -32602, "Invalid params"));
                    }
                    return Err(Vec::new());
                }
            }
            Some(m.clone())
        }
        Some(_) => return Err(error_response(id, -32600, "Invalid Request: method must be a string")),
        None if has_id && (obj.contains_key("result") || obj.contains_key("error")) => None,
        None => return Err(error_response(id, -32600, "Invalid Request: no method")),
    };
    if let Some(m) = &method {
        // `$/` methods are notifications; a request to one is answered
        // here (tower-lsp-server would leave it unanswered).
        if m.starts_with("$/") && has_id {
            return Err(error_response(id, -32601, &format!("Method not found: {m}")));
        }
        // `shutdown` and `initialize` are requests: as notifications they
        // must not shut the server down or initialize it with no reply.
        if !has_id && matches!(m.as_str(), "shutdown" | "initialize") {
            log(&format!("`{m}` sent as a notification ignored"));
            return Err(Vec::new());
        }
    }
    let body = serde_json::to_vec(&v).unwrap_or_else(|_| body.to_vec());
    Ok(Valid { method, body })
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
                Ok(Valid { method, body, .. }) => {
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

    fn error_of(body: &[u8]) -> serde_json::Value {
        let reply = validate(body).err().expect("rejected");
        let text = String::from_utf8(reply).unwrap();
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap()
    }

    #[test]
    fn ids_tower_cannot_read_are_answered_with_a_null_id() {
        for id in ["1.5", "1e3", "18446744073709551616", "9223372036854775808", "null", "true", "[1]"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#);
            let e = error_of(body.as_bytes());
            assert_eq!(e["id"], serde_json::Value::Null, "{id}");
            assert_eq!(e["error"]["code"], -32600, "{id}");
        }
        for id in ["9223372036854775807", "-9223372036854775808", "0", r#""abc""#] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#);
            assert!(validate(body.as_bytes()).is_ok(), "{id}");
        }
    }

    #[test]
    fn duplicate_keys_are_normalised_before_tower_sees_them() {
        let v = validate(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x","method":"y"}"#).ok().unwrap();
        let back: serde_json::Value = serde_json::from_slice(&v.body).unwrap();
        assert_eq!(back["id"], 2);
        assert_eq!(v.method.as_deref(), Some("y"));
    }

    #[test]
    fn dollar_requests_get_method_not_found_and_request_notifications_are_dropped() {
        let e = error_of(br#"{"jsonrpc":"2.0","id":7,"method":"$/custom","params":{}}"#);
        assert_eq!(e["id"], 7);
        assert_eq!(e["error"]["code"], -32601);
        assert!(validate(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#).is_ok());
        assert!(validate(br#"{"jsonrpc":"2.0","method":"shutdown"}"#).err().unwrap().is_empty());
        assert!(validate(br#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#).is_ok());
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let v = validate(br#"{"jsonrpc":"2.0","method":"x","params":{"t":"a\ud800b\udc00c\ud83d\ude00\\ud800"}}"#).ok().unwrap();
        let back: serde_json::Value = serde_json::from_slice(&v.body).unwrap();
        assert_eq!(back["params"]["t"], "a\u{FFFD}b\u{FFFD}c\u{1F600}\\ud800");
    }

    fn frames(input: &[u8]) -> Vec<String> {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut r = tokio::io::BufReader::new(input);
            let mut out = Vec::new();
            loop {
                match super::read_frame(&mut r).await {
                    Ok(super::Frame::Body(b)) => out.push(String::from_utf8(b).unwrap()),
                    Ok(super::Frame::BadHeader(why)) => out.push(format!("bad: {why}")),
                    Ok(super::Frame::Eof) | Err(_) => return out,
                }
            }
        })
    }

    #[test]
    fn the_stream_resynchronises_after_garbage() {
        let got = frames(b"hello\r\nContent-Length: 2\r\n\r\n{}junk Content-Length: 4\r\n\r\n[1] Content-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(got, vec!["{}", "[1] ", "bad: invalid Content-Length `x`", "{}"]);
        let mut long = vec![b'a'; 100_000];
        long.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(frames(&long), vec!["{}"]);
        let mut many = b"X-A: 1\r\n".repeat(100);
        many.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        let got = frames(&many);
        assert!(got[0].starts_with("bad: "), "{got:?}");
        assert_eq!(got.last().unwrap(), "{}");
    }
}
