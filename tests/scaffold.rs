//! `sitegen init` and `sitegen new`, run as a writer would: the real binary, then a build.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

/// The fixed "now" of `common::build`: 2026-09-21 22:13:20 +08:00.
const EPOCH: &str = "1790000000";
const SAMPLE_TITLE: &str = "欢迎使用 sitegen：从第一篇文章开始搭建资讯站";

fn run(args: &[&str], dir: &Path) -> Output {
    sitegen()
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run sitegen")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "sitegen failed:\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let scratch = tempfile::tempdir().unwrap();
    let out = run(&["init", "资讯站"], scratch.path());
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("cd 资讯站 && sitegen build"), "{text}");
    assert!(text.contains("sitegen serve"), "{text}");

    let root = scratch.path().join("资讯站");
    for file in [
        "config.toml",
        "content/资讯/欢迎使用-sitegen.md",
        "templates/.gitkeep",
        "static/.gitkeep",
        ".gitignore",
        ".github/workflows/deploy.yml",
    ] {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    let gitignore = read(&root, ".gitignore");
    assert!(gitignore.lines().any(|l| l == "/public"));
    let workflow = read(&root, ".github/workflows/deploy.yml");
    for step in [
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "steps.pages.outputs.base_url",
    ] {
        assert!(workflow.contains(step), "workflow lacks {step}");
    }

    let public = build_ok(&root, &[]);
    // Nothing a build leaves beside the output (its lock, say) shows up in `git status`.
    build_ok(&root, &[]);
    for left in std::fs::read_dir(&root).unwrap() {
        let name = left.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with(".public") || name == ".sitegen-cache" {
            assert!(
                gitignore.lines().any(|l| l == format!("/{name}")),
                "{name} is not ignored"
            );
        }
    }
    let page = read(&public, "2026/09/欢迎使用-sitegen/index.html");
    assert!(page.contains(SAMPLE_TITLE), "{page}");
    assert!(read(&public, "资讯/index.html").contains(SAMPLE_TITLE));
    assert!(read(&public, "index.html").contains(SAMPLE_TITLE));
    assert_eq!(broken_links(&public, "/"), Vec::<String>::new());

    let check = run(&["check", "-r", root.to_str().unwrap()], scratch.path());
    assert_ok(&check);
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced_and_never_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "notes.txt", "keep me");
    write(root, "config.toml", "# mine\n");

    let out = run(&["init", "."], root);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(read(root, "config.toml"), "# mine\n", "nothing written");
    assert!(!root.join("content").exists());

    let out = run(&["init", ".", "--force"], root);
    assert_ok(&out);
    assert_eq!(read(root, "notes.txt"), "keep me");
    assert!(
        read(root, "config.toml").contains("base_url"),
        "its own files go over"
    );
    build_ok(root, &[]);

    write(root, "a-file", "x");
    let out = run(&["init", "a-file"], root);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(root, "a-file"), "x");
}

fn new_site(config: &str) -> tempfile::TempDir {
    site(config, &[])
}

#[test]
fn new_writes_a_draft_that_only_drafts_builds_show() {
    let dir = new_site(&format!("{MINIMAL_CONFIG}author = \"硅基日报编辑部\"\n"));
    let root = dir.path();
    let title = "xAI 开源 Grok-1：3140 亿参数";
    let out = run(&["new", title, "--section", "资讯"], root);
    assert_ok(&out);
    let slug = sitegen::slug::slugify(title);
    assert!(slug.contains("开源"), "Chinese kept: {slug}");
    let rel = format!("content/资讯/{slug}.md");
    assert_eq!(stdout(&out).trim(), rel);

    let text = read(root, &rel);
    let front: toml::Table = toml::from_str(text.split("+++").nth(1).unwrap()).unwrap();
    assert_eq!(front["title"].as_str(), Some(title));
    assert_eq!(front["date"].to_string(), "2026-09-21T22:13:20+08:00");
    assert_eq!(front["author"].as_str(), Some("硅基日报编辑部"));
    assert_eq!(front["tags"].as_array().map(Vec::len), Some(0));
    assert_eq!(front["categories"].as_array().map(Vec::len), Some(0));
    assert_eq!(front["draft"].as_bool(), Some(true));

    let page = format!("2026/09/{slug}/index.html");
    let public = build_ok(root, &[]);
    assert!(
        !public.join(&page).exists(),
        "a draft stays out of a plain build"
    );
    let public = build_ok(root, &["--drafts"]);
    assert!(read(&public, &page).contains(title));
    assert_eq!(broken_links(&public, "/"), Vec::<String>::new());
}

