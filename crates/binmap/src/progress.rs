//! Progress reporting for long scans, without the library knowing about
//! terminals: a scan calls [`Progress::advance`] with the rows it has just
//! finished (from any thread), and the caller decides what to show. The
//! `binmap` command draws an indicatif bar on a terminal; library users and
//! tests pass `&()`, which ignores it.

/// Receives "`n` more rows done" from scans running on several threads.
pub trait Progress: Sync {
    /// `rows` more rows (or elements) have been processed.
    fn advance(&self, rows: u64);
}

/// No progress reporting.
///
/// ```
/// use binmap::progress::Progress;
/// ().advance(10); // does nothing
/// ```
impl Progress for () {
    fn advance(&self, _rows: u64) {}
}
