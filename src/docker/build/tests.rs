//! Unit tests of the build request, its context stream and `.dockerignore`.

use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;

use super::*;

fn rules(text: &str) -> IgnoreRules {
    IgnoreRules::parse(text).expect("valid .dockerignore")
}

#[test]
fn star_stays_within_one_directory() {
    let ignore = rules("*.log\n");
    assert!(ignore.excludes("debug.log"));
    assert!(!ignore.excludes("logs/debug.log"));
}

#[test]
fn double_star_matches_any_number_of_directories() {
    let ignore = rules("**/*.log\nbuild/**/cache\n");
    assert!(ignore.excludes("debug.log"));
    assert!(ignore.excludes("a/b/c/debug.log"));
    assert!(ignore.excludes("build/cache"));
    assert!(ignore.excludes("build/x/y/cache"));
    assert!(!ignore.excludes("build/cachet"));
    assert!(!ignore.excludes("debug.txt"));
}

#[test]
fn trailing_double_star_matches_everything_below() {
    let ignore = rules("dist/**\n");
    assert!(ignore.excludes("dist/a/b.js"));
    assert!(!ignore.excludes("distribution"));
}

#[test]
fn question_mark_and_classes_match_one_character() {
    let ignore = rules("file?.txt\n[a-c].md\n[^x]y\n");
    assert!(ignore.excludes("file1.txt"));
    assert!(!ignore.excludes("file10.txt"));
    assert!(!ignore.excludes("file/.txt"));
    assert!(ignore.excludes("b.md"));
    assert!(!ignore.excludes("d.md"));
    assert!(ignore.excludes("zy"));
    assert!(!ignore.excludes("xy"));
}

#[test]
fn exceptions_re_include_and_the_last_match_wins() {
    let ignore = rules("*.md\n!README.md\n");
    assert!(ignore.excludes("CHANGES.md"));
    assert!(!ignore.excludes("README.md"));

    let reversed = rules("!README.md\n*.md\n");
    assert!(reversed.excludes("README.md"));
}

#[test]
fn a_directory_rule_excludes_everything_below_it() {
    let ignore = rules("node_modules\n");
    assert!(ignore.excludes("node_modules"));
    assert!(ignore.excludes("node_modules/left-pad/index.js"));
    assert!(!ignore.excludes("src/node_modules_notes.txt"));
    assert!(!ignore.may_include_below("node_modules"));
}

#[test]
fn an_exception_below_an_excluded_directory_is_looked_for() {
    let ignore = rules("docs\n!docs/keep.md\n");
    assert!(ignore.excludes("docs"));
    assert!(ignore.may_include_below("docs"));
    assert!(!ignore.excludes("docs/keep.md"));
    assert!(ignore.excludes("docs/other.md"));

    let wildcard = rules("vendor\n!**/LICENSE\n");
    assert!(wildcard.may_include_below("vendor"));
    assert!(!wildcard.excludes("vendor/lib/LICENSE"));
    assert!(wildcard.excludes("vendor/lib/lib.go"));

    let elsewhere = rules("vendor\n!*.md\n");
    assert!(!elsewhere.may_include_below("vendor"));
}

#[test]
fn comments_blank_lines_and_path_noise_are_handled_like_docker() {
    let ignore = rules("\u{feff}# a comment\n\n   \n/build\n./dist/\ntmp//cache\n  secret.env  \r\n");
    assert!(ignore.excludes("build"));
    assert!(ignore.excludes("dist/app.js"));
    assert!(ignore.excludes("tmp/cache"));
    assert!(ignore.excludes("secret.env"));
    assert!(!ignore.excludes("# a comment"));
    assert_eq!(ignore.rules.len(), 4);
}

#[test]
fn escaped_characters_are_literal() {
    let ignore = rules("\\*.txt\n");
    assert!(ignore.excludes("*.txt"));
    assert!(!ignore.excludes("a.txt"));
}

#[test]
fn malformed_patterns_are_errors() {
    assert!(IgnoreRules::parse("!\n").is_err());
    let err = IgnoreRules::parse("[abc\n").expect_err("unclosed class");
    assert!(err.english().contains("[abc"), "{err}");
}

#[test]
fn the_dockerfile_and_dockerignore_are_always_sent() {
    let mut ignore = rules("*\ndocker\n");
    ignore.always_send("docker/Dockerfile.prod");
    ignore.always_send(".dockerignore");
    assert!(!ignore.excludes("docker/Dockerfile.prod"));
    assert!(!ignore.excludes(".dockerignore"));
    assert!(ignore.may_include_below("docker"));
    assert!(ignore.excludes("docker/other"));
    assert!(ignore.excludes("src"));
}

