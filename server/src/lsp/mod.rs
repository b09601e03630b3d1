//! The only LSP-aware code: our stdio framing (`transport`), the backend and
//! its handlers (`backend`), position conversion (`convert`).

mod backend;
pub mod convert;
pub mod transport;

pub use backend::Backend;

/// `pyexplain serve [--stdio] [--log-level L] [--log-file P]`.
pub fn serve_cli(args: &[String]) -> i32 {
    let mut it = args.iter();
    let mut log_file: Option<String> = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--stdio" => {}
            "--log-level" => {
                it.next();
            }
            "--log-file" => log_file = it.next().cloned(),
            s if s.starts_with("--log-level=") => {}
            s if s.starts_with("--log-file=") => log_file = Some(s["--log-file=".len()..].to_string()),
            other => {
                let k = crate::knowledge::Knowledge::get();
                eprintln!("pyexplain: {}", k.ui("cli.unknown_option", &[("option", other), ("command", "serve")]));
                return 2;
            }
        }
    }
    transport::set_log_file(log_file);
    // (tree-sitter is on mimalloc already: `cli::main`.)
    // Analysis recurses as deep as the input nests (within the depth guards):
    // every thread that may run it, worker or blocking, gets the same sized
    // stack as the CLI's analysis threads instead of tokio's 2 MiB.
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .thread_stack_size(crate::cli::ANALYSIS_STACK)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pyexplain: {e}");
            return 2;
        }
    };
    let code = rt.block_on(transport::serve(tokio::io::stdin(), tokio::io::stdout()));
    // stdin's blocking reader thread may still be waiting: leave without joining it.
    std::process::exit(code);
}
