//! From a reference a page makes (`cover = "img/a.jpg"`, `![](photo.png)`) to the
//! published file it names: the same file the browser would load, whichever folder it
//! came from (`static/`, a page bundle, a Hexo asset folder, a section's folder).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use crate::model::Site;
use crate::statics::Source as StaticSource;

/// Extensions of the files the stage reads (by content afterwards). A GIF may be animated
/// and an SVG is already any size: both pass through.
const RASTER: &[&str] = &["jpg", "jpeg", "png", "webp"];

/// Every file published as it is from disk, by output path.
pub fn published(site: &Site) -> HashMap<String, PathBuf> {
    let mut files: HashMap<String, PathBuf> = site
        .statics
        .files
        .iter()
        .filter_map(|f| match &f.source {
            StaticSource::Disk(path) => Some((f.rel.clone(), path.clone())),
            StaticSource::Theme(_) => None,
        })
        .collect();
    for f in &site.bundle_files {
        files.insert(f.rel.clone(), f.source.clone());
    }
    files
}

/// The output paths of the raster pictures pages use (covers and body pictures of
/// articles, pages and `_index.md` bodies), sorted.
pub fn wanted(site: &Site, published: &HashMap<String, PathBuf>, root_path: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut add = |page_path: &str, reference: &str| {
        if let Some(rel) = candidates(page_path, reference, root_path)
            .into_iter()
            .find(|rel| published.contains_key(rel))
            .filter(|rel| is_raster(rel))
        {
            found.insert(rel);
        }
    };
    for a in &site.articles {
        for reference in a.cover.iter().map(String::as_str) {
            add(&a.path, reference);
        }
        for image in &a.body.images {
            add(&a.path, &image.src);
        }
    }
    for p in &site.pages {
        for reference in p.cover.iter().map(String::as_str) {
            add(&p.path, reference);
        }
        for image in &p.body.images {
            add(&p.path, &image.src);
        }
    }
    for m in &site.list_metas {
        for image in &m.body.images {
            add(&m.listing_path, &image.src);
        }
    }
    found.into_iter().collect()
}

fn is_raster(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| RASTER.iter().any(|r| ext.eq_ignore_ascii_case(r)))
}

/// The output paths `reference`, made on the page at URL path `page_path`, may mean, most
/// likely first: a relative reference against the page's folder (a page bundle's file),
/// then against the site root (how `cover = "img/a.jpg"` has always been read); a
/// host-relative one under the site's path. None for other sites' pictures and `data:`.
pub fn candidates(page_path: &str, reference: &str, root_path: &str) -> Vec<String> {
    let reference = reference
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim();
    if reference.is_empty() || crate::urls::is_absolute(reference) || reference.contains(':') {
        return Vec::new();
    }
    let decoded = percent_decode_str(reference).decode_utf8_lossy();
    let mut out = Vec::new();
    if let Some(rest) = decoded.strip_prefix('/') {
        let root = root_path.trim_start_matches('/');
        if let Some(under) = rest.strip_prefix(root).filter(|_| !root.is_empty()) {
            out.extend(normalize("", under));
        }
        out.extend(normalize("", rest));
    } else {
        let dir = match page_path.rsplit_once('/') {
            Some((dir, _)) => dir,
            None => "",
        };
        out.extend(normalize(dir, &decoded));
        out.extend(normalize("", &decoded));
    }
    out.dedup();
    out
}

/// `dir` joined with `path` ([`crate::paths::join_url`]); None when it climbs out of the
/// site or names the root itself.
fn normalize(dir: &str, path: &str) -> Option<String> {
    crate::paths::join_url(dir, path).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_references_try_the_page_folder_first() {
        assert_eq!(
            candidates("2024/03/芯片/", "cover.jpg", "/"),
            ["2024/03/芯片/cover.jpg", "cover.jpg"]
        );
        assert_eq!(
            candidates("2024/03/芯片/", "./img/a.png?v=2", "/"),
            ["2024/03/芯片/img/a.png", "img/a.png"]
        );
        assert_eq!(candidates("a/b/", "../c.png", "/"), ["a/c.png"]);
    }

    #[test]
    fn host_relative_references_drop_the_site_path() {
        assert_eq!(
            candidates("x/", "/portal/img/a.jpg", "/portal/"),
            ["img/a.jpg", "portal/img/a.jpg"]
        );
        assert_eq!(candidates("x/", "/img/%E5%9B%BE.jpg", "/"), ["img/图.jpg"]);
    }

    #[test]
    fn other_sites_and_escapes_are_not_candidates() {
        assert!(candidates("x/", "https://cdn.com/a.jpg", "/").is_empty());
        assert!(candidates("x/", "//cdn.com/a.jpg", "/").is_empty());
        assert!(candidates("x/", "data:image/png;base64,AAA", "/").is_empty());
        assert!(candidates("", "../../etc/passwd", "/").is_empty());
    }
}
