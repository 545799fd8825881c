//! Footnotes at the end of the article, as GitHub, Hugo and Zola place them.
//!
//! pulldown-cmark writes each definition where it is written, often mid-article. Here the
//! definitions are held back while the body streams past; once it is done, references are
//! numbered in the order they are first met and the notes follow the body in one
//! `<section class="footnotes">`, each with a back-link to every reference to it.
//!
//! Ids are `fn-N` for notes and `fnref-N` (`fnref-N-2` for a second reference to the same
//! note) for references; the heading id allocator never hands those out, so they cannot
//! clash with a heading's. A definition no reference points at is dropped, as GitHub and
//! Hugo drop it.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, html};

/// Footnote definitions held back from the body, keyed by their label (case-insensitive,
/// as labels match in CommonMark).
#[derive(Default)]
pub(super) struct Footnotes<'a> {
    definitions: HashMap<String, Vec<Event<'a>>>,
    /// The definition being read, if any.
    open: Option<(String, Vec<Event<'a>>)>,
}

/// Numbering handed out while references are replaced.
#[derive(Default)]
struct Numbering {
    /// Labels in the order of their first reference; a note's number is its index + 1.
    order: Vec<String>,
    /// How many references each note has had so far, by number - 1.
    refs: Vec<usize>,
}

impl<'a> Footnotes<'a> {
    /// Starts holding back the definition of `label`.
    pub fn start(&mut self, label: &str) {
        self.open = Some((key(label), Vec::new()));
    }

    /// Ends the definition being read.
    pub fn end(&mut self) {
        if let Some((label, events)) = self.open.take() {
            self.definitions.entry(label).or_insert(events);
        }
    }

    /// Where the events of the definition being read go, if one is open.
    pub fn sink(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.open.as_mut().map(|(_, events)| events)
    }

    /// What each of the body's references (their labels, in order) becomes — its numbered
    /// link, or its text when no definition has its label — as HTML, and the notes'
    /// section, when some note is referred to.
    pub fn finish(mut self, references: &[&str]) -> (Vec<String>, Option<String>) {
        self.end();
        let mut numbering = Numbering::default();
        let links = references
            .iter()
            .map(|label| {
                let mut html = String::new();
                html::push_html(&mut html, std::iter::once(self.link(label, &mut numbering)));
                html
            })
            .collect();
        if numbering.order.is_empty() {
            return (links, None);
        }
        let mut notes = String::from("<section class=\"footnotes\">\n<ol>\n");
        let mut n = 0;
        // Notes may refer to notes not yet numbered, which join the end of the list.
        while let Some(label) = numbering.order.get(n).cloned() {
            let events = self.definitions.remove(&label).unwrap_or_default();
            let events = self.link_references(events, &mut numbering);
            let mut body = String::new();
            html::push_html(&mut body, events.into_iter());
            n += 1;
            let backrefs = backrefs(n, numbering.refs.get(n - 1).copied().unwrap_or(1));
            notes.push_str(&format!("<li id=\"fn-{n}\">\n"));
            notes.push_str(&with_backrefs(body, &backrefs));
            notes.push_str("</li>\n");
        }
        notes.push_str("</ol>\n</section>\n");
        (links, Some(notes))
    }

    /// `events` with each reference replaced by [`Footnotes::link`].
    fn link_references(&self, events: Vec<Event<'a>>, numbering: &mut Numbering) -> Vec<Event<'a>> {
        events
            .into_iter()
            .map(|event| match event {
                Event::FootnoteReference(label) => self.link(&label, numbering),
                other => other,
            })
            .collect()
    }

    /// A reference's numbered link, or its text when no definition has its label.
    fn link(&self, label: &str, numbering: &mut Numbering) -> Event<'a> {
        let k = key(label);
        if !self.definitions.contains_key(&k) && !numbering.order.contains(&k) {
            return Event::Text(CowStr::from(format!("[^{label}]")));
        }
        let n = match numbering.order.iter().position(|l| *l == k) {
            Some(i) => i + 1,
            None => {
                numbering.order.push(k);
                numbering.refs.push(0);
                numbering.order.len()
            }
        };
        numbering.refs[n - 1] += 1;
        Event::InlineHtml(CowStr::from(reference(n, numbering.refs[n - 1])))
    }
}

