//! Which Docker daemon: resolved exactly as the docker CLI resolves it, or
//! as a workload names it (`docker_host` / `docker_context`, DESIGN §8).
//!
//! The docker CLI's order, for a command without `--context`/`-H`:
//! 1. `DOCKER_HOST` (non-empty): that daemon (the `default` context), with
//!    TLS when `DOCKER_TLS_VERIFY` is non-empty (certificates in
//!    `DOCKER_CERT_PATH`, else `~/.docker`);
//! 2. `DOCKER_CONTEXT` (non-empty): that context;
//! 3. `currentContext` of the CLI config (`$DOCKER_CONFIG/config.json`,
//!    else `~/.docker/config.json`);
//! 4. the local socket `unix:///var/run/docker.sock`.
//!
//! A context lives in `<config dir>/contexts/meta/<sha256 of its name>/meta.json`
//! (`Endpoints.docker.Host`); its TLS material, when any, in
//! `<config dir>/contexts/tls/<sha256 of its name>/docker/{ca,cert,key}.pem`.
//! The context named `default` is the CLI's built-in one: `DOCKER_HOST` or
//! the local socket.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::i18n::Context as _;
use crate::msg;
use sha2::Digest;

/// The local daemon's socket, where the docker CLI looks when nothing says otherwise.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// How a daemon is named: as the docker CLI would pick it, a host URL, or
/// a context name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DaemonRef {
    /// The docker CLI's choice (environment, current context, local socket).
    Default,
    /// A `DOCKER_HOST`-style URL: `unix://`, `tcp://`, `ssh://`.
    Host(String),
    /// A docker CLI context, by name.
    Context(String),
}

impl DaemonRef {
    /// How messages and events name this daemon, even when it cannot be
    /// resolved or reached: its endpoint as [`Endpoint::display`] shows
    /// it, else the host (credentials cut) or `context NAME`.
    pub fn shown(&self) -> String {
        match Endpoint::resolve(self) {
            Ok(ep) => ep.display(),
            Err(_) => match self {
                DaemonRef::Host(h) => redacted(h),
                DaemonRef::Context(c) => format!("context {c}"),
                DaemonRef::Default => "default".to_owned(),
            },
        }
    }
}

/// Client certificates for a `tcp://` daemon with TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A resolved daemon address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`.
    pub host: String,
    /// TLS client material (tcp only).
    pub tls: Option<TlsFiles>,
    /// The context the endpoint came from, when one did.
    pub context: Option<String>,
}

/// The transport a host URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Unix(String),
    Tcp(String),
    Ssh(SshTarget),
}

/// `ssh://[user@]host[:port]`, split.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SshTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl SshTarget {
    /// `user@host` (what `ssh` takes as its destination).
    pub fn destination(&self) -> String {
        match &self.user {
            Some(u) => format!("{u}@{}", self.host),
            None => self.host.clone(),
        }
    }
}

