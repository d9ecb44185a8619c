//! `binmap convert -o x.parquet / x.arrow`: every value read back (with the
//! `parquet` crate's Arrow reader and `arrow-ipc`'s file reader) must be
//! exactly what `binmap show --format json` prints for the same rows.
//!
//! Values are compared as JSON: each Arrow value is turned back into a
//! binmap value and written by the same JSON writer `show` uses, so floats
//! are compared bit for bit (NaN payloads as `{"nan": ...}`), bytes by
//! their bytes. Synthetic files cover every layout type; `.ci/differential_arrow.py`
//! does the same against numpy, pyarrow and DuckDB on random layouts.

mod common;

use common::EXAMPLES;

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use assert_cmd::Command;
use binmap::decode::Value;
use binmap::text::json_read::{Doc, parse_json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn binmap() -> Command {
    let mut c = Command::cargo_bin("binmap").expect("binary");
    c.current_dir(root());
    c
}

fn run(args: &[&str]) -> std::process::Output {
    binmap().args(args).output().expect("run binmap")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = run(args);
    assert!(out.status.success(), "binmap {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// (exit code, first line of stderr) of a command that must fail.
fn fails(args: &[&str]) -> (i32, String) {
    let out = run(args);
    assert!(!out.status.success(), "binmap {args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), err.lines().next().unwrap_or("").to_string())
}

/// A table read back: its schema and batches.
struct Read {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Read {
    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn types(&self) -> Vec<(String, DataType)> {
        self.schema.fields().iter().map(|f| (f.name().clone(), f.data_type().clone())).collect()
    }
}

fn read(path: &Path) -> Read {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "parquet") {
        let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).expect("parquet");
        let schema = builder.schema().clone();
        let batches = builder.build().expect("reader").collect::<Result<Vec<_>, _>>().expect("batches");
        Read { schema, batches }
    } else {
        let reader = arrow_ipc::reader::FileReader::try_new(file, None).expect("arrow ipc");
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, _>>().expect("batches");
        Read { schema, batches }
    }
}

/// What `show --format json` prints for the rows of a selection (`rows`
/// `..` when not given), one document per row; a selection that is not an
/// array is one row.
fn show_rows(file: &str, layout: Option<&str>, path: Option<&str>, rows: Option<&str>) -> Vec<Doc> {
    let mut args = vec!["show", file];
    if let Some(l) = layout {
        args.extend(["-l", l]);
    }
    args.extend(path);
    args.extend(["--format", "json"]);
    let mut with_rows = args.clone();
    with_rows.extend(["--rows", rows.unwrap_or("..")]);
    let out = run(&with_rows);
    let text = if out.status.success() {
        out.stdout
    } else {
        assert!(rows.is_none(), "show {with_rows:?}: {}", String::from_utf8_lossy(&out.stderr));
        ok(&args)
    };
    let doc = parse_json(std::str::from_utf8(&text).expect("utf8")).expect("show's json");
    match doc {
        Doc::Array(items) if out.status.success() => items,
        d => vec![d],
    }
}

/// The JSON `show` prints for a binmap value.
fn json_of(v: Value<'_>) -> Doc {
    let mut out = Vec::new();
    binmap::sink::write_json(&mut out, &v);
    parse_json(std::str::from_utf8(&out).expect("utf8")).expect("json")
}

/// `Ok` when value `i` of `a` is what `show` printed as `want`.
fn same(want: &Doc, a: &dyn Array, i: usize, at: &str) -> Result<(), String> {
    let got = match a.data_type() {
        DataType::Int8 => Doc::Number(a.as_primitive::<Int8Type>().value(i).to_string()),
        DataType::Int16 => Doc::Number(a.as_primitive::<Int16Type>().value(i).to_string()),
        DataType::Int32 => Doc::Number(a.as_primitive::<Int32Type>().value(i).to_string()),
        DataType::Int64 => Doc::Number(a.as_primitive::<Int64Type>().value(i).to_string()),
        DataType::UInt8 => Doc::Number(a.as_primitive::<UInt8Type>().value(i).to_string()),
        DataType::UInt16 => Doc::Number(a.as_primitive::<UInt16Type>().value(i).to_string()),
        DataType::UInt32 => Doc::Number(a.as_primitive::<UInt32Type>().value(i).to_string()),
        DataType::UInt64 => Doc::Number(a.as_primitive::<UInt64Type>().value(i).to_string()),
        DataType::Float16 => json_of(Value::F16(a.as_primitive::<Float16Type>().value(i))),
        DataType::Float32 => {
            let x = a.as_primitive::<Float32Type>().value(i);
            let f = json_of(Value::F32(x));
            // A bf16 column is widened to Float32: `show` prints it at bf16 precision.
            if &f != want && x.to_bits() & 0xffff == 0 {
                json_of(Value::BF16(half::bf16::from_bits((x.to_bits() >> 16) as u16)))
            } else {
                f
            }
        }
        DataType::Float64 => json_of(Value::F64(a.as_primitive::<Float64Type>().value(i))),
        DataType::Boolean => Doc::Bool(a.as_boolean().value(i)),
        DataType::Utf8 => Doc::String(a.as_string::<i32>().value(i).to_string()),
        DataType::Binary => {
            // Bytes that `show` prints as text when they are UTF-8, or a
            // `void[N]` of varying N, which it always prints as hex.
            let b = a.as_binary::<i32>().value(i);
            let d = json_of(Value::Bytes(b));
            if &d == want { d } else { json_of(Value::Void(b)) }
        }
        DataType::FixedSizeBinary(_) => json_of(Value::Void(a.as_fixed_size_binary().value(i))),
        DataType::Struct(fields) => {
            let Doc::Object(members) = want else { return Err(format!("{at}: a struct where show has {want:?}")) };
            let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            let fnames: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
            if names != fnames {
                return Err(format!("{at}: fields {fnames:?}, show has {names:?}"));
            }
            let s = a.as_struct();
            for (k, (name, w)) in members.iter().enumerate() {
                same(w, s.column(k).as_ref(), i, &format!("{at}.{name}"))?;
            }
            return Ok(());
        }
        DataType::FixedSizeList(..) | DataType::List(_) => {
            let items = match a.data_type() {
                DataType::List(_) => a.as_list::<i32>().value(i),
                _ => a.as_fixed_size_list().value(i),
            };
            let Doc::Array(ws) = want else { return Err(format!("{at}: a list where show has {want:?}")) };
            if ws.len() != items.len() {
                return Err(format!("{at}: {} items, show has {}", items.len(), ws.len()));
            }
            for (j, w) in ws.iter().enumerate() {
                same(w, items.as_ref(), j, &format!("{at}[{j}]"))?;
            }
            return Ok(());
        }
        t => return Err(format!("{at}: unexpected type {t}")),
    };
    if &got == want { Ok(()) } else { Err(format!("{at}: got {got:?}, show has {want:?}")) }
}

/// Every row of `t` against `want` (show's rows): one column per member
/// when show's rows are objects with the table's column names, else one
/// column holding the whole row.
fn compare(t: &Read, want: &[Doc], what: &str) {
    assert_eq!(t.rows(), want.len(), "{what}: row count");
    let names: Vec<&str> = t.schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut r = 0;
    for b in &t.batches {
        for i in 0..b.num_rows() {
            let w = &want[r];
            let result = match w {
                Doc::Object(ms) if ms.iter().map(|(k, _)| k.as_str()).eq(names.iter().copied()) => {
                    ms.iter().enumerate().try_for_each(|(k, (name, v))| same(v, b.column(k).as_ref(), i, name))
                }
                _ => {
                    assert_eq!(names.len(), 1, "{what}: one column expected, got {names:?} for {w:?}");
                    same(w, b.column(0).as_ref(), i, names[0])
                }
            };
            if let Err(e) = result {
                panic!("{what}: row {r}: {e}");
            }
            r += 1;
        }
    }
}

/// Convert `file` (with `extra` arguments) to both formats and compare
/// every value with `show`; returns the Parquet table read back.
fn check(file: &str, layout: Option<&str>, path: Option<&str>, rows: Option<&str>) -> Read {
    let dir = tempfile::tempdir().expect("tempdir");
    let want = show_rows(file, layout, path, rows);
    let mut tables = Vec::new();
    for ext in ["parquet", "arrow"] {
        let out = dir.path().join(format!("out.{ext}"));
        let out_s = out.display().to_string();
        let mut args = vec!["convert", file];
        if let Some(l) = layout {
            args.extend(["-l", l]);
        }
        args.extend(path);
        if let Some(r) = rows {
            args.extend(["--rows", r]);
        }
        args.extend(["-o", &out_s]);
        ok(&args);
        let t = read(&out);
        compare(&t, &want, &format!("{args:?}"));
        tables.push(t);
    }
    let (pq, ipc) = (tables.remove(0), tables.remove(0));
    assert_eq!(pq.types(), ipc.types(), "{file}: the two formats have the same schema");
    pq
}

/// A file in a temporary folder.
fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

/// xorshift64*: deterministic test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// `text` padded with NULs to `n` bytes.
fn padded(text: &[u8], n: usize) -> Vec<u8> {
    let mut v = text.to_vec();
    v.resize(n, 0);
    v
}

const ALL_TYPES: &str = "
type R = {
  i8: i8, i16: i16be, i32: i32, i64: i64be, u8: u8, u16: u16, u32: u32be, u64: u64,
  h: f16, hb: f16be, b16: bf16, f: f32, fb: f32be, d: f64, db: f64be,
  ok: bool, z: c64, zz: c128be,
  s: bytes[6], t: utf8[8], w: ucs4[3], c: char, v: void[3],
  p: { x: i16, q: { y: u8, _: u8, name: bytes[4] } },
  a: f32[3], m: i16[2, 3], pts: { x: f32, y: f32be }[2]
}
n: u32
recs: R[n]";

/// Special floats (NaN payloads, -0.0, infinities, subnormals) among random bits.
fn float_bits(rng: &mut Rng, width: u32) -> u64 {
    let specials: [u64; 6] = match width {
        16 => [0x7e00, 0xfe01, 0x8000, 0x7c00, 0x0001, 0x3c00],
        32 => [0x7fc0_0000, 0xffc0_0001, 0x8000_0000, 0x7f80_0000, 0x0000_0001, 0x3f80_0000],
        _ => [0x7ff8 << 48, (0xfff8 << 48) | 1, 1 << 63, 0x7ff0 << 48, 1, 0x3ff0 << 48],
    };
    if rng.next().is_multiple_of(4) { *rng.pick(&specials) } else { rng.next() >> (64 - width) }
}

/// `n` records of [`ALL_TYPES`]; `s` values from `texts`.
fn all_types_file(n: u32, texts: &[&[u8]], seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut b = n.to_le_bytes().to_vec();
    for k in 0..n {
        let r = rng.next();
        let ext = k % 5 == 0;
        b.push(if ext { 0x80 } else { r as u8 });
        b.extend((if ext { i16::MAX } else { r as i16 }).to_be_bytes());
        b.extend((if ext { i32::MIN } else { r as i32 }).to_le_bytes());
        b.extend((if ext { i64::MIN } else { r as i64 }).to_be_bytes());
        b.push(if ext { 255 } else { (r >> 8) as u8 });
        b.extend(((r >> 16) as u16).to_le_bytes());
        b.extend(((r >> 20) as u32).to_be_bytes());
        b.extend((if ext { u64::MAX } else { rng.next() }).to_le_bytes());
        b.extend((float_bits(&mut rng, 16) as u16).to_le_bytes());
        b.extend((float_bits(&mut rng, 16) as u16).to_be_bytes());
        b.extend(((float_bits(&mut rng, 32) >> 16) as u16).to_le_bytes());
        b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
        b.extend((float_bits(&mut rng, 32) as u32).to_be_bytes());
        b.extend(float_bits(&mut rng, 64).to_le_bytes());
        b.extend(float_bits(&mut rng, 64).to_be_bytes());
        b.push((k % 2) as u8);
        b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
        b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
        b.extend(float_bits(&mut rng, 64).to_be_bytes());
        b.extend(float_bits(&mut rng, 64).to_be_bytes());
        b.extend(padded(rng.pick::<&[u8]>(texts), 6));
        b.extend(padded(rng.pick(&["", "ω", "naïve", "12345678", "a\0b"]).as_bytes(), 8));
        let chars = rng.next() % 4;
        for u in 0..3 {
            let c = if u < chars { *rng.pick(&['a', '€', '😀', '\0']) } else { '\0' };
            b.extend((c as u32).to_le_bytes());
        }
        b.push(*rng.pick(b"x\0 ,\""));
        b.extend(rng.bytes(3));
        b.extend((r as i16).to_le_bytes());
        b.push((r >> 3) as u8);
        b.push(0xee);
        b.extend(padded(rng.pick::<&[u8]>(texts), 4));
        for _ in 0..3 {
            b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
        }
        for _ in 0..6 {
            b.extend((rng.next() as i16).to_le_bytes());
        }
        for _ in 0..2 {
            b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
            b.extend((float_bits(&mut rng, 32) as u32).to_be_bytes());
        }
    }
    b
}

/// A short spelling of an Arrow type for assertions: `i16`, `f32`,
/// `utf8`, `binary`, `fixed3`, `list3<f32>`, `list<u8>`, `{x:i16,y:u8}`.
fn short(t: &DataType) -> String {
    match t {
        DataType::Int8 => "i8".into(),
        DataType::Int16 => "i16".into(),
        DataType::Int32 => "i32".into(),
        DataType::Int64 => "i64".into(),
        DataType::UInt8 => "u8".into(),
        DataType::UInt16 => "u16".into(),
        DataType::UInt32 => "u32".into(),
        DataType::UInt64 => "u64".into(),
        DataType::Float16 => "f16".into(),
        DataType::Float32 => "f32".into(),
        DataType::Float64 => "f64".into(),
        DataType::Boolean => "bool".into(),
        DataType::Utf8 => "utf8".into(),
        DataType::Binary => "binary".into(),
        DataType::FixedSizeBinary(n) => format!("fixed{n}"),
        DataType::FixedSizeList(f, n) => format!("list{n}<{}>", short(f.data_type())),
        DataType::List(f) => format!("list<{}>", short(f.data_type())),
        DataType::Struct(fs) => {
            let parts: Vec<String> = fs.iter().map(|f| format!("{}:{}", f.name(), short(f.data_type()))).collect();
            format!("{{{}}}", parts.join(","))
        }
        t => t.to_string(),
    }
}

fn schema_of(t: &Read) -> String {
    t.types().iter().map(|(n, t)| format!("{n}:{}", short(t))).collect::<Vec<_>>().join(" ")
}

const TEXTS: &[&[u8]] = &[b"", b"abc", b"h\xc3\xa9llo", b"a\0b", b"MSFT_profit", b"\x01"];

#[test]
fn the_examples_read_back_as_show_prints_them() {
    for (name, file) in EXAMPLES {
        check(&format!("examples/{file}"), Some(&format!("examples/{name}.bml")), None, None);
    }
    let t = check("examples/array.npy", None, None, None);
    assert_eq!(schema_of(&t), "data:f64");
    let t = check("examples/db.dat", Some("examples/db.bml"), None, None);
    assert_eq!(schema_of(&t), "name:utf8 time:i64 value:f32");
    let t = check("examples/data.bin", Some("examples/data.bml"), None, None);
    assert_eq!(schema_of(&t), "data:list5<f64>");
    let t = check("examples/tmp.b", Some("examples/tmp.bml"), None, None);
    assert_eq!((t.rows(), schema_of(&t)), (1, "a:i32 b:f64 c:utf8".to_string()));
    check("examples/db.dat", Some("examples/db.bml"), Some("records.value"), Some("2..6"));
    check("examples/data.bin", Some("examples/data.bml"), Some("data"), Some("-2.."));
    check("examples/flight_path.b", Some("examples/flight_path.bml"), Some("coords.x"), None);
    let t = check("examples/flight_path.b", Some("examples/flight_path.bml"), Some("info"), None);
    assert_eq!((t.rows(), schema_of(&t)), (1, "info:utf8".to_string()));
}

#[test]
fn every_type_maps_as_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = temp_file(dir.path(), "all.bin", &all_types_file(40, TEXTS, 7));
    let t = check(&f, Some(ALL_TYPES), None, None);
    assert_eq!(
        schema_of(&t),
        "i8:i8 i16:i16 i32:i32 i64:i64 u8:u8 u16:u16 u32:u32 u64:u64 h:f16 hb:f16 b16:f32 f:f32 fb:f32 \
         d:f64 db:f64 ok:bool z:{real:f32,imag:f32} zz:{real:f64,imag:f64} s:utf8 t:utf8 w:utf8 c:utf8 \
         v:fixed3 p:{x:i16,q:{y:u8,name:utf8}} a:list3<f32> m:list2<list3<i16>> pts:list2<{x:f32,y:f32}>"
    );
    check(&f, Some(ALL_TYPES), None, Some("3..11"));
    check(&f, Some(ALL_TYPES), None, Some("-4.."));
    check(&f, Some(ALL_TYPES), Some("recs"), Some("39"));
    let t = check(&f, Some(ALL_TYPES), Some("recs.p"), None);
    assert_eq!(schema_of(&t), "x:i16 q:{y:u8,name:utf8}");
    let t = check(&f, Some(ALL_TYPES), Some("recs.m"), Some("5..9"));
    assert_eq!(schema_of(&t), "m:list2<list3<i16>>");
    let t = check(&f, Some(ALL_TYPES), Some("recs.zz"), None);
    assert_eq!(schema_of(&t), "zz:{real:f64,imag:f64}");
    let t = check(&f, Some(ALL_TYPES), Some("recs[3]"), None);
    assert_eq!(t.rows(), 1);
    check(&f, Some(ALL_TYPES), Some("recs[3].pts"), None);
}

#[test]
fn bytes_that_are_not_utf8_make_a_binary_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let texts: &[&[u8]] = &[b"ok", b"\xff\xfe", b"ab\xc3"];
    let f = temp_file(dir.path(), "bin.bin", &all_types_file(30, texts, 3));
    let t = check(&f, Some(ALL_TYPES), None, None);
    let types = schema_of(&t);
    assert!(types.contains(" s:binary ") && types.contains("name:binary}"), "{types}");
    // The choice is made over the selected rows only: one valid row is text.
    let show = String::from_utf8(ok(&["show", &f, "-l", ALL_TYPES, "recs.s", "--format", "json"])).expect("utf8");
    let docs = match parse_json(&show).expect("json") {
        Doc::Array(d) => d,
        d => panic!("{d:?}"),
    };
    let valid = docs.iter().position(|d| matches!(d, Doc::String(_))).expect("a valid row");
    let row = valid.to_string();
    let t = check(&f, Some(ALL_TYPES), Some("recs.s"), Some(&row));
    assert_eq!(schema_of(&t), "s:utf8");
}

const WALKED: &str = "
n: u16
recs: { len: u8, name: utf8[len], vals: i16be[len], grid: u8[len, 2], raw: void[len], tag: cstr, s: bytes[len],
        fixed: f32[2] }[n]";

fn walked_file(lens: &[u8]) -> Vec<u8> {
    let mut rng = Rng(11);
    let mut b = (lens.len() as u16).to_le_bytes().to_vec();
    for &len in lens {
        let l = len as usize;
        b.push(len);
        b.extend(format!("{}{}", "é".repeat(l / 2), "a".repeat(l % 2)).as_bytes());
        for _ in 0..l {
            b.extend((rng.next() as i16).to_be_bytes());
        }
        b.extend(rng.bytes(2 * l));
        b.extend(rng.bytes(l));
        b.extend(b"tag");
        b.extend(rng.bytes(len as usize % 2).iter().map(|_| b'!'));
        b.push(0);
        b.extend(padded(b"xyz", l));
        for _ in 0..2 {
            b.extend((float_bits(&mut rng, 32) as u32).to_le_bytes());
        }
    }
    b
}

#[test]
fn elements_of_varying_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = temp_file(dir.path(), "walked.bin", &walked_file(&[3, 0, 5, 1, 2, 4]));
    let t = check(&f, Some(WALKED), None, None);
    assert_eq!(
        schema_of(&t),
        "len:u8 name:utf8 vals:list<i16> grid:list<list2<u8>> raw:binary tag:utf8 s:utf8 fixed:list2<f32>"
    );
    check(&f, Some(WALKED), None, Some("1..4"));
    check(&f, Some(WALKED), Some("recs.vals"), None);
    check(&f, Some(WALKED), Some("recs[2]"), None);
    // Sub-arrays of one length in every selected element are fixed-size.
    let f2 = temp_file(dir.path(), "same.bin", &walked_file(&[2, 2, 2]));
    let t = check(&f2, Some(WALKED), None, None);
    assert!(schema_of(&t).contains("vals:list2<i16> grid:list2<list2<u8>> raw:fixed2"), "{}", schema_of(&t));
    // A struct holding a variable-size array, as one row.
    let h = temp_file(dir.path(), "h.bin", b"\x03\x02hi\x00\x02\xce\xa9");
    let t = check(&h, Some("h: { n: u8, items: { k: u8, s: utf8[k] }[n] }"), None, None);
    assert_eq!(schema_of(&t), "h:{n:u8,items:list3<{k:u8,s:utf8}>}");
    // Elements whose fields differ cannot share columns.
    let g = temp_file(dir.path(), "if.bin", &[3, 0, 1, 7, 0, 0, 0]);
    let out = dir.path().join("never.parquet").display().to_string();
    let (code, msg) = fails(&["convert", &g, "-l", "recs: { k: u8, if k { x: i32 } }[3]", "-o", &out]);
    assert_eq!(code, 2);
    assert!(msg.contains("element 1 does not have the shape of the elements before it"), "{msg}");
}

