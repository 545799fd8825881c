//! A running `sitegen serve` for end-to-end tests: the real binary on a free loopback port,
//! its output collected line by line, and a tiny HTTP/1.1 client over `TcpStream`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::sitegen;

/// The longest a test waits for something the server does by itself (a rebuild, an event,
/// a feed catching up). Reaching it fails the test; it is not a speed target.
pub const CEILING: Duration = Duration::from_secs(30);

/// The running server; killed when dropped, whatever the test did.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub url: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// Each line of stdout and stderr, as it comes, not yet waited for.
    pub lines: mpsc::Receiver<String>,
}

impl Server {
    /// Drops the lines printed so far: call it before an edit, so that the waits after the
    /// edit see only what the server printed since.
    pub fn forget_output(&self) {
        while self.lines.try_recv().is_ok() {}
    }

    /// Waits for the next line (stdout or stderr) that `wanted` accepts; false if none
    /// comes within [`CEILING`].
    pub fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) -> bool {
        self.wait_for_line_until(Instant::now() + CEILING, wanted)
    }

    /// After each rebuild the server reports from now on, runs `check`: true once it holds,
    /// false if it still does not after [`CEILING`]. More than one rebuild may follow an
    /// edit (a save can reach the watcher in parts), hence the loop.
    pub fn rebuilt_until(&self, mut check: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + CEILING;
        while Instant::now() < deadline {
            if self.wait_for_line_until(deadline, |l| l.starts_with("rebuilt ")) && check() {
                return true;
            }
        }
        false
    }

    pub fn wait_for_line_until(&self, deadline: Instant, wanted: impl Fn(&str) -> bool) -> bool {
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if wanted(&line) {
                return true;
            }
        }
        false
    }

    /// What the server printed so far, for failure messages.
    pub fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects a child's output in the background, sending each line to `lines`.
fn drain(pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>, lines: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            into.lock().unwrap().push_str(&format!("{line}\n"));
            let _ = lines.send(line);
        }
    });
}

pub fn serve(root: &Path, extra: &[&str]) -> Server {
    serve_env(root, extra, &[])
}

/// [`serve`] with environment variables set for the server.
pub fn serve_env(root: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = sitegen()
        .args(["serve", "--port", "0", "-r"])
        .arg(root)
        .args(extra)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sitegen serve");
    let (tx, rx) = mpsc::channel();
    let stdout = Arc::new(Mutex::new(String::new()));
    let stderr = Arc::new(Mutex::new(String::new()));
    drain(
        child.stdout.take().expect("stdout"),
        Arc::clone(&stdout),
        tx.clone(),
    );
    drain(
        child.stderr.take().expect("stderr"),
        Arc::clone(&stderr),
        tx,
    );
    let mut server = Server {
        child,
        addr: String::new(),
        url: String::new(),
        stdout,
        stderr,
        lines: rx,
    };
    let deadline = Instant::now() + CEILING;
    while let Ok(line) = server
        .lines
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        if let Some(url) = line
            .strip_prefix("serving ")
            .and_then(|l| l.split_whitespace().next())
        {
            server.url = url.to_string();
            server.addr = url
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap_or_default()
                .to_string();
            return server;
        }
    }
    panic!("no URL printed\n{}", server.output());
}

pub type Headers = Vec<(String, String)>;

pub struct Reply {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET raw` exactly as written (no normalisation), over a fresh connection. The body
/// ends at its `Content-Length`, its last chunk, or the connection's end.
pub fn get(addr: &str, raw: &str) -> Reply {
    get_with(addr, raw, "")
}

/// [`get`] with one more request header line (`Range: bytes=0-9`).
pub fn get_with(addr: &str, raw: &str, header: &str) -> Reply {
    let header = if header.is_empty() {
        String::new()
    } else {
        format!("{header}\r\n")
    };
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {raw} HTTP/1.1\r\nHost: {addr}\r\n{header}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut data = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    // Where the body starts, the status and the headers, once the head is in.
    let mut parsed: Option<(usize, u16, Headers)> = None;
    loop {
        if parsed.is_none()
            && let Some(split) = data.windows(4).position(|w| w == b"\r\n\r\n")
        {
            let head = String::from_utf8_lossy(&data[..split]).into_owned();
            let mut lines = head.lines();
            let status = lines
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|s| s.parse().ok())
                .expect("status line");
            let headers = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect();
            parsed = Some((split + 4, status, headers));
        }
        if let Some((start, _, headers)) = &parsed {
            let body = &data[*start..];
            let length = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse::<usize>().ok());
            let chunked = headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
            if length.is_some_and(|n| body.len() >= n) || (chunked && body.ends_with(b"0\r\n\r\n"))
            {
                break;
            }
        }
        let n = stream.read(&mut buf).expect("read reply");
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let (start, status, headers) = parsed.expect("a whole reply head");
    let mut body = data[start..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// A minimal static file server for the folder `root`, mounted at `prefix` (`/` or
/// `/portal/`) on 127.0.0.1, for browser tests of built output; returns the port. A thread
/// per request; the listener lives until the test process ends.
pub fn serve_folder(root: PathBuf, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = respond(&root, prefix, stream);
            });
        }
    });
    port
}

fn respond(root: &Path, prefix: &str, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    let rel = decoded.strip_prefix(prefix).map(Path::new);
    let safe = rel.is_some_and(|r| r.components().all(|c| matches!(c, Component::Normal(_))));
    let mut file = rel.filter(|_| safe).map(|r| root.join(r));
    if let Some(f) = &file
        && f.is_dir()
    {
        file = Some(f.join("index.html"));
    }
    let found = file.and_then(|f| Some((std::fs::read(&f).ok()?, f)));
    let (status, body, kind) = match found {
        Some((bytes, f)) => ("200 OK", bytes, content_type(&f)),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|x| x.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}
