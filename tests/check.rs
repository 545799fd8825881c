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
    // The front matter takes lines 1-6, so the body's third line is line 9; columns count
    // characters.
    assert!(
        err.contains("content/a.md:9:2: error: broken link to /2024/03/missing/"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:11:4: error: broken link to /2024/03/b/#不存在"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:13:1: error: broken link to /images/none.png"),
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
            // `/hop` redirects to `/ok` on the same server.
            let (status, location) = if request_line.contains(" /ok ") {
                ("200 OK", String::new())
            } else if request_line.contains(" /hop ") {
                (
                    "302 Found",
                    format!("Location: http://127.0.0.1:{port}/ok\r\n"),
                )
            } else {
                ("404 Not Found", String::new())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{location}Content-Length: 0\r\nConnection: close\r\n\r\n"
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
        .args(["check", "--external", "--allow-private", "-r"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "content/a.md:9:3: error: broken external link to http://127.0.0.1:{port}/gone"
        )),
        "{err}"
    );
    assert!(err.contains("404"), "{err}");
    assert!(!err.contains("/ok"), "{err}");
    server.join().expect("server");
}

/// Requests `check --external` makes, with `extra` flags, for a site linking `links`.
fn check_external(links: &str, extra: &[&str]) -> std::process::Output {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/a.md",
            &article("甲", "2024-03-01T00:00:00+08:00", &[], &[], links),
        )],
    );
    sitegen()
        .args(["check", "--external"])
        .args(extra)
        .arg("-r")
        .arg(dir.path())
        .output()
        .expect("run")
}

#[test]
fn external_links_to_private_addresses_are_refused_unless_allowed() {
    let (port, server) = tiny_server(3);
    let body = format!(
        "好的[链接](http://127.0.0.1:{port}/ok)。\n\n跳转[链接](http://localhost:{port}/hop)。\n\n元数据[链接](http://169.254.169.254/latest/meta-data/)。\n"
    );
    let out = check_external(&body, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "content/a.md:7:3: error: refused external link to http://127.0.0.1:{port}/ok: 127.0.0.1 is a loopback address"
        )),
        "{err}"
    );
    assert!(err.contains("pass --allow-private to check it"), "{err}");
    assert!(
        err.contains(&format!(
            "content/a.md:9:3: error: refused external link to http://localhost:{port}/hop: localhost resolves to a loopback address"
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "content/a.md:11:4: error: refused external link to http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a cloud metadata address"
        ),
        "{err}"
    );

    // With the flag, the loopback links are requested (the redirect is followed to /ok);
    // the metadata address is left out so the test does not wait for it.
    let body = format!(
        "好的[链接](http://127.0.0.1:{port}/ok)。\n\n跳转[链接](http://127.0.0.1:{port}/hop)。\n"
    );
    let out = check_external(&body, &["--allow-private"]);
    assert!(out.status.success(), "{}", stderr(&out));
    server.join().expect("server");
}

#[test]
fn a_redirect_to_a_private_address_is_refused_at_the_hop() {
    // A server that answers every request with a redirect to the metadata address: with
    // --allow-private nothing is refused, so the point here is the hop without it. The
    // first hop is loopback too (no public address here), so the refusal names it; the
    // resolver's unit tests cover each hop's address on its own.
    let (port, server) = tiny_server(0);
    let out = check_external(&format!("[跳](http://127.0.0.1:{port}/hop)\n"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("refused external link"), "{err}");
    assert!(!err.contains("broken external link"), "{err}");
    server.join().expect("server");
}
