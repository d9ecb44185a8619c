//! Issue 14 items 1–3 and 8, each example of the issue as a new user types
//! it: numpy's names and pasted dtypes, "did you mean" on every kind of
//! name, numpy's habits in `--where`, the byte-swapped size hint, and the
//! help for the language. Paths are relative to `examples/`.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

/// `binmap ARGS` in examples/: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
        .output()
        .expect("run binmap");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "binmap {args:?}: {err}");
    out
}

/// The first line of the error of `binmap ARGS`, which must fail.
fn error(args: &[&str]) -> String {
    let (code, _, err) = run(args);
    assert_ne!(code, 0, "binmap {args:?} succeeded");
    err.lines().next().unwrap_or_default().to_string()
}

#[test]
fn numpy_names_and_the_tutorials_dtypes_pasted_as_they_stand() {
    for (ty, size) in [
        ("int32", 4),
        ("float64", 8),
        ("float32", 4),
        ("double", 8),
        ("np.int64", 8),
        ("numpy.float32", 4),
        ("np.dtype('f8')", 8),
        ("int_", 8),
        ("intp", 8),
        ("int64", 8),
    ] {
        let out = ok(&["info", "data.bin", "-l", &format!("x: {ty}")]);
        assert!(out.contains(&format!("describes {size} of the 248 bytes")), "{ty}: {out}");
    }
    let header = "header: dtype([('rows', int32), ('cols', int32)])";
    assert_eq!(ok(&["show", "data.bin", "-l", header, "header", "-f", "json"]), "{\"rows\":6,\"cols\":5}\n");
    let records = "dtype([('name','S12'), ('time', np.int64), ('value', np.float32)])";
    let want = "[{\"name\":\"MSFT_profit\",\"time\":10,\"value\":6.2},{\"name\":\"GOOG_profit\",\"time\":12,\"value\":-1.08}]\n";
    // As a type of a field, and alone: an array of it to the end of the file.
    assert_eq!(ok(&["show", "db.dat", "-l", &format!("records: {records}[..]"), "--rows", "..2", "-f", "json"]), want);
    assert_eq!(ok(&["show", "db.dat", "-l", records, "--rows", "..2", "-f", "json"]), want);
    assert_eq!(ok(&["show", "data.bin", "-l", "<i4", "--rows", "..2", "-f", "csv"]), "data\n6\n5\n");
    let from = ok(&["layout", "--from-dtype", "[('name','S12'), ('time', np.int64), ('value', np.float32)]"]);
    assert!(from.contains("type Record = { name: bytes[12], time: i64, value: f32 }"), "{from}");
}

#[test]
fn did_you_mean_on_every_kind_of_name() {
    let hint = |args: &[&str], meant: &str| {
        let e = error(args);
        assert!(e.ends_with(&format!("did you mean '{meant}'?")), "{args:?}: {e}");
    };
    hint(&["show", "data.bin", "-l", "x: int33"], "int32");
    hint(&["show", "data.bin", "-l", "data.bml", "dta"], "data");
    hint(&["show", "db.dat", "-l", "db.bml", "records.Value"], "value");
    hint(&["stats", "db.dat", "-l", "db.bml", "records.valu"], "value");
    hint(&["stats", "db.dat", "-l", "db.bml", "value", "--by", "nmae"], "name");
    hint(&["select", "db.dat", "-l", "db.bml", "-w", "Value > 0"], "value");
    hint(&["select", "db.dat", "-l", "db.bml", "-w", "value > 0", "--fields", "nme,value"], "name");
    hint(&["set", "data.bin", "-l", "data.bml", "rowz=3"], "rows");
    hint(&["show", "data.bin", "-l", "rows: i32; cols: i32; data: f64[rows, colz]"], "cols");
    hint(&["show", "data.bin", "-l", "hdr: {rows: i32; cols: i32}; data: f64[hdr.rows, hdr.colz]"], "cols");
}

#[test]
fn numpy_habits_in_where_get_a_pointer() {
    let w = |cond: &str| error(&["select", "db.dat", "-l", "db.bml", "-w", cond]);
    assert!(w("name == MSFT_profit").ends_with("if 'MSFT_profit' is text, quote it: \"MSFT_profit\""));
    assert!(w("value > 0 & time > 5").contains("numpy's '&' is written '&&' here"));
    assert!(w("value > 0 | time > 5").contains("numpy's '|' is written '||' here"));
    assert!(w("~(value > 0)").contains("numpy's '~' is written '!' here"));
    let b = ok(&["select", "db.dat", "-l", "db.bml", "-w", "name == b'MSFT_profit'", "-f", "csv", "--fields", "time"]);
    assert_eq!(b, "time\n10\n18\n1000390\n");
    let e = error(&["show", "data.bin", "-l", "endian: little; x: i32"]);
    assert!(e.ends_with("the byte order is set with `endian little` (no ':')"), "{e}");
}

#[test]
fn sizes_that_fit_when_byte_swapped_say_so() {
    let (code, _, err) = run(&["show", "data.bin", "-l", "endian big; rows: i32; cols: i32; data: f64[rows, cols]"]);
    assert_eq!(code, 1);
    assert!(err.contains("rows = 100663296, cols = 83886080"), "{err}");
    assert!(
        err.contains("these sizes fit the file if read little-endian (rows = 6, cols = 5): try `endian little`"),
        "{err}"
    );
}

#[test]
fn help_for_the_language_is_one_command_away() {
    for topic in ["layout", "where", "paths", "json"] {
        assert!(ok(&["help", topic]).len() > 200, "{topic}");
    }
    // -l in every command that takes a layout points to it.
    for cmd in ["show", "info", "pack", "set", "convert", "stats", "select", "plot"] {
        let help = ok(&[cmd, "--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("binmap help layout"), "{cmd} --help: {help}");
    }
    assert!(ok(&["hex", "-h"]).contains("binmap help layout"));
    // pack --help describes the JSON it reads, with an example.
    let pack = ok(&["pack", "--help"]);
    assert!(pack.contains("The input is what `binmap show FILE -l LAYOUT -f json` prints"), "{pack}");
    assert!(pack.contains("$ binmap pack -l examples/flight_path.bml path.json -o path.b"), "{pack}");
}
