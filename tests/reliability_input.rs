//! Issue 13, input side: nothing a site's files say can make sitegen write or read outside
//! the site, overwrite one output with another in silence, or hide one problem behind
//! another. Each test drives the real binary.

mod common;

use std::path::Path;

use common::*;

const DATE: &str = "2024-01-01T00:00:00+08:00";

fn good_article() -> String {
    article("好文章", DATE, &["标签"], &[], "正文")
}

/// A build that must fail: its stderr, after checking the exit code.
fn build_fails(root: &Path, args: &[&str]) -> String {
    let out = build(root, args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected a failed build:\n{err}"
    );
    err
}

fn expect_all(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

/// Every file under `dir` (relative), for "nothing was written there".
fn files_under(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect()
}

// ---- 4. every output path stays inside the output folder -------------------------------

#[test]
fn a_permalink_that_climbs_out_is_a_config_error() {
    let config = format!("{MINIMAL_CONFIG}permalink = \"/../escaped-:slug/\"\n");
    let dir = site(&config, &[("content/grok.md", &good_article())]);
    let err = build_fails(dir.path(), &[]);
    expect_all(&err, &["config.toml:3", "`..`", "hint:"]);
    assert!(!dir.path().join("escaped-grok").exists());
}

#[test]
fn front_matter_urls_cannot_climb_out() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &format!(
                    "+++\ntitle = \"甲\"\ndate = {DATE}\nurl = \"/../../../escaped-a/\"\n+++\nx\n"
                ),
            ),
            (
                "content/b.md",
                "---\ntitle: 乙\ndate: 2024-01-02\npath: ../../escaped-b\n---\nx\n",
            ),
            (
                "content/c.md",
                &format!(
                    "+++\ntitle = \"丙\"\ndate = {DATE}\nslug = \"../../escaped-c\"\n+++\nx\n"
                ),
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    for name in ["escaped-a", "escaped-b", "escaped-c"] {
        assert!(!dir.path().join(name).exists(), "{name} written outside");
    }
    let written = files_under(&out);
    assert!(
        written.iter().any(|f| f.ends_with("escaped-a/index.html")),
        "{written:?}"
    );
    assert!(
        written.iter().any(|f| f.ends_with("escaped-c/index.html")),
        "{written:?}"
    );
}

#[test]
fn an_alias_that_climbs_out_is_an_error_at_the_article() {
    for alias in [
        "/../../escaped/",
        "old/../../../../escaped.html",
        "/a\\\\..\\\\..\\\\escaped/",
    ] {
        let text = format!("+++\ntitle = \"甲\"\ndate = {DATE}\naliases = [\"{alias}\"]\n+++\nx\n");
        let dir = site(MINIMAL_CONFIG, &[("content/a.md", &text)]);
        let err = build_fails(dir.path(), &[]);
        expect_all(&err, &["content/a.md:1", "alias", "hint:"]);
        assert!(!dir.path().join("escaped").exists());
        assert!(!dir.path().join("public").exists(), "{alias}: built anyway");
    }
}

#[test]
fn an_alias_of_the_site_root_is_the_home_page_url() {
    let text = format!("+++\ntitle = \"甲\"\ndate = {DATE}\naliases = [\"/\"]\n+++\nx\n");
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &text)]);
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    expect_all(
        &err,
        &["content/a.md:1: warning: the alias / wants the URL of the home page"],
    );
    let home = read(&dir.path().join("public"), "index.html");
    assert!(!home.contains("http-equiv=\"refresh\""), "{home}");
}

