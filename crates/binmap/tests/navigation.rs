//! The constructs that move through a file the way real formats do:
//! repeat-until/while arrays, `within` windows, signature search
//! (`find`/`rfind`) and recursive named types. Each is read from hand-made
//! bytes, shown as JSON, packed back bit for bit, and each error is checked
//! for its message.

use binmap::encode::Origin;
use binmap::text::json_read::parse_json;
use binmap::{Layout, Map};

mod common;
use common::{err, json};

/// The layout's JSON for `bytes`, after checking that it packs back to them.
fn round_trip(layout: &str, bytes: &[u8]) -> String {
    let text = json(layout, bytes);
    let l = Layout::parse(layout).expect("layout");
    let doc = parse_json(&text).expect("json");
    let packed = binmap::pack::pack(&l, &doc, Origin::Json).unwrap_or_else(|e| panic!("{layout}\n{text}\n{e}"));
    assert_eq!(packed, bytes, "{layout}\n{text}");
    text
}

fn pack_err(layout: &str, doc: &str) -> String {
    let l = Layout::parse(layout).expect("layout");
    let doc = parse_json(doc).expect("json");
    binmap::pack::pack(&l, &doc, Origin::Json).expect_err("should fail").to_string()
}

fn pack_ok(layout: &str, doc: &str) -> Vec<u8> {
    let l = Layout::parse(layout).expect("layout");
    let doc = parse_json(doc).expect("json");
    binmap::pack::pack(&l, &doc, Origin::Json).unwrap_or_else(|e| panic!("{layout}\n{doc:?}\n{e}"))
}

// --- repeat until / while ---------------------------------------------------

