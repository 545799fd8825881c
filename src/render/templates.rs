//! The Tera instance and the context each kind of page gets.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera, Value};

use super::cards::{self, Cards};
use super::chrome::{self, Chrome};
use super::pages::{Job, Listing, Page, Plan};
use super::paging::{Nav, Numbering, Paging};
use super::refs::{REF_TAGS, Refs};
use super::views::{self, Link};
use crate::diagnostics::Diagnostic;
use crate::model::{Site, unreadable};
use crate::theme;
use crate::urls::Urls;

/// Everything shared by all pages of one build, prepared once.
pub struct Shared<'a> {
    pub site: &'a Site,
    pub plan: &'a Plan<'a>,
    pub urls: Urls,
    /// Each article's ref, made when a page first shows it.
    pub refs: Refs,
    /// Each article's listing entry, rendered when a listing first shows it.
    cards: Cards,
    pub site_value: Value,
    /// The same without what changes with every article published (see
    /// [`views::Counts`]), for pages other than listings.
    pub site_value_without_counts: Value,
    /// The theme's strings (`Site::strings`), for every template as `t`.
    pub strings_value: Value,
    /// The data files (`data/`), for every template as `data`.
    pub data_value: Value,
    /// The header and footer rendered so far, by kind of page.
    chrome: Chrome,
}

impl<'a> Shared<'a> {
    /// The ref of article `i`.
    pub fn article_ref(&self, i: usize) -> Value {
        self.refs.get(self.site, &self.urls, i)
    }

    /// Takes listing entries from the store at `path` where their keys (one per article,
    /// [`super::fingerprint::Prints::cards`]) are found there.
    pub fn keep_cards(&mut self, keys: Vec<u64>, path: &Path) {
        self.cards = Cards::kept(keys, path);
    }

    /// Keeps the listing entries rendered for the next build.
    pub fn save_cards(&self) {
        self.cards.save();
    }

    /// The `site` value `page` is given: with counts for the side column only.
    pub fn site_for(&self, page: &Page) -> &Value {
        if self.inputs(page).shows_counts() {
            &self.site_value
        } else {
            &self.site_value_without_counts
        }
    }

    pub fn new(site: &'a Site, plan: &'a Plan<'a>) -> Self {
        Self::with_refs(site, plan, Refs::lazy(site))
    }

    /// With article refs made earlier ([`Refs::made`]).
    pub fn with_refs(site: &'a Site, plan: &'a Plan<'a>, refs: Refs) -> Self {
        let urls = Urls::new(&site.config);
        let site_value = views::site_value(site, &urls, &site.statics.assets, views::Counts::With);
        Shared {
            chrome: Chrome::new(&site_value),
            site_value,
            site_value_without_counts: views::site_value(
                site,
                &urls,
                &site.statics.assets,
                views::Counts::Without,
            ),
            strings_value: site.strings.value(),
            data_value: Value::from_serializable(&*site.data),
            refs,
            cards: Cards::lazy(site.articles.len()),
            site,
            plan,
            urls,
        }
    }
}

/// Templates, compiled once per build.
pub struct Renderer {
    tera: Tera,
    /// Template name → file it came from, for error messages.
    origins: HashMap<String, String>,
    /// Components whose body calls themselves: where each is defined, to place Tera's
    /// "maximum recursion depth" error, which names no template.
    self_calling: Vec<SelfCalling>,
    /// The pictures of the site being rendered, for `resize_image`.
    images: super::resize::ImagesSlot,
    /// A hash of every template's name and text: part of each page's fingerprint.
    fingerprint: u64,
    /// The list templates given `items_html` ([`cards`]).
    card_templates: std::collections::BTreeSet<String>,
    /// Of those, the ones not given `articles` ([`cards::without_refs`]).
    without_refs: std::collections::BTreeSet<String>,
    /// Which of the header and footer are rendered once per kind of page ([`chrome`]).
    chrome: chrome::Builtin,
}

/// A component that calls itself (legitimate for trees, an error when it never stops).
#[derive(Debug, Clone)]
struct SelfCalling {
    name: String,
    origin: String,
    line: usize,
}

