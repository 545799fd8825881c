//! The site model kept between builds, with each article's serialised ref.
//!
//! When saved articles keep their date, section, tags, categories, series and authors (a
//! text or title edit), they replace their old selves in place: the order, listings,
//! neighbours and related lists cannot have changed, and only their own refs are
//! serialised again. When only their dates, tags or categories changed, the model's
//! indexes are rebuilt around them ([`super::reshape`]). Any other change (new or deleted
//! articles, a moved URL, a future article coming due) assembles the model afresh from the
//! articles it already holds. Either way, unchanged articles whose terms read the same keep
//! their refs.
//!
//! Articles are moved, never copied, between the parse cache and the model.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::Value;

use super::reshape::{self, Slugs};
use super::sources::{Parsed, Source, Sources};
use crate::config::SiteConfig;
use crate::content::ignore::Ignore;
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::{self, Article, Site, Term};
use crate::render::fingerprint::hash_value;
use crate::render::refs;
use crate::statics::Statics;
use crate::urls::Urls;

/// The model, with what is kept per article (parallel to `site.articles`).
pub(crate) struct Model {
    /// Shared with the background worker that makes feeds and the search index; an edit
    /// while it works copies the site ([`Arc::make_mut`]) rather than waiting.
    pub site: Arc<Site>,
    /// Source path → index in `site.articles`.
    positions: HashMap<PathBuf, usize>,
    /// The version of each article's parse.
    pub versions: Vec<u64>,
    pub refs: Vec<Value>,
    /// [`hash_value`] of each ref.
    pub ref_hashes: Vec<u64>,
    /// [`term_signatures`]: what each ref shows of the rest of the site.
    signatures: Vec<u64>,
}

#[derive(Default)]
pub(crate) struct Live {
    pub model: Option<Model>,
    /// The earliest date of a future article held back, if any: the model must take it
    /// in once that time comes.
    held_until: Option<DateTime<FixedOffset>>,
    /// What the last update's internal-link resolution warned about (only articles taken
    /// in by it are resolved, so these are new).
    pub link_warnings: Vec<Diagnostic>,
    /// Term names slugged so far, for [`reshape`].
    slugs: Slugs,
}

