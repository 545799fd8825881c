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
    let check = |extra: &[&str]| {
        sitegen()
            .arg("check")
            .arg("-r")
            .arg(dir.path())
            .args(extra)
            .output()
            .expect("run")
    };
    let out = check(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Under a path, canonical and feed links are absolute URLs under that path.
    let out = check(&["--base-url", "https://t.example.com/portal/"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A loopback HTTP server that answers 200 for `/ok` and 404 otherwise, for `count` requests.
fn tiny_server(count: usize) -> (u16, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let status = if request_line.contains(" /ok ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, handle)
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let (port, server) = tiny_server(2);
    let body = format!(
        "好的[链接](http://127.0.0.1:{port}/ok)。\n\n坏的[链接](http://127.0.0.1:{port}/gone)。\n"
    );
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("甲", "2024-03-01T00:00:00+08:00", &[], &[], &body),
        )],
    );
    let plain = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(plain.status.success(), "{}", stderr(&plain));
    let out = sitegen()
        .args(["check", "--external", "-r"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "content/a.md:9: error: broken external link to http://127.0.0.1:{port}/gone"
        )),
        "{err}"
    );
    assert!(err.contains("404"), "{err}");
    assert!(!err.contains("/ok"), "{err}");
    server.join().expect("server");
}