impl Renderer {
    /// Loads the built-in theme and the site's overrides from `root/templates`.
    ///
    /// Every template that does not parse is reported, not only the first (Tera stops at
    /// the first of a batch), and a circular `extends` or `include` names the template and
    /// the line that closes the loop.
    pub fn new(root: &Path) -> Result<Self, Vec<Diagnostic>> {
        let sources = theme::templates(root)?;
        let origins: HashMap<String, String> = sources
            .iter()
            .map(|(name, s)| (name.clone(), s.origin.clone()))
            .collect();
        // Each template parsed alone: a syntax error is the template's own, whatever the
        // others hold (what a template refers to is checked below, with all of them).
        let syntax: Vec<Diagnostic> = sources
            .iter()
            .filter_map(|(name, s)| {
                let err = Tera::new().add_raw_template(name, &s.text).err()?;
                matches!(err.kind(), tera::ErrorKind::SyntaxError(_))
                    .then(|| template_error(&origins, &err))
            })
            .collect();
        if !syntax.is_empty() {
            return Err(syntax);
        }
        let mut tera = Tera::new();
        tera.register_function("get_url", get_url);
        tera.register_filter("fill", crate::i18n::fill_filter);
        tera.register_filter("safe", safe_filter);
        let images = super::resize::ImagesSlot::default();
        super::resize::register(&mut tera, &images);
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, s)| (name.as_str(), s.text.as_str())),
        )
        .map_err(|e| {
            let texts: HashMap<&str, &str> = sources
                .iter()
                .map(|(name, s)| (name.as_str(), s.text.as_str()))
                .collect();
            vec![set_error(&origins, &texts, &e)]
        })?;
        let self_calling = sources
            .values()
            .flat_map(|s| self_calling_components(&s.origin, &s.text))
            .collect();
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            for (name, s) in &sources {
                (name, &s.text).hash(&mut h);
            }
            h.finish()
        };
        let card_templates = cards::card_templates(&tera, &sources);
        let without_refs = cards::without_refs(&card_templates, &sources);
        let chrome = chrome::Builtin::of(&sources);
        Ok(Renderer {
            tera,
            origins,
            self_calling,
            images,
            fingerprint,
            card_templates,
            without_refs,
            chrome,
        })
    }

    /// A hash of the templates (the theme's, overlaid with the site's).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Points `resize_image` at the pictures of the site about to be rendered.
    pub fn use_images(&self, images: &std::sync::Arc<crate::images::Images>) {
        let mut slot = self
            .images
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !std::sync::Arc::ptr_eq(&slot, images) {
            *slot = std::sync::Arc::clone(images);
        }
    }

    /// Renders one planned page to HTML.
    pub fn render_page(&self, shared: &Shared<'_>, page: &Page) -> Result<String, Diagnostic> {
        let mut buf = Vec::new();
        self.render_page_to(shared, page, &mut buf)?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Renders one planned page, appending its HTML to `buf` (reused across pages by the
    /// caller, so rendering thousands of pages does not allocate thousands of buffers).
    pub fn render_page_to(
        &self,
        shared: &Shared<'_>,
        page: &Page,
        buf: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        if let Job::Alias { article } = page.job {
            let html = super::alias::redirect_page(
                &shared.urls,
                &shared.site.articles[article],
                &shared.site.strings,
            );
            buf.extend_from_slice(html.as_bytes());
            return Ok(());
        }
        let inputs = shared.inputs(page);
        if let Inputs::Redirect { path, title } = inputs {
            let html = super::alias::redirect_to(&shared.urls, path, title, &shared.site.strings);
            buf.extend_from_slice(html.as_bytes());
            return Ok(());
        }
        let (template, mut context) = context_for(shared, page, &self.without_refs)?;
        let counts = inputs.shows_counts();
        shared
            .chrome
            .give(self.chrome, counts, &mut context, |name, context| {
                self.tera
                    .render(name, context)
                    .map_err(|e| self.render_error(name, &e))
            })
            .map_err(|d| d.on_page(&page.path))?;
        if let Inputs::Listing { articles, lead, .. } = inputs
            && self.card_templates.contains(template)
        {
            let cards = listed(articles, lead)
                .map(|i| self.card(shared, i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|d| d.on_page(&page.path))?;
            context.insert_value("items_html", Value::from(cards));
        }
        self.tera
            .render_to(template, &context, buf)
            .map_err(|e| self.render_error(template, &e).on_page(&page.path))
    }

    /// Article `i`'s listing entry: the item template run on its ref, once per build.
    fn card(&self, shared: &Shared<'_>, i: usize) -> Result<Value, Diagnostic> {
        shared.cards.get(i, || {
            let mut context = Context::new();
            context.insert_value("item", shared.article_ref(i));
            context.insert_value("t", shared.strings_value.clone());
            self.tera
                .render(cards::ITEM_TEMPLATE, &context)
                .map_err(|e| self.render_error(cards::ITEM_TEMPLATE, &e))
        })
    }

    /// Places a rendering error: Tera's own place, or for runaway component recursion
    /// (reported by Tera without a place) the component that calls itself.
    fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let runaway = matches!(e.kind(), tera::ErrorKind::Msg(m) if m.contains("recursion depth"));
        if !runaway {
            return template_error(&self.origins, e);
        }
        let hint = "give the component a condition that stops calling itself, or pass less deeply nested data";
        match self.self_calling.first() {
            Some(c) => Diagnostic::new(
                &c.origin,
                format!(
                    "the component `{}` calls itself without end (Tera stops at 20 levels)",
                    c.name
                ),
            )
            .line(c.line)
            .hint(hint),
            None => Diagnostic::new(
                origin_of(&self.origins, template),
                "components call one another without end (Tera stops at 20 levels)",
            )
            .hint(hint),
        }
    }
}

/// Gives the maps Tera makes (each page's context, each ref) their hash seeds from a counter
/// per thread. ahash, Tera's hash, takes each new map's seed from one counter every thread
/// adds to, and two cores making maps for every page fought over its cache line (0.6 % of
/// a cold build's samples). Call it before any map is made; called later, it changes
/// nothing (ahash keeps its own counter: slower, nothing worse).
pub fn seed_maps_per_thread() {
    struct PerThread;
    impl ahash::random_state::RandomSource for PerThread {
        fn gen_hasher_seed(&self) -> usize {
            thread_local! {
                static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
            }
            NEXT.with(|next| {
                // As ahash's own: a counter stepped by an address, here the thread's own.
                let seed = next.get().wrapping_add(std::ptr::from_ref(next) as usize);
                next.set(seed);
                seed
            })
        }
    }
    // Refused only when a source is already in use: see above.
    let _ = ahash::random_state::set_random_source(PerThread);
}

/// Tera's `safe`, without its copy: the built-in one writes the string it marks into a new
/// one, which for `{{ page.content | safe }}` is every article's HTML copied once more per
/// page. This one marks the value it is given (a string shares its text). What comes out is
/// the same: a string marked safe, anything else written as text first.
fn safe_filter(value: Value, _: tera::Kwargs, _: &tera::State) -> Value {
    if value.as_str().is_some() {
        value.mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// `get_url(path="css/style.css")`: the href of a file or page under the site root, with
/// the base path prepended, percent-encoded, and the content-hashed name for stylesheets and
/// scripts. Absolute URLs pass through. The one way templates should build URLs.
fn get_url(kwargs: tera::Kwargs, state: &tera::State) -> tera::TeraResult<String> {
    let path = kwargs.must_get::<&str>("path")?;
    if crate::urls::is_absolute(path) {
        return Ok(path.to_string());
    }
    let site: Value = state.get("site")?.unwrap_or_else(Value::none);
    let root = site
        .get_from_path("root")
        .and_then(Value::as_str)
        .unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let hashed = site
        .get_from_path("assets")
        .and_then(Value::as_map)
        .and_then(|m| m.get(&tera::value::Key::Str(rel)))
        .and_then(Value::as_str);
    // A stylesheet or picture is the Simplified edition's in a Traditional one.
    let is_asset = hashed.is_some() || crate::urls::is_shared_file(rel, &Default::default());
    let root = match site.get_from_path("asset_root").and_then(Value::as_str) {
        Some(asset_root) if is_asset => asset_root,
        _ => root,
    };
    // Encoded a part at a time, as the two joined would be: every page asks for several.
    let rel = hashed.unwrap_or(rel);
    let mut url = String::with_capacity(root.len() + rel.len());
    crate::slug::push_encoded_path(&mut url, root);
    crate::slug::push_encoded_path(&mut url, rel);
    Ok(url)
}

/// Maps an error of the whole set of templates: a loop of `extends` or `include` is
/// placed at the statement that closes it (Tera names only the templates).
fn set_error(
    origins: &HashMap<String, String>,
    texts: &HashMap<&str, &str>,
    e: &tera::Error,
) -> Diagnostic {
    let (keyword, chain) = match e.kind() {
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            let mut chain = vec![tpl.clone()];
            chain.extend(inheritance_chain.iter().cloned());
            ("extends", chain)
        }
        tera::ErrorKind::CircularInclude { include_chain, .. } => {
            ("include", include_chain.clone())
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let origin = origin_of(origins, current);
            let line = statement_line(texts.get(current.as_str()).copied(), "extends", parent);
            return Diagnostic::new(origin, format!("extends `{parent}`, which does not exist"))
                .line(line)
                .hint("add the template to templates/, or correct its name");
        }
        _ => return template_error(origins, e),
    };
    let n = chain.len();
    let (from, to) = match (n.checked_sub(2).map(|i| &chain[i]), chain.last()) {
        (Some(from), Some(to)) => (from, to),
        _ => return template_error(origins, e),
    };
    let line = statement_line(texts.get(from.as_str()).copied(), keyword, to);
    Diagnostic::new(
        origin_of(origins, from),
        format!(
            "circular `{keyword}`: {} (each template {keyword}s the next)",
            chain.join(" → ")
        ),
    )
    .line(line)
    .hint(format!("remove the `{keyword}` of `{to}` here, or make one of the templates stop at a template that does not lead back"))
}

/// Components defined in `text` whose body calls the component itself, with the line of
/// `{% component NAME(`.
fn self_calling_components(origin: &str, text: &str) -> Vec<SelfCalling> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("component ") {
        let offset = text.len() - rest.len() + at;
        rest = &rest[at + "component ".len()..];
        let opened =
            text[..offset].trim_end().ends_with("{%") || text[..offset].trim_end().ends_with("{%-");
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !opened || name.is_empty() {
            continue;
        }
        let body_end = rest.find("endcomponent").unwrap_or(rest.len());
        let body = &rest[name.len()..body_end];
        let calls_itself = [" ", "/", "\n"]
            .iter()
            .any(|after| body.contains(&format!("<{name}{after}")));
        if calls_itself {
            found.push(SelfCalling {
                origin: origin.to_string(),
                line: text[..offset].matches('\n').count() + 1,
                name,
            });
        }
    }
    found
}

/// The file a template came from, for a template sitegen knows.
fn origin_of(origins: &HashMap<String, String>, name: &str) -> String {
    origins
        .get(name)
        .cloned()
        .unwrap_or_else(|| format!("templates/{name}"))
}

/// 1-based line of the first `{% keyword "target" %}` in `text` (1 if not found).
fn statement_line(text: Option<&str>, keyword: &str, target: &str) -> usize {
    let quoted = [format!("\"{target}\""), format!("'{target}'")];
    text.and_then(|text| {
        text.lines().position(|line| {
            line.contains(keyword) && quoted.iter().any(|q| line.contains(q.as_str()))
        })
    })
    .map_or(1, |i| i + 1)
}

/// Maps a Tera error to `templates/NAME.html:line:col`.
fn template_error(origins: &HashMap<String, String>, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let origin = origins
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| format!("templates/{}", r.filename()));
            Diagnostic::new(origin, r.message()).at(r.span().start_line, r.span().start_col + 1)
        }
        _ => Diagnostic::new("templates", e.to_string()),
    }
}

