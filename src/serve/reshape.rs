//! Date, tag and category edits taken into a model in place.
//!
//! A retagged or redated article changes the order of the articles, the terms' lists, the
//! archives, neighbours and related lists. Assembling the model afresh for it took 0.4 s
//! at 10,000 articles, most of it ranking every article's related list again
//! (`model/related.rs`) and slugging every term of every article (`model/assemble.rs`).
//! Here only what the edit touched is redone: the edited articles go to their new places
//! (the others keep their order), each term list is carried over to the new order and only
//! the lists the edited articles join or leave are rebuilt, with the names, order and
//! links of the terms as `model::assemble` would give them; related lists are ranked
//! again only for the articles whose candidates moved; and what else names articles or
//! terms by index (the `_index.md` files' terms and orders, folders, picks, the 热门 list)
//! is carried over to the new order.
//!
//! The result is what assembling afresh makes: the tests below compare the two on random
//! edits, and `tests/serve.rs` compares the served site with `sitegen build`. What this
//! does not cover (a new, deleted or moved article, a changed section, series, author,
//! pin or alias, a term that appears or goes while an `_index.md` names it) is left to a
//! fresh assembly, which [`plan`] says by returning None.

use std::collections::{HashMap, HashSet};

use crate::config::SiteConfig;
use crate::model::{
    self, Article, ArticleLinks, CATEGORIES_PATH, SeriesPlace, Site, TAGS_PATH, Term, YearArchive,
    archives, link_neighbours, reading_order, sorted,
};
use crate::slug::slugify;

/// Related articles per article, and candidates taken from each side of an article in each
/// of its tags' lists: `model/related.rs`'s figures (the tests hold the two equal).
const MAX_RELATED: usize = 5;
const WINDOW: usize = 50;

/// Term names already slugged: a session sees a few hundred names, each thousands of
/// times. Each distinct slug has a number, so that terms are compared without text.
#[derive(Default)]
pub(crate) struct Slugs {
    /// Name as written → its slug's number.
    ids: HashMap<String, usize, Fast>,
    /// Slug → its number.
    numbers: HashMap<String, usize, Fast>,
    /// Number → slug.
    texts: Vec<String>,
}

impl Slugs {
    /// The number of `name`'s slug.
    fn id(&mut self, name: &str) -> usize {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.number(&slugify(name));
        self.ids.insert(name.to_string(), id);
        id
    }

    /// The number of a slug.
    fn number(&mut self, slug: &str) -> usize {
        if let Some(&number) = self.numbers.get(slug) {
            return number;
        }
        let number = self.texts.len();
        self.texts.push(slug.to_string());
        self.numbers.insert(slug.to_string(), number);
        number
    }

    fn text(&self, number: usize) -> &str {
        &self.texts[number]
    }
}

/// FxHash, rustc's hasher: several times faster than the standard one on short keys, and
/// the keys here (term names from the site's own files) are no one's attack.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

type Fast = std::hash::BuildHasherDefault<FastHasher>;

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(eight));
        }
        for &byte in words.remainder() {
            self.write_u8(byte);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether `new` may take `old`'s place here: what differs may only be its date, tags,
/// categories, and what an in-place edit may change (text, title, summary…).
pub(crate) fn fits(old: &Article, new: &Article) -> bool {
    old.source_path == new.source_path
        && old.path == new.path
        && old.pattern_path == new.pattern_path
        && old.section == new.section
        && old.authors == new.authors
        && old.series == new.series
        && old.series_order == new.series_order
        && old.draft == new.draft
        && old.pinned == new.pinned
        // Among pinned articles of equal weight, the newest leads.
        && (!new.pinned || old.date == new.date)
        && old.weight == new.weight
        && old.cover.is_some() == new.cover.is_some()
        && old.written_aliases.is_none()
        && old.aliases == new.aliases
}

/// The five kinds of term `model::assemble` files articles under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Section,
    Tag,
    Category,
    Series,
    Author,
}

const KINDS: [Kind; 5] = [
    Kind::Section,
    Kind::Tag,
    Kind::Category,
    Kind::Series,
    Kind::Author,
];

impl Kind {
    /// The article's names of this kind, as written.
    fn names(self, a: &Article) -> &[String] {
        match self {
            Kind::Section => a.section.as_slice(),
            Kind::Tag => &a.tags,
            Kind::Category => &a.categories,
            Kind::Series => &a.series,
            Kind::Author => &a.authors,
        }
    }