fn key(label: &str) -> String {
    label.to_lowercase()
}

/// The id of the `nth` (1-based) reference to note `n`.
fn ref_id(n: usize, nth: usize) -> String {
    if nth == 1 {
        format!("fnref-{n}")
    } else {
        format!("fnref-{n}-{nth}")
    }
}

fn reference(n: usize, nth: usize) -> String {
    format!(
        "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"{}\">{n}</a></sup>",
        ref_id(n, nth)
    )
}

/// Back-links to every reference to note `n`: `↩`, then `↩²`, `↩³` as GitHub writes them.
fn backrefs(n: usize, count: usize) -> String {
    (1..=count.max(1))
        .map(|nth| {
            let mark = if nth == 1 {
                String::new()
            } else {
                format!("<sup>{nth}</sup>")
            };
            format!(
                "<a href=\"#{}\" class=\"footnote-backref\" aria-label=\"返回正文\">↩{mark}</a>",
                ref_id(n, nth)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The note's HTML with the back-links at the end of its last paragraph (or after it, when
/// the note does not end with one).
fn with_backrefs(mut body: String, backrefs: &str) -> String {
    let trimmed = body.trim_end().len();
    body.truncate(trimmed);
    match body.strip_suffix("</p>") {
        Some(open) => format!("{open} {backrefs}</p>\n"),
        None => format!("{body}\n<p>{backrefs}</p>\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RenderOptions, render};

    #[test]
    fn notes_go_to_the_end_numbered_by_first_reference() {
        let md = "首先[^b]，其次[^a]，再次[^b]。\n\n[^a]: 甲注。\n\n中间段落。\n\n[^b]: 乙注。\n\n末段。\n";
        let html = render(md, RenderOptions::default()).html;
        let section = html.find("<section class=\"footnotes\">").expect(&html);
        assert!(html.find("末段").expect(&html) < section, "{html}");
        assert!(
            html.contains(
                "首先<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#fn-2\" id=\"fnref-2\">2</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>"),
            "{html}"
        );
        let notes = &html[section..];
        let first = notes.find("<li id=\"fn-1\">").expect(notes);
        let second = notes.find("<li id=\"fn-2\">").expect(notes);
        assert!(first < second);
        assert!(notes[first..second].contains("乙注。"), "{notes}");
        assert!(notes.contains("href=\"#fnref-1\""), "{notes}");
        assert!(notes.contains("href=\"#fnref-1-2\""), "{notes}");
        assert!(notes.contains("乙注。 <a href=\"#fnref-1\""), "{notes}");
        assert_eq!(html.matches("甲注").count(), 1);
    }

    #[test]
    fn undefined_references_stay_text_and_unused_notes_go() {
        let html = render(
            "引用[^missing]。\n\n[^unused]: 无人引用。\n",
            RenderOptions::default(),
        )
        .html;
        assert!(html.contains("引用[^missing]。"), "{html}");
        assert!(!html.contains("无人引用"), "{html}");
        assert!(!html.contains("footnotes"), "{html}");
    }

    #[test]
    fn a_note_that_refers_to_another_numbers_it_after() {
        let html = render(
            "正文[^a]。\n\n[^a]: 见[^b]。\n[^b]: 乙。\n",
            RenderOptions::default(),
        )
        .html;
        assert!(html.contains("<li id=\"fn-2\">"), "{html}");
        assert!(
            html.contains("<a href=\"#fn-2\" id=\"fnref-2\">2</a>"),
            "{html}"
        );
    }

    #[test]
    fn heading_ids_never_take_footnote_ids() {
        let html = render(
            "## fn-1\n\n## fnref-1\n\n文[^x]\n\n[^x]: 注\n",
            RenderOptions::default(),
        )
        .html;
        assert_eq!(html.matches("id=\"fn-1\"").count(), 1, "{html}");
        assert_eq!(html.matches("id=\"fnref-1\"").count(), 1, "{html}");
        assert!(html.contains("<h2 id=\"h-fn-1\">fn-1<a"), "{html}");
    }
}
