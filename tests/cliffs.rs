//! Sites with one very long article or very many static files build in time and memory
//! proportional to what they add (issue 19, goal 5). What makes them cheap — a long body
//! parsed in parts, static files copied by the kernel and not again when unchanged — must
//! change nothing a reader sees.

mod common;

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;

/// About 700 KB of Markdown of most kinds (sitegen parses 256 KB at a time): sections with
/// lists, quotes, tables, fences with blank lines inside, HTML blocks, setext headings,
/// Chinese emphasis and line breaks, formulas, and a `<!--more-->`.
fn long_body() -> String {
    let mut body = String::from("导语：长文的第一段。\n\n<!--more-->\n\n");
    for i in 0..400 {
        body.push_str(&format!(
            "## 第{i}节\n\n正文**注意：**这里是第{i}节，价格从$30降到$20，公式 $x^{i}$。\n\
             第二行紧接着第一行……\n\n- 甲{i}\n- 乙\n\n  续写\n\n> 引用{i}\n> 第二行\n\n\
             | 列 | 值 |\n|---|---|\n| {i} | 二 |\n\n小标题{i}\n---\n\n\
             <div class=\"note\">\n说明{i}\n</div>\n\n\
             ```text\n代码{i}\n\n不缩进的行\n```\n\n{}\n\n",
            "这是一个很长的段落，用来凑够篇幅。".repeat(40)
        ));
    }
    body
}

fn page_of(out: &Path, slug: &str) -> String {
    let page = html_files(out)
        .into_iter()
        .find(|p| p.to_string_lossy().contains(slug))
        .unwrap_or_else(|| panic!("no page for {slug}"));
    read(out, &page.to_string_lossy())
}

#[test]
fn a_long_article_renders_as_when_parsed_whole() {
    let body = long_body();
    let article = |body: &str| article("长文", "2024-03-01T08:00:00+08:00", &["测试"], &[], body);
    let parts = site(
        MINIMAL_CONFIG,
        &[("content/posts/long-read.md", &article(&body))],
    );
    // A link reference definition anywhere makes sitegen parse the body whole (it may be
    // used anywhere); unused, it renders as nothing.
    let whole = site(
        MINIMAL_CONFIG,
        &[(
            "content/posts/long-read.md",
            &article(&format!("{body}\n[未用]: /unused/\n")),
        )],
    );
    let (parts_out, whole_out) = (build_ok(parts.path(), &[]), build_ok(whole.path(), &[]));
    let (a, b) = (
        page_of(&parts_out, "long-read"),
        page_of(&whole_out, "long-read"),
    );
    assert!(a.len() > 700_000, "{}", a.len());
    assert_eq!(prose(&a), prose(&b));
    assert!(prose(&a).contains("<h2 id=\"第399节\">"));
    assert_eq!(prose(&a).matches("<table>").count(), 400);
    // The listing's summary is the part before the marker.
    let home = read(&parts_out, "index.html");
    assert!(home.contains("导语：长文的第一段。"), "{home}");
    assert!(!home.contains("第0节"));
}

fn set_mtime(path: &Path, at: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(at)
        .expect("set mtime");
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .expect("metadata")
        .modified()
        .expect("mtime")
}

#[test]
fn static_files_are_copied_again_only_when_they_changed() {
    let site = site(
        MINIMAL_CONFIG,
        &[
            ("static/keep.txt", "不变的文件"),
            ("static/deep/er/edit.txt", "旧内容"),
            ("static/gone.txt", "将被删除"),
        ],
    );
    let root = site.path();
    let out = build_ok(root, &[]);
    assert_eq!(read(&out, "deep/er/edit.txt"), "旧内容");
    // A copy carries its source's modification time, as Hugo's do: the mark that lets a
    // later build leave it alone.
    assert_eq!(
        modified(&out.join("keep.txt")),
        modified(&root.join("static/keep.txt"))
    );
    // Nor is it hashed (reading every byte was the cost): `-` in the output's manifest.
    let manifest = read(&out, ".sitegen-output");
    assert!(
        manifest
            .lines()
            .any(|l| l.starts_with("- ") && l.ends_with(" keep.txt")),
        "{manifest}"
    );

    // The second build writes into a folder of its own; the third into the first's.
    build_ok(root, &[]);
    let kept = fs::metadata(root.join(".public.sitegen-old/keep.txt"))
        .expect("the first build's copy")
        .ino();
    let edited = root.join("static/deep/er/edit.txt");
    fs::write(&edited, "新内容").expect("edit");
    set_mtime(&edited, SystemTime::now() + Duration::from_secs(5));
    fs::remove_file(root.join("static/gone.txt")).expect("remove");
    build_ok(root, &[]);
    assert_eq!(read(&out, "deep/er/edit.txt"), "新内容");
    assert!(!out.join("gone.txt").exists());
    assert_eq!(read(&out, "keep.txt"), "不变的文件");
    assert_eq!(
        fs::metadata(out.join("keep.txt")).expect("keep.txt").ino(),
        kept,
        "an unchanged file is left as it was"
    );
}

#[test]
fn thousands_of_static_files_are_all_published() {
    let site = site(MINIMAL_CONFIG, &[]);
    let root = site.path();
    for i in 0..3000 {
        write(
            root,
            &format!("static/files/{:02}/{i:05}.txt", i % 30),
            &format!("第{i}个文件\n"),
        );
    }
    let out = build_ok(root, &[]);
    for i in (0..3000).step_by(7) {
        assert_eq!(
            read(&out, &format!("files/{:02}/{i:05}.txt", i % 30)),
            format!("第{i}个文件\n")
        );
    }
    let copied = walkdir::WalkDir::new(out.join("files"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(copied, 3000);
}
