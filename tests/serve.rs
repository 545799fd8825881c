//! `sitegen serve` end to end: the real binary on a free loopback port, a small Chinese
//! site in a temp folder, and a tiny HTTP/1.1 client over `TcpStream`.
//!
//! Nothing here races a clock: after an edit a test waits for the server's `rebuilt …` line
//! (or the error it prints), then looks. [`CEILING`] only bounds a wait that would
//! otherwise never end, so a busy machine is slow, not failing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use std::time::{Duration, Instant};

use common::server::{CEILING, get, get_with, serve, serve_env};
use common::{chromium, html_files, sitegen, write};
use tempfile::TempDir;

const CONFIG: &str =
    "title = \"测试日报\"\nbase_url = \"https://t.example.com/\"\npaginate_by = 2\n";
const MARKER: &str = "data-sitegen-reload";
/// 马斯克, percent-encoded as browsers send it.
const MUSK: &str = "%E9%A9%AC%E6%96%AF%E5%85%8B";

/// The shared [`common::article`] in this fixture's one category, dated `day` March 2024.
fn article(title: &str, day: u32, tags: &[&str], body: &str) -> String {
    let date = format!("2024-03-{day:02}T09:30:00+08:00");
    common::article(title, &date, tags, &["人工智能"], body)
}

/// A site of five articles in two sections, plus a static image and a note.
fn fixture() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "config.toml", CONFIG);
    write(
        root,
        "content/资讯/grok.md",
        &article(
            "马斯克开源 Grok",
            11,
            &["马斯克", "开源"],
            "xAI 公布了模型权重。",
        ),
    );
    write(
        root,
        "content/资讯/gpt.md",
        &article("OpenAI 发布新模型", 12, &["OpenAI"], "支持实时语音。"),
    );
    write(
        root,
        "content/资讯/chips.md",
        &article("英伟达财报超预期", 13, &["芯片"], "数据中心收入大涨。"),
    );
    write(
        root,
        "content/评论/open.md",
        &article(
            "开源模型的商业逻辑",
            14,
            &["开源", "马斯克"],
            "开源不等于免费。",
        ),
    );
    write(
        root,
        "content/评论/rust.md",
        &article("Rust 进入内核", 15, &["Rust"], "内存安全的胜利。"),
    );
    write(root, "static/images/logo.png", "\u{89}PNG fake");
    dir
}

/// Polls `check` until it holds or `limit` passes; returns how long it took.
fn within(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// The served HTML without the injected reload script.
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

#[test]
fn pages_cjk_urls_static_files_and_content_types() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let home = get(&server.addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.text().contains("Rust 进入内核") && home.text().contains(MARKER));
    // Canonical links point at the preview, not at the deployed site.
    assert!(
        home.text().contains(&format!("href=\"{}\"", server.url)),
        "{}",
        home.text()
    );

    let tag = get(&server.addr, &format!("/tags/{MUSK}/"));
    assert_eq!(tag.status, 200);
    assert!(tag.text().contains("马斯克开源 Grok"));
    let article = get(&server.addr, "/2024/03/grok/");
    assert_eq!(article.status, 200);
    assert!(article.text().contains("xAI 公布了模型权重"));
    let section = get(&server.addr, "/%E8%B5%84%E8%AE%AF/");
    assert_eq!(section.status, 200, "section listing 资讯");

    let bare = get(&server.addr, &format!("/tags/{MUSK}"));
    assert_eq!(bare.status, 308);
    assert_eq!(
        bare.header("location"),
        Some(format!("/tags/{MUSK}/").as_str())
    );

    for (path, kind) in [
        ("/rss.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/css/style.css", "text/css; charset=utf-8"),
        ("/images/logo.png", "image/png"),
    ] {
        let reply = get(&server.addr, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(kind), "{path}");
        assert!(
            !reply.text().contains(MARKER),
            "{path} must not get the script"
        );
    }
    let missing = get(&server.addr, "/2024/03/nothing-here/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("<html") && missing.text().contains(MARKER));
}

#[test]
fn every_traversal_form_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let secret = outer.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET").unwrap();
    let site = fixture();
    write(site.path(), "static/notes/ok.txt", "inside");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, site.path().join("static/leak.txt")).unwrap();
        std::os::unix::fs::symlink(outer.path(), site.path().join("static/outside")).unwrap();
        std::os::unix::fs::symlink(
            site.path().join("static/notes/ok.txt"),
            site.path().join("static/alias.txt"),
        )
        .unwrap();
    }
    let server = serve(site.path(), &[]);
    for raw in [
        "/../config.toml",
        "/%2e%2e/config.toml",
        "/%2E%2E/config.toml",
        "/%2e%2e%2fconfig.toml",
        "/..%2fconfig.toml",
        "/..%5cconfig.toml",
        "/..\\config.toml",
        "/%252e%252e/config.toml",
        "/%252e%252e%252fconfig.toml",
        "//etc/passwd",
        "/static/../../config.toml",
        "/images/../../config.toml",
        "/css/%2e%2e/%2e%2e/config.toml",
        "/leak.txt",
        "/outside/secret.txt",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/a%00.html",
    ] {
        let reply = get(&server.addr, raw);
        assert!(matches!(reply.status, 400 | 404), "{raw}: {}", reply.status);
        let text = reply.text();
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("base_url") && !text.contains("root:"),
            "{raw} leaked"
        );
    }
    assert_eq!(get(&server.addr, "/notes/ok.txt").status, 200);
    #[cfg(unix)]
    assert_eq!(
        get(&server.addr, "/alias.txt").text(),
        "inside",
        "links inside static/ are fine"
    );
}

