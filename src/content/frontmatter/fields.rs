//! Parsed front matter → [`FrontMatter`]: the spellings Hugo, Zola, Hexo and
//! Jekyll use for the same field, and type errors that name the key's line.

use super::parse::{Document, Entry, Node, describe};
use super::{Dialect, FrontMatter, FrontMatterError, Split, Warning};
use serde_json::{Map, Value};

const TERMS: &str = "a list of strings or a string";

/// Maps the parsed keys of `split` onto [`FrontMatter`].
pub(super) fn extract(
    split: &Split<'_>,
    document: Document,
) -> Result<FrontMatter, FrontMatterError> {
    Fields::new(split, document).extract()
}

/// A value moved out of the parsed keys, with the spelling it was found under.
struct Taken {
    key: &'static str,
    at: usize,
    value: Value,
}

/// Moves known keys out of the parsed entries into [`FrontMatter`]; what is left becomes `extra`.
struct Fields<'a> {
    split: &'a Split<'a>,
    entries: Vec<Entry<Value>>,
    /// Zola's `[taxonomies]` table, keeping its keys' offsets for errors.
    taxonomies: Vec<Entry<Value>>,
    /// Keys written twice: (key, offset of the value used).
    repeated: Vec<(String, usize)>,
}

impl<'a> Fields<'a> {
    fn new(split: &'a Split<'a>, document: Document) -> Self {
        let mut entries = Vec::with_capacity(document.len());
        let mut taxonomies = Vec::new();
        let mut repeated = Vec::new();
        for Entry {
            key,
            at,
            value,
            repeated: again,
        } in document
        {
            if again {
                repeated.push((key.clone(), at));
            }
            match value {
                Node::Plain(Value::Null) => {}
                Node::Table(table) if key == "taxonomies" => taxonomies = table,
                node => entries.push(Entry {
                    key,
                    at,
                    value: node.into_value(),
                    repeated: again,
                }),
            }
        }
        Self {
            split,
            entries,
            taxonomies,
            repeated,
        }
    }

    fn extract(mut self) -> Result<FrontMatter, FrontMatterError> {
        let named_at = self.name_offsets();
        let (date, date_line) = self.text_with_line(&["date"])?;
        let (updated, updated_line) =
            self.text_with_line(&["updated", "lastmod", "last_modified_at"])?;
        let mut front = FrontMatter {
            title: self.text(&["title"])?,
            date,
            date_line,
            updated,
            updated_line,
            authors: self.authors()?,
            author: None,
            source: self.text(&["source"])?,
            original_title: self.text(&["original_title"])?,
            seo_title: self.text(&["seo_title", "title_tag", "meta_title"])?,
            keywords: split_keywords(self.terms(&["keywords"], None)?),
            summary: self.text(&["summary", "description", "excerpt"])?,
            tags: self.terms(&["tags"], Some("tags"))?,
            categories: self.terms(&["categories", "category"], Some("categories"))?,
            slug: self.text(&["slug"])?,
            path: self.text(&["path", "permalink", "url"])?,
            draft: self.draft()?,
            aliases: self.terms(&["aliases", "redirect_from"], None)?,
            cover: self.cover()?,
            weight: self.weight(),
            series: self.terms(&["series"], Some("series"))?,
            series_order: self.integer_field(&["series_order", "series_weight"]),
            pinned: self.pinned()?,
            extra: Map::new(),
            warnings: self.repeated_warnings(),
        };
        if !front.authors.is_empty() {
            front.author = non_blank(join_names(front.authors.clone()));
        }
        front
            .warnings
            .extend(self.unsluggable(&named_at, &front.series, &front.authors));
        front.extra = self.into_extra();
        Ok(front)
    }

