//! End-to-end tests of `sitegen push`: a site built with the real binary, pushed to fake
//! Baidu and IndexNow services on 127.0.0.1 (a small HTTP server per test that records
//! every request and answers as scripted), never to the real services.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use common::{article, read, site, sitegen, write};
use tempfile::TempDir;

const TOKEN: &str = "tok-3f9a7c";
const KEY: &str = "5b1e0c7d9a2f4e68";
/// 2026-09-21, as the other tests' builds.
const NOW: i64 = 1_790_000_000;
const DAY: i64 = 86_400;

/// One request the fake service received.
#[derive(Debug, Clone)]
struct Request {
    target: String,
    content_type: String,
    body: String,
}

type Script = dyn Fn(&Request, usize) -> (u16, String) + Send + Sync;

/// A fake push service: answers each request with `script(request, index)`.
struct Fake {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Fake {
    fn start(script: impl Fn(&Request, usize) -> (u16, String) + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/submit", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let script: Arc<Script> = Arc::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let target = line.split(' ').nth(1).unwrap_or("").to_string();
                let (mut length, mut content_type) = (0, String::new());
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap_or(("", ""));
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "content-type" => content_type = value.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let request = Request {
                    target,
                    content_type,
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                let index = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(request.clone());
                    seen.len() - 1
                };
                let (status, reply) = script(&request, index);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Fake { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Baidu's success reply for a plain-text body of URLs.
fn baidu_ok(request: &Request) -> (u16, String) {
    let n = request.body.lines().count();
    (200, format!("{{\"success\":{n},\"remain\":2000}}"))
}

/// A site with three articles (two in 资讯, one in 评论) pushing to `baidu` and `indexnow`
/// (either may be None); `extra` adds lines to `[push.baidu]`.
fn portal(baidu: Option<&Fake>, indexnow: Option<&Fake>, extra: &str) -> TempDir {
    let mut config =
        String::from("title = \"测试日报\"\nbase_url = \"https://news.example.com/\"\n");
    if let Some(fake) = baidu {
        config.push_str(&format!(
            "[push.baidu]\nsite = \"https://news.example.com\"\nendpoint = \"{}\"\n{extra}",
            fake.url
        ));
    }
    if let Some(fake) = indexnow {
        config.push_str(&format!(
            "[push.indexnow]\nkey = \"{KEY}\"\nendpoint = \"{}\"\n",
            fake.url
        ));
    }
    site(
        &config,
        &[
            (
                "content/资讯/rust-kernel.md",
                &article(
                    "Rust 进入 Linux 内核主线",
                    "2026-03-01T09:00:00+08:00",
                    &[],
                    &[],
                    "Linux 6.1 合并了 Rust 支持的第一批代码。",
                ),
            ),
            (
                "content/资讯/chip-export.md",
                &article(
                    "国产 GPU 出货量创新高",
                    "2026-03-02T09:00:00+08:00",
                    &[],
                    &[],
                    "多家厂商公布了季度出货数据。",
                ),
            ),
            (
                "content/评论/open-source.md",
                "+++\ntitle = \"开源不是免费的午餐\"\ndate = 2026-03-03T09:00:00+08:00\n\
                 aliases = [\"/old/open-source/\"]\n+++\n维护者的时间才是最稀缺的资源。\n",
            ),
            (
                "content/资讯/draft.md",
                "+++\ntitle = \"草稿\"\ndate = 2026-03-04\ndraft = true\n+++\n未完成\n",
            ),
        ],
    )
}

fn build(root: &Path, epoch: i64) {
    let out = sitegen()
        .args(["build", "-q", "-r"])
        .arg(root)
        .arg("-o")
        .arg(root.join("public"))
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// Runs `sitegen push -r ROOT ARGS…` on day `epoch`, with the token set.
fn push(root: &Path, epoch: i64, args: &[&str]) -> Output {
    push_with(root, epoch, args, Some(TOKEN))
}

fn push_with(root: &Path, epoch: i64, args: &[&str], token: Option<&str>) -> Output {
    let mut command = sitegen();
    command
        .args(["push", "-r"])
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .env("SITEGEN_PUSH_BACKOFF_MS", "5")
        .env_remove("BAIDU_PUSH_TOKEN");
    for proxy in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    if let Some(token) = token {
        command.env("BAIDU_PUSH_TOKEN", token);
    }
    command.output().unwrap()
}

/// N in "…, N left for the next push", or 0.
fn left(report: &str) -> usize {
    report
        .split(" left for the next push")
        .next()
        .filter(|head| head.len() < report.len())
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "push failed:\n{}", text(out));
    text(out)
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "push should have failed:\n{}",
        text(out)
    );
    text(out)
}

fn url(path: &str) -> String {
    let encoded: String =
        percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2F", "/")
            .replace("%2D", "-")
            .replace("%2E", ".");
    format!("https://news.example.com/{encoded}")
}

const RUST: &str = "2026/03/rust-kernel/";
const CHIP: &str = "2026/03/chip-export/";
const OPEN: &str = "2026/03/open-source/";

#[test]
fn pushes_only_what_was_added_or_changed_newest_article_first() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let indexnow = Fake::start(|_, _| (200, String::new()));
    let root = portal(Some(&baidu), Some(&indexnow), "");
    let root = root.path();
    build(root, NOW);
    // The IndexNow key file is published at the root, holding the key.
    assert_eq!(read(&root.join("public"), &format!("{KEY}.txt")), KEY);

    let first = ok(&push(root, NOW, &[]));
    assert!(
        first.contains("baidu: first push") && first.contains("indexnow: first push"),
        "{first}"
    );
    assert!(baidu.requests().is_empty() && indexnow.requests().is_empty());
    assert!(root.join(".sitegen-cache/push/baidu.json").is_file());
    assert!(!root.join("public/push").exists());

    // Nothing changed: nothing sent.
    build(root, NOW);
    let again = ok(&push(root, NOW, &[]));
    assert!(again.contains("baidu: nothing new or changed"), "{again}");
    assert!(baidu.requests().is_empty());

    // One article added, one edited. The new one's neighbour in 评论 gains a link to it,
    // so its page changed too; 资讯's first article did not change.
    write(
        root,
        "content/评论/new-model.md",
        &article(
            "大模型开源周：三款新模型发布",
            "2026-03-05T09:00:00+08:00",
            &[],
            &[],
            "本周有三款模型开源。",
        ),
    );
    write(
        root,
        "content/资讯/chip-export.md",
        &article(
            "国产 GPU 出货量创新高",
            "2026-03-02T09:00:00+08:00",
            &[],
            &[],
            "多家厂商公布了季度出货数据，更正：数据来自第三季度。",
        ),
    );
    build(root, NOW);
    let pushed = ok(&push(root, NOW, &[]));
    let requests = baidu.requests();
    assert_eq!(requests.len(), 1, "{pushed}");
    let sent: Vec<&str> = requests[0].body.lines().collect();
    let new = url("2026/03/new-model/");
    // New articles first, then changed ones, newest first, then the other pages.
    assert_eq!(
        sent[..3],
        [new.as_str(), url(OPEN).as_str(), url(CHIP).as_str()],
        "{sent:#?}"
    );
    assert!(!sent.contains(&url(RUST).as_str()), "{sent:#?}");
    let other_article = |u: &&str| u.starts_with("https://news.example.com/2026/");
    assert!(!sent[3..].iter().any(other_article), "{sent:#?}");
    assert!(
        sent.contains(&"https://news.example.com/"),
        "the home page changed: {sent:#?}"
    );
    assert!(requests[0].content_type.starts_with("text/plain"));
    assert!(
        requests[0].target.contains(&format!("token={TOKEN}"))
            && requests[0]
                .target
                .contains("site=https%3A%2F%2Fnews.example.com"),
        "{}",
        requests[0].target
    );
    assert!(
        pushed.contains(&format!(
            "baidu: sent {n}, accepted {n}, rejected 0",
            n = sent.len()
        )),
        "{pushed}"
    );

    // IndexNow got the same URLs as JSON, with the host, key and where the key file is.
    let requests = indexnow.requests();
    assert_eq!(requests.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(json["host"], "news.example.com");
    assert_eq!(json["key"], KEY);
    assert_eq!(
        json["keyLocation"],
        format!("https://news.example.com/{KEY}.txt")
    );
    let list: Vec<&str> = json["urlList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(list, sent);

    // Sent once, not again.
    let after = ok(&push(root, NOW, &[]));
    assert!(after.contains("baidu: nothing new or changed"), "{after}");
    assert_eq!(baidu.requests().len(), 1);
}

/// Before sitegen hashed pages with XXH3, the push state recorded blake3s: after an
/// upgrade, a page that is as it was is not sent again; one that changed is.
#[test]
fn a_state_recorded_with_blake3_sends_only_the_pages_that_changed() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    ok(&push(root, NOW, &[]));
    let state_file = root.join(".sitegen-cache/push/baidu.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_file).unwrap()).unwrap();
    let sent = state["sent"].as_object_mut().unwrap();
    assert!(sent.len() > 5, "{sent:?}");
    let chip = format!("{CHIP}index.html");
    for (file, hash) in sent.iter_mut() {
        assert_eq!(hash.as_str().unwrap().len(), 32, "{file}: {hash}");
        // As sitegen recorded them then; for 国产 GPU, the page as it was before an edit.
        let bytes = match *file == chip {
            true => b"<p>an older version of the page</p>".to_vec(),
            false => std::fs::read(root.join("public").join(file)).unwrap(),
        };
        *hash = blake3::hash(&bytes).to_hex().to_string().into();
    }
    std::fs::write(&state_file, serde_json::to_vec(&state).unwrap()).unwrap();

    let pushed = ok(&push(root, NOW, &[]));
    let requests = baidu.requests();
    assert_eq!(requests.len(), 1, "{pushed}");
    assert_eq!(requests[0].body.trim(), url(CHIP), "{pushed}");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_file).unwrap()).unwrap();
    let lengths: Vec<usize> = state["sent"]
        .as_object()
        .unwrap()
        .values()
        .map(|h| h.as_str().unwrap().len())
        .collect();
    assert!(lengths.iter().all(|&n| n == 32), "{state}");
    let after = ok(&push(root, NOW, &[]));
    assert!(after.contains("baidu: nothing new or changed"), "{after}");
}

#[test]
fn dry_run_prints_and_sends_nothing() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let dry = ok(&push(root, NOW, &["--dry-run"]));
    assert!(dry.contains("first push: would record"), "{dry}");
    assert!(!root.join(".sitegen-cache/push/baidu.json").exists());
    ok(&push(root, NOW, &[]));
    let state = std::fs::read(root.join(".sitegen-cache/push/baidu.json")).unwrap();
    write(
        root,
        "content/资讯/rust-kernel.md",
        &article(
            "Rust 进入 Linux 内核主线",
            "2026-03-01T09:00:00+08:00",
            &[],
            &[],
            "补充：驱动也开始用 Rust 写了。",
        ),
    );
    build(root, NOW);
    let dry = ok(&push(root, NOW, &["--dry-run"]));
    assert!(
        dry.contains("baidu: would send") && dry.contains(&url(RUST)),
        "{dry}"
    );
    assert!(baidu.requests().is_empty());
    assert_eq!(
        std::fs::read(root.join(".sitegen-cache/push/baidu.json")).unwrap(),
        state
    );
    // --all sends every public page; no alias page, draft, 404 page or feed among them.
    assert!(root.join("public/old/open-source/index.html").is_file());
    let all = ok(&push(root, NOW, &["--dry-run", "--all"]));
    assert!(
        !all.contains("old/open-source") && !all.contains("draft"),
        "{all}"
    );
    for page in [RUST, CHIP, OPEN, "资讯/", "评论/"] {
        assert!(
            all.contains(&format!("  {}\n", url(page))),
            "{page} missing:\n{all}"
        );
    }
    assert!(
        !all.contains("404") && !all.contains(".xml") && !all.contains("search/"),
        "{all}"
    );
}

#[test]
fn batches_split_requests_and_the_daily_quota_leaves_the_rest_for_tomorrow() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let root = portal(Some(&baidu), None, "batch = 2\ndaily_quota = 5\n");
    let root = root.path();
    build(root, NOW);
    let all: Vec<String> = text(&push(root, NOW, &["--dry-run", "--all"]))
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(str::to_string)
        .collect();
    assert!(all.len() == 5, "quota of 5: {all:?}");
    let total = 5 + left(&text(&push(root, NOW, &["--dry-run", "--all"])));
    assert!(total > 5, "the site should have more pages than the quota");

