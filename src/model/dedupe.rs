//! Articles that want one URL, settled before the model is built.
//!
//! Archives are full of them: the same file name in two folders under a `/:year/:month/:slug/`
//! pattern, or two exports of one story with the same `url`. Hexo silently kept one;
//! aborting the build would stop a migration over content nobody wrote for sitegen. So:
//!
//! - an article whose URL only came from the pattern (no `url`, `permalink`, `path` or
//!   `slug` in its front matter) gives way without a word: the article whose source path
//!   sorts first (byte order) keeps the URL, the others get `-2`, `-3`, … on its last
//!   segment (`x/` → `x-2/`, `x.html` → `x-2.html`), the first numbers that are free;
//! - an article whose author set the URL (or slug) keeps it; when several did, the one
//!   whose source path sorts first is published and each other one is a warning naming
//!   both files, and is left out (with `--strict`, an error).
//!
//! Clashes with generated pages (tags, search, archives …) stay errors of
//! [`crate::render::plan`]: those a writer must fix. Aliases are settled once pages are
//! attached ([`super::dedupe_aliases`]).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashSet};

// Maps of every article's file: see Cargo.toml on foldhash.
use foldhash::{HashMap as FoldMap, HashMapExt};
use rayon::prelude::*;

use super::Article;
use crate::diagnostics::Diagnostic;
use crate::paths::output_file;

/// The articles that keep a URL each, the articles left out, and a warning for each one
/// left out. Articles keep their order. The same input always gives the same URLs.
pub fn dedupe(mut articles: Vec<Article>) -> (Vec<Article>, Vec<Article>, Vec<Diagnostic>) {
    // Start from the pattern's URLs, so that settling twice (serve keeps articles between
    // saves) gives what settling once does.
    for a in &mut articles {
        if let Some(pattern) = &a.pattern_path {
            a.path.clone_from(pattern);
        }
    }
    let files: Vec<String> = articles.par_iter().map(|a| output_file(&a.path)).collect();
    let clashes = clashes(&files);
    if clashes.is_empty() {
        return (articles, Vec::new(), Vec::new());
    }
    let mut taken: HashSet<String> = files.iter().cloned().collect();
    let mut dropped = vec![false; articles.len()];
    let mut warnings = Vec::new();
    for mut wanting in clashes {
        wanting.sort_by(|&a, &b| source_key(&articles[a]).cmp(&source_key(&articles[b])));
        // An article whose author set its URL comes before any that only got it from the
        // pattern; among equals, the first source path.
        wanting.sort_by_key(|&i| articles[i].pattern_path.is_some());
        let keeper = wanting[0];
        for &other in &wanting[1..] {
            if articles[other].pattern_path.is_some() {
                let free = free_path(&articles[other].path, &mut taken);
                articles[other].path = free;
            } else {
                dropped[other] = true;
                warnings.push(duplicate(&articles[keeper], &articles[other]));
            }
        }
    }
    let mut kept = Vec::with_capacity(articles.len());
    let mut left_out = Vec::new();
    for (a, gone) in articles.into_iter().zip(dropped) {
        if gone {
            left_out.push(a);
        } else {
            kept.push(a);
        }
    }
    (kept, left_out, warnings)
}

/// The articles that want each output file more than one wants, by index, in the order of
/// their files, so that the same input gives the same URLs. One map entry per article and
/// no list unless there is a clash: a portal of 100,000 articles has few or none.
fn clashes(files: &[String]) -> Vec<Vec<usize>> {
    let mut first: FoldMap<&str, usize> = FoldMap::with_capacity(files.len());
    let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        match first.entry(file) {
            Entry::Vacant(e) => {
                e.insert(i);
            }
            Entry::Occupied(e) => wanted.entry(file).or_insert_with(|| vec![*e.get()]).push(i),
        }
    }
    wanted.into_values().collect()
}

/// The source path as written with `/`, compared byte by byte.
fn source_key(a: &Article) -> String {
    a.source_path.to_string_lossy().replace('\\', "/")
}

