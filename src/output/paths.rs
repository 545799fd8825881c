//! Which paths the writer may touch: file names inside the output folder (the last line of
//! defence against a permalink or manifest with `..`), and which folders may be the output
//! at all (never the site's sources, the site root or the home folder).

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;

use super::MARKER;

/// Why `rel` (a file name relative to the output folder, `/`-separated) could land outside
/// the output folder, or None when it is a plain relative path of normal segments: a URL
/// path that [`crate::paths::unsafe_url_path`] accepts, naming a file (not empty, no empty
/// segment).
pub fn unsafe_rel(rel: &str) -> Option<String> {
    if rel.is_empty() {
        return Some("it is empty".into());
    }
    if rel.split('/').any(str::is_empty) {
        return Some("it has an empty segment (`//`, or a leading or trailing `/`)".into());
    }
    if let Some(why) = crate::paths::unsafe_url_path(rel) {
        return Some(format!("it {why}"));
    }
    // What the platform itself calls a root or prefix (a `C:` on Windows).
    let plain = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (!plain).then(|| "it has a root or drive component".into())
}

/// `path` made absolute with every existing part resolved (symlinks, `..`), so that
/// `static/../static/out` and a symlink to `static/` are seen for what they are.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => {
                resolved.push(other);
                if let Ok(real) = fs::canonicalize(&resolved) {
                    resolved = real;
                }
            }
        }
    }
    resolved
}

/// The folders and files of a site that are its sources.
const SOURCES: [&str; 5] = [
    "content",
    "static",
    "templates",
    "data",
    crate::config::CONFIG_FILE,
];

/// Refuses targets whose replacement would destroy sources or someone else's files: the
/// output may not be, contain or lie inside the site's sources, be or contain the site
/// root or the home folder, and must be empty or sitegen's own. `--force` does not widen
/// this: it used to hand a foreign folder over to the cleanup, which then deleted it.
pub fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Err(Diagnostic::new(
            target,
            format!("refusing to use this folder as output: {why}"),
        )
        .hint("choose another folder with --output-dir (the default is public/)"))
    };
    if target == root {
        return refuse("it is the site root".into());
    }
    if root.starts_with(target) {
        return refuse("it contains the site root".into());
    }
    for source in SOURCES {
        let source_path = resolve(&root.join(source));
        if target.starts_with(&source_path) {
            let how = if target == source_path {
                "is"
            } else {
                "lies inside"
            };
            return refuse(format!("it {how} the site's source `{source}`"));
        }
    }
    if let Some(home) = home() {
        if target == home {
            return refuse("it is your home folder ($HOME)".into());
        }
        if home.starts_with(target) {
            return refuse("it contains your home folder ($HOME)".into());
        }
    }
    // A site's own output may hold both, published from its sources (Hugo's docs redirect
    // `/content/…` URLs; a `static/config.toml`): the marker says whose folder it is.
    let ours = target.join(MARKER).exists();
    if !ours
        && (target.join("content").exists() || target.join(crate::config::CONFIG_FILE).exists())
    {
        return refuse("it holds a site's content/ or config.toml".into());
    }
    if target.exists() && !target.is_dir() {
        return refuse("it is a file".into());
    }
    if target.is_dir() && !target.join(MARKER).exists() && !is_empty_dir(target) {
        let also = if force {
            " (--force only takes over an empty folder or one sitegen created: it never \
             replaces anyone else's files)"
        } else {
            ""
        };
        return Err(Diagnostic::new(
            target,
            format!("refusing to replace a non-empty folder that sitegen did not create{also}"),
        )
        .hint("empty or move it yourself, or choose another --output-dir"));
    }
    Ok(())
}

fn home() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    if home.is_empty() {
        return None;
    }
    Some(resolve(Path::new(&home)))
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in [
            "index.html",
            "tags/x/index.html",
            "a.b/c..d",
            "资讯/..x/index.html",
        ] {
            assert_eq!(unsafe_rel(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/./b",
            "a/",
            "..",
        ] {
            assert!(unsafe_rel(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn resolve_sees_through_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        let root = resolve(dir.path());
        fs::create_dir(root.join("static")).unwrap();
        assert_eq!(
            resolve(&root.join("static/../static/out")),
            root.join("static/out")
        );
        assert_eq!(resolve(&root.join("new/../static")), root.join("static"));
    }
}
