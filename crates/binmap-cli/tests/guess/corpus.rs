//! The generated corpus for `binmap guess`: files of the kind the issue
//! describes, each with its true layout, made at test time from a seed.
//!
//! A file is a header, maybe a text, then a record array (or a matrix):
//!
//! - the header: an optional 4-letter magic, an optional version (u16/u32),
//!   the sizes (a record count; a text length and a count; rows and cols;
//!   or a byte length of the records; or none: records to the end of the
//!   file), and optional extra fields (an epoch time stamp, a sample rate as
//!   f64, flags, a reserved zero), in one byte order;
//! - the records: 1 to 6 fields, packed as numpy packs a dtype (no
//!   padding), each one of: float64 random walks (coordinates), float32
//!   sensor values (noisy or rounded to cents), small integers (status
//!   codes, signed offsets) of 1 to 4 bytes, an index counting up, a time
//!   (u32 epoch seconds, i64 milliseconds or nanoseconds, f64 seconds)
//!   increasing, NUL-padded names (numpy `S4`..`S16`), and sub-arrays of
//!   2 to 4 float32; in the header's byte order, or (one file in eight)
//!   the other one;
//! - 12 to 4000 records.
//!
//! Not generated: bool, float16, complex and UCS-4 fields, alignment
//! padding, variable-size records, offset tables and pointers, footers,
//! compressed or encrypted sections, several arrays in one file.

/// A generated file and its truth.
pub struct Sample {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The true layout.
    pub layout: String,
}

/// splitmix64: a small deterministic generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// About normal(0, 1).
    pub fn normal(&mut self) -> f64 {
        (0..6).map(|_| self.unit()).sum::<f64>() - 3.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Little,
    Big,
}

impl Order {
    fn suffix(self) -> &'static str {
        if self == Order::Big { "be" } else { "le" }
    }

    fn other(self) -> Order {
        if self == Order::Big { Order::Little } else { Order::Big }
    }
}

/// Bytes of an integer of `w` bytes in order `o`.
fn int(v: i128, w: usize, o: Order) -> Vec<u8> {
    let le = (v as u128).to_le_bytes()[..w].to_vec();
    if o == Order::Big { le.into_iter().rev().collect() } else { le }
}

fn f64b(x: f64, o: Order) -> Vec<u8> {
    if o == Order::Big { x.to_be_bytes().to_vec() } else { x.to_le_bytes().to_vec() }
}

fn f32b(x: f32, o: Order) -> Vec<u8> {
    if o == Order::Big { x.to_be_bytes().to_vec() } else { x.to_le_bytes().to_vec() }
}

const NAMES: [&str; 16] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
    "mike", "november", "oscar", "papa",
];

const WORDS: [&str; 12] =
    ["sensor", "run", "calibrated", "at", "site", "north", "field", "station", "logger", "v2", "test", "flight"];

/// Makes a field's bytes in record `i`.
type MakeValue = Box<dyn FnMut(u64, &mut Rng) -> Vec<u8>>;

/// A record field: its layout type, and how to make its value in record `i`.
struct Column {
    ty: String,
    make: MakeValue,
}

