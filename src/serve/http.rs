//! Requests: which file a URL names, refusing every path that could leave the site.
//!
//! A request path is percent-decoded exactly once. What remains must be a plain relative
//! path: no `..` or `.` segments, no empty segments, no backslashes, NUL or control
//! characters, and no percent sequence that would decode to `/`, `\`, `.` or `%` (a
//! double-encoded `..` must not become one in some later layer). Files are then looked up,
//! in the order `sitegen build` lets them override each other, in the site's `static/`
//! folder (on disk, canonicalised, and only if still inside it: no symlinks out), the
//! theme's embedded files, the hashed assets, the pages (cached, or rendered by the
//! rebuild thread for this request) and the generated files (made first if they lag
//! behind the site). A file from `static/` that is not HTML is handed to tower-http's
//! [`ServeFile`], which answers Range and conditional requests (Safari plays video only
//! through ranges).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mime_guess::mime::{self, Mime};
use percent_encoding::percent_decode_str;
use tokio::sync::oneshot;
use tower_http::services::ServeFile;

use super::pages::Lookup;
use super::{Message, State};
use super::{generated, reload};

/// Answers every request that is not the event stream.
pub(crate) async fn respond(Shared(state): Shared<Arc<State>>, request: Request) -> Response {
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
    }
    let path = request.uri().path().to_string();
    let Some(rel) = clean_path(&path) else {
        return plain(StatusCode::BAD_REQUEST, "bad request path\n");
    };
    if !state.status().built {
        return not_built(&state);
    }
    let root = state.root_path();
    let prefix = root.trim_start_matches('/');
    let Some(within) = rel.strip_prefix(prefix) else {
        if format!("{rel}/") == prefix {
            return redirect(&format!("{path}/"));
        }
        if rel.is_empty() {
            return redirect(&crate::slug::encode_path(&root));
        }
        return not_found(&state).await;
    };
    let key = crate::paths::output_file(within);
    if let Some(found) = find(&state, &key).await {
        return send(&state, found, &content_type(&key), request).await;
    }
    if !within.is_empty() && !within.ends_with('/') && is_folder(&state, within).await {
        return redirect(&format!("{path}/"));
    }
    not_found(&state).await
}

/// Whether `within` (asked for without its slash) is a folder with a page in it.
async fn is_folder(state: &Arc<State>, within: &str) -> bool {
    let index = format!("{within}/index.html");
    if state.pages().is_page(&index) {
        return true;
    }
    find(state, &index).await.is_some()
}

/// Which `Host` a request may name. Bound to loopback (the default), only loopback names
/// are answered, so a web page whose own name was re-pointed at 127.0.0.1 (DNS rebinding)
/// cannot read the preview through the visitor's browser. `--bind` to another address
/// serves other machines by whatever name they use, so any Host is accepted there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostRule {
    pub any_host: bool,
}

/// Refuses, on every route (the event stream too), a request whose `Host` (or absolute
/// request target) is not a loopback name under [`HostRule`]. A request with neither is
/// let through: browsers always send one, so such a request is no rebinding attack.
pub(crate) async fn check_host(
    Shared(rule): Shared<HostRule>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if !rule.any_host {
        let from_header = request
            .headers()
            .get_all(header::HOST)
            .iter()
            .map(|h| h.to_str().unwrap_or("\u{fffd}"));
        let from_target = request.uri().authority().map(|a| a.as_str());
        if from_header.chain(from_target).any(|h| !is_loopback_host(h)) {
            return plain(
                StatusCode::MISDIRECTED_REQUEST,
                "sitegen serve answers only for localhost, 127.0.0.1 and [::1]; to preview under \
                 another name, serve with --bind 0.0.0.0 (which also opens it to the network)\n",
            );
        }
    }
    next.run(request).await
}

/// `localhost`, `127.x.y.z`, `[::1]` (or `[::ffff:127.x.y.z]`), each with or without a
/// port; a trailing dot on `localhost.` too.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, after)) => (inside, after.strip_prefix(':')),
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let is_bracketed = host.starts_with('[');
    let name_ok = if is_bracketed {
        name.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        })
    } else {
        name.eq_ignore_ascii_case("localhost")
            || name.eq_ignore_ascii_case("localhost.")
            || name
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    };
    // `[::1]` followed by anything but a port is malformed.
    let rest_ok = !is_bracketed || host.ends_with(']') || port.is_some();
    port_ok && name_ok && rest_ok
}

