//! Front matter: finding it in a file and reading it into known fields.
//!
//! Content migrated from Hugo, Zola, Hexo and Jekyll must load unchanged, so
//! each generator's conventions are accepted side by side: [`split()`] finds the
//! block (`+++` TOML, `---` YAML, Hexo's bare YAML), [`parse()`] reads it with
//! the TOML or YAML parser, keeping where each key was written, and maps the
//! many spellings of the same field (`lastmod`, `description`,
//! `[taxonomies]`, `published: false`…) onto [`FrontMatter`]. Every error
//! points at a line of the original file, because authors fix files, not
//! parser buffers.

mod fields;
mod parse;
mod split;

use serde_json::{Map, Value};
use std::fmt;

/// Separates front matter from body.
///
/// Blank lines may precede the opening delimiter because editors and
/// converters often leave them. Hexo's delimiter-less form is recognised only
/// when every line before the `---` looks like YAML, so an ordinary Markdown
/// file with a horizontal rule is never mistaken for front matter.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    split::find(text)
}

/// Parses the front matter of `split` into the fields below.
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, FrontMatterError> {
    let document = parse::document(split)?;
    fields::extract(split, document)
}

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Toml,
    Yaml,
    None,
}

/// The front matter and body of one file. `text` is already BOM-stripped and uses `\n` line endings.
#[derive(Debug)]
pub struct Split<'a> {
    pub dialect: Dialect,
    /// Text between the delimiters (`""` for [`Dialect::None`]).
    pub front: &'a str,
    /// 1-based line number in the file of the first line of `front`.
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// A problem in the front matter, located in the file (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl FrontMatterError {
    /// An error at `(line, col)` of the file, with advice on fixing it.
    fn at((line, col): (usize, usize), message: String, hint: &str) -> Self {
        Self {
            line,
            col,
            message,
            hint: Some(hint.to_string()),
        }
    }
}

impl fmt::Display for FrontMatterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )?;
        match &self.hint {
            Some(hint) => write!(f, " (hint: {hint})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for FrontMatterError {}

/// The known fields of one page's front matter; everything else is in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// Raw text; TOML date-times and numbers are converted to their text form.
    pub date: Option<String>,
    /// Line of the `date` key in the file; `front_line` if unknown.
    pub date_line: usize,
    /// `updated`, else `lastmod` (Hugo), else `last_modified_at` (Jekyll).
    pub updated: Option<String>,
    pub updated_line: usize,
    /// `authors` joined with "、", for bylines and feeds.
    pub author: Option<String>,
    /// `authors`, else `author`: a string, a list of names, or a table's `name`.
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub original_title: Option<String>,
    /// `seo_title`, else `title_tag` or `meta_title` (Hexo and Hugo themes): the whole
    /// `<title>`, in place of `[seo] title_pattern`.
    pub seo_title: Option<String>,
    /// `keywords`: a list, or one string split at commas (`,`, `，`, `、`).
    pub keywords: Vec<String>,
    /// `summary`, else `description`, else `excerpt`.
    pub summary: Option<String>,
    /// Top-level `tags` and Zola `[taxonomies] tags`.
    pub tags: Vec<String>,
    /// `categories`, Jekyll `category`, Zola `[taxonomies] categories`; Hexo nested lists flattened.
    pub categories: Vec<String>,
    pub slug: Option<String>,
    /// `path`, else `permalink`, else `url`.
    pub path: Option<String>,
    /// `draft: true`, or Hexo/Jekyll `published: false`.
    pub draft: bool,
    /// `aliases` plus Jekyll `redirect_from`.
    pub aliases: Vec<String>,
    /// `cover`, else `image`, else `featured_image`.
    pub cover: Option<String>,
    /// `weight`, else `order`, when it is an integer.
    pub weight: Option<i64>,
    /// `series` (Hugo's taxonomy, Zola's `[taxonomies] series`): the 专题 the article is in.
    pub series: Vec<String>,
    /// `series_order`: the article's place in its series (else date order).
    pub series_order: Option<i64>,
    /// `pinned` (or `sticky`, `top`): an editors' pick for the home page's lead slots.
    pub pinned: bool,
    /// Every other key as written, plus the contents of Zola `[extra]` and Hugo `[params]`.
    pub extra: Map<String, Value>,
    /// What the source generator accepts but a writer should look at.
    pub warnings: Vec<Warning>,
}

/// Something in the front matter worth a look, at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: &'static str,
}

