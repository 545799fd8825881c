//! The default theme on built pages: landmarks, breadcrumb, byline, listings, numbered
//! pagination, the side column, the footer's ICP link, and nothing loaded from another
//! origin. Built from the demo site (the repo root) and from small fixture sites.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use tempfile::TempDir;

fn demo() -> (TempDir, PathBuf) {
    build_demo(&[])
}

/// The text from the first `start` to the next `end` after it (both included).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in:\n{html}"));
    let j = html[i..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &html[i..i + j + end.len()]
}

/// Asserts that every needle occurs in `hay`, each after the previous one.
fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut at = 0;
    for needle in needles {
        match hay[at..].find(needle) {
            Some(i) => at += i + needle.len(),
            None => panic!("{needle:?} missing or out of order in:\n{hay}"),
        }
    }
}

/// Every opening tag `<name …>` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        if after.starts_with([' ', '>', '\n', '/']) {
            found.push(&rest[i..i + open.len() + end]);
        }
        rest = &after[end..];
    }
    found
}

/// The value of `attr="…"` in one tag.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let i = tag.find(&key)? + key.len();
    let end = tag[i..].find('"')?;
    Some(&tag[i..i + end])
}

fn is_other_origin(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("http:") || url.starts_with("https:") || url.starts_with("//")
}

/// An alias's redirect page rather than a themed one.
fn is_redirect(html: &str) -> bool {
    html.contains("http-equiv=\"refresh\"")
}

/// Every problem with landmarks, `lang`, `alt` and other origins on one rendered page.
fn page_problems(name: &str, html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            problems.push(format!("{name}: {what}"));
        }
    };
    // The demo's Traditional edition (zh-hant/) is in Taiwan usage.
    let lang = if name.starts_with("zh-hant/") {
        "zh-TW"
    } else {
        "zh-CN"
    };
    need(
        html.contains(&format!("<html lang=\"{lang}\">")),
        &format!("no <html lang=\"{lang}\">"),
    );
    need(html.contains("<meta charset=\"utf-8\">"), "no charset");
    need(
        html.contains("name=\"viewport\" content=\"width=device-width"),
        "no responsive viewport",
    );
    if is_redirect(html) {
        // An alias: a one-line redirect page, not a themed page; it must still say where to.
        need(
            html.contains("<link rel=\"canonical\" href=\""),
            "redirect without a canonical link",
        );
        need(
            html.contains("content=\"0; url="),
            "redirect without a target URL",
        );
        return problems;
    }
    let skip = html.find("<a class=\"skip-link\" href=\"#main\"");
    let header = html.find("<header class=\"site-header\"");
    need(skip.is_some(), "no skip link to #main");
    need(header.is_some(), "no <header> landmark");
    need(
        skip.zip(header).is_some_and(|(s, h)| s < h),
        "skip link is not the first thing in <body>",
    );
    need(
        html.contains("<nav class=\"site-nav\" aria-label="),
        "no labelled <nav>",
    );
    need(
        html.matches("<main").count() == 1 && html.contains("<main id=\"main\""),
        "not exactly one <main id=\"main\">",
    );
    need(
        html.contains("<footer class=\"site-footer\""),
        "no <footer> landmark",
    );
    need(html.matches("<h1").count() == 1, "not exactly one <h1>");
    need(
        html.contains("<meta name=\"color-scheme\" content=\"light dark\">"),
        "no color-scheme meta",
    );
    for img in tags(html, "img") {
        need(img.contains(" alt=\""), &format!("no alt: {img}"));
    }
    for name in [
        "img", "script", "iframe", "source", "video", "audio", "embed",
    ] {
        for tag in tags(html, name) {
            for a in ["src", "srcset", "poster", "data"] {
                if attr(tag, a).is_some_and(is_other_origin) {
                    need(false, &format!("loads from another origin: {tag}"));
                }
            }
        }
    }
    for link in tags(html, "link") {
        let rel = attr(link, "rel").unwrap_or("");
        // canonical and alternate only name a URL; anything else (stylesheet, icon,
        // preload, preconnect, manifest …) makes the browser fetch it.
        if !matches!(rel, "canonical" | "alternate")
            && attr(link, "href").is_some_and(is_other_origin)
        {
            need(false, &format!("loads from another origin: {link}"));
        }
    }
    for bad in ["@import", "url(http", "url(//", "url('http", "url(\"http"] {
        need(!html.contains(bad), &format!("inline style has {bad}"));
    }
    problems
}