/// What one page shows: everything its template context is made from, besides the
/// site-wide `site` value and the config. [`context_for`] builds the context from these
/// alone, and `serve` hashes them to know whether a page must be rendered again, so the
/// two cannot drift apart: a page whose inputs are equal renders the same.
///
/// Articles appear by index; what of them a page shows is their ref (see
/// [`super::refs`]), or for the article's own page and its redirects, the article.
#[derive(Debug, Clone, Copy)]
pub enum Inputs<'a> {
    Article {
        article: usize,
        prev: Option<usize>,
        next: Option<usize>,
        related: &'a [usize],
        /// The 专题 it is in, with its place in each (`series_terms[place.series]`).
        series: &'a [crate::model::SeriesPlace],
        series_terms: &'a [crate::model::Term],
    },
    Listing {
        listing: &'a Listing<'a>,
        /// Its number ([`Paging`] says which end it counts from).
        page: usize,
        /// How the listing's articles fall on its pages.
        paging: Paging,
        /// The articles on this page.
        articles: &'a [usize],
        /// The lead slots shown above them (page 1 of the home page), which the list
        /// below leaves out.
        lead: &'a [usize],
    },
    Terms {
        taxonomy: Taxonomy,
        terms: &'a [crate::model::Term],
    },
    Archives {
        years: &'a [crate::model::YearArchive],
    },
    /// `/专题/`: each series with its `_index.md` (`metas` parallel to `series`, into
    /// `list_metas`).
    SeriesIndex {
        series: &'a [crate::model::Term],
        metas: &'a [Option<usize>],
        list_metas: &'a [crate::model::ListMeta],
        /// `data.series`: descriptions and covers of hubs without an `_index.md`.
        data: Option<&'a serde_json::Value>,
    },
    /// `/authors/`: each author, with `data.authors`.
    AuthorIndex {
        authors: &'a [crate::model::Term],
        data: Option<&'a serde_json::Value>,
    },
    Search,
    NotFound,
    /// The side column's fragment: the site with its counts, nothing else.
    Side,
    Alias {
        article: usize,
    },
    /// A standalone page: all of it.
    Page {
        page: &'a crate::model::StandalonePage,
    },
    /// A redirect to a standalone page or a listing (aliases in their front matter).
    Redirect {
        path: &'a str,
        title: &'a str,
    },
}

