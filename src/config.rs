//! `config.toml`: the site's settings, with a documented default for everything but
//! `title` and `base_url`.
//!
//! Unknown keys are an error that names the key: a typo such as `paginte_by` must not pass
//! silently and leave the writer wondering why nothing changed.

use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use url::{Position, Url};

use crate::content::date::parse_offset;
use crate::content::ignore::Ignore;
use crate::diagnostics::Diagnostic;
use crate::text::line_col;

pub const CONFIG_FILE: &str = "config.toml";

/// The site's settings as written in `config.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The sitegen versions this site builds with (`">=0.2"`); checked first, by
    /// [`crate::version::check_site_pin`], so an old binary says to upgrade.
    #[serde(default)]
    pub sitegen_version: Option<String>,
    pub title: String,
    /// Absolute URL of the site, with or without a path (`https://a.github.io/portal`).
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Offset for dates written without one, such as Hexo's `2024-03-11 09:30`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// Number listing pages from the oldest article (`page/1/` holds the oldest), so that a
    /// full page keeps its articles for good and publishing one article changes a few pages
    /// instead of every page of its listings (see [`crate::render`]'s paging). The listing's
    /// own URL still shows the newest. Off by default, as in Hugo and Zola.
    #[serde(default)]
    pub stable_pagination: bool,
    /// Article URL pattern, for articles whose front matter sets no URL: the tokens of
    /// Hugo, Hexo and Jekyll (see [`crate::content::permalink::TOKENS`]), so that a
    /// migrating site keeps its URLs by copying its old pattern.
    #[serde(default = "default_permalink")]
    pub permalink: String,
    /// What `:title` means in `permalink`: `"file"` (Hexo, Jekyll: the file's name, under
    /// `_posts/` its path) or `"title"` (Hugo: the title, slugified).
    #[serde(default)]
    pub permalink_title: crate::content::permalink::TitleToken,
    /// Byline that `sitegen new` writes into new articles; empty means none. Only a default
    /// for the writer to edit: articles without `author` stay without one, so a syndicated
    /// story is never credited to the house by accident.
    #[serde(default)]
    pub author: String,
    /// Put a space between Chinese and Latin letters or digits in article text
    /// (`马斯克宣布xAI开源` → `马斯克宣布 xAI 开源`), as many Chinese tech sites do by hand.
    #[serde(default)]
    pub cjk_spacing: bool,
    #[serde(default)]
    pub footer: Footer,
    /// Articles in each feed (the site's and every section's, tag's and category's),
    /// newest first. Readers poll feeds often; a short feed keeps each poll cheap.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// Put each article's whole body in feeds, not just its summary. Off by default: many
    /// portals want readers to click through.
    #[serde(default)]
    pub feed_full_content: bool,
    /// Who publishes the site: the JSON-LD `publisher` and the Google News sitemap name.
    #[serde(default)]
    pub publisher: Publisher,
    /// Treat every warning as an error (as `--strict` does), for newsroom CI that must
    /// stay clean.
    #[serde(default)]
    pub strict: bool,
    /// Globs of files under `content/` that are not published (Hugo's `ignoreFiles`,
    /// Zola's `ignored_content`): `["*.bak.md", "草稿箱", "资讯/2019/**"]`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How article bodies are rendered (`[markdown]`).
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// How pictures are resized and converted (`[images]`).
    #[serde(default)]
    pub images: ImagesConfig,
    /// 专题 hubs (`[series]`): where they live.
    #[serde(default = "default_series")]
    pub series: ListingConfig,
    /// Author pages (`[authors]`): where they live.
    #[serde(default = "default_authors")]
    pub authors: ListingConfig,
    /// Header and footer navigation (`[[menu.main]]`, `[[menu.footer]]`).
    #[serde(default)]
    pub menu: Menus,
    /// The home page's editors' slots (`[home]`).
    #[serde(default)]
    pub home: HomeConfig,
    /// Per-section settings (`[sections."资讯"]`), by section folder name; an `_index.md`
    /// says the same and wins.
    #[serde(default)]
    pub sections: std::collections::BTreeMap<String, SectionConfig>,
    /// The JSON API for apps and mini-programs (`[api]`), off by default.
    #[serde(default)]
    pub api: ApiConfig,
    /// A Traditional Chinese edition of the whole site (`[zh_hant]`), off by default.
    #[serde(default)]
    pub zh_hant: ZhHantConfig,
    /// Search-engine push for `sitegen push` (`[push.baidu]`, `[push.indexnow]`).
    #[serde(default)]
    pub push: PushConfig,
    /// `<title>` pattern, keywords, verification tags, `sitemap.txt` (`[seo]`).
    #[serde(default)]
    pub seo: SeoConfig,
    /// Overrides of the theme's strings: `[strings]` for the site's language,
    /// `[strings."zh-TW"]` for one language (see `i18n`).
    #[serde(default)]
    pub strings: toml::Table,
    /// Free table handed to templates as `site.extra`.
    #[serde(default)]
    pub extra: toml::Table,
}

