//! 专题 (series) hubs and author pages, end to end: URLs, reading order, the article's
//! "本专题" box, bylines linking to author pages, the two indexes, feeds, the sitemap,
//! `sitegen check`, escaping and the warning for a name that makes no URL.

mod common;

use std::path::Path;

use common::{MINIMAL_CONFIG, broken_links, build, build_ok, read, site, sitegen, stderr};

const LAWSUIT: &str = "马斯克与 OpenAI 诉讼";
const CHIPS: &str = "国产芯片突围";

/// A TOML article in a series, with authors and an optional `series_order`.
fn in_series(title: &str, day: u32, series: &str, order: Option<i64>, authors: &str) -> String {
    let order = order.map_or(String::new(), |n| format!("series_order = {n}\n"));
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-03-{day:02}T09:00:00+08:00\nseries = \"{series}\"\n{order}authors = {authors}\n+++\n{title}的正文。\n"
    )
}

/// Two series, four authors, one article outside any series.
fn newsroom() -> tempfile::TempDir {
    site(
        MINIMAL_CONFIG,
        &[
            // The lawsuit, in reading order: 起诉 (order 1), 听证 (order 2), then by date:
            // 证词 (day 12), 判决 (day 20). Written out of order on purpose.
            (
                "content/资讯/judgement.md",
                &in_series("法院作出一审判决", 20, LAWSUIT, None, "[\"王澜\"]"),
            ),
            (
                "content/资讯/hearing.md",
                &in_series(
                    "首次听证会举行",
                    14,
                    LAWSUIT,
                    Some(2),
                    "[\"王澜\", \"林舟\"]",
                ),
            ),
            (
                "content/资讯/testimony.md",
                &in_series("前董事会成员出庭作证", 12, LAWSUIT, None, "\"林舟\""),
            ),
            (
                "content/资讯/filing.md",
                &in_series("马斯克正式起诉 OpenAI", 16, LAWSUIT, Some(1), "[\"王澜\"]"),
            ),
            // Chips: older, but for the /专题/ order what counts is the newest change.
            (
                "content/资讯/chips-a.md",
                &in_series("7 纳米产线良率过半", 2, CHIPS, None, "[\"周衡\"]"),
            ),
            (
                "content/资讯/chips-b.md",
                &in_series("国产 GPU 首次流片", 5, CHIPS, None, "[\"周衡\"]"),
            ),
            (
                "content/资讯/other.md",
                "+++\ntitle = \"一篇独立报道\"\ndate = 2026-03-01T09:00:00+08:00\nauthor = \"<苏然> & 编辑部\"\n+++\n正文。\n",
            ),
            (
                "content/专题/马斯克与 OpenAI 诉讼/_index.md",
                "+++\ntitle = \"马斯克诉 OpenAI 案全程追踪\"\ndescription = \"从起诉到判决的每一步。\"\n+++\n这是一段专题导语。\n",
            ),
        ],
    )
}

/// The `href` of the first link in `html` whose text is `text`.
fn href_of(html: &str, text: &str) -> Option<String> {
    let end = html.find(&format!(">{text}</a>"))?;
    let start = html[..end].rfind("href=\"")? + 6;
    let stop = start + html[start..].find('"')?;
    Some(html[start..stop].to_string())
}

fn position(html: &str, text: &str) -> usize {
    html.find(text)
        .unwrap_or_else(|| panic!("`{text}` is not on the page"))
}

/// The file of an article page, by its title.
fn article_page(out: &Path, title: &str) -> String {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .find(|html| html.contains(&format!("<h1>{title}</h1>")))
        .unwrap_or_else(|| panic!("no page for {title}"))
}

#[test]
fn a_series_hub_lists_its_articles_in_reading_order() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    let hub = read(&out, &format!("专题/{}/index.html", "马斯克与-openai-诉讼"));
    // The `_index.md` names and describes the hub, and its body is the intro.
    assert!(hub.contains("马斯克诉 OpenAI 案全程追踪"), "{hub}");
    assert!(hub.contains("从起诉到判决的每一步。"));
    assert!(hub.contains("这是一段专题导语。"));
    let order = [
        position(&hub, "马斯克正式起诉 OpenAI"),
        position(&hub, "首次听证会举行"),
        position(&hub, "前董事会成员出庭作证"),
        position(&hub, "法院作出一审判决"),
    ];
    assert!(order.is_sorted(), "reading order: {order:?}");
    // 首页 › 专题, each a link; and the hub links its feeds.
    assert!(hub.contains("<nav class=\"breadcrumb\""));
    assert_eq!(
        href_of(&hub, "专题").as_deref(),
        Some("/%E4%B8%93%E9%A2%98/")
    );
    assert!(hub.contains("rss.xml"));
}

