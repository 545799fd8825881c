//! Migration: the files an archive keeps beside its content (Hexo's post asset folders,
//! Zola's section assets) are published where the source generator put them, and aliases
//! that clash are a warning, not an aborted build. Each test builds a real site in a temp
//! folder with the real binary and looks at the files written.

mod common;

use std::path::Path;

use common::server::{get, serve};
use common::{MINIMAL_CONFIG, build, build_ok, read, site, sitegen, stderr, write};
use percent_encoding::percent_decode_str;

/// `sitegen check -r ROOT ARGS…`.
fn check(root: &Path, args: &[&str]) -> std::process::Output {
    sitegen()
        .arg("check")
        .arg("-r")
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen check")
}

/// The value of every `attr="…"` in `html`.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.split(key.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

/// The file a relative URL on the page in folder `page_dir` (of `out`) points at.
fn relative_target(out: &Path, page_dir: &str, url: &str) -> std::path::PathBuf {
    let decoded = percent_decode_str(url).decode_utf8().expect("utf-8 url");
    out.join(page_dir).join(decoded.as_ref())
}

const CHART: &[u8] = b"\x89PNG chart of chip exports";

fn hexo_post(permalink: Option<&str>) -> String {
    let permalink = permalink.map_or(String::new(), |p| format!("permalink: {p}\n"));
    format!(
        "---\ntitle: 芯片出口数据解读\ndate: 2024-03-11 09:30:00\n{permalink}---\n\
         三月芯片出口同比增长。\n\n\
         {{% asset_img chart.png 出口走势 %}}\n\n\
         ![月度对比](对比.png)\n\n\
         {{% asset_link 报告.pdf 下载完整报告 %}}\n\n\
         [原始数据]({{% asset_path data/出口.csv %}})\n"
    )
}

/// A Hexo site whose post keeps its images, report and data in its asset folder.
fn hexo_site(permalink: Option<&str>) -> tempfile::TempDir {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/_posts/2024-03-11-芯片出口.md",
                &hexo_post(permalink),
            ),
            ("content/_posts/2024-03-11-芯片出口/对比.png", "compare"),
            ("content/_posts/2024-03-11-芯片出口/报告.pdf", "%PDF report"),
            (
                "content/_posts/2024-03-11-芯片出口/data/出口.csv",
                "月份,金额\n",
            ),
            (
                "content/about/index.md",
                "---\ntitle: 关于本站\n---\n科技新闻。\n",
            ),
        ],
    );
    std::fs::write(
        dir.path()
            .join("content/_posts/2024-03-11-芯片出口/chart.png"),
        CHART,
    )
    .expect("write chart");
    dir
}

/// Every relative `src` and `href` of the page at `page` (a file of `out`) resolves to a
/// file written beside it; returns the URLs looked at.
fn assert_assets_resolve(out: &Path, page: &str, page_dir: &str) -> Vec<String> {
    let html = read(out, page);
    let mut urls = attrs(&html, "src");
    urls.extend(attrs(&html, "href"));
    let relative: Vec<String> = urls
        .into_iter()
        .filter(|u| !u.starts_with('/') && !u.contains("://") && !u.starts_with('#'))
        .collect();
    for url in &relative {
        let file = relative_target(out, page_dir, url);
        assert!(
            file.is_file(),
            "{page}: {url} → {} is missing",
            file.display()
        );
    }
    relative
}