#[test]
fn edits_show_and_broken_edits_keep_the_last_good_pages() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let mut events = EventStream::open(&server.addr);
    let page = "/2024/03/gpt/";
    assert!(get(&server.addr, page).text().contains("支持实时语音"));

    server.forget_output();
    write(
        site.path(),
        "content/资讯/gpt.md",
        &article("OpenAI 发布新模型", 12, &["OpenAI"], "改版：支持视频。"),
    );
    assert!(
        server.rebuilt_until(|| get(&server.addr, page).text().contains("改版：支持视频")),
        "the edit was never served\n{}",
        server.output()
    );
    assert!(events.wait_for("event: reload", CEILING), "no reload event");

    // Broken front matter: the terminal and the tabs say where; the old page stays.
    server.forget_output();
    write(
        site.path(),
        "content/资讯/gpt.md",
        "+++\ntitle = \"没有引号结尾\ndate = 2024-03-12\n+++\n坏了\n",
    );
    assert!(events.wait_for("event: error", CEILING), "no error event");
    assert!(
        events.seen().contains("content/资讯/gpt.md:2:"),
        "{}",
        events.seen()
    );
    assert!(
        server.wait_for_line(|l| l.contains("content/资讯/gpt.md:2:")),
        "{}",
        server.output()
    );
    let kept = get(&server.addr, page);
    assert_eq!(kept.status, 200);
    assert!(kept.text().contains("改版：支持视频"));

    // The next good save recovers, without a restart.
    server.forget_output();
    write(
        site.path(),
        "content/资讯/gpt.md",
        &article("OpenAI 又发布新模型", 12, &["OpenAI"], "修好了。"),
    );
    assert!(
        server.rebuilt_until(|| get(&server.addr, page).text().contains("修好了")),
        "did not recover\n{}",
        server.output()
    );
    assert!(
        get(&server.addr, "/tags/openai/")
            .text()
            .contains("OpenAI 又发布新模型"),
        "listings follow"
    );

    // A template error: reported with its file, pages kept; removing it recovers.
    server.forget_output();
    write(
        site.path(),
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{% if page.title %}没有结束{% endblock %}",
    );
    assert!(
        server.wait_for_line(|l| l.contains("templates/article.html")),
        "{}",
        server.output()
    );
    assert!(get(&server.addr, page).text().contains("修好了"));
    server.forget_output();
    std::fs::remove_file(site.path().join("templates/article.html")).unwrap();
    assert!(
        server.rebuilt_until(|| get(&server.addr, page).text().contains("修好了")),
        "no rebuild after the template fix\n{}",
        server.output()
    );
}

