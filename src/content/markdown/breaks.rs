//! Line breaks between Chinese characters, and runs kept on one line (issue 14). Being
//! written on branch h-emph; until it lands the events pass through unchanged.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

pub(super) fn join_cjk_lines<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    events
}

pub(super) fn keep_runs_together(text: CowStr<'_>) -> Event<'_> {
    Event::Text(text)
}
