// TEMPORARY STUB (lead) — replaced by the front-matter helper's implementation.
use chrono::{DateTime, FixedOffset, NaiveDate};
#[derive(Debug, Clone, PartialEq)]
pub struct DateError { pub message: String, pub hint: String }
pub fn parse_date(text: &str, default_offset: FixedOffset) -> Result<DateTime<FixedOffset>, DateError> {
    if let Ok(d) = DateTime::parse_from_rfc3339(text.trim()) { return Ok(d); }
    let _ = default_offset;
    Err(DateError { message: format!("{text} is not a date"), hint: String::new() })
}
pub fn date_from_file_stem(stem: &str) -> Option<(NaiveDate, &str)> {
    let d = NaiveDate::parse_from_str(stem.get(..10)?, "%Y-%m-%d").ok()?;
    Some((d, stem.get(11..).unwrap_or("")))
}
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{text}")).ok().map(|d| *d.offset())
}
