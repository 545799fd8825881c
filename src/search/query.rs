//! Querying the index files, as `static/js/search.js` does in the browser: the same terms,
//! the same shard choice, the same AND and the same order. Tests use it to check an index
//! (in memory or a built site's `search/` folder) without a browser, and it measures what
//! a query downloads.

use crate::diagnostics::Diagnostic;
use std::collections::BTreeSet;

use serde::Deserialize;

use super::index::FORMAT;
use super::postings;
use super::tokenize::{fnv1a, query_terms};

/// `meta.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Meta {
    pub format: u32,
    pub version: String,
    pub docs: u32,
    pub shards: u32,
    pub chunk: u32,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: u32,
    pub score: u32,
    pub title: String,
    pub url: String,
    pub date: String,
    pub summary: String,
}

/// The answer to a query.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The terms every hit contains.
    pub terms: Vec<String>,
    /// How many articles matched.
    pub total: usize,
    /// The best `limit` hits, best first.
    pub hits: Vec<Hit>,
    /// Files read (relative to the index folder), in order, and their total size: what the
    /// browser downloads for this query.
    pub fetched: Vec<String>,
    pub fetched_bytes: usize,
}

/// Runs `query` against the index files that `read` returns by path relative to the index
/// folder (`meta.json`, `shards/7.json`, `docs/0.json`). Fails on a missing or malformed
/// file, never panics.
pub fn search(
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
    query: &str,
    limit: usize,
) -> Result<Results, Diagnostic> {
    let mut results = Results {
        terms: query_terms(query),
        ..Results::default()
    };
    let mut fetch = |path: String| -> Result<Vec<u8>, Diagnostic> {
        let bytes = read(&path).ok_or_else(|| {
            Diagnostic::new(&path, "missing search index file")
                .hint("rebuild the site: the index is written by sitegen build")
        })?;
        results.fetched_bytes += bytes.len();
        results.fetched.push(path);
        Ok(bytes)
    };
    if results.terms.is_empty() {
        return Ok(results);
    }
    let meta: Meta = parse(&fetch("meta.json".into())?, "meta.json")?;
    if meta.format != FORMAT || meta.shards == 0 || meta.chunk == 0 {
        return Err(Diagnostic::new(
            "meta.json",
            format!("unsupported search index format {}", meta.format),
        )
        .hint("rebuild the site with this version of sitegen"));
    }

    // Each shard once, however many terms fall in it.
    let shards: BTreeSet<u32> = results
        .terms
        .iter()
        .map(|t| fnv1a(t) % meta.shards)
        .collect();
    let mut loaded = std::collections::BTreeMap::new();
    for shard in shards {
        let path = format!("shards/{shard}.json");
        let map: std::collections::BTreeMap<String, String> = parse(&fetch(path.clone())?, &path)?;
        loaded.insert(shard, map);
    }
    let mut lists = Vec::new();
    for term in &results.terms {
        let encoded = loaded
            .get(&(fnv1a(term) % meta.shards))
            .and_then(|m| m.get(term));
        let Some(encoded) = encoded else {
            return Ok(results); // a term no article has: nothing matches all terms
        };
        let shard = format!("shards/{}.json", fnv1a(term) % meta.shards);
        let list = postings::decode(encoded)
            .ok_or_else(|| Diagnostic::new(shard, format!("bad postings for `{term}`")))?;
        lists.push(list);
    }

    // AND: start from the shortest list, keep the ids every other list has.
    lists.sort_by_key(Vec::len);
    let mut scored: Vec<(u32, u32)> = lists[0]
        .iter()
        .map(|&(id, code)| (id, postings::weight(code)))
        .collect();
    for list in &lists[1..] {
        let mut j = 0;
        scored.retain_mut(|(id, score)| {
            while j < list.len() && list[j].0 < *id {
                j += 1;
            }
            match list.get(j) {
                Some(&(other, code)) if other == *id => {
                    *score += postings::weight(code);
                    true
                }
                _ => false,
            }
        });
    }
    // Ids are oldest first: ties go to the newer article.
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    results.total = scored.len();

    let mut chunks = std::collections::BTreeMap::new();
    for &(id, score) in scored.iter().take(limit) {
        let chunk = id / meta.chunk;
        if let std::collections::btree_map::Entry::Vacant(slot) = chunks.entry(chunk) {
            let path = format!("docs/{chunk}.json");
            let rows: Vec<(String, String, String, String)> = parse(&fetch(path.clone())?, &path)?;
            slot.insert(rows);
        }
        let row = chunks
            .get(&chunk)
            .and_then(|rows| rows.get((id % meta.chunk) as usize))
            .ok_or_else(|| {
                Diagnostic::new(format!("docs/{chunk}.json"), format!("no article {id}"))
            })?;
        results.hits.push(Hit {
            id,
            score,
            title: row.0.clone(),
            url: row.1.clone(),
            date: row.2.clone(),
            summary: row.3.clone(),
        });
    }
    Ok(results)
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T, Diagnostic> {
    serde_json::from_slice(bytes).map_err(|e| {
        Diagnostic::new(path, format!("malformed search index file: {e}")).at(e.line(), e.column())
    })
}
