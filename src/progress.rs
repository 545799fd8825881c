//! What a long build is doing, on the terminal: the stage it is in and how far along
//! (`rendering 12,000/31,000 pages`). Drawn on stderr only when someone is watching (see
//! [`wanted`]) and only once the run has lasted [`DELAY`], so quick builds, `-q`, CI logs
//! and captured output look exactly as they did without it.
//!
//! A [`Progress`] is a no-op when disabled (the default, and what `serve` uses). Each stage
//! takes a [`Stage`] handle that clears its line when dropped, so nothing is left on screen
//! when the summary, warnings or errors are printed. [`Stage::inc`] is an atomic add
//! (indicatif redraws at most 20 times a second), cheap enough to call once per page from
//! every render thread. A new stage reports the same way:
//!
//! ```
//! # let progress = sitegen::progress::Progress::default();
//! # let images = vec![(); 3];
//! let resizing = progress.stage("resizing", images.len(), "images");
//! for _image in &images {
//!     resizing.inc(1);
//! }
//! ```

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs shorter than this show nothing: a flash of a bar is noise.
pub const DELAY: Duration = Duration::from_secs(1);
/// How often a stage redraws on its own (the spinner, and a stage whose count is stuck).
const TICK: Duration = Duration::from_millis(100);
const COUNTED: &str = "{spinner} {prefix} {human_pos}/{human_len} {msg} [{bar:30}] {elapsed}";
const UNCOUNTED: &str = "{spinner} {prefix} {elapsed}";

/// Whether to draw progress: not with `-q`, not when stderr is a pipe or a file (CI logs,
/// tests), not on a terminal that says it cannot move the cursor (`TERM=dumb`).
pub fn wanted(quiet: bool, stderr_is_terminal: bool, term: Option<&str>) -> bool {
    !quiet && stderr_is_terminal && term != Some("dumb")
}

/// Progress for one run; clones share it. `Progress::default()` draws nothing.
#[derive(Clone, Default)]
pub struct Progress {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    bars: MultiProgress,
    /// The thread that reveals the bars after [`DELAY`]; dropping the sender stops it.
    reveal: Mutex<Option<(Sender<()>, JoinHandle<()>)>>,
}

impl Progress {
    /// Progress on stderr, if [`wanted`] for this process.
    pub fn on_stderr(quiet: bool) -> Self {
        let term = std::env::var("TERM").ok();
        if wanted(quiet, std::io::stderr().is_terminal(), term.as_deref()) {
            Self::revealed_after(DELAY, ProgressDrawTarget::stderr())
        } else {
            Self::default()
        }
    }

    /// Progress that draws nothing until `delay` has passed, then draws on `target`.
    pub fn revealed_after(delay: Duration, target: ProgressDrawTarget) -> Self {
        let bars = MultiProgress::with_draw_target(ProgressDrawTarget::hidden());
        let (stop, stopped) = mpsc::channel::<()>();
        let to_reveal = bars.clone();
        let thread = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(delay) {
                to_reveal.set_draw_target(target);
            }
        });
        Progress {
            inner: Some(Arc::new(Inner {
                bars,
                reveal: Mutex::new(Some((stop, thread))),
            })),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// A stage that counts: `{verb} {done}/{total} {unit}`, e.g. `loading 3,200/10,000 files`.
    pub fn stage(&self, verb: &str, total: usize, unit: &str) -> Stage {
        self.start(verb, Some(total as u64), unit, COUNTED)
    }

    /// A stage without a count, shown with a spinner: `feeds, sitemaps and search index`.
    pub fn step(&self, name: &str) -> Stage {
        self.start(name, None, "", UNCOUNTED)
    }

    fn start(&self, name: &str, total: Option<u64>, unit: &str, template: &str) -> Stage {
        let Some(inner) = &self.inner else {
            return Stage { bar: None };
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .progress_chars("=> ");
        // Hidden until it joins the others: a new bar would draw straight to stderr.
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden())
            .with_style(style)
            .with_prefix(name.to_string())
            .with_message(unit.to_string());
        let bar = inner.bars.add(bar);
        bar.enable_steady_tick(TICK);
        Stage { bar: Some(bar) }
    }

    /// Stops drawing and clears what was drawn, for printing the summary or errors.
    /// Later stages draw nothing.
    pub fn finish(&self) {
        if let Some(inner) = &self.inner {
            inner.stop_revealing();
            // Only a failed write to the terminal can fail here; the bar is moot then.
            let _ = inner.bars.clear();
            inner.bars.set_draw_target(ProgressDrawTarget::hidden());
        }
    }
}

