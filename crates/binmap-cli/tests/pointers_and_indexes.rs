//! Fields read elsewhere, `name: T @ EXPR` (issue 12, pointers): read at
//! any offset, before their struct too, while the cursor stays; counted as
//! described; shown by every output; written back where they point by
//! `pack`, where overlapping pointers must agree. And earlier elements in
//! expressions: `dims[i]`, `hdrs[k].offset`, `_index`, `_parent`, `_root`.

use std::path::Path;

mod common;
use common::{pack, run};

/// A gettext-like table: a count, then (length, offset) pairs, then the
/// NUL-terminated strings they point at.
fn message_table(strings: &[&[u8]]) -> Vec<u8> {
    let table_end = 4 + 8 * strings.len();
    let (mut heap, mut table) = (Vec::new(), Vec::new());
    for s in strings {
        table.extend((s.len() as u32).to_le_bytes());
        table.extend(((table_end + heap.len()) as u32).to_le_bytes());
        heap.extend_from_slice(s);
        heap.push(0);
    }
    let mut out = (strings.len() as u32).to_le_bytes().to_vec();
    out.extend(table);
    out.extend(heap);
    out
}

const MESSAGES: &str =
    "n: u32; msgs: { length: u32, offset: u32, text: utf8[length] @ offset, _: u8 @ offset + length }[n]";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let f = dir.join(name);
    std::fs::write(&f, bytes).expect("write");
    f.display().to_string()
}

#[test]
fn pointed_fields_are_read_where_they_point_and_the_cursor_stays() {
    let dir = tempfile::tempdir().expect("tmp");
    let bytes = message_table(&[b"hello", b"world!", b"x"]);
    let f = write(dir.path(), "m.mo", &bytes);
    let (code, json, err) = run(&["show", &f, "-l", MESSAGES, "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    // Every byte is described (the strings by the pointers): no note.
    assert_eq!(err, "");
    assert_eq!(
        json.trim_end(),
        r#"{"n":3,"msgs":[{"length":5,"offset":28,"text":"hello"},{"length":6,"offset":34,"text":"world!"},{"length":1,"offset":41,"text":"x"}]}"#
    );
    let (_, csv, _) = run(&["show", &f, "-l", MESSAGES, "msgs", "-f", "csv"]);
    assert_eq!(csv, "length,offset,text\n5,28,hello\n6,34,world!\n1,41,x\n");
    let (_, one, _) = run(&["show", &f, "-l", MESSAGES, "msgs[1].text"]);
    assert_eq!(one.trim_end(), "msgs[1].text: world!");
    // `info` shows where each pointed field is.
    let (_, info, _) = run(&["info", &f, "-l", MESSAGES]);
    assert!(info.contains("    28  0x1c     5  utf8[5]         msgs[0].text\n"), "{info}");
    assert!(info.contains("layout: 43 bytes, the whole file\n"), "{info}");
    // The cursor does not move: `b` follows `a`, whatever `p` points at.
    let (_, json, _) = run(&["show", &f, "-l", "a: u8; p: u16 @ 28; b: u8; _: u8[..]", "-f", "json"]);
    assert_eq!(json.trim_end(), r#"{"a":3,"p":25960,"b":0}"#);
}

#[test]
fn a_pointer_may_point_before_its_struct() {
    // ELF-like: names in a string table, headers after it pointing back.
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "e.bin", &[&[2u8, 9][..], b"ab\0cde\0", &[0u8, 4]].concat());
    let layout = "n: u8; shoff: u8; strtab: bytes[shoff - 2]; @ shoff hdrs: { off: u8, name: cstr @ 2 + off }[n]";
    let (code, json, err) = run(&["show", &f, "-l", layout, "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json.trim_end(),
        r#"{"n":2,"shoff":9,"strtab":"ab\u0000cde\u0000","hdrs":[{"off":0,"name":"ab"},{"off":4,"name":"de"}]}"#
    );
    let (code, out, err) = pack(layout, &json);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, std::fs::read(&f).expect("read"));
}

#[test]
fn pack_writes_pointed_fields_where_they_point() {
    let dir = tempfile::tempdir().expect("tmp");
    let bytes = message_table(&[b"hello", b"world!", b"x"]);
    let f = write(dir.path(), "m.mo", &bytes);
    let (_, json, _) = run(&["show", &f, "-l", MESSAGES, "-f", "json"]);
    let (code, out, err) = pack(MESSAGES, &json);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, bytes);
    // Two pointers at the same bytes are fine when they agree...
    let same = r#"{"n":2,"msgs":[{"length":2,"offset":20,"text":"hi"},{"length":2,"offset":20,"text":"hi"}]}"#;
    let (code, out, err) = pack(MESSAGES, same);
    assert_eq!(code, 0, "{err}");
    assert_eq!(&out[20..], b"hi\0");
    // ...and an error naming both fields and the offset when they do not.
    let differ = r#"{"n":2,"msgs":[{"length":2,"offset":20,"text":"hi"},{"length":2,"offset":20,"text":"ho"}]}"#;
    let (code, out, err) = pack(MESSAGES, differ);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains(
            "offset 0x15 is written twice with different bytes: 0x69 by msgs[0].text, then 0x6f by msgs[1].text"
        ),
        "{err}"
    );
}

