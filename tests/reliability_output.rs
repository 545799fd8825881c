//! Issue 13, the output side: concurrent builds, crashes at the swap, output folders that
//! are mount points, paths that leave the output folder, `--force`, a failed build's
//! staging folder, and OS errors that name their article. Every test runs the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

const MARKER: &str = ".sitegen-output";

fn news(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("content/资讯/a{i}.md"),
                article(
                    &format!("新闻 {i}"),
                    "2026-03-01T08:00:00+08:00",
                    &["芯片", "开源"],
                    &["科技"],
                    &format!("正文 {i}。"),
                ),
            )
        })
        .collect()
}

fn site_with(n: usize) -> tempfile::TempDir {
    let files = news(n);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site(MINIMAL_CONFIG, &refs)
}

/// `sitegen build -r ROOT -o OUT` with extra environment, not yet waited for.
fn spawn_build(root: &Path, out: &Path, env: &[(&str, &str)]) -> Child {
    let mut cmd = sitegen();
    cmd.arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("run sitegen")
}

fn wait_for(file: &Path, child: &mut Child) {
    let started = Instant::now();
    while !file.exists() {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("sitegen exited ({status}) before reaching the pause point");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "sitegen never paused"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The files the output's marker lists, and those it holds: a complete tree has both equal.
fn assert_complete(out: &Path) {
    let marker = std::fs::read_to_string(out.join(MARKER)).expect("marker");
    let mut lines = marker.lines();
    assert_eq!(
        lines.next(),
        Some("This folder is written by sitegen build (xxh3-128, inputs, name)."),
        "marker is not complete"
    );
    // Each line is a hash (or `-`), a page's inputs (or `-`) and the file's name.
    let mut listed: Vec<String> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.splitn(3, ' ').nth(2).unwrap_or(l).to_string())
        .collect();
    listed.sort();
    let mut held: Vec<String> = tree(out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    held.sort();
    assert_eq!(listed, held, "the tree differs from its marker");
    assert!(out.join("index.html").is_file(), "no index.html");
}

/// An output written by a sitegen that hashed files with blake3: the next build compares
/// the files themselves (not hashes of another kind), so an edit is published, and its
/// manifest is of the current kind.
#[test]
fn an_output_whose_manifest_has_blake3_hashes_is_rebuilt_right() {
    let root = site_with(3);
    let out = root.path().join("public");
    let build = || {
        let child = spawn_build(root.path(), &out, &[]);
        let done = child.wait_with_output().expect("wait");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    build();
    let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
    let mut lines = marker.lines();
    let mut old = String::from("This folder is written by sitegen build (blake3, inputs, name).\n");
    lines.next();
    for line in lines.filter(|l| !l.is_empty()) {
        let mut parts = line.splitn(3, ' ');
        let (hash, inputs, name) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let hash = match hash {
            "-" => "-".to_string(),
            _ => blake3::hash(&std::fs::read(out.join(name)).unwrap())
                .to_hex()
                .to_string(),
        };
        old.push_str(&format!("{hash} {inputs} {name}\n"));
    }
    std::fs::write(out.join(MARKER), old).unwrap();
    let page = out.join("2026/03/a1/index.html");
    assert!(std::fs::read_to_string(&page).unwrap().contains("正文 1。"));
    write(
        root.path(),
        "content/资讯/a1.md",
        &article(
            "新闻 1",
            "2026-03-01T08:00:00+08:00",
            &["芯片", "开源"],
            &["科技"],
            "更正后的正文。",
        ),
    );
    build();
    assert_complete(&out);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("更正后的正文。") && !html.contains("正文 1。"),
        "{html}"
    );
}

fn paths(out: &Path) -> Vec<PathBuf> {
    tree(out).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn a_second_build_waits_for_the_first_and_both_publish_whole_trees() {
    let site = site_with(30);
    let root = site.path();
    let out = root.join("public");
    build_ok(root, &[]);
    let pause = root.join("paused");
    let pause_env = pause.to_str().unwrap();
    let mut first = spawn_build(
        root,
        &out,
        &[
            ("SITEGEN_TEST_PAUSE_AT", "swap"),
            ("SITEGEN_TEST_PAUSE_FILE", pause_env),
        ],
    );
    wait_for(&pause, &mut first);
    write(
        root,
        "content/资讯/new.md",
        &article("新的", "2026-03-02", &[], &[], "新。"),
    );
    let second = spawn_build(root, &out, &[]);
    std::thread::sleep(Duration::from_millis(1500));
    let mut second = second;
    assert!(
        second.try_wait().expect("wait").is_none(),
        "the second build did not wait for the first"
    );
    std::fs::remove_file(&pause).expect("resume");
    let first = first.wait_with_output().expect("first");
    let second = second.wait_with_output().expect("second");
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("waiting for another build"),
        "{}",
        stderr(&second)
    );
    assert_complete(&out);
    assert!(out.join("2026/03/new/index.html").is_file());
}

#[test]
fn builds_racing_on_one_output_never_publish_a_partial_tree() {
    let site = site_with(300);
    let root = site.path();
    let out = root.join("public");
    for round in 0..3 {
        let a = spawn_build(root, &out, &[]);
        let b = spawn_build(root, &out, &[]);
        for child in [a, b] {
            let done = child.wait_with_output().expect("build");
            assert!(done.status.success(), "round {round}: {}", stderr(&done));
        }
        assert_complete(&out);
    }
}

#[test]
fn the_lock_wait_is_bounded_and_names_the_other_build() {
    let site = site_with(2);
    let root = site.path();
    let out = root.join("public");
    let pause = root.join("paused");
    let mut first = spawn_build(
        root,
        &out,
        &[
            ("SITEGEN_TEST_PAUSE_AT", "swap"),
            ("SITEGEN_TEST_PAUSE_FILE", pause.to_str().unwrap()),
        ],
    );
    wait_for(&pause, &mut first);
    let second = spawn_build(root, &out, &[("SITEGEN_LOCK_WAIT_SECS", "1")])
        .wait_with_output()
        .expect("second");
    std::fs::remove_file(&pause).expect("resume");
    let first = first.wait_with_output().expect("first");
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(!second.status.success());
    let err = stderr(&second);
    assert!(
        err.contains("another sitegen build (pid ") && err.contains("is released when it exits"),
        "{err}"
    );
    assert_complete(&out);
}

fn kill_at(point: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let site = site_with(5);
    let root = site.path().to_path_buf();
    let out = build_ok(&root, &[]);
    build_ok(&root, &[]); // a spare exists, as on any site built twice
    let old = paths(&out);
    write(
        &root,
        "content/资讯/new.md",
        &article("新的", "2026-03-02", &[], &[], "新。"),
    );
    let pause = root.join("paused");
    let mut env = vec![
        ("SITEGEN_TEST_PAUSE_AT", point),
        ("SITEGEN_TEST_PAUSE_FILE", pause.to_str().unwrap()),
    ];
    env.extend_from_slice(extra);
    let mut child = spawn_build(&root, &out, &env);
    wait_for(&pause, &mut child);
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    std::fs::remove_file(&pause).expect("tidy");
    (site, out, old)
}

#[test]
fn a_kill_at_the_swap_leaves_the_old_tree_and_the_next_build_recovers() {
    let (site, out, old) = kill_at("swap", &[]);
    assert_complete(&out);
    assert_eq!(paths(&out), old);
    build_ok(site.path(), &[]);
    assert_complete(&out);
    assert!(out.join("2026/03/new/index.html").is_file());
}

#[test]
fn a_kill_between_two_renames_is_recovered_by_the_next_build() {
    // Where no atomic exchange exists the swap is two renames; a kill between them leaves
    // no output folder, and the next build must put a complete one back.
    let (site, out, _) = kill_at("between-renames", &[("SITEGEN_TEST_NO_EXCHANGE", "1")]);
    build_ok(site.path(), &[]);
    assert_complete(&out);
    assert!(out.join("2026/03/new/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_cannot_move_is_updated_in_place() {
    use std::os::unix::fs::MetadataExt;
    let site = site_with(6);
    let root = site.path();
    let out = build_ok(root, &[]);
    let inode = std::fs::metadata(&out).unwrap().ino();
    // v2: one article gone, one new, one changed.
    std::fs::remove_file(root.join("content/资讯/a0.md")).unwrap();
    write(
        root,
        "content/资讯/new.md",
        &article("新的", "2026-03-02", &[], &[], "新。"),
    );
    write(
        root,
        "content/资讯/a1.md",
        &article("改了", "2026-03-01", &[], &[], "改。"),
    );
    for fails in ["EBUSY", "EXDEV"] {
        let done = spawn_build(root, &out, &[("SITEGEN_TEST_RENAME_FAILS", fails)])
            .wait_with_output()
            .unwrap();
        assert!(done.status.success(), "{fails}: {}", stderr(&done));
        assert_eq!(
            std::fs::metadata(&out).unwrap().ino(),
            inode,
            "{fails}: the folder moved"
        );
        assert_complete(&out);
    }
    let normal = sitegen()
        .args(["build", "-r"])
        .arg(root)
        .arg("-o")
        .arg(root.join("normal"))
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .unwrap();
    assert!(normal.status.success(), "{}", stderr(&normal));
    assert_eq!(tree(&out), tree(&root.join("normal")));
}

#[test]
fn a_permalink_with_dot_dot_fails_and_writes_nothing_outside() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("x/site");
    let config = format!("{MINIMAL_CONFIG}permalink = \"/../../escape/:slug/\"\n");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("config.toml"), config).unwrap();
    write(
        &root,
        "content/a.md",
        &article("甲", "2026-03-01", &[], &[], "正文"),
    );
    let before: Vec<PathBuf> = paths(outer.path());
    let done = build(&root, &[]);
    assert!(!done.status.success(), "the build succeeded");
    let err = stderr(&done);
    assert!(err.contains("..") && err.contains("error"), "{err}");
    let escaped: Vec<PathBuf> = paths(outer.path())
        .into_iter()
        .filter(|p| !before.contains(p) && !p.starts_with("x/site"))
        .collect();
    assert!(escaped.is_empty(), "written outside the site: {escaped:?}");
}

#[test]
fn a_tampered_marker_cannot_delete_outside_the_output() {
    let site = site_with(2);
    let root = site.path();
    let out = build_ok(root, &[]);
    build_ok(root, &[]);
    std::fs::write(root.join("victim.txt"), "keep me").unwrap();
    let spare = root.join(".public.sitegen-old");
    for marker in [spare.join(MARKER), out.join(MARKER)] {
        let mut text = std::fs::read_to_string(&marker).unwrap();
        text.push_str("../victim.txt\n");
        text.push_str(&format!("{}\n", root.join("victim.txt").display()));
        std::fs::write(&marker, text).unwrap();
    }
    let done = build(root, &[]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stderr(&done).contains("victim.txt"), "{}", stderr(&done));
    // The in-place path reads the output's own marker.
    let done = spawn_build(root, &out, &[("SITEGEN_TEST_RENAME_FAILS", "EBUSY")])
        .wait_with_output()
        .unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(
        std::fs::read_to_string(root.join("victim.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn no_output_folder_may_be_a_source_the_root_or_home() {
    let site = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/a.md",
                &article("甲", "2026-03-01", &[], &[], "正文"),
            ),
            ("static/site.css", "body{}"),
            ("static/out/keep.txt", "keep"),
            ("templates/partials/note.html", "note"),
            ("data/authors.toml", "a = 1"),
        ],
    );
    let root = site.path();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("notes.txt"), "mine").unwrap();
    let home_dir = home.path().to_str().unwrap().to_string();
    for output in [
        "static",
        "templates",
        "content/资讯",
        "static/out",
        "data",
        ".",
        home_dir.as_str(),
    ] {
        for force in [false, true] {
            let before_site = tree(root);
            let before_home = tree(home.path());
            let mut cmd = sitegen();
            cmd.current_dir(root)
                .args(["build", "-r", ".", "-o", output])
                .env("HOME", home.path());
            if force {
                cmd.arg("--force");
            }
            let done = cmd.output().unwrap();
            assert!(
                !done.status.success(),
                "-o {output} (force {force}) was accepted"
            );
            assert!(
                stderr(&done).contains("refusing"),
                "-o {output}: {}",
                stderr(&done)
            );
            assert_eq!(
                tree(root),
                before_site,
                "-o {output} (force {force}) touched the site"
            );
            assert_eq!(tree(home.path()), before_home, "-o {output} touched home");
        }
    }
}

#[test]
fn an_output_that_publishes_a_content_folder_or_config_toml_builds_again() {
    // Hugo's docs publish redirects under `/content/…`; a site may ship a `config.toml` in
    // `static/`. The output is still sitegen's own, and the next build replaces it.
    let site = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/a.md",
                &article("甲", "2026-03-01", &[], &[], "正文"),
            ),
            ("static/config.toml", "title = \"不是本站的配置\""),
            ("static/content/说明.txt", "说明"),
        ],
    );
    let root = site.path();
    for _ in 0..2 {
        let out = build_ok(root, &[]);
        assert_eq!(read(&out, "config.toml"), "title = \"不是本站的配置\"");
        assert_eq!(read(&out, "content/说明.txt"), "说明");
    }
    // A folder sitegen did not make, holding a site, is still refused.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "config.toml", "title = \"别人的站\"");
    let done = sitegen()
        .arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(other.path())
        .output()
        .unwrap();
    assert!(!done.status.success());
    assert!(
        stderr(&done).contains("holds a site's content/ or config.toml"),
        "{}",
        stderr(&done)
    );
}

