//! The Traditional Chinese edition (`[zh_hant]`), end to end: a site built with the
//! edition on has every page twice, at the same paths, the second converted phrase by
//! phrase with code, URLs and attributes left alone, each page linking its counterpart.

mod common;

use std::path::Path;

use common::{article, build, build_ok, html_files, prose, read, site, stderr};
use sitegen::search::query;

const CONFIG: &str = "title = \"硅基日报\"\nbase_url = \"https://news.example.com/\"\n\
                      description = \"人工智能与软件的每日资讯\"\n\n[zh_hant]\nenabled = true\n";

fn fixture(config: &str) -> tempfile::TempDir {
    let body = "国产软件厂商本周发布新版数据库，内存占用下降三成。\n\n\
                理发店老板说头发长得快，行业发展也快。详见[上一篇](/2026/03/older/)。\n\n\
                ```rust\nlet 软件 = \"内存\"; // 头发\n```\n\n\
                行内代码 `软件发展` 不变，硅基日报的名字由站点固定。\n";
    site(
        config,
        &[
            (
                "content/资讯/software.md",
                &article(
                    "国产软件发布新版本",
                    "2026-03-10T09:00:00+08:00",
                    &["人工智能", "软件"],
                    &["资讯"],
                    body,
                ),
            ),
            (
                "content/资讯/older.md",
                "+++\ntitle = \"内存价格持续上涨\"\ndate = 2026-03-01T09:00:00+08:00\nslug = \"older\"\n\
                     tags = [\"内存\"]\n+++\n内存条价格上涨，服务器厂商承压。\n\n![示意图](/img/chart.svg)\n",
            ),
            (
                "static/img/chart.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            ("data/zh_hant.toml", "\"硅基日报\" = \"矽基日報\"\n"),
        ],
    )
}

fn article_path(out: &Path, slug: &str) -> String {
    html_files(out)
        .into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .find(|p| p.contains(slug) && !p.starts_with("zh-hant/"))
        .unwrap_or_else(|| panic!("no page for {slug}"))
}