#[test]
fn created_renamed_and_deleted_articles() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let page = "/2024/03/chips/";
    assert_eq!(get(&server.addr, page).status, 200);
    server.forget_output();
    std::fs::remove_file(site.path().join("content/资讯/chips.md")).unwrap();
    assert!(
        server.rebuilt_until(|| get(&server.addr, page).status == 404),
        "the deleted article is still served\n{}",
        server.output()
    );
    assert!(
        !get(&server.addr, "/page/2/")
            .text()
            .contains("英伟达财报超预期")
    );

    server.forget_output();
    std::fs::rename(
        site.path().join("content/资讯/gpt.md"),
        site.path().join("content/资讯/gpt5.md"),
    )
    .unwrap();
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/2024/03/gpt5/").status == 200),
        "the renamed article is not served\n{}",
        server.output()
    );
    assert_eq!(get(&server.addr, "/2024/03/gpt/").status, 404);

    server.forget_output();
    write(
        site.path(),
        "content/新栏目/new.md",
        &article("新栏目的第一篇", 20, &["马斯克"], "新内容。"),
    );
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/2024/03/new/").status == 200),
        "the new article is not served\n{}",
        server.output()
    );
    assert!(
        get(&server.addr, &format!("/tags/{MUSK}/"))
            .text()
            .contains("新栏目的第一篇")
    );
}

/// After edits that move articles between listings and pages, every page served equals
/// what a fresh `sitegen build` makes: the incremental rebuild leaves nothing stale.
#[test]
fn incremental_rebuilds_match_a_full_build_and_the_script_is_serve_only() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let root = site.path();
    // One edit at a time, each waited for, so that every rebuild path runs: a retitle and
    // a new summary (in place: neighbours and listings show them), a retag (tag pages and
    // related lists change), a redate (order and pagination shift), an addition and a
    // deletion. Each comes with a page that shows it is in: (URL, text it then has), or
    // (URL, None) for a page that is then gone.
    // Then the other kinds of content: a section's `_index.md` (its listing changes), an
    // undated page, and a page bundle whose image must be served beside it.
    type Edit<'a> = (&'a str, Option<String>, (&'a str, Option<&'a str>));
    let news_section = format!("/{}/", encode("资讯"));
    let about = format!("/{}/", encode("关于我们"));
    let logo = format!("/{}/logo.svg", encode("团队"));
    write(root, "content/团队/logo.svg", "<svg/>");
    let edits: [Edit; 9] = [
        (
            "content/资讯/grok.md",
            Some(article(
                "马斯克开源 Grok-1",
                11,
                &["马斯克", "开源"],
                "xAI 公布了模型权重。",
            )),
            ("/2024/03/grok/", Some("马斯克开源 Grok-1")),
        ),
        (
            "content/评论/open.md",
            Some(article(
                "开源模型的商业逻辑",
                14,
                &["开源", "马斯克"],
                "开源从来都不等于免费。",
            )),
            ("/2024/03/open/", Some("开源从来都不等于免费")),
        ),
        (
            "content/评论/rust.md",
            Some(article(
                "Rust 进入内核",
                15,
                &["Rust", "开源"],
                "内存安全的胜利。",
            )),
            ("/tags/%E5%BC%80%E6%BA%90/", Some("Rust 进入内核")),
        ),
        (
            "content/资讯/gpt.md",
            Some(article(
                "OpenAI 发布新模型",
                16,
                &["OpenAI"],
                "支持实时语音。",
            )),
            ("/2024/03/gpt/", Some("2024-03-16")),
        ),
        (
            "content/资讯/new.md",
            Some(article("新文章", 9, &["芯片", "马斯克"], "新内容。")),
            ("/2024/03/new/", Some("新文章")),
        ),
        ("content/资讯/chips.md", None, ("/2024/03/chips/", None)),
        (
            "content/资讯/_index.md",
            Some("+++\ntitle = \"科技资讯\"\n+++\n栏目简介。\n".into()),
            (&news_section, Some("栏目简介")),
        ),
        (
            "content/关于我们.md",
            Some("+++\ntitle = \"关于我们\"\n+++\n本站简介。\n".into()),
            (&about, Some("本站简介")),
        ),
        (
            "content/团队/index.md",
            Some("+++\ntitle = \"团队\"\n+++\n![标志](logo.svg)\n".into()),
            (&logo, Some("<svg/>")),
        ),
    ];
    let shows = |url: &str, text: Option<&str>| {
        let reply = get(&server.addr, url);
        match text {
            Some(text) => reply.status == 200 && reply.text().contains(text),
            None => reply.status == 404,
        }
    };
    for (file, text, (url, then)) in edits {
        server.forget_output();
        match text {
            Some(text) => write(root, file, &text),
            None => std::fs::remove_file(root.join(file)).unwrap(),
        }
        assert!(
            server.rebuilt_until(|| shows(url, then)),
            "no rebuild after editing {file} showed on {url}\n{}",
            server.output()
        );
    }
    assert_eq!(get(&server.addr, "/2024/03/chips/").status, 404);
    assert_served_equals_build(&server, root);
}

