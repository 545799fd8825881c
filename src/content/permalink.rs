//! Article URLs: the one the author set in front matter, else the site's `permalink`
//! pattern filled in; and where aliases are written.
//!
//! Archives migrated from Hugo, Hexo, Jekyll and Zola carry their old URLs in two ways:
//! per page (Hugo `url`, Hexo and Jekyll `permalink`, Zola `path`) and as a pattern in the
//! old generator's config. Both must give the URLs the old site had, so the pattern
//! understands the tokens of all four generators (see [`TOKENS`]) and a front-matter URL
//! may itself hold Jekyll placeholders (`/:categories/:year/:month/:day/:title/`).
//!
//! Every URL made here is a URL path relative to the site root that either names a file
//! (it ends in `.html`) or a folder (it ends in `/`; the page is its `index.html`).

use std::path::{Component, Path};

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use percent_encoding::percent_decode_str;

use crate::content::date::date_in_name;
use crate::content::frontmatter::FrontMatter;
use crate::diagnostics::Diagnostic;
use crate::slug::{slugify, slugify_keep_case};

/// What `:title` means in a pattern: the peers disagree. Hexo and Jekyll fill it from the
/// file's name (Hexo: its path under `_posts/`), Hugo from the article's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleToken {
    /// Hexo and Jekyll: the front-matter `slug`, else the path under `_posts/` (or the file
    /// name elsewhere) without extension and without a date prefix.
    #[default]
    File,
    /// Hugo: the article's title, slugified.
    Title,
}

/// What a pattern is filled with: the facts about one article.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The source file relative to the site root: `content/资讯/grok.md`.
    pub source: &'a Path,
    pub date: &'a DateTime<FixedOffset>,
    /// The article's slug (front-matter `slug`, else from its file name).
    pub slug: &'a str,
    /// Whether `slug` was set in front matter.
    pub slug_set: bool,
    pub title: &'a str,
    pub categories: &'a [String],
    pub title_token: TitleToken,
}

/// Every token a pattern may hold, longest spellings matched first where one is a prefix
/// of another (`:section` / `:sections`).
///
/// - dates: `:year :month :day` (two digits), `:i_month :i_day` (no leading zero),
///   `:hour :minute :second`, `:monthname :weekday :weekdayname :yearday` (Hugo),
///   `:short_year` (Jekyll);
/// - names: `:slug`, `:slugorfilename`, `:slugorcontentbasename` (all sitegen's slug),
///   `:filename`, `:contentbasename` (the file name, or a bundle's folder, as Hugo),
///   `:title` (see [`TitleToken`]), `:name` (Hexo: the last segment of the file-based
///   `:title`), `:post_title` (Hexo: the title, slugified);
/// - folders: `:section` (the first folder under `content/`), `:sections` (all of them);
/// - terms: `:categories` (Jekyll: every category, one folder each; none leaves no
///   folder), `:category` (Hexo: the same, `uncategorized` when there is none);
/// - `:output_ext` (Jekyll): `.html`.
pub const TOKENS: &[&str] = &[
    "year",
    "month",
    "day",
    "i_month",
    "i_day",
    "hour",
    "minute",
    "second",
    "monthname",
    "weekday",
    "weekdayname",
    "yearday",
    "short_year",
    "slug",
    "slugorfilename",
    "slugorcontentbasename",
    "filename",
    "contentbasename",
    "title",
    "name",
    "post_title",
    "section",
    "sections",
    "categories",
    "category",
    "output_ext",
];

/// Tokens that name one article: a pattern needs one, or every article of a day (or of
/// the whole site) would want one URL.
const NAMING: &[&str] = &[
    "slug",
    "slugorfilename",
    "slugorcontentbasename",
    "filename",
    "contentbasename",
    "title",
    "name",
    "post_title",
];

/// Why a config `permalink` pattern cannot be used, if it cannot: a token sitegen does not
/// know, no token naming the article, or folders that climb out of the output folder.
pub fn check_pattern(pattern: &str) -> Option<String> {
    let mut names = false;
    for piece in pieces(pattern) {
        match piece {
            Piece::Token(t) => names |= NAMING.contains(&t),
            Piece::Unknown(t) => {
                return Some(format!(
                    "has the unknown token `:{t}` (known: :{})",
                    TOKENS.join(" :")
                ));
            }
            Piece::Text(_) => {}
        }
    }
    if !names {
        return Some(
            "names no article: it needs `:slug` (or `:title`, `:filename`, …), or articles would share one URL"
                .into(),
        );
    }
    // Tokens are filled with safe values (digits and slugs); what is checked is the
    // text typed around them.
    let filled: String = pieces(pattern)
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            _ => "x".to_string(),
        })
        .collect();
    let joined: Vec<&str> = filled.split('/').filter(|s| !s.is_empty()).collect();
    crate::paths::unsafe_url_path(&joined.join("/"))
}

