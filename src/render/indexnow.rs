//! The IndexNow key file, `/<key>.txt` holding the key: search engines fetch it to check
//! that whoever submits URLs for the host controls the site (`sitegen push`). Generated
//! like the other extra files, so a page or static file of the same name is refused.

use super::Shared;

/// `<key>.txt` when `[push.indexnow]` is set, else nothing.
pub fn files(shared: &Shared<'_>) -> Vec<(String, Vec<u8>)> {
    match &shared.site.config.raw.push.indexnow {
        Some(indexnow) => vec![(
            format!("{}.txt", indexnow.key),
            indexnow.key.as_bytes().to_vec(),
        )],
        None => Vec::new(),
    }
}
