//! The language server: documents, diagnostics, hover and code actions.
//! Every handler is panic-isolated; edits are applied synchronously in
//! `did_change`, before the first `.await`, so they land in arrival order.
//! Applying an edit does not parse: the tree is brought up to date once,
//! for all the edits made since, by whoever needs it next (the diagnostics
//! task, a hover, a code action: `Shared::parsed`, one parse at a time per
//! document), so a flood of edits never builds a queue of reparses.
//!
//! Diagnostics run off the request path: an edit only records itself and
//! wakes the document's diagnostics task, which checks on a blocking thread
//! (at most `DIAGNOSTIC_RUNS` at once) under a time budget, and abandons the
//! run as soon as a newer edit arrives. A hover never waits for it: it uses
//! the newest findings there are, mapped through the edits made since.
//! Analysis (hover, code actions, fix-all) runs on blocking threads too, so
//! that `$/cancelRequest` answers at once and other requests keep flowing.

use super::convert;
use super::transport::log;
use crate::analysis::incremental::{self, ChangeSet, Checked};
use crate::analysis::budget::{self, Stop};
use crate::analysis::{self, fix, suppress, Finding};
use crate::config::Settings;
use crate::document::{Change, Document};
use crate::knowledge::{Applicability, Knowledge, Severity};
use crate::line_index::Encoding;
use dashmap::DashMap;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Kind of the fix-all action.
pub const FIX_ALL_KIND: &str = "source.fixAll.pyexplain";

/// Time budget of one diagnostics run (a 5 MB file checks in about 1 s
/// in a release build).
const DIAGNOSTICS_BUDGET: Duration = Duration::from_secs(10);
/// Time budget of the analysis behind one request (code action, fix-all).
const REQUEST_BUDGET: Duration = Duration::from_secs(3);

/// The budgets, or both set to `PYEXPLAIN_TIME_BUDGET_MS` (for tests of
/// what happens past them).
fn budgets() -> (Duration, Duration) {
    static B: std::sync::OnceLock<(Duration, Duration)> = std::sync::OnceLock::new();
    *B.get_or_init(|| match std::env::var("PYEXPLAIN_TIME_BUDGET_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        Some(ms) => (Duration::from_millis(ms), Duration::from_millis(ms)),
        // A debug build (the tests') runs analysis about ten times slower.
        None if cfg!(debug_assertions) => (DIAGNOSTICS_BUDGET * 10, REQUEST_BUDGET * 10),
        None => (DIAGNOSTICS_BUDGET, REQUEST_BUDGET),
    })
}
/// Diagnostics runs at once, over all documents (hovers keep a core).
const DIAGNOSTIC_RUNS: usize = 1;

/// Findings of edit `seq`; `partial` when the run stopped at its budget
/// (good for that edit's answers, not as the base of a recheck).
#[derive(Clone)]
struct Found {
    seq: u64,
    checked: Arc<Checked>,
    partial: bool,
}

/// An open document with its settings and the findings of some version.
struct DocState {
    doc: Arc<Document>,
    settings: Arc<Settings>,
    /// Counts the edits applied (client versions need not increase).
    seq: u64,
    /// Tells one opening of the document from the next (a diagnostics task
    /// of a closed document must not publish for the reopened one).
    generation: u64,
    /// Findings as of some edit, and the changes made since then: the next
    /// run rechecks only what those changes touched.
    checked: Option<Found>,
    pending: Vec<(u64, ChangeSet)>,
    /// A diagnostics task is live for this document.
    running: bool,
    /// Cancels the diagnostics run in progress.
    cancel: Arc<AtomicBool>,
    /// Held while the document's tree is brought up to date, so that the
    /// trees installed form one chain and no two parses do the same work.
    parse_lock: Arc<Mutex<()>>,
}

static GENERATION: AtomicU64 = AtomicU64::new(0);

impl DocState {
    fn new(doc: Document, settings: Settings) -> Self {
        DocState {
            doc: Arc::new(doc),
            settings: Arc::new(settings),
            seq: 0,
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            checked: None,
            pending: Vec::new(),
            running: false,
            cancel: Arc::new(AtomicBool::new(false)),
            parse_lock: Arc::new(Mutex::new(())),
        }
    }
    fn invalidate(&mut self) {
        self.checked = None;
        self.pending.clear();
    }
    /// What a check of edit `seq` (whose parsed document is `doc`) needs:
    /// the cached findings when they are current, else the base to recheck
    /// from (if any).
    fn job_for(&self, doc: Arc<Document>, seq: u64) -> Job {
        let cached = self.checked.as_ref().filter(|f| f.seq == seq).map(|f| f.checked.clone());
        let base = self.checked.as_ref().filter(|f| !f.partial && f.seq < seq).map(|f| {
            let mut cs = ChangeSet::default();
            for (_, p) in self.pending.iter().filter(|(s, _)| *s > f.seq && *s <= seq) {
                cs.extend(p);
            }
            (f.checked.clone(), cs)
        });
        Job { doc, settings: self.settings.clone(), seq, generation: self.generation, cached, base }
    }
}

