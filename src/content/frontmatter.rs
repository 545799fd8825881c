//! Front matter: finding it in a file and reading it into known fields.
//!
//! Content migrated from Hugo, Zola, Hexo and Jekyll must load unchanged, so
//! this module accepts each generator's conventions side by side: TOML
//! (`+++`) and YAML (`---`) blocks, Hexo files that omit the opening `---`,
//! and the many names the generators use for the same idea (`lastmod`,
//! `last_modified_at`, `description`, `[taxonomies]`, `published: false`…).
//! Every error points at a line of the original file, because authors fix
//! files, not parser buffers.

use serde_json::{Map, Value};
use std::fmt;

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Toml,
    Yaml,
    None,
}

/// The front matter and body of one file. `text` is already BOM-stripped and uses `\n` line endings.
#[derive(Debug)]
pub struct Split<'a> {
    pub dialect: Dialect,
    /// Text between the delimiters (`""` for [`Dialect::None`]).
    pub front: &'a str,
    /// 1-based line number in the file of the first line of `front`.
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// A problem in the front matter, located in the file (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl FrontMatterError {
    fn at(line: usize, message: String, hint: String) -> Self {
        Self {
            line,
            col: 1,
            message,
            hint: Some(hint),
        }
    }
}

impl fmt::Display for FrontMatterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )?;
        match &self.hint {
            Some(hint) => write!(f, " (hint: {hint})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for FrontMatterError {}

/// The known fields of one page's front matter; everything else is in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// Raw text; TOML date-times and numbers are converted to their text form.
    pub date: Option<String>,
    /// Line of the `date` key in the file; `front_line` if unknown.
    pub date_line: usize,
    /// `updated`, else `lastmod` (Hugo), else `last_modified_at` (Jekyll).
    pub updated: Option<String>,
    pub updated_line: usize,
    /// A string; a list of names joined with "、"; a table's `name`.
    pub author: Option<String>,
    pub source: Option<String>,
    pub original_title: Option<String>,
    /// `summary`, else `description`, else `excerpt`.
    pub summary: Option<String>,
    /// Top-level `tags` and Zola `[taxonomies] tags`.
    pub tags: Vec<String>,
    /// `categories`, Jekyll `category`, Zola `[taxonomies] categories`; Hexo nested lists flattened.
    pub categories: Vec<String>,
    pub slug: Option<String>,
    /// `path`, else `permalink`, else `url`.
    pub path: Option<String>,
    /// `draft: true`, or Hexo/Jekyll `published: false`.
    pub draft: bool,
    /// `aliases` plus Jekyll `redirect_from`.
    pub aliases: Vec<String>,
    /// `cover`, else `image`, else `featured_image`.
    pub cover: Option<String>,
    /// `weight`, else `order`, when it is an integer.
    pub weight: Option<i64>,
    /// Every other key as written, plus the contents of Zola `[extra]` and Hugo `[params]`.
    pub extra: Map<String, Value>,
}

// ---------------------------------------------------------------------------
// Splitting
// ---------------------------------------------------------------------------

/// One line of the file with its byte range, so splits can slice exactly.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    start: usize,
    next: usize,
    text: &'a str,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n')
        .enumerate()
        .map(move |(index, raw)| {
            let line = Line {
                number: index + 1,
                start,
                next: start + raw.len(),
                text: raw.strip_suffix('\n').unwrap_or(raw),
            };
            start = line.next;
            line
        })
}

/// Separates front matter from body.
///
/// Blank lines may precede the opening delimiter because editors and
/// converters often leave them. Hexo's delimiter-less form is recognised only
/// when every line before the `---` looks like YAML, so an ordinary Markdown
/// file with a horizontal rule is never mistaken for front matter.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let Some(first) = lines(text).find(|line| !line.text.trim().is_empty()) else {
        return Ok(no_front_matter(text));
    };
    match first.text.trim_end() {
        "+++" => delimited(text, first, Dialect::Toml),
        "---" => delimited(text, first, Dialect::Yaml),
        _ => Ok(bare_yaml(text, first).unwrap_or_else(|| no_front_matter(text))),
    }
}

fn no_front_matter(text: &str) -> Split<'_> {
    Split {
        dialect: Dialect::None,
        front: "",
        front_line: 1,
        body: text,
        body_line: 1,
    }
}

