//! Unit tests on sites built by hand: authors and 专题 are set on the model directly, as
//! the stage that fills them will.

use std::collections::BTreeMap;

use chrono::DateTime;
use serde_json::Value;

use super::ids::{ID_LEN, shorten};
use crate::model::{Article, Site, Term};
use crate::render::{Shared, plan};

fn article(source: &str, path: &str, date: &str, tags: &[&str], draft: bool) -> Article {
    Article {
        title: format!("标题{path}"),
        date: DateTime::parse_from_rfc3339(date).expect("date"),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        section: Some("资讯".into()),
        authors: vec!["王澜".into()],
        author: Some("王澜".into()),
        series: vec!["芯片战争".into()],
        draft,
        ..Article::for_tests(source, path)
    }
}

/// Four articles (newest first: d, c, b, a), `d` a draft; an author listing all four and a
/// 专题 in reading order (a, c, d).
fn site(config: &str) -> Site {
    let config = crate::config::SiteConfig::parse(
        &format!("title = \"科技日报\"\nbase_url = \"https://news.example.com/\"\n{config}"),
        None,
    )
    .expect("config");
    let articles = vec![
        article(
            "content/资讯/a.md",
            "2026/01/a/",
            "2026-01-01T08:00:00+08:00",
            &["芯片"],
            false,
        ),
        article(
            "content/资讯/b.md",
            "2026/01/b/",
            "2026-01-02T08:00:00+08:00",
            &[],
            false,
        ),
        article(
            "content/资讯/c.md",
            "2026/01/c/",
            "2026-01-03T08:00:00+08:00",
            &["芯片"],
            false,
        ),
        article(
            "content/资讯/d.md",
            "2026/01/d/",
            "2026-01-04T08:00:00+08:00",
            &["独家"],
            true,
        ),
    ];
    let now = articles[0].date;
    let mut site = crate::model::assemble(config, articles, Default::default(), now);
    let index = |name: &str| {
        site.articles
            .iter()
            .position(|a| a.source_path.ends_with(format!("{name}.md")))
            .expect("article")
    };
    site.authors = vec![Term {
        name: "王澜".into(),
        slug: "王澜".into(),
        path: "authors/王澜/".into(),
        articles: vec![index("d"), index("c"), index("b"), index("a")],
    }];
    site.series = vec![Term {
        name: "芯片战争".into(),
        slug: "芯片战争".into(),
        path: "专题/芯片战争/".into(),
        articles: vec![index("a"), index("c"), index("d")],
    }];
    site.series_metas = vec![None];
    site
}

fn files(site: &Site) -> BTreeMap<String, Value> {
    let plan = plan(site).expect("plan");
    let shared = Shared::new(site, &plan);
    super::files(&shared)
        .expect("bodies held")
        .into_iter()
        .map(|(f, b)| (f, serde_json::from_slice(&b).expect("JSON")))
        .collect()
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title"))
        .collect()
}

#[test]
fn nothing_unless_enabled() {
    assert!(files(&site("")).is_empty());
}

#[test]
fn authors_and_series_get_listings_in_their_own_order() {
    let files = files(&site("[api]\nenabled = true\nper_page = 2\n"));
    let author = &files["api/authors/王澜/page/1.json"];
    assert_eq!(author["total_articles"], 3);
    assert_eq!(author["total_pages"], 2);
    assert_eq!(titles(author), ["标题2026/01/c/", "标题2026/01/b/"]);
    assert_eq!(
        author["next"],
        "https://news.example.com/api/authors/%E7%8E%8B%E6%BE%9C/page/2.json"
    );
    // Reading order, the draft left out.
    let series = &files["api/series/芯片战争/page/1.json"];
    assert_eq!(titles(series), ["标题2026/01/a/", "标题2026/01/c/"]);
    assert_eq!(series["listing"]["kind"], "series");
    assert_eq!(
        series["listing"]["url"],
        "https://news.example.com/%E4%B8%93%E9%A2%98/%E8%8A%AF%E7%89%87%E6%88%98%E4%BA%89/"
    );
    let index = &files["api/index.json"];
    assert_eq!(index["authors"][0]["count"], 3);
    assert_eq!(index["series"][0]["count"], 2);
}

#[test]
fn bylines_link_to_their_listings() {
    let files = files(&site("[api]\nenabled = true\n"));
    let item = &files["api/articles/page/1.json"]["items"][0];
    assert_eq!(item["authors"][0]["name"], "王澜");
    assert_eq!(
        item["authors"][0]["api"],
        "https://news.example.com/api/authors/%E7%8E%8B%E6%BE%9C/page/1.json"
    );
    assert_eq!(item["series"][0]["slug"], "芯片战争");
    // b is in no 专题 list: its series is named but not linked.
    let b = &files["api/articles/page/1.json"]["items"][1];
    assert_eq!(b["title"], "标题2026/01/b/");
    assert_eq!(b["series"][0]["name"], "芯片战争");
    assert_eq!(b["series"][0]["api"], Value::Null);
}

#[test]
fn drafts_and_their_only_terms_are_left_out() {
    let files = files(&site("[api]\nenabled = true\n"));
    assert!(
        !files.keys().any(|f| f.contains("独家")),
        "{:?}",
        files.keys()
    );
    let articles = files
        .keys()
        .filter(|f| !f.contains("/page/") && f.starts_with("api/articles/"));
    assert_eq!(articles.count(), 3);
    assert!(!files.values().any(|v| v.to_string().contains("2026/01/d/")),);
}

#[test]
fn ids_are_short_unless_they_clash() {
    let a = format!("{}{}", "a".repeat(ID_LEN), "1".repeat(64 - ID_LEN));
    let b = format!("{}{}", "a".repeat(ID_LEN), "2".repeat(64 - ID_LEN));
    let c = "c".repeat(64);
    let ids = shorten(&[a.clone(), c.clone(), b.clone(), a.clone()]);
    assert_eq!(
        ids,
        [a.clone(), c[..ID_LEN].to_string(), b, format!("{a}-2")]
    );
    let site = site("");
    let ids = super::article_ids(&site.articles);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    assert!(ids.iter().all(|id| id.len() == ID_LEN));
    // The same source path gives the same id, whatever else changes.
    let moved = Article {
        title: "新标题".into(),
        path: "2030/01/x/".into(),
        ..site.articles[0].clone()
    };
    assert_eq!(super::article_ids(&[moved])[0], ids[0]);
}