impl Inner {
    fn stop_revealing(&self) {
        let taken = match self.reveal.lock() {
            Ok(mut reveal) => reveal.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some((stop, thread)) = taken {
            drop(stop);
            let _ = thread.join();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop_revealing();
        let _ = self.bars.clear();
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("enabled", &self.is_enabled())
            .finish()
    }
}

/// One stage's line. Dropping it clears the line.
pub struct Stage {
    bar: Option<ProgressBar>,
}

impl Stage {
    /// Counts `n` more done; callable from many threads at once.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// How many are done (0 when disabled).
    pub fn done(&self) -> u64 {
        self.bar.as_ref().map_or(0, ProgressBar::position)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use indicatif::TermLike;
    use rayon::prelude::*;

    use super::*;

    #[test]
    fn drawn_only_on_a_capable_terminal_and_never_when_quiet() {
        assert!(wanted(false, true, Some("xterm-256color")));
        assert!(wanted(false, true, None));
        assert!(!wanted(true, true, Some("xterm-256color")));
        assert!(!wanted(false, false, Some("xterm-256color")));
        assert!(!wanted(false, true, Some("dumb")));
    }

    #[test]
    fn the_line_templates_are_valid() {
        assert!(ProgressStyle::with_template(COUNTED).is_ok());
        assert!(ProgressStyle::with_template(UNCOUNTED).is_ok());
    }

    #[test]
    fn a_disabled_progress_counts_nothing_and_draws_nothing() {
        let progress = Progress::default();
        assert!(!progress.is_enabled());
        let stage = progress.stage("rendering", 10, "pages");
        stage.inc(3);
        assert_eq!(stage.done(), 0);
    }

    #[test]
    fn counts_from_many_threads() {
        let progress = Progress::revealed_after(DELAY, ProgressDrawTarget::hidden());
        let stage = progress.stage("rendering", 10_000, "pages");
        (0..10_000).into_par_iter().for_each(|_| stage.inc(1));
        assert_eq!(stage.done(), 10_000);
    }

    /// A terminal that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl Screen {
        fn text(&self) -> String {
            self.0.lock().map(|w| w.concat()).unwrap_or_default()
        }
        fn record(&self, s: &str) -> io::Result<()> {
            self.0
                .lock()
                .map_err(|_| io::ErrorKind::Other)?
                .push(s.to_string());
            Ok(())
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.record(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.record(s)
        }
        fn clear_line(&self) -> io::Result<()> {
            self.record("<clear>")
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn nothing_is_drawn_before_the_delay() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let progress = Progress::revealed_after(Duration::from_secs(60), target);
        let stage = progress.stage("loading", 4, "files");
        stage.inc(2);
        std::thread::sleep(3 * TICK);
        drop(stage);
        progress.finish();
        assert_eq!(screen.text(), "");
    }

    #[test]
    fn after_the_delay_the_stage_and_its_count_are_drawn_then_cleared() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let progress = Progress::revealed_after(Duration::from_millis(50), target);
        let stage = progress.stage("rendering", 31_000, "pages");
        stage.inc(12_000);
        std::thread::sleep(Duration::from_millis(50) + 3 * TICK);
        assert!(
            screen.text().contains("rendering 12,000/31,000 pages"),
            "{}",
            screen.text()
        );
        let drawn = screen.text().len();
        drop(stage);
        progress.finish();
        assert!(screen.text()[drawn..].contains("<clear>"));
    }
}
