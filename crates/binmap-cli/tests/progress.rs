//! The progress bar: drawn on a terminal (a pseudo-terminal from
//! util-linux `script`), never into a pipe, and not for work under the
//! delay. `BINMAP_PROGRESS_AFTER_MS=0` makes any scan long enough, so no
//! test depends on timing.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Run `args` on a pseudo-terminal (stdout and stderr both terminals) and
/// return everything the terminal received.
fn on_terminal(args: &[&str], after_ms: &str) -> String {
    let line: Vec<String> = std::iter::once(BIN).chain(args.iter().copied()).map(|a| format!("'{a}'")).collect();
    let out = Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("BINMAP_PROGRESS_AFTER_MS", after_ms)
        .output()
        .expect("util-linux `script` is needed for this test (apt-get install bsdutils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn stats_select_and_convert_draw_a_bar_on_a_terminal_and_clear_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let (db, bml, o) = (example("db.dat"), example("db.bml"), out.to_str().unwrap().to_string());
    let pq = dir.path().join("out.parquet").to_str().unwrap().to_string();
    for (args, done) in [
        (vec!["stats", &db, "-l", &bml, "-o", &o], "100% of 8 rows"),
        (vec!["select", &db, "-l", &bml, "-w", "value > 0", "-o", &o], "100% of 8 rows"),
        (
            vec!["select", &db, "-l", &bml, "-w", "value > 0", "-f", "bin", "-o", &o],
            "100% of 16 rows (counted, then written)",
        ),
        (vec!["convert", &db, "-l", &bml, "-o", &pq], "100% of 8 rows"),
    ] {
        let screen = on_terminal(&args, "0");
        assert!(screen.contains(done), "{args:?}: {screen:?}");
        assert!(screen.ends_with("\r\u{1b}[2K"), "the bar is cleared at the end: {screen:?}");
    }
}

#[test]
fn no_bar_for_short_work() {
    let (db, bml) = (example("db.dat"), example("db.bml"));
    let screen = on_terminal(&["stats", &db, "-l", &bml, "value"], "60000");
    assert!(!screen.contains("rows") && !screen.contains('\u{1b}'), "{screen:?}");
    assert!(screen.starts_with("column  count"), "{screen:?}");
}

#[test]
fn no_bar_into_a_pipe() {
    let out = Command::new(BIN)
        .args(["stats", &example("db.dat"), "-l", &example("db.bml")])
        .env("BINMAP_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("column  count"));
}
