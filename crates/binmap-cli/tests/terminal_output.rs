//! Output that fits a terminal (issue 14 items 6 and 7): `stats` tables at
//! a readable precision wrapped to the terminal's width, `--stat`, and
//! `struct pack` printing Python's `repr` of the bytes on a terminal (raw
//! bytes into a pipe or a file), with Python's truth of a `?` literal.
//! Terminals are pseudo-terminals from util-linux `script`.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `binmap ARGS` into a pipe, with `env` set (and COLUMNS unset unless given).
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args).env_remove("COLUMNS");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run binmap")
}

fn stdout(args: &[&str], env: &[(&str, &str)]) -> String {
    let o = run(args, env);
    assert!(o.status.success(), "binmap {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// Run `args` on a pseudo-terminal `cols` columns wide (after `stty`), and
/// return what the terminal received, with its `\r\n` made `\n`.
fn on_terminal(args: &[&str], cols: u32) -> String {
    let line: Vec<String> = std::iter::once(BIN).chain(args.iter().copied()).map(|a| format!("'{a}'")).collect();
    let script = format!("stty rows 40 cols {cols}; {}", line.join(" "));
    let out = Command::new("script")
        .args(["-qec", &script, "/dev/null"])
        .env_remove("COLUMNS")
        .output()
        .expect("util-linux `script` is needed for this test (apt-get install bsdutils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

fn db() -> [String; 4] {
    ["stats".into(), example("db.dat"), "-l".into(), example("db.bml")]
}

fn stats_args<'a>(db: &'a [String; 4], more: &[&'a str]) -> Vec<&'a str> {
    db.iter().map(String::as_str).chain(more.iter().copied()).collect()
}

#[test]
fn stats_table_rounds_floats_to_seven_digits_and_lines_up_points() {
    let db = db();
    let got = stdout(&stats_args(&db, &["value", "--by", "name"]), &[]);
    assert_eq!(
        got,
        "name         column  count  nan    min   max       mean       std    sum\n\
         GOOD_profit  value       1    0   4.5    4.5   4.5       0.0        4.5\n\
         GOOG_profit  value       2    0  -1.08   3.2   1.06      2.14       2.12\n\
         INTC_profit  value       2    0  -1.05  -0.2  -0.625     0.425     -1.25\n\
         MSFT_profit  value       3    0   5.6    8.4   6.733333  1.203698  20.2\n"
    );
    // Every line fits 80 columns, the width off a terminal.
    assert!(got.lines().all(|l| l.chars().count() <= 80), "{got}");
}

#[test]
fn csv_and_json_keep_every_digit() {
    let db = db();
    let csv = stdout(&stats_args(&db, &["value", "--by", "name", "-f", "csv"]), &[("COLUMNS", "20")]);
    assert!(
        csv.contains("MSFT_profit,value,3,0,5.6,8.4,6.733333110809326,1.2036978877217839,20.19999933242798\n"),
        "{csv}"
    );
    let json = stdout(&stats_args(&db, &["value", "--where", "value < 0", "-f", "json"]), &[("COLUMNS", "20")]);
    assert_eq!(
        json,
        "[{\"column\":\"value\",\"count\":3,\"nan\":0,\"min\":-1.08,\"max\":-0.2,\"mean\":-0.7766666660706202,\
         \"std\":0.4079487971129385,\"sum\":-2.3299999982118607}]\n"
    );
}

#[test]
fn columns_wrap_into_blocks_that_repeat_the_keys() {
    let db = db();
    let got = stdout(&stats_args(&db, &["value", "--by", "name"]), &[("COLUMNS", "50")]);
    assert_eq!(
        got,
        "name         column  count  nan    min   max\n\
         GOOD_profit  value       1    0   4.5    4.5\n\
         GOOG_profit  value       2    0  -1.08   3.2\n\
         INTC_profit  value       2    0  -1.05  -0.2\n\
         MSFT_profit  value       3    0   5.6    8.4\n\
         \n\
         name         column       mean       std    sum\n\
         GOOD_profit  value    4.5       0.0        4.5\n\
         GOOG_profit  value    1.06      2.14       2.12\n\
         INTC_profit  value   -0.625     0.425     -1.25\n\
         MSFT_profit  value    6.733333  1.203698  20.2\n"
    );
    // Narrower than the keys and one statistic: one statistic per block, nothing dropped.
    let narrow = stdout(&stats_args(&db, &["value"]), &[("COLUMNS", "5")]);
    assert_eq!(narrow.split("\n\n").count(), 7, "{narrow}");
    for s in ["count", "nan", "min", "max", "mean", "std", "sum"] {
        assert!(narrow.contains(&format!("column  {s}")) || narrow.contains(&format!("  {s}\n")), "{s}: {narrow}");
    }
}

#[test]
fn the_table_fits_the_terminal_width() {
    let db = db();
    let wide = on_terminal(&stats_args(&db, &["value", "--by", "name"]), 120);
    assert_eq!(wide.matches("column").count(), 1, "one block at 120 columns: {wide}");
    let narrow = on_terminal(&stats_args(&db, &["value", "--by", "name"]), 50);
    assert_eq!(narrow.matches("column").count(), 2, "two blocks at 50 columns: {narrow}");
    assert!(narrow.lines().all(|l| l.chars().count() <= 50), "{narrow}");
    // -o FILE is not the terminal: 80 columns there, one block.
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("stats.txt");
    assert_eq!(on_terminal(&stats_args(&db, &["value", "--by", "name", "-o", f.to_str().expect("path")]), 50), "");
    let text = std::fs::read_to_string(&f).expect("read");
    assert_eq!(text, stdout(&stats_args(&db, &["value", "--by", "name"]), &[]));
    assert_eq!(text.matches("column").count(), 1, "{text}");
}

#[test]
fn stat_picks_and_orders_the_statistics() {
    let db = db();
    assert_eq!(
        stdout(&stats_args(&db, &["--stat", "sum,mean"]), &[]),
        "column         sum          mean\ntime    4001515     500189.4\nvalue        25.57       3.19625\n"
    );
    assert_eq!(
        stdout(&stats_args(&db, &["value", "--stat", "count,min", "--stat", "max,std,nan", "-f", "csv"]), &[]),
        "column,count,min,max,std,nan\nvalue,8,-1.08,8.4,3.380657885460605,0\n"
    );
    assert_eq!(
        stdout(&stats_args(&db, &["value", "--by", "name", "--stat", "sum", "-f", "jsonl", "--rows", "..2"]), &[]),
        "{\"name\":\"GOOG_profit\",\"column\":\"value\",\"sum\":-1.0800000429153442}\n\
         {\"name\":\"MSFT_profit\",\"column\":\"value\",\"sum\":6.199999809265137}\n"
    );
}

#[test]
fn an_unknown_statistic_names_the_one_meant() {
    let db = db();
    for (name, hint) in [
        ("mena", "; did you mean 'mean'?"),
        ("Sum", "; did you mean 'sum'?"),
        ("median", "; did you mean 'mean'?"),
        ("average", ""),
    ] {
        let o = run(&stats_args(&db, &["--stat", &format!("count,{name}")]), &[]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!("error: --stat: no statistic '{name}'; they are: count, nan, min, max, mean, std, sum{hint}\n")
        );
        assert!(o.stdout.is_empty());
    }
}

fn pack(args: &[&str]) -> Vec<u8> {
    let mut all = vec!["struct", "pack"];
    all.extend_from_slice(args);
    let o = run(&all, &[]);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

#[test]
fn struct_pack_shows_python_repr_on_a_terminal_and_raw_bytes_into_a_pipe() {
    assert_eq!(on_terminal(&["struct", "pack", "<ih", "7", "-2"], 80), "b'\\x07\\x00\\x00\\x00\\xfe\\xff'\n");
    assert_eq!(pack(&["<ih", "7", "-2"]), b"\x07\0\0\0\xfe\xff");
    // --raw on a terminal, --repr into a pipe, before FMT or after the values.
    assert_eq!(on_terminal(&["struct", "pack", "--raw", "<4s", "abcd"], 80), "abcd");
    assert_eq!(pack(&["--repr", "<i", "5"]), b"b'\\x05\\x00\\x00\\x00'\n");
    assert_eq!(pack(&["<i", "5", "--repr"]), b"b'\\x05\\x00\\x00\\x00'\n");
    assert_eq!(pack(&["<i", "5", "--raw"]), b"\x05\0\0\0");
    // -o writes the bytes, also from a terminal.
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("x.b");
    let screen = on_terminal(&["struct", "pack", "<i", "5", "-o", f.to_str().expect("path")], 80);
    assert_eq!(screen, "");
    assert_eq!(std::fs::read(&f).expect("read"), b"\x05\0\0\0");
    let o = run(&["struct", "pack", "--repr", "--raw", "<i", "5"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_repr_is_cpythons() {
    // repr(bytes): ' unless the bytes hold ' and no ", \t \n \r \\ escaped, others \xNN.
    for (value, want) in [
        ("it's", "b\"it's\""),
        ("a'\"", "b'a\\'\"'"),
        ("\\t\\n\\r\\\\\\x00\\x7f\\x80~ ", "b'\\t\\n\\r\\\\\\x00\\x7f\\x80~ '"),
        ("\"", "b'\"'"),
    ] {
        let sized = String::from_utf8(pack(&["--repr", "--", &format!("{}s", byte_len(value)), value])).expect("UTF-8");
        assert_eq!(sized, format!("{want}\n"), "{value}");
    }
}

/// The number of bytes the command-line text `v` stands for.
fn byte_len(v: &str) -> usize {
    binmap::pystruct::parse_bytes_arg(v).expect("bytes").len()
}

#[test]
fn a_question_mark_packs_the_truth_of_the_python_literal() {
    for falsy in ["None", "''", "\"\"", "()", "[]", "{}", "0j", "0.0", "b''", "False", "0", "", "set()", "(0)"] {
        assert_eq!(pack(&["?", falsy]), [0], "{falsy:?}");
    }
    for truthy in ["True", "1", "-1", "0.5", "nan", "'a'", "b'\\x00'", "(0,)", "[0]", "{0: 0}", "1j", "..."] {
        assert_eq!(pack(&["?", truthy]), [1], "{truthy:?}");
    }
    let o = run(&["struct", "pack", "?", "false"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a Python literal") && err.ends_with("did you mean 'False'?\n"), "{err}");
}