#[test]
fn clean_path_follows_filepath_clean() {
    assert_eq!(clean_path("./a//b/"), "a/b");
    assert_eq!(clean_path("/build"), "build");
    assert_eq!(clean_path("a/../b"), "b");
    assert_eq!(clean_path("../x"), "../x");
    assert_eq!(clean_path("/"), ".");
}

#[test]
fn exit_code_is_read_from_the_classic_builder_message() {
    let message = "The command '/bin/sh -c make' returned a non-zero code: 2";
    assert_eq!(exit_code_in(message), Some(2));
    assert_eq!(exit_code_in("COPY failed: no such file"), None);
}

#[test]
fn a_failure_says_only_the_generic_reason() {
    let mut output = BuildOutput::default();
    let mut seen = Vec::new();
    output.push("Step 1/2 : FROM alpine\nhunter2 partial", &mut |l: &str| {
        seen.push(l.to_owned())
    });
    let err = output.failure(
        "The command 'echo hunter2' returned a non-zero code: 7",
        &mut |l: &str| seen.push(l.to_owned()),
    );
    assert_eq!(err.to_string(), "docker build failed (exit 7)");
    let failure = err.downcast_ref::<RedactedFailure>().expect("a RedactedFailure");
    assert!(failure.detail.contains("hunter2 partial"));
    assert_eq!(seen, ["Step 1/2 : FROM alpine", "hunter2 partial"]);
}

#[test]
fn output_lines_are_split_across_chunks() {
    let mut output = BuildOutput::default();
    let mut seen = Vec::new();
    let mut sink = |l: &str| seen.push(l.to_owned());
    output.push("Step 1/", &mut sink);
    output.push("2 : FROM scratch\n ---> Running\n\n50%\r100%\r\n", &mut sink);
    output.flush(&mut sink);
    assert_eq!(seen, ["Step 1/2 : FROM scratch", " ---> Running", "100%"]);
}

#[test]
fn chunk_sender_sends_full_chunks_then_the_rest() {
    let (tx, mut rx) = mpsc::channel(16);
    let mut sender = ChunkSender::new(tx);
    sender.write_all(&vec![7u8; CHUNK_SIZE * 2 + 10]).expect("write");
    sender.flush().expect("flush");
    drop(sender);
    let mut sizes = Vec::new();
    while let Some(Ok(chunk)) = rx.blocking_recv() {
        sizes.push(chunk.len());
    }
    assert_eq!(sizes, [CHUNK_SIZE, CHUNK_SIZE, 10]);
}

/// A context with a Dockerfile, a file, a symlink pointing outside, a
/// subdirectory and things `.dockerignore` excludes.
struct Fixture {
    _dir: tempfile::TempDir,
    context: PathBuf,
    outside_secret: PathBuf,
}

const OUTSIDE_CONTENT: &str = "TOP-SECRET-OUTSIDE-THE-CONTEXT";

fn fixture(dockerignore: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let context = dir.path().join("context");
    let outside_secret = dir.path().join("secret.txt");
    fs::write(&outside_secret, OUTSIDE_CONTENT).expect("write secret");
    fs::create_dir_all(context.join("src/nested")).expect("mkdir");
    fs::create_dir_all(context.join("node_modules/pkg")).expect("mkdir");
    fs::write(context.join("Dockerfile"), "FROM scratch\nCOPY hello.txt /\n").expect("write");
    fs::write(context.join("hello.txt"), "hello\n").expect("write");
    fs::write(context.join("src/nested/main.rs"), "fn main() {}\n").expect("write");
    fs::write(context.join("node_modules/pkg/index.js"), "x").expect("write");
    fs::write(context.join("debug.log"), "noise").expect("write");
    fs::write(context.join(".dockerignore"), dockerignore).expect("write");
    std::os::unix::fs::symlink(&outside_secret, context.join("link")).expect("symlink");
    Fixture {
        _dir: dir,
        context,
        outside_secret,
    }
}

fn request<'a>(context: &'a Path, args: &'a BTreeMap<String, String>) -> BuildRequest<'a> {
    BuildRequest {
        context,
        context_prefix: "",
        extra_files: Vec::new(),
        dockerfile: "Dockerfile",
        tag: "berth-test/unit:latest",
        build_args: args,
        target: None,
        labels: HashMap::new(),
    }
}

