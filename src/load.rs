//! Loading: walk `content/`, read every Markdown file in parallel and turn it into an
//! [`Article`]. Every bad file is reported; one bad file never hides another.

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::date::{self, date_from_file_stem};
use crate::content::frontmatter::{self, Dialect, FrontMatter, FrontMatterError, Split};
use crate::content::markdown;
use crate::content::shortcodes::{self, Shortcodes};
use crate::diagnostics::Diagnostic;
use crate::model::Article;
use crate::paths::is_markdown;
use crate::progress::Progress;
use crate::slug::slugify;

pub const CONTENT_DIR: &str = "content";

/// Which articles make it into the site.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    pub drafts: bool,
    pub future: bool,
    /// Articles dated after this are left out unless `future` is set.
    pub now: DateTime<FixedOffset>,
    /// The shortcode templates, built once per build.
    pub shortcodes: &'a Shortcodes,
}

/// The published articles and every problem met on the way, errors and warnings.
pub struct Loaded {
    pub articles: Vec<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One file read: its article (None for a draft or future article left out) and the
/// warnings it raised.
pub type FileResult = Result<(Option<Article>, Vec<Diagnostic>), Diagnostic>;

/// Loads every `content/**/*.md` under `root`, counting the files read on `progress`.
pub fn load(
    root: &Path,
    config: &SiteConfig,
    options: LoadOptions<'_>,
    progress: &Progress,
) -> Loaded {
    let (files, mut diagnostics) = find_markdown(root);
    let loading = progress.stage("loading", files.len(), "files");
    let results: Vec<FileResult> = files
        .par_iter()
        .map(|rel| {
            let result = load_file(root, rel, config, options);
            loading.inc(1);
            result
        })
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok((article, warnings)) => {
                articles.extend(article);
                diagnostics.extend(warnings);
            }
            Err(e) => diagnostics.push(e),
        }
    }
    Loaded {
        articles,
        diagnostics,
    }
}

/// Every Markdown file under `content/`, as paths relative to `root`, sorted, and the
/// problems met: folders that cannot be read, link loops (errors), links out of the site
/// (warnings, not followed: see [`crate::paths::link_outside_site`]).
pub fn find_markdown(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, problems) =
        crate::paths::site_files(root, &root.join(CONTENT_DIR), crate::paths::Hidden::Skip);
    let markdown = files
        .into_iter()
        .filter(|path| is_markdown(path))
        .map(|path| {
            path.strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or(path)
        })
        .collect();
    (markdown, problems)
}

/// Reads and parses one file.
pub fn load_file(
    root: &Path,
    rel: &Path,
    config: &SiteConfig,
    options: LoadOptions<'_>,
) -> FileResult {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| Diagnostic::new(rel, format!("cannot read the file: {e}")))?;
    let text = decode(rel, &bytes)?;
    let split = frontmatter::split(&text).map_err(|e| fm_error(rel, e))?;
    let fm = frontmatter::parse(&split).map_err(|e| fm_error(rel, e))?;
    if fm.draft && !options.drafts {
        return Ok((None, Vec::new()));
    }
    let mut warnings: Vec<Diagnostic> = fm
        .warnings
        .iter()
        .map(|w| {
            Diagnostic::warning(rel, w.message.clone())
                .at(w.line, w.col)
                .hint(w.hint)
        })
        .collect();
    let article = build_article(rel, &split, fm, config, options.shortcodes, &mut warnings)?;
    let due = article.date <= options.now || options.future;
    Ok((due.then_some(article), warnings))
}

/// UTF-8 text with the BOM removed and `\n` line endings.
fn decode(rel: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, col) = crate::text::line_col(
            std::str::from_utf8(&bytes[..offset]).unwrap_or_default(),
            offset,
        );
        Diagnostic::new(
            rel,
            format!("the file is not valid UTF-8 (bad byte at offset {offset})"),
        )
        .at(line, col)
        .hint(
            "save the file as UTF-8 (GBK files must be converted, e.g. with iconv -f GBK -t UTF-8)",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    })
}

fn fm_error(rel: &Path, e: FrontMatterError) -> Diagnostic {
    Diagnostic::new(rel, e.message)
        .at(e.line, e.col)
        .maybe_hint(e.hint)
}