#[test]
fn every_demo_page_has_lang_landmarks_alt_and_nothing_from_another_origin() {
    let (_dir, out) = demo();
    let pages = html_files(&out);
    let mut problems = Vec::new();
    let mut themed = 0;
    for page in &pages {
        let name = page.to_str().expect("utf-8 path");
        let html = read(&out, name);
        themed += usize::from(!is_redirect(&html));
        problems.extend(page_problems(name, &html));
    }
    // Redirect pages get only the head checks: most pages must be themed ones.
    assert!(
        themed > 100,
        "only {themed} themed pages of {}",
        pages.len()
    );
    let css: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "css"))
        .map(|e| e.into_path())
        .collect();
    assert!(!css.is_empty(), "no stylesheet in the output");
    for file in css {
        let text = std::fs::read_to_string(&file).expect("read css");
        for bad in [
            "@import",
            "url(http",
            "url(//",
            "url('http",
            "url(\"http",
            "@font-face",
        ] {
            if text.contains(bad) {
                problems.push(format!("{}: has {bad}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_syndicated_demo_article_has_every_part() {
    let (_dir, out) = demo();
    let html = read(&out, "2023/07/xai-founded/index.html");

    // 当前位置：首页 › 资讯 › 马斯克 › 人工智能, every item a link, in front-matter order.
    let crumb = between(&html, "<nav class=\"breadcrumb\"", "</nav>");
    assert!(crumb.contains("aria-label=\"当前位置\""), "{crumb}");
    assert!(crumb.contains("当前位置："), "{crumb}");
    assert_in_order(
        crumb,
        &[
            "<a href=\"/\">首页</a>",
            " › ",
            "<a href=\"/%E8%B5%84%E8%AE%AF/\">资讯</a>",
            " › ",
            "<a href=\"/categories/%E9%A9%AC%E6%96%AF%E5%85%8B/\">马斯克</a>",
            " › ",
            "<a href=\"/categories/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/\">人工智能</a>",
        ],
    );
    assert_eq!(links(crumb).len(), 4, "{crumb}");

    let header = between(&html, "<header class=\"article-header\">", "</header>");
    assert_in_order(
        header,
        &[
            "<h1>马斯克宣布成立 xAI，称要“理解宇宙的真实本质”</h1>",
            "原标题：马斯克新公司 xAI 正式亮相：创始团队来自 DeepMind、OpenAI 等机构",
        ],
    );
    let byline = between(header, "<p class=\"byline\">", "</p>");
    assert_in_order(
        byline,
        &[
            "林舟",
            "来源：远山科技",
            "<time datetime=\"2023-07-13T08:00:00+08:00\">2023-07-13 08:00</time>",
            "分钟",
        ],
    );

    // Body, then tag chips, then previous / next, then related articles: in that order.
    assert_in_order(
        &html,
        &[
            "<div class=\"prose\">",
            "<h2 id=\"团队背景亮眼\">",
            "<ul class=\"tags\"",
            "<a class=\"tag\" href=\"/tags/%E9%A9%AC%E6%96%AF%E5%85%8B/\" rel=\"tag\">马斯克</a>",
            "<a class=\"tag\" href=\"/tags/xai/\" rel=\"tag\">xAI</a>",
            "<nav class=\"post-nav\"",
            "rel=\"prev\"",
            "上一篇",
            "rel=\"next\"",
            "下一篇",
            "<section class=\"related\"",
            "相关文章",
            "</main>",
            "<footer class=\"site-footer\"",
        ],
    );
    let related = between(&html, "<section class=\"related\"", "</section>");
    let count = related.matches("<li>").count();
    assert!((1..=5).contains(&count), "{count} related: {related}");
    assert!(related.contains("<time datetime="), "{related}");

    // The section of the article is marked current in the navigation.
    let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
    assert!(
        nav.contains("<a href=\"/%E8%B5%84%E8%AE%AF/\" aria-current=\"page\">资讯</a>"),
        "{nav}"
    );
}

#[test]
fn the_demo_footer_has_the_copyright_and_the_icp_number_linked_to_the_filing_site() {
    let (_dir, out) = demo();
    for page in ["index.html", "2023/07/xai-founded/index.html", "404.html"] {
        let html = read(&out, page);
        let footer = between(&html, "<footer class=\"site-footer\"", "</footer>");
        assert!(
            footer.contains("Copyright © 2026 硅基日报 北京硅基传媒有限公司 版权所有"),
            "{page}: {footer}"
        );
        assert!(
            footer.contains("<a href=\"https://beian.miit.gov.cn/\" target=\"_blank\" rel=\"noopener\">京ICP备20260001号-1</a>"),
            "{page}: {footer}"
        );
    }
}

#[test]
fn the_demo_home_has_a_lead_story_the_latest_list_and_a_side_column() {
    let (_dir, out) = demo();
    let html = read(&out, "index.html");
    let body = between(&html, "<main", "</main>");
    assert!(body.contains("<div class=\"layout has-aside\">"), "{body}");

    // The lead story comes first: the newest article with a cover, large, with its summary.
    let lead = between(body, "<article class=\"lead\">", "</article>");
    assert!(lead.contains("<img src=\"/images/"), "{lead}");
    assert!(
        lead.contains("<h2 class=\"lead-title\"><a href=\"/20"),
        "{lead}"
    );
    assert!(lead.contains("<time datetime="), "{lead}");
    assert!(lead.contains("<p class=\"summary\">"), "{lead}");
    let lead_url = attr(tags(lead, "a")[0], "href").expect("lead href");
    let items = between(body, "<div class=\"items\">", "<nav class=\"pagination\"");
    assert!(
        !items.contains(&format!("href=\"{lead_url}\"")),
        "the lead story is repeated in the list"
    );
    // Then two lead cards ([home] lead_slots = 3), not repeated below either.
    let cards = between(body, "<div class=\"lead-cards\">", "<div class=\"items\">");
    assert_eq!(tags(cards, "article").len(), 2, "{cards}");
    for card in tags(cards, "h3") {
        assert!(card.contains("lead-card-title"), "{card}");
    }
    for a in tags(cards, "a") {
        let href = attr(a, "href").expect("card href");
        assert!(
            !items.contains(&format!("href=\"{href}\"")),
            "{href} repeated"
        );
    }
    // Then the latest, each with date, summary and tags; a thumbnail when it has a cover.
    let entries = tags(items, "article");
    assert_eq!(
        entries.len(),
        7,
        "paginate_by = 10, three of them are in the lead slots"
    );
    assert!(items.matches("<time datetime=").count() >= 7);
    assert!(items.matches("<p class=\"summary\">").count() >= 7);
    assert!(items.matches("<ul class=\"tags\"").count() >= 7);
    assert!(items.contains("<article class=\"item has-cover\">"));
    assert!(items.contains("<a class=\"item-thumb\""));
    assert!(
        items.contains("<article class=\"item\">"),
        "some have no cover"
    );

    // Numbered pagination.
    let pages = between(body, "<nav class=\"pagination\"", "</nav>");
    assert!(
        pages.contains("<span class=\"current\" aria-current=\"page\">1</span>"),
        "{pages}"
    );
    assert!(pages.contains("<a href=\"/page/2/\">2</a>"), "{pages}");
    assert!(pages.contains("rel=\"next\""), "{pages}");

    // The side column, fetched from /side.html (one file for every listing, so that a
    // publish build does not rewrite them all): hot tags sized by count, then the archive
    // by month.
    assert!(
        body.contains(
            "<aside class=\"sidebar\" aria-label=\"侧栏\" data-side=\"/side.html\"></aside>"
        ),
        "{body}"
    );
    assert!(body.contains("fetch(aside.getAttribute(\"data-side\"))"));
    let aside = read(&out, "side.html");
    let aside = aside.as_str();
    assert!(!aside.contains("<html"), "a fragment: {aside}");
    assert_in_order(aside, &["热门标签", "<ul class=\"tag-cloud\">", "文章归档"]);
    assert!(aside.contains("class=\"size-4\""), "the top tag is largest");
    assert!(aside.contains("class=\"size-1\""), "rare tags are smallest");
    assert!(aside.contains("年") && aside.contains("月</a>"), "{aside}");
    assert!(aside.contains("<a href=\"/archives/\">"), "{aside}");
}

#[test]
fn demo_listings_share_the_item_partial_and_the_side_column() {
    let (_dir, out) = demo();
    for (page, heading) in [
        ("tags/马斯克/index.html", "<h1>标签：马斯克</h1>"),
        ("categories/人工智能/index.html", "<h1>分类：人工智能</h1>"),
        ("资讯/index.html", "<h1>资讯</h1>"),
        ("archives/2024/index.html", "<h1>"),
        (
            "page/2/index.html",
            "<h1 class=\"visually-hidden\">硅基日报</h1>",
        ),
    ] {
        let html = read(&out, page);
        assert!(html.contains(heading), "{page}: no {heading}");
        assert!(
            !html.contains("<article class=\"lead\">"),
            "{page}: a lead story"
        );
        let items = between(&html, "<div class=\"items\">", "</main>");
        assert!(
            items.contains("<article class=\"item"),
            "{page}: no items: {items}"
        );
        for entry in items.split("<article class=\"item").skip(1) {
            assert_in_order(
                entry,
                &[
                    "<h2 class=\"item-title\"><a href=\"/",
                    "<p class=\"meta\">",
                    "<time datetime=\"",
                    "</article>",
                ],
            );
        }
        assert!(
            html.contains("<aside class=\"sidebar\" aria-label="),
            "{page}: no side column"
        );
    }
    let archives = read(&out, "archives/index.html");
    assert!(archives.contains("<h1>归档</h1>"));
    assert!(archives.contains("<a href=\"/archives/2024/\">2024 年</a>"));
    assert!(archives.contains("<a href=\"/archives/2024/03/\">2024年03月</a>"));
    let tags_index = read(&out, "tags/index.html");
    assert!(tags_index.contains("<ul class=\"term-list term-list-tags\">"));
}

fn numbered_site() -> TempDir {
    let files: Vec<(String, String)> = (1..=24)
        .map(|i| {
            (
                format!("content/资讯/n{i:02}.md"),
                article(
                    &format!("第{i}条快讯"),
                    &format!("2024-05-{i:02}T08:00:00+08:00"),
                    &["芯片"],
                    &["半导体"],
                    "正文。",
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    site(&format!("{MINIMAL_CONFIG}paginate_by = 2\n"), &refs)
}

/// The numbers of the page links (`[n]` for the current page, `…` for a gap) and whether the
/// previous / next links are live.
fn pagination_of(html: &str) -> (Vec<String>, bool, bool) {
    let nav = between(
        html,
        "<nav class=\"pagination\" aria-label=\"分页\">",
        "</nav>",
    );
    let list = between(nav, "<ol class=\"pages\">", "</ol>");
    let mut shown = Vec::new();
    for li in list.split("<li").skip(1) {
        let li = &li[..li.find("</li>").expect("</li>")];
        if li.contains("class=\"gap\"") {
            shown.push("…".to_string());
        } else if let Some(i) = li.find("aria-current=\"page\">") {
            let n = &li[i + "aria-current=\"page\">".len()..];
            shown.push(format!("[{}]", &n[..n.find('<').expect("<")]));
        } else {
            let a = between(li, "<a href=\"", "</a>");
            let a = a.trim_end_matches("</a>");
            shown.push(a[a.rfind('>').expect(">") + 1..].to_string());
        }
    }
    let prev = nav.contains("<a class=\"prev\"");
    let next = nav.contains("<a class=\"next\"");
    (shown, prev, next)
}

#[test]
fn pagination_shows_page_numbers_with_a_window_and_gaps() {
    let dir = numbered_site();
    let out = build_ok(dir.path(), &[]);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    let (shown, prev, next) = pagination_of(&read(&out, "资讯/index.html"));
    assert_eq!(shown, s(&["[1]", "2", "3", "…", "12"]));
    assert!(!prev && next);

    let page6 = read(&out, "资讯/page/6/index.html");
    let (shown, prev, next) = pagination_of(&page6);
    assert_eq!(shown, s(&["1", "…", "4", "5", "[6]", "7", "8", "…", "12"]));
    assert!(prev && next);
    let nav = between(&page6, "<nav class=\"pagination\"", "</nav>");
    for (n, href) in [
        (1, "/%E8%B5%84%E8%AE%AF/"),
        (4, "/%E8%B5%84%E8%AE%AF/page/4/"),
        (8, "/%E8%B5%84%E8%AE%AF/page/8/"),
        (12, "/%E8%B5%84%E8%AE%AF/page/12/"),
    ] {
        assert!(
            nav.contains(&format!("<a href=\"{href}\">{n}</a>")),
            "{nav}"
        );
    }
    assert!(nav.contains("<a class=\"prev\" href=\"/%E8%B5%84%E8%AE%AF/page/5/\" rel=\"prev\">"));
    assert!(nav.contains("<a class=\"next\" href=\"/%E8%B5%84%E8%AE%AF/page/7/\" rel=\"next\">"));
    assert!(page6.contains("第 6 页"), "the heading names the page");

    // A hidden run of one page shows that page instead of a gap.
    let (shown, _, _) = pagination_of(&read(&out, "资讯/page/4/index.html"));
    assert_eq!(shown, s(&["1", "2", "3", "[4]", "5", "6", "…", "12"]));

    let (shown, prev, next) = pagination_of(&read(&out, "资讯/page/12/index.html"));
    assert_eq!(shown, s(&["1", "…", "10", "11", "[12]"]));
    assert!(prev && !next);

    // The same partial on the home page, tag, category and archive listings.
    for page in [
        "page/6/index.html",
        "tags/芯片/page/6/index.html",
        "categories/半导体/page/6/index.html",
        "archives/2024/05/page/6/index.html",
    ] {
        let (shown, _, _) = pagination_of(&read(&out, page));
        assert_eq!(
            shown,
            s(&["1", "…", "4", "5", "[6]", "7", "8", "…", "12"]),
            "{page}"
        );
    }
}

#[test]
fn a_single_page_listing_has_no_pagination() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article(
                "唯一一篇",
                "2024-01-01T08:00:00+08:00",
                &["孤篇"],
                &[],
                "正文。",
            ),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    for page in ["index.html", "tags/孤篇/index.html"] {
        let html = read(&out, page);
        assert!(!html.contains("class=\"pagination\""), "{page}");
        assert!(html.contains("<article class=\"item\">"), "{page}");
    }
}

/// A listing's count shows even at nought: `paginator.total_articles` is none only on the
/// numbered pages of `stable_pagination`, and 0 must not read as none.
#[test]
fn an_empty_section_says_it_has_no_articles() {
    let dir = site(
        MINIMAL_CONFIG,
        &[("content/资讯/_index.md", "+++\ntitle = \"资讯\"\n+++\n")],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "资讯/index.html");
    assert!(html.contains("list-count\">共 0 篇"), "{html}");
}

#[test]
fn lead_story_needs_a_cover_and_only_the_home_page_has_one() {
    let with_cover = "+++\ntitle = \"有封面的头条\"\ndate = 2024-01-02T08:00:00+08:00\ncover = \"/images/c.svg\"\n+++\n正文。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/newest.md",
                &article("最新无图", "2024-01-03T08:00:00+08:00", &[], &[], "正文。"),
            ),
            ("content/资讯/cover.md", with_cover),
            (
                "static/images/c.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    let lead = between(&home, "<article class=\"lead\">", "</article>");
    assert!(lead.contains("有封面的头条"), "{lead}");
    assert!(
        lead.contains("<img src=\"/images/c.svg\" alt=\"有封面的头条\" fetchpriority=\"high\">"),
        "{lead}"
    );
    let items = between(&home, "<div class=\"items\">", "</main>");
    assert!(items.contains("最新无图") && !items.contains("有封面的头条"));

    let section = read(&out, "资讯/index.html");
    assert!(!section.contains("class=\"lead\""));
    assert!(section.contains("<img src=\"/images/c.svg\" alt=\"有封面的头条\" loading=\"lazy\">"));

    // Without any cover there is no lead story, only the list.
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("无图", "2024-01-03T08:00:00+08:00", &[], &[], "正文。"),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    assert!(!read(&out, "index.html").contains("class=\"lead\""));
}

#[test]
fn an_article_without_original_title_source_or_neighbours_leaves_those_parts_out() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("独立文章", "2024-01-03T08:00:00+08:00", &[], &[], "正文。"),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/01/a/index.html");
    assert!(!html.contains("原标题"));
    assert!(!html.contains("来源："));
    assert!(!html.contains("class=\"post-nav\""));
    assert!(!html.contains("class=\"related\""));
    assert!(!html.contains("<ul class=\"tags\""));
    assert!(html.contains("<time datetime=\"2024-01-03T08:00:00+08:00\">"));
    // No section, no categories: the location line is just 首页.
    let crumb = between(&html, "<nav class=\"breadcrumb\"", "</nav>");
    assert_eq!(links(crumb), vec!["/"]);
    assert!(
        page_problems("a", &html).is_empty(),
        "{:?}",
        page_problems("a", &html)
    );
}

#[test]
fn footer_defaults_logo_and_a_sub_path_site() {
    // No [footer]: a default copyright line and no ICP link.
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("一", "2024-01-03T08:00:00+08:00", &[], &[], "正文。"),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let footer = between(
        &read(&out, "index.html"),
        "<footer class=\"site-footer\"",
        "</footer>",
    )
    .to_string();
    assert!(footer.contains("© 2024 测试日报"), "{footer}");
    assert!(!footer.contains("beian.miit.gov.cn"), "{footer}");

    // A logo from [extra], an ICP number, and a site that lives under /portal/.
    let config = "title = \"测试日报\"\nbase_url = \"https://t.example.com/portal/\"\n\
                  [footer]\nicp = \"沪ICP备12345678号\"\n[extra]\nlogo = \"/images/logo.svg\"\n";
    let dir = site(
        config,
        &[
            (
                "content/资讯/a.md",
                &article(
                    "一",
                    "2024-01-03T08:00:00+08:00",
                    &["标签甲"],
                    &[],
                    "正文。",
                ),
            ),
            (
                "static/images/logo.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/01/a/index.html");
    let brand = between(&html, "<a class=\"brand\"", "</a>");
    assert!(brand.contains("href=\"/portal/\""), "{brand}");
    assert!(
        brand.contains("<img class=\"logo\" src=\"/portal/images/logo.svg\" alt=\"\""),
        "{brand}"
    );
    assert!(
        brand.contains("<span class=\"brand-name\">测试日报</span>"),
        "{brand}"
    );
    assert!(html.contains(
        "<a href=\"https://beian.miit.gov.cn/\" target=\"_blank\" rel=\"noopener\">沪ICP备12345678号</a>"
    ));
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/portal/css/style."));
    let crumb = between(&html, "<nav class=\"breadcrumb\"", "</nav>");
    assert_eq!(
        links(crumb),
        vec!["/portal/", "/portal/%E8%B5%84%E8%AE%AF/"]
    );
    assert!(
        page_problems("a", &html).is_empty(),
        "{:?}",
        page_problems("a", &html)
    );
    assert!(
        broken_links(&out, "/portal/").is_empty(),
        "{:?}",
        broken_links(&out, "/portal/")
    );
}

#[test]
fn the_stylesheet_has_cjk_fonts_dark_mode_print_focus_and_no_web_fonts() {
    let css =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("static/css/style.css"))
            .expect("style.css");
    for needle in [
        "\"PingFang SC\"",
        "\"Hiragino Sans GB\"",
        "\"Microsoft YaHei\"",
        "\"Noto Sans CJK SC\"",
        "sans-serif",
        "line-height: 1.8",
        "@media (prefers-color-scheme: dark)",
        "@media print",
        ":focus-visible",
        ".skip-link:focus",
        "@media (min-width: 960px)",
        "max-width: 100%",
    ] {
        assert!(css.contains(needle), "style.css lacks {needle}");
    }
    for bad in ["@font-face", "@import", "url(http", "url(//"] {
        assert!(!css.contains(bad), "style.css has {bad}");
    }
}

#[test]
fn every_template_is_short_commented_and_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("README.md")).expect("README")
        + &std::fs::read_to_string(root.join("docs/templates.md")).expect("docs/templates.md");
    let dir = root.join("templates");
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(&dir)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).expect("read");
        if !docs.contains(&name) {
            problems.push(format!(
                "{name} is not named in README.md or docs/templates.md"
            ));
        }
        if !text.contains("{#") {
            problems.push(format!(
                "{name} has no {{# … #}} comment for people who override it"
            ));
        }
        let lines = text.lines().count();
        if lines > 150 {
            problems.push(format!("{name} has {lines} lines; split it into partials"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_demo_footer_links_the_feeds() {
    let (_dir, out) = demo();
    let html = read(&out, "index.html");
    let footer = between(&html, "<footer class=\"site-footer\"", "</footer>");
    assert!(footer.contains("<a href=\"/rss.xml\">RSS</a>"), "{footer}");
    assert!(
        footer.contains("<a href=\"/atom.xml\">Atom</a>"),
        "{footer}"
    );
    assert!(out.join("rss.xml").is_file() && out.join("atom.xml").is_file());
}

#[test]
fn the_header_search_box_searches_the_search_page() {
    // The box is shown when search is on (`site.search`), as it is on the demo: it must be a
    // labelled GET form inside the header that sends `q` to the site's own search page.
    let (_dir, out) = demo();
    let html = read(&out, "index.html");
    let header = between(&html, "<header class=\"site-header\"", "</header>");
    assert!(
        header.contains("role=\"search\""),
        "the demo's header has no search box, though the demo has search on:\n{header}"
    );
    let form = between(header, "<form class=\"search\" role=\"search\"", "</form>");
    assert!(form.contains("method=\"get\""), "{form}");
    assert!(form.contains("action=\"/search/\""), "{form}");
    assert!(out.join("search/index.html").is_file());
    let input = tags(form, "input")[0];
    assert_eq!(attr(input, "name"), Some("q"), "{input}");
    assert!(attr(input, "aria-label").is_some(), "{input}");
}

#[test]
fn a_site_can_override_one_partial_and_the_stylesheet() {
    // As the README's Theme section says: a site's own partial replaces the built-in one
    // everywhere it is included; its static/css/style.css replaces the theme's.
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &article(
                    "覆盖测试",
                    "2024-01-03T08:00:00+08:00",
                    &["标签"],
                    &[],
                    "正文。",
                ),
            ),
            (
                "templates/partials/item.html",
                "<p class=\"my-item\">{{ item.title }}</p>",
            ),
            ("static/css/style.css", "body { color: #123456; }\n"),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    for page in ["index.html", "tags/标签/index.html"] {
        let html = read(&out, page);
        assert!(html.contains("<p class=\"my-item\">覆盖测试</p>"), "{page}");
        assert!(!html.contains("<article class=\"item"), "{page}");
        assert!(html.contains("<header class=\"site-header\""), "{page}");
    }
    let html = read(&out, "index.html");
    let link = tags(&html, "link")
        .into_iter()
        .find(|l| attr(l, "rel") == Some("stylesheet"))
        .expect("stylesheet link");
    let css = read(
        &out,
        attr(link, "href").expect("href").trim_start_matches('/'),
    );
    assert_eq!(css, "body { color: #123456; }\n");
}

#[test]
fn an_overridden_partial_inside_the_item_sees_the_listing_it_is_in() {
    // The built-in item is rendered once per article and reused on every listing; a
    // site's own partial inside it may show the listing, so it is rendered in each.
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &article(
                    "各处不同",
                    "2024-01-03T08:00:00+08:00",
                    &["标签"],
                    &[],
                    "正文。",
                ),
            ),
            (
                "templates/partials/tags.html",
                "<span class=\"in\">{% if listing is defined %}{{ listing.kind }}{% endif %}</span>",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    for (page, kind) in [("index.html", "home"), ("tags/标签/index.html", "tag")] {
        let html = read(&out, page);
        let item = between(&html, "<article class=\"item", "</article>");
        assert!(item.contains("各处不同"), "{page}: {item}");
        assert!(
            item.contains(&format!("<span class=\"in\">{kind}</span>")),
            "{page}: {item}"
        );
    }
}