/// `[markdown]`: what article bodies get beyond CommonMark. Every switch but the external
/// link ones is on by default: they are what a reader of a tech site expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Highlight fenced code at build time (CSS classes, styled by `css/code.css`).
    pub highlight_code: bool,
    /// `$…$` and `$$…$$` become MathML; false leaves `$` literal.
    pub math: bool,
    /// A line break between two Chinese characters inside a paragraph renders as nothing,
    /// not a space (Hugo's `eastAsianLineBreaks`).
    pub east_asian_line_breaks: bool,
    /// `**` and `*` next to Chinese punctuation open and close emphasis (the CommonMark
    /// CJK-friendly amendments), where plain CommonMark leaves them literal.
    pub cjk_friendly_emphasis: bool,
    /// Links to other sites open in a new tab (`target="_blank"`).
    pub external_links_target_blank: bool,
    /// Links to other sites get `rel="nofollow"`.
    pub external_links_no_follow: bool,
    /// Links to other sites get `rel="noreferrer"`.
    pub external_links_no_referrer: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_code: true,
            math: true,
            east_asian_line_breaks: true,
            cjk_friendly_emphasis: true,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
        }
    }
}

/// `[images]`: local raster pictures (covers and pictures in bodies) are published in
/// several widths and in WebP beside their own format, so a phone downloads a picture its
/// size; the work is cached in `cache_dir`, so an unchanged picture is never decoded again.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImagesConfig {
    /// Resize and convert at all; false publishes pictures as they are.
    pub process: bool,
    /// Widths, in pixels, of the versions of a cover or a body picture (never wider than
    /// the picture itself).
    pub widths: Vec<u32>,
    /// Extra formats besides the picture's own, best first: `"webp"`, `"avif"` (AVIF is
    /// smaller but slow to encode: seconds per picture).
    pub formats: Vec<String>,
    /// Encoding quality, 1–100, for JPEG, WebP and AVIF.
    pub quality: u8,
    /// Aspect ratio listing thumbnails are cropped to, around the centre (`"16:9"`).
    pub thumbnail_ratio: String,
    /// Widths of listing thumbnails.
    pub thumbnail_widths: Vec<u32>,
    /// Make a 1200×630 JPEG of each cover for share cards (`og:image`).
    pub share_card: bool,
    /// Where processed pictures are kept between builds, relative to the site root.
    pub cache_dir: String,
    /// Megabytes of decoded pictures held at once across threads: a 50-megapixel photo
    /// takes 150 MB decoded, so the build waits rather than decoding many at once.
    pub memory_mb: u32,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            process: true,
            widths: vec![480, 960, 1440],
            formats: vec!["webp".into()],
            quality: 80,
            thumbnail_ratio: "16:9".into(),
            thumbnail_widths: vec![480, 960],
            share_card: true,
            cache_dir: ".sitegen-cache".into(),
            memory_mb: 512,
        }
    }
}

/// Where a kind of generated listing lives (`[series] path = "专题"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListingConfig {
    /// URL path of the index, relative to the site root, without slashes: each entry's
    /// listing is `/<path>/<name>/`.
    pub path: String,
}

fn default_series() -> ListingConfig {
    ListingConfig {
        path: "专题".into(),
    }
}
fn default_authors() -> ListingConfig {
    ListingConfig {
        path: "authors".into(),
    }
}

/// `[[menu.main]]` (the header) and `[[menu.footer]]` (the footer's links).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Menus {
    #[serde(default)]
    pub main: Vec<MenuEntry>,
    #[serde(default)]
    pub footer: Vec<MenuEntry>,
}

/// One menu link: to `url` (a path under the site, or an absolute URL) or to the listing
/// of section `section`; lighter `weight` first, then as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuEntry {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
}

/// `[home]`: the front page the editors arrange.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HomeConfig {
    /// Lead slots at the top of the home page: editors' picks first (`data/picks.toml`,
    /// then `pinned` articles by `weight`), then the newest articles with a cover.
    pub lead_slots: usize,
}

impl Default for HomeConfig {
    fn default() -> Self {
        HomeConfig { lead_slots: 3 }
    }
}

/// `[sections.<name>]`: what a section's `_index.md` may also say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    pub paginate_by: Option<usize>,
    /// `date`, `weight`, `title` or `none`.
    pub sort_by: Option<String>,
    /// A site template to render the section's listing with instead of `list.html`.
    pub template: Option<String>,
}

/// `[api]`: JSON files for apps and mini-programs (see docs/api.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    pub enabled: bool,
    /// URL path the files live under (`/api/…`).
    pub path: String,
    /// Articles per listing file.
    pub per_page: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            enabled: false,
            path: "api".into(),
            per_page: 20,
        }
    }
}

/// `[zh_hant]`: a second edition of the site in Traditional Chinese, converted at build
/// time (docs/chinese-web.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ZhHantConfig {
    pub enabled: bool,
    /// OpenCC conversion: `s2twp` (Taiwan phrases, the default), `s2tw`, `s2hk` or `s2t`.
    pub variant: String,
    /// URL path the edition lives under (`/zh-hant/…`), when it shares the site's host.
    pub path: String,
    /// The edition's own address, for a separate host; it is then written to `output`.
    pub base_url: String,
    /// Output folder of a separate-host edition, relative to the site root.
    pub output: String,
}

impl Default for ZhHantConfig {
    fn default() -> Self {
        ZhHantConfig {
            enabled: false,
            variant: "s2twp".into(),
            path: "zh-hant".into(),
            base_url: String::new(),
            output: "public-zh-hant".into(),
        }
    }
}

/// `[push]`: where `sitegen push` submits new and changed URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PushConfig {
    pub baidu: Option<BaiduPushConfig>,
    pub indexnow: Option<IndexNowConfig>,
}