/// The request path as a path relative to the server root, or `None` for any path that
/// is malformed or tries to leave the site (see the module comment).
pub(crate) fn clean_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    if raw.contains(['\\', '\0']) {
        return None;
    }
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    if decoded.contains(|c: char| c == '\\' || c.is_control()) || still_encoded(&decoded) {
        return None;
    }
    // `//etc/passwd` decodes to an absolute path.
    if decoded.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let empty_inside = segment.is_empty() && i != last;
        if empty_inside || *segment == "." || *segment == ".." || segment.contains(':') {
            return None;
        }
    }
    Some(decoded.into_owned())
}

/// A percent sequence left after one decoding that would mean `.`, `/`, `\`, NUL or `%`:
/// the request was encoded twice, which no page of ours needs.
fn still_encoded(decoded: &str) -> bool {
    let bytes = decoded.as_bytes();
    bytes.windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()),
                (b'2', b'e' | b'f' | b'5') | (b'5', b'c') | (b'0', b'0')
            )
    })
}

/// Where a requested file was found.
enum Found {
    /// In the site's `static/` folder (its canonical path, checked to be inside it), a
    /// bundle, a picture's version, or a generated file written out.
    Disk(PathBuf),
    /// A theme file, a page or a generated file.
    Memory(Bytes),
    /// A page that cannot be rendered now: the errors, shown in its place.
    Failed(String),
}

/// The file at `rel`: the site's `static/`, then the theme's files, then what the site
/// makes (the order in which `build` lets them override each other).
async fn find(state: &Arc<State>, rel: &str) -> Option<Found> {
    let dir = state.static_dir.clone();
    let owned = rel.to_string();
    let on_disk = tokio::task::spawn_blocking(move || static_file(&dir, &owned))
        .await
        .ok()
        .flatten();
    if let Some(path) = on_disk {
        return Some(Found::Disk(path));
    }
    let bundled = state
        .bundles
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(rel)
        .cloned();
    if let Some(path) = bundled {
        return Some(Found::Disk(path));
    }
    if let Some(path) = picture_version(state, rel).await {
        return Some(Found::Disk(path));
    }
    if let Some(bytes) = state.theme_static.get(rel) {
        return Some(Found::Memory(Bytes::from_static(bytes)));
    }
    if let Some(bytes) = state.asset(rel) {
        return Some(Found::Memory(bytes));
    }
    if let Some(found) = page(state, rel).await {
        return Some(found);
    }
    generated_file(state, rel).await.map(|made| match made {
        generated::Made::File(path) => Found::Disk(path),
        generated::Made::Bytes(bytes) => Found::Memory(bytes),
    })
}

/// The page planned at `rel`: cached, or rendered now by the rebuild thread (which also
/// waits for a rebuild under way). None when no page is planned there.
async fn page(state: &Arc<State>, rel: &str) -> Option<Found> {
    let lookup = state.pages().lookup(rel);
    match lookup {
        Lookup::NotAPage => return None,
        Lookup::Hit(bytes) => return Some(Found::Memory(bytes)),
        Lookup::Miss => {}
    }
    let (reply, answer) = oneshot::channel();
    let file = rel.to_string();
    if !state.ask(Message::Render { file, reply }) {
        return None;
    }
    match answer.await.ok()?? {
        Ok(bytes) => Some(Found::Memory(bytes)),
        Err(why) => Some(Found::Failed(why)),
    }
}

/// A generated file (feed, sitemap, search index…); when they lag behind the site and
/// `rel` may be one of them, they are made first.
async fn generated_file(state: &Arc<State>, rel: &str) -> Option<generated::Made> {
    let wanted = state.site_version();
    if state.generated_version() < wanted && generated::may_be_generated(state, rel) {
        let mut made = state.generated.subscribe();
        if state.ask(Message::Generate) {
            let _ = made.wait_for(|done| *done >= wanted).await;
        }
    }
    state.file(rel)
}

