//! Path fields (`context`, `root`, `file`) are stored absolute: a relative
//! path means "relative to where I ran `workload add`/`set`", and a deploy
//! may run from anywhere.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::Kind;

/// The config key of a kind that names a path on the host, if any.
pub(super) fn path_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Image => None,
        Kind::Dockerfile => Some("context"),
        Kind::Static => Some("root"),
        Kind::Compose => Some("file"),
    }
}

/// Makes the kind's path field absolute against `base`, lexically (the path
/// need not exist yet; validation checks that). Values that are not
/// non-empty strings are left for validation to report.
pub fn resolve_paths(kind: Kind, raw: &mut Value, base: &Path) {
    let Some(key) = path_key(kind) else {
        return;
    };
    let Some(Value::String(value)) = raw.as_object_mut().and_then(|o| o.get_mut(key)) else {
        return;
    };
    if value.is_empty() {
        return;
    }
    let joined = base.join(value.as_str());
    // A base that is not UTF-8 cannot be stored in JSON: keep the value as
    // written, and validation says it must be absolute.
    if let Some(resolved) = normalize(&joined).to_str() {
        *value = resolved.to_owned();
    }
}

/// Removes `.` and folds `..` into its parent without touching the
/// filesystem. `..` at the root stays at the root, as the kernel does.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolved(kind: Kind, key: &str, value: Value, base: &str) -> Value {
        let mut raw = json!({ key: value });
        resolve_paths(kind, &mut raw, Path::new(base));
        raw[key].clone()
    }

    #[test]
    fn relative_paths_are_joined_to_the_base_for_each_kind() {
        assert_eq!(
            resolved(Kind::Dockerfile, "context", json!("app"), "/srv/repo"),
            json!("/srv/repo/app")
        );
        assert_eq!(
            resolved(Kind::Static, "root", json!("./public/"), "/srv/site"),
            json!("/srv/site/public")
        );
        assert_eq!(
            resolved(Kind::Compose, "file", json!("../ops/compose.yml"), "/srv/repo"),
            json!("/srv/ops/compose.yml")
        );
    }

    #[test]
    fn absolute_paths_are_normalised_but_keep_their_place() {
        assert_eq!(
            resolved(Kind::Dockerfile, "context", json!("/a/./b/../c"), "/elsewhere"),
            json!("/a/c")
        );
        assert_eq!(
            resolved(Kind::Static, "root", json!("/../../x"), "/elsewhere"),
            json!("/x")
        );
        assert_eq!(resolved(Kind::Static, "root", json!("."), "/srv"), json!("/srv"));
    }

    #[test]
    fn non_strings_and_other_kinds_are_left_alone() {
        assert_eq!(resolved(Kind::Static, "root", json!(42), "/srv"), json!(42));
        assert_eq!(resolved(Kind::Static, "root", json!(""), "/srv"), json!(""));
        assert_eq!(resolved(Kind::Image, "context", json!("app"), "/srv"), json!("app"));
        assert_eq!(resolved(Kind::Compose, "root", json!("app"), "/srv"), json!("app"));
        let mut not_an_object = json!(["root"]);
        resolve_paths(Kind::Static, &mut not_an_object, Path::new("/srv"));
        assert_eq!(not_an_object, json!(["root"]));
    }

    #[test]
    fn normalize_keeps_leading_parent_dirs_of_a_relative_base() {
        assert_eq!(normalize(Path::new("../a/../../b")), PathBuf::from("../../b"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    }
}
