//! Docker image references, `[host[:port]/]path[:tag][@sha256:hex]`: one
//! parser for what config validation checks, what berth pulls and which
//! registry a pull authenticates against. The grammar is Docker's
//! (distribution/reference): a first path segment containing `.` or `:`,
//! or `localhost`, names a registry; a `:` after the last `/` starts the
//! tag; no tag means `latest`, never "all tags".

use super::hints::shown;
use crate::i18n::Msg;
use crate::msg;

/// Docker Hub's registry address in a pull's auth (`serveraddress`), as
/// the docker CLI sends it for references without a registry host.
pub const DOCKER_HUB: &str = "https://index.docker.io/v1/";

/// A reference split into its parts (borrowed from the text). Splitting
/// never fails; [`ImageRef::validate`] says whether the parts are valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// `[host[:port]/]path`: everything before the tag and the digest.
    pub name: &'a str,
    /// After the `:` that follows the last `/`; None when absent.
    pub tag: Option<&'a str>,
    /// After `@` (`sha256:<hex>`); None when absent.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits `reference` (no validation).
    pub fn split(reference: &'a str) -> ImageRef<'a> {
        let (name_and_tag, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (reference, None),
        };
        // A `:` after the last `/` starts the tag; one before it is a registry port.
        let last_segment = name_and_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_and_tag[last_segment..].find(':') {
            Some(colon) => {
                let (name, tag) = name_and_tag.split_at(last_segment + colon);
                (name, tag.strip_prefix(':'))
            }
            None => (name_and_tag, None),
        };
        ImageRef { name, tag, digest }
    }

    /// The registry host (`ghcr.io`, `localhost:5000`), None for Docker Hub.
    pub fn registry(&self) -> Option<&'a str> {
        match self.name.split_once('/') {
            Some((first, rest)) if !rest.is_empty() && is_registry_host(first) => Some(first),
            _ => None,
        }
    }

    /// The registry address a pull authenticates against: the host, or
    /// [`DOCKER_HUB`].
    pub fn auth_server(&self) -> String {
        self.registry().map_or_else(|| DOCKER_HUB.to_owned(), str::to_owned)
    }

    /// What to ask the daemon to pull, as its API takes it (`fromImage`,
    /// `tag`): a digest reference whole with no tag; else the name and the
    /// tag, `latest` when none is given.
    pub fn pull_args(&self) -> (String, Option<String>) {
        match self.digest {
            Some(digest) => (format!("{}@{digest}", self.with_tag_if_any()), None),
            None => (self.name.to_owned(), Some(self.tag.unwrap_or("latest").to_owned())),
        }
    }

    /// The reference as berth records and shows it: `name:tag` (`latest`
    /// when no tag), or `name[:tag]@digest`.
    pub fn normalized(&self) -> String {
        match self.digest {
            Some(digest) => format!("{}@{digest}", self.with_tag_if_any()),
            None => format!("{}:{}", self.name, self.tag.unwrap_or("latest")),
        }
    }

    fn with_tag_if_any(&self) -> String {
        match self.tag {
            Some(tag) => format!("{}:{tag}", self.name),
            None => self.name.to_owned(),
        }
    }

    /// Ok when Docker would accept the reference; else why not (a message
    /// naming the part at fault, for config validation).
    pub fn validate(&self, raw: &str) -> Result<(), Msg> {
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(msg!("reference-spaces"));
        }
        if let Some(digest) = self.digest {
            let hex = digest.strip_prefix("sha256:");
            if !hex.is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))) {
                return Err(msg!("reference-bad-digest"));
            }
        }
        if let Some(tag) = self.tag {
            let mut chars = tag.chars();
            let valid = tag.len() <= 128
                && chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !valid {
                return Err(msg!("reference-bad-tag", tag = shown(tag)));
            }
        }
        if self.name.is_empty() {
            return Err(msg!("reference-no-repository"));
        }
        let segments: Vec<&str> = self.name.split('/').collect();
        let repository = match segments.split_first() {
            Some((host, rest)) if !rest.is_empty() && is_registry_host(host) => {
                let valid_host = host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
                if !valid_host {
                    return Err(msg!("reference-bad-host", host = shown(host)));
                }
                rest
            }
            _ => &segments[..],
        };
        repository.iter().try_for_each(|segment| check_segment(segment))
    }
}

/// Like docker: a first segment with `.` or `:`, or `localhost`, is a registry.
fn is_registry_host(first: &str) -> bool {
    first.contains(['.', ':']) || first == "localhost"
}

fn check_segment(segment: &str) -> Result<(), Msg> {
    if segment.is_empty() {
        return Err(msg!("reference-empty-part"));
    }
    if segment.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(msg!("reference-uppercase", segment = shown(segment)));
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = segment.starts_with(alnum)
        && segment.ends_with(alnum)
        && segment.chars().all(|c| alnum(c) || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(msg!("reference-bad-segment", segment = shown(segment)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_registry_port_tag_and_digest_as_docker_does() {
        let r = ImageRef::split("localhost:5000/team/app:v1");
        assert_eq!((r.name, r.tag, r.digest), ("localhost:5000/team/app", Some("v1"), None));
        assert_eq!(r.registry(), Some("localhost:5000"));
        assert_eq!(
            r.pull_args(),
            ("localhost:5000/team/app".to_owned(), Some("v1".to_owned()))
        );

        let r = ImageRef::split("registry:5000/app");
        assert_eq!((r.name, r.tag), ("registry:5000/app", None), "a port is not a tag");
        assert_eq!(r.normalized(), "registry:5000/app:latest", "no tag means latest");

        let digest = format!("sha256:{}", "a".repeat(64));
        let raw = format!("ghcr.io/acme/web:1.2@{digest}");
        let r = ImageRef::split(&raw);
        assert_eq!((r.tag, r.digest), (Some("1.2"), Some(digest.as_str())));
        assert_eq!(r.pull_args(), (raw.clone(), None), "a digest is pulled whole");
        assert_eq!(r.normalized(), raw);
        assert_eq!(r.validate(&raw), Ok(()));
    }

    #[test]
    fn docker_hub_names_have_no_registry() {
        for raw in ["nginx", "library/nginx:1.27", "acme/web", "my.app"] {
            let r = ImageRef::split(raw);
            assert_eq!(r.registry(), None, "{raw}");
            assert_eq!(r.auth_server(), DOCKER_HUB, "{raw}");
        }
        assert_eq!(ImageRef::split("ghcr.io/acme/web").auth_server(), "ghcr.io");
    }

    #[test]
    fn invalid_references_say_which_part_is_wrong() {
        let why = |raw: &str| ImageRef::split(raw).validate(raw).err().map(|m| m.id());
        assert_eq!(why("nginx:1.27"), None);
        assert_eq!(why("ngi nx"), Some("reference-spaces"));
        assert_eq!(why("app@sha256:abc"), Some("reference-bad-digest"));
        assert_eq!(why("app:-v1"), Some("reference-bad-tag"));
        assert_eq!(why("app:v1:x"), Some("reference-bad-tag"));
        assert_eq!(why(":v1"), Some("reference-no-repository"));
        assert_eq!(why("bad_host.io/app"), Some("reference-bad-host"));
        assert_eq!(why("acme//web"), Some("reference-empty-part"));
        assert_eq!(why("Acme/web"), Some("reference-uppercase"));
        assert_eq!(why("acme/-web"), Some("reference-bad-segment"));
    }
}
