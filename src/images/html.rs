//! `<picture>` markup: the versions of a picture as `srcset`s, one `<source>` per extra
//! format, with the size the browser needs to lay the page out before any picture loads.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::plan::Purpose;
use super::{Images, Source, Variant};
use crate::content::markdown::BodyImage;
use crate::diagnostics::Diagnostic;
use crate::escape;
use crate::model::{LazyText, Site, unreadable};
use crate::urls::Urls;

/// How wide a body picture or an article's cover shows: the text column (42.5rem, about
/// 680 px) on a wide screen, the screen less its margins on a phone.
pub const BODY_SIZES: &str = "(min-width: 720px) 680px, calc(100vw - 32px)";

/// The fallback `<img src>` is the largest version up to this width: sharp enough for a
/// browser that ignores `srcset` (a feed reader, an old mail client), light enough for
/// one on a phone.
const FALLBACK_WIDTH: u32 = 960;

/// A picture as templates see it (`page.cover_image`, `item.thumbnail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    /// The fallback version (the source's own format).
    pub src: String,
    pub width: u32,
    pub height: u32,
    /// The versions in the source's own format, `url 480w, …`; empty when there are none.
    pub srcset: String,
    /// The extra formats, best first, for `<source type srcset>`.
    pub sources: Vec<PictureSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PictureSource {
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub srcset: String,
}

impl Picture {
    /// The original as it is: no versions (processing off, or the picture unreadable).
    pub fn original(source: &Source, urls: &Urls) -> Picture {
        Picture {
            src: urls.href(&source.rel),
            width: source.probe.width,
            height: source.probe.height,
            srcset: String::new(),
            sources: Vec::new(),
        }
    }

    /// The `<picture>` element (or a plain `<img>` without versions).
    pub fn html(&self, alt: &str, title: &str, sizes: &str, loading: Loading) -> String {
        let mut html = String::with_capacity(256 + 2 * self.srcset.len());
        let wrapped = !self.sources.is_empty();
        if wrapped {
            html.push_str("<picture>");
            for s in &self.sources {
                html.push_str(&format!(
                    "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">",
                    s.mime,
                    escape::html(&s.srcset)
                ));
            }
        }
        html.push_str(&format!("<img src=\"{}\"", escape::html(&self.src)));
        if !self.srcset.is_empty() {
            html.push_str(&format!(
                " srcset=\"{}\" sizes=\"{sizes}\"",
                escape::html(&self.srcset)
            ));
        }
        html.push_str(&format!(
            " width=\"{}\" height=\"{}\" alt=\"{}\"",
            self.width,
            self.height,
            escape::html(alt)
        ));
        if !title.is_empty() {
            html.push_str(&format!(" title=\"{}\"", escape::html(title)));
        }
        html.push_str(match loading {
            Loading::Eager => "",
            Loading::Lazy => " loading=\"lazy\" decoding=\"async\"",
            Loading::Lead => " fetchpriority=\"high\"",
        });
        html.push('>');
        if wrapped {
            html.push_str("</picture>");
        }
        html
    }
}

/// When the browser fetches a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    Eager,
    /// Below the fold: as the reader scrolls to it.
    Lazy,
    /// The page's lead picture: before anything else.
    Lead,
}

/// The picture of `source` made of `planned` versions.
pub fn picture(source: &Source, planned: &[(String, Variant)], urls: &Urls) -> Picture {
    let own = super::plan::own_format(source.probe);
    let mut sources: Vec<PictureSource> = Vec::new();
    let mut own_set: Vec<&(String, Variant)> = Vec::new();
    for entry in planned {
        let format = entry.1.encoding.format;
        if format == own {
            own_set.push(entry);
            continue;
        }
        let item = srcset_item(urls, entry);
        match sources.iter_mut().find(|s| s.mime == format.mime()) {
            Some(s) => {
                s.srcset.push_str(", ");
                s.srcset.push_str(&item);
            }
            None => sources.push(PictureSource {
                mime: format.mime(),
                srcset: item,
            }),
        }
    }
    let Some(largest) = own_set.last() else {
        return Picture::original(source, urls);
    };
    let fallback = own_set
        .iter()
        .rev()
        .find(|(_, v)| v.width <= FALLBACK_WIDTH)
        .unwrap_or(&own_set[0]);
    Picture {
        src: urls.href(&fallback.0),
        width: largest.1.width,
        height: largest.1.height,
        srcset: own_set
            .iter()
            .map(|e| srcset_item(urls, e))
            .collect::<Vec<_>>()
            .join(", "),
        sources,
    }
}

/// `url 480w`, a comma in the URL escaped (commas separate the candidates).
fn srcset_item(urls: &Urls, (rel, variant): &(String, Variant)) -> String {
    format!("{} {}w", urls.href(rel).replace(',', "%2C"), variant.width)
}

