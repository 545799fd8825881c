//! The table of contents templates get as `page.toc`: the body's `##` sections with their
//! `###` subsections, as Zola's `page.toc` nests them.

use serde::Serialize;

use super::Heading;

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// The `###` headings under a `##` one (always empty for a `###`).
    pub children: Vec<TocEntry>,
}

/// The `##` headings, each with the `###` ones that follow it; other levels are left out
/// (`#` is the page's title, `####` is too fine for a reader's map). A `###` before the
/// first `##` stands at the top level.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut entries: Vec<TocEntry> = Vec::new();
    for heading in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        let entry = TocEntry {
            level: heading.level,
            id: heading.id.clone(),
            title: heading.title.clone(),
            children: Vec::new(),
        };
        match entries.last_mut() {
            Some(parent) if heading.level == 3 && parent.level == 2 => parent.children.push(entry),
            _ => entries.push(entry),
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, title: &str) -> Heading {
        Heading {
            level,
            id: title.to_string(),
            title: title.to_string(),
        }
    }

    #[test]
    fn nests_subsections_under_their_section() {
        let toc = toc(&[
            h(3, "导语"),
            h(2, "背景"),
            h(3, "起因"),
            h(4, "细节"),
            h(3, "经过"),
            h(2, "影响"),
            h(1, "不算"),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = toc
            .iter()
            .map(|e| {
                (
                    e.title.as_str(),
                    e.children.iter().map(|c| c.title.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("导语", vec![]),
                ("背景", vec!["起因", "经过"]),
                ("影响", vec![]),
            ]
        );
    }
}
