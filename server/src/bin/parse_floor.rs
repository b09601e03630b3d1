//! `parse-floor`: the floor for `pyexplain check` in the benchmark
//! (`tests/bench/bench.py`). It reads each listed file once and parses it with
//! tree-sitter-python, with the same thread model as `pyexplain check` (one
//! file per task, `available_parallelism()` scoped threads taking the next
//! file, largest first, from an atomic counter) and the same allocator for
//! tree-sitter (mimalloc), and does nothing else: no decoding, no settings,
//! no rules, no output per file.
//!
//! Usage: `parse-floor [--threads N] [--files-from LIST] [FILE…]`, where LIST
//! holds one path per line. Prints one summary line on stdout:
//! `files F bytes B errors E` (E = trees with a syntax error).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn main() {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut threads: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().and_then(|v| v.parse().ok()),
            "--files-from" => {
                let Some(list) = args.next() else {
                    eprintln!("parse-floor: --files-from needs a file");
                    std::process::exit(2);
                };
                match std::fs::read_to_string(&list) {
                    Ok(t) => files.extend(t.lines().filter(|l| !l.is_empty()).map(PathBuf::from)),
                    Err(e) => {
                        eprintln!("parse-floor: {list}: {e}");
                        std::process::exit(2);
                    }
                }
            }
            _ => files.push(PathBuf::from(a)),
        }
    }
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
        .min(files.len().max(1));
    // As `check` does (`pyexplain::cli`), so that the floor is as fast.
    pyexplain::cli::tree_sitter_on_mimalloc();
    pyexplain::syntax::use_dense_parse_table();
    // SAFETY: no tree exists yet; each file's tree is made and dropped by
    // the worker that takes the file, as in `check`.
    unsafe { pyexplain::syntax::use_plain_ref_counts() };
    let order = pyexplain::cli::largest_first(&files);
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let unreadable = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&tree_sitter_python::LANGUAGE.into()).expect("tree-sitter-python is ABI-compatible");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = order.get(i).map(|&j| &files[j]) else { break };
                    let Ok(src) = std::fs::read(path) else {
                        unreadable.fetch_add(1, Ordering::Relaxed);
                        continue;
                    };
                    let tree = parser.parse(&src, None).expect("a parse without limits succeeds");
                    bytes.fetch_add(src.len(), Ordering::Relaxed);
                    if tree.root_node().has_error() {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    println!(
        "files {} bytes {} errors {}",
        files.len() - unreadable.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed)
    );
    if unreadable.load(Ordering::Relaxed) > 0 {
        eprintln!("parse-floor: {} files could not be read", unreadable.load(Ordering::Relaxed));
        std::process::exit(2);
    }
}
