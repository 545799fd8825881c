//! Shared helpers for the end-to-end tests: make a site in a temp folder, run the real
//! `sitegen` binary on it, and look at what comes out.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use percent_encoding::percent_decode_str;
use tempfile::TempDir;

pub const MINIMAL_CONFIG: &str = "title = \"测试日报\"\nbase_url = \"https://t.example.com/\"\n";

/// A site folder with `config.toml` and the given files (paths relative to the root).
pub fn site(config: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("config.toml"), config).expect("write config");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A TOML front-matter article.
pub fn article(title: &str, date: &str, tags: &[&str], categories: &[&str], body: &str) -> String {
    format!(
        "+++\ntitle = {title:?}\ndate = {date}\ntags = {tags:?}\ncategories = {categories:?}\n+++\n{body}\n"
    )
}

pub fn sitegen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitegen"))
}

/// Runs `sitegen build -r ROOT -o ROOT/public ARGS…`.
pub fn build(root: &Path, args: &[&str]) -> Output {
    let out = root.join("public");
    sitegen()
        .arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(&out)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1790000000") // 2026-09-21: fixed "now" for future checks
        .output()
        .expect("run sitegen")
}

/// Builds and panics with sitegen's own output when it fails.
pub fn build_ok(root: &Path, args: &[&str]) -> PathBuf {
    let out = build(root, args);
    assert!(
        out.status.success(),
        "build failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    root.join("public")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Every `.html` file under `dir`, relative, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(dir).expect("prefix").to_path_buf())
        .collect();
    files.sort();
    files
}

/// The values of every `href="…"` and `src="…"` in `html`.
pub fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    found
}

/// The file an internal href (under `root_path`) points at, or None for external links.
pub fn target_of(out: &Path, root_path: &str, href: &str) -> Option<PathBuf> {
    if href.starts_with('#')
        || href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("data:")
    {
        return None;
    }
    let path = href.split(['#', '?']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().expect("utf-8 href");
    let rel = decoded
        .strip_prefix(root_path)
        .unwrap_or_else(|| panic!("href {href} is outside the site root {root_path}"));
    let mut file = out.join(rel);
    if rel.is_empty() || rel.ends_with('/') {
        file = file.join("index.html");
    }
    Some(file)
}

/// Every internal link in every page that does not point at an existing file.
pub fn broken_links(out: &Path, root_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for page in html_files(out) {
        let html = read(out, page.to_str().expect("utf-8 path"));
        for href in links(&html) {
            if let Some(file) = target_of(out, root_path, &href)
                && !file.is_file()
            {
                broken.push(format!("{}: {href}", page.display()));
            }
        }
    }
    broken
}

/// Every file under `dir` with its bytes, for byte-for-byte comparison.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).expect("prefix").to_path_buf(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}
