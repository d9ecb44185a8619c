//! A 100 GB file (sparse: it takes no disk) whose header says so: the map is
//! built by arithmetic, and a slice of it shows at once.

use assert_cmd::Command;

#[test]
fn a_slice_of_a_100_gb_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("huge.bin");
    let records: u64 = (100 << 30) / 24;
    {
        let f = std::fs::File::create(&path).expect("create");
        // Header: the record count, then records of 24 bytes.
        f.set_len(8 + records * 24).expect("sparse file");
        use std::os::unix::fs::FileExt;
        f.write_all_at(&records.to_le_bytes(), 0).expect("header");
        f.write_all_at(b"LAST_record\0", 8 + (records - 1) * 24).expect("last record");
    }
    let p = path.display().to_string();
    let layout = "n: u64\nrecords: { name: bytes[12], time: i64, value: f32 }[n]";
    let out = Command::cargo_bin("binmap")
        .expect("bin")
        .args(["show", &p, "-l", layout, "--rows", "-2..", "--format", "csv"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "name,time,value\n,0,0.0\nLAST_record,0,0.0\n");
    let out = Command::cargo_bin("binmap").expect("bin").args(["info", &p, "-l", layout]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("[{records}]")), "{text}");
    assert!(text.contains("107,374,182,392 bytes, the whole file"), "{text}");
}
