//! Requests: which file a URL names, refusing every path that could leave the site.
//!
//! A request path is percent-decoded exactly once. What remains must be a plain relative
//! path: no `..` or `.` segments, no empty segments, no backslashes, NUL or control
//! characters, and no percent sequence that would decode to `/`, `\`, `.` or `%` (a
//! double-encoded `..` must not become one in some later layer). Files are then looked up,
//! in the order `sitegen build` lets them override each other, in the site's `static/`
//! folder (on disk, canonicalised, and only if still inside it: no symlinks out), the
//! theme's embedded files, and the built pages in memory.

use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State as Shared;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::State;
use super::reload;

/// Answers every request that is not the event stream.
pub(crate) async fn respond(
    Shared(state): Shared<Arc<State>>,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
    }
    let Some(rel) = clean_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad request path\n");
    };
    if !state.status().built {
        return not_built(&state);
    }
    let root = state.root_path();
    let prefix = root.trim_start_matches('/');
    let Some(within) = rel.strip_prefix(prefix) else {
        if format!("{rel}/") == prefix {
            return redirect(&format!("{}/", uri.path()));
        }
        if rel.is_empty() {
            return redirect(&crate::slug::encode_path(&root));
        }
        return not_found(&state);
    };
    let key = crate::paths::output_file(within);
    if let Some((bytes, kind)) = find(&state, &key).await {
        return file_response(&state, StatusCode::OK, bytes, kind);
    }
    if !within.is_empty()
        && !within.ends_with('/')
        && find(&state, &format!("{within}/index.html"))
            .await
            .is_some()
    {
        return redirect(&format!("{}/", uri.path()));
    }
    not_found(&state)
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

/// The file at `rel` with its content type: the site's `static/`, then the theme's
/// files, then the built pages (the order in which `build` lets them override each other).
async fn find(state: &Arc<State>, rel: &str) -> Option<(Bytes, &'static str)> {
    let kind = content_type(rel);
    let dir = state.static_dir.clone();
    let owned = rel.to_string();
    let from_disk = tokio::task::spawn_blocking(move || read_static(&dir, &owned))
        .await
        .ok()
        .flatten();
    if let Some(bytes) = from_disk {
        return Some((Bytes::from(bytes), kind));
    }
    if let Some(bytes) = state.theme_static.get(rel) {
        return Some((Bytes::from_static(bytes), kind));
    }
    state.file(rel).map(|bytes| (bytes, kind))
}

/// Reads `dir/rel` only if, with every symlink resolved, it is a file inside `dir`.
fn read_static(dir: &Path, rel: &str) -> Option<Vec<u8>> {
    let base = std::fs::canonicalize(dir).ok()?;
    let path = std::fs::canonicalize(base.join(rel)).ok()?;
    if !path.starts_with(&base) || !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    std::fs::read(&path).ok()
}

fn file_response(state: &State, status: StatusCode, bytes: Bytes, kind: &'static str) -> Response {
    let body = if kind.starts_with("text/html") {
        let generation = state.status().generation;
        Bytes::from(reload::inject(&bytes, generation))
    } else {
        bytes
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // A preview changes under the browser: never reuse a copy without asking.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The site's own 404 page, with status 404.
fn not_found(state: &State) -> Response {
    match state.file("404.html") {
        Some(bytes) => file_response(state, StatusCode::NOT_FOUND, bytes, HTML),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Before the first good build there is nothing to serve but the errors, with the reload
/// script, so that the tab recovers by itself once the writer fixes them.
fn not_built(state: &State) -> Response {
    let (error, generation) = {
        let status = state.status();
        (status.error.clone().unwrap_or_default(), status.generation)
    };
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>构建失败</title>\
         <body><h1>The site does not build yet</h1><pre>{}</pre></body></html>",
        crate::escape::html(&error)
    );
    let body = reload::inject(page.as_bytes(), generation);
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
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

const HTML: &str = "text/html; charset=utf-8";

/// The content type of a file by its extension.
pub(crate) fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(content_type("index.html"), HTML);
        assert_eq!(
            content_type("css/style.3f2a.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("rss.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("a/B.PNG"), "image/png");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
