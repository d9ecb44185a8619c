//! numpy dtype spellings against numpy itself: itemsize, every leaf field's
//! offset and typestr, and `descr`, from fixtures written by
//! `tests/data/numpy/make.py` (numpy 2.4). No Python at test time.

use std::sync::Arc;

use binmap::layout::numpy::{descr, dtype, typestr};
use binmap::layout::{Dims, Endian, Field, Item, Layout, ScalarKind, Span, StructType, TextKind, Type};
use proptest::prelude::*;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/numpy/dtypes.tsv");

fn fixture() -> String {
    std::fs::read_to_string(FIXTURE)
        .unwrap_or_else(|e| panic!("missing fixture {FIXTURE} ({e}): run python3 tests/data/numpy/make.py"))
}

/// (path, offset, typestr or "struct", shape).
type Leaf = (String, u64, String, String);

struct Case {
    spelling: String,
    itemsize: u64,
    descr: Option<String>,
    leaves: Vec<Leaf>,
}

fn cases() -> (Vec<Case>, Vec<(String, String)>) {
    let text = fixture();
    let mut cases: Vec<Case> = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "case" => cases.push(Case {
                spelling: f[1].to_string(),
                itemsize: f[2].parse().unwrap(),
                descr: (f[3] != "-").then(|| f[3].to_string()),
                leaves: Vec::new(),
            }),
            "leaf" => cases.last_mut().unwrap().leaves.push((
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].to_string(),
                f[4].to_string(),
            )),
            "error" => errors.push((f[1].to_string(), f[2].to_string())),
            _ => panic!("{FIXTURE}:{}: bad line {line:?}", n + 1),
        }
    }
    assert!(cases.len() > 300 && errors.len() > 20, "fixture {FIXTURE} is incomplete: rerun make.py");
    (cases, errors)
}

fn leaf_typestr(ty: &Type) -> String {
    match ty {
        Type::Scalar(s) => {
            use ScalarKind::*;
            let (c, n) = match s.kind {
                I8 => ('i', 1),
                I16 => ('i', 2),
                I32 => ('i', 4),
                I64 => ('i', 8),
                U8 => ('u', 1),
                U16 => ('u', 2),
                U32 => ('u', 4),
                U64 => ('u', 8),
                F16 => ('f', 2),
                F32 => ('f', 4),
                F64 => ('f', 8),
                C64 => ('c', 8),
                C128 => ('c', 16),
                Bool => ('b', 1),
                BF16 => ('?', 2),
                LongDouble => ('f', 16),
                DateTime(u) | TimeDelta(u) => {
                    let o = if s.endian == Endian::Big { '>' } else { '<' };
                    let c = if matches!(s.kind, DateTime(_)) { 'M' } else { 'm' };
                    return format!("{o}{c}8[{}]", u.code());
                }
                other => panic!("numpy has no {}", other.name()),
            };
            let o = if n == 1 {
                '|'
            } else if s.endian == Endian::Big {
                '>'
            } else {
                '<'
            };
            format!("{o}{c}{n}")
        }
        Type::Text { kind, len } => {
            let n = len.constant().unwrap();
            match kind {
                TextKind::Bytes => format!("|S{n}"),
                TextKind::Void => format!("|V{n}"),
                TextKind::Ucs4(Endian::Little) => format!("<U{n}"),
                TextKind::Ucs4(Endian::Big) => format!(">U{n}"),
                TextKind::Utf8 => format!("utf8[{n}]"),
                other => panic!("numpy has no {}", other.name()),
            }
        }
        t => panic!("unexpected leaf {}", t.describe()),
    }
}

/// The leaves of `ty` at `off`, as make.py lists them; returns the size.
fn walk(ty: &Type, path: &str, off: u64, out: &mut Vec<Leaf>) -> u64 {
    match ty {
        Type::Struct(st) => {
            let mut pos = off;
            for item in &st.items {
                let Item::Field(f) = item else { panic!("numpy dtypes lower to fields only") };
                assert!(f.placement.is_none() && f.check.is_none());
                if let Some(n) = &f.name {
                    let p = if path.is_empty() { n.to_string() } else { format!("{path}.{n}") };
                    walk(&f.ty, &p, pos, out);
                } else {
                    assert!(matches!(f.ty, Type::Text { kind: TextKind::Bytes, .. }), "padding is bytes[N]");
                }
                pos += f.ty.fixed_size().unwrap();
            }
            pos - off
        }
        Type::Array { elem, dims: Dims::Fixed(d) } => {
            let shape: Vec<String> = d.iter().map(|e| e.constant().unwrap().to_string()).collect();
            assert!(!matches!(**elem, Type::Array { .. }), "nested sub-arrays are flattened");
            if let Type::Struct(_) = &**elem {
                out.push((path.to_string(), off, "struct".into(), shape.join(",")));
                walk(elem, &format!("{path}[0]"), off, out);
            } else {
                out.push((path.to_string(), off, leaf_typestr(elem), shape.join(",")));
            }
            ty.fixed_size().unwrap()
        }
        t => {
            out.push((path.to_string(), off, leaf_typestr(t), String::new()));
            t.fixed_size().unwrap()
        }
    }
}