impl Inputs<'_> {
    /// Whether the page is given the site with its counts ([`views::Counts`]): only the
    /// side column's fragment is. Listings show their own counts from their inputs.
    pub fn shows_counts(&self) -> bool {
        match self {
            Inputs::Side => true,
            Inputs::Listing { .. }
            | Inputs::Terms { .. }
            | Inputs::Archives { .. }
            | Inputs::SeriesIndex { .. }
            | Inputs::AuthorIndex { .. }
            | Inputs::Article { .. }
            | Inputs::Search
            | Inputs::NotFound
            | Inputs::Alias { .. }
            | Inputs::Page { .. }
            | Inputs::Redirect { .. } => false,
        }
    }
}

/// The two taxonomies with an index page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Taxonomy {
    Tags,
    Categories,
}

impl Taxonomy {
    fn view(self, strings: &crate::i18n::Strings) -> TaxonomyView<'_> {
        let (kind, key) = match self {
            Taxonomy::Tags => ("tags", "tags"),
            Taxonomy::Categories => ("categories", "categories"),
        };
        TaxonomyView {
            kind,
            name: strings.get(key),
        }
    }
}

impl Shared<'_> {
    /// What `page` shows.
    pub fn inputs<'s>(&'s self, page: &Page) -> Inputs<'s> {
        let site = self.site;
        match page.job {
            Job::Article(i) => {
                let links = &site.links[i];
                Inputs::Article {
                    article: i,
                    prev: links.prev,
                    next: links.next,
                    related: &links.related,
                    series: &links.series,
                    series_terms: &site.series,
                }
            }
            Job::Listing { listing, page: n } => {
                let l = &self.plan.listings[listing];
                let paging = l.paging(site.config.raw.paginate_by);
                Inputs::Listing {
                    listing: l,
                    page: n,
                    paging,
                    articles: &l.articles[paging.range(n)],
                    lead: if n == paging.first() { &l.lead } else { &[] },
                }
            }
            Job::TagIndex => Inputs::Terms {
                taxonomy: Taxonomy::Tags,
                terms: &site.tags,
            },
            Job::CategoryIndex => Inputs::Terms {
                taxonomy: Taxonomy::Categories,
                terms: &site.categories,
            },
            Job::SeriesIndex => Inputs::SeriesIndex {
                series: &site.series,
                metas: &site.series_metas,
                list_metas: &site.list_metas,
                data: site.data.get("series"),
            },
            Job::AuthorIndex => Inputs::AuthorIndex {
                authors: &site.authors,
                data: site.data.get("authors"),
            },
            Job::Archives => Inputs::Archives { years: &site.years },
            Job::Search => Inputs::Search,
            Job::NotFound => Inputs::NotFound,
            Job::Side => Inputs::Side,
            Job::Alias { article } => Inputs::Alias { article },
            Job::Page(i) => Inputs::Page {
                page: &site.pages[i],
            },
            Job::PageAlias { page } => {
                let p = &site.pages[page];
                Inputs::Redirect {
                    path: &p.path,
                    title: &p.title,
                }
            }
            Job::ListAlias { meta } => {
                let m = &site.list_metas[meta];
                Inputs::Redirect {
                    path: &m.listing_path,
                    title: m.title.as_deref().unwrap_or(&site.config.raw.title),
                }
            }
        }
    }
}