fn build_article(
    rel: &Path,
    split: &Split<'_>,
    fm: FrontMatter,
    config: &SiteConfig,
    shortcodes: &Shortcodes,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Article, Diagnostic> {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let front_title = fm.title.clone().filter(|t| !t.trim().is_empty());
    let options = markdown::RenderOptions {
        cjk_spacing: config.raw.cjk_spacing,
        root_path: Some(&config.root_path),
        lift_title: front_title.is_none(),
    };
    let page = shortcodes::Page {
        path: rel,
        first_line: split.body_line,
        params: &fm.extra,
        config,
    };
    let expanded = shortcodes::expand(split.body, &page, shortcodes);
    warnings.extend(expanded.warnings);
    let mut rendered = markdown::render(&expanded.text, options);
    for link in &mut rendered.links {
        link.line = expanded.lines.source_line(link.line) + split.body_line - 1;
    }
    let header_line = split.front_line.saturating_sub(1).max(1);
    let title = match front_title {
        Some(title) => title,
        None => untitled(
            rel,
            split,
            &stem,
            rendered.title.take(),
            header_line,
            warnings,
        ),
    };
    let date = article_date(rel, &fm, &stem, config.offset, header_line)?;
    let updated = match &fm.updated {
        Some(text) => Some(date::parse_date(text, config.offset).map_err(|e| {
            Diagnostic::new(rel, format!("`updated`: {}", e.message))
                .at(fm.updated_line, 1)
                .hint(e.hint)
        })?),
        None => None,
    };
    let slug = article_slug(&fm, &stem);
    if slug.is_empty() {
        return Err(Diagnostic::new(
            rel,
            "the article's slug is empty after removing unsafe characters",
        )
        .at(header_line, 1)
        .hint("add a `slug` made of letters, digits or Chinese characters"));
    }
    let section = section_of(rel);
    let path = permalink(&config.raw.permalink, &date, &slug, section.as_deref());
    if let Some(why) = crate::paths::unsafe_url_path(&path) {
        return Err(
            Diagnostic::new(rel, format!("the article's URL /{path} {why}"))
                .at(header_line, 1)
                .hint("change `slug` (or `permalink` in config.toml) so the URL stays inside the site"),
        );
    }
    for alias in &fm.aliases {
        if let Some(why) = unsafe_alias(alias) {
            return Err(Diagnostic::new(
                rel,
                format!("the alias `{}` {why}", alias.escape_debug()),
            )
            .at(header_line, 1)
            .hint("an alias is a URL path of this site, e.g. `/2019/03/old-name/`"));
        }
    }
    let summary = fm
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| rendered.auto_summary());

    let mut extra = fm.extra;
    extra.values_mut().for_each(strip_controls_in_value);
    Ok(Article {
        source_path: rel.to_path_buf(),
        title: strip_controls(title.trim().to_string()),
        date,
        updated,
        author: fm.author.map(strip_controls),
        source: fm.source.map(strip_controls),
        original_title: fm.original_title.map(strip_controls),
        summary: strip_controls(summary),
        reading_minutes: rendered.reading_minutes(),
        cjk_chars: rendered.cjk_chars,
        latin_words: rendered.latin_words,
        content: strip_controls(rendered.html),
        text: strip_controls(rendered.text),
        links: rendered.links,
        tags: fm.tags.into_iter().map(strip_controls).collect(),
        categories: fm.categories.into_iter().map(strip_controls).collect(),
        section,
        slug,
        path,
        aliases: fm.aliases,
        cover: fm.cover,
        draft: fm.draft,
        weight: fm.weight,
        extra,
    })
}

/// Text without control characters other than tab and newline. They arrive in titles and
/// bodies pasted from Word or a CMS export; HTML calls them parse errors and XML cannot
/// carry them at all, so they are dropped once, here, and every output (pages, feeds,
/// search index, sitemaps) gets the same clean text.
///
/// Clean text (nearly all of it) is handed back as it is, found clean by one pass over its
/// bytes: this runs over every article's body twice.
fn strip_controls(text: String) -> String {
    if has_controls(text.as_bytes()) {
        text.chars().filter(|&c| !is_stripped(c)).collect()
    } else {
        text
    }
}