#[test]
fn force_does_not_take_over_a_foreign_folder() {
    let site = site_with(1);
    let root = site.path();
    let foreign = root.join("public");
    write(&foreign, "mine/notes.txt", "mine");
    for _ in 0..2 {
        let done = build(root, &["--force"]);
        assert!(!done.status.success());
    }
    assert_eq!(read(&foreign, "mine/notes.txt"), "mine");
}

#[test]
fn a_file_name_too_long_names_the_article_and_its_slug() {
    let slug = "a".repeat(300);
    let site = site(
        MINIMAL_CONFIG,
        &[(
            "content/资讯/long.md",
            &format!("+++\ntitle = \"长\"\ndate = 2026-03-01\nslug = \"{slug}\"\n+++\n正文\n"),
        )],
    );
    let done = build(site.path(), &[]);
    assert!(!done.status.success());
    let err = stderr(&done);
    assert!(err.contains("content/资讯/long.md"), "{err}");
    assert!(err.contains(&format!("slug `{slug}`")), "{err}");
    assert!(!err.contains("sitegen-tmp"), "{err}");
}

#[test]
fn a_failed_build_leaves_no_new_files_in_the_staging_folders() {
    let site = site_with(3);
    let root = site.path();
    build_ok(root, &[]);
    build_ok(root, &[]);
    for i in 0..40 {
        write(
            root,
            &format!("content/资讯/more{i}.md"),
            &article(
                &format!("多 {i}"),
                "2026-03-05",
                &[&format!("标签{i}")],
                &[],
                "正文",
            ),
        );
    }
    // Fails at write time, after the other pages were written.
    let slug = "b".repeat(300);
    write(
        root,
        "content/资讯/zz.md",
        &format!("+++\ntitle = \"长\"\ndate = 2026-03-01\nslug = \"{slug}\"\n+++\n正文\n"),
    );
    let done = build(root, &[]);
    assert!(!done.status.success());
    for staging in [".public.sitegen-tmp", ".public.sitegen-old"] {
        let dir = root.join(staging);
        let leaked: Vec<PathBuf> = paths(&dir)
            .into_iter()
            .filter(|p| {
                p.to_string_lossy().contains("more") || p.to_string_lossy().contains("标签")
            })
            .collect();
        assert!(leaked.is_empty(), "{staging} keeps {leaked:?}");
    }
}

#[test]
fn a_kill_during_an_in_place_update_is_repaired_by_the_next_build() {
    let busy = [("SITEGEN_TEST_RENAME_FAILS", "EBUSY")];
    let (site, out, _) = kill_at("in-place", &busy);
    let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
    assert!(marker.contains("(incomplete)"), "{marker}");
    let done = spawn_build(site.path(), &out, &busy)
        .wait_with_output()
        .unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert_complete(&out);
    assert!(out.join("2026/03/new/index.html").is_file());
}
