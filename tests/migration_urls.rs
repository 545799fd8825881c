//! Migration: the URLs, dates and slugs an archive written for Hugo, Hexo, Jekyll or Zola
//! carries build unchanged. Each test builds a real site in a temp folder with the real
//! binary and looks at the files written.

mod common;

use std::path::Path;

use common::server::{get, serve};
use common::{MINIMAL_CONFIG, build, build_ok, read, site, stderr, write};

fn exists(out: &Path, rel: &str) -> bool {
    out.join(rel).is_file()
}

/// Every `.html` file written, relative to the output folder, with `/`.
fn written(out: &Path) -> Vec<String> {
    common::html_files(out)
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn assert_page(out: &Path, rel: &str, text: &str) {
    assert!(exists(out, rel), "{rel} not written: {:?}", written(out));
    let html = read(out, rel);
    assert!(html.contains(text), "{rel} lacks {text:?}");
}

#[test]
fn every_front_matter_url_key_is_the_page_url() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/hugo.md",
                "+++\ntitle = \"国产大模型开源周报\"\ndate = 2024-03-01\nurl = \"/weekly/open-models/\"\n+++\n本周多家厂商开源了新模型。\n",
            ),
            (
                "content/_posts/hexo.md",
                "---\ntitle: 芯片出口新规解读\ndate: 2024-03-02 10:00:00\npermalink: chips/export-rules.html\n---\n新规自下月起施行。\n",
            ),
            (
                "content/zola.md",
                "+++\ntitle = \"开源数据库融资\"\ndate = 2024-03-03\npath = \"funding/db\"\n+++\n一家开源数据库公司完成新一轮融资。\n",
            ),
            (
                "content/encoded.md",
                "---\ntitle: 编码网址\ndate: 2024-03-04\nurl: /2024/%E8%8A%AF%E7%89%87/\n---\n网址按百分号编码书写。\n",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    assert_page(&out, "weekly/open-models/index.html", "国产大模型开源周报");
    assert_page(&out, "chips/export-rules.html", "芯片出口新规解读");
    assert_page(&out, "funding/db/index.html", "开源数据库融资");
    assert_page(&out, "2024/芯片/index.html", "编码网址");
    // The pattern is not used for them.
    assert!(!exists(&out, "2024/03/hugo/index.html"));
    assert!(!exists(&out, "2024/03/zola/index.html"));
}

#[test]
fn jekyll_permalink_placeholders_are_filled() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/_posts/2024-03-08-gpu-prices.md",
            "---\ntitle: 显卡价格回落\ndate: 2024-03-08 09:00\ncategories: [硬件, GPU]\npermalink: /:categories/:year/:month/:day/:title/\n---\n二手显卡价格连续三周下跌。\n",
        )],
    );
    let out = build_ok(dir.path(), &[]);
    assert_page(
        &out,
        "硬件/gpu/2024/03/08/gpu-prices/index.html",
        "显卡价格回落",
    );
}

#[test]
fn config_patterns_take_the_peers_tokens() {
    let files = [
        (
            "content/_posts/2024/2024-03-08-quantum.md",
            "---\ntitle: 量子计算新突破\ndate: 2024-03-08 09:05:07\ncategories: [科学]\n---\n研究团队实现新的纠错方案。\n",
        ),
        (
            "content/_posts/robots.md",
            "---\ntitle: 人形机器人量产\ndate: 2024-04-01 18:30:00\n---\n多家厂商公布量产计划。\n",
        ),
    ];
    // Hexo's default pattern: `:title` is the path under `_posts/`, no date prefix.
    let hexo = site(
        &format!("{MINIMAL_CONFIG}permalink = \":year/:month/:day/:title/\"\n"),
        &files,
    );
    let out = build_ok(hexo.path(), &[]);
    assert_page(&out, "2024/03/08/2024/quantum/index.html", "量子计算新突破");
    assert_page(&out, "2024/04/01/robots/index.html", "人形机器人量产");

    let tokens = site(
        &format!(
            "{MINIMAL_CONFIG}permalink = \"/:category/:i_month-:i_day/:hour:minute/:name.html\"\n"
        ),
        &files,
    );
    let out = build_ok(tokens.path(), &[]);
    assert_page(&out, "科学/3-8/0905/quantum.html", "量子计算新突破");
    assert_page(&out, "uncategorized/4-1/1830/robots.html", "人形机器人量产");

    // Hugo's reading of `:title`, chosen in config; `:sections` is every folder but
    // Hexo's and Jekyll's `_posts/`, which adds no URL segment.
    let hugo = site(
        &format!(
            "{MINIMAL_CONFIG}permalink = \"/:sections/:title/\"\npermalink_title = \"title\"\n"
        ),
        &files,
    );
    let out = build_ok(hugo.path(), &[]);
    assert_page(&out, "2024/量子计算新突破/index.html", "量子计算新突破");

    let jekyll = site(
        &format!(
            "{MINIMAL_CONFIG}permalink = \"/:categories/:year/:month/:day/:title:output_ext\"\n"
        ),
        &files,
    );
    let out = build_ok(jekyll.path(), &[]);
    assert_page(&out, "科学/2024/03/08/2024/quantum.html", "量子计算新突破");
    assert_page(&out, "2024/04/01/robots.html", "人形机器人量产");
}

