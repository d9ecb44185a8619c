//! The layout language's newer constructs through every command: each read
//! by `show`, written back bit for bit by `show -f json | pack`, and typed
//! right by `convert` (issue 11).

use std::path::Path;

use assert_cmd::Command;

fn binmap() -> Command {
    Command::cargo_bin("binmap").expect("binary")
}

/// `show -f json` of `file`, then `pack` of that JSON: the same bytes.
fn round_trip(dir: &Path, layout: &str, file: &Path) -> String {
    let json = binmap().args(["show", &file.display().to_string(), "-l", layout, "-f", "json"]).output().expect("run");
    assert!(json.status.success(), "show: {}", String::from_utf8_lossy(&json.stderr));
    let out = dir.join("packed.bin");
    let packed = binmap()
        .args(["pack", "-l", layout, "-", "-o", &out.display().to_string()])
        .write_stdin(json.stdout.clone())
        .output()
        .expect("run");
    assert!(packed.status.success(), "pack: {}", String::from_utf8_lossy(&packed.stderr));
    assert_eq!(std::fs::read(&out).expect("read"), std::fs::read(file).expect("read"), "{layout}");
    String::from_utf8(json.stdout).expect("utf8")
}

#[test]
fn pcap_in_either_byte_order_is_one_layout() {
    let layout = "magic: u32\nendian magic == 0xa1b2c3d4 ? little : big\n\
                  version_major: u16; version_minor: u16; thiszone: i32; sigfigs: u32; snaplen: u32; network: u32\n\
                  packets: { ts_sec: u32, ts_usec: u32, incl_len: u32, orig_len: u32, data: bytes[incl_len] }[..]";
    let dir = tempfile::tempdir().expect("tmp");
    let mut shown = Vec::new();
    for big in [false, true] {
        let u32b = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let u16b = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut b = u32b(0xa1b2c3d4).to_vec();
        b.extend(u16b(2));
        b.extend(u16b(4));
        for v in [0, 0, 65535, 1, 1_700_000_000, 250, 3, 60] {
            b.extend(u32b(v));
        }
        b.extend(b"abc");
        let file = dir.path().join(if big { "be.pcap" } else { "le.pcap" });
        std::fs::write(&file, &b).expect("write");
        let json = round_trip(dir.path(), layout, &file);
        // The packet's fields, whatever the order they were stored in.
        shown.push(json[json.find("\"packets\"").expect("packets")..].to_string());
    }
    assert_eq!(shown[0], shown[1]);
    assert_eq!(
        shown[0],
        "\"packets\":[{\"ts_sec\":1700000000,\"ts_usec\":250,\"incl_len\":3,\"orig_len\":60,\"data\":\"abc\"}]}\n"
    );
}

#[test]
fn a_chosen_byte_order_reaches_the_npy_type() {
    let dir = tempfile::tempdir().expect("tmp");
    let layout = "order: bytes[2]\norder_code: u16 == 0x4d4d\nendian order_code == 0x4d4d ? big : little\nv: i16[..]";
    let mut b = b"MMMM".to_vec();
    for v in [1i16, -2, 300] {
        b.extend(v.to_be_bytes());
    }
    let file = dir.path().join("mm.bin");
    std::fs::write(&file, &b).expect("write");
    round_trip(dir.path(), layout, &file);
    let npy = dir.path().join("v.npy");
    let r = binmap()
        .args(["convert", &file.display().to_string(), "-l", layout, "v", "-o", &npy.display().to_string()])
        .output()
        .expect("run");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&npy).expect("read");
    assert!(String::from_utf8_lossy(&bytes).contains("'descr': '>i2'"), "{}", String::from_utf8_lossy(&bytes[..80]));
    assert!(bytes.ends_with(&b[4..]));
}