/// One random record field in order `o`.
fn column(rng: &mut Rng, o: Order) -> Column {
    let s = o.suffix();
    match rng.range(0, 12) {
        0 | 1 => {
            let mut x = rng.unit() * 360.0 - 180.0;
            let step = 10f64.powi(-(rng.range(2, 6) as i32));
            Column {
                ty: format!("f64{s}"),
                make: Box::new(move |_, r| {
                    x += r.normal() * step;
                    f64b(x, o)
                }),
            }
        }
        2 | 3 => {
            let base = rng.unit() * 200.0 - 50.0;
            let spread = 1.0 + rng.unit() * 20.0;
            let cents = rng.chance(0.5);
            Column {
                ty: format!("f32{s}"),
                make: Box::new(move |i, r| {
                    let v = base + spread * ((i as f64) * 0.05).sin() + r.normal() * spread * 0.1;
                    f32b(if cents { (v * 100.0).round() as f32 / 100.0 } else { v as f32 }, o)
                }),
            }
        }
        4 | 5 => {
            let (w, name) = *rng.pick(&[(1usize, "u8"), (2, "i16"), (2, "u16"), (4, "i32"), (1, "i8")]);
            let signed = name.starts_with('i');
            let top: i128 = match w {
                1 => 100,
                2 => 30000,
                _ => 2_000_000,
            };
            let hi = rng.range(2, top as u64) as i128;
            let lo = if signed { -(rng.range(0, hi as u64) as i128) } else { 0 };
            let ty = if w == 1 { name.to_string() } else { format!("{name}{s}") };
            Column { ty, make: Box::new(move |_, r| int(lo + r.range(0, (hi - lo + 1) as u64) as i128, w, o)) }
        }
        6 => {
            let (w, name) = *rng.pick(&[(4usize, "u32"), (4, "i32"), (8, "i64")]);
            let start = rng.range(0, 1000) as i128;
            Column { ty: format!("{name}{s}"), make: Box::new(move |i, _| int(start + i as i128, w, o)) }
        }
        7 | 8 => {
            let kind = rng.range(0, 4);
            let mut t: i128 = match kind {
                0 => 1_500_000_000 + rng.range(0, 200_000_000) as i128,
                1 => 1_600_000_000_000 + rng.range(0, 100_000_000_000) as i128,
                2 => 1_600_000_000_000_000_000 + rng.range(0, 1 << 60) as i128,
                _ => 0,
            };
            let mut secs = 0.0f64;
            let step = rng.range(1, 120) as i128;
            let ty = match kind {
                0 => format!("u32{s}"),
                1 | 2 => format!("i64{s}"),
                _ => format!("f64{s}"),
            };
            Column {
                ty,
                make: Box::new(move |_, r| match kind {
                    0 => {
                        t += r.range(1, step as u64 + 1) as i128;
                        int(t, 4, o)
                    }
                    1 | 2 => {
                        t += r.range(1, step as u64 + 1) as i128 * if kind == 2 { 1_000_000 } else { 1 };
                        int(t, 8, o)
                    }
                    _ => {
                        secs += 0.001 * r.range(1, 1000) as f64;
                        f64b(secs, o)
                    }
                }),
            }
        }
        9 | 10 => {
            let width = rng.range(6, 17) as usize;
            let suffix = rng.chance(0.3);
            Column {
                ty: format!("bytes[{width}]"),
                make: Box::new(move |_, r| {
                    let mut name = r.pick(&NAMES).to_string();
                    if suffix {
                        name.push_str(&format!("_{}", r.range(0, 100)));
                    }
                    let mut b = name.into_bytes();
                    b.truncate(width);
                    b.resize(width, 0);
                    b
                }),
            }
        }
        _ => {
            let n = rng.range(2, 5) as usize;
            let base = rng.unit() * 10.0;
            Column {
                ty: format!("f32{s}[{n}]"),
                make: Box::new(move |_, r| {
                    (0..n).flat_map(|_| f32b((base + r.normal()) as f32, o)).collect::<Vec<u8>>()
                }),
            }
        }
    }
}

/// A header field: its layout line (name and type), and its bytes.
struct HeaderField {
    line: String,
    bytes: Vec<u8>,
}

/// How the body is sized.
#[derive(Clone, Copy, PartialEq)]
enum Sizing {
    Count,
    TextAndCount,
    Matrix,
    ByteLength,
    ToEnd,
}

