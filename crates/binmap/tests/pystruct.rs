//! `binmap::pystruct` against CPython 3.11's `struct` module: every line of
//! the fixtures in `tests/data/pystruct/` (made by `make.py` there) must
//! match, and a property test checks that no input makes it panic.

use std::path::PathBuf;

use binmap::pystruct::{self, PyValue, Style};
use binmap::text::escape::from_hex;
use binmap::text::json_read::{Doc, parse_json};

fn lines(name: &str) -> Vec<Vec<Doc>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pystruct").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run make.py)", path.display()));
    let rows: Vec<Vec<Doc>> = text
        .lines()
        .map(|l| match parse_json(l) {
            Ok(Doc::Array(a)) => a,
            other => panic!("{name}: bad fixture line {l}: {other:?}"),
        })
        .collect();
    assert!(rows.len() > 100, "{name}: only {} fixture lines", rows.len());
    rows
}

fn s(d: &Doc) -> &str {
    match d {
        Doc::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

fn opt_s(d: &Doc) -> Option<&str> {
    match d {
        Doc::Null => None,
        d => Some(s(d)),
    }
}

/// The message of an expected error `Type: message`.
fn message(expected: &str) -> &str {
    expected.split_once(": ").map_or(expected, |(_, m)| m)
}

/// Ours may add ` (got N)` to CPython's buffer-size messages.
fn same_error(ours: &str, expected: &str) -> bool {
    let m = message(expected);
    ours == m || ours.strip_prefix(m).is_some_and(|rest| rest.starts_with(" (got "))
}

fn value(d: &Doc) -> PyValue {
    let Doc::Array(a) = d else { panic!("bad value {d:?}") };
    match (s(&a[0]), &a[1]) {
        ("i", t) => pystruct::parse_value(s(t)).unwrap(),
        ("f", t) => PyValue::Float(f64::from_bits(u64::from_str_radix(s(t), 16).unwrap())),
        ("b", t) => PyValue::Bytes(from_hex(s(t)).unwrap()),
        ("?", Doc::Bool(b)) => PyValue::Bool(*b),
        other => panic!("bad value {other:?}"),
    }
}

struct Tally {
    name: &'static str,
    checked: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(name: &'static str) -> Tally {
        Tally { name, checked: 0, failures: Vec::new() }
    }
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            self.failures.push(what());
        }
    }
    fn finish(self) {
        eprintln!("{}: {} checks, {} mismatches", self.name, self.checked, self.failures.len());
        for f in self.failures.iter().take(20) {
            eprintln!("  {f}");
        }
        assert!(self.failures.is_empty(), "{}: {} mismatches with CPython", self.name, self.failures.len());
    }
}

#[test]
fn calcsize_matches_cpython() {
    let mut t = Tally::new("calcsize");
    for row in lines("calcsize.jsonl") {
        let fmt = s(&row[0]);
        let got = pystruct::parse(fmt).map(|f| pystruct::calcsize(&f));
        match (&row[1], opt_s(&row[2])) {
            (Doc::Number(n), None) => t
                .check(got.as_ref().ok().map(u64::to_string).as_deref() == Some(n.as_ref()), || {
                    format!("{fmt:?}: expected {n}, got {got:?}")
                }),
            (_, Some(e)) => t.check(
                got.as_ref().is_err_and(|g| same_error(&g.message, e) && g.kind == binmap::ErrorKind::Usage),
                || format!("{fmt:?}: expected error {e:?}, got {got:?}"),
            ),
            other => panic!("bad row {other:?}"),
        }
    }
    t.finish();
}

#[test]
fn pack_matches_cpython() {
    let mut t = Tally::new("pack");
    for row in lines("pack.jsonl") {
        let fmt = s(&row[0]);
        let Doc::Array(vals) = &row[1] else { panic!() };
        let vals: Vec<PyValue> = vals.iter().map(value).collect();
        let got = pystruct::parse(fmt).and_then(|f| pystruct::pack(&f, &vals));
        match (opt_s(&row[2]), opt_s(&row[3])) {
            (Some(hex), None) => t.check(got.as_ref().ok() == from_hex(hex).as_ref(), || {
                format!("{fmt:?} {vals:?}: expected {hex}, got {got:?}")
            }),
            (None, Some(e)) => t.check(got.as_ref().is_err_and(|g| same_error(&g.message, e)), || {
                format!("{fmt:?} {vals:?}: expected error {e:?}, got {got:?}")
            }),
            other => panic!("bad row {other:?}"),
        }
    }
    t.finish();
}

