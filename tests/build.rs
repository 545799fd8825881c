//! End-to-end tests of `sitegen build`: real sites in temp folders, the real binary, and
//! the HTML, URLs and errors that come out.

mod common;

use common::*;

fn news_site() -> tempfile::TempDir {
    site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/grok.md",
                &article(
                    "xAI 开源 Grok-1 模型",
                    "2024-03-18T09:30:00+08:00",
                    &["马斯克", "xAI", "开源"],
                    &["马斯克", "人工智能", "OpenAI"],
                    "马斯克旗下的 xAI 公布了模型权重。\n\n## 开源之争\n\n争论仍在继续。",
                ),
            ),
            (
                "content/资讯/copilot.md",
                &article(
                    "微软 Copilot 接入 Office",
                    "2024-04-02T10:00:00+08:00",
                    &["微软", "openai"],
                    &["人工智能", "微软"],
                    "微软宣布 Copilot 全面接入办公套件。",
                ),
            ),
            (
                "content/评论/open-vs-closed.md",
                &article(
                    "开源与闭源之争的下半场",
                    "2023-12-01T08:00:00+08:00",
                    &["开源", "OpenAI"],
                    &["OpenAI"],
                    "开源与闭源之争远未结束。",
                ),
            ),
            (
                "static/images/logo.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    )
}

