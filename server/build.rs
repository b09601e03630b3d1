//! Embeds every knowledge file in the binary: writes `knowledge_files.rs`
//! with one `include_str!` per file, so the server reads no files at run time.

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("knowledge_files.rs");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut code = String::new();
    for dir in ["topics", "rules"] {
        let d = root.join(dir);
        println!("cargo:rerun-if-changed={}", d.display());
        let mut files: Vec<_> = fs::read_dir(&d)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "md"));
        files.sort();
        code.push_str(&format!("pub static {}: &[(&str, &str)] = &[\n", dir.to_uppercase()));
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let stem = f.file_stem().unwrap().to_string_lossy().to_string();
            code.push_str(&format!("    ({:?}, include_str!({:?})),\n", stem, f.display().to_string()));
        }
        code.push_str("];\n");
    }
    let iface = root.join("interface.toml");
    println!("cargo:rerun-if-changed={}", iface.display());
    code.push_str(&format!("pub static INTERFACE: &str = include_str!({:?});\n", iface.display().to_string()));
    fs::write(out, code).unwrap();
}
