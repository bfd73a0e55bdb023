//! A test context that drives the real `berth` binary against a temp store.
#![allow(dead_code)]

pub mod fake_npm;

pub mod load;

pub mod proxies;

pub mod docker;

pub mod receiver;

pub mod routed;

pub mod sockproxy;

pub mod swarm;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The tests' environment (a Docker daemon, the test images, nginx) is not
/// set up: says so in one line naming the command that sets it up, and ends
/// the test process (exit 2) rather than failing every test with a panic.
pub fn missing_test_env(what: &str) -> ! {
    // One line even when several tests get here at once: the first holds
    // the lock until the process ends.
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE.lock();
    // Straight to fd 2: the harness captures eprintln! and would drop it.
    let _ = writeln!(
        std::io::stderr(),
        "\nerror: {what}: run `scripts/test`, the one test command (it sets up the daemon, the test images, the \
         registry and nginx, then runs the suite)\n"
    );
    std::process::exit(2);
}

/// Polls `cond` every 20 ms until it holds or `timeout` passes; whether it
/// held. Tests wait on the condition itself, never on a fixed sleep.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to `within` for `child` to exit: its exit code, or None when it
/// still ran (then it is killed) or died by a signal.
pub fn exit_code_within(child: &mut std::process::Child, within: Duration) -> Option<i32> {
    let mut status = None;
    if !wait_until(within, || {
        status = child.try_wait().expect("try_wait");
        status.is_some()
    }) {
        let _ = child.kill();
        let _ = child.wait();
    }
    status.and_then(|s| s.code())
}

pub struct TestContext {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    envs: Vec<(String, String)>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

impl TestContext {
    pub fn new() -> TestContext {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("store/berth.db");
        TestContext {
            dir,
            db,
            envs: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_berth"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("BERTH_DB", &self.db)
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            // English unless a test asks otherwise (berth speaks Russian
            // under a Russian locale).
            .env_remove("BERTH_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run berth"))
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth");
        // berth may refuse its arguments and exit before it reads stdin: a
        // closed pipe is its answer, judged by its exit code and output.
        if let Some(mut pipe) = child.stdin.take()
            && let Err(e) = pipe.write_all(stdin.as_bytes())
        {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write berth's stdin: {e}");
        }
        Run::from(child.wait_with_output().expect("wait berth"))
    }

    /// Writes `content` to a file in the test dir and returns its path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write file");
        path
    }

    pub fn add(&self, name: &str, kind: &str, config: &serde_json::Value) -> Run {
        self.run_stdin(
            &["workload", "add", name, "--kind", kind, "--config", "-"],
            &config.to_string(),
        )
    }
}
