//! Shared helpers for the end-to-end tests: make a site in a temp folder, run the real
//! `sitegen` binary on it, and look at what comes out.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub mod server;

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

/// An article's (or page's) body as rendered on its page: from `<div class="prose">` to
/// the article footer.
pub fn prose(page: &str) -> &str {
    let start = page.find("<div class=\"prose\">").expect("prose");
    let end = page[start..]
        .find("<footer class=\"article-footer\">")
        .expect("footer");
    &page[start..start + end]
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Every HTML page under `dir`, relative, sorted: each `.html` file but the side column's
/// fragments (`side.html`, fetched by listings, no document of their own).
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| e.file_name() != "side.html")
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

/// HTML elements that have no closing tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// One start or end tag found by [`tags`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lower-cased element name.
    pub name: String,
    pub closing: bool,
    /// Ends in `/>` (SVG and MathML elements close themselves this way).
    pub self_closing: bool,
    /// (lower-cased name, value) pairs, quoted or not; entities are left as written.
    pub attrs: Vec<(String, String)>,
}

/// The start and end tags of `html`, in order, read the way a browser tokenises them:
/// attribute values may be double-quoted, single-quoted or (as minifiers write them)
/// unquoted; comments, the doctype and the insides of `<script>`, `<style>`, `<title>` and
/// `<textarea>` are skipped.
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let is_space = |b: u8| b.is_ascii_whitespace();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let mut j = i + offset + 1;
        if html[j..].starts_with("!--") {
            i = html[j..].find("-->").map_or(len, |end| j + end + 3);
            continue;
        }
        let closing = bytes.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        if !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
            // `<!doctype …>`, a stray `<` in text: not a tag.
            i = j;
            continue;
        }
        let name_start = j;
        while j < len && !is_space(bytes[j]) && bytes[j] != b'>' && bytes[j] != b'/' {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut slash = false;
        loop {
            while j < len && (is_space(bytes[j]) || bytes[j] == b'/') {
                slash = bytes[j] == b'/';
                j += 1;
            }
            if j >= len || bytes[j] == b'>' {
                j += 1;
                break;
            }
            slash = false;
            let attr_start = j;
            while j < len && !is_space(bytes[j]) && !matches!(bytes[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < len && is_space(bytes[j]) {
                j += 1;
            }
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                while j < len && is_space(bytes[j]) {
                    j += 1;
                }
                match bytes.get(j) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let end = html[j + 1..]
                            .find(char::from(quote))
                            .map_or(len, |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = (end + 1).min(len);
                    }
                    _ => {
                        let start = j;
                        while j < len && !is_space(bytes[j]) && bytes[j] != b'>' {
                            j += 1;
                        }
                        value = html[start..j].to_string();
                    }
                }
            }
            attrs.push((attr, value));
        }
        i = j.min(len);
        // Raw text and RCDATA: a `<` inside is text (minifiers write `<title>a <b></title>`).
        if !closing && matches!(name.as_str(), "script" | "style" | "title" | "textarea") {
            let end_tag = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&end_tag)
                .map_or(len, |e| i + e);
        }
        found.push(Tag {
            name,
            closing,
            self_closing: slash,
            attrs,
        });
    }
    found
}

/// Like [`links`], but for HTML with attributes in any quoting (minified output).
pub fn links_any_quoting(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter(|t| !t.closing)
        .flat_map(|t| t.attrs)
        .filter(|(name, _)| name == "href" || name == "src")
        .map(|(_, value)| value)
        .collect()
}

/// Like [`broken_links`], but reading attributes in any quoting (minified output).
pub fn broken_links_any_quoting(out: &Path, root_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for page in html_files(out) {
        let html = read(out, page.to_str().expect("utf-8 path"));
        for href in links_any_quoting(&html) {
            if let Some(file) = target_of(out, root_path, &href)
                && !file.is_file()
            {
                broken.push(format!("{}: {href}", page.display()));
            }
        }
    }
    broken
}

