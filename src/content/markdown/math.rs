//! LaTeX to MathML (issue 14). Being written on branch h-math; until it lands a formula is
//! shown as its source.

use crate::escape;

pub(super) fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    let class = if display {
        "math math-display"
    } else {
        "math math-inline"
    };
    Ok(format!(
        "<code class=\"{class}\">{}</code>",
        escape::html(tex)
    ))
}
