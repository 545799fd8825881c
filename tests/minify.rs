//! `sitegen build --minify`: the same site, smaller, still well-formed, every link intact.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const TITLE: &str = "xAI 开源 Grok-1：3140 亿参数模型权重全部公开";

/// A small news site; `body_links` adds root-relative links in an article body, which
/// only a site at the domain root resolves.
fn news_site(body_links: bool) -> tempfile::TempDir {
    let mut body = "马斯克旗下的 xAI 公布了 Grok-1 的权重。\n\n<!--more-->\n\n## 开源之争\n\n\
                | 模型 | 参数 |\n|---|---|\n| Grok-1 | 3140 亿 |\n\n\
                ```rust\nfn main() {\n    println!(\"  空格要保留  \");\n}\n```\n\n"
        .to_string();
    if body_links {
        body.push_str("见[上一篇](/2024/03/copilot/)与[标签页](/tags/开源/)。\n");
    }
    site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/grok.md",
                &article(
                    TITLE,
                    "2024-03-18T09:30:00+08:00",
                    &["马斯克", "开源"],
                    &["人工智能"],
                    &body,
                ),
            ),
            (
                "content/资讯/copilot.md",
                &article(
                    "微软 Copilot 接入 Office",
                    "2024-03-02T10:00:00+08:00",
                    &["微软", "开源"],
                    &["人工智能"],
                    "Copilot 进驻 Office 全家桶。",
                ),
            ),
            (
                "content/评论/script-trap.md",
                &article(
                    "AI 助手的 <script> 陷阱 & \"防御\"",
                    "2024-03-05T08:00:00+08:00",
                    &["安全"],
                    &["人工智能"],
                    "正文里写 `<script>alert(1)</script>` 也只是文字。",
                ),
            ),
            (
                "static/css/extra.css",
                "/* 站点自己的样式 */\n.note {\n  color : #ff0000 ;\n  margin : 0px 0px 0px 0px;\n}\n",
            ),
            (
                "static/js/extra.js",
                "// 站点自己的脚本\nfunction shout(text) {\n  const louder = text + '！';\n  return louder;\n}\n",
            ),
        ],
    )
}

/// Builds `root` into `out` with the fixed "now" the other tests use.
fn build_into(root: &Path, out: &Path, args: &[&str]) -> Output {
    sitegen()
        .arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen")
}

fn build_into_ok(root: &Path, out: &Path, args: &[&str]) -> PathBuf {
    let result = build_into(root, out, args);
    assert!(result.status.success(), "build failed: {}", stderr(&result));
    out.to_path_buf()
}

