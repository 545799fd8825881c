//! The normalised variables of each built-in template.

use serde_json::{Map, Value, json};

use super::code::{code, codeblock};
use super::embeds::{bilibili, embed, gist};
use super::hexo::{asset_img, blockquote, img, link};
use super::links::{encode, is_url, safe_url};
use crate::content::shortcodes::Page;
use crate::content::shortcodes::args::Args;
use crate::content::shortcodes::scan::Syntax;
use crate::content::shortcodes::templates::markdown_html;

/// The fixed variables of built-in `name`.
pub(super) fn normalise(
    name: &str,
    syntax: Syntax,
    args: &Args,
    body: Option<&str>,
    page: &Page<'_>,
) -> Map<String, Value> {
    let get = |key: &str, index: usize| args.get(key, index).unwrap_or_default();
    let named = |key: &str| args.named_text(key).unwrap_or_default();
    let liquid = syntax == Syntax::Liquid;
    let vars = match name {
        "figure" => json!({
            "src": safe_url(&get("src", 0), page), "link": safe_url(&named("link"), page),
            "target": named("target"), "rel": named("rel"), "alt": named("alt"),
            "title": named("title"), "caption": named("caption"), "attr": named("attr"),
            "attrlink": safe_url(&named("attrlink"), page), "class": named("class"),
            "width": named("width"), "height": named("height"),
        }),
        "youtube" => {
            let id = get("id", 0);
            let url = if is_url(&id) {
                id.clone()
            } else {
                format!("https://www.youtube.com/watch?v={}", encode(&id))
            };
            embed(&id, &url, &named("title"), "YouTube")
        }
        "vimeo" => {
            let id = get("id", 0);
            embed(
                &id,
                &format!("https://vimeo.com/{}", encode(&id)),
                &named("title"),
                "Vimeo",
            )
        }
        "bilibili" => bilibili(args),
        "instagram" => {
            let id = get("id", 0);
            let url = format!("https://www.instagram.com/p/{}/", encode(&id));
            embed(&id, &url, &named("title"), "Instagram")
        }
        "youku" => {
            let id = get("id", 0);
            let url = format!("https://v.youku.com/v_show/id_{}.html", encode(&id));
            embed(&id, &url, &named("title"), "优酷")
        }
        "music" => {
            let id = get("id", 0);
            let url = format!("https://music.163.com/#/song?id={}", encode(&id));
            embed(&id, &url, &named("title"), "网易云音乐")
        }
        "admonition" => {
            let kind = args
                .get("type", 0)
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| "note".into());
            let title = args
                .get("title", 1)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| kind.clone());
            json!({
                "type": kind, "title": title,
                "details": matches!(get("details", 2).as_str(), "true" | "open"),
                "body_html": markdown_html(body.unwrap_or_default()),
            })
        }
        "center" | "left" | "right" => {
            json!({"body_html": markdown_html(body.unwrap_or_default())})
        }
        "jsfiddle" => {
            let id = get("id", 0);
            let url = if is_url(&id) {
                id.clone()
            } else {
                format!("https://jsfiddle.net/{}/", encode(&id))
            };
            embed(&id, &url, &named("title"), "JSFiddle")
        }
        "gist" => gist(args, liquid),
        "x" => {
            let (user, id) = match (args.named_text("user"), args.named_text("id")) {
                (user, Some(id)) => (user.unwrap_or_default(), id),
                _ if args.positional.len() >= 2 => (get("", 0), get("", 1)),
                _ => (String::new(), get("", 0)),
            };
            let url = if user.is_empty() {
                format!("https://x.com/i/status/{}", encode(&id))
            } else {
                format!("https://x.com/{}/status/{}", encode(&user), encode(&id))
            };
            let mut v = embed(&id, &url, &named("title"), "X");
            v["user"] = Value::from(user);
            v
        }
        "qr" => {
            let text = args
                .get("text", 0)
                .or_else(|| body.map(|b| b.trim().to_string()))
                .unwrap_or_default();
            let url = if is_url(&text) {
                safe_url(&text, page)
            } else {
                String::new()
            };
            json!({"text": text, "url": url, "title": named("title"), "alt": named("alt"), "class": named("class")})
        }
        "details" => json!({
            "summary": args.get("summary", 0).filter(|s| !s.is_empty()).unwrap_or_else(|| "详情".into()),
            "open": matches!(named("open").as_str(), "true" | "open"),
            "class": named("class"), "name": named("name"), "title": named("title"),
            "body_html": markdown_html(body.unwrap_or_default()),
        }),
        "highlight" => {
            let mut v = code(&get("lang", 0), body.unwrap_or_default());
            let options = match get("options", 1).as_str() {
                "linenos" => "linenos=true".to_string(),
                other => other.to_string(),
            };
            let options = options.replace(['`', '{', '}', '\n'], "");
            if !options.is_empty() && !v["lang"].as_str().unwrap_or("").is_empty() {
                v["info"] = Value::from(format!(
                    "{} {{{options}}}",
                    v["lang"].as_str().unwrap_or("")
                ));
            }
            v
        }
        "codeblock" => codeblock(args, body.unwrap_or_default(), page),
        "asset_img" => asset_img(args),
        "asset_link" => {
            let slug = get("", 0);
            let text = args
                .positional
                .get(1..)
                .map(|t| t.join(" "))
                .unwrap_or_default();
            let text = text
                .trim_end_matches(" false")
                .trim_end_matches(" true")
                .to_string();
            json!({"href": encode(&slug), "text": if text.is_empty() { slug.clone() } else { text }})
        }
        "blockquote" => blockquote(args, body.unwrap_or_default(), page),
        "pullquote" | "note" => json!({
            "class": args.positional.join(" "),
            "body_html": markdown_html(body.unwrap_or_default()),
        }),
        "post_link" => {
            let slug = get("", 0);
            let mut rest: Vec<&str> = args.positional.iter().skip(1).map(String::as_str).collect();
            if matches!(rest.last(), Some(&("true" | "false"))) {
                rest.pop();
            }
            json!({"href": format!("@ref:{}", encode(&slug)), "text": rest.join(" ")})
        }
        "img" => img(args, page),
        "iframe" => {
            let url = safe_url(&get("url", 0), page);
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            json!({"url": url, "width": get("width", 1), "height": get("height", 2), "host": host, "title": named("title")})
        }
        "link" => link(args, page),
        _ => json!({}),
    };
    match vars {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
