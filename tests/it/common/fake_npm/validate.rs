//! Request-body validation, following NPM 2.15.1's JSON schema (shared/NPM_API.md).

use serde_json::{Map, Value, json};

use super::*;

// ------------------------------------------------------------ validation ---

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Create,
    Update,
}

pub(super) fn validate_host_body(body: &Value, mode: Mode) -> Result<Map<String, Value>, ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(bad("data must be object"));
    };
    if obj.keys().any(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(bad("data must NOT have additional properties"));
    }
    match mode {
        Mode::Create => {
            for r in REQUIRED_ON_CREATE {
                if !obj.contains_key(*r) {
                    return Err(bad(format!("data must have required property '{r}'")));
                }
            }
        }
        Mode::Update => {
            if obj.is_empty() {
                return Err(bad("data must NOT have fewer than 1 properties"));
            }
        }
    }
    let mut out = obj.clone();
    for (k, v) in obj {
        let at = format!("data/{k}");
        match k.as_str() {
            "domain_names" => {
                let sorted = validate_domains(v)?;
                out.insert(k.clone(), json!(sorted));
            }
            "forward_scheme" => validate_scheme(v, &at)?,
            "forward_host" => validate_string(v, &at, 1, 255)?,
            // The real NPM coerces types (ajv `coerceTypes`): "8080" is
            // stored as 8080.
            "forward_port" => {
                let n = validate_int(v, &at, 1, Some(65535))?;
                out.insert(k.clone(), json!(n));
            }
            "certificate_id" | "access_list_id" => {
                let n = validate_int(v, &at, 0, None)?;
                out.insert(k.clone(), json!(n));
            }
            "advanced_config" => validate_string(v, &at, 0, usize::MAX)?,
            "meta" if !v.is_object() => return Err(bad(format!("{at} must be object"))),
            "locations" => validate_locations(v)?,
            b if BOOLEANS.contains(&b) && !v.is_boolean() => {
                return Err(bad(format!("{at} must be boolean")));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Returns the names sorted (NPM stores them sorted).
pub(super) fn validate_domains(v: &Value) -> Result<Vec<String>, ApiError> {
    let Some(arr) = v.as_array() else {
        return Err(bad("data/domain_names must be array"));
    };
    if arr.is_empty() {
        return Err(bad("data/domain_names must NOT have fewer than 1 items"));
    }
    if arr.len() > 100 {
        return Err(bad("data/domain_names must NOT have more than 100 items"));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, d) in arr.iter().enumerate() {
        let Some(s) = d.as_str() else {
            return Err(bad(format!("data/domain_names/{i} must be string")));
        };
        if s.is_empty() || s.chars().any(|c| DOMAIN_FORBIDDEN.contains(c)) {
            return Err(bad(format!(
                "data/domain_names/{i} must match pattern \"^[^{DOMAIN_FORBIDDEN}]+$\""
            )));
        }
        if let Some(j) = names.iter().position(|n| n.to_lowercase() == s.to_lowercase()) {
            return Err(bad(format!(
                "data/domain_names must NOT have duplicate items (items ## {i} and {j} are identical)"
            )));
        }
        names.push(s.to_owned());
    }
    names.sort();
    Ok(names)
}

pub(super) fn validate_scheme(v: &Value, at: &str) -> Result<(), ApiError> {
    match v.as_str() {
        Some("http" | "https") => Ok(()),
        Some(_) => Err(bad(format!("{at} must be equal to one of the allowed values"))),
        None => Err(bad(format!("{at} must be string"))),
    }
}

pub(super) fn validate_string(v: &Value, at: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let Some(s) = v.as_str() else {
        return Err(bad(format!("{at} must be string")));
    };
    let n = s.chars().count();
    if n < min {
        return Err(bad(format!("{at} must NOT have fewer than {min} characters")));
    }
    if n > max {
        return Err(bad(format!("{at} must NOT have more than {max} characters")));
    }
    Ok(())
}

/// An integer, or a string holding one (coerced, as the real NPM does).
pub(super) fn validate_int(v: &Value, at: &str, min: i64, max: Option<i64>) -> Result<i64, ApiError> {
    let n = match v {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        other => other.as_i64(),
    };
    let Some(n) = n else {
        return Err(bad(format!("{at} must be integer")));
    };
    if n < min {
        return Err(bad(format!("{at} must be >= {min}")));
    }
    if let Some(max) = max
        && n > max
    {
        return Err(bad(format!("{at} must be <= {max}")));
    }
    Ok(n)
}

pub(super) fn validate_locations(v: &Value) -> Result<(), ApiError> {
    if v.is_null() {
        return Ok(());
    }
    let Some(arr) = v.as_array() else {
        return Err(bad("data/locations must be array,null"));
    };
    for (i, loc) in arr.iter().enumerate() {
        let at = format!("data/locations/{i}");
        let Some(o) = loc.as_object() else {
            return Err(bad(format!("{at} must be object")));
        };
        if o.keys().any(|k| !LOCATION_KEYS.contains(&k.as_str())) {
            return Err(bad(format!("{at} must NOT have additional properties")));
        }
        for r in ["path", "forward_host", "forward_port"] {
            if !o.contains_key(r) {
                return Err(bad(format!("{at} must have required property '{r}'")));
            }
        }
        validate_string(&o["path"], &format!("{at}/path"), 1, usize::MAX)?;
        validate_string(&o["forward_host"], &format!("{at}/forward_host"), 1, 255)?;
        validate_int(&o["forward_port"], &format!("{at}/forward_port"), 1, Some(65535))?;
        if let Some(s) = o.get("forward_scheme") {
            validate_scheme(s, &format!("{at}/forward_scheme"))?;
        }
    }
    Ok(())
}
