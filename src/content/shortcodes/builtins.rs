//! What each built-in shortcode means: its arguments, as each generator writes them, turned
//! into the variables its template gets; or, for the few that are values rather than
//! presentation (`ref`, `param`, `post_url`, `asset_path`, `{{ site.baseurl }}`), the value.
//!
//! Every template gets its arguments twice: normalised (`id`, `title`, `url`… always
//! present, empty when not given, so Tera 2 never meets an undefined name) and as written
//! (named ones by name, positional ones in `args`), plus `body` (the text between the
//! tags, shortcodes in it expanded) and `nth` (the how-manieth call of this name in the
//! article), as Zola gives them.

use serde_json::{Map, Value, json};

use super::Page;
use super::args::{self, Args};
use super::scan::Syntax;
use super::templates::markdown_html;

/// What a call expands to.
pub enum Expansion {
    /// Not a shortcode after all (a Liquid `{{ expression }}` sitegen does not know): the
    /// text stays as written, as Hugo and Zola leave it.
    AsWritten,
    /// Text to put in place of the call as it is (a URL, an escaped value).
    Value(String),
    /// Markdown to put in place of the call (`{% raw %}`).
    Markdown(String),
    /// A template to render with these variables; `markdown` when its output is Markdown
    /// (a code fence, or a Hugo `{{% %}}` call).
    Template {
        name: String,
        vars: Map<String, Value>,
        markdown: bool,
    },
}

/// Why a call cannot be expanded: a warning at the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// The theme's shortcode templates (`templates/shortcodes/NAME.html`).
pub const BUILT_IN: &[&str] = &[
    "admonition",
    "asset_img",
    "asset_link",
    "bilibili",
    "blockquote",
    "center",
    "codeblock",
    "details",
    "figure",
    "gist",
    "highlight",
    "iframe",
    "img",
    "instagram",
    "jsfiddle",
    "left",
    "link",
    "music",
    "note",
    "post_link",
    "pullquote",
    "qr",
    "right",
    "vimeo",
    "x",
    "youku",
    "youtube",
];

/// Names that are another built-in's.
fn canonical(name: &str) -> &str {
    match name {
        "tweet" | "twitter" | "twitter_simple" => "x",
        "vimeo_simple" => "vimeo",
        "instagram_simple" => "instagram",
        "code" => "codeblock",
        "quote" => "blockquote",
        "image" => "img",
        "expand" => "details",
        "notice" => "admonition",
        other => other,
    }
}

/// Whether the body of this call is text to show as it is, not Markdown that may hold
/// other shortcodes: its end is the first closing tag, whatever comes between.
pub fn raw_body(syntax: Syntax, name: &str) -> bool {
    match syntax {
        Syntax::Hugo { .. } => name == "highlight",
        Syntax::Liquid => matches!(canonical(name), "highlight" | "codeblock" | "raw"),
        _ => false,
    }
}

/// Whether a built-in never has a body, so no closing tag is looked for: an archive with a
/// thousand `{% asset_img %}` in one article must not look a thousand times to its end.
pub fn never_has_body(syntax: Syntax, name: &str) -> bool {
    let liquid = matches!(
        name,
        "asset_img"
            | "asset_link"
            | "asset_path"
            | "post_link"
            | "post_url"
            | "img"
            | "image"
            | "iframe"
            | "youtube"
            | "vimeo"
            | "link"
            | "gist"
            | "jsfiddle"
    );
    let hugo = matches!(
        name,
        "figure"
            | "youtube"
            | "vimeo"
            | "bilibili"
            | "gist"
            | "x"
            | "tweet"
            | "twitter"
            | "twitter_simple"
            | "vimeo_simple"
            | "instagram"
            | "param"
            | "ref"
            | "relref"
            | "youku"
            | "music"
    );
    match syntax {
        Syntax::Liquid => liquid,
        Syntax::Hugo { .. } => hugo,
        _ => false,
    }
}

/// One call, ready to expand.
pub struct Call<'a> {
    pub syntax: Syntax,
    pub name: &'a str,
    pub args: &'a str,
    pub body: Option<String>,
    pub nth: usize,
}

