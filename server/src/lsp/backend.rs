//! The language server: documents, diagnostics, hover and code actions.
//! Every handler is panic-isolated; edits are applied synchronously in
//! `did_change`, before the first `.await`, so they land in arrival order.

use super::convert;
use super::transport::log;
use crate::analysis::incremental::{self, ChangeSet, Checked};
use crate::analysis::{self, fix, suppress, Finding};
use crate::config::Settings;
use crate::document::{Change, Document};
use crate::knowledge::{Applicability, Knowledge, Severity};
use crate::line_index::Encoding;
use dashmap::DashMap;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Kind of the fix-all action.
pub const FIX_ALL_KIND: &str = "source.fixAll.pyexplain";

/// An open document with its settings and the findings of some version.
struct DocState {
    doc: Arc<Document>,
    settings: Arc<Settings>,
    /// Counts the edits applied (client versions need not increase).
    seq: u64,
    /// Findings as of edit `seq`, and the changes made since then: the next
    /// request rechecks only what those changes touched.
    checked: Option<(u64, Arc<Checked>)>,
    pending: Vec<(u64, ChangeSet)>,
}

impl DocState {
    fn new(doc: Document, settings: Settings) -> Self {
        DocState { doc: Arc::new(doc), settings: Arc::new(settings), seq: 0, checked: None, pending: Vec::new() }
    }
    fn invalidate(&mut self) {
        self.checked = None;
        self.pending.clear();
    }
}

/// Past this many unchecked edits a full check is as cheap as replaying them.
const MAX_PENDING: usize = 256;

#[derive(Default)]
struct ClientInfo {
    encoding: Option<Encoding>,
    document_changes: bool,
    config_pull: bool,
    root: Option<PathBuf>,
}

pub struct Backend {
    client: Client,
    docs: DashMap<String, DocState>,
    info: RwLock<ClientInfo>,
    /// Client settings payloads: initializationOptions, then the latest
    /// didChangeConfiguration (each merged field by field, in order).
    layers: RwLock<Vec<Value>>,
    warned: Mutex<HashSet<String>>,
    /// Projects whose configuration has been logged, by first source file.
    projects_logged: Mutex<HashSet<PathBuf>>,
    /// Log lines waiting for the next `.await`-able moment (window/logMessage).
    pending_log: Mutex<Vec<String>>,
}

