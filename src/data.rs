//! Data files: `data/**/*.{toml,yaml,yml,json,csv}`, loaded into one tree that every
//! template reads as `data` (Hugo's `site.Data`, Zola's `load_data`) and that later stages
//! read for authors' bios, editors' picks and the hot list.
//!
//! A file's place in the tree is its path without the extension: `data/hot.toml` is
//! `data.hot`, `data/榜单/周榜.json` is `data.榜单.周榜`. A CSV file becomes
//! `{headers: [...], records: [[...], ...]}`, as Zola's `load_data` gives it.
//!
//! Every file that does not parse is reported at its line, in one run; the others still
//! load, so templates see what could be read.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;
use crate::text::line_col;

/// The folder under the site root that holds data files.
pub const DATA_DIR: &str = "data";

/// The formats a data file may be in, by extension.
const EXTENSIONS: [&str; 5] = ["toml", "yaml", "yml", "json", "csv"];

/// Loads every data file under `root/data` into one object (empty when there is none).
pub fn load(root: &Path) -> (Value, Vec<Diagnostic>) {
    let mut tree = Map::new();
    let mut errors = Vec::new();
    // Where each key came from, to name both files when two want one key.
    let mut owners: Vec<(Vec<String>, PathBuf)> = Vec::new();
    for (rel, keys) in files(root) {
        let parsed = std::fs::read_to_string(root.join(&rel))
            .map_err(|e| {
                Diagnostic::new(&rel, format!("cannot read this data file: {e}"))
                    .hint("check the file's permissions")
            })
            .and_then(|text| parse(&rel, &text));
        let value = match parsed {
            Ok(value) => value,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if let Some((_, other)) = owners.iter().find(|(k, _)| *k == keys) {
            errors.push(
                Diagnostic::new(
                    &rel,
                    format!(
                        "`data.{}` is given by both {} and this file",
                        keys.join("."),
                        shown(other)
                    ),
                )
                .hint("keep one of the two files, or rename one"),
            );
            continue;
        }
        if let Err(message) = insert(&mut tree, &keys, value) {
            errors.push(Diagnostic::new(&rel, message).hint("rename the file or the folder"));
            continue;
        }
        owners.push((keys, rel));
    }
    (Value::Object(tree), errors)
}

/// The file that gives top-level key `key` (`picks` → `data/picks.toml`), relative to
/// `root`, for messages about what a data file says.
pub fn source_of(root: &Path, key: &str) -> Option<PathBuf> {
    files(root)
        .into_iter()
        .find(|(_, keys)| keys.len() == 1 && keys[0] == key)
        .map(|(rel, _)| rel)
}

/// Where `needle` is written in the file giving top-level key `key`: the file (relative
/// to `root`) with the line and column of its first occurrence (1, 1 when not found), so
/// that a warning about an entry points at the entry.
pub fn position(root: &Path, key: &str, needle: &str) -> Option<(PathBuf, usize, usize)> {
    let rel = source_of(root, key)?;
    let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
    let (line, col) = text.find(needle).map_or((1, 1), |at| line_col(&text, at));
    Some((rel, line, col))
}

/// Data files under `root/data`, sorted by path, each with its keys in the tree. Hidden
/// files and folders (`.git`, editor backups) are skipped.
fn files(root: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let dir = root.join(DATA_DIR);
    let mut found: Vec<(PathBuf, Vec<String>)> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?.to_path_buf();
            let keys = keys_of(e.path().strip_prefix(&dir).ok()?)?;
            Some((rel, keys))
        })
        .collect();
    found.sort();
    found
}

/// `榜单/周榜.json` → `["榜单", "周榜"]`; None for a file of another kind.
fn keys_of(rel: &Path) -> Option<Vec<String>> {
    let ext = rel.extension()?.to_str()?.to_ascii_lowercase();
    if !EXTENSIONS.contains(&ext.as_str()) {
        return None;
    }
    let mut keys: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    keys.push(rel.file_stem()?.to_string_lossy().into_owned());
    Some(keys)
}

/// Puts `value` at `keys` in `tree`, making the folders' objects on the way.
fn insert(tree: &mut Map<String, Value>, keys: &[String], value: Value) -> Result<(), String> {
    let Some((last, folders)) = keys.split_last() else {
        return Ok(());
    };
    let mut here = tree;
    for (depth, key) in folders.iter().enumerate() {
        let slot = here
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        here = match slot {
            Value::Object(map) => map,
            _ => {
                return Err(format!(
                    "`data.{}` is both a file and a folder",
                    keys[..=depth].join(".")
                ));
            }
        };
    }
    if here.contains_key(last) {
        return Err(format!(
            "`data.{}` is both a file and a folder",
            keys.join(".")
        ));
    }
    here.insert(last.clone(), value);
    Ok(())
}

/// Parses one file by its extension; an error names the line and column.
fn parse(rel: &Path, text: &str) -> Result<Value, Diagnostic> {
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match ext.as_str() {
        "toml" => toml::from_str::<Value>(text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            let message = e.message().trim();
            // TOML 1.0 bare keys are ASCII: `[王澜]` must be written `["王澜"]`.
            let hint = if message.contains("unquoted key") {
                "a key with Chinese characters needs quotes: [\"王澜\"] or \"王澜\" = …"
            } else {
                "strings need quotes, tables are [name], lists are [\"a\", \"b\"]"
            };
            Diagnostic::new(rel, format!("this TOML does not parse: {message}"))
                .at(line, col)
                .hint(hint)
        }),
        "json" => serde_json::from_str::<Value>(text).map_err(|e| {
            Diagnostic::new(rel, format!("this JSON does not parse: {e}"))
                .at(e.line().max(1), e.column().max(1))
                .hint("check for a missing comma or quote, or a trailing comma")
        }),
        "csv" => csv_value(text).map_err(|(line, message)| {
            Diagnostic::new(rel, format!("this CSV does not parse: {message}"))
                .at(line, 1)
                .hint("every row needs as many fields as the header; quote fields holding commas")
        }),
        _ => yaml_value(text).map_err(|(line, col, message)| {
            Diagnostic::new(rel, format!("this YAML does not parse: {message}"))
                .at(line, col)
                .hint("check the indentation, and quote values that hold `: ` or start with `@`")
        }),
    }
}

