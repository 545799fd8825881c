//! How a listing's articles fall on its pages, and what each page's links show.
//!
//! Two numberings. Hugo's, the default: the listing's own URL shows the newest articles
//! and `page/N/` the N-th page counted from the newest, so one article published moves
//! every article one place along and changes every page of each listing it is in (11,514
//! pages for one article at 100,000). Stable (`stable_pagination = true`): `page/N/`
//! counts from the oldest, so a page once full keeps its articles for good; the listing's
//! own URL still shows the newest page's worth, and a publish changes that page and the
//! few numbered pages whose links reach the newest. Nothing a page shows may depend on
//! how many pages there are, or every page would change again: stable pages show no page
//! count, and the article count only on the listing's own URL.

use std::ops::Range;

/// Which end `page/N/` counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Numbering {
    /// Page 1 is the newest (Hugo, Zola): every page moves when an article is published.
    #[default]
    FromNewest,
    /// `page/1/` is the oldest (`stable_pagination`): full pages never change.
    FromOldest,
}

/// The pages of a listing of `len` articles (newest first), `per_page` to a page.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub len: usize,
    pub per_page: usize,
    pub numbering: Numbering,
}

/// What a page's navigation shows, as page numbers: the page's inputs for its fingerprint,
/// and what [`super::templates`] turns into links.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nav {
    pub current: usize,
    /// Whether this is the listing's own URL (its first page).
    pub first: bool,
    /// How many pages there are; none on stable pages.
    pub total: Option<usize>,
    /// How many articles the listing has; none on stable numbered pages.
    pub total_articles: Option<usize>,
    /// The page of newer articles, and of older ones.
    pub newer: Option<usize>,
    pub older: Option<usize>,
    /// The numbered links, newest first: the first page, the last, and a window around
    /// this one; `None` stands for a run of hidden pages (`…`).
    pub shown: Vec<Option<usize>>,
}

/// Pages shown either side of the current one in the numbered links.
const WINDOW: usize = 2;

impl Paging {
    /// The number of the listing's own URL.
    pub fn first(&self) -> usize {
        match self.numbering {
            Numbering::FromNewest => 1,
            Numbering::FromOldest => 0,
        }
    }

    /// Every page's number, newest first.
    pub fn numbers(&self) -> Vec<usize> {
        (1..=self.positions()).map(|p| self.number_at(p)).collect()
    }

    /// Positions (in the newest-first list) of the articles page `n` shows.
    pub fn range(&self, n: usize) -> Range<usize> {
        let (len, per) = (self.len, self.per_page);
        let (start, end) = match self.numbering {
            Numbering::FromOldest if n > 0 => {
                let end = len.saturating_sub((n - 1) * per);
                (end.saturating_sub(per), end)
            }
            Numbering::FromOldest => (0, per),
            Numbering::FromNewest => {
                let start = n.saturating_sub(1) * per;
                (start, start + per)
            }
        };
        start.min(len)..end.min(len)
    }

    /// What page `n`'s links show.
    pub fn nav(&self, n: usize) -> Nav {
        let at = self.position_of(n);
        let last = self.positions();
        let stable = self.numbering == Numbering::FromOldest;
        let first = at == 1;
        Nav {
            current: n,
            first,
            total: (!stable).then_some(last),
            total_articles: (!stable || first).then_some(self.len),
            newer: (at > 1).then(|| self.number_at(at - 1)),
            older: (at < last).then(|| self.number_at(at + 1)),
            shown: visible_positions(at, last)
                .into_iter()
                .map(|p| p.map(|p| self.number_at(p)))
                .collect(),
        }
    }

    /// How many pages: at least one, the listing's own URL, even when it is empty. Stable
    /// numbering leaves out the newest part-filled page: the listing's own URL shows it.
    fn positions(&self) -> usize {
        let chunks = self.len.div_ceil(self.per_page.max(1));
        chunks.max(1)
    }

    /// Pages in reading order, newest first, count positions from 1; stable numbers run
    /// backwards after the listing's own URL (position 1).
    fn number_at(&self, position: usize) -> usize {
        match self.numbering {
            Numbering::FromNewest => position,
            Numbering::FromOldest if position <= 1 => 0,
            Numbering::FromOldest => self.positions() + 1 - position,
        }
    }

    fn position_of(&self, n: usize) -> usize {
        match self.numbering {
            Numbering::FromNewest => n.max(1),
            Numbering::FromOldest if n == 0 => 1,
            Numbering::FromOldest => (self.positions() + 1).saturating_sub(n),
        }
    }
}