/// The template and context of one page, made from its [`Inputs`] alone.
/// Fails only when the body of an article or page cannot be read back.
/// `without_refs`: the list templates not given `articles` ([`cards::without_refs`]).
fn context_for<'s>(
    shared: &'s Shared<'_>,
    page: &Page,
    without_refs: &std::collections::BTreeSet<String>,
) -> Result<(&'s str, Context), Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert_value("site", shared.site_for(page).clone());
    ctx.insert_value("data", shared.data_value.clone());
    ctx.insert_value("t", shared.strings_value.clone());
    ctx.insert("canonical", &shared.urls.absolute(&page.path));
    ctx.insert(
        "alternates",
        &crate::edition::alternates(&shared.site.config, &page.path),
    );
    let site_title = &shared.site.config.raw.title;
    let strings = &shared.site.strings;
    let seo = &shared.site.config.raw.seo;
    let mut full_title = None;
    let mut keywords: &[String] = &seo.keywords;
    let (template, kind, title) = match shared.inputs(page) {
        Inputs::Article {
            article,
            prev,
            next,
            related,
            series,
            series_terms,
        } => {
            article_context(shared, article, &mut ctx)?;
            ctx.insert_value(
                "series",
                super::series::article_series(shared, series, series_terms),
            );
            let reference =
                |j: Option<usize>| j.map_or_else(Value::none, |j| shared.article_ref(j));
            ctx.insert_value("prev", reference(prev));
            ctx.insert_value("next", reference(next));
            let related: Vec<Value> = related.iter().map(|&j| shared.article_ref(j)).collect();
            ctx.insert_value("related", Value::from(related));
            let a = &shared.site.articles[article];
            full_title = Some(match &a.seo_title {
                Some(t) => t.clone(),
                None => super::seo::article_title(shared.site, article),
            });
            keywords = if !a.keywords.is_empty() {
                &a.keywords
            } else if !seo.keywords.is_empty() {
                &seo.keywords
            } else {
                &a.tags
            };
            ("article.html", "article", a.title.clone())
        }
        Inputs::Listing {
            listing,
            page: n,
            paging,
            articles,
            lead,
        } => {
            let first = n == paging.first();
            let template = listing
                .meta
                .and_then(|m| m.template.as_deref())
                .unwrap_or("list.html");
            if !without_refs.contains(template) {
                let refs: Vec<Value> = listed(articles, lead)
                    .map(|i| shared.article_ref(i))
                    .collect();
                ctx.insert_value("articles", Value::from(refs));
            }
            listing_context(shared, listing, paging.nav(n), &mut ctx);
            lead_context(shared, lead, &mut ctx);
            let title = match (listing.kind, first) {
                (super::ListingKind::Home, true) => String::new(),
                (super::ListingKind::Home, false) => strings.fill("page_n", &[("n", &n)]),
                (_, true) => listing.name.clone(),
                (_, false) => strings.fill("titled_page_n", &[("title", &listing.name), ("n", &n)]),
            };
            (template, listing.kind.as_str(), title)
        }
        Inputs::Page { page } => {
            page_context(shared, page, &mut ctx)?;
            full_title.clone_from(&page.seo_title);
            if !page.keywords.is_empty() {
                keywords = &page.keywords;
            }
            ("page.html", "page", page.title.clone())
        }
        Inputs::Terms { taxonomy, terms } => {
            let view = taxonomy.view(strings);
            ctx.insert("terms", &views::terms_by_count(terms, &shared.urls));
            ctx.insert("taxonomy", &view);
            ("terms.html", view.kind, view.name.to_string())
        }
        Inputs::SeriesIndex { series, .. } => {
            ctx.insert_value("series", super::series::index_value(shared, series));
            ctx.insert("breadcrumb", &super::series::index_breadcrumb(shared));
            (
                "series_index.html",
                "series_index",
                strings.get("series").into(),
            )
        }
        Inputs::AuthorIndex { authors, .. } => {
            ctx.insert_value("authors", super::series::authors_value(shared, authors));
            ctx.insert("breadcrumb", &super::series::index_breadcrumb(shared));
            ("authors.html", "authors", strings.get("authors").into())
        }
        Inputs::Archives { years: list } => {
            ctx.insert("years", &years(shared, list));
            ("archives.html", "archives", strings.get("archives").into())
        }
        Inputs::Search => {
            ctx.insert("search_strings", &strings.search_json());
            ("search.html", "search", strings.get("search").into())
        }
        Inputs::NotFound | Inputs::Alias { .. } | Inputs::Redirect { .. } => {
            ("404.html", "404", strings.get("not_found").into())
        }
        Inputs::Side => ("side.html", "side", strings.get("sidebar").into()),
    };
    ctx.insert("page_kind", kind);
    let page_title = match full_title {
        Some(full) => full,
        None if title.is_empty() => site_title.clone(),
        None => format!("{title} - {site_title}"),
    };
    ctx.insert("page_title", &page_title);
    // Search engines read commas; Baidu asks for ASCII ones.
    ctx.insert("keywords", &keywords.join(","));
    Ok((template, ctx))
}