#[test]
fn unpack_matches_cpython() {
    let mut t = Tally::new("unpack");
    for row in lines("unpack.jsonl") {
        let fmt = s(&row[0]);
        let bytes = from_hex(s(&row[1])).unwrap();
        let got = pystruct::parse(fmt).and_then(|f| pystruct::unpack(&f, &bytes));
        match (opt_s(&row[2]), opt_s(&row[3]), opt_s(&row[4])) {
            (Some(repr), Some(json), None) => {
                let (r, j) = match &got {
                    Ok(v) => (pystruct::repr_tuple(v), pystruct::json_array(v)),
                    Err(e) => (format!("error {e}"), String::new()),
                };
                t.check(r == repr && j == json, || {
                    format!("{fmt:?} {}: expected {repr} {json}, got {r} {j}", s(&row[1]))
                });
                // The one-pass writer agrees with unpack + repr/json.
                if let Ok(f) = pystruct::parse(fmt) {
                    let mut out = Vec::new();
                    pystruct::write_record(&f, &bytes, Style::Repr, &mut out);
                    pystruct::write_record(&f, &bytes, Style::Json, &mut out);
                    let want = format!("{repr}\n{json}\n");
                    t.check(out == want.as_bytes(), || {
                        format!("write_record {fmt:?}: expected {want:?}, got {:?}", String::from_utf8_lossy(&out))
                    });
                }
            }
            (None, None, Some(e)) => t.check(got.as_ref().is_err_and(|g| same_error(&g.message, e)), || {
                format!("{fmt:?} {}: expected error {e:?}, got {got:?}", s(&row[1]))
            }),
            other => panic!("bad row {other:?}"),
        }
    }
    t.finish();
}

#[test]
fn iter_unpack_matches_cpython() {
    let mut t = Tally::new("iter_unpack");
    for row in lines("iter_unpack.jsonl") {
        let fmt = s(&row[0]);
        let bytes = from_hex(s(&row[1])).unwrap();
        let got = pystruct::parse(fmt).and_then(|f| {
            let n = pystruct::check_iter(&f, bytes.len() as u64)?;
            let size = pystruct::calcsize(&f) as usize;
            let mut out = Vec::new();
            for k in 0..n as usize {
                pystruct::write_record(&f, &bytes[k * size..(k + 1) * size], Style::Repr, &mut out);
            }
            Ok(String::from_utf8(out).unwrap())
        });
        match (&row[2], opt_s(&row[3])) {
            (Doc::Array(reprs), None) => {
                let want: String = reprs.iter().map(|r| format!("{}\n", s(r))).collect();
                t.check(got.as_deref().ok() == Some(want.as_str()), || {
                    format!("{fmt:?} {}: expected {want:?}, got {got:?}", s(&row[1]))
                })
            }
            (_, Some(e)) => t.check(got.as_ref().is_err_and(|g| same_error(&g.message, e)), || {
                format!("{fmt:?} {}: expected error {e:?}, got {got:?}", s(&row[1]))
            }),
            other => panic!("bad row {other:?}"),
        }
    }
    t.finish();
}

#[test]
fn command_line_values_match_cpython() {
    let mut t = Tally::new("cli_values");
    for row in lines("cli_values.jsonl") {
        let fmt = s(&row[0]);
        let Doc::Array(texts) = &row[1] else { panic!() };
        let texts: Vec<&str> = texts.iter().map(s).collect();
        let got =
            pystruct::parse(fmt).and_then(|f| pystruct::parse_values(&f, &texts).and_then(|v| pystruct::pack(&f, &v)));
        match (opt_s(&row[2]), opt_s(&row[3])) {
            (Some(hex), None) => t.check(got.as_ref().ok() == from_hex(hex).as_ref(), || {
                format!("{fmt:?} {texts:?}: expected {hex}, got {got:?}")
            }),
            // A value Python's escape decoding refuses: any error will do.
            (None, Some(e)) if e.starts_with("value: ") => {
                t.check(got.is_err(), || format!("{fmt:?} {texts:?}: expected an error ({e}), got {got:?}"))
            }
            (None, Some(e)) => t.check(got.as_ref().is_err_and(|g| same_error(&g.message, e)), || {
                format!("{fmt:?} {texts:?}: expected error {e:?}, got {got:?}")
            }),
            other => panic!("bad row {other:?}"),
        }
    }
    t.finish();
}

