//! Finding the front-matter block in a file: `+++` TOML, `---` YAML, or
//! Hexo's YAML without the opening `---`.

use super::{Dialect, FrontMatterError, Split};

/// One line of the file with its byte range, so splits can slice exactly.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    start: usize,
    next: usize,
    text: &'a str,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n')
        .enumerate()
        .map(move |(index, raw)| {
            let line = Line {
                number: index + 1,
                start,
                next: start + raw.len(),
                text: raw.strip_suffix('\n').unwrap_or(raw),
            };
            start = line.next;
            line
        })
}

/// See [`super::split()`].
pub(super) fn find(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let Some(first) = lines(text).find(|line| !line.text.trim().is_empty()) else {
        return Ok(no_front_matter(text));
    };
    match first.text.trim_end() {
        "+++" => delimited(text, first, Dialect::Toml),
        "---" => delimited(text, first, Dialect::Yaml),
        _ => Ok(bare_yaml(text, first).unwrap_or_else(|| no_front_matter(text))),
    }
}

fn no_front_matter(text: &str) -> Split<'_> {
    Split {
        dialect: Dialect::None,
        front: "",
        front_line: 1,
        body: text,
        body_line: 1,
    }
}

/// A block opened by `open`; YAML may also close with `...` (YAML's own end-of-document marker).
fn delimited<'a>(
    text: &'a str,
    open: Line<'a>,
    dialect: Dialect,
) -> Result<Split<'a>, FrontMatterError> {
    let closers: &[&str] = match dialect {
        Dialect::Toml => &["+++"],
        _ => &["---", "..."],
    };
    let close = lines(text)
        .skip(open.number)
        .find(|line| closers.contains(&line.text.trim_end()));
    let Some(close) = close else {
        let delimiter = open.text.trim_end();
        return Err(FrontMatterError::at(
            (open.number, 1),
            format!(
                "front matter opened with `{delimiter}` on line {} is never closed",
                open.number
            ),
            &format!("add a line `{delimiter}` after the last front-matter key"),
        ));
    };
    Ok(Split {
        dialect,
        front: text.get(open.next..close.start).unwrap_or_default(),
        front_line: open.number + 1,
        body: text.get(close.next..).unwrap_or_default(),
        body_line: close.number + 1,
    })
}

/// Hexo allows front matter without the opening `---`.
fn bare_yaml<'a>(text: &'a str, first: Line<'a>) -> Option<Split<'a>> {
    if !is_key_line(first.text) {
        return None;
    }
    let close = lines(text)
        .skip(first.number)
        .find(|line| line.text.trim_end() == "---" || !is_bare_front_line(line.text))
        .filter(|line| line.text.trim_end() == "---")?;
    Some(Split {
        dialect: Dialect::Yaml,
        front: text.get(..close.start).unwrap_or_default(),
        front_line: 1,
        body: text.get(close.next..).unwrap_or_default(),
        body_line: close.number + 1,
    })
}

/// `^[A-Za-z_][A-Za-z0-9_-]*:( |$)`, written out to avoid a regex dependency.
fn is_key_line(line: &str) -> bool {
    let mut chars = line.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return false;
    }
    let rest = chars
        .as_str()
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match rest.strip_prefix(':') {
        Some(after) => after.is_empty() || after.starts_with([' ', '\t']),
        None => false,
    }
}

/// Lines that may appear in a delimiter-less Hexo block: keys, list items
/// (indented or not, as YAML allows both under a key), continuations, comments.
fn is_bare_front_line(line: &str) -> bool {
    line.trim().is_empty()
        || is_key_line(line)
        || line.starts_with([' ', '\t', '#'])
        || line.starts_with("- ")
        || line.trim_end() == "-"
}

#[cfg(test)]
mod tests {
    use super::super::testing::{load, load_err, strings};
    use super::super::{Dialect, FrontMatter, parse, split};

    #[test]
    fn splits_toml() {
        let text = "+++\ntitle = \"Hi\"\n+++\nBody\nmore\n";
        let s = split(text).expect("split");
        assert_eq!(s.dialect, Dialect::Toml);
        assert_eq!((s.front, s.front_line), ("title = \"Hi\"\n", 2));
        assert_eq!((s.body, s.body_line), ("Body\nmore\n", 4));
    }

    #[test]
    fn splits_yaml_with_blank_lines_and_trailing_spaces() {
        let text = "\n  \n---  \ntitle: Hi\n--- \nBody";
        let s = split(text).expect("split");
        assert_eq!(s.dialect, Dialect::Yaml);
        assert_eq!((s.front, s.front_line), ("title: Hi\n", 4));
        assert_eq!((s.body, s.body_line), ("Body", 6));
    }

    #[test]
    fn yaml_may_close_with_dots() {
        let s = split("---\ntitle: Hi\n...\nBody\n").expect("split");
        assert_eq!((s.front, s.body), ("title: Hi\n", "Body\n"));
    }

    #[test]
    fn empty_front_matter_and_closing_on_last_line() {
        let s = split("---\n---").expect("split");
        assert_eq!((s.front, s.front_line, s.body, s.body_line), ("", 2, "", 3));
        let front = parse(&s).expect("parse");
        assert_eq!(front.date_line, 2);
        assert_eq!(
            load("+++\n+++\nx"),
            FrontMatter {
                date_line: 2,
                updated_line: 2,
                ..FrontMatter::default()
            }
        );
    }

    #[test]
    fn no_front_matter() {
        for text in [
            "",
            "\n\n",
            "# Title\n\nText\n---\nMore",
            "Just text",
            "Note: this is prose\nwith no keys\n---\n",
        ] {
            let s = split(text).expect("split");
            assert_eq!(
                (s.dialect, s.front, s.body, s.body_line),
                (Dialect::None, "", text, 1),
                "{text:?}"
            );
            let front = parse(&s).expect("parse");
            assert_eq!((front.title, front.date_line), (None, 1));
        }
    }

    #[test]
    fn hexo_without_opening_delimiter() {
        let text = "title: Hello\ndate: 2015-9-5 8:05\ntags:\n- a\n- b\n# note\n\ncategories: x\n---\nBody\n";
        let s = split(text).expect("split");
        assert_eq!(
            (s.dialect, s.front_line, s.body, s.body_line),
            (Dialect::Yaml, 1, "Body\n", 10)
        );
        let front = parse(&s).expect("parse");
        assert_eq!(front.title.as_deref(), Some("Hello"));
        assert_eq!(front.date.as_deref(), Some("2015-9-5 8:05"));
        assert_eq!(front.date_line, 2);
        assert_eq!(front.tags, strings(&["a", "b"]));
        assert_eq!(front.categories, strings(&["x"]));
        let blank_first = split("\ntitle: Hi\n---\nBody").expect("split");
        assert_eq!(
            (blank_first.dialect, blank_first.body),
            (Dialect::Yaml, "Body")
        );
        assert_eq!(
            split("title: Hi\nno closing\n").expect("split").dialect,
            Dialect::None
        );
        assert_eq!(split("title: Hi\n").expect("split").dialect, Dialect::None);
    }

    #[test]
    fn unterminated_front_matter() {
        let e = load_err("\n+++\ntitle = \"x\"\n");
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(
            e.message,
            "front matter opened with `+++` on line 2 is never closed"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("add a line `+++` after the last front-matter key")
        );
        let e = load_err("---\ntitle: x\n+++\n");
        assert_eq!(
            e.message,
            "front matter opened with `---` on line 1 is never closed"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("add a line `---` after the last front-matter key")
        );
    }
}
