//! `binmap stats`, `binmap select` and `--where` against numpy-generated
//! fixtures, and their errors.
//!
//! The fixtures live in `tests/query/` and are written by
//! `tests/query/make.py` (numpy writes the data and computes the masks and
//! the statistics; the serializer of `tests/fixtures/make.py` writes the
//! expected text). `cases.json` lists the cases: the arguments of one
//! `binmap` run in that directory, and how to compare its result with
//! `NAME.out`:
//!
//! - `exact`: stdout byte for byte;
//! - `stats`: stdout as JSON (or JSON lines), every value exactly except
//!   `mean`, `std` and `sum` floats, within 1e-12 relative (numpy sums in
//!   another order);
//! - `file`: the bytes written to `{out}`; then `binmap show {out} -l
//!   LAYOUT --format json` must print `NAME.show.json` (the file re-read
//!   with the same layout holds just the matching records).
//!
//! A case may carry a `bug` note (a known discrepancy with numpy); none does
//! now, and `fixture_cases` fails on one without an ignored test of its own.
//! Regenerate the fixtures with `python3 crates/binmap-cli/tests/query/make.py`.

use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/query")
}

fn binmap() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_binmap"));
    c.current_dir(dir()).timeout(std::time::Duration::from_secs(30));
    c
}

// ---------------------------------------------------------------------------
// A small JSON reader (numbers kept as their text; NaN and ±Infinity as
// numbers, as binmap and Python's json module write them).
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &str) -> bool {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        let c = *self.s.get(self.i).ok_or("unexpected end")?;
        Ok(match c {
            b'{' => {
                self.i += 1;
                let mut out = Vec::new();
                self.ws();
                if self.lit("}") {
                    return Ok(Json::Obj(out));
                }
                loop {
                    self.ws();
                    let Json::Str(k) = self.value()? else { return Err(format!("a key at {}", self.i)) };
                    self.ws();
                    if !self.lit(":") {
                        return Err(format!("':' expected at {}", self.i));
                    }
                    out.push((k, self.value()?));
                    self.ws();
                    if self.lit("}") {
                        return Ok(Json::Obj(out));
                    }
                    if !self.lit(",") {
                        return Err(format!("',' or '}}' expected at {}", self.i));
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut out = Vec::new();
                self.ws();
                if self.lit("]") {
                    return Ok(Json::Arr(out));
                }
                loop {
                    out.push(self.value()?);
                    self.ws();
                    if self.lit("]") {
                        return Ok(Json::Arr(out));
                    }
                    if !self.lit(",") {
                        return Err(format!("',' or ']' expected at {}", self.i));
                    }
                }
            }
            b'"' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let c = *self.s.get(self.i).ok_or("unterminated string")?;
                    self.i += 1;
                    match c {
                        b'"' => return Ok(Json::Str(out)),
                        b'\\' => {
                            let e = *self.s.get(self.i).ok_or("unterminated escape")?;
                            self.i += 1;
                            match e {
                                b'n' => out.push('\n'),
                                b't' => out.push('\t'),
                                b'r' => out.push('\r'),
                                b'b' => out.push('\u{8}'),
                                b'f' => out.push('\u{c}'),
                                b'u' => {
                                    let hex =
                                        std::str::from_utf8(&self.s[self.i..self.i + 4]).map_err(|e| e.to_string())?;
                                    let cp = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                                    self.i += 4;
                                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                                }
                                other => out.push(other as char),
                            }
                        }
                        _ => {
                            // Copy one UTF-8 sequence.
                            let start = self.i - 1;
                            while self.i < self.s.len() && (self.s[self.i] & 0xC0) == 0x80 {
                                self.i += 1;
                            }
                            out.push_str(&String::from_utf8_lossy(&self.s[start..self.i]));
                        }
                    }
                }
            }
            b't' if self.lit("true") => Json::Bool(true),
            b'f' if self.lit("false") => Json::Bool(false),
            b'n' if self.lit("null") => Json::Null,
            b'N' if self.lit("NaN") => Json::Num("NaN".into()),
            b'I' if self.lit("Infinity") => Json::Num("Infinity".into()),
            b'-' if self.lit("-Infinity") => Json::Num("-Infinity".into()),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                Json::Num(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
            }
            _ => return Err(format!("unexpected {:?} at {}", c as char, self.i)),
        })
    }
}

