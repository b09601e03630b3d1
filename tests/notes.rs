//! The user's own notes (issue 11): the index of the committed example
//! folder (`tests/fixtures/notes/`, English and Spanish), the cache keyed by
//! path and modification time, bad notes skipped with a message, the CLI.
//! Every test indexes a copy in a temporary folder (the cache is written in
//! the notes folder).

use pyexplain::knowledge::{Knowledge, Locale};
use pyexplain::notes::{self, NotesIndex};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notes")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pyexplain-notes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn notes_copy(name: &str) -> PathBuf {
    let d = temp(name);
    copy_dir(&fixture(), &d);
    d
}

/// (file name, line, title, topics, about, rules) for every section.
fn sections(idx: &NotesIndex) -> Vec<(String, usize, String, Vec<String>, Vec<String>, Vec<String>)> {
    idx.files
        .iter()
        .flat_map(|f| {
            let name = f.path.file_name().unwrap().to_string_lossy().to_string();
            f.sections.iter().map(move |s| (name.clone(), s.line, s.title.clone(), s.topics.clone(), s.about.clone(), s.rules.clone()))
        })
        .collect()
}

#[test]
fn the_example_notes_are_indexed_by_construct_and_finding() {
    let dir = notes_copy("index");
    let idx = notes::index_dir(&dir, Knowledge::get());
    let all = sections(&idx);
    let titles: Vec<(&str, usize, &str)> = all.iter().map(|s| (s.0.as_str(), s.1, s.2.as_str())).collect();
    // Sections with Python code only; the broken block and the ```text block are not indexed.
    assert_eq!(
        titles,
        vec![
            ("generadores.md", 1, "Generadores"),
            ("generadores.md", 11, "Recorrer con índice"),
            ("generators.md", 5, "Generators"),
            ("generators.md", 16, "Index loops"),
            ("pipelines.md", 1, "Data pipelines"),
        ]
    );
    let get = |t: &str| all.iter().find(|s| s.2 == t).unwrap();
    // Topics are the resolver's ids; "about" needs the heading or first paragraph to name it.
    assert!(get("Generators").3.contains(&"yield".to_string()) && get("Generators").4.contains(&"yield".to_string()));
    assert!(get("Generadores").3.contains(&"yield".to_string()) && get("Generadores").4.contains(&"yield".to_string()));
    assert!(get("Data pipelines").3.contains(&"yield".to_string()) && !get("Data pipelines").4.contains(&"yield".to_string()));
    assert!(get("Recorrer con índice").4.contains(&"enumerate".to_string()));
    assert!(!get("Generators").3.contains(&"enumerate".to_string()));
    // Rules: the findings of the blocks.
    assert_eq!(get("Index loops").5, vec!["range-len-loop".to_string()]);
    assert!(get("Generators").5.is_empty());
    // The block that does not parse is reported with its line.
    let msgs: Vec<&String> = idx.files.iter().flat_map(|f| f.messages.iter()).collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("generadores.md:22") && msgs[0].contains("does not parse"), "{msgs:?}");

    // Each section's language, from its words (a section without prose of
    // its own takes its file's).
    let lang = |title: &str| idx.files.iter().flat_map(|f| f.sections.iter()).find(|s| s.title == title).and_then(|s| s.lang.clone());
    assert_eq!(lang("Generators").as_deref(), Some("en"));
    assert_eq!(lang("Generadores").as_deref(), Some("es"));
    assert_eq!(lang("Recorrer con índice").as_deref(), Some("es"));
    assert_eq!(lang("Index loops").as_deref(), Some("en"));
    // Hover lines: sections about the construct first, in the reader's
    // language first, at most two, linked at their line.
    let en = Knowledge::get();
    let line = notes::hover_line(&idx, Some("yield"), &[], en).unwrap();
    let gen_es = dir.join("es/generadores.md");
    let gen_en = dir.join("generators.md");
    assert_eq!(
        line,
        format!(
            "[Your notes: Generators]({}) · [Your notes: Generadores]({})",
            notes::file_link(&gen_en, 5),
            notes::file_link(&gen_es, 1)
        )
    );
    assert!(!line.contains("pipelines"));
    assert!(line.contains("#L5)"));
    let es = Knowledge::for_locale(Locale::Es);
    assert_eq!(
        notes::hover_line(&idx, Some("yield"), &[], es).unwrap(),
        format!(
            "[Tus notas: Generadores]({}) · [Tus notas: Generators]({})",
            notes::file_link(&gen_es, 1),
            notes::file_link(&gen_en, 5)
        )
    );
    // A finding links to the section that shows it.
    assert!(notes::hover_line(&idx, None, &["range-len-loop".to_string()], en).unwrap().contains("Index loops"));
    assert_eq!(notes::hover_line(&idx, Some("lambda"), &[], en), None);
    // `explain ID` lists every section, about first.
    let ex = notes::explain_lines(&idx, "yield", en).unwrap();
    let lines: Vec<&str> = ex.lines().collect();
    assert_eq!(lines.len(), 4, "{ex}");
    assert!(lines[3].contains("Data pipelines") && lines[3].ends_with("pipelines.md:1)"), "{ex}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unchanged_file_is_taken_from_the_cache_and_a_changed_one_is_read_again() {
    let dir = notes_copy("cache");
    let k = Knowledge::get();
    let first = notes::index_dir(&dir, k);
    assert_eq!(first.stats, notes::Stats { parsed: 3, cached: 0 });
    assert!(notes::cache_path(&dir).is_file());
    let second = notes::index_dir(&dir, k);
    assert_eq!(second.stats, notes::Stats { parsed: 0, cached: 3 });
    assert_eq!(sections(&first), sections(&second));
    // A new modification time (and content): that file alone is read again.
    let p = dir.join("pipelines.md");
    std::fs::write(&p, "# Lambdas\n\n```python\nkey = lambda x: x\n```\n").unwrap();
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(60)).unwrap();
    drop(f);
    let third = notes::index_dir(&dir, k);
    assert_eq!(third.stats, notes::Stats { parsed: 1, cached: 2 });
    let titles: Vec<String> = sections(&third).into_iter().map(|s| s.2).collect();
    assert!(titles.contains(&"Lambdas".to_string()) && !titles.contains(&"Data pipelines".to_string()), "{titles:?}");
    // A removed file leaves the index.
    std::fs::remove_file(&p).unwrap();
    let fourth = notes::index_dir(&dir, k);
    assert_eq!(fourth.stats, notes::Stats { parsed: 0, cached: 2 });
    assert_eq!(fourth.files.len(), 2);
    // A corrupt cache is rebuilt, not trusted.
    std::fs::write(notes::cache_path(&dir), b"{not json").unwrap();
    assert_eq!(notes::index_dir(&dir, k).stats, notes::Stats { parsed: 2, cached: 0 });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_notes_are_skipped_with_a_message() {
    let dir = temp("bad");
    std::fs::write(dir.join("latin1.md"), b"# Caf\xe9\n\n```python\nyield_ = 1\n```\n").unwrap();
    let mut big = String::from("# Big\n\n```python\ndef f():\n    yield 1\n```\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("filler line of a huge note, never read past its size\n");
    }
    std::fs::write(dir.join("big.md"), &big).unwrap();
    std::fs::write(dir.join("broken.md"), "# Broken\n\n```python\ndef f(:\n```\n\n# Fine\n\n```python\ndef g():\n    yield 2\n```\n").unwrap();
    std::fs::write(dir.join("weird.md"), "```python\n\u{0}\u{feff}((((\n").unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::write(dir.join(".hidden/x.md"), "# X\n```python\nyield\n```\n").unwrap();
    let idx = notes::index_dir(&dir, Knowledge::get());
    let by = |name: &str| idx.files.iter().find(|f| f.path.file_name().unwrap() == name).unwrap();
    assert!(by("latin1.md").sections.is_empty() && by("latin1.md").messages[0].contains("not valid UTF-8"), "{:?}", by("latin1.md"));
    assert!(by("big.md").sections.is_empty() && by("big.md").messages[0].contains("bytes (over"), "{:?}", by("big.md").messages);
    assert_eq!(by("broken.md").sections.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), vec!["Fine"]);
    assert!(by("broken.md").messages[0].contains("broken.md:3"));
    assert!(by("weird.md").sections.is_empty());
    assert_eq!(idx.files.len(), 4, "hidden folders are not notes");
    // Not a folder: a message, no panic.
    let none = notes::index_dir(&dir.join("missing"), Knowledge::get());
    assert!(none.files.is_empty() && none.messages[0].contains("not a folder"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn cli(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pyexplain")).args(args).current_dir(cwd).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn notes_index_and_explain_on_the_command_line() {
    let dir = notes_copy("cli");
    let d = dir.to_str().unwrap();
    let (code, out, err) = cli(&["notes", "index", d], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("generators.md:5: Generators — ") && out.contains("yield*"), "{out}");
    assert!(out.contains("!range-len-loop"), "{out}");
    assert!(out.contains("3 note file(s), 5 section(s) with Python code (3 read, 0 from the cache"), "{out}");
    assert!(err.contains("generadores.md:22"), "{err}");
    let (_, again, _) = cli(&["notes", "index", d], &dir);
    assert!(again.contains("(0 read, 3 from the cache"), "{again}");
    let (code, _, err) = cli(&["notes", "index", "/no/such/folder"], &dir);
    assert_eq!(code, 2);
    assert!(err.contains("not a folder"), "{err}");

    let (code, out, _) = cli(&["explain", "yield", "--notes", d], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("Your notes on `yield`:") && out.contains("- Generators (") && out.contains("generators.md:5)"), "{out}");
    let (_, es, _) = cli(&["--locale", "es", "explain", "yield", "--notes", d], &dir);
    assert!(es.contains("Tus notas sobre `yield`:") && es.contains("funciones generadoras"), "{es}");
    // The `notes` setting of the project does the same.
    let proj = temp("cli-project");
    std::fs::write(proj.join("pyproject.toml"), format!("[tool.pyexplain]\nnotes = [{d:?}]\nlocale = \"es\"\n")).unwrap();
    let (_, out, _) = cli(&["explain", "range-len-loop"], &proj);
    assert!(out.contains("Tus notas sobre `range-len-loop`:") && out.contains("Index loops"), "{out}");
    // A position hover gets the "Your notes" line.
    std::fs::write(proj.join("gen.py"), "def f():\n    yield 1\n").unwrap();
    let (_, out, _) = cli(&["explain", &format!("{}:2:5", proj.join("gen.py").display())], &proj);
    assert!(out.contains("[Tus notas: Generadores](file://"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&proj);
}

#[test]
fn the_command_line_takes_its_language_from_the_flag_then_the_environment() {
    let here = std::env::temp_dir();
    let run = |args: &[&str], lang: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pyexplain"));
        c.args(args).current_dir(&here).env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("LANG");
        if let Some(l) = lang {
            c.env("LANG", l);
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
    };
    assert!(run(&["explain", "yield"], Some("es_ES.UTF-8")).contains("funciones generadoras"));
    assert!(run(&["explain", "yield"], None).contains("generator functions"));
    assert!(run(&["explain", "yield", "--locale", "en"], Some("es_ES.UTF-8")).contains("generator functions"));
    assert!(run(&["--locale=es", "explain", "yield"], None).contains("funciones generadoras"));
    assert!(run(&["explain", "yield", "--locale", "fr"], None).contains("generator functions"));
    // An untranslated entry is English whole, with Spanish labels around it.
    let lambda = run(&["explain", "lambda", "--locale", "es"], None);
    if Knowledge::for_locale(Locale::Es).untranslated.contains(&"lambda".to_string()) {
        assert!(lambda.contains(&Knowledge::get().topic("lambda").unwrap().meta.title), "{lambda}");
    }
}
