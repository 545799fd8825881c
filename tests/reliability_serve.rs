//! `sitegen serve` against hostile clients: a page that re-points its own name at
//! 127.0.0.1 (DNS rebinding) is refused by its `Host`, and connections that send half a
//! request, or nothing, are closed instead of holding a file descriptor for ever.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::server::{CEILING, Server, serve, serve_env};
use common::{article, write};
use tempfile::TempDir;

/// A one-article site.
fn fixture() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "config.toml",
        "title = \"测试日报\"\nbase_url = \"https://t.example.com/\"\n",
    );
    write(
        dir.path(),
        "content/a.md",
        &article("甲", "2024-03-01T00:00:00+08:00", &["开源"], &[], "正文。"),
    );
    dir
}

/// The status of `head` (a request line and headers, without the blank line) sent as is.
fn status_of(server: &Server, head: &str) -> u16 {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(CEILING)).expect("timeout");
    write!(stream, "{head}\r\nConnection: close\r\n\r\n").expect("send");
    let mut reply = Vec::new();
    let mut buf = [0u8; 1024];
    // The status line is all we need; an event stream would never end.
    while !reply.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
        }
    }
    let reply = String::from_utf8_lossy(&reply);
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {reply:?}"))
}

#[test]
fn only_loopback_host_names_are_answered_on_loopback() {
    let site = fixture();
    let server = serve(site.path(), &[]);
    let port = server.addr.rsplit(':').next().expect("a port").to_string();
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        server.addr.clone(),
        format!("127.0.0.2:{port}"),
    ] {
        assert_eq!(
            status_of(&server, &format!("GET / HTTP/1.1\r\nHost: {host}")),
            200,
            "Host: {host}"
        );
    }
    for head in [
        "GET / HTTP/1.1\r\nHost: evil.example".to_string(),
        format!("GET / HTTP/1.1\r\nHost: evil.example:{port}"),
        format!("GET /__sitegen/events HTTP/1.1\r\nHost: evil.example:{port}"),
        format!("GET /tags/ HTTP/1.1\r\nHost: localhost.evil.example:{port}"),
        format!("GET http://evil.example/ HTTP/1.1\r\nHost: localhost:{port}"),
    ] {
        assert_eq!(status_of(&server, &head), 421, "{head}");
    }
    let refused = common::server::get_with(&server.addr, "/", "");
    assert_eq!(refused.status, 200, "the usual Host still works");
}

#[test]
fn a_wider_bind_answers_any_host() {
    let site = fixture();
    let server = serve(site.path(), &["--bind", "0.0.0.0"]);
    assert_eq!(
        status_of(&server, "GET / HTTP/1.1\r\nHost: preview.example:1111"),
        200
    );
}

/// Whether the server closes `stream` within `limit` (reading EOF or a reset).
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A 408 or similar before closing is fine too: keep reading to the end.
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn slow_and_idle_connections_are_closed_but_event_streams_stay() {
    let site = fixture();
    let server = serve_env(
        site.path(),
        &[],
        &[("SITEGEN_SERVE_HEADER_TIMEOUT_MS", "300")],
    );
    // Half a request line, then nothing.
    let mut slow = TcpStream::connect(&server.addr).expect("connect");
    slow.write_all(b"GET /index.ht").expect("send");
    // Nothing at all.
    let mut silent = TcpStream::connect(&server.addr).expect("connect");
    // A whole request on a kept-alive connection, then silence.
    let mut idle = TcpStream::connect(&server.addr).expect("connect");
    write!(idle, "GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).expect("send");
    // An event stream, as an open tab holds it.
    let mut tab = TcpStream::connect(&server.addr).expect("connect");
    write!(
        tab,
        "GET /__sitegen/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        server.addr
    )
    .expect("send");

    // Well under the default of 10 s, well over the 300 ms asked for.
    let limit = Duration::from_secs(5);
    assert!(closed_within(&mut slow, limit), "half a request line");
    assert!(closed_within(&mut silent, limit), "an idle new connection");
    assert!(
        closed_within(&mut idle, limit),
        "an idle kept-alive connection"
    );

    // The tab outlives the timeout many times over; an edit still reaches it.
    std::thread::sleep(Duration::from_secs(1));
    write(
        site.path(),
        "content/a.md",
        &article(
            "甲改",
            "2024-03-01T00:00:00+08:00",
            &["开源"],
            &[],
            "新正文。",
        ),
    );
    tab.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let start = Instant::now();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: reload") && start.elapsed() < CEILING {
        match tab.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(_) => {}
        }
    }
    assert!(
        seen.contains("event: reload"),
        "the event stream was cut: {seen}\n{}",
        server.output()
    );
}