impl Live {
    /// Brings the model up to date with `sources`. Returns what it did, for the timings.
    pub fn update(
        &mut self,
        sources: &mut Sources,
        config: SiteConfig,
        statics: &Arc<Statics>,
        data: &Arc<serde_json::Value>,
        future: bool,
    ) -> &'static str {
        let now = crate::site::now(config.offset);
        let held_due = self.held_until.is_some_and(|t| future || t <= now);
        if let Some(model) = &mut self.model
            && !held_due
            && Arc::ptr_eq(&model.site.data, data)
        {
            // A stylesheet edit changes hashed names on every page without touching an
            // article. (The clock is taken in when the model is assembled: a preview's
            // news sitemap may lag by minutes.)
            if !Arc::ptr_eq(&model.site.statics, statics) {
                Arc::make_mut(&mut model.site).statics = Arc::clone(statics);
            }
            if sources.dirty.is_empty() {
                return "model unchanged";
            }
            let due = |a: &Article| future || a.date <= now;
            if let Some(warnings) = model.replace_in_place(sources, due) {
                self.link_warnings = warnings;
                return "model updated in place";
            }
            if let Some(warnings) = model.reshape(sources, due, &mut self.slugs) {
                self.link_warnings = warnings;
                return "model re-indexed";
            }
        }
        self.assemble(sources, config, Arc::clone(statics), data, future, now);
        "model assembled"
    }

    /// Assembles the model from the articles it held that are still current plus every
    /// waiting article that is due.
    fn assemble(
        &mut self,
        sources: &mut Sources,
        config: SiteConfig,
        statics: Arc<Statics>,
        data: &Arc<serde_json::Value>,
        future: bool,
        now: DateTime<FixedOffset>,
    ) {
        let mut reusable: HashMap<PathBuf, (u64, Value, u64)> = HashMap::new();
        let earlier_images = self.model.as_ref().map(|m| Arc::clone(&m.site.images));
        let mut articles = match self.model.take() {
            Some(old) => {
                let signatures = term_signatures(&old.site);
                for (i, a) in old.site.articles.iter().enumerate() {
                    if !sources.dirty.contains(&a.source_path) {
                        let kept = (signatures[i], old.refs[i].clone(), old.ref_hashes[i]);
                        reusable.insert(a.source_path.clone(), kept);
                    }
                }
                Arc::try_unwrap(old.site)
                    .map_or_else(|site| site.articles.clone(), |site| site.articles)
            }
            None => Vec::new(),
        };
        articles.retain(|a| {
            sources
                .files
                .get(&a.source_path)
                .is_some_and(|s| matches!(s.parsed, Parsed::InSite))
        });
        self.held_until = None;
        for source in sources.files.values_mut() {
            let Parsed::Waiting(article) = &source.parsed else {
                continue;
            };
            if future || article.date <= now {
                if let Parsed::Waiting(article) =
                    std::mem::replace(&mut source.parsed, Parsed::InSite)
                {
                    articles.push(*article);
                }
            } else if self.held_until.is_none_or(|t| article.date < t) {
                self.held_until = Some(article.date);
            }
        }
        sources.dirty.clear();
        let (articles, left_out, duplicates) = model::dedupe(articles);
        // Left out for now, not forgotten: they are weighed again at the next assembly.
        for article in left_out {
            if let Some(source) = sources.files.get_mut(&article.source_path) {
                source.parsed = Parsed::Waiting(Box::new(article));
            }
        }
        let mut site = model::assemble(config, articles, statics, now);
        site.data = Arc::clone(data);
        let kinds = kinds_of(sources, &site.articles, &site.config.ignore);
        self.link_warnings = duplicates;
        self.link_warnings.extend(model::attach(&mut site, kinds));
        self.link_warnings.extend(model::front::arrange(&mut site));
        self.link_warnings.extend(model::refs::resolve(
            &mut site.articles,
            &mut site.pages,
            &Urls::new(&site.config),
        ));
        // Versions are made when the browser first asks for them (see `http::find`).
        self.link_warnings.extend(crate::images::prepare(
            &mut site,
            crate::images::Mode::OnDemand,
            &crate::progress::Progress::default(),
        ));
        if let Some(earlier) = earlier_images {
            site.images.inherit(&earlier);
        }
        let positions = site
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.source_path.clone(), i))
            .collect();
        let versions = site
            .articles
            .iter()
            .map(|a| sources.files.get(&a.source_path).map_or(0, |s| s.version))
            .collect();
        let urls = Urls::new(&site.config);
        let signatures = term_signatures(&site);
        let (refs, ref_hashes) = if reusable.is_empty() {
            // All at once, the way `build` makes them: refs share each term's value (a
            // tag's name and URL) where refs made one by one would each hold a copy,
            // 35 MB more at 10,000 articles.
            let refs = refs::article_refs(&site, &urls);
            let hashes = refs.par_iter().map(hash_value).collect();
            (refs, hashes)
        } else {
            (0..site.articles.len())
                .into_par_iter()
                .map(|i| match reusable.get(&site.articles[i].source_path) {
                    Some((signature, value, hash)) if *signature == signatures[i] => {
                        (value.clone(), *hash)
                    }
                    _ => {
                        let value = refs::article_ref_value(&site, &urls, i);
                        let hash = hash_value(&value);
                        (value, hash)
                    }
                })
                .unzip()
        };
        self.model = Some(Model {
            site: Arc::new(site),
            positions,
            versions,
            refs,
            ref_hashes,
            signatures,
        });
    }
}

