//! What each service has been sent: `<cache_dir>/push/<service>.json`, the hash of every
//! page as last submitted, and how much of today's quota is used. It lives in the cache
//! folder CI already keeps between runs, never in the output (it would be published) or in
//! git (it changes on every deploy).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::changes::Candidate;
use crate::diagnostics::Diagnostic;

/// One service's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Output file → hash of the page as last submitted (accepted, or refused for good):
    /// its [`crate::digest::FileHash`], or a blake3 where it was recorded before sitegen
    /// hashed pages with XXH3 (see [`State::upgrade_hashes`]).
    pub sent: BTreeMap<String, String>,
    /// The day (`YYYY-MM-DD`, site time) `used_today` counts for.
    #[serde(default)]
    pub day: String,
    /// URLs submitted on `day`, against the daily quota.
    #[serde(default)]
    pub used_today: usize,
}

impl State {
    /// Replaces the blake3 hashes of older sitegen (64 hex digits) with the hashes of
    /// `pages` where the page in `output` is still the one that blake3 was of, so that an
    /// upgrade sends nothing again; a page that changed keeps its blake3 and is sent. Reads
    /// only the pages recorded that way, once.
    pub fn upgrade_hashes(&mut self, pages: &[Candidate], output: &Path) {
        for page in pages {
            let Some(sent) = self.sent.get_mut(&page.file) else {
                continue;
            };
            if sent.len() != 64 || sent == &page.hash {
                continue;
            }
            let Ok(bytes) = fs::read(output.join(&page.file)) else {
                continue;
            };
            if blake3::hash(&bytes).to_hex().as_str() == sent.as_str() {
                sent.clone_from(&page.hash);
            }
        }
    }

    /// How much of `quota` is left on `today`.
    pub fn quota_left(&self, today: &str, quota: usize) -> usize {
        if self.day == today {
            quota.saturating_sub(self.used_today)
        } else {
            quota
        }
    }

    /// Counts `n` URLs against `today`'s quota.
    pub fn use_quota(&mut self, today: &str, n: usize) {
        if self.day != today {
            self.day = today.to_string();
            self.used_today = 0;
        }
        self.used_today += n;
    }
}

/// Where `service`'s state is kept under the cache folder.
pub fn path(cache_dir: &Path, service: &str) -> PathBuf {
    cache_dir.join("push").join(format!("{service}.json"))
}

/// The state at `path`; None when there is none yet (the first push).
pub fn load(path: &Path) -> Result<Option<State>, Diagnostic> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::new(path, format!("cannot read: {e}"))),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Diagnostic::new(path, format!("is not a push state file: {e}"))
            .at(e.line(), e.column())
            .hint("delete it: the next push records the site as it is and sends nothing")
    })
}

/// Writes the state through a temporary file, so an interrupted push leaves the old one.
pub fn save(path: &Path, state: &State) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| Diagnostic::new(path, format!("cannot write: {e}"));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    let json = serde_json::to_vec_pretty(state)
        .map_err(|e| Diagnostic::new(path, format!("cannot write: {e}")))?;
    let part = path.with_extension("json.part");
    fs::write(&part, json).map_err(fail)?;
    fs::rename(&part, path).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_the_quota_per_day() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path(), "baidu");
        assert_eq!(load(&file).unwrap(), None);
        let mut state = State::default();
        state.sent.insert("资讯/index.html".into(), "h".into());
        state.use_quota("2026-11-30", 2);
        assert_eq!(state.quota_left("2026-11-30", 3), 1);
        assert_eq!(state.quota_left("2026-12-01", 3), 3);
        save(&file, &state).unwrap();
        assert_eq!(load(&file).unwrap(), Some(state));
        fs::write(&file, "{").unwrap();
        let e = load(&file).unwrap_err().to_string();
        assert!(
            e.contains("baidu.json") && e.contains("not a push state file"),
            "{e}"
        );
    }
}
