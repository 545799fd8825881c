//! Article ids: the name of an article's file (`articles/<id>.json`) and how apps refer to
//! it.
//!
//! An id is the first [`ID_LEN`] hex digits of the BLAKE3 hash of the article's source
//! path (`content/资讯/grok.md`, with `/` separators): ASCII whatever the title or URL,
//! short, and stable while the file keeps its name, even when its title, date, slug or
//! URL change. Articles whose short ids clash get the whole hash (64 digits), which
//! cannot; ids are the same whatever order the articles come in.

use std::collections::HashMap;

use crate::model::Article;

/// Hex digits of a short id: 48 bits, so a clash is about one in a million at 10,000
/// articles, and then handled.
pub const ID_LEN: usize = 12;

/// Each article's id, by article index.
pub fn article_ids(articles: &[Article]) -> Vec<String> {
    let hashes: Vec<String> = articles
        .iter()
        .map(|a| {
            let path = a.source_path.to_string_lossy().replace('\\', "/");
            blake3::hash(path.as_bytes()).to_hex().to_string()
        })
        .collect();
    shorten(&hashes)
}

/// The ids of full hex hashes: the short form unless another hash shares it. A repeated
/// hash (one source path read twice, which `load` never does) gets `-2`, `-3`….
pub(super) fn shorten(hashes: &[String]) -> Vec<String> {
    let mut short_count: HashMap<&str, usize> = HashMap::new();
    for h in hashes {
        *short_count.entry(short(h)).or_default() += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    hashes
        .iter()
        .map(|h| {
            let mut id = match short_count.get(short(h)) {
                Some(1) => short(h).to_string(),
                _ => h.clone(),
            };
            let n = seen.entry(h).or_default();
            *n += 1;
            if *n > 1 {
                id.push_str(&format!("-{n}"));
            }
            id
        })
        .collect()
}

fn short(hash: &str) -> &str {
    hash.get(..ID_LEN).unwrap_or(hash)
}