/// Whether UTF-8 `bytes` hold a character [`is_stripped`] drops: C0 controls and DEL are
/// single bytes, C1 controls (U+0080–U+009F) are `C2 80`–`C2 9F`.
fn has_controls(bytes: &[u8]) -> bool {
    // Branch-free, so that it vectorises: it looks at every byte of every body.
    let c0_or_del = bytes.iter().fold(false, |found, &b| {
        found | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7F)
    });
    c0_or_del
        || memchr::memchr_iter(0xC2, bytes)
            .any(|i| bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
}

fn is_stripped(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// [`strip_controls`] in every string of a front-matter value (`extra` keys reach
/// templates as they are).
fn strip_controls_in_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = strip_controls(std::mem::take(s)),
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_controls_in_value),
        serde_json::Value::Object(map) => map.values_mut().for_each(strip_controls_in_value),
        _ => {}
    }
}

/// Why an alias could not become a redirect page inside the output folder. A leading `/`
/// is how aliases are written (a path from the site root), so it is allowed; what
/// [`crate::paths::unsafe_url_path`] refuses otherwise is refused here too, as Hugo refuses
/// aliases that climb out of the site.
fn unsafe_alias(alias: &str) -> Option<String> {
    crate::paths::unsafe_url_path(alias.trim_start_matches('/'))
}

/// The title of an article without one: the heading that opens its body (lifted out of
/// it by the Markdown pass), else its file name made readable. A file without front
/// matter that opens with a heading is a documented convention; anything else is a
/// warning, since Hugo, Zola and Hexo build such files with an empty title.
fn untitled(
    rel: &Path,
    split: &Split<'_>,
    stem: &str,
    heading: Option<String>,
    header_line: usize,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let add_title = match split.dialect {
        Dialect::Yaml => "add a line `title: …` to the front matter",
        _ => "add `title = \"…\"` to the front matter",
    };
    if let Some(heading) = heading {
        if split.dialect != Dialect::None {
            warnings.push(
                Diagnostic::warning(rel, "the article has no `title`: its first heading is used")
                    .at(header_line, 1)
                    .hint(add_title),
            );
        }
        return heading;
    }
    let name = date_from_file_stem(stem).map_or(stem, |(_, rest)| rest);
    let name = if name.trim_matches(['-', '_']).is_empty() {
        stem
    } else {
        name
    };
    let readable = name.replace(['-', '_'], " ").trim().to_string();
    warnings.push(
        Diagnostic::warning(
            rel,
            format!("the article has no `title`: its file name is used (`{readable}`)"),
        )
        .at(header_line, 1)
        .hint(add_title),
    );
    readable
}

/// `date`, else the file name's date (`2024-03-11-slug.md`), else a path-like key
/// (`path = "2016/09/29/Rust-1.12"`).
fn article_date(
    rel: &Path,
    fm: &FrontMatter,
    stem: &str,
    offset: FixedOffset,
    header_line: usize,
) -> Result<DateTime<FixedOffset>, Diagnostic> {
    if let Some(text) = &fm.date {
        return date::parse_date(text, offset).map_err(|e| {
            Diagnostic::new(rel, format!("`date`: {}", e.message))
                .at(fm.date_line, 1)
                .hint(e.hint)
        });
    }
    let guessed = date_from_file_stem(stem)
        .map(|(d, _)| d)
        .or_else(|| fm.path.as_deref().and_then(date_from_path));
    guessed
        .and_then(|d| offset.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).single())
        .ok_or_else(|| {
            Diagnostic::new(rel, "the article has no `date`")
                .at(header_line, 1)
                .hint("add `date = 2024-03-11T09:30:00+08:00` (YAML: `date: 2024-03-11 09:30`), or name the file 2024-03-11-slug.md")
        })
}