/// Total bytes of the files under `dir` whose extension is one of `exts`.
fn size_of(dir: &Path, exts: &[&str]) -> u64 {
    tree(dir)
        .iter()
        .filter(|(p, _)| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .map(|(_, bytes)| bytes.len() as u64)
        .sum()
}

#[test]
fn minified_build_is_smaller_well_formed_and_every_link_resolves() {
    let dir = news_site(true);
    let plain = build_into_ok(dir.path(), &dir.path().join("plain"), &[]);
    let small = build_into_ok(dir.path(), &dir.path().join("small"), &["--minify"]);

    let files = |d: &Path| tree(d).into_iter().map(|(p, _)| p).collect::<Vec<_>>();
    assert_eq!(
        files(&plain),
        files(&small),
        "--minify changes no file names"
    );
    let before = size_of(&plain, &["html", "css", "js"]);
    let after = size_of(&small, &["html", "css", "js"]);
    assert!(after < before, "minified {after} bytes, plain {before}");
    for ext in ["html", "css", "js"] {
        assert!(size_of(&small, &[ext]) < size_of(&plain, &[ext]), "{ext}");
    }

    // The link checker must read minified HTML as it reads the plain build.
    for page in html_files(&plain) {
        let html = read(&plain, page.to_str().unwrap());
        let mut quoted = links(&html);
        let mut any = links_any_quoting(&html);
        quoted.sort();
        any.sort();
        assert_eq!(quoted, any, "{}", page.display());
        assert_eq!(unbalanced_tags(&html), None, "plain {}", page.display());
    }
    assert_eq!(broken_links_any_quoting(&small, "/"), Vec::<String>::new());
    let links_in = |d: &Path| -> usize {
        html_files(d)
            .iter()
            .map(|p| links_any_quoting(&read(d, p.to_str().unwrap())).len())
            .sum()
    };
    assert_eq!(links_in(&plain), links_in(&small), "no link lost");

    for page in html_files(&small) {
        let html = read(&small, page.to_str().unwrap());
        // Alias redirect pages are tiny documents of their own; every page keeps its doctype.
        assert!(html.starts_with("<!doctype html>"), "{}", page.display());
        assert!(html.trim_end().ends_with("</html>"), "{}", page.display());
        assert_eq!(unbalanced_tags(&html), None, "minified {}", page.display());
    }

    // minify-html writes `<title>AI 助手的 <script> 陷阱</title>`: valid, as a title's text
    // ends only at `</title>`; the tag reader above knows that.
    let trap = read(&small, "2024/03/script-trap/index.html");
    assert!(trap.contains("<title>AI 助手的 <script> 陷阱"), "{trap}");
    assert!(
        trap.contains("<code>&lt;script>alert(1)&lt;/script></code>"),
        "{trap}"
    );
    let article = read(&small, "2024/03/grok/index.html");
    assert!(article.contains(TITLE), "{article}");
    assert!(article.contains("<table>") && article.contains("</td></tr>"));
    assert!(
        article.contains("  空格要保留  "),
        "whitespace inside <pre> is kept"
    );
    assert!(
        article.contains("<span class=hl-p>{</span>\n"),
        "code keeps its lines"
    );
    assert!(
        article.contains("application/ld+json"),
        "structured data stays"
    );
}

#[test]
fn feeds_and_sitemaps_are_left_alone_and_assets_are_minified() {
    let dir = news_site(true);
    let plain = build_into_ok(dir.path(), &dir.path().join("plain"), &[]);
    let small = build_into_ok(dir.path(), &dir.path().join("small"), &["--minify"]);
    let by_name = |d: &Path| -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        tree(d).into_iter().collect()
    };
    let (plain_files, small_files) = (by_name(&plain), by_name(&small));
    for (path, bytes) in &plain_files {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let minified = &small_files[path];
        match ext {
            "xml" | "json" | "txt" | "svg" => {
                assert_eq!(bytes, minified, "{} changed", path.display())
            }
            "css" | "js" => assert!(
                minified.len() < bytes.len(),
                "{} not minified",
                path.display()
            ),
            _ => {}
        }
        if ext == "xml" {
            let text = String::from_utf8(minified.clone()).unwrap();
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let css = read(&small, "css/extra.css");
    assert!(
        css.contains(".note{") && !css.contains("站点自己的样式"),
        "{css}"
    );
    let js = read(&small, "js/extra.js");
    assert!(js.contains("function shout("), "top-level names stay: {js}");
    assert!(!js.contains("louder"), "{js}");
}

#[test]
fn minified_subpath_build_keeps_every_link_under_the_path() {
    let dir = news_site(false);
    let out = build_into_ok(
        dir.path(),
        &dir.path().join("out"),
        &["--minify", "--base-url", "https://u.github.io/portal/"],
    );
    assert_eq!(
        broken_links_any_quoting(&out, "/portal/"),
        Vec::<String>::new()
    );
    let home = read(&out, "index.html");
    assert!(home.contains("/portal/"), "{home}");
}

#[test]
fn common_tag_reader_handles_every_quoting() {
    let html = "<!doctype html><a href=/a/ class=x>1</a><a href='/b/'>2</a><img src=\"/c.png\" alt>\
                <script>if (a<b) { x = \"<a href=/no/>\"; }</script><svg><path d=M0 /></svg>\
                <!-- <a href=/comment/> --><p>a href=/text/</p>";
    assert_eq!(links_any_quoting(html), ["/a/", "/b/", "/c.png"]);
    assert_eq!(unbalanced_tags(html), None);
    assert!(unbalanced_tags("<div><p></div>").is_some());
}

/// Publish builds reuse the build before last (issue 19): the plain-named stylesheets and
/// scripts, copied and then rewritten minified within one build, stay minified from the
/// third build on, and the side column's fragment stays well formed.
#[test]
fn repeated_minified_builds_keep_plain_named_assets_minified() {
    let dir = news_site(false);
    let out = dir.path().join("small");
    let first = build_into_ok(dir.path(), &out, &["--minify"]);
    let css = read(&first, "css/style.css");
    assert_eq!(
        unbalanced_tags(&read(&first, "side.html")),
        None,
        "minified side.html"
    );
    for round in 2..=4 {
        build_into_ok(dir.path(), &out, &["--minify"]);
        assert_eq!(
            read(&out, "css/style.css"),
            css,
            "build {round}: css/style.css is not the minified one"
        );
    }
}