/// A block opened by `open`; YAML may also close with `...` (YAML's own end-of-document marker).
fn delimited<'a>(
    text: &'a str,
    open: Line<'a>,
    dialect: Dialect,
) -> Result<Split<'a>, FrontMatterError> {
    let closers: &[&str] = match dialect {
        Dialect::Toml => &["+++"],
        _ => &["---", "..."],
    };
    let close = lines(text)
        .skip(open.number)
        .find(|line| closers.contains(&line.text.trim_end()));
    let Some(close) = close else {
        let delimiter = open.text.trim_end();
        return Err(FrontMatterError::at(
            open.number,
            format!(
                "front matter opened with `{delimiter}` on line {} is never closed",
                open.number
            ),
            format!("add a line `{delimiter}` after the last front-matter key"),
        ));
    };
    Ok(Split {
        dialect,
        front: text.get(open.next..close.start).unwrap_or_default(),
        front_line: open.number + 1,
        body: text.get(close.next..).unwrap_or_default(),
        body_line: close.number + 1,
    })
}

/// Hexo allows front matter without the opening `---`.
fn bare_yaml<'a>(text: &'a str, first: Line<'a>) -> Option<Split<'a>> {
    if !is_key_line(first.text) {
        return None;
    }
    let close = lines(text)
        .skip(first.number)
        .find(|line| line.text.trim_end() == "---" || !is_bare_front_line(line.text))
        .filter(|line| line.text.trim_end() == "---")?;
    Some(Split {
        dialect: Dialect::Yaml,
        front: text.get(..close.start).unwrap_or_default(),
        front_line: 1,
        body: text.get(close.next..).unwrap_or_default(),
        body_line: close.number + 1,
    })
}

/// `^[A-Za-z_][A-Za-z0-9_-]*:( |$)`, written out to avoid a regex dependency.
fn is_key_line(line: &str) -> bool {
    let mut chars = line.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return false;
    }
    let rest = chars
        .as_str()
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match rest.strip_prefix(':') {
        Some(after) => after.is_empty() || after.starts_with([' ', '\t']),
        None => false,
    }
}

/// Lines that may appear in a delimiter-less Hexo block: keys, list items
/// (indented or not, as YAML allows both under a key), continuations, comments.
fn is_bare_front_line(line: &str) -> bool {
    line.trim().is_empty()
        || is_key_line(line)
        || line.starts_with([' ', '\t', '#'])
        || line.starts_with("- ")
        || line.trim_end() == "-"
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Parses the front matter of `split` into the fields above.
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, FrontMatterError> {
    let source = Source {
        front: split.front,
        front_line: split.front_line,
        dialect: split.dialect,
    };
    let map = match split.dialect {
        Dialect::None => Map::new(),
        Dialect::Toml => source.parse_toml()?,
        Dialect::Yaml => source.parse_yaml()?,
    };
    Fields::new(source, map).extract()
}

/// The front-matter text and where it sits in the file.
#[derive(Debug, Clone, Copy)]
struct Source<'a> {
    front: &'a str,
    front_line: usize,
    dialect: Dialect,
}

