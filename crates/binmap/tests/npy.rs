//! `.npy` headers and layouts against files written by numpy 2.4
//! (`tests/data/numpy/make.py`). No Python at test time.

use binmap::map::NodeKind;
use binmap::npy::{MAGIC, header_bytes, layout, read_header};
use binmap::{ErrorKind, Map};
use proptest::prelude::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/numpy");

struct NpyCase {
    file: String,
    version: (u8, u8),
    descr: String,
    fortran: bool,
    shape: Vec<u64>,
    data_offset: u64,
    itemsize: u64,
    by_np_save: bool,
    bytes: Vec<u8>,
}

fn cases() -> Vec<NpyCase> {
    let tsv = format!("{DIR}/npy.tsv");
    let text = std::fs::read_to_string(&tsv)
        .unwrap_or_else(|e| panic!("missing fixture {tsv} ({e}): run python3 tests/data/numpy/make.py"));
    let cases: Vec<NpyCase> = text
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!((f[0], f.len()), ("npy", 10), "bad line in {tsv}: {line:?}");
            let path = format!("{DIR}/{}", f[1]);
            NpyCase {
                file: f[1].to_string(),
                version: (f[2].parse().unwrap(), f[3].parse().unwrap()),
                descr: f[4].to_string(),
                fortran: f[5] == "1",
                shape: f[6].split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect(),
                data_offset: f[7].parse().unwrap(),
                itemsize: f[8].parse().unwrap(),
                by_np_save: f[9] == "1",
                bytes: std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("missing fixture {path} ({e}): run python3 tests/data/numpy/make.py")),
            }
        })
        .collect();
    assert!(cases.len() >= 20, "{tsv} is incomplete: rerun make.py");
    cases
}

#[test]
fn headers_match_numpy() {
    let mut versions = Vec::new();
    for c in cases() {
        let h = read_header(&c.bytes).unwrap_or_else(|e| panic!("{}: {e}", c.file));
        assert_eq!(h.version, c.version, "{}", c.file);
        assert_eq!(h.descr, c.descr, "{}", c.file);
        assert_eq!(h.fortran_order, c.fortran, "{}", c.file);
        assert_eq!(h.shape, c.shape, "{}", c.file);
        assert_eq!(h.data_offset, c.data_offset, "{}", c.file);
        assert_eq!(h.data_offset % 64, 0, "{}", c.file);
        let ty = binmap::layout::numpy::dtype(&h.descr).unwrap();
        assert_eq!(ty.fixed_size(), Some(c.itemsize), "{}", c.file);
        versions.push(h.version);
        if c.by_np_save {
            let mine = header_bytes(&h.descr, h.fortran_order, &h.shape);
            assert!(
                mine == c.bytes[..c.data_offset as usize],
                "{}: header_bytes differs from np.save:\n  binmap {:?}\n  numpy  {:?}",
                c.file,
                String::from_utf8_lossy(&mine),
                String::from_utf8_lossy(&c.bytes[..c.data_offset as usize])
            );
        }
        // Our descr of the dtype is numpy's own text.
        assert_eq!(binmap::layout::numpy::descr(&ty).unwrap(), c.descr, "{}", c.file);
    }
    for v in [(1, 0), (2, 0), (3, 0)] {
        assert!(versions.contains(&v), "no fixture of version {v:?}");
    }
}