/// A picture's version, made into the cache on its first request (from a worker thread:
/// encoding takes a moment). One that cannot be made is told on the console and missing.
async fn picture_version(state: &Arc<State>, rel: &str) -> Option<PathBuf> {
    let images = Arc::clone(
        &state
            .images
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    if !images.is_version(rel) {
        return None;
    }
    let owned = rel.to_string();
    let made = tokio::task::spawn_blocking(move || images.ensure(&owned))
        .await
        .ok()
        .flatten()?;
    match made {
        Ok(path) => Some(path),
        Err(warning) => {
            eprintln!("{warning}");
            None
        }
    }
}

/// The canonical path of `dir/rel` (`dir` is the site's `static/`), only if, with every
/// symlink resolved, it is a file inside the site folder: the rule `build` publishes by
/// ([`crate::paths::link_outside_site`]), where tower-http would follow any link.
fn static_file(dir: &Path, rel: &str) -> Option<PathBuf> {
    let site = std::fs::canonicalize(dir.parent()?).ok()?;
    let path = std::fs::canonicalize(dir.join(rel)).ok()?;
    let inside = path.starts_with(&site) && std::fs::metadata(&path).ok()?.is_file();
    inside.then_some(path)
}

/// Answers with a found file. HTML is read whole, to carry the reload script; any other
/// file from `static/` is streamed by tower-http, with ranges and `Last-Modified`.
async fn send(state: &Arc<State>, found: Found, kind: &Mime, request: Request) -> Response {
    match found {
        Found::Memory(bytes) => file_response(state, StatusCode::OK, bytes, kind),
        Found::Failed(why) => error_page(
            state,
            StatusCode::INTERNAL_SERVER_ERROR,
            "This page cannot be shown",
            &why,
        ),
        Found::Disk(path) if is_html(kind) => match tokio::fs::read(&path).await {
            Ok(bytes) => file_response(state, StatusCode::OK, Bytes::from(bytes), kind),
            Err(_) => not_found(state).await,
        },
        Found::Disk(path) => match ServeFile::new_with_mime(&path, kind)
            .try_call(request)
            .await
        {
            // Gone since it was found: the site's own 404 page, as for any missing file.
            Ok(response) if response.status() == StatusCode::NOT_FOUND => not_found(state).await,
            Ok(response) => {
                let mut response = response.map(Body::new);
                preview_headers(response.headers_mut());
                response
            }
            Err(_) => not_found(state).await,
        },
    }
}

fn file_response(state: &State, status: StatusCode, bytes: Bytes, kind: &Mime) -> Response {
    let body = if is_html(kind) {
        let generation = state.status().generation;
        Bytes::from(reload::inject(&bytes, generation))
    } else {
        bytes
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header_value(kind));
    preview_headers(headers);
    response
}

/// A preview changes under the browser: never reuse a copy without asking, and never
/// guess a type other than the one said.
fn preview_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The site's own 404 page, with status 404.
async fn not_found(state: &Arc<State>) -> Response {
    match page(state, crate::model::NOT_FOUND_PATH).await {
        Some(Found::Memory(bytes)) => {
            file_response(state, StatusCode::NOT_FOUND, bytes, &mime::TEXT_HTML_UTF_8)
        }
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Before the first good build there is nothing to serve but the errors, with the reload
/// script, so that the tab recovers by itself once the writer fixes them.
fn not_built(state: &State) -> Response {
    let error = state.status().error.clone().unwrap_or_default();
    error_page(
        state,
        StatusCode::SERVICE_UNAVAILABLE,
        "The site does not build yet",
        &error,
    )
}

/// A page of errors (escaped), with the reload script.
fn error_page(state: &State, status: StatusCode, title: &str, errors: &str) -> Response {
    let generation = state.status().generation;
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>构建失败</title>\
         <body><h1>{title}</h1><pre>{}</pre></body></html>",
        crate::escape::html(errors)
    );
    let body = reload::inject(page.as_bytes(), generation);
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, header_value(&mime::TEXT_HTML_UTF_8));
    response
}

/// A folder asked for without its slash: relative links on its page only work with it.
fn redirect(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The content type of a file by its extension, as `mime_guess` knows it. Text says it
/// is UTF-8, as every file the site makes is; XML is `application/xml` (RFC 7303's
/// choice, and what feed readers expect) where `mime_guess` says `text/xml`.
pub(crate) fn content_type(rel: &str) -> Mime {
    let guess = mime_guess::from_path(rel).first_or_octet_stream();
    let essence = match guess.essence_str() {
        "text/xml" => "application/xml",
        other => other,
    };
    let textual = essence.starts_with("text/") || essence == "application/xml";
    let named = if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    };
    named.parse().unwrap_or(guess)
}

fn is_html(kind: &Mime) -> bool {
    kind.type_() == mime::TEXT && kind.subtype() == mime::HTML
}

fn header_value(kind: &Mime) -> HeaderValue {
    HeaderValue::from_str(kind.as_ref())
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_host_names_pass() {
        for good in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.8.9.10:80",
            "[::1]",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert!(is_loopback_host(good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.5:1111",
            "0.0.0.0:1111",
            "[::2]:1111",
            "[::1",
            "[::1]x",
            "localhost:",
            "localhost:80x",
            "",
            "\u{fffd}",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn plain_and_cjk_paths_decode() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(
            clean_path("/css/style.css").as_deref(),
            Some("css/style.css")
        );
        assert_eq!(
            clean_path("/tags/%E9%A9%AC%E6%96%AF%E5%85%8B/").as_deref(),
            Some("tags/马斯克/")
        );
        assert_eq!(clean_path("/tags/马斯克/").as_deref(), Some("tags/马斯克/"));
        assert_eq!(clean_path("/a%20b.html").as_deref(), Some("a b.html"));
        assert_eq!(clean_path("/v1.2/").as_deref(), Some("v1.2/"));
    }

    #[test]
    fn every_traversal_form_is_refused() {
        for raw in [
            "/../config.toml",
            "/%2e%2e/config.toml",
            "/%2E%2E/config.toml",
            "/%2e%2e%2fconfig.toml",
            "/..%2fconfig.toml",
            "/..%5cconfig.toml",
            "/..\\config.toml",
            "/%252e%252e/config.toml",
            "/%252e%252e%252fconfig.toml",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/static/../../config.toml",
            "/a/./b",
            "/a//b",
            "/a%00.html",
            "/C:/Windows/win.ini",
            "/%ff.html",
            "relative",
            "",
        ] {
            assert_eq!(clean_path(raw), None, "{raw}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        for (rel, kind) in [
            ("index.html", "text/html; charset=utf-8"),
            ("css/style.3f2a.css", "text/css; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("rss.xml", "application/xml; charset=utf-8"),
            ("search.json", "application/json"),
            ("favicon.svg", "image/svg+xml"),
            ("a/B.PNG", "image/png"),
            ("fonts/x.woff2", "font/woff2"),
            ("clips/launch.mp4", "video/mp4"),
            ("README", "application/octet-stream"),
        ] {
            assert_eq!(content_type(rel).as_ref(), kind, "{rel}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn static_files_are_served_only_from_inside_the_site() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("static");
        std::fs::create_dir_all(dir.join("img")).unwrap();
        std::fs::write(dir.join("img/a.png"), "png").unwrap();
        let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, dir.join(name));
        link(&outside.path().join("secret.txt"), "leak.txt").unwrap();
        link(&dir.join("img/a.png"), "alias.png").unwrap();
        std::fs::write(site.path().join("shared.css"), "css").unwrap();
        link(&site.path().join("shared.css"), "shared.css").unwrap();

        let canonical = std::fs::canonicalize(dir.join("img/a.png")).unwrap();
        assert_eq!(static_file(&dir, "img/a.png"), Some(canonical.clone()));
        assert_eq!(static_file(&dir, "alias.png"), Some(canonical));
        assert_eq!(static_file(&dir, "leak.txt"), None);
        let shared = std::fs::canonicalize(site.path().join("shared.css")).unwrap();
        assert_eq!(
            static_file(&dir, "shared.css"),
            Some(shared),
            "as build publishes it"
        );
        assert_eq!(static_file(&dir, "img"), None, "a folder is not a file");
        assert_eq!(static_file(&dir, "missing.png"), None);
    }
}