#[test]
fn arrays_with_several_dimensions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut b = vec![3u8];
    for i in 0..18 {
        b.extend((i as f32 * 0.5).to_le_bytes());
    }
    let f = temp_file(dir.path(), "cube.bin", &b);
    let t = check(&f, Some("r: u8\ndata: f32[r, 2, 3]"), None, None);
    assert_eq!(schema_of(&t), "data:list2<list3<f32>>");
    check(&f, Some("r: u8\ndata: f32[r, 2, 3]"), Some("data"), Some("1.."));
    // Sub-arrays without elements are lists of length 0, one per row.
    let z = temp_file(dir.path(), "zero.bin", b"\x02ab");
    let t = check(&z, Some("n: u8\nr: { a: u8, e: f32[0], v: void[0], m: u8[2, 0], k: i8[0, 2] }[n]"), None, None);
    assert_eq!(schema_of(&t), "a:u8 e:list0<f32> v:binary m:list2<list0<u8>> k:list0<list2<i8>>");
    check(&z, Some("n: u8\nr: u16[n, 0]"), None, None);
    // A Fortran-order .npy: rows are gathered element by element.
    let header = "{'descr': '<i4', 'fortran_order': True, 'shape': (3, 2), }";
    let mut h = header.to_string();
    while !(10 + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend((h.len() as u16).to_le_bytes());
    npy.extend(h.as_bytes());
    for v in [1i32, 2, 3, 4, 5, 6] {
        npy.extend(v.to_le_bytes());
    }
    let f = temp_file(dir.path(), "fortran.npy", &npy);
    let t = check(&f, None, None, None);
    assert_eq!(schema_of(&t), "data:list2<i32>");
}

