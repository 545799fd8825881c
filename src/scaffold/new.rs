//! `sitegen new "标题"`: a draft article with its front matter filled in.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::CONTENT_DIR;
use crate::slug::slugify;

/// What `sitegen new` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct NewOptions {
    /// The site folder (holding `config.toml`).
    pub root: PathBuf,
    pub title: String,
    /// The section folder under `content/`; None puts the article directly in `content/`.
    pub section: Option<String>,
    /// The file name without `.md`; None derives it from the title.
    pub slug: Option<String>,
}

/// Writes `content/<section>/<slug>.md` and returns its path (under `root`). Never
/// replaces an existing file.
pub fn new_article(options: &NewOptions) -> Result<PathBuf, Diagnostic> {
    let title = options.title.trim();
    if title.is_empty() {
        return Err(Diagnostic::new("sitegen new", "the title is empty")
            .hint("write it in quotes: sitegen new \"xAI 开源 Grok-1\""));
    }
    let config = SiteConfig::load(&options.root, None)?;
    // Slugs from --slug go through slugify too: the file name becomes a URL segment, so it
    // gets the same rules (and the same safety against `/` or `..`) as every other slug.
    let slug = slugify(options.slug.as_deref().unwrap_or(title));
    if slug.is_empty() {
        return Err(Diagnostic::new(
            "sitegen new",
            format!(
                "cannot make a file name from `{}`",
                options.slug.as_deref().unwrap_or(title)
            ),
        )
        .hint("pass one with --slug, e.g. --slug grok-open-source"));
    }
    let mut dir = options.root.join(CONTENT_DIR);
    if let Some(section) = &options.section {
        dir.push(section_folder(section)?);
    }
    let path = dir.join(format!("{slug}.md"));
    let shown = super::shown(&path);
    let author = Some(config.raw.author.trim()).filter(|a| !a.is_empty());
    let text = front_matter(title, crate::site::now(config.offset), author);
    fs::create_dir_all(&dir).map_err(|e| Diagnostic::new(&dir, format!("cannot create: {e}")))?;
    // create_new: the check for an existing file and the creation are one step, so not even
    // a file that appears meanwhile is overwritten.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::new(&shown, "an article with this file name already exists")
                    .hint("edit it, or choose another name with --slug")
            } else {
                Diagnostic::new(&shown, format!("cannot create: {e}"))
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::new(&shown, format!("cannot write: {e}")))?;
    Ok(path)
}

/// A section is one folder name under `content/`, kept as written (`资讯`), as sections are
/// everywhere else; only names that could leave that folder or hide it are refused.
fn section_folder(section: &str) -> Result<&str, Diagnostic> {
    let name = section.trim().trim_matches(['/', '\\']);
    let bad = name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control);
    if bad {
        return Err(
            Diagnostic::new("sitegen new", format!("`{section}` is not a section name"))
                .hint("a section is one folder name under content/, e.g. --section 资讯"),
        );
    }
    Ok(name)
}

/// TOML front matter for a new draft. `author` None leaves the key out rather than writing
/// an empty byline.
pub fn front_matter(title: &str, date: DateTime<FixedOffset>, author: Option<&str>) -> String {
    let mut text = String::from("+++\n");
    let _ = writeln!(text, "title = {}", toml_string(title));
    let _ = writeln!(
        text,
        "date = {}",
        date.to_rfc3339_opts(SecondsFormat::Secs, false)
    );
    if let Some(author) = author {
        let _ = writeln!(text, "author = {}", toml_string(author));
    }
    text.push_str("tags = []\ncategories = []\ndraft = true\n+++\n\n");
    text
}

/// `text` as a TOML basic string: quotes, backslashes and control characters escaped, so a
/// headline such as `“AI 泡沫”？C:\路径` survives as written.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(front: &str) -> toml::Table {
        let inner = front
            .strip_prefix("+++\n")
            .and_then(|s| s.split("+++\n").next())
            .unwrap();
        toml::from_str(inner).unwrap()
    }

    #[test]
    fn front_matter_fields() {
        let date = DateTime::parse_from_rfc3339("2026-09-21T22:13:20+08:00").unwrap();
        let text = front_matter("马斯克说\"开源\"\\全部", date, Some("编辑部"));
        let value = parse(&text);
        assert_eq!(value["title"].as_str(), Some("马斯克说\"开源\"\\全部"));
        assert_eq!(value["author"].as_str(), Some("编辑部"));
        assert_eq!(value["date"].to_string(), "2026-09-21T22:13:20+08:00");
        assert_eq!(value["tags"].as_array().map(Vec::len), Some(0));
        assert_eq!(value["categories"].as_array().map(Vec::len), Some(0));
        assert_eq!(value["draft"].as_bool(), Some(true));
        let text = front_matter("t", date, None);
        assert!(!parse(&text).contains_key("author"), "{text}");
    }

    #[test]
    fn section_names() {
        assert_eq!(section_folder("资讯").unwrap(), "资讯");
        assert_eq!(section_folder("/资讯/").unwrap(), "资讯");
        for bad in ["", "/", "..", ".hidden", "a/b", "a\\b", "a\nb"] {
            assert!(section_folder(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any title, however odd, comes back from the TOML unchanged.
        #[test]
        fn titles_round_trip(title in "\\PC{0,40}|[\"\\\\\t\n\r\u{0}-\u{1f}\u{7f}a-z中]{0,20}") {
            let table: toml::Table = toml::from_str(&format!("title = {}", toml_string(&title)))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(table["title"].as_str(), Some(title.as_str()));
        }
    }
}