impl Model {
    /// Swaps the dirty articles in if every one of them can take its old self's place,
    /// returning what resolving their internal links warned about; otherwise changes
    /// nothing and returns None.
    fn replace_in_place(
        &mut self,
        sources: &mut Sources,
        due: impl Fn(&Article) -> bool,
    ) -> Option<Vec<Diagnostic>> {
        let fits = sources.dirty.iter().all(|path| {
            match (self.positions.get(path), sources.files.get(path)) {
                (
                    Some(&i),
                    Some(Source {
                        parsed: Parsed::Waiting(a),
                        ..
                    }),
                ) => due(a) && same_shape(&self.site.articles[i], a),
                _ => false,
            }
        });
        if !fits {
            return None;
        }
        let urls = Urls::new(&self.site.config);
        let mut swapped = Vec::new();
        for path in sources.dirty.drain() {
            let (Some(&i), Some(source)) =
                (self.positions.get(&path), sources.files.get_mut(&path))
            else {
                continue;
            };
            if let Parsed::Waiting(article) = std::mem::replace(&mut source.parsed, Parsed::InSite)
            {
                Arc::make_mut(&mut self.site).articles[i] = *article;
                self.versions[i] = source.version;
                swapped.push(i);
            }
        }
        let site = Arc::make_mut(&mut self.site);
        let mut warnings =
            model::refs::resolve_in(&mut site.articles, &site.pages, &urls, &swapped);
        let images = Arc::clone(&site.images);
        for &i in &swapped {
            let rewritten =
                crate::images::html::rewrite_article(&images, &urls, &mut site.articles[i]);
            warnings.extend(rewritten.err());
        }
        for i in swapped {
            self.refs[i] = refs::article_ref_value(&self.site, &urls, i);
            self.ref_hashes[i] = hash_value(&self.refs[i]);
        }
        Some(warnings)
    }
}

impl Model {
    /// Takes the dirty articles in when only their dates, tags or categories (besides what
    /// [`Model::replace_in_place`] takes) changed: the indexes are rebuilt around them
    /// ([`reshape`]), refs made again for them and for the articles whose terms now read
    /// otherwise. Returns what resolving their internal links warned about; otherwise
    /// changes nothing and returns None.
    fn reshape(
        &mut self,
        sources: &mut Sources,
        due: impl Fn(&Article) -> bool,
        slugs: &mut Slugs,
    ) -> Option<Vec<Diagnostic>> {
        let mut edits: Vec<(usize, PathBuf)> = Vec::with_capacity(sources.dirty.len());
        for path in &sources.dirty {
            let &i = self.positions.get(path)?;
            match sources.files.get(path) {
                Some(Source {
                    parsed: Parsed::Waiting(a),
                    ..
                }) if due(a) => edits.push((i, path.clone())),
                _ => return None,
            }
        }
        let plan = {
            let waiting = |path: &PathBuf| match sources.files.get(path).map(|s| &s.parsed) {
                Some(Parsed::Waiting(a)) => Some(&**a),
                _ => None,
            };
            let borrowed: Vec<(usize, &Article)> = edits
                .iter()
                .filter_map(|(i, path)| waiting(path).map(|a| (*i, a)))
                .collect();
            reshape::plan(&self.site, &borrowed, slugs)?
        };
        let mut taken = Vec::with_capacity(edits.len());
        let mut versions = Vec::with_capacity(edits.len());
        for (i, path) in edits {
            let Some(source) = sources.files.get_mut(&path) else {
                continue;
            };
            if let Parsed::Waiting(article) = std::mem::replace(&mut source.parsed, Parsed::InSite)
            {
                taken.push((i, *article));
                versions.push((i, source.version));
            }
        }
        sources.dirty.clear();
        let order = plan.order.clone();
        let at = plan.at.clone();
        reshape::commit(Arc::make_mut(&mut self.site), plan, taken);
        reshape::permute(&mut self.versions, &order);
        reshape::permute(&mut self.ref_hashes, &order);
        reshape::permute(&mut self.refs, &order);
        let mut old_signatures = std::mem::take(&mut self.signatures);
        reshape::permute(&mut old_signatures, &order);
        for position in self.positions.values_mut() {
            *position = at[*position];
        }
        let mut changed: Vec<usize> = Vec::with_capacity(versions.len());
        for (i, version) in versions {
            self.versions[at[i]] = version;
            changed.push(at[i]);
        }
        let site = Arc::make_mut(&mut self.site);
        let urls = Urls::new(&site.config);
        let mut warnings =
            model::refs::resolve_in(&mut site.articles, &site.pages, &urls, &changed);
        let images = Arc::clone(&site.images);
        for &i in &changed {
            let rewritten =
                crate::images::html::rewrite_article(&images, &urls, &mut site.articles[i]);
            warnings.extend(rewritten.err());
        }
        self.signatures = term_signatures(&self.site);
        let stale: Vec<usize> = (0..self.signatures.len())
            .filter(|&i| changed.contains(&i) || self.signatures[i] != old_signatures[i])
            .collect();
        let site = &self.site;
        let fresh: Vec<(Value, u64)> = stale
            .par_iter()
            .map(|&i| {
                let value = refs::article_ref_value(site, &urls, i);
                let hash = hash_value(&value);
                (value, hash)
            })
            .collect();
        for (i, (value, hash)) in stale.into_iter().zip(fresh) {
            self.refs[i] = value;
            self.ref_hashes[i] = hash;
        }
        Some(warnings)
    }
}