#[test]
fn fortran_records_checked_and_round_tripped() {
    // Fortran unformatted sequential records: a byte count before and after each record.
    let layout = "records: { lead: i32, values: f64[lead / 8], trail: i32 == lead }[..]";
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("fort.bin");
    let mut b = Vec::new();
    for n in [3u32, 1, 2] {
        b.extend((8 * n).to_le_bytes());
        for k in 0..n {
            b.extend((f64::from(k) * 1.5).to_le_bytes());
        }
        b.extend((8 * n).to_le_bytes());
    }
    std::fs::write(&file, &b).expect("write");
    let json = round_trip(dir.path(), layout, &file);
    assert!(json.starts_with(r#"{"records":[{"lead":24,"values":[0.0,1.5,3.0],"trail":24},"#), "{json}");
    // pack fills a field checked against an expression when the input leaves it out.
    let no_trail = json.replace(r#","trail":24"#, "").replace(r#","trail":8"#, "").replace(r#","trail":16"#, "");
    let out = dir.path().join("filled.bin");
    let packed = binmap()
        .args(["pack", "-l", layout, "-", "-o", &out.display().to_string()])
        .write_stdin(no_trail)
        .output()
        .expect("run");
    assert!(packed.status.success(), "{}", String::from_utf8_lossy(&packed.stderr));
    assert_eq!(std::fs::read(&out).expect("read"), b);
    // A record whose markers disagree is named, with both values.
    let mut bad = b.clone();
    bad[28] = 9;
    std::fs::write(&file, &bad).expect("write");
    let shown = binmap().args(["show", &file.display().to_string(), "-l", layout]).output().expect("run");
    assert_eq!(shown.status.code(), Some(1));
    let err = String::from_utf8_lossy(&shown.stderr);
    assert!(err.contains("check failed for trail: expected lead = 24, found 9"), "{err}");
    assert!(err.contains("at offset 0x1c"), "{err}");
}

#[test]
fn info_lists_named_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("m.bin");
    std::fs::write(&file, [2u8, 3, 1, 2, 3, 4, 5, 6]).expect("write");
    let layout = "rows: u8; cols: u8; let n = rows * cols; data: u8[n]";
    let run = |fmt: &str| {
        let o = binmap().args(["info", &file.display().to_string(), "-l", layout, "-f", fmt]).output().expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf8")
    };
    assert!(run("text").ends_with("named values (let: computed, not stored in the file):\n  n = 6  (rows * cols)\n"));
    assert!(run("json").ends_with("\"lets\":[{\"path\":\"n\",\"value\":6,\"expr\":\"rows * cols\"}]}\n"));
    // show never prints them: they are not in the file.
    let o = binmap().args(["show", &file.display().to_string(), "-l", layout, "-f", "json"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim_end(), r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6]}"#);
}

#[test]
fn png_chunks_chosen_by_their_text_type() {
    let layout = "sig: u8[8] == b\"\\x89PNG\\r\\n\\x1a\\n\"\n\
                  chunks: { length: u32be, type: bytes[4],\n\
                  if type == \"IHDR\" { width: u32be, height: u32be, rest: bytes[5] },\n\
                  if type != \"IHDR\" { data: bytes[length] }, crc: u32be }[..]";
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("x.png");
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(13u32.to_be_bytes());
    b.extend(b"IHDR");
    b.extend(3u32.to_be_bytes());
    b.extend(2u32.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
    b.extend(0u32.to_be_bytes());
    b.extend(b"IEND");
    b.extend([0xae, 0x42, 0x60, 0x82]);
    std::fs::write(&file, &b).expect("write");
    let json = round_trip(dir.path(), layout, &file);
    assert!(json.contains(r#""type":"IHDR","width":3,"height":2,"#), "{json}");
    assert!(json.contains(r#"{"length":0,"type":"IEND","data":"","crc":2923585666}"#), "{json}");
}

#[test]
fn tagged_unions_round_trip_and_pack_checks_the_arm() {
    let layout = "type Circle = { r: f32 }\ntype Rect = { w: f32, h: f32 }\n\
                  shapes: { kind: u8, body: match kind { 1 => Circle, 2 | 3 => Rect, _ => void[0] } }[..]";
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("shapes.bin");
    let mut b = vec![1u8];
    b.extend(1.5f32.to_le_bytes());
    b.push(2);
    b.extend(2.0f32.to_le_bytes());
    b.extend(3.0f32.to_le_bytes());
    b.push(7);
    std::fs::write(&file, &b).expect("write");
    let json = round_trip(dir.path(), layout, &file);
    assert_eq!(
        json.trim_end(),
        r#"{"shapes":[{"kind":1,"body":{"r":1.5}},{"kind":2,"body":{"w":2.0,"h":3.0}},{"kind":7,"body":{"hex":""}}]}"#
    );
    // The arm comes from the tag in the input; a body of another arm is an error.
    let wrong = r#"{"shapes":[{"kind":1,"body":{"w":2.0,"h":3.0}}]}"#;
    let out = dir.path().join("wrong.bin");
    let o = binmap()
        .args(["pack", "-l", layout, "-", "-o", &out.display().to_string()])
        .write_stdin(wrong)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("shapes[0].body"), "{err}");
}

#[test]
fn a_table_of_tagged_unions_puts_each_value_under_its_own_column() {
    // Rows whose arms differ: the header is the union of their columns, and a
    // value never lands under another arm's name (PNG chunks, shapefile shapes).
    let layout = "shapes: { kind: u8, body: match kind { 1 => { r: f32 }, 2 => { w: f32, h: f32 } } }[..]";
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("shapes.bin");
    let mut b = vec![1u8];
    b.extend(1.5f32.to_le_bytes());
    b.push(2);
    b.extend(2.0f32.to_le_bytes());
    b.extend(3.0f32.to_le_bytes());
    std::fs::write(&file, &b).expect("write");
    let o = binmap().args(["show", &file.display().to_string(), "-l", layout]).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("utf8");
    let table: Vec<&str> = text.lines().skip(1).map(str::trim_end).collect();
    assert_eq!(
        table,
        ["   kind  body.r  body.w  body.h", "0     1     1.5", "1     2             2.0     3.0"],
        "{text}"
    );
}