    /// Where `series` and `authors` (or `author`) are written, top level or in Zola's
    /// `[taxonomies]`, for warnings about the names they hold.
    fn name_offsets(&self) -> [Option<usize>; 2] {
        let at = |keys: &[&str], taxonomy: &str| {
            keys.iter()
                .find_map(|&k| self.entries.iter().find(|e| e.key == k))
                .or_else(|| self.taxonomies.iter().find(|e| e.key == taxonomy))
                .map(|e| e.at)
        };
        [
            at(&["series"], "series"),
            at(&["authors", "author"], "authors"),
        ]
    }

    /// A 专题 or author whose name has nothing left after slugging gets no page (it
    /// would have no URL); the writer should know why the article is not listed.
    fn unsluggable(
        &self,
        at: &[Option<usize>; 2],
        series: &[String],
        authors: &[String],
    ) -> Vec<Warning> {
        let lists = [("series", series, at[0]), ("author", authors, at[1])];
        lists
            .into_iter()
            .flat_map(|(what, names, at)| {
                names
                    .iter()
                    .filter(|n| crate::slug::slugify(n).is_empty())
                    .map(move |n| (what, n, at))
            })
            .map(|(what, name, at)| {
                let (line, col) = at.map_or((self.split.front_line, 1), |at| {
                    self.split.file_position(at)
                });
                Warning {
                    line,
                    col,
                    message: format!(
                        "the {what} name `{}` has no letters or digits to make a URL from: it gets no page",
                        name.escape_debug()
                    ),
                    hint: "use a name with letters, digits or Chinese characters",
                }
            })
            .collect()
    }

    /// Jekyll lets the last of a repeated key win, and so does sitegen; a writer should
    /// still know that the first one was ignored.
    fn repeated_warnings(&self) -> Vec<Warning> {
        self.repeated
            .iter()
            .map(|(key, at)| {
                let (line, col) = self.split.file_position(*at);
                Warning {
                    line,
                    col,
                    message: format!("`{key}` is set more than once: the last value is used"),
                    hint: "remove the other lines that set it",
                }
            })
            .collect()
    }

