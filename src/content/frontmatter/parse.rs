//! Front-matter text → values, each key with the byte offset the TOML or YAML
//! parser itself reported for it, so errors can name the key's line without
//! scanning the text again.

use super::{Dialect, FrontMatterError, Split};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::fmt;
use std::marker::PhantomData;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// One key of a mapping, in source order.
#[derive(Debug, PartialEq)]
pub(super) struct Entry<V> {
    pub key: String,
    /// Byte offset of the key within the front-matter text.
    pub at: usize,
    pub value: V,
    /// The key was written more than once (YAML; TOML refuses it): this is the last value,
    /// and `at` is where it was written.
    pub repeated: bool,
}

/// A mapping with its keys' offsets, or any other value.
///
/// Top-level values are `Node<Value>`: a table keeps its keys' offsets one
/// level down, which Zola's `[taxonomies]` needs; deeper levels are plain JSON.
#[derive(Debug, PartialEq)]
pub(super) enum Node<V> {
    Table(Vec<Entry<V>>),
    Plain(Value),
}

impl Node<Value> {
    pub(super) fn into_value(self) -> Value {
        match self {
            Node::Table(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|entry| (entry.key, entry.value))
                    .collect(),
            ),
            Node::Plain(value) => value,
        }
    }
}

/// The top-level keys of one front-matter block.
pub(super) type Document = Vec<Entry<Node<Value>>>;

/// Parses `split.front` in its dialect; errors point at lines of the file.
pub(super) fn document(split: &Split<'_>) -> Result<Document, FrontMatterError> {
    match split.dialect {
        Dialect::None => Ok(Vec::new()),
        Dialect::Toml => toml_document(split.front).map_err(|error| toml_error(split, &error)),
        Dialect::Yaml => yaml_document(split),
    }
}

/// Names a value's type the way the author's syntax calls it.
pub(super) fn describe(value: &Value, dialect: Dialect) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) if dialect == Dialect::Toml => "a table",
        Value::Object(_) => "a mapping",
    }
}

// ---------------------------------------------------------------------------
// TOML
// ---------------------------------------------------------------------------

/// Walks toml's spanned parse tree once, straight into JSON values.
fn toml_document(front: &str) -> Result<Document, toml::de::Error> {
    let root = DeTable::parse(front)?.into_inner();
    toml_entries(root, toml_node)
}

fn toml_entries<'i, V>(
    table: DeTable<'i>,
    convert: impl Fn(toml::Spanned<DeValue<'i>>) -> Result<V, toml::de::Error>,
) -> Result<Vec<Entry<V>>, toml::de::Error> {
    table
        .into_iter()
        .map(|(key, value)| {
            Ok(Entry {
                at: key.span().start,
                key: key.into_inner().into_owned(),
                value: convert(value)?,
                repeated: false,
            })
        })
        .collect()
}

fn toml_node(value: toml::Spanned<DeValue<'_>>) -> Result<Node<Value>, toml::de::Error> {
    let span = value.span();
    match value.into_inner() {
        DeValue::Table(table) => toml_entries(table, toml_value).map(Node::Table),
        other => toml_value(toml::Spanned::new(span, other)).map(Node::Plain),
    }
}

/// TOML values as JSON; date-times keep their TOML text form.
fn toml_value(value: toml::Spanned<DeValue<'_>>) -> Result<Value, toml::de::Error> {
    let span = value.span();
    Ok(match value.into_inner() {
        DeValue::String(text) => Value::String(text.into_owned()),
        DeValue::Boolean(flag) => Value::Bool(flag),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(toml_value)
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| Ok((key.into_inner().into_owned(), toml_value(value)?)))
                .collect::<Result<_, toml::de::Error>>()?,
        ),
        // toml's own deserializer decides radix, range and overflow errors.
        number => toml_number(toml::Value::deserialize(ValueDeserializer::from(
            toml::Spanned::new(span, number),
        ))?),
    })
}

/// Integers as JSON integers; floats that JSON cannot hold (`nan`, `inf`) as text.
fn toml_number(value: toml::Value) -> Value {
    match value {
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => Number::from_f64(number)
            .map_or_else(|| Value::String(number.to_string()), Value::Number),
        other => Value::String(other.to_string()),
    }
}

fn toml_error(split: &Split<'_>, error: &toml::de::Error) -> FrontMatterError {
    let position = error.span().map_or((split.front_line, 1), |span| {
        split.file_position(span.start)
    });
    let message = first_line(error.message());
    let hint = if message.contains("duplicate") {
        "each key may appear only once per table"
    } else {
        "TOML front matter is `key = value` lines; strings need quotes: title = \"…\""
    };
    FrontMatterError::at(position, message.to_string(), hint)
}

// ---------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------

fn yaml_document(split: &Split<'_>) -> Result<Document, FrontMatterError> {
    match serde_saphyr::from_str_with_options::<Node<Node<Value>>>(split.front, yaml_options()) {
        Ok(Node::Table(entries)) => Ok(entries),
        Ok(Node::Plain(Value::Null)) => Ok(Vec::new()),
        Ok(Node::Plain(other)) => Err(FrontMatterError::at(
            (split.front_line, 1),
            format!(
                "front matter must be `key: value` lines, found {}",
                describe(&other, split.dialect)
            ),
            "write one `key: value` per line, e.g. title: Hello",
        )),
        Err(error) => Err(yaml_error(split, &error)),
    }
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

fn yaml_error(split: &Split<'_>, error: &serde_saphyr::Error) -> FrontMatterError {
    let (line, col) = error.location().map_or((1, 1), |at| {
        let line = usize::try_from(at.line()).unwrap_or(1).max(1);
        (line, usize::try_from(at.column()).unwrap_or(1).max(1))
    });
    let text = error.to_string();
    let message = first_line(&text);
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| message.get(..at).unwrap_or(message));
    let tabbed = split
        .front
        .lines()
        .nth(line - 1)
        .is_some_and(|l| l.contains('\t'));
    let hint = if tabbed {
        "YAML indentation must use spaces, not tabs"
    } else {
        "check indentation and quote values that contain ': '"
    };
    FrontMatterError::at(
        (split.front_line + line - 1, col),
        message.to_string(),
        hint,
    )
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Node<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor(PhantomData))
    }
}

