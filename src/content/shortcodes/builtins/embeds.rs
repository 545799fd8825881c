//! Embeds: a video or post on another site, as the variables of a card linking to it.

use serde_json::{Value, json};

use super::links::encode;
use crate::content::shortcodes::args::Args;

/// An embed's variables: `url` (the video or post on its site), `title` (empty when the
/// writer gave none), `site` (its name), `id`.
pub(super) fn embed(id: &str, url: &str, title: &str, site: &str) -> Value {
    json!({"id": id, "url": url, "title": title, "site": site})
}

/// `{{< bilibili BV1xx411c7XX >}}`, `id=`, `bvid=`, `aid=`, an `av` number, a page `p`.
pub(super) fn bilibili(args: &Args) -> Value {
    let id = args
        .named_text("bvid")
        .or_else(|| args.named_text("aid"))
        .or_else(|| args.get("id", 0))
        .unwrap_or_default();
    let video = if id.chars().all(|c| c.is_ascii_digit()) && !id.is_empty() {
        format!("av{id}")
    } else {
        id.clone()
    };
    let page = args
        .named_text("p")
        .or_else(|| args.named_text("page"))
        .or_else(|| args.positional.get(1).cloned())
        .filter(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() && p != "1");
    let mut url = format!("https://www.bilibili.com/video/{}/", encode(&video));
    if let Some(p) = page {
        url.push_str(&format!("?p={p}"));
    }
    embed(
        &id,
        &url,
        &args.named_text("title").unwrap_or_default(),
        "哔哩哔哩",
    )
}

/// Hugo `{{< gist user id [file] >}}`; Jekyll `{% gist user/id [file] %}`, Hexo
/// `{% gist id [file] %}`.
pub(super) fn gist(args: &Args, liquid: bool) -> Value {
    let p = &args.positional;
    let (user, id, file) = if liquid {
        let first = p.first().cloned().unwrap_or_default();
        let (user, id) = match first.split_once('/') {
            Some((u, i)) => (u.to_string(), i.to_string()),
            None => (String::new(), first),
        };
        (user, id, p.get(1).cloned().unwrap_or_default())
    } else {
        (
            args.get("user", 0).unwrap_or_default(),
            args.get("id", 1).unwrap_or_default(),
            args.get("file", 2).unwrap_or_default(),
        )
    };
    let mut url = match user.as_str() {
        "" => format!("https://gist.github.com/{}", encode(&id)),
        user => format!("https://gist.github.com/{}/{}", encode(user), encode(&id)),
    };
    if !file.is_empty() {
        let anchor: String = file
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        url.push_str(&format!("#file-{anchor}"));
    }
    let title = if file.is_empty() {
        String::new()
    } else {
        file.clone()
    };
    let mut v = embed(&id, &url, &title, "GitHub Gist");
    v["user"] = Value::from(user);
    v["file"] = Value::from(file);
    v
}
