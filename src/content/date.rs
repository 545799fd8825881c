//! Date parsing for front matter and file names, and the formats dates are shown in.
//!
//! Archives migrated from Hugo, Zola, Hexo and Jekyll spell dates in many
//! ways: RFC 3339, TOML local date-times, Hexo's `2024-03-11 09:30:00`,
//! Jekyll's `2024-03-11 09:30:00 +0800`, hand-typed `2015-9-5 8:05` or
//! `2025/09/22`. Chrono's format strings would need one pattern per spelling
//! and cannot say *why* a date is wrong, so this module uses a tiny
//! hand-written scanner that accepts all of them and reports impossible
//! values precisely ("month 13 is not 1-12").

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use std::fmt;

/// How pages and the search index show dates (Tera 2 has no `date` filter): both print
/// the same, so a search hit reads like the listing it links to.
pub const DATE_TIME: &str = "%Y-%m-%d %H:%M";
pub const DATE_SHORT: &str = "%Y-%m-%d";

/// Shown with every date error so the author sees what would be accepted.
const HINT: &str =
    "expected a date such as 2024-03-11, 2024-03-11 09:30 or 2024-03-11T09:30:00+08:00";

/// Why a date could not be parsed, plus a hint listing the accepted forms.
#[derive(Debug, Clone, PartialEq)]
pub struct DateError {
    pub message: String,
    pub hint: String,
}

impl DateError {
    fn new(message: String) -> Self {
        Self {
            message,
            hint: HINT.to_string(),
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.hint)
    }
}

impl std::error::Error for DateError {}

/// Parses every date form found in real archives. Dates without offset are in `default_offset`.
///
/// Accepted (after trimming): `YYYY-M-D` or `YYYY/M/D`, optionally followed by
/// `T`/`t`/spaces and `H:M[:S[.fraction]]`, optionally followed by an offset
/// (`Z`, `+08:00`, `+0800`, `+08`, `UTC`). RFC 2822 is accepted as a last
/// resort because some RSS-era imports carry it.
pub fn parse_date(
    text: &str,
    default_offset: FixedOffset,
) -> Result<DateTime<FixedOffset>, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError::new("the date is empty".to_string()));
    }
    match Parts::scan(text) {
        Some(parts) => parts.resolve(text, default_offset),
        None => DateTime::parse_from_rfc2822(text).map_err(|_| not_a_date(text)),
    }
}

/// `2024-03-11-slug` / `2024-03-11_slug` (Jekyll/Zola file names) -> (date, "slug"); None when no date prefix.
///
/// A stem that is only a date (`2024-03-11`) also gives `None`: without a
/// slug the caller must fall back to the whole stem anyway. Impossible dates
/// (`2024-13-45-x`) are not a date prefix either, so such files keep their
/// full name as slug instead of failing the build. Every spelling of
/// [`date_in_name`] is accepted.
pub fn date_from_file_stem(stem: &str) -> Option<(NaiveDate, &str)> {
    date_in_name(stem).filter(|(_, rest)| !rest.is_empty())
}

/// A date that opens a file or folder name, and the rest of the name after it (empty when
/// the name is only a date). Archives name files `2020-07-27-x`, `2020_07_27_x`,
/// `2020.07.27-x`, `20200727-x`, and number several stories of one day `20230208.3-x`
/// (the serial `.3` is dropped with the date).
pub fn date_in_name(name: &str) -> Option<(NaiveDate, &str)> {
    let mut cursor = Cursor::new(name);
    let (year, month, day) = cursor.name_date()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if cursor.rest.is_empty() {
        return Some((date, ""));
    }
    // A serial after the date: `.3` in `20230208.3-title`.
    let mut serial = Cursor::new(cursor.rest);
    if serial.eat('.') && serial.digits(1, 3).is_some() {
        cursor = serial;
        if cursor.rest.is_empty() {
            return Some((date, ""));
        }
    }
    let rest = cursor.rest.strip_prefix(['-', '_', '.', ' '])?;
    Some((date, rest))
}

/// A date anywhere in a URL or path: three segments `2020/07/27` (`inside-news/2020/07/27/x`)
/// or one segment opening with a date (`posts/2020-07-27-x/`). The first found wins.
pub fn date_in_path(path: &str) -> Option<NaiveDate> {
    let segments: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    for (i, segment) in segments.iter().enumerate() {
        if let [y, m, d] = segments.get(i..i + 3).unwrap_or_default()
            && y.len() == 4
            && let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse())
            && m < 100
            && d < 100
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return Some(date);
        }
        if let Some((date, _)) = date_in_name(segment) {
            return Some(date);
        }
    }
    None
}