/// The positions to link: the first, the last and a window around `current`; a hidden
/// run of one page shows that page, longer runs become one gap (`None`). Computed here
/// rather than in the template so a listing of 5,000 pages does not hand each of its pages
/// 5,000 links.
fn visible_positions(current: usize, total: usize) -> Vec<Option<usize>> {
    let lo = current.saturating_sub(WINDOW).max(1);
    let hi = (current + WINDOW).min(total);
    let mut shown: Vec<usize> = std::iter::once(1)
        .chain(lo..=hi)
        .chain(std::iter::once(total))
        .collect();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if let Some(&prev) = i.checked_sub(1).and_then(|j| shown.get(j)) {
            match n - prev {
                0 | 1 => {}
                2 => out.push(Some(prev + 1)),
                _ => out.push(None),
            }
        }
        out.push(Some(n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(len: usize, numbering: Numbering) -> Paging {
        Paging {
            len,
            per_page: 10,
            numbering,
        }
    }

    fn numbers(shown: &[Option<usize>]) -> Vec<usize> {
        shown.iter().map(|n| n.unwrap_or(usize::MAX)).collect()
    }

    #[test]
    fn hugo_numbering_counts_from_the_newest() {
        let p = paging(25, Numbering::FromNewest);
        assert_eq!(p.numbers(), vec![1, 2, 3]);
        assert_eq!(p.range(1), 0..10);
        assert_eq!(p.range(3), 20..25);
        let nav = p.nav(2);
        assert_eq!(
            (nav.newer, nav.older, nav.total),
            (Some(1), Some(3), Some(3))
        );
        assert_eq!(nav.total_articles, Some(25));
        assert!(p.nav(1).first && !nav.first);
        assert_eq!(paging(0, Numbering::FromNewest).numbers(), vec![1]);
    }

    #[test]
    fn visible_links_keep_the_ends_and_a_window() {
        let shown = |c, t| numbers(&visible_positions(c, t));
        let gap = usize::MAX;
        assert_eq!(shown(1, 1), vec![1]);
        assert_eq!(shown(1, 3), vec![1, 2, 3]);
        assert_eq!(shown(6, 12), vec![1, gap, 4, 5, 6, 7, 8, gap, 12]);
        assert_eq!(shown(4, 12), vec![1, 2, 3, 4, 5, 6, gap, 12]);
        assert_eq!(shown(5, 12), vec![1, 2, 3, 4, 5, 6, 7, gap, 12]);
        assert_eq!(shown(5000, 5000), vec![1, gap, 4998, 4999, 5000]);
    }

    #[test]
    fn stable_numbering_counts_from_the_oldest() {
        // 25 articles: the listing's URL shows the newest ten (positions 0..10), page 2 the
        // ten before the oldest five, page 1 the oldest ten.
        let p = paging(25, Numbering::FromOldest);
        assert_eq!(p.numbers(), vec![0, 2, 1]);
        assert_eq!(p.range(0), 0..10);
        assert_eq!(p.range(2), 5..15);
        assert_eq!(p.range(1), 15..25);
        let nav = p.nav(2);
        assert_eq!((nav.newer, nav.older), (Some(0), Some(1)));
        assert_eq!((nav.total, nav.total_articles), (None, None));
        assert_eq!(p.nav(0).total_articles, Some(25));
        assert_eq!(p.nav(1).older, None);
        assert_eq!(paging(0, Numbering::FromOldest).numbers(), vec![0]);
        assert_eq!(paging(7, Numbering::FromOldest).numbers(), vec![0]);
    }

    #[test]
    fn a_full_stable_page_never_changes_as_articles_are_published() {
        // Page 3 of a listing, oldest first: its articles (counted from the oldest) and
        // its links stay the same however many newer articles come.
        let page = |len| {
            let p = paging(len, Numbering::FromOldest);
            let r = p.range(3);
            ((len - r.end)..(len - r.start), p.nav(3))
        };
        let (articles, nav) = page(120);
        assert_eq!(articles, 20..30);
        for len in 121..400 {
            assert_eq!(page(len), (articles.clone(), nav.clone()), "{len} articles");
        }
        // A publish changes the listing's own URL only, but for the one in ten that starts a
        // numbered page: that page, and the few whose links reach it.
        for len in 100..400 {
            let (before, after) = (
                paging(len, Numbering::FromOldest),
                paging(len + 1, Numbering::FromOldest),
            );
            let shifted = |r: Range<usize>| r.start + 1..r.end + 1;
            let changed = after
                .numbers()
                .into_iter()
                .filter(|&n| {
                    n == after.first()
                        || shifted(before.range(n)) != after.range(n)
                        || before.nav(n) != after.nav(n)
                })
                .count();
            let most = if len % 10 == 0 { 6 } else { 1 };
            assert!(
                changed <= most,
                "{len} -> {}: {changed} pages change",
                len + 1
            );
        }
    }
}