impl Endpoint {
    /// Resolves `daemon` as the docker CLI would (see the module docs).
    /// Errors: an unknown context, an unreadable CLI config, a malformed URL.
    pub fn resolve(daemon: &DaemonRef) -> Result<Endpoint> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match daemon {
            DaemonRef::Host(host) => {
                parse_host(host)?;
                Ok(Endpoint {
                    host: host.clone(),
                    tls: tls_from_env(host)?,
                    context: None,
                })
            }
            DaemonRef::Context(name) => from_context(&config_dir()?, name),
            DaemonRef::Default => {
                if let Some(host) = env("DOCKER_HOST") {
                    return Endpoint::resolve(&DaemonRef::Host(host));
                }
                let dir = config_dir()?;
                let name = match env("DOCKER_CONTEXT") {
                    Some(name) => Some(name),
                    None => current_context(&dir)?,
                };
                match name {
                    Some(name) => from_context(&dir, &name),
                    None => Ok(Endpoint {
                        host: DEFAULT_HOST.to_owned(),
                        tls: None,
                        context: None,
                    }),
                }
            }
        }
    }

    /// The transport of this endpoint.
    pub fn scheme(&self) -> Result<Scheme> {
        parse_host(&self.host)
    }

    /// How people see the daemon: its URL, plus the context it came from.
    /// Never carries credentials (a URL cannot hold any: see [`parse_host`]).
    pub fn display(&self) -> String {
        match &self.context {
            Some(c) => format!("{} (context {c})", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether the daemon runs on this machine (a unix socket), so its
    /// containers' pids and addresses are this host's.
    pub fn is_local(&self) -> bool {
        matches!(self.scheme(), Ok(Scheme::Unix(_)))
    }

    /// The environment a docker CLI subprocess (`docker compose`) needs to
    /// talk to this same daemon.
    pub fn cli_env(&self) -> Vec<(String, String)> {
        match &self.context {
            Some(c) => vec![("DOCKER_CONTEXT".to_owned(), c.clone())],
            None => vec![("DOCKER_HOST".to_owned(), self.host.clone())],
        }
    }
}

/// Splits a host URL. Errors name what is wrong and the accepted forms; a
/// password in the URL is refused without quoting it.
pub fn parse_host(host: &str) -> Result<Scheme> {
    if let Some(path) = host.strip_prefix("unix://") {
        if !path.starts_with('/') {
            bail!(msg!("endpoint-unix-not-absolute", host = host));
        }
        return Ok(Scheme::Unix(path.to_owned()));
    }
    if let Some(rest) = host.strip_prefix("tcp://") {
        let addr = rest.trim_end_matches('/');
        let Some((h, port)) = addr.rsplit_once(':') else {
            bail!(msg!("endpoint-tcp-no-port", host = host));
        };
        if h.is_empty() || port.parse::<u16>().map_or(true, |p| p == 0) || addr.contains(['@', '/']) {
            bail!(msg!("endpoint-tcp-invalid", host = host));
        }
        return Ok(Scheme::Tcp(addr.to_owned()));
    }
    if let Some(rest) = host.strip_prefix("ssh://") {
        let rest = rest.trim_end_matches('/');
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((user, hp)) => {
                if user.contains(':') {
                    bail!(msg!("endpoint-ssh-password"));
                }
                (Some(user.to_owned()).filter(|u| !u.is_empty()), hp)
            }
            None => (None, rest),
        };
        let (h, port) =
            split_host_port(hostport).ok_or_else(|| anyhow!(msg!("endpoint-ssh-invalid", host = redacted(host))))?;
        if h.is_empty() || h.contains(['/', ' ']) || h.starts_with('-') {
            bail!(msg!("endpoint-ssh-invalid", host = redacted(host)));
        }
        if user
            .as_deref()
            .is_some_and(|u| u.starts_with('-') || u.contains([' ', '/']))
        {
            bail!(msg!("endpoint-ssh-bad-user", host = redacted(host)));
        }
        return Ok(Scheme::Ssh(SshTarget {
            user,
            host: h.to_owned(),
            port,
        }));
    }
    bail!(msg!("endpoint-unsupported", host = redacted(host)))
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`.
fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(p) => Some((h, Some(p.parse().ok().filter(|p| *p > 0)?))),
            None if after.is_empty() => Some((h, None)),
            None => None,
        };
    }
    match s.split_once(':') {
        Some((h, p)) => Some((h, Some(p.parse().ok().filter(|p| *p > 0)?))),
        None => Some((s, None)),
    }
}

/// A host URL as it may be shown: any `user:password@` cut to `user:***@`.
pub fn redacted(host: &str) -> String {
    match host.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user, tail)) if user.contains(':') => {
                let name = user.split(':').next().unwrap_or("");
                format!("{scheme}://{name}:***@{tail}")
            }
            _ => host.to_owned(),
        },
        None => host.to_owned(),
    }
}

/// TLS for a `tcp://` `DOCKER_HOST` when `DOCKER_TLS_VERIFY` is non-empty,
/// from `DOCKER_CERT_PATH` (else `~/.docker`), as the docker CLI does.
fn tls_from_env(host: &str) -> Result<Option<TlsFiles>> {
    if !host.starts_with("tcp://") {
        return Ok(None);
    }
    let verify = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty());
    if !verify {
        if std::env::var("DOCKER_TLS").is_ok_and(|v| !v.is_empty()) {
            bail!(msg!("endpoint-tls-unverified"));
        }
        return Ok(None);
    }
    let dir = match std::env::var("DOCKER_CERT_PATH").ok().filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => home()?.join(".docker"),
    };
    Ok(Some(tls_in(&dir)))
}

fn tls_in(dir: &Path) -> TlsFiles {
    TlsFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    }
}

fn home() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .context_msg(msg!("endpoint-no-home"))
}

/// `DOCKER_CONFIG`, else `~/.docker`.
fn config_dir() -> Result<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
        Some(d) => Ok(PathBuf::from(d)),
        None => Ok(home()?.join(".docker")),
    }
}

/// `currentContext` of the CLI config, None when unset, `default` or no config.
fn current_context(dir: &Path) -> Result<Option<String>> {
    let path = dir.join("config.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(msg!("endpoint-config-unreadable", path = path.display().to_string()).wrap(e));
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| msg!("endpoint-config-invalid", path = path.display().to_string()).wrap(e))?;
    Ok(json
        .get("currentContext")
        .and_then(serde_json::Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_owned))
}