#[test]
fn until_includes_the_element_that_ends_the_array() {
    // GIF sub-blocks: a size byte, that many bytes, until a size of 0.
    let layout = "blocks: { size: u8, data: bytes[size] }[until _.size == 0]\ntail: u8";
    let bytes = [2, b'a', b'b', 1, b'c', 0, 0x3b];
    assert_eq!(
        round_trip(layout, &bytes),
        r#"{"blocks":[{"size":2,"data":"ab"},{"size":1,"data":"c"},{"size":0,"data":""}],"tail":59}"#
    );
    // A scalar element is `_` itself.
    assert_eq!(round_trip("s: u8[until _ == 0]\nrest: u8[..]", &[104, 105, 0, 7]), r#"{"s":[104,105,0],"rest":[7]}"#);
    // The first element may end it.
    assert_eq!(round_trip("s: u8[until _ == 0]", &[0]), r#"{"s":[0]}"#);
}

#[test]
fn while_leaves_the_failing_element_for_what_follows() {
    // tar-like: entries while the name is not empty, then the zero block.
    let layout = "entries: { name: bytes[2], n: u8 }[while _.name != \"\"]\nend: bytes[3]";
    let bytes = [b'a', b'b', 1, b'c', 0, 2, 0, 0, 0];
    assert_eq!(round_trip(layout, &bytes), r#"{"entries":[{"name":"ab","n":1},{"name":"c","n":2}],"end":""}"#);
    // No element at all.
    assert_eq!(round_trip("v: u16[while _ != 0]\nz: u16", &[0, 0]), r#"{"v":[],"z":0}"#);
}

#[test]
fn repeat_conditions_see_outer_fields_and_nest() {
    let layout = "stop: u8\nv: { k: u8, w: u8[until _ == stop] }[until _.k == 9]";
    let bytes = [5, 1, 2, 5, 9, 5];
    assert_eq!(round_trip(layout, &bytes), r#"{"stop":5,"v":[{"k":1,"w":[2,5]},{"k":9,"w":[5]}]}"#);
}

#[test]
fn a_missing_terminator_is_an_error_at_the_end_of_the_file() {
    let e = err("blocks: { kind: u8 }[until _.kind == 0x3B]", &[1, 2, 3]);
    assert!(
        e.starts_with("no element meets `_.kind == 59` before the end of t.bin at offset 0x3 (3 elements read)"),
        "{e}"
    );
    assert!(e.contains("blocks: { kind: u8 }[until _.kind == 0x3B] at offset 0x0"), "{e}");
    let e = err("v: u8[while _ != 0]", &[1, 2]);
    assert!(e.starts_with("no element fails `_ != 0` to end the array before the end of t.bin"), "{e}");
    // A partial element at the end: the element's own error, and where it was.
    let e = err("v: u16[until _ == 0]", &[1, 0, 2]);
    assert!(e.contains("layout needs 4 bytes but t.bin has 3"), "{e}");
    assert!(e.contains("while reading element 1 of a [until ...] array, at offset 0x2"), "{e}");
}

#[test]
fn empty_elements_never_loop() {
    let e = err("v: { }[until 0]", &[1, 2]);
    assert!(e.contains("is empty (0 bytes) and does not end the array"), "{e}");
    let e = err("v: { e: u8[0] }[while 1]", &[1]);
    assert!(e.contains("is empty (0 bytes)"), "{e}");
    // An empty element that ends the array is fine.
    assert_eq!(json("v: { e: u8[0] }[until 1]\nw: u8", &[4]), r#"{"v":[{"e":[]}],"w":4}"#);
}

#[test]
fn pack_checks_repeat_conditions() {
    let layout = "v: u8[until _ == 0]";
    assert_eq!(pack_ok(layout, r#"{"v": [3, 0]}"#), [3, 0]);
    let e = pack_err(layout, r#"{"v": [3, 4]}"#);
    assert!(e.contains("the last element must meet `_ == 0`"), "{e}");
    assert!(e.contains("at v[1]"), "{e}");
    let e = pack_err(layout, r#"{"v": [0, 4, 0]}"#);
    assert!(e.contains("this element meets `_ == 0`, so reading would end the [until] array here"), "{e}");
    let e = pack_err(layout, r#"{"v": []}"#);
    assert!(e.contains("holds at least the element that ends it"), "{e}");
    let e = pack_err("v: u8[while _ != 0]\nz: u8", r#"{"v": [1, 0], "z": 0}"#);
    assert!(e.contains("this element fails `_ != 0`"), "{e}");
    // What ends a `while` array must follow it: checked when read back.
    let e = pack_err("v: u8[while _ != 0]\nz: u8", r#"{"v": [1], "z": 5}"#);
    assert!(e.contains("do not read back"), "{e}");
}

#[test]
fn repeat_arrays_print_back_as_written() {
    let l = Layout::parse("v: { k: u8 }[until _.k == 0x3B]\nw: u8[while _ != 0]").unwrap();
    let text = binmap::layout::print::to_bml(&l.root);
    assert_eq!(text, "v: { k: u8 }[until _.k == 59]\nw: u8[while _ != 0]\n");
    assert!(Layout::parse(&text).is_ok());
}

// --- within -----------------------------------------------------------------

#[test]
fn within_reads_a_type_inside_a_window() {
    // gzip FEXTRA: subfields to the end of xlen bytes, then the name.
    let layout = "xlen: u16\nsubs: { id: bytes[2], len: u16, data: bytes[len] }[..] within xlen\nname: cstr";
    let bytes = [9, 0, b'A', b'p', 1, 0, 7, b'B', b'q', 0, 0, b'x', 0];
    assert_eq!(
        round_trip(layout, &bytes),
        r#"{"xlen":9,"subs":[{"id":"Ap","len":1,"data":"\u0007"},{"id":"Bq","len":0,"data":""}],"name":"x"}"#
    );
    // RIFF-like chunks: a body chosen by the id, in a window of `size` bytes, padded to 2.
    let layout = "chunks: { id: bytes[4], size: u32, body: match id { \"fmt \" => { ch: u16 }, _ => u8[..] } within size, align 2 }[..]";
    let mut bytes = b"fmt \x02\x00\x00\x00\x01\x00".to_vec();
    bytes.extend_from_slice(b"data\x03\x00\x00\x00abc\x00");
    assert_eq!(
        round_trip(layout, &bytes),
        r#"{"chunks":[{"id":"fmt ","size":2,"body":{"ch":1}},{"id":"data","size":3,"body":[97,98,99]}]}"#
    );
}

#[test]
fn pack_fills_window_sizes_from_the_data() {
    let layout = "size: u8\nbody: { n: u8, v: u16[n] } within size\nend: u8";
    assert_eq!(pack_ok(layout, r#"{"body": {"v": [1, 2]}, "end": 9}"#), [5, 2, 1, 0, 2, 0, 9]);
    // Given, the data must fit it.
    let e = pack_err(layout, r#"{"size": 3, "body": {"v": [1, 2]}, "end": 9}"#);
    assert!(e.contains("the data is 5 bytes, more than its window `within size` = 3"), "{e}");
    // Given larger, the rest of the window is a hole that pack does not invent.
    let e = pack_err(layout, r#"{"size": 7, "body": {"v": [1, 2]}, "end": 9}"#);
    assert!(e.contains("the layout does not describe bytes 0x6..0x8"), "{e}");
    let e = pack_err("size: u8\nbody: u8[..] within size", &format!(r#"{{"body": [{}]}}"#, vec!["1"; 300].join(",")));
    assert!(e.contains("the window's data is 300 bytes, which 'size' (u8) cannot hold"), "{e}");
}

#[test]
fn bytes_left_in_a_window_are_reported_as_undescribed() {
    let layout = "size: u8\nbody: { a: u8 } within size\nend: u8";
    let l = Layout::parse(layout).unwrap();
    let bytes = [3, 1, 0xee, 0xee, 9];
    let map = Map::new(&l, &bytes, "t.bin").unwrap();
    assert_eq!(binmap::coverage::undescribed(&map), vec![(2..4)]);
    assert_eq!(json(layout, &bytes), r#"{"size":3,"body":{"a":1},"end":9}"#);
    // A uniform array in a window: only its elements are described.
    let l = Layout::parse("v: u16[2] within 5\nend: u8").unwrap();
    let map = Map::new(&l, &[1, 0, 2, 0, 0xee, 9], "t.bin").unwrap();
    assert_eq!(binmap::coverage::undescribed(&map), vec![(4..5)]);
}

#[test]
fn window_errors_name_the_window() {
    let e = err("size: u8\nbody: { a: u32 } within size", &[2, 1, 2, 3, 4]);
    assert!(
        e.starts_with("the window of `body: { a: u32 } within size` (2 bytes at offset 0x1) ends at 0x3, but the layout inside it needs bytes up to 0x5"),
        "{e}"
    );
    let e = err("size: u8\nbody: { a: u8 } within size", &[9, 1]);
    assert!(e.starts_with("the window `within size` = 9 bytes at offset 0x1 runs past the end of t.bin at 0x2"), "{e}");
    let e = err("w: u32 within 8", &[0; 8]);
    assert!(e.contains("a 4-byte u32 takes exactly its own bytes, not a window of 8"), "{e}");
    let e = err("size: u8\nbody: { s: cstr } within size\nz: u8", &[2, b'a', b'b', 0]);
    assert!(
        e.contains("no NUL byte before the end of the window of `body: { s: cstr } within size` (at 0x1..0x3)"),
        "{e}"
    );
    // `[until]` ends at the window's end too.
    let e = err("body: u8[until _ == 0] within 2\nz: u8", &[1, 2, 0]);
    assert!(e.contains("no element meets `_ == 0` before the end of the window of"), "{e}");
}

#[test]
fn within_prints_back() {
    let l = Layout::parse("n: u8\nb: u8[..] within n - 1\nc: { a: u8 } within (n == 1 ? 1 : 2)").unwrap();
    let text = binmap::layout::print::to_bml(&l.root);
    assert_eq!(text, "n: u8\nb: u8[..] within n - 1\nc: { a: u8 } within (n == 1 ? 1 : 2)\n");
}

// --- find / rfind ------------------------------------------------------------

/// A ZIP-like file: data, an end record (signature, a comment length and
/// the comment), found from the end whatever the comment's length.
const EOCD: &str =
    "n: u8\ndata: u8[n]\n@ rfind(b\"PK\\x05\\x06\") eocd: { sig: u32be == 0x504b0506, n: u8, comment: bytes[n] }";

#[test]
fn rfind_places_a_field_at_the_last_signature() {
    let mut bytes = vec![1, 2, 3];
    bytes.extend_from_slice(b"PK\x05\x06\x03PK!");
    // The comment holds part of the signature but not all of it.
    let l = "@ rfind(b\"PK\\x05\\x06\") eocd: { sig: u32be, n: u8, comment: bytes[n] }";
    assert_eq!(json(l, &bytes), r#"{"eocd":{"sig":1347093766,"n":3,"comment":"PK!"}}"#);
    // `find` takes the first; the optional start and end bound the search (Python's bytes.find).
    let bytes = b"xxABxxABxx";
    assert_eq!(json("@ find(b\"AB\") a: bytes[2]", bytes), r#"{"a":"AB"}"#);
    assert_eq!(json("@ find(b\"AB\", 3) a: u8[2]", bytes), r#"{"a":[65,66]}"#);
    assert_eq!(json("@ rfind(b\"AB\", 0, 7) + 2 a: bytes[2]", bytes), r#"{"a":"xx"}"#);
}

#[test]
fn a_missing_signature_is_an_error_naming_it() {
    let e = err("@ rfind(b\"PK\\x05\\x06\") eocd: u32", b"PK\x05\x07 no end record");
    assert!(
        e.starts_with("`rfind(\"PK\\x05\\x06\")` found no last occurrence of the signature in bytes 0x0..0x12 (18 bytes) of the file"),
        "{e}"
    );
    let e = err("@ find(b\"AB\", 5) a: u8", b"ABxxxxx");
    assert!(e.contains("found no first occurrence of the signature in bytes 0x5..0x7"), "{e}");
    // Only placements search.
    let e = err("n: u8[find(b\"AB\")]", b"AB");
    assert!(e.contains("find(...) gives a field's position: use it after `@`"), "{e}");
    let e = err("@ find(b\"\") a: u8", b"AB");
    assert!(e.contains("the signature to search for is empty"), "{e}");
}

#[test]
fn pack_writes_searched_fields_in_order_and_checks_them() {
    let bytes = [2, 9, 9, b'P', b'K', 5, 6, 2, b'h', b'i'];
    let text = round_trip(EOCD, &bytes);
    assert_eq!(text, r#"{"n":2,"data":[9,9],"eocd":{"sig":1347093766,"n":2,"comment":"hi"}}"#);
    // A comment that holds the signature: reading back would find it there.
    let e = pack_err(EOCD, r#"{"data": [9], "eocd": {"n": 5, "comment": "PK\u0005\u0006\u0000"}}"#);
    assert!(e.contains("is written at 0x2, but reading the packed bytes back finds it at 0x7"), "{e}");
}

#[test]
fn searches_print_back() {
    let l = Layout::parse("@ rfind(b\"PK\\x05\\x06\", 0, filesize) e: u8").unwrap();
    let text = binmap::layout::print::to_bml(&l.root);
    assert_eq!(text, "@ rfind(\"PK\\x05\\x06\", 0, filesize) e: u8\n");
    assert_eq!(binmap::layout::print::to_bml(&Layout::parse(&text).unwrap().root), text);
}

// --- recursive types ----------------------------------------------------------

/// A tree: kind 1 has two children, any other kind a u16 leaf.
const TREE: &str = "type Node = { kind: u8, body: match kind { 1 => Node[2], _ => u16 } }\nroot: Node";

#[test]
fn a_named_type_may_refer_to_itself() {
    let bytes = [1, 0, 7, 0, 1, 0, 8, 0, 0, 9, 0];
    assert_eq!(
        round_trip(TREE, &bytes),
        r#"{"root":{"kind":1,"body":[{"kind":0,"body":7},{"kind":1,"body":[{"kind":0,"body":8},{"kind":0,"body":9}]}]}}"#
    );
    // Through an `if` and an array of the rest of the file too (a list of lists).
    let layout = "type L = { n: u8, if n > 0 { items: L[n] } }\nv: L[..]";
    assert_eq!(
        round_trip(layout, &[2, 0, 1, 0, 0]),
        r#"{"v":[{"n":2,"items":[{"n":0},{"n":1,"items":[{"n":0}]}]},{"n":0}]}"#
    );
}

#[test]
fn recursion_deeper_than_the_limit_is_an_error() {
    let deep = binmap::map::MAX_NESTING + 5;
    let mut bytes = vec![1u8; deep];
    bytes.extend_from_slice(&[0, 0, 0]);
    let layout = "type Chain = { more: u8, next: match more { 1 => Chain, _ => u16 } }\nc: Chain";
    let e = err(layout, &bytes);
    assert!(e.starts_with(&format!("Chain nests deeper than {} levels at offset", binmap::map::MAX_NESTING)), "{e}");
    // Just under the limit reads, shows and packs back.
    let mut bytes = vec![1u8; binmap::map::MAX_NESTING - 1];
    bytes.extend_from_slice(&[0, 4, 0]);
    let text = round_trip(layout, &bytes);
    assert!(text.contains(r#"{"more":0,"next":4}"#), "{text}");
    // A type that only refers to itself never ends: the same error, not a stack overflow.
    let e = err("type T = { t: T }\nx: T", &[0]);
    assert!(e.contains("T nests deeper than"), "{e}");
}

#[test]
fn recursive_types_print_with_their_definition() {
    let l = Layout::parse(TREE).unwrap();
    let text = binmap::layout::print::to_bml(&l.root);
    assert_eq!(text, "type Node = { kind: u8, body: match kind { 1 => Node[2], _ => u16 } }\nroot: Node\n");
    let again = Layout::parse(&text).unwrap();
    assert_eq!(binmap::layout::print::to_bml(&again.root), text);
    // A type that does not refer to itself is still expanded where it is used.
    let l = Layout::parse("type P = { x: u8 }\np: P").unwrap();
    assert_eq!(binmap::layout::print::to_bml(&l.root), "p: { x: u8 }\n");
}

#[test]
fn a_window_sized_by_filesize_packs() {
    // gzip: the member is everything but the 8-byte trailer.
    let layout = "member: { flags: u8, if flags & 8 != 0 { name: cstr }, deflate: u8[..] } within filesize - 8\ncrc: u32\nisize: u32";
    let mut bytes = vec![8, b'a', 0, 1, 2, 3];
    bytes.extend(7u32.to_le_bytes());
    bytes.extend(3u32.to_le_bytes());
    assert_eq!(round_trip(layout, &bytes), r#"{"member":{"flags":8,"name":"a","deflate":[1,2,3]},"crc":7,"isize":3}"#);
}