/// `[push.baidu]`: Baidu's link submission (普通收录 API).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaiduPushConfig {
    /// The site as registered with Baidu's webmaster tools (`https://news.example.com`).
    pub site: String,
    /// Environment variable holding the token; the token itself never goes in config.
    pub token_env: String,
    pub endpoint: String,
    /// URLs per request.
    pub batch: usize,
    /// URLs per day, until the service's own `remain` says otherwise.
    pub daily_quota: usize,
}

impl Default for BaiduPushConfig {
    fn default() -> Self {
        BaiduPushConfig {
            site: String::new(),
            token_env: "BAIDU_PUSH_TOKEN".into(),
            endpoint: "http://data.zz.baidu.com/urls".into(),
            batch: 2000,
            daily_quota: 3000,
        }
    }
}

/// `[push.indexnow]`: IndexNow (Bing, Yandex, Naver, Seznam); the key file is written into
/// the output.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexNowConfig {
    /// 8 to 128 characters of `a-z A-Z 0-9 -`; published as `/<key>.txt`.
    pub key: String,
    pub endpoint: String,
    /// URLs per request (the protocol allows 10,000).
    pub batch: usize,
    pub daily_quota: usize,
}

impl Default for IndexNowConfig {
    fn default() -> Self {
        IndexNowConfig {
            key: String::new(),
            endpoint: "https://api.indexnow.org/indexnow".into(),
            batch: 10_000,
            daily_quota: 10_000,
        }
    }
}

/// `[seo]`: what search engines read in every page's head.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeoConfig {
    /// Article `<title>`: `{title}`, `{site}`, `{section}` are filled in.
    pub title_pattern: String,
    /// Site-wide `<meta name="keywords">`, used where a page sets none.
    pub keywords: Vec<String>,
    /// `<meta name="applicable-device">` (Baidu); empty leaves it out.
    pub applicable_device: String,
    /// Verification tags by engine: `baidu`, `google`, `bing`, `sogou`, `360`, `shenma`,
    /// `yandex`.
    pub verification: std::collections::BTreeMap<String, String>,
    /// Also write `sitemap.txt`, one URL a line (accepted by Baidu).
    pub sitemap_txt: bool,
    /// `og:image` for pages without a picture of their own.
    pub default_image: String,
}

impl Default for SeoConfig {
    fn default() -> Self {
        SeoConfig {
            title_pattern: "{title} - {site}".into(),
            keywords: Vec::new(),
            applicable_device: "pc,mobile".into(),
            verification: Default::default(),
            sitemap_txt: false,
            default_image: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub copyright: String,
    /// The ICP filing number mainland Chinese sites must show, e.g. `京ICP备12345678号-1`.
    #[serde(default)]
    pub icp: String,
}

/// `[publisher]`: search engines show the publisher beside news articles.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Empty means the site title.
    #[serde(default)]
    pub name: String,
    /// Logo image: a path under the site root (`/images/logo.png`) or an absolute URL.
    #[serde(default)]
    pub logo: String,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_timezone() -> String {
    "+08:00".into()
}
fn default_paginate_by() -> usize {
    20
}
fn default_permalink() -> String {
    "/:year/:month/:slug/".into()
}
fn default_feed_limit() -> usize {
    20
}

/// Settings after validation, in the form later stages use.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub raw: Config,
    /// `base_url` normalised (lower-case host, path percent-encoded), without a trailing
    /// slash.
    pub base_url: String,
    /// `base_url`'s scheme, host and port, without the path: `https://a.github.io`.
    pub origin: String,
    /// The URL path the site lives under, decoded, always starting and ending with `/`
    /// (`/portal/`).
    pub root_path: String,
    pub offset: FixedOffset,
    /// `ignore`, compiled.
    pub ignore: Ignore,
    /// The site folder the config was read from (`static/`, `templates/` live there).
    pub root: PathBuf,
    /// Where the Simplified and Traditional editions live, when `[zh_hant] enabled`.
    pub editions: Option<Editions>,
}

/// The two editions of a site built with `[zh_hant] enabled`: where each lives (for the
/// hreflang links and the 简/繁 switch) and which one a config renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editions {
    pub hans: EditionPlace,
    pub hant: EditionPlace,
    /// The edition this config renders.
    pub current: Script,
    /// The Traditional edition's folder in the output (`zh-hant/`) when it shares the
    /// host; `None` when it has a host and output folder of its own.
    pub hant_folder: Option<String>,
    /// Files the Traditional edition loads from the Simplified one's root rather than its
    /// own (static files, pictures, hashed assets): set on the Traditional edition's
    /// config when the two share a host (see [`crate::urls::Urls::href`]).
    pub shared_files: Option<std::sync::Arc<std::collections::HashSet<String>>>,
}

/// An edition's scheme and host (`https://host`) and URL path (`/zh-hant/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionPlace {
    pub origin: String,
    pub root_path: String,
}

/// Which script an edition is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Hans,
    Hant,
}

impl Editions {
    /// The place of the edition in `script`.
    pub fn place(&self, script: Script) -> &EditionPlace {
        match script {
            Script::Hans => &self.hans,
            Script::Hant => &self.hant,
        }
    }
}