    fn terms(self, site: &Site) -> &[Term] {
        match self {
            Kind::Section => &site.sections,
            Kind::Tag => &site.tags,
            Kind::Category => &site.categories,
            Kind::Series => &site.series,
            Kind::Author => &site.authors,
        }
    }

    /// The terms an article's links name, in its own order.
    fn ids(self, links: &ArticleLinks) -> Vec<usize> {
        match self {
            Kind::Section => links.section.into_iter().collect(),
            Kind::Tag => links.tags.clone(),
            Kind::Category => links.categories.clone(),
            Kind::Series => links.series.iter().map(|p| p.series).collect(),
            Kind::Author => links.authors.clone(),
        }
    }

    /// The terms an article's links name, when they are a plain list (not a series').
    fn linked(self, links: &ArticleLinks) -> Option<&[usize]> {
        match self {
            Kind::Section => Some(links.section.as_slice()),
            Kind::Tag => Some(&links.tags),
            Kind::Category => Some(&links.categories),
            Kind::Author => Some(&links.authors),
            Kind::Series => None,
        }
    }

    /// The URL folder its terms' listings are under.
    fn prefix(self, config: &SiteConfig) -> String {
        let root = |path: &str, fallback: &str| {
            model::listing_root(path).unwrap_or_else(|| fallback.into())
        };
        match self {
            Kind::Section => String::new(),
            Kind::Tag => TAGS_PATH.into(),
            Kind::Category => CATEGORIES_PATH.into(),
            Kind::Series => root(&config.raw.series.path, "专题/"),
            Kind::Author => root(&config.raw.authors.path, "authors/"),
        }
    }
}

/// One kind's terms after the edit.
struct Reindexed {
    terms: Vec<Term>,
    /// Old term → new term (`usize::MAX` for one that went).
    perm: Vec<usize>,
    /// Whether `perm` maps every term to itself.
    same: bool,
    /// Each edited article (new index) with its terms, as its links name them.
    edited: Vec<(usize, Vec<usize>)>,
    /// New terms whose list was rebuilt (a series' places in it are found again).
    rebuilt: Vec<bool>,
}

/// A term being rebuilt: its slug's number, its old index, and its articles (new indexes).
struct Working {
    number: usize,
    old: Option<usize>,
    list: Vec<usize>,
    rebuilt: bool,
}