#[test]
fn builds_the_url_tree_with_chinese_urls() {
    let dir = news_site();
    let out = build_ok(dir.path(), &[]);
    for page in [
        "index.html",
        "2024/03/grok/index.html",
        "2024/04/copilot/index.html",
        "2023/12/open-vs-closed/index.html",
        "资讯/index.html",
        "评论/index.html",
        "tags/index.html",
        "tags/马斯克/index.html",
        "tags/openai/index.html",
        "categories/index.html",
        "categories/人工智能/index.html",
        "archives/index.html",
        "archives/2024/index.html",
        "archives/2024/03/index.html",
        "archives/2023/12/index.html",
        "404.html",
        "images/logo.svg",
        "css/style.css",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    assert!(
        broken_links(&out, "/").is_empty(),
        "{:?}",
        broken_links(&out, "/")
    );
}

#[test]
fn article_page_has_breadcrumb_byline_and_tags() {
    let dir = news_site();
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/03/grok/index.html");
    assert!(html.contains("<h1>xAI 开源 Grok-1 模型</h1>"), "{html}");
    assert!(html.contains("2024-03-18 09:30"));
    // 首页 › 资讯 › 马斯克 › 人工智能 › OpenAI, in that order, every item a link.
    let crumb_start = html.find("class=\"breadcrumb\"").expect("breadcrumb");
    let crumb = &html[crumb_start..crumb_start + html[crumb_start..].find("</nav>").expect("end")];
    let hrefs = links(crumb);
    assert_eq!(
        hrefs,
        vec![
            "/",
            "/%E8%B5%84%E8%AE%AF/",
            "/categories/%E9%A9%AC%E6%96%AF%E5%85%8B/",
            "/categories/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/",
            "/categories/openai/",
        ]
    );
    let names: Vec<&str> = ["首页", "资讯", "马斯克", "人工智能", "OpenAI"].to_vec();
    let mut at = 0;
    for name in names {
        let found = crumb[at..]
            .find(&format!(">{name}<"))
            .unwrap_or_else(|| panic!("{name} in {crumb}"));
        at += found;
    }
    assert!(html.contains("id=\"开源之争\""), "heading ids keep Chinese");
    assert!(html.contains("href=\"/tags/xai/\""));
}

#[test]
fn terms_that_slug_the_same_are_one_term() {
    let dir = news_site();
    let out = build_ok(dir.path(), &[]);
    let tag = read(&out, "tags/openai/index.html");
    assert!(tag.contains("微软 Copilot 接入 Office"));
    assert!(tag.contains("开源与闭源之争的下半场"));
    assert!(!out.join("tags/OpenAI").exists());
}

#[test]
fn every_article_is_on_each_of_its_listings_across_pages() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..7 {
        files.push((
            format!("content/资讯/a{i}.md"),
            article(
                &format!("第{i}篇快讯"),
                &format!("2024-0{}-1{i}T08:00:00+08:00", 1 + i % 3),
                &["芯片"],
                &["人工智能"],
                "正文。",
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&format!("{MINIMAL_CONFIG}paginate_by = 3\n"), &refs);
    let out = build_ok(dir.path(), &[]);
    for listing in [
        "",
        "资讯/",
        "tags/芯片/",
        "categories/人工智能/",
        "archives/2024/",
    ] {
        let mut all = String::new();
        for page in 1..=3 {
            let rel = if page == 1 {
                format!("{listing}index.html")
            } else {
                format!("{listing}page/{page}/index.html")
            };
            all.push_str(&read(&out, &rel));
        }
        assert!(
            !out.join(format!("{listing}page/4/index.html")).exists(),
            "{listing} has a 4th page"
        );
        for i in 0..7 {
            assert!(
                all.contains(&format!("第{i}篇快讯")),
                "{listing} lacks article {i}"
            );
        }
    }
    // Newest first: March articles (i = 2, 5) come before January ones on the home page.
    let home = read(&out, "index.html");
    let first = home.find("第5篇快讯").expect("newest on page 1");
    assert!(home.find("第2篇快讯").is_some_and(|p| p > first));
    assert!(read(&out, "page/2/index.html").contains("href=\"/page/3/\""));
    assert!(
        broken_links(&out, "/").is_empty(),
        "{:?}",
        broken_links(&out, "/")
    );
}

#[test]
fn titles_and_tags_are_escaped() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article(
                "AI <script>alert(1)</script> & “注入”",
                "2024-01-01T00:00:00+08:00",
                &["<b>标签</b>"],
                &[],
                "正文",
            ),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    for page in ["2024/01/a/index.html", "index.html"] {
        let html = read(&out, page);
        assert!(!html.contains("<script>alert"), "{page} has raw script");
        assert!(!html.contains("<b>标签"), "{page} has raw tag markup");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }
}

#[test]
fn drafts_and_future_articles_are_left_out_unless_asked() {
    let files = [
        (
            "content/now.md",
            article("已发布", "2024-01-01T00:00:00+08:00", &[], &[], "x"),
        ),
        (
            "content/draft.md",
            "+++\ntitle = \"草稿\"\ndate = 2024-01-02\ndraft = true\n+++\nx".to_string(),
        ),
        (
            "content/future.md",
            article("未来文章", "2030-01-01T00:00:00+08:00", &[], &[], "x"),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let dir = site(MINIMAL_CONFIG, &refs);
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("已发布"));
    assert!(!home.contains("草稿") && !out.join("2024/01/draft").exists());
    assert!(!home.contains("未来文章") && !out.join("2030").exists());

    let out = build_ok(dir.path(), &["--drafts", "--future"]);
    assert!(out.join("2024/01/draft/index.html").is_file());
    assert!(out.join("2030/01/future/index.html").is_file());
}

#[test]
fn loads_every_front_matter_dialect_and_date_form() {
    let files: &[(&str, &str)] = &[
        (
            "content/toml-native.md",
            "+++\ntitle = \"原生日期\"\ndate = 2024-03-11T09:30:00+08:00\n+++\n正文",
        ),
        (
            "content/yaml-hexo.md",
            "---\ntitle: Hexo 日期\ndate: 2024-03-12 09:30:00\ntags: [a, b]\ncategories: 人工智能\n---\n正文",
        ),
        (
            "content/jekyll.md",
            "---\ntitle: Jekyll 偏移\ndate: 2024-03-13 09:30:00 +0800\n---\n正文",
        ),
        (
            "content/no-pad.md",
            "---\ntitle: 不补零\ndate: 2015-9-11\n---\n正文",
        ),
        (
            "content/slashes.md",
            "---\ntitle: 斜线日期\ndate: 2025/09/22\n---\n正文",
        ),
        (
            "content/zulu.md",
            "---\ntitle: UTC 毫秒\ndate: 2019-06-04T10:20:00.000Z\nupdated:\n---\n正文",
        ),
        (
            "content/date-only.md",
            "+++\ntitle = \"只有日期\"\ndate = \"2024-03-14\"\n+++\n正文",
        ),
        (
            "content/2024-05-20-from-name.md",
            "---\ntitle: 文件名日期\n---\n正文",
        ),
        (
            "content/zola.md",
            "+++\ntitle = \"Zola 分类\"\ndate = 2024-03-15\n[taxonomies]\ntags = [\"Rust\"]\ncategories = [\"开源\"]\n+++\n正文",
        ),
        (
            "content/hexo-bare.md",
            "title: 无开头分隔线\ndate: 2024-03-16 10:00\nlayout: post\n---\n正文",
        ),
        (
            "content/blank-before.md",
            "\n\n+++\ntitle = \"前置空行\"\ndate = 2024-03-17\n+++\n正文",
        ),
        (
            "content/crlf-bom.md",
            "\u{feff}---\r\ntitle: CRLF 与 BOM\r\ndate: 2024-03-18\r\norder: 08\r\npublished_on: no\r\n---\r\n正文\r\n",
        ),
        (
            "content/2024-06-01_no-front.md",
            "# 没有前言的文章\n\n正文从这里开始。\n",
        ),
        (
            "content/path-key.md",
            "---\ntitle: 路径日期\npath: 2016/09/29/Rust-1.12\n---\n正文",
        ),
    ];
    let dir = site(MINIMAL_CONFIG, files);
    let out = build_ok(dir.path(), &[]);
    for page in [
        "2024/03/toml-native/index.html",
        "2024/03/yaml-hexo/index.html",
        "2024/03/jekyll/index.html",
        "2015/09/no-pad/index.html",
        "2025/09/slashes/index.html",
        "2019/06/zulu/index.html",
        "2024/03/date-only/index.html",
        "2024/05/from-name/index.html",
        "2024/03/zola/index.html",
        "2024/03/hexo-bare/index.html",
        "2024/03/blank-before/index.html",
        "2024/03/crlf-bom/index.html",
        "2024/06/no-front/index.html",
        // Zola's `path` is the page's URL, as written.
        "2016/09/29/Rust-1.12/index.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    assert!(out.join("tags/rust/index.html").is_file());
    assert!(out.join("categories/开源/index.html").is_file());
    assert!(out.join("categories/人工智能/index.html").is_file());
    let no_front = read(&out, "2024/06/no-front/index.html");
    assert!(no_front.contains("<h1>没有前言的文章</h1>"));
    // A date with its own offset is the same instant, shown in the site's time zone.
    assert!(read(&out, "2019/06/zulu/index.html").contains("2019-06-04T18:20:00+08:00"));
}

#[test]
fn bad_files_are_all_reported_with_path_and_line() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/good.md",
                &article("好文章", "2024-01-01T00:00:00+08:00", &[], &[], "x"),
            ),
            (
                "content/no-title.md",
                "+++\ndate = 2024-01-01\n+++\n正文没有标题也没有一级标题",
            ),
            (
                "content/bad-date.md",
                "+++\ntitle = \"坏日期\"\ndate = \"2024-13-45\"\n+++\nx",
            ),
            (
                "content/bad-toml.md",
                "+++\ntitle = \"语法\"\ndate = 2024-01-01\ntags = [\"a\"\n+++\nx",
            ),
        ],
    );
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/bad-date.md:3:"), "{err}");
    assert!(err.contains("content/bad-toml.md:"), "{err}");
    assert!(
        err.contains("content/no-title.md:1:1: warning: the article has no `title`"),
        "{err}"
    );
    assert!(err.contains("2 files have errors (1 warning)"), "{err}");
}