#[test]
fn layouts_resolve_like_numpy() {
    for c in cases() {
        let l = layout(&c.bytes, &c.file).unwrap_or_else(|e| panic!("{}: {e}", c.file));
        assert_eq!(l.origin, c.file);
        assert!(l.source.starts_with(&format!("# {}: .npy version", c.file)), "{}", l.source);
        let map = Map::new(&l, &c.bytes, &c.file).unwrap_or_else(|e| panic!("{}: {e}", c.file));
        let NodeKind::Struct(members) = &map.root.kind else { panic!() };
        assert_eq!(members.len(), 2, "{}", c.file);
        assert_eq!((members[0].name.as_deref(), members[0].node.size), (None, c.data_offset), "{}", c.file);
        let data = &members[1];
        assert_eq!(data.name.as_deref(), Some("data"));
        assert_eq!(data.node.offset, c.data_offset, "{}", c.file);
        let count: u64 = c.shape.iter().product();
        assert_eq!(data.node.size, count * c.itemsize, "{}", c.file);
        assert_eq!(map.root.size, c.bytes.len() as u64, "{}: the data fill the file", c.file);
        match &data.node.kind {
            NodeKind::Array(a) => {
                assert_eq!(a.shape, c.shape, "{}", c.file);
                assert_eq!(a.fortran, c.fortran && c.shape.len() > 1, "{}", c.file);
            }
            _ => assert!(c.shape.is_empty(), "{}: a {}-d array resolved to a non-array", c.file, c.shape.len()),
        }
        // The layout's text names each field where its span points.
        assert_eq!(
            l.text(match &l.root.items[1] {
                binmap::layout::Item::Field(f) => f.span,
                _ => panic!(),
            })
            .split(':')
            .next(),
            Some("data")
        );
    }
}

fn json(file: &str) -> String {
    let bytes = std::fs::read(format!("{DIR}/{file}")).unwrap();
    let l = layout(&bytes, file).unwrap();
    let map = Map::new(&l, &bytes, file).unwrap();
    let sel = binmap::select::select(&map, &[]).unwrap();
    let mut out = Vec::new();
    binmap::sink::json::JsonWriter::new(map.data(), &mut out).document(&sel, &[]).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn values_read_as_numpy_wrote_them() {
    assert_eq!(
        json("records.npy"),
        "{\"data\":[{\"name\":\"MSFT_profit\",\"time\":1,\"value\":0.5},{\"name\":\"AAPL\",\"time\":2,\"value\":-1.25},{\"name\":\"x\",\"time\":3,\"value\":3.0}]}\n"
    );
    assert_eq!(json("i2_0d.npy"), "{\"data\":-7}\n");
    assert_eq!(json("i4_big.npy"), "{\"data\":[0,1,2,3,4]}\n");
    assert_eq!(json("bool.npy"), "{\"data\":[true,false,true]}\n");
    let bytes = std::fs::read(format!("{DIR}/f8_c.npy")).unwrap();
    let l = layout(&bytes, "f8_c.npy").unwrap();
    let map = Map::new(&l, &bytes, "f8_c.npy").unwrap();
    let col: binmap::column::Column<f64> = binmap::column::Column::new(&map, "data", None).unwrap();
    assert_eq!(col.to_vec(), (0..12).map(f64::from).collect::<Vec<_>>());
}

/// A version 1.0 file with `dict` as its header text (unpadded).
fn npy_with(dict: &str) -> Vec<u8> {
    let mut b = MAGIC.to_vec();
    b.extend([1, 0]);
    b.extend((dict.len() as u16).to_le_bytes());
    b.extend(dict.as_bytes());
    b
}

fn err(bytes: &[u8]) -> String {
    let e = read_header(bytes).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Data);
    e.message
}

