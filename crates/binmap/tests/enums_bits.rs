//! `enum`, `flags` and `bits`: reading, names in every output, constants
//! in expressions, writing back (pack and set), and the errors. Bit fields
//! are checked against Python's ctypes (tests/data/bits/gen_ctypes.py).

use binmap::encode::Origin;
use binmap::text::json_read::parse_json;
use binmap::{Layout, Map};

mod common;
use common::{err, json};

const DECLS: &str = "enum Color: u8 { red = 1, green = 2, blue = 4 }
flags Perm: u16 { read = 1, write = 2, exec = 4 }
";

fn csv(layout: &str, bytes: &[u8]) -> String {
    let l = Layout::parse(layout).unwrap_or_else(|e| panic!("{layout}: {e}"));
    let map = Map::new(&l, bytes, "t.bin").unwrap_or_else(|e| panic!("{layout}: {e}"));
    let mut out = Vec::new();
    binmap::sink::render(&map, None, None, binmap::sink::Format::Csv, &mut out).expect("csv");
    String::from_utf8(out).expect("utf8")
}

fn pack(layout: &str, doc: &str) -> binmap::Result<Vec<u8>> {
    let l = Layout::parse(layout).unwrap_or_else(|e| panic!("{layout}: {e}"));
    binmap::pack::pack(&l, &parse_json(doc).expect("json input"), Origin::Json)
}

/// `show -f json` then `pack` gives the same bytes.
fn round_trip(layout: &str, bytes: &[u8]) {
    let doc = json(layout, bytes);
    assert_eq!(pack(layout, &doc).unwrap_or_else(|e| panic!("{doc}: {e}")), bytes, "{layout}\n{doc}");
}