/// `2016/09/29/Rust-1.12` → 2016-09-29.
fn date_from_path(path: &str) -> Option<NaiveDate> {
    let mut parts = path.trim_matches('/').split('/');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn article_slug(fm: &FrontMatter, stem: &str) -> String {
    if let Some(slug) = fm.slug.as_deref().filter(|s| !s.trim().is_empty()) {
        return slugify(slug);
    }
    if let Some(last) = fm
        .path
        .as_deref()
        .and_then(|p| p.trim_matches('/').rsplit('/').next())
        && !last.is_empty()
    {
        return slugify(last.trim_end_matches(".html"));
    }
    let stem = date_from_file_stem(stem).map_or(stem, |(_, rest)| rest);
    slugify(stem)
}

/// The first folder under `content/`, if the file is inside one.
fn section_of(rel: &Path) -> Option<String> {
    let mut parts = rel.components().skip(1); // "content"
    let first = parts.next()?;
    parts.next()?; // a file directly in content/ has no section
    match first {
        Component::Normal(name) => Some(strip_controls(name.to_string_lossy().into_owned())),
        _ => None,
    }
}

/// Fills the permalink pattern; the result is relative to the site root and ends with `/`
/// (or names a file, when the pattern ends in `.html`).
pub fn permalink(
    pattern: &str,
    date: &DateTime<FixedOffset>,
    slug: &str,
    section: Option<&str>,
) -> String {
    let section = section.map(slugify).unwrap_or_default();
    let filled = pattern
        .replace(":year", &date.format("%Y").to_string())
        .replace(":month", &date.format("%m").to_string())
        .replace(":day", &date.format("%d").to_string())
        .replace(":section", &section)
        .replace(":slug", slug);
    let mut path: String = filled
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if !path.ends_with(".html") {
        path.push('/');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn permalink_fills_tokens() {
        let d = at("2024-03-08T09:00:00+08:00");
        assert_eq!(
            permalink("/:year/:month/:slug/", &d, "grok", None),
            "2024/03/grok/"
        );
        assert_eq!(
            permalink(
                "/:section/:year/:month/:day/:slug/",
                &d,
                "grok",
                Some("资讯")
            ),
            "资讯/2024/03/08/grok/"
        );
        assert_eq!(permalink("/:section/:slug/", &d, "a", None), "a/");
        assert_eq!(permalink("/:year/:slug.html", &d, "a", None), "2024/a.html");
    }

    #[test]
    fn section_is_the_first_folder() {
        assert_eq!(
            section_of(Path::new("content/资讯/a.md")).as_deref(),
            Some("资讯")
        );
        assert_eq!(
            section_of(Path::new("content/资讯/2024/a.md")).as_deref(),
            Some("资讯")
        );
        assert_eq!(section_of(Path::new("content/a.md")), None);
        assert_eq!(
            section_of(Path::new("content/资\u{1}讯/a.md")).as_deref(),
            Some("资讯")
        );
    }

    #[test]
    fn date_comes_from_path_key() {
        assert_eq!(
            date_from_path("2016/09/29/Rust-1.12"),
            NaiveDate::from_ymd_opt(2016, 9, 29)
        );
        assert_eq!(date_from_path("about/"), None);
    }

    #[test]
    fn control_characters_are_stripped_but_tab_and_newline_kept() {
        assert_eq!(
            strip_controls("a\u{1}b\tc\nd\u{7f}\u{1b}[0m\u{85}\r".into()),
            "ab\tc\nd[0m"
        );
        // Clean text, Chinese and the C2 lead byte of `§` (C2 A7) included, is kept.
        let clean = "标题 § tab\tline\n".to_string();
        assert!(!has_controls(clean.as_bytes()));
        assert_eq!(strip_controls(clean.clone()), clean);
        let mut v = serde_json::json!({"k": ["x\u{2}", {"n": "y\u{3}"}], "n": 1});
        strip_controls_in_value(&mut v);
        assert_eq!(v, serde_json::json!({"k": ["x", {"n": "y"}], "n": 1}));
    }

    #[test]
    fn decode_reports_the_bad_byte() {
        let err = decode(Path::new("a.md"), b"title\n\xff").unwrap_err();
        assert!(err.message.contains("offset 6"), "{err}");
        assert_eq!(err.line, Some(2));
        assert_eq!(
            decode(Path::new("a.md"), "\u{feff}a\r\nb".as_bytes()).unwrap(),
            "a\nb"
        );
    }
}