fn parse_json(text: &[u8]) -> Result<Json, String> {
    let mut r = Reader { s: text, i: 0 };
    let v = r.value()?;
    r.ws();
    if r.i != text.len() {
        return Err(format!("trailing text at {}", r.i));
    }
    Ok(v)
}

/// JSON, or JSON lines as an array of the lines.
fn parse_json_or_lines(text: &[u8]) -> Result<Json, String> {
    if text.first() == Some(&b'[') {
        return parse_json(text);
    }
    let lines: Result<Vec<Json>, String> =
        text.split(|&c| c == b'\n').filter(|l| !l.is_empty()).map(parse_json).collect();
    lines.map(Json::Arr)
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(v) => v.iter().find(|(k, _)| k == key).map(|(_, x)| x),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Compare statistics: mean, std and float sums within 1e-12 relative;
/// everything else (counts, min, max, integer sums, keys) exactly.
fn same_stats(got: &Json, want: &Json, key: &str, path: &str, errs: &mut Vec<String>) {
    match (got, want) {
        (Json::Obj(g), Json::Obj(w)) => {
            let gk: Vec<&String> = g.iter().map(|(k, _)| k).collect();
            let wk: Vec<&String> = w.iter().map(|(k, _)| k).collect();
            if gk != wk {
                errs.push(format!("{path}: keys {gk:?}, expected {wk:?}"));
                return;
            }
            let column = want.get("column").and_then(Json::str).unwrap_or("");
            for ((k, a), (_, b)) in g.iter().zip(w) {
                same_stats(a, b, k, &format!("{path}.{k}({column})"), errs);
            }
        }
        (Json::Arr(g), Json::Arr(w)) => {
            if g.len() != w.len() {
                errs.push(format!("{path}: {} elements, expected {}", g.len(), w.len()));
                return;
            }
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                same_stats(a, b, key, &format!("{path}[{i}]"), errs);
            }
        }
        (Json::Num(a), Json::Num(b)) if matches!(key, "mean" | "std" | "sum") && a != b => {
            let is_float = |s: &str| s.contains(['.', 'e', 'N', 'I']);
            let (x, y) = (a.parse::<f64>(), b.parse::<f64>());
            let ok = is_float(a)
                && is_float(b)
                && matches!((x, y), (Ok(x), Ok(y)) if x.is_finite() && y.is_finite()
                    && ((x - y).abs() <= 1e-12 * y.abs() || (x - y).abs() <= 1e-300));
            if !ok {
                errs.push(format!("{path}: {a}, expected {b} (within 1e-12)"));
            }
        }
        (a, b) if a != b => errs.push(format!("{path}: {a:?}, expected {b:?}")),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// The cases of cases.json
// ---------------------------------------------------------------------------

struct Case {
    name: String,
    args: Vec<String>,
    compare: String,
    bug: Option<String>,
    show_layout: Option<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read(dir().join("cases.json")).expect("tests/query/cases.json (run tests/query/make.py)");
    let Json::Arr(list) = parse_json(&text).expect("cases.json is JSON") else { panic!("cases.json: not a list") };
    list.iter()
        .map(|c| {
            let s = |k: &str| c.get(k).and_then(Json::str).map(str::to_string);
            let args = match c.get("args") {
                Some(Json::Arr(a)) => a.iter().map(|x| x.str().expect("args are strings").to_string()).collect(),
                _ => panic!("a case without args"),
            };
            Case {
                name: s("name").expect("name"),
                args,
                compare: s("compare").expect("compare"),
                bug: s("bug"),
                show_layout: s("show_layout"),
            }
        })
        .collect()
}

fn first_diff(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or_else(|| a.len().min(b.len()))
}

fn show_diff(what: &str, got: &[u8], want: &[u8]) -> String {
    let i = first_diff(got, want);
    let cut =
        |b: &[u8]| String::from_utf8_lossy(&b[i.saturating_sub(60).min(b.len())..(i + 120).min(b.len())]).into_owned();
    format!(
        "{what} differs at byte {i} (got {} bytes, expected {}):\n      got      {:?}\n      expected {:?}",
        got.len(),
        want.len(),
        cut(got),
        cut(want)
    )
}

/// Run one case; `Err` with what differs.
fn run_case(c: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tmp");
    let out_file = tmp.path().join("out.bin");
    let args: Vec<String> = c.args.iter().map(|a| a.replace("{out}", &out_file.display().to_string())).collect();
    let shown = format!("$ (cd tests/query && binmap {})", args.join(" "));
    let out = binmap().args(&args).output().expect("run binmap");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("exit {:?}: {}\n    {shown}", out.status.code(), stderr.trim()));
    }
    let want = std::fs::read(dir().join(format!("{}.out", c.name))).expect("NAME.out");
    match c.compare.as_str() {
        "exact" => {
            if out.stdout != want {
                return Err(format!("{}\n    {shown}", show_diff("stdout", &out.stdout, &want)));
            }
        }
        "stats" => {
            let got = parse_json_or_lines(&out.stdout).map_err(|e| format!("stdout is not JSON ({e})\n    {shown}"))?;
            let exp = parse_json_or_lines(&want).expect("NAME.out is JSON");
            let mut errs = Vec::new();
            same_stats(&got, &exp, "", "", &mut errs);
            if !errs.is_empty() {
                errs.truncate(8);
                return Err(format!("{}\n    {shown}", errs.join("\n    ")));
            }
        }
        "file" => {
            if !out.stdout.is_empty() {
                return Err(format!(
                    "stdout not empty with -o: {:?}\n    {shown}",
                    String::from_utf8_lossy(&out.stdout)
                ));
            }
            let got = std::fs::read(&out_file).map_err(|e| format!("no output file ({e})\n    {shown}"))?;
            if got != want {
                return Err(format!("{}\n    {shown}", show_diff("output file", &got, &want)));
            }
            if let Some(layout) = &c.show_layout {
                let shown_back = binmap()
                    .args(["show", &out_file.display().to_string(), "-l", layout, "--format", "json"])
                    .output()
                    .expect("run binmap show");
                let want = std::fs::read(dir().join(format!("{}.show.json", c.name))).expect("NAME.show.json");
                if !shown_back.status.success() || shown_back.stdout != want {
                    return Err(format!(
                        "the output re-read with {layout}: exit {:?} {}\n    {}",
                        shown_back.status.code(),
                        String::from_utf8_lossy(&shown_back.stderr).trim(),
                        show_diff("show --format json", &shown_back.stdout, &want)
                    ));
                }
            }
        }
        other => return Err(format!("unknown compare mode {other:?}")),
    }
    Ok(())
}