/// A front-matter date as written (its own offset kept), and a warning when it was read
/// with a guess (a year written with fewer than four digits, words skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontDate {
    pub date: DateTime<FixedOffset>,
    pub warning: Option<String>,
}

impl FrontDate {
    /// The date in the site's time zone, as pages, feeds and archives show it: a date
    /// written in UTC (`2024-03-11T01:30:00Z`) or any other offset is the same instant,
    /// but a Beijing newsroom reads Beijing's calendar and clock.
    pub fn shown(&self, site_offset: FixedOffset) -> DateTime<FixedOffset> {
        self.date.with_timezone(&site_offset)
    }
}

/// Parses a front-matter date; one without offset is in `site_offset`.
///
pub fn parse_front_date(text: &str, site_offset: FixedOffset) -> Result<FrontDate, DateError> {
    match parse_date(text, site_offset) {
        Ok(date) => Ok(FrontDate {
            date,
            warning: None,
        }),
        Err(e) => {
            let Some((short, year, rest)) = short_year(text.trim()) else {
                return salvage(text, site_offset).ok_or(e);
            };
            let date = parse_date(&format!("{year:04}{rest}"), site_offset)?;
            Ok(FrontDate {
                date,
                warning: Some(format!(
                    "the year `{short}` has fewer than four digits: read as {year:04}, as Hexo reads it"
                )),
            })
        }
    }
}

/// A date with words sitegen does not read between the time and the offset
/// (`2023-01-29 18:30:22 2023 -0800`, in Jekyll's own news archive): Jekyll reads it with
/// Ruby's lenient `Time.parse`, which skips them. The date and time that open it, and the
/// offset that closes it, are used; a warning names the words skipped.
fn salvage(text: &str, site_offset: FixedOffset) -> Option<FrontDate> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (head, skipped, offset) = (1..words.len()).rev().find_map(|n| {
        let head = words[..n].join(" ");
        parse_date(&head, site_offset).ok()?;
        let last = *words.last()?;
        match parse_offset(last) {
            Some(_) if n < words.len() - 1 => Some((head, &words[n..words.len() - 1], last)),
            _ => Some((head, &words[n..], "")),
        }
    })?;
    let date = parse_date(format!("{head} {offset}").trim(), site_offset).ok()?;
    Some(FrontDate {
        date,
        warning: Some(format!(
            "`{}` is not read: the date is {}",
            skipped.join(" "),
            format!("{head} {offset}").trim()
        )),
    })
}

/// `20-07-27 10:00` → ("20", 2020, "-07-27 10:00"): a year of one to three digits followed
/// by a date separator, with moment.js's reading of it.
fn short_year(text: &str) -> Option<(&str, i32, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let (short, rest) = text.split_at(digits);
    if !rest.starts_with(['-', '/']) {
        return None;
    }
    let value: i32 = short.parse().ok()?;
    let year = match digits {
        2 if value > 68 => 1900 + value,
        2 => 2000 + value,
        _ => value,
    };
    Some((short, year, rest))
}

/// Parses an offset like "+08:00", "-05:30", "Z", "UTC" (for config `timezone`).
///
/// Also accepts `+0800`, `+08`, `GMT` and `UTC+08:00`, and rejects offsets of
/// 24 hours or more.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let minutes = offset_minutes(text.trim())?;
    FixedOffset::east_opt(minutes.checked_mul(60)?)
}

fn not_a_date(text: &str) -> DateError {
    DateError::new(format!("`{}` is not a date", shorten(text)))
}

/// Keeps error messages readable when a whole paragraph lands in `date`.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let mut short: String = text.chars().take(MAX).collect();
    short.push('…');
    short
}

/// Signed minutes east of UTC, validated to hours 0-23 and minutes 0-59.
fn offset_minutes(text: &str) -> Option<i32> {
    let upper = text.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    if (rest.is_empty() && rest.len() != upper.len()) || rest == "Z" {
        return Some(0);
    }
    let (sign, hours, minutes) = signed_offset(rest)?;
    (hours <= 23 && minutes <= 59).then(|| sign * (hours * 60 + minutes))
}

