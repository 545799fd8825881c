//! Errors a writer can act on: `path:line:col: error: message`, plus a hint.
//!
//! Every stage reports problems as [`Diagnostic`]s and keeps going, so that one run lists
//! every bad file instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root (or as the user gave it).
    pub path: PathBuf,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub col: Option<usize>,
    pub message: String,
    /// What the writer can do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            col: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
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
        write!(f, ": error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Paths are shown with `/` on every platform so that editors and CI logs can jump to them.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Everything that went wrong in one run, sorted by file and line.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        list.dedup();
        Diagnostics(list)
    }

    /// Number of distinct files with at least one error.
    pub fn file_count(&self) -> usize {
        let mut paths: Vec<&PathBuf> = self.0.iter().map(|d| &d.path).collect();
        paths.dedup();
        paths.len()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let files = self.file_count();
        let noun = if files == 1 { "file has" } else { "files have" };
        write!(f, "{files} {noun} errors")
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
    }

    #[test]
    fn sorts_by_path_and_counts_files() {
        let all = Diagnostics::sorted(vec![
            Diagnostic::new("b.md", "x").line(3),
            Diagnostic::new("a.md", "y").line(9),
            Diagnostic::new("b.md", "z").line(1),
        ]);
        let order: Vec<_> = all.0.iter().map(|d| (d.path.clone(), d.line)).collect();
        assert_eq!(order[0], (PathBuf::from("a.md"), Some(9)));
        assert_eq!(order[1], (PathBuf::from("b.md"), Some(1)));
        assert_eq!(all.file_count(), 2);
        assert!(all.to_string().ends_with("2 files have errors"));
    }
}
