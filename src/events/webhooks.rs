//! Webhook delivery: each matching event is POSTed as the same JSON object
//! `berth events --output json` prints, signed when a secret is set. Runs
//! beside the deploy (never failing it); the command waits for pending
//! deliveries before it exits, bounded by their timeouts.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use hmac::{KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use tokio::task::JoinHandle;

use super::{EventView, Severity, emit_event};
use crate::store::{Store, Webhook};

/// The action of a failed delivery: recorded, never itself delivered.
pub const FAILED_ACTION: &str = "webhook.failed";
const ATTEMPTS: u32 = 3;
const TIMEOUT: Duration = Duration::from_secs(5);

static PENDING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// Starts delivering `event` to each matching webhook.
pub fn dispatch(store: &Store, event: &EventView) {
    if event.action == FAILED_ACTION {
        return;
    }
    let Ok(hooks) = store.webhooks() else { return };
    let matching: Vec<Webhook> = hooks
        .into_iter()
        .filter(|h| h.matches(&event.workload, &event.action))
        .collect();
    if matching.is_empty() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let db_path = store.path().to_owned();
    for hook in matching {
        let event = event.clone();
        let db_path = db_path.clone();
        let handle = runtime.spawn(async move { deliver(db_path, hook, event).await });
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(handle);
        }
    }
}

/// Waits for every delivery started by this process.
pub async fn flush() {
    let handles: Vec<JoinHandle<()>> = match PENDING.lock() {
        Ok(mut pending) => pending.drain(..).collect(),
        Err(_) => return,
    };
    for h in handles {
        let _ = h.await;
    }
}

/// `sha256=<hex HMAC-SHA256 of the body>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of every length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(db_path: PathBuf, hook: Webhook, event: EventView) {
    let outcome = try_deliver(&hook, &event).await;
    if let Err(reason) = outcome {
        let status = format!(
            "webhook {} ({}) failed for event {}: {reason}",
            hook.id,
            mask_url(&hook.url),
            event.id
        );
        let metadata = json!({
            "workload_id": event.workload_id, "webhook_id": hook.id, "event_id": event.id, "action": event.action,
        });
        if let Ok(store) = Store::open(&db_path) {
            let _ = emit_event(
                &store,
                event.workload_id,
                &event.workload,
                FAILED_ACTION,
                Severity::Warning,
                &status,
                &metadata,
            );
        }
    }
}

async fn try_deliver(hook: &Webhook, event: &EventView) -> Result<(), String> {
    let body = serde_json::to_vec(event).map_err(|e| e.to_string())?;
    let signature = match &hook.secret_env {
        Some(var) => match std::env::var(var) {
            Ok(secret) => Some(signature(secret.as_bytes(), &body)),
            Err(_) => return Err(format!("the secret's environment variable {var} is not set")),
        },
        None => None,
    };
    let client = crate::http::client(TIMEOUT).map_err(|e| e.to_string())?;
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let mut req = client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("user-agent", concat!("berth/", env!("CARGO_PKG_VERSION")))
            .body(body.clone());
        if let Some(sig) = &signature {
            req = req.header("X-Berth-Signature-256", sig);
        }
        match req.send().await {
            Ok(resp) if resp.status().is_success() => return Ok(()),
            Ok(resp) => last = format!("answered {}", resp.status().as_u16()),
            // The English: it becomes a stored event's status.
            Err(e) => last = crate::http::describe(&e).english(),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(attempt - 1))).await;
        }
    }
    Err(format!("{last} after {ATTEMPTS} tries"))
}

/// The URL with any password replaced: `https://user:****@host/path`.
pub fn mask_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        Ok(mut u) if !u.username().is_empty() => {
            let _ = u.set_username("****");
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn credentials_are_masked() {
        assert_eq!(mask_url("https://u:p@h.example/x"), "https://u:****@h.example/x");
        assert_eq!(mask_url("https://token@h.example/x"), "https://****@h.example/x");
        assert_eq!(mask_url("http://h.example/x"), "http://h.example/x");
    }
}
