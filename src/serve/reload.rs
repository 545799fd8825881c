//! Live reload: a Server-Sent Events stream, and the script that listens to it.
//!
//! SSE rather than a WebSocket: the traffic is one-way, `EventSource` reconnects by itself
//! when the server restarts, and it needs no extra crate. The script goes into served HTML
//! only, at response time, so `sitegen build` output never carries it.
//!
//! Each page is served with the build generation it came from; the stream starts with a
//! `reload` when the site has moved on since, so a tab that was loading during a rebuild
//! still ends up current.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State as Shared;
use axum::http::Uri;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::{Notice, State};

pub(crate) const EVENTS_PATH: &str = "/__sitegen/events";

/// Reloads on `reload`; shows a build error (as text, never as HTML) over the page.
/// `__GEN__` is the generation the page was served at.
const SCRIPT: &str = r#"<script data-sitegen-reload>
(() => {
  const events = new EventSource("/__sitegen/events?since=__GEN__");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("error", (e) => {
    if (typeof e.data !== "string") return; // a dropped connection: EventSource retries
    let box = document.getElementById("sitegen-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "sitegen-error";
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;margin:0;padding:1.5em;" +
        "overflow:auto;background:rgba(40,0,0,.93);color:#fff;font:14px/1.5 monospace;" +
        "white-space:pre-wrap";
      box.title = "sitegen: the last edit did not build; still showing the last good page";
      document.body.appendChild(box);
    }
    box.textContent = "sitegen: build failed (still serving the last good pages)\n\n" + e.data;
  });
})();
</script>
"#;

/// `html` with the reload script before its last `</body>` (or at the end).
pub(crate) fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let script = SCRIPT.replace("__GEN__", &generation.to_string());
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// What one open tab's stream still has to do.
struct Feed {
    /// Sent before anything else: a reload the tab missed, or the current error.
    first: Vec<Event>,
    notices: tokio::sync::broadcast::Receiver<Notice>,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

/// `GET /__sitegen/events?since=N`: the stream of reloads and errors.
pub(crate) async fn events(
    Shared(state): Shared<Arc<State>>,
    uri: Uri,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let since = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("since="))
        .and_then(|n| n.parse::<u64>().ok());
    let notices = state.notices.subscribe();
    let mut first = Vec::new();
    {
        let status = state.status();
        if since.is_some_and(|n| n < status.generation) {
            first.push(reload_event());
        }
        if let Some(error) = &status.error {
            first.push(error_event(error));
        }
    }
    first.reverse(); // popped from the end
    let feed = Feed {
        first,
        notices,
        shutdown: state.shutdown.clone(),
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        if let Some(event) = feed.first.pop() {
            return Some((Ok(event), feed));
        }
        if *feed.shutdown.borrow() {
            return None;
        }
        let event = tokio::select! {
            _ = feed.shutdown.changed() => return None,
            notice = feed.notices.recv() => match notice {
                Ok(Notice::Reload) | Err(RecvError::Lagged(_)) => reload_event(),
                Ok(Notice::Error(text)) => error_event(&text),
                Err(RecvError::Closed) => return None,
            },
        };
        Some((Ok(event), feed))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn reload_event() -> Event {
    Event::default().event("reload").data("reload")
}

fn error_event(text: &str) -> Event {
    // `data` splits lines into several `data:` fields; EventSource joins them again.
    Event::default().event("error").data(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 7);
        let text = String::from_utf8(out).unwrap();
        let script = text.find("data-sitegen-reload").unwrap();
        assert!(script < text.find("</BODY>").unwrap());
        assert!(text.contains("since=7"));
        let bare = String::from_utf8(inject(b"<p>no body</p>", 0)).unwrap();
        assert!(bare.starts_with("<p>no body</p><script"));
    }
}
