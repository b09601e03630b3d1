//! The `pyexplain` binary: arguments → serve / check / explain / rules.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(pyexplain::cli::main(&args));
}