/// One kind's terms after `edits`, as `model::assemble`'s `TermIndex` files the articles
/// in their new order: a term per slug, in the order first met (articles newest first,
/// names in each article's order), named by the spelling most articles use (ties: the
/// first met), listing its articles (a series in reading order).
fn reindex(
    kind: Kind,
    view: &View<'_, '_>,
    edits: &[(usize, &Article)],
    slugs: &mut Slugs,
) -> Reindexed {
    let (site, at, article) = (view.site, view.at, view.article);
    let old_terms = kind.terms(site);
    let old_numbers: Vec<usize> = old_terms.iter().map(|t| slugs.number(&t.slug)).collect();
    let mut edited_old = vec![false; at.len()];
    let mut touched: HashSet<usize, Fast> = HashSet::default();
    let mut joined: HashMap<usize, Vec<usize>, Fast> = HashMap::default();
    let mut sequences = Vec::with_capacity(edits.len());
    for &(i, new) in edits {
        edited_old[i] = true;
        touched.extend(kind.ids(&site.links[i]).into_iter().map(|t| old_numbers[t]));
        let mut sequence = Vec::new();
        for name in kind.names(new) {
            let number = slugs.id(name);
            if !slugs.text(number).is_empty() {
                sequence.push(number);
            }
        }
        for &number in &sequence {
            touched.insert(number);
            joined.entry(number).or_default().push(at[i]);
        }
        sequences.push((at[i], sequence));
    }
    let mut working: Vec<Working> = Vec::with_capacity(old_terms.len() + joined.len());
    let mut seen: HashSet<usize, Fast> = HashSet::default();
    for (t, term) in old_terms.iter().enumerate() {
        let number = old_numbers[t];
        seen.insert(number);
        let rebuilt = touched.contains(&number);
        let mut list: Vec<usize> = term
            .articles
            .iter()
            .filter(|&&j| !(rebuilt && edited_old[j]))
            .map(|&j| at[j])
            .collect();
        if rebuilt {
            list.extend(joined.get(&number).into_iter().flatten());
            list.sort_unstable();
            list.dedup();
        }
        if !list.is_empty() {
            working.push(Working {
                number,
                old: Some(t),
                list,
                rebuilt,
            });
        }
    }
    let mut fresh: Vec<(&usize, &Vec<usize>)> = joined
        .iter()
        .filter(|(number, _)| !seen.contains(number))
        .collect();
    fresh.sort_unstable();
    for (&number, members) in fresh {
        let mut list = members.clone();
        list.sort_unstable();
        list.dedup();
        working.push(Working {
            number,
            old: None,
            list,
            rebuilt: true,
        });
    }
    // First met: the newest article naming the term, then its place among that article's
    // names.
    let mut keyed: Vec<((usize, usize), Working)> = working
        .into_iter()
        .map(|w| {
            let first = w.list.iter().copied().min().unwrap_or_default();
            let place = kind
                .names(article(first))
                .iter()
                .position(|name| slugs.id(name) == w.number)
                .unwrap_or_default();
            ((first, place), w)
        })
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    let prefix = kind.prefix(&site.config);
    let mut perm = vec![usize::MAX; old_terms.len()];
    let mut by_number: HashMap<usize, usize, Fast> = HashMap::default();
    let mut terms = Vec::with_capacity(keyed.len());
    let mut rebuilt = Vec::with_capacity(keyed.len());
    for (new, (_, mut w)) in keyed.into_iter().enumerate() {
        by_number.insert(w.number, new);
        if let Some(t) = w.old {
            perm[t] = new;
        }
        if w.rebuilt && kind == Kind::Series {
            reading_order(article, &mut w.list);
        }
        let term = match w.old {
            // Same members in the same order: same name.
            Some(t) if !w.rebuilt => Term {
                name: old_terms[t].name.clone(),
                slug: old_terms[t].slug.clone(),
                path: old_terms[t].path.clone(),
                articles: w.list,
            },
            _ => {
                let slug = slugs.text(w.number).to_string();
                Term {
                    name: spelling(kind, (w.number, w.old), &w.list, view, slugs),
                    path: format!("{prefix}{slug}/"),
                    slug,
                    articles: w.list,
                }
            }
        };
        terms.push(term);
        rebuilt.push(w.rebuilt);
    }
    let same = perm.iter().enumerate().all(|(t, &new)| t == new);
    let edited = sequences
        .into_iter()
        .map(|(i, sequence)| {
            let mut ids: Vec<usize> = sequence.iter().map(|number| by_number[number]).collect();
            ids.dedup();
            (i, ids)
        })
        .collect();
    Reindexed {
        terms,
        perm,
        same,
        edited,
        rebuilt,
    }
}