#[test]
fn term_and_section_names_cannot_climb_out() {
    let terms = |title: &str| {
        article(
            title,
            DATE,
            &["..", "../../escaped-tag", "."],
            &["../../escaped-cat"],
            "x",
        )
    };
    let dir = site(
        MINIMAL_CONFIG,
        &[
            // A folder whose name starts with `.` is hidden: skipped, as the peers skip it,
            // so its name never becomes a section.
            ("content/..资讯/a.md", &terms("甲")),
            ("content/资讯/b.md", &terms("乙")),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    for name in ["escaped-tag", "escaped-cat", "tags/escaped-tag"] {
        assert!(!dir.path().join(name).exists(), "{name} written outside");
    }
    let written = files_under(&out);
    assert!(written.iter().all(|f| !f.contains("..")), "{written:?}");
    assert!(
        written.iter().any(|f| f == "tags/escaped-tag/index.html"),
        "{written:?}"
    );
    assert!(
        written.iter().any(|f| f.ends_with("/b/index.html")),
        "{written:?}"
    );
    assert!(
        !written.iter().any(|f| f.ends_with("/a/index.html")),
        "the hidden folder's article is not built: {written:?}"
    );
}

// ---- 6. symbolic links out of the site are not followed --------------------------------

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_static_file_linked_from_outside_is_skipped_with_a_warning() {
        let outside = tempfile::tempdir().expect("temp dir");
        write(outside.path(), "secret.txt", "root:x:0:0\n");
        let dir = site(MINIMAL_CONFIG, &[("content/a.md", &good_article())]);
        std::fs::create_dir_all(dir.path().join("static")).expect("mkdir");
        symlink(
            outside.path().join("secret.txt"),
            dir.path().join("static/passwd.txt"),
        )
        .expect("symlink");
        let out = build(dir.path(), &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        expect_all(
            &err,
            &[
                "static/passwd.txt: warning: symbolic link to",
                "outside the site",
                "hint:",
            ],
        );
        assert!(!dir.path().join("public/passwd.txt").exists());
        // --strict turns it into an error, as every warning.
        assert_eq!(build(dir.path(), &["--strict"]).status.code(), Some(1));
    }

    #[test]
    fn a_static_folder_linked_to_a_home_folder_is_not_copied() {
        let home = tempfile::tempdir().expect("temp dir");
        write(home.path(), ".ssh/id_ed25519", "PRIVATE KEY");
        write(home.path(), "notes.txt", "private");
        let dir = site(MINIMAL_CONFIG, &[("content/a.md", &good_article())]);
        std::fs::create_dir_all(dir.path().join("static")).expect("mkdir");
        symlink(home.path(), dir.path().join("static/home")).expect("symlink");
        let out = build(dir.path(), &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        expect_all(&err, &["static/home: warning: symbolic link to"]);
        assert!(!dir.path().join("public/home").exists());
    }

    #[test]
    fn a_content_file_linked_from_outside_is_not_published() {
        let outside = tempfile::tempdir().expect("temp dir");
        write(
            outside.path(),
            "leak.md",
            &article("不该发布", DATE, &[], &[], "外部文件"),
        );
        let dir = site(MINIMAL_CONFIG, &[("content/a.md", &good_article())]);
        symlink(
            outside.path().join("leak.md"),
            dir.path().join("content/leak.md"),
        )
        .expect("symlink");
        let out = build(dir.path(), &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        expect_all(&err, &["content/leak.md: warning: symbolic link to"]);
        let public = dir.path().join("public");
        assert!(
            tree(&public)
                .iter()
                .all(|(_, bytes)| !String::from_utf8_lossy(bytes).contains("不该发布")),
            "the linked article was published"
        );
    }

    #[test]
    fn links_inside_the_site_are_followed() {
        let dir = site(
            MINIMAL_CONFIG,
            &[
                ("shared/logo.txt", "logo"),
                (
                    "drafts/linked.md",
                    &article("站内链接", DATE, &[], &[], "x"),
                ),
            ],
        );
        std::fs::create_dir_all(dir.path().join("static")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        symlink(
            dir.path().join("shared/logo.txt"),
            dir.path().join("static/logo.txt"),
        )
        .expect("symlink");
        symlink(dir.path().join("shared"), dir.path().join("static/shared")).expect("symlink");
        symlink(
            Path::new("../drafts/linked.md"),
            dir.path().join("content/linked.md"),
        )
        .expect("symlink");
        let out = build(dir.path(), &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("symbolic link"), "{err}");
        let public = dir.path().join("public");
        assert_eq!(read(&public, "logo.txt"), "logo");
        assert_eq!(read(&public, "shared/logo.txt"), "logo");
        assert!(
            tree(&public)
                .iter()
                .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("站内链接")),
            "the linked article is missing"
        );
    }
}

// ---- 10. every broken template in one run ----------------------------------------------

#[test]
fn every_broken_template_is_reported_in_one_run() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/a.md", &good_article()),
            (
                "templates/article.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title }\n{% endblock content %}\n",
            ),
            (
                "templates/list.html",
                "{% extends \"base.html\" %}\n{% block content %}\n\n{% for x in %}\n{% endblock content %}\n",
            ),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &["templates/article.html:3:", "templates/list.html:4:"],
    );
}

#[test]
fn a_template_that_includes_itself_names_the_file_and_line() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/a.md", &good_article()),
            (
                "templates/partials/loop.html",
                "<p>\n{% include \"partials/loop.html\" %}\n</p>\n",
            ),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &[
            "templates/partials/loop.html:2:",
            "circular `include`",
            "hint:",
        ],
    );
}

