//! Migration: archives written for Hugo, Zola, Hexo and Jekyll build unchanged (issue 12).

mod common;

use common::{MINIMAL_CONFIG, build_ok, site};

/// `ignore` globs (Hugo's `ignoreFiles`, Zola's `ignored_content`) keep files out of the
/// site without a warning: a pattern without `/` names a file or folder at any depth, one
/// with `/` a path under content/.
#[test]
fn ignored_content_is_not_published() {
    let config = format!("{MINIMAL_CONFIG}ignore = [\"*.bak.md\", \"草稿箱\", \"资讯/2019/**\"]\n");
    let article = |title: &str| {
        format!("---\ntitle: {title}\ndate: 2024-03-01 09:00\nslug: {title}\n---\n正文。\n")
    };
    let dir = site(
        &config,
        &[
            ("content/资讯/留下.md", &article("留下")),
            ("content/资讯/旧稿.bak.md", &article("旧稿")),
            ("content/资讯/草稿箱/半成品.md", &article("半成品")),
            ("content/资讯/2019/往年.md", &article("往年")),
        ],
    );
    let out = build_ok(dir.path(), &["--strict"]);
    assert!(out.join("2024/03/留下/index.html").is_file());
    for gone in ["旧稿", "半成品", "往年"] {
        assert!(
            !out.join(format!("2024/03/{gone}")).exists(),
            "{gone} was published"
        );
    }
}

/// The header links a few sections, never one per folder: an archive with many folders
/// gets its largest eight, and `_index.md` files with a `weight` choose and order them.
#[test]
fn header_navigation_stays_short() {
    let article = |n: usize| {
        format!("---\ntitle: 第{n}篇\ndate: 2024-03-01 09:00\nslug: a{n}\n---\n正文。\n")
    };
    let mut files: Vec<(String, String)> = Vec::new();
    for folder in 0..12 {
        for n in 0..=folder {
            files.push((
                format!("content/栏目{folder:02}/{n}.md"),
                article(folder * 100 + n),
            ));
        }
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = site(
        &format!("{MINIMAL_CONFIG}permalink = \"/:section/:slug/\"\n"),
        &borrowed,
    );
    let out = build_ok(dir.path(), &[]);
    let nav = header_nav(&common::read(&out, "index.html"));
    let expected: Vec<String> = (4..12).map(|f| format!("栏目{f:02}")).collect();
    assert_eq!(nav, expected);

    common::write(
        dir.path(),
        "content/栏目01/_index.md",
        "---\ntitle: 快讯\nweight: 2\n---\n",
    );
    common::write(
        dir.path(),
        "content/栏目07/_index.md",
        "---\ntitle: 深度\nweight: 1\n---\n",
    );
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        header_nav(&common::read(&out, "index.html")),
        ["深度", "快讯"]
    );
}

/// The section names in the header (between 首页 and 标签).
fn header_nav(html: &str) -> Vec<String> {
    let nav = html
        .split("class=\"site-nav\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_default();
    nav.split("<a href=")
        .skip(1)
        .filter_map(|a| a.split('>').nth(1)?.split('<').next())
        .map(str::to_string)
        .filter(|name| !["首页", "标签", "分类", "归档"].contains(&name.as_str()))
        .collect()
}