async fn tar_of(req: BuildRequest<'_>) -> Result<Vec<u8>> {
    let context = BuildContext::load(req).await?;
    write_context(&context, Vec::new())
}

/// (path, entry type, link target) of every entry.
fn entries(tar_bytes: &[u8]) -> Vec<(String, tar::EntryType, Option<String>)> {
    let mut archive = tar::Archive::new(tar_bytes);
    archive
        .entries()
        .expect("entries")
        .map(|entry| {
            let entry = entry.expect("entry");
            let path = entry.path().expect("path").to_string_lossy().into_owned();
            let link = entry
                .link_name()
                .expect("link name")
                .map(|l| l.to_string_lossy().into_owned());
            (path, entry.header().entry_type(), link)
        })
        .collect()
}

fn names(tar_bytes: &[u8]) -> Vec<String> {
    entries(tar_bytes).into_iter().map(|(path, _, _)| path).collect()
}

#[tokio::test]
async fn the_tar_holds_symlinks_as_links_and_leaves_ignored_files_out() {
    let f = fixture("node_modules\n*.log\n");
    let args = BTreeMap::new();
    let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");

    assert_eq!(
        names(&tar_bytes),
        [
            ".dockerignore",
            "Dockerfile",
            "hello.txt",
            "link",
            "src",
            "src/nested",
            "src/nested/main.rs"
        ]
    );
    let link = entries(&tar_bytes)
        .into_iter()
        .find(|(path, _, _)| path == "link")
        .expect("link entry");
    assert_eq!(link.1, tar::EntryType::Symlink);
    assert_eq!(link.2.as_deref(), Some(f.outside_secret.to_string_lossy().as_ref()));
    let needle = OUTSIDE_CONTENT.as_bytes();
    assert!(
        !tar_bytes.windows(needle.len()).any(|w| w == needle),
        "the link's target content leaked into the context"
    );
}

#[tokio::test]
async fn file_content_and_mode_are_kept() {
    let f = fixture("");
    let script = f.context.join("run.sh");
    fs::write(&script, "#!/bin/sh\n").expect("write");
    fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o754)).expect("chmod");
    let args = BTreeMap::new();
    let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut found = false;
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        if entry.path().expect("path").as_ref() == Path::new("run.sh") {
            assert_eq!(entry.header().mode().expect("mode"), 0o754);
            let mut content = String::new();
            entry.read_to_string(&mut content).expect("read");
            assert_eq!(content, "#!/bin/sh\n");
            found = true;
        }
    }
    assert!(found, "run.sh missing from the tar");
}

#[tokio::test]
async fn the_same_tree_makes_the_same_tar() {
    let f = fixture("*.log\n");
    let args = BTreeMap::new();
    let first = tar_of(request(&f.context, &args)).await.expect("tar");
    let second = tar_of(request(&f.context, &args)).await.expect("tar");
    assert!(first == second, "two tars of one tree differ");
}

#[tokio::test]
async fn an_ignored_dockerfile_and_dockerignore_are_still_sent() {
    let f = fixture("*\n");
    let args = BTreeMap::new();
    let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
    assert_eq!(names(&tar_bytes), [".dockerignore", "Dockerfile"]);
}

#[tokio::test]
async fn an_exception_reaches_into_an_excluded_directory() {
    let f = fixture("src\n!src/nested/main.rs\n");
    let args = BTreeMap::new();
    let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
    let names = names(&tar_bytes);
    assert!(names.contains(&"src/nested/main.rs".to_owned()), "{names:?}");
    assert!(!names.contains(&"src".to_owned()), "{names:?}");
}

#[tokio::test]
async fn a_prefixed_context_goes_under_its_directory_with_the_extra_files_last() {
    let f = fixture("*.log\nnode_modules\n.dockerignore\n");
    let args = BTreeMap::new();
    let mut req = request(&f.context, &args);
    req.context_prefix = "site";
    req.extra_files = vec![(
        "Dockerfile".to_owned(),
        b"FROM nginx:alpine\nCOPY site/ /srv/\n".to_vec(),
    )];
    let tar_bytes = tar_of(req).await.expect("tar");
    assert_eq!(
        names(&tar_bytes),
        [
            "site",
            "site/Dockerfile",
            "site/hello.txt",
            "site/link",
            "site/src",
            "site/src/nested",
            "site/src/nested/main.rs",
            "Dockerfile"
        ]
    );
}

