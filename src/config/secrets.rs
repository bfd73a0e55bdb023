//! Secrets by reference: an `env` or `build_args` value is either a plain
//! string (stored as written) or a reference that the deploy resolves from
//! the deploying process's environment (`{"from_env": "VAR"}`) or from a
//! file on the deploying host (`{"from_file": "/run/secrets/db"}`). A
//! reference is stored as a reference; the value it names lives only in the
//! deploying process's memory and in the container (or build) it is given
//! to, never in the store, events, webhooks, logs or JSON.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use super::{ConfigIssue, KindConfig, SourceConfig};
use crate::i18n::Msg;
use crate::msg;

/// One `env` or `build_args` value as stored.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SecretValue {
    /// A plain value, written into the store as it is.
    Plain(String),
    /// A reference, resolved at deploy time.
    Ref(SecretRef),
}

/// Where a referenced value comes from at deploy time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretRef {
    /// The named variable of the deploying berth's environment.
    FromEnv(String),
    /// The contents of an absolute file path on the deploying host, with one
    /// trailing newline (`\n` or `\r\n`) removed, as `echo secret > file`
    /// leaves one.
    FromFile(String),
}

impl SecretRef {
    /// The JSON key of this reference: `from_env` or `from_file`.
    pub fn key(&self) -> &'static str {
        match self {
            SecretRef::FromEnv(_) => "from_env",
            SecretRef::FromFile(_) => "from_file",
        }
    }
}

// A plain value is a secret: Debug never shows it.
impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretValue::Plain(_) => f.write_str("Plain(********)"),
            SecretValue::Ref(r) => write!(f, "Ref({r:?})"),
        }
    }
}

/// The `env` and `build_args` of one deploy with every reference resolved.
/// Only lives in memory for the deploy; Debug shows the keys, not the values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResolvedSecrets {
    /// The container's environment (compose: the interpolation variables).
    pub env: BTreeMap<String, String>,
    /// The build arguments of a `dockerfile` workload (empty otherwise).
    pub build_args: BTreeMap<String, String>,
    /// The values that came from a reference (`from_env`, `from_file`):
    /// the ones the config declares secret, which [`ResolvedSecrets::mask`]
    /// hides.
    pub referenced: Vec<String>,
}

impl fmt::Debug for ResolvedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedSecrets")
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("build_args", &self.build_args.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ResolvedSecrets {
    /// The mask of every value that came from a reference (see
    /// [`SecretMask`]); plain values are config, stored as they are, and
    /// masking `8080` or `true` would hide ordinary output.
    pub fn mask(&self) -> SecretMask {
        SecretMask::of(&self.referenced)
    }
}

/// What a masked value shows instead of itself.
pub const MASKED: &str = "********";

/// A value must be at least this long (characters) to be masked:
/// shorter ones (`1`, `on`) would hide ordinary output, not a secret.
pub const MASK_MIN_CHARS: usize = 4;

/// Hides secret values in text berth shows but did not write itself (a
/// build's or compose's output, which can echo a build argument or an
/// interpolated variable), as CI systems mask their secrets: every
/// occurrence of a value, and of each line of a multi-line value (a PEM
/// key is printed line by line), of at least [`MASK_MIN_CHARS`] characters
/// becomes [`MASKED`], longer ones first. Debug shows how many, not which.
#[derive(Clone, Default)]
pub struct SecretMask {
    values: Vec<String>,
}

impl fmt::Debug for SecretMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretMask({} values)", self.values.len())
    }
}

impl SecretMask {
    /// The mask of `values`.
    pub fn of<'a>(values: impl IntoIterator<Item = &'a String>) -> SecretMask {
        let mut values: Vec<String> = values
            .into_iter()
            .flat_map(|v| std::iter::once(v.as_str()).chain(v.lines().map(str::trim_end)))
            .filter(|v| v.chars().count() >= MASK_MIN_CHARS)
            .map(str::to_owned)
            .collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        SecretMask { values }
    }

    /// `text` with every value replaced by [`MASKED`].
    pub fn apply(&self, text: &str) -> String {
        self.values
            .iter()
            .fold(text.to_owned(), |text, value| text.replace(value.as_str(), MASKED))
    }
}

/// Resolves every reference of `config` for a deploy of `workload`.
///
/// # Errors
/// One [`ConfigIssue`] per reference that cannot be resolved (variable not
/// set, file missing or unreadable, not UTF-8, holds a NUL), all at once,
/// each naming the workload, the path (`env.DB_PASSWORD.from_env`) and the
/// variable or file, never a value.
pub fn resolve_secrets(workload: &str, config: &SourceConfig) -> Result<ResolvedSecrets, Vec<ConfigIssue>> {
    let mut errors = Vec::new();
    let mut referenced = Vec::new();
    let env = resolve_map(workload, "env", &config.common.env, &mut errors, &mut referenced);
    let build_args = match &config.source {
        KindConfig::Dockerfile(d) => resolve_map(workload, "build_args", &d.build_args, &mut errors, &mut referenced),
        _ => BTreeMap::new(),
    };
    if errors.is_empty() {
        Ok(ResolvedSecrets {
            env,
            build_args,
            referenced,
        })
    } else {
        Err(errors)
    }
}

