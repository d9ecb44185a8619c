//! `pack` streams CSV, JSON Lines and JSON record arrays (issue 15): the
//! bytes are those of the general path (show then pack gives the file
//! back), size fields are written last, errors in a large input name the
//! record. Memory: `pack_stream_memory.rs`.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

fn binmap(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().expect("run binmap")
}

/// A deterministic record: (name, time, value).
fn record(i: u64) -> (String, i64, f32) {
    let name = format!("N{:04}_x", (i.wrapping_mul(2654435761)) % 4096);
    let time = (i as i64) * 37 - 1_000_000;
    let value = ((i % 2001) as f32 - 1000.0) / 8.0;
    (name, time, value)
}

fn record_bytes(i: u64, out: &mut Vec<u8>) {
    let (name, time, value) = record(i);
    let mut n = [0u8; 12];
    n[..name.len()].copy_from_slice(name.as_bytes());
    out.extend_from_slice(&n);
    out.extend_from_slice(&time.to_le_bytes());
    out.extend_from_slice(&value.to_le_bytes());
}

fn csv_line(i: u64, out: &mut Vec<u8>) {
    let (name, time, value) = record(i);
    writeln!(out, "{name},{time},{value:?}").expect("write");
}

fn jsonl_line(i: u64, out: &mut Vec<u8>) {
    let (name, time, value) = record(i);
    writeln!(out, "{{\"name\":\"{name}\",\"time\":{time},\"value\":{value:?}}}").expect("write");
}

const TICK: &str = "records: { name: bytes[12], time: i64, value: f32 }[..]";
const COUNTED: &str = "magic: u32 == 0xCAFE\nn: u64\n_: u32\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";