#[test]
fn an_unknown_pattern_token_is_a_config_error() {
    let dir = site(
        &format!("{MINIMAL_CONFIG}permalink = \"/:yaer/:slug/\"\n"),
        &[],
    );
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:3") && err.contains("`:yaer`"),
        "{err}"
    );
}

#[test]
fn aliases_are_files_or_folders_and_relative_ones_sit_beside_the_page() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/资讯/ev.md",
            "+++\ntitle = \"新能源车降价潮\"\ndate = 2024-03-08\naliases = [\"/old/ev.html\", \"/legacy/ev\", \"ev-price\", \"../../2023/ev-old.html\"]\n+++\n多家车企宣布降价。\n",
        )],
    );
    let out = build_ok(dir.path(), &[]);
    assert_page(&out, "2024/03/ev/index.html", "新能源车降价潮");
    let target = "/2024/03/ev/";
    assert_page(&out, "old/ev.html", target);
    assert_page(&out, "legacy/ev/index.html", target);
    // Relative: beside the page's own URL, as Hugo resolves them.
    assert_page(&out, "2024/03/ev-price/index.html", target);
    assert_page(&out, "2023/ev-old.html", target);
}

#[test]
fn the_same_file_name_in_two_folders_gets_two_urls() {
    let text = |title: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2024-03-08\n+++\n{title}的正文。\n")
    };
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/资讯/weekly.md", &text("资讯周报")),
            ("content/评论/weekly.md", &text("评论周报")),
            ("content/深度/weekly.md", &text("深度周报")),
        ],
    );
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let public = dir.path().join("public");
    // Source paths in byte order: 深度 < 评论 < 资讯 (U+6DF1 < U+8BC4 < U+8D44).
    assert_page(&public, "2024/03/weekly/index.html", "深度周报");
    assert_page(&public, "2024/03/weekly-2/index.html", "评论周报");
    assert_page(&public, "2024/03/weekly-3/index.html", "资讯周报");
}

#[test]
fn serve_gives_the_same_urls_and_keeps_them_across_saves() {
    let text = |title: &str, body: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2024-03-08\n+++\n{body}\n")
    };
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/资讯/weekly.md", &text("资讯周报", "本周要闻。")),
            ("content/评论/weekly.md", &text("评论周报", "本周观点。")),
        ],
    );
    let server = serve(dir.path(), &[]);
    let page = |path: &str| get(&server.addr, path).text();
    assert!(page("/2024/03/weekly/").contains("评论周报"));
    assert!(page("/2024/03/weekly-2/").contains("资讯周报"));
    // A text edit of the article that gave way keeps its URL.
    write(
        dir.path(),
        "content/资讯/weekly.md",
        &text("资讯周报", "本周要闻（更新）。"),
    );
    assert!(
        server.rebuilt_until(|| page("/2024/03/weekly-2/").contains("本周要闻（更新）")),
        "{}",
        server.output()
    );
    assert!(page("/2024/03/weekly/").contains("评论周报"));
    // The one that kept the URL is deleted: the other takes it, as a fresh build gives.
    std::fs::remove_file(dir.path().join("content/评论/weekly.md")).expect("remove");
    assert!(
        server.rebuilt_until(|| page("/2024/03/weekly/").contains("资讯周报")),
        "{}",
        server.output()
    );
}

