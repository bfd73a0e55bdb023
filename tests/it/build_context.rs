//! `build_image` against the real Docker daemon. No daemon is a failure
//! (one line naming `scripts/test`), never a skip.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use berth::docker::{BuildRequest, Docker, build_image};
use berth::error::RedactedFailure;
use bollard::query_parameters::RemoveImageOptionsBuilder;

async fn daemon() -> Docker {
    match Docker::connect().await {
        Ok(docker) => docker,
        Err(e) => common::missing_test_env(&format!("no Docker daemon answers ({e:#})")),
    }
}

fn context(dockerfile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("Dockerfile"), dockerfile).expect("write Dockerfile");
    fs::write(dir.path().join("hello.txt"), "hello from berth\n").expect("write hello.txt");
    dir
}

fn request<'a>(context: &'a Path, tag: &'a str, build_args: &'a BTreeMap<String, String>) -> BuildRequest<'a> {
    BuildRequest {
        context,
        context_prefix: "",
        extra_files: Vec::new(),
        dockerfile: "Dockerfile",
        tag,
        build_args,
        target: None,
        labels: HashMap::from([("berth-test".to_owned(), "1".to_owned())]),
    }
}

fn unique_tag(name: &str) -> String {
    format!("berth-test/build-context:{name}-{}", std::process::id())
}

async fn remove_image(docker: &Docker, tag: &str) {
    let options = RemoveImageOptionsBuilder::default().force(true).build();
    let _ = docker.api().remove_image(tag, Some(options), None).await;
}

#[tokio::test]
async fn a_scratch_image_builds_from_a_streamed_context_and_its_id_comes_back() {
    let docker = daemon().await;
    let dir = context("FROM scratch\nCOPY hello.txt /\n");
    fs::write(dir.path().join(".dockerignore"), "*.log\n").expect("write .dockerignore");
    fs::write(dir.path().join("debug.log"), "not sent\n").expect("write debug.log");
    let tag = unique_tag("ok");
    let args = BTreeMap::new();

    let mut lines = Vec::new();
    let built = build_image(&docker, request(dir.path(), &tag, &args), |line| {
        lines.push(line.to_owned())
    })
    .await;
    let listed = docker.image_id(&tag).await;
    let labels = docker
        .api()
        .inspect_image(&tag)
        .await
        .ok()
        .and_then(|image| image.config)
        .and_then(|config| config.labels)
        .unwrap_or_default();
    remove_image(&docker, &tag).await;

    let id = built.unwrap_or_else(|e| panic!("build failed: {e:#}\n{e:?}"));
    assert!(id.starts_with("sha256:"), "not an image id: {id}");
    assert_eq!(listed.expect("inspect").as_deref(), Some(id.as_str()));
    assert_eq!(labels.get("berth-test").map(String::as_str), Some("1"));
    assert!(
        lines.iter().any(|line| line.contains("COPY hello.txt")),
        "output: {lines:?}"
    );
}

#[tokio::test]
async fn a_failed_build_is_redacted_so_its_reason_never_shows_a_build_arg() {
    let docker = daemon().await;
    // COPY expands the build arg, and the daemon's error quotes the result.
    let dir = context("FROM scratch\nARG PLANTED\nCOPY ${PLANTED} /\n");
    let secret = format!("berth-planted-secret-{}", std::process::id());
    let tag = unique_tag("bad");
    let args = BTreeMap::from([("PLANTED".to_owned(), secret.clone())]);

    let built = build_image(&docker, request(dir.path(), &tag, &args), |_| {}).await;
    remove_image(&docker, &tag).await;

    let err = built.expect_err("COPY of a missing file must fail");
    let failure = err
        .downcast_ref::<RedactedFailure>()
        .unwrap_or_else(|| panic!("not a RedactedFailure: {err:#}"));
    assert_eq!(err.to_string(), "docker build failed");
    assert!(
        !format!("{err:#}").contains(&secret),
        "the reason shows the build arg: {err:#}"
    );
    assert!(
        failure.detail.contains(&secret),
        "the detail should keep the daemon's message: {}",
        failure.detail
    );
}

#[tokio::test]
async fn a_run_step_in_a_scratch_image_fails_as_a_redacted_failure() {
    let docker = daemon().await;
    let dir = context("FROM scratch\nRUN /bin/false\n");
    let tag = unique_tag("run");
    let args = BTreeMap::from([("TOKEN".to_owned(), "berth-token-value".to_owned())]);

    let built = build_image(&docker, request(dir.path(), &tag, &args), |_| {}).await;
    remove_image(&docker, &tag).await;

    let err = built.expect_err("RUN has no shell in a scratch image");
    assert!(
        err.downcast_ref::<RedactedFailure>().is_some(),
        "not a RedactedFailure: {err:#}"
    );
    assert!(err.to_string().starts_with("docker build failed"), "{err}");
    assert!(!format!("{err:#}").contains("berth-token-value"));
}

#[tokio::test]
async fn a_missing_context_fails_before_the_daemon_is_asked() {
    let docker = daemon().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("gone");
    let args = BTreeMap::new();
    let tag = unique_tag("missing");

    let err = build_image(&docker, request(&missing, &tag, &args), |_| {})
        .await
        .expect_err("no context");
    assert!(format!("{err:#}").contains(&*missing.to_string_lossy()), "{err:#}");
}