/// The article page's own view: its ref plus the body and details.
#[derive(Serialize)]
struct ArticleExtra<'a> {
    updated: Option<String>,
    updated_short: Option<String>,
    updated_iso: Option<String>,
    original_title: Option<&'a str>,
    reading_minutes: usize,
    weight: Option<i64>,
    cjk_chars: usize,
    latin_words: usize,
    permalink: String,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    aliases: &'a [String],
}

/// `page.toc`, `page.show_toc` and what the body needs loaded (`page.has_code`,
/// `page.has_math`, `page.has_diagram`), for articles and standalone pages alike.
#[derive(Serialize)]
struct BodyView<'a> {
    toc: &'a [crate::content::markdown::TocEntry],
    /// The theme shows the contents beside a long text: three `##` sections or more,
    /// unless the front matter says `toc = false`.
    show_toc: bool,
    has_code: bool,
    has_math: bool,
    has_diagram: bool,
}

/// Sections a text needs before the theme shows its table of contents.
const TOC_MIN_SECTIONS: usize = 3;

fn body_view(body: &crate::model::BodyInfo) -> BodyView<'_> {
    let sections = body.toc.iter().filter(|e| e.level == 2).count();
    BodyView {
        toc: &body.toc,
        show_toc: body.toc_wanted && sections >= TOC_MIN_SECTIONS,
        has_code: body.has_code,
        has_math: body.has_math,
        has_diagram: body.has_diagram,
    }
}

