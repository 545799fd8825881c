//! CommonMark CJK-friendly emphasis (issue 14). Being written on branch h-emph; until it
//! lands the events pass through as CommonMark left them.

use std::ops::Range;

use pulldown_cmark::Event;

pub(super) fn cjk_friendly<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    events
}