    let first = ok(&push(root, NOW, &["--all"]));
    let requests = baidu.requests();
    assert_eq!(
        requests
            .iter()
            .map(|r| r.body.lines().count())
            .collect::<Vec<_>>(),
        [2, 2, 1],
        "{first}"
    );
    assert!(
        first.contains(&format!(
            "sent 5, accepted 5, rejected 0, {} left for the next push",
            total - 5
        )),
        "{first}"
    );

    // Same day: the quota is used up, nothing goes.
    let same_day = ok(&push(root, NOW, &[]));
    assert_eq!(baidu.requests().len(), 3, "{same_day}");
    assert!(same_day.contains("daily quota used up"), "{same_day}");

    // Next day: the rest, none of it sent twice.
    let next_day = ok(&push(root, NOW + DAY, &[]));
    let requests = baidu.requests();
    let mut sent: Vec<String> = requests
        .iter()
        .flat_map(|r| r.body.lines().map(str::to_string))
        .collect();
    let count = sent.len();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), count, "a URL was sent twice: {next_day}");
    assert_eq!(count, total.min(10), "{next_day}");
}

#[test]
fn over_quota_reply_stops_and_keeps_the_rest() {
    // The first request is taken, the second told "over quota".
    let baidu = Fake::start(|r, i| match i {
        0 => (
            200,
            format!("{{\"success\":{},\"remain\":100}}", r.body.lines().count()),
        ),
        _ => (400, "{\"error\":400,\"message\":\"over quota\"}".into()),
    });
    let root = portal(Some(&baidu), None, "batch = 2\n");
    let root = root.path();
    build(root, NOW);
    let out = ok(&push(root, NOW, &["--all"]));
    assert_eq!(baidu.requests().len(), 2, "{out}");
    assert!(
        out.contains("sent 2, accepted 2") && out.contains("over quota"),
        "{out}"
    );
    assert!(out.contains("left for the next push"), "{out}");
    // The refused batch goes first tomorrow.
    let second: Vec<String> = baidu.requests()[1]
        .body
        .lines()
        .map(str::to_string)
        .collect();
    ok(&push(root, NOW + DAY, &[]));
    let third = &baidu.requests()[2];
    assert_eq!(third.body.lines().take(2).collect::<Vec<_>>(), second);
}

