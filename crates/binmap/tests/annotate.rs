//! The annotated hex dump (`binmap hex FILE --layout L`): exact plain output
//! on the examples and on hand-made layouts (padding, align, `@`, nested and
//! variable-size arrays, ranges), colour that strips to the plain output,
//! and a small range of a sparse 100 GB file.

use binmap::hex::annotate::{AnnotateOptions, DIM, PALETTE, range_of, write_annotated};
use binmap::select::Rows;
use binmap::{Layout, Map};

fn examples(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn dump(map: &Map<'_>, opts: AnnotateOptions) -> String {
    let mut out = Vec::new();
    write_annotated(map, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The dump of an example file, plain and coloured; checks that the
/// coloured one strips to the plain one.
fn dump_example(bml: &str, file: &str, opts: AnnotateOptions) -> (String, String) {
    let layout = Layout::parse(&std::fs::read_to_string(examples(bml)).unwrap()).unwrap();
    let data = std::fs::read(examples(file)).unwrap();
    let map = Map::new(&layout, &data, file).unwrap();
    both(&map, opts)
}

fn both(map: &Map<'_>, opts: AnnotateOptions) -> (String, String) {
    let plain = dump(map, AnnotateOptions { color: false, ..opts });
    let colour = dump(map, AnnotateOptions { color: true, ..opts });
    assert_eq!(strip_sgr(&colour), plain, "colour output strips to the plain output");
    (plain, colour)
}

fn opts(cols: usize, group: usize) -> AnnotateOptions {
    AnnotateOptions { cols, group, ..AnnotateOptions::default() }
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            assert_eq!(it.next(), Some('['));
            for c in it.by_ref() {
                if c == 'm' {
                    break;
                }
                assert!(c.is_ascii_digit() || c == ';', "only SGR codes");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The 256-colour index of every byte of a coloured dump's hex column, in
/// order (None where no colour is set).
fn byte_colours(colour: &str) -> Vec<Option<u8>> {
    let mut v = Vec::new();
    for line in colour.lines() {
        let rest = &line[line.find(": ").unwrap() + 2..];
        let hex = &rest[..rest.find("\x1b[0m").unwrap()];
        let (mut cur, mut digits) = (None, 0);
        let mut it = hex.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                let code: String = it.by_ref().take_while(|&c| c != 'm').collect();
                cur = code.strip_prefix("[38;5;").map(|n| n.parse().unwrap());
            } else if c.is_ascii_hexdigit() {
                digits += 1;
                if digits % 2 == 0 {
                    v.push(cur);
                }
            }
        }
    }
    v
}

/// Each line without its paths equals `xxd -s START -l LEN -c C -g G` (when
/// xxd is installed); with paths, it is the xxd line padded to full width.
fn check_against_xxd(file: &str, plain: &str, start: u64, len: u64, c: usize, g: usize) {
    let Ok(out) = std::process::Command::new("xxd")
        .args(["-s", &start.to_string(), "-l", &len.to_string(), "-c", &c.to_string(), "-g", &g.to_string(), file])
        .output()
    else {
        return;
    };
    let xxd = String::from_utf8(out.stdout).unwrap();
    let ours: Vec<&str> = plain.lines().collect();
    let theirs: Vec<&str> = xxd.lines().collect();
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert!(o.starts_with(t), "{o:?} does not start with xxd's {t:?}");
        let rest = &o[t.len()..];
        assert!(rest.is_empty() || rest.starts_with("  "), "{o:?}");
    }
}

const DB: &str = "\
00000000: 4d53 4654 5f70 726f 6669 7400 0a00 0000  MSFT_profit.....  records[0].name records[0].time
00000010: 0000 0000 6666 c640 474f 4f47 5f70 726f  ....ff.@GOOG_pro  records[0].value records[1].name
00000020: 6669 7400 0c00 0000 0000 0000 713d 8abf  fit.........q=..  records[1].time records[1].value
00000030: 4d53 4654 5f70 726f 6669 7400 1200 0000  MSFT_profit.....  records[2].name records[2].time
00000040: 0000 0000 6666 0641 494e 5443 5f70 726f  ....ff.AINTC_pro  records[2].value records[3].name
00000050: 6669 7400 1900 0000 0000 0000 cdcc 4cbe  fit...........L.  records[3].time records[3].value
00000060: 474f 4f47 5f70 726f 6669 7400 8543 0f00  GOOG_profit..C..  records[4].name records[4].time
00000070: 0000 0000 cdcc 4c40 474f 4f44 5f70 726f  ......L@GOOD_pro  records[4].value records[5].name
00000080: 6669 7400 9e43 0f00 0000 0000 0000 9040  fit..C.........@  records[5].time records[5].value
00000090: 494e 5443 5f70 726f 6669 7400 c143 0f00  INTC_profit..C..  records[6].name records[6].time
000000a0: 0000 0000 6666 86bf 4d53 4654 5f70 726f  ....ff..MSFT_pro  records[6].value records[7].name
000000b0: 6669 7400 c643 0f00 0000 0000 3333 b340  fit..C......33.@  records[7].time records[7].value
";

#[test]
fn db_dat() {
    let (plain, colour) = dump_example("db.bml", "db.dat", AnnotateOptions::default());
    assert_eq!(plain, DB);
    check_against_xxd(&examples("db.dat"), &plain, 0, 192, 16, 2);
    // Every byte of a field has the field's colour; neighbours differ; a
    // field keeps its colour from record to record.
    let cols = byte_colours(&colour);
    assert_eq!(cols.len(), 192);
    for rec in cols.chunks(24) {
        let (name, time, value) = (rec[0], rec[12], rec[20]);
        assert!(rec[..12].iter().all(|&c| c == name));
        assert!(rec[12..20].iter().all(|&c| c == time));
        assert!(rec[20..].iter().all(|&c| c == value));
        assert!(name != time && time != value && value != name);
        assert_eq!((name, time, value), (cols[0], cols[12], cols[20]));
        assert!(PALETTE.contains(&name.unwrap()));
    }
    // The paths are coloured like their fields; every line ends reset.
    assert!(colour.lines().next().unwrap().contains(&format!("\x1b[38;5;{}mrecords[0].name\x1b[0m", PALETTE[0])));
    assert!(colour.lines().all(|l| l.ends_with("\x1b[0m")));
}

#[test]
fn db_dat_rows_in_the_middle_8_1() {
    let layout = Layout::parse(&std::fs::read_to_string(examples("db.bml")).unwrap()).unwrap();
    let data = std::fs::read(examples("db.dat")).unwrap();
    let map = Map::new(&layout, &data, "db.dat").unwrap();
    let (start, end) = range_of(&map, None, Some(Rows::parse("2..4").unwrap())).unwrap();
    assert_eq!((start, end), (48, 96));
    assert_eq!(range_of(&map, Some("records"), Some(Rows::parse("2..4").unwrap())).unwrap(), (48, 96));
    assert_eq!(range_of(&map, Some("records.value"), Some(Rows::parse("-1..").unwrap())).unwrap(), (168, 192));
    assert_eq!(range_of(&map, Some("records.value"), None).unwrap(), (0, 192));
    assert_eq!(range_of(&map, Some("records[3].time"), None).unwrap(), (84, 92));
    // A range that starts inside a field.
    let (plain, _) = both(&map, AnnotateOptions { start: 53, end: 90, ..opts(8, 1) });
    assert_eq!(
        plain,
        "\
00000035: 70 72 6f 66 69 74 00 12  profit..  records[2].time
0000003d: 00 00 00 00 00 00 00 66  .......f  records[2].value
00000045: 66 06 41 49 4e 54 43 5f  f.AINTC_  records[3].name
0000004d: 70 72 6f 66 69 74 00 19  profit..  records[3].time
00000055: 00 00 00 00 00           .....     records[3].time
"
    );
    check_against_xxd(&examples("db.dat"), &plain, 53, 37, 8, 1);
    // Empty and bad selections.
    assert_eq!(range_of(&map, None, Some(Rows::parse("9..").unwrap())).unwrap(), (192, 192));
    assert_eq!(dump(&map, AnnotateOptions { start: 192, end: 192, ..opts(8, 1) }), "");
    assert!(range_of(&map, Some("records[0].name"), Some(Rows::parse("0..1").unwrap())).is_err());
    assert!(range_of(&map, Some("nope"), None).is_err());
}

#[test]
fn flight_path() {
    let (plain, colour) = dump_example("flight_path.bml", "flight_path.b", AnnotateOptions::default());
    assert_eq!(
        plain,
        "\
00000000: 6900 0000 0600 0000 466c 6967 6874 2070  i.......Flight p  M N info
00000010: 6174 6820 6172 6f75 6e64 204d 484b 2073  ath around MHK s  info
00000020: 7461 7274 696e 6720 6672 6f6d 2057 6172  tarting from War  info
00000030: 6420 4861 6c6c 200a 616e 6420 656e 6469  d Hall .and endi  info
00000040: 6e67 2061 7420 6265 7665 7261 6765 7320  ng at beverages   info
00000050: 7573 696e 6720 6120 6669 7865 6420 616c  using a fixed al  info
00000060: 7469 7475 6465 206f 6620 3230 3020 6674  titude of 200 ft  info
00000070: 2e4d 0a98 6574 2558 c0f0 08b8 3187 9843  .M..et%X....1..C  coords[0].x coords[0].y
00000080: 4000 0000 0000 0069 402d ffc6 4304 2458  @......i@-..C.$X  coords[0].z coords[1].x
00000090: c00a 82c7 b777 9843 4000 0000 0000 0069  .....w.C@......i  coords[1].y coords[1].z
000000a0: 4038 d494 0964 2458 c0fe 20dc aee1 9843  @8...d$X.. ....C  coords[2].x coords[2].y
000000b0: 4000 0000 0000 0069 40ee 23b7 26dd 2458  @......i@.#.&.$X  coords[2].z coords[3].x
000000c0: c094 ae4f ef98 9843 4000 0000 0000 0069  ...O...C@......i  coords[3].y coords[3].z
000000d0: 4009 0fe4 ea91 2458 c00b cd1a 61f6 9643  @.....$X....a..C  coords[4].x coords[4].y
000000e0: 4000 0000 0000 0069 406e e6eb 8d35 2458  @......i@n...5$X  coords[4].z coords[5].x
000000f0: c04c 3e2c 8a0d 9743 4000 0000 0000 0069  .L>,...C@......i  coords[5].y coords[5].z
00000100: 40                                       @                 coords[5].z
"
    );
    check_against_xxd(&examples("flight_path.b"), &plain, 0, 257, 16, 2);
    let cols = byte_colours(&colour);
    // M, N, info, then x y z of each coordinate: six distinct colours.
    let firsts = [cols[0], cols[4], cols[8], cols[0x71], cols[0x79], cols[0x81]];
    for (i, a) in firsts.iter().enumerate() {
        assert!(firsts[i + 1..].iter().all(|b| b != a), "{firsts:?}");
    }
    assert!(cols[0x71..].chunks(24).all(|c| (c[0], c[8], c[16]) == (firsts[3], firsts[4], firsts[5])));
}

#[test]
fn flight_path_xxd_geometries() {
    let file = examples("flight_path.b");
    for (c, g) in [(8, 1), (10, 4), (16, 3), (12, 0), (32, 8), (7, 2)] {
        for (start, end) in [(0, 257), (3, 250), (0x71, 0x71 + 24)] {
            let o = AnnotateOptions { start, end, ..opts(c, g) };
            let (plain, _) = dump_example("flight_path.bml", "flight_path.b", o);
            check_against_xxd(&file, &plain, start, end - start, c, if g == 0 { c } else { g });
        }
    }
    let (plain, _) = dump_example("flight_path.bml", "flight_path.b", AnnotateOptions { upper: true, ..opts(8, 1) });
    assert!(plain.starts_with("00000000: 69 00 00 00 06 00 00 00  i.......  M N\n00000008: 46 6C 69"));
}

#[test]
fn padding_align_and_placements() {
    // `_` padding, an `align` gap, fields placed with `@` out of file order,
    // and bytes no field describes (before `note`, between, and at the end).
    let layout = Layout::parse(
        "magic: u32 == 0x4d42\n_: u16\nflags: u8\nalign 8\ncount: u16\n@ 0x20 table: u16[count]\n@ 0x18 note: bytes[4]",
    )
    .unwrap();
    let mut bytes: Vec<u8> = (0..0x30u8).collect();
    bytes[0..4].copy_from_slice(&0x4d42u32.to_le_bytes());
    bytes[8..10].copy_from_slice(&4u16.to_le_bytes());
    bytes[0x18..0x1c].copy_from_slice(b"note");
    let map = Map::new(&layout, &bytes, "x.bin").unwrap();
    let (plain, colour) = both(&map, opts(8, 1));
    assert_eq!(
        plain,
        "\
00000000: 42 4d 00 00 04 05 06 07  BM......  magic flags
00000008: 04 00 0a 0b 0c 0d 0e 0f  ........  count
00000010: 10 11 12 13 14 15 16 17  ........
00000018: 6e 6f 74 65 1c 1d 1e 1f  note....  note
00000020: 20 21 22 23 24 25 26 27   !\"#$%&'  table[0] table[1] table[2] table[3]
00000028: 28 29 2a 2b 2c 2d 2e 2f  ()*+,-./
"
    );
    let cols = byte_colours(&colour);
    let dim = Some(DIM);
    for grey in [4, 5, 7, 10, 0x17, 0x1c, 0x1f, 0x28, 0x2f] {
        assert_eq!(cols[grey], dim, "byte {grey:#x} is padding or undescribed");
    }
    for field in [0, 6, 8, 0x18, 0x20, 0x22, 0x24, 0x26] {
        assert!(PALETTE.contains(&cols[field].unwrap()), "byte {field:#x}");
    }
    // The elements of table[] are neighbours of one field: they alternate.
    assert_ne!(cols[0x20], cols[0x22]);
    assert_eq!(cols[0x20], cols[0x24]);
    assert_eq!(cols[0x20], cols[0x21]);
    assert_eq!(range_of(&map, Some("note"), None).unwrap(), (0x18, 0x1c));
    // A range inside the undescribed gap has no paths.
    assert_eq!(
        dump(&map, AnnotateOptions { start: 0x0c, end: 0x14, ..opts(8, 1) }),
        "0000000c: 0c 0d 0e 0f 10 11 12 13  ........\n"
    );
}

#[test]
fn nested_and_multidimensional_arrays() {
    let layout = Layout::parse("m: { id: u8, v: i16be[2] }[2, 2]\ng: { r: u8[2] }[3]").unwrap();
    let bytes: Vec<u8> = (0u8..26).collect();
    let map = Map::new(&layout, &bytes, "x.bin").unwrap();
    let (plain, _) = both(&map, AnnotateOptions::default());
    assert_eq!(
        plain,
        "\
00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................  m[0,0].id m[0,0].v[0] m[0,0].v[1] m[0,1].id +6
00000010: 1011 1213 1415 1617 1819                 ..........        m[1,1].v[0] m[1,1].v[1] g[0].r[0] g[0].r[1] +4
"
    );
    let (plain, _) = both(&map, AnnotateOptions { start: 11, end: 22, ..opts(4, 2) });
    assert_eq!(
        plain,
        "\
0000000b: 0b0c 0d0e  ....  m[1,0].v[0] m[1,0].v[1]
0000000f: 0f10 1112  ....  m[1,1].id m[1,1].v[0] m[1,1].v[1]
00000013: 1314 15    ...   g[0].r[0] g[0].r[1]
"
    );
    assert_eq!(range_of(&map, Some("m[1,0]"), None).unwrap(), (10, 15));
    assert_eq!(range_of(&map, Some("m"), Some(Rows::parse("1").unwrap())).unwrap(), (10, 20));
    assert_eq!(range_of(&map, Some("g.r"), Some(Rows::parse("1..").unwrap())).unwrap(), (22, 26));
}

#[test]
fn variable_size_elements() {
    let layout = Layout::parse("n: u8\nitems: { len: u8, text: utf8[len] }[n]\ntail: cstr").unwrap();
    let bytes = b"\x03\x05hello\x0bhello world\x02hiend\x00";
    let map = Map::new(&layout, bytes, "x.bin").unwrap();
    let (plain, colour) = both(&map, opts(8, 1));
    assert_eq!(
        plain,
        "\
00000000: 03 05 68 65 6c 6c 6f 0b  ..hello.  n items[0].len items[0].text items[1].len
00000008: 68 65 6c 6c 6f 20 77 6f  hello wo  items[1].text
00000010: 72 6c 64 02 68 69 65 6e  rld.hien  items[2].len items[2].text tail
00000018: 64 00                    d.        tail
"
    );
    assert!(byte_colours(&colour).iter().all(|c| PALETTE.contains(&c.unwrap())));
    let (start, end) = range_of(&map, Some("items[1]"), None).unwrap();
    assert_eq!((start, end), (7, 19));
    assert_eq!(range_of(&map, Some("items"), Some(Rows::parse("1..").unwrap())).unwrap(), (7, 22));
    let (plain, _) = both(&map, AnnotateOptions { start, end, ..opts(8, 1) });
    assert_eq!(
        plain,
        "\
00000007: 0b 68 65 6c 6c 6f 20 77  .hello w  items[1].len items[1].text
0000000f: 6f 72 6c 64              orld      items[1].text
"
    );
}

#[test]
fn many_fields_on_a_line() {
    let layout = Layout::parse("b: u8[100]").unwrap();
    let bytes: Vec<u8> = (0u8..100).collect();
    let map = Map::new(&layout, &bytes, "x.bin").unwrap();
    let (plain, _) = both(&map, opts(64, 1));
    let lines: Vec<&str> = plain.lines().collect();
    assert!(lines[0].ends_with("  b[0] b[1] b[2] b[3] +60"));
    assert!(lines[1].ends_with("  b[64] b[65] b[66] b[67] +32"));
    assert!(lines[1].starts_with("00000040: 40 41 42"));
}

#[test]
fn whole_file_without_fields_and_options_edge_cases() {
    // Bytes after the layout are shown grey, without paths.
    let layout = Layout::parse("a: u16").unwrap();
    let map = Map::new(&layout, b"\x01\x02xyz", "x.bin").unwrap();
    let (plain, colour) = both(&map, opts(0, 0));
    assert_eq!(plain, "00000000: 010278797a                        ..xyz             a\n");
    assert_eq!(byte_colours(&colour)[2..], [Some(DIM); 3]);
    // End past the file, start past the end: clamped, never a panic.
    assert_eq!(dump(&map, AnnotateOptions { start: 3, end: 99, ..opts(4, 1) }), "00000003: 79 7a        yz\n");
    assert_eq!(dump(&map, AnnotateOptions { start: 9, end: 3, ..opts(4, 1) }), "");
}

#[test]
fn sparse_100_gb_file_small_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let size: u64 = 100 << 30;
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::File::create(&path).unwrap();
        f.set_len(size).unwrap();
        f.seek(SeekFrom::Start(size / 2 + 8)).unwrap();
        f.write_all(&1.5f64.to_le_bytes()).unwrap();
    }
    let src = binmap::Source::open(&path, binmap::Mode::Read).unwrap();
    let layout = Layout::parse("records: { t: i64, v: f64 }[..]").unwrap();
    let t = std::time::Instant::now();
    let map = Map::new(&layout, src.bytes(), "big.bin").unwrap();
    let row = size / 2 / 16;
    let (start, end) = range_of(&map, Some(&format!("records[{row}]")), None).unwrap();
    assert_eq!((start, end), (size / 2, size / 2 + 16));
    let (plain, _) = both(&map, AnnotateOptions { start, end, ..AnnotateOptions::default() });
    assert_eq!(
        plain,
        "c80000000: 0000 0000 0000 0000 0000 0000 0000 f83f  ...............?  records[3355443200].t records[3355443200].v\n"
    );
    let (s, e) = range_of(&map, None, Some(Rows::parse("-2..").unwrap())).unwrap();
    assert_eq!((s, e), (size - 32, size));
    let tail = dump(&map, AnnotateOptions { start: s + 4, end: e, ..opts(8, 4) });
    assert_eq!(
        tail,
        "\
18ffffffe4: 00000000 00000000  ........  records[6710886398].v
18ffffffec: 00000000 00000000  ........  records[6710886399].t
18fffffff4: 00000000 00000000  ........  records[6710886399].v
18fffffffc: 00000000           ....      records[6710886399].v
"
    );
    // A hang or a walk over the whole 100 GB would take minutes; the dump
    // itself takes milliseconds, so 10 s holds on any busy machine.
    assert!(t.elapsed().as_secs_f64() < 10.0, "took {:?}", t.elapsed());
}

