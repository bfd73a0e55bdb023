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
}

impl fmt::Debug for ResolvedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedSecrets")
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("build_args", &self.build_args.keys().collect::<Vec<_>>())
            .finish()
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
    let env = resolve_map(workload, "env", &config.common.env, &mut errors);
    let build_args = match &config.source {
        KindConfig::Dockerfile(d) => resolve_map(workload, "build_args", &d.build_args, &mut errors),
        _ => BTreeMap::new(),
    };
    if errors.is_empty() {
        Ok(ResolvedSecrets { env, build_args })
    } else {
        Err(errors)
    }
}

fn resolve_map(
    workload: &str,
    section: &str,
    values: &BTreeMap<String, SecretValue>,
    errors: &mut Vec<ConfigIssue>,
) -> BTreeMap<String, String> {
    let mut resolved = BTreeMap::new();
    for (key, value) in values {
        let result = match value {
            SecretValue::Plain(s) => Ok(s.clone()),
            SecretValue::Ref(r) => resolve_ref(r),
        };
        match result {
            Ok(v) => {
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
        SecretRef::FromFile(path) => match std::fs::read(path) {
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
}
