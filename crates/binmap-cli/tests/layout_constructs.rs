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