/// Files that round-trip through show (csv, jsonl, json) and pack, for
/// layouts the stream takes: size fields, constants, padding, text,
/// sub-arrays, nested records, align, every scalar kind.
#[test]
fn show_then_pack_gives_the_file_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let layouts = [
        TICK,
        COUNTED,
        "n: u16be\nr: { a: i8, b: u16be, c: i32, d: u64, e: f64be, f: bool, g: char, h: utf8[5], align 8, v: f32[3], p: { x: i16, y: f16 } }[n]",
        "v: f64[..]",
        "n: u8\nv: i32[n]",
    ];
    let files: Vec<Vec<u8>> = vec![
        {
            let mut b = Vec::new();
            for i in 0..1000 {
                record_bytes(i, &mut b);
            }
            b
        },
        {
            let mut b = Vec::new();
            b.extend_from_slice(&0xCAFEu32.to_le_bytes());
            b.extend_from_slice(&300u64.to_le_bytes());
            b.extend_from_slice(&[0; 4]);
            for i in 0..300 {
                record_bytes(i, &mut b);
            }
            b
        },
        {
            let mut b = vec![0u8, 3];
            for i in 0..3u8 {
                b.push(i.wrapping_mul(77)); // a: i8
                b.extend_from_slice(&(u16::from(i) * 1000).to_be_bytes());
                b.extend_from_slice(&(-(i32::from(i)) * 123_456).to_le_bytes());
                b.extend_from_slice(&(u64::MAX - u64::from(i)).to_le_bytes());
                b.extend_from_slice(&(f64::from(i) * 0.1).to_be_bytes());
                b.push(i % 2);
                b.push(b'a' + i);
                let mut t = *b"h\xc3\xa9\0\0";
                t[0] += i;
                b.extend_from_slice(&t);
                b.extend_from_slice(&[0; 2]); // align 8 (record offset 30 -> 32)
                for k in 0..3 {
                    b.extend_from_slice(&(f32::from(i) - k as f32 / 3.0).to_le_bytes());
                }
                b.extend_from_slice(&(-7i16 * i16::from(i)).to_le_bytes());
                b.extend_from_slice(&half_bits(f32::from(i) + 0.5).to_le_bytes());
            }
            b
        },
        {
            let mut b = Vec::new();
            for x in [0.1f64, -0.0, 1e300, f64::INFINITY, f64::NAN, 5e-324] {
                b.extend_from_slice(&x.to_le_bytes());
            }
            b
        },
        {
            let mut b = vec![2u8];
            b.extend_from_slice(&i32::MIN.to_le_bytes());
            b.extend_from_slice(&i32::MAX.to_le_bytes());
            b
        },
    ];
    for (layout, data) in layouts.iter().zip(&files) {
        let bin = dir.path().join("in.bin");
        std::fs::write(&bin, data).expect("write");
        let bin = bin.to_str().expect("path");
        let check = binmap(&["info", bin, "-l", layout]);
        assert!(check.status.success(), "{layout}: {}", String::from_utf8_lossy(&check.stderr));
        for fmt in ["csv", "jsonl", "json"] {
            let shown = binmap(&["show", bin, "-l", layout, "--format", fmt]);
            assert!(shown.status.success(), "{layout} {fmt}: {}", String::from_utf8_lossy(&shown.stderr));
            // A JSON Lines file is the array's elements only: the JSON of the whole file for json.
            let text = dir.path().join(format!("in.{fmt}"));
            std::fs::write(&text, &shown.stdout).expect("write");
            let out = dir.path().join("out.bin");
            let packed = binmap(&["pack", "-l", layout, text.to_str().expect("path"), "-o", out.to_str().expect("p")]);
            assert!(packed.status.success(), "{layout} {fmt}: {}", String::from_utf8_lossy(&packed.stderr));
            assert_eq!(&std::fs::read(&out).expect("read"), data, "{layout} from {fmt}");
            // The same through stdin and stdout.
            let mut child = Command::new(BIN)
                .args(["pack", "-l", layout, "-", "--format", fmt, "-o", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn");
            let mut stdin = child.stdin.take().expect("stdin");
            let input = shown.stdout.clone();
            let feeder = std::thread::spawn(move || stdin.write_all(&input));
            let o = child.wait_with_output().expect("wait");
            feeder.join().expect("feeder").expect("feed");
            assert!(o.status.success(), "{layout} {fmt} stdin");
            assert_eq!(&o.stdout, data, "{layout} from {fmt} via stdin/stdout");
        }
    }
}

/// f32 to IEEE half bits (exact for the small values used here).
fn half_bits(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    if exp == 0 {
        return sign;
    }
    let e = (exp - 127 + 15) as u16;
    sign | (e << 10) | ((b >> 13) & 0x3ff) as u16
}

/// Inputs larger than a block and than the kept copy: the same bytes as
/// generated, the size field written last, in CSV, JSON Lines and JSON.
#[test]
fn large_inputs_stream_exactly() {
    let dir = tempfile::tempdir().expect("tmp");
    let n = 800_000u64;
    let mut expect = Vec::new();
    expect.extend_from_slice(&0xCAFEu32.to_le_bytes());
    expect.extend_from_slice(&n.to_le_bytes());
    expect.extend_from_slice(&[0; 4]);
    for i in 0..n {
        record_bytes(i, &mut expect);
    }
    let mut csv = b"name,time,value\n".to_vec();
    let mut jsonl = Vec::new();
    let mut json = b"{\"records\": [\n".to_vec();
    for i in 0..n {
        csv_line(i, &mut csv);
        jsonl_line(i, &mut jsonl);
        let (name, time, value) = record(i);
        write!(
            json,
            "{}{{\"name\": \"{name}\", \"time\": {time}, \"value\": {value:?}}}",
            if i > 0 { ",\n" } else { "" }
        )
        .expect("write");
    }
    json.extend_from_slice(b"\n], \"magic\": 51966}\n");
    assert!(csv.len() > 16 << 20, "larger than the copy kept for the general path");
    for (name, text) in [("in.csv", &csv), ("in.jsonl", &jsonl), ("in.json", &json)] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        let out = dir.path().join("out.bin");
        let o = binmap(&["pack", "-l", COUNTED, p.to_str().expect("p"), "-o", out.to_str().expect("p")]);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let got = std::fs::read(&out).expect("read");
        assert_eq!(got.len(), expect.len(), "{name}");
        assert!(got == expect, "{name}: bytes differ");
    }
    // A bad value deep in a large input: an error naming the record, no output.
    let mut bad = csv.clone();
    let at = bad.len() - 100;
    let line_start = bad[..at].iter().rposition(|&c| c == b'\n').expect("a line") + 1;
    let row = bad[..line_start].iter().filter(|&&c| c == b'\n').count() - 1;
    let comma = line_start + bad[line_start..].iter().position(|&c| c == b',').expect("comma");
    bad[comma + 1] = b'x';
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, &bad).expect("write");
    let out = dir.path().join("bad.bin");
    let o = binmap(&["pack", "-l", COUNTED, p.to_str().expect("p"), "-o", out.to_str().expect("p")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is not an integer (for a i64)"), "{err}");
    assert!(err.contains(&format!("at records[{row}]")), "row {row}: {err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 5, "no temporary file is left");
}

/// Small inputs with errors get the general path's messages.
#[test]
fn errors_in_small_inputs_are_the_general_paths() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("in.csv");
    std::fs::write(&p, "name,time,value\nA,1,2.5\nB,zz,1\n").expect("write");
    let o = binmap(&["pack", "-l", TICK, p.to_str().expect("p"), "-o", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("'zz' is not an integer (for a i64)"), "{err}");
    assert!(err.contains("records[1].time"), "{err}");
    assert!(o.stdout.is_empty());
    // A header the layout does not have: the general path says so.
    std::fs::write(&p, "name,when,value\nA,1,2.5\n").expect("write");
    let o = binmap(&["pack", "-l", TICK, p.to_str().expect("p"), "-o", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
}