#[test]
fn fixture_cases() {
    let all = cases();
    assert!(all.len() > 50, "only {} cases in cases.json", all.len());
    let mut failures = Vec::new();
    for c in &all {
        if let Some(bug) = &c.bug {
            failures.push(format!("{}: marked as a known bug ({bug}); fix it or give it an ignored test", c.name));
        } else if let Err(e) = run_case(c) {
            failures.push(format!("{}: {e}", c.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n  {}", failures.len(), all.len(), failures.join("\n  "));
}

// ---------------------------------------------------------------------------
// Errors: exact messages and exit codes
// ---------------------------------------------------------------------------

/// Run `binmap ARGS` in tests/query; expect `code`, exactly `stderr`, no stdout.
fn fails(args: &[&str], code: i32, stderr: &str) {
    let out = binmap().args(args).output().expect("run binmap");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "binmap {args:?}: stderr {err}");
    assert_eq!(err, stderr, "binmap {args:?}");
    assert!(out.stdout.is_empty(), "binmap {args:?}: stdout {:?}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn where_unknown_field_has_a_caret_under_the_name() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value > 0 && nme == 'x'"],
        2,
        "error: --where: no field 'nme' in the rows of 'records'; they have: name, time, value, qty, flag; did you mean 'name'?\n  \
         value > 0 && nme == 'x'\n               ^^^\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "-w", "valu > 0"],
        2,
        "error: --where: no field 'valu' in the rows of 'records'; they have: name, time, value, qty, flag; did you mean 'value'?\n  \
         valu > 0\n  ^^^^\n",
    );
}

#[test]
fn where_hints_for_numpy_habits() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "name == MSFT"],
        2,
        "error: --where: no field 'MSFT' in the rows of 'records'; they have: name, time, value, qty, flag; \
         if 'MSFT' is text, quote it: \"MSFT\"\n  name == MSFT\n          ^^^^\n",
    );
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "(value > 0) & (qty > 1)"],
        2,
        "error: --where: numpy's '&' is written '&&' here (conditions combine with && || !, or and or not)\n  \
         (value > 0) & (qty > 1)\n              ^\n",
    );
    // numpy's bytes literal is the same text.
    let a = binmap().args(["select", "ticks.bin", "-l", "ticks.bml", "-w", "name == b'MSFT'"]).output().expect("run");
    let b = binmap().args(["select", "ticks.bin", "-l", "ticks.bml", "-w", "name == 'MSFT'"]).output().expect("run");
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn where_type_mismatch() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "name == 3"],
        2,
        "error: --where: cannot compare 'name' (a string) with '3' (an integer)\n  name == 3\n  ^^^^^^^^^\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "-w", "value < \"abc\""],
        2,
        "error: --where: cannot compare 'value' (a float) with '\"abc\"' (a string)\n  value < \"abc\"\n  ^^^^^^^^^^^^^\n",
    );
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "name + 1 > 0"],
        2,
        "error: --where: cannot use '+' on 'name': it is a string\n  name + 1 > 0\n  ^^^^\n",
    );
}