/// A snapshot of a document to check, taken under its lock.
struct Job {
    doc: Arc<Document>,
    settings: Arc<Settings>,
    seq: u64,
    generation: u64,
    cached: Option<Arc<Checked>>,
    base: Option<(Arc<Checked>, ChangeSet)>,
}

impl Job {
    /// Check (synchronously, on the calling thread) under a budget.
    fn run(&self, deadline: Instant, cancel: Arc<AtomicBool>) -> (Arc<Checked>, Option<Stop>) {
        if let Some(c) = &self.cached {
            return (c.clone(), None);
        }
        let k = Knowledge::get();
        let (doc, settings) = (&self.doc, &self.settings);
        let (checked, stop) = budget::run(Some(deadline), Some(cancel), || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &self.base {
                Some((prev, cs)) => incremental::recheck(prev, cs, &doc.text, &doc.tree, settings, k),
                None => incremental::check_full(&doc.text, &doc.tree, settings, k),
            }))
            .unwrap_or_default()
        });
        (Arc::new(checked), stop)
    }
}

/// Sets a flag when dropped: a request future dropped by `$/cancelRequest`
/// cancels the analysis it started.
struct CancelOnDrop(Arc<AtomicBool>);
impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Diagnostics runs are background work: they run on threads of their own
/// at a lower scheduling priority (nice 10 on Linux), so that a hover or a
/// code action, on the runtime's threads at normal priority, is not kept
/// waiting for a core by a check of a whole file while edits flow (two
/// cores, a client typing: issue 13). Their parse is background work too;
/// a request that needs the tree while it runs does not wait for it (that
/// would be a priority inversion) but parses the document itself
/// (`Shared::parsed`, `urgent`).
mod background {
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::{Arc, Mutex, OnceLock};

    type Job = Box<dyn FnOnce() + Send>;

    /// Threads: one more than the diagnostics runs allowed at once.
    const THREADS: usize = super::DIAGNOSTIC_RUNS + 1;

    static POOL: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();

    fn start() -> Mutex<Sender<Job>> {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..THREADS {
            let rx: Arc<Mutex<Receiver<Job>>> = rx.clone();
            let _ = std::thread::Builder::new().name(format!("diagnostics-{i}")).stack_size(crate::cli::ANALYSIS_STACK).spawn(move || {
                lower_priority();
                loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panic is the job's (its caller sees no answer);
                        // the thread goes on.
                        Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                        Err(_) => return,
                    }
                }
            });
        }
        Mutex::new(tx)
    }

    #[cfg(target_os = "linux")]
    fn lower_priority() {
        // SAFETY: plain system calls on this thread's own id.
        unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, 10);
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn lower_priority() {}

    /// Run `f` on a background thread; None if it panicked.
    pub async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        POOL.get_or_init(start).lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }

    /// Run `f` on one of the threads, without waiting for it.
    pub fn detach(f: impl FnOnce() + Send + 'static) {
        if let Ok(pool) = POOL.get_or_init(start).lock() {
            let _ = pool.send(Box::new(f));
        }
    }
}

/// Run `f` on a blocking thread with a cancellation flag that is set when
/// the calling future is dropped (a cancelled request).
async fn off_thread<T: Send + 'static>(f: impl FnOnce(Arc<AtomicBool>) -> T + Send + 'static) -> Option<T> {
    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    tokio::task::spawn_blocking(move || f(cancel)).await.ok()
}

fn log_overrun(what: &str, uri: &str, stop: &Option<Stop>, budget: Duration) {
    if let Some(Stop::Budget { last_rule }) = stop {
        log(&format!(
            "{what} of {uri}: time budget of {} ms spent (last rule run: {last_rule}); answered with the findings so far",
            budget.as_millis()
        ));
    }
}

/// The largest document whose hover is answered without leaving the
/// request's task (`hover`).
const INLINE_HOVER_BYTES: usize = 1 << 20;

/// Past this many unchecked edits a full check is as cheap as replaying them.
const MAX_PENDING: usize = 256;

#[derive(Default)]
struct ClientInfo {
    encoding: Option<Encoding>,
    document_changes: bool,
    config_pull: bool,
    /// The client can resolve a code action's `edit` lazily.
    resolve_edit: bool,
    root: Option<PathBuf>,
    /// The client's `locale` from `initialize` (VS Code's display language).
    locale: Option<String>,
    /// The client shows a diagnostic's message in the hover box
    /// (`shows_diagnostics_in_hover`).
    diagnostics_in_hover: bool,
}