fn resolve_map(
    workload: &str,
    section: &str,
    values: &BTreeMap<String, SecretValue>,
    errors: &mut Vec<ConfigIssue>,
    referenced: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut resolved = BTreeMap::new();
    for (key, value) in values {
        let result = match value {
            SecretValue::Plain(s) => Ok(s.clone()),
            SecretValue::Ref(r) => resolve_ref(r),
        };
        match result {
            Ok(v) => {
                if matches!(value, SecretValue::Ref(_)) {
                    referenced.push(v.clone());
                }
                resolved.insert(key.clone(), v);
            }
            Err((message, suggestion)) => {
                let key_of_ref = match value {
                    SecretValue::Ref(r) => r.key(),
                    SecretValue::Plain(_) => "",
                };
                let path = format!("{section}.{key}.{key_of_ref}");
                errors.push(ConfigIssue::localizable(workload, &path, message, Some(suggestion)));
            }
        }
    }
    resolved
}

/// The most a secret file may hold, bytes: 1 MiB, Kubernetes' limit for a
/// Secret (the files it mounts); a larger file is not a secret value.
pub const MAX_SECRET_FILE_BYTES: u64 = 1024 * 1024;

/// The bytes of the secret file at `path`: Err (why, what to do) when it
/// is not a regular file (a FIFO would block the deploy, `/dev/zero` would
/// never end) or is larger than [`MAX_SECRET_FILE_BYTES`]; Ok(Err) for an
/// io error. Symlinks are followed (Kubernetes mounts secrets as links).
fn read_secret_file(path: &str) -> Result<std::io::Result<Vec<u8>>, (Msg, Msg)> {
    use std::io::Read;
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return Ok(Err(e)),
    };
    if !meta.is_file() {
        return Err((
            msg!("secret-file-not-regular", file = path),
            msg!("secret-file-not-regular-hint"),
        ));
    }
    let too_large = || {
        (
            msg!(
                "secret-file-too-large",
                file = path,
                max = MAX_SECRET_FILE_BYTES.to_string()
            ),
            msg!("secret-file-text-hint"),
        )
    };
    if meta.len() > MAX_SECRET_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // Bounded even if the file grows between the look and the read.
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_SECRET_FILE_BYTES + 1).read_to_end(&mut bytes));
    match read {
        Ok(n) if n as u64 > MAX_SECRET_FILE_BYTES => Err(too_large()),
        Ok(_) => Ok(Ok(bytes)),
        Err(e) => Ok(Err(e)),
    }
}

/// The value behind `r`, or why it cannot be had and what to do.
fn resolve_ref(r: &SecretRef) -> Result<String, (Msg, Msg)> {
    match r {
        SecretRef::FromEnv(var) => match std::env::var(var) {
            Ok(v) if v.contains('\0') => Err((
                msg!("secret-env-nul", var = var),
                msg!("secret-env-nul-hint", var = var),
            )),
            Ok(v) => Ok(v),
            Err(std::env::VarError::NotPresent) => Err((
                msg!("secret-env-unset", var = var),
                msg!("secret-env-unset-hint", var = var),
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err((
                msg!("secret-env-not-utf8", var = var),
                msg!("secret-env-not-utf8-hint", var = var),
            )),
        },
        SecretRef::FromFile(path) => match read_secret_file(path)? {
            Ok(bytes) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| (msg!("secret-file-not-utf8", file = path), msg!("secret-file-text-hint")))?;
                let text = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .unwrap_or(&text);
                if text.contains('\0') {
                    return Err((msg!("secret-file-nul", file = path), msg!("secret-file-text-hint")));
                }
                Ok(text.to_owned())
            }
            // The io error names the reason (not found, permission denied),
            // never the contents.
            Err(e) => Err((
                msg!("secret-file-unreadable", file = path, reason = e.to_string()),
                msg!("secret-file-unreadable-hint"),
            )),
        },
    }
}

