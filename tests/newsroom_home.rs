//! The front page the editors arrange: lead slots from `data/picks.toml` and `pinned`
//! front matter, the 热门 list from `data/hot.toml`, menus from `[menu]`, and per-section
//! settings from `[sections.NAME]`. Each built with the real binary and checked in the HTML.

mod common;

use common::*;

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

/// A news story in `content/资讯/NAME.md`, dated 2026-08-DAY, with extra front matter.
fn story(title: &str, day: u32, extra: &str) -> String {
    format!(
        "+++\ntitle = {title:?}\ndate = 2026-08-{day:02}T09:00:00+08:00\nslug = \"s{day}\"\nsummary = \"{title}的摘要。\"\n{extra}+++\n{title}的正文。\n"
    )
}

const COVER: &str = "cover = \"/images/c.svg\"\n";
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";

/// Six stories, newest (day 6) first in listings; three pinned, two with a cover.
fn newsroom(config: &str, more: &[(&str, &str)]) -> tempfile::TempDir {
    let stories = [
        (
            "content/资讯/芯片.md",
            story("国产芯片量产", 1, "pinned = true\nweight = 2\n"),
        ),
        (
            "content/资讯/大模型.md",
            story("大模型价格战", 2, "pinned = true\nweight = 1\n"),
        ),
        (
            "content/资讯/机器人.md",
            story("人形机器人进厂", 3, "pinned = true\n"),
        ),
        ("content/资讯/卫星.md", story("低轨卫星组网", 4, COVER)),
        ("content/资讯/电池.md", story("固态电池装车", 5, "")),
        ("content/评测/手机.md", story("折叠屏手机评测", 6, COVER)),
    ];
    let mut files: Vec<(&str, &str)> = stories.iter().map(|(p, t)| (*p, t.as_str())).collect();
    files.push(("static/images/c.svg", SVG));
    files.extend_from_slice(more);
    site(&format!("{MINIMAL_CONFIG}{config}"), &files)
}

/// Titles of the lead story, then of the lead cards, then of the list below.
fn home_layout(html: &str) -> (String, Vec<String>, Vec<String>) {
    let title = |chunk: &str| -> String {
        let a = between(chunk, "<a href=\"", "</a>");
        let text = a
            .find("\">")
            .map_or("", |i| &a[i + 2..a.len() - "</a>".len()]);
        text.to_string()
    };
    let lead = between(html, "<article class=\"lead", "</article>");
    let lead = title(between(lead, "class=\"lead-title\"", "</h2>"));
    let cards = html
        .split("<h3 class=\"lead-card-title\">")
        .skip(1)
        .map(title)
        .collect();
    let items = between(html, "<div class=\"items\">", "</main>");
    let items = items
        .split("<h2 class=\"item-title\">")
        .skip(1)
        .map(title)
        .collect();
    (lead, cards, items)
}

#[test]
fn pinned_articles_fill_the_lead_slots_in_weight_order() {
    let dir = newsroom("", &[]);
    let out = build_ok(dir.path(), &[]);
    let (lead, cards, items) = home_layout(&read(&out, "index.html"));
    assert_eq!(lead, "大模型价格战");
    assert_eq!(cards, ["国产芯片量产", "人形机器人进厂"]);
    // Slotted stories are not repeated below.
    assert_eq!(items, ["折叠屏手机评测", "固态电池装车", "低轨卫星组网"]);
    // A section listing has no lead slots and lists everything.
    let section = read(&out, "资讯/index.html");
    assert!(!section.contains("class=\"lead"), "{section}");
    assert_eq!(section.matches("<h2 class=\"item-title\">").count(), 5);

    // More slots than picks: the newest stories with a cover fill the rest.
    let dir = newsroom("[home]\nlead_slots = 5\n", &[]);
    let out = build_ok(dir.path(), &[]);
    let (lead, cards, items) = home_layout(&read(&out, "index.html"));
    assert_eq!(lead, "大模型价格战");
    assert_eq!(
        cards,
        [
            "国产芯片量产",
            "人形机器人进厂",
            "折叠屏手机评测",
            "低轨卫星组网"
        ]
    );
    assert_eq!(items, ["固态电池装车"]);
    let home = read(&out, "index.html");
    let cards = between(&home, "<div class=\"lead-cards\">", "</div>");
    assert!(
        cards.contains("<img src=\"/images/c.svg\" alt=\"折叠屏手机评测\" loading=\"lazy\">"),
        "{cards}"
    );
}

