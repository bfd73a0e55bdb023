//! The checked-in completions and man pages match the clap definition, and
//! `berth man` and `berth completions` print those same files.

use std::path::Path;

use crate::common::TestContext;

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = berth::generated::render_all().expect("render completions and man pages");
    let regenerate = std::env::var_os("BERTH_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (rel, content) in &files {
        let path = root.join(rel);
        if regenerate {
            std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("create dir");
            std::fs::write(&path, content).expect("write generated file");
        } else if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
            stale.push(rel.display().to_string());
        }
    }
    // No leftover pages for commands that no longer exist.
    if !regenerate {
        for dir in ["man", "completions"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("read generated dir").flatten() {
                let rel = Path::new(dir).join(entry.file_name());
                if !files.iter().any(|(p, _)| *p == rel) {
                    stale.push(format!("{} (no longer generated)", rel.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}\nregenerate with: BERTH_REGENERATE=1 cargo test --test it generated:: \
         (and delete files listed as no longer generated)"
    );
}

#[test]
fn berth_man_and_berth_completions_print_the_checked_in_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = TestContext::new();
    for (args, file) in [
        (&["man"][..], "man/berth.1"),
        (&["completions", "bash"], "completions/berth.bash"),
        (&["completions", "zsh"], "completions/_berth"),
    ] {
        let printed = t.run(args).success().stdout;
        let checked_in = std::fs::read_to_string(root.join(file)).expect("read the checked-in file");
        assert!(printed == checked_in, "berth {args:?} differs from {file}");
    }
}
