//! Every construct of the layout language (SPEC §2), each resolved against
//! hand-made bytes and shown as JSON.

use binmap::{Layout, Map};

mod common;
use common::{err, json};

#[test]
fn integers_of_every_width_and_byte_order() {
    let b = [0xff, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04];
    assert_eq!(json("a: i8; b: u16; c: u16be; d: i32be", &b), r#"{"a":-1,"b":513,"c":258,"d":16909060}"#);
    assert_eq!(json("a: u8, b: i16le, c: u16le, d: u32le", &b), r#"{"a":255,"b":513,"c":513,"d":67305985}"#);
    let b = [0xff; 16];
    assert_eq!(json("a: i64\nb: u64", &b), r#"{"a":-1,"b":18446744073709551615}"#);
}

#[test]
fn endian_lines_apply_to_what_follows_and_nest() {
    let b = [0, 1, 0, 1, 1, 0];
    assert_eq!(json("endian big\na: u16\ns: { b: u16 }\nendian little\nc: u16", &b), r#"{"a":1,"s":{"b":1},"c":1}"#);
    let native = if cfg!(target_endian = "little") { 256 } else { 1 };
    assert_eq!(json("endian native\na: u16", &[0, 1]), format!("{{\"a\":{native}}}"));
}

#[test]
fn floats_at_their_own_precision() {
    let mut b = Vec::new();
    b.extend_from_slice(&6.2f32.to_le_bytes());
    b.extend_from_slice(&0.1f64.to_be_bytes());
    b.extend_from_slice(&half::f16::from_f64(0.1).to_le_bytes());
    b.extend_from_slice(&half::bf16::from_f64(1.5).to_be_bytes());
    b.extend_from_slice(&(-0.0f64).to_le_bytes());
    b.extend_from_slice(&1e16f64.to_le_bytes());
    assert_eq!(
        json("a: f32\nb: f64be\nc: f16\nd: bf16be\ne: f64\nf: f64", &b),
        r#"{"a":6.2,"b":0.1,"c":0.1,"d":1.5,"e":-0.0,"f":1e+16}"#
    );
}

#[test]
fn nan_and_infinity_in_json() {
    let mut b = Vec::new();
    b.extend_from_slice(&f64::NAN.to_le_bytes());
    b.extend_from_slice(&f64::INFINITY.to_le_bytes());
    b.extend_from_slice(&f64::NEG_INFINITY.to_le_bytes());
    b.extend_from_slice(&f64::from_bits(0xfff8_0000_0000_0000).to_le_bytes());
    b.extend_from_slice(&f32::from_bits(0x7f80_0001).to_le_bytes());
    assert_eq!(
        json("v: f64[4]\nw: f32", &b),
        r#"{"v":[NaN,Infinity,-Infinity,{"nan":"0xfff8000000000000"}],"w":{"nan":"0x7f800001"}}"#
    );
}

#[test]
fn bool_char_bytes_utf8_cstr() {
    let b = b"\x01Aab\0\0h\xc3\xa9\0hi\0\xff\0";
    assert_eq!(
        json("t: bool\nc: char\nb: bytes[4]\nu: utf8[3]\n_: u8\nz: cstr\nx: bytes[2]", b),
        r#"{"t":true,"c":"A","b":"ab","u":"hé","z":"hi","x":{"hex":"ff"}}"#
    );
}

#[test]
fn named_and_inline_structs() {
    let b = [1, 2, 3, 4];
    assert_eq!(
        json("type P = { x: u8, y: u8 }\na: P\nb: { p: P }", &b),
        r#"{"a":{"x":1,"y":2},"b":{"p":{"x":3,"y":4}}}"#
    );
}

#[test]
fn multi_dimensional_arrays_with_expressions() {
    let b = [2, 3, 0, 1, 2, 3, 4, 5, 9];
    assert_eq!(
        json("r: u8\nc: u8\nm: u8[r, c]\nlast: u8[(r * c) % 5 - 0x0]", &b),
        r#"{"r":2,"c":3,"m":[[0,1,2],[3,4,5]],"last":[9]}"#
    );
    assert_eq!(
        json("m: u8[2, 0b10]\nk: u8[sizeof({a: u16, b: u8}) - 3]", &[1, 2, 3, 4]),
        r#"{"m":[[1,2],[3,4]],"k":[]}"#
    );
}

#[test]
fn dotted_paths_in_expressions() {
    let b = [1, 2, 7, 8, 9, 10];
    assert_eq!(
        json("header: { rows: u8, cols: u8 }\ndata: u8[header.rows, header.cols * 2]", &b),
        r#"{"header":{"rows":1,"cols":2},"data":[[7,8,9,10]]}"#
    );
}

#[test]
fn records_to_the_end_of_the_file() {
    let b = [1, 0, 2, 0, 3, 0];
    assert_eq!(json("r: u16[..]", &b), r#"{"r":[1,2,3]}"#);
    assert_eq!(json("n: u8\nr: { a: u8 }[..]", &[5, 1, 2]), r#"{"n":5,"r":[{"a":1},{"a":2}]}"#);
}

#[test]
fn placement_filesize_and_footers() {
    let b = [1, 2, 3, 4, 5, 6, 7, 8];
    assert_eq!(json("a: u8\n@ filesize - 2 footer: u8[2]", &b), r#"{"a":1,"footer":[7,8]}"#);
    assert_eq!(json("@ 4 x: u8\ny: u8", &b), r#"{"x":5,"y":6}"#);
    assert_eq!(json("n: u8[filesize / 4]", &b), r#"{"n":[1,2]}"#);
}

#[test]
fn align_and_padding() {
    let b = [1, 0, 0, 0, 2, 0, 0, 0, 3];
    assert_eq!(json("a: u8\nalign 4\nb: u8\n_: u8[3]\nc: u8", &b), r#"{"a":1,"b":2,"c":3}"#);
    // align counts from the start of the enclosing struct.
    let b = [9, 1, 0, 2];
    assert_eq!(json("x: u8\ns: { a: u8, align 2, b: u8 }", &b), r#"{"x":9,"s":{"a":1,"b":2}}"#);
}

#[test]
fn checks_pass_silently() {
    assert_eq!(
        json(
            "m: bytes[4] == \"RIFF\"\nv: u16 == 0x0102\nf: f32 == 1.5\nb: bool == true",
            &[b'R', b'I', b'F', b'F', 2, 1, 0, 0, 0xc0, 0x3f, 1]
        ),
        r#"{"m":"RIFF","v":258,"f":1.5,"b":true}"#
    );
}

#[test]
fn if_blocks() {
    assert_eq!(json("has: u8\nif has { x: u8 }\ny: u8", &[1, 5, 6]), r#"{"has":1,"x":5,"y":6}"#);
    assert_eq!(json("has: u8\nif has { x: u8 }\ny: u8", &[0, 6]), r#"{"has":0,"y":6}"#);
    assert_eq!(json("v: u8\nif v >= 2 && !(v == 3) || v < 0 { x: u8 }", &[2, 7]), r#"{"v":2,"x":7}"#);
}

#[test]
fn variable_size_elements() {
    let b = [2, 1, b'a', 3, b'x', b'y', b'z'];
    assert_eq!(
        json("n: u8\nitems: { len: u8, text: utf8[len] }[n]", &b),
        r#"{"n":2,"items":[{"len":1,"text":"a"},{"len":3,"text":"xyz"}]}"#
    );
    assert_eq!(json("type S = cstr\ns: S[2]", b"ab\0c\0"), r#"{"s":["ab","c"]}"#);
    // `cstr[N]` is one field of N bytes: the text up to the first NUL.
    assert_eq!(json("s: cstr[5], t: cstr[2]", b"ab\0c\0xy"), r#"{"s":"ab","t":"xy"}"#);
}

#[test]
fn comments_and_separators() {
    let b = [1, 2, 3];
    assert_eq!(json("# header\na: u8 # first\n\nb: u8; c: u8,", &b), r#"{"a":1,"b":2,"c":3}"#);
    assert_eq!(json("s: {\n  a: u8\n  b: u8\n}\n", &b[..2]), r#"{"s":{"a":1,"b":2}}"#);
    assert_eq!(json("m: u8[\n  1,\n  2\n]", &b[..2]), r#"{"m":[[1,2]]}"#);
}

#[test]
fn keywords_can_be_field_names() {
    assert_eq!(
        json("type: u8\nalign: u8\nendian: u8\nif: u8", &[1, 2, 3, 4]),
        r#"{"type":1,"align":2,"endian":3,"if":4}"#
    );
}

#[test]
fn uniform_arrays_do_not_grow_with_the_count() {
    // 2^40 elements of 0 bytes would be refused; 2^20 records of 8 bytes
    // each are located by arithmetic, and the map is the same small tree.
    let layout = Layout::parse("r: { a: u32, b: f32 }[..]").expect("parse");
    let data = vec![0u8; 8 << 20];
    let map = Map::new(&layout, &data, "big").expect("map");
    let binmap::map::NodeKind::Struct(ms) = &map.root.kind else { panic!() };
    let binmap::map::NodeKind::Array(a) = &ms[0].node.kind else { panic!() };
    assert_eq!(a.count, 1 << 20);
    assert!(matches!(a.elems, binmap::map::Elems::Uniform { stride: 8, .. }));
}

#[test]
fn parse_errors() {
    assert!(err("a: u8[1][2]", &[]).contains("write several dimensions as T[a, b], not T[a][b]"));
    assert!(err("type u8 = u16", &[]).contains("'u8' is a built-in type and cannot be redefined"));
    assert!(err("endian middle", &[]).contains("expected 'little', 'big' or 'native'"));
    assert!(err("align 0", &[]).contains("alignment must be between 1 and 2^32"));
    assert!(err("a: u8[1.5]", &[]).contains("expressions are integers"));
    assert!(err("a: u8[sizeof(cstr)]", &[]).contains("sizeof needs a type whose size does not depend on the data"));
    assert!(err("a: u8 $", &[]).contains("unexpected character '$'"));
    assert!(
        err("a: u8[b]\nb: u8", &[0, 0]).contains("unknown field 'b' (fields can only refer to fields before them)")
    );
    assert!(err("a: u8\nb: u8[1 / (a - a)]", &[1]).contains("division by zero in `1 / (a - a)`"));
    let deep = format!("a: {}u8{}", "{ x: ".repeat(300), " }".repeat(300));
    assert!(err(&deep, &[]).contains("nests deeper than"));
}

#[test]
fn complex_ucs4_and_void() {
    let mut b = Vec::new();
    b.extend_from_slice(&1.0f32.to_le_bytes());
    b.extend_from_slice(&2.0f32.to_le_bytes());
    b.extend_from_slice(&0.0f64.to_be_bytes());
    b.extend_from_slice(&(-1.5f64).to_be_bytes());
    for c in "hé€".chars() {
        b.extend_from_slice(&u32::from(c).to_le_bytes());
    }
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[1, 0, 0]);
    assert_eq!(
        json("z: c64\nw: c128be\ns: ucs4[5]\nv: void[3]", &b),
        r#"{"z":{"real":1.0,"imag":2.0},"w":{"real":0.0,"imag":-1.5},"s":"hé€","v":{"hex":"010000"}}"#
    );
}

#[test]
fn fortran_order_arrays() {
    // Column-major bytes 0..6 of a logical 2 x 3 array.
    assert_eq!(json("m: u8[2, 3; fortran]", &[0, 1, 2, 3, 4, 5]), r#"{"m":[[0,2,4],[1,3,5]]}"#);
    let l = Layout::parse("m: u8[2, 3; fortran]").expect("parse");
    let doc = binmap::text::json_read::parse_json(r#"{"m":[[0,2,4],[1,3,5]]}"#).expect("json");
    assert_eq!(binmap::pack::pack(&l, &doc, binmap::encode::Origin::Json).expect("pack"), [0, 1, 2, 3, 4, 5]);
    // Elements read one by one (a match type, as NIfTI's voxels) are in the same logical order.
    let l = "t: u8; m: match t { 1 => u8, _ => u16 }[2, 3; fortran]";
    assert_eq!(json(l, &[1, 0, 1, 2, 3, 4, 5]), r#"{"t":1,"m":[[0,2,4],[1,3,5]]}"#);
    let doc = binmap::text::json_read::parse_json(r#"{"t":1,"m":[[0,2,4],[1,3,5]]}"#).expect("json");
    let packed =
        binmap::pack::pack(&Layout::parse(l).expect("parse"), &doc, binmap::encode::Origin::Json).expect("pack");
    assert_eq!(packed, [1, 0, 1, 2, 3, 4, 5]);
}

#[test]
fn printed_layouts_parse_back_to_the_same_types() {
    for text in [
        "n: u32be\nv: { x: f32, _: bytes[4] }[n]\n",
        "endian big\na: i16\nb: { c: c128, d: ucs4[3] }\n",
        "magic: bytes[4] == \"RI\\\"F\"\nk: u8\nif k == 1 { a: u8, b: f16 }\nalign 8\n@ filesize - 4 t: f32\nm: f64[2, 3; fortran]\nr: cstr[..]\n",
        "type S = cstr\nn: u8\nnames: S[n]\ntag: cstr[8]\nx: i24be\ny: ibm32\nz: ascii_oct[12]\nt: ebcdic[4]\nu: utf16be[3]\n",
        "t: datetime64[ns]\nd: >m8[s]\nw: M8[W]\nx: longdouble\ny: longdoublebe\nz: f80be\nv: { a: <M8[as], b: <g }[2]\n",
    ] {
        let first = Layout::parse(text).expect("parse");
        let printed = binmap::layout::print::to_bml(&first.root);
        let second = Layout::parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(binmap::layout::print::to_bml(&second.root), printed);
        assert_eq!(strip_spans(&first.root), strip_spans(&second.root), "{printed}");
    }
}

/// The parsed types, without source positions, for comparison.
fn strip_spans(st: &binmap::layout::StructType) -> String {
    let debug = format!("{st:?}");
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once('}').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

#[test]
fn bitwise_operators_shifts_and_conditionals() {
    // gzip's FLG byte taken apart with & and a conditional size.
    let b = [0b0000_0100, 2, 0, b'x', b'y', 9];
    assert_eq!(
        json("flg: u8; if flg & 4 != 0 { xlen: u16; extra: bytes[xlen] }; v: u8", &b),
        r#"{"flg":4,"xlen":2,"extra":"xy","v":9}"#
    );
    assert_eq!(
        json("flg: u8; n: u8; v: u8[flg & 4 ? n : 0]; rest: u8[..]", &b),
        r#"{"flg":4,"n":2,"v":[0,120],"rest":[121,9]}"#
    );
    // Precedence: shifts below + and -, & ^ | below shifts, comparisons below those (as in Python and Rust).
    let one = [7u8];
    assert_eq!(json("a: u8; b: u8[1 << 2 - 1]", &[1, 0, 0]), r#"{"a":1,"b":[0,0]}"#);
    assert_eq!(json("a: u8; b: u8[(a | 8 ^ 12) >> 2]", &[1, 0, 0, 0]), r#"{"a":1,"b":[0]}"#);
    assert_eq!(json("a: u8; b: u8[~a & 3]", &[0b101, 0, 0]), r#"{"a":5,"b":[0,0]}"#);
    assert_eq!(json("a: u8; b: u8[a == 7 ? 0 : a == 6 ? 1 : 2]", &one), r#"{"a":7,"b":[]}"#);
    // Shifts are checked: a count past 63 or a result that overflows is an error.
    assert!(
        err("a: u8; b: u8[a << 64]", &one).contains("shift count out of range (0 to 63) in `a << 64` with 7 << 64")
    );
    assert!(err("a: u8; b: u8[a >> -1]", &one).contains("shift count out of range"));
    assert!(err("a: u8; b: u8[(a << 63) << 63]", &one).contains("overflow"));
}

#[test]
fn byte_order_chosen_per_file() {
    // pcap: the magic number, read little-endian, tells the byte order of the rest.
    let layout = "magic: u32\nendian magic == 0xa1b2c3d4 ? little : big\nmajor: u16; minor: u16\nts: { sec: u32, usec: u32 }[..]";
    let mut le = 0xa1b2c3d4u32.to_le_bytes().to_vec();
    le.extend([2, 0, 4, 0, 7, 0, 0, 0, 9, 0, 0, 0]);
    let mut be = 0xa1b2c3d4u32.to_be_bytes().to_vec();
    be.extend([0, 2, 0, 4, 0, 0, 0, 7, 0, 0, 0, 9]);
    assert_eq!(json(layout, &le), r#"{"magic":2712847316,"major":2,"minor":4,"ts":[{"sec":7,"usec":9}]}"#);
    assert_eq!(json(layout, &be), r#"{"magic":3569595041,"major":2,"minor":4,"ts":[{"sec":7,"usec":9}]}"#);
    // Scalars with their own order keep it; an `endian` line inside a struct is scoped to it.
    let layout = "o: u8; endian o == 1 ? big : little; a: u16; b: u16le; s: { endian little; c: u16 }; d: u16";
    assert_eq!(json(layout, &[1, 0, 5, 5, 0, 6, 0, 0, 7]), r#"{"o":1,"a":5,"b":5,"s":{"c":6},"d":7}"#);
    assert_eq!(json(layout, &[0, 5, 0, 5, 0, 6, 0, 7, 0]), r#"{"o":0,"a":5,"b":5,"s":{"c":6},"d":7}"#);
    // The order may depend on each element's own field (a walked array).
    let layout = "recs: { o: u8, endian o ? big : little, v: u16 }[2]";
    assert_eq!(json(layout, &[1, 0, 1, 0, 1, 0]), r#"{"recs":[{"o":1,"v":1},{"o":0,"v":1}]}"#);
    assert!(err("endian 1 ? little : middle; a: u16", &[0, 0]).contains("expected 'little', 'big' or 'native'"));
    assert!(err("o: u8; endian o ? little : big; w: ucs4[1]", &[0; 5]).contains("write ucs4le or ucs4be"));
    // A field in the chosen order takes a literal check like any scalar (pcap's `version_major: u16 == 2`).
    let layout = "o: u8; endian o ? big : little; v: u16 == 2; w: i16 in [-1, 3]";
    assert_eq!(json(layout, &[1, 0, 2, 0xff, 0xff]), r#"{"o":1,"v":2,"w":-1}"#);
    assert_eq!(json(layout, &[0, 2, 0, 3, 0]), r#"{"o":0,"v":2,"w":3}"#);
    assert!(err(layout, &[1, 2, 0, 0, 3]).contains("expected 2, found 512"), "{}", err(layout, &[1, 2, 0, 0, 3]));
    assert!(err("o: u8; endian o ? big : little; v: u16 == 70000", &[0; 3]).contains("cannot be checked"));
}

#[test]
fn named_values_with_let() {
    // A named value is used below like a field, and never shown.
    let layout = "rows: u8; cols: u8; let n = rows * cols; data: u8[n]; let half = n / 2; rest: u8[half - 2]";
    assert_eq!(json(layout, &[2, 3, 1, 2, 3, 4, 5, 6, 9]), r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6],"rest":[9]}"#);
    // Inside array elements, each element has its own value (the array is walked).
    let layout = "recs: { n: u8, let m = n * 2, v: u8[m] }[2]";
    assert_eq!(json(layout, &[1, 7, 8, 0]), r#"{"recs":[{"n":1,"v":[7,8]},{"n":0,"v":[]}]}"#);
    // Lets outside arrays are listed by the map (info shows them).
    let l = Layout::parse("h: { a: u8, let twice = a * 2 }; let total = h.a + 1; v: u8[total]").expect("parse");
    let map = Map::new(&l, &[1, 5, 6], "t.bin").expect("map");
    let lets: Vec<(String, i128, String)> =
        map.lets.iter().map(|v| (v.path.clone(), v.value, v.expr.clone())).collect();
    assert_eq!(lets, [("h.twice".into(), 2, "a * 2".into()), ("total".into(), 2, "h.a + 1".into())]);
    assert!(err("a: u8; let a = 1", &[0]).contains("field 'a' is already defined"));
    assert!(err("let n = 1 / 0; a: u8", &[0]).contains("division by zero"));
    assert!(err("let n = 3; a: u8[n.x]", &[0]).contains("'n' is a number (let), it has no fields"));
}

#[test]
fn text_and_byte_comparisons() {
    // PNG-like chunks: the type compared as text, the signature as bytes.
    let layout = "sig: u8[4]; chunks: { len: u8, type: bytes[4], if type == \"IHDR\" { w: u8 }, \
                  if type != \"IHDR\" { data: bytes[len] } }[..]";
    let b = b"\x89PNG\x01IHDR\x07\x02tEXtab";
    assert_eq!(
        json(layout, b),
        r#"{"sig":[137,80,78,71],"chunks":[{"len":1,"type":"IHDR","w":7},{"len":2,"type":"tEXt","data":"ab"}]}"#
    );
    assert_eq!(
        json("sig: u8[4]; ok: u8[sig == b\"\\x89PNG\" ? 1 : 0]", b"\x89PNG\x05"),
        r#"{"sig":[137,80,78,71],"ok":[5]}"#
    );
    // A fixed-size text's trailing NULs are padding, as in numpy's S type; a cstr ends at its NUL.
    assert_eq!(json("t: bytes[4]; v: u8[t == \"ab\"]", b"ab\0\0\x01"), r#"{"t":"ab","v":[1]}"#);
    assert_eq!(json("t: cstr; v: u8[t in [\"x\", \"ab\"]]", b"ab\0\x01"), r#"{"t":"ab","v":[1]}"#);
    assert_eq!(json("c: char; v: u8[c == \"A\" && c == 65]", b"A\x01"), r#"{"c":"A","v":[1]}"#);
    assert_eq!(json("t: ucs4[2]; v: u8[t == \"h\\xc3\\xa9\"]", b"h\0\0\0\xe9\0\0\0\x01"), r#"{"t":"hé","v":[1]}"#);
    assert!(err("t: bytes[4]; v: u8[t]", b"abcd").contains("'t' is text, not a number"));
    assert!(err("t: bytes[4]; v: u8[t == 1]", b"abcd").contains("cannot compare the number 1 with the text \"abcd\""));
    assert!(err("v: u8[\"ab\" + 1]", b"abcd").contains("\"ab\" is text, not a number"));
}

#[test]
fn checks_against_expressions_and_sets() {
    // Fortran unformatted records: the trailing marker equals the leading one.
    let layout = "recs: { lead: i32, v: u8[lead], trail: i32 == lead }[..]";
    let good = [2, 0, 0, 0, 7, 8, 2, 0, 0, 0];
    assert_eq!(json(layout, &good), r#"{"recs":[{"lead":2,"v":[7,8],"trail":2}]}"#);
    let mut bad = good;
    bad[6] = 3;
    let e = err(layout, &bad);
    assert!(e.contains("check failed for trail: expected lead = 2, found 3"), "{e}");
    assert!(e.contains("trail: i32 == lead at offset 0x6"), "{e}");
    // Sets and ranges (hi excluded); the found value in the base the layout used.
    assert_eq!(json("version: u8 in [1, 2]; kind: u8 in 0..8", &[2, 7]), r#"{"version":2,"kind":7}"#);
    assert!(err("version: u8 in [1, 2]", &[3]).contains("check failed for version: expected one of [1, 2], found 3"));
    assert!(err("kind: u8 in 0..8", &[8]).contains("expected one of 0..8, found 8"));
    assert!(err("m: u16 in [0xFEFF, 0xFFFE]", &[1, 2]).contains("expected one of [0xFEFF, 0xFFFE], found 0x0201"));
    assert!(err("n: u8; m: u16 == n * 0x100", &[1, 1, 0]).contains("expected n * 256 = 0x100, found 0x001"));
    assert_eq!(json("t: bytes[4] in [\"fmt \", \"data\"]", b"data"), r#"{"t":"data"}"#);
    assert!(
        err("t: bytes[4] in [\"fmt \", \"data\"]", b"LIST")
            .contains("expected one of [\"fmt \", \"data\"], found \"LIST\"")
    );
    // Checks on uniform arrays are verified for every element.
    assert!(err("v: { a: u8, b: u8 in 0..2 }[3]", &[0, 0, 0, 1, 0, 5]).contains("found 5"));
    assert!(err("x: f64 == 1 + 1", &[0; 8]).contains("cannot be checked against an expression"));
    assert!(err("x: u8 in []", &[0]).contains("an empty set matches nothing"));
}

#[test]
fn expressions_print_with_the_parentheses_they_need() {
    for text in
        ["(a + b) * c", "a - (b - c)", "a - b - c", "(a ? b : c) ? d : e", "-(a + b)", "(a == b) in [1]", "a & 4 != 0"]
    {
        let l = Layout::parse(&format!("a: u8; b: u8; c: u8; d: u8; e: u8; v: u8[{text}]")).expect("parse");
        let binmap::layout::Item::Field(f) = &l.root.items[5] else { panic!("field") };
        let binmap::layout::Type::Array { dims: binmap::layout::Dims::Fixed(d), .. } = &f.ty else { panic!("array") };
        assert_eq!(d[0].describe(), text);
    }
}

#[test]
fn match_chooses_a_type_by_its_tag() {
    let layout = "type Circle = { r: u8 }\ntype Rect = { w: u8, h: u8 }\n\
                  shapes: { kind: u8, body: match kind { 1 => Circle, 2 | 3 => Rect, 10..20 => u16be, _ => void[0] } }[..]";
    assert_eq!(
        json(layout, &[1, 5, 3, 2, 4, 12, 1, 0, 9]),
        r#"{"shapes":[{"kind":1,"body":{"r":5}},{"kind":3,"body":{"w":2,"h":4}},{"kind":12,"body":256},{"kind":9,"body":{"hex":""}}]}"#
    );
    // Text tags, and arms separated by new lines.
    let layout =
        "chunks: { type: bytes[4], len: u8, body: match type {\n\"IHDR\" => { w: u8 }\n_ => bytes[len]\n} }[..]";
    assert_eq!(
        json(layout, b"IHDR\x01\x07tEXt\x02ab"),
        r#"{"chunks":[{"type":"IHDR","len":1,"body":{"w":7}},{"type":"tEXt","len":2,"body":"ab"}]}"#
    );
    let e = err("k: u8; v: match k { 1 => u8, 2 => u16 }", &[7, 0]);
    assert!(e.contains("no arm of `match k` for 7, and no `_` arm"), "{e}");
    assert!(e.contains("v: match k { 1 => u8, 2 => u16 } at offset 0x1 with k = 7"), "{e}");
    assert!(err("k: u8; v: match k { _ => u8, 1 => u16 }", &[0, 0]).contains("the `_` arm of a match comes last"));
    assert!(err("k: u8; v: match k { }", &[0, 0]).contains("a match needs at least one arm"));
    // A field may still be called match.
    assert_eq!(json("match: u8; v: u8[match]", &[1, 2]), r#"{"match":1,"v":[2]}"#);
}

#[test]
fn numpy_spellings_as_pasted_from_a_script() {
    // numpy's type names with numpy's sizes: int64 is 8 bytes (binmap's own i8 is 1 byte).
    let b: Vec<u8> = [6i32.to_le_bytes(), 5i32.to_le_bytes()].concat();
    assert_eq!(json("rows: int32; cols: np.int32", &b), r#"{"rows":6,"cols":5}"#);
    assert_eq!(json("v: numpy.int64", &[1, 0, 0, 0, 0, 0, 0, 0]), r#"{"v":1}"#);
    assert_eq!(json("v: double; w: int_", &[0; 16]), r#"{"v":0.0,"w":0}"#);
    // The tutorial's dtype code, unquoted, with type objects.
    let t = "records: dtype([('name','S12'), ('time', np.int64), ('value', np.float32)])[..]";
    let mut rec = b"MSFT_profit\0".to_vec();
    rec.extend(10i64.to_le_bytes());
    rec.extend(6.5f32.to_le_bytes());
    assert_eq!(json(t, &rec), r#"{"records":[{"name":"MSFT_profit","time":10,"value":6.5}]}"#);
    assert_eq!(json(&t.replace("dtype(", "np.dtype("), &rec), json(t, &rec));
    // A lone dtype is read as np.fromfile reads it: an array to the end of the file.
    assert_eq!(json("dtype([('rows', int32), ('cols', int32)])", &b), r#"{"records":[{"rows":6,"cols":5}]}"#);
    assert_eq!(json("<i4", &b), r#"{"data":[6,5]}"#);
    assert_eq!(json("int32", &b), r#"{"data":[6,5]}"#);
    assert!(err("v: np.int33", &[0]).contains("'np.int33' is not a numpy type binmap knows"));
    assert!(err("records: dtype([('a', int32)", &[0]).contains("has no matching ')'"));
}

#[test]
fn name_errors_say_what_was_meant() {
    assert!(err("rows: int33", &[0; 4]).contains("unknown type 'int33'; did you mean 'int32'?"));
    assert!(err("x: u23be", &[0; 4]).contains("unknown type 'u23be'; did you mean 'u32be'?"));
    assert!(err("type Point = { x: u8 }; p: Pint", &[0]).contains("did you mean 'Point'?"));
    assert!(err("endian: little; a: u8", &[0]).contains("the byte order is set with `endian little` (no ':')"));
    let e = err("rows: u8; cols: u8; data: u8[rows, colz]", &[1, 1, 0]);
    assert!(
        e.contains("unknown field 'colz' (fields can only refer to fields before them); did you mean 'cols'?"),
        "{e}"
    );
    assert!(err("Value: u8; v: u8[value]", &[0]).contains("did you mean 'Value'?"));
    assert!(!err("a: u8; v: u8[zzz]", &[0]).contains("did you mean"));
}

#[test]
fn sizes_read_in_the_wrong_byte_order_say_so() {
    let mut b: Vec<u8> = [6i32.to_le_bytes(), 5i32.to_le_bytes()].concat();
    b.extend([0u8; 240]);
    let e = err("endian big; rows: i32; cols: i32; data: f64[rows, cols]", &b);
    assert!(
        e.contains("these sizes fit the file if read little-endian (rows = 6, cols = 5): try `endian little`"),
        "{e}"
    );
    let e = err("rows: i32be; cols: i32; data: f64[rows, cols]", &b);
    assert!(!e.contains("these sizes fit"), "{e}");
    // No hint when the swapped sizes do not fit either.
    let e = err("n: u32be; v: u8[n]", &[0xff, 0xff, 0xff, 0x7f, 0]);
    assert!(!e.contains("these sizes fit"), "{e}");
}

#[test]
fn arrays_of_pointers_at_the_end_of_the_file() {
    // ELF's section names come after the section headers, at the end of the
    // file: elements made only of pointers take no bytes where they are, so
    // their count is bounded by the file, not by the bytes that remain.
    let layout = "n: u8; names: { c: char @ 1 + _index }[n]";
    assert_eq!(json(layout, &[2, b'a', b'b']), r#"{"n":2,"names":[{"c":"a"},{"c":"b"}]}"#);
    let e = err(layout, &[9, b'a']);
    assert!(e.contains("array claims 9 elements read elsewhere (pointers), more than the 2 bytes of t.bin"), "{e}");
    // Elements that take bytes in place keep the bound of the bytes that remain.
    let e = err("n: u8; v: { k: u8, c: char @ 0 }[n]", &[3, 0]);
    assert!(e.contains("array claims 3 variable-size elements but only 1 bytes remain"), "{e}");
}
