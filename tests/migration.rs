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
