//! PLACEHOLDER (lead): the feeds/SEO engineer replaces this file.
use super::Shared;
pub fn files(_shared: &Shared<'_>) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}