/// Builds `root` with `sitegen build` (at the preview's base URL) and checks that every
/// page, feed and search index file served equals the built one, the reload script aside;
/// and that the script is in served pages only. Generated files lagging behind the pages
/// are made when asked for, so they are compared at once, not polled.
fn assert_served_equals_build(server: &common::server::Server, root: &Path) {
    let out = tempfile::tempdir().unwrap();
    let status = sitegen()
        .args(["build", "-q", "--base-url", &server.url, "-r"])
        .arg(root)
        .arg("-o")
        .arg(out.path().join("public"))
        .status()
        .unwrap();
    assert!(status.success());
    let public = out.path().join("public");
    let mut compared = 0;
    for file in html_files(&public) {
        let rel = file.to_string_lossy().replace('\\', "/");
        let built = std::fs::read_to_string(public.join(&file)).unwrap();
        assert!(
            !built.contains(MARKER),
            "{rel}: build output has the reload script"
        );
        let url = format!("/{}", encode(&rel));
        let served = get(&server.addr, &url);
        assert_eq!(served.status, 200, "{url}");
        assert!(
            served.text().contains(MARKER),
            "{rel}: no reload script when served"
        );
        assert_eq!(
            without_script(&served.text()),
            built,
            "{rel} differs from a full build"
        );
        compared += 1;
    }
    assert!(compared > 20, "compared only {compared} pages");
    let mut generated = vec!["rss.xml".to_string()];
    for entry in walkdir::WalkDir::new(public.join("search")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "json") {
            let rel = entry.path().strip_prefix(&public).unwrap();
            generated.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    assert!(
        generated.len() > 2,
        "no search index in {}",
        public.display()
    );
    for rel in generated {
        let built = std::fs::read_to_string(public.join(&rel)).unwrap();
        let served = get(&server.addr, &format!("/{}", encode(&rel)));
        assert_eq!(served.status, 200, "{rel}");
        assert_eq!(served.text(), built, "{rel} differs from a full build");
    }
}

/// Pages are rendered when asked for and the most recently asked for are kept, up to a
/// budget. Whatever the budget (nothing, about one page, the default), a page served after
/// edits is what a fresh build makes, whether it was asked for before them (and perhaps
/// kept) or not: an edit that changes what a page shows makes its kept copy unreachable.
#[test]
fn pages_rendered_when_asked_for_follow_edits_whatever_the_cache_holds() {
    let musk = format!("/tags/{MUSK}/");
    for budget_kb in [Some("0"), Some("16"), None] {
        let site = fixture();
        let root = site.path();
        let env: Vec<(&str, &str)> = budget_kb
            .map(|kb| vec![("SITEGEN_SERVE_CACHE_KB", kb)])
            .unwrap_or_default();
        let server = serve_env(root, &[], &env);
        // Asked for before the edits: the tag page and the home page list the articles
        // edited below, the articles' pages show their neighbours and related lists.
        let before: Vec<(String, String)> = ["/", musk.as_str(), "/2024/03/open/", "/page/2/"]
            .iter()
            .map(|path| (path.to_string(), get(&server.addr, path).text()))
            .collect();
        assert!(before.iter().all(|(_, text)| text.contains(MARKER)));
        // A retitle (in place), a retag into 马斯克 and a redate (both re-index the model).
        let edits = [
            (
                "content/资讯/grok.md",
                article(
                    "马斯克开源 Grok-2",
                    11,
                    &["马斯克", "开源"],
                    "xAI 公布了模型权重。",
                ),
                (musk.as_str(), "马斯克开源 Grok-2"),
            ),
            (
                "content/评论/rust.md",
                article("Rust 进入内核", 15, &["Rust", "马斯克"], "内存安全的胜利。"),
                (musk.as_str(), "Rust 进入内核"),
            ),
            (
                "content/资讯/gpt.md",
                article("OpenAI 发布新模型", 16, &["OpenAI"], "支持实时语音。"),
                ("/2024/03/gpt/", "2024-03-16"),
            ),
        ];
        for (file, text, (url, shown)) in edits {
            server.forget_output();
            write(root, file, &text);
            assert!(
                server.rebuilt_until(|| get(&server.addr, url).text().contains(shown)),
                "budget {budget_kb:?}: editing {file} never showed on {url}\n{}",
                server.output()
            );
        }
        for (path, old) in &before {
            assert_ne!(
                &get(&server.addr, path).text(),
                old,
                "budget {budget_kb:?}: {path} still shows what it did before the edits"
            );
        }
        assert_served_equals_build(&server, root);
    }
}

/// A template that fails at render time (not when it is parsed) is told when it is saved,
/// from a page of each kind rendered at once: pages kept from before still show, a page not
/// rendered yet shows the error instead of half a page, and fixing it recovers.
#[test]
fn a_template_that_fails_on_its_pages_is_told_at_once() {
    let site = fixture();
    let root = site.path();
    let server = serve(root, &[]);
    let kept = get(&server.addr, "/2024/03/grok/");
    assert!(kept.text().contains("xAI 公布了模型权重"));
    server.forget_output();
    write(
        root,
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.no_such_field.deeper }}{% endblock %}",
    );
    assert!(
        server.wait_for_line(|l| l.contains("templates/article.html")),
        "the template error was not told\n{}",
        server.output()
    );
    assert_eq!(get(&server.addr, "/2024/03/grok/").text(), kept.text());
    // Not the newest article: that one was rendered at startup, with a page of each kind.
    let never_asked = get(&server.addr, "/2024/03/chips/");
    assert_eq!(never_asked.status, 500);
    assert!(
        never_asked.text().contains("templates/article.html")
            && never_asked.text().contains(MARKER),
        "{}",
        never_asked.text()
    );
    server.forget_output();
    std::fs::remove_file(root.join("templates/article.html")).unwrap();
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/2024/03/chips/").status == 200),
        "no recovery after the template fix\n{}",
        server.output()
    );
}

