//! The Traditional Chinese edition (`[zh_hant]`): a second [`Site`], made from the loaded
//! one by converting what readers read, rendered by the same renderer as the first.
//!
//! Converting the model rather than the rendered pages means each text is converted once
//! (a tag's name, not the copy of it in ten thousand side columns) and markup never is.
//! URL paths, slugs and source paths are left alone, so every page has its counterpart at
//! the same path under the edition's root, and static files, pictures and stylesheets are
//! the Simplified edition's (see [`crate::urls::Urls::href`]).

mod convert;
mod opencc;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

pub use convert::Converter;
pub use opencc::VARIANTS;

use crate::config::{Editions, Script, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::model::{Article, BodyInfo, LazyText, ListMeta, Site, StandalonePage, Term};
use crate::slug::encode_path;

/// `data/zh_hant.*`: the site's own conversions, phrase → phrase.
pub const PINS_DATA: &str = "zh_hant";

/// The Traditional edition of `site` with the warnings met making it (a pinned
/// conversion that is not text), or `None` when the site has no `[zh_hant]` edition.
pub fn hant(site: &Site) -> Option<Result<(Site, Vec<Diagnostic>), Diagnostic>> {
    let editions = site.config.editions.as_ref()?;
    Some(make(site, editions))
}

fn make(site: &Site, editions: &Editions) -> Result<(Site, Vec<Diagnostic>), Diagnostic> {
    let (pins, warnings) = pins(site);
    let converter = Converter::new(&site.config.raw.zh_hant.variant, pins)
        .map_err(|e| Diagnostic::new(crate::config::CONFIG_FILE, e))?;
    let mut hant = site.clone();
    hant.config = edition_config(site, editions);
    let links = LinkMap::new(editions, hant.config.editions.as_ref());
    let convert = Convert {
        converter: &converter,
        links: &links,
    };
    hant.articles
        .par_iter_mut()
        .try_for_each(|a| convert.article(a))?;
    hant.pages
        .par_iter_mut()
        .try_for_each(|p| convert.page(p))?;
    hant.list_metas
        .par_iter_mut()
        .for_each(|m| convert.list_meta(m));
    for terms in [
        &mut hant.sections,
        &mut hant.tags,
        &mut hant.categories,
        &mut hant.folders,
        &mut hant.series,
        &mut hant.authors,
    ] {
        terms.iter_mut().for_each(|t| convert.term(t));
    }
    for item in &mut hant.hot {
        if let Some(title) = &mut item.title {
            *title = converter.text(title);
        }
    }
    for link in hant
        .menus
        .main
        .iter_mut()
        .chain(hant.menus.footer.iter_mut())
    {
        link.name = converter.text(&link.name);
    }
    let mut data = (*site.data).clone();
    converter.json(&mut data);
    hant.data = Arc::new(data);
    convert.config(&mut hant.config);
    // The theme's strings in the edition's language (zh-TW or zh-HK).
    hant.strings = Arc::new(crate::i18n::Strings::for_site(&hant.config));
    Ok((hant, warnings))
}

/// The edition's config: its own address and language, the same everything else.
fn edition_config(site: &Site, editions: &Editions) -> SiteConfig {
    let mut config = site.config.clone();
    let place = &editions.hant;
    config.origin = place.origin.clone();
    config.root_path = place.root_path.clone();
    config.base_url = format!(
        "{}{}",
        place.origin,
        encode_path(&place.root_path).trim_end_matches('/')
    );
    config.raw.language = if config.raw.zh_hant.variant == "s2hk" {
        "zh-HK"
    } else {
        "zh-TW"
    }
    .into();
    let shared_files = editions
        .hant_folder
        .is_some()
        .then(|| Arc::new(shared_files(site)));
    config.editions = Some(Editions {
        current: Script::Hant,
        shared_files,
        ..editions.clone()
    });
    config
}

/// Every file the Simplified edition publishes that is not a page: what the Traditional
/// edition links rather than copies.
fn shared_files(site: &Site) -> HashSet<String> {
    let statics = site.statics.files.iter().map(|f| f.rel.clone());
    let assets = site.statics.assets.files().map(|(rel, _)| rel.to_string());
    let bundles = site.bundle_files.iter().map(|f| f.rel.clone());
    statics.chain(assets).chain(bundles).collect()
}

/// The pinned conversions in `data/zh_hant.*` (a table of phrase = phrase), longest
/// first being the matcher's business; a value that is not text is a warning at its line.
fn pins(site: &Site) -> (Vec<(String, String)>, Vec<Diagnostic>) {
    let Some(table) = site.data.get(PINS_DATA).and_then(|v| v.as_object()) else {
        return (Vec::new(), Vec::new());
    };
    let mut pins = Vec::new();
    let mut warnings = Vec::new();
    for (from, to) in table {
        match to.as_str() {
            Some(to) => pins.push((from.clone(), to.to_string())),
            None => {
                let root = &site.config.root;
                let (file, line, col) = crate::data::position(root, PINS_DATA, from)
                    .unwrap_or_else(|| (format!("data/{PINS_DATA}.toml").into(), 1, 1));
                warnings.push(
                    Diagnostic::warning(
                        file,
                        format!("the conversion of `{from}` is not text, so it is not used"),
                    )
                    .at(line, col)
                    .hint("write each pinned conversion as a phrase: \"硅基日报\" = \"矽基日報\""),
                );
            }
        }
    }
    (pins, warnings)
}

/// Links in bodies, moved to the Traditional edition: a host-relative link to a page goes
/// to its counterpart, a relative link to a shared file (a bundle's PDF) to the Simplified
/// edition's copy; links to shared files and to other sites stay.
struct LinkMap {
    /// `(from, to)` root paths, percent-encoded, when they differ.
    roots: Option<(String, String)>,
    shared: Option<Arc<HashSet<String>>>,
}

impl LinkMap {
    fn new(editions: &Editions, hant: Option<&Editions>) -> Self {
        let from = encode_path(&editions.hans.root_path);
        let to = encode_path(&editions.hant.root_path);
        LinkMap {
            roots: (from != to).then_some((from, to)),
            shared: hant.and_then(|e| e.shared_files.clone()),
        }
    }

    fn is_shared(&self, rel: &str) -> bool {
        self.shared
            .as_ref()
            .is_some_and(|files| crate::urls::is_shared_file(rel, files))
    }

    /// `html` of the page at `page_path` (relative to the site root) with its links moved.
    fn body(&self, html: &str, page_path: &str) -> String {
        let Some((from, to)) = &self.roots else {
            return html.to_string();
        };
        crate::urls::map_link_urls(html, |url| {
            if url.starts_with("//") || crate::urls::is_absolute(url) {
                return url.to_string();
            }
            if let Some(rel) = url.strip_prefix(from.as_str()) {
                let decoded = percent_decode_str(rel).decode_utf8_lossy();
                return if self.is_shared(&decoded) {
                    url.to_string()
                } else {
                    format!("{to}{rel}")
                };
            }
            if url.starts_with(['/', '#', '?']) || url.is_empty() {
                return url.to_string();
            }
            let decoded = percent_decode_str(url).decode_utf8_lossy();
            match resolve(page_path, &decoded) {
                Some(rel) if self.is_shared(&rel) => format!("{from}{}", encode_path(&rel)),
                _ => url.to_string(),
            }
        })
    }
}

/// `reference` (relative, decoded) resolved against the folder of the page at
/// `page_path`, as a path under the site root; `None` when it climbs above the root.
fn resolve(page_path: &str, reference: &str) -> Option<String> {
    let folder = match page_path.rfind('/') {
        Some(i) => &page_path[..=i],
        None => "",
    };
    let joined = format!("{folder}{reference}");
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `text` read (from where it is kept, if it is not held), converted and held.
fn convert_lazy(
    text: &mut LazyText,
    source: &Path,
    convert: impl FnOnce(&str) -> String,
) -> Result<(), Diagnostic> {
    let converted = text
        .read()
        .map(|t| convert(&t))
        .map_err(|e| crate::model::unreadable(source, &e))?;
    *text = LazyText::new(converted);
    Ok(())
}

/// One converter and link map, applied to each part of the model.
struct Convert<'a> {
    converter: &'a Converter,
    links: &'a LinkMap,
}

impl Convert<'_> {
    fn text(&self, s: &mut String) {
        *s = self.converter.text(s);
    }

    /// A body's plain text, read back from where it is kept if it is not held.
    fn plain(&self, text: &mut LazyText, source: &Path) -> Result<(), Diagnostic> {
        convert_lazy(text, source, |t| self.converter.text(t))
    }

    /// An article's or page's body HTML, at `page_path`, as [`Convert::html`] converts it.
    fn lazy_html(
        &self,
        html: &mut LazyText,
        page_path: &str,
        source: &Path,
    ) -> Result<(), Diagnostic> {
        convert_lazy(html, source, |h| {
            self.converter.html(&self.links.body(h, page_path))
        })
    }

    fn texts(&self, list: &mut [String]) {
        list.iter_mut().for_each(|s| self.text(s));
    }

    fn option(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.text(s);
        }
    }

    /// A body's HTML, at `page_path`: links moved, then text converted.
    fn html(&self, html: &mut String, page_path: &str) {
        *html = self.converter.html(&self.links.body(html, page_path));
    }

    fn body(&self, body: &mut BodyInfo) {
        fn entries(c: &Converter, list: &mut [crate::content::markdown::TocEntry]) {
            for entry in list {
                entry.title = c.text(&entry.title);
                entries(c, &mut entry.children);
            }
        }
        entries(self.converter, &mut body.toc);
    }

    fn extra(&self, extra: &mut serde_json::Map<String, serde_json::Value>) {
        for value in extra.values_mut() {
            self.converter.json(value);
        }
    }

    fn article(&self, a: &mut Article) -> Result<(), Diagnostic> {
        self.lazy_html(&mut a.content, &a.path, &a.source_path)?;
        self.plain(&mut a.text, &a.source_path)?;
        self.text(&mut a.summary);
        self.text(&mut a.title);
        self.option(&mut a.author);
        self.texts(&mut a.authors);
        self.texts(&mut a.series);
        self.option(&mut a.source);
        self.option(&mut a.original_title);
        self.texts(&mut a.tags);
        self.texts(&mut a.categories);
        self.body(&mut a.body);
        self.extra(&mut a.extra);
        Ok(())
    }

    fn page(&self, p: &mut StandalonePage) -> Result<(), Diagnostic> {
        self.lazy_html(&mut p.content, &p.path, &p.source_path)?;
        self.plain(&mut p.text, &p.source_path)?;
        self.text(&mut p.summary);
        self.text(&mut p.title);
        self.body(&mut p.body);
        self.extra(&mut p.extra);
        Ok(())
    }

    fn list_meta(&self, m: &mut ListMeta) {
        self.option(&mut m.title);
        self.option(&mut m.description);
        self.html(&mut m.content, &m.listing_path);
        self.body(&mut m.body);
        self.extra(&mut m.extra);
    }

    fn term(&self, t: &mut Term) {
        self.text(&mut t.name);
    }

    /// What the theme shows from config.toml: the site's title, description, byline,
    /// footer and `[extra]`.
    fn config(&self, config: &mut SiteConfig) {
        let raw = &mut config.raw;
        self.text(&mut raw.title);
        self.text(&mut raw.description);
        self.text(&mut raw.author);
        self.text(&mut raw.footer.copyright);
        self.text(&mut raw.publisher.name);
        self.texts(&mut raw.seo.keywords);
        // Flat `[strings]` overrides are the site's own words, written in Simplified;
        // `[strings."zh-TW"]` tables are the edition's already.
        for (_, value) in raw.strings.iter_mut() {
            if let toml::Value::String(s) = value {
                self.text(s);
            }
        }
        let mut extra = serde_json::to_value(&raw.extra).unwrap_or_default();
        self.converter.json(&mut extra);
        if let Ok(table) = serde_json::from_value(extra) {
            raw.extra = table;
        }
    }
}