impl Source<'_> {
    fn parse_toml(&self) -> Result<Map<String, Value>, FrontMatterError> {
        match toml::from_str::<toml::Table>(self.front) {
            Ok(table) => Ok(table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect()),
            Err(error) => Err(self.toml_error(&error)),
        }
    }

    fn toml_error(&self, error: &toml::de::Error) -> FrontMatterError {
        let (line, col) = error
            .span()
            .map_or((1, 1), |span| position(self.front, span.start));
        let message = first_line(error.message());
        let hint = if message.contains("duplicate") {
            "each key may appear only once per table"
        } else {
            "TOML front matter is `key = value` lines; strings need quotes: title = \"…\""
        };
        FrontMatterError {
            line: self.front_line + line - 1,
            col,
            message: message.to_string(),
            hint: Some(hint.to_string()),
        }
    }

    fn parse_yaml(&self) -> Result<Map<String, Value>, FrontMatterError> {
        match serde_saphyr::from_str_with_options::<Value>(self.front, yaml_options()) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(Value::Null) => Ok(Map::new()),
            Ok(other) => Err(FrontMatterError::at(
                self.front_line,
                format!(
                    "front matter must be `key: value` lines, found {}",
                    self.kind(&other)
                ),
                "write one `key: value` per line, e.g. title: Hello".to_string(),
            )),
            Err(error) => Err(self.yaml_error(&error)),
        }
    }

    fn yaml_error(&self, error: &serde_saphyr::Error) -> FrontMatterError {
        let (line, col) = error.location().map_or((1, 1), |at| {
            let line = usize::try_from(at.line()).unwrap_or(1).max(1);
            (line, usize::try_from(at.column()).unwrap_or(1).max(1))
        });
        let text = error.to_string();
        let message = first_line(&text);
        let message = message
            .rfind(" at line ")
            .map_or(message, |at| message.get(..at).unwrap_or(message));
        let tabbed = self
            .front
            .lines()
            .nth(line - 1)
            .is_some_and(|l| l.contains('\t'));
        let hint = if tabbed {
            "YAML indentation must use spaces, not tabs"
        } else {
            "check indentation and quote values that contain ': '"
        };
        FrontMatterError {
            line: self.front_line + line - 1,
            col,
            message: message.to_string(),
            hint: Some(hint.to_string()),
        }
    }

    /// Names a value's type the way the author's syntax calls it.
    fn kind(&self, value: &Value) -> &'static str {
        match value {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) if self.dialect == Dialect::Toml => "a table",
            Value::Object(_) => "a mapping",
        }
    }

    /// 1-based file line of `key`, top-level or inside `section` (Zola
    /// `[taxonomies]`); falls back to the section's line, then `front_line`.
    fn key_line(&self, section: Option<&str>, key: &str) -> usize {
        let found = self.find_key(section, key);
        let found = found.or_else(|| section.and_then(|name| self.find_key(None, name)));
        found.map_or(self.front_line, |index| self.front_line + index)
    }

    /// 0-based index of the line defining `key` within `section`.
    fn find_key(&self, section: Option<&str>, key: &str) -> Option<usize> {
        let mut current: Option<&str> = None;
        for (index, line) in self.front.lines().enumerate() {
            let trimmed = line.trim_start();
            let top_level = trimmed.len() == line.len();
            if self.dialect == Dialect::Toml && trimmed.starts_with('[') {
                current = trimmed
                    .trim_start_matches('[')
                    .split(']')
                    .next()
                    .map(str::trim);
                // `[taxonomies]` is where the top-level key `taxonomies` is defined.
                if section.is_none() && current == Some(key) {
                    return Some(index);
                }
                continue;
            }
            let candidate = match self.dialect {
                Dialect::Toml => current == section,
                _ => {
                    (section.is_none() && top_level)
                        || (section.is_some() && !top_level && current == section)
                }
            };
            if candidate && defines_key(trimmed, key, self.dialect) {
                return Some(index);
            }
            if self.dialect != Dialect::Toml
                && top_level
                && !trimmed.is_empty()
                && !trimmed.starts_with('#')
            {
                current = trimmed.split(':').next().map(str::trim);
            }
        }
        None
    }
}

/// Whether `line` (left-trimmed) starts `key =` / `key:` (quoted or dotted keys too).
fn defines_key(line: &str, key: &str, dialect: Dialect) -> bool {
    let separator = if dialect == Dialect::Toml { '=' } else { ':' };
    let unquoted = line.strip_prefix(key);
    let rest = unquoted
        .or_else(|| {
            line.strip_prefix('"')
                .and_then(|l| l.strip_prefix(key)?.strip_prefix('"'))
        })
        .or_else(|| {
            line.strip_prefix('\'')
                .and_then(|l| l.strip_prefix(key)?.strip_prefix('\''))
        });
    rest.is_some_and(|rest| rest.trim_start().starts_with([separator, '.']))
}

/// YAML 1.2 behaviour with the leniency real archives need.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // `no`, `yes`, `on`, `off` stay strings (YAML 1.2), so a tag `no` survives.
        strict_booleans: true,
        // `order: 08` or `id: 007` keep their spelling instead of becoming floats.
        leading_zero_numbers_as_strings: true,
        // Jekyll (Ruby's Psych) lets the last duplicate win; so do we.
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
        // `.nan`/`.inf` would otherwise be rejected or silently turned into null.
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::AsString,
        // We report our own file-relative position; the snippet would be relative to the block.
        with_snippet: false,
    }
}