/// Fills `pattern`'s tokens with `facts`: the URL path relative to the site root, ending
/// in `/` or naming an `.html` file. Unknown tokens stay as written (a URL may hold a
/// colon); config patterns are checked by [`check_pattern`] first.
pub fn fill(pattern: &str, facts: &Facts<'_>) -> String {
    let filled: String = pieces(pattern)
        .map(|piece| match piece {
            Piece::Text(t) => t.to_string(),
            Piece::Unknown(t) => format!(":{t}"),
            Piece::Token(t) => token_value(t, facts),
        })
        .collect();
    folder_or_file(filled.split('/').filter(|s| !s.is_empty()).collect())
}

/// The URL the author set in front matter (Hugo `url`, Hexo and Jekyll `permalink`, Zola
/// `path`, all read into `fm.path`), filled and made a URL path relative to the site
/// root; `None` when none is set. Relative and root-relative spellings are the same URL,
/// percent-encoded or not; `..` cannot climb above the root (as a browser resolves it).
/// A URL that is still unsafe (a backslash, a control character, a drive) is an error
/// at `line`.
pub fn explicit_url(
    fm: &FrontMatter,
    facts: &Facts<'_>,
    line: usize,
) -> Option<Result<String, Diagnostic>> {
    let written = fm.path.as_deref()?.trim();
    if written.is_empty() {
        return None;
    }
    let path = url_path(&fill(&decode(without_origin(written)), facts));
    Some(match crate::paths::unsafe_url_path(&path) {
        None => Ok(path),
        Some(why) => Err(Diagnostic::new(
            facts.source,
            format!("the URL `{}` {why}", written.escape_debug()),
        )
        .at(line, 1)
        .hint("write the article's URL as a path of this site, e.g. `/2024/03/grok/`")),
    })
}

/// Where an alias is written, as a URL path relative to the site root: a file when it ends
/// in `.html` (`/old/x.html`), else a folder (`/old/x` → `old/x/`, whose `index.html` is
/// written), as Hugo writes aliases. An alias without a leading `/` is relative to the
/// folder holding the page's own URL, as Hugo resolves it (`old` on `/2024/03/grok/` is
/// `/2024/03/old/`; on the section page `/资讯/` it is `/old/`). `page_path` is the page's
/// URL path relative to the site root.
///
/// Err says why the alias would leave the site: `..` in an absolute alias, or climbing
/// above the root from a relative one, a backslash, a control character.
pub fn alias_path(alias: &str, page_path: &str) -> Result<String, String> {
    let alias = decode(alias.trim());
    let (base, rest) = match alias.strip_prefix('/') {
        Some(rest) => {
            if let Some(why) = crate::paths::unsafe_url_path(rest.trim_start_matches('/')) {
                return Err(why);
            }
            (Vec::new(), rest.to_string())
        }
        None => (parent_of(page_path), alias.clone()),
    };
    let mut segments: Vec<&str> = base;
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments
                    .pop()
                    .ok_or("climbs above the site root with `..`")?;
            }
            s => segments.push(s),
        }
    }
    let path = if segments.is_empty() {
        String::new()
    } else {
        let last = segments.last().copied().unwrap_or_default();
        let mut joined = segments.join("/");
        if !last.ends_with(".html") {
            joined.push('/');
        }
        joined
    };
    match crate::paths::unsafe_url_path(&path) {
        Some(why) => Err(why),
        None => Ok(path),
    }
}

/// The path of a URL written with its site's address (`https://old.example.com/x/` →
/// `/x/`): exports from a CMS write them so; the page lives on this site.
fn without_origin(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("/", |i| &rest[i..]),
        _ => url,
    }
}

/// The folders above a page's own URL: `2024/03/grok/` and `2024/03/grok.html` → `2024/03`.
fn parent_of(page_path: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = page_path.split('/').filter(|s| !s.is_empty()).collect();
    segments.pop();
    segments
}

/// A URL as written → a URL path relative to the root: `.` dropped, `..` resolved as a
/// browser does (never above the root), a folder or an `.html` file.
fn url_path(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let mut segments: Vec<&str> = Vec::new();
    for segment in url.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    folder_or_file(segments)
}