#[test]
fn new_takes_a_slug_escapes_the_title_and_omits_a_missing_author() {
    let dir = new_site(MINIMAL_CONFIG);
    let root = dir.path();
    let title = r#"马斯克："开源" \ 还是 \"闭源\"？"#;
    let out = run(
        &["new", title, "--slug", "grok-open-source", "-r", "."],
        root,
    );
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), "content/grok-open-source.md");
    let text = read(root, "content/grok-open-source.md");
    assert!(!text.contains("author"), "{text}");
    let front: toml::Table = toml::from_str(text.split("+++").nth(1).unwrap()).unwrap();
    assert_eq!(front["title"].as_str(), Some(title));

    let public = build_ok(root, &["--drafts"]);
    let page = read(&public, "2026/09/grok-open-source/index.html");
    assert!(page.contains("还是"), "{page}");
}

#[test]
fn new_never_overwrites() {
    let dir = new_site(MINIMAL_CONFIG);
    let root = dir.path();
    write(root, "content/资讯/grok.md", "my draft");
    let out = run(&["new", "Grok", "--section", "资讯"], root);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/资讯/grok.md"),
        "names the file: {err}"
    );
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(read(root, "content/资讯/grok.md"), "my draft");
}

#[test]
fn new_refuses_bad_input_without_writing() {
    let dir = new_site(MINIMAL_CONFIG);
    let root = dir.path();
    for args in [
        &["new", "  "][..],
        &["new", "！？", "--section", "资讯"],
        &["new", "标题", "--section", "../escape"],
    ] {
        let out = run(args, root);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(!stderr(&out).is_empty());
    }
    assert!(!root.join("content").exists());
    assert!(!root.parent().unwrap().join("escape").exists());

    let empty = tempfile::tempdir().unwrap();
    let out = run(&["new", "标题"], empty.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));
}

#[test]
fn init_writes_the_pipeline_asked_for() {
    let scratch = tempfile::tempdir().unwrap();
    assert_ok(&run(&["init", "gl", "--ci", "gitlab"], scratch.path()));
    let gitlab = scratch.path().join("gl");
    let pipeline = read(&gitlab, ".gitlab-ci.yml");
    assert!(pipeline.contains("$CI_PAGES_URL"), "{pipeline}");
    assert!(pipeline.contains(&format!(
        "SITEGEN_VERSION: \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(!gitlab.join(".github").exists());

    let out = run(&["init", "plain", "--ci", "none"], scratch.path());
    assert_ok(&out);
    let plain = scratch.path().join("plain");
    assert!(!plain.join(".github").exists() && !plain.join(".gitlab-ci.yml").exists());
    assert!(stdout(&out).contains("docs/deploy.md"), "{}", stdout(&out));

    let out = run(&["init", "other", "--ci", "jenkins"], scratch.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("github, gitlab, none"));
    assert!(!scratch.path().join("other").exists());
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = run(&["--version"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_ok(&out);
    let text = stdout(&out);
    let expected = format!("sitegen {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let commit = text
        .trim_end()
        .trim_end_matches(')')
        .rsplit(' ')
        .next()
        .unwrap();
    // In a git checkout (CI's is one) the binary names HEAD, which build.rs watches.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(head) if head.status.success() => {
            assert_eq!(commit, String::from_utf8_lossy(&head.stdout).trim())
        }
        _ => assert!(!commit.is_empty(), "{text}"),
    }
}

#[test]
fn a_site_pinned_to_a_newer_sitegen_stops_with_an_upgrade_hint() {
    let site =
        new_site("sitegen_version = \">=99.0\"\ntitle = \"T\"\nbase_url = \"https://a.com/\"\n");
    for command in [&["build"][..], &["check"], &["serve", "--port", "0"]] {
        let out = run(command, site.path());
        assert!(!out.status.success(), "{command:?} ran");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "config.toml:1:19: error: this site needs sitegen >=99.0, but this is sitegen"
            ),
            "{command:?}: {stderr}"
        );
        assert!(stderr.contains("releases"), "{stderr}");
    }
    assert!(!site.path().join("public").exists());

    // A pin this version meets builds.
    let minor: Vec<&str> = env!("CARGO_PKG_VERSION").split('.').take(2).collect();
    let pin = format!(
        "sitegen_version = \">={}\"\ntitle = \"T\"\nbase_url = \"https://a.com/\"\n",
        minor.join(".")
    );
    let site = new_site(&pin);
    assert_ok(&run(&["build"], site.path()));
}