/// The rows of the parts of `--split N`, each part read back.
fn split(file: &str, layout: &str, rows: Option<&str>, n: u64, ext: &str, dir: &Path) -> Vec<Read> {
    let out = dir.join(format!("out.{ext}")).display().to_string();
    let parts = n.to_string();
    let mut args = vec!["convert", file, "-l", layout, "-o", &out, "--split", &parts];
    if let Some(r) = rows {
        args.extend(["--rows", r]);
    }
    ok(&args);
    assert!(!dir.join(format!("out.{ext}")).exists(), "--split writes parts only");
    (0..n).map(|i| read(&dir.join(format!("out-{i:05}-of-{n:05}.{ext}")))).collect()
}

#[test]
fn split_parts_are_consecutive_and_cover_the_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = temp_file(dir.path(), "all.bin", &all_types_file(10, TEXTS, 5));
    for ext in ["parquet", "arrow"] {
        for (rows, n, sizes) in [
            (None, 3, vec![4, 3, 3]),
            (Some("2..9"), 3, vec![3, 2, 2]),
            (Some("8.."), 5, vec![1, 1, 0, 0, 0]),
            (None, 1, vec![10]),
        ] {
            let out = tempfile::tempdir().expect("tempdir");
            let parts = split(&f, ALL_TYPES, rows, n, ext, out.path());
            let got: Vec<usize> = parts.iter().map(Read::rows).collect();
            assert_eq!(got, sizes, "{ext} {rows:?} --split {n}");
            let want = show_rows(&f, Some(ALL_TYPES), None, rows);
            let schema = schema_of(&parts[0]);
            let all = Read {
                schema: parts[0].schema.clone(),
                batches: parts.iter().flat_map(|p| p.batches.iter().cloned()).collect(),
            };
            for p in &parts {
                assert_eq!(schema_of(p), schema, "every part has the same schema");
            }
            compare(&all, &want, &format!("{ext} {rows:?} --split {n}"));
            assert_eq!(std::fs::read_dir(out.path()).expect("dir").count() as u64, n, "only the parts");
        }
    }
}