/// TOML values become JSON values; date-times keep their TOML text form.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => serde_json::Number::from_f64(number)
            .map_or_else(|| Value::String(number.to_string()), Value::Number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// 1-based (line, column) of byte `offset` in `text`, column counted in chars.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let end = (0..=offset.min(text.len()))
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0);
    let before = text.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

// ---------------------------------------------------------------------------
// Field extraction
// ---------------------------------------------------------------------------

const TERMS: &str = "a list of strings or a string";

/// Moves known keys out of the parsed map into [`FrontMatter`]; what is left becomes `extra`.
struct Fields<'a> {
    source: Source<'a>,
    map: Map<String, Value>,
    taxonomies: Map<String, Value>,
}

impl<'a> Fields<'a> {
    fn new(source: Source<'a>, mut map: Map<String, Value>) -> Self {
        map.retain(|_, value| !value.is_null());
        let taxonomies = match map.remove("taxonomies") {
            Some(Value::Object(table)) => table,
            Some(other) => {
                map.insert("taxonomies".to_string(), other);
                Map::new()
            }
            None => Map::new(),
        };
        Self {
            source,
            map,
            taxonomies,
        }
    }

    fn extract(mut self) -> Result<FrontMatter, FrontMatterError> {
        let (date, date_line) = self.text_with_line(&["date"])?;
        let (updated, updated_line) =
            self.text_with_line(&["updated", "lastmod", "last_modified_at"])?;
        let mut front = FrontMatter {
            title: self.text(&["title"])?,
            date,
            date_line,
            updated,
            updated_line,
            author: self.author()?,
            source: self.text(&["source"])?,
            original_title: self.text(&["original_title"])?,
            summary: self.text(&["summary", "description", "excerpt"])?,
            tags: self.terms(&["tags"], Some("tags"))?,
            categories: self.terms(&["categories", "category"], Some("categories"))?,
            slug: self.text(&["slug"])?,
            path: self.text(&["path", "permalink", "url"])?,
            draft: self.draft()?,
            aliases: self.terms(&["aliases", "redirect_from"], None)?,
            cover: self.cover()?,
            weight: self.weight(),
            extra: Map::new(),
        };
        front.extra = self.into_extra();
        Ok(front)
    }