/// Refuses an edition folder (`zh-hant/`) that a page or static file of the Simplified
/// edition already uses: one of the two would silently replace the other.
pub fn check_folder(
    site: &Site,
    plan: &crate::render::Plan<'_>,
    folder: &str,
) -> Result<(), Vec<Diagnostic>> {
    let pages = plan.files.iter().cloned();
    let statics = site.statics.files.iter().map(|f| f.rel.clone());
    let taken: Vec<String> = pages
        .chain(statics)
        .filter(|f| f.starts_with(folder))
        .collect();
    let Some(first) = taken.first() else {
        return Ok(());
    };
    Err(vec![
        Diagnostic::new(
            crate::config::CONFIG_FILE,
            format!(
                "the Traditional edition is published under /{folder}, where the site \
                 already has {} file(s), the first /{first}",
                taken.len()
            ),
        )
        .hint("choose another folder with [zh_hant] path = \"…\", or move those files"),
    ])
}

/// Whether a generated file of the Traditional edition is one the Simplified edition
/// already publishes for both (`robots.txt`, the IndexNow key file, hashed stylesheets),
/// so it is not written twice.
pub fn is_shared_output(file: &str, site: &Site, shared: Option<&HashSet<String>>) -> bool {
    let key_file = site.config.raw.push.indexnow.as_ref();
    file == "robots.txt"
        || key_file.is_some_and(|k| file.strip_suffix(".txt") == Some(k.key.as_str()))
        || shared.is_some_and(|s| s.contains(file))
}