/// Percent-encodes non-ASCII bytes, as a browser does.
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn a_site_that_does_not_build_yet_shows_its_errors_until_it_does() {
    let site = fixture();
    write(
        site.path(),
        "content/资讯/bad.md",
        "+++\ntitle = \"<i>坏\n+++\n",
    );
    let server = serve(site.path(), &[]);
    let reply = get(&server.addr, "/");
    assert_eq!(reply.status, 503);
    assert!(reply.text().contains("content/资讯/bad.md:2:") && reply.text().contains(MARKER));
    assert!(!reply.text().contains("<i>"), "error text is escaped");
    server.forget_output();
    std::fs::remove_file(site.path().join("content/资讯/bad.md")).unwrap();
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/").status == 200),
        "the fixed site is not served\n{}",
        server.output()
    );
}

#[test]
fn a_base_url_with_a_path_is_served_under_it() {
    let site = fixture();
    let server = serve(site.path(), &["--base-url", "http://127.0.0.1:9/门户/"]);
    let portal = "/%E9%97%A8%E6%88%B7/";
    assert!(server.url.ends_with(portal), "{}", server.url);
    assert_eq!(
        get(&server.addr, &format!("{portal}2024/03/grok/")).status,
        200
    );
    assert_eq!(get(&server.addr, "/2024/03/grok/").status, 404);
    let root = get(&server.addr, "/");
    assert_eq!(root.status, 308);
    assert_eq!(root.header("location"), Some(portal));
}

