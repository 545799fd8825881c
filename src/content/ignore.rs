//! The config's `ignore` globs: content files a site keeps in `content/` but does not
//! publish (Hugo's `ignoreFiles`, Zola's `ignored_content`).
//!
//! Patterns are matched against the path under `content/` with `/` separators, as Zola
//! matches them. A pattern without `/` (`*.bak`, `草稿箱`) also matches any single file or
//! folder name, as a `.gitignore` line does, since that is how writers think of them.

use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// The compiled `ignore` patterns.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    /// Matched against the whole path under `content/`.
    paths: GlobSet,
    /// Matched against each component of that path.
    names: GlobSet,
}

impl Ignore {
    /// Compiles the patterns, or names the first one that is not a glob.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut paths = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_start_matches('/');
            let glob = compile(trimmed).map_err(|e| format!("`{pattern}` is not a glob: {e}"))?;
            if trimmed.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        let built = |b: GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Ignore {
            paths: built(paths)?,
            names: built(names)?,
        })
    }

    /// Whether `rel`, a path under `content/`, or a folder it sits in, is ignored.
    pub fn is_ignored(&self, rel: &Path) -> bool {
        if self.paths.is_empty() && self.names.is_empty() {
            return false;
        }
        let text = rel.to_string_lossy().replace('\\', "/");
        // A folder pattern (`drafts/**` or `old/草稿`) ignores what is inside it too.
        let mut prefix = String::new();
        for part in text.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if self.names.is_match(part) || self.paths.is_match(&prefix) {
                return true;
            }
        }
        false
    }
}

fn compile(pattern: &str) -> Result<Glob, globset::Error> {
    // `*` stays within one folder, as in Zola and .gitignore; `**` crosses folders.
    GlobBuilder::new(pattern).literal_separator(true).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(patterns: &[&str]) -> Ignore {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        Ignore::new(&patterns).unwrap()
    }

    #[test]
    fn names_match_anywhere_and_paths_from_the_content_folder() {
        let i = ignore(&["*.bak.md", "草稿箱", "资讯/2019/*.md", "/old/**"]);
        assert!(i.is_ignored(Path::new("资讯/稿件.bak.md")));
        assert!(i.is_ignored(Path::new("草稿箱/a.md")));
        assert!(i.is_ignored(Path::new("资讯/草稿箱/b/a.md")));
        assert!(i.is_ignored(Path::new("资讯/2019/a.md")));
        assert!(!i.is_ignored(Path::new("资讯/2019/06/a.md")));
        assert!(i.is_ignored(Path::new("old/x/y.md")));
        assert!(!i.is_ignored(Path::new("资讯/a.md")));
        assert!(!Ignore::default().is_ignored(Path::new("a.md")));
    }

    #[test]
    fn a_bad_glob_is_named() {
        let err = Ignore::new(&["a[".to_string()]).unwrap_err();
        assert!(err.contains("`a[`"), "{err}");
    }
}