    /// Removes the first present key of `keys` (the preferred spelling wins;
    /// the others stay in `extra` for templates that want them).
    fn take(&mut self, keys: &[&'static str]) -> Option<(&'static str, Value)> {
        let key = keys
            .iter()
            .copied()
            .find(|key| self.map.contains_key(*key))?;
        self.map.remove(key).map(|value| (key, value))
    }

    fn type_error(
        &self,
        section: Option<&str>,
        key: &str,
        expected: &str,
        found: &Value,
    ) -> FrontMatterError {
        let example = match self.source.dialect {
            Dialect::Toml => format!("write it as {key} = {}", toml_example(expected)),
            _ => format!("write it as {key}: {}", yaml_example(expected)),
        };
        FrontMatterError::at(
            self.source.key_line(section, key),
            format!(
                "`{key}` must be {expected}, found {}",
                self.source.kind(found)
            ),
            example,
        )
    }

    fn text(&mut self, keys: &[&'static str]) -> Result<Option<String>, FrontMatterError> {
        self.text_with_line(keys).map(|(text, _)| text)
    }

    /// A scalar as text plus the line of its key (front_line when absent).
    fn text_with_line(
        &mut self,
        keys: &[&'static str],
    ) -> Result<(Option<String>, usize), FrontMatterError> {
        let Some((key, value)) = self.take(keys) else {
            return Ok((None, self.source.front_line));
        };
        let line = self.source.key_line(None, key);
        match scalar_text(&value) {
            Some(text) => Ok((non_blank(text), line)),
            None => Err(self.type_error(None, key, "a string", &value)),
        }
    }

    fn author(&mut self) -> Result<Option<String>, FrontMatterError> {
        let Some((key, value)) = self.take(&["author"]) else {
            return Ok(None);
        };
        let names = match &value {
            Value::Array(items) => items.iter().map(author_name).collect::<Option<Vec<_>>>(),
            single => author_name(single).map(|name| vec![name]),
        };
        match names {
            Some(names) => Ok(non_blank(join_names(names))),
            None => Err(self.type_error(
                None,
                key,
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
            if let Some(value) = self.map.remove(key) {
                self.collect_terms(None, key, &value, &mut found)?;
            }
        }
        if let Some(taxonomy) = taxonomy
            && let Some(value) = self.taxonomies.remove(taxonomy).filter(|v| !v.is_null())
        {
            self.collect_terms(Some("taxonomies"), taxonomy, &value, &mut found)?;
        }
        Ok(clean_terms(found))
    }

    fn collect_terms(
        &self,
        section: Option<&str>,
        key: &str,
        value: &Value,
        out: &mut Vec<String>,
    ) -> Result<(), FrontMatterError> {
        match value {
            Value::String(text) => out.push(text.clone()),
            Value::Array(items) if flatten_terms(items, out) => {}
            _ => return Err(self.type_error(section, key, TERMS, value)),
        }
        Ok(())
    }

    /// `draft`, or `published: false`; YAML 1.1 spellings (`yes`, `off`) still count.
    fn draft(&mut self) -> Result<bool, FrontMatterError> {
        let mut draft = false;
        if let Some((key, value)) = self.take(&["draft"]) {
            draft =
                flag(&value).ok_or_else(|| self.type_error(None, key, "true or false", &value))?;
        }
        if let Some(published) = self.map.get("published").and_then(flag) {
            self.map.remove("published");
            draft |= !published;
        }
        Ok(draft)
    }

    fn cover(&mut self) -> Result<Option<String>, FrontMatterError> {
        let Some((key, value)) = self.take(&["cover", "image", "featured_image"]) else {
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
                    None,
                    key,
                    "a string or a table with `image` or `src`",
                    &value,
                )),
            },
        }
    }

    /// Only integers become the weight; anything else stays in `extra` untouched.
    fn weight(&mut self) -> Option<i64> {
        let (key, weight) = ["weight", "order"]
            .into_iter()
            .find_map(|key| Some((key, integer(self.map.get(key)?)?)))?;
        self.map.remove(key);
        Some(weight)
    }

    /// Remaining keys, with Zola `[extra]` and Hugo `[params]` tables merged
    /// in (their entries win, as they were written specifically for templates).
    fn into_extra(mut self) -> Map<String, Value> {
        if !self.taxonomies.is_empty() {
            self.map
                .insert("taxonomies".to_string(), Value::Object(self.taxonomies));
        }
        for table in ["extra", "params"] {
            if matches!(self.map.get(table), Some(Value::Object(_)))
                && let Some(Value::Object(entries)) = self.map.remove(table)
            {
                self.map.extend(entries);
            }
        }
        self.map
    }
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
fn clean_terms(terms: Vec<String>) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn load(text: &str) -> FrontMatter {
        let split = split(text).unwrap_or_else(|e| panic!("split {text:?}: {e}"));
        parse(&split).unwrap_or_else(|e| panic!("parse {text:?}: {e}"))
    }

    fn load_err(text: &str) -> FrontMatterError {
        match split(text).and_then(|s| parse(&s)) {
            Ok(front) => panic!("{text:?} loaded as {front:?}"),
            Err(e) => e,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splits_toml() {
        let text = "+++\ntitle = \"Hi\"\n+++\nBody\nmore\n";
        let s = split(text).expect("split");
        assert_eq!(s.dialect, Dialect::Toml);
        assert_eq!((s.front, s.front_line), ("title = \"Hi\"\n", 2));
        assert_eq!((s.body, s.body_line), ("Body\nmore\n", 4));
    }

    #[test]
    fn splits_yaml_with_blank_lines_and_trailing_spaces() {
        let text = "\n  \n---  \ntitle: Hi\n--- \nBody";
        let s = split(text).expect("split");
        assert_eq!(s.dialect, Dialect::Yaml);
        assert_eq!((s.front, s.front_line), ("title: Hi\n", 4));
        assert_eq!((s.body, s.body_line), ("Body", 6));
    }

    #[test]
    fn yaml_may_close_with_dots() {
        let s = split("---\ntitle: Hi\n...\nBody\n").expect("split");
        assert_eq!((s.front, s.body), ("title: Hi\n", "Body\n"));
    }

    #[test]
    fn empty_front_matter_and_closing_on_last_line() {
        let s = split("---\n---").expect("split");
        assert_eq!((s.front, s.front_line, s.body, s.body_line), ("", 2, "", 3));
        let front = parse(&s).expect("parse");
        assert_eq!(front.date_line, 2);
        assert_eq!(
            load("+++\n+++\nx"),
            FrontMatter {
                date_line: 2,
                updated_line: 2,
                ..FrontMatter::default()
            }
        );
    }

    #[test]
    fn no_front_matter() {
        for text in [
            "",
            "\n\n",
            "# Title\n\nText\n---\nMore",
            "Just text",
            "Note: this is prose\nwith no keys\n---\n",
        ] {
            let s = split(text).expect("split");
            assert_eq!(
                (s.dialect, s.front, s.body, s.body_line),
                (Dialect::None, "", text, 1),
                "{text:?}"
            );
            let front = parse(&s).expect("parse");
            assert_eq!((front.title, front.date_line), (None, 1));
        }
    }

    #[test]
    fn hexo_without_opening_delimiter() {
        let text = "title: Hello\ndate: 2015-9-5 8:05\ntags:\n- a\n- b\n# note\n\ncategories: x\n---\nBody\n";
        let s = split(text).expect("split");
        assert_eq!(
            (s.dialect, s.front_line, s.body, s.body_line),
            (Dialect::Yaml, 1, "Body\n", 10)
        );
        let front = parse(&s).expect("parse");
        assert_eq!(front.title.as_deref(), Some("Hello"));
        assert_eq!(front.date.as_deref(), Some("2015-9-5 8:05"));
        assert_eq!(front.date_line, 2);
        assert_eq!(front.tags, strings(&["a", "b"]));
        assert_eq!(front.categories, strings(&["x"]));
        let blank_first = split("\ntitle: Hi\n---\nBody").expect("split");
        assert_eq!(
            (blank_first.dialect, blank_first.body),
            (Dialect::Yaml, "Body")
        );
        assert_eq!(
            split("title: Hi\nno closing\n").expect("split").dialect,
            Dialect::None
        );
        assert_eq!(split("title: Hi\n").expect("split").dialect, Dialect::None);
    }

    #[test]
    fn unterminated_front_matter() {
        let e = load_err("\n+++\ntitle = \"x\"\n");
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(
            e.message,
            "front matter opened with `+++` on line 2 is never closed"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("add a line `+++` after the last front-matter key")
        );
        let e = load_err("---\ntitle: x\n+++\n");
        assert_eq!(
            e.message,
            "front matter opened with `---` on line 1 is never closed"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("add a line `---` after the last front-matter key")
        );
    }

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
        assert_eq!(
            front.extra.get("taxonomies"),
            Some(&json!({"series": ["s1"]}))
        );
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
        assert_eq!(front.extra.get("keywords"), Some(&json!(["x", "y"])));
        assert_eq!(
            front.extra.get("last_modified_at"),
            Some(&json!("2024-03-13"))
        );
        assert_eq!(front.extra.get("mood"), Some(&json!("happy")));
        assert!(!front.extra.contains_key("published"));
    }

    #[test]
    fn yaml_1_2_scalars() {
        let front = load("---\ntags: [no, yes]\nflag: off\nanswer: no\nid: 007\norder: 1.5\n---\n");
        assert_eq!(front.tags, strings(&["no", "yes"]));
        assert_eq!(front.extra.get("flag"), Some(&json!("off")));
        assert_eq!(front.extra.get("answer"), Some(&json!("no")));
        assert_eq!(front.extra.get("id"), Some(&json!("007")));
        assert_eq!(front.weight, None);
        assert_eq!(front.extra.get("order"), Some(&json!(1.5)));
        let drafted = load("---\ndraft: yes\n---\n");
        assert!(drafted.draft);
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
    fn toml_syntax_error_points_at_file_line() {
        let e = load_err("\n+++\ntitle = \"ok\"\ndate = 2024-03-11\nsummary = not quoted\n+++\n");
        assert_eq!((e.line, e.col), (5, 11));
        assert!(e.message.contains("quoted"), "{}", e.message);
        assert!(!e.message.contains('\n'));
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("title = \"…\""))
        );
    }

    #[test]
    fn yaml_syntax_error_points_at_file_line() {
        let e = load_err("---\ntitle: ok\ndate: 2024-03-11\nsummary: a: b\n---\n");
        assert_eq!((e.line, e.col), (4, 11));
        assert!(!e.message.contains("at line"), "{}", e.message);
        assert_eq!(
            e.hint.as_deref(),
            Some("check indentation and quote values that contain ': '")
        );
        let tab = load_err("---\ntitle: ok\ntags:\n\t- a\n---\n");
        assert_eq!(tab.line, 4);
        assert_eq!(
            tab.hint.as_deref(),
            Some("YAML indentation must use spaces, not tabs")
        );
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
    fn key_line_helper() {
        let source = Source {
            front: "title = 1\n[taxonomies]\n  tags = []\n[extra]\ntags = 1\n",
            front_line: 10,
            dialect: Dialect::Toml,
        };
        assert_eq!(source.key_line(None, "title"), 10);
        assert_eq!(source.key_line(Some("taxonomies"), "tags"), 12);
        assert_eq!(source.key_line(None, "tags"), 10);
        assert_eq!(source.key_line(Some("taxonomies"), "missing"), 11);
        let yaml = Source {
            front: "# c\ntitle: x\ntaxonomies:\n  # c\n  tags: 1\n\"quoted\": 2\n",
            front_line: 2,
            dialect: Dialect::Yaml,
        };
        assert_eq!(yaml.key_line(None, "title"), 3);
        assert_eq!(yaml.key_line(Some("taxonomies"), "tags"), 6);
        assert_eq!(yaml.key_line(None, "quoted"), 7);
        assert_eq!(yaml.key_line(None, "tags"), 2);
    }

    #[test]
    fn position_counts_chars() {
        assert_eq!(position("ab\n标题x", 7), (2, 2));
        assert_eq!(position("ab\n标题x", 4), (2, 1));
        assert_eq!(position("ab", 99), (1, 3));
    }

    /// TOML basic strings and YAML double-quoted strings share these escapes.
    fn quoted(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control()
                    || matches!(
                        c,
                        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                    ) =>
                {
                    out.push_str(&format!("\\u{:04X}", u32::from(c)));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn document(dialect: Dialect, title: &str, tags: &[String]) -> String {
        let list = tags
            .iter()
            .map(|t| quoted(t))
            .collect::<Vec<_>>()
            .join(", ");
        match dialect {
            Dialect::Toml => format!(
                "+++\ntitle = {}\ntags = [{list}]\n+++\nBody\n",
                quoted(title)
            ),
            _ => format!("---\ntitle: {}\ntags: [{list}]\n---\nBody\n", quoted(title)),
        }
    }

    fn frontish() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "[a-z_]{1,6}(:| =) ?[-\\[\\]{}\"',:#&*!|> a-z0-9+.]{0,16}",
            "  ?- ?[a-z0-9\\[\\]\"]{0,6}",
            "\\[[a-z]{0,6}\\]?",
            Just("---".to_string()),
            Just("+++".to_string()),
            Just("...".to_string()),
            "\\PC{0,12}",
        ];
        let start = prop_oneof![Just(""), Just("---\n"), Just("+++\n"), Just("\n")];
        (start, proptest::collection::vec(line, 0..8))
            .prop_map(|(start, lines)| format!("{start}{}", lines.join("\n")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
            if let Ok(s) = split(&text) {
                let _ = parse(&s);
            }
        }

        #[test]
        fn frontish_text_never_panics(text in frontish()) {
            if let Ok(s) = split(&text) {
                prop_assert!(s.front_line >= 1 && s.body_line >= 1);
                let _ = parse(&s);
            }
        }

        #[test]
        fn title_and_tags_round_trip(
            title in "\\PC{0,20}|[\\x00-\\x1f\"\\\\ ]{0,5}",
            tags in proptest::collection::vec("\\PC{0,8}", 0..5),
            toml in any::<bool>(),
        ) {
            let dialect = if toml { Dialect::Toml } else { Dialect::Yaml };
            let text = document(dialect, &title, &tags);
            let s = split(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!((s.dialect, s.body, s.body_line), (dialect, "Body\n", 5));
            let front = parse(&s).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            let expected_title = (!title.trim().is_empty()).then_some(title.clone());
            prop_assert_eq!(front.title, expected_title);
            prop_assert_eq!(front.tags, clean_terms(tags));
        }
    }
}