#[test]
fn hexo_post_asset_folder_is_published_beside_the_post() {
    let dir = hexo_site(None);
    let out = build_ok(dir.path(), &[]);
    let page = "2024/03/芯片出口/index.html";
    let relative = assert_assets_resolve(&out, page, "2024/03/芯片出口");
    for wanted in ["chart.png", "对比.png", "报告.pdf", "出口.csv"] {
        assert!(
            relative
                .iter()
                .any(|u| percent_decode_str(u).decode_utf8_lossy().ends_with(wanted)),
            "{wanted} not linked: {relative:?}"
        );
    }
    assert_eq!(
        std::fs::read(out.join("2024/03/芯片出口/chart.png")).expect("chart"),
        CHART
    );
    assert!(out.join("2024/03/芯片出口/data/出口.csv").is_file());
    // Not also at its place in `source/`, as Hexo does not publish `_posts/`.
    assert!(!out.join("_posts").exists());
    let checked = check(dir.path(), &[]);
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn hexo_post_written_to_an_html_file_keeps_its_assets_in_its_folder() {
    let dir = hexo_site(Some("chips/export.html"));
    let out = build_ok(dir.path(), &[]);
    assert_assets_resolve(&out, "chips/export.html", "chips");
    assert!(out.join("chips/chart.png").is_file());
    let checked = check(dir.path(), &[]);
    assert!(checked.status.success(), "{}", stderr(&checked));
}

/// A Zola site: a section with its logo beside its `_index.md`, a nested one with a
/// cover, and the home page's `_index.md` with a file of the content root.
fn zola_site() -> tempfile::TempDir {
    let index = |title: &str, body: &str| format!("+++\ntitle = \"{title}\"\n+++\n{body}\n");
    site(
        MINIMAL_CONFIG,
        &[
            ("content/_index.md", &index("科技日报", "![站标](站标.svg)")),
            (
                "content/站标.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/资讯/_index.md",
                &index("资讯", "![栏目标志](logo.svg)"),
            ),
            (
                "content/资讯/logo.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/资讯/深度/_index.md",
                &index("深度", "![封面](封面.png)"),
            ),
            ("content/资讯/深度/封面.png", "cover"),
            (
                "content/资讯/2024-03-11-芯片.md",
                "+++\ntitle = \"芯片出口新规\"\ndate = 2024-03-11\n+++\n新规自下月起施行。\n",
            ),
        ],
    )
}

#[test]
fn zola_section_files_are_published_in_the_section_folder() {
    let dir = zola_site();
    let out = build_ok(dir.path(), &[]);
    assert!(out.join("资讯/logo.svg").is_file());
    assert!(out.join("资讯/深度/封面.png").is_file());
    assert!(out.join("站标.svg").is_file());
    // The listings' bodies link to them by relative URL, and those resolve.
    assert!(!assert_assets_resolve(&out, "资讯/index.html", "资讯").is_empty());
    assert!(!assert_assets_resolve(&out, "资讯/深度/index.html", "资讯/深度").is_empty());
    let checked = check(dir.path(), &[]);
    assert!(checked.status.success(), "{}", stderr(&checked));
}

fn page(title: &str, date: &str, aliases: &[&str], body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nredirect_from:\n{}---\n{body}\n",
        aliases
            .iter()
            .map(|a| format!("  - {a}\n"))
            .collect::<String>()
    )
}

/// Two files of a Jekyll archive both redirect `/conduct/`, as Jekyll's own
/// documentation does.
fn alias_clash_site() -> tempfile::TempDir {
    site(
        MINIMAL_CONFIG,
        &[
            (
                "content/规范/行为准则.md",
                &page(
                    "行为准则",
                    "2024-03-01",
                    &["/conduct/"],
                    "社区行为准则全文。",
                ),
            ),
            (
                "content/规范/conduct.md",
                &page(
                    "准则（简版）",
                    "2024-03-02",
                    &["/conduct/index.html"],
                    "简版准则。",
                ),
            ),
        ],
    )
}