fn article_context(shared: &Shared<'_>, i: usize, ctx: &mut Context) -> Result<(), Diagnostic> {
    let site = shared.site;
    let a = &site.articles[i];
    let strings = &site.strings;
    let content = a
        .content
        .read()
        .map_err(|e| unreadable(&a.source_path, &e))?;
    let extra = ArticleExtra {
        updated: a.updated.map(|d| strings.date_time(&d)),
        updated_short: a.updated.map(|d| strings.date_short(&d)),
        updated_iso: a.updated.map(|d| d.to_rfc3339()),
        original_title: a.original_title.as_deref(),
        reading_minutes: a.reading_minutes,
        weight: a.weight,
        cjk_chars: a.cjk_chars,
        latin_words: a.latin_words,
        permalink: shared.urls.absolute(&a.path),
        extra: &a.extra,
        aliases: &a.aliases,
    };
    // `cover_absolute`, `modified_iso`, `json_ld` for the head (see `render::seo`).
    let seo = super::seo::article_seo(site, &shared.urls, i);
    let mut page = shared.article_ref(i).into_map().unwrap_or_default();
    // Three values merged rather than one struct with `#[serde(flatten)]`, with which
    // serde buffers every field as a value first (0.9 % of a cold build's samples).
    let parts = [
        Value::from_serializable(&extra),
        Value::from_serializable(&seo),
        Value::from_serializable(&body_view(&a.body)),
    ];
    for more in parts.into_iter().filter_map(Value::into_map) {
        page.extend(more);
    }
    page.insert("content".into(), Value::safe_string(&content));
    // The ref carries the first few tags (for listings); the article's page shows all.
    if site.links.get(i).is_some_and(|l| l.tags.len() > REF_TAGS) {
        page.insert("tags".into(), super::refs::all_tags(site, &shared.urls, i));
        page.insert("tags_more".into(), Value::from(0));
    }
    ctx.insert_value("page", Value::from(page));
    ctx.insert("breadcrumb", &breadcrumb(shared, i));
    Ok(())
}

/// What `page.html` shows of a standalone page.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    summary: &'a str,
    cover: Option<&'a str>,
    weight: Option<i64>,
    /// The front-matter date, if it has one (most pages have none).
    date: Option<String>,
    date_iso: Option<String>,
    updated: Option<String>,
    updated_iso: Option<String>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    aliases: &'a [String],
    #[serde(flatten)]
    body: BodyView<'a>,
}

fn page_context(
    shared: &Shared<'_>,
    p: &crate::model::StandalonePage,
    ctx: &mut Context,
) -> Result<(), Diagnostic> {
    let content = p
        .content
        .read()
        .map_err(|e| unreadable(&p.source_path, &e))?;
    let strings = &shared.site.strings;
    let view = PageView {
        title: &p.title,
        url: shared.urls.href(&p.path),
        permalink: shared.urls.absolute(&p.path),
        summary: &p.summary,
        cover: p.cover.as_deref(),
        weight: p.weight,
        date: p.date.map(|d| strings.date_time(&d)),
        date_iso: p.date.map(|d| d.to_rfc3339()),
        updated: p.updated.map(|d| strings.date_time(&d)),
        updated_iso: p.updated.map(|d| d.to_rfc3339()),
        extra: &p.extra,
        aliases: &p.aliases,
        body: body_view(&p.body),
    };
    let mut value = Value::from_serializable(&view)
        .into_map()
        .unwrap_or_default();
    value.insert("content".into(), Value::safe_string(&content));
    let site = shared.site;
    views::cover_values(
        &mut value,
        &shared.urls,
        &site.images,
        &p.path,
        p.cover.as_deref(),
    );
    ctx.insert_value("page", Value::from(value));
    let home = Link {
        name: strings.get("home"),
        url: shared.urls.href(""),
    };
    ctx.insert("breadcrumb", &vec![home]);
    Ok(())
}

/// 首页 › section › each category, in front-matter order, every item a link.
fn breadcrumb<'a>(shared: &'a Shared<'_>, i: usize) -> Vec<Link<'a>> {
    let site = shared.site;
    let links = &site.links[i];
    let mut trail = vec![Link {
        name: site.strings.get("home"),
        url: shared.urls.href(""),
    }];
    if let Some(s) = links.section {
        trail.push(Link::of(&site.sections[s], &shared.urls));
    }
    trail.extend(
        links
            .categories
            .iter()
            .map(|&c| Link::of(&site.categories[c], &shared.urls)),
    );
    trail
}

#[derive(Serialize)]
struct ListingView<'a> {
    kind: &'static str,
    name: &'a str,
    url: String,
}

/// `paginator` in list templates: [`Nav`] with URLs. `prev` is the newer page, `next`
/// the older.
#[derive(Serialize)]
struct Paginator {
    current: usize,
    /// Whether this is the listing's own URL, its first page.
    first: bool,
    /// None with `stable_pagination`, where no page may show how many pages there are.
    total: Option<usize>,
    /// None on the numbered pages of `stable_pagination`.
    total_articles: Option<usize>,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

/// One entry of the numbered page links; a `gap` stands for a run of hidden pages (`…`),
/// `newest` for the listing's own URL where numbers count from the oldest.
#[derive(Serialize, Debug, PartialEq)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    gap: bool,
    newest: bool,
}