    /// Removes the first present key of `keys` (the preferred spelling wins;
    /// the others stay in `extra` for templates that want them).
    fn take(&mut self, keys: &[&'static str]) -> Option<Taken> {
        let (key, entry) = keys
            .iter()
            .find_map(|&key| Some((key, remove(&mut self.entries, key)?)))?;
        Some(Taken {
            key,
            at: entry.at,
            value: entry.value,
        })
    }

    fn type_error(&self, key: &str, at: usize, expected: &str, found: &Value) -> FrontMatterError {
        let example = match self.split.dialect {
            Dialect::Toml => format!("write it as {key} = {}", toml_example(expected)),
            _ => format!("write it as {key}: {}", yaml_example(expected)),
        };
        FrontMatterError::at(
            self.split.file_position(at),
            format!(
                "`{key}` must be {expected}, found {}",
                describe(found, self.split.dialect)
            ),
            &example,
        )
    }

    fn text(&mut self, keys: &[&'static str]) -> Result<Option<String>, FrontMatterError> {
        self.text_with_line(keys).map(|(text, _)| text)
    }

    /// A scalar as text plus the file line of its key (`front_line` when absent).
    fn text_with_line(
        &mut self,
        keys: &[&'static str],
    ) -> Result<(Option<String>, usize), FrontMatterError> {
        let Some(Taken { key, at, value }) = self.take(keys) else {
            return Ok((None, self.split.front_line));
        };
        match scalar_text(&value) {
            Some(text) => Ok((non_blank(text), self.split.file_position(at).0)),
            None => Err(self.type_error(key, at, "a string", &value)),
        }
    }

    /// `authors` (Zola, Hugo's taxonomy; also `[taxonomies] authors`), else `author`:
    /// each a string, a list of names or a table with `name`. Names are trimmed, blanks
    /// and repeats dropped.
    fn authors(&mut self) -> Result<Vec<String>, FrontMatterError> {
        let taxonomy = remove(&mut self.taxonomies, "authors").filter(|e| !e.value.is_null());
        let Some(Taken { key, at, value }) =
            self.take(&["authors", "author"])
                .or(taxonomy.map(|e| Taken {
                    key: "authors",
                    at: e.at,
                    value: e.value,
                }))
        else {
            return Ok(Vec::new());
        };
        let names = match &value {
            Value::Array(items) => items.iter().map(author_name).collect::<Option<Vec<_>>>(),
            single => author_name(single).map(|name| vec![name]),
        };
        match names {
            Some(names) => {
                let mut out: Vec<String> = Vec::with_capacity(names.len());
                for name in names {
                    let name = name.trim();
                    if !name.is_empty() && !out.iter().any(|n| n == name) {
                        out.push(name.to_string());
                    }
                }
                Ok(out)
            }
            None => Err(self.type_error(
                key,
                at,
                "a string, a list of names or a table with `name`",
                &value,
            )),
        }
    }

    /// Terms from every key in `keys` plus `[taxonomies] <taxonomy>`, in that order.
    fn terms(
        &mut self,
        keys: &[&'static str],
        taxonomy: Option<&str>,
    ) -> Result<Vec<String>, FrontMatterError> {
        let mut found = Vec::new();
        for &key in keys {
            if let Some(entry) = remove(&mut self.entries, key) {
                self.collect_terms(&entry, &mut found)?;
            }
        }
        if let Some(taxonomy) = taxonomy
            && let Some(entry) = remove(&mut self.taxonomies, taxonomy)
            && !entry.value.is_null()
        {
            self.collect_terms(&entry, &mut found)?;
        }
        Ok(clean_terms(found))
    }

    fn collect_terms(
        &self,
        entry: &Entry<Value>,
        out: &mut Vec<String>,
    ) -> Result<(), FrontMatterError> {
        match &entry.value {
            Value::String(text) => out.push(text.clone()),
            Value::Array(items) if flatten_terms(items, out) => {}
            other => return Err(self.type_error(&entry.key, entry.at, TERMS, other)),
        }
        Ok(())
    }

    /// `draft`, or `published: false`; YAML 1.1 spellings (`yes`, `off`) still count.
    fn draft(&mut self) -> Result<bool, FrontMatterError> {
        let mut draft = false;
        if let Some(Taken { key, at, value }) = self.take(&["draft"]) {
            draft =
                flag(&value).ok_or_else(|| self.type_error(key, at, "true or false", &value))?;
        }
        if let Some(published) = get(&self.entries, "published").and_then(flag) {
            remove(&mut self.entries, "published");
            draft |= !published;
        }
        Ok(draft)
    }

    fn cover(&mut self) -> Result<Option<String>, FrontMatterError> {
        let Some(Taken { key, at, value }) = self.take(&["cover", "image", "featured_image"])
        else {
            return Ok(None);
        };
        let first = match &value {
            Value::Array(items) => items.first().unwrap_or(&Value::Null),
            other => other,
        };
        match first {
            Value::Null => Ok(None),
            other => match image_text(other) {
                Some(text) => Ok(non_blank(text)),
                None => Err(self.type_error(
                    key,
                    at,
                    "a string or a table with `image` or `src`",
                    &value,
                )),
            },
        }
    }

    /// `pinned` (also Hugo's and Hexo themes' `sticky`, `top`): an editors' pick.
    fn pinned(&mut self) -> Result<bool, FrontMatterError> {
        match self.take(&["pinned", "sticky", "top"]) {
            None => Ok(false),
            Some(Taken { key, at, value }) => match &value {
                // Hexo's `top: 100` and `sticky: 2` are priorities: any positive one pins.
                Value::Number(n) => Ok(n.as_f64().is_some_and(|n| n > 0.0)),
                other => {
                    flag(other).ok_or_else(|| self.type_error(key, at, "true or false", other))
                }
            },
        }
    }

    /// The first of `keys` holding an integer; anything else stays in `extra`.
    fn integer_field(&mut self, keys: &[&'static str]) -> Option<i64> {
        let (key, n) = keys
            .iter()
            .find_map(|&key| Some((key, integer(get(&self.entries, key)?)?)))?;
        remove(&mut self.entries, key);
        Some(n)
    }

    /// Only integers become the weight; anything else stays in `extra` untouched.
    fn weight(&mut self) -> Option<i64> {
        let (key, weight) = ["weight", "order"]
            .into_iter()
            .find_map(|key| Some((key, integer(get(&self.entries, key)?)?)))?;
        remove(&mut self.entries, key);
        Some(weight)
    }

    /// Remaining keys, with Zola `[extra]` and Hugo `[params]` tables merged
    /// in (their entries win, as they were written specifically for templates).
    fn into_extra(self) -> Map<String, Value> {
        let mut map: Map<String, Value> = self
            .entries
            .into_iter()
            .map(|entry| (entry.key, entry.value))
            .collect();
        if !self.taxonomies.is_empty() {
            let taxonomies = Node::Table(self.taxonomies).into_value();
            map.insert("taxonomies".to_string(), taxonomies);
        }
        for table in ["extra", "params"] {
            if matches!(map.get(table), Some(Value::Object(_)))
                && let Some(Value::Object(entries)) = map.remove(table)
            {
                map.extend(entries);
            }
        }
        map
    }
}

fn get<'v>(entries: &'v [Entry<Value>], key: &str) -> Option<&'v Value> {
    entries
        .iter()
        .find(|entry| entry.key == key)
        .map(|entry| &entry.value)
}

/// Removes `key`, keeping the others in source order.
fn remove(entries: &mut Vec<Entry<Value>>, key: &str) -> Option<Entry<Value>> {
    let index = entries.iter().position(|entry| entry.key == key)?;
    Some(entries.remove(index))
}

fn toml_example(expected: &str) -> &'static str {
    match expected {
        TERMS => "[\"a\", \"b\"]",
        "true or false" => "true",
        "a string or a table with `image` or `src`" => "\"cover.jpg\"",
        _ => "\"…\"",
    }
}

fn yaml_example(expected: &str) -> &'static str {
    match expected {
        TERMS => "[a, b]",
        "true or false" => "true",
        "a string or a table with `image` or `src`" => "cover.jpg",
        _ => "\"…\"",
    }
}

/// Strings, numbers and booleans as text; `title: 2024` is a title, not an error.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Empty values mean "not set", like `updated:` in Hexo scaffolds.
fn non_blank(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

fn author_name(value: &Value) -> Option<String> {
    match value {
        Value::Object(table) => table.get("name").and_then(scalar_text),
        other => scalar_text(other),
    }
}

fn join_names(names: Vec<String>) -> String {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    names.join("、")
}

/// Pushes scalars (numbers and booleans as text) and flattens nested lists
/// (Hexo's `[[parent, child]]`); false when a table is found.
fn flatten_terms(items: &[Value], out: &mut Vec<String>) -> bool {
    items.iter().all(|item| match item {
        Value::Null => true,
        Value::Array(nested) => flatten_terms(nested, out),
        scalar => match scalar_text(scalar) {
            Some(text) => {
                out.push(text);
                true
            }
            None => false,
        },
    })
}

/// Trims, drops empty terms and exact duplicates, keeping first occurrences.
pub(super) fn clean_terms(terms: Vec<String>) -> Vec<String> {
    let mut clean: Vec<String> = Vec::with_capacity(terms.len());
    for term in terms {
        let term = term.trim();
        if !term.is_empty() && !clean.iter().any(|seen| seen == term) {
            clean.push(term.to_string());
        }
    }
    clean
}

/// Booleans, plus the YAML 1.1 words that Jekyll and Hexo still treat as booleans.
fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Some(true),
            "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn image_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(table) => ["image", "src"]
            .into_iter()
            .find_map(|key| table.get(key).and_then(scalar_text)),
        _ => None,
    }
}