/// What `call` expands to, given the templates that exist (`has`).
pub fn expand(
    call: Call<'_>,
    page: &Page<'_>,
    has: impl Fn(&str) -> bool,
) -> Result<Expansion, Problem> {
    let markdown_call = matches!(call.syntax, Syntax::Hugo { markdown: true });
    let args = match call.syntax {
        Syntax::Hugo { .. } => args::hugo(call.args),
        Syntax::ZolaCall | Syntax::ZolaBlock => args::zola(call.args).map_err(|e| {
            Problem::new(
                format!("shortcode `{}`: {e}", call.name),
                "Zola arguments are `name=value` pairs: strings in quotes, numbers, true or false",
            )
        })?,
        Syntax::Liquid => args::liquid(call.args),
        Syntax::LiquidOutput => Args::default(),
    };
    if let Some(value) = value(&call, &args, page)? {
        return Ok(value);
    }
    let name = canonical(call.name);
    // A site's template with the name as written (`tweet`) wins over the built-in alias.
    let name = if has(call.name) { call.name } else { name };
    if !has(name) {
        return Err(match call.name.strip_suffix(".inline") {
            Some(_) if matches!(call.syntax, Syntax::Hugo { .. }) => inline_shortcode(call.name),
            _ => unknown(call.name),
        });
    }
    let mut vars = args.named.clone();
    let fixed = normalise(name, call.syntax, &args, call.body.as_deref(), page);
    let code = fixed.contains_key("fence");
    // A Hugo `{{% %}}` call's output is Markdown; the theme's templates already render
    // their body, so theirs is HTML (Markdown would reread a `<pre>` with blank lines).
    let markdown_call = markdown_call && !BUILT_IN.contains(&name);
    vars.extend(fixed);
    vars.insert(
        "args".into(),
        Value::from(
            args.positional
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        ),
    );
    vars.entry("body")
        .or_insert_with(|| Value::from(call.body.unwrap_or_default()));
    vars.insert("nth".into(), Value::from(call.nth));
    Ok(Expansion::Template {
        name: name.to_string(),
        vars,
        markdown: markdown_call || code,
    })
}

fn unknown(name: &str) -> Problem {
    Problem::new(
        format!("unknown shortcode `{name}`"),
        format!(
            "add templates/shortcodes/{name}.html to render it: its arguments are template variables (positional ones in `args`), `body` is the text between its tags"
        ),
    )
}

/// Hugo's inline shortcodes (`{{< x.inline >}}…{{< /x.inline >}}`) are Go templates
/// written in the article; sitegen cannot run Go templates.
fn inline_shortcode(name: &str) -> Problem {
    Problem::new(
        format!("inline shortcode `{name}`: its body is a Go template, which sitegen does not run"),
        format!("write what it does as templates/shortcodes/{name}.html (Tera), or remove it"),
    )
}

/// The calls that are values, not templates.
fn value(call: &Call<'_>, args: &Args, page: &Page<'_>) -> Result<Option<Expansion>, Problem> {
    let first = || args.positional.first().cloned().unwrap_or_default();
    let out = match (call.syntax, call.name) {
        (Syntax::LiquidOutput, _) => {
            return Ok(Some(
                liquid_output(call.args, page).map_or(Expansion::AsWritten, Expansion::Value),
            ));
        }
        (Syntax::Hugo { .. }, "ref" | "relref") => {
            let target = args.get("path", 0).unwrap_or_default();
            Expansion::Value(internal_link(&target))
        }
        (Syntax::Hugo { .. }, "param") => {
            let key = args.get("name", 0).unwrap_or_default();
            let value = param(page, &key).ok_or_else(|| {
                Problem::new(
                    format!("param `{key}` is not set"),
                    format!(
                        "set `{key}` in the article's front matter or under [extra] in config.toml"
                    ),
                )
            })?;
            Expansion::Value(crate::escape::html(&value))
        }
        (Syntax::Liquid, "raw") => Expansion::Markdown(call.body.clone().unwrap_or_default()),
        (Syntax::Liquid, "post_url") => Expansion::Value(format!("@ref:{}", encode(&first()))),
        // Jekyll's `{% link _posts/x.md %}` (Hexo's `link` has a text and a URL).
        (Syntax::Liquid, "link") if args.positional.len() == 1 && !is_url(&first()) => {
            Expansion::Value(format!("@ref:{}", encode(&first())))
        }
        (Syntax::Liquid, "asset_path") => Expansion::Value(encode(&first())),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// A link to another article as the contract with the link resolver writes it: `@/PATH`
/// for a path from `content/` (Hugo's leading `/`), `@ref:NAME` for a lookup.
fn internal_link(target: &str) -> String {
    let target = target.trim();
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, format!("#{}", encode(fragment))),
        None => (target, String::new()),
    };
    match path.strip_prefix('/') {
        Some(path) => format!("@/{}{fragment}", encode(path)),
        None => format!("@ref:{}{fragment}", encode(path)),
    }
}