impl Split<'_> {
    /// 1-based line and column in the file of byte `offset` within `front`.
    fn file_position(&self, offset: usize) -> (usize, usize) {
        let (line, col) = crate::text::line_col(self.front, offset);
        (self.front_line + line - 1, col)
    }
}

#[cfg(test)]
mod testing {
    use super::*;

    pub(super) fn load(text: &str) -> FrontMatter {
        let split = split(text).unwrap_or_else(|e| panic!("split {text:?}: {e}"));
        parse(&split).unwrap_or_else(|e| panic!("parse {text:?}: {e}"))
    }

    pub(super) fn load_err(text: &str) -> FrontMatterError {
        match split(text).and_then(|s| parse(&s)) {
            Ok(front) => panic!("{text:?} loaded as {front:?}"),
            Err(e) => e,
        }
    }

    pub(super) fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fields::clean_terms;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn file_position_counts_chars_from_front_line() {
        let split = Split {
            dialect: Dialect::Yaml,
            front: "ab\n标题x",
            front_line: 10,
            body: "",
            body_line: 12,
        };
        assert_eq!(split.file_position(0), (10, 1));
        assert_eq!(split.file_position(9), (11, 3));
        assert_eq!(split.file_position(4), (11, 1));
        assert_eq!(split.file_position(99), (11, 4));
    }

    /// TOML basic strings and YAML double-quoted strings share these escapes.
    fn quoted(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control()
                    || matches!(
                        c,
                        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                    ) =>
                {
                    out.push_str(&format!("\\u{:04X}", u32::from(c)));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn document(dialect: Dialect, title: &str, tags: &[String]) -> String {
        let list = tags
            .iter()
            .map(|t| quoted(t))
            .collect::<Vec<_>>()
            .join(", ");
        match dialect {
            Dialect::Toml => format!(
                "+++\ntitle = {}\ntags = [{list}]\n+++\nBody\n",
                quoted(title)
            ),
            _ => format!("---\ntitle: {}\ntags: [{list}]\n---\nBody\n", quoted(title)),
        }
    }

    fn frontish() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "[a-z_]{1,6}(:| =) ?[-\\[\\]{}\"',:#&*!|> a-z0-9+.]{0,16}",
            "  ?- ?[a-z0-9\\[\\]\"]{0,6}",
            "\\[[a-z]{0,6}\\]?",
            Just("---".to_string()),
            Just("+++".to_string()),
            Just("...".to_string()),
            "\\PC{0,12}",
        ];
        let start = prop_oneof![Just(""), Just("---\n"), Just("+++\n"), Just("\n")];
        (start, proptest::collection::vec(line, 0..8))
            .prop_map(|(start, lines)| format!("{start}{}", lines.join("\n")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
            if let Ok(s) = split(&text) {
                let _ = parse(&s);
            }
        }

        #[test]
        fn frontish_text_never_panics(text in frontish()) {
            if let Ok(s) = split(&text) {
                prop_assert!(s.front_line >= 1 && s.body_line >= 1);
                let _ = parse(&s);
            }
        }

        #[test]
        fn title_and_tags_round_trip(
            title in "\\PC{0,20}|[\\x00-\\x1f\"\\\\ ]{0,5}",
            tags in proptest::collection::vec("\\PC{0,8}", 0..5),
            toml in any::<bool>(),
        ) {
            let dialect = if toml { Dialect::Toml } else { Dialect::Yaml };
            let text = document(dialect, &title, &tags);
            let s = split(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!((s.dialect, s.body, s.body_line), (dialect, "Body\n", 5));
            let front = parse(&s).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            let expected_title = (!title.trim().is_empty()).then_some(title.clone());
            prop_assert_eq!(front.title, expected_title);
            prop_assert_eq!(front.tags, clean_terms(tags));
        }
    }
}
