//! Related articles: up to [`MAX_RELATED`] others ranked by how many tags they share.
//!
//! Scoring every pair is quadratic, and a tag such as 人工智能 may hold half of a large
//! portal. So for each tag only the [`WINDOW`] articles nearest in time are candidates; ties
//! go to the article closest in time, then to the lower index, so the result is deterministic.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{ArticleLinks, Term};

pub const MAX_RELATED: usize = 5;
/// Candidates taken from each side of the article in each tag's list.
const WINDOW: usize = 50;

pub(super) fn fill(tags: &[Term], links: &mut [ArticleLinks]) {
    let related: Vec<Vec<usize>> = (0..links.len())
        .into_par_iter()
        .map(|i| rank(i, &links[i].tags, tags))
        .collect();
    for (link, rel) in links.iter_mut().zip(related) {
        link.related = rel;
    }
}

fn rank(me: usize, my_tags: &[usize], tags: &[Term]) -> Vec<usize> {
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for &t in my_tags {
        let list = &tags[t].articles;
        // Term lists are in article order, which is ascending index.
        let at = list.partition_point(|&j| j < me);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(list.len());
        for &j in &list[from..to] {
            if j != me {
                *shared.entry(j).or_insert(0) += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
    ranked.sort_by(|&(a, sa), &(b, sb)| {
        sb.cmp(&sa)
            .then_with(|| a.abs_diff(me).cmp(&b.abs_diff(me)))
            .then_with(|| a.cmp(&b))
    });
    // A fresh small Vec: collecting from `ranked.into_iter()` would reuse its allocation in
    // place and keep hundreds of candidates' worth of memory per article (2.45 → 1.88 GB
    // peak at 100k articles).
    let mut top = Vec::with_capacity(MAX_RELATED);
    top.extend(ranked.iter().take(MAX_RELATED).map(|&(j, _)| j));
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
}
