//! Content-hashed names for stylesheets and scripts (`css/style.css` →
//! `css/style.3f2a9c51d0.css`), so a CDN can cache them forever and a deploy never serves a
//! stale stylesheet next to new HTML.
//!
//! The hashed copy is written beside the original (which stays, for anything that links it by
//! its plain name); templates reach the hashed name through `get_url(path="css/style.css")`.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Hex digits of the content hash kept in file names.
const HASH_LEN: usize = 10;

/// The site's hashable assets: plain name → (hashed name, bytes).
#[derive(Debug, Default, Clone)]
pub struct Assets {
    by_name: BTreeMap<String, (String, Vec<u8>)>,
}

impl Assets {
    /// Adds a stylesheet or script (anything else is ignored); a later file of the same
    /// name replaces an earlier one.
    pub fn add(&mut self, rel: String, bytes: Vec<u8>) {
        if !is_hashable(&rel) {
            return;
        }
        let hashed = hashed_name(&rel, &bytes);
        self.by_name.insert(rel, (hashed, bytes));
    }

    /// Plain name → hashed name, for templates.
    pub fn names(&self) -> BTreeMap<&str, &str> {
        self.by_name
            .iter()
            .map(|(plain, (hashed, _))| (plain.as_str(), hashed.as_str()))
            .collect()
    }

    /// The hashed copies to write, as (path relative to the output root, bytes).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.by_name
            .values()
            .map(|(hashed, bytes)| (hashed.as_str(), bytes.as_slice()))
    }
}

/// Stylesheets and scripts get hashed names, except third-party releases under
/// [`crate::statics::VENDOR_DIR`]: their names carry their version already, and hashing
/// (and minifying) megabytes of someone else's minified code on every build buys nothing.
pub fn is_hashable(rel: &str) -> bool {
    !rel.starts_with(crate::statics::VENDOR_DIR)
        && Path::new(rel)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("css") || e.eq_ignore_ascii_case("js"))
}

/// `css/style.css` + bytes → `css/style.<hash>.css`.
fn hashed_name(rel: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let short = &hex[..HASH_LEN];
    match rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{short}.{ext}"),
        _ => format!("{rel}.{short}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_change_with_content_only() {
        let a = hashed_name("css/style.css", b"body{}");
        assert!(a.starts_with("css/style.") && a.ends_with(".css"));
        assert_eq!(a.len(), "css/style..css".len() + HASH_LEN);
        assert_eq!(a, hashed_name("css/style.css", b"body{}"));
        assert_ne!(a, hashed_name("css/style.css", b"body{ }"));
    }

    #[test]
    fn site_files_override_theme_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static/css")).unwrap();
        std::fs::write(dir.path().join("static/css/style.css"), "p{}").unwrap();
        let assets = crate::statics::Statics::collect(dir.path())
            .unwrap()
            .0
            .assets;
        assert_eq!(
            assets.names()["css/style.css"],
            hashed_name("css/style.css", b"p{}")
        );
    }
}
