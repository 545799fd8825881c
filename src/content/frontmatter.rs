// TEMPORARY STUB (lead) — replaced by the front-matter helper's implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect { Toml, Yaml, None }
#[derive(Debug)]
pub struct Split<'a> { pub dialect: Dialect, pub front: &'a str, pub front_line: usize, pub body: &'a str, pub body_line: usize }
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError { pub line: usize, pub col: usize, pub message: String, pub hint: Option<String> }
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>, pub date: Option<String>, pub date_line: usize, pub updated: Option<String>, pub updated_line: usize,
    pub author: Option<String>, pub source: Option<String>, pub original_title: Option<String>, pub summary: Option<String>,
    pub tags: Vec<String>, pub categories: Vec<String>, pub slug: Option<String>, pub path: Option<String>, pub draft: bool,
    pub aliases: Vec<String>, pub cover: Option<String>, pub weight: Option<i64>, pub extra: serde_json::Map<String, serde_json::Value>,
}
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    if let Some(rest) = text.strip_prefix("+++\n") {
        if let Some(end) = rest.find("\n+++") {
            let body = rest[end + 4..].trim_start_matches('\n');
            return Ok(Split { dialect: Dialect::Toml, front: &rest[..end], front_line: 2, body, body_line: 1 });
        }
    }
    Ok(Split { dialect: Dialect::None, front: "", front_line: 1, body: text, body_line: 1 })
}
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, FrontMatterError> {
    let t: toml::Table = toml::from_str(split.front).map_err(|e| FrontMatterError { line: 1, col: 1, message: e.to_string(), hint: None })?;
    let s = |k: &str| t.get(k).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()));
    let l = |k: &str| t.get(k).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default();
    Ok(FrontMatter { title: s("title"), date: s("date"), tags: l("tags"), categories: l("categories"), slug: s("slug"), source: s("source"), original_title: s("original_title"), author: s("author"), cover: s("cover"), draft: t.get("draft").and_then(|v| v.as_bool()).unwrap_or(false), ..Default::default() })
}
