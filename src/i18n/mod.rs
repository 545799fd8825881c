//! The theme's strings in the site's language: one table per shipped language (`zh-CN`,
//! `zh-TW`, `zh-HK`, `en`, TOML files embedded in the binary), chosen by `language` in
//! config.toml and overridden by its `[strings]` table.
//!
//! The table lives on the model (`Site::strings`), never in a global or the renderer, so
//! one renderer can render two editions of a site (简体 and 繁體) side by side.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Display;

use chrono::{DateTime, FixedOffset};

use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::Diagnostic;

/// A language the theme ships strings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    ZhTw,
    ZhHk,
    En,
}

impl Lang {
    /// Every shipped language, the default first.
    pub const ALL: [Lang; 4] = [Lang::ZhCn, Lang::ZhTw, Lang::ZhHk, Lang::En];

    /// The BCP 47 tag, as `<html lang>` and `[strings."…"]` write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
            Lang::ZhHk => "zh-HK",
            Lang::En => "en",
        }
    }

    /// The table of a language `config.toml` names (case-insensitive), or none for a
    /// language the theme has no table for.
    pub fn parse(language: &str) -> Option<Lang> {
        let lower = language.trim().to_ascii_lowercase().replace('_', "-");
        Some(match lower.as_str() {
            "zh" | "zh-cn" | "zh-hans" | "zh-sg" | "zh-hans-cn" | "zh-hans-sg" => Lang::ZhCn,
            "zh-tw" | "zh-hant" | "zh-hant-tw" => Lang::ZhTw,
            "zh-hk" | "zh-mo" | "zh-hant-hk" | "zh-hant-mo" => Lang::ZhHk,
            "en" => Lang::En,
            _ if lower.starts_with("en-") => Lang::En,
            _ => return None,
        })
    }

    fn table(self) -> &'static str {
        match self {
            Lang::ZhCn => include_str!("zh-CN.toml"),
            Lang::ZhTw => include_str!("zh-TW.toml"),
            Lang::ZhHk => include_str!("zh-HK.toml"),
            Lang::En => include_str!("en.toml"),
        }
    }
}

/// The theme's strings for one site (one edition), overrides applied.
#[derive(Debug, Clone)]
pub struct Strings {
    lang: Lang,
    map: BTreeMap<String, String>,
    /// What choosing the table found (an unknown `language`), reported with the model's
    /// warnings.
    pub warnings: Vec<Diagnostic>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            lang: Lang::ZhCn,
            map: shipped(Lang::ZhCn),
            warnings: Vec::new(),
        }
    }
}

/// A shipped table. The files are part of the binary and a unit test parses each, so a
/// table that does not parse is a bug caught before release, not a user's problem.
fn shipped(lang: Lang) -> BTreeMap<String, String> {
    toml::from_str(lang.table()).unwrap_or_default()
}

impl Strings {
    /// The strings for `config.raw.language` with `[strings]` applied; warnings (an
    /// unknown language falls back to zh-CN, as Hugo does) come back beside them. The
    /// Traditional edition calls this on its copy of the config (`language = "zh-TW"`).
    pub fn for_config(config: &SiteConfig) -> Result<(Strings, Vec<Diagnostic>), Diagnostic> {
        Self::for_language(&config.raw.language, &config.raw.strings)
    }

    /// [`Strings::for_config`] for the model: what it found is kept in `warnings` (an
    /// error, impossible once config.toml is validated, becomes zh-CN and the message).
    pub fn for_site(config: &SiteConfig) -> Strings {
        match Self::for_config(config) {
            Ok((strings, _)) => strings,
            Err(e) => Strings {
                warnings: vec![e],
                ..Strings::default()
            },
        }
    }

