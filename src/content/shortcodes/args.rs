//! Shortcode arguments as each generator writes them.
//!
//! - Hugo: `src="a.png" title='图' 3 flag` — named (`key=value`) or positional words, values
//!   quoted with `"`, `'` or `` ` `` or bare.
//! - Zola: `id="x", n=1, ok=true, list=[1, "a"]` — keyword arguments, Tera literals.
//! - Hexo and Jekyll (Liquid tags): `slug "a title" lang:go` — words, quotes grouping.

use serde_json::{Map, Value};

/// The arguments of one call: positional ones in order, named ones by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    pub positional: Vec<String>,
    pub named: Map<String, Value>,
}

impl Args {
    /// Named argument `key` as text, else positional argument `index`.
    pub fn get(&self, key: &str, index: usize) -> Option<String> {
        self.named
            .get(key)
            .map(value_text)
            .or_else(|| self.positional.get(index).cloned())
    }

    /// Named argument `key` as text.
    pub fn named_text(&self, key: &str) -> Option<String> {
        self.named.get(key).map(value_text)
    }
}

/// A value as text: strings without quotes, everything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Splits words separated by whitespace; quotes (removed) group words, as Hexo reads tag
/// arguments.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if matches!(c, '"' | '\'' | '`') {
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            } else {
                word.push(c);
            }
        }
        out.push(word);
    }
    out
}

/// Hugo: `key=value` words are named, other words positional.
pub fn hugo(text: &str) -> Args {
    let mut args = Args::default();
    for word in split_hugo(text) {
        match word {
            (Some(key), value) => {
                args.named.insert(key, Value::String(value));
            }
            (None, value) => args.positional.push(value),
        }
    }
    args
}

/// Hugo words, each with its name when written `name=value`. A name is what comes before
/// `=` when no quote precedes it.
fn split_hugo(text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = word_end(rest);
        let word = &rest[..end];
        rest = rest[end..].trim_start();
        let named = word
            .split_once('=')
            .filter(|(k, _)| !k.is_empty() && !k.contains(['"', '\'', '`']));
        match named {
            Some((key, value)) => out.push((Some(key.to_string()), unquote(value))),
            None => out.push((None, unquote(word))),
        }
    }
    out
}

/// Where the word at the start of `text` ends: at whitespace outside quotes.
fn word_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c.is_whitespace() => return i,
            None => {}
        }
    }
    text.len()
}

/// `"a b"` → `a b`; `\"` inside double quotes is a quote.
fn unquote(word: &str) -> String {
    let Some(first) = word.chars().next() else {
        return String::new();
    };
    if matches!(first, '"' | '\'' | '`') && word.len() >= 2 && word.ends_with(first) {
        let inner = &word[1..word.len() - 1];
        if first == '"' {
            return inner.replace("\\\"", "\"");
        }
        return inner.to_string();
    }
    word.to_string()
}

/// Liquid (Hexo, Jekyll): every word positional, quotes grouping words.
pub fn liquid(text: &str) -> Args {
    Args {
        positional: words(text),
        named: Map::new(),
    }
}

/// Zola: `key=literal` pairs separated by commas. An argument that is not `key=literal`
/// is an error, reported with the text that was not understood.
pub fn zola(text: &str) -> Result<Args, String> {
    let mut args = Args::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .ok_or_else(|| format!("`{}` is not `name=value`", rest.trim()))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not an argument name"));
        }
        let (value, after) = literal(after.trim_start())?;
        args.named.insert(key.to_string(), value);
        rest = after.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(args)
}

/// One Tera literal at the start of `text`, and the text after it.
fn literal(text: &str) -> Result<(Value, &str), String> {
    let first = text.chars().next().ok_or("a value is missing")?;
    if matches!(first, '"' | '\'' | '`') {
        let body = &text[1..];
        let end = body
            .find(first)
            .ok_or_else(|| format!("the string `{text}` is not closed"))?;
        return Ok((Value::String(body[..end].to_string()), &body[end + 1..]));
    }
    if first == '[' {
        let mut items = Vec::new();
        let mut rest = text[1..].trim_start();
        loop {
            if let Some(after) = rest.strip_prefix(']') {
                return Ok((Value::Array(items), after));
            }
            let (item, after) = literal(rest)?;
            items.push(item);
            rest = after.trim_start();
            rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
            if rest.is_empty() {
                return Err("a list is not closed with `]`".into());
            }
        }
    }
    let end = text
        .find(|c: char| c == ',' || c == ']' || c.is_whitespace())
        .unwrap_or(text.len());
    let (word, after) = text.split_at(end);
    let value = match word {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match word.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => match word.parse::<f64>() {
                Ok(f) => Value::from(f),
                Err(_) => return Err(format!("`{word}` is not a string, number or boolean")),
            },
        },
    };
    Ok((value, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hugo_named_and_positional() {
        let a = hugo(r#"src="/img/芯片 图.png" title='发布会' width=600"#);
        assert_eq!(a.named["src"], json!("/img/芯片 图.png"));
        assert_eq!(a.named["title"], json!("发布会"));
        assert_eq!(a.named["width"], json!("600"));
        let b = hugo(r#""dQw4w9WgXcQ" 'a b' bare `raw "q"`"#);
        assert_eq!(b.positional, ["dQw4w9WgXcQ", "a b", "bare", r#"raw "q""#]);
        assert!(b.named.is_empty());
        // `=` inside a quoted positional value is not a name.
        assert_eq!(hugo(r#""a=b""#).positional, ["a=b"]);
        assert_eq!(hugo(r#"t="say \"hi\"""#).named["t"], json!(r#"say "hi""#));
    }

    #[test]
    fn liquid_words_group_quotes() {
        let a = liquid(r#"cover.png "发布会 现场" lang:go"#);
        assert_eq!(a.positional, ["cover.png", "发布会 现场", "lang:go"]);
        assert_eq!(liquid("  ").positional, Vec::<String>::new());
    }

    #[test]
    fn zola_literals() {
        let a = zola(r#"id="abc", n=3, ok=true, r=1.5, list=[1, "x"], s='q'"#).unwrap();
        assert_eq!(a.named["id"], json!("abc"));
        assert_eq!(a.named["n"], json!(3));
        assert_eq!(a.named["ok"], json!(true));
        assert_eq!(a.named["r"], json!(1.5));
        assert_eq!(a.named["list"], json!([1, "x"]));
        assert_eq!(a.named["s"], json!("q"));
        assert_eq!(zola("").unwrap(), Args::default());
        assert!(zola("oops").is_err());
        assert!(zola("a=\"open").is_err());
        assert!(zola("a=bare").is_err());
        assert!(zola("a=[1, 2").is_err());
    }

    #[test]
    fn get_prefers_named() {
        let a = hugo(r#"x id="n""#);
        assert_eq!(a.get("id", 0).as_deref(), Some("n"));
        assert_eq!(a.get("other", 0).as_deref(), Some("x"));
        assert_eq!(a.get("other", 5), None);
    }
}
