//! `static` workloads: the site's files packaged into an immutable image
//! per content (`FROM <server_image>` + `COPY`), tagged with a content hash
//! so an unchanged site reuses its image and a rollback has a target.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::Artifact;
use crate::config::StaticConfig;
use crate::docker::{BuildRequest, Docker, build_image, labels};
use crate::i18n::Context as _;
use crate::output::Printer;
use crate::{msg, t};

pub async fn package(docker: &Docker, printer: &Printer, workload: &str, cfg: &StaticConfig) -> Result<Artifact> {
    let server_id = match docker.image_id(&cfg.server_image).await? {
        Some(id) => id,
        None => {
            printer.status(&t!(
                "source-pulling-server-image",
                workload = workload,
                image = &cfg.server_image
            ));
            let reference = super::normalize_reference(&cfg.server_image);
            docker
                .pull(&reference, None, |_, _, _, _| {})
                .await
                .with_context_msg(|| {
                    msg!(
                        "source-server-image-missing",
                        workload = workload,
                        image = &cfg.server_image
                    )
                })?
        }
    };
    // A storage-backed site lives in its volume: the server image runs as is.
    let Some(root) = cfg.root.as_deref() else {
        return Ok(Artifact {
            image_id: server_id,
            reference: cfg.server_image.clone(),
        });
    };

    let root_path = Path::new(root).to_owned();
    let server_root = cfg.server_root.clone();
    let id_for_hash = server_id.clone();
    let digest = tokio::task::spawn_blocking(move || site_digest(&root_path, &id_for_hash, &server_root))
        .await
        .context_msg(msg!("source-hash-interrupted"))??;
    let tag = format!("berth/{workload}:static-{}", &digest[..16]);
    if let Some(id) = docker.image_id(&tag).await? {
        printer.status(&t!("source-site-unchanged", workload = workload, image = &tag));
        return Ok(Artifact {
            image_id: id,
            reference: tag,
        });
    }

    printer.status(&t!("source-packaging", workload = workload, root = root, image = &tag));
    let dockerfile = format!(
        "FROM {}\nCOPY site/ {}/\n",
        cfg.server_image,
        cfg.server_root.trim_end_matches('/')
    );
    let request = BuildRequest {
        context: Path::new(root),
        context_prefix: "site",
        extra_files: vec![("Dockerfile.berth".to_owned(), dockerfile.into_bytes())],
        dockerfile: "Dockerfile.berth",
        tag: &tag,
        build_args: &BTreeMap::new(),
        target: None,
        labels: HashMap::from([(labels::WORKLOAD.to_owned(), workload.to_owned())]),
    };
    match build_image(docker, request, |_| {}).await {
        Ok(id) => Ok(Artifact {
            image_id: id,
            reference: tag,
        }),
        Err(e) => {
            super::show_build_failure(printer, &e, &crate::config::SecretMask::default());
            Err(msg!("source-package-failed", workload = workload).wrap(e))
        }
    }
}

/// sha256 over the server image, where the site goes, and every entry of
/// the site (path, type, executable bit, content or link target) in sorted
/// order. Timestamps are left out: a fresh checkout of the same site reuses
/// its image.
fn site_digest(root: &Path, server_image_id: &str, server_root: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(server_image_id.as_bytes());
    hasher.update([0]);
    hasher.update(server_root.as_bytes());
    hasher.update([0]);
    hash_dir(root, Path::new(""), &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

fn hash_dir(root: &Path, rel: &Path, hasher: &mut Sha256) -> Result<()> {
    let dir = root.join(rel);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .with_context_msg(|| msg!("source-site-dir-unreadable", path = dir.display().to_string()))?
        .collect::<std::io::Result<_>>()
        .with_context_msg(|| msg!("source-site-dir-unreadable", path = dir.display().to_string()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = rel.join(entry.file_name());
        let meta = std::fs::symlink_metadata(entry.path())
            .with_context_msg(|| msg!("source-unreadable", path = entry.path().display().to_string()))?;
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            hasher.update(b"l");
            hasher.update(target.as_os_str().as_encoded_bytes());
        } else if meta.is_dir() {
            hasher.update(b"d");
            hash_dir(root, &path, hasher)?;
        } else if meta.is_file() {
            hasher.update(if meta.permissions().mode() & 0o111 != 0 {
                b"x"
            } else {
                b"f"
            });
            hasher.update(meta.len().to_le_bytes());
            let mut file = std::fs::File::open(entry.path())
                .with_context_msg(|| msg!("source-unreadable", path = entry.path().display().to_string()))?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
        }
        hasher.update([0]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_mtime_but_not_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("index.html"), "v1").expect("write");
        let a = site_digest(dir.path(), "sha256:x", "/www").expect("digest");
        std::fs::write(dir.path().join("index.html"), "v1").expect("rewrite same content");
        let b = site_digest(dir.path(), "sha256:x", "/www").expect("digest");
        assert_eq!(a, b);
        std::fs::write(dir.path().join("index.html"), "v2").expect("write v2");
        let c = site_digest(dir.path(), "sha256:x", "/www").expect("digest");
        assert_ne!(a, c);
        let d = site_digest(dir.path(), "sha256:y", "/www").expect("digest");
        assert_ne!(c, d, "another server image is another artifact");
    }
}
