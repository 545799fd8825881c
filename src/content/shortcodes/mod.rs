//! Shortcodes and tag plugins, expanded in an article's Markdown body before the Markdown
//! pass, so that archives written for Hugo, Zola, Hexo and Jekyll render as there.
//!
//! - [`scan`] finds tags in each generator's syntax, leaving code alone;
//! - [`args`] reads their arguments;
//! - [`builtins`] says what each built-in means (a value, or a template and its variables);
//! - [`templates`] holds the template set (`templates/shortcodes/NAME.html`, the theme's
//!   overlaid with the site's), built once per build;
//! - [`expand`] walks the body, pairs opening and closing tags, and splices the output in
//!   without moving the lines after it (see [`LineMap`]).
//!
//! An unknown shortcode, or one whose template fails, is a warning at its line and column
//! and is shown as escaped text: never dropped, never live HTML.

mod args;
mod builtins;
mod expand;
mod scan;
mod templates;

use std::borrow::Cow;
use std::path::Path;

use serde_json::{Map, Value};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

pub use templates::Shortcodes;

/// What expansion needs to know about the article.
pub struct Page<'a> {
    /// The Markdown file, relative to the site root (for warnings).
    pub path: &'a Path,
    /// The file line the body starts on (warnings are placed in the file, not the body).
    pub first_line: usize,
    /// Front matter keys sitegen does not know (Hugo's page params), for `param`.
    pub params: &'a Map<String, Value>,
    pub config: &'a SiteConfig,
}

/// A body with its shortcodes expanded.
#[derive(Debug)]
pub struct Expanded<'a> {
    /// The body as Markdown; the original text when it has no shortcode.
    pub text: Cow<'a, str>,
    /// Maps lines of `text` back to lines of the body.
    pub lines: LineMap,
    /// Unknown and failing shortcodes, placed in the file.
    pub warnings: Vec<Diagnostic>,
}

/// Lines of the expanded text → lines of the original body. An expansion rarely changes
/// the number of lines (block output needs blank lines around it, an embed's template may
/// be shorter than its call); where it does, an anchor says where counting resumes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    anchors: Vec<Anchor>,
}

/// From 0-based expanded line `out` on, lines count from source line `src`; `fixed` lines
/// (an expansion's output) all map to `src`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    out: usize,
    src: usize,
    fixed: bool,
}

impl LineMap {
    /// The 1-based body line that 1-based expanded line `line` came from.
    pub fn source_line(&self, line: usize) -> usize {
        let out = line.saturating_sub(1);
        let i = self.anchors.partition_point(|a| a.out <= out);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            None => line,
            Some(a) if a.fixed => a.src + 1,
            Some(a) => a.src + (out - a.out) + 1,
        }
    }
}

/// Whether `body` may hold a shortcode: a `{{` or `{%`. One pass over its bytes and no
/// allocation, since almost every article of a big archive has none.
pub fn may_have_shortcodes(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%')))
}

/// Expands every shortcode in `body`, rendering through `set`.
pub fn expand<'a>(body: &'a str, page: &Page<'_>, set: &Shortcodes) -> Expanded<'a> {
    if !may_have_shortcodes(body) {
        return Expanded {
            text: Cow::Borrowed(body),
            lines: LineMap::default(),
            warnings: Vec::new(),
        };
    }
    let (text, lines, warnings) = expand::run(body, page, set);
    Expanded {
        text: Cow::Owned(text),
        lines,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_borrows() {
        let config =
            SiteConfig::parse("title = \"t\"\nbase_url = \"https://a.cn/\"\n", None).unwrap();
        let params = Map::new();
        let page = Page {
            path: Path::new("content/a.md"),
            first_line: 1,
            params: &params,
            config: &config,
        };
        let set = Shortcodes::default();
        let body = "正文 {x} 与 } {\n";
        let e = expand(body, &page, &set);
        assert!(matches!(e.text, Cow::Borrowed(_)));
        assert!(!may_have_shortcodes("a { b } %} }}"));
        assert!(may_have_shortcodes("a {%"));
        assert!(may_have_shortcodes("{{"));
    }

    #[test]
    fn line_map() {
        let map = LineMap {
            anchors: vec![
                Anchor {
                    out: 2,
                    src: 2,
                    fixed: true,
                },
                Anchor {
                    out: 5,
                    src: 3,
                    fixed: false,
                },
            ],
        };
        let got: Vec<usize> = (1..=8).map(|l| map.source_line(l)).collect();
        assert_eq!(got, [1, 2, 3, 3, 3, 4, 5, 6]);
    }
}
