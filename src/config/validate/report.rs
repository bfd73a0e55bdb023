//! Collecting a config's issues: the [`Report`] every check writes to,
//! with typed readers that report a value of the wrong type.

use std::path::Path;

use serde_json::{Map, Value};

use crate::config::ConfigIssue;
use crate::config::hints::{did_you_mean, json_type_msg, shown};
use crate::i18n::{Arg, Msg};
use crate::msg;

/// The errors and warnings of one config, all naming its workload.
pub(super) struct Report<'a> {
    workload: &'a str,
    pub(super) errors: Vec<ConfigIssue>,
    pub(super) warnings: Vec<ConfigIssue>,
}

impl<'a> Report<'a> {
    pub(super) fn new(workload: &'a str) -> Self {
        Report {
            workload,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Every message is a [`Msg`]: English in JSON and the editor, in the
    /// language of human output on stderr.
    pub(super) fn error(&mut self, path: &str, message: Msg) {
        self.error_hint(path, message, None);
    }

    pub(super) fn error_hint(&mut self, path: &str, message: Msg, suggestion: Option<Msg>) {
        let issue = ConfigIssue::localizable(self.workload, path, message, suggestion);
        self.errors.push(issue);
    }

    pub(super) fn warning(&mut self, path: &str, message: Msg, suggestion: Option<Msg>) {
        let issue = ConfigIssue::localizable(self.workload, path, message, suggestion);
        self.warnings.push(issue);
    }

    /// A required key is missing.
    pub(super) fn missing(&mut self, path: &str, what: Msg, example: impl Into<crate::i18n::Arg>) {
        self.error_hint(
            path,
            msg!("config-is-required", what = what),
            Some(msg!("config-add-example", example = example)),
        );
    }

    // Typed readers: each reports a value of the wrong type and returns the
    // value only when it has the right one.

    pub(super) fn string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        let s = value.as_str();
        if s.is_none() {
            self.error_hint(path, msg!("config-must-be-string", got = json_type_msg(value)), None);
        }
        s
    }

    pub(super) fn non_empty_string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        let s = self.string(path, value)?;
        if s.is_empty() {
            self.error_hint(path, msg!("config-must-not-be-empty"), None);
            return None;
        }
        Some(s)
    }

    pub(super) fn object<'v>(&mut self, path: &str, value: &'v Value, like: &str) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.error_hint(
                path,
                msg!("config-must-be-object", like = like, got = json_type_msg(value)),
                None,
            );
        }
        object
    }

    pub(super) fn array<'v>(&mut self, path: &str, value: &'v Value, like: &str) -> Option<&'v Vec<Value>> {
        let array = value.as_array();
        if array.is_none() {
            self.error_hint(
                path,
                msg!("config-must-be-array", like = like, got = json_type_msg(value)),
                None,
            );
        }
        array
    }

    pub(super) fn boolean(&mut self, path: &str, value: &Value) {
        if !value.is_boolean() {
            self.error_hint(path, msg!("config-must-be-bool", got = json_type_msg(value)), None);
        }
    }

    /// An integer within `min..=max` (`u64::MAX`: no upper bound).
    pub(super) fn integer(&mut self, path: &str, value: &Value, min: u64, max: u64) -> Option<u64> {
        // Numbers as text: Fluent would group the digits of 65535.
        let range = if max == u64::MAX {
            msg!("config-range-at-least", min = min.to_string())
        } else {
            msg!("config-range-between", min = min.to_string(), max = max.to_string())
        };
        let Some(number) = value.as_number() else {
            let got = json_type_msg(value);
            self.error_hint(path, msg!("config-must-be-integer", range = range, got = got), None);
            return None;
        };
        let id = match number.as_u64() {
            Some(n) if (min..=max).contains(&n) => return Some(n),
            Some(_) => "config-must-be-in-range",
            None if number.is_i64() => "config-must-be-in-range-not-negative",
            None => "config-must-be-whole-in-range",
        };
        self.error_hint(path, Msg::new(id).arg("range", range), None);
        None
    }

    /// A string among `allowed`, with a did-you-mean when one is close.
    pub(super) fn one_of(&mut self, path: &str, value: &Value, allowed: &[&str]) {
        let Some(s) = self.string(path, value) else {
            return;
        };
        if !allowed.contains(&s) {
            self.error_hint(
                path,
                msg!("config-not-one-of", value = shown(s), allowed = quoted_list(allowed)),
                did_you_mean(s, allowed).map(|c| msg!("config-did-you-mean-value", candidate = c)),
            );
        }
    }

    /// A key that is not in `allowed`.
    /// `section` names where the key was found: a message, or a key name
    /// as it is (`"healthcheck"`).
    pub(super) fn unknown_key(&mut self, path: &str, key: &str, allowed: &[&str], section: impl Into<Arg>) {
        let section: Arg = section.into();
        let suggestion = match did_you_mean(key, allowed) {
            Some(close) => msg!("config-did-you-mean-key", candidate = close),
            None => msg!(
                "config-fields-are",
                section = section.clone(),
                fields = allowed.join(", ")
            ),
        };
        self.error_hint(
            path,
            msg!("config-unknown-field", key = shown(key), section = section),
            Some(suggestion),
        );
    }

    /// An absolute path that must exist on this host as a directory or a file.
    /// Returns it when it does.
    pub(super) fn existing_path<'v>(&mut self, path: &str, value: &'v str, want: HostEntry) -> Option<&'v Path> {
        if value.is_empty() {
            self.error(path, msg!("config-must-not-be-empty"));
            return None;
        }
        let host_path = Path::new(value);
        if !host_path.is_absolute() {
            self.error(path, msg!("config-path-not-absolute", path = shown(value)));
            return None;
        }
        let (not_a, missing) = match want {
            HostEntry::Directory => ("config-not-a-directory", "config-directory-missing"),
            HostEntry::File => ("config-not-a-file", "config-file-missing"),
        };
        match (std::fs::metadata(host_path), want) {
            (Ok(meta), HostEntry::Directory) if meta.is_dir() => Some(host_path),
            (Ok(meta), HostEntry::File) if meta.is_file() => Some(host_path),
            (Ok(_), _) => {
                self.error(path, Msg::new(not_a).arg("path", shown(value)));
                None
            }
            (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                self.error(path, Msg::new(missing).arg("path", shown(value)));
                None
            }
            (Err(e), _) => {
                self.error(
                    path,
                    msg!("config-path-unreadable", path = shown(value), reason = e.to_string()),
                );
                None
            }
        }
    }
}

/// What a host path must be.
#[derive(Clone, Copy)]
pub(super) enum HostEntry {
    Directory,
    File,
}

fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
}