/// Checks that every element opened in `html` is closed, in order (void elements aside):
/// a cheap stand-in for "a parser reads this the way it was written". Returns the first
/// mismatch.
pub fn unbalanced_tags(html: &str) -> Option<String> {
    let mut open: Vec<String> = Vec::new();
    for tag in tags(html) {
        if tag.self_closing || VOID_ELEMENTS.contains(&tag.name.as_str()) {
            continue;
        }
        if !tag.closing {
            open.push(tag.name);
            continue;
        }
        match open.pop() {
            Some(name) if name == tag.name => {}
            Some(name) => return Some(format!("</{}> closes <{name}>", tag.name)),
            None => return Some(format!("</{}> closes nothing", tag.name)),
        }
    }
    (!open.is_empty()).then(|| format!("never closed: {open:?}"))
}

/// Builds the demo site (the repo root) into a temp folder with extra `args`; returns the
/// folder (keep it alive) and its `public/`.
pub fn build_demo(args: &[&str]) -> (TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("public");
    let status = sitegen()
        .args(["build", "-q"])
        .args(args)
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(&out)
        .status()
        .expect("run sitegen");
    assert!(status.success(), "demo build failed");
    (dir, out)
}

/// Headless Chromium for browser tests, or None to skip. A skip is never silent: it prints
/// `SKIPPED <test>: <why>` to stderr, and fails the test instead when
/// `SITEGEN_REQUIRE_BROWSER` is set (`.ci/run` sets it and installs Chromium). `CI=true`
/// alone does not require it: the Pages workflow runs `cargo test` on a runner without one.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        // libtest runs each test on a thread named after it.
        let test = std::thread::current()
            .name()
            .unwrap_or("a browser test")
            .to_string();
        let why = "chromium is not on PATH";
        assert!(
            !browser_required(),
            "{test}: {why}, and SITEGEN_REQUIRE_BROWSER requires the browser tests to run"
        );
        // Straight to the process's stderr: libtest would swallow `eprintln!` of a test
        // that passes, and a skip must show.
        let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    }
    found
}

/// `SITEGEN_REQUIRE_BROWSER` is set to anything but empty or `0`.
fn browser_required() -> bool {
    std::env::var_os("SITEGEN_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0")
}

/// How long Chromium may take before a browser test gives up on it.
pub const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs headless Chromium on `url` and returns the DOM it dumps once the page settled,
/// with a fresh profile under `scratch`. `flags` are added to the usual ones, e.g.
/// `--virtual-time-budget=5000` (how much page time to run) or `--window-size=…`.
/// Chromium is killed, and its log shown, if it does not finish in [`CHROMIUM_TIMEOUT`].
/// The text of `<pre id="result">` in a DOM Chromium dumped (where the browser tests'
/// harness pages write what they measured), unescaped.
pub fn dom_result(dom: &str) -> String {
    const OPEN: &str = "<pre id=\"result\">";
    let start = dom
        .find(OPEN)
        .unwrap_or_else(|| panic!("no result in the dumped DOM:\n{dom}"));
    let end = dom[start..].find("</pre>").expect("</pre>") + start;
    dom[start + OPEN.len()..end]
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

pub fn dump_dom(chromium: &Path, url: &str, scratch: &Path, flags: &[&str]) -> String {
    let profile = tempfile::tempdir_in(scratch).expect("profile dir");
    let stdout_path = profile.path().join("dom.html");
    let stderr_path = profile.path().join("chromium.log");
    let log = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .args(flags)
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("p").display()
        ))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    while child.try_wait().expect("wait for chromium").is_none() {
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in {CHROMIUM_TIMEOUT:?}; its log:\n{}",
                log()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = std::fs::read_to_string(&stdout_path).expect("dumped DOM");
    assert!(
        !dom.is_empty(),
        "chromium printed nothing; its log:\n{}",
        log()
    );
    dom
}
