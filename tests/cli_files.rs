//! `check --fix` never loses a byte of the user's files (issue 13): an
//! interrupted write leaves the original whole, and a pathological
//! `.gitignore` pattern does not hang discovery.

use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pyexplain")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pyexplain-cli-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[cfg(unix)]
#[test]
fn an_interrupted_fix_write_leaves_the_original_whole() {
    let d = scratch("ulimit");
    // ~40 KB with fixable findings on every line.
    let text: String = (0..2000).map(|i| format!("class C{i}(object): pass\n")).collect();
    let f = d.join("big.py");
    std::fs::write(&f, &text).unwrap();
    // A file-size limit of 8 KB: the write of the fixed text is cut off
    // (SIGXFSZ or EFBIG), as on a full disk.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f 16; exec '{}' check --fix '{}'", bin(), f.display()))
        .output()
        .unwrap();
    assert!(!status.status.success());
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text, "the original must be intact");
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert!(left.len() <= 2, "at most the file and one stray temporary file: {left:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_backtracking_gitignore_pattern_does_not_hang_discovery() {
    let d = scratch("glob");
    std::fs::write(d.join(".gitignore"), "*a*a*a*a*a*a*a*a*a*a*a*a*b\n").unwrap();
    std::fs::write(d.join(format!("{}.py", "a".repeat(40))), "x = 1\n").unwrap();
    let out = Command::new(bin()).args(["check", d.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::remove_dir_all(&d).unwrap();
}
