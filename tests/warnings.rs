//! Warnings: content the source generators accept but that deserves a look. A warning is
//! printed as `path:line:col: warning: …` by build, check and serve alike, counted in the
//! summary, and `--strict` (or `strict = true` in config.toml) makes it an error.

mod common;

use common::server::{get, serve};
use common::{MINIMAL_CONFIG, build, read, site, sitegen, stderr};
use tempfile::TempDir;

const WARNING: &str = "content/资讯/untitled.md:1:1: warning: the article has no `title`";

/// A good article, and one whose front matter has no title but whose body opens with a
/// heading: Hugo and Hexo build it (with an empty title); sitegen takes the heading.
fn untitled_site(config: &str) -> TempDir {
    site(
        config,
        &[
            (
                "content/资讯/good.md",
                "+++\ntitle = \"好文章\"\ndate = 2024-03-01T09:00:00+08:00\n+++\n正文\n",
            ),
            (
                "content/资讯/untitled.md",
                "---\ndate: 2024-03-02 09:00\ntags: [开源]\n---\n\n星舰第五次试飞\n==========\n\n导语正文。\n\n## 细节\n\n更多。\n",
            ),
        ],
    )
}

#[test]
fn build_prints_and_counts_warnings_and_uses_the_heading() {
    let dir = untitled_site(MINIMAL_CONFIG);
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(WARNING), "{err}");
    assert!(err.contains("its first heading is used"), "{err}");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("with 1 warning"), "{summary}");

    let page = read(&dir.path().join("public"), "2024/03/untitled/index.html");
    assert!(
        page.contains("<title>星舰第五次试飞"),
        "title from the heading"
    );
    assert!(
        !page.contains("id=\"星舰第五次试飞\""),
        "the lifted heading is not repeated in the body: {page}"
    );
    assert!(page.contains("<h2 id=\"细节\">"), "later headings stay");
}

#[test]
fn a_clean_build_says_nothing_about_warnings() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            "+++\ntitle = \"甲\"\ndate = 2024-03-01\n+++\n正文\n",
        )],
    );
    let out = build(dir.path(), &[]);
    assert!(out.status.success());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning"));
}

#[test]
fn strict_turns_warnings_into_errors_and_keeps_the_old_output() {
    let dir = untitled_site(MINIMAL_CONFIG);
    let out = build(dir.path(), &["--strict"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "--strict must fail: {err}");
    assert!(
        err.contains("content/资讯/untitled.md:1:1: error: the article has no `title`"),
        "{err}"
    );
    assert!(err.contains("1 file has errors"), "{err}");
    assert!(!dir.path().join("public").exists(), "nothing is written");

    let config = format!("{MINIMAL_CONFIG}strict = true\n");
    let dir = untitled_site(&config);
    let out = build(dir.path(), &[]);
    assert!(!out.status.success(), "strict = true must fail");
    assert!(stderr(&out).contains("error: the article has no `title`"));
}

#[test]
fn check_shows_warnings_and_strict_fails_it() {
    let dir = untitled_site(MINIMAL_CONFIG);
    let check = |extra: &[&str]| {
        sitegen()
            .args(["check", "-r"])
            .arg(dir.path())
            .args(extra)
            .output()
            .expect("run sitegen check")
    };
    let out = check(&[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(WARNING), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("with 1 warning"));

    let out = check(&["--strict"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("error: the article has no `title`"));
}

#[test]
fn serve_shows_warnings_and_strict_shows_them_as_errors() {
    let dir = untitled_site(MINIMAL_CONFIG);
    // Printed during the first build, before the URL; stderr and stdout are read apart,
    // so the line may still be on its way.
    let said = |server: &common::server::Server, text: &str| {
        server.output().contains(text) || server.wait_for_line(|l| l.contains(text))
    };
    let server = serve(dir.path(), &[]);
    assert!(said(&server, WARNING), "{}", server.output());
    assert_eq!(get(&server.addr, "/").status, 200);
    drop(server);

    let server = serve(dir.path(), &["--strict"]);
    let error = "error: the article has no `title`";
    assert!(said(&server, error), "{}", server.output());
    let home = get(&server.addr, "/");
    assert_eq!(home.status, 503);
    assert!(
        home.text().contains("the article has no `title`"),
        "{}",
        home.text()
    );
}

#[test]
fn a_repeated_yaml_key_warns_at_the_last_one_which_wins() {
    // Jekyll (Ruby's YAML) builds this with the last title; so does sitegen, and says so.
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/twice.md",
            "---\ntitle: 初稿标题\ndate: 2024-03-02 09:00\ntitle: 终稿标题\n---\n正文\n",
        )],
    );
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "content/twice.md:4:1: warning: `title` is set more than once: the last value is used"
        ),
        "{err}"
    );
    let page = read(&dir.path().join("public"), "2024/03/twice/index.html");
    assert!(page.contains("<h1>终稿标题</h1>"), "{page}");

    let out = build(dir.path(), &["--strict"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("content/twice.md:4:1: error: `title` is set more than once"));
}