/// The directory name the docker CLI stores a context under.
pub fn context_dir_name(name: &str) -> String {
    hex::encode(sha2::Sha256::digest(name.as_bytes()))
}

fn from_context(dir: &Path, name: &str) -> Result<Endpoint> {
    if name == "default" {
        // The CLI's built-in context: DOCKER_HOST, else the local socket.
        let host = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_HOST.to_owned());
        parse_host(&host)?;
        return Ok(Endpoint {
            tls: tls_from_env(&host)?,
            host,
            context: None,
        });
    }
    let id = context_dir_name(name);
    let meta = dir.join("contexts").join("meta").join(&id).join("meta.json");
    let text = match std::fs::read_to_string(&meta) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(msg!(
                "endpoint-context-missing",
                name = name,
                path = meta.display().to_string()
            ))
        }
        Err(e) => {
            return Err(msg!(
                "endpoint-context-unreadable",
                name = name,
                path = meta.display().to_string()
            )
            .wrap(e));
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        msg!(
            "endpoint-context-invalid",
            name = name,
            path = meta.display().to_string()
        )
        .wrap(e)
    })?;
    let docker = json.pointer("/Endpoints/docker");
    let host = docker
        .and_then(|d| d.get("Host"))
        .and_then(serde_json::Value::as_str)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            anyhow!(msg!(
                "endpoint-context-no-host",
                name = name,
                path = meta.display().to_string()
            ))
        })?
        .to_owned();
    parse_host(&host).with_context_msg(|| msg!("endpoint-context", name = name))?;
    let tls_dir = dir.join("contexts").join("tls").join(&id).join("docker");
    let tls = if host.starts_with("tcp://") && tls_dir.join("ca.pem").is_file() {
        if docker
            .and_then(|d| d.get("SkipTLSVerify"))
            .and_then(serde_json::Value::as_bool)
            == Some(true)
        {
            bail!(msg!("endpoint-context-skips-tls", name = name));
        }
        Some(tls_in(&tls_dir))
    } else {
        None
    };
    Ok(Endpoint {
        host,
        tls,
        context: Some(name.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_schemes() {
        assert_eq!(
            parse_host("unix:///var/run/docker.sock").ok(),
            Some(Scheme::Unix("/var/run/docker.sock".into()))
        );
        assert_eq!(
            parse_host("tcp://10.0.0.2:2376").ok(),
            Some(Scheme::Tcp("10.0.0.2:2376".into()))
        );
        assert_eq!(
            parse_host("ssh://deploy@web-1:2222").ok(),
            Some(Scheme::Ssh(SshTarget {
                user: Some("deploy".into()),
                host: "web-1".into(),
                port: Some(2222)
            }))
        );
        assert_eq!(
            parse_host("ssh://[::1]").ok(),
            Some(Scheme::Ssh(SshTarget {
                user: None,
                host: "::1".into(),
                port: None
            }))
        );
    }

    #[test]
    fn refuses_passwords_without_quoting_them() {
        let err = format!("{:#}", parse_host("ssh://root:hunter2@host").expect_err("refused"));
        assert!(err.contains("password"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert_eq!(redacted("ssh://root:hunter2@host"), "ssh://root:***@host");
    }

    #[test]
    fn refuses_malformed_hosts() {
        for bad in [
            "http://x",
            "tcp://host",
            "tcp://host:0",
            "ssh://",
            "ssh://host:x",
            "ssh://-oProxyCommand=x",
            "unix://rel",
        ] {
            assert!(parse_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contexts_live_under_the_sha256_of_their_name() {
        // As `docker context create foo` stores it.
        assert_eq!(
            context_dir_name("foo"),
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
        );
    }

    #[test]
    fn reads_a_context_as_the_cli_wrote_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let meta = dir.path().join("contexts/meta").join(context_dir_name("edge"));
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"edge","Metadata":{},"Endpoints":{"docker":{"Host":"ssh://deploy@edge-1","SkipTLSVerify":false}}}"#,
        )
        .expect("write");
        let ep = from_context(dir.path(), "edge").expect("context");
        assert_eq!(ep.host, "ssh://deploy@edge-1");
        assert_eq!(ep.context.as_deref(), Some("edge"));
        assert_eq!(ep.cli_env(), vec![("DOCKER_CONTEXT".to_owned(), "edge".to_owned())]);
        let err = format!("{:#}", from_context(dir.path(), "nope").expect_err("missing"));
        assert!(err.contains("docker context `nope` does not exist"), "{err}");
    }

    #[test]
    fn current_context_comes_from_the_cli_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(current_context(dir.path()).ok(), Some(None));
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"edge"}"#).expect("write");
        assert_eq!(current_context(dir.path()).ok(), Some(Some("edge".to_owned())));
    }
}