#[test]
fn an_empty_table_has_its_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = temp_file(dir.path(), "empty.dat", b"");
    let t = check(&f, Some("examples/db.bml"), None, None);
    assert_eq!((t.rows(), schema_of(&t)), (0, "name:utf8 time:i64 value:f32".to_string()));
    let t = check("examples/db.dat", Some("examples/db.bml"), None, Some("5..2"));
    assert_eq!(t.rows(), 0);
}

#[test]
fn wrong_commands_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = |name: &str| dir.path().join(name).display().to_string();
    let db = ["convert", "examples/db.dat", "-l", "examples/db.bml"];
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["-o".into(), out("x.xlsx")], "unknown output format '.xlsx'"),
        (vec!["-o".into(), out("x.csv"), "--split".into(), "2".into()], "--split is for .parquet and .arrow outputs"),
        (vec!["-o".into(), out("x.parquet"), "--split".into(), "0".into()], "the number of parts must be 1 to"),
        (vec!["records.nope".into(), "-o".into(), out("x.arrow")], "no field 'nope'"),
    ];
    for (extra, want) in cases {
        let mut args: Vec<&str> = db.to_vec();
        args.extend(extra.iter().map(String::as_str));
        let (code, msg) = fails(&args);
        assert_eq!(code, 2, "{args:?}: {msg}");
        assert!(msg.contains(want), "{args:?}: {msg}");
    }
    let (code, msg) =
        fails(&["convert", "examples/tmp.b", "-l", "examples/tmp.bml", "--rows", "0..1", "-o", &out("t.parquet")]);
    assert_eq!((code, msg.as_str()), (2, "error: --rows needs an array; the file is not one"));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written");
}

#[test]
fn bad_values_are_the_errors_show_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8]); 3] = [
        ("n: u8\nr: { a: u8, ok: bool }[n]", &[2, 1, 1, 2, 7]),
        ("n: u8\nr: { t: utf8[2] }[n]", &[2, b'o', b'k', 0xff, 0]),
        ("n: u8\nr: { w: ucs4[1] }[n]", &[1, 0, 0, 0x11, 0]),
    ];
    for (layout, bytes) in cases {
        let f = temp_file(dir.path(), "bad.bin", bytes);
        let (_, show) = fails(&["show", &f, "-l", layout, "--format", "json"]);
        for ext in ["parquet", "arrow"] {
            let out = dir.path().join(format!("bad.{ext}"));
            let (code, msg) = fails(&["convert", &f, "-l", layout, "-o", &out.display().to_string()]);
            assert_eq!((code, &msg), (1, &show), "{layout} to .{ext}");
            assert!(!out.exists());
        }
        std::fs::remove_file(&f).expect("rm");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no temporary file left");
    }
}