#[test]
fn enums_show_names_and_numbers_without_one() {
    let l = format!("{DECLS}a: Color\nb: Color\nc: Color[2]");
    assert_eq!(json(&l, &[2, 7, 4, 1]), r#"{"a":"green","b":7,"c":["blue","red"]}"#);
    assert_eq!(csv(&format!("{DECLS}r: {{ c: Color, n: u8 }}[..]"), &[2, 9, 3, 0]), "c,n\ngreen,9\n3,0\n");
}

#[test]
fn flags_show_set_names_then_unnamed_bits() {
    let l = format!("{DECLS}p: Perm[5]");
    let b = [3, 0, 9, 0, 0, 0, 8, 0, 7, 0];
    assert_eq!(json(&l, &b), r#"{"p":["read|write","read|8",0,8,"read|write|exec"]}"#);
}

#[test]
fn the_base_follows_byte_order_and_sign() {
    let l = "endian big\nenum E: i16 { minus = -2, one = 1 }\na: E\nb: E\nenum F: u16le { x = 0x0102 }\nc: F";
    assert_eq!(json(l, &[0xff, 0xfe, 0, 1, 2, 1]), r#"{"a":"minus","b":"one","c":"x"}"#);
    let chosen = "m: u8\nendian m == 1 ? big : little\nenum E: u16 { x = 1 }\ne: E";
    assert_eq!(json(chosen, &[1, 0, 1]), r#"{"m":1,"e":"x"}"#);
    assert_eq!(json(chosen, &[0, 1, 0]), r#"{"m":0,"e":"x"}"#);
}

#[test]
fn enum_fields_are_integers_in_expressions_and_constants_are_enum_dot_name() {
    let l = format!("{DECLS}c: Color\nif c == Color.blue {{ extra: u8 }}\nn: u8[c]");
    assert_eq!(json(&l, &[4, 9, 1, 2, 3, 4]), r#"{"c":"blue","extra":9,"n":[1,2,3,4]}"#);
    assert_eq!(json(&l, &[1, 5]), r#"{"c":"red","n":[5]}"#);
    let m = format!("{DECLS}c: Color\nbody: match c {{ Color.red => u8, Color.green => u16be, _ => void[0] }}");
    assert_eq!(json(&m, &[2, 1, 0]), r#"{"c":"green","body":256}"#);
    let checked = format!("{DECLS}c: Color == Color.green");
    assert!(err(&checked, &[4]).contains("expected Color.green = 2, found 4"), "{}", err(&checked, &[4]));
    assert_eq!(json(&format!("{DECLS}c: Color in [Color.red, Color.green]"), &[1]), r#"{"c":"red"}"#);
}

#[test]
fn unknown_enum_names_are_errors_with_the_closest_name() {
    let e = err(&format!("{DECLS}c: Color\nif c == Color.gren {{ x: u8 }}"), &[1]);
    assert!(e.contains("enum Color has no name 'gren'; did you mean 'green'?"), "{e}");
    let e = pack(&format!("{DECLS}c: Color"), r#"{"c": "bleu"}"#).unwrap_err().to_string();
    assert!(e.contains("'bleu' is not a name of enum Color (red, green, blue); did you mean 'blue'?"), "{e}");
    assert!(e.contains("at c"), "{e}");
    let e = pack(&format!("{DECLS}p: Perm"), r#"{"p": "read|wirte"}"#).unwrap_err().to_string();
    assert!(e.contains("'wirte' is not a name of flags Perm"), "{e}");
}

#[test]
fn declaration_errors() {
    let e = err("enum E: f32 { a = 1 }\nx: u8", &[0]);
    assert!(e.contains("the base of enum E is an integer type"), "{e}");
    let e = err("enum E: u8 { a = 1, a = 2 }\nx: u8", &[0]);
    assert!(e.contains("'a' is already a name of enum E"), "{e}");
    let e = err("enum E: u8 { a = 300 }\nx: u8", &[0]);
    assert!(e.contains("300 does not fit its base u8 (0 to 255)"), "{e}");
    let e = err("flags F: i8 { a = -1 }\nx: u8", &[0]);
    assert!(e.contains("flags are bits: a value is not negative"), "{e}");
    let e = err("enum u8: u8 { a = 1 }\nx: u8", &[0]);
    assert!(e.contains("'u8' is a built-in type"), "{e}");
}

#[test]
fn packing_takes_names_numbers_and_flag_strings() {
    let l = format!("{DECLS}c: Color\nd: Color\np: Perm[3]");
    let out = pack(&l, r#"{"c": "green", "d": 7, "p": ["read|exec", "read|8", 6]}"#).expect("pack");
    assert_eq!(out, [2, 7, 5, 0, 9, 0, 6, 0]);
    let e = pack(&format!("{DECLS}c: Color"), r#"{"c": 256}"#).unwrap_err().to_string();
    assert!(e.contains("out of range for u8"), "{e}");
    round_trip(&l, &[2, 7, 5, 0, 9, 0, 0, 0]);
}

const HDR: &str = "hdr: bits u16be { version: 3, flags: 5, length: 8 }";

#[test]
fn bits_split_a_big_endian_container_from_the_top() {
    // 0xa512 = 101 00101 00010010
    assert_eq!(json(HDR, &[0xa5, 0x12]), r#"{"hdr":{"version":5,"flags":5,"length":18}}"#);
    // Little-endian: from the bottom. 0x12a5 = 0001_0010_1010_0101: a = 101, b = 10100, c = 0x12.
    let le = "h: bits u16le { a: 3, b: 5, c: 8 }";
    assert_eq!(json(le, &[0xa5, 0x12]), r#"{"h":{"a":5,"b":20,"c":18}}"#);
    // The override: the same container read from the top.
    let msb = "h: bits u16le msb { a: 3, b: 5, c: 8 }";
    assert_eq!(json(msb, &[0x12, 0xa5]), r#"{"h":{"a":5,"b":5,"c":18}}"#);
}

#[test]
fn signed_bool_reserved_and_enum_bit_fields() {
    let l = format!("{DECLS}h: bits u8 msb {{ s: i3, _: 1, on: bool, k: 3 as Color }}");
    // 111 1 1 010: s = -1, on, k = 2 (green)
    assert_eq!(json(&l, &[0b1111_1010]), r#"{"h":{"s":-1,"on":true,"k":"green"}}"#);
    round_trip(&l, &[0b1110_1010]);
}

#[test]
fn bit_fields_are_usable_in_expressions_and_sizes() {
    let l = format!("{HDR}\nif hdr.version == 5 {{ payload: u8[hdr.length - 16] }}");
    assert_eq!(json(&l, &[0xa5, 0x12, 1, 2]), r#"{"hdr":{"version":5,"flags":5,"length":18},"payload":[1,2]}"#);
    assert_eq!(json(&l, &[0x05, 0x12]), r#"{"hdr":{"version":0,"flags":5,"length":18}}"#);
}

#[test]
fn bits_through_named_types_and_arrays_stay_uniform() {
    let l = "type H = bits u8 { lo: 4, hi: 4 }\nh: H[3]";
    assert_eq!(json(l, &[0x21, 0x43, 0x65]), r#"{"h":[{"lo":1,"hi":2},{"lo":3,"hi":4},{"lo":5,"hi":6}]}"#);
    let layout = Layout::parse("r: { a: u8, h: bits u16be { x: 4, y: 12 } }[..]").expect("layout");
    let map = Map::new(&layout, &[0; 30], "t").expect("map");
    let binmap::map::NodeKind::Struct(ms) = &map.root.kind else { panic!() };
    let binmap::map::NodeKind::Array(a) = &ms[0].node.kind else { panic!() };
    assert!(matches!(a.elems, binmap::map::Elems::Uniform { stride: 3, .. }), "{:?}", a.elems);
}

#[test]
fn bit_width_errors() {
    let e = err("h: bits u16 { a: 3, b: 5 }", &[0, 0]);
    assert!(
        e.contains("the bit fields take 8 of the 16 bits of u16: name the rest, or add `_: 8` for reserved bits"),
        "{e}"
    );
    let e = err("h: bits u8 { a: 5, b: 5 }", &[0]);
    assert!(e.contains("the bit fields take 10 bits, more than the 8 bits of u8"), "{e}");
    let e = err("h: bits u8 { a: 9 }", &[0]);
    assert!(e.contains("a 9-bit field is wider than its 8-bit container u8"), "{e}");
    let e = err("h: bits u64 { a: 0, b: 64 }", &[0; 8]);
    assert!(e.contains("a bit field is 1 to 64 bits wide, not 0"), "{e}");
    let e = err("h: bits u64 { a: 65 }", &[0; 8]);
    assert!(e.contains("not 65"), "{e}");
    let e = err("h: bits f32 { a: 32 }", &[0; 4]);
    assert!(e.contains("the container of bits is an integer type"), "{e}");
    let e = err("h: bits u8 { a: 4, a: 4 }", &[0]);
    assert!(e.contains("bit field 'a' is already defined"), "{e}");
    let e = err("h: bits u8 { a: 4 as Nope, b: 4 }", &[0]);
    assert!(e.contains("'Nope' is not an enum or flags declared above"), "{e}");
}

#[test]
fn packing_bits_checks_ranges_and_names_the_field() {
    assert_eq!(pack(HDR, r#"{"hdr": {"version": 5, "flags": 5, "length": 18}}"#).expect("pack"), [0xa5, 0x12]);
    let e = pack(HDR, r#"{"hdr": {"version": 8, "flags": 0, "length": 0}}"#).unwrap_err().to_string();
    assert!(e.contains("8 does not fit a 3-bit field (0 to 7)") && e.contains("at hdr.version"), "{e}");
    let e = pack(HDR, r#"{"hdr": {"version": 1, "flags": 0}}"#).unwrap_err().to_string();
    assert!(e.contains("bit field 'length' is missing"), "{e}");
    let e = pack(HDR, r#"{"hdr": {"version": 1, "flags": 0, "lenght": 0, "length": 1}}"#).unwrap_err().to_string();
    assert!(e.contains("unknown bit field 'lenght'") && e.contains("did you mean 'length'?"), "{e}");
    let signed = "h: bits u8 { a: i4, b: 4 }";
    let e = pack(signed, r#"{"h": {"a": -9, "b": 0}}"#).unwrap_err().to_string();
    assert!(e.contains("-9 does not fit a signed 4-bit field (-8 to 7)"), "{e}");
}

#[test]
fn set_of_one_bit_field_changes_only_its_bits() {
    let layout = Layout::parse(&format!("{DECLS}r: {{ c: Color, {HDR} }}[2]")).expect("layout");
    let mut data = vec![1, 0xff, 0xff, 2, 0x00, 0x00];
    let map = Map::new(&layout, &data, "t").expect("map");
    let edits = binmap::set::plan(&map, &["r.hdr.flags=0".into(), "r[1].c=blue".into()]).expect("plan");
    binmap::set::apply(&mut data, &edits).expect("apply");
    // flags are bits 8..13 of the big-endian u16: the first byte's low 5 bits.
    assert_eq!(data, [1, 0xe0, 0xff, 4, 0x00, 0x00]);
    let map = Map::new(&layout, &data, "t").expect("map");
    let e = binmap::set::plan(&map, &["r[0].hdr.version=9".into()]).unwrap_err().to_string();
    assert!(e.contains("9 does not fit a 3-bit field (0 to 7)"), "{e}");
    let e = binmap::set::plan(&map, &["r[0].c=purple".into()]).unwrap_err().to_string();
    assert!(e.contains("'purple' is not a name of enum Color"), "{e}");
}

#[test]
fn unnamed_values_are_found_for_strict() {
    let layout = Layout::parse(&format!("{DECLS}c: Color\nr: {{ p: Perm }}[2]")).expect("layout");
    let map = Map::new(&layout, &[1, 1, 0, 0x11, 0], "t").expect("map");
    let u = binmap::unnamed::first_unnamed(&map).expect("an unnamed value");
    assert_eq!(u.path, "r[1].p");
    assert_eq!(u.offset, 3);
    assert!(u.to_string().contains("is 17, whose bits 16 have no name in flags Perm"), "{u}");
    let map = Map::new(&layout, &[2, 1, 0, 3, 0], "t").expect("map");
    assert_eq!(binmap::unnamed::first_unnamed(&map), None);
}

#[test]
fn the_layout_printer_writes_declarations_that_parse_back() {
    let text = format!("{DECLS}c: Color\np: Perm[2]\nh: bits u16be msb {{ a: 3 as Color, _: 5, b: i8 }}");
    let l = Layout::parse(&text).expect("layout");
    let printed = binmap::layout::print::to_bml(&l.root);
    assert!(printed.starts_with("enum Color: u8 { red = 1, green = 2, blue = 4 }\nflags Perm: u16 {"), "{printed}");
    let again = Layout::parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
    assert_eq!(again.root, l.root);
}

#[test]
fn bit_fields_agree_with_ctypes() {
    let cases = include_str!("data/bits/ctypes_bits.txt");
    let mut n = 0;
    for line in cases.lines() {
        let mut parts = line.split('\t');
        let (layout, hex, want) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let bytes = binmap::text::escape::from_hex(hex).expect("hex");
        assert_eq!(json(layout, &bytes), format!("{{\"h\":{want}}}"), "{layout} on {hex}");
        round_trip(layout, &bytes);
        n += 1;
    }
    assert_eq!(n, 96);
}

#[test]
fn typed_columns_and_npy_see_an_enums_integers() {
    let layout = Layout::parse(&format!("{DECLS}r: {{ c: Color, v: u8 }}[..]")).expect("layout");
    let map = Map::new(&layout, &[2, 9, 7, 8], "t").expect("map");
    let c: binmap::column::Column<u8> = binmap::column::Column::new(&map, "r.c", None).expect("column");
    assert_eq!(c.to_vec(), [2, 7]);
    let mut npy = Vec::new();
    binmap::convert::write_npy(&map, Some("r.c"), None, &mut npy).expect("npy");
    assert!(String::from_utf8_lossy(&npy).contains("'descr': '|u1'"), "{}", String::from_utf8_lossy(&npy));
    assert!(npy.ends_with(&[2, 7]));
}
