//! One article with thousands of tags: every tag gets its page and feeds, and a tag page
//! (or feed) stays the size of what it lists, not of the article's tag count. Before,
//! every tag page carried every tag's chip, so n tags wrote n² chips (4,000 tags: 1.9 GB).

mod common;

use std::path::Path;

use common::{MINIMAL_CONFIG, build_ok, read, site};

/// A site whose first article has `n` tags `t0`…, and a second article with two of them.
fn site_with_tags(n: usize) -> tempfile::TempDir {
    let tags: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &common::article("多标签", "2024-03-01T00:00:00+08:00", &tags, &[], "正文。"),
            ),
            (
                "content/b.md",
                &common::article(
                    "另一篇",
                    "2024-03-02T00:00:00+08:00",
                    &["t1", "t2"],
                    &[],
                    "正文。",
                ),
            ),
        ],
    )
}

fn size(out: &Path, rel: &str) -> usize {
    read(out, rel).len()
}

#[test]
fn thousands_of_tags_on_one_article_give_pages_the_size_of_their_own_content() {
    let many = 2_000;
    let big = site_with_tags(many);
    let out = build_ok(big.path(), &[]);
    for i in 0..many {
        for file in ["index.html", "rss.xml", "atom.xml"] {
            let rel = format!("tags/t{i}/{file}");
            assert!(out.join(&rel).is_file(), "{rel} is missing");
        }
    }
    // The article's own page shows every tag.
    let article = std::fs::read_dir(out.join("2024/03"))
        .expect("month folder")
        .filter_map(Result::ok)
        .map(|e| e.path().join("index.html"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|h| h.contains("<title>多标签")))
        .expect("the article's page");
    let html = std::fs::read_to_string(&article).expect("read");
    assert_eq!(
        html.matches("rel=\"tag\"").count(),
        many,
        "all tags on the article page"
    );

    // A tag page lists the article with a few chips and a count of the rest.
    let tag_page = read(&out, "tags/t1500/index.html");
    assert!(tag_page.contains("+1990"), "the rest are counted");
    assert!(
        tag_page.matches("rel=\"tag\"").count() <= 10 + 1,
        "at most 10 chips and the +N link"
    );
    let feed = read(&out, "tags/t1500/rss.xml");
    assert!(feed.matches("<category>").count() <= 20, "{feed:.2000}");

    // Against the same site with 12 tags, a tag page and its feeds are about the same
    // size: no part of them grows with the article's tag count.
    let few = site_with_tags(12);
    let few_out = build_ok(few.path(), &[]);
    for rel in [
        "tags/t5/index.html",
        "tags/t5/rss.xml",
        "tags/t5/atom.xml",
        "tags/t1/index.html",
        "index.html",
    ] {
        let (a, b) = (size(&out, rel), size(&few_out, rel));
        assert!(
            a.abs_diff(b) < 1_000,
            "{rel}: {a} bytes with {many} tags, {b} with 12"
        );
    }
}