/// Splits `+HH:MM`, `+HHMM`, `+HH` or `+H` into sign, hours and minutes
/// without range checks, so callers can report out-of-range values.
fn signed_offset(text: &str) -> Option<(i32, i32, i32)> {
    let mut cursor = Cursor::new(text);
    let sign = match cursor.sign()? {
        '-' => -1,
        _ => 1,
    };
    let hours = cursor.digits(1, 2)?;
    let minutes = if cursor.rest.is_empty() {
        0
    } else {
        cursor.eat(':');
        cursor.digits(2, 2)?
    };
    cursor
        .rest
        .is_empty()
        .then_some((sign, to_i32(hours)?, to_i32(minutes)?))
}

fn to_i32(value: u32) -> Option<i32> {
    i32::try_from(value).ok()
}

/// A clock time as written, before range checks.
#[derive(Debug, Clone, Copy, Default)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    nano: u32,
}

/// A date as written, before range checks; `offset` is the raw text.
#[derive(Debug)]
struct Parts<'a> {
    year: i32,
    month: u32,
    day: u32,
    clock: Clock,
    offset: Option<&'a str>,
}

impl<'a> Parts<'a> {
    /// Recognises the shape of the text; `None` means "not a date at all".
    fn scan(text: &'a str) -> Option<Self> {
        let mut cursor = Cursor::new(text);
        let (year, month, day) = cursor.date()?;
        let mut parts = Parts {
            year,
            month,
            day,
            clock: Clock::default(),
            offset: None,
        };
        if cursor.rest.is_empty() {
            return Some(parts);
        }
        if !cursor.eat('T') && !cursor.eat('t') && cursor.spaces() == 0 {
            return None;
        }
        parts.clock = cursor.clock()?;
        cursor.spaces();
        if !cursor.rest.is_empty() {
            parts.offset = Some(cursor.rest);
        }
        Some(parts)
    }

    /// Applies range checks and builds the instant.
    fn resolve(
        &self,
        text: &str,
        default_offset: FixedOffset,
    ) -> Result<DateTime<FixedOffset>, DateError> {
        let date = self.date()?;
        let time = self.time()?;
        let offset = match self.offset {
            Some(raw) => resolve_offset(raw, text)?,
            None => default_offset,
        };
        NaiveDateTime::new(date, time)
            .and_local_timezone(offset)
            .single()
            .ok_or_else(|| not_a_date(text))
    }

    fn date(&self) -> Result<NaiveDate, DateError> {
        let (month, day) = (self.month, self.day);
        if !(1..=12).contains(&month) {
            return Err(DateError::new(format!("month {month} is not 1-12")));
        }
        if !(1..=31).contains(&day) {
            return Err(DateError::new(format!("day {day} is not 1-31")));
        }
        NaiveDate::from_ymd_opt(self.year, month, day).ok_or_else(|| {
            let year = self.year;
            DateError::new(format!("{year:04}-{month:02}-{day:02} is not a real date"))
        })
    }

    fn time(&self) -> Result<NaiveTime, DateError> {
        let Clock {
            hour,
            minute,
            second,
            nano,
        } = self.clock;
        check_range("hour", hour, 23)?;
        check_range("minute", minute, 59)?;
        // RFC 3339 allows a leap second (`23:59:60`); chrono models it as
        // second 59 with an extra billion nanoseconds.
        let (second, nano) = match second {
            60 => (59, nano.saturating_add(1_000_000_000)),
            _ => (second, nano),
        };
        check_range("second", second, 59)?;
        NaiveTime::from_hms_nano_opt(hour, minute, second, nano).ok_or_else(|| {
            DateError::new(format!(
                "{hour:02}:{minute:02}:{second:02} is not a real time"
            ))
        })
    }
}

fn check_range(name: &str, value: u32, max: u32) -> Result<(), DateError> {
    if value <= max {
        Ok(())
    } else {
        Err(DateError::new(format!("{name} {value} is not 0-{max}")))
    }
}

/// Distinguishes a malformed offset (not a date) from an out-of-range one.
fn resolve_offset(raw: &str, text: &str) -> Result<FixedOffset, DateError> {
    if let Some(offset) = parse_offset(raw) {
        return Ok(offset);
    }
    let upper = raw.to_ascii_uppercase();
    let bare = upper.strip_prefix("UTC").unwrap_or(&upper);
    match signed_offset(bare) {
        Some(_) => Err(DateError::new(format!(
            "offset `{raw}` is out of range (-23:59 to +23:59)"
        ))),
        None => Err(not_a_date(text)),
    }
}

