//! Several paths in one `show` (issue 14, item 4): the tutorial's C++
//! snippet (`n`, `x[0]`, `x[50]`, `x[-1]`) is one command, printed as
//! `name: value` lines, one JSON object, or one CSV row.

use assert_cmd::Command;

/// `binmap show ARGS` from the repository root: (exit code, stdout, stderr).
fn show(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("binmap")
        .expect("binary")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .arg("show")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const ARRAY: [&str; 3] = ["examples/array.b", "-l", "examples/array.bml"];

#[test]
fn several_paths_print_one_after_another() {
    let (code, out, err) = show(&[&ARRAY[..], &["n", "x[0]", "x[50]", "x[-1]"]].concat());
    assert_eq!(code, 0, "{err}");
    // x[i] = i / 99, as the tutorial's script wrote them.
    assert_eq!(out, "n: 100\nx[0]: 0.0\nx[50]: 0.5050505050505051\nx[-1]: 1.0\n");
    let (code, out, _) = show(&[&ARRAY[..], &["n", "x[0]", "x[50]", "x[-1]", "-f", "json"]].concat());
    assert_eq!(code, 0);
    assert_eq!(out, "{\"n\":100,\"x[0]\":0.0,\"x[50]\":0.5050505050505051,\"x[-1]\":1.0}\n");
    let (code, out, _) = show(&[&ARRAY[..], &["n", "x[-1]", "-f", "csv"]].concat());
    assert_eq!(code, 0);
    assert_eq!(out, "n,x[-1]\n100,1.0\n");
}

#[test]
fn a_struct_among_several_paths_gives_its_fields_under_its_path() {
    let db = ["examples/db.dat", "-l", "examples/db.bml"];
    let (code, out, err) = show(&[&db[..], &["records[0]", "records[-1].value", "-f", "csv"]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "records[0].name,records[0].time,records[0].value,records[-1].value\nMSFT_profit,10,6.2,5.6\n");
    let (code, out, _) = show(&[&db[..], &["records[0]", "records[1].name", "-f", "json"]].concat());
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"records[0]\":{\"name\":\"MSFT_profit\",\"time\":10,\"value\":6.2},\"records[1].name\":\"GOOG_profit\"}\n"
    );
}

#[test]
fn what_several_paths_cannot_do_is_a_usage_error() {
    let db = ["examples/db.dat", "-l", "examples/db.bml"];
    let (code, _, err) = show(&[&db[..], &["records.value", "records[0]", "-f", "csv"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("'records.value' has a value in every element"), "{err}");
    let (code, _, err) = show(&[&db[..], &["records[0]", "records[1]", "--rows", "1"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--rows slices one array: give one path with it"), "{err}");
    let (code, _, err) = show(&[&db[..], &["records[0]", "recods"]].concat());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no field 'recods'"), "{err}");
}