fn encode(path: &str) -> String {
    crate::slug::encode_path(path)
}

/// A Hugo `param`: the article's front matter, then config.toml's `[extra]`; a dotted
/// name reaches into tables.
fn param(page: &Page<'_>, key: &str) -> Option<String> {
    let mut parts = key.split('.');
    let first = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let from_page = page.params.get(first).and_then(|v| {
        rest.iter()
            .try_fold(v, |v, k| v.get(k))
            .map(args::value_text)
    });
    from_page.or_else(|| {
        let v = page.config.raw.extra.get(first)?;
        let v = rest.iter().try_fold(v, |v, k| v.get(k))?;
        Some(match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    })
}

/// Jekyll's `{{ site.baseurl }}`, `{{ site.url }}` and `{{ "/x" | relative_url }}`; None
/// for any other expression, which is left as written.
fn liquid_output(expr: &str, page: &Page<'_>) -> Option<String> {
    let root = page.config.root_path.trim_end_matches('/');
    match expr {
        "site.baseurl" => return Some(root.to_string()),
        "site.url" => return Some(page.config.origin.clone()),
        _ => {}
    }
    let (value, filter) = expr.split_once('|')?;
    let value = value.trim();
    let quoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
    let path = quoted.trim_start_matches('/');
    match filter.trim() {
        "relative_url" => Some(format!("{root}/{path}")),
        "absolute_url" => Some(format!("{}/{path}", page.config.base_url)),
        _ => None,
    }
}

fn is_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// A URL safe to put in an `href`: http(s), mailto or a path (a path from the root gets
/// the site's root path); anything else (`javascript:`) becomes `#`.
fn safe_url(url: &str, page: &Page<'_>) -> String {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix('/')
        && !rest.starts_with('/')
    {
        return format!("{}{rest}", page.config.root_path);
    }
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        None | Some("http" | "https" | "mailto") => url.to_string(),
        Some(_) => "#".to_string(),
    }
}