/// One edition of a page, for `<link rel="alternate" hreflang>` and the 简/繁 switch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Alternate {
    /// `zh-Hans`, `zh-Hant`, or `x-default` (the Simplified edition, for everyone else).
    pub hreflang: &'static str,
    /// The switch's label: 简 or 繁.
    pub label: &'static str,
    /// Absolute URL of the page in that edition.
    pub url: String,
    /// What the switch links: the path alone on the same host, else `url`.
    pub href: String,
    /// This is the edition being rendered.
    pub current: bool,
}

/// The editions of the page at `path` (relative to the site root): empty for a site
/// without `[zh_hant]`, else zh-Hans, zh-Hant and x-default.
pub fn alternates(config: &SiteConfig, path: &str) -> Vec<Alternate> {
    let Some(editions) = &config.editions else {
        return Vec::new();
    };
    let at = |script: Script, hreflang: &'static str, label: &'static str| {
        let place = editions.place(script);
        let href = encode_path(&format!(
            "{}{}",
            place.root_path,
            path.trim_start_matches('/')
        ));
        let url = format!("{}{href}", place.origin);
        Alternate {
            hreflang,
            label,
            href: if place.origin == config.origin {
                href
            } else {
                url.clone()
            },
            url,
            current: script == editions.current,
        }
    };
    let default = Alternate {
        current: false,
        ..at(Script::Hans, "x-default", "简")
    };
    vec![
        at(Script::Hans, "zh-Hans", "简"),
        at(Script::Hant, "zh-Hant", "繁"),
        default,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EditionPlace;

    fn link_map(shared: &[&str]) -> LinkMap {
        let place = |root: &str| EditionPlace {
            origin: "https://a.com".into(),
            root_path: root.into(),
        };
        let editions = Editions {
            hans: place("/portal/"),
            hant: place("/portal/zh-hant/"),
            current: Script::Hant,
            hant_folder: Some("zh-hant/".into()),
            shared_files: Some(Arc::new(shared.iter().map(|s| s.to_string()).collect())),
        };
        LinkMap::new(&editions, Some(&editions))
    }

    #[test]
    fn page_links_move_and_shared_files_stay() {
        let map = link_map(&["2026/03/x/report.txt"]);
        let html = "<a href=\"/portal/tags/%E8%8A%AF%E7%89%87/\">t</a>\
                    <img src=\"/portal/img/a.png\"><a href=\"report.txt\">r</a>\
                    <a href=\"../y/\">y</a><a href=\"#s\">s</a><a href=\"https://b.com/\">b</a>";
        assert_eq!(
            map.body(html, "2026/03/x/"),
            "<a href=\"/portal/zh-hant/tags/%E8%8A%AF%E7%89%87/\">t</a>\
             <img src=\"/portal/img/a.png\"><a href=\"/portal/2026/03/x/report.txt\">r</a>\
             <a href=\"../y/\">y</a><a href=\"#s\">s</a><a href=\"https://b.com/\">b</a>"
        );
    }

    #[test]
    fn relative_references_resolve_against_the_page_folder() {
        assert_eq!(
            resolve("2026/03/x/", "a.pdf").as_deref(),
            Some("2026/03/x/a.pdf")
        );
        assert_eq!(
            resolve("2026/03/x/", "../y/b.pdf").as_deref(),
            Some("2026/03/y/b.pdf")
        );
        assert_eq!(resolve("about.html", "./c.png").as_deref(), Some("c.png"));
        assert_eq!(resolve("a/", "../../x"), None);
    }
}
