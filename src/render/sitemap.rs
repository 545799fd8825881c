//! What crawlers read: `sitemap.xml` (split into an index and parts past 50,000 URLs),
//! `news-sitemap.xml` for Google News, `robots.txt` pointing at both, and with
//! `[seo] sitemap_txt` a plain `sitemap.txt` of the same URLs (Baidu accepts it).
//!
//! Every date comes from the articles, and "now" for the news sitemap is
//! the model's (`SOURCE_DATE_EPOCH` when set, see [`crate::site::now`]), so a rebuild of unchanged content
//! gives the same bytes.

use std::fmt::Write;

use chrono::{DateTime, Duration, FixedOffset};
use rayon::prelude::*;

use super::Shared;
use super::feeds::xml;
use super::pages::Job;
use crate::escape;
use crate::model::{Article, Site};

/// The sitemaps.org limit of URLs in one sitemap file.
const MAX_URLS: usize = 50_000;
/// Google News reads at most this many URLs from one news sitemap.
const MAX_NEWS_URLS: usize = 1_000;
/// Google News only wants articles published in the last two days.
const NEWS_WINDOW_HOURS: i64 = 48;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// `sitemap.xml` (and its parts), `news-sitemap.xml` and `robots.txt`.
pub fn files(shared: &Shared<'_>) -> Vec<(String, Vec<u8>)> {
    let site = shared.site;
    let absolute = |rel: &str| shared.urls.absolute(rel);
    let entries = entries(shared);
    let mut files = sitemaps(&entries, MAX_URLS, &absolute);
    if site.config.raw.seo.sitemap_txt {
        files.push(("sitemap.txt".into(), sitemap_txt(&entries).into_bytes()));
    }
    let now = site.now;
    files.push((
        "news-sitemap.xml".into(),
        news_sitemap(site, now, &absolute).into_bytes(),
    ));
    files.push(("robots.txt".into(), robots(shared).into_bytes()));
    files
}

/// `sitemap.txt` (`[seo] sitemap_txt`): the URLs of `sitemap.xml`, one a line, which Baidu
/// and Google accept as a sitemap. Its own limit is the same 50,000 URLs; a larger site
/// should submit `sitemap.xml`, whose index splits it.
fn sitemap_txt(entries: &[Entry]) -> String {
    let mut out = String::with_capacity(entries.len() * 64);
    for e in entries {
        out.push_str(&e.loc);
        out.push('\n');
    }
    out
}

/// One URL of the sitemap.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    loc: String,
    lastmod: Option<DateTime<FixedOffset>>,
}

/// Every page a search engine should index, in plan order (deterministic): articles,
/// every page of every listing, and the term and archive indexes. Left out: drafts (even
/// when built with `--drafts`), redirects from aliases, the 404 page and the search page,
/// whose results pages are not content.
fn entries(shared: &Shared<'_>) -> Vec<Entry> {
    let site = shared.site;
    let published = |i: &usize| site.articles.get(*i).filter(|a| !a.draft);
    let newest = |list: &[usize]| {
        list.iter()
            .filter_map(published)
            .map(Article::last_modified)
            .max()
    };
    let listing_lastmod: Vec<_> = shared
        .plan
        .listings
        .iter()
        .map(|l| newest(l.articles))
        .collect();
    let site_lastmod = newest(&site.all_articles);
    let series_articles: Vec<usize> = site
        .series
        .iter()
        .flat_map(|t| t.articles.iter().copied())
        .collect();
    shared
        .plan
        .pages
        .par_iter()
        .filter_map(|page| {
            let lastmod = match page.job {
                Job::Article(i) => Some(published(&i)?.last_modified()),
                Job::Listing { listing, .. } => listing_lastmod.get(listing).copied().flatten(),
                Job::TagIndex | Job::CategoryIndex | Job::Archives => site_lastmod,
                Job::SeriesIndex => newest(&series_articles),
                Job::AuthorIndex => site_lastmod,
                Job::Page(i) => {
                    let p = site.pages.get(i).filter(|p| !p.draft)?;
                    p.last_modified()
                }
                Job::Search
                | Job::NotFound
                | Job::Side
                | Job::Alias { .. }
                | Job::PageAlias { .. }
                | Job::ListAlias { .. } => return None,
            };
            Some(Entry {
                loc: shared.urls.absolute(&page.path),
                lastmod,
            })
        })
        .collect()
}