/// The fixed variables of built-in `name`.
fn normalise(
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

/// An embed's variables: `url` (the video or post on its site), `title` (empty when the
/// writer gave none), `site` (its name), `id`.
fn embed(id: &str, url: &str, title: &str, site: &str) -> Value {
    json!({"id": id, "url": url, "title": title, "site": site})
}

/// `{{< bilibili BV1xx411c7XX >}}`, `id=`, `bvid=`, `aid=`, an `av` number, a page `p`.
fn bilibili(args: &Args) -> Value {
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
fn gist(args: &Args, liquid: bool) -> Value {
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

/// A code body as a fenced block: the fence is longer than any run of backticks in it.
fn code(lang: &str, body: &str) -> Value {
    let body = body.strip_prefix('\n').unwrap_or(body);
    let body = body.trim_end_matches([' ', '\t', '\n']);
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let lang: String = lang
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '`' && *c != '{')
        .collect();
    let fence = "`".repeat(longest.max(2) + 1);
    json!({"lang": lang, "info": lang, "code": body, "fence": fence})
}

/// Hexo `{% codeblock [title] [lang:x] [url] [link text] [option:value…] %}`.
fn codeblock(args: &Args, body: &str, page: &Page<'_>) -> Value {
    let mut lang = String::new();
    let (mut title, mut url, mut link_text) = (Vec::new(), String::new(), Vec::new());
    for word in &args.positional {
        if let Some(l) = word.strip_prefix("lang:") {
            lang = l.to_string();
        } else if is_option(word) {
        } else if url.is_empty() && is_url(word) {
            url = safe_url(word, page);
        } else if url.is_empty() {
            title.push(word.as_str());
        } else {
            link_text.push(word.as_str());
        }
    }
    let mut v = code(&lang, body);
    v["title"] = Value::from(title.join(" "));
    v["url"] = Value::from(url);
    v["link_text"] = Value::from(link_text.join(" "));
    v
}

/// Hexo's code block options (`line_number:false`, `mark:1,3`), which sitegen does not use.
fn is_option(word: &str) -> bool {
    word.split_once(':').is_some_and(|(k, _)| {
        matches!(
            k,
            "line_number" | "mark" | "first_line" | "highlight" | "wrap" | "line_threshold"
        )
    })
}

/// Hexo `{% asset_img [class…] slug [width] [height] [title [alt]] %}`: the image is in the
/// post's asset folder, which Hexo publishes beside the page, so its URL is relative.
fn asset_img(args: &Args) -> Value {
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
fn img(args: &Args, page: &Page<'_>) -> Value {
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
fn blockquote(args: &Args, body: &str, page: &Page<'_>) -> Value {
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
fn link(args: &Args, page: &Page<'_>) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn config() -> SiteConfig {
        SiteConfig::parse(
            "title = \"t\"\nbase_url = \"https://t.example.com/portal/\"\n[extra]\nbrand = \"科技日报\"\n",
            None,
        )
        .unwrap()
    }

    fn run(
        syntax: Syntax,
        name: &str,
        args: &str,
        body: Option<&str>,
    ) -> Result<Expansion, Problem> {
        let config = config();
        let params = serde_json::json!({"author": {"name": "小李"}});
        let page = Page {
            path: std::path::Path::new("content/a.md"),
            first_line: 1,
            params: params.as_object().unwrap(),
            config: &config,
        };
        let call = Call {
            syntax,
            name,
            args,
            body: body.map(str::to_string),
            nth: 1,
        };
        let set = super::super::Shortcodes::default();
        expand(call, &page, |n| set.has(n))
    }

    fn value(e: Result<Expansion, Problem>) -> String {
        match e {
            Ok(Expansion::Value(v) | Expansion::Markdown(v)) => v,
            Ok(Expansion::Template { name, .. }) => format!("template {name}"),
            Ok(Expansion::AsWritten) => "as written".into(),
            Err(p) => format!("problem {}", p.message),
        }
    }

    fn vars(e: Result<Expansion, Problem>) -> Map<String, Value> {
        match e {
            Ok(Expansion::Template { vars, .. }) => vars,
            _ => panic!("not a template"),
        }
    }

    const HUGO: Syntax = Syntax::Hugo { markdown: false };

    #[test]
    fn values() {
        assert_eq!(
            value(run(HUGO, "ref", "\"/资讯/a b.md#x\"", None)),
            "@/%E8%B5%84%E8%AE%AF/a%20b.md#x"
        );
        assert_eq!(value(run(HUGO, "relref", "a.md", None)), "@ref:a.md");
        assert_eq!(value(run(HUGO, "param", "author.name", None)), "小李");
        assert_eq!(value(run(HUGO, "param", "brand", None)), "科技日报");
        assert_eq!(
            value(run(HUGO, "param", "none", None)),
            "problem param `none` is not set"
        );
        assert_eq!(
            value(run(Syntax::Liquid, "post_url", "2020-01-01-x", None)),
            "@ref:2020-01-01-x"
        );
        assert_eq!(
            value(run(Syntax::Liquid, "link", "_posts/x.md", None)),
            "@ref:_posts/x.md"
        );
        assert_eq!(
            value(run(Syntax::LiquidOutput, "", "site.baseurl", None)),
            "/portal"
        );
        assert_eq!(
            value(run(
                Syntax::LiquidOutput,
                "",
                "\"/img/a.png\" | relative_url",
                None
            )),
            "/portal/img/a.png"
        );
        assert_eq!(
            value(run(Syntax::LiquidOutput, "", "page.title", None)),
            "as written"
        );
        assert_eq!(
            value(run(HUGO, "nope", "", None)),
            "problem unknown shortcode `nope`"
        );
    }

    #[test]
    fn embeds_and_aliases() {
        let v = vars(run(HUGO, "youtube", "dQw4w9WgXcQ", None));
        assert_eq!(v["url"], "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        let v = vars(run(HUGO, "tweet", "user=\"a\" id=\"12\"", None));
        assert_eq!(v["url"], "https://x.com/a/status/12");
        let v = vars(run(HUGO, "bilibili", "BV1GJ411x7h7 3", None));
        assert_eq!(v["url"], "https://www.bilibili.com/video/BV1GJ411x7h7/?p=3");
        let v = vars(run(HUGO, "gist", "spf13 7896402 img.html", None));
        assert_eq!(
            v["url"],
            "https://gist.github.com/spf13/7896402#file-img-html"
        );
        let v = vars(run(
            HUGO,
            "highlight",
            "go \"linenos=table,hl_lines=8 15-17\"",
            Some("x"),
        ));
        assert_eq!(v["info"], "go {linenos=table,hl_lines=8 15-17}");
        let v = vars(run(Syntax::Liquid, "highlight", "ruby linenos", Some("x")));
        assert_eq!(v["info"], "ruby {linenos=true}");
    }

    #[test]
    fn hexo_tags() {
        let v = vars(run(
            Syntax::Liquid,
            "codeblock",
            "main.go lang:go https://go.dev 官网 line_number:false",
            Some("\nfmt.Println(\"```\")\n"),
        ));
        assert_eq!(
            (v["title"].as_str(), v["lang"].as_str(), v["url"].as_str()),
            (Some("main.go"), Some("go"), Some("https://go.dev"))
        );
        assert_eq!(v["link_text"], "官网");
        assert_eq!(v["fence"], "````");
        assert_eq!(v["code"], "fmt.Println(\"```\")");
        let v = vars(run(
            Syntax::Liquid,
            "blockquote",
            "乔布斯, 斯坦福演讲",
            Some("求知若饥"),
        ));
        assert_eq!(
            (v["author"].as_str(), v["source_title"].as_str()),
            (Some("乔布斯"), Some("斯坦福演讲"))
        );
        let v = vars(run(
            Syntax::Liquid,
            "blockquote",
            "Linus https://lkml.org/x 邮件",
            Some("x"),
        ));
        assert_eq!(v["source"], "https://lkml.org/x");
        let v = vars(run(
            Syntax::Liquid,
            "img",
            "left /img/芯片.png 300 200 \"标题\" \"替代\"",
            None,
        ));
        assert_eq!(
            (
                v["class"].as_str(),
                v["src"].as_str(),
                v["width"].as_str(),
                v["alt"].as_str()
            ),
            (
                Some("left"),
                Some("/portal/img/芯片.png"),
                Some("300"),
                Some("替代")
            )
        );
        let v = vars(run(
            Syntax::Liquid,
            "asset_img",
            "发布会.jpg 现场照片",
            None,
        ));
        assert_eq!(v["src"], "%E5%8F%91%E5%B8%83%E4%BC%9A.jpg");
        assert_eq!(v["title"], "现场照片");
        let v = vars(run(
            Syntax::Liquid,
            "link",
            "官方 博客 https://x.org true 标题",
            None,
        ));
        assert_eq!(
            (
                v["text"].as_str(),
                v["external"].as_bool(),
                v["title"].as_str()
            ),
            (Some("官方 博客"), Some(true), Some("标题"))
        );
        let v = vars(run(Syntax::Liquid, "link", "坏 javascript:alert(1)", None));
        assert_eq!(v["url"], "#");
        let v = vars(run(Syntax::Liquid, "post_link", "hello-world", None));
        assert_eq!(
            (v["href"].as_str(), v["text"].as_str()),
            (Some("@ref:hello-world"), Some(""))
        );
    }

    #[test]
    fn built_in_lists_the_theme_templates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/shortcodes");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".html")
                    .to_string()
            })
            .collect();
        names.sort();
        assert_eq!(names, BUILT_IN);
    }

    #[test]
    fn chinese_hugo_theme_shortcodes() {
        let v = vars(run(
            Syntax::Hugo { markdown: true },
            "admonition",
            "warning \"注意\" true",
            Some("**小心**"),
        ));
        assert_eq!(
            (
                v["type"].as_str(),
                v["title"].as_str(),
                v["details"].as_bool()
            ),
            (Some("warning"), Some("注意"), Some(true))
        );
        let v = vars(run(HUGO, "notice", "tip", Some("x")));
        assert_eq!(v["title"], "tip");
        let v = vars(run(HUGO, "expand", "\"展开看看\"", Some("x")));
        assert_eq!(v["summary"], "展开看看");
        let v = vars(run(HUGO, "youku", "XMzQ0ODUxMjM2NA", None));
        assert_eq!(
            v["url"],
            "https://v.youku.com/v_show/id_XMzQ0ODUxMjM2NA.html"
        );
        let v = vars(run(
            Syntax::Hugo { markdown: true },
            "music",
            "\"28196554\"",
            None,
        ));
        assert_eq!(v["url"], "https://music.163.com/#/song?id=28196554");
        // A built-in's `{{% %}}` output is HTML, not Markdown.
        let e = run(Syntax::Hugo { markdown: true }, "center", "", Some("居中"));
        assert!(matches!(
            e,
            Ok(Expansion::Template {
                markdown: false,
                ..
            })
        ));
    }

    #[test]
    fn unsafe_urls_become_hash() {
        let config = config();
        let params = Map::new();
        let page = Page {
            path: std::path::Path::new("a.md"),
            first_line: 1,
            params: &params,
            config: &config,
        };
        assert_eq!(safe_url("javascript:alert(1)", &page), "#");
        assert_eq!(safe_url("https://a.cn/x", &page), "https://a.cn/x");
        assert_eq!(safe_url("/x.png", &page), "/portal/x.png");
        assert_eq!(safe_url("x.png", &page), "x.png");
    }
}
