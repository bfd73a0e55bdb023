//! The HTTP client settings berth uses for probes, NPM and webhooks.

use std::time::Duration;

use anyhow::Result;

use crate::i18n::Context as _;

/// Installs the TLS crypto provider once (rustls without a default one).
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client that never goes through an environment proxy (probes target
/// container addresses) and does not follow redirects (a 3xx is an answer).
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    builder(timeout).build().context_msg(crate::msg!("http-client-failed"))
}

/// [`client`], opening a new connection for every request: for a server
/// that closes its idle keep-alive connections at moments a client cannot
/// see (Caddy restarts its admin endpoint when it loads a config that has
/// an `admin` section), where a reused connection would fail a request
/// that never reached it.
pub fn client_without_keepalive(timeout: Duration) -> Result<reqwest::Client> {
    builder(timeout)
        .pool_max_idle_per_host(0)
        .build()
        .context_msg(crate::msg!("http-client-failed"))
}

fn builder(timeout: Duration) -> reqwest::ClientBuilder {
    init_tls();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
}

/// A short cause for a failed request: "connection refused", "timed out".
pub fn describe(e: &reqwest::Error) -> crate::i18n::Msg {
    if e.is_timeout() {
        return crate::msg!("http-timed-out");
    }
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut last = e.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    if e.is_connect() {
        crate::msg!("http-connection-failed", error = last)
    } else {
        crate::msg!("verbatim", text = last)
    }
}