/// `sitemap.xml` as one `<urlset>`, or, past `max_urls`, as a `<sitemapindex>` of parts
/// `sitemap-1.xml`, `sitemap-2.xml`, … of at most `max_urls` each. `absolute` turns a
/// path relative to the site root into an absolute URL.
fn sitemaps(
    entries: &[Entry],
    max_urls: usize,
    absolute: &dyn Fn(&str) -> String,
) -> Vec<(String, Vec<u8>)> {
    if entries.len() <= max_urls {
        return vec![("sitemap.xml".into(), urlset(entries).into_bytes())];
    }
    // The parts on every core: at 100,000 articles they are 20 MB of XML.
    let mut files: Vec<(String, Vec<u8>)> = entries
        .par_chunks(max_urls.max(1))
        .enumerate()
        .map(|(n, part)| (format!("sitemap-{}.xml", n + 1), urlset(part).into_bytes()))
        .collect();
    let mut index = format!(
        "{}<sitemapindex xmlns=\"{SITEMAP_NS}\">\n",
        xml::DECLARATION
    );
    for ((name, _), part) in files.iter().zip(entries.chunks(max_urls.max(1))) {
        index.push_str("<sitemap>");
        let _ = write!(index, "<loc>{}</loc>", escape::xml(&absolute(name)));
        if let Some(d) = part.iter().filter_map(|e| e.lastmod).max() {
            let _ = write!(index, "<lastmod>{}</lastmod>", xml::rfc3339(&d));
        }
        index.push_str("</sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index.into_bytes()));
    files
}

fn urlset(entries: &[Entry]) -> String {
    let mut out = String::with_capacity(128 + entries.len() * 128);
    out.push_str(xml::DECLARATION);
    let _ = writeln!(out, "<urlset xmlns=\"{SITEMAP_NS}\">");
    for e in entries {
        // `write!` into a String cannot fail.
        let _ = write!(out, "<url><loc>{}</loc>", escape::xml(&e.loc));
        if let Some(d) = e.lastmod {
            let _ = write!(out, "<lastmod>{}</lastmod>", xml::rfc3339(&d));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The Google News sitemap: published articles dated within the last two days before
/// `now`, newest first, at most 1,000. Always written, empty when nothing is recent, so
/// the URL submitted to Search Console never 404s.
fn news_sitemap(
    site: &Site,
    now: DateTime<FixedOffset>,
    absolute: &dyn Fn(&str) -> String,
) -> String {
    let since = now - Duration::hours(NEWS_WINDOW_HOURS);
    let name = escape::xml(site.config.publisher_name());
    let language = news_language(&site.config.raw.language);
    let mut out = String::new();
    out.push_str(xml::DECLARATION);
    let _ = writeln!(
        out,
        "<urlset xmlns=\"{SITEMAP_NS}\" xmlns:news=\"{NEWS_NS}\">"
    );
    let recent = site
        .articles
        .iter()
        .filter(|a| !a.draft && a.date >= since && a.date <= now)
        .take(MAX_NEWS_URLS);
    for a in recent {
        let _ = writeln!(out, "<url><loc>{}</loc>", escape::xml(&absolute(&a.path)));
        out.push_str("<news:news>\n");
        let _ = writeln!(
            out,
            "<news:publication><news:name>{name}</news:name>\
             <news:language>{language}</news:language></news:publication>"
        );
        let _ = writeln!(
            out,
            "<news:publication_date>{}</news:publication_date>",
            xml::rfc3339(&a.date)
        );
        let _ = writeln!(out, "<news:title>{}</news:title>", escape::xml(&a.title));
        out.push_str("</news:news>\n</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Google News wants an ISO 639 code, except `zh-cn` for Simplified and `zh-tw` for
/// Traditional Chinese.
fn news_language(language: &str) -> String {
    let lower = language.trim().to_ascii_lowercase().replace('_', "-");
    let traditional = ["zh-tw", "zh-hk", "zh-mo", "zh-hant"];
    if traditional.iter().any(|t| lower.starts_with(t)) {
        "zh-tw".into()
    } else if lower == "zh" || lower.starts_with("zh-") {
        "zh-cn".into()
    } else {
        lower.split('-').next().unwrap_or_default().to_string()
    }
}

/// `robots.txt`: everything may be crawled except the search page (endless `?q=` result
/// pages with no content of their own), and both sitemaps are named. Crawlers only read it
/// at the host's root; under a base path it is written all the same, ready to be copied
/// there. A site's own `static/robots.txt` replaces it (static files are copied last).
fn robots(shared: &Shared<'_>) -> String {
    let urls = &shared.urls;
    let mut robots = format!(
        "User-agent: *\nDisallow: {}\n",
        urls.href(super::pages::SEARCH_PATH)
    );
    // A Traditional edition under this host (`zh-hant/`) has its own search page and
    // sitemaps, named here too: crawlers read robots.txt at the root only.
    let hant = (shared.site.config.editions.as_ref())
        .and_then(|e| e.hant_folder.as_ref().map(|_| &e.hant))
        .map(|place| {
            format!(
                "{}{}",
                place.origin,
                crate::slug::encode_path(&place.root_path)
            )
        });
    if let Some(hant) = &hant {
        let path = hant.trim_start_matches(urls.origin());
        robots.push_str(&format!("Disallow: {path}{}\n", super::pages::SEARCH_PATH));
    }
    robots.push_str(&format!(
        "\nSitemap: {}\nSitemap: {}\n",
        urls.absolute("sitemap.xml"),
        urls.absolute("news-sitemap.xml"),
    ));
    if let Some(hant) = hant {
        robots.push_str(&format!(
            "Sitemap: {hant}sitemap.xml\nSitemap: {hant}news-sitemap.xml\n"
        ));
    }
    robots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> Entry {
        Entry {
            loc: format!("https://a.com/p/{n}/?x=1&y=<2>"),
            lastmod: DateTime::parse_from_rfc3339(&format!("2024-03-{:02}T09:30:00+08:00", n + 1))
                .ok(),
        }
    }

    fn absolute(rel: &str) -> String {
        format!("https://a.com/portal/{rel}")
    }

    #[test]
    fn small_sites_get_one_urlset() {
        let files = sitemaps(&[entry(1), entry(2)], 3, &absolute);
        assert_eq!(files.len(), 1);
        let text = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(text.contains("<urlset"));
        assert!(text.contains("<loc>https://a.com/p/1/?x=1&amp;y=&lt;2&gt;</loc>"));
        assert!(text.contains("<lastmod>2024-03-02T09:30:00+08:00</lastmod>"));
    }

    #[test]
    fn past_the_limit_sitemap_becomes_an_index_of_parts() {
        let entries: Vec<Entry> = (0..7).map(entry).collect();
        let files = sitemaps(&entries, 3, &absolute);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://a.com/portal/sitemap-3.xml</loc>"));
        // The part's lastmod is its newest entry's.
        assert!(index.contains(
            "<loc>https://a.com/portal/sitemap-1.xml</loc><lastmod>2024-03-03T09:30:00+08:00"
        ));
        let counts: Vec<usize> = files[1..]
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b).matches("<url>").count())
            .collect();
        assert_eq!(counts, [3, 3, 1]);
    }

    #[test]
    fn exactly_at_the_limit_stays_one_file() {
        let entries: Vec<Entry> = (0..3).map(entry).collect();
        assert_eq!(sitemaps(&entries, 3, &absolute).len(), 1);
    }

    #[test]
    fn news_language_codes() {
        assert_eq!(news_language("zh-CN"), "zh-cn");
        assert_eq!(news_language("zh"), "zh-cn");
        assert_eq!(news_language("zh-Hans-CN"), "zh-cn");
        assert_eq!(news_language("zh-TW"), "zh-tw");
        assert_eq!(news_language("zh_HK"), "zh-tw");
        assert_eq!(news_language("zh-Hant"), "zh-tw");
        assert_eq!(news_language("en-US"), "en");
    }
}