#[test]
fn retries_server_errors_then_succeeds() {
    let baidu = Fake::start(|r, i| {
        if i < 2 {
            (503, "busy".into())
        } else {
            baidu_ok(r)
        }
    });
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let out = ok(&push(root, NOW, &["--all"]));
    let requests = baidu.requests();
    assert_eq!(requests.len(), 3, "{out}");
    assert_eq!(requests[0].body, requests[2].body);
    assert!(
        out.contains("rejected 0") && !out.contains("failed"),
        "{out}"
    );
}

#[test]
fn a_service_down_fails_after_three_tries_and_keeps_everything_pending() {
    let baidu = Fake::start(|_, _| (500, "down".into()));
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let out = failed(&push(root, NOW, &["--all"]));
    assert_eq!(baidu.requests().len(), 3, "{out}");
    assert!(
        out.contains("baidu: failed") && out.contains("HTTP 500") && out.contains("after 3 tries"),
        "{out}"
    );
    assert!(!out.contains(TOKEN), "the token leaked: {out}");
    // Nothing was recorded as sent: with the service back, everything goes.
    let dry = ok(&push(root, NOW, &["--dry-run"]));
    assert!(dry.contains(&url(RUST)), "{dry}");
}

#[test]
fn baidu_not_valid_urls_are_reported_as_rejected() {
    let bad = url(OPEN);
    let reply_bad = bad.clone();
    let baidu = Fake::start(move |r, _| {
        let n = r.body.lines().count();
        (
            200,
            format!(
                "{{\"success\":{},\"remain\":99,\"not_same_site\":[],\"not_valid\":[\"{reply_bad}\"]}}",
                n - 1
            ),
        )
    });
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let out = ok(&push(root, NOW, &["--all"]));
    assert!(
        out.contains("rejected 1") && out.contains(&format!("rejected {bad}: not_valid")),
        "{out}"
    );
}