#[test]
fn two_articles_whose_slugs_want_one_url_are_a_warning_naming_both() {
    let slugged = |title: &str, day: u32| {
        format!("+++\ntitle = \"{title}\"\ndate = 2024-03-0{day}\nslug = \"grok\"\n+++\nx\n")
    };
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/资讯/grok.md", &slugged("甲", 1)),
            ("content/评论/grok.md", &slugged("乙", 2)),
        ],
    );
    let out = build(dir.path(), &[]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains("content/资讯/grok.md") && err.contains("content/评论/grok.md"),
        "{err}"
    );
    assert!(err.contains("/2024/03/grok/"), "{err}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = news_site();
    let out = build_ok(dir.path(), &[]);
    let before = tree(&out);
    write(
        dir.path(),
        "content/broken.md",
        "+++\ntitle = \"坏\"\ndate = \"not a date\"\n+++\n",
    );
    assert!(!build(dir.path(), &[]).status.success());
    assert_eq!(tree(&out), before);
}

#[test]
fn a_folder_with_only_config_and_content_uses_the_built_in_theme() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("主题", "2024-01-01T00:00:00+08:00", &[], &[], "x"),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    assert!(out.join("css/style.css").is_file());
    assert!(read(&out, "2024/01/a/index.html").contains("<h1>主题</h1>"));
}