/// Whether a client of this name (`clientInfo.name`) shows a diagnostic's
/// message in the hover box, above the server's hover: VS Code and the
/// editors built from it (`Visual Studio Code`, `Code - OSS`, `code-server`,
/// `VSCodium`) do; Neovim, Helix and Emacs show diagnostics apart.
fn shows_diagnostics_in_hover(name: &str) -> bool {
    name.to_lowercase().contains("code")
}

/// What the diagnostics tasks share with the handlers.
pub struct Shared {
    client: Client,
    docs: DashMap<String, DocState>,
    info: RwLock<ClientInfo>,
    runs: tokio::sync::Semaphore,
    /// The document edited last: only it keeps earlier trees for cheaper
    /// reparses (`Document::forget_kept_trees`).
    last_edited: Mutex<Option<String>>,
}

pub struct Backend {
    shared: Arc<Shared>,
    /// Client settings payloads: initializationOptions, then the latest
    /// didChangeConfiguration (each merged field by field, in order).
    layers: RwLock<Vec<Value>>,
    warned: Mutex<HashSet<String>>,
    /// Projects whose configuration has been logged, by first source file.
    projects_logged: Mutex<HashSet<PathBuf>>,
    /// Log lines waiting for the next `.await`-able moment (window/logMessage).
    pending_log: Mutex<Vec<String>>,
}

impl std::ops::Deref for Backend {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

fn guard<T>(f: impl FnOnce() -> T) -> std::result::Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        log("internal error in a handler (recovered)");
        Error::internal_error()
    })
}

impl Backend {

    /// A hover answered while edits are pending, from a view that needs no
    /// parse of the whole file (`Document::stale_view`: the tree parsed
    /// before the edits when the hovered statement is untouched, or the
    /// edited block parsed alone). None when no view applies or the answer
    /// needs the module's facts (`analysis::hover::hover_in_view`): the
    /// caller parses.
    async fn stale_hover(&self, key: &str, pos: Position) -> Option<Result<Option<Hover>>> {
        let (doc, seq) = {
            let e = self.docs.get(key)?;
            (e.doc.clone(), e.seq)
        };
        let (settings, findings, _) = self.findings_at_hand(key, seq)?;
        let enc = self.enc();
        let k = self.k_for(&settings);
        let notes = self.notes_dirs(&settings);
        // The answer from one pass of the view (`Document::stale_view_pass`).
        let run = move |parse: bool, cancel: Option<Arc<AtomicBool>>| {
            budget::run(None, cancel, || {
                guard(|| {
                    let offset = convert::offset(&doc, pos, enc);
                    let view = doc.stale_view_pass(offset, parse)?;
                    let findings: Vec<Finding> =
                        findings.iter().filter_map(|f| Some(Finding { range: view.back(&f.range)?, ..f.clone() })).collect();
                    let h = analysis::hover::hover_in_view(&view.text, &view.tree, view.offset, &findings, &settings, k)?;
                    Some(h.map(|h| {
                        let range = convert::range(&doc, &view.forward(h.range.clone()), enc);
                        to_hover(h, range, &notes, k)
                    }))
                })
            })
            .0
        };
        // A view that needs no parse (a statement read from an earlier tree:
        // a few hundred microseconds) answers here: a hop to another thread
        // can wait milliseconds for a core while a parse and the client
        // share two. The others (a block parsed alone) go off this thread.
        let answer = match run(false, None) {
            Ok(None) => off_thread(move |cancel| run(true, Some(cancel))).await,
            first => Some(first),
        };
        match answer {
            Some(Ok(Some(h))) => Some(Ok(h)),
            Some(Ok(None)) => None,
            Some(Err(e)) => Some(Err(e)),
            None => Some(Err(Error::internal_error())),
        }
    }
    pub fn new(client: Client) -> Self {
        Backend {
            shared: Arc::new(Shared {
                client,
                docs: DashMap::new(),
                info: RwLock::new(ClientInfo::default()),
                runs: tokio::sync::Semaphore::new(DIAGNOSTIC_RUNS),
                last_edited: Mutex::new(None),
            }),
            layers: RwLock::new(vec![Value::Null, Value::Null]),
            warned: Mutex::new(HashSet::new()),
            projects_logged: Mutex::new(HashSet::new()),
            pending_log: Mutex::new(Vec::new()),
        }
    }