/// A forward-only scanner over ASCII-structured text. Every step consumes
/// whole ASCII characters, so slicing always lands on char boundaries.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }

    /// Consumes `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let count = self
            .rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if count < min {
            return None;
        }
        let (number, rest) = self.rest.split_at_checked(count)?;
        self.rest = rest;
        number.parse().ok()
    }

    fn eat(&mut self, expected: char) -> bool {
        match self.rest.strip_prefix(expected) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn sign(&mut self) -> Option<char> {
        ['+', '-'].into_iter().find(|&sign| self.eat(sign))
    }

    /// Consumes spaces and tabs, returning how many.
    fn spaces(&mut self) -> usize {
        let trimmed = self.rest.trim_start_matches([' ', '\t']);
        let count = self.rest.len() - trimmed.len();
        self.rest = trimmed;
        count
    }

    /// `YYYY-M-D` or `YYYY/M/D`; both separators must match.
    fn date(&mut self) -> Option<(i32, u32, u32)> {
        let year = i32::try_from(self.digits(4, 4)?).ok()?;
        let separator = ['-', '/'].into_iter().find(|&sep| self.eat(sep))?;
        let month = self.digits(1, 2)?;
        if !self.eat(separator) {
            return None;
        }
        let day = self.digits(1, 2)?;
        Some((year, month, day))
    }

    /// A date in a file or folder name: `YYYY` then `-`, `_` or `.` (the same twice)
    /// around `M` and `D`, or `YYYYMMDD` written together.
    fn name_date(&mut self) -> Option<(i32, u32, u32)> {
        let year = i32::try_from(self.digits(4, 4)?).ok()?;
        if let Some(separator) = ['-', '_', '.'].into_iter().find(|&sep| self.eat(sep)) {
            let month = self.digits(1, 2)?;
            if !self.eat(separator) {
                return None;
            }
            let day = self.digits(1, 2)?;
            return self.date_ends().then_some((year, month, day));
        }
        let month = self.digits(2, 2)?;
        let day = self.digits(2, 2)?;
        self.date_ends().then_some((year, month, day))
    }

    /// No digit right after a date: `202007271` is not a date followed by `1`.
    fn date_ends(&self) -> bool {
        !self.rest.starts_with(|c: char| c.is_ascii_digit())
    }

    /// `H:M[:S[.fraction]]`.
    fn clock(&mut self) -> Option<Clock> {
        let hour = self.digits(1, 2)?;
        if !self.eat(':') {
            return None;
        }
        let minute = self.digits(1, 2)?;
        let mut clock = Clock {
            hour,
            minute,
            ..Clock::default()
        };
        if self.eat(':') {
            clock.second = self.digits(1, 2)?;
            if self.eat('.') || self.eat(',') {
                clock.nano = self.fraction()?;
            }
        }
        Some(clock)
    }

    /// Fractional seconds as nanoseconds; digits beyond the ninth are dropped.
    fn fraction(&mut self) -> Option<u32> {
        let count = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, rest) = self.rest.split_at_checked(count)?;
        if digits.is_empty() {
            return None;
        }
        self.rest = rest;
        let nine: String = digits
            .chars()
            .chain(std::iter::repeat('0'))
            .take(9)
            .collect();
        nine.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn east(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).expect("valid offset")
    }

    fn at(
        offset: FixedOffset,
        (y, m, d): (i32, u32, u32),
        (h, min, s): (u32, u32, u32),
    ) -> DateTime<FixedOffset> {
        offset
            .with_ymd_and_hms(y, m, d, h, min, s)
            .single()
            .expect("valid test date")
    }

    fn ok(text: &str) -> DateTime<FixedOffset> {
        parse_date(text, east(8)).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> DateError {
        match parse_date(text, east(8)) {
            Ok(date) => panic!("{text:?} parsed as {date}"),
            Err(e) => e,
        }
    }

    #[test]
    fn rfc3339_forms() {
        let expected = at(east(8), (2024, 3, 11), (9, 30, 0));
        assert_eq!(ok("2024-03-11T09:30:00+08:00"), expected);
        assert_eq!(ok("2024-03-11t01:30:00z"), expected);
        assert_eq!(ok("  2024-03-11T01:30:00Z \n"), expected);
        let millis = ok("2019-06-04T10:20:00.000Z");
        assert_eq!(millis, at(east(0), (2019, 6, 4), (10, 20, 0)));
        let fraction = ok("2019-06-04T10:20:00.123456789Z");
        assert_eq!(fraction.timestamp_subsec_nanos(), 123_456_789);
    }

    #[test]
    fn offsetless_forms_use_default_offset() {
        let expected = at(east(8), (2024, 3, 11), (9, 30, 0));
        assert_eq!(ok("2024-03-11 09:30:00"), expected);
        assert_eq!(ok("2024-03-11 09:30"), expected);
        assert_eq!(ok("2024-03-11T09:30:00"), expected);
        assert_eq!(ok("2024-03-11").offset(), &east(8));
        assert_eq!(ok("2024-03-11"), at(east(8), (2024, 3, 11), (0, 0, 0)));
        let other = parse_date("2024-03-11 09:30", east(-5));
        assert_eq!(other, Ok(at(east(-5), (2024, 3, 11), (9, 30, 0))));
    }

    #[test]
    fn jekyll_offsets() {
        let expected = at(east(8), (2024, 3, 11), (9, 30, 0));
        assert_eq!(ok("2024-03-11 09:30:00 +0800"), expected);
        assert_eq!(ok("2024-03-11 09:30:00 +08:00"), expected);
        assert_eq!(ok("2024-03-11 01:30:00 UTC"), expected);
        let india = ok("2024-03-11 09:30:00 +05:30");
        assert_eq!(india.offset().local_minus_utc(), 5 * 3600 + 30 * 60);
    }

    #[test]
    fn loose_forms() {
        assert_eq!(ok("2015-9-11"), at(east(8), (2015, 9, 11), (0, 0, 0)));
        assert_eq!(ok("2015-9-5 8:05"), at(east(8), (2015, 9, 5), (8, 5, 0)));
        assert_eq!(ok("2025/09/22"), at(east(8), (2025, 9, 22), (0, 0, 0)));
        assert_eq!(
            ok("2025/9/22 10:00"),
            at(east(8), (2025, 9, 22), (10, 0, 0))
        );
        assert_eq!(
            ok("Mon, 11 Mar 2024 09:30:00 +0800"),
            at(east(8), (2024, 3, 11), (9, 30, 0))
        );
    }

    #[test]
    fn leap_second_is_accepted() {
        let date = ok("2016-12-31T23:59:60Z");
        assert_eq!(
            date.timestamp(),
            at(east(0), (2016, 12, 31), (23, 59, 59)).timestamp()
        );
    }

    #[test]
    fn impossible_dates_name_the_problem() {
        let e = err("2024-13-45");
        assert_eq!(e.message, "month 13 is not 1-12");
        assert_eq!(e.hint, HINT);
        assert_eq!(err("2023-02-29").message, "2023-02-29 is not a real date");
        assert_eq!(
            err("2024-2-30 10:00").message,
            "2024-02-30 is not a real date"
        );
        assert_eq!(err("2024-01-32").message, "day 32 is not 1-31");
        assert_eq!(err("2024-01-01 25:00").message, "hour 25 is not 0-23");
        assert_eq!(err("2024-01-01 10:61").message, "minute 61 is not 0-59");
        assert_eq!(err("2024-01-01 10:00:61").message, "second 61 is not 0-59");
        assert!(
            err("2024-01-01 10:00 +25:00")
                .message
                .contains("out of range")
        );
        assert!(ok("2024-02-29").to_string().starts_with("2024-02-29"));
    }

    #[test]
    fn garbage_is_not_a_date() {
        let e = err("next tuesday");
        assert_eq!(e.message, "`next tuesday` is not a date");
        assert_eq!(e.hint, HINT);
        assert_eq!(err("").message, "the date is empty");
        assert!(
            err("2024-03-11 09:30 +08:00 extra")
                .message
                .ends_with("is not a date")
        );
        assert!(err("2024-03/11").message.ends_with("is not a date"));
        assert!(err("2024-03-11x").message.ends_with("is not a date"));
        assert!(err(&"9".repeat(100)).message.contains('…'));
        assert_eq!(
            e.to_string(),
            format!("`next tuesday` is not a date; {HINT}")
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(east(8)));
        assert_eq!(
            parse_offset("-05:30"),
            FixedOffset::west_opt(5 * 3600 + 30 * 60)
        );
        assert_eq!(parse_offset("Z"), Some(east(0)));
        assert_eq!(parse_offset("utc"), Some(east(0)));
        assert_eq!(parse_offset("GMT"), Some(east(0)));
        assert_eq!(parse_offset("UTC+8"), Some(east(8)));
        assert_eq!(parse_offset("+0800"), Some(east(8)));
        assert_eq!(parse_offset(" +08 "), Some(east(8)));
        for bad in ["", "+24:00", "+08:60", "8", "Asia/Shanghai", "+08:0", "+"] {
            assert_eq!(parse_offset(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn file_stems() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 11);
        assert_eq!(
            date_from_file_stem("2024-03-11-hello-world"),
            date.map(|d| (d, "hello-world"))
        );
        assert_eq!(
            date_from_file_stem("2024-03-11_hello"),
            date.map(|d| (d, "hello"))
        );
        assert_eq!(
            date_from_file_stem("2024-3-11-你好"),
            date.map(|d| (d, "你好"))
        );
        for none in [
            "hello",
            "2024-03-11",
            "2024-03-11-",
            "2024-13-45-x",
            "2024-03-11x",
            "24-03-11-x",
            "",
        ] {
            assert_eq!(date_from_file_stem(none), None, "{none:?}");
        }
    }

    #[test]
    fn names_with_any_separator_and_serials() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid");
        assert_eq!(date_in_name("2020-07-27-x"), Some((d(2020, 7, 27), "x")));
        assert_eq!(date_in_name("2020_07_27_x"), Some((d(2020, 7, 27), "x")));
        assert_eq!(date_in_name("2020.07.27-x"), Some((d(2020, 7, 27), "x")));
        assert_eq!(date_in_name("20200727-x"), Some((d(2020, 7, 27), "x")));
        assert_eq!(
            date_in_name("20230208.3-title"),
            Some((d(2023, 2, 8), "title"))
        );
        assert_eq!(date_in_name("20230208.12"), Some((d(2023, 2, 8), "")));
        assert_eq!(date_in_name("2020-07-27"), Some((d(2020, 7, 27), "")));
        assert_eq!(date_from_file_stem("2020.07.27"), None);
        for none in [
            "202007271-x",
            "2020-07_27-x",
            "20201327-x",
            "2020-07-27x",
            "v2020-07-27",
        ] {
            assert_eq!(date_in_name(none), None, "{none:?}");
        }
    }

    #[test]
    fn dates_anywhere_in_a_path() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(date_in_path("inside-news/2020/07/27/x"), d(2020, 7, 27));
        assert_eq!(date_in_path("/2016/9/29/Rust-1.12/"), d(2016, 9, 29));
        assert_eq!(date_in_path("posts/2021-01-05-x/"), d(2021, 1, 5));
        assert_eq!(
            date_in_path("content/资讯/20230208.3-标题.md"),
            d(2023, 2, 8)
        );
        assert_eq!(date_in_path("about/"), None);
        assert_eq!(date_in_path("2020/13/40/x"), None);
        assert_eq!(date_in_path("a/2020/07/"), None);
    }

    #[test]
    fn front_dates_are_shown_in_the_site_zone() {
        let zulu = parse_front_date("2024-03-11T01:30:00Z", east(8)).expect("date");
        assert_eq!(zulu.date.to_rfc3339(), "2024-03-11T01:30:00+00:00");
        assert_eq!(
            zulu.shown(east(8)).to_rfc3339(),
            "2024-03-11T09:30:00+08:00"
        );
        assert_eq!(zulu.warning, None);
        let india = parse_front_date("2024-03-11 09:30 +05:30", east(8)).expect("date");
        assert_eq!(
            india.shown(east(8)).to_rfc3339(),
            "2024-03-11T12:00:00+08:00"
        );
    }

    #[test]
    fn stray_words_before_the_offset_are_skipped_with_a_warning() {
        let parsed = parse_front_date("2023-01-29 18:30:22 2023 -0800", east(8)).expect("date");
        assert_eq!(parsed.date.to_rfc3339(), "2023-01-29T18:30:22-08:00");
        let warning = parsed.warning.expect("a warning");
        assert!(warning.contains("`2023`"), "{warning}");
        let no_offset = parse_front_date("2023-01-29 18:30 左右", east(8)).expect("date");
        assert_eq!(no_offset.date.to_rfc3339(), "2023-01-29T18:30:00+08:00");
        assert!(parse_front_date("下周二 18:30", east(8)).is_err());
        assert!(parse_front_date("2023-01-29", east(8)).is_ok_and(|d| d.warning.is_none()));
    }

    #[test]
    fn short_years_are_read_as_moment_reads_them() {
        let year = |text: &str| {
            let parsed = parse_front_date(text, east(8)).expect(text);
            (
                parsed.date.format("%Y-%m-%d %H:%M").to_string(),
                parsed.warning.is_some(),
            )
        };
        assert_eq!(year("20-07-27"), ("2020-07-27 00:00".into(), true));
        assert_eq!(year("68-1-2 10:00"), ("2068-01-02 10:00".into(), true));
        assert_eq!(year("69/1/2"), ("1969-01-02 00:00".into(), true));
        assert_eq!(year("202-01-02").0, "0202-01-02 00:00");
        let warning = parse_front_date("20-07-27", east(8)).expect("date").warning;
        assert!(warning.is_some_and(|w| w.contains("`20`") && w.contains("2020")));
        assert!(parse_front_date("20-13-27", east(8)).is_err());
        assert!(parse_front_date("20x", east(8)).is_err());
    }

    /// Formats one valid instant in every accepted spelling.
    fn spellings(dt: NaiveDateTime, offset: FixedOffset) -> Vec<(String, bool)> {
        let secs = offset.local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let (hh, mm) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
        let colon = format!("{sign}{hh:02}:{mm:02}");
        let compact = format!("{sign}{hh:02}{mm:02}");
        let full = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
        let space = dt.format("%Y-%m-%d %H:%M:%S").to_string();
        let loose = dt.format("%Y-%-m-%-d %-H:%M").to_string();
        let slash = dt.format("%Y/%-m/%-d %H:%M").to_string();
        // (text, whether seconds are kept)
        vec![
            (format!("{full}{colon}"), true),
            (format!("{full}{colon}").to_lowercase(), true),
            (format!("{space} {compact}"), true),
            (format!("{space} {colon}"), true),
            (format!("{full}.000{colon}"), true),
            (full, true),
            (space, true),
            (dt.format("%Y-%m-%d %H:%M").to_string(), false),
            (loose, false),
            (slash, false),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parse_date_never_panics(text in "\\PC{0,40}") {
            let _ = parse_date(&text, east(0));
            let _ = date_from_file_stem(&text);
            let _ = date_in_path(&text);
            let _ = parse_front_date(&text, east(0));
            let _ = parse_offset(&text);
        }

        #[test]
        fn date_like_text_never_panics(text in "[0-9]{1,5}[-/][0-9]{0,3}[-/_][0-9]{0,3}[ Tt_-]?[0-9:.,]{0,12} ?[-+Zz0-9:UTCa-z]{0,7}") {
            let _ = parse_date(&text, east(0));
            let _ = date_from_file_stem(&text);
        }

        #[test]
        fn valid_dates_round_trip(
            days in 0i32..3_652_059,
            secs in 0u32..86_400,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
        ) {
            let date = NaiveDate::from_num_days_from_ce_opt(days + 1);
            let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0);
            let offset = FixedOffset::east_opt(offset_minutes * 60);
            let (Some(date), Some(time), Some(offset)) = (date, time, offset) else {
                return Err(TestCaseError::fail("generator produced an invalid date"));
            };
            let dt = NaiveDateTime::new(date, time);
            for (text, keeps_seconds) in spellings(dt, offset) {
                let local = if keeps_seconds { dt } else { dt - chrono::Duration::seconds(i64::from(secs % 60)) };
                let expected = local.and_local_timezone(offset).single();
                prop_assert_eq!(parse_date(&text, offset).ok(), expected, "{}", text);
            }
            let midnight = date.and_time(NaiveTime::MIN).and_local_timezone(offset).single();
            prop_assert_eq!(parse_date(&date.format("%Y-%-m-%-d").to_string(), offset).ok(), midnight);
            let stem = format!("{}-slug", date.format("%Y-%m-%d"));
            prop_assert_eq!(date_from_file_stem(&stem), Some((date, "slug")));
        }
    }
}
