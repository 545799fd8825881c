//! What templates see: light, pre-serialised views of the model.
//!
//! Tera values share their maps through `Arc`, so putting the same view (an article's ref,
//! [`super::refs`]) on a tag page, a category page and an archive page costs a pointer
//! copy, not a new copy.

use serde::Serialize;
use tera::Value;

use crate::model::{Site, Term};
use crate::urls::Urls;

/// A link: a name and an href.
#[derive(Debug, Clone, Serialize)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

impl<'a> Link<'a> {
    /// The link to a section, tag or category page.
    pub fn of(term: &'a Term, urls: &Urls) -> Self {
        Link {
            name: &term.name,
            url: urls.href(&term.path),
        }
    }
}

/// `cover` (the original's URL), and for a processed local picture `cover_image` (its
/// versions, for the head of the article and the lead story) and `thumbnail` (cropped, for
/// listings); none otherwise.
pub fn cover_values(
    map: &mut tera::Map,
    urls: &Urls,
    images: &crate::images::Images,
    page_path: &str,
    cover: Option<&str>,
) {
    let pictures = cover_pictures(urls, images, page_path, cover);
    let (url, cover_image, thumbnail) = match pictures {
        Some(p) => (
            Value::from(p.url),
            p.image
                .map_or_else(Value::none, |i| Value::from_serializable(&i)),
            p.thumbnail
                .map_or_else(Value::none, |t| Value::from_serializable(&t)),
        ),
        None => (Value::none(), Value::none(), Value::none()),
    };
    map.insert("cover".into(), url);
    map.insert("cover_image".into(), cover_image);
    map.insert("thumbnail".into(), thumbnail);
}

/// An article's cover as pages and the JSON API show it.
pub struct CoverPictures {
    /// The original's href.
    pub url: String,
    /// The original's width and height, for a picture the image stage read.
    pub size: Option<(u32, u32)>,
    /// Its versions at full width, for a processed local picture.
    pub image: Option<crate::images::Picture>,
    /// Its cropped versions for listings, for a processed local picture.
    pub thumbnail: Option<crate::images::Picture>,
}

/// The cover `cover` names from the page at `page_path`, if it has one.
pub fn cover_pictures(
    urls: &Urls,
    images: &crate::images::Images,
    page_path: &str,
    cover: Option<&str>,
) -> Option<CoverPictures> {
    use crate::images::Purpose;
    let cover = cover?;
    Some(match images.find(page_path, cover) {
        Some(source) => CoverPictures {
            url: urls.href(&source.rel),
            size: Some((source.probe.width, source.probe.height)),
            image: Some(images.picture(source, Purpose::Body, urls)),
            thumbnail: Some(images.picture(source, Purpose::Thumbnail, urls)),
        },
        None => CoverPictures {
            url: match images.published_rel(page_path, cover) {
                Some(rel) => urls.href(&rel),
                None => urls.asset(cover),
            },
            size: None,
            image: None,
            thumbnail: None,
        },
    })
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    root: &'a str,
    /// Where stylesheets, scripts and pictures live: `root`, except in a Traditional
    /// edition sharing the host, which loads the Simplified edition's.
    asset_root: &'a str,
    language: &'a str,
    /// The BCP 47 tag of the theme strings' language (`zh-CN`, `zh-TW`, `zh-HK`, `en`),
    /// for `<html lang>`.
    lang: &'static str,
    /// `[seo]`: `applicable_device` and the verification tags as `[{name, content}]`.
    seo: SeoView<'a>,
    footer: &'a crate::config::Footer,
    sections: Vec<TermCount<'a>>,
    /// The sections the header links to: see [`nav_sections`].
    nav: Vec<TermCount<'a>>,
    hot_tags: Vec<TermCount<'a>>,
    months: Vec<TermCount<'a>>,
    extra: &'a toml::Table,
    build_year: String,
    /// Plain asset name → content-hashed name, read by `get_url`.
    assets: std::collections::BTreeMap<&'a str, &'a str>,
    search: bool,
    feeds: bool,
    /// The 热门 list from `data/hot.*`: `[{title, url, views}]`; empty without the file.
    hot: Vec<HotView<'a>>,
    /// `[menu]`: `{main: [{name, url, external}], footer: […]}`.
    menu: MenuView<'a>,
    /// Whether the side column (`side.html`, fetched by listing pages) has anything in it.
    side: bool,
}