/// Integers, and digit strings such as `08` that YAML keeps as text.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => {
            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
            let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            if all_digits { text.parse().ok() } else { None }
        }
        _ => None,
    }
}

/// `keywords: "大模型, 开源，xAI"` is one string in Hexo and Hugo front matter: split it
/// at ASCII and full-width commas and 、.
fn split_keywords(found: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in found.iter().flat_map(|k| k.split([',', '，', '、'])) {
        let word = word.trim();
        if !word.is_empty() && !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{load, load_err, strings};
    use serde_json::json;

    #[test]
    fn toml_fields_and_zola_tables() {
        let text = r#"+++
title = "Zola post"
date = 2024-03-11T09:30:00+08:00
updated = 2024-03-12
description = "Short"
weight = 3
draft = true
aliases = "/old/"
[taxonomies]
tags = ["rust", " web ", "rust", ""]
categories = ["tech"]
series = ["s1"]
[extra]
cover_alt = "alt"
local = 2024-03-11T09:30:00
+++
"#;
        let front = load(text);
        assert_eq!(front.title.as_deref(), Some("Zola post"));
        assert_eq!(front.date.as_deref(), Some("2024-03-11T09:30:00+08:00"));
        assert_eq!((front.date_line, front.updated_line), (3, 4));
        assert_eq!(front.updated.as_deref(), Some("2024-03-12"));
        assert_eq!(front.summary.as_deref(), Some("Short"));
        assert_eq!(front.weight, Some(3));
        assert!(front.draft);
        assert_eq!(front.aliases, strings(&["/old/"]));
        assert_eq!(front.tags, strings(&["rust", "web"]));
        assert_eq!(front.categories, strings(&["tech"]));
        assert_eq!(front.extra.get("cover_alt"), Some(&json!("alt")));
        assert_eq!(
            front.extra.get("local"),
            Some(&json!("2024-03-11T09:30:00"))
        );
        assert_eq!(front.series, strings(&["s1"]));
        assert_eq!(front.extra.get("taxonomies"), None);
        assert!(!front.extra.contains_key("extra"));
    }

    #[test]
    fn yaml_fields_and_aliases() {
        let text = "---
title: 2024
date: 2024-03-11 09:30:00 +0800
lastmod: 2024-03-12
last_modified_at: 2024-03-13
author: [Alice, Bob]
source: https://example.com
original_title: Original
excerpt: Ex
tags: [2024, AI, true]
category: News
slug: my-slug
permalink: /p/1/
published: false
redirect_from:
  - /a/
  - /b/
image:
  src: /img/c.png
order: 08
keywords: [x, y]
params:
  mood: happy
---
";
        let front = load(text);
        assert_eq!(front.title.as_deref(), Some("2024"));
        assert_eq!(front.date.as_deref(), Some("2024-03-11 09:30:00 +0800"));
        assert_eq!(front.updated.as_deref(), Some("2024-03-12"));
        assert_eq!(front.updated_line, 4);
        assert_eq!(front.author.as_deref(), Some("Alice、Bob"));
        assert_eq!(front.source.as_deref(), Some("https://example.com"));
        assert_eq!(front.original_title.as_deref(), Some("Original"));
        assert_eq!(front.summary.as_deref(), Some("Ex"));
        assert_eq!(front.tags, strings(&["2024", "AI", "true"]));
        assert_eq!(front.categories, strings(&["News"]));
        assert_eq!(front.slug.as_deref(), Some("my-slug"));
        assert_eq!(front.path.as_deref(), Some("/p/1/"));
        assert!(front.draft);
        assert_eq!(front.aliases, strings(&["/a/", "/b/"]));
        assert_eq!(front.cover.as_deref(), Some("/img/c.png"));
        assert_eq!(front.weight, Some(8));
        assert_eq!(front.keywords, strings(&["x", "y"]));
        assert_eq!(front.extra.get("keywords"), None, "a field now, not extra");
        assert_eq!(
            front.extra.get("last_modified_at"),
            Some(&json!("2024-03-13"))
        );
        assert_eq!(front.extra.get("mood"), Some(&json!("happy")));
        assert!(!front.extra.contains_key("published"));
    }

    #[test]
    fn empty_values_are_absent() {
        let front = load("---\ntitle: Hi\nupdated:\ndate:\ntags:\nsummary: ''\n---\n");
        assert_eq!(front.updated, None);
        assert_eq!(front.date, None);
        assert_eq!(front.summary, None);
        assert_eq!((front.date_line, front.updated_line), (2, 2));
        assert!(front.tags.is_empty());
        assert!(front.extra.is_empty());
    }

    #[test]
    fn categories_string_while_tags_list() {
        let front = load("---\ncategories: 科技\ntags:\n  - AI\n  - 芯片\n---\n");
        assert_eq!(front.categories, strings(&["科技"]));
        assert_eq!(front.tags, strings(&["AI", "芯片"]));
    }

    #[test]
    fn hexo_nested_categories_flatten_in_order() {
        let front =
            load("---\ncategories:\n- [Diary, PlayStation]\n- [Diary, Games]\n- Life\n---\n");
        assert_eq!(
            front.categories,
            strings(&["Diary", "PlayStation", "Games", "Life"])
        );
    }

    #[test]
    fn author_and_cover_shapes() {
        assert_eq!(
            load("---\nauthor:\n  name: 张三\n---\n").author.as_deref(),
            Some("张三")
        );
        assert_eq!(
            load("+++\nauthor = 42\n+++\n").author.as_deref(),
            Some("42")
        );
        assert_eq!(
            load("---\ncover: [a.png, b.png]\n---\n").cover.as_deref(),
            Some("a.png")
        );
        assert_eq!(
            load("---\ncover:\n  image: c.jpg\n---\n").cover.as_deref(),
            Some("c.jpg")
        );
        assert_eq!(
            load("---\nfeatured_image: f.jpg\n---\n").cover.as_deref(),
            Some("f.jpg")
        );
        assert_eq!(load("---\ncover: []\n---\n").cover, None);
        let e = load_err("---\ntitle: x\nauthor:\n  email: a@b\n---\n");
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("`author` must be"), "{}", e.message);
    }

    #[test]
    fn wrong_types_name_key_and_line() {
        let e = load_err("+++\ntitle = \"x\"\n\ntags = 5\n+++\n");
        assert_eq!(
            e.message,
            "`tags` must be a list of strings or a string, found a number"
        );
        assert_eq!((e.line, e.col), (4, 1));
        assert_eq!(e.hint.as_deref(), Some("write it as tags = [\"a\", \"b\"]"));
        let e = load_err("+++\ntitle = \"x\"\n[taxonomies]\ncategories = [{a = 1}]\n+++\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                4,
                "`categories` must be a list of strings or a string, found a list"
            )
        );
        let e = load_err("---\ntitle: [a]\n---\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "`title` must be a string, found a list")
        );
        let e = load_err("---\na: 1\ndraft: maybe\n---\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "`draft` must be true or false, found a string")
        );
        let e = load_err("---\ndate:\n  day: 1\n---\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "`date` must be a string, found a mapping")
        );
        let e = load_err("---\n- a\n- b\n---\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "front matter must be `key: value` lines, found a list")
        );
    }

    #[test]
    fn key_lines_come_from_the_parsers() {
        let e = load_err("+++\ntitle = \"x\"\n[taxonomies]\n  tags = 5\n[extra]\ntags = 1\n+++\n");
        assert_eq!((e.line, e.col), (4, 3));
        let e = load_err("\n---\n# c\ntitle: x\ntaxonomies:\n  # c\n  tags: 1\n---\n");
        assert_eq!((e.line, e.col), (7, 3));
        let front =
            load("---\n# c\ntitle: x\n\"date\": 2024-01-01\nupdated:\n  '2024-01-02'\n---\n");
        assert_eq!((front.date_line, front.updated_line), (4, 5));
        let front = load("+++\ntitle = \"x\"\n\n'date' = 2024-01-01\n+++\n");
        assert_eq!((front.date_line, front.updated_line), (4, 2));
    }
}