    /// Settings for a document: defaults → its project (pyproject.toml,
    /// setup.cfg, setup.py, ruff configuration) → client layers. A `file:`
    /// document finds its project from its own folder (up to the workspace
    /// root); any other (`untitled:`, …) has no place on disk and takes the
    /// workspace root's project, or none: never one found from the server's
    /// working directory. The first time a project is seen, what was found
    /// is logged.
    fn settings_for(&self, uri: &Uri) -> (Settings, Vec<String>) {
        let k = self.k();
        let mut s = Settings::default();
        let mut warnings = Vec::new();
        let root = self.info.read().ok().and_then(|i| i.root.clone());
        let start = if is_file_uri(uri) {
            uri.to_file_path().map(|p| p.to_path_buf()).filter(|p| p.is_absolute())
        } else {
            root.clone().filter(|r| r.is_absolute()).map(|r| r.join("untitled.py"))
        };
        if let Some(path) = start {
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
        s.diagnostics_in_hover = self.info.read().is_ok_and(|i| i.diagnostics_in_hover);
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

    /// New settings for every open document, and their diagnostics again.
    async fn refresh_all(&self) {
        let uris: Vec<String> = self.docs.iter().map(|e| e.key().clone()).collect();
        for key in uris {
            let Ok(uri) = key.parse::<Uri>() else { continue };
            let (s, warnings) = self.settings_for(&uri);
            match self.docs.get_mut(&key) {
                Some(mut e) => {
                    e.settings = Arc::new(s);
                    e.invalidate();
                }
                None => continue,
            }
            self.report_warnings(warnings).await;
            self.shared.schedule(&key);
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

impl Shared {
    fn k(&self) -> &'static Knowledge {
        Knowledge::get()
    }

    /// The knowledge in the language for these settings: the `locale`
    /// setting, else the client's locale, else English.
    fn k_for(&self, s: &Settings) -> &'static Knowledge {
        let client = self.info.read().ok().and_then(|i| i.locale.clone());
        let tag = s.locale.clone().or(client).unwrap_or_default();
        Knowledge::for_locale(crate::knowledge::Locale::parse(&tag))
    }

    /// The user's notes folders of these settings (relative ones from the
    /// workspace root; without a root they are skipped).
    fn notes_dirs(&self, s: &Settings) -> Vec<PathBuf> {
        let root = self.info.read().ok().and_then(|i| i.root.clone());
        s.notes
            .iter()
            .filter_map(|d| {
                let p = PathBuf::from(d);
                if p.is_absolute() { Some(p) } else { root.as_ref().map(|r| r.join(p)) }
            })
            .collect()
    }

    fn enc(&self) -> Encoding {
        self.info.read().map(|i| i.encoding.unwrap_or(Encoding::Utf16)).unwrap_or(Encoding::Utf16)
    }

    /// Start (or wake) the diagnostics task of a document: the run in
    /// progress, now stale, is abandoned; the task checks the newest edit.
    fn schedule(self: &Arc<Self>, key: &str) {
        {
            let Some(mut e) = self.docs.get_mut(key) else { return };
            e.cancel.store(true, Ordering::Relaxed);
            if e.running {
                return;
            }
            e.running = true;
        }
        let sh = self.clone();
        let key = key.to_string();
        tokio::spawn(async move { sh.diagnostics_task(key).await });
    }

    /// The document as of its newest edit with its tree up to date, and
    /// that edit's number, when no parse is needed.
    fn ready(&self, key: &str) -> Option<(Arc<Document>, u64)> {
        let e = self.docs.get(key)?;
        e.doc.is_parsed().then(|| (e.doc.clone(), e.seq))
    }

    /// The document as of its newest edit, with its tree brought up to date
    /// by one incremental parse for all the edits made since the last one,
    /// and that edit's number. The tree is installed in the document (the
    /// next caller finds it ready) and what the parse found changed is
    /// recorded with that edit, for rechecks. Blocking: on a blocking thread.
    /// `urgent` (a request waits for it): when the diagnostics run's parse,
    /// at a lower priority, holds the document, the tree is parsed here for
    /// this caller alone rather than waited for.
    fn parsed(&self, key: &str, urgent: bool) -> Option<(Arc<Document>, u64)> {
        self.parsed_keeping(key, urgent, &mut Vec::new())
    }

    /// `parsed`, putting the trees it replaces in the document into
    /// `retired` (for the diagnostics run to free after it publishes).
    fn parsed_keeping(&self, key: &str, urgent: bool, retired: &mut Vec<crate::document::Retired>) -> Option<(Arc<Document>, u64)> {
        let lock = {
            let e = self.docs.get(key)?;
            if e.doc.is_parsed() {
                return Some((e.doc.clone(), e.seq));
            }
            e.parse_lock.clone()
        };
        let _parsing = match lock.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) if urgent => {
                let (doc, seq) = {
                    let e = self.docs.get(key)?;
                    (e.doc.clone(), e.seq)
                };
                if doc.is_parsed() {
                    return Some((doc, seq));
                }
                let r = guard(|| doc.reparse()).ok()?;
                let mut d = Arc::unwrap_or_clone(doc);
                d.install(r);
                return Some((Arc::new(d), seq));
            }
            Err(std::sync::TryLockError::WouldBlock) => lock.lock().unwrap_or_else(|p| p.into_inner()),
        };
        // Another caller may have parsed while this one waited.
        let (doc, seq, generation) = {
            let e = self.docs.get(key)?;
            if e.doc.is_parsed() {
                return Some((e.doc.clone(), e.seq));
            }
            (e.doc.clone(), e.seq, e.generation)
        };
        let r = guard(|| doc.reparse()).ok()?;
        let mut e = self.docs.get_mut(key)?;
        if e.generation != generation {
            return None;
        }
        if let Some(changed) = &r.changed {
            if let Some((_, cs)) = e.pending.iter_mut().find(|(s, _)| *s == seq) {
                cs.dirty.extend(changed.iter().cloned());
            }
        }
        if e.seq == seq {
            drop(doc);
            retired.extend(Arc::make_mut(&mut e.doc).install_keeping(r));
            return Some((e.doc.clone(), seq));
        }
        // Edits arrived during the parse: they stay pending on the new tree
        // (whose text is kept for hovers that need not wait for them).
        Arc::make_mut(&mut e.doc).install_behind(r.clone(), &doc.text);
        drop(e);
        let mut d = Arc::unwrap_or_clone(doc);
        d.install(r);
        Some((Arc::new(d), seq))
    }

    /// Check and publish until the document's newest edit is published.
    async fn diagnostics_task(self: Arc<Self>, key: String) {
        let Some(generation) = self.docs.get(&key).map(|e| e.generation) else { return };
        loop {
            // Give the rest of a burst of edits the chance to arrive.
            tokio::task::yield_now().await;
            let Ok(permit) = self.runs.acquire().await else { return };
            // The parse and the check in one trip to a background thread
            // (nice 10, `background`; a request that needs the tree parses
            // it itself, `parsed`): each trip is two thread wake-ups on the
            // keystroke's path.
            enum Run {
                NoTree,
                Reopened,
                Ran(Job, Arc<Checked>, Option<Stop>, Vec<crate::document::Retired>),
                /// The check panicked (the job's edit number).
                Panicked(u64),
            }
            let (sh, k2) = (self.clone(), key.clone());
            let run = background::run(move || {
                let mut retired = Vec::new();
                let Some((doc, seq)) = sh.parsed_keeping(&k2, false, &mut retired) else { return Run::NoTree };
                let (job, cancel) = {
                    let Some(mut e) = sh.docs.get_mut(&k2) else { return Run::Reopened };
                    if e.generation != generation {
                        return Run::Reopened;
                    }
                    // Already stale: a newer edit arrived during the parse.
                    let cancel = Arc::new(AtomicBool::new(e.seq != seq));
                    e.cancel = cancel.clone();
                    (e.job_for(doc, seq), cancel)
                };
                let deadline = Instant::now() + budgets().0;
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run(deadline, cancel))) {
                    Ok((checked, stop)) => Run::Ran(job, checked, stop, retired),
                    Err(_) => Run::Panicked(job.seq),
                }
            })
            .await;
            // Freed after the diagnostics are out.
            let mut retired = Vec::new();
            let (seq, ran) = match run {
                Some(Run::Ran(job, checked, stop, r)) => {
                    retired = r;
                    (job.seq, Some((job, checked, stop)))
                }
                Some(Run::Panicked(seq)) => (seq, None),
                Some(Run::Reopened) => return,
                Some(Run::NoTree) | None => {
                    if let Some(mut e) = self.docs.get_mut(&key) {
                        if e.generation == generation {
                            e.running = false;
                        }
                    }
                    return;
                }
            };
            drop(permit);
            if let Some((job, checked, stop)) = ran {
                if stop != Some(Stop::Cancelled) {
                    log_overrun("diagnostics", &key, &stop, budgets().0);
                    self.store(&key, &job, &checked, stop.is_some());
                    let current = self.docs.get(&key).is_some_and(|e| e.generation == generation && e.seq == seq);
                    if current {
                        let enc = self.enc();
                        let doc = &job.doc;
                        let k = self.k_for(&job.settings);
                        let diags = guard(|| checked.findings.iter().map(|f| self.diagnostic(doc, f, enc, k)).collect::<Vec<_>>()).unwrap_or_default();
                        if let Ok(uri) = key.parse::<Uri>() {
                            self.client.publish_diagnostics(uri, diags, Some(doc.version)).await;
                        }
                    }
                }
            }
            if !retired.is_empty() {
                background::detach(move || drop(retired));
            }
            let Some(mut e) = self.docs.get_mut(&key) else { return };
            if e.generation != generation {
                return;
            }
            if e.seq == seq && !e.cancel.load(Ordering::Relaxed) {
                e.running = false;
                return;
            }
        }
    }

    /// Keep the findings of a job unless newer ones are already there (or
    /// the document was reopened or reconfigured meanwhile).
    fn store(&self, key: &str, job: &Job, checked: &Arc<Checked>, partial: bool) {
        if job.cached.is_some() {
            return;
        }
        if let Some(mut e) = self.docs.get_mut(key) {
            let seq = job.seq;
            if e.generation == job.generation
                && e.seq >= seq
                && e.checked.as_ref().is_none_or(|f| f.seq < seq)
                && Arc::ptr_eq(&e.settings, &job.settings)
            {
                e.checked = Some(Found { seq, checked: checked.clone(), partial });
                if !partial {
                    e.pending.retain(|(s, _)| *s > seq);
                }
            }
        }
    }

    /// Findings for the document's current text, for a request: cached, or
    /// rechecked incrementally, or checked in full, on a blocking thread
    /// under the request budget (cancelled with the request).
    async fn findings_now(self: &Arc<Self>, key: &str) -> Option<(Arc<Document>, Arc<Settings>, Arc<Checked>)> {
        let (doc, seq) = match self.ready(key) {
            Some(d) => d,
            None => {
                let (sh, k2) = (self.clone(), key.to_string());
                off_thread(move |_| sh.parsed(&k2, true)).await.flatten()?
            }
        };
        let job = self.docs.get(key)?.job_for(doc, seq);
        if let Some(c) = &job.cached {
            return Some((job.doc.clone(), job.settings.clone(), c.clone()));
        }
        let deadline = Instant::now() + budgets().1;
        let (job, checked, stop) = off_thread(move |cancel| {
            let (checked, stop) = job.run(deadline, cancel);
            (job, checked, stop)
        })
        .await?;
        if stop == Some(Stop::Cancelled) {
            return None;
        }
        log_overrun("request", key, &stop, budgets().1);
        self.store(key, &job, &checked, stop.is_some());
        Some((job.doc, job.settings, checked))
    }

    /// The newest findings there are for edit `seq`, without checking: those
    /// of that edit, or older ones mapped through the edits made since
    /// (findings the edits touched are left out). For hover, which never
    /// waits for a diagnostics run.
    fn findings_at_hand(&self, key: &str, seq: u64) -> Option<(Arc<Settings>, Vec<Finding>, Option<Arc<Checked>>)> {
        let e = self.docs.get(key)?;
        let Some(found) = e.checked.as_ref().filter(|f| f.seq <= seq) else { return Some((e.settings.clone(), Vec::new(), None)) };
        if found.seq == seq {
            return Some((e.settings.clone(), found.checked.findings.clone(), Some(found.checked.clone())));
        }
        let mut cs = ChangeSet::default();
        for (_, p) in e.pending.iter().filter(|(s, _)| *s > found.seq && *s <= seq) {
            cs.extend(p);
        }
        if cs.full {
            return Some((e.settings.clone(), Vec::new(), None));
        }
        let mapped = found
            .checked
            .findings
            .iter()
            .filter_map(|f| {
                let mut r = f.range.clone();
                for ed in &cs.edits {
                    if ed.start_byte <= r.end && r.start <= ed.old_end_byte {
                        return None;
                    }
                    r = crate::document::map_range(r, ed);
                }
                let touched = cs.dirty.iter().any(|d| d.start <= r.end && r.start <= d.end);
                (!touched).then(|| Finding { range: r, fixes: Vec::new(), ..f.clone() })
            })
            .collect();
        Some((e.settings.clone(), mapped, None))
    }

    fn diagnostic(&self, doc: &Document, f: &Finding, enc: Encoding, k: &Knowledge) -> Diagnostic {
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

}