#[test]
fn the_picks_file_comes_first_in_its_own_order() {
    let picks = "# 编辑部精选\narticles = [\n  \"content/资讯/电池.md\",\n  \"/2026/08/s4/\",\n]\n";
    let dir = newsroom("", &[("data/picks.toml", picks)]);
    let out = build_ok(dir.path(), &[]);
    let (lead, cards, _) = home_layout(&read(&out, "index.html"));
    assert_eq!(lead, "固态电池装车");
    assert_eq!(cards, ["低轨卫星组网", "大模型价格战"]);
}

#[test]
fn a_picks_entry_naming_no_article_is_a_warning_and_fails_strict() {
    let picks = "articles = [\n  \"content/资讯/电池.md\",\n  \"content/资讯/已删除.md\",\n]\n";
    let dir = newsroom("", &[("data/picks.toml", picks)]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("data/picks.toml:3:3: warning: `content/资讯/已删除.md` in the picks names no published article"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    let (lead, _, _) = home_layout(&read(&dir.path().join("public"), "index.html"));
    assert_eq!(lead, "固态电池装车");

    let out = build(dir.path(), &["--strict"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("data/picks.toml:3:3: error:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_hot_list_shows_in_the_side_column_from_the_data_file() {
    let hot = "items = [\n  { path = \"content/资讯/卫星.md\", views = 52000 },\n  { url = \"/2026/08/s2/\", views = 31000 },\n  { title = \"全部专题\", url = \"/tags/\" },\n  { path = \"content/资讯/不存在.md\" },\n]\n";
    let dir = newsroom("", &[("data/hot.toml", hot)]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("data/hot.toml:5:12: warning: `content/资讯/不存在.md` in the 热门 list"),
        "{}",
        stderr(&out)
    );
    let public = dir.path().join("public");
    // Listings fetch the side column from /side.html.
    for page in ["index.html", "资讯/index.html"] {
        let html = read(&public, page);
        assert!(html.contains("data-side=\"/side.html\""), "{page}: {html}");
    }
    {
        let aside = read(&public, "side.html");
        assert_in_order(
            &aside,
            &[
                "<h2>热门文章</h2>",
                "<ol class=\"hot-list\">",
                "<li><a href=\"/2026/08/s4/\">低轨卫星组网</a> <span class=\"count\">52000 阅读</span></li>",
                "<li><a href=\"/2026/08/s2/\">大模型价格战</a>",
                "<li><a href=\"/tags/\">全部专题</a></li>",
                "</ol>",
                "文章归档",
            ],
        );
    }

    // Without the file the side column is what it was.
    let dir = newsroom("", &[]);
    let out = build_ok(dir.path(), &[]);
    let aside = read(&out, "side.html");
    assert!(!aside.contains("热门文章"), "{aside}");
    assert!(aside.contains("文章归档"), "{aside}");
}

const MENU: &str = r#"
[[menu.main]]
name = "评测"
section = "评测"
weight = 2

[[menu.main]]
name = "资讯"
section = "资讯"
weight = 1

[[menu.main]]
name = "关于我们"
url = "/关于我们/"
weight = 3

[[menu.main]]
name = "GitHub"
url = "https://github.com/example/portal"

[menu]
footer = [
  { name = "关于我们", url = "/关于我们/" },
  { name = "投稿", url = "mailto:tougao@example.com" },
  { name = "隐私政策", url = "/隐私政策/" },
]
"#;

#[test]
fn menus_decide_the_header_and_footer_under_a_sub_path() {
    let dir = newsroom(
        MENU,
        &[
            (
                "content/关于我们.md",
                "+++\ntitle = \"关于我们\"\n+++\n我们是一家科技媒体。\n",
            ),
            (
                "content/隐私政策.md",
                "+++\ntitle = \"隐私政策\"\n+++\n我们不收集个人信息。\n",
            ),
        ],
    );
    let out = build_ok(
        dir.path(),
        &["--base-url", "https://example.github.io/portal/"],
    );
    let section = read(&out, "资讯/index.html");
    let nav = between(&section, "<nav class=\"site-nav\"", "</nav>");
    assert_in_order(
        nav,
        &[
            "<li><a href=\"/portal/%E8%B5%84%E8%AE%AF/\" aria-current=\"page\">资讯</a></li>",
            "<li><a href=\"/portal/%E8%AF%84%E6%B5%8B/\">评测</a></li>",
            "<li><a href=\"/portal/%E5%85%B3%E4%BA%8E%E6%88%91%E4%BB%AC/\">关于我们</a></li>",
            "<li><a href=\"https://github.com/example/portal\">GitHub</a></li>",
        ],
    );
    assert!(
        !nav.contains("标签"),
        "the menu replaces the default links: {nav}"
    );

    // An article marks its section's entry.
    let article = read(&out, "2026/08/s6/index.html");
    let nav = between(&article, "<nav class=\"site-nav\"", "</nav>");
    assert!(
        nav.contains("<a href=\"/portal/%E8%AF%84%E6%B5%8B/\" aria-current=\"page\">评测</a>"),
        "{nav}"
    );
    // A page marks its own entry, in the header and the footer.
    let about = read(&out, "关于我们/index.html");
    let footer = between(&about, "<nav class=\"footer-nav\"", "</nav>");
    assert_in_order(
        footer,
        &[
            "<a href=\"/portal/%E5%85%B3%E4%BA%8E%E6%88%91%E4%BB%AC/\" aria-current=\"page\">关于我们</a>",
            "<a href=\"mailto:tougao@example.com\">投稿</a>",
            "<a href=\"/portal/%E9%9A%90%E7%A7%81%E6%94%BF%E7%AD%96/\">隐私政策</a>",
        ],
    );
    assert_eq!(broken_links(&out, "/portal/"), Vec::<String>::new());
}

#[test]
fn without_a_menu_the_header_shows_the_sections() {
    let dir = newsroom("", &[]);
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    let nav = between(&home, "<nav class=\"site-nav\"", "</nav>");
    assert_in_order(
        nav,
        &[
            "首页",
            ">评测</a>",
            ">资讯</a>",
            ">标签</a>",
            ">分类</a>",
            ">归档</a>",
        ],
    );
    assert!(!home.contains("class=\"footer-nav\""));
}

#[test]
fn bad_menu_entries_are_config_errors_at_their_line() {
    let config = "[[menu.main]]\nname = \"资讯\"\nsection = \"资讯\"\n\n[[menu.main]]\nname = \"无处可去\"\nweight = 2\n";
    let dir = newsroom(config, &[]);
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "config.toml:8:1: error: `menu.main` entry `无处可去` has neither `url` nor `section`"
        ),
        "{err}"
    );

    let config = "[menu]\nmain = [\n  { name = \"资讯\", section = \"资讯\" },\n  { name = \"深度\", section = \"深度报道\" },\n]\n";
    let dir = newsroom(config, &[]);
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:6:28: ") && err.contains("error: `menu.main` entry `深度` names the section `深度报道`, which does not exist; the sections are: 评测, 资讯"),
        "{err}"
    );
}

#[test]
fn section_settings_paginate_and_an_index_file_wins() {
    let config = "[sections.\"资讯\"]\npaginate_by = 2\nsort_by = \"title\"\n\n[sections.\"评测\"]\npaginate_by = 1\n\n[sections.\"旧栏目\"]\npaginate_by = 3\n";
    let dir = newsroom(config, &[]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("config.toml:10:2: warning: `[sections.\"旧栏目\"]` names no section"),
        "{}",
        stderr(&out)
    );
    let public = dir.path().join("public");
    let first = read(&public, "资讯/index.html");
    assert_eq!(first.matches("<h2 class=\"item-title\">").count(), 2);
    assert!(public.join("资讯/page/3/index.html").is_file());
    assert!(!public.join("资讯/page/4/index.html").exists());
    // Sorted by title (code points): 人, 低, 固, 国, 大.
    assert_in_order(&first, &["人形机器人进厂", "低轨卫星组网"]);
    // The settings stand in for an `_index.md` without pretending to be one.
    assert!(first.contains("<h1>资讯</h1>"), "{first}");

    // The `_index.md` wins key by key: its paginate_by, the config's sort_by.
    write(
        dir.path(),
        "content/资讯/_index.md",
        "+++\ntitle = \"资讯\"\npaginate_by = 4\n+++\n",
    );
    let out = build_ok(dir.path(), &[]);
    let first = read(&out, "资讯/index.html");
    assert_eq!(first.matches("<h2 class=\"item-title\">").count(), 4);
    assert_in_order(&first, &["人形机器人进厂", "低轨卫星组网", "固态电池装车"]);
    assert!(out.join("资讯/page/2/index.html").is_file());
    assert!(!out.join("资讯/page/3/index.html").exists());
    // The sitemap lists every page of the listings.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("/%E8%B5%84%E8%AE%AF/page/2/"), "{sitemap}");

    // A template for a section without an `_index.md`; a missing one is a config error.
    write(
        dir.path(),
        "templates/评测.html",
        "<p>评测频道：{{ listing.name }}，{{ articles | length }} 篇</p>\n",
    );
    let config = std::fs::read_to_string(dir.path().join("config.toml")).expect("config");
    let with_template = config.replace(
        "[sections.\"评测\"]\n",
        "[sections.\"评测\"]\ntemplate = \"评测.html\"\n",
    );
    write(dir.path(), "config.toml", &with_template);
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        read(&out, "评测/index.html"),
        "<p>评测频道：评测，1 篇</p>\n"
    );
    write(
        dir.path(),
        "config.toml",
        &with_template.replace("评测.html", "无此模板.html"),
    );
    let out = build(dir.path(), &[]);
    assert!(
        stderr(&out).contains("config.toml:8:1: error: `sections.评测.template` names `无此模板.html`, which does not exist"),
        "{}",
        stderr(&out)
    );

    // A sort order that does not exist is a config error at its line.
    let dir = newsroom("[sections.\"资讯\"]\nsort_by = \"热度\"\n", &[]);
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("config.toml:4:1: error: `sections.资讯.sort_by` is `热度`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_passes_on_an_arranged_front_page() {
    let hot = "items = [{ path = \"content/资讯/卫星.md\", views = 100 }, { title = \"归档\", url = \"/archives/\" }]\n";
    let picks = "articles = [\"content/资讯/电池.md\"]\n";
    let dir = newsroom(
        &format!("{MENU}\n[sections.\"资讯\"]\npaginate_by = 2\n"),
        &[
            ("data/hot.toml", hot),
            ("data/picks.toml", picks),
            (
                "content/关于我们.md",
                "+++\ntitle = \"关于我们\"\n+++\n正文。\n",
            ),
            (
                "content/隐私政策.md",
                "+++\ntitle = \"隐私政策\"\n+++\n正文。\n",
            ),
        ],
    );
    let out = sitegen()
        .args(["check", "-r"])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn serve_shows_picks_hot_and_menu_edits() {
    use common::server::{get, serve};
    let dir = newsroom("", &[]);
    let server = serve(dir.path(), &[]);
    let home = get(&server.addr, "/").text();
    assert_eq!(home_layout(&home).0, "大模型价格战");
    assert!(!get(&server.addr, "/side.html").text().contains("热门文章"));

    server.forget_output();
    write(
        dir.path(),
        "data/picks.toml",
        "articles = [\"content/资讯/电池.md\"]\n",
    );
    write(
        dir.path(),
        "data/hot.toml",
        "items = [{ path = \"content/资讯/卫星.md\", views = 7 }]\n",
    );
    let shown = server.rebuilt_until(|| {
        let home = get(&server.addr, "/").text();
        home_layout(&home).0 == "固态电池装车"
            && get(&server.addr, "/side.html")
                .text()
                .contains("<ol class=\"hot-list\">")
    });
    assert!(shown, "{}", server.output());
    // The side column every listing fetches shows the 热门 list.
    let side = get(&server.addr, "/side.html").text();
    assert!(side.contains(">低轨卫星组网</a> <span class=\"count\">7 阅读</span>"));

    server.forget_output();
    let config = std::fs::read_to_string(dir.path().join("config.toml")).expect("config");
    write(
        dir.path(),
        "config.toml",
        &format!("{config}[[menu.footer]]\nname = \"投稿\"\nurl = \"mailto:tougao@example.com\"\n"),
    );
    let shown = server.rebuilt_until(|| {
        get(&server.addr, "/")
            .text()
            .contains("<a href=\"mailto:tougao@example.com\">投稿</a>")
    });
    assert!(shown, "{}", server.output());

    // An article retitled and pinned: its new title in the 热门 list, its lead card.
    server.forget_output();
    let pinned = format!("{COVER}pinned = true\nweight = 0\n");
    write(
        dir.path(),
        "content/资讯/卫星.md",
        &story("低轨卫星星座组网", 4, &pinned),
    );
    let shown = server.rebuilt_until(|| {
        let home = get(&server.addr, "/").text();
        let (lead, cards, _) = home_layout(&home);
        lead == "固态电池装车"
            && cards.first().is_some_and(|c| c == "低轨卫星星座组网")
            && get(&server.addr, "/side.html")
                .text()
                .contains(">低轨卫星星座组网</a> <span class=\"count\">7 阅读</span>")
    });
    assert!(shown, "{}", server.output());
}

/// The theme's header and footer are rendered once per kind of page and handed to
/// base.html (`src/render/chrome.rs`); a site that overrides them, here with the theme's
/// own text, has them rendered on every page instead. Every page must come out the same
/// both ways, with menus linking sections and pages and without menus, so the key a page
/// is rendered by misses nothing the partials read.
#[test]
fn the_header_and_footer_rendered_once_per_kind_of_page_are_each_page_s_own() {
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/partials");
    let pages = [
        (
            "content/关于我们.md",
            "+++\ntitle = \"关于我们\"\n+++\n科技媒体。\n",
        ),
        (
            "content/隐私政策.md",
            "+++\ntitle = \"隐私政策\"\n+++\n不收集。\n",
        ),
    ];
    for config in ["", MENU] {
        let shared = newsroom(config, &pages);
        let own = newsroom(config, &pages);
        for name in ["header.html", "footer.html"] {
            let text = std::fs::read_to_string(theme.join(name)).expect("theme partial");
            write(own.path(), &format!("templates/partials/{name}"), &text);
        }
        let shared = tree(&build_ok(shared.path(), &[]));
        let own = tree(&build_ok(own.path(), &[]));
        let pages = |tree: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<std::path::PathBuf> {
            tree.iter().map(|(path, _)| path.clone()).collect()
        };
        assert_eq!(pages(&shared), pages(&own));
        let differing: Vec<_> = shared
            .iter()
            .zip(&own)
            .filter(|((path, a), (_, b))| a != b && !path.ends_with(".sitegen-output"))
            .map(|((path, _), _)| path.display().to_string())
            .collect();
        assert!(
            differing.is_empty(),
            "menus {:?}: pages differ when the partials are rendered on each: {differing:?}",
            !config.is_empty()
        );
        let html = |rel: &str| {
            let path = std::path::Path::new(rel);
            let (_, bytes) = shared.iter().find(|(p, _)| p == path).expect("page");
            String::from_utf8_lossy(bytes).into_owned()
        };
        // Each page still marks its own entry.
        let review = html("评测/index.html");
        let nav = between(&review, "<nav class=\"site-nav\"", "</nav>");
        assert!(nav.contains("aria-current=\"page\">评测</a>"), "{nav}");
        assert!(!nav.contains("aria-current=\"page\">资讯</a>"), "{nav}");
        let article = html("2026/08/s6/index.html");
        let nav = between(&article, "<nav class=\"site-nav\"", "</nav>");
        assert!(nav.contains("aria-current=\"page\">评测</a>"), "{nav}");
    }
}