#[test]
fn templates_that_extend_each_other_name_the_file_and_line() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/a.md", &good_article()),
            ("templates/x.html", "{% extends \"y.html\" %}\n"),
            ("templates/y.html", "\n\n{% extends \"x.html\" %}\n"),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(&err, &["templates/y.html:3:", "circular `extends`"]);
}

#[test]
fn a_recursive_component_names_the_template_file() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/a.md", &good_article()),
            (
                "templates/404.html",
                "{% component boom() %}\n<b>{{ <boom /> }}</b>\n{% endcomponent boom %}\n{{ <boom /> }}\n",
            ),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &["templates/404.html:1:", "`boom` calls itself", "hint:"],
    );
}

// ---- 11. URL clashes in the same run as load errors ------------------------------------

#[test]
fn url_clashes_are_reported_with_load_errors() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/bad.md",
                "+++\ntitle = \"坏\"\ndate = 2024-13-45\n+++\nx\n",
            ),
            (
                "content/one.md",
                &format!("+++\ntitle = \"一\"\ndate = {DATE}\nslug = \"same\"\n+++\nx\n"),
            ),
            (
                "content/two.md",
                &format!("+++\ntitle = \"二\"\ndate = {DATE}\nslug = \"same\"\n+++\nx\n"),
            ),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &["content/bad.md:3", "both want the URL /2024/01/same/"],
    );
}

#[test]
fn every_alias_clash_of_an_article_is_a_warning_at_the_alias() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/one.md",
                &format!("+++\ntitle = \"一\"\ndate = {DATE}\nslug = \"one\"\n+++\nx\n"),
            ),
            (
                "content/two.md",
                &format!("+++\ntitle = \"二\"\ndate = {DATE}\nslug = \"two\"\n+++\nx\n"),
            ),
            (
                "content/aliases.md",
                &format!(
                    "+++\ntitle = \"三\"\ndate = {DATE}\naliases = [\"/2024/01/one/\", \"/2024/01/two/\", \"/tags/\"]\n+++\nx\n"
                ),
            ),
        ],
    );
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for (url, page) in [
        ("/2024/01/one/", "the article content/one.md"),
        ("/2024/01/two/", "the article content/two.md"),
        ("/tags/", "the tag index"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("alias {url} wants the URL of {page}")))
            .unwrap_or_else(|| panic!("no clash for {url} in:\n{err}"));
        assert!(
            line.starts_with("content/aliases.md:1: warning:"),
            "blames the alias: {line}"
        );
    }
}

// ---- 13. static files vs generated files -----------------------------------------------

#[test]
fn a_static_file_at_a_page_or_generated_url_is_an_error_naming_both() {
    for (file, expected) in [
        ("static/index.html", "the home listing"),
        ("static/tags/index.html", "the tag index"),
        ("static/rss.xml", "a file sitegen generates"),
        ("static/sitemap.xml", "a file sitegen generates"),
        ("static/.sitegen-output", "marker"),
    ] {
        let dir = site(
            MINIMAL_CONFIG,
            &[("content/a.md", &good_article()), (file, "static")],
        );
        let err = build_fails(dir.path(), &[]);
        expect_all(&err, &[file, expected, "hint:"]);
    }
}

