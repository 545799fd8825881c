//! File names the build, the checker and the preview server must agree on: which files
//! are articles, which file holds the page at a URL path, and which URL paths are safe to
//! write at all.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Whether `path` names a Markdown file (`.md` or `.markdown`, any case): an article.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// `name` relative to the URL folder `folder` (`a/b` + `../c.png` → `a/c.png`), with `.` and
/// `..` worked out; None when it climbs above the site root. Relative links, internal
/// references and picture sources are all resolved this one way.
pub fn join_url(folder: &str, name: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in name.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The file holding the page at a URL path relative to the site root: a folder path gets
/// its `index.html` (`tags/x/` → `tags/x/index.html`, `` → `index.html`), a file name
/// (`a.html`) is itself.
pub fn output_file(url_path: &str) -> String {
    if url_path.is_empty() || url_path.ends_with('/') {
        format!("{url_path}index.html")
    } else {
        url_path.to_string()
    }
}

/// The rule for symbolic links under `content/` and `static/`: a link is followed only when
/// its target, with every link resolved, is inside the site folder (`canonical_root`, itself
/// canonical). A link out of it (`static/passwd.txt -> /etc/passwd`, a folder linked to a
/// home folder) would publish files that are not the site's, so it is skipped with a
/// warning naming the link and its target. `serve` refuses the same files.
///
/// Returns that warning for `path` (a link met while walking), or None to follow it. A
/// broken link resolves to nothing: it is left to the walk, which reports it.
pub fn link_outside_site(root: &Path, canonical_root: &Path, path: &Path) -> Option<Diagnostic> {
    let target: PathBuf = std::fs::canonicalize(path).ok()?;
    if target.starts_with(canonical_root) {
        return None;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    Some(
        Diagnostic::warning(
            rel,
            format!(
                "symbolic link to {}, outside the site: not published",
                crate::diagnostics::display_path(&target)
            ),
        )
        .hint(
            "only links to files inside the site folder are followed: copy the file (or folder) into the site, or link to a copy inside it",
        ),
    )
}

/// Every file under `dir` (a folder of the site at `root`: `content/`, `static/`), in
/// file-name order, following symbolic links only where they stay inside the site. Returns
/// the files' paths and every problem met: links out of the site (warnings, not followed:
/// see [`link_outside_site`]), link loops and unreadable folders (errors).
pub fn site_files(root: &Path, dir: &Path, hidden: Hidden) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    site_files_to(root, dir, hidden, usize::MAX)
}

/// [`site_files`] down to `depth` levels below `dir` (1: the files directly in it).
pub fn site_files_to(
    root: &Path,
    dir: &Path,
    hidden: Hidden,
    depth: usize,
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return (files, problems);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut skipped = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if hidden == Hidden::Skip && e.depth() > 0 && is_hidden_name(e.file_name()) {
                return false;
            }
            let outside = e
                .path_is_symlink()
                .then(|| link_outside_site(root, &canonical_root, e.path()))
                .flatten();
            let follow = outside.is_none();
            skipped.extend(outside);
            follow
        });
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => problems.push(walk_error(root, dir, &e)),
        }
    }
    problems.extend(skipped);
    (files, problems)
}

/// Whether a walk takes files and folders whose names start with `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// `content/`: editors' and tools' own files (`.obsidian/`, `.git/`, `.#draft.md`) are
    /// never articles, as Hugo, Zola, Hexo and Jekyll ignore them.
    Skip,
    /// `static/`: `.well-known/` (domain verification, `security.txt`) must be published.
    Keep,
}

/// Whether `path` (relative to the site root) is, or lies inside, a file or folder whose
/// name starts with `.` ([`Hidden::Skip`]).
pub fn is_hidden(path: &Path) -> bool {
    path.components().any(|c| match c {
        std::path::Component::Normal(name) => is_hidden_name(name),
        _ => false,
    })
}

fn is_hidden_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn walk_error(root: &Path, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().unwrap_or(dir);
    let path = path.strip_prefix(root).unwrap_or(path);
    if e.loop_ancestor().is_some() {
        Diagnostic::new(
            path,
            "symbolic link loop: this folder links back to one of its parents",
        )
        .hint("remove the link or point it somewhere outside the site's folders")
    } else {
        Diagnostic::new(path, format!("cannot read: {e}"))
    }
}

/// Why a URL path (relative to the site root, as pages, aliases and static files have
/// them) could not be written inside the output folder, or None if it can.
///
/// Every source of a URL (the `permalink` pattern, front matter, aliases, term and section
/// names, static files) is checked with this one function where the URL is made, so a
/// bad one is reported against the file that caused it. `..` and `.` segments, a leading
/// `/` or drive (`C:`), backslashes (a separator on Windows) and control characters (NUL
/// ends a C path; others make names no one can type) are refused.
pub fn unsafe_url_path(url_path: &str) -> Option<String> {
    if let Some(c) = url_path.chars().find(|c| c.is_control()) {
        return Some(format!("contains the control character U+{:04X}", c as u32));
    }
    if url_path.contains('\\') {
        return Some("contains a backslash, a folder separator on Windows".into());
    }
    if url_path.starts_with('/') {
        return Some("is absolute (starts with `/`)".into());
    }
    let first = url_path.split('/').next().unwrap_or_default();
    if first.len() >= 2 && first.as_bytes()[1] == b':' && first.as_bytes()[0].is_ascii_alphabetic()
    {
        return Some(format!("starts with the drive `{}`", &first[..2]));
    }
    if url_path.split('/').any(|s| s == "..") {
        return Some("contains a `..` segment, which would climb out of the output folder".into());
    }
    if url_path.split('/').any(|s| s == ".") {
        return Some("contains a `.` segment".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_paths_are_those_with_a_dot_name() {
        assert!(is_hidden(Path::new("content/.obsidian/a.md")));
        assert!(is_hidden(Path::new("content/资讯/.#a.md")));
        assert!(!is_hidden(Path::new("content/资讯/a.md")));
        assert!(
            !is_hidden(Path::new("./content/a.v2.md")),
            "`.` itself is not a name"
        );
    }

    #[test]
    fn url_paths_that_leave_the_output_folder_are_refused() {
        for ok in [
            "",
            "a/",
            "2024/03/grok/",
            "a.html",
            "tags/马斯克/",
            "a..b/",
            ".well-known/x",
        ] {
            assert_eq!(unsafe_url_path(ok), None, "{ok}");
        }
        for bad in [
            "../x/",
            "a/../../b/",
            "..",
            "./a/",
            "a/./b",
            "/etc/passwd",
            "C:/x",
            "c:x",
            "a\\..\\b",
            "a\u{0}b",
            "a\u{1}/",
            "a\nb",
        ] {
            assert!(unsafe_url_path(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn markdown_by_extension_in_any_case() {
        for yes in ["a.md", "b/c.MD", "d.markdown", "e.Markdown"] {
            assert!(is_markdown(Path::new(yes)), "{yes}");
        }
        for no in ["a.txt", "md", "a.md~", "a.md.swp", ".md/x", "a.mdx"] {
            assert!(!is_markdown(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn folders_map_to_their_index() {
        assert_eq!(output_file(""), "index.html");
        assert_eq!(output_file("tags/x/"), "tags/x/index.html");
        assert_eq!(output_file("a.html"), "a.html");
        assert_eq!(output_file("legacy/story.html"), "legacy/story.html");
    }
}