#[test]
fn a_site_template_overrides_the_built_in_one() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("覆盖", "2024-01-01T00:00:00+08:00", &[], &[], "x"),
        )],
    );
    write(
        dir.path(),
        "templates/article.html",
        "<p class=\"mine\">{{ page.title }}</p>",
    );
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        read(&out, "2024/01/a/index.html"),
        "<p class=\"mine\">覆盖</p>"
    );
    assert!(
        read(&out, "index.html").contains("覆盖"),
        "other templates stay built-in"
    );
}

#[test]
fn config_errors_name_the_key() {
    let dir = site(
        "title = \"x\"\nbase_url = \"https://a.com\"\npaginte_by = 3\n",
        &[],
    );
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:3:") && err.contains("paginte_by"),
        "{err}"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = news_site();
    let run = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        let status = sitegen()
            .args(["build", "-q", "-r"])
            .arg(dir.path())
            .arg("-o")
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .status()
            .expect("run");
        assert!(status.success());
        tree(&out)
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let dir = news_site();
    let out = build_ok(dir.path(), &["--base-url", "https://u.github.io/portal/"]);
    assert!(
        broken_links(&out, "/portal/").is_empty(),
        "{:?}",
        broken_links(&out, "/portal/")
    );
    assert!(read(&out, "index.html").contains("href=\"/portal/css/style."));
}

#[test]
fn the_demo_site_builds_and_every_internal_link_resolves() {
    let (_dir, out) = build_demo(&[]);
    let articles = html_files(&out)
        .into_iter()
        .filter(|p| {
            p.components()
                .next()
                .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("20"))
        })
        .count();
    assert!(articles >= 30, "only {articles} article pages");
    assert!(
        broken_links(&out, "/").is_empty(),
        "{:?}",
        broken_links(&out, "/")
    );
    let home = read(&out, "index.html");
    assert!(home.contains("京ICP备"), "footer shows the ICP number");
}

#[test]
fn cjk_spacing_is_applied_to_article_text_only_when_asked() {
    let body = "马斯克宣布xAI开源Grok模型。\n\n`代码a`不变。\n";
    let files = [(
        "content/a.md",
        article("标题AI", "2024-01-01T00:00:00+08:00", &[], &[], body),
    )];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let plain = site(MINIMAL_CONFIG, &refs);
    let out = build_ok(plain.path(), &[]);
    assert!(read(&out, "2024/01/a/index.html").contains("马斯克宣布xAI开源Grok模型"));
    let spaced = site(&format!("{MINIMAL_CONFIG}cjk_spacing = true\n"), &refs);
    let out = build_ok(spaced.path(), &[]);
    let html = read(&out, "2024/01/a/index.html");
    assert!(html.contains("马斯克宣布 xAI 开源 Grok 模型"), "{html}");
    assert!(html.contains("<code>代码a</code>"), "{html}");
}

#[test]
fn the_demo_site_under_a_path_keeps_every_link_working() {
    let (_dir, out) = build_demo(&["--base-url", "https://u.github.io/portal/"]);
    // Includes links writers put in article bodies as `/2024/03/…/`.
    let broken = broken_links(&out, "/portal/");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn hidden_files_in_content_are_not_articles_but_static_well_known_is_published() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/a.md",
                &article("甲", "2024-03-01T00:00:00+08:00", &[], &[], "正文"),
            ),
            // An editor's workspace and lock file: not articles (no date, no title), and
            // Hugo, Zola, Hexo and Jekyll all skip them.
            ("content/.obsidian/workspace.md", "not an article\n"),
            ("content/资讯/.#a.md", "root@host.1234:1700000000"),
            (
                "static/.well-known/security.txt",
                "Contact: mailto:sec@example.com\n",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let stderr_text = stderr(&build(dir.path(), &[]));
    assert!(!stderr_text.contains("warning"), "{stderr_text}");
    assert!(out.join("2024/03/a/index.html").is_file());
    assert!(!out.join("workspace").exists());
    assert_eq!(
        read(&out, ".well-known/security.txt"),
        "Contact: mailto:sec@example.com\n"
    );
    let pages: Vec<_> = html_files(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("workspace") || p.to_string_lossy().contains(".#"))
        .collect();
    assert!(pages.is_empty(), "{pages:?}");
}
