//! Which pages to push: the site's public pages (what the sitemap lists), each with the
//! hash the build recorded in the output's manifest, compared with the hashes recorded at
//! a service's last push. A 100,000-page site that gained three articles pushes three URLs,
//! and nothing but the manifest and the model is read to find them.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::model::Site;
use crate::output::Manifest;
use crate::render::{Job, Plan};
use crate::urls::Urls;

/// A page a search engine should know about, as built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The output file, relative to the output root (`2026/03/rust/index.html`).
    pub file: String,
    /// Its public URL, percent-encoded as pages link it.
    pub url: String,
    /// The hash of the file as built (from the manifest), in hex.
    pub hash: String,
    /// The article's date; None for other pages (listings, standalone pages).
    pub date: Option<DateTime<FixedOffset>>,
}

/// The site's public pages found in the output, in plan order, and the files the output
/// lacks or holds without a hash.
#[derive(Debug, Default)]
pub struct Built {
    pub pages: Vec<Candidate>,
    /// Public pages of the site that are not in the output (it was built from other
    /// content): not pushed.
    pub missing: Vec<String>,
    /// Pages in the output with no hash: the output was built by an older sitegen.
    pub unhashed: Vec<String>,
}

/// The pages search engines index, as the sitemap lists them: articles, standalone pages,
/// listings and indexes, not drafts, alias redirects, the 404 page or the search page.
pub fn public_pages(site: &Site, plan: &Plan<'_>, urls: &Urls, manifest: &Manifest) -> Built {
    let mut built = Built::default();
    // A Traditional edition under the site's host (`zh-hant/`) is in the same output: each
    // page's counterpart follows it.
    let hant_folder = site
        .config
        .editions
        .as_ref()
        .and_then(|e| e.hant_folder.clone());
    for (page, file) in plan.pages.iter().zip(&plan.files) {
        let date = match page.job {
            Job::Article(i) => match site.articles.get(i) {
                Some(a) if !a.draft => Some(a.date),
                _ => continue,
            },
            Job::Page(i) => match site.pages.get(i) {
                Some(p) if !p.draft => None,
                _ => continue,
            },
            Job::Listing { .. }
            | Job::TagIndex
            | Job::CategoryIndex
            | Job::SeriesIndex
            | Job::AuthorIndex
            | Job::Archives => None,
            Job::Search
            | Job::NotFound
            | Job::Side
            | Job::Alias { .. }
            | Job::PageAlias { .. }
            | Job::ListAlias { .. } => continue,
        };
        built.add(manifest, file.clone(), urls.absolute(&page.path), date);
        if let Some(folder) = &hant_folder {
            let hant = crate::edition::alternates(&site.config, &page.path)
                .into_iter()
                .find(|a| a.hreflang == "zh-Hant");
            if let Some(hant) = hant {
                built.add(manifest, format!("{folder}{file}"), hant.url, date);
            }
        }
    }
    built
}

impl Built {
    /// The page at `file` (output-relative) and `url`, sorted by what the manifest says.
    fn add(
        &mut self,
        manifest: &Manifest,
        file: String,
        url: String,
        date: Option<DateTime<FixedOffset>>,
    ) {
        match manifest.files.get(&file).map(|listed| listed.hash) {
            None => self.missing.push(file),
            Some(None) => self.unhashed.push(file),
            Some(Some(hash)) => self.pages.push(Candidate {
                url,
                file,
                hash: hash.to_hex(),
                date,
            }),
        }
    }
}

/// The pages to send: those whose hash differs from the one recorded at the last push
/// (`sent`: file → hash), or every page with `all`. New articles come first, newest first,
/// then changed articles, newest first, then other pages in plan order: with a quota, the
/// news goes out today.
pub fn to_push<'a>(
    pages: &'a [Candidate],
    sent: &BTreeMap<String, String>,
    all: bool,
) -> Vec<&'a Candidate> {
    let mut changed: Vec<&Candidate> = pages
        .iter()
        .filter(|c| all || sent.get(&c.file) != Some(&c.hash))
        .collect();
    // Stable: other pages keep plan order.
    changed.sort_by_key(|c| {
        let rank = match (c.date, sent.contains_key(&c.file)) {
            (Some(_), false) => 0,
            (Some(_), true) => 1,
            (None, _) => 2,
        };
        (rank, std::cmp::Reverse(c.date))
    });
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(file: &str, hash: &str, date: Option<&str>) -> Candidate {
        Candidate {
            file: file.into(),
            url: format!("https://news.example.com/{file}"),
            hash: hash.into(),
            date: date.map(|d| DateTime::parse_from_rfc3339(d).unwrap()),
        }
    }

    #[test]
    fn only_new_and_changed_pages_new_articles_newest_first() {
        let pages = vec![
            candidate("index.html", "h-home-2", None),
            candidate("资讯/index.html", "h-news", None),
            candidate(
                "2026/03/old/index.html",
                "h-old",
                Some("2026-03-01T08:00:00+08:00"),
            ),
            candidate(
                "2026/03/edited/index.html",
                "h-edit-2",
                Some("2026-03-02T08:00:00+08:00"),
            ),
            candidate(
                "2026/03/new-a/index.html",
                "h-a",
                Some("2026-03-05T08:00:00+08:00"),
            ),
            candidate(
                "2026/03/new-b/index.html",
                "h-b",
                Some("2026-03-06T08:00:00+08:00"),
            ),
        ];
        let sent: BTreeMap<String, String> = [
            ("index.html", "h-home-1"),
            ("资讯/index.html", "h-news"),
            ("2026/03/old/index.html", "h-old"),
            ("2026/03/edited/index.html", "h-edit-1"),
            ("2026/03/gone/index.html", "h-gone"),
        ]
        .into_iter()
        .map(|(f, h)| (f.to_string(), h.to_string()))
        .collect();
        let files: Vec<&str> = to_push(&pages, &sent, false)
            .iter()
            .map(|c| c.file.as_str())
            .collect();
        assert_eq!(
            files,
            [
                "2026/03/new-b/index.html",
                "2026/03/new-a/index.html",
                "2026/03/edited/index.html",
                "index.html",
            ]
        );
        assert_eq!(to_push(&pages, &sent, true).len(), pages.len());
    }

    #[test]
    fn urls_are_the_public_ones_under_the_base_path() {
        let config = crate::config::SiteConfig::parse(
            "title = \"T\"\nbase_url = \"https://News.Example.com/portal/\"\n",
            None,
        )
        .unwrap();
        let urls = Urls::new(&config);
        assert_eq!(
            urls.absolute("资讯/rust 发布/"),
            "https://news.example.com/portal/%E8%B5%84%E8%AE%AF/rust%20%E5%8F%91%E5%B8%83/"
        );
        assert_eq!(
            crate::paths::output_file("资讯/rust 发布/"),
            "资讯/rust 发布/index.html"
        );
    }
}
