//! The `pyexplain` binary: arguments → serve / check / explain / rules.

fn main() {
    // `pyexplain check . | head` should stop quietly when the reader goes
    // away, as other command-line tools do, instead of panicking on EPIPE.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any
    // thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(pyexplain::cli::main(&args));
}
