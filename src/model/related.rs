//! Related articles: up to [`MAX_RELATED`] others ranked by how many tags they share.
//!
//! Scoring every pair is quadratic, and a tag such as 人工智能 may hold half of a large
//! portal. So for each tag only the [`WINDOW`] articles nearest in time are candidates; ties
//! go to the article closest in time, then to the lower index, so the result is deterministic.

use rayon::prelude::*;

use super::{ArticleLinks, Term};

pub const MAX_RELATED: usize = 5;
/// Candidates taken from each side of the article in each tag's list.
const WINDOW: usize = 50;

pub(super) fn fill(tags: &[Term], links: &mut [ArticleLinks]) {
    let count = links.len();
    let related: Vec<Vec<usize>> = (0..links.len())
        .into_par_iter()
        .map_init(
            || Tally::new(count),
            |tally, i| rank_with(i, &links[i].tags, tags, tally),
        )
        .collect();
    for (link, rel) in links.iter_mut().zip(related) {
        link.related = rel;
    }
}

#[cfg(test)]
fn rank(me: usize, my_tags: &[usize], tags: &[Term]) -> Vec<usize> {
    let most = tags.iter().flat_map(|t| t.articles.iter()).max();
    rank_with(
        me,
        my_tags,
        tags,
        &mut Tally::new(most.map_or(0, |m| m + 1)),
    )
}

/// Scratch for ranking, one per thread: how many tags each article shares with the one
/// being ranked (zero between rankings), and the articles counted. Counting in an array
/// indexed by article is a few cache hits per candidate, where sorting the candidates to
/// count them was most of the time of assembling a 100,000-article site's model.
struct Tally {
    shared: Vec<u16>,
    seen: Vec<usize>,
}

impl Tally {
    fn new(articles: usize) -> Self {
        Tally {
            shared: vec![0; articles],
            seen: Vec::new(),
        }
    }
}

/// The best [`MAX_RELATED`] others for article `me`, best first: most shared tags, then
/// closest in time, then lowest index.
fn rank_with(me: usize, my_tags: &[usize], tags: &[Term], tally: &mut Tally) -> Vec<usize> {
    for &t in my_tags {
        let list = &tags[t].articles;
        // Term lists are in article order, which is ascending index.
        let at = list.partition_point(|&j| j < me);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(list.len());
        for &j in list[from..to].iter().filter(|&&j| j != me) {
            let Some(n) = tally.shared.get_mut(j) else {
                continue;
            };
            if *n == 0 {
                tally.seen.push(j);
            }
            *n = n.saturating_add(1);
        }
    }
    // Smallest key first.
    let mut best: Vec<(u16, usize, usize)> = Vec::with_capacity(MAX_RELATED + 1);
    for j in tally.seen.drain(..) {
        let n = std::mem::take(&mut tally.shared[j]);
        let key = (u16::MAX - n, j.abs_diff(me), j);
        if best.len() == MAX_RELATED && key >= best[MAX_RELATED - 1] {
            continue;
        }
        let at = best.partition_point(|k| *k < key);
        best.insert(at, key);
        best.truncate(MAX_RELATED);
    }
    // A fresh small Vec: collecting in place from `best` would keep its larger allocation
    // for every article (at 100k articles such slack once cost 570 MB of peak memory).
    let mut top = Vec::with_capacity(best.len());
    top.extend(best.iter().map(|&(_, _, j)| j));
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(articles: Vec<usize>) -> Term {
        Term {
            name: String::new(),
            slug: String::new(),
            path: String::new(),
            articles,
        }
    }

    #[test]
    fn ranks_by_shared_tags_then_closeness() {
        // Article 0 has tags 0 and 1; article 3 shares both, 1 shares one.
        let tags = vec![term(vec![0, 1, 3]), term(vec![0, 3, 4])];
        let ranked = rank(0, &[0, 1], &tags);
        assert_eq!(ranked, vec![3, 1, 4]);
    }

    #[test]
    fn never_lists_itself_and_caps_at_five() {
        let tags = vec![term((0..20).collect())];
        let ranked = rank(10, &[0], &tags);
        assert_eq!(ranked.len(), MAX_RELATED);
        assert!(!ranked.contains(&10));
        assert_eq!(ranked, vec![9, 11, 8, 12, 7]);
    }

    /// The ranking by definition: count shared tags in a map, sort every candidate.
    fn by_definition(me: usize, my_tags: &[usize], tags: &[Term]) -> Vec<usize> {
        let mut shared = std::collections::HashMap::new();
        for &t in my_tags {
            let list = &tags[t].articles;
            let at = list.partition_point(|&j| j < me);
            let window = &list[at.saturating_sub(WINDOW)..(at + WINDOW + 1).min(list.len())];
            for &j in window.iter().filter(|&&j| j != me) {
                *shared.entry(j).or_insert(0usize) += 1;
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        ranked.sort_by_key(|&(j, n)| (std::cmp::Reverse(n), j.abs_diff(me), j));
        ranked
            .into_iter()
            .take(MAX_RELATED)
            .map(|(j, _)| j)
            .collect()
    }

    #[test]
    fn agrees_with_the_definition_on_a_random_portal() {
        // 600 articles, 12 tags of uneven popularity, 1-4 tags each (a fixed LCG).
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut lists = vec![Vec::new(); 12];
        let mut article_tags = Vec::new();
        for a in 0..600 {
            let mut mine = Vec::new();
            for _ in 0..1 + next(4) {
                // Low tag numbers are the popular ones.
                let popular = next(12) + 1;
                mine.push(next(popular) as usize);
            }
            mine.sort_unstable();
            mine.dedup();
            for &t in &mine {
                lists[t].push(a);
            }
            article_tags.push(mine);
        }
        let tags: Vec<Term> = lists.into_iter().map(term).collect();
        // One tally for all, as a thread uses it: each ranking leaves it clear.
        let mut tally = Tally::new(600);
        for (me, mine) in article_tags.iter().enumerate() {
            assert_eq!(
                rank_with(me, mine, &tags, &mut tally),
                by_definition(me, mine, &tags),
                "article {me}"
            );
        }
    }
}