#[test]
fn where_not_a_condition() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value + 1"],
        2,
        "error: --where: this is a float, not a condition: compare it (like value > 0)\n  value + 1\n  ^^^^^^^^^\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "-w", "name"],
        2,
        "error: --where: this is a string, not a condition: compare it (like value > 0)\n  name\n  ^^^^\n",
    );
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "!value"],
        2,
        "error: --where: 'value' is a float, not a condition (true or false)\n  !value\n   ^^^^^\n",
    );
}

#[test]
fn where_bad_syntax() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value > 0 &&"],
        2,
        "error: --where: expected a value, a field or '('\n  value > 0 &&\n              ^\n",
    );
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value = 0"],
        2,
        "error: --where: '=' assigns; compare with '=='\n  value = 0\n        ^\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "-w", "(value > 0"],
        2,
        "error: --where: expected ')'\n  (value > 0\n            ^\n",
    );
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value in [qty]"],
        2,
        "error: --where: the list after 'in' must hold values, not fields\n  value in [qty]\n            ^^^\n",
    );
}

#[test]
fn where_integer_overflow_is_an_error_not_a_wrap() {
    // time[3] = 2^62 + 5: its cube is past i128.
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "-w", "time * time * time > 0"],
        1,
        "error: --where: an integer overflow in 'time * time * time > 0' at row 3\n",
    );
    // select streams: the CSV header may be out before the rows are tested,
    // but an output file is not left behind.
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("o.csv");
    let o = out.display().to_string();
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "time * time * time > 0", "-f", "csv", "-o", &o],
        1,
        "error: --where: an integer overflow in 'time * time * time > 0' at row 3\n",
    );
    assert!(!out.exists(), "an output file was left after the error");
    let r = binmap()
        .args(["select", "ticks.bin", "-l", "ticks.bml", "-w", "time * time * time > 0", "-f", "csv"])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(1));
    assert!(b"name,time,value,qty,flag\n".starts_with(&r.stdout), "{:?}", String::from_utf8_lossy(&r.stdout));
    // Exact below i128: (2^62 + 5)^2 > 0 holds without wrapping to a negative.
    let r = binmap()
        .args(["select", "ticks.bin", "-l", "ticks.bml", "-w", "time * time > 0", "-f", "csv", "--fields", "time"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(text.contains("\n4611686018427387909\n"), "{text}");
}

#[test]
fn by_a_float_field() {
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "--by", "value"],
        2,
        "error: --by value: groups need a field of integers, strings or bools\n",
    );
}