/// `path` with `-2`, `-3`, … on its last segment: the first that no article holds.
fn free_path(path: &str, taken: &mut HashSet<String>) -> String {
    let (stem, ext) = match path.strip_suffix(".html") {
        Some(stem) => (stem, ".html"),
        None => (path.trim_end_matches('/'), "/"),
    };
    let mut n = 2;
    loop {
        let candidate = format!("{stem}-{n}{ext}");
        if taken.insert(output_file(&candidate)) {
            return candidate;
        }
        n += 1;
    }
}

fn duplicate(keeper: &Article, other: &Article) -> Diagnostic {
    let (kept, left) = (source_key(keeper), source_key(other));
    Diagnostic::warning(
        &other.source_path,
        format!(
            "{kept} and {left} both want the URL /{}: {kept} is published (its source path sorts first), {left} is left out",
            other.path
        ),
    )
    .line(1)
    .hint("give one of them another `url` or `slug` (or remove the copy)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source: &str, path: &str, from_pattern: bool) -> Article {
        Article {
            pattern_path: from_pattern.then(|| path.to_string()),
            ..Article::for_tests(source, path)
        }
    }

    fn paths(articles: &[Article]) -> Vec<(String, String)> {
        articles
            .iter()
            .map(|a| (source_key(a), a.path.clone()))
            .collect()
    }

    #[test]
    fn pattern_urls_give_way_by_source_order() {
        let (kept, left, warnings) = dedupe(vec![
            article("content/b/x.md", "2024/03/x/", true),
            article("content/a/x.md", "2024/03/x/", true),
            article("content/c/x.md", "2024/03/x/", true),
            article("content/x-2.md", "2024/03/x-2/", true),
        ]);
        assert!(left.is_empty() && warnings.is_empty());
        assert_eq!(
            paths(&kept),
            [
                ("content/b/x.md".into(), "2024/03/x-3/".into()),
                ("content/a/x.md".into(), "2024/03/x/".into()),
                ("content/c/x.md".into(), "2024/03/x-4/".into()),
                ("content/x-2.md".into(), "2024/03/x-2/".into()),
            ]
        );
    }

    #[test]
    fn files_and_folders_are_one_url_each() {
        let (kept, _, _) = dedupe(vec![
            article("content/a.md", "2024/a.html", true),
            article("content/b/a.md", "2024/a.html", true),
        ]);
        assert_eq!(kept[1].path, "2024/a-2.html");
    }

    #[test]
    fn an_author_set_url_wins_over_a_pattern_one() {
        let (kept, left, warnings) = dedupe(vec![
            article("content/a.md", "2024/03/x/", true),
            article("content/z.md", "2024/03/x/", false),
        ]);
        assert!(left.is_empty() && warnings.is_empty());
        assert_eq!(kept[0].path, "2024/03/x-2/");
        assert_eq!(kept[1].path, "2024/03/x/");
    }

    #[test]
    fn genuine_duplicates_keep_the_first_and_warn() {
        let (kept, left, warnings) = dedupe(vec![
            article("content/z.md", "about/", false),
            article("content/a.md", "about/", false),
        ]);
        assert_eq!(paths(&kept), [("content/a.md".into(), "about/".into())]);
        assert_eq!(left.len(), 1);
        assert_eq!(warnings.len(), 1);
        let w = warnings[0].to_string();
        assert!(
            w.contains("content/z.md") && w.contains("content/a.md"),
            "{w}"
        );
        assert!(w.contains("content/a.md is published"), "{w}");
        assert!(!warnings[0].is_error());
    }

    #[test]
    fn settling_twice_gives_the_same_urls() {
        let (once, _, _) = dedupe(vec![
            article("content/b/x.md", "x/", true),
            article("content/a/x.md", "x/", true),
        ]);
        let (twice, _, _) = dedupe(once.clone());
        assert_eq!(paths(&once), paths(&twice));
    }
}