fn is_file_uri(uri: &Uri) -> bool {
    uri.as_str().get(..5).is_some_and(|s| s.eq_ignore_ascii_case("file:"))
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
            info.resolve_edit = params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
            info.root = root;
            info.locale = params.locale.clone();
            info.diagnostics_in_hover = params.client_info.as_ref().is_some_and(|c| shows_diagnostics_in_hover(&c.name));
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
                    resolve_provider: Some(true),
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
        let (settings, mut warnings) = self.settings_for(&td.uri);
        // The scanner guard (`syntax::parse_len`): say so, as the CLI does,
        // when only the text before a too-deep line is checked.
        if let Ok(parsed) = guard(|| crate::syntax::parse_len(&td.text)) {
            if parsed < td.text.len() {
                let line = (td.text[..parsed].matches('\n').count() + 1).to_string();
                let limit = crate::syntax::MAX_INDENT_LEVELS.to_string();
                let path = td.uri.path().as_str().to_string();
                warnings.push(self.k_for(&settings).ui("syntax.too_deep", &[("path", &path), ("limit", &limit), ("line", &line)]));
            }
        }
        let opened = guard(|| {
            let doc = Document::new(td.text, version);
            if let Some(old) = self.docs.insert(key.clone(), DocState::new(doc, settings)) {
                old.cancel.store(true, Ordering::Relaxed);
            }
        });
        if opened.is_err() {
            return;
        }
        self.shared.schedule(&key);
        self.report_warnings(warnings).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Everything here runs in arrival order: no `.await` at all. The
        // diagnostics are the document's task's business.
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
            // No parse here: the tree is brought up to date once, for all
            // the edits made meanwhile, by whoever needs it next.
            let cs = doc.apply_edits(&changes, enc, version);
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
                if let Some((_, old)) = self.docs.remove(&key) {
                    old.cancel.store(true, Ordering::Relaxed);
                }
            }
            return;
        }
        // Another document was edited before this one: it lets go of its
        // kept trees (with 200 documents open they added 34 MB).
        let previous = self.last_edited.lock().ok().and_then(|mut l| l.replace(key.clone()).filter(|p| *p != key));
        if let Some(p) = previous {
            let _ = guard(|| {
                if let Some(mut e) = self.docs.get_mut(&p) {
                    Arc::make_mut(&mut e.doc).forget_kept_trees();
                }
            });
        }
        self.shared.schedule(&key);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if let Some((_, old)) = self.docs.remove(params.text_document.uri.as_str()) {
            old.cancel.store(true, Ordering::Relaxed);
        }
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
        // Never waits for a diagnostics run: the findings at hand will do.
        // The tree: ready; or, while edits are pending elsewhere in the file,
        // the tree parsed before them (`Document::stale_view`); or brought up
        // to date for all pending edits at once.
        if self.shared.ready(&key).is_none() {
            if let Some(answer) = self.stale_hover(&key, pos).await {
                return answer;
            }
        }
        let (doc, seq) = match self.shared.ready(&key) {
            Some(d) => d,
            None => {
                let (sh, k2) = (self.shared.clone(), key.clone());
                match off_thread(move |_| sh.parsed(&k2, true)).await.flatten() {
                    Some(d) => d,
                    None => return Ok(None),
                }
            }
        };
        let Some((settings, findings, checked)) = self.findings_at_hand(&key, seq) else { return Ok(None) };
        let enc = self.enc();
        let k = self.k_for(&settings);
        let notes = self.notes_dirs(&settings);
        let inline = doc.text.len() <= INLINE_HOVER_BYTES;
        let run = move |cancel| {
            budget::run(None, Some(cancel), || {
                guard(|| {
                    let offset = convert::offset(&doc, pos, enc);
                    let facts = checked.as_ref().map(|c| c.facts());
                    analysis::hover::hover_with_facts(&doc.text, &doc.tree, offset, &findings, &settings, k, facts).map(|h| {
                        let range = convert::range(&doc, &h.range, enc);
                        to_hover(h, range, &notes, k)
                    })
                })
            })
            .0
        };
        // In a document of up to `INLINE_HOVER_BYTES` the hover is answered
        // on this task: it reads the node under the cursor, its scope and
        // the findings at hand (a fraction of a millisecond), less than
        // handing it to a blocking thread and back costs (the benchmark's
        // hover median 1.06 and 1.13 ms that way, 0.88 and 0.90 ms here, in
        // alternating runs on a loaded machine). A larger document's hover
        // goes to a blocking thread, where a cancelled request stops it.
        let answer = if inline {
            Some(run(Arc::new(AtomicBool::new(false))))
        } else {
            off_thread(run).await
        };
        answer.unwrap_or_else(|| Err(Error::internal_error()))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let key = uri.as_str().to_string();
        let Some((doc, settings, found)) = self.shared.findings_now(&key).await else { return Ok(None) };
        let enc = self.enc();
        let k = self.k_for(&settings);
        let only = params.context.only.clone();
        let resolve_edit = self.info.read().map(|i| i.resolve_edit).unwrap_or(false);
        // Fix-all is a whole-file computation: only when asked for by kind
        // (`source`, `source.fixAll`, `source.fixAll.pyexplain`); a plain
        // request (a cursor move, Neovim's `gra`) gets it unresolved, to be
        // computed by `codeAction/resolve` if chosen, when the client can.
        let explicit_fix_all = only.as_ref().is_some_and(|o| o.iter().any(|k| !k.as_str().is_empty() && FIX_ALL_KIND.starts_with(k.as_str())));
        let lazy_fix_all = only.is_none() && resolve_edit;
        let shared = self.shared.clone();
        let answer = off_thread(move |cancel| {
            guard(|| {
                let sh = &*shared;
                // The whole lines the range touches: a cursor anywhere on a
                // finding's line is on the finding.
                let lines = convert::line_span(&doc, params.range, enc);
                let mut actions: Vec<CodeActionOrCommand> = Vec::new();
                if wants(&only, CodeActionKind::QUICKFIX.as_str()) {
                    for f in found.findings.iter().filter(|f| convert::on_lines(&f.range, &lines)) {
                        let diag = sh.diagnostic(&doc, f, enc, k);
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
                                edit: Some(sh.workspace_edit(&uri, &doc, &fx.edits, enc)),
                                is_preferred: Some(i == 0 && fx.applicability == Applicability::Safe),
                                ..Default::default()
                            }));
                        }
                        if let Some(edit) = suppress::ignore_edit(&doc.text, &doc.tree, f.rule, f.range.start) {
                            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                                title: k.ui("actions.ignore_line", &[("rule", f.rule)]),
                                kind: Some(CodeActionKind::QUICKFIX),
                                diagnostics: Some(vec![diag]),
                                edit: Some(sh.workspace_edit(&uri, &doc, &[edit], enc)),
                                ..Default::default()
                            }));
                        }
                    }
                }
                if explicit_fix_all {
                    let (edit, stop) = budget::run(Some(Instant::now() + budgets().1), Some(cancel), || fix_all_edit(&doc, &settings, k));
                    log_overrun("fix-all", uri.as_str(), &stop, budgets().1);
                    if let Some(edit) = edit {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: k.ui("actions.fix_all", &[]),
                            kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                            edit: Some(sh.workspace_edit(&uri, &doc, &[edit], enc)),
                            ..Default::default()
                        }));
                    }
                } else if lazy_fix_all && found.findings.iter().any(|f| f.fixes.iter().any(|x| fix::allowed(x.applicability, settings.unsafe_fixes))) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: k.ui("actions.fix_all", &[]),
                        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                        data: Some(serde_json::json!({ "fixAll": uri.as_str(), "version": doc.version })),
                        ..Default::default()
                    }));
                }
                Some(actions)
            })
        })
        .await;
        answer.unwrap_or_else(|| Err(Error::internal_error()))
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        let Some(key) = action.data.as_ref().and_then(|d| d.get("fixAll")).and_then(|u| u.as_str()).map(str::to_string) else {
            return Ok(action);
        };
        let Ok(uri) = key.parse::<Uri>() else { return Ok(action) };
        let Some((doc, settings)) = self.docs.get(&key).map(|e| (e.doc.clone(), e.settings.clone())) else { return Ok(action) };
        let enc = self.enc();
        let k = self.k();
        let shared = self.shared.clone();
        let edit = off_thread(move |cancel| {
            guard(|| {
                let (edit, stop) = budget::run(Some(Instant::now() + budgets().1), Some(cancel), || fix_all_edit(&doc, &settings, k));
                log_overrun("fix-all", uri.as_str(), &stop, budgets().1);
                // Nothing left to fix: an empty edit of this version.
                shared.workspace_edit(&uri, &doc, edit.as_slice(), enc)
            })
        })
        .await
        .unwrap_or_else(|| Err(Error::internal_error()))?;
        action.edit = Some(edit);
        Ok(action)
    }
}

/// Fix-all as one edit replacing the changed middle of the document, or
/// None when nothing changes.
fn fix_all_edit(doc: &Document, settings: &Settings, k: &Knowledge) -> Option<analysis::Edit> {
    let out = fix::fix_all(&doc.text, settings, k, settings.unsafe_fixes);
    if out.text == doc.text {
        return None;
    }
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
    Some(analysis::Edit::replace(p..doc.text.len() - suffix, &out.text[p..out.text.len() - suffix]))
}

/// The LSP hover for a result, with "Your notes: …" links to the user's
/// sections that show the same thing.
fn to_hover(h: analysis::hover::HoverResult, range: Range, notes: &[std::path::PathBuf], k: &Knowledge) -> Hover {
    let mut value = h.markdown;
    if !notes.is_empty() {
        let idx = crate::notes::shared(notes);
        if let Some(line) = crate::notes::hover_line(&idx, h.topic.as_deref(), &h.rules, k) {
            value.push_str("\n\n");
            value.push_str(&line);
        }
    }
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: Some(range) }
}