impl SiteConfig {
    /// Reads `config.toml` under `root`; `base_url_override` is the CLI's `--base-url`.
    pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Self, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::new(CONFIG_FILE, format!("cannot read the site config: {e}"))
                .hint("run sitegen in a site folder (one with config.toml), or pass --root DIR")
        })?;
        let mut config = Self::parse(&text, base_url_override)?;
        check_section_templates(&text, root, &config.raw.sections)?;
        config.root = root.to_path_buf();
        Ok(config)
    }

    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Self, Diagnostic> {
        crate::version::check_site_pin(text)?;
        let raw: Config = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let base = parse_base_url(base_url_override.unwrap_or(&raw.base_url)).map_err(|message| {
            match base_url_override {
                Some(_) => Diagnostic::new("--base-url", message),
                None => config_error(text, "base_url", message),
            }
            .hint("write the site's address, e.g. https://example.com/ or https://user.github.io/portal/")
        })?;
        let offset = parse_offset(&raw.timezone).ok_or_else(|| {
            config_error(
                text,
                "timezone",
                format!("`{}` is not a UTC offset", raw.timezone),
            )
            .hint("write it as timezone = \"+08:00\"")
        })?;
        if raw.paginate_by == 0 {
            return Err(config_error(
                text,
                "paginate_by",
                "`paginate_by` must be at least 1".into(),
            ));
        }
        if raw.feed_limit == 0 {
            return Err(config_error(
                text,
                "feed_limit",
                "`feed_limit` must be at least 1".into(),
            ));
        }
        if let Some(why) = crate::content::permalink::check_pattern(&raw.permalink) {
            return Err(config_error(
                text,
                "permalink",
                format!("`permalink = \"{}\"` {why}", raw.permalink.escape_debug()),
            )
            .hint("every article needs its own URL inside the output folder: use tokens and plain folder names, e.g. permalink = \"/:year/:month/:slug/\""));
        }
        for (table, listing) in [("series", &raw.series), ("authors", &raw.authors)] {
            if crate::model::listing_root(&listing.path).is_none() {
                return Err(table_error(
                    text,
                    table,
                    "path",
                    format!(
                        "`[{table}] path = \"{}\"` must name a folder inside the site",
                        listing.path.escape_debug()
                    ),
                )
                .hint(format!(
                    "write it as a plain folder name, e.g. [{table}] path = \"{}\"",
                    default_listing_path(table)
                )));
            }
        }
        check_menus(text, &raw.menu)?;
        check_sections(text, &raw.sections)?;
        check_api(text, &raw.api)?;
        check_strings(text, &raw.strings)?;
        check_seo(text, &raw.seo)?;
        let root_path = root_path_of(&base);
        let origin = base[..Position::BeforePath].to_string();
        let editions = editions(text, &raw.zh_hant, &origin, &root_path)?;
        check_push(text, &raw.push)?;
        let ignore = Ignore::new(&raw.ignore).map_err(|message| {
            config_error(text, "ignore", message).hint(
                "write globs relative to content/, e.g. ignore = [\"*.bak.md\", \"草稿箱/**\"]",
            )
        })?;
        Ok(SiteConfig {
            ignore,
            root_path,
            origin,
            editions,
            base_url: base.as_str().trim_end_matches('/').to_string(),
            offset,
            raw,
            root: PathBuf::from("."),
        })
    }
}

impl SiteConfig {
    /// The publisher's name: `[publisher] name`, else the site title.
    pub fn publisher_name(&self) -> &str {
        let name = self.raw.publisher.name.trim();
        if name.is_empty() {
            &self.raw.title
        } else {
            name
        }
    }
}

/// `[zh_hant]` checked, and where its edition lives: under `path` on the site's own host,
/// or at its own `base_url`.
fn editions(
    text: &str,
    zh_hant: &ZhHantConfig,
    origin: &str,
    root_path: &str,
) -> Result<Option<Editions>, Diagnostic> {
    if !zh_hant.enabled {
        return Ok(None);
    }
    if !crate::edition::VARIANTS.contains(&zh_hant.variant.as_str()) {
        return Err(table_error(
            text,
            "zh_hant",
            "variant",
            format!(
                "`[zh_hant] variant = \"{}\"` is not a conversion sitegen knows",
                zh_hant.variant.escape_debug()
            ),
        )
        .hint(format!(
            "write one of {}: s2twp for Taiwan usage (軟體, 記憶體), s2hk for Hong Kong",
            crate::edition::VARIANTS.join(", ")
        )));
    }
    let hans = EditionPlace {
        origin: origin.to_string(),
        root_path: root_path.to_string(),
    };
    let (hant, hant_folder) = if zh_hant.base_url.trim().is_empty() {
        let folder = crate::model::listing_root(&zh_hant.path).ok_or_else(|| {
            table_error(
                text,
                "zh_hant",
                "path",
                format!(
                    "`[zh_hant] path = \"{}\"` must name a folder inside the site",
                    zh_hant.path.escape_debug()
                ),
            )
            .hint("write it as a plain folder name, e.g. [zh_hant] path = \"zh-hant\"")
        })?;
        let place = EditionPlace {
            origin: origin.to_string(),
            root_path: format!("{root_path}{folder}"),
        };
        (place, Some(folder))
    } else {
        let url = parse_base_url(zh_hant.base_url.trim()).map_err(|message| {
            table_error(text, "zh_hant", "base_url", message)
                .hint("write the edition's own address, e.g. https://tw.example.com/, or leave it empty to publish it under `path`")
        })?;
        let place = EditionPlace {
            origin: url[..Position::BeforePath].to_string(),
            root_path: root_path_of(&url),
        };
        (place, None)
    };
    Ok(Some(Editions {
        hans,
        hant,
        current: Script::Hans,
        hant_folder,
        shared_files: None,
    }))
}

