//! 专题 (series) and authors: two more kinds of term, filed like tags but ordered their
//! own way: a series in reading order, an author's articles newest first.

use super::assemble::TermIndex;
use super::{Article, ArticleLinks, Term};
use crate::config::SiteConfig;

/// An article's place in one series: `Site::series[series].articles[index]` is the
/// article, so the one before and after it are its neighbours in the series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SeriesPlace {
    pub series: usize,
    pub index: usize,
}

/// The URL folder a configured listing path stands for (`"/专题/"` → `专题/`), or `None`
/// for a path that is empty or leaves the site (config validation reports it).
pub fn listing_root(path: &str) -> Option<String> {
    let trimmed = path.trim().trim_matches('/');
    let bad = trimmed.is_empty()
        || trimmed.contains('\\')
        || trimmed
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    (!bad).then(|| format!("{trimmed}/"))
}

/// The series and authors of `articles` (sorted newest first), each article's links to
/// them filled in.
pub(super) fn index(
    config: &SiteConfig,
    articles: &[Article],
    links: &mut [ArticleLinks],
) -> (Vec<Term>, Vec<Term>) {
    let root = |path: &str, fallback: &str| listing_root(path).unwrap_or_else(|| fallback.into());
    let mut series = TermIndex::new(&root(&config.raw.series.path, "专题/"));
    let mut authors = TermIndex::new(&root(&config.raw.authors.path, "authors/"));
    let mut in_series: Vec<Vec<usize>> = vec![Vec::new(); articles.len()];
    for (i, a) in articles.iter().enumerate() {
        in_series[i] = a.series.iter().filter_map(|s| series.add(s, i)).collect();
        in_series[i].dedup();
        links[i].authors = a.authors.iter().filter_map(|n| authors.add(n, i)).collect();
        links[i].authors.dedup();
    }
    let mut series = series.finish();
    for term in &mut series {
        reading_order(&|i| &articles[i], &mut term.articles);
    }
    // Positions found per series in one pass, then listed in the article's own order.
    let mut places: Vec<Vec<SeriesPlace>> = vec![Vec::new(); articles.len()];
    for (s, term) in series.iter().enumerate() {
        for (index, &j) in term.articles.iter().enumerate() {
            places[j].push(SeriesPlace { series: s, index });
        }
    }
    for (i, (list, found)) in in_series.into_iter().zip(places).enumerate() {
        links[i].series = list
            .into_iter()
            .filter_map(|s| found.iter().find(|p| p.series == s).copied())
            .collect();
    }
    (series, authors.finish())
}

/// A series' reading order: `series_order` ascending, articles without one after, each
/// group oldest first.
pub(crate) fn reading_order<'a>(article: &dyn Fn(usize) -> &'a Article, list: &mut [usize]) {
    list.sort_by(|&x, &y| {
        let (a, b) = (article(x), article(y));
        (
            a.series_order.is_none(),
            a.series_order,
            a.date,
            &a.source_path,
        )
            .cmp(&(
                b.series_order.is_none(),
                b.series_order,
                b.date,
                &b.source_path,
            ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_roots_stay_inside_the_site() {
        assert_eq!(listing_root("专题").as_deref(), Some("专题/"));
        assert_eq!(listing_root("/topics/").as_deref(), Some("topics/"));
        assert_eq!(listing_root("a/b").as_deref(), Some("a/b/"));
        assert_eq!(listing_root(""), None);
        assert_eq!(listing_root(" / "), None);
        assert_eq!(listing_root("../x"), None);
        assert_eq!(listing_root("a//b"), None);
    }

    #[test]
    fn series_read_in_order_then_oldest_first() {
        let day = |d: u32| {
            chrono::DateTime::parse_from_rfc3339(&format!("2024-03-{d:02}T09:00:00+08:00"))
                .expect("date")
        };
        let article = |name: &str, d: u32, order: Option<i64>| Article {
            date: day(d),
            series: vec!["芯片战争".into()],
            series_order: order,
            ..Article::for_tests(name, &format!("{name}/"))
        };
        // Newest first, as the model keeps them.
        let articles = vec![
            article("d", 9, None),
            article("c", 8, Some(1)),
            article("b", 7, None),
            article("a", 6, Some(2)),
        ];
        let mut links = vec![ArticleLinks::default(); articles.len()];
        let config = SiteConfig::parse("title = \"t\"\nbase_url = \"https://example.com/\"", None)
            .expect("config");
        let (series, _) = index(&config, &articles, &mut links);
        assert_eq!(series[0].path, "专题/芯片战争/");
        assert_eq!(series[0].articles, vec![1, 3, 2, 0]);
        assert_eq!(
            links[2].series,
            vec![SeriesPlace {
                series: 0,
                index: 2
            }]
        );
    }
}