#[test]
fn an_article_shows_its_place_in_the_series_and_its_neighbours() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    let page = article_page(&out, "首次听证会举行");
    let box_at = position(&page, "class=\"series-box\"");
    let series_box = &page[box_at..];
    assert!(series_box.contains("第 2 篇，共 4 篇"), "{series_box}");
    assert!(series_box.contains("本专题"));
    assert!(
        series_box.contains(&format!(">{LAWSUIT}</a>")),
        "the series' name links to its hub"
    );
    let hub = href_of(series_box, LAWSUIT).expect("hub link");
    assert_eq!(
        hub,
        "/%E4%B8%93%E9%A2%98/%E9%A9%AC%E6%96%AF%E5%85%8B%E4%B8%8E-openai-%E8%AF%89%E8%AE%BC/"
    );
    let prev = position(series_box, "上一篇");
    let next = position(series_box, "下一篇");
    assert!(prev < position(series_box, "马斯克正式起诉 OpenAI"));
    assert!(next < position(series_box, "前董事会成员出庭作证"));
    // The ends have one neighbour each.
    let first = article_page(&out, "马斯克正式起诉 OpenAI");
    assert!(first.contains("第 1 篇，共 4 篇"));
    let first_box = &first[position(&first, "class=\"series-box\"")..];
    assert!(!first_box.contains("series-prev"));
    let last = article_page(&out, "法院作出一审判决");
    assert!(last.contains("第 4 篇，共 4 篇"));
}

#[test]
fn the_index_of_series_puts_the_most_recently_updated_first() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    let index = read(&out, "专题/index.html");
    // The lawsuit's newest article is from the 20th, the chips' from the 5th.
    let lawsuit = position(&index, "马斯克诉 OpenAI 案全程追踪");
    let chips = position(&index, CHIPS);
    assert!(lawsuit < chips);
    assert!(index.contains("从起诉到判决的每一步。"));
    assert!(index.contains("共 4 篇"));
    assert!(index.contains("共 2 篇"));
    assert!(index.contains("最新：<a"));
    assert!(
        index.contains("法院作出一审判决"),
        "the latest article is named"
    );
    // Updating the older series moves it up.
    common::write(
        dir.path(),
        "content/资讯/chips-a.md",
        "+++\ntitle = \"7 纳米产线良率过半\"\ndate = 2026-03-02T09:00:00+08:00\nupdated = 2026-03-25T09:00:00+08:00\nseries = \"国产芯片突围\"\nauthors = [\"周衡\"]\n+++\n更新后的正文。\n",
    );
    let out = build_ok(dir.path(), &[]);
    let index = read(&out, "专题/index.html");
    assert!(position(&index, CHIPS) < position(&index, "马斯克诉 OpenAI 案全程追踪"));
}

#[test]
fn several_authors_each_get_a_page_linking_their_articles() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    let page = article_page(&out, "首次听证会举行");
    let byline = &page[position(&page, "class=\"byline\"")..];
    let byline = &byline[..position(byline, "</p>")];
    assert_eq!(
        href_of(byline, "王澜").as_deref(),
        Some("/authors/%E7%8E%8B%E6%BE%9C/")
    );
    assert_eq!(
        href_of(byline, "林舟").as_deref(),
        Some("/authors/%E6%9E%97%E8%88%9F/")
    );
    let wang = read(&out, "authors/王澜/index.html");
    let lin = read(&out, "authors/林舟/index.html");
    for title in [
        "首次听证会举行",
        "马斯克正式起诉 OpenAI",
        "法院作出一审判决",
    ] {
        assert!(wang.contains(title), "王澜's page lists {title}");
    }
    assert!(!wang.contains("前董事会成员出庭作证"));
    assert!(lin.contains("首次听证会举行") && lin.contains("前董事会成员出庭作证"));
    // Newest first on an author's page.
    assert!(position(&wang, "法院作出一审判决") < position(&wang, "马斯克正式起诉 OpenAI"));
    let authors = read(&out, "authors/index.html");
    for name in ["王澜", "林舟", "周衡"] {
        assert!(
            authors.contains(&format!(">{name}</a>")),
            "{name} on /authors/"
        );
    }
}