/// Every menu entry has a name and exactly one of `url` and `section`. (Whether the
/// section exists is known only once the content is loaded: see `model::front`.)
fn check_menus(text: &str, menus: &Menus) -> Result<(), Diagnostic> {
    let menus = [("main", &menus.main), ("footer", &menus.footer)];
    for (menu, entries) in menus {
        for entry in entries.iter() {
            let problem = match (&entry.url, &entry.section) {
                _ if entry.name.trim().is_empty() => "has an empty `name`",
                (None, None) => "has neither `url` nor `section`",
                (Some(_), Some(_)) => "has both `url` and `section`",
                (Some(url), None) if url.trim().is_empty() => "has an empty `url`",
                _ => continue,
            };
            let line = entry_line(text, &entry.name, menu);
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!(
                    "`menu.{menu}` entry `{}` {problem}",
                    entry.name.escape_debug()
                ),
            )
            .at(line, 1)
            .hint("give each entry a name and either url = \"/关于我们/\" or section = \"资讯\""));
        }
    }
    Ok(())
}

/// The line of a menu entry: the first line naming it (`name = "关于我们"`), else the
/// line of the menu itself.
fn entry_line(text: &str, name: &str, menu: &str) -> usize {
    let quoted = [format!("\"{name}\""), format!("'{name}'")];
    let named = text
        .lines()
        .position(|l| l.contains("name") && quoted.iter().any(|q| l.contains(q.as_str())));
    let menu_line = || {
        text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with(&format!("[[menu.{menu}]]")) || l.starts_with(menu)
        })
    };
    named.or_else(menu_line).map_or(1, |i| i + 1)
}

/// `[sections.NAME]`: a known `sort_by`, a `paginate_by` of at least 1.
fn check_sections(
    text: &str,
    sections: &std::collections::BTreeMap<String, SectionConfig>,
) -> Result<(), Diagnostic> {
    for (name, section) in sections {
        let place = |key: &str| section_key_line(text, name, key);
        if let Some(sort_by) = &section.sort_by
            && crate::model::SortBy::parse(sort_by).is_none()
        {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!(
                    "`sections.{name}.sort_by` is `{}`, which is not a sort order",
                    sort_by.escape_debug()
                ),
            )
            .at(place("sort_by"), 1)
            .hint("use date, weight, title or none"));
        }
        if section.paginate_by == Some(0) {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!("`sections.{name}.paginate_by` must be at least 1"),
            )
            .at(place("paginate_by"), 1));
        }
    }
    Ok(())
}

/// `[sections.NAME] template` names a template of the site or the theme.
fn check_section_templates(
    text: &str,
    root: &Path,
    sections: &std::collections::BTreeMap<String, SectionConfig>,
) -> Result<(), Diagnostic> {
    for (name, section) in sections {
        let Some(template) = &section.template else {
            continue;
        };
        let found =
            root.join("templates").join(template).is_file() || crate::theme::has_template(template);
        if !found {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!(
                    "`sections.{name}.template` names `{}`, which does not exist",
                    template.escape_debug()
                ),
            )
            .at(section_key_line(text, name, "template"), 1)
            .hint("add the template to templates/, or remove `template`"));
        }
    }
    Ok(())
}

/// The line of `key` in the table `[sections.NAME]` (or of the table, or 1).
fn section_key_line(text: &str, name: &str, key: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| {
        let l = l.trim_start();
        l.starts_with("[sections.") && l.contains(name)
    });
    let Some(header) = header else {
        return lines
            .iter()
            .position(|l| l.contains(name) && l.contains(key))
            .map_or(1, |i| i + 1);
    };
    lines[header + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| l.trim_start().starts_with(key))
        .map_or(header + 1, |i| header + 2 + i)
}

/// The site's address: an absolute `http` or `https` URL with no query or fragment, which
/// every page and feed URL is built from.
fn parse_base_url(base_url: &str) -> Result<Url, String> {
    match Url::parse(base_url) {
        Err(e) => Err(format!("`{base_url}` is not an absolute URL: {e}")),
        Ok(url) if !matches!(url.scheme(), "http" | "https") => {
            Err(format!("`{base_url}` is not an http or https URL"))
        }
        Ok(url) if url.query().is_some() || url.fragment().is_some() => Err(format!(
            "`{base_url}` has a query or fragment, which page URLs cannot be built under"
        )),
        Ok(url) => Ok(url),
    }
}

/// `https://host/portal` → `/portal/`; `https://host` → `/`. Percent-escapes are decoded,
/// since hrefs are encoded when built.
fn root_path_of(base: &Url) -> String {
    let path = percent_decode_str(base.path()).decode_utf8_lossy();
    let path = path.trim_matches('/');
    if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    }
}

fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e.span().map_or((1, 1), |span| line_col(text, span.start));
    let message = e.message().trim().to_string();
    let hint = if message.contains("unknown field") {
        Some(did_you_mean(&message).unwrap_or_else(|| {
            "remove the key, or check its spelling against README.md's config section".into()
        }))
    } else if message.contains("missing field") {
        Some("a minimal config.toml needs title = \"…\" and base_url = \"https://…\"".into())
    } else {
        None
    };
    Diagnostic::new(CONFIG_FILE, message)
        .at(line, col)
        .maybe_hint(hint)
}