#[test]
fn a_burst_of_concurrent_requests_is_answered() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let paths = [
        "/".to_string(),
        "/2024/03/grok/".into(),
        format!("/tags/{MUSK}/"),
        "/css/style.css".into(),
        "/rss.xml".into(),
        "/page/2/".into(),
    ];
    let addr = server.addr.clone();
    let threads: Vec<_> = (0..40)
        .map(|t| {
            let addr = addr.clone();
            let paths = paths.clone();
            std::thread::spawn(move || {
                (0..10)
                    .filter(|i| get(&addr, &paths[(t + i) % paths.len()]).status == 200)
                    .count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(ok, 400);
}

#[test]
fn a_taken_port_is_named_and_the_next_one_used() {
    let site = fixture();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = sitegen()
        .args(["serve", "--port", &port.to_string(), "-r"])
        .arg(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains(&format!("port {port} is in use")), "{line}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_promptly_even_with_open_tabs() {
    let site = fixture();
    let mut server = serve(site.path(), &[]);
    let _tab = EventStream::open(&server.addr);
    let pid = server.child.id().to_string();
    let started = Instant::now();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let stopped = within(Duration::from_secs(3), || {
        matches!(server.child.try_wait(), Ok(Some(_)))
    });
    assert!(
        stopped.is_some(),
        "still running {:?} after Ctrl-C",
        started.elapsed()
    );
}

/// Feeds and the search index are made when first asked for, written to a folder of this
/// server's own in the cache folder rather than held in memory, and that folder goes when
/// the server does.
#[cfg(unix)]
#[test]
fn generated_files_are_made_when_asked_for_and_leave_no_folder_behind() {
    let site = fixture();
    let mut server = serve(site.path(), &[]);
    let folder = site
        .path()
        .join(format!(".sitegen-cache/serve-{}", server.child.id()));
    assert!(!folder.exists(), "made before anyone asked");
    let feed = get(&server.addr, "/rss.xml");
    assert_eq!(feed.status, 200);
    // `serve-PID/VERSION/rss.xml`
    let written: Vec<PathBuf> = walkdir::WalkDir::new(&folder)
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "rss.xml")
        .map(|e| e.into_path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(std::fs::read(&written[0]).unwrap(), feed.body);
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let stopped = within(CEILING, || matches!(server.child.try_wait(), Ok(Some(_))));
    assert!(stopped.is_some(), "still running after Ctrl-C");
    assert!(!folder.exists(), "{} left behind", folder.display());
}

/// The articles' plain texts, which only the search index reads, wait in a file in the
/// cache folder that has no name (so nothing is left behind however serve ends) instead of
/// in memory; a saved article's new text is added to it, a config change starts a new
/// one, and the index made from them is still a build's. Linux: the file is found through
/// `/proc`.
#[cfg(target_os = "linux")]
#[test]
fn article_texts_wait_in_a_file_without_a_name_and_the_index_still_matches_a_build() {
    let site = fixture();
    let root = site.path();
    let server = serve(root, &[]);
    // The size of each such file serve has open.
    let store_sizes = || -> Vec<u64> {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{}/fd", server.child.id())) else {
            return Vec::new();
        };
        fds.filter_map(Result::ok)
            .filter_map(|fd| {
                let target = std::fs::read_link(fd.path()).ok()?;
                let shown = target.to_string_lossy().into_owned();
                let unnamed = shown.contains(".sitegen-cache") && shown.ends_with("(deleted)");
                unnamed.then(|| std::fs::metadata(fd.path()).ok().map(|m| m.len()))?
            })
            .collect()
    };
    let store_size = || store_sizes().into_iter().next();
    let bodies = [
        "xAI 公布了模型权重。",
        "支持实时语音。",
        "数据中心收入大涨。",
    ];
    let first = store_size().expect("no file without a name open in .sitegen-cache");
    assert!(
        first >= bodies.iter().map(|b| b.len() as u64).sum::<u64>(),
        "{first} bytes: not every text is there"
    );
    write(
        root,
        "content/资讯/gpt.md",
        &article(
            "OpenAI 发布新模型",
            12,
            &["OpenAI"],
            "支持实时语音与图像理解。",
        ),
    );
    assert!(
        server.rebuilt_until(|| store_size().is_some_and(|n| n > first)),
        "the saved article's text was not stored\n{}",
        server.output()
    );
    assert_served_equals_build(&server, root);
    // A config change reads every article again, into a new file: the old one, with the
    // text the save replaced, goes rather than the store growing by the site each time.
    let before = store_size().expect("the store");
    write(root, "config.toml", &CONFIG.replace("测试日报", "测试晚报"));
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/").text().contains("测试晚报")
            && matches!(store_sizes()[..], [size] if size < before)),
        "still {:?} bytes in texts files (before: {before})\n{}",
        store_sizes(),
        server.output()
    );
    assert_served_equals_build(&server, root);
}

/// An open `/__sitegen/events` stream, as a tab holds it.
struct EventStream {
    stream: TcpStream,
    seen: String,
}

impl EventStream {
    fn open(addr: &str) -> Self {
        let mut stream = TcpStream::connect(addr).expect("connect");
        write!(
            stream,
            "GET /__sitegen/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut events = EventStream {
            stream,
            seen: String::new(),
        };
        assert!(
            events.wait_for("text/event-stream", CEILING),
            "not an event stream: {}",
            events.seen
        );
        events
    }

    fn wait_for(&mut self, needle: &str, limit: Duration) -> bool {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while !self.seen.contains(needle) && start.elapsed() < limit {
            if let Ok(n) = self.stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        self.seen.contains(needle)
    }

    fn seen(&self) -> &str {
        &self.seen
    }
}

/// Headless Chromium opens an article, the article is saved, and the tab reloads by
/// itself; a broken save shows the error overlay, and the fix clears it. Driven over the
/// DevTools protocol with a minimal WebSocket client, so it needs nothing but Chromium.
#[test]
fn a_real_browser_tab_reloads_after_an_edit() {
    let Some(chromium) = chromium() else {
        return;
    };
    let site = fixture();
    let server = serve(site.path(), &[]);
    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::launch(
        &chromium,
        profile.path(),
        &format!("{}2024/03/gpt/", server.url),
    );
    let mut tab = browser.page();
    let eval = |tab: &mut Cdp, js: &str| tab.eval(js);
    assert!(
        within(CEILING, || eval(
            &mut tab,
            "document.readyState === 'complete' && document.body.innerText.includes('支持实时语音')"
        ) == "true")
        .is_some(),
        "the page did not load"
    );
    eval(&mut tab, "window.__before = 1; true");

    let saved = Instant::now();
    write(
        site.path(),
        "content/资讯/gpt.md",
        &article("OpenAI 发布新模型", 12, &["OpenAI"], "改版：支持视频。"),
    );
    let reload = "JSON.stringify([window.__before || 0, document.body.innerText.includes('改版：支持视频')])";
    assert!(
        within(CEILING, || eval(&mut tab, reload) == "\"[0,true]\"").is_some(),
        "the tab did not reload: {}",
        eval(&mut tab, reload)
    );
    println!("save to reloaded tab: {} ms", saved.elapsed().as_millis());

    eval(&mut tab, "window.__before = 1; true");
    write(
        site.path(),
        "content/资讯/gpt.md",
        "+++\ntitle = \"<b>没有引号结尾\ndate = 2024-03-12\n+++\n",
    );
    let overlay = "(document.getElementById('sitegen-error') || {}).textContent || ''";
    assert!(
        within(CEILING, || eval(&mut tab, overlay)
            .contains("content/资讯/gpt.md:2:"))
        .is_some(),
        "no error overlay: {}",
        eval(&mut tab, overlay)
    );
    assert_eq!(
        eval(
            &mut tab,
            "document.querySelectorAll('#sitegen-error b').length"
        ),
        "0",
        "error text is text, not HTML"
    );
    assert_eq!(
        eval(&mut tab, "window.__before"),
        "1",
        "a broken save must not reload the tab"
    );

    write(
        site.path(),
        "content/资讯/gpt.md",
        &article("OpenAI 发布新模型", 12, &["OpenAI"], "修好了。"),
    );
    let recovered = "JSON.stringify([window.__before || 0, !!document.getElementById('sitegen-error'), document.body.innerText.includes('修好了')])";
    assert!(
        within(CEILING, || eval(&mut tab, recovered)
            == "\"[0,false,true]\"")
        .is_some(),
        "the tab did not recover: {}",
        eval(&mut tab, recovered)
    );
}

/// Headless Chromium with the DevTools protocol on a free port; killed when dropped.
struct Browser {
    child: Child,
    port: u16,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(chromium: &Path, profile: &Path, url: &str) -> Browser {
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes the port it picked into the profile folder.
        let active = profile.join("DevToolsActivePort");
        let mut port = None;
        let found = within(CEILING, || {
            port = std::fs::read_to_string(&active)
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()));
            port.is_some()
        });
        if found.is_none() {
            let _ = child.kill();
            panic!("chromium did not open its DevTools port");
        }
        Browser {
            child,
            port: port.unwrap_or_default(),
        }
    }

    /// The DevTools connection of the (only) page.
    fn page(&self) -> Cdp {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut target = None;
        within(CEILING, || {
            let list: serde_json::Value =
                serde_json::from_slice(&get(&addr, "/json/list").body).unwrap_or_default();
            target = list.as_array().and_then(|pages| {
                pages
                    .iter()
                    .find(|p| p["type"] == "page")
                    .and_then(|p| p["webSocketDebuggerUrl"].as_str())
                    .map(|u| u.to_string())
            });
            target.is_some()
        });
        let ws = target.expect("a page target");
        let path = ws
            .splitn(4, '/')
            .nth(3)
            .map(|p| format!("/{p}"))
            .expect("target path");
        Cdp::connect(&addr, &path)
    }
}

