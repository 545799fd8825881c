//! File names the build, the checker and the preview server must agree on: which files
//! are articles, and which file holds the page at a URL path.

use std::path::Path;

/// Whether `path` names a Markdown file (`.md` or `.markdown`, any case): an article.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
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

#[cfg(test)]
mod tests {
    use super::*;

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