/// serde says "unknown field `icpp`, expected one of `copyright`, `icp`": suggest the
/// closest known key.
fn did_you_mean(message: &str) -> Option<String> {
    let mut quoted = message.split('`').skip(1).step_by(2);
    let unknown = quoted.next()?;
    let best = quoted
        .map(|known| (strsim::damerau_levenshtein(unknown, known), known))
        .min()?;
    let close_enough = best.0 <= 2.max(unknown.chars().count() / 3);
    close_enough.then(|| format!("did you mean `{}`?", best.1))
}

fn default_listing_path(table: &str) -> String {
    match table {
        "series" => default_series().path,
        _ => default_authors().path,
    }
}

/// `[api]`: a path under the output folder and at least one article a file.
fn check_api(text: &str, api: &ApiConfig) -> Result<(), Diagnostic> {
    let path = api.path.trim_matches('/');
    let bad_segment = |s: &str| matches!(s, "" | "." | "..") || s.contains(['\\', '?', '#']);
    if path.split('/').any(bad_segment) {
        return Err(table_error(
            text,
            "api",
            "path",
            format!(
                "[api] path = \"{}\" is not a folder under the site",
                api.path.escape_debug()
            ),
        )
        .hint("write a plain folder name such as path = \"api\" (or \"api/v1\")"));
    }
    if api.per_page == 0 {
        return Err(table_error(
            text,
            "api",
            "per_page",
            "[api] per_page must be at least 1".into(),
        ));
    }
    Ok(())
}

/// `[strings]`: every key a theme string, every sub-table a shipped language.
fn check_strings(text: &str, strings: &toml::Table) -> Result<(), Diagnostic> {
    match crate::i18n::check_overrides(strings).into_iter().next() {
        Some(p) => Err(table_error(text, &p.table, &p.key, p.message).maybe_hint(p.hint)),
        None => Ok(()),
    }
}

/// Search engines whose verification tag `[seo.verification]` can hold, with the
/// `<meta name>` each reads.
pub const VERIFICATION_ENGINES: [(&str, &str); 7] = [
    ("baidu", "baidu-site-verification"),
    ("google", "google-site-verification"),
    ("bing", "msvalidate.01"),
    ("sogou", "sogou_site_verification"),
    ("360", "360-site-verification"),
    ("shenma", "shenma-site-verification"),
    ("yandex", "yandex-verification"),
];

/// `[seo]`: known verification engines, a title pattern that shows the title.
fn check_seo(text: &str, seo: &SeoConfig) -> Result<(), Diagnostic> {
    let known: Vec<&str> = VERIFICATION_ENGINES.iter().map(|(k, _)| *k).collect();
    for engine in seo.verification.keys() {
        if !known.contains(&engine.as_str()) {
            let mut message = format!(
                "`{}` in [seo.verification] is not a search engine sitegen knows",
                engine.escape_debug()
            );
            if let Some(guess) = did_you_mean(&format!("`{engine}` `{}`", known.join("` `"))) {
                message = format!("{message}; {guess}");
            }
            return Err(table_error(text, "seo.verification", engine, message)
                .hint(format!("use one of: {}", known.join(", "))));
        }
    }
    if !seo.title_pattern.contains("{title}") {
        return Err(table_error(
            text,
            "seo",
            "title_pattern",
            "[seo] title_pattern must contain {title}".into(),
        )
        .hint("e.g. title_pattern = \"{title} - {site}\" (also {section})"));
    }
    Ok(())
}

/// `[push.baidu]` names its site and env variable, `[push.indexnow]` has a key the
/// protocol accepts, and every batch and quota is at least 1: mistakes found before
/// `sitegen push` talks to anyone.
fn check_push(text: &str, push: &PushConfig) -> Result<(), Diagnostic> {
    let at_least_one = |table: &str, key: &str, value: usize| {
        if value == 0 {
            Err(table_error(
                text,
                table,
                key,
                format!("[{table}] {key} must be at least 1"),
            ))
        } else {
            Ok(())
        }
    };
    if let Some(baidu) = &push.baidu {
        let site = baidu.site.trim();
        if site.is_empty() {
            return Err(table_error(
                text,
                "push.baidu",
                "site",
                "[push.baidu] needs `site`, the site as registered with Baidu".into(),
            )
            .hint("add site = \"https://news.example.com\" (as shown in Baidu's 站长平台)"));
        }
        if baidu.token_env.trim().is_empty() {
            return Err(table_error(
                text,
                "push.baidu",
                "token_env",
                "[push.baidu] token_env is empty".into(),
            )
            .hint("name the environment variable holding the token, e.g. token_env = \"BAIDU_PUSH_TOKEN\"; the token itself never goes in config.toml"));
        }
        check_endpoint(text, "push.baidu", &baidu.endpoint)?;
        at_least_one("push.baidu", "batch", baidu.batch)?;
        at_least_one("push.baidu", "daily_quota", baidu.daily_quota)?;
    }
    if let Some(indexnow) = &push.indexnow {
        let key = &indexnow.key;
        let valid = (8..=128).contains(&key.len())
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !valid {
            return Err(table_error(
                text,
                "push.indexnow",
                "key",
                format!(
                    "[push.indexnow] key = \"{}\" is not an IndexNow key: it must be 8 to 128 characters of a-z, A-Z, 0-9 and -",
                    key.escape_debug()
                ),
            )
            .hint("make one with e.g. `openssl rand -hex 16`; sitegen publishes it as /<key>.txt"));
        }
        check_endpoint(text, "push.indexnow", &indexnow.endpoint)?;
        at_least_one("push.indexnow", "batch", indexnow.batch)?;
        at_least_one("push.indexnow", "daily_quota", indexnow.daily_quota)?;
    }
    Ok(())
}

