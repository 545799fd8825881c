//! Static files: the theme's embedded assets overlaid with the site's `static/` folder,
//! listed once per build so that output, `check` and the hashed asset names all read the
//! same list instead of walking the folder each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::assets::Assets;
use crate::diagnostics::Diagnostic;

pub const STATIC_DIR: &str = "static";

/// Where the theme keeps third-party scripts: the mermaid release that draws diagrams
/// (`js/vendor/mermaid-VERSION.min.js`, 3.5 MB). They carry their version in their name, so
/// they are not content-hashed ([`crate::assets::is_hashable`]), and the theme's copies are
/// published only on sites with a diagram ([`StaticFile::only_for_diagrams`]).
pub const VENDOR_DIR: &str = "js/vendor/";

/// Where a static file's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// Compiled into the binary with the theme.
    Theme(&'static [u8]),
    /// A file under the site's `static/` (absolute path).
    Disk(PathBuf),
}

/// One file to publish as it is, at `rel` under the output root.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub rel: String,
    pub source: Source,
}

impl StaticFile {
    /// A theme file that a site needs only when one of its pages has a diagram: the
    /// mermaid release. A site without diagrams should not carry 3.5 MB it never loads. A
    /// file the site put in its own `static/js/vendor/` is published as always.
    pub fn only_for_diagrams(&self) -> bool {
        matches!(self.source, Source::Theme(_)) && self.rel.starts_with(VENDOR_DIR)
    }

    pub fn read(&self) -> Result<std::borrow::Cow<'static, [u8]>, Diagnostic> {
        match &self.source {
            Source::Theme(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Source::Disk(path) => std::fs::read(path)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| Diagnostic::new(path, format!("cannot read: {e}"))),
        }
    }
}

/// Every static file of a site, sorted by `rel` (a site file replaces the theme's of the
/// same name), and the content-hashed stylesheets and scripts made from them.
#[derive(Debug, Clone, Default)]
pub struct Statics {
    pub files: Vec<StaticFile>,
    pub assets: Assets,
}

impl Statics {
    /// The files to publish: all of them, less the theme's diagram script when no page
    /// has a diagram. Borrowed: a site may have hundreds of thousands.
    pub fn published(&self, has_diagram: bool) -> Vec<&StaticFile> {
        self.files
            .iter()
            .filter(|f| has_diagram || !f.only_for_diagrams())
            .collect()
    }

    /// Lists the theme's files and the site's `static/`, and reads the stylesheets and
    /// scripts for their hashed names. Returns the statics and the warnings (links out of
    /// the site, skipped: see [`crate::paths::link_outside_site`]), or every error and
    /// warning when a file could not be read.
    pub fn collect(root: &Path) -> Result<(Self, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut by_rel: BTreeMap<String, Source> = crate::theme::static_files()
            .into_iter()
            .map(|(rel, bytes)| (rel, Source::Theme(bytes)))
            .collect();
        let dir = root.join(STATIC_DIR);
        let (found, problems) = crate::paths::site_files(root, &dir, crate::paths::Hidden::Keep);
        for path in found {
            let rel = crate::diagnostics::display_path(path.strip_prefix(&dir).unwrap_or(&path));
            by_rel.insert(rel, Source::Disk(path));
        }
        let (mut errors, warnings): (Vec<_>, Vec<_>) =
            problems.into_iter().partition(Diagnostic::is_error);
        let files: Vec<StaticFile> = by_rel
            .into_iter()
            .map(|(rel, source)| StaticFile { rel, source })
            .collect();
        let mut assets = Assets::default();
        for file in files.iter().filter(|f| crate::assets::is_hashable(&f.rel)) {
            match file.read() {
                Ok(bytes) => assets.add(file.rel.clone(), bytes.into_owned()),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok((Statics { files, assets }, warnings))
        } else {
            errors.extend(warnings);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels<'a>(files: impl IntoIterator<Item = &'a StaticFile>) -> Vec<&'a str> {
        files.into_iter().map(|f| f.rel.as_str()).collect()
    }

    #[test]
    fn the_theme_s_mermaid_is_published_only_for_diagrams() {
        let dir = tempfile::tempdir().unwrap();
        let (statics, _) = Statics::collect(dir.path()).unwrap();
        let vendored: Vec<&str> = rels(&statics.files)
            .into_iter()
            .filter(|r| r.starts_with(VENDOR_DIR))
            .collect();
        assert!(
            vendored.iter().any(|r| r.starts_with("js/vendor/mermaid-")),
            "{vendored:?}"
        );
        let without = statics.published(false);
        assert!(
            !rels(without.iter().copied())
                .iter()
                .any(|r| r.starts_with(VENDOR_DIR))
        );
        assert!(rels(without.iter().copied()).contains(&"js/search.js"));
        assert_eq!(statics.published(true).len(), statics.files.len());
        assert!(
            !statics
                .assets
                .names()
                .keys()
                .any(|r| r.starts_with(VENDOR_DIR)),
            "not content-hashed"
        );
    }

    #[test]
    fn a_site_s_own_vendor_files_are_always_published() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static/js/vendor")).unwrap();
        std::fs::write(dir.path().join("static/js/vendor/chart.js"), "var c;").unwrap();
        let (statics, _) = Statics::collect(dir.path()).unwrap();
        assert!(rels(statics.published(false)).contains(&"js/vendor/chart.js"));
    }
}
