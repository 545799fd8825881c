//! `sitegen check`: broken links are reported at their line, good sites pass, nothing is
//! written.

mod common;

use common::*;

#[test]
fn reports_broken_links_and_anchors_at_their_line() {
    let body = "开头。\n\n见[旧文](/2024/03/missing/)与[好文](/2024/03/b/#开源之争)。\n\n坏锚点[这里](/2024/03/b/#不存在)。\n\n![图](/images/none.png)\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &article("甲", "2024-03-01T00:00:00+08:00", &[], &[], body),
            ),
            (
                "content/b.md",
                &article(
                    "乙",
                    "2024-03-02T00:00:00+08:00",
                    &[],
                    &[],
                    "## 开源之争\n\n正文",
                ),
            ),
        ],
    );
    let out = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // The front matter takes lines 1-6, so the body's third line is line 9.
    assert!(
        err.contains("content/a.md:9: error: broken link to /2024/03/missing/"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:11: error: broken link to /2024/03/b/#不存在"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:13: error: broken link to /images/none.png"),
        "{err}"
    );
    assert!(
        !err.contains("#开源之争"),
        "a good anchor is not reported: {err}"
    );
    assert!(!dir.path().join("public").exists(), "check writes nothing");
}

#[test]
fn a_clean_site_passes() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/a.md",
                &article(
                    "甲",
                    "2024-03-01T00:00:00+08:00",
                    &["标签"],
                    &["分类"],
                    "见[乙](../b/)。",
                ),
            ),
            (
                "content/b.md",
                &article("乙", "2024-03-02T00:00:00+08:00", &[], &[], "正文"),
            ),
        ],
    );
    let out = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}