/// The articles a listing page gives as `articles`: its own, less the lead slots shown
/// above them.
fn listed<'p>(on_page: &'p [usize], lead: &'p [usize]) -> impl Iterator<Item = usize> + 'p {
    on_page.iter().copied().filter(|i| !lead.contains(i))
}

fn listing_context(shared: &Shared<'_>, l: &Listing<'_>, nav: Nav, ctx: &mut Context) {
    let url = |k: usize| shared.urls.href(&l.page_path(k));
    let stable = l.numbering == Numbering::FromOldest;
    let paginator = Paginator {
        current: nav.current,
        first: nav.first,
        total: nav.total,
        total_articles: nav.total_articles,
        prev_url: nav.newer.map(url),
        next_url: nav.older.map(url),
        pages: nav
            .shown
            .iter()
            .map(|&k| PageLink {
                number: k.unwrap_or(0),
                url: k.map(url).unwrap_or_default(),
                current: k == Some(nav.current),
                gap: k.is_none(),
                newest: stable && k == Some(0),
            })
            .collect(),
    };
    ctx.insert(
        "listing",
        &ListingView {
            kind: l.kind.as_str(),
            name: &l.name,
            url: shared.urls.href(&l.path),
        },
    );
    ctx.insert("paginator", &paginator);
    ctx.insert_value("section", section_value(l.meta));
    super::series::listing_extras(shared, l, ctx);
}

/// `lead`: the refs of the lead slots (none but on page 1 of the home page).
fn lead_context(shared: &Shared<'_>, lead: &[usize], ctx: &mut Context) {
    let refs: Vec<Value> = lead.iter().map(|&i| shared.article_ref(i)).collect();
    ctx.insert_value("lead", Value::from(refs));
}

/// What list templates see of the listing's `_index.md` as `section`: title,
/// description, content (safe HTML), extra, weight, transparent, and what the content needs
/// loaded (has_code, has_math, has_diagram); none without one.
fn section_value(meta: Option<&crate::model::ListMeta>) -> Value {
    let Some(m) = meta.filter(|m| !m.from_config()) else {
        return Value::none();
    };
    let mut map = tera::Map::default();
    let text = |t: &Option<String>| t.as_deref().map_or_else(Value::none, Value::from);
    map.insert("title".into(), text(&m.title));
    map.insert("description".into(), text(&m.description));
    map.insert("content".into(), Value::safe_string(&m.content));
    map.insert("extra".into(), Value::from_serializable(&m.extra));
    map.insert(
        "weight".into(),
        m.weight.map_or_else(Value::none, Value::from),
    );
    map.insert("transparent".into(), Value::from(m.transparent));
    map.insert("has_code".into(), Value::from(m.body.has_code));
    map.insert("has_math".into(), Value::from(m.body.has_math));
    map.insert("has_diagram".into(), Value::from(m.body.has_diagram));
    Value::from(map)
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct YearView {
    year: String,
    url: String,
    count: usize,
    months: Vec<MonthView>,
}

#[derive(Serialize)]
struct MonthView {
    month: String,
    name: String,
    url: String,
    count: usize,
}

fn years(shared: &Shared<'_>, list: &[crate::model::YearArchive]) -> Vec<YearView> {
    list.iter()
        .map(|y| YearView {
            year: format!("{:04}", y.year),
            url: shared.urls.href(&y.path),
            count: y.articles.len(),
            months: y
                .months
                .iter()
                .map(|m| MonthView {
                    month: format!("{:02}", m.month),
                    name: shared.site.strings.month_name(y.year, m.month),
                    url: shared.urls.href(&m.path),
                    count: m.articles.len(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `{{ x | safe }}` for each value, with Tera's own `safe` or with ours.
    fn rendered(ours: bool, values: &[Value]) -> Vec<String> {
        let mut tera = Tera::new();
        if ours {
            tera.register_filter("safe", safe_filter);
        }
        tera.add_raw_template("t.html", "[{{ x | safe }}|{{ x }}]")
            .expect("the template parses");
        values
            .iter()
            .map(|x| {
                let mut context = Context::new();
                context.insert("x", x);
                tera.render("t.html", &context).expect("it renders")
            })
            .collect()
    }

    #[test]
    fn safe_gives_what_teras_own_gives() {
        let long = "<p>正文 &amp; \"引号\"</p>".repeat(40);
        let values = [
            Value::from("<b>短</b> & 'x'"),
            Value::from(long.as_str()),
            Value::safe_string(&long),
            Value::from(42),
            Value::from(1.5),
            Value::from(true),
            Value::from(vec![Value::from("<i>"), Value::from(3)]),
            Value::none(),
        ];
        let ours = rendered(true, &values);
        assert_eq!(ours, rendered(false, &values));
        assert!(
            ours[0].starts_with("[<b>短</b> & 'x'|&lt;b&gt;"),
            "{}",
            ours[0]
        );
    }
}