fn leaves(ty: &Type) -> (u64, Vec<Leaf>) {
    let mut out = Vec::new();
    let size = walk(ty, "", 0, &mut out);
    assert_eq!(Some(size), ty.fixed_size());
    (size, out)
}

#[test]
fn dtypes_match_numpy() {
    let (cases, _) = cases();
    let mut failures = Vec::new();
    let mut checked_descr = 0;
    for c in &cases {
        let t = match dtype(&c.spelling) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: error: {e}", c.spelling));
                continue;
            }
        };
        let (size, got) = leaves(&t);
        if size != c.itemsize || got != c.leaves {
            failures.push(format!(
                "{}: itemsize {size} (numpy {})\n  binmap {got:?}\n  numpy  {:?}",
                c.spelling, c.itemsize, c.leaves
            ));
            continue;
        }
        // The map agrees with the type's own offsets.
        if size > 0 {
            let field = Field {
                name: Some("x".into()),
                placement: None,
                pointer: None,
                ty: t.clone(),
                check: None,
                constraint: None,
                span: Span::default(),
            };
            let layout = Layout {
                root: Arc::new(StructType { items: vec![Item::Field(field)] }),
                source: "".into(),
                origin: "<dtype>".into(),
            };
            let zeros = vec![0u8; size as usize];
            match binmap::Map::new(&layout, &zeros, "zeros") {
                Ok(m) => assert_eq!(m.root.size, size, "{}", c.spelling),
                Err(e) => failures.push(format!("{}: map: {e}", c.spelling)),
            }
        }
        // descr: numpy's exact text, and a round trip to the same offsets.
        match descr(&t) {
            Err(e) => failures.push(format!("{}: descr error: {e}", c.spelling)),
            Ok(d) => {
                if let Some(want) = &c.descr {
                    checked_descr += 1;
                    if &d != want {
                        failures.push(format!("{}: descr\n  binmap {d}\n  numpy  {want}", c.spelling));
                    }
                }
                match dtype(&d) {
                    Ok(back) if leaves(&back) == (size, got.clone()) => {}
                    Ok(back) => failures.push(format!("{}: descr {d} reads back as {}", c.spelling, back.describe())),
                    Err(e) => failures.push(format!("{}: descr {d} does not read back: {e}", c.spelling)),
                }
            }
        }
        // A single typestr reads the same through `typestr`.
        if let Ok(ts) = typestr(&c.spelling) {
            assert_eq!(ts, t, "{}", c.spelling);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} dtypes differ from numpy:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(checked_descr > 300, "only {checked_descr} descrs checked");
}

#[test]
fn unsupported_spellings_are_clear_errors() {
    let (_, errors) = cases();
    let mut failures = Vec::new();
    for (s, want) in &errors {
        match dtype(s) {
            Ok(t) => failures.push(format!("{s}: accepted as {}", t.describe())),
            Err(e) if !e.contains(want.as_str()) => failures.push(format!("{s}: {e:?} does not say {want:?}")),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_say_where() {
    let e = dtype("[('a', 'i4'), ('b', 'i3')]").unwrap_err();
    assert_eq!(e, "data type 'i3' not understood (at column 21)");
    let e = dtype("{'names': ['a'], 'formats': ['i4'], 'offsets': [1.5]}").unwrap_err();
    assert!(e.contains("offset must be an integer") && e.contains("column 49"), "{e}");
    let e = dtype("{'names': ['a', 'b'], 'formats': ['<i4', '<i4'], 'offsets': [0, 2]}").unwrap_err();
    assert!(e.contains("field 'b' at offset 2 overlaps") && e.contains("'a' ends at offset 4"), "{e}");
    assert!(dtype("").is_err());
    assert!(dtype("   ").is_err());
}

#[test]
fn descr_refuses_what_numpy_cannot_express() {
    for (text, why) in [
        ("n: u8\nv: u8[n]", "depends on the data"),
        ("s: cstr", "cstr"),
        ("s: utf8[4]", "UTF-8"),
        ("x: bf16", "bfloat16"),
        ("@ 4 x: u8", "placed"),
        ("v: u8[..]", "u8[..]"),
    ] {
        let l = binmap::Layout::parse(text).unwrap();
        let t = Type::Struct(l.root.clone());
        let e = descr(&t).unwrap_err();
        assert!(e.contains(why), "{text}: {e}");
    }
    let l = binmap::Layout::parse("c: char\na: u8\nalign 4\nb: u16be[2, 3]").unwrap();
    assert_eq!(
        descr(&Type::Struct(l.root.clone())).unwrap(),
        "[('c', '|S1'), ('a', '|u1'), ('', '|V2'), ('b', '>u2', (2, 3))]"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn dtype_never_panics(s in "\\PC{0,40}") {
        let _ = dtype(&s);
        let _ = typestr(&s);
    }

    #[test]
    fn dtype_never_panics_on_near_misses(s in "[\\[\\](){},:'\" <>|=0-9a-zA-Z?_.\\\\-]{0,60}") {
        if let Ok(t) = dtype(&s) {
            // Whatever parses has a size and, mostly, a descr that reads back.
            let _ = t.fixed_size();
            if let Ok(d) = descr(&t) {
                let back = dtype(&d).unwrap();
                prop_assert_eq!(back.fixed_size(), t.fixed_size());
            }
        }
    }
}