fn yaml_value(text: &str) -> Result<Value, (usize, usize, String)> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::AsString,
        with_snippet: false,
    };
    let value = serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
        let (line, col) = e.location().map_or((1, 1), |at| {
            (
                usize::try_from(at.line()).unwrap_or(1).max(1),
                usize::try_from(at.column()).unwrap_or(1).max(1),
            )
        });
        let message = e.to_string();
        let first = message.lines().next().unwrap_or_default().to_string();
        (line, col, first)
    })?;
    // An empty file is an empty table, as in TOML.
    Ok(if value.is_null() {
        Value::Object(Map::new())
    } else {
        value
    })
}

/// `{headers, records}`: the first row names the columns; every field stays text.
fn csv_value(text: &str) -> Result<Value, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let line_of = |e: &csv::Error| {
        e.position()
            .map_or(1, |p| usize::try_from(p.line()).unwrap_or(1))
    };
    let headers: Vec<Value> = reader
        .headers()
        .map_err(|e| (line_of(&e), e.to_string()))?
        .iter()
        .map(|h| Value::String(h.to_string()))
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| (line_of(&e), e.to_string()))?;
        records.push(Value::Array(
            record
                .iter()
                .map(|f| Value::String(f.to_string()))
                .collect(),
        ));
    }
    let mut map = Map::new();
    map.insert("headers".into(), Value::Array(headers));
    map.insert("records".into(), Value::Array(records));
    Ok(Value::Object(map))
}

fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn every_format_lands_at_its_path() {
        let dir = site(&[
            ("data/hot.toml", "[[items]]\ntitle = \"芯片\"\nviews = 3\n"),
            ("data/榜单/周榜.json", "{\"top\": [1, 2]}"),
            ("data/authors.yaml", "王澜:\n  bio: 芯片记者\n"),
            ("data/views.csv", "path,views\n/a/,10\n\"/b,c/\",2\n"),
            ("data/notes.txt", "not data"),
            ("data/.hidden.toml", "x = 1"),
        ]);
        let (value, errors) = load(dir.path());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(value["hot"]["items"][0]["title"], json!("芯片"));
        assert_eq!(value["榜单"]["周榜"]["top"], json!([1, 2]));
        assert_eq!(value["authors"]["王澜"]["bio"], json!("芯片记者"));
        assert_eq!(value["views"]["headers"], json!(["path", "views"]));
        assert_eq!(value["views"]["records"][1], json!(["/b,c/", "2"]));
        assert_eq!(value.as_object().unwrap().len(), 4);
    }

    #[test]
    fn no_data_folder_is_an_empty_tree() {
        let dir = site(&[]);
        assert_eq!(load(dir.path()), (json!({}), Vec::new()));
    }

    #[test]
    fn every_bad_file_is_reported_at_its_line() {
        let dir = site(&[
            ("data/a.toml", "ok = 1\nbad = \n"),
            ("data/b.json", "{\n  \"x\": 1,\n}\n"),
            ("data/c.yaml", "a: 1\nb: [1, 2\n"),
            ("data/d.csv", "a,b\n1,2\n3\n"),
            ("data/good.toml", "fine = true"),
        ]);
        let (value, errors) = load(dir.path());
        assert_eq!(value, json!({"good": {"fine": true}}));
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 4, "{shown:?}");
        assert!(shown[0].starts_with("data/a.toml:2:"), "{shown:?}");
        assert!(shown[1].starts_with("data/b.json:3:"), "{shown:?}");
        assert!(shown[2].starts_with("data/c.yaml:"), "{shown:?}");
        assert!(shown[3].starts_with("data/d.csv:3:"), "{shown:?}");
    }

    #[test]
    fn a_chinese_bare_key_gets_a_hint_about_quotes() {
        let dir = site(&[("data/authors.toml", "[王澜]\nbio = \"记者\"\n")]);
        let (_, errors) = load(dir.path());
        assert_eq!(errors.len(), 1);
        let shown = errors[0].to_string();
        assert!(shown.starts_with("data/authors.toml:1:2:"), "{shown}");
        assert!(shown.contains("[\"王澜\"]"), "{shown}");
    }

    #[test]
    fn two_files_for_one_key_name_both() {
        let dir = site(&[("data/hot.json", "{}"), ("data/hot.toml", "")]);
        let (value, errors) = load(dir.path());
        assert_eq!(value, json!({"hot": {}}));
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(message.contains("data/hot.json") && message.contains("data/hot.toml"));
    }

    #[test]
    fn position_finds_an_entry() {
        let dir = site(&[("data/picks.toml", "articles = [\n  \"content/a.md\",\n]\n")]);
        let (file, line, col) = position(dir.path(), "picks", "content/a.md").unwrap();
        assert_eq!((file, line, col), (PathBuf::from("data/picks.toml"), 2, 4));
        assert_eq!(position(dir.path(), "hot", "x"), None);
    }
}