/// Throughput: `BENCH_FILE=... cargo test --release -p binmap --test annotate -- --ignored bench --nocapture`
/// (`BENCH_LAYOUT` overrides the db.dat record layout).
#[test]
#[ignore]
fn bench() {
    let Ok(path) = std::env::var("BENCH_FILE") else { return };
    let text = std::env::var("BENCH_LAYOUT")
        .unwrap_or("type Tick = { name: bytes[12], time: i64, value: f32 }\nrecords: Tick[..]".into());
    let layout = Layout::parse(&text).unwrap();
    let src = binmap::Source::open(&path, binmap::Mode::Read).unwrap();
    let map = Map::new(&layout, src.bytes(), &path).unwrap();
    for color in [false, true] {
        let t = std::time::Instant::now();
        let cpu0 = cpu_time();
        let mut out = std::fs::File::create("/dev/null").unwrap();
        let opts = AnnotateOptions { color, ..AnnotateOptions::default() };
        write_annotated(&map, &opts, &mut out).unwrap();
        let s = t.elapsed().as_secs_f64();
        let cpu = cpu_time() - cpu0;
        let mb = src.bytes().len() as f64 / 1e6;
        println!("color={color}: {s:.2} s, {:.0} MB/s wall; {cpu:.2} s, {:.0} MB/s cpu", mb / s, mb / cpu);
    }
}

/// User + system time of this process, from /proc.
fn cpu_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}