#[test]
fn baidu_refusing_everything_fails_the_push() {
    let baidu = Fake::start(|_, _| {
        (
            401,
            "{\"error\":401,\"message\":\"token is not valid\"}".into(),
        )
    });
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let out = failed(&push(root, NOW, &["--all"]));
    assert!(
        out.contains("token is not valid") && out.contains("sent again next time"),
        "{out}"
    );
}

#[test]
fn indexnow_403_says_the_key_file_was_not_found() {
    let indexnow = Fake::start(|_, _| (403, String::new()));
    let root = portal(None, Some(&indexnow), "");
    let root = root.path();
    build(root, NOW);
    let out = failed(&push(root, NOW, &["--all"]));
    assert!(
        out.contains("key file was not found")
            && out.contains(&format!("https://news.example.com/{KEY}.txt")),
        "{out}"
    );
}

#[test]
fn missing_token_is_an_error_naming_the_variable() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let root = portal(Some(&baidu), None, "");
    let root = root.path();
    build(root, NOW);
    let out = failed(&push_with(root, NOW, &["--all"], None));
    assert!(
        out.contains("BAIDU_PUSH_TOKEN") && out.contains("not set"),
        "{out}"
    );
    assert!(baidu.requests().is_empty());
}

#[test]
fn build_push_pushes_after_building_and_only_picks_one_service() {
    let baidu = Fake::start(|r, _| baidu_ok(r));
    let indexnow = Fake::start(|_, _| (202, String::new()));
    let root = portal(Some(&baidu), Some(&indexnow), "");
    let root = root.path();
    let out = sitegen()
        .args(["build", "--push", "-r"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", NOW.to_string())
        .env("BAIDU_PUSH_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(
        out.status.success() && text(&out).contains("first push"),
        "{}",
        text(&out)
    );
    let only = ok(&push(root, NOW, &["--all", "--only", "indexnow"]));
    assert!(
        !only.contains("baidu") && only.contains("indexnow: sent"),
        "{only}"
    );
    assert!(baidu.requests().is_empty() && indexnow.requests().len() == 1);
}

#[test]
fn the_key_file_clashing_with_a_static_file_is_refused() {
    let indexnow = Fake::start(|_, _| (200, String::new()));
    let root = portal(None, Some(&indexnow), "");
    let root = root.path();
    write(root, &format!("static/{KEY}.txt"), "旧的密钥");
    let out = sitegen().args(["build", "-r"]).arg(root).output().unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("{KEY}.txt")), "{}", text(&out));
}

#[test]
fn push_without_a_build_or_config_says_what_to_do() {
    let root = site(
        common::MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("甲", "2026-03-01", &[], &[], "正文"),
        )],
    );
    let root = root.path();
    let out = failed(&push(root, NOW, &[]));
    assert!(
        out.contains("[push.baidu]") && out.contains("[push.indexnow]"),
        "{out}"
    );
    let fake = Fake::start(|r, _| baidu_ok(r));
    let root = portal(Some(&fake), None, "");
    let out = failed(&push(root.path(), NOW, &[]));
    assert!(out.contains("sitegen build"), "{out}");
}
