//! The XML pieces feeds and sitemaps share besides escaping ([`crate::escape`]): the
//! declaration and the two date formats.

use chrono::{DateTime, FixedOffset};

/// The XML declaration every document starts with.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// RFC 822 date as RSS 2.0 wants it: `Mon, 11 Mar 2024 09:30:00 +0800`. Built with a
/// format string rather than `to_rfc2822`, which panics on years it cannot represent.
pub fn rfc822(date: &DateTime<FixedOffset>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// RFC 3339 date for Atom and sitemaps (W3C Datetime is a profile of it), to the second:
/// `2024-03-11T09:30:00+08:00`. chrono's own RFC 3339 writer: a sitemap has one per
/// page, and a format string is parsed anew for each date (twice the time).
pub fn rfc3339(date: &DateTime<FixedOffset>) -> String {
    date.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_formats() {
        let d = DateTime::parse_from_rfc3339("2024-03-11T09:30:00+08:00").unwrap();
        assert_eq!(rfc822(&d), "Mon, 11 Mar 2024 09:30:00 +0800");
        assert_eq!(rfc3339(&d), "2024-03-11T09:30:00+08:00");
        // Fractions of a second are dropped, UTC written as an offset.
        let d = DateTime::parse_from_rfc3339("1999-12-31T23:59:59.75Z").unwrap();
        assert_eq!(rfc3339(&d), "1999-12-31T23:59:59+00:00");
    }
}
