//! pyexplain: a language server that explains Python code where it is written.
//!
//! # Code map
//!
//! - `lsp/` — the only code that knows the Language Server Protocol: our own
//!   stdio framing in front of tower-lsp-server, the backend and its handlers,
//!   position conversion and client settings.
//! - `document`, `line_index`, `syntax` — an open file: text, line starts,
//!   and a tree-sitter tree kept in step by incremental reparsing; node
//!   helpers. This layer imports nothing from `analysis`.
//! - `knowledge/` — topics and rules parsed from `knowledge/*.md`, embedded in
//!   the binary at build time, and `knowledge/interface.toml`.
//! - `analysis/` — the pure core: `rules/` (one file per rule in a family
//!   folder, one traversal that feeds them all), `helpers/` (what rules
//!   share, by subject), `fix` (edits and fix-all), `hover` (position →
//!   topic → Markdown), `scope` (imports, bindings and shadowing),
//!   `incremental`, `suppress`.
//! - `config` — settings from defaults, `pyproject.toml` and the client.
//! - `cli` — `check`, `explain`, `notes index`, `rules`, calling the same analysis.
//! - `notes` — the user's own Markdown notes, indexed by the topics and rules
//!   their code blocks show (cached in the notes folder), for the hover's
//!   "Your notes" line.
//!
//! # Invariants
//!
//! - Invariant: only `lsp/` uses LSP types; `analysis` and `knowledge` do no
//!   IO, no async, and must not panic on any input (each rule call is also
//!   panic-isolated, and so is every LSP handler).
//! - Invariant: inside, positions are byte offsets; conversion to LSP
//!   positions (UTF-16, or UTF-8 when negotiated) happens once, in `lsp/`.
//! - Invariant: edits are applied in arrival order, synchronously in
//!   `did_change` before any `.await`.
//! - Invariant: user-facing text lives in `knowledge/`, never in Rust strings.
//! - Invariant: every fix states its applicability; a rule lowers it per
//!   finding where the syntax cannot prove the rewrite keeps the meaning.
//! - Deliberately absent: no type inference, no import of user code, no
//!   execution of user code, no network, no files read at run time but the
//!   checked sources, `pyproject.toml` and the user's notes folders (written:
//!   only their `.pyexplain-cache/`).

pub mod analysis;
pub mod cli;
pub mod config;
pub mod document;
pub mod knowledge;
pub mod line_index;
pub mod lsp;
pub mod notes;
pub mod syntax;