#[derive(Serialize)]
struct SeoView<'a> {
    applicable_device: &'a str,
    verification: Vec<MetaView<'a>>,
}

/// A `<meta name content>` pair.
#[derive(Serialize)]
struct MetaView<'a> {
    name: &'static str,
    content: &'a str,
}

fn seo_view(seo: &crate::config::SeoConfig) -> SeoView<'_> {
    let verification = crate::config::VERIFICATION_ENGINES
        .iter()
        .filter_map(|(engine, name)| {
            let content = seo.verification.get(*engine)?.trim();
            (!content.is_empty()).then_some(MetaView { name, content })
        })
        .collect();
    SeoView {
        applicable_device: seo.applicable_device.trim(),
        verification,
    }
}

#[derive(Serialize)]
struct HotView<'a> {
    title: &'a str,
    url: String,
    views: Option<u64>,
}

#[derive(Serialize)]
struct MenuView<'a> {
    main: Vec<MenuLinkView<'a>>,
    footer: Vec<MenuLinkView<'a>>,
}

#[derive(Serialize)]
struct MenuLinkView<'a> {
    name: &'a str,
    url: String,
    /// Leads to another site.
    external: bool,
}

fn menu_view<'a>(links: &'a [crate::model::front::MenuLink], urls: &Urls) -> Vec<MenuLinkView<'a>> {
    links
        .iter()
        .map(|l| MenuLinkView {
            name: &l.name,
            url: l.target.href(urls),
            external: matches!(l.target, crate::model::front::Target::External(_)),
        })
        .collect()
}

/// A term, section or month with its article count (none where the page is given no
/// counts: see [`Counts`]).
#[derive(Serialize)]
pub struct TermCount<'a> {
    pub name: std::borrow::Cow<'a, str>,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl<'a> TermCount<'a> {
    pub fn of(term: &'a Term, urls: &Urls) -> Self {
        TermCount {
            name: std::borrow::Cow::Borrowed(&term.name),
            url: urls.href(&term.path),
            count: Some(term.articles.len()),
        }
    }
}

/// Whether a `site` value carries what changes with every article published: the
/// sections' article counts, the side column's hot tags and months. Listing pages show
/// them; other pages (articles, standalone pages, search, 404) get the site without them,
/// so that publishing one article does not change what every article page is given, and
/// a publish build renders only the pages that show the new article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    With,
    Without,
}

/// Tags shown in the side column.
const HOT_TAGS: usize = 20;
/// Months shown in the side column's archive.
const SIDE_MONTHS: usize = 12;

/// Sections in the header at most, without `[menu] main`.
const NAV_SECTIONS: usize = 8;

/// The sections the header links to, named by their `_index.md` title when it has one.
/// Those whose `_index.md` sets a `weight`, in weight order (the first
/// [`NAV_SECTIONS`]), when any does; otherwise the
/// [`NAV_SECTIONS`] largest, in the site's order. An archive with 500 bundle folders or 140
/// month folders must still get a header that fits on a line.
fn nav_sections<'a>(site: &'a Site, urls: &Urls) -> Vec<TermCount<'a>> {
    let meta = |i: usize| {
        site.section_metas
            .get(i)
            .copied()
            .flatten()
            .and_then(|m| site.list_metas.get(m))
    };
    let mut weighted: Vec<(i64, usize)> = (0..site.sections.len())
        .filter_map(|i| meta(i).and_then(|m| m.weight).map(|w| (w, i)))
        .collect();
    let chosen: Vec<usize> = if weighted.is_empty() {
        let mut by_size: Vec<usize> = (0..site.sections.len()).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(site.sections[i].articles.len()));
        by_size.truncate(NAV_SECTIONS);
        // In a stable order (sections are met newest article first, and one new article
        // would reorder the header of every page).
        by_size.sort_by(|&a, &b| site.sections[a].path.cmp(&site.sections[b].path));
        by_size
    } else {
        weighted.sort();
        weighted.truncate(NAV_SECTIONS);
        weighted.into_iter().map(|(_, i)| i).collect()
    };
    chosen
        .into_iter()
        .map(|i| {
            let mut link = TermCount::of(&site.sections[i], urls);
            if let Some(title) = meta(i).and_then(|m| m.title.as_deref()) {
                link.name = std::borrow::Cow::Borrowed(title);
            }
            link
        })
        .collect()
}

