//! Opening files in numpy's modes: `r`, `r+`, `c`, `w+`, and the special
//! files that are refused or read into memory.

use binmap::{Mode, Source};

#[test]
fn read_only_map() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("a.bin");
    std::fs::write(&p, [1u8, 2, 3]).expect("write");
    let mut s = Source::open(&p, Mode::Read).expect("open");
    assert_eq!(s.bytes(), [1, 2, 3]);
    assert!(s.bytes_mut().is_none(), "a read-only map is not writable");
}

#[test]
fn read_write_map_reaches_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("a.bin");
    std::fs::write(&p, [1u8, 2, 3]).expect("write");
    let mut s = Source::open(&p, Mode::ReadWrite).expect("open");
    s.bytes_mut().expect("writable")[1] = 9;
    s.flush().expect("flush");
    drop(s);
    assert_eq!(std::fs::read(&p).expect("read"), [1, 9, 3]);
}

#[test]
fn copy_on_write_map_leaves_the_file_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("a.bin");
    std::fs::write(&p, [1u8, 2, 3]).expect("write");
    let mut s = Source::open(&p, Mode::CopyOnWrite).expect("open");
    s.bytes_mut().expect("writable")[1] = 9;
    assert_eq!(s.bytes(), [1, 9, 3]);
    s.flush().expect("flush");
    drop(s);
    assert_eq!(std::fs::read(&p).expect("read"), [1, 2, 3]);
}

#[test]
fn create_with_a_size() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("new.bin");
    let mut s = Source::create(&p, 4).expect("create");
    s.bytes_mut().expect("writable").copy_from_slice(&[4, 3, 2, 1]);
    s.flush().expect("flush");
    drop(s);
    assert_eq!(std::fs::read(&p).expect("read"), [4, 3, 2, 1]);
    let empty = Source::create(dir.path().join("empty.bin"), 0).expect("create");
    assert!(empty.bytes().is_empty());
}

#[test]
fn empty_files_map_to_no_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("e.bin");
    std::fs::write(&p, []).expect("write");
    assert!(Source::open(&p, Mode::Read).expect("open").bytes().is_empty());
}

#[test]
fn special_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let err = Source::open(dir.path(), Mode::Read).err().expect("a directory is refused");
    assert!(err.to_string().ends_with("is a directory, not a file"), "{err}");
    let err = Source::open("/dev/zero", Mode::Read).err().expect("a device is refused");
    assert!(err.to_string().contains("is not a regular file"), "{err}");
    let err = Source::open(dir.path().join("missing"), Mode::Read).err().expect("missing");
    assert!(err.to_string().contains("No such file or directory"), "{err}");
}