#[test]
fn layout_lowering_matches_offsets() {
    use binmap::layout::{Item, Layout};
    for fmt in ["@bi", "@id", "@di", "@b0i", "<3i5s", "!id5s", "@c?xhe2xfd3pP", "=lLnN"] {
        let Ok(f) = pystruct::parse(fmt) else { continue };
        let st = pystruct::to_struct_type(&f);
        assert_eq!(st.fixed_size(), Some(pystruct::calcsize(&f)), "{fmt}");
        let named = st.items.iter().filter(|i| matches!(i, Item::Field(fl) if fl.name.is_some())).count();
        assert_eq!(named as u64, f.value_count(), "{fmt}");
        let _ = Layout::parse("");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn fmt_strategy() -> impl Strategy<Value = String> {
        let item = (
            prop::sample::select(vec!["", "", "0", "1", "2", "3", "17", "99999999999999999999"]),
            prop::sample::select("xcbB?hHiIlLqQnNefdspPZ ".chars().collect::<Vec<_>>()),
        )
            .prop_map(|(n, c)| format!("{n}{c}"));
        (prop::sample::select(vec!["", "@", "=", "<", ">", "!", " "]), prop::collection::vec(item, 0..6))
            .prop_map(|(p, items)| format!("{p}{}", items.concat()))
    }

    proptest! {
        #[test]
        fn never_panics_on_random_formats(fmt in fmt_strategy(), bytes in prop::collection::vec(any::<u8>(), 0..64),
                                           texts in prop::collection::vec(".{0,8}", 0..8)) {
            let _ = pystruct::parse(&fmt);
            if let Ok(f) = pystruct::parse(&fmt) {
                let size = pystruct::calcsize(&f);
                let _ = pystruct::unpack(&f, &bytes);
                if size <= 64 {
                    let _ = pystruct::unpack(&f, &bytes[..bytes.len().min(size as usize)]);
                    if let Ok(vals) = pystruct::parse_values(&f, &texts)
                        && let Ok(packed) = pystruct::pack(&f, &vals)
                    {
                        prop_assert_eq!(packed.len() as u64, size);
                        let _ = pystruct::unpack(&f, &packed);
                    }
                    let _ = pystruct::to_struct_type(&f);
                }
                if let Ok(n) = pystruct::check_iter(&f, bytes.len() as u64) {
                    let mut out = Vec::new();
                    for k in 0..n as usize {
                        pystruct::write_record(&f, &bytes[k * size as usize..(k + 1) * size as usize], Style::Json, &mut out);
                    }
                }
            }
        }

        #[test]
        fn never_panics_on_random_text(fmt in "\\PC{0,12}", text in "\\PC{0,12}") {
            let _ = pystruct::parse(&fmt);
            let _ = pystruct::parse_value(&text);
            let _ = pystruct::parse_bytes_arg(&text);
        }

        #[test]
        fn pack_unpack_round_trip(ints in prop::collection::vec(any::<i32>(), 3), x in any::<f64>(), b in prop::collection::vec(any::<u8>(), 0..8)) {
            let f = pystruct::parse("@bih q d 5s").unwrap();
            let vals = vec![
                PyValue::Int(i128::from(ints[0] % 128)),
                PyValue::Int(ints[1].into()),
                PyValue::Int(i128::from(ints[2] % 32768)),
                PyValue::Int(ints[0].into()),
                PyValue::Float(x),
                PyValue::Bytes(b.clone()),
            ];
            let packed = pystruct::pack(&f, &vals).unwrap();
            let back = pystruct::unpack(&f, &packed).unwrap();
            let mut want = vals.clone();
            let mut padded = b.clone();
            padded.resize(5, 0);
            want[5] = PyValue::Bytes(padded);
            if x.is_nan() {
                prop_assert!(matches!(back[4], PyValue::Float(y) if y.to_bits() == x.to_bits()));
                want[4] = back[4].clone();
            }
            prop_assert_eq!(back, want);
        }
    }
}