#[test]
fn stats_of_a_non_numeric_path() {
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "records.name"],
        2,
        "error: 'name' is not a number: stats needs integer or float fields\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "ticks.bml", "records.time", "records.flag"],
        2,
        "error: 'flag' is not a number: stats needs integer or float fields\n",
    );
    fails(
        &["stats", "ticks.bin", "-l", "records: { name: bytes[12], rest: bytes[15] }[..]"],
        2,
        "error: the rows of 'records' have no numeric fields\n",
    );
}

#[test]
fn select_bin_without_an_output_file() {
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value > 0", "-f", "bin"],
        2,
        "error: --format bin needs an output file: -o OUT\n",
    );
}

#[test]
fn select_bin_with_fields() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("o.bin");
    let o = out.display().to_string();
    fails(
        &["select", "ticks.bin", "-l", "ticks.bml", "-w", "value > 0", "-f", "bin", "--fields", "name", "-o", &o],
        2,
        "error: --format bin writes whole records in the same layout: leave out --fields\n",
    );
    assert!(!out.exists(), "an output file was written");
}

#[test]
fn select_bin_of_a_row_range() {
    // `--rows` without `--where`: the rows of the range, the count
    // rewritten, the bytes before and after the table kept; with `--where`
    // too, the matching rows of the range. Each reads back as `show --rows`
    // (or `select --rows --where`) prints the same rows.
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("o.bin");
    let o = out.display().to_string();
    for (rows, cond) in [("1..", None), ("1..3", None), ("-2..", Some("id > 0")), ("0..0", None)] {
        let mut args = vec!["select", "counted.bin", "-l", "counted.bml", "--rows", rows, "-f", "bin", "-o", &o];
        let mut list = vec!["select", "counted.bin", "-l", "counted.bml", "--rows", rows, "-f", "jsonl"];
        if let Some(c) = cond {
            args.extend(["-w", c]);
            list.extend(["-w", c]);
        }
        let r = binmap().args(&args).output().expect("run");
        assert!(r.status.success(), "{rows}: {}", String::from_utf8_lossy(&r.stderr));
        let want = binmap().args(&list).output().expect("run");
        let got = binmap().args(["show", &o, "-l", "counted.bml", "records", "-f", "jsonl"]).output().expect("run");
        assert!(got.status.success(), "{rows}: {}", String::from_utf8_lossy(&got.stderr));
        assert_eq!(String::from_utf8_lossy(&got.stdout), String::from_utf8_lossy(&want.stdout), "{rows}");
        let n = want.stdout.iter().filter(|&&c| c == b'\n').count();
        let shown = binmap().args(["show", &o, "-l", "counted.bml", "n"]).output().expect("run");
        assert_eq!(String::from_utf8_lossy(&shown.stdout), format!("n: {n}\n"), "{rows}");
        let tail = binmap().args(["show", &o, "-l", "counted.bml", "tail"]).output().expect("run");
        assert_eq!(String::from_utf8_lossy(&tail.stdout), "tail: 48879\n", "{rows}");
    }
    // `--where` is optional in every format: all the rows of the range.
    let all = binmap().args(["select", "counted.bin", "-l", "counted.bml", "--rows", "1..3", "-f", "csv"]).output();
    let shown =
        binmap().args(["show", "counted.bin", "-l", "counted.bml", "records", "--rows", "1..3", "-f", "csv"]).output();
    assert_eq!(all.expect("run").stdout, shown.expect("run").stdout);
}

