//! What happens when a mapped input file shrinks under binmap.
//!
//! Reading a page of a memory map past the end of a file that another
//! process truncated raises SIGBUS, which would kill binmap with a signal
//! (exit status 135 in a shell) and leave a half-written temporary output
//! file. [`install`] sets a SIGBUS handler at start-up instead: it removes
//! the temporary output file, if any ([`remove_on_fault`]), writes
//! [`MESSAGE`] to stderr and exits with status 1. It calls only `unlink`,
//! `write`, `_exit` (and `pause`, in a second thread that faults at the
//! same time), which are async-signal-safe (signal-safety(7)), and uses two
//! lock-free atomics.
//!
//! SIGSEGV is left alone: a map past the end of a file gives SIGBUS on
//! Linux and macOS, and Rust's own SIGSEGV handler reports stack overflows.
//! `--no-mmap` (or `BINMAP_NO_MMAP=1`) avoids maps, and so the signal.

use std::ffi::{CString, c_char, c_int};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The line printed when a mapped input shrinks (SIGBUS).
pub const MESSAGE: &str = "error: the input file shrank while binmap was reading it (another process truncated it, or its storage failed); binmap stopped: what it printed is incomplete and no output file was written. Use --no-mmap (or BINMAP_NO_MMAP=1) for files that may change.\n";

/// The temporary output file to remove on SIGBUS (a leaked C string), or null.
static TEMP: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

/// Set by the first thread that faults.
static FIRED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigbus(_sig: c_int) {
    // Several threads may fault at once (rows are formatted in parallel):
    // the first reports and exits, the others wait for that exit.
    if FIRED.swap(true, Ordering::SeqCst) {
        loop {
            // SAFETY: `pause` is async-signal-safe and takes no arguments.
            unsafe { libc::pause() };
        }
    }
    let temp = TEMP.load(Ordering::SeqCst);
    // SAFETY: `unlink`, `write` and `_exit` are async-signal-safe. `temp` is
    // null or a NUL-terminated string that is never freed (see
    // `remove_on_fault`); `MESSAGE` is a static byte string of the given
    // length. `_exit` skips destructors and atexit handlers, which is what a
    // signal handler must do.
    unsafe {
        if !temp.is_null() {
            libc::unlink(temp);
        }
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(1);
    }
}

/// Install the SIGBUS handler (once, at start-up).
pub fn install() {
    // SAFETY: a zeroed `sigaction` is a valid value (empty mask, no flags);
    // the handler is an `extern "C" fn(c_int)` as `sa_sigaction` expects
    // without SA_SIGINFO, and it only does async-signal-safe work.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigbus as extern "C" fn(c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}

/// Have the SIGBUS handler remove `path` (a temporary output file) before
/// binmap exits. The string is leaked on purpose: a handler running on
/// another thread may still read it, and there is one per command.
pub fn remove_on_fault(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    if let Ok(c) = CString::new(path.as_os_str().as_bytes()) {
        TEMP.store(c.into_raw(), Ordering::SeqCst);
    }
}

/// The temporary file is about to become the output: keep it.
pub fn remove_on_fault_done() {
    TEMP.store(std::ptr::null_mut(), Ordering::SeqCst);
}
