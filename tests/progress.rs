//! Progress is for people at a terminal: when stderr is captured (CI logs, these tests),
//! a build's output must be exactly what it was without it, however long the build runs.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// A site big enough that a debug build runs past the one second after which progress
/// would be drawn, so that a wrong terminal check cannot hide behind the delay.
fn slow_site() -> tempfile::TempDir {
    let body = "开源社区今天发布了新版本，性能提升明显。\n\n## 细节\n\n".repeat(40);
    let articles: Vec<(String, String)> = (0..600)
        .map(|i| {
            let tag = format!("标签{}", i % 50);
            let date = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
            let text = article(&format!("第{i}篇新闻"), &date, &[&tag], &["资讯"], &body);
            (format!("content/news/a{i}.md"), text)
        })
        .collect();
    let files: Vec<(&str, &str)> = articles
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    site(MINIMAL_CONFIG, &files)
}

fn assert_no_progress(what: &str, stderr: &str) {
    for word in [
        "loading",
        "rendering",
        "search index",
        "static files",
        "checking links",
    ] {
        assert!(
            !stderr.contains(word),
            "{what}: progress in stderr: {stderr:?}"
        );
    }
    assert!(
        !stderr.contains('\u{1b}'),
        "{what}: escape codes in stderr: {stderr:?}"
    );
}

#[test]
fn a_long_build_with_captured_stderr_prints_no_progress() {
    let dir = slow_site();
    let started = Instant::now();
    let out = sitegen()
        .args(["build", "-r"])
        .arg(dir.path())
        .env("TERM", "xterm-256color")
        .output()
        .expect("run sitegen");
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "a clean build writes nothing to stderr");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("built ") && stdout.lines().count() == 1,
        "only the summary: {stdout:?}"
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    // Too fast a build would prove nothing; say so rather than pass quietly.
    if took < Duration::from_secs(1) {
        eprintln!("note: the build took {took:?}, under the progress delay");
    }
}

#[test]
fn check_and_a_failing_build_print_only_their_report() {
    let dir = slow_site();
    let out = sitegen()
        .args(["check", "-r"])
        .arg(dir.path())
        .env("TERM", "xterm-256color")
        .output()
        .expect("run sitegen");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_progress("check", &stderr(&out));

    write(dir.path(), "content/news/bad.md", "+++\ntitle = \n+++\n");
    let out = build(dir.path(), &[]);
    assert!(!out.status.success());
    let errors = stderr(&out);
    assert!(errors.contains("bad.md"), "{errors}");
    assert_no_progress("failed build", &errors);
}