/// Reads mapping keys as `serde_saphyr::Spanned` to learn their offsets;
/// everything else goes to `serde_json::Value` exactly as it would directly.
struct NodeVisitor<V>(PhantomData<V>);

impl<V> NodeVisitor<V> {
    fn plain<'de, T, E>(value: T) -> Result<Node<V>, E>
    where
        T: IntoDeserializer<'de, E>,
        E: de::Error,
    {
        Value::deserialize(value.into_deserializer()).map(Node::Plain)
    }
}

impl<'de, V: Deserialize<'de>> Visitor<'de> for NodeVisitor<V> {
    type Value = Node<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<Entry<V>> = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
            let at = key.referenced.span().byte_offset().unwrap_or(0);
            let mut entry = Entry {
                at: usize::try_from(at).unwrap_or(0),
                value: map.next_value()?,
                key: key.value,
                repeated: false,
            };
            // The options let the last duplicate win, in the first one's place, as a
            // map would. A linear search: front matter has a few dozen keys at most.
            match entries.iter_mut().find(|old| old.key == entry.key) {
                Some(old) => {
                    entry.repeated = true;
                    *old = entry;
                }
                None => entries.push(entry),
            }
        }
        Ok(Node::Table(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Node::Plain)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Plain(Value::Null))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::Plain(Value::Null))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Self::plain(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Self::plain(value)
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{load, load_err, strings};
    use super::*;
    use serde_json::json;

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

    fn parsed(dialect: Dialect, front: &str) -> Document {
        let split = Split {
            dialect,
            front,
            front_line: 1,
            body: "",
            body_line: 1,
        };
        document(&split).unwrap_or_else(|e| panic!("{front:?}: {e}"))
    }

    /// Each key's name and offset, with a table's keys after it.
    fn offsets(document: &Document) -> Vec<(String, usize)> {
        let mut found = Vec::new();
        for entry in document {
            found.push((entry.key.clone(), entry.at));
            if let Node::Table(table) = &entry.value {
                found.extend(
                    table
                        .iter()
                        .map(|e| (format!("{}.{}", entry.key, e.key), e.at)),
                );
            }
        }
        found.sort();
        found
    }

    fn at(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        let mut list: Vec<_> = list.iter().map(|(k, at)| (k.to_string(), *at)).collect();
        list.sort();
        list
    }

    #[test]
    fn toml_keys_carry_their_offsets() {
        let front = "title = 1\n[taxonomies]\n  tags = []\n[extra]\n'q' = 1\nsub.a = 2\n";
        let document = parsed(Dialect::Toml, front);
        assert_eq!(
            offsets(&document),
            at(&[
                ("title", 0),
                ("taxonomies", 11),
                ("taxonomies.tags", 25),
                ("extra", 36),
                ("extra.q", 43),
                ("extra.sub", 51),
            ])
        );
    }

    #[test]
    fn yaml_keys_carry_their_offsets() {
        let front = "# c\ntitle: x\ntaxonomies:\n  # c\n  tags: 1\n\"quoted\": 2\n";
        let document = parsed(Dialect::Yaml, front);
        assert_eq!(
            offsets(&document),
            at(&[
                ("title", 4),
                ("taxonomies", 13),
                ("taxonomies.tags", 33),
                ("quoted", 41),
            ])
        );
    }

    #[test]
    fn yaml_last_duplicate_wins_in_first_place() {
        let document = parsed(Dialect::Yaml, "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        let keys: Vec<_> = document
            .iter()
            .map(|e| (e.key.as_str(), e.at, e.repeated))
            .collect();
        assert_eq!(keys, [("a", 22, true), ("b", 5, false)]);
        assert_eq!(document[0].value, Node::Plain(json!(3)));
        assert_eq!(
            document[1].value,
            Node::Table(vec![Entry {
                key: "c".to_string(),
                at: 17,
                value: json!(2),
                repeated: true,
            }])
        );
    }

    #[test]
    fn toml_values_become_json() {
        let document = parsed(
            Dialect::Toml,
            "n = 0x1F\nf = 1_000.5\nx = nan\ni = -inf\nd = 1979-05-27T07:32:00Z\nl = [{a = true}]\n",
        );
        let values: Vec<_> = document
            .into_iter()
            .map(|e| (e.key, e.value.into_value()))
            .collect();
        let expected = [
            ("d", json!("1979-05-27T07:32:00Z")),
            ("f", json!(1000.5)),
            ("i", json!("-inf")),
            ("l", json!([{"a": true}])),
            ("n", json!(31)),
            ("x", json!("NaN")),
        ];
        for (key, value) in expected {
            let found = values.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            assert_eq!(found, Some(&value), "{key}");
        }
    }

    #[test]
    fn toml_number_out_of_range_points_at_its_line() {
        let e = load_err("+++\ntitle = \"x\"\nweight = 99999999999999999999\n+++\n");
        assert_eq!((e.line, e.col), (3, 10));
    }

    #[test]
    fn yaml_document_that_is_not_a_mapping() {
        let e = load_err("---\njust text\n---\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "front matter must be `key: value` lines, found a string")
        );
        assert_eq!(parsed(Dialect::Yaml, "# only a comment\n"), Vec::new());
    }
}