/// Every section, by path: sections are met newest article first, and that order would
/// change whenever the newest article is in another section.
fn sections_in_path_order<'a>(site: &'a Site, urls: &Urls) -> Vec<TermCount<'a>> {
    let mut sections: Vec<&Term> = site.sections.iter().collect();
    sections.sort_by(|a, b| a.path.cmp(&b.path));
    sections
        .into_iter()
        .map(|s| TermCount::of(s, urls))
        .collect()
}

/// The `site` variable every page gets, built once per build (twice: with and without
/// [`Counts`]).
pub fn site_value(
    site: &Site,
    urls: &Urls,
    assets: &crate::assets::Assets,
    counts: Counts,
) -> Value {
    let raw = &site.config.raw;
    fn strip(mut terms: Vec<TermCount<'_>>, counts: Counts) -> Vec<TermCount<'_>> {
        if counts == Counts::Without {
            terms.iter_mut().for_each(|t| t.count = None);
        }
        terms
    }
    fn side(terms: Vec<TermCount<'_>>, counts: Counts) -> Vec<TermCount<'_>> {
        match counts {
            Counts::With => terms,
            Counts::Without => Vec::new(),
        }
    }
    let view = SiteView {
        title: &raw.title,
        description: &raw.description,
        base_url: &site.config.base_url,
        root: &site.config.root_path,
        asset_root: site
            .config
            .editions
            .as_ref()
            .filter(|e| e.shared_files.is_some())
            .map_or(&site.config.root_path, |e| &e.hans.root_path),
        language: &raw.language,
        lang: site.strings.lang().code(),
        seo: seo_view(&raw.seo),
        footer: &raw.footer,
        sections: strip(sections_in_path_order(site, urls), counts),
        nav: strip(nav_sections(site, urls), counts),
        hot_tags: side(
            terms_by_count(&site.tags, urls)
                .into_iter()
                .take(HOT_TAGS)
                .collect(),
            counts,
        ),
        months: side(recent_months(site, urls), counts),
        extra: &raw.extra,
        build_year: site
            .articles
            .first()
            .map(|a| a.date.format("%Y").to_string())
            .unwrap_or_default(),
        assets: assets.names(),
        search: true,
        feeds: true,
        hot: site
            .hot
            .iter()
            .map(|h| HotView {
                title: h
                    .title
                    .as_deref()
                    .or_else(|| {
                        h.article
                            .and_then(|i| site.articles.get(i))
                            .map(|a| a.title.as_str())
                    })
                    .unwrap_or_default(),
                url: h.target.href(urls),
                views: h.views,
            })
            .collect(),
        menu: MenuView {
            main: menu_view(&site.menus.main, urls),
            footer: menu_view(&site.menus.footer, urls),
        },
        side: !site.hot.is_empty() || !site.tags.is_empty() || !site.years.is_empty(),
    };
    Value::from_serializable(&view)
}

/// Terms with most articles first, then by name: the order of tag clouds and term indexes.
pub fn terms_by_count<'a>(terms: &'a [Term], urls: &Urls) -> Vec<TermCount<'a>> {
    let mut sorted: Vec<&Term> = terms.iter().collect();
    sorted.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    sorted.into_iter().map(|t| TermCount::of(t, urls)).collect()
}

fn recent_months<'a>(site: &'a Site, urls: &Urls) -> Vec<TermCount<'a>> {
    site.years
        .iter()
        .flat_map(|y| {
            y.months.iter().map(move |m| TermCount {
                name: site.strings.month_name(y.year, m.month).into(),
                url: urls.href(&m.path),
                count: Some(m.articles.len()),
            })
        })
        .take(SIDE_MONTHS)
        .collect()
}