fn guard<T>(f: impl FnOnce() -> T) -> std::result::Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        log("internal error in a handler (recovered)");
        Error::internal_error()
    })
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            docs: DashMap::new(),
            info: RwLock::new(ClientInfo::default()),
            layers: RwLock::new(vec![Value::Null, Value::Null]),
            warned: Mutex::new(HashSet::new()),
            projects_logged: Mutex::new(HashSet::new()),
            pending_log: Mutex::new(Vec::new()),
        }
    }

    fn k(&self) -> &'static Knowledge {
        Knowledge::get()
    }

    fn enc(&self) -> Encoding {
        self.info.read().map(|i| i.encoding.unwrap_or(Encoding::Utf16)).unwrap_or(Encoding::Utf16)
    }

    /// Settings for a document: defaults → its project (pyproject.toml,
    /// setup.cfg, setup.py, ruff configuration) → client layers. The first
    /// time a project is seen, what was found is logged.
    fn settings_for(&self, uri: &Uri) -> (Settings, Vec<String>) {
        let k = self.k();
        let mut s = Settings::default();
        let mut warnings = Vec::new();
        if let Some(path) = uri.to_file_path() {
            let root = self.info.read().ok().and_then(|i| i.root.clone());
            let project = crate::config::Project::discover(&path, root.as_deref(), k);
            warnings.extend(project.warnings.iter().cloned());
            let key = project.sources.first().cloned().unwrap_or_default();
            let fresh = self.projects_logged.lock().map(|mut l| l.insert(key.clone())).unwrap_or(false);
            if fresh {
                let mut lines = vec![k.ui("startup.project", &[("path", &key.display().to_string())])];
                lines.extend(project.describe(k));
                if let Ok(mut pending) = self.pending_log.lock() {
                    pending.extend(lines);
                }
            }
            s = project.settings_for(&path);
        }
        if let Ok(layers) = self.layers.read() {
            for l in layers.iter() {
                warnings.extend(s.merge_json(l, k));
            }
        }
        (s, warnings)
    }

    fn client_settings_warnings(&self) -> Vec<String> {
        let k = self.k();
        let mut s = Settings::default();
        let mut warnings = Vec::new();
        if let Ok(layers) = self.layers.read() {
            for l in layers.iter() {
                warnings.extend(s.merge_json(l, k));
            }
        }
        warnings
    }

    /// Send the log lines gathered so far to stderr (or the log file) and
    /// the client's log (window/logMessage).
    async fn flush_log(&self) {
        let lines: Vec<String> = self.pending_log.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        for line in lines {
            log(&line);
            self.client.log_message(MessageType::INFO, line).await;
        }
    }

    async fn report_warnings(&self, warnings: Vec<String>) {
        self.flush_log().await;
        let fresh: Vec<String> = {
            let mut w = self.warned.lock().unwrap_or_else(|p| p.into_inner());
            warnings.into_iter().filter(|m| w.insert(m.clone())).collect()
        };
        for m in fresh {
            log(&m);
            self.client.show_message(MessageType::WARNING, m).await;
        }
    }

    /// Findings for the document's current text: cached, or rechecked
    /// incrementally from the last checked edit, or checked in full.
    fn findings(&self, key: &str) -> Option<(Arc<Document>, Arc<Settings>, Arc<Checked>)> {
        let (doc, settings, seq, base) = {
            let e = self.docs.get(key)?;
            if let Some((s, c)) = &e.checked {
                if *s == e.seq {
                    return Some((e.doc.clone(), e.settings.clone(), c.clone()));
                }
            }
            let base = e.checked.as_ref().map(|(s0, c)| {
                let mut cs = ChangeSet::default();
                for (_, p) in e.pending.iter().filter(|(s, _)| *s > *s0 && *s <= e.seq) {
                    cs.extend(p);
                }
                (c.clone(), cs)
            });
            (e.doc.clone(), e.settings.clone(), e.seq, base)
        };
        let k = self.k();
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &base {
            Some((prev, cs)) => incremental::recheck(prev, cs, &doc.text, &doc.tree, &settings, k),
            None => incremental::check_full(&doc.text, &doc.tree, &settings, k),
        }))
        .unwrap_or_default();
        let checked = Arc::new(checked);
        if let Some(mut e) = self.docs.get_mut(key) {
            // Store unless a newer result is already there (or the document
            // was reopened or reconfigured meanwhile: its seq went back).
            if e.seq >= seq && e.checked.as_ref().is_none_or(|(s, _)| *s < seq) && Arc::ptr_eq(&e.settings, &settings) {
                e.checked = Some((seq, checked.clone()));
                e.pending.retain(|(s, _)| *s > seq);
            }
        }
        Some((doc, settings, checked))
    }

    fn diagnostic(&self, doc: &Document, f: &Finding, enc: Encoding) -> Diagnostic {
        let k = self.k();
        let rule = k.rule(f.rule);
        let severity = match f.severity {
            Severity::Hint => DiagnosticSeverity::HINT,
            Severity::Information => DiagnosticSeverity::INFORMATION,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Error => DiagnosticSeverity::ERROR,
        };
        let tags: Vec<DiagnosticTag> = rule
            .map(|r| {
                r.meta
                    .tags
                    .iter()
                    .filter_map(|t| match t.as_str() {
                        "unnecessary" => Some(DiagnosticTag::UNNECESSARY),
                        "deprecated" => Some(DiagnosticTag::DEPRECATED),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Diagnostic {
            range: convert::range(doc, &f.range, enc),
            severity: Some(severity),
            code: Some(NumberOrString::String(f.rule.to_string())),
            code_description: rule.and_then(|r| r.meta.docs.parse::<Uri>().ok()).map(|href| CodeDescription { href }),
            source: Some("pyexplain".to_string()),
            message: rule.map(|r| r.meta.message.clone()).unwrap_or_else(|| f.rule.to_string()),
            related_information: None,
            tags: (!tags.is_empty()).then_some(tags),
            data: None,
        }
    }

    /// Compute and publish diagnostics for the current version, unless a newer
    /// edit has already arrived (it will publish its own).
    async fn publish(&self, uri: Uri, version: i32) {
        let key = uri.as_str().to_string();
        let Some(current) = self.docs.get(&key).map(|e| e.doc.version) else { return };
        if current != version {
            return;
        }
        let enc = self.enc();
        let Some((doc, _s, found)) = self.findings(&key) else { return };
        if doc.version != version {
            return;
        }
        let diags = guard(|| found.findings.iter().map(|f| self.diagnostic(&doc, f, enc)).collect::<Vec<_>>()).unwrap_or_default();
        self.client.publish_diagnostics(uri, diags, Some(version)).await;
    }

    fn workspace_edit(&self, uri: &Uri, doc: &Document, edits: &[analysis::Edit], enc: Encoding) -> WorkspaceEdit {
        let text_edits: Vec<TextEdit> =
            edits.iter().map(|e| TextEdit { range: convert::range(doc, &e.range, enc), new_text: e.new_text.clone() }).collect();
        let versioned = self.info.read().map(|i| i.document_changes).unwrap_or(false);
        if versioned {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version: Some(doc.version) },
                    edits: text_edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..Default::default()
            }
        } else {
            let mut changes = HashMap::new();
            changes.insert(uri.clone(), text_edits);
            WorkspaceEdit { changes: Some(changes), ..Default::default() }
        }
    }

    async fn refresh_all(&self) {
        let uris: Vec<String> = self.docs.iter().map(|e| e.key().clone()).collect();
        for key in uris {
            let Ok(uri) = key.parse::<Uri>() else { continue };
            let (s, warnings) = self.settings_for(&uri);
            let version = match self.docs.get_mut(&key) {
                Some(mut e) => {
                    e.settings = Arc::new(s);
                    e.invalidate();
                    e.doc.version
                }
                None => continue,
            };
            self.report_warnings(warnings).await;
            self.publish(uri, version).await;
        }
    }

    async fn pull_configuration(&self) {
        let pull = self.info.read().map(|i| i.config_pull).unwrap_or(false);
        if !pull {
            return;
        }
        let items = vec![ConfigurationItem { scope_uri: None, section: Some("pyexplain".to_string()) }];
        if let Ok(mut values) = self.client.configuration(items).await {
            if let Some(v) = values.pop() {
                if v.is_object() {
                    if let Ok(mut l) = self.layers.write() {
                        l[1] = serde_json::json!({ "pyexplain": v });
                    }
                }
            }
        }
    }
}

fn wants(only: &Option<Vec<CodeActionKind>>, kind: &str) -> bool {
    match only {
        None => true,
        Some(kinds) => kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.starts_with(&format!("{k}."))
        }),
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let utf8 = offered.iter().any(|e| *e == PositionEncodingKind::UTF8);
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| f.uri.to_file_path().map(|p| p.to_path_buf()))
            .or_else(|| params.root_uri.as_ref().and_then(|u| u.to_file_path().map(|p| p.to_path_buf())));
        if let Ok(mut info) = self.info.write() {
            info.encoding = Some(enc);
            info.document_changes = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|w| w.document_changes)
                .unwrap_or(false);
            info.config_pull = params.capabilities.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false);
            info.root = root;
        }
        if let Some(opts) = params.initialization_options {
            if let Ok(mut l) = self.layers.write() {
                l[0] = opts;
            }
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    will_save: None,
                    will_save_wait_until: None,
                    save: None,
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL_KIND)]),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                    resolve_provider: Some(false),
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo { name: "pyexplain".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let k = self.k();
        let version = k.ui(
            "startup.version",
            &[("version", env!("CARGO_PKG_VERSION")), ("rules", &k.rules.len().to_string()), ("topics", &k.topics.len().to_string())],
        );
        if let Ok(mut p) = self.pending_log.lock() {
            p.insert(0, version);
        }
        // The workspace root's project, if there is one.
        let root = self.info.read().ok().and_then(|i| i.root.clone());
        if let Some(root) = root {
            let project = crate::config::Project::discover(&root, Some(&root), k);
            let key = project.sources.first().cloned().unwrap_or_default();
            if self.projects_logged.lock().map(|mut l| l.insert(key.clone())).unwrap_or(false) {
                let mut lines = vec![k.ui("startup.project", &[("path", &root.display().to_string())])];
                lines.extend(project.describe(k));
                if let Ok(mut p) = self.pending_log.lock() {
                    p.extend(lines);
                }
            }
        }
        self.flush_log().await;
        self.pull_configuration().await;
        // Report bad client settings now, not only when a file opens.
        let warnings = self.client_settings_warnings();
        self.report_warnings(warnings).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let key = td.uri.as_str().to_string();
        let version = td.version;
        let (settings, warnings) = self.settings_for(&td.uri);
        let opened = guard(|| {
            let doc = Document::new(td.text, version);
            self.docs.insert(key.clone(), DocState::new(doc, settings));
        });
        if opened.is_err() {
            return;
        }
        self.report_warnings(warnings).await;
        self.publish(td.uri, version).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Everything up to the first `.await` runs in arrival order.
        let key = params.text_document.uri.as_str().to_string();
        let version = params.text_document.version;
        let enc = self.enc();
        let changes: Vec<Change> = params
            .content_changes
            .into_iter()
            .map(|c| Change {
                range: c.range.map(|r| {
                    ((r.start.line as usize, r.start.character as usize), (r.end.line as usize, r.end.character as usize))
                }),
                text: c.text,
            })
            .collect();
        let applied = guard(|| {
            let Some(mut e) = self.docs.get_mut(&key) else {
                log("didChange for a document that is not open: ignored");
                return false;
            };
            if version <= e.doc.version {
                log(&format!("didChange version {version} does not increase (was {}): applied anyway", e.doc.version));
            }
            let doc = Arc::make_mut(&mut e.doc);
            let cs = doc.apply_changes(&changes, enc, version);
            e.seq += 1;
            if e.checked.is_some() && e.pending.len() < MAX_PENDING {
                let seq = e.seq;
                e.pending.push((seq, cs));
            } else {
                e.invalidate();
            }
            true
        });
        if applied != Ok(true) {
            if applied.is_err() {
                // A panic mid-edit: drop the document rather than keep a torn state.
                self.docs.remove(&key);
            }
            return;
        }
        // Give later edits of a burst the chance to arrive; publish only the newest.
        tokio::task::yield_now().await;
        self.publish(params.text_document.uri, version).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.docs.remove(params.text_document.uri.as_str());
        self.client.publish_diagnostics(params.text_document.uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let empty = params.settings.is_null() || params.settings.as_object().is_some_and(|o| o.is_empty());
        if empty {
            self.pull_configuration().await;
        } else if let Ok(mut l) = self.layers.write() {
            l[1] = params.settings;
        }
        let warnings = self.client_settings_warnings();
        self.report_warnings(warnings).await;
        self.refresh_all().await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let key = params.text_document_position_params.text_document.uri.as_str().to_string();
        let pos = params.text_document_position_params.position;
        let Some((doc, settings, found)) = self.findings(&key) else { return Ok(None) };
        let enc = self.enc();
        guard(|| {
            let offset = convert::offset(&doc, pos, enc);
            analysis::hover::hover_with_facts(&doc.text, &doc.tree, offset, &found.findings, &settings, self.k(), Some(found.facts())).map(|h| Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                range: Some(convert::range(&doc, &h.range, enc)),
            })
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let key = uri.as_str().to_string();
        let Some((doc, settings, found)) = self.findings(&key) else { return Ok(None) };
        let enc = self.enc();
        let k = self.k();
        let only = params.context.only.clone();
        guard(|| {
            let want = convert::byte_range(&doc, params.range, enc);
            let mut actions: Vec<CodeActionOrCommand> = Vec::new();
            if wants(&only, CodeActionKind::QUICKFIX.as_str()) {
                for f in found.findings.iter().filter(|f| f.range.start <= want.end && want.start <= f.range.end) {
                    let diag = self.diagnostic(&doc, f, enc);
                    let rule = k.rule(f.rule);
                    for (i, fx) in f.fixes.iter().enumerate() {
                        if fx.applicability == Applicability::DisplayOnly {
                            continue;
                        }
                        let title = rule.and_then(|r| r.fix(fx.kind)).map(|m| m.title.clone()).unwrap_or_default();
                        let key = if fx.applicability == Applicability::Unsafe { "actions.fix_title_unsafe" } else { "actions.fix_title" };
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: k.ui(key, &[("title", &title), ("rule", f.rule)]),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![diag.clone()]),
                            edit: Some(self.workspace_edit(&uri, &doc, &fx.edits, enc)),
                            is_preferred: Some(i == 0 && fx.applicability == Applicability::Safe),
                            ..Default::default()
                        }));
                    }
                    if let Some(edit) = suppress::ignore_edit(&doc.text, &doc.tree, f.rule, f.range.start) {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: k.ui("actions.ignore_line", &[("rule", f.rule)]),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![diag]),
                            edit: Some(self.workspace_edit(&uri, &doc, &[edit], enc)),
                            ..Default::default()
                        }));
                    }
                }
            }
            let explicit_fix_all = only.as_ref().is_some_and(|o| o.iter().any(|k| FIX_ALL_KIND.starts_with(k.as_str()) && k.as_str() != ""));
            if wants(&only, FIX_ALL_KIND) && (explicit_fix_all || only.is_none()) {
                let out = fix::fix_all(&doc.text, &settings, k, settings.unsafe_fixes);
                if out.text != doc.text {
                    // One edit replacing the changed middle of the document.
                    let prefix = doc.text.bytes().zip(out.text.bytes()).take_while(|(a, b)| a == b).count();
                    let mut p = prefix;
                    while !doc.text.is_char_boundary(p) || !out.text.is_char_boundary(p) {
                        p -= 1;
                    }
                    let max_suffix = (doc.text.len() - p).min(out.text.len() - p);
                    let mut suffix = doc.text.bytes().rev().zip(out.text.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
                    while !doc.text.is_char_boundary(doc.text.len() - suffix) || !out.text.is_char_boundary(out.text.len() - suffix) {
                        suffix -= 1;
                    }
                    let edit = analysis::Edit::replace(p..doc.text.len() - suffix, &out.text[p..out.text.len() - suffix]);
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: k.ui("actions.fix_all", &[]),
                        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                        edit: Some(self.workspace_edit(&uri, &doc, &[edit], enc)),
                        ..Default::default()
                    }));
                }
            }
            Some(actions)
        })
    }
}
