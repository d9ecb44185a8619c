//! Inputs the fuzzers (`fuzz/`) found, replayed through the very code the
//! fuzz targets run (`fuzz/src/harness.rs`, included below), plus the fuzz
//! seed corpora. Each must return, `Ok` or `Err`, without a panic, within a
//! few seconds, in bounded memory and with bounded output.
//!
//! The saved inputs are under `tests/data/fuzz/TARGET/`: raw target input
//! (`NAME`) for the byte-level targets, and for `map_and_show` the layout and
//! the file its grammar drew (`NAME.bml`, `NAME.bin`), minimized. Each replay
//! runs in a child process (this test binary under `ulimit -v`) so that a
//! hang or a runaway allocation fails the test instead of the machine.
//! A test still `#[ignore]`d names the cause of an open bug; run those with
//! `cargo test -p binmap --test fuzz_regressions -- --ignored`.

#[path = "../../../fuzz/src/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a replay may take (unoptimized test build).
const LIMIT: Duration = Duration::from_secs(10);

/// Address space of a replay, in KiB: a bug that allocates without bound
/// fails here instead of taking the machine's memory.
const MEMORY_KIB: u64 = 4 << 20;

/// Set in the child process that runs one replay.
const CHILD: &str = "BINMAP_FUZZ_REGRESSION_CHILD";

fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz").join(target)
}

/// Run `f` as test `test` in a child process (this test binary, under
/// `ulimit -v`): fail if it panics, aborts, or does not return within [`LIMIT`].
fn isolated(test: &str, f: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        f();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let log = std::env::temp_dir().join(format!("binmap-fuzz-regression-{}-{test}.log", std::process::id()));
    let out = std::fs::File::create(&log).unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(&exe)
        .args([test, "--exact", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let lines: Vec<&str> = text.lines().collect();
    let why = match lines.iter().position(|l| l.contains("panicked at")) {
        Some(i) => lines[i..(i + 2).min(lines.len())].join("\n"),
        None => lines.iter().rev().take(3).rev().copied().collect::<Vec<_>>().join("\n"),
    };
    match status {
        Some(s) if s.success() => {}
        Some(s) => panic!("{test}: the replay failed ({s}):\n{why}"),
        None => panic!("{test}: the replay did not return within {LIMIT:?}\n{why}"),
    }
}

/// Replay `tests/data/fuzz/map_and_show/NAME.bml` on `NAME.bin` as test `test`.
fn map_and_show(test: &str, name: &str) {
    let d = dir("map_and_show");
    let layout = std::fs::read_to_string(d.join(format!("{name}.bml"))).unwrap();
    let data = std::fs::read(d.join(format!("{name}.bin"))).unwrap();
    isolated(test, || harness::map_and_show(&layout, &data));
}

/// Replay `tests/data/fuzz/TARGET/NAME` (raw target input) through `run` as test `test`.
fn replay(test: &str, target: &str, name: &str, run: fn(&[u8])) {
    let bytes = std::fs::read(dir(target).join(name)).unwrap();
    isolated(test, || run(&bytes));
}

/// Every file of `fuzz/seeds/TARGET/` through `run`, in this process.
fn seeds(target: &str, run: fn(&[u8])) {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds").join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&d).unwrap() {
        run(&std::fs::read(e.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", d.display());
}

#[test]
fn seeds_layout_parse() {
    seeds("layout_parse", harness::layout_parse);
}

#[test]
fn seeds_dtype_struct() {
    seeds("dtype_struct", harness::dtype_struct);
}

#[test]
fn seeds_npy_header() {
    seeds("npy_header", harness::npy_header);
}

#[test]
fn seeds_hex_reverse() {
    seeds("hex_reverse", harness::hex_reverse);
}

#[test]
fn seeds_pack_input() {
    seeds("pack_input", harness::pack_input);
}

/// The harness itself: a replay that panics is reported as a failure.
#[test]
fn isolated_reports_a_panic() {
    let r = std::panic::catch_unwind(|| isolated("isolated_child_panics", || {}));
    let msg = *r.unwrap_err().downcast::<String>().unwrap();
    assert!(msg.contains("the replay failed") && msg.contains("child panic"), "{msg}");
}

/// Panics only as the child of `isolated_reports_a_panic`.
#[test]
fn isolated_child_panics() {
    if std::env::var_os(CHILD).is_some() {
        panic!("child panic");
    }
}

/// The layout `"\é"`: an unknown escape whose escaped character is not
/// ASCII. The lexer's error span (layout/lex.rs:219, `i..i + 2`) ends inside
/// the two-byte `é`, and `syntax_error` (layout/parse.rs:36) slices the
/// layout text there. Any `\` before a non-ASCII character (or, through
/// lossy decoding, before an invalid UTF-8 byte) does it.
#[test]

fn layout_parse_unknown_escape_multibyte() {
    replay("layout_parse_unknown_escape_multibyte", "layout_parse", "unknown_escape_multibyte", harness::layout_parse);
}

/// The struct format `1000000000e` (11 bytes): `pystruct::to_struct_type`
/// makes one layout field per repeated value, a billion fields, so
/// `struct("1000000000e")` in a layout hangs the parser and exhausts memory.
#[test]

fn dtype_struct_repeat_count() {
    replay("dtype_struct_repeat_count", "dtype_struct", "repeat_count", harness::dtype_struct);
}

/// `x: cstr[1, 0]` on an empty file, shown as CSV: a walked (variable-size)
/// array with shape [1, 0] has one row but no elements, and
/// `ArrayNode::elem(0)` computes `v.len() - 1` on an empty `Vec`
/// (reached from sink/csv.rs `write_rows` through `RowSet::elem`).
#[test]

fn map_and_show_walked_empty_rows() {
    map_and_show("map_and_show_walked_empty_rows", "walked_empty_rows");
}

/// `x: u8[4294967296, 0]` on an empty file: zero bytes, zero elements, but
/// JSON prints 2^32 empty rows (`[[],[],...]`, 8 GiB) from an empty file.
#[test]

fn map_and_show_json_empty_dims() {
    map_and_show("map_and_show_json_empty_dims", "json_empty_dims");
}

/// `x: { a: u8[4294967296] }[0]` on an empty file: the zero-row array's
/// template holds a 2^32-element array, and the CSV header makes one column
/// name per element (hang, then out of memory) although there is no row.
#[test]

fn map_and_show_csv_template_columns() {
    map_and_show("map_and_show_csv_template_columns", "csv_template_columns");
}

/// `a: { b: u16, c: i16[9223372036854775807] }[0]`: resolving the template
/// of a zero-count array, `c` is 2^64 - 2 bytes at offset 2, and
/// `*cursor = pos + member.node.size` overflows.
#[test]

fn map_and_show_template_size_overflow() {
    map_and_show("map_and_show_template_size_overflow", "template_size_overflow");
}
