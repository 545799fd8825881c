//! Builds the indexes of the [`Site`] from loaded articles.

use std::collections::HashMap;

use foldhash::HashMap as FoldMap;

use super::{
    ARCHIVES_PATH, Article, ArticleLinks, CATEGORIES_PATH, MonthArchive, Site, TAGS_PATH, Term,
    YearArchive, related,
};
use crate::config::SiteConfig;
use crate::slug::slugify;
use crate::statics::Statics;
use chrono::Datelike;
use chrono::{DateTime, FixedOffset};
use rayon::slice::ParallelSliceMut;
use std::sync::Arc;

/// Sorts the articles once and builds every index into them.
pub fn assemble(
    config: SiteConfig,
    articles: Vec<Article>,
    statics: Arc<Statics>,
    now: DateTime<FixedOffset>,
) -> Site {
    let articles = newest_first(articles);
    // The three kinds of term side by side: each is a pass over every article's names.
    let ((sections, section_of), ((tags, tags_of), (categories, categories_of))) = rayon::join(
        || index_terms("", &articles, |a| a.section.as_slice()),
        || {
            rayon::join(
                || index_terms(TAGS_PATH, &articles, |a| &a.tags),
                || index_terms(CATEGORIES_PATH, &articles, |a| &a.categories),
            )
        },
    );
    let mut links: Vec<ArticleLinks> = section_of
        .into_iter()
        .zip(tags_of)
        .zip(categories_of)
        .map(|((section, tags), categories)| ArticleLinks {
            section: section.first().copied(),
            tags,
            categories,
            ..ArticleLinks::default()
        })
        .collect();
    link_neighbours(&sections, &mut links);
    related::fill(&tags, &mut links);
    let (series, authors) = super::series::index(&config, &articles, &mut links);
    Site {
        strings: Arc::new(crate::i18n::Strings::for_site(&config)),
        section_metas: vec![None; sections.len()],
        tag_metas: vec![None; tags.len()],
        category_metas: vec![None; categories.len()],
        pages: Vec::new(),
        bundle_files: Vec::new(),
        list_metas: Vec::new(),
        home_meta: None,
        folders: Vec::new(),
        folder_metas: Vec::new(),
        images: Arc::default(),
        series_metas: vec![None; series.len()],
        series,
        authors,
        data: Arc::new(serde_json::Value::Object(serde_json::Map::new())),
        picks: Vec::new(),
        hot: Vec::new(),
        menus: super::front::Navigation::default(),
        years: archives(&articles),
        all_articles: (0..articles.len()).collect(),
        config,
        now,
        statics,
        articles,
        links,
        sections,
        tags,
        categories,
    }
}

/// The terms of one kind (`names` of each article) filed under `prefix`, and each article's
/// terms, in its order, a name repeated once.
fn index_terms<'a>(
    prefix: &str,
    articles: &'a [Article],
    names: impl Fn(&'a Article) -> &'a [String],
) -> (Vec<Term>, Vec<Vec<usize>>) {
    let mut index = TermIndex::new(prefix);
    let of_each = articles
        .iter()
        .enumerate()
        .map(|(i, article)| {
            let mut ids: Vec<usize> = names(article)
                .iter()
                .filter_map(|name| index.add(name, i))
                .collect();
            ids.dedup();
            ids
        })
        .collect();
    (index.finish(), of_each)
}

/// `articles` newest first, equal dates by source path. Sorted as indexes, then moved
/// into place: sorting the articles themselves (hundreds of bytes each) moved each one
/// some twenty times, the largest single cost of assembling 100,000.
fn newest_first(mut articles: Vec<Article>) -> Vec<Article> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    // Unstable is stable here: no two articles share a source path.
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&articles[a], &articles[b]);
        b.date
            .cmp(&a.date)
            .then_with(|| a.source_path.cmp(&b.source_path))
    });
    permute(&mut articles, order);
    articles
}

/// Puts `items[order[k]]` at `k` for every `k` (`order` a permutation), in place: one
/// cycle at a time, each item swapped once into its slot, where collecting into a new
/// vector moved every item twice and faulted in as much fresh memory.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut slot = start;
        // A slot filled is marked by pointing at itself.
        while order[slot] != slot {
            let from = order[slot];
            order[slot] = slot;
            if from == start {
                break;
            }
            items.swap(slot, from);
            slot = from;
        }
    }
}

