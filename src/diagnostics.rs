//! Problems a writer can act on: `path:line:col: error: message`, plus a hint.
//!
//! Every stage reports problems as [`Diagnostic`]s and keeps going, so that one run lists
//! every bad file instead of stopping at the first. A diagnostic is an error (the output
//! would be wrong or lost: the run fails) or a warning (content the source generator
//! accepts but that deserves a look: the run succeeds and counts it). `--strict` turns
//! every warning into an error, for newsrooms whose CI must stay clean.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one place.
///
/// The place is a file (a Markdown file, a template, `config.toml`: `path` relative to the
/// site root, with a line and column when known), or a command-line option (`path` is the
/// option, e.g. `--output-dir`). A problem met while rendering a page also names the page,
/// so that one template bug hit by ten thousand pages can be told once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    /// 1-based line in the file, when known (u32 keeps `Result<_, Diagnostic>` small).
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub col: Option<u32>,
    /// URL path of the page being rendered (`tags/x/`), for problems met while rendering.
    pub page: Option<String>,
    /// How many other pages met the same problem (see [`Diagnostics::sorted`]).
    pub also_on: u32,
    pub message: String,
    /// What the writer can do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error in `path`.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            col: None,
            page: None,
            also_on: 0,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning in `path`.
    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(path, message)
        }
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = Some(narrow(line));
        self.col = Some(narrow(col));
        self
    }

    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(narrow(line));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Names the page being rendered when the problem was met.
    pub fn on_page(mut self, page: impl Into<String>) -> Self {
        self.page = Some(page.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where it is and what it is, without the page: problems that differ only in the
    /// page they were met on are one problem.
    fn place(&self) -> Place {
        (
            self.path.clone(),
            self.line,
            self.col,
            self.severity,
            self.message.clone(),
        )
    }
}

/// Where a problem is and what it says, for grouping.
type Place = (PathBuf, Option<u32>, Option<u32>, Severity, String);

/// Lines past four billion are shown as the last one that fits.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}: {}", self.severity.as_str(), self.message)?;
        match (&self.page, self.also_on) {
            (Some(page), 0) => write!(f, " (while rendering /{page})")?,
            (Some(page), n) => write!(f, " (on {} pages, e.g. while rendering /{page})", n + 1)?,
            (None, _) => {}
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Paths are shown with `/` on every platform so that editors and CI logs can jump to them.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Everything one run found, errors and warnings, sorted by file and line.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by place and drops exact repeats; a problem met on many pages (a template
    /// bug) is told once, naming one page and how many others it hit.
    pub fn sorted(list: Vec<Diagnostic>) -> Self {
        let mut list = collapse_pages(list);
        list.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity).cmp(&(&b.path, b.line, b.col, b.severity))
        });
        list.dedup();
        Diagnostics(list)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| !d.is_error()).count()
    }

    /// `--strict`: every warning becomes an error.
    pub fn strict(mut self, strict: bool) -> Self {
        if strict {
            for d in &mut self.0 {
                d.severity = Severity::Error;
            }
        }
        self
    }

    /// Number of distinct files with at least one error.
    pub fn file_count(&self) -> usize {
        let mut paths: Vec<&PathBuf> = self
            .0
            .iter()
            .filter(|d| d.is_error())
            .map(|d| &d.path)
            .collect();
        paths.sort();
        paths.dedup();
        paths.len()
    }

    /// Each diagnostic on its own lines, without the closing count (for a successful run's
    /// warnings, which the summary line counts).
    pub fn list(&self) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        out
    }
}

/// `12 warnings`, `1 warning`.
pub fn count_noun(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Groups problems that differ only in their page; keeps the first page (in page order)
/// and says how many pages the problem hit.
fn collapse_pages(list: Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::BTreeMap;
    if list.iter().all(|d| d.page.is_none()) {
        return list;
    }
    let mut out = Vec::with_capacity(list.len());
    let mut groups: BTreeMap<Place, Vec<Diagnostic>> = BTreeMap::new();
    for d in list {
        if d.page.is_none() {
            out.push(d);
            continue;
        }
        groups.entry(d.place()).or_default().push(d);
    }
    for mut group in groups.into_values() {
        group.sort_by(|a, b| a.page.cmp(&b.page));
        let others = group.len() - 1;
        let mut first = group.swap_remove(0);
        first.also_on = narrow(others);
        out.push(first);
    }
    out
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Diagnostics::sorted(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.list())?;
        let files = self.file_count();
        let warnings = self.warning_count();
        let noun = if files == 1 { "file has" } else { "files have" };
        write!(f, "{files} {noun} errors")?;
        if warnings > 0 {
            write!(f, " ({})", count_noun(warnings, "warning", "warnings"))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_a_compiler() {
        let d = Diagnostic::new("content/a.md", "missing `title`")
            .at(2, 1)
            .hint("add title = \"…\"");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: error: missing `title`\n  hint: add title = \"…\""
        );
        let w = Diagnostic::warning("content/b.md", "no title").line(3);
        assert_eq!(w.to_string(), "content/b.md:3: warning: no title");
    }

    #[test]
    fn sorts_by_path_and_counts_files() {
        let all = Diagnostics::sorted(vec![
            Diagnostic::new("b.md", "x").line(3),
            Diagnostic::new("a.md", "y").line(9),
            Diagnostic::new("b.md", "z").line(1),
            Diagnostic::warning("c.md", "w"),
        ]);
        let order: Vec<_> = all.0.iter().map(|d| (d.path.clone(), d.line)).collect();
        assert_eq!(order[0], (PathBuf::from("a.md"), Some(9)));
        assert_eq!(order[1], (PathBuf::from("b.md"), Some(1)));
        assert_eq!(all.file_count(), 2);
        assert!(
            all.to_string().ends_with("2 files have errors (1 warning)"),
            "{all}"
        );
    }

    #[test]
    fn strict_makes_warnings_errors() {
        let list = Diagnostics::sorted(vec![Diagnostic::warning("a.md", "w")]);
        assert!(!list.clone().has_errors());
        assert!(list.strict(true).has_errors());
    }

    #[test]
    fn a_problem_on_many_pages_is_told_once() {
        let e = |page: &str| {
            Diagnostic::new("templates/list.html", "boom")
                .at(3, 4)
                .on_page(page)
        };
        let out = Diagnostics::sorted(vec![e("b/"), e("a/"), e("c/")]);
        assert_eq!(out.0.len(), 1);
        assert_eq!(
            out.0[0].to_string(),
            "templates/list.html:3:4: error: boom (on 3 pages, e.g. while rendering /a/)"
        );
    }
}
