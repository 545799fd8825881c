//! Hexo's tag plugins that read their words the way Hexo does: images, quotes, links.

use serde_json::{Map, Value, json};

use super::links::{encode, is_url, safe_url};
use crate::content::shortcodes::Page;
use crate::content::shortcodes::args::Args;
use crate::content::shortcodes::templates::markdown_html;

/// Hexo `{% asset_img [class…] slug [width] [height] [title [alt]] %}`: the image is in the
/// post's asset folder, which Hexo publishes beside the page, so its URL is relative.
pub(super) fn asset_img(args: &Args) -> Value {
    let p = &args.positional;
    let at = p.iter().position(|w| w.contains('.')).unwrap_or(0);
    let slug = p.get(at).cloned().unwrap_or_default();
    let mut rest = p.iter().skip(at + 1).peekable();
    let mut size = Vec::new();
    while let Some(w) = rest.next_if(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty()) {
        size.push(w.clone());
    }
    let rest: Vec<&str> = rest.map(String::as_str).collect();
    let (title, alt) = title_alt(&rest);
    json!({
        "src": encode(&slug), "class": p[..at].join(" "), "title": title, "alt": alt,
        "width": size.first().cloned().unwrap_or_default(),
        "height": size.get(1).cloned().unwrap_or_default(),
    })
}

/// Hexo's `"title" "alt"` tail (its quotes already removed): two words are a title and
/// an alt text; otherwise the words are both.
fn title_alt(words: &[&str]) -> (String, String) {
    match words {
        [title, alt] => (title.to_string(), alt.to_string()),
        _ => (words.join(" "), words.join(" ")),
    }
}

/// Hexo `{% img [class…] src [width] [height] [title [alt]] %}`.
pub(super) fn img(args: &Args, page: &Page<'_>) -> Value {
    let p = &args.positional;
    let at = p
        .iter()
        .position(|w| w.starts_with('/') || w.contains('.') || w.contains(':'))
        .unwrap_or(0);
    let mut v = asset_img(&Args {
        positional: p.clone(),
        named: Map::new(),
    });
    v["src"] = Value::from(safe_url(p.get(at).map_or("", String::as_str), page));
    v["class"] = Value::from(p[..at.min(p.len())].join(" "));
    v
}

/// Hexo `{% blockquote [author[, source]] [link] [source_link_title] %}`, read as Hexo
/// reads it.
pub(super) fn blockquote(args: &Args, body: &str, page: &Page<'_>) -> Value {
    let text = args.positional.join(" ");
    let words: Vec<&str> = text.split_whitespace().collect();
    let link_at = words.iter().position(|w| is_url(w));
    let (author, source, title) = match link_at {
        Some(i) => (
            words[..i].join(" "),
            safe_url(words[i], page),
            words[i + 1..].join(" "),
        ),
        None => match text.split_once(',') {
            Some((a, s)) => (a.trim().to_string(), String::new(), s.trim().to_string()),
            None => (text.trim().to_string(), String::new(), String::new()),
        },
    };
    json!({
        "author": author, "source": source, "source_title": title,
        "body_html": markdown_html(body),
    })
}

/// Hexo `{% link text url [external] [title] %}`: the URL is the first word that is one.
pub(super) fn link(args: &Args, page: &Page<'_>) -> Value {
    let p = &args.positional;
    let at = p.iter().position(|w| is_url(w) || w.starts_with('/'));
    let Some(at) = at else {
        return json!({"text": p.join(" "), "url": "#", "external": false, "title": ""});
    };
    let rest = &p[at + 1..];
    let external = rest.first().map(String::as_str) == Some("true");
    let title = rest
        .iter()
        .skip_while(|w| matches!(w.as_str(), "true" | "false"))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    json!({"text": p[..at].join(" "), "url": safe_url(&p[at], page), "external": external, "title": title})
}