#[test]
fn author_pages_are_paginated() {
    let mut files: Vec<(String, String)> = (1..=5)
        .map(|d| {
            (
                format!("content/a{d}.md"),
                format!(
                    "+++\ntitle = \"第{d}篇快讯\"\ndate = 2026-03-{d:02}T09:00:00+08:00\nauthor = \"王澜\"\n+++\n正文。\n"
                ),
            )
        })
        .collect();
    files.push((
        "content/b.md".into(),
        "+++\ntitle = \"别的\"\ndate = 2026-03-09T09:00:00+08:00\n+++\n正文。\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&format!("{MINIMAL_CONFIG}paginate_by = 2\n"), &refs);
    let out = build_ok(dir.path(), &[]);
    assert!(read(&out, "authors/王澜/index.html").contains("第5篇快讯"));
    assert!(read(&out, "authors/王澜/page/2/index.html").contains("第3篇快讯"));
    assert!(read(&out, "authors/王澜/page/3/index.html").contains("第1篇快讯"));
    assert!(!out.join("authors/王澜/page/4").exists());
}

#[test]
fn feeds_and_sitemap_cover_every_series_and_author_page() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    let slug = "马斯克与-openai-诉讼";
    let rss = read(&out, &format!("专题/{slug}/rss.xml"));
    let atom = read(&out, &format!("专题/{slug}/atom.xml"));
    // A series' feed is news: newest first.
    assert!(position(&rss, "法院作出一审判决") < position(&rss, "首次听证会举行"));
    assert!(
        rss.contains("<title>专题：马斯克与 OpenAI 诉讼 - 测试日报</title>"),
        "{rss}"
    );
    assert_eq!(atom.matches("<entry>").count(), 4);
    let author_rss = read(&out, "authors/林舟/rss.xml");
    assert!(author_rss.contains("前董事会成员出庭作证") && author_rss.contains("首次听证会举行"));
    assert!(out.join("authors/林舟/atom.xml").is_file());
    let sitemap = read(&out, "sitemap.xml");
    let encode = |path: &str| {
        path.split('/')
            .map(|s| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    for path in [
        "专题/".to_string(),
        format!("专题/{slug}/"),
        format!("专题/{}/", "国产芯片突围"),
        "authors/".into(),
        "authors/王澜/".into(),
        "authors/林舟/".into(),
        "authors/周衡/".into(),
    ] {
        let loc = format!(
            "<loc>https://t.example.com/{}</loc>",
            encode(&path).replace("%2D", "-")
        );
        assert!(
            sitemap.contains(&loc),
            "{loc} missing from the sitemap:\n{sitemap}"
        );
    }
}

#[test]
fn sitegen_check_finds_no_broken_link() {
    let dir = newsroom();
    let out = build_ok(dir.path(), &[]);
    assert_eq!(broken_links(&out, "/"), Vec::<String>::new());
    let check = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run");
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn author_and_series_names_are_escaped() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/x.md",
            "+++\ntitle = \"转义\"\ndate = 2026-03-01T09:00:00+08:00\nseries = \"<芯片> & \\\"AI\\\"\"\nauthors = [\"<苏然> & 编辑部\"]\n+++\n正文。\n",
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = article_page(&out, "转义");
    assert!(
        !page.contains("<芯片>") && !page.contains("<苏然>"),
        "{page}"
    );
    assert!(page.contains("&lt;芯片&gt; &amp; &quot;AI&quot;"));
    assert!(page.contains("&lt;苏然&gt; &amp; 编辑部"));
    let index = read(&out, "专题/index.html");
    assert!(index.contains("&lt;芯片&gt;") && !index.contains("<芯片>"));
    let authors = read(&out, "authors/index.html");
    assert!(authors.contains("&lt;苏然&gt;") && !authors.contains("<苏然>"));
    assert_eq!(broken_links(&out, "/"), Vec::<String>::new());
}

#[test]
fn a_name_that_makes_no_url_is_a_warning_at_its_line() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/x.md",
            "+++\ntitle = \"无名\"\ndate = 2026-03-01T09:00:00+08:00\nseries = \"!!!\"\nauthor = \"???\"\n+++\n正文。\n",
        )],
    );
    let run = build(dir.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("content/x.md:4:1: warning: the series name `!!!`"),
        "{err}"
    );
    assert!(
        err.contains("content/x.md:5:1: warning: the author name `???`"),
        "{err}"
    );
    let out = dir.path().join("public");
    assert!(!out.join("专题").exists());
}

