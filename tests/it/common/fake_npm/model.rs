//! The fake NPM's stored model: what its API accepts, its errors, its hosts and tokens.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::*;

/// The writable proxy-host fields, in the order NPM returns them.
pub(super) const WRITABLE: &[&str] = &[
    "domain_names",
    "forward_scheme",
    "forward_host",
    "forward_port",
    "access_list_id",
    "certificate_id",
    "ssl_forced",
    "caching_enabled",
    "block_exploits",
    "advanced_config",
    "meta",
    "allow_websocket_upgrade",
    "http2_support",
    "enabled",
    "locations",
    "hsts_enabled",
    "hsts_subdomains",
    "trust_forwarded_proto",
];

pub(super) const BOOLEANS: &[&str] = &[
    "ssl_forced",
    "caching_enabled",
    "block_exploits",
    "allow_websocket_upgrade",
    "http2_support",
    "enabled",
    "hsts_enabled",
    "hsts_subdomains",
    "trust_forwarded_proto",
];

pub(super) const REQUIRED_ON_CREATE: &[&str] = &["domain_names", "forward_scheme", "forward_host", "forward_port"];

pub(super) const LOCATION_KEYS: &[&str] = &[
    "id",
    "path",
    "forward_scheme",
    "forward_host",
    "forward_port",
    "forward_path",
    "advanced_config",
    "location_type",
];

/// NPM's pattern for a domain name (characters that may not appear).
pub(super) const DOMAIN_FORBIDDEN: &str = "&| @!#%^();:/\\}{=+?<>,~`'\"";

pub(super) const BROKEN_DIRECTIVE: &str = "fake_npm_broken_directive on;";

// ---------------------------------------------------------------- errors ---

#[derive(Debug, Clone)]
pub(super) struct ApiError {
    pub(super) status: u16,
    pub(super) message: String,
}

pub(super) fn err(status: u16, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        message: message.into(),
    }
}

pub(super) fn bad(message: impl Into<String>) -> ApiError {
    err(400, message)
}

pub(super) fn internal() -> ApiError {
    err(500, "Internal Error")
}

pub(super) fn error_body(status: u16, message: &str) -> Value {
    json!({ "error": { "code": status, "message": message } })
}

// ----------------------------------------------------------------- state ---

#[derive(Debug, Clone)]
pub(super) struct Host {
    pub(super) id: i64,
    pub(super) created_on: String,
    pub(super) modified_on: String,
    pub(super) deleted: bool,
    /// Whether the host's conf should be rendered (see the module docs).
    pub(super) live: bool,
    /// All writable fields, in `WRITABLE` order.
    pub(super) fields: Map<String, Value>,
}

impl Host {
    pub(super) fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("created_on".into(), json!(self.created_on));
        m.insert("modified_on".into(), json!(self.modified_on));
        m.insert("owner_user_id".into(), json!(1));
        for k in WRITABLE {
            if let Some(v) = self.fields.get(*k) {
                m.insert((*k).to_owned(), v.clone());
            }
        }
        Value::Object(m)
    }

    pub(super) fn domains(&self) -> Vec<String> {
        str_list(self.fields.get("domain_names"))
    }

    pub(super) fn enabled(&self) -> bool {
        self.fields.get("enabled").and_then(Value::as_bool).unwrap_or(true)
    }

    pub(super) fn meta_mut(&mut self) -> &mut Map<String, Value> {
        let meta = self.fields.entry("meta").or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        match meta {
            Value::Object(m) => m,
            _ => unreachable!("meta was just made an object"),
        }
    }
}

pub(super) fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub(super) enum Action {
    Fail(u16),
    ExpireTokens,
}

#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub(super) method: String,
    pub(super) path_contains: String,
    pub(super) remaining: usize,
    pub(super) action: Action,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct TokenInfo {
    pub(super) serial: u64,
    pub(super) expires: Instant,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) hosts: BTreeMap<i64, Host>,
    pub(super) next_id: i64,
    pub(super) tokens: HashMap<String, TokenInfo>,
    pub(super) next_serial: u64,
    /// Tokens with a serial below this are expired.
    pub(super) expired_below: u64,
    pub(super) log: Vec<LoggedRequest>,
    pub(super) rules: Vec<Rule>,
    pub(super) broken: HashSet<i64>,
    pub(super) next_write_offline: bool,
    pub(super) reserved: Vec<String>,
    pub(super) reloads: u64,
}

impl State {
    pub(super) fn live_host(&self, id: i64) -> Result<&Host, ApiError> {
        match self.hosts.get(&id) {
            Some(h) if !h.deleted => Ok(h),
            _ => Err(err(404, format!("Not Found - {id}"))),
        }
    }

    pub(super) fn live_host_mut(&mut self, id: i64) -> Result<&mut Host, ApiError> {
        match self.hosts.get_mut(&id) {
            Some(h) if !h.deleted => Ok(h),
            _ => Err(err(404, format!("Not Found - {id}"))),
        }
    }

    /// NPM: a domain used by another (non-deleted) host, enabled or not.
    pub(super) fn check_domains(&self, domains: &[String], own: Option<i64>) -> Result<(), ApiError> {
        for d in domains {
            let lower = d.to_lowercase();
            let taken_by_host = self
                .hosts
                .values()
                .any(|h| !h.deleted && Some(h.id) != own && h.domains().iter().any(|x| x.to_lowercase() == lower));
            let reserved = self.reserved.iter().any(|x| x.to_lowercase() == lower);
            if taken_by_host || reserved {
                return Err(bad(format!("{d} is already in use")));
            }
        }
        Ok(())
    }

    pub(super) fn token_status(&self, token: &str) -> Result<(), ApiError> {
        match self.tokens.get(token) {
            None => Err(internal()),
            Some(t) if t.serial < self.expired_below || Instant::now() >= t.expires => Err(bad("Token has expired")),
            Some(_) => Ok(()),
        }
    }

    /// The first matching rule, consumed.
    pub(super) fn take_rule(&mut self, method: &str, path: &str) -> Option<Action> {
        let rule = self.rules.iter_mut().find(|r| {
            r.remaining > 0
                && (r.method == "*" || r.method.eq_ignore_ascii_case(method))
                && path.contains(&r.path_contains)
        })?;
        rule.remaining -= 1;
        let action = rule.action.clone();
        self.rules.retain(|r| r.remaining > 0);
        Some(action)
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
