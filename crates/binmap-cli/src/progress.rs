//! The progress bar of long scans: drawn on stderr with indicatif once a
//! scan has run for a second, only when both stdout and stderr are
//! terminals (never into a pipe or a log), and cleared when done.
//! `BINMAP_PROGRESS_AFTER_MS` changes the second (the tests set 0).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work shorter than this shows no bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

fn show_after() -> Duration {
    std::env::var("BINMAP_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(SHOW_AFTER, Duration::from_millis)
}

/// A progress bar over `total` rows, hidden until the work has taken [`SHOW_AFTER`].
pub struct Bar {
    bar: Option<ProgressBar>,
    start: Instant,
    after: Duration,
    shown: AtomicBool,
}

impl Bar {
    /// A bar for `total` rows of `what` (`"rows"`); inert unless on a terminal.
    pub fn new(total: u64, what: &str) -> Bar {
        let on_terminal = std::io::stderr().is_terminal() && std::io::stdout().is_terminal();
        let bar = on_terminal.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            let template = format!("{{wide_bar}} {{percent:>3}}% of {{human_len}} {what}, eta {{eta}}");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar
        });
        Bar { bar, start: Instant::now(), after: show_after(), shown: AtomicBool::new(false) }
    }
}

impl binmap::progress::Progress for Bar {
    fn advance(&self, rows: u64) {
        let Some(bar) = &self.bar else { return };
        if !self.shown.load(Ordering::Relaxed) && self.start.elapsed() >= self.after {
            self.shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.inc(rows);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