/// The pages and `_index.md` files the parse cache holds, and the files of the bundles
/// and sections among them and `articles`, for [`model::attach`].
fn kinds_of(sources: &Sources, articles: &[Article], ignore: &Ignore) -> model::Kinds {
    let mut kinds = model::Kinds::default();
    for source in sources.files.values() {
        if let Parsed::Other(item) = &source.parsed {
            match &**item {
                Item::Page(page) => kinds.pages.push(page.clone()),
                Item::Index(meta) => kinds.indexes.push(meta.clone()),
                Item::Article(_) | Item::Skipped(_) => {}
            }
        }
    }
    // Unreadable bundle folders were reported by the parse; a preview serves what it can.
    (kinds.bundle_files, _) =
        crate::load::bundle_files(&sources.root, articles, &kinds.pages, ignore);
    (kinds.section_files, _) = crate::load::section_files(&sources.root, &kinds.indexes, ignore);
    kinds
        .bundle_files
        .extend(crate::load::hexo_source_files(&sources.root, ignore).0);
    kinds
}

/// Whether `new` can take `old`'s place without re-assembling: everything the model's
/// order and indexes are built from is the same. Aliases too: they are settled against
/// every page and alias of the site, so an article that gave one up is settled afresh.
fn same_shape(old: &Article, new: &Article) -> bool {
    old.date == new.date
        && old.path == new.path
        && old.section == new.section
        && old.tags == new.tags
        && old.categories == new.categories
        && old.authors == new.authors
        && old.series == new.series
        && old.series_order == new.series_order
        && old.draft == new.draft
        // The home page's lead slots: picks, then the newest with a cover.
        && old.pinned == new.pinned
        && old.weight == new.weight
        && old.cover.is_some() == new.cover.is_some()
        && old.written_aliases.is_none()
        && old.aliases == new.aliases
}

/// Per article, a hash of the names and URLs of its section, tags and categories: what its
/// ref shows of the rest of the site. Equal signatures and an unchanged file mean an
/// equal ref.
fn term_signatures(site: &Site) -> Vec<u64> {
    // Each term hashed once, not once per article that has it.
    let hashes = |terms: &[Term]| -> Vec<u64> {
        terms
            .iter()
            .map(|t| {
                let mut h = DefaultHasher::new();
                (&t.name, &t.path).hash(&mut h);
                h.finish()
            })
            .collect()
    };
    let (sections, tags, categories) = (
        hashes(&site.sections),
        hashes(&site.tags),
        hashes(&site.categories),
    );
    let (series, authors) = (hashes(&site.series), hashes(&site.authors));
    site.links
        .par_iter()
        .map(|links| {
            let mut h = DefaultHasher::new();
            let term = |list: &[u64], t: usize| list.get(t).copied();
            links.section.and_then(|s| term(&sections, s)).hash(&mut h);
            for &t in &links.tags {
                term(&tags, t).hash(&mut h);
            }
            0u8.hash(&mut h);
            for &c in &links.categories {
                term(&categories, c).hash(&mut h);
            }
            1u8.hash(&mut h);
            for p in &links.series {
                term(&series, p.series).hash(&mut h);
            }
            2u8.hash(&mut h);
            for &a in &links.authors {
                term(&authors, a).hash(&mut h);
            }
            h.finish()
        })
        .collect()
}
