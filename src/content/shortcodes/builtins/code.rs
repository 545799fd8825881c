//! Code bodies (`highlight`, `codeblock`) as the variables of a fenced block.

use serde_json::{Value, json};

use super::links::{is_url, safe_url};
use crate::content::shortcodes::Page;
use crate::content::shortcodes::args::Args;

/// A code body as a fenced block: the fence is longer than any run of backticks in it.
pub(super) fn code(lang: &str, body: &str) -> Value {
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
pub(super) fn codeblock(args: &Args, body: &str, page: &Page<'_>) -> Value {
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