/// The spelling of term `number` (old index `old`, if it had one) most of `list` (new
/// indexes) use, ties going to the first met in article order.
fn spelling<'a>(
    kind: Kind,
    (number, old): (usize, Option<usize>),
    list: &[usize],
    view: &View<'a, '_>,
    slugs: &mut Slugs,
) -> String {
    let mut members = list.to_vec();
    members.sort_unstable();
    let mut spellings: Vec<(&str, usize)> = Vec::new();
    for j in members {
        let names = kind.names((view.article)(j));
        // An article not edited names its terms in its links, one per name when the two
        // line up: no slugging needed.
        let linked = match (view.edited[j], old) {
            (false, Some(t)) => kind
                .linked(&view.site.links[view.order[j]])
                .filter(|ids| ids.len() == names.len())
                .map(|ids| (ids, t)),
            _ => None,
        };
        for (k, name) in names.iter().enumerate() {
            let ours = match linked {
                Some((ids, t)) => ids[k] == t,
                None => slugs.id(name) == number,
            };
            if !ours {
                continue;
            }
            let name = name.trim();
            match spellings.iter_mut().find(|(s, _)| *s == name) {
                Some((_, count)) => *count += 1,
                None => spellings.push((name, 1)),
            }
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for &(name, count) in &spellings {
        if best.is_none_or(|(_, b)| count > b) {
            best = Some((name, count));
        }
    }
    best.map(|(name, _)| name.to_string()).unwrap_or_default()
}

/// The site being planned, seen in its new order.
struct View<'a, 'f> {
    site: &'a Site,
    /// New index → old index.
    order: &'f [usize],
    /// Old index → new index.
    at: &'f [usize],
    /// By new index: whether the article is one of the edited.
    edited: &'f [bool],
    /// By new index: the article, edited or not.
    article: &'f dyn Fn(usize) -> &'a Article,
}

/// The model's indexes for the edited articles, made without touching the site.
pub(crate) struct Plan {
    /// New index → old index.
    pub order: Vec<usize>,
    /// Old index → new index.
    pub at: Vec<usize>,
    /// Per kind, in [`KINDS`] order.
    kinds: Vec<Reindexed>,
    /// Related lists ranked again (new indexes); the others are carried over.
    related: Vec<(usize, Vec<usize>)>,
    years: Vec<YearArchive>,
    section_metas: Vec<Option<usize>>,
    tag_metas: Vec<Option<usize>>,
    category_metas: Vec<Option<usize>>,
    series_metas: Vec<Option<usize>>,
}

/// Plans taking `edits` (an article's index in `site`, and its new version) into `site`;
/// None when a fresh assembly must do it.
pub(crate) fn plan(site: &Site, edits: &[(usize, &Article)], slugs: &mut Slugs) -> Option<Plan> {
    let n = site.articles.len();
    let mut edited: Vec<Option<&Article>> = vec![None; n];
    for &(i, new) in edits {
        let old = site.articles.get(i)?;
        if !fits(old, new) || edited[i].is_some() {
            return None;
        }
        edited[i] = Some(new);
    }
    let current = |i: usize| edited[i].unwrap_or(&site.articles[i]);
    // Newest first, equal dates by source path: `model::assemble`'s order. The others
    // are in it already; each edited article goes where it now belongs among them.
    let newer = |x: usize, y: usize| {
        let (a, b) = (current(x), current(y));
        b.date
            .cmp(&a.date)
            .then_with(|| a.source_path.cmp(&b.source_path))
            == std::cmp::Ordering::Less
    };
    let mut order: Vec<usize> = (0..n).filter(|&i| edited[i].is_none()).collect();
    for &(i, _) in edits {
        let at = order.partition_point(|&j| newer(j, i));
        order.insert(at, i);
    }
    let mut at = vec![0; n];
    for (new, &old) in order.iter().enumerate() {
        at[old] = new;
    }
    let article = |new: usize| current(order[new]);
    let edited_new: Vec<bool> = order.iter().map(|&i| edited[i].is_some()).collect();
    let view = View {
        site,
        order: &order,
        at: &at,
        edited: &edited_new,
        article: &article,
    };
    let kinds: Vec<Reindexed> = KINDS
        .iter()
        .map(|&kind| reindex(kind, &view, edits, slugs))
        .collect();
    let [sections, tags, categories, series, _] = kinds.as_slice() else {
        return None;
    };

    // Terms keep their `_index.md` by slug; a term that appears or goes while an
    // `_index.md` names it (or could) is for `model::attach` to settle.
    let section_metas = carry_metas(&site.sections, &site.section_metas, &sections.terms)?;
    let series_metas = carry_metas(&site.series, &site.series_metas, &series.terms)?;
    let tag_metas = carry_metas(&site.tags, &site.tag_metas, &tags.terms)?;
    let category_metas = carry_metas(&site.categories, &site.category_metas, &categories.terms)?;
    let new_slugs = |old: &[Term], new: &[Term]| -> HashSet<String> {
        let before: HashSet<&str> = old.iter().map(|t| t.slug.as_str()).collect();
        new.iter()
            .filter(|t| !before.contains(t.slug.as_str()))
            .map(|t| t.slug.clone())
            .collect()
    };
    let new_tags = new_slugs(&site.tags, &tags.terms);
    let new_categories = new_slugs(&site.categories, &categories.terms);
    if (!new_tags.is_empty() || !new_categories.is_empty())
        && site.folder_metas.iter().any(|&m| {
            site.list_metas.get(m).is_none_or(|meta| {
                let parts: Vec<&str> = meta.folder.split('/').collect();
                match parts.as_slice() {
                    [kind, name] if *kind == TAGS_PATH.trim_end_matches('/') => {
                        new_tags.contains(&slugify(name))
                    }
                    [kind, name] if *kind == CATEGORIES_PATH.trim_end_matches('/') => {
                        new_categories.contains(&slugify(name))
                    }
                    _ => false,
                }
            })
        })
    {
        return None;
    }

    // Each article's tags in the new index.
    let edited_tags: HashMap<usize, &Vec<usize>> =
        tags.edited.iter().map(|(i, ids)| (*i, ids)).collect();
    let tags_of = |new: usize| -> Vec<usize> {
        match edited_tags.get(&new) {
            Some(ids) => (*ids).clone(),
            None => site.links[order[new]]
                .tags
                .iter()
                .map(|&t| tags.perm[t])
                .collect(),
        }
    };
    let again = rank_again(site, &tags.terms, &at, edits, &tags_of);
    let related = (0..n)
        .filter(|&new| again[new])
        .map(|new| (new, rank(new, &tags_of(new), &tags.terms)))
        .collect();
    let articles: Vec<&Article> = (0..n).map(article).collect();
    let years = archives(&articles);
    Some(Plan {
        order,
        at,
        kinds,
        related,
        years,
        section_metas,
        tag_metas,
        category_metas,
        series_metas,
    })
}

/// Each new term's `_index.md`: its old term's, by slug. None when a term with one goes.
fn carry_metas(old: &[Term], metas: &[Option<usize>], new: &[Term]) -> Option<Vec<Option<usize>>> {
    let by_slug: HashMap<&str, Option<usize>> = old
        .iter()
        .zip(metas)
        .map(|(t, &m)| (t.slug.as_str(), m))
        .collect();
    let kept: HashSet<&str> = new.iter().map(|t| t.slug.as_str()).collect();
    if old
        .iter()
        .zip(metas)
        .any(|(t, m)| m.is_some() && !kept.contains(t.slug.as_str()))
    {
        return None;
    }
    Some(
        new.iter()
            .map(|t| by_slug.get(t.slug.as_str()).copied().flatten())
            .collect(),
    )
}

/// Takes the edited articles (old index and new version) into `site` as `plan` says.
pub(crate) fn commit(site: &mut Site, plan: Plan, edits: Vec<(usize, Article)>) {
    let Plan {
        order,
        at,
        kinds,
        related,
        years,
        section_metas,
        tag_metas,
        category_metas,
        series_metas,
    } = plan;
    for (i, article) in edits {
        site.articles[i] = article;
    }
    permute(&mut site.articles, &order);
    permute(&mut site.links, &order);
    for links in &mut site.links {
        for j in &mut links.related {
            *j = at[*j];
        }
        links.prev = None;
        links.next = None;
    }
    for (i, list) in related {
        site.links[i].related = list;
    }
    for (kind, reindexed) in KINDS.into_iter().zip(kinds) {
        take_kind(site, kind, reindexed);
    }
    link_neighbours(&site.sections, &mut site.links);
    site.years = years;
    site.section_metas = section_metas;
    site.tag_metas = tag_metas;
    site.category_metas = category_metas;
    site.series_metas = series_metas;
    for term in &mut site.folders {
        for i in &mut term.articles {
            *i = at[*i];
        }
        term.articles.sort_unstable();
    }
    for i in &mut site.picks {
        *i = at[*i];
    }
    for item in &mut site.hot {
        if let Some(i) = &mut item.article {
            *i = at[*i];
        }
    }
    // The `_index.md` files that order their listing otherwise than by date.
    let mut listing_of: HashMap<usize, Vec<usize>> = HashMap::new();
    if let Some(m) = site.home_meta {
        listing_of.insert(m, site.all_articles.clone());
    }
    let terms = [
        (&site.sections, &site.section_metas),
        (&site.tags, &site.tag_metas),
        (&site.categories, &site.category_metas),
    ];
    for (terms, metas) in terms {
        for (term, meta) in terms.iter().zip(metas) {
            if let Some(m) = meta {
                listing_of.insert(*m, term.articles.clone());
            }
        }
    }
    for (term, &m) in site.folders.iter().zip(&site.folder_metas) {
        listing_of.insert(m, term.articles.clone());
    }
    let articles = &site.articles;
    for (m, meta) in site.list_metas.iter_mut().enumerate() {
        if meta.order.is_none() {
            continue;
        }
        match listing_of.get(&m) {
            Some(list) => meta.order = sorted(articles, list, meta.sort_by.unwrap_or_default()),
            None => {
                if let Some(order) = &mut meta.order {
                    for i in order.iter_mut() {
                        *i = at[*i];
                    }
                }
            }
        }
    }
}

/// Puts one kind's new terms into `site`, whose links are in the new order: every
/// article's term numbers carried over, the edited articles' set, a series' places found
/// again where its list was rebuilt.
fn take_kind(site: &mut Site, kind: Kind, r: Reindexed) {
    let perm = &r.perm;
    if !r.same {
        for links in &mut site.links {
            match kind {
                Kind::Section => links.section = links.section.map(|t| perm[t]),
                Kind::Tag => links.tags.iter_mut().for_each(|t| *t = perm[*t]),
                Kind::Category => links.categories.iter_mut().for_each(|t| *t = perm[*t]),
                Kind::Series => links
                    .series
                    .iter_mut()
                    .for_each(|p| p.series = perm[p.series]),
                Kind::Author => links.authors.iter_mut().for_each(|t| *t = perm[*t]),
            }
        }
    }
    let terms = r.terms;
    for (i, ids) in r.edited {
        let links = &mut site.links[i];
        match kind {
            Kind::Section => links.section = ids.first().copied(),
            Kind::Tag => links.tags = ids,
            Kind::Category => links.categories = ids,
            Kind::Author => links.authors = ids,
            Kind::Series => {
                links.series = ids
                    .into_iter()
                    .map(|series| SeriesPlace { series, index: 0 })
                    .collect();
            }
        }
    }
    if kind == Kind::Series {
        for (s, term) in terms.iter().enumerate() {
            if !r.rebuilt[s] {
                continue;
            }
            for (index, &j) in term.articles.iter().enumerate() {
                for place in &mut site.links[j].series {
                    if place.series == s {
                        place.index = index;
                    }
                }
            }
        }
    }
    match kind {
        Kind::Section => site.sections = terms,
        Kind::Tag => site.tags = terms,
        Kind::Category => site.categories = terms,
        Kind::Series => site.series = terms,
        Kind::Author => site.authors = terms,
    }
}

/// The articles (new indexes) whose related list may differ from their old one carried
/// to the new order: the edited ones, and every article that has, within [`WINDOW`] places
/// of it in one of its tags' lists (before the edit or after), an article that joined or
/// left that list or whose index shifted. Any other article sees, in each of its tags, the
/// same candidates at the same distances, in the same order.
fn rank_again(
    site: &Site,
    tags: &[Term],
    at: &[usize],
    edits: &[(usize, &Article)],
    tags_of: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<bool> {
    let n = at.len();
    let mut again = vec![false; n];
    // Per list (by slug), the edited articles that joined it or left it.
    let mut joined: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut left: HashMap<&str, Vec<usize>> = HashMap::new();
    for &(i, _) in edits {
        again[at[i]] = true;
        let before: Vec<&str> = site.links[i]
            .tags
            .iter()
            .filter_map(|&t| site.tags.get(t).map(|t| t.slug.as_str()))
            .collect();
        let after: Vec<&str> = tags_of(at[i])
            .into_iter()
            .filter_map(|t| tags.get(t).map(|t| t.slug.as_str()))
            .collect();
        for slug in &before {
            if !after.contains(slug) {
                left.entry(slug).or_default().push(i);
            }
        }
        for slug in &after {
            if !before.contains(slug) {
                joined.entry(slug).or_default().push(at[i]);
            }
        }
    }
    let mut near =
        |list: &[usize], touched: &dyn Fn(usize) -> bool, to_new: &dyn Fn(usize) -> usize| {
            for (p, &j) in list.iter().enumerate() {
                if touched(j) {
                    let from = p.saturating_sub(WINDOW);
                    let to = (p + WINDOW + 1).min(list.len());
                    for &k in &list[from..to] {
                        again[to_new(k)] = true;
                    }
                }
            }
        };
    let none = Vec::new();
    for term in &site.tags {
        let gone = left.get(term.slug.as_str()).unwrap_or(&none);
        near(&term.articles, &|j| at[j] != j || gone.contains(&j), &|k| {
            at[k]
        });
    }
    let mut from_old = vec![0; n];
    for (old, &new) in at.iter().enumerate() {
        from_old[new] = old;
    }
    for term in tags {
        let came = joined.get(term.slug.as_str()).unwrap_or(&none);
        near(
            &term.articles,
            &|j| from_old[j] != j || came.contains(&j),
            &|k| k,
        );
    }
    again
}

/// Up to [`MAX_RELATED`] others ranked by how many tags they share, then by closeness,
/// then by index: `model/related.rs`'s ranking (candidates counted by sorting rather than
/// in a hash map).
fn rank(me: usize, my_tags: &[usize], tags: &[Term]) -> Vec<usize> {
    let mut candidates: Vec<usize> = Vec::with_capacity(my_tags.len() * (2 * WINDOW + 1));
    for &t in my_tags {
        let list = &tags[t].articles;
        let at = list.partition_point(|&j| j < me);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(list.len());
        candidates.extend(list[from..to].iter().filter(|&&j| j != me));
    }
    candidates.sort_unstable();
    let mut ranked: Vec<(usize, usize)> = candidates
        .chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len()))
        .collect();
    let order = |&(a, sa): &(usize, usize), &(b, sb): &(usize, usize)| {
        sb.cmp(&sa)
            .then_with(|| a.abs_diff(me).cmp(&b.abs_diff(me)))
            .then_with(|| a.cmp(&b))
    };
    if ranked.len() > MAX_RELATED {
        ranked.select_nth_unstable_by(MAX_RELATED, order);
        ranked.truncate(MAX_RELATED);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(j, _)| j).collect()
}

/// Reorders `values` so that `values[k]` becomes what `values[order[k]]` was, moving only
/// what moves (an edit moves a few articles among thousands).
pub(crate) fn permute<T>(values: &mut [T], order: &[usize]) {
    let mut done = vec![false; values.len()];
    for start in 0..values.len() {
        if done[start] || order[start] == start {
            continue;
        }
        let mut k = start;
        loop {
            done[k] = true;
            let next = order[k];
            if next == start {
                break;
            }
            values.swap(k, next);
            k = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// A small deterministic generator (xorshift), so that a failure replays.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick(&mut self, from: &[&str], most: usize) -> Vec<String> {
            let count = self.below(most + 1);
            (0..count)
                .map(|_| from[self.below(from.len())].to_string())
                .collect()
        }
    }

    const TAGS: &[&str] = &[
        "人工智能",
        "芯片",
        "OpenAI",
        "openai",
        "开源",
        " 马斯克 ",
        "Rust",
    ];
    const CATEGORIES: &[&str] = &["产业", "评论", "深度"];
    const SECTIONS: &[&str] = &["资讯", "评论", "产业"];
    const AUTHORS: &[&str] = &["张三", "李四", "王五"];
    const SERIES: &[&str] = &["芯片战争", "开源简史"];

    fn date(rng: &mut Rng) -> chrono::DateTime<chrono::FixedOffset> {
        // Few distinct days, so that equal dates (ordered by path) are common.
        let day = 1 + rng.below(40);
        let month = 1 + day / 28;
        let day = 1 + day % 28;
        chrono::DateTime::parse_from_rfc3339(&format!("2024-{month:02}-{day:02}T09:00:00+08:00"))
            .expect("date")
    }

    fn article(rng: &mut Rng, n: usize) -> Article {
        let mut tags = rng.pick(TAGS, 4);
        // As load leaves them: one spelling per slug.
        let mut seen = HashSet::new();
        tags.retain(|t| seen.insert(slugify(t)));
        let section = (rng.below(4) > 0).then(|| SECTIONS[rng.below(SECTIONS.len())].to_string());
        let series = if rng.below(5) == 0 {
            vec![SERIES[rng.below(SERIES.len())].to_string()]
        } else {
            Vec::new()
        };
        Article {
            date: date(rng),
            tags,
            categories: rng.pick(CATEGORIES, 2),
            section,
            authors: rng.pick(AUTHORS, 2),
            series_order: (rng.below(3) == 0).then(|| rng.below(5) as i64),
            series,
            ..Article::for_tests(&format!("content/a{n:04}.md"), &format!("a{n:04}/"))
        }
    }

    fn config() -> SiteConfig {
        SiteConfig::parse(
            "title = \"t\"\nbase_url = \"https://t.example.com/\"\n",
            None,
        )
        .expect("config")
    }

    fn assembled(articles: Vec<Article>) -> Site {
        model::assemble(config(), articles, Arc::default(), date(&mut Rng(1)))
    }

    /// The parts of a site the plan makes, by value.
    fn indexes(site: &Site) -> impl PartialEq + std::fmt::Debug {
        (
            site.articles
                .iter()
                .map(|a| a.source_path.clone())
                .collect::<Vec<PathBuf>>(),
            site.links.clone(),
            (
                site.sections.clone(),
                site.tags.clone(),
                site.categories.clone(),
            ),
            (
                site.series.clone(),
                site.authors.clone(),
                site.years.clone(),
            ),
        )
    }

    #[test]
    fn edits_give_what_assembling_afresh_gives() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        // More articles per tag than a related window holds, so that windows move.
        let articles: Vec<Article> = (0..400).map(|n| article(&mut rng, n)).collect();
        let mut site = assembled(articles);
        let mut slugs = Slugs::default();
        for round in 0..60 {
            let count = 1 + rng.below(3);
            let mut edits: Vec<(usize, Article)> = Vec::new();
            for _ in 0..count {
                let i = rng.below(site.articles.len());
                if edits.iter().any(|(j, _)| *j == i) {
                    continue;
                }
                let mut new = site.articles[i].clone();
                match rng.below(4) {
                    0 => new.date = date(&mut rng),
                    1 => new.tags = rng.pick(TAGS, 4),
                    2 => new.categories = rng.pick(CATEGORIES, 2),
                    _ => {
                        new.date = date(&mut rng);
                        new.tags.push(format!("新标签{round}"));
                    }
                }
                let mut seen = HashSet::new();
                new.tags.retain(|t| seen.insert(slugify(t)));
                edits.push((i, new));
            }
            let mut expected: Vec<Article> = site.articles.clone();
            for (i, new) in &edits {
                expected[*i] = new.clone();
            }
            let expected = assembled(expected);
            let borrowed: Vec<(usize, &Article)> = edits.iter().map(|(i, a)| (*i, a)).collect();
            let plan = plan(&site, &borrowed, &mut slugs).expect("these edits are planned");
            commit(&mut site, plan, edits);
            assert_eq!(indexes(&site), indexes(&expected), "round {round}");
        }
    }

    #[test]
    fn permuting_moves_each_value_to_its_new_place() {
        let mut values = vec!['a', 'b', 'c', 'd', 'e'];
        // New order: b, c, a (a moved two places down), then d and e where they were.
        permute(&mut values, &[1, 2, 0, 3, 4]);
        assert_eq!(values, vec!['b', 'c', 'a', 'd', 'e']);
        permute(&mut values, &[4, 0, 1, 2, 3]);
        assert_eq!(values, vec!['e', 'b', 'c', 'a', 'd']);
    }

    #[test]
    fn other_edits_are_left_to_a_fresh_assembly() {
        let mut rng = Rng(7);
        let site = assembled((0..20).map(|n| article(&mut rng, n)).collect());
        let mut slugs = Slugs::default();
        let mut moved = site.articles[3].clone();
        moved.path = "elsewhere/".into();
        assert!(plan(&site, &[(3, &moved)], &mut slugs).is_none());
        let mut resectioned = site.articles[3].clone();
        resectioned.section = Some("新栏目".into());
        assert!(plan(&site, &[(3, &resectioned)], &mut slugs).is_none());
        let mut retagged = site.articles[3].clone();
        retagged.tags = vec!["新".into()];
        assert!(plan(&site, &[(3, &retagged)], &mut slugs).is_some());
    }

    #[test]
    fn the_related_window_is_the_models() {
        // Article 0 shares 甲 with 1..=120 and 乙 with 50..=54: only the ones inside the
        // window of 甲's list share both, so the window's size decides the list.
        let articles: Vec<Article> = (0..=120)
            .map(|n| {
                let mut tags = vec!["甲".to_string()];
                if n == 0 || (50..=54).contains(&n) {
                    tags.push("乙".into());
                }
                Article {
                    tags,
                    ..Article::for_tests(&format!("content/{n:04}.md"), &format!("{n}/"))
                }
            })
            .collect();
        let site = assembled(articles);
        assert_eq!(site.links[0].related, vec![WINDOW, 1, 2, 3, 4]);
        for me in [0, 50, 120] {
            let mine = rank(me, &site.links[me].tags, &site.tags);
            assert_eq!(mine, site.links[me].related, "article {me}");
        }
    }
}