/// A DevTools protocol session over a minimal WebSocket client (text frames only).
struct Cdp {
    stream: TcpStream,
    next_id: u64,
}

impl Cdp {
    fn connect(addr: &str, path: &str) -> Cdp {
        let mut stream = TcpStream::connect(addr).expect("connect to DevTools");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).expect("handshake");
            head.push(byte[0]);
        }
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Cdp { stream, next_id: 1 }
    }

    /// Evaluates `js` in the page; its value as JSON text ("" if the page is between
    /// documents).
    fn eval(&mut self, js: &str) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let call = serde_json::json!({
            "id": id,
            "method": "Runtime.evaluate",
            "params": { "expression": js, "returnByValue": true },
        });
        self.send(&call.to_string());
        loop {
            let Some(message) = self.receive() else {
                return String::new();
            };
            let reply: serde_json::Value = serde_json::from_str(&message).unwrap_or_default();
            if reply["id"] == id {
                return reply["result"]["result"]
                    .get("value")
                    .map(|v| v.to_string())
                    .unwrap_or_default();
            }
        }
    }

    fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).expect("send to DevTools");
    }

    /// The next whole text message.
    fn receive(&mut self) -> Option<String> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.stream.read_exact(&mut head).ok()?;
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut ext = [0u8; 2];
                self.stream.read_exact(&mut ext).ok()?;
                len = u64::from(u16::from_be_bytes(ext));
            } else if len == 127 {
                let mut ext = [0u8; 8];
                self.stream.read_exact(&mut ext).ok()?;
                len = u64::from_be_bytes(ext);
            }
            let mut payload = vec![0u8; usize::try_from(len).ok()?];
            self.stream.read_exact(&mut payload).ok()?;
            let opcode = head[0] & 0x0f;
            if opcode == 0x8 {
                return None;
            }
            if opcode <= 0x2 {
                message.extend_from_slice(&payload);
                if head[0] & 0x80 != 0 {
                    return Some(String::from_utf8_lossy(&message).into_owned());
                }
            }
        }
    }
}