#[test]
fn two_aliases_for_one_url_are_a_warning_naming_both() {
    let dir = alias_clash_site();
    let built = build(dir.path(), &[]);
    let err = stderr(&built);
    assert!(built.status.success(), "{err}");
    // `conduct.md` sorts before `行为准则.md` (byte order): its alias is kept.
    assert!(
        err.contains("content/规范/行为准则.md:1: warning: content/规范/conduct.md and content/规范/行为准则.md both have an alias at /conduct/index.html")
            && err.contains("the one of content/规范/conduct.md is kept"),
        "{err}"
    );
    let redirect = read(&dir.path().join("public"), "conduct/index.html");
    assert!(redirect.contains("准则（简版）"), "{redirect}");
    assert!(!redirect.contains("行为准则<"), "{redirect}");
    // `--strict` makes it an error, and nothing is written.
    std::fs::remove_dir_all(dir.path().join("public")).expect("clean");
    let strict = build(dir.path(), &["--strict"]);
    assert!(!strict.status.success());
    assert!(
        stderr(&strict).contains("content/规范/行为准则.md:1: error: content/规范/conduct.md and"),
        "{}",
        stderr(&strict)
    );
    assert!(!dir.path().join("public/conduct/index.html").exists());
    // check reports the warning too and passes.
    let checked = check(dir.path(), &[]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(stderr(&checked).contains("both have an alias at /conduct/index.html"));
}

#[test]
fn an_alias_never_takes_an_articles_url() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &page(
                    "旧版芯片报道",
                    "2024-03-01",
                    &["/2024/03/chips/"],
                    "旧版正文。",
                ),
            ),
            (
                "content/z.md",
                "---\ntitle: 芯片出口新规\ndate: 2024-03-11\nurl: /2024/03/chips/\n---\n新规正文。\n",
            ),
        ],
    );
    let built = build(dir.path(), &[]);
    let err = stderr(&built);
    assert!(built.status.success(), "{err}");
    assert!(
        err.contains("content/a.md:1: warning: the alias /2024/03/chips/ wants the URL of the article content/z.md: a page always keeps its URL"),
        "{err}"
    );
    let html = read(&dir.path().join("public"), "2024/03/chips/index.html");
    assert!(html.contains("新规正文") && !html.contains("http-equiv=\"refresh\""));
}

#[test]
fn a_page_without_a_title_is_called_a_page() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/联系我们.md",
            "---\nlayout: page\n---\n来稿请寄编辑部。\n",
        )],
    );
    let built = build(dir.path(), &[]);
    let err = stderr(&built);
    assert!(built.status.success(), "{err}");
    assert!(
        err.contains("content/联系我们.md:1:1: warning: the page has no `title`"),
        "{err}"
    );
    assert!(!err.contains("the article has no"), "{err}");
}

#[test]
fn serve_publishes_section_files_and_settles_alias_clashes_as_build_does() {
    let dir = zola_site();
    for (rel, text) in [
        (
            "content/规范/行为准则.md",
            page(
                "行为准则",
                "2024-03-01",
                &["/conduct/"],
                "社区行为准则全文。",
            ),
        ),
        (
            "content/规范/conduct.md",
            page("准则（简版）", "2024-03-02", &["/conduct/"], "简版准则。"),
        ),
    ] {
        write(dir.path(), rel, &text);
    }
    let server = serve(dir.path(), &[]);
    let reply = get(&server.addr, "/%E8%B5%84%E8%AE%AF/logo.svg");
    assert_eq!(reply.status, 200, "{}", server.output());
    assert!(
        get(&server.addr, "/conduct/")
            .text()
            .contains("准则（简版）")
    );
    // The keeper drops its alias: the other file's alias takes the URL, as a fresh build
    // would give.
    write(
        dir.path(),
        "content/规范/conduct.md",
        &page("准则（简版）", "2024-03-02", &[], "简版准则。"),
    );
    assert!(
        server.rebuilt_until(|| get(&server.addr, "/conduct/").text().contains("行为准则")),
        "{}",
        server.output()
    );
}

#[test]
fn an_alias_wanting_a_later_listing_page_stays_an_error() {
    let config = format!("{MINIMAL_CONFIG}paginate_by = 1\n");
    let dir = site(
        &config,
        &[
            (
                "content/资讯/a.md",
                &page("芯片出口新规", "2024-03-01", &["/资讯/page/2/"], "正文。"),
            ),
            (
                "content/资讯/b.md",
                "---\ntitle: 开源周报\ndate: 2024-03-02\n---\n正文。\n",
            ),
        ],
    );
    let built = build(dir.path(), &[]);
    let err = stderr(&built);
    assert!(!built.status.success(), "{err}");
    assert!(
        err.contains("content/资讯/a.md:1: error: two pages want the URL /资讯/page/2/")
            && err.contains("hint: remove or change the alias in `aliases`"),
        "{err}"
    );
}