#[tokio::test]
async fn sockets_are_skipped() {
    let f = fixture("");
    let _listener = std::os::unix::net::UnixListener::bind(f.context.join("app.sock")).expect("bind");
    let args = BTreeMap::new();
    let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
    assert!(!names(&tar_bytes).contains(&"app.sock".to_owned()));
}

#[tokio::test]
async fn a_missing_context_or_dockerfile_is_a_clear_error() {
    let f = fixture("");
    let args = BTreeMap::new();
    let missing = f.context.join("nope");
    let err = tar_of(request(&missing, &args)).await.expect_err("missing context");
    assert!(err.to_string().contains("does not exist"), "{err:#}");
    assert!(err.to_string().contains(&*missing.to_string_lossy()), "{err:#}");

    let mut req = request(&f.context, &args);
    req.dockerfile = "Dockerfile.prod";
    let err = tar_of(req).await.expect_err("missing Dockerfile");
    assert!(err.to_string().contains("Dockerfile.prod"), "{err:#}");
}

#[tokio::test]
async fn an_unreadable_file_is_an_error_naming_it() {
    let f = fixture("");
    let locked = f.context.join("locked.txt");
    fs::write(&locked, "x").expect("write");
    fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
    if fs::read(&locked).is_ok() {
        // Privileged (root): permissions cannot make a file unreadable.
        return;
    }
    let args = BTreeMap::new();
    let err = tar_of(request(&f.context, &args)).await.expect_err("unreadable");
    assert!(format!("{err:#}").contains(&*locked.to_string_lossy()), "{err:#}");
}

#[tokio::test]
async fn the_streamed_context_is_the_same_tar_in_bounded_chunks() {
    let f = fixture("");
    fs::write(f.context.join("big.bin"), vec![42u8; 5 * CHUNK_SIZE + 123]).expect("write");
    let args = BTreeMap::new();
    let expected = tar_of(request(&f.context, &args)).await.expect("tar");

    let context = BuildContext::load(request(&f.context, &args)).await.expect("load");
    let (tx, mut rx) = mpsc::channel(CHANNEL_CHUNKS);
    let writer = tokio::task::spawn_blocking(move || send_context(&context, tx));
    let mut streamed = Vec::new();
    while let Some(chunk) = rx.recv().await {
        let chunk = chunk.expect("chunk");
        assert!(chunk.len() <= CHUNK_SIZE);
        streamed.extend_from_slice(&chunk);
    }
    writer.await.expect("join").expect("send");
    assert!(streamed == expected, "the streamed tar differs from the written one");
}

#[tokio::test]
async fn a_context_that_cannot_be_read_cuts_the_stream_with_an_error() {
    let f = fixture("");
    let args = BTreeMap::new();
    let context = BuildContext::load(request(&f.context, &args)).await.expect("load");
    fs::remove_dir_all(&f.context).expect("remove the context");
    let (tx, mut rx) = mpsc::channel(CHANNEL_CHUNKS);
    let writer = tokio::task::spawn_blocking(move || send_context(&context, tx));
    let mut last = None;
    while let Some(item) = rx.recv().await {
        last = Some(item);
    }
    assert!(matches!(last, Some(Err(_))), "the body must end with an error");
    let err = writer.await.expect("join").expect_err("the writer fails");
    assert!(format!("{err:#}").contains(&*f.context.to_string_lossy()), "{err:#}");
}

#[test]
fn build_options_use_the_classic_builder_and_the_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = BTreeMap::from([("TOKEN".to_owned(), "s3cret".to_owned())]);
    let mut req = request(dir.path(), &args);
    req.target = Some("runtime");
    req.labels = HashMap::from([("berth.workload".to_owned(), "web".to_owned())]);
    let options = build_options(&req);
    assert_eq!(options.version, BuilderVersion::BuilderV1);
    assert_eq!(options.t.as_deref(), Some("berth-test/unit:latest"));
    assert_eq!(options.target, "runtime");
    assert!(options.rm && options.forcerm);
    assert_eq!(options.pull, None);
    assert_eq!(
        options
            .buildargs
            .as_ref()
            .and_then(|a| a.get("TOKEN"))
            .map(String::as_str),
        Some("s3cret")
    );
    assert_eq!(options.labels.as_ref().map(HashMap::len), Some(1));
}