/// `env.DB_PASSWORD <- $DB_PASSWORD`, `build_args.TOKEN <- /run/secrets/token`:
/// where each reference of `cfg` comes from (never a value); empty when
/// the deploy has nothing to resolve.
pub fn secret_references(cfg: &SourceConfig) -> Vec<String> {
    let build_args = match &cfg.source {
        KindConfig::Dockerfile(d) => Some(&d.build_args),
        _ => None,
    };
    let sections = [("env", Some(&cfg.common.env)), ("build_args", build_args)];
    let mut out = Vec::new();
    for (section, values) in sections {
        for (key, value) in values.into_iter().flatten() {
            match value {
                SecretValue::Ref(SecretRef::FromEnv(var)) => out.push(format!("{section}.{key} <- ${var}")),
                SecretValue::Ref(SecretRef::FromFile(file)) => out.push(format!("{section}.{key} <- {file}")),
                SecretValue::Plain(_) => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::{Kind, validate};

    fn config(raw: serde_json::Value) -> SourceConfig {
        match validate("web", Kind::Dockerfile, &raw) {
            Ok(v) => v.config,
            Err(e) => panic!("valid config expected: {e:?}"),
        }
    }

    #[test]
    fn plain_values_and_references_resolve() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token");
        std::fs::write(&file, "from-a-file\n").expect("write");
        let cfg = config(json!({
            "context": dir.path(),
            "env": { "PLAIN": "p", "FROM_FILE": { "from_file": file } },
            "build_args": { "ARG": { "from_file": file } },
        }));
        let resolved = resolve_secrets("web", &cfg).expect("resolves");
        assert_eq!(resolved.env["PLAIN"], "p");
        assert_eq!(resolved.env["FROM_FILE"], "from-a-file");
        assert_eq!(resolved.build_args["ARG"], "from-a-file");
        let debug = format!("{resolved:?} {:?}", cfg.common.env);
        assert!(!debug.contains("from-a-file") && !debug.contains("\"p\""), "{debug}");
    }

    #[test]
    fn unresolvable_references_are_all_reported_by_path_never_by_value() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing");
        let cfg = config(json!({
            "context": dir.path(),
            "env": {
                "A": { "from_env": "BERTH_TEST_SURELY_UNSET_VARIABLE" },
                "B": { "from_file": missing },
            },
        }));
        let errors = resolve_secrets("web", &cfg).expect_err("unresolvable");
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["env.A.from_env", "env.B.from_file"]);
        assert!(errors[0].message.contains("BERTH_TEST_SURELY_UNSET_VARIABLE"));
        assert!(errors[1].message.contains(&*missing.to_string_lossy()));
        assert!(errors.iter().all(|e| e.workload == "web"));
    }

    #[test]
    fn one_trailing_newline_is_removed_from_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("s");
        std::fs::write(&file, "a\n\n").expect("write");
        let r = resolve_ref(&SecretRef::FromFile(file.to_string_lossy().into_owned()));
        assert_eq!(r.ok().as_deref(), Some("a\n"));
        std::fs::write(&file, "b\r\n").expect("write");
        let r = resolve_ref(&SecretRef::FromFile(file.to_string_lossy().into_owned()));
        assert_eq!(r.ok().as_deref(), Some("b"));
    }

    #[test]
    fn a_device_a_pipe_a_directory_or_a_huge_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success());
        let big = dir.path().join("big");
        let file = std::fs::File::create(&big).expect("create");
        file.set_len(MAX_SECRET_FILE_BYTES + 1).expect("grow");
        let refused = |path: &std::path::Path| {
            // A FIFO with no writer would block here, /dev/zero never end.
            resolve_ref(&SecretRef::FromFile(path.to_string_lossy().into_owned()))
                .err()
                .map(|(why, _)| why.english())
                .unwrap_or_default()
        };
        for path in [std::path::Path::new("/dev/zero"), &fifo, dir.path()] {
            assert!(refused(path).contains("not a regular file"), "{}", path.display());
        }
        assert!(refused(&big).contains("larger than 1048576 bytes"), "{}", refused(&big));
        std::fs::write(&big, "fits\n").expect("write");
        assert_eq!(
            resolve_ref(&SecretRef::FromFile(big.to_string_lossy().into_owned()))
                .ok()
                .as_deref(),
            Some("fits")
        );
    }

    #[test]
    fn a_mask_hides_every_referenced_value_and_line_of_four_characters_or_more_longest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("key");
        std::fs::write(&key, "-----BEGIN KEY-----\nAbCdEfGh\n-----END KEY-----\n").expect("write");
        let cfg = config(json!({
            "context": dir.path(),
            "env": {
                "PORT": "8080",
                "KEY": { "from_file": key },
            },
            "build_args": { "ARG": { "from_file": key } },
        }));
        let mask = resolve_secrets("web", &cfg).expect("resolves").mask();
        assert_eq!(
            mask.apply("port 8080\nkey AbCdEfGh"),
            format!("port 8080\nkey {MASKED}"),
            "a plain value is config, not masked; a referenced one is, line by line"
        );
        assert!(!format!("{mask:?}").contains("AbCd"));
        let values = [
            String::from("S3cret!-and-more"),
            String::from("S3cret!"),
            String::from("on"),
        ];
        let mask = SecretMask::of(&values);
        assert_eq!(
            mask.apply("token=S3cret!-and-more S3cret! on"),
            format!("token={MASKED} {MASKED} on")
        );
        assert_eq!(SecretMask::default().apply("as it is"), "as it is");
    }
}