#[test]
fn select_bin_count_that_cannot_be_rewritten() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("c.bin");
    let mut bytes = 2u32.to_le_bytes().to_vec();
    for (id, v) in [(1i32, 0.5f32), (2, 1.5), (3, 2.5), (4, 3.5)] {
        bytes.extend(id.to_le_bytes());
        bytes.extend(v.to_le_bytes());
    }
    std::fs::write(&data, &bytes).expect("write");
    let out = tmp.path().join("o.bin");
    let (d, o) = (data.display().to_string(), out.display().to_string());
    let layout = "type rec = { id: i32, v: f32 }\nn: u32\nrecords: rec[n*2]";
    // The layout itself reads fine, and so does the selection in other formats.
    let shown = binmap().args(["select", &d, "-l", layout, "-w", "v > 1", "-f", "csv"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&shown.stdout), "id,v\n2,1.5\n3,2.5\n4,3.5\n");
    fails(
        &["select", &d, "-l", layout, "-w", "v > 1", "-f", "bin", "-o", &o],
        2,
        "error: --format bin cannot rewrite the size of 'records': its count is an expression, not one field (like [n]) or [..]\n",
    );
    assert!(!out.exists(), "an output file was written");
    // The same four records, counted by a field inside a struct.
    bytes[..4].copy_from_slice(&4u32.to_le_bytes());
    std::fs::write(&data, &bytes).expect("write");
    fails(
        &["select", &d, "-l", "h: { n: u32 }\nrecords: { id: i32, v: f32 }[h.n]", "-w", "v > 1", "-f", "bin", "-o", &o],
        2,
        "error: --format bin cannot rewrite the size of 'records': its count is not a top-level field\n",
    );
    assert!(!out.exists(), "an output file was written");
}

#[test]
fn select_bin_rereads_with_the_same_layout() {
    // counted.bml: `n: u32`, `records: {..}[n]`, `tail: u16` after them. The
    // subset must carry the new count and the tail, and read back with the
    // same layout as exactly the matching rows (what select -f jsonl prints).
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("sub.bin");
    let o = out.display().to_string();
    let w = "id % 2 == 0 && tag != 'cd'";
    let r = binmap()
        .args(["select", "counted.bin", "-l", "counted.bml", "-w", w, "-f", "bin", "-o", &o])
        .output()
        .expect("run");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let selected =
        binmap().args(["select", "counted.bin", "-l", "counted.bml", "-w", w, "-f", "jsonl"]).output().expect("run");
    let reread =
        binmap().args(["show", &o, "-l", "counted.bml", "records", "--format", "jsonl"]).output().expect("run");
    assert!(reread.status.success(), "{}", String::from_utf8_lossy(&reread.stderr));
    assert!(!selected.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&reread.stdout), String::from_utf8_lossy(&selected.stdout));
    let rows = selected.stdout.iter().filter(|&&c| c == b'\n').count();
    let n = binmap().args(["show", &o, "-l", "counted.bml", "n"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&n.stdout), format!("n: {rows}\n"));
    let tail = binmap().args(["show", &o, "-l", "counted.bml", "tail"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&tail.stdout), "tail: 48879\n");
    // Selecting everything gives the file back, byte for byte.
    let all = tmp.path().join("all.bin");
    let a = all.display().to_string();
    let r = binmap()
        .args(["select", "counted.bin", "-l", "counted.bml", "-w", "id == id", "-f", "bin", "-o", &a])
        .output()
        .expect("run");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(std::fs::read(&all).expect("read"), std::fs::read(dir().join("counted.bin")).expect("read"));
}

#[test]
fn json_reader_self_check() {
    let v =
        parse_json(br#"[{"a":1.5,"b":NaN,"c":-Infinity,"d":null,"e":"x\u00e9\"","f":[true,false],"g":{"nan":"0x1"}}]"#)
            .expect("parse");
    let Json::Arr(items) = &v else { panic!() };
    assert_eq!(items[0].get("a"), Some(&Json::Num("1.5".into())));
    assert_eq!(items[0].get("b"), Some(&Json::Num("NaN".into())));
    assert_eq!(items[0].get("c"), Some(&Json::Num("-Infinity".into())));
    assert_eq!(items[0].get("e"), Some(&Json::Str("xé\"".into())));
    let mut errs = Vec::new();
    same_stats(
        &parse_json(br#"{"mean":0.30000000000000004,"sum":3,"min":1.0}"#).unwrap(),
        &parse_json(br#"{"mean":0.3,"sum":3,"min":1.0}"#).unwrap(),
        "",
        "",
        &mut errs,
    );
    assert!(errs.is_empty(), "{errs:?}");
    same_stats(
        &parse_json(br#"{"mean":0.31,"sum":4,"std":{"nan":"0xfff8000000000000"}}"#).unwrap(),
        &parse_json(br#"{"mean":0.3,"sum":3,"std":NaN}"#).unwrap(),
        "",
        "",
        &mut errs,
    );
    assert_eq!(errs.len(), 3, "{errs:?}");
}