/// Collects terms in first-seen order; terms that slug the same (`OpenAI`, `openai`) are one,
/// shown under the spelling most articles use (ties: the first met).
pub(super) struct TermIndex {
    prefix: String,
    by_slug: HashMap<String, usize>,
    /// Each name as written, with its term: a name met again (most are, a tag is on many
    /// articles) is not slugified again, which was most of the time spent here.
    by_name: FoldMap<String, Option<usize>>,
    terms: Vec<Term>,
    /// Per term: each spelling with its count, in first-seen order.
    spellings: Vec<Vec<(String, usize)>>,
}

impl TermIndex {
    pub(super) fn new(prefix: &str) -> Self {
        TermIndex {
            prefix: prefix.to_string(),
            by_slug: HashMap::new(),
            by_name: FoldMap::default(),
            terms: Vec::new(),
            spellings: Vec::new(),
        }
    }

    /// Files article `i` under `name`; returns the term's index, or None for a name that
    /// has nothing left after slugging.
    pub(super) fn add(&mut self, name: &str, i: usize) -> Option<usize> {
        let id = match self.by_name.get(name) {
            Some(&id) => id?,
            None => {
                let id = self.term_of(name);
                self.by_name.insert(name.to_string(), id);
                id?
            }
        };
        let name = name.trim();
        let spellings = &mut self.spellings[id];
        match spellings.iter_mut().find(|(s, _)| s == name) {
            Some((_, count)) => *count += 1,
            None => spellings.push((name.to_string(), 1)),
        }
        let articles = &mut self.terms[id].articles;
        if articles.last() != Some(&i) {
            articles.push(i);
        }
        Some(id)
    }

    /// The term `name` slugs to, made when it is new; None when nothing is left of it.
    fn term_of(&mut self, name: &str) -> Option<usize> {
        let slug = slugify(name);
        if slug.is_empty() {
            return None;
        }
        let next = self.terms.len();
        let id = *self.by_slug.entry(slug.clone()).or_insert(next);
        if id == next {
            self.terms.push(Term {
                name: name.trim().to_string(),
                path: format!("{}{slug}/", self.prefix),
                slug,
                articles: Vec::new(),
            });
            self.spellings.push(Vec::new());
        }
        Some(id)
    }

    pub(super) fn finish(mut self) -> Vec<Term> {
        for (term, spellings) in self.terms.iter_mut().zip(&self.spellings) {
            let mut best: Option<&(String, usize)> = None;
            for s in spellings {
                if best.is_none_or(|b| s.1 > b.1) {
                    best = Some(s);
                }
            }
            if let Some((name, _)) = best {
                term.name.clone_from(name);
            }
        }
        self.terms
    }
}

/// Prev/next within the article's section (the whole site for articles without one).
pub(crate) fn link_neighbours(sections: &[Term], links: &mut [ArticleLinks]) {
    let unsectioned: Vec<usize> = (0..links.len())
        .filter(|&i| links[i].section.is_none())
        .collect();
    let chains = sections
        .iter()
        .map(|s| s.articles.as_slice())
        .chain(std::iter::once(unsectioned.as_slice()));
    for chain in chains {
        for pair in chain.windows(2) {
            let (newer, older) = (pair[0], pair[1]);
            links[newer].prev = Some(older);
            links[older].next = Some(newer);
        }
    }
}

/// Years and months, newest first, from articles already sorted newest first.
pub(crate) fn archives<A: std::borrow::Borrow<Article>>(articles: &[A]) -> Vec<YearArchive> {
    let mut years: Vec<YearArchive> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        let date = a.borrow().date;
        let (year, month) = (date.year(), date.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(YearArchive {
                year,
                path: format!("{ARCHIVES_PATH}{year:04}/"),
                articles: Vec::new(),
                months: Vec::new(),
            });
        }
        let Some(y) = years.last_mut() else { continue };
        y.articles.push(i);
        if y.months.last().is_none_or(|m| m.month != month) {
            y.months.push(MonthArchive {
                month,
                path: format!("{ARCHIVES_PATH}{year:04}/{month:02}/"),
                articles: Vec::new(),
            });
        }
        if let Some(m) = y.months.last_mut() {
            m.articles.push(i);
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        // Cycles of several lengths, fixed points, and the empty case.
        for order in [
            vec![],
            vec![0],
            vec![1, 0],
            vec![2, 0, 1, 3],
            vec![4, 3, 0, 1, 2, 5, 7, 6],
            (0..50).map(|i| (i * 7) % 50).collect(),
        ] {
            let items: Vec<String> = (0..order.len()).map(|i| format!("文章{i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut permuted = items.clone();
            permute(&mut permuted, order.clone());
            assert_eq!(permuted, expected, "order {order:?}");
        }
    }
}
