//! What a compose file declares about its routed service's Docker health
//! check, read for `berth validate`'s warning (the gate itself reads the
//! container's effective check from Docker at deploy time).

use std::path::Path;

use serde_yaml_ng::Value;

/// Docker's health check interval when a check sets none: 30 s
/// (Docker's `--health-interval` default; the compose spec's too).
pub const DOCKER_DEFAULT_INTERVAL_MS: u64 = 30_000;

/// A service's health check as the compose file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredHealth {
    /// `healthcheck:` with its interval in ms (30 s when not set).
    Interval(u64),
    /// `healthcheck: {disable: true}` or `test: ["NONE"]`: no check.
    Disabled,
    /// No `healthcheck:`: the image's own check counts; its reference
    /// when the service names one.
    FromImage(Option<String>),
}

/// The health check `service` declares in the compose file at `file`; None
/// when the file cannot be read or parsed, has no such service, or sets its
/// interval in a form berth does not read (an `${VARIABLE}`): validate then
/// says nothing rather than guess.
pub fn declared_health(file: &Path, service: &str) -> Option<DeclaredHealth> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut doc: Value = serde_yaml_ng::from_str(&text).ok()?;
    // `<<: *common` (a shared healthcheck) is part of the service.
    doc.apply_merge().ok()?;
    let svc = doc.get("services")?.get(service)?;
    let Some(check) = svc.get("healthcheck") else {
        return Some(DeclaredHealth::FromImage(
            svc.get("image").and_then(Value::as_str).map(str::to_owned),
        ));
    };
    let disabled = check.get("disable").and_then(Value::as_bool) == Some(true)
        || check
            .get("test")
            .and_then(Value::as_sequence)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            == Some("NONE");
    if disabled {
        return Some(DeclaredHealth::Disabled);
    }
    match check.get("interval") {
        None => Some(DeclaredHealth::Interval(DOCKER_DEFAULT_INTERVAL_MS)),
        Some(v) => go_duration_ms(v.as_str()?).map(DeclaredHealth::Interval),
    }
}

/// A Go duration as compose writes it (`90s`, `1m30s`, `1.5s`, `500ms`) in
/// whole ms; None when it is not one. Units: `h`, `m`, `s`, `ms`, `us`/`µs`,
/// `ns` (Go's `time.ParseDuration`, which compose uses).
pub fn go_duration_ms(text: &str) -> Option<u64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total_ns = 0f64;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3_600e9,
            "m" => 60e9,
            "s" => 1e9,
            "ms" => 1e6,
            "us" | "µs" => 1e3,
            "ns" => 1.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total_ns += number * scale;
    }
    // Whole ms: a sub-ms interval is 0, and a duration past u64 is None.
    let ms = (total_ns / 1e6).floor();
    (ms.is_finite() && ms < u64::MAX as f64).then_some(ms as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_read_as_compose_writes_them() {
        for (text, ms) in [
            ("90s", 90_000),
            ("1m30s", 90_000),
            ("1.5s", 1_500),
            ("500ms", 500),
            ("2h", 7_200_000),
            ("1m0.5s", 60_500),
            ("1500us", 1),
        ] {
            assert_eq!(go_duration_ms(text), Some(ms), "{text}");
        }
        for bad in ["", "60", "s", "1x", "${INTERVAL}", "-1s", "1 s"] {
            assert_eq!(go_duration_ms(bad), None, "{bad}");
        }
    }

    fn declared(yaml: &str, service: &str) -> Option<DeclaredHealth> {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("compose.yml");
        std::fs::write(&file, yaml).expect("write");
        declared_health(&file, service)
    }

    #[test]
    fn a_service_declares_its_interval_none_or_leaves_it_to_the_image() {
        let yaml = r#"
services:
  web:
    image: example/web:1
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]
      interval: 1m
  worker:
    image: example/worker:1
    healthcheck:
      test: ["CMD", "true"]
  off:
    image: example/off:1
    healthcheck:
      disable: true
  none:
    image: example/none:1
    healthcheck:
      test: ["NONE"]
  plain:
    image: example/plain:1
  built:
    build: .
  templated:
    image: example/t:1
    healthcheck:
      test: ["CMD", "true"]
      interval: ${INTERVAL:-60s}
"#;
        assert_eq!(declared(yaml, "web"), Some(DeclaredHealth::Interval(60_000)));
        assert_eq!(
            declared(yaml, "worker"),
            Some(DeclaredHealth::Interval(DOCKER_DEFAULT_INTERVAL_MS))
        );
        assert_eq!(declared(yaml, "off"), Some(DeclaredHealth::Disabled));
        assert_eq!(declared(yaml, "none"), Some(DeclaredHealth::Disabled));
        assert_eq!(
            declared(yaml, "plain"),
            Some(DeclaredHealth::FromImage(Some("example/plain:1".into())))
        );
        assert_eq!(declared(yaml, "built"), Some(DeclaredHealth::FromImage(None)));
        assert_eq!(declared(yaml, "templated"), None);
        assert_eq!(declared(yaml, "missing"), None);
        let merged = r#"
x-health: &health
  healthcheck:
    test: ["CMD", "true"]
    interval: 90s
services:
  web:
    <<: *health
    image: example/web:1
"#;
        assert_eq!(declared(merged, "web"), Some(DeclaredHealth::Interval(90_000)));
        assert_eq!(declared("not: [valid", "web"), None);
    }
}