fn duplicate_site() -> tempfile::TempDir {
    site(
        MINIMAL_CONFIG,
        &[
            (
                "content/b/about.md",
                "+++\ntitle = \"关于我们（旧版）\"\ndate = 2024-01-01\nurl = \"/about/\"\n+++\n旧版介绍。\n",
            ),
            (
                "content/a/about.md",
                "+++\ntitle = \"关于我们\"\ndate = 2024-01-02\nurl = \"/about/\"\n+++\n新版介绍。\n",
            ),
        ],
    )
}

#[test]
fn an_explicit_duplicate_is_a_warning_naming_both() {
    let dir = duplicate_site();
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/b/about.md:1:")
            && err.contains("warning")
            && err.contains("content/a/about.md is published"),
        "{err}"
    );
    let public = dir.path().join("public");
    assert_page(&public, "about/index.html", "新版介绍");
    assert!(
        !written(&public)
            .iter()
            .any(|f| read(&public, f).contains("旧版介绍")),
        "the copy left out was published"
    );
}

#[test]
fn an_explicit_duplicate_fails_a_strict_build() {
    let dir = duplicate_site();
    let out = build(dir.path(), &["--strict"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("content/b/about.md"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_article_url_that_is_a_generated_page_stays_an_error() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            "+++\ntitle = \"搜索\"\ndate = 2024-01-01\nurl = \"/search/\"\n+++\nx\n",
        )],
    );
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("the search page"), "{}", stderr(&out));
}

#[test]
fn dates_come_from_paths_folders_and_file_names() {
    let untitled_dated = |extra: &str| format!("---\ntitle: 无日期稿件\n{extra}---\n正文。\n");
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/from-url.md",
                &untitled_dated("url: inside-news/2020/07/27/chip-fab/\n"),
            ),
            ("content/2021-05-04-launch/index.md", &untitled_dated("")),
            ("content/2022_06_01_robot.md", &untitled_dated("")),
            ("content/2022.06.02-drone.md", &untitled_dated("")),
            ("content/20220603-satellite.md", &untitled_dated("")),
            ("content/20230208.3-芯片简报.md", &untitled_dated("")),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    assert_page(
        &out,
        "inside-news/2020/07/27/chip-fab/index.html",
        "2020-07-27",
    );
    assert_page(&out, "2021/05/launch/index.html", "2021-05-04");
    assert_page(&out, "2022/06/robot/index.html", "2022-06-01");
    assert_page(&out, "2022/06/drone/index.html", "2022-06-02");
    assert_page(&out, "2022/06/satellite/index.html", "2022-06-03");
    assert_page(&out, "2023/02/芯片简报/index.html", "2023-02-08");
}

#[test]
fn a_utc_date_is_shown_in_the_site_time_zone() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/night.md",
            "---\ntitle: 深夜发布会\ndate: 2024-03-31T20:00:00Z\n---\n北京时间次日凌晨发布。\n",
        )],
    );
    let out = build_ok(dir.path(), &[]);
    // 20:00 UTC on 31 March is 04:00 on 1 April in Beijing. The page shows Beijing's
    // time; the URL keeps the date as written, as Hugo and Jekyll fill it, so that old
    // URLs do not move a day.
    let html = read(&out, "2024/03/night/index.html");
    assert!(html.contains("2024-04-01 04:00"), "{html}");
    assert!(html.contains("2024-04-01T04:00:00+08:00"), "{html}");
    assert!(read(&out, "rss.xml").contains("+0800"));
}

#[test]
fn a_short_year_is_read_as_hexo_reads_it_with_a_warning() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/old.md",
            "---\ntitle: 旧稿\ndate: 20-07-27 10:00\n---\n手写的两位年份。\n",
        )],
    );
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/old.md:3:1: warning") && err.contains("2020"),
        "{err}"
    );
    assert!(exists(&dir.path().join("public"), "2020/07/old/index.html"));
}

#[test]
fn punctuation_in_slugs_becomes_a_dash() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/gc.md",
                "+++\ntitle = \"垃圾回收\"\ndate = 2024-03-08\nslug = \"Java-Minor-GC、Major-GC\"\n+++\nx\n",
            ),
            (
                "content/苹果，谷歌｜微软：财报（第一季度）.md",
                "+++\ntitle = \"财报\"\ndate = 2024-03-09\n+++\nx\n",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    assert_page(
        &out,
        "2024/03/java-minor-gc-major-gc/index.html",
        "垃圾回收",
    );
    assert_page(
        &out,
        "2024/03/苹果-谷歌-微软-财报-第一季度/index.html",
        "财报",
    );
}