fn folder_or_file(segments: Vec<&str>) -> String {
    let mut path = segments.join("/");
    if !path.is_empty() && !path.ends_with(".html") {
        path.push('/');
    }
    path
}

/// Percent-decoded text when it decodes to UTF-8 (`/2024/%E8%8A%AF%E7%89%87/` is `/2024/芯片/`),
/// else the text as written.
fn decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_string(), |d| d.into_owned())
}

enum Piece<'a> {
    Text(&'a str),
    Token(&'static str),
    Unknown(&'a str),
}

/// Splits a pattern into text and tokens. A token is `:` and the longest known name its
/// letters start with (`:title:output_ext`, `:year_:month`, `:slug.html`).
fn pieces(pattern: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = pattern;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if let Some(after) = rest.strip_prefix(':') {
            let word_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let word = &after[..word_len];
            if word.is_empty() {
                rest = after;
                return Some(Piece::Text(":"));
            }
            let known = TOKENS
                .iter()
                .filter(|t| word.starts_with(*t))
                .max_by_key(|t| t.len());
            return Some(match known {
                Some(t) => {
                    rest = &after[t.len()..];
                    Piece::Token(t)
                }
                None => {
                    rest = &after[word_len..];
                    Piece::Unknown(word)
                }
            });
        }
        let end = rest.find(':').unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        rest = after;
        Some(Piece::Text(text))
    })
}

fn token_value(token: &str, f: &Facts<'_>) -> String {
    let d = f.date;
    match token {
        "year" => format!("{:04}", d.year()),
        "short_year" => format!("{:02}", d.year().rem_euclid(100)),
        "month" => format!("{:02}", d.month()),
        "day" => format!("{:02}", d.day()),
        "i_month" => d.month().to_string(),
        "i_day" => d.day().to_string(),
        "hour" => format!("{:02}", d.hour()),
        "minute" => format!("{:02}", d.minute()),
        "second" => format!("{:02}", d.second()),
        "monthname" => d.format("%B").to_string().to_lowercase(),
        "weekday" => d.weekday().num_days_from_sunday().to_string(),
        "weekdayname" => d.format("%A").to_string().to_lowercase(),
        "yearday" => d.ordinal().to_string(),
        "slug" | "slugorfilename" | "slugorcontentbasename" => f.slug.to_string(),
        "filename" | "contentbasename" => slugify(&base_name(f.source)),
        "title" => match f.title_token {
            TitleToken::File => file_title(f),
            TitleToken::Title => slug_or(&slugify(f.title), f.slug),
        },
        "name" => file_title(f)
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string(),
        "post_title" => slug_or(&slugify(f.title), f.slug),
        "section" => folders(f.source).into_iter().next().unwrap_or_default(),
        "sections" => folders(f.source).join("/"),
        "categories" => slugs(f.categories).join("/"),
        "category" if f.categories.is_empty() => "uncategorized".into(),
        "category" => slugs(f.categories).join("/"),
        "output_ext" => ".html".into(),
        _ => String::new(),
    }
}

fn slug_or(slug: &str, fallback: &str) -> String {
    if slug.is_empty() { fallback } else { slug }.to_string()
}