#[test]
fn static_files_answer_range_requests_but_never_leave_static() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.bin"), "TOP-SECRET").unwrap();
    let site = fixture();
    let clip: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37)).collect();
    std::fs::write(site.path().join("static/clip.mp4"), &clip).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outer.path().join("secret.bin"),
        site.path().join("static/leak.mp4"),
    )
    .unwrap();
    let server = serve(site.path(), &[]);

    let part = get_with(&server.addr, "/clip.mp4", "Range: bytes=0-9");
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 0-9/100"));
    assert_eq!(part.body, clip[..10]);
    assert_eq!(part.header("content-type"), Some("video/mp4"));
    assert_eq!(part.header("cache-control"), Some("no-cache"));

    let whole = get(&server.addr, "/clip.mp4");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, clip);
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.header("x-content-type-options"), Some("nosniff"));

    #[cfg(unix)]
    for reply in [
        get(&server.addr, "/leak.mp4"),
        get_with(&server.addr, "/leak.mp4", "Range: bytes=0-3"),
    ] {
        assert_eq!(reply.status, 404);
        assert!(!reply.text().contains("TOP-SECRET"));
    }
}

/// The theme's header is rendered once per kind of page (`src/render/chrome.rs`): a site's
/// own header saved while serving shows on pages of every kind, pages asked for before
/// included, and removing it brings the theme's back everywhere.
#[test]
fn a_header_saved_or_removed_while_serving_shows_on_every_page() {
    let site = fixture();
    let root = site.path();
    let server = serve(root, &[]);
    let musk = format!("/tags/{MUSK}/");
    let pages = ["/", "/2024/03/open/", musk.as_str(), "/page/2/"];
    let all = |check: &dyn Fn(&str) -> bool| {
        pages
            .iter()
            .all(|path| check(&get(&server.addr, path).text()))
    };
    let theme = |html: &str| html.contains("<header class=\"site-header\">");
    assert!(all(&theme), "{}", server.output());

    server.forget_output();
    write(
        root,
        "templates/partials/header.html",
        "<header class=\"own\">本站自己的页眉</header>\n",
    );
    let own = |html: &str| html.contains("本站自己的页眉") && !theme(html);
    assert!(
        server.rebuilt_until(|| all(&own)),
        "the site's header did not reach every page\n{}",
        server.output()
    );

    server.forget_output();
    std::fs::remove_file(root.join("templates/partials/header.html")).unwrap();
    assert!(
        server.rebuilt_until(|| all(&|html| theme(html) && !html.contains("本站自己的页眉"))),
        "the theme's header did not come back\n{}",
        server.output()
    );
    assert_served_equals_build(&server, root);
}