#[test]
fn bad_headers_are_precise_errors() {
    assert!(err(b"PK\x03\x04").contains("not a .npy file"));
    assert!(err(b"\x93NUMP").contains("not a .npy file"));
    assert!(err(b"\x93NUMPY\x01").contains("ends inside its version"));
    assert!(err(b"\x93NUMPY\x04\x00\x00\x00").contains("unsupported .npy version 4.0 at offset 0x6"));
    assert!(err(b"\x93NUMPY\x02\x00\x10\x00").contains("ends inside its header length"));
    assert!(err(b"\x93NUMPY\x01\x00\x10\x00{}").contains("header length 16 at offset 0x8 runs past the end"));
    let ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    assert_eq!(read_header(&npy_with(ok)).unwrap().shape, [3]);
    for (dict, want) in [
        ("[1, 2]", "the header is a list, not a dict in the .npy header at offset 0xa"),
        ("{'descr': '<f8', 'fortran_order': False}", "no 'shape' key"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}", "unexpected key 'x'"),
        (
            "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}",
            "duplicate key 'descr' in the .npy header at offset 0x1b",
        ),
        ("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", "fortran_order is not a valid bool"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': [3]}", "shape is not a tuple"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3, -1)}",
            "shape entry -1 is negative in the .npy header at offset 0x40",
        ),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1.5)}", "shape entry is not an integer"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", "overflows a 64-bit size"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "does not fit 64 bits"),
        ("{'descr': '|O', 'fortran_order': False, 'shape': (3,)}", "object"),
        ("{'descr': '<q7', 'fortran_order': False, 'shape': (3,)}", "descr '<q7': data type '<q7' not understood"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), ", "never closed"),
        ("{'descr': '<f8' 'fortran_order': False}", "expected ',' or '}', found ':' in the .npy header at offset 0x29"),
    ] {
        let m = err(&npy_with(dict));
        assert!(m.contains(want), "{dict}: {m}");
    }
    // Version 3.0 must be UTF-8; versions 1.0 and 2.0 are Latin-1.
    let mut v3 = header_bytes("[('\u{6e29}', '<f4')]", false, &[1]);
    assert_eq!(v3[6], 3);
    let i = v3.iter().position(|&b| b == 0xe6).unwrap();
    v3[i] = 0xff;
    assert!(err(&v3).contains(&format!("not valid UTF-8 at offset {i:#x}")));
    let latin = header_bytes("[('caf\u{e9}', '<f4')]", false, &[1]);
    assert_eq!(latin[6], 1);
    assert!(latin.windows(4).any(|w| w == b"caf\xe9"));
    assert_eq!(read_header(&latin).unwrap().descr, "[('caf\u{e9}', '<f4')]");
    // The error shows the bytes around the offset.
    let e = read_header(&npy_with("{'descr': '<f8', 'fortran_order': 2, 'shape': ()}")).unwrap_err();
    assert!(e.context.is_some());
}

#[test]
fn a_lying_shape_is_caught_when_resolved() {
    let c = cases().into_iter().find(|c| c.file == "f8_c.npy").unwrap();
    let short = &c.bytes[..c.bytes.len() - 8];
    let l = layout(short, "short.npy").unwrap();
    let e = Map::new(&l, short, "short.npy").unwrap_err();
    assert!(e.to_string().starts_with("layout needs 224 bytes but short.npy has 216"), "{e}");
    assert!(e.to_string().contains("data: f64[3, 4]"), "{e}");
}

#[test]
fn header_bytes_picks_versions_like_numpy() {
    let h = header_bytes("'<f8'", false, &[]);
    let dict = b"{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
    assert_eq!(h.len(), 128);
    assert_eq!(&h[..10], b"\x93NUMPY\x01\x00\x76\x00");
    assert_eq!(&h[10..10 + dict.len()], dict);
    assert!(h[10 + dict.len()..127].iter().all(|&b| b == b' ') && h[127] == b'\n');
    // A header past 65535 bytes needs version 2.0 and a u32 length.
    let fields: Vec<String> = (0..5000).map(|i| format!("('f{i:05}', '|u1')")).collect();
    let big = header_bytes(&format!("[{}]", fields.join(", ")), false, &[1]);
    assert_eq!(&big[6..8], &[2, 0]);
    assert_eq!(big.len() % 64, 0);
    let h = read_header(&big).unwrap();
    assert_eq!((h.version, h.data_offset), ((2, 0), big.len() as u64));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn read_header_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = read_header(&bytes);
        let _ = layout(&bytes, "x.npy");
    }

    #[test]
    fn mutated_headers_never_panic(pos in 0usize..128, byte in any::<u8>(), cut in 0usize..140) {
        let mut b = header_bytes("[('a', '<i4'), ('b', '>f8', (2,))]", true, &[2, 3]);
        b.resize(b.len() + 6 * 20, 0);
        b[pos] = byte;
        b.truncate(b.len().min(cut.max(10)));
        if let Ok(l) = layout(&b, "x.npy") {
            let _ = Map::new(&l, &b, "x.npy");
        }
    }
}