    /// The strings for `language` with `overrides` (a `[strings]` table) applied.
    pub fn for_language(
        language: &str,
        overrides: &toml::Table,
    ) -> Result<(Strings, Vec<Diagnostic>), Diagnostic> {
        let mut warnings = Vec::new();
        let lang = Lang::parse(language).unwrap_or_else(|| {
            warnings.push(
                Diagnostic::warning(
                    CONFIG_FILE,
                    format!(
                        "`language = \"{}\"` has no theme strings; the theme falls back to zh-CN",
                        language.escape_debug()
                    ),
                )
                .hint("use zh-CN, zh-TW, zh-HK or en, or override every string in [strings]"),
            );
            Lang::ZhCn
        });
        if let Some(problem) = check_overrides(overrides).into_iter().next() {
            return Err(Diagnostic::new(CONFIG_FILE, problem.message).maybe_hint(problem.hint));
        }
        // Flat keys first, then the language's own table, which wins: a Traditional
        // edition rendered from a Simplified site's config keeps its `[strings."zh-TW"]`.
        let mut map = shipped(lang);
        for (key, value) in overrides {
            if let toml::Value::String(s) = value {
                map.insert(key.clone(), s.clone());
            }
        }
        let own = overrides
            .iter()
            .filter(|(k, _)| Lang::parse(k) == Some(lang))
            .filter_map(|(_, v)| v.as_table());
        for table in own {
            for (k, v) in table {
                if let Some(s) = v.as_str() {
                    map.insert(k.clone(), s.to_string());
                }
            }
        }
        let strings = Strings {
            lang,
            map,
            warnings: warnings.clone(),
        };
        Ok((strings, warnings))
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The string of `key` (the key itself for a key no table has: a template typo shows
    /// up on the page rather than as nothing).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The string of `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, params: &[(&str, &dyn Display)]) -> String {
        let params: Vec<(&str, String)> = params.iter().map(|(k, v)| (*k, v.to_string())).collect();
        fill(self.get(key), &params)
    }

    /// `date` in the language's long form (`date_time`).
    pub fn date_time(&self, date: &DateTime<FixedOffset>) -> String {
        date.format(self.get("date_time")).to_string()
    }

    /// `date` in the language's short form (`date_short`).
    pub fn date_short(&self, date: &DateTime<FixedOffset>) -> String {
        date.format(self.get("date_short")).to_string()
    }

    /// A month's name in archives: `2024年03月`, `March 2024`.
    pub fn month_name(&self, year: i32, month: u32) -> String {
        let name =
            chrono::Month::try_from(u8::try_from(month).unwrap_or(1)).map_or("", |m| m.name());
        self.fill(
            "month_name",
            &[
                ("year", &format_args!("{year:04}")),
                ("month", &format_args!("{month:02}")),
                ("month_name", &name),
            ],
        )
    }

    /// A year's name in archives: `2024年`.
    pub fn year_name(&self, year: i32) -> String {
        self.fill("year_name", &[("year", &format_args!("{year:04}"))])
    }

    /// Every string by key, for templates as `t` (built once per site).
    pub fn value(&self) -> tera::Value {
        let mut map = tera::Map::default();
        for (k, v) in &self.map {
            map.insert(k.clone().into(), tera::Value::from(v.as_str()));
        }
        map.insert("lang".into(), tera::Value::from(self.lang.code()));
        tera::Value::from(map)
    }

    /// The strings `js/search.js` shows, as JSON for the search page's `data-strings`.
    pub fn search_json(&self) -> String {
        let keys = [
            "search_need_words",
            "search_running",
            "search_found",
            "search_none",
            "search_failed",
        ];
        let map: BTreeMap<&str, &str> = keys.iter().map(|&k| (k, self.get(k))).collect();
        serde_json::to_string(&map).unwrap_or_default()
    }
}

/// `text` with each `{name}` replaced by its value; unknown names stay as written. One
/// pass over `text`: a value is written as it is, never filled in turn (a title may hold
/// `{n}`), and the `fill` filter, which every page runs (`t.copyright`, `t.reading_time`),
/// makes one string rather than one per parameter.
pub fn fill<K: AsRef<str>, V: AsRef<str>>(text: &str, params: &[(K, V)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = params.iter().find(|(k, _)| k.as_ref() == name)?;
            Some((value.as_ref(), close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What is wrong with a `[strings]` table, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideProblem {
    /// The table the key is in: `strings` or `strings."zh-TW"`.
    pub table: String,
    pub key: String,
    pub message: String,
    pub hint: Option<String>,
}

/// Every key of the shipped tables (they all have the same keys).
pub fn keys() -> Vec<String> {
    shipped(Lang::ZhCn).into_keys().collect()
}

/// Checks a `[strings]` table: flat keys must be theme strings with text values, sub-tables
/// must be named by a shipped language and hold theme strings.
pub fn check_overrides(overrides: &toml::Table) -> Vec<OverrideProblem> {
    let known = keys();
    let mut problems = Vec::new();
    let check_key = |table: &str, key: &str, value: &toml::Value, out: &mut Vec<_>| {
        if !known.iter().any(|k| k == key) {
            out.push(OverrideProblem {
                table: table.to_string(),
                key: key.to_string(),
                message: format!("`{key}` in [{table}] is not a theme string"),
                hint: Some(match closest(key, known.iter().map(String::as_str)) {
                    Some(k) => format!("did you mean `{k}`? (every key: docs/templates.md)"),
                    None => "see the theme's keys in docs/templates.md".into(),
                }),
            });
        } else if !value.is_str() {
            out.push(OverrideProblem {
                table: table.to_string(),
                key: key.to_string(),
                message: format!("`{key}` in [{table}] must be text"),
                hint: Some(format!("write it as {key} = \"…\"")),
            });
        }
    };
    for (key, value) in overrides {
        match value {
            toml::Value::Table(sub) => {
                let code_ok = Lang::ALL.iter().any(|l| l.code() == key);
                if !code_ok {
                    let codes = Lang::ALL.map(Lang::code);
                    let hint = match closest(key, codes.iter().copied()) {
                        Some(c) => format!(
                            "did you mean `{c}`? The theme ships zh-CN, zh-TW, zh-HK and en"
                        ),
                        None => "the theme ships zh-CN, zh-TW, zh-HK and en".into(),
                    };
                    // Placed at the table's header: `[strings."zh-TX"]`.
                    problems.push(OverrideProblem {
                        table: format!("strings.\"{key}\""),
                        key: String::new(),
                        message: format!("[strings.\"{key}\"] names no language the theme ships"),
                        hint: Some(hint),
                    });
                    continue;
                }
                let table = format!("strings.\"{key}\"");
                for (k, v) in sub {
                    check_key(&table, k, v, &mut problems);
                }
            }
            _ => check_key("strings", key, value, &mut problems),
        }
    }
    problems
}

/// The known word nearest to `word`, when near enough to be a typo of it.
fn closest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let best = known
        .map(|k| (strsim::damerau_levenshtein(word, k), k))
        .min()?;
    (best.0 <= 2.max(word.chars().count() / 3)).then_some(best.1)
}

/// `{{ t.reading_time | fill(n=page.reading_minutes) }}`: each `{name}` of the string
/// replaced by the keyword argument of that name.
pub fn fill_filter(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let params: Vec<(&str, Cow<'_, str>)> = kwargs
        .iter()
        .filter_map(|(k, v)| {
            let v = v
                .as_str()
                .map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed);
            Some((k.as_str()?, v))
        })
        .collect();
    Ok(fill(text, &params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses_and_has_the_same_keys() {
        let base: Vec<String> = shipped(Lang::ZhCn).into_keys().collect();
        assert!(base.len() > 50, "{}", base.len());
        for lang in Lang::ALL {
            let table: BTreeMap<String, String> =
                toml::from_str(lang.table()).expect("table parses");
            let keys: Vec<String> = table.into_keys().collect();
            assert_eq!(keys, base, "{}", lang.code());
        }
    }

    #[test]
    fn languages_map_to_tables() {
        for (code, lang) in [
            ("zh-CN", Lang::ZhCn),
            ("zh", Lang::ZhCn),
            ("zh-Hans", Lang::ZhCn),
            ("zh-SG", Lang::ZhCn),
            ("zh-TW", Lang::ZhTw),
            ("zh-Hant", Lang::ZhTw),
            ("zh_HK", Lang::ZhHk),
            ("zh-MO", Lang::ZhHk),
            ("en", Lang::En),
            ("en-US", Lang::En),
        ] {
            assert_eq!(Lang::parse(code), Some(lang), "{code}");
        }
        assert_eq!(Lang::parse("fr"), None);
        let (s, warnings) = Strings::for_language("fr", &toml::Table::new()).unwrap();
        assert_eq!(s.lang(), Lang::ZhCn);
        assert!(
            warnings[0].to_string().contains("language"),
            "{:?}",
            warnings
        );
    }

    #[test]
    fn overrides_apply_to_their_language() {
        let t: toml::Table = toml::from_str(
            "home = \"头版\"\n[\"zh-TW\"]\nhome = \"封面\"\n[en]\nhome = \"Front\"\n",
        )
        .unwrap();
        assert!(check_overrides(&t).is_empty());
        let (cn, _) = Strings::for_language("zh-CN", &t).unwrap();
        assert_eq!(cn.get("home"), "头版");
        let (tw, _) = Strings::for_language("zh-TW", &t).unwrap();
        assert_eq!(
            tw.get("home"),
            "封面",
            "a language's own table wins over flat keys"
        );
        let t: toml::Table = toml::from_str("[\"zh-TW\"]\nhome = \"封面\"\n").unwrap();
        let (en, _) = Strings::for_language("en", &t).unwrap();
        assert_eq!(en.get("home"), "Home");
    }

    #[test]
    fn unknown_keys_and_languages_are_named_with_a_guess() {
        let t: toml::Table =
            toml::from_str("hoem = \"头版\"\n[\"zh-TX\"]\nhome = \"x\"\n").unwrap();
        let problems = check_overrides(&t);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.key == "hoem"
            && p.hint.as_deref().is_some_and(|h| h.contains("`home`"))));
        assert!(problems.iter().any(|p| p.table == "strings.\"zh-TX\""));
    }

    #[test]
    fn fill_replaces_known_names_once() {
        let params = [("n", "3"), ("title", "{n} 个要点")];
        assert_eq!(
            fill("《{title}》共 {n} 节", &params),
            "《{n} 个要点》共 3 节"
        );
        assert_eq!(fill("{x} {n} {", &params), "{x} 3 {");
        assert_eq!(fill("{{n}}", &params), "{3}");
        assert_eq!(fill("无参数", &params), "无参数");
    }

    #[test]
    fn params_and_dates() {
        let (en, _) = Strings::for_language("en", &toml::Table::new()).unwrap();
        assert_eq!(en.fill("reading_time", &[("n", &3)]), "3 min read");
        assert_eq!(en.month_name(2026, 11), "November 2026");
        let d = DateTime::parse_from_rfc3339("2026-11-30T09:05:00+08:00").unwrap();
        assert_eq!(en.date_short(&d), "Nov 30, 2026");
        let cn = Strings::default();
        assert_eq!(cn.month_name(2026, 3), "2026年03月");
        assert_eq!(cn.date_short(&d), "2026-11-30");
        assert_eq!(cn.fill("reading_time", &[("n", &3)]), "约 3 分钟读完");
    }
}