/// File `i` of the corpus made from `seed`.
pub fn sample(seed: u64, i: u64) -> Sample {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0x2545f4914f6cdd1d));
    let o = if rng.chance(0.35) { Order::Big } else { Order::Little };
    let s = o.suffix();
    let body_order = if rng.chance(0.125) { o.other() } else { o };
    let sizing = *rng.pick(&[
        Sizing::Count,
        Sizing::Count,
        Sizing::Count,
        Sizing::Count,
        Sizing::Count,
        Sizing::TextAndCount,
        Sizing::TextAndCount,
        Sizing::Matrix,
        Sizing::ByteLength,
        Sizing::ToEnd,
    ]);
    let n = (12.0 * (4000.0f64 / 12.0).powf(rng.unit())) as u64;

    // The records (or the matrix's elements).
    let (record_ty, body, rows_cols) = if sizing == Sizing::Matrix {
        let (ty, w) = *rng.pick(&[("f64", 8usize), ("f32", 4), ("i16", 2), ("i32", 4)]);
        let (rows, cols) = (rng.range(3, 200), rng.range(2, 64));
        let base = rng.unit() * 100.0;
        let mut body = Vec::new();
        for k in 0..rows * cols {
            let v = base + (k as f64 * 0.01).sin() * 10.0 + rng.normal();
            body.extend(match ty {
                "f64" => f64b(v, body_order),
                "f32" => f32b(v as f32, body_order),
                _ => int(v.round() as i128, w, body_order),
            });
        }
        (format!("{ty}{}", body_order.suffix()), body, Some((rows, cols)))
    } else {
        let mut cols: Vec<Column> = (0..rng.range(1, 7)).map(|_| column(&mut rng, body_order)).collect();
        let mut body = Vec::new();
        for k in 0..n {
            for c in cols.iter_mut() {
                body.extend((c.make)(k, &mut rng));
            }
        }
        let fields: Vec<String> = cols.iter().enumerate().map(|(k, c)| format!("f{k}: {}", c.ty)).collect();
        (format!("{{ {} }}", fields.join(", ")), body, None)
    };
    let count = match rows_cols {
        Some((r, c)) => r * c,
        None => n,
    };

    // The header.
    let mut fields: Vec<HeaderField> = Vec::new();
    let size_ty = |rng: &mut Rng, max: u64| -> (usize, &'static str) {
        let all: &[(usize, &str)] = &[(4, "i32"), (4, "u32"), (8, "i64"), (8, "u64"), (2, "u16")];
        loop {
            let (w, t) = *rng.pick(all);
            if w > 2 || max < 65536 {
                return (w, t);
            }
        }
    };
    let text: Vec<u8> = if sizing == Sizing::TextAndCount {
        let words: Vec<&str> = (0..rng.range(2, 30)).map(|_| *rng.pick(&WORDS)).collect();
        words.join(" ").into_bytes()
    } else {
        Vec::new()
    };
    let sized = |rng: &mut Rng, name: &str, v: u64| {
        let (w, t) = size_ty(rng, v);
        HeaderField { line: format!("{name}: {t}{s}"), bytes: int(v.into(), w, o) }
    };
    let mut sizes = match sizing {
        Sizing::Count | Sizing::ToEnd => vec![sized(&mut rng, "n", n)],
        Sizing::TextAndCount => vec![sized(&mut rng, "text_len", text.len() as u64), sized(&mut rng, "n", n)],
        Sizing::Matrix => {
            let (r, c) = rows_cols.unwrap_or((1, 1));
            vec![sized(&mut rng, "rows", r), sized(&mut rng, "cols", c)]
        }
        Sizing::ByteLength => vec![sized(&mut rng, "len", body.len() as u64)],
    };
    if sizing == Sizing::ToEnd {
        sizes.clear();
    }
    let mut extra: Vec<HeaderField> = Vec::new();
    if rng.chance(0.5) {
        let (w, t) = *rng.pick(&[(2usize, "u16"), (4, "u32")]);
        extra.push(HeaderField { line: format!("version: {t}{s}"), bytes: int(rng.range(1, 10).into(), w, o) });
    }
    if rng.chance(0.3) {
        if rng.chance(0.5) {
            let t = 1_500_000_000 + rng.range(0, 200_000_000);
            extra.push(HeaderField { line: format!("created: u32{s}"), bytes: int(t.into(), 4, o) });
        } else {
            let t = 1_600_000_000_000 + rng.range(0, 100_000_000_000);
            extra.push(HeaderField { line: format!("created: i64{s}"), bytes: int(t.into(), 8, o) });
        }
    }
    if rng.chance(0.2) {
        let rate = *rng.pick(&[50.0, 100.0, 250.0, 1000.0, 44100.0, 0.5]);
        extra.push(HeaderField { line: format!("rate: f64{s}"), bytes: f64b(rate, o) });
    }
    if rng.chance(0.2) {
        let flags = rng.range(1, 256);
        extra.push(HeaderField { line: format!("flags: u16{s}"), bytes: int(flags.into(), 2, o) });
    }
    if rng.chance(0.1) {
        extra.push(HeaderField { line: format!("reserved: u32{s}"), bytes: vec![0; 4] });
    }
    // Extra fields go before or after the sizes, in a random order.
    let mut rest: Vec<HeaderField> = sizes.drain(..).chain(extra).collect();
    for k in (1..rest.len()).rev() {
        let j = rng.range(0, k as u64 + 1) as usize;
        rest.swap(k, j);
    }
    if rng.chance(0.5) {
        let magic: String = (0..4).map(|_| (b'A' + rng.range(0, 26) as u8) as char).collect();
        fields.push(HeaderField { line: "magic: bytes[4]".into(), bytes: magic.into_bytes() });
    }
    fields.extend(rest);

    let mut bytes: Vec<u8> = fields.iter().flat_map(|f| f.bytes.iter().copied()).collect();
    let mut layout: String = fields.iter().map(|f| format!("{}\n", f.line)).collect();
    if !text.is_empty() {
        bytes.extend(&text);
        layout.push_str("text: utf8[text_len]\n");
    }
    let dims = match sizing {
        Sizing::Count | Sizing::TextAndCount => "n".to_string(),
        Sizing::Matrix => "rows, cols".into(),
        Sizing::ByteLength => format!("len / {}", body.len() as u64 / count),
        Sizing::ToEnd => "..".into(),
    };
    layout.push_str(&format!("body: {record_ty}[{dims}]\n"));
    bytes.extend(&body);
    Sample { name: format!("corpus-{i:03}.bin"), bytes, layout }
}