#[test]
fn hugo_and_zola_front_matter_name_series() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/hugo.md",
                "---\ntitle: 雨果式\ndate: 2026-03-01T09:00:00+08:00\nseries: [\"开源大模型\"]\nauthors:\n  - 王澜\n---\n正文。\n",
            ),
            (
                "content/zola.md",
                "+++\ntitle = \"左拉式\"\ndate = 2026-03-02T09:00:00+08:00\n[taxonomies]\nseries = [\"开源大模型\"]\nauthors = [\"林舟\"]\n+++\n正文。\n",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let hub = read(&out, "专题/开源大模型/index.html");
    assert!(
        position(&hub, "雨果式") < position(&hub, "左拉式"),
        "oldest first"
    );
    assert!(read(&out, "authors/王澜/index.html").contains("雨果式"));
    assert!(read(&out, "authors/林舟/index.html").contains("左拉式"));
}

#[test]
fn listing_paths_come_from_config() {
    let dir = site(
        &format!("{MINIMAL_CONFIG}[series]\npath = \"topics\"\n[authors]\npath = \"people\"\n"),
        &[(
            "content/x.md",
            &in_series("配置路径", 3, "开源", None, "[\"王澜\"]"),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    assert!(out.join("topics/index.html").is_file());
    assert!(out.join("topics/开源/index.html").is_file());
    assert!(out.join("people/王澜/rss.xml").is_file());
    assert_eq!(broken_links(&out, "/"), Vec::<String>::new());
    let bad = site(
        &format!("{MINIMAL_CONFIG}[series]\npath = \"../up\"\n"),
        &[],
    );
    let run = build(bad.path(), &[]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("config.toml:4:1"), "{}", stderr(&run));
}

#[test]
fn an_author_page_shows_the_profile_from_data_authors() {
    let dir = newsroom();
    common::write(
        dir.path(),
        "data/authors.toml",
        "[\"王澜\"]\nname = \"王澜（特约）\"\nrole = \"资深记者\"\nbio = \"跑 <芯片> 与资本开支的记者。\"\navatar = \"/img/wl.png\"\nlinks = [{ name = \"微博\", url = \"https://weibo.example.com/wl\" }]\n",
    );
    common::write(dir.path(), "static/img/wl.png", "not a real picture");
    let out = build_ok(dir.path(), &[]);
    let wang = read(&out, "authors/王澜/index.html");
    assert!(
        wang.contains("<h1>王澜（特约）<span class=\"author-role\">资深记者</span></h1>"),
        "{wang}"
    );
    assert!(wang.contains("跑 &lt;芯片&gt; 与资本开支的记者。"));
    assert!(wang.contains("src=\"/img/wl.png\""));
    assert!(wang.contains("href=\"https://weibo.example.com/wl\""));
    let index = read(&out, "authors/index.html");
    assert!(index.contains("王澜（特约）") && index.contains("跑 &lt;芯片&gt;"));
    // Without an entry, the name as written.
    assert!(read(&out, "authors/林舟/index.html").contains("<h1>林舟</h1>"));
}

#[test]
fn the_list_form_of_data_authors_is_read_too() {
    let dir = newsroom();
    common::write(
        dir.path(),
        "data/authors.yaml",
        "authors:\n  - id: 林舟\n    name: 林舟 Lin\n    bio: 写算力的记者。\n",
    );
    let out = build_ok(dir.path(), &[]);
    let lin = read(&out, "authors/林舟/index.html");
    assert!(
        lin.contains("<h1>林舟 Lin</h1>") && lin.contains("写算力的记者。"),
        "{lin}"
    );
}

/// The served HTML without the reload script `serve` injects.
fn without_script(html: &str) -> String {
    match (
        html.find("<script data-sitegen-reload>"),
        html.rfind("</script>\n"),
    ) {
        (Some(start), Some(end)) if end > start => {
            format!("{}{}", &html[..start], &html[end + 10..])
        }
        _ => html.to_string(),
    }
}

/// Percent-encodes non-ASCII bytes and spaces, as a browser does.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b' ' => "%20".to_string(),
            b if b.is_ascii() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn serve_keeps_hubs_boxes_and_author_pages_current() {
    use common::server::{get, serve};
    let dir = newsroom();
    let root = dir.path();
    let server = serve(root, &[]);
    let hub = format!("/{}/", encode("专题/马斯克与-openai-诉讼"));
    let index = format!("/{}/", encode("专题"));
    let lin = format!("/{}/", encode("authors/林舟"));
    // (file, new text, page that then shows `wanted`)
    let edits: [(&str, String, &str, &str); 4] = [
        // In place: a retitle shows in its neighbours' 本专题 boxes and on the hub.
        (
            "content/资讯/testimony.md",
            in_series(
                "前董事会成员出庭作证并提交证据",
                12,
                LAWSUIT,
                None,
                "\"林舟\"",
            ),
            &hub,
            "前董事会成员出庭作证并提交证据",
        ),
        // A new place in the series: order and every box change.
        (
            "content/资讯/judgement.md",
            in_series(
                "法院作出一审判决",
                20,
                LAWSUIT,
                Some(0),
                "[\"王澜\", \"林舟\"]",
            ),
            &lin,
            "法院作出一审判决",
        ),
        // The hub's `_index.md`.
        (
            "content/专题/马斯克与 OpenAI 诉讼/_index.md",
            "+++\ntitle = \"诉讼追踪\"\ndescription = \"新的导语。\"\n+++\n".into(),
            &index,
            "新的导语。",
        ),
        // A new series.
        (
            "content/资讯/new.md",
            in_series("新专题的第一篇", 22, "端侧大模型", None, "[\"周衡\"]"),
            &index,
            "端侧大模型",
        ),
    ];
    for (file, text, url, wanted) in &edits {
        server.forget_output();
        common::write(root, file, text);
        assert!(
            server.rebuilt_until(|| {
                let reply = get(&server.addr, url);
                reply.status == 200 && reply.text().contains(wanted)
            }),
            "editing {file} did not show on {url}\n{}",
            server.output()
        );
    }
    let out = tempfile::tempdir().expect("temp dir");
    let status = sitegen()
        .args(["build", "-q", "--base-url", &server.url, "-r"])
        .arg(root)
        .arg("-o")
        .arg(out.path().join("public"))
        .status()
        .expect("build");
    assert!(status.success());
    let public = out.path().join("public");
    let mut compared = 0;
    for file in common::html_files(&public) {
        let rel = file.to_string_lossy().replace('\\', "/");
        let built = std::fs::read_to_string(public.join(&file)).expect("read");
        let served = get(&server.addr, &format!("/{}", encode(&rel)));
        assert_eq!(served.status, 200, "{rel}");
        assert_eq!(
            without_script(&served.text()),
            built,
            "{rel} differs from a full build"
        );
        compared += 1;
    }
    assert!(compared > 15, "compared {compared} pages");
}

#[test]
fn a_hub_without_index_md_takes_its_description_from_data_series() {
    let dir = newsroom();
    common::write(
        dir.path(),
        "data/series.toml",
        "[\"国产芯片突围\"]\ndescription = \"从设计到制造，国产芯片的每一步。\"\n",
    );
    let out = build_ok(dir.path(), &[]);
    let hub = read(&out, "专题/国产芯片突围/index.html");
    assert!(hub.contains("从设计到制造，国产芯片的每一步。"), "{hub}");
    let index = read(&out, "专题/index.html");
    assert!(index.contains("从设计到制造，国产芯片的每一步。"));
    // The `_index.md` still wins where there is one.
    assert!(index.contains("从起诉到判决的每一步。"));
}