/// Plans the versions every page needs: covers (at the head of the article, as a listing
/// thumbnail, as a share card) and body pictures.
pub fn plan_pages(site: &Site, images: &Images) {
    let urls = Urls::new(&site.config);
    let cover = |page_path: &str, reference: &str, share: bool| {
        if let Some(source) = images.find(page_path, reference) {
            images.picture(source, Purpose::Body, &urls);
            images.picture(source, Purpose::Thumbnail, &urls);
            if share {
                images.share_card(source);
            }
        }
    };
    let body = |page_path: &str, pictures: &[BodyImage]| {
        for p in pictures {
            if let Some(source) = images.find(page_path, &p.src) {
                images.picture(source, Purpose::Body, &urls);
            }
        }
    };
    for a in &site.articles {
        if let Some(c) = &a.cover {
            cover(&a.path, c, true);
        }
        body(&a.path, &a.body.images);
    }
    for p in &site.pages {
        if let Some(c) = &p.cover {
            cover(&p.path, c, false);
        }
        body(&p.path, &p.body.images);
    }
    for m in &site.list_metas {
        body(&m.listing_path, &m.body.images);
    }
}

/// Replaces each processed Markdown picture of every body with its `<picture>`; the
/// errors are bodies that could not be read back.
pub fn rewrite_bodies(site: &mut Site, images: &Images) -> Vec<Diagnostic> {
    let urls = Urls::new(&site.config);
    let articles = site.articles.par_iter_mut().filter_map(|a| {
        let page = Page::new(&a.path, a.cover.is_some());
        let (content, pictures) = (&mut a.content, &a.body.images);
        rewrite_body(images, &urls, page, content, pictures, &a.source_path).err()
    });
    let pages = site.pages.par_iter_mut().filter_map(|p| {
        let page = Page::new(&p.path, p.cover.is_some());
        let (content, pictures) = (&mut p.content, &p.body.images);
        rewrite_body(images, &urls, page, content, pictures, &p.source_path).err()
    });
    let errors = articles.chain(pages).collect();
    for m in &mut site.list_metas {
        let page = Page::new(&m.listing_path, false);
        if let Some(new) = rewritten(images, &urls, page, &m.content, &m.body.images) {
            m.content = new;
        }
    }
    errors
}

/// Replaces the processed pictures of one body, read (if it is not held) only when it
/// has one.
fn rewrite_body(
    images: &Images,
    urls: &Urls,
    page: Page<'_>,
    content: &mut LazyText,
    pictures: &[BodyImage],
    source: &Path,
) -> Result<(), Diagnostic> {
    if !pictures
        .iter()
        .any(|p| images.find(page.path, &p.src).is_some())
    {
        return Ok(());
    }
    let new = {
        let html = content.read().map_err(|e| unreadable(source, &e))?;
        rewritten(images, urls, page, &html, pictures)
    };
    if let Some(new) = new {
        *content = new.into();
    }
    Ok(())
}

/// The page a body belongs to.
#[derive(Clone, Copy)]
struct Page<'a> {
    path: &'a str,
    /// A cover heads the page: every body picture is below the fold.
    covered: bool,
}

impl<'a> Page<'a> {
    fn new(path: &'a str, covered: bool) -> Self {
        Page { path, covered }
    }
}

/// Rewrites one article's body (serve swaps an edited article into the model in place).
pub fn rewrite_article(
    images: &Images,
    urls: &Urls,
    article: &mut crate::model::Article,
) -> Result<(), Diagnostic> {
    let page = Page::new(&article.path, article.cover.is_some());
    let (content, pictures) = (&mut article.content, &article.body.images);
    rewrite_body(images, urls, page, content, pictures, &article.source_path)
}

/// `content` with the tags of `pictures` replaced, in order; None when none is processed.
fn rewritten(
    images: &Images,
    urls: &Urls,
    page: Page<'_>,
    content: &str,
    pictures: &[BodyImage],
) -> Option<String> {
    let mut out = String::new();
    let mut rest = content;
    let mut changed = false;
    for p in pictures {
        let Some(source) = images.find(page.path, &p.src) else {
            continue;
        };
        let Some(at) = rest.find(&p.tag) else {
            continue;
        };
        let picture = images.picture(source, Purpose::Body, urls);
        let loading = if p.lazy || page.covered {
            Loading::Lazy
        } else {
            Loading::Eager
        };
        out.push_str(&rest[..at]);
        out.push_str(&picture.html(&p.alt, &p.title, BODY_SIZES, loading));
        rest = &rest[at + p.tag.len()..];
        changed = true;
    }
    changed.then(|| {
        out.push_str(rest);
        out
    })
}