#[test]
fn bad_pointers_are_errors_naming_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "p.bin", &[9, 1, 2]);
    let (code, _, err) = run(&["show", &f, "-l", "p: u8; v: u8 @ p; _: u8[..]"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: pointer @ p = 9 is past the end of"), "{err}");
    assert!(err.contains("v: u8 @ p at offset 0x9"), "{err}");
    let (code, _, err) = run(&["show", &f, "-l", "p: u8; v: u16 @ p - 7; _: u8[..]"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: layout needs 4 bytes but"), "{err}");
    let (code, _, err) = run(&["show", &f, "-l", "p: u8; @ 1 v: u8 @ 2; _: u8"]);
    assert_eq!(code, 1);
    assert!(err.contains("not both"), "{err}");
    // A pointer inside array elements makes them read one by one, each
    // checked: a bad pointer in the third element names it.
    let f = write(dir.path(), "q.bin", &[0, 1, 7]);
    let (code, _, err) = run(&["show", &f, "-l", "e: { p: u8, v: u8 @ p }[3]"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: pointer @ p = 7 is past the end of"), "{err}");
}

#[test]
fn set_changes_pointed_bytes_in_place() {
    let dir = tempfile::tempdir().expect("tmp");
    let bytes = message_table(&[b"hello", b"world!"]);
    let f = write(dir.path(), "m.mo", &bytes);
    // `set` changes the pointed bytes in place, keeping every other byte.
    let (code, _, err) = run(&["set", &f, "-l", MESSAGES, "msgs[0].text=HELLO"]);
    assert_eq!(code, 0, "{err}");
    let mut want = bytes.clone();
    want[20..25].copy_from_slice(b"HELLO");
    assert_eq!(std::fs::read(&f).expect("read"), want);
}

#[test]
fn expressions_index_earlier_arrays() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "ix.bin", &[2, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 11, 2]);
    // numpy's reading of an `.idx`-like header: the dimensions, then data of their product.
    let layout = "n: u8; dims: u8[n]; let total = dims[0] * dims[1]; data: u8[total]; \
                  last: u8[dims[-1]]; rest: { i: u8, d: u8 == _index + 1 }[..]";
    let (code, json, err) = run(&["show", &f, "-l", layout, "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json.trim_end(),
        r#"{"n":2,"dims":[2,3],"data":[1,2,3,4,5,6],"last":[7,8,9],"rest":[{"i":10,"d":1},{"i":11,"d":2}]}"#
    );
    let (code, out, err) = pack(layout, &json);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, std::fs::read(&f).expect("read"));
    // `_index` is checked in each element.
    let (code, _, err) = run(&["show", &f, "-l", "_: u8[12]; rest: { i: u8, d: u8 == _index }[2]"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: check failed for d: expected _index = 0, found 1\n"), "{err}");
    // `_parent` and `_root` name the struct around, and the outermost one.
    let (code, json, err) = run(&[
        "show",
        &f,
        "-l",
        "n: u8; s: { a: u8, t: { b: u8[_parent.a] } }, x: u8[_root.n], _: u8[..]",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json.trim_end(), r#"{"n":2,"s":{"a":2,"t":{"b":[3,1]}},"x":[2,3]}"#);
}

#[test]
fn an_element_of_structs_is_found_by_index_then_name() {
    // ELF's way: the header of the string table, found by its index among
    // the section headers, gives where every name is.
    let dir = tempfile::tempdir().expect("tmp");
    // strndx = 1; headers at 2: (kind, offset) x 2; names at 6..
    let f = write(dir.path(), "elf.bin", &[1, 2, 7, 0, 3, 6, b'.', b't', b'x', 0, b'd', 0]);
    let layout = "strndx: u8; shoff: u8\n\
                  @ shoff hdrs: { kind: u8, offset: u8 }[2]\n\
                  names: { name: cstr @ hdrs[strndx].offset + _index * 4 }[2]";
    let (code, json, err) = run(&["show", &f, "-l", layout, "-f", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        json.trim_end(),
        r#"{"strndx":1,"shoff":2,"hdrs":[{"kind":7,"offset":0},{"kind":3,"offset":6}],"names":[{"name":".tx"},{"name":"d"}]}"#
    );
    let (code, out, err) = pack(layout, &json);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, std::fs::read(&f).expect("read"));
}

#[test]
fn bad_indexes_are_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "ix.bin", &[2, 2, 3, 1, 2]);
    let cases = [
        ("n: u8; dims: u8[n]; x: u8[dims[2]]", "error: index 2 is out of range for dims (shape [2])\n"),
        ("n: u8; dims: u8[n]; x: u8[dims[n - 5]]", "error: index n - 5 = -3 is out of range"),
        ("n: u8; dims: u8[n]; x: u8[n[0]]", "error: layout syntax: 'n' is not an array\n"),
        ("n: u8; dims: {a: u8}[n]; x: u8[dims[0].b]", "no field 'b' in the elements of 'dims'; did you mean 'a'?"),
        ("n: u8; dims: u8[1, 1]; x: u8[dims[0]]", "'dims' has 2 dimensions, indexed with 1"),
        ("n: u8; x: u8[_index]", "`_index` is the index of an array element, used outside any array"),
        ("n: u8; x: u8[_parent.n]", "`_parent` is used in the outermost struct, which has none"),
        ("n: u8; s: { a: u8, b: u8[_parent] }", "`_root` and `_parent` name a struct: write a field of it"),
        ("let k = 2; n: u8; x: u8[k[0]]", "'k' is a number (let), not an array"),
    ];
    for (layout, want) in cases {
        let (code, _, err) = run(&["show", &f, "-l", layout]);
        assert_eq!(code, 1, "{layout}");
        assert!(err.contains(want), "{layout}: {err}");
    }
    // Negative indexes count from the end, within the array only.
    let (code, _, err) = run(&["show", &f, "-l", "n: u8; dims: u8[n]; x: u8[dims[-3]]"]);
    assert_eq!(code, 1);
    assert!(err.contains("index -3 is out of range for dims (shape [2])"), "{err}");
}

#[test]
fn set_keeps_a_text_sized_by_the_file_at_its_size() {
    // `set` cannot resize: a shorter text for `info: utf8[M]` is refused and
    // the file is left as it was, never padded with invented NULs.
    let dir = tempfile::tempdir().expect("tmp");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/");
    let original = std::fs::read(format!("{root}flight_path.b")).expect("read");
    let f = write(dir.path(), "fp.b", &original);
    let layout = format!("{root}flight_path.bml");
    let (code, _, err) = run(&["set", &f, "-l", &layout, "info=short"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: the text has 5 bytes but its size, read from the data, is 105\n"), "{err}");
    assert_eq!(std::fs::read(&f).expect("read"), original);
}