/// A push endpoint is an absolute http or https URL.
fn check_endpoint(text: &str, table: &str, endpoint: &str) -> Result<(), Diagnostic> {
    match Url::parse(endpoint) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(()),
        _ => Err(table_error(
            text,
            table,
            "endpoint",
            format!(
                "[{table}] endpoint = \"{}\" is not an http or https URL",
                endpoint.escape_debug()
            ),
        )
        .hint("leave endpoint out to use the service's own address")),
    }
}

/// An error at `key` of table `[table]` (or at `table.key = …`), else at the table.
fn table_error(text: &str, table: &str, key: &str, message: String) -> Diagnostic {
    let starts = |line: &str, word: &str| {
        line.strip_prefix(word)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let header = format!("[{table}]");
    let dotted = format!("{table}.{key}");
    let mut in_table = false;
    let mut table_line = None;
    let mut line = None;
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start();
        if l.starts_with('[') {
            in_table = l.starts_with(&header);
            if in_table {
                table_line.get_or_insert(i + 1);
            }
        } else if (in_table && starts(l, key)) || starts(l, &dotted) {
            line = Some(i + 1);
            break;
        }
    }
    Diagnostic::new(CONFIG_FILE, message).at(line.or(table_line).unwrap_or(1), 1)
}

fn config_error(text: &str, key: &str, message: String) -> Diagnostic {
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1);
    Diagnostic::new(CONFIG_FILE, message).at(line, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_paths_must_stay_inside_the_site() {
        let text = "title = \"T\"\nbase_url = \"https://a.com/\"\n[series]\npath = \"../x\"\n";
        let e = SiteConfig::parse(text, None).unwrap_err().to_string();
        assert!(e.contains("config.toml:4:1"), "{e}");
        assert!(e.contains("[series] path"), "{e}");
        let text = "title = \"T\"\nbase_url = \"https://a.com/\"\n[authors]\npath = \"\"\n";
        let e = SiteConfig::parse(text, None).unwrap_err().to_string();
        assert!(e.contains("[authors] path"), "{e}");
        let c = SiteConfig::parse("title = \"T\"\nbase_url = \"https://a.com/\"\n", None).unwrap();
        assert_eq!(c.raw.series.path, "专题");
    }

    #[test]
    fn push_settings_are_checked_at_their_line() {
        let base = "title = \"T\"\nbase_url = \"https://a.com/\"\n";
        let cases = [
            (
                "[push.baidu]\ntoken_env = \"X\"\n",
                "config.toml:3:1",
                "needs `site`",
            ),
            (
                "[push.baidu]\nsite = \"https://a.com\"\nbatch = 0\n",
                "config.toml:5:1",
                "batch must be at least 1",
            ),
            (
                "[push.indexnow]\nkey = \"short\"\n",
                "config.toml:4:1",
                "not an IndexNow key",
            ),
            (
                "[push.indexnow]\nkey = \"abcd_efgh_1234\"\n",
                "config.toml:4:1",
                "not an IndexNow key",
            ),
            (
                "[push.indexnow]\nkey = \"0123456789abcdef\"\ndaily_quota = 0\n",
                "config.toml:5:1",
                "daily_quota must be at least 1",
            ),
        ];
        for (table, place, message) in cases {
            let e = SiteConfig::parse(&format!("{base}{table}"), None)
                .unwrap_err()
                .to_string();
            assert!(e.contains(place) && e.contains(message), "{table}: {e}");
        }
        let ok = format!(
            "{base}[push.baidu]\nsite = \"https://a.com\"\n[push.indexnow]\nkey = \"0123456789abcdef-ABC\"\n"
        );
        let c = SiteConfig::parse(&ok, None).unwrap();
        assert_eq!(c.raw.push.baidu.unwrap().batch, 2000);
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = SiteConfig::parse("title = \"T\"\nbase_url = \"https://a.com/\"\n", None).unwrap();
        assert_eq!(c.base_url, "https://a.com");
        assert_eq!(c.root_path, "/");
        assert_eq!(c.raw.paginate_by, 20);
        assert_eq!(c.raw.language, "zh-CN");
        assert_eq!(c.raw.permalink, "/:year/:month/:slug/");
        assert_eq!(c.raw.feed_limit, 20);
        assert!(!c.raw.feed_full_content);
        assert!(c.raw.publisher.name.is_empty());
        assert_eq!(c.offset, FixedOffset::east_opt(8 * 3600).unwrap());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\npaginte_by = 5\n",
            None,
        )
        .unwrap_err();
        assert!(err.message.contains("paginte_by"), "{err}");
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn suggests_the_closest_key() {
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\npaginte_by = 5\n",
            None,
        )
        .unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `paginate_by`?"));
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\nzzzzzz = 5\n",
            None,
        )
        .unwrap_err();
        assert!(!err.hint.unwrap_or_default().contains("did you mean"));
    }

    #[test]
    fn feed_and_publisher_keys() {
        let c = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\nfeed_limit = 5\nfeed_full_content = true\n\
             [publisher]\nname = \"P\"\nlogo = \"/logo.png\"\n",
            None,
        )
        .unwrap();
        assert_eq!(c.raw.feed_limit, 5);
        assert!(c.raw.feed_full_content);
        assert_eq!(c.raw.publisher.name, "P");
        assert_eq!(c.raw.publisher.logo, "/logo.png");
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\nfeed_limit = 0\n",
            None,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(3));
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\n[publisher]\nlgoo = \"x\"\n",
            None,
        )
        .unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `logo`?"));
    }

    #[test]
    fn base_url_path_becomes_root_path() {
        let c = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\n",
            Some("https://u.github.io/portal/"),
        )
        .unwrap();
        assert_eq!(c.base_url, "https://u.github.io/portal");
        assert_eq!(c.origin, "https://u.github.io");
        assert_eq!(c.root_path, "/portal/");
    }

    #[test]
    fn permalinks_stay_inside_the_output_folder() {
        for bad in [
            "/../../x/:slug/",
            "/:year/../:slug/",
            "/./:slug/",
            "C:/:slug/",
            "/a\\\\..\\\\:slug/",
            "/:slug/\\u0001/",
        ] {
            let text =
                format!("title = \"T\"\nbase_url = \"https://a.com\"\npermalink = \"{bad}\"\n");
            let e = SiteConfig::parse(&text, None).unwrap_err();
            assert_eq!(e.line, Some(3), "{bad}: {e}");
            assert!(e.to_string().contains("hint:"), "{e}");
        }
        for good in [
            "/:year/:month/:slug/",
            "/:section/:slug.html",
            "news/:slug/",
            "/a:slug/",
        ] {
            let text =
                format!("title = \"T\"\nbase_url = \"https://a.com\"\npermalink = \"{good}\"\n");
            assert!(SiteConfig::parse(&text, None).is_ok(), "{good}");
        }
    }

    #[test]
    fn menu_entries_need_a_url_or_a_section() {
        let base = "title = \"T\"\nbase_url = \"https://a.com\"\n";
        let err = SiteConfig::parse(
            &format!("{base}[[menu.main]]\nname = \"资讯\"\nsection = \"资讯\"\n[[menu.footer]]\nname = \"投稿\"\n"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(7), "{err}");
        assert!(
            err.message
                .contains("`menu.footer` entry `投稿` has neither"),
            "{err}"
        );
        let err = SiteConfig::parse(
            &format!("{base}[menu]\nmain = [{{ name = \"关于\", url = \"/about/\", section = \"资讯\" }}]\n"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.message.contains("both"), "{err}");
    }

    #[test]
    fn section_settings_are_checked_at_their_line() {
        let base = "title = \"T\"\nbase_url = \"https://a.com\"\n";
        let err = SiteConfig::parse(
            &format!("{base}[sections.\"资讯\"]\npaginate_by = 5\nsort_by = \"热度\"\n"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(5), "{err}");
        let err = SiteConfig::parse(
            &format!("{base}[sections.\"资讯\"]\npaginate_by = 0\n"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        let ok = SiteConfig::parse(
            &format!("{base}[sections.\"资讯\"]\npaginate_by = 5\nsort_by = \"weight\"\n"),
            None,
        )
        .unwrap();
        assert_eq!(ok.raw.sections["资讯"].paginate_by, Some(5));
    }

    fn parse_base_url(base_url: &str) -> Result<SiteConfig, Diagnostic> {
        SiteConfig::parse(&format!("title = \"T\"\nbase_url = \"{base_url}\"\n"), None)
    }

    #[test]
    fn base_url_is_normalised() {
        let c = parse_base_url("HTTPS://A.com:443/门户/").unwrap();
        assert_eq!(c.base_url, "https://a.com/%E9%97%A8%E6%88%B7");
        assert_eq!(c.origin, "https://a.com");
        assert_eq!(c.root_path, "/门户/");
        let c = parse_base_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.origin, "http://127.0.0.1:8080");
        assert_eq!(c.root_path, "/");
        assert_eq!(
            parse_base_url("https://a.com/a/../b").unwrap().root_path,
            "/b/"
        );
    }

    #[test]
    fn base_url_must_be_an_absolute_web_address() {
        for bad in [
            "example.com",
            "/portal/",
            "ftp://a.com",
            "https://a.com/?x=1",
            "https://a b.com",
        ] {
            let err = parse_base_url(bad).unwrap_err();
            assert!(err.message.contains(bad), "{bad}: {err}");
            assert_eq!(err.line, Some(2), "{bad}");
        }
        let err = SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://a.com\"\n",
            Some("a.com"),
        )
        .unwrap_err();
        assert_eq!(err.path, PathBuf::from("--base-url"));
    }

    #[test]
    fn api_settings_are_checked_with_their_line() {
        let head = "title = \"T\"\nbase_url = \"https://a.com\"\n[series]\npath = \"专题\"\n";
        for (table, needle, line) in [
            (
                "[api]\nenabled = true\npath = \"\"\n",
                "[api] path = \"\"",
                7,
            ),
            ("[api]\npath = \"../out\"\n", "[api] path = \"../out\"", 6),
            ("[api]\npath = \"/\"\n", "[api] path = \"/\"", 6),
            ("[api]\npath = \"a//b\"\n", "is not a folder", 6),
            (
                "[api]\nper_page = 0\n",
                "[api] per_page must be at least 1",
                6,
            ),
        ] {
            let err = SiteConfig::parse(&format!("{head}{table}"), None).unwrap_err();
            assert!(err.message.contains(needle), "{table}: {err}");
            assert_eq!(err.line, Some(line), "{table}: {err}");
        }
        let ok = SiteConfig::parse(&format!("{head}[api]\npath = \"/api/v1/\"\n"), None);
        assert_eq!(ok.unwrap().raw.api.path, "/api/v1/");
    }
}
