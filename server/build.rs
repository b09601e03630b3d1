//! Embeds every knowledge file in the binary: writes `knowledge_files.rs`
//! with one `include_str!` per file, so the server reads no files at run time.

use std::{env, fs, path::Path};

fn main() {
    // Read at run time, not with env!(): a build script compiled in another
    // checkout must still read this one's files.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("knowledge");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("knowledge_files.rs");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut code = String::new();
    for dir in ["topics", "rules"] {
        embed_md(&mut code, &dir.to_uppercase(), &root.join(dir));
    }
    front_matter_json(&mut code, "RULES_FRONT_JSON", &root.join("rules"));
    let iface = root.join("interface.toml");
    println!("cargo:rerun-if-changed={}", iface.display());
    code.push_str(&format!("pub static INTERFACE: &str = include_str!({:?});\n", iface.display().to_string()));
    // Translations: knowledge/<lang>/{topics,rules}/*.md and interface.toml,
    // each optional (a missing one leaves that entry in English).
    for lang in ["es"] {
        let base = root.join(lang);
        println!("cargo:rerun-if-changed={}", base.display());
        for dir in ["topics", "rules"] {
            embed_md(&mut code, &format!("{}_{}", lang.to_uppercase(), dir.to_uppercase()), &base.join(dir));
        }
        let iface = base.join("interface.toml");
        println!("cargo:rerun-if-changed={}", iface.display());
        if iface.is_file() {
            code.push_str(&format!("pub static {}_INTERFACE: &str = include_str!({:?});\n", lang.to_uppercase(), iface.display().to_string()));
        } else {
            code.push_str(&format!("pub static {}_INTERFACE: &str = \"\";\n", lang.to_uppercase()));
        }
    }
    fs::write(out, code).unwrap();
    write_rule_registry();
}

/// Appends `pub static NAME: &[(stem, text)]`, one `include_str!` per `*.md`
/// file of `dir` in file-name order (an absent folder gives an empty list).
fn embed_md(code: &mut String, name: &str, dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    files.sort();
    code.push_str(&format!("pub static {name}: &[(&str, &str)] = &[\n"));
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        code.push_str(&format!("    ({:?}, include_str!({:?})),\n", stem, f.display().to_string()));
    }
    code.push_str("];\n");
}

/// Appends `pub static NAME: &[&str]`: for each `*.md` file of `dir`, in
/// the order of `embed_md`'s list, its TOML front matter (between the first
/// two `+++` lines, as `knowledge::parse::parse_front_matter` reads it) as
/// JSON, or "" when it has none or it does not parse (the knowledge then
/// parses the TOML at run time and reports the error as before).
fn front_matter_json(code: &mut String, name: &str, dir: &Path) {
    let mut files: Vec<_> = fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    files.sort();
    code.push_str(&format!("pub static {name}: &[&str] = &[\n"));
    for f in files {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut parts = text.splitn(3, "+++");
        let json = match (parts.next(), parts.next(), parts.next()) {
            (Some(before), Some(front), Some(_)) if before.trim().is_empty() => {
                toml::from_str::<toml::Value>(front).ok().and_then(|v| serde_json::to_string(&v).ok()).unwrap_or_default()
            }
            _ => String::new(),
        };
        code.push_str(&format!("    {json:?},\n"));
    }
    code.push_str("];\n");
}

/// Registers every rule file: `server/src/analysis/rules/<family>/foo_bar.rs`
/// becomes `mod foo_bar;`, and if it defines `pub struct FooBar;` that struct
/// joins the rule list. Adding a rule is adding its file to its family folder
/// (and its knowledge file and fixture); no shared list to edit. Files
/// directly in `rules/` (`mod.rs`, `prelude.rs`) are not rules.
fn write_rule_registry() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("server/src/analysis/rules");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("rule_registry.rs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut families: Vec<_> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    families.sort();
    let mut files = Vec::new();
    for family in &families {
        println!("cargo:rerun-if-changed={}", family.display());
        let rd = fs::read_dir(family).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect::<Vec<_>>()).unwrap_or_default();
        files.extend(rd.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")));
    }
    // By file name across families: the rule order does not depend on the grouping.
    files.sort_by_key(|p| p.file_stem().map(|s| s.to_os_string()));
    let mut mods = String::new();
    let mut list = String::from("static ALL: &[&dyn Rule] = &[\n");
    let mut families_of = String::from("/// Each rule file's (family folder, file stem), in file-name order.\npub static RULE_FILES: &[(&str, &str)] = &[\n");
    let mut seen = std::collections::HashSet::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        assert!(seen.insert(stem.clone()), "two rule files named {stem}.rs: a rule's file name must be unique across families");
        let family = f.parent().and_then(|p| p.file_name()).unwrap().to_string_lossy().to_string();
        families_of.push_str(&format!("    ({family:?}, {stem:?}),\n"));
        mods.push_str(&format!("#[path = {:?}]\nmod {stem};\n", f.display().to_string()));
        let camel: String = stem
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|h| h.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
            })
            .collect();
        let text = fs::read_to_string(f).unwrap_or_default();
        if text.lines().any(|l| l.trim() == format!("pub struct {camel};")) {
            list.push_str(&format!("    &{stem}::{camel},\n"));
        }
    }
    list.push_str("];\n");
    families_of.push_str("];\n");
    fs::write(out, format!("{mods}\n{families_of}\n/// Every rule, in file-name order.\npub fn all() -> &'static [&'static dyn Rule] {{\n{list}    ALL\n}}\n")).unwrap();
}