#[test]
fn the_edition_converts_phrases_and_leaves_code_and_urls() {
    let dir = fixture(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let page = article_path(&out, "software");
    let hans = read(&out, &page);
    let hant = read(&out, &format!("zh-hant/{page}"));
    assert!(hans.contains("国产软件发布新版本"));
    assert!(
        hant.contains("<h1>國產軟體釋出新版本</h1>"),
        "title: {hant}"
    );
    let body = prose(&hant);
    for phrase in ["軟體廠商", "資料庫", "記憶體", "頭髮", "發展"] {
        assert!(body.contains(phrase), "{phrase} missing in {body}");
    }
    // Code blocks and inline code are never converted.
    assert!(body.contains("软件"), "code converted: {body}");
    assert!(body.contains("<code>软件发展</code>"), "{body}");
    // The site's pinned conversion wins over the dictionary's 硅基日報.
    assert!(body.contains("矽基日報的名字"), "{body}");
    assert!(
        hant.contains("<title>國產軟體釋出新版本 - 矽基日報</title>"),
        "{hant}"
    );
    // Links to pages go to the edition's pages; stylesheets and pictures are shared.
    assert!(body.contains("href=\"/zh-hant/2026/03/older/\""), "{body}");
    let older = read(&out, "zh-hant/2026/03/older/index.html");
    assert!(older.contains("src=\"/img/chart.svg\""), "{older}");
    assert!(hant.contains("href=\"/css/style."), "stylesheet not shared");
    assert!(!out.join("zh-hant/css").exists() && !out.join("zh-hant/img").exists());
    assert!(!out.join("zh-hant/robots.txt").exists());
    let robots = read(&out, "robots.txt");
    assert!(
        robots.contains("Disallow: /zh-hant/search/")
            && robots.contains("Sitemap: https://news.example.com/zh-hant/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn every_page_has_its_counterpart_at_the_same_path() {
    let dir = fixture(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let all: Vec<String> = html_files(&out)
        .into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let (hant, hans): (Vec<_>, Vec<_>) = all.iter().partition(|p| p.starts_with("zh-hant/"));
    let hant: Vec<&str> = hant.iter().map(|p| &p["zh-hant/".len()..]).collect();
    let hans: Vec<&str> = hans.iter().map(|p| p.as_str()).collect();
    assert_eq!(hans, hant, "the editions' pages differ");
    // Tag pages keep the Simplified slug and show the converted name.
    let tag = read(&out, "zh-hant/tags/人工智能/index.html");
    assert!(tag.contains("人工智慧"), "tag name not converted");
    let links = common::broken_links(&out, "/");
    assert!(links.is_empty(), "broken links: {links:?}");
}

#[test]
fn hreflang_pairs_and_the_switch_link_both_ways() {
    let dir = fixture(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let page = article_path(&out, "software");
    let url = format!(
        "https://news.example.com/{}",
        page.trim_end_matches("index.html")
    );
    let encoded = |u: &str| sitegen::slug::encode_path(u);
    let hans_url = encoded(&url);
    let hant_url = encoded(&url.replacen(".com/", ".com/zh-hant/", 1));
    for file in [page.clone(), format!("zh-hant/{page}")] {
        let html = read(&out, &file);
        for (lang, href) in [
            ("zh-Hans", &hans_url),
            ("zh-Hant", &hant_url),
            ("x-default", &hans_url),
        ] {
            let tag = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\">");
            assert!(html.contains(&tag), "{file} lacks {tag}");
        }
    }
    let hans = read(&out, &page);
    let hant_path = hant_url.trim_start_matches("https://news.example.com");
    assert!(
        hans.contains(&format!("href=\"{hant_path}\" hreflang=\"zh-Hant\"")),
        "no switch to 繁"
    );
    let hant = read(&out, &format!("zh-hant/{page}"));
    assert!(hant.contains("<html lang=\"zh-TW\""), "{}", &hant[..200]);
}

#[test]
fn feeds_sitemap_and_search_are_the_editions_own() {
    let dir = fixture(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let rss = read(&out, "zh-hant/rss.xml");
    assert!(rss.contains("國產軟體釋出新版本"));
    assert!(rss.contains("https://news.example.com/zh-hant/2026/03/older/"));
    let sitemap = read(&out, "zh-hant/sitemap.xml");
    assert!(sitemap.contains("<loc>https://news.example.com/zh-hant/</loc>"));
    // A Traditional query finds the article in the edition's index, not in the other.
    let search = |folder: &str, q: &str| {
        let dir = out.join(folder);
        query::search(&|rel: &str| std::fs::read(dir.join(rel)).ok(), q, 10)
            .expect("query")
            .hits
            .into_iter()
            .map(|h| h.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search("zh-hant/search", "記憶體價格"),
        vec!["記憶體價格持續上漲"]
    );
    assert!(search("search", "記憶體").is_empty());
    assert_eq!(search("search", "内存价格"), vec!["内存价格持续上涨"]);
}

#[test]
fn hong_kong_usage_and_a_bad_variant() {
    let config = CONFIG.replace("enabled = true", "enabled = true\nvariant = \"s2hk\"");
    let dir = fixture(&config);
    let out = build_ok(dir.path(), &[]);
    let page = article_path(&out, "software");
    let hant = read(&out, &format!("zh-hant/{page}"));
    assert!(prose(&hant).contains("軟件"), "HK usage keeps 軟件");
    assert!(hant.contains("<html lang=\"zh-HK\""));

    let bad = CONFIG.replace("enabled = true", "enabled = true\nvariant = \"s2x\"");
    let dir = fixture(&bad);
    let run = build(dir.path(), &[]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("config.toml:7:") && err.contains("s2twp"),
        "{err}"
    );
}

#[test]
fn a_folder_taken_by_the_site_is_refused() {
    let dir = fixture(CONFIG);
    common::write(dir.path(), "static/zh-hant/readme.txt", "taken");
    let run = build(dir.path(), &[]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("/zh-hant/") && err.contains("[zh_hant] path"),
        "{err}"
    );
}

#[test]
fn a_pinned_conversion_that_is_not_text_is_a_warning() {
    let dir = fixture(CONFIG);
    common::write(
        dir.path(),
        "data/zh_hant.toml",
        "\"硅基日报\" = \"矽基日報\"\n\"软件\" = 3\n",
    );
    let run = build(dir.path(), &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("data/zh_hant.toml:2:2: warning:"), "{err}");
    let strict = build(dir.path(), &["--strict"]);
    assert!(!strict.status.success());
}

#[test]
fn an_edition_with_its_own_host_gets_its_own_folder() {
    let config = CONFIG.replace(
        "enabled = true",
        "enabled = true\nbase_url = \"https://tw.example.com/\"\noutput = \"public-tw\"",
    );
    let dir = fixture(&config);
    let out = build_ok(dir.path(), &[]);
    let tw = dir.path().join("public-tw");
    assert!(!out.join("zh-hant").exists());
    let page = article_path(&out, "software");
    let hant = read(&tw, &page);
    assert!(hant.contains("<h1>國產軟體釋出新版本</h1>"));
    // Its own copies of static files, at its own root.
    assert!(tw.join("img/chart.svg").exists() && hant.contains("href=\"/css/style."));
    assert!(read(&tw, "sitemap.xml").contains("<loc>https://tw.example.com/</loc>"));
    let url = format!(
        "https://tw.example.com/{}",
        page.trim_end_matches("index.html")
    );
    let tag = format!(
        "hreflang=\"zh-Hant\" href=\"{}\"",
        sitegen::slug::encode_path(&url)
    );
    assert!(
        read(&out, &page).contains(&tag),
        "no link to the other host"
    );
    assert!(common::broken_links(&tw, "/").is_empty());
}

#[test]
fn serve_shows_both_editions_and_follows_an_edit() {
    let dir = fixture(CONFIG);
    let server = common::server::serve(dir.path(), &[]);
    let get = |path: &str| common::server::get(&server.addr, path);
    let older = get("/zh-hant/2026/03/older/");
    assert_eq!(older.status, 200);
    assert!(
        older.text().contains("記憶體價格持續上漲"),
        "{}",
        older.text()
    );
    assert!(older.text().contains("src=\"/img/chart.svg\""));
    server.forget_output();
    let file = dir.path().join("content/资讯/older.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("内存价格持续上涨", "内存价格开始回落")).expect("write");
    // The edition is remade in the background once the page itself is rebuilt.
    let deadline = std::time::Instant::now() + common::server::CEILING;
    let followed = || {
        get("/zh-hant/2026/03/older/")
            .text()
            .contains("記憶體價格開始回落")
    };
    while !followed() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        followed(),
        "the edition did not follow the edit\n{}",
        server.output()
    );
}

#[test]
fn push_sends_both_editions_of_a_page() {
    let config = format!("{CONFIG}\n[push.indexnow]\nkey = \"abcdef0123456789\"\n");
    let dir = fixture(&config);
    build_ok(dir.path(), &[]);
    let run = common::sitegen()
        .args(["push", "--dry-run", "--all", "-r"])
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("public"))
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run push");
    let said = String::from_utf8_lossy(&run.stdout).into_owned() + &stderr(&run);
    assert!(run.status.success(), "{said}");
    let lines: Vec<&str> = said.lines().map(str::trim).collect();
    let at = |url: &str| lines.iter().position(|l| *l == url);
    let hans = at("https://news.example.com/2026/03/older/").expect("Simplified URL");
    let hant = at("https://news.example.com/zh-hant/2026/03/older/").expect("Traditional URL");
    assert_eq!(hant, hans + 1, "{said}");
}