fn slugs(terms: &[String]) -> Vec<String> {
    terms
        .iter()
        .map(|t| slugify(t))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Hexo's and Jekyll's `:title`: the front-matter slug, else the path under `_posts/`
/// (Hexo keeps subfolders: `_posts/2020/x.md` → `2020/x`), else the file's name, each
/// without extension and date prefix, in the case it is written in (both keep it).
fn file_title(f: &Facts<'_>) -> String {
    if f.slug_set {
        return f.slug.to_string();
    }
    let names = names(f.source);
    let under_posts = names
        .iter()
        .position(|n| n == "_posts")
        .map(|i| names[i + 1..].to_vec());
    let mut parts = under_posts.unwrap_or_default();
    let stem = without_date(&base_name(f.source));
    // `_posts/x/index.md` is the page of `x`.
    if parts.len() > 1 || parts.last().is_some_and(|l| !is_index(l)) {
        parts.pop();
    } else {
        parts.clear();
    }
    parts.push(stem);
    let slugs: Vec<String> = parts
        .iter()
        .map(|p| slugify_keep_case(p))
        .filter(|s| !s.is_empty())
        .collect();
    if slugs.is_empty() {
        f.slug.to_string()
    } else {
        slugs.join("/")
    }
}

fn without_date(name: &str) -> String {
    match date_in_name(name) {
        Some((_, rest)) if !rest.is_empty() => rest.to_string(),
        _ => name.to_string(),
    }
}

/// The names of the path's parts under `content/`, the file's own included.
fn names(source: &Path) -> Vec<String> {
    source
        .components()
        .skip(1) // content
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

fn is_index(file_name: &str) -> bool {
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    stem == "index" || stem == "_index"
}

/// The file's name without extension, or the bundle folder's name for `x/index.md`.
fn base_name(source: &Path) -> String {
    let names = names(source);
    match names.as_slice() {
        [.., folder, file] if is_index(file) => folder.clone(),
        [.., file] => Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        [] => String::new(),
    }
}

/// The folders under `content/` holding the page, slugified; a bundle's own folder is the
/// page, not a folder holding it.
fn folders(source: &Path) -> Vec<String> {
    let mut names = names(source);
    let file = names.pop().unwrap_or_default();
    if is_index(&file) {
        names.pop();
    }
    names
        .iter()
        .filter(|n| !matches!(n.as_str(), "_posts" | "_drafts"))
        .map(|n| slugify(n))
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("test date")
    }

    struct Article {
        source: &'static str,
        slug: &'static str,
        slug_set: bool,
        title: &'static str,
        categories: Vec<String>,
        date: DateTime<FixedOffset>,
    }

    fn article(source: &'static str, slug: &'static str) -> Article {
        Article {
            source,
            slug,
            slug_set: false,
            title: "OpenAI 发布 GPT-5：推理更强",
            categories: vec!["科技".into(), "AI".into()],
            date: at("2024-03-08T09:05:07+08:00"),
        }
    }

    fn fill_with(pattern: &str, a: &Article, title_token: TitleToken) -> String {
        let facts = Facts {
            source: Path::new(a.source),
            date: &a.date,
            slug: a.slug,
            slug_set: a.slug_set,
            title: a.title,
            categories: &a.categories,
            title_token,
        };
        fill(pattern, &facts)
    }

    fn filled(pattern: &str, a: &Article) -> String {
        fill_with(pattern, a, TitleToken::File)
    }

    #[test]
    fn sitegen_tokens() {
        let a = article("content/资讯/grok.md", "grok");
        assert_eq!(filled("/:year/:month/:slug/", &a), "2024/03/grok/");
        assert_eq!(
            filled("/:section/:year/:month/:day/:slug/", &a),
            "资讯/2024/03/08/grok/"
        );
        let top = article("content/a.md", "a");
        assert_eq!(filled("/:section/:slug/", &top), "a/");
        assert_eq!(filled("/:year/:slug.html", &top), "2024/a.html");
    }

    #[test]
    fn hexo_tokens() {
        let a = article("content/_posts/2024/2024-03-08-grok-3.md", "grok-3");
        assert_eq!(
            filled(":year/:month/:day/:title/", &a),
            "2024/03/08/2024/grok-3/"
        );
        assert_eq!(
            filled(":year/:i_month/:i_day/:name/", &a),
            "2024/3/8/grok-3/"
        );
        assert_eq!(filled(":hour:minute:second-:name/", &a), "090507-grok-3/");
        assert_eq!(
            filled(":category/:post_title/", &a),
            "科技/ai/openai-发布-gpt-5-推理更强/"
        );
        let mut plain = article("content/_posts/grok.md", "grok");
        plain.categories.clear();
        assert_eq!(
            filled(":category/:title.html", &plain),
            "uncategorized/grok.html"
        );
    }

    #[test]
    fn jekyll_tokens() {
        let a = article("content/_posts/2024-03-08-grok.md", "grok");
        assert_eq!(
            filled("/:categories/:year/:month/:day/:title:output_ext", &a),
            "科技/ai/2024/03/08/grok.html"
        );
        let mut none = article("content/_posts/2024-03-08-grok.md", "grok");
        none.categories.clear();
        assert_eq!(filled("/:categories/:title/", &none), "grok/");
        let mut slugged = article("content/_posts/2024-03-08-grok.md", "新名字");
        slugged.slug_set = true;
        assert_eq!(filled("/:title/", &slugged), "新名字/");
    }

    #[test]
    fn hugo_tokens() {
        let a = article("content/posts/tech/2024-03-08-grok.md", "2024-03-08-grok");
        assert_eq!(
            filled("/:sections/:filename/", &a),
            "posts/tech/2024-03-08-grok/"
        );
        assert_eq!(
            fill_with("/:section/:title/", &a, TitleToken::Title),
            "posts/openai-发布-gpt-5-推理更强/"
        );
        let bundle = article("content/posts/grok-3/index.md", "grok-3");
        assert_eq!(
            filled("/:sections/:contentbasename/", &bundle),
            "posts/grok-3/"
        );
        assert_eq!(
            filled("/:year/:monthname/:slugorfilename/", &bundle),
            "2024/march/grok-3/"
        );
        assert_eq!(filled("/:title/", &bundle), "grok-3/");
    }

    #[test]
    fn tokens_are_matched_longest_first() {
        let a = article("content/news/grok.md", "grok");
        assert_eq!(filled("/:sections-:section/:slug/", &a), "news-news/grok/");
        assert_eq!(filled("/:year_:month/:slug/", &a), "2024_03/grok/");
        assert_eq!(filled("/:foo/:slug/", &a), ":foo/grok/");
    }

    #[test]
    fn patterns_are_checked() {
        assert_eq!(check_pattern("/:year/:month/:slug/"), None);
        assert_eq!(check_pattern(":year/:month/:day/:title/"), None);
        assert!(check_pattern("/:year/:month/").is_some_and(|w| w.contains("names no article")));
        assert!(check_pattern("/:yaer/:slug/").is_some_and(|w| w.contains("`:yaer`")));
        assert!(check_pattern("/../:slug/").is_some_and(|w| w.contains("..")));
    }

    fn url(fm_path: &str) -> Result<String, Diagnostic> {
        let fm = FrontMatter {
            path: Some(fm_path.to_string()),
            ..FrontMatter::default()
        };
        let a = article("content/_posts/2024-03-08-grok.md", "grok");
        let facts = Facts {
            source: Path::new(a.source),
            date: &a.date,
            slug: a.slug,
            slug_set: false,
            title: a.title,
            categories: &a.categories,
            title_token: TitleToken::File,
        };
        explicit_url(&fm, &facts, 3).expect("a URL is set")
    }

    #[test]
    fn front_matter_urls() {
        assert_eq!(url("/about/").expect("url"), "about/");
        assert_eq!(url("about").expect("url"), "about/");
        assert_eq!(
            url("inside-news/2020/07/27/x").expect("url"),
            "inside-news/2020/07/27/x/"
        );
        assert_eq!(url("/old/x.html").expect("url"), "old/x.html");
        assert_eq!(url("/2024/%E8%8A%AF%E7%89%87/").expect("url"), "2024/芯片/");
        assert_eq!(url("/../../x/").expect("url"), "x/");
        assert_eq!(
            url("https://old.example.com/2019/x/").expect("url"),
            "2019/x/"
        );
        assert_eq!(url("/a/b/?from=rss#top").expect("url"), "a/b/");
        assert_eq!(
            url("/:categories/:year/:month/:day/:title/").expect("url"),
            "科技/ai/2024/03/08/grok/"
        );
        let err = url("/a\\b/").expect_err("backslash");
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("backslash"), "{err}");
    }

    #[test]
    fn aliases_are_files_or_folders() {
        assert_eq!(
            alias_path("/old/x.html", "2024/03/a/"),
            Ok("old/x.html".into())
        );
        assert_eq!(
            alias_path("/old/grok", "2024/03/a/"),
            Ok("old/grok/".into())
        );
        assert_eq!(alias_path("/rss.xml", "2024/03/a/"), Ok("rss.xml/".into()));
        assert_eq!(alias_path("/", "2024/03/a/"), Ok(String::new()));
        assert_eq!(alias_path("/%E6%97%A7/", "a/"), Ok("旧/".into()));
        assert!(alias_path("/../../x/", "2024/03/a/").is_err());
        assert!(alias_path("/a\\..\\x/", "a/").is_err());
    }

    #[test]
    fn relative_aliases_are_beside_the_page() {
        assert_eq!(
            alias_path("old", "2024/03/grok/"),
            Ok("2024/03/old/".into())
        );
        assert_eq!(
            alias_path("old.html", "2024/03/grok.html"),
            Ok("2024/03/old.html".into())
        );
        assert_eq!(
            alias_path("../old/", "2024/03/grok/"),
            Ok("2024/old/".into())
        );
        assert_eq!(alias_path("old", "资讯/"), Ok("old/".into()));
        assert_eq!(
            alias_path("old/../../../x.html", "2024/03/a/"),
            Ok("x.html".into())
        );
        assert!(alias_path("old/../../../../x.html", "2024/03/a/").is_err());
    }
}