/// Generated files reach the output folder as they are made, before the clash check: a
/// clash must still leave the published output as it was, and the next good build whole.
#[test]
fn a_generated_file_clash_leaves_the_previous_output_and_the_next_build_whole() {
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &good_article())]);
    let out = build_ok(dir.path(), &[]);
    let feed = std::fs::read_to_string(out.join("rss.xml")).expect("the feed");
    assert!(feed.contains("<rss"), "{feed}");

    write(dir.path(), "static/rss.xml", "static");
    let err = build_fails(dir.path(), &[]);
    expect_all(&err, &["static/rss.xml", "a file sitegen generates"]);
    assert_eq!(
        read(&out, "rss.xml"),
        feed,
        "the published feed was replaced"
    );

    std::fs::remove_file(dir.path().join("static/rss.xml")).expect("remove");
    build_ok(dir.path(), &[]);
    assert_eq!(read(&out, "rss.xml"), feed);
}

/// A build that adds to the last build's search index keeps the files it does not change
/// rather than making or copying them (`src/search/update.rs`): a static file at the path
/// of one of those is still a clash, and the published index stays as it was.
#[test]
fn a_static_file_at_a_kept_search_file_is_a_clash() {
    // 40 articles: the index's first chunk (ids 0-31, the oldest) is full, so the next
    // article goes to the second and the first is kept.
    let dir = site(MINIMAL_CONFIG, &[]);
    for day in 1..=40 {
        let date = format!("2024-01-{:02}T00:00:00+08:00", (day - 1) % 28 + 1);
        let body = format!("第{day}篇");
        write(
            dir.path(),
            &format!("content/a{day}.md"),
            &article(&format!("文章{day}"), &date, &[], &[], &body),
        );
    }
    let out = build_ok(dir.path(), &[]);
    // A second build leaves the first's folder as the spare the next build writes into:
    // the chunk is then already there, and kept rather than copied.
    build_ok(dir.path(), &[]);
    assert!(
        dir.path().join(".sitegen-cache/generated").is_dir(),
        "no search ledger in the cache folder"
    );
    let chunk = "search/docs/0.json";
    let published = read(&out, chunk);
    write(
        dir.path(),
        "content/new.md",
        &article("新文章", "2024-02-01T00:00:00+08:00", &[], &[], "另一篇"),
    );
    write(dir.path(), &format!("static/{chunk}"), "static");
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &[&format!("static/{chunk}"), "a file sitegen generates"],
    );
    assert_eq!(
        read(&out, chunk),
        published,
        "the published chunk was replaced"
    );
}

#[test]
fn an_alias_at_a_static_file_or_the_marker_is_an_error() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("static/old/index.html", "old page"),
            (
                "content/a.md",
                &format!(
                    "+++\ntitle = \"甲\"\ndate = {DATE}\naliases = [\"/old/\", \"/.sitegen-output\"]\n+++\nx\n"
                ),
            ),
        ],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(
        &err,
        &[
            "content/a.md:1",
            "static/old/index.html",
            "/.sitegen-output is the name of the output folder's marker",
        ],
    );
}

// ---- 15. control characters ------------------------------------------------------------

#[test]
fn control_characters_never_reach_the_output() {
    let text = "+++\ntitle = \"标\\u0001题\\u007f\"\ndate = 2024-01-01T00:00:00+08:00\n\
                tags = [\"标\\u0002签\"]\nsummary = \"摘\\u0003要\"\n[extra]\nnote = \"注\\u0004\"\n+++\n\
                正\u{1}文 \u{b}body\u{1b}[31m\n\n[链\u{5}接](/x)\n";
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", text)]);
    let out = build_ok(dir.path(), &[]);
    let files = tree(&out);
    assert!(files.len() > 5);
    for (path, bytes) in files {
        let bad = bytes
            .iter()
            .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f);
        assert!(
            bad.is_none(),
            "{}: control character at byte {bad:?}",
            path.display()
        );
    }
    assert!(read(&out, "tags/标签/index.html").contains("标签"));
    assert!(read(&out, "2024/01/a/index.html").contains("标题"));
}

// ---- 16. base_url must be an absolute http(s) URL --------------------------------------

#[test]
fn a_relative_or_misspelt_base_url_is_an_error_with_a_hint() {
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &good_article())]);
    let err = build_fails(dir.path(), &["--base-url", "/portal/"]);
    expect_all(&err, &["--base-url", "/portal/", "hint:"]);

    let dir = site(
        "title = \"T\"\nbase_url = \"htp:/oops\"\n",
        &[("content/a.md", &good_article())],
    );
    let err = build_fails(dir.path(), &[]);
    expect_all(&err, &["config.toml:2", "htp:/oops", "hint:"]);
}
