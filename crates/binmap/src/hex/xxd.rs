//! Byte-for-byte `xxd` (Debian's xxd 2022-01-14): the normal dump, `-b`
//! bits, `-e` little-endian groups, `-p` plain, `-i` C include, and `-r` /
//! `-r -p`, the reverse.
//!
//! Every quirk of xxd's layout is reproduced by computing, as xxd does, the
//! column of every hex pair and of every character of the ASCII column from
//! `-c` and `-g` (so odd column counts, partial last lines and `-e` with a
//! group wider than the line come out exactly as xxd prints them). The
//! formatting itself is table-driven: one 256-entry table of hex pairs,
//! one of ASCII-column characters, a blank line template copied per line,
//! line-aligned chunks formatted on all cores and written in order in large
//! blocks. Autoskip (`-a`) decides every line from the data around it, so
//! it needs no state between chunks.
//!
//! ```
//! use binmap::hex::xxd::{dump, Options};
//! let mut out = Vec::new();
//! dump(b"binmap\n", &Options::default(), &mut out).unwrap();
//! assert_eq!(out, b"00000000: 6269 6e6d 6170 0a                        binmap.\n");
//! ```

use std::io::{Seek, SeekFrom, Write};

use crate::error::{Error, ErrorKind, Result};

/// The widest line (`-c`) of the normal, `-b` and `-e` dumps, as in xxd.
pub const MAX_COLS: i64 = 256;

/// Error message: `-c` out of range (xxd exits 1).
pub const MSG_COLS: &str = "invalid number of columns (max. 256)";
/// Error message: `-e` with a group size that is not a power of two (xxd exits 1).
pub const MSG_GROUP: &str = "number of octets per group must be a power of 2 with -e";
/// Error message: `-s` outside the input (xxd exits 4).
pub const MSG_SEEK: &str = "cannot seek";
/// Error message: `-r` met an offset before the output written so far (xxd exits 5).
pub const MSG_SEEK_BACK: &str = "cannot seek backwards";
/// Error message: `-r` with `-b`, `-e` or `-i` (xxd exits 255).
pub const MSG_REVERT: &str = "cannot revert this type of hexdump";

/// The dump styles of xxd. As in xxd, the last of `-b`, `-e`, `-p`, `-i`
/// given wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// `00000000: 4865 6c6c 6f0a  Hello.`
    #[default]
    Normal,
    /// `-b`: bits, `00000000: 01001000 01100101  He`.
    Bits,
    /// `-e`: little-endian groups.
    LittleEndian,
    /// `-p`: plain (PostScript) hex, 30 bytes a line.
    Plain,
    /// `-i`: a C array.
    Include,
}

/// `-s [+][-]N`, as xxd reads it: `+` makes the seek relative to the
/// current position (of a file: its start), `-` counts from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeekSpec {
    /// A leading `+`.
    pub relative: bool,
    /// A `-` (after the optional `+`).
    pub negative: bool,
    /// The number after the signs (C `strtol` of the rest; may itself be negative).
    pub value: i64,
}

/// xxd's options. `Default` is plain `xxd FILE`.
///
/// ```
/// use binmap::hex::xxd::{dump, Kind, Options};
/// let opts = Options { kind: Kind::Plain, cols: Some(4), upper: true, ..Options::default() };
/// let mut out = Vec::new();
/// dump(&[0xde, 0xad, 0xbe, 0xef, 0x01], &opts, &mut out).unwrap();
/// assert_eq!(out, b"DEADBEEF\n01\n");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The style (`-b`, `-e`, `-p`, `-i`).
    pub kind: Kind,
    /// `-c COLS` as given (`None`: not given; `0` means the default except with `-p`).
    pub cols: Option<i32>,
    /// `-g BYTES` as given (`None` or negative: the style's default; `0` or
    /// more than the columns: one group per line).
    pub group: Option<i32>,
    /// `-u`: upper-case hex digits.
    pub upper: bool,
    /// `-a`: replace runs of all-zero lines by `*`.
    pub autoskip: bool,
    /// `-d`: decimal offsets.
    pub decimal: bool,
    /// `-E`: the character column in EBCDIC.
    pub ebcdic: bool,
    /// `-C`: capitalise the `-i` variable names.
    pub capitalize: bool,
    /// `-i`: the variable name as given (the file name, or `-n NAME`);
    /// `None` (stdin without `-n`) prints the bare bytes.
    pub name: Option<Vec<u8>>,
    /// `-o OFFSET`: added to the displayed offsets (wrapping, as an unsigned long).
    pub display_offset: u64,
    /// `-s`: where to start; for `-r`, added to the offsets read.
    pub seek: Option<SeekSpec>,
    /// The input is a pipe (seeks fail, so `-s` skips by reading and a
    /// negative `-s` is an error), not a regular file.
    pub pipe: bool,
    /// `-l LEN` (negative: no limit).
    pub length: Option<i64>,
}

/// The exit status xxd gives for an error of this module (1 for others).
///
/// ```
/// use binmap::hex::xxd::{dump, exit_code, Options, SeekSpec};
/// let opts = Options { seek: Some(SeekSpec { relative: false, negative: true, value: 10 }), ..Options::default() };
/// let err = dump(b"short", &opts, &mut Vec::new()).unwrap_err();
/// assert_eq!(exit_code(&err), 4);
/// ```
pub fn exit_code(e: &Error) -> i32 {
    let m = e.message.as_str();
    if m.starts_with(MSG_SEEK_BACK) {
        5
    } else if m.starts_with(MSG_SEEK) {
        4
    } else if m.starts_with(MSG_REVERT) {
        255
    } else {
        1
    }
}

/// The line width (`-c`) and group size (`-g`) xxd uses for `opts`, or its
/// error for invalid ones.
///
/// ```
/// use binmap::hex::xxd::{geometry, Kind, Options};
/// assert_eq!(geometry(&Options::default()).unwrap(), (16, 2));
/// assert_eq!(geometry(&Options { kind: Kind::Bits, ..Options::default() }).unwrap(), (6, 1));
/// assert_eq!(geometry(&Options { kind: Kind::LittleEndian, ..Options::default() }).unwrap(), (16, 4));
/// assert!(geometry(&Options { cols: Some(257), ..Options::default() }).is_err());
/// ```
pub fn geometry(opts: &Options) -> Result<(usize, usize)> {
    let kind = opts.kind;
    let mut cols = i64::from(opts.cols.unwrap_or(0));
    if opts.cols.is_none() || (cols == 0 && kind != Kind::Plain) {
        cols = match kind {
            Kind::Plain => 30,
            Kind::Include => 12,
            Kind::Bits => 6,
            Kind::Normal | Kind::LittleEndian => 16,
        };
    }
    let mut group = i64::from(opts.group.unwrap_or(-1));
    if group < 0 {
        group = match kind {
            Kind::Bits => 1,
            Kind::Normal => 2,
            Kind::LittleEndian => 4,
            Kind::Plain | Kind::Include => 0,
        };
    }
    let wide = matches!(kind, Kind::Normal | Kind::Bits | Kind::LittleEndian) && cols > MAX_COLS;
    if (kind == Kind::Plain && cols < 0) || (kind != Kind::Plain && cols < 1) || wide {
        return Err(Error::usage(format!("{MSG_COLS}; -c is {cols}")));
    }
    if group < 1 || group > cols {
        group = cols;
    } else if kind == Kind::LittleEndian && group & (group - 1) != 0 {
        return Err(Error::usage(format!("{MSG_GROUP}; -g is {group}")));
    }
    Ok((cols as usize, group as usize))
}

/// Where reading starts for `-s` on an input of `len` bytes, as xxd seeks:
/// `(first byte, offset shown for it)`.
fn resolve_seek(seek: Option<SeekSpec>, len: u64, pipe: bool) -> Result<(u64, u64)> {
    let Some(s) = seek else { return Ok((0, 0)) };
    let offset = if s.negative { s.value.wrapping_neg() } else { s.value };
    if !pipe {
        let base: i64 = if !s.relative && s.negative { len as i64 } else { 0 };
        if let Some(pos) = base.checked_add(offset)
            && pos >= 0
        {
            return Ok((pos as u64, pos as u64));
        }
    }
    // The seek failed: xxd gives up for `-`, else it reads its way forward.
    let fail = || {
        let what = if s.negative { format!("-{}", s.value) } else { s.value.to_string() };
        let input = if pipe { "a pipe" } else { "the input" };
        Error::usage(format!("{MSG_SEEK} to {what} in {input} of {len} bytes"))
    };
    if s.negative || s.value < 0 || s.value as u64 > len {
        return Err(fail());
    }
    Ok((s.value as u64, s.value as u64))
}

/// Hex pairs of every byte value.
const fn pairs(upper: bool) -> [[u8; 2]; 256] {
    let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    t
}

/// The eight binary digits of every byte value (`-b`).
const fn bit_digits() -> [[u8; 8]; 256] {
    let mut t = [[0u8; 8]; 256];
    let mut i = 0;
    while i < 256 {
        let mut k = 0;
        while k < 8 {
            t[i][k] = b'0' + ((i >> (7 - k)) & 1) as u8;
            k += 1;
        }
        i += 1;
    }
    t
}

static BITS: [[u8; 8]; 256] = bit_digits();

static LOWER: [[u8; 2]; 256] = pairs(false);
static UPPER: [[u8; 2]; 256] = pairs(true);

/// xxd's EBCDIC to ASCII table for the bytes 64..=255.
static ETOA64: [u8; 192] = [
    0o040, 0o240, 0o241, 0o242, 0o243, 0o244, 0o245, 0o246, 0o247, 0o250, 0o325, 0o056, 0o074, 0o050, 0o053, 0o174,
    0o046, 0o251, 0o252, 0o253, 0o254, 0o255, 0o256, 0o257, 0o260, 0o261, 0o041, 0o044, 0o052, 0o051, 0o073, 0o176,
    0o055, 0o057, 0o262, 0o263, 0o264, 0o265, 0o266, 0o267, 0o270, 0o271, 0o313, 0o054, 0o045, 0o137, 0o076, 0o077,
    0o272, 0o273, 0o274, 0o275, 0o276, 0o277, 0o300, 0o301, 0o302, 0o140, 0o072, 0o043, 0o100, 0o047, 0o075, 0o042,
    0o303, 0o141, 0o142, 0o143, 0o144, 0o145, 0o146, 0o147, 0o150, 0o151, 0o304, 0o305, 0o306, 0o307, 0o310, 0o311,
    0o312, 0o152, 0o153, 0o154, 0o155, 0o156, 0o157, 0o160, 0o161, 0o162, 0o136, 0o314, 0o315, 0o316, 0o317, 0o320,
    0o321, 0o345, 0o163, 0o164, 0o165, 0o166, 0o167, 0o170, 0o171, 0o172, 0o322, 0o323, 0o324, 0o133, 0o326, 0o327,
    0o330, 0o331, 0o332, 0o333, 0o334, 0o335, 0o336, 0o337, 0o340, 0o341, 0o342, 0o343, 0o344, 0o135, 0o346, 0o347,
    0o173, 0o101, 0o102, 0o103, 0o104, 0o105, 0o106, 0o107, 0o110, 0o111, 0o350, 0o351, 0o352, 0o353, 0o354, 0o355,
    0o175, 0o112, 0o113, 0o114, 0o115, 0o116, 0o117, 0o120, 0o121, 0o122, 0o356, 0o357, 0o360, 0o361, 0o362, 0o363,
    0o134, 0o237, 0o123, 0o124, 0o125, 0o126, 0o127, 0o130, 0o131, 0o132, 0o364, 0o365, 0o366, 0o367, 0o370, 0o371,
    0o060, 0o061, 0o062, 0o063, 0o064, 0o065, 0o066, 0o067, 0o070, 0o071, 0o372, 0o373, 0o374, 0o375, 0o376, 0o377,
];

/// The character-column character of every byte value.
fn char_table(ebcdic: bool) -> [u8; 256] {
    let mut t = [b'.'; 256];
    for (i, slot) in t.iter_mut().enumerate() {
        let e = if !ebcdic {
            i as u8
        } else if i < 64 {
            b'.'
        } else {
            ETOA64[i - 64]
        };
        *slot = if (32..127).contains(&e) { e } else { b'.' };
    }
    t
}

/// Input bytes per parallel chunk.
const CHUNK_BYTES: usize = 1 << 18;

/// Write `data` as `xxd` with `opts` would (including `-s` and `-l`).
///
/// ```
/// use binmap::hex::xxd::{dump, Kind, Options};
/// let opts = Options { kind: Kind::Include, name: Some(b"1.bin".to_vec()), ..Options::default() };
/// let mut out = Vec::new();
/// dump(b"AB", &opts, &mut out).unwrap();
/// assert_eq!(out, b"unsigned char __1_bin[] = {\n  0x41, 0x42\n};\nunsigned int __1_bin_len = 2;\n");
/// ```
pub fn dump(data: &[u8], opts: &Options, out: &mut dyn Write) -> Result<()> {
    dump_with(data, opts, out, CHUNK_BYTES)
}

fn dump_with(data: &[u8], opts: &Options, out: &mut dyn Write, chunk: usize) -> Result<()> {
    let (cols, group) = geometry(opts)?;
    let len = data.len() as u64;
    let (start, seekoff) = resolve_seek(opts.seek, len, opts.pipe)?;
    let avail = &data[start.min(len) as usize..];
    let n = match opts.length {
        Some(l) if l >= 0 => (l as u64).min(avail.len() as u64) as usize,
        _ => avail.len(),
    };
    let d = &avail[..n];
    let hex = if opts.upper { &UPPER } else { &LOWER };
    match opts.kind {
        Kind::Plain => plain(d, cols, hex, out, chunk),
        Kind::Include => include(d, cols, opts, out, chunk),
        _ => {
            let f = LineFormat::new(opts, cols, group, seekoff.wrapping_add(opts.display_offset));
            f.run(d, out, chunk)
        }
    }
}

/// Format `count` units (lines) of `chunk_units` each, in parallel, in order.
fn parallel_units<F>(count: usize, per_chunk: usize, out: &mut dyn Write, format: F) -> Result<()>
where
    F: Fn(std::ops::Range<usize>, &mut Vec<u8>) + Sync,
{
    use rayon::prelude::*;
    let per_chunk = per_chunk.max(1);
    let chunks = count.div_ceil(per_chunk);
    if chunks <= 1 {
        let mut buf = Vec::new();
        format(0..count, &mut buf);
        return crate::sink::flush(&mut buf, out);
    }
    let window = 2 * rayon::current_num_threads().max(1);
    let mut bufs: Vec<Vec<u8>> = (0..window).map(|_| Vec::new()).collect();
    let mut first = 0;
    while first < chunks {
        let last = (first + window).min(chunks);
        bufs[..last - first].par_iter_mut().enumerate().for_each(|(k, buf)| {
            buf.clear();
            let c = first + k;
            format(c * per_chunk..((c + 1) * per_chunk).min(count), buf);
        });
        for buf in &mut bufs[..last - first] {
            crate::sink::flush(buf, out)?;
        }
        first = last;
    }
    Ok(())
}

fn plain(d: &[u8], cols: usize, hex: &[[u8; 2]; 256], out: &mut dyn Write, chunk: usize) -> Result<()> {
    if cols == 0 {
        // `-c 0 -p`: one line.
        return parallel_units(d.len(), chunk, out, |r, buf| {
            buf.reserve(2 * r.len() + 1);
            for &b in &d[r.clone()] {
                buf.extend_from_slice(&hex[b as usize]);
            }
            if r.end == d.len() {
                buf.push(b'\n');
            }
        });
    }
    let lines = d.len().div_ceil(cols);
    parallel_units(lines, chunk / cols, out, |r, buf| {
        let bytes = &d[r.start * cols..(r.end * cols).min(d.len())];
        // Room for the lines, then filled in place (no growth check per byte).
        let at = buf.len();
        buf.resize(at + bytes.len() * 2 + r.len(), b'\n');
        for (line, text) in bytes.chunks(cols).zip(buf[at..].chunks_mut(2 * cols + 1)) {
            for (&b, pair) in line.iter().zip(text.chunks_exact_mut(2)) {
                pair.copy_from_slice(&hex[b as usize]);
            }
        }
    })
}

/// `-i` variable name: `__` before a leading digit, non-alphanumerics as `_`.
fn c_name(name: &[u8], capitalize: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(name.len() + 2);
    if name.first().is_some_and(u8::is_ascii_digit) {
        v.extend_from_slice(b"__");
    }
    for &c in name {
        v.push(match c {
            c if c.is_ascii_alphanumeric() && capitalize => c.to_ascii_uppercase(),
            c if c.is_ascii_alphanumeric() => c,
            _ => b'_',
        });
    }
    v
}

fn include(d: &[u8], cols: usize, opts: &Options, out: &mut dyn Write, chunk: usize) -> Result<()> {
    let name = opts.name.as_deref().map(|n| c_name(n, opts.capitalize));
    let mut buf = Vec::new();
    if let Some(n) = &name {
        buf.extend_from_slice(b"unsigned char ");
        buf.extend_from_slice(n);
        buf.extend_from_slice(b"[] = {\n");
        crate::sink::flush(&mut buf, out)?;
    }
    let (x, hex) = if opts.upper { (b'X', &UPPER) } else { (b'x', &LOWER) };
    let lines = d.len().div_ceil(cols);
    parallel_units(lines, chunk / cols, out, |r, buf| {
        for i in r {
            buf.extend_from_slice(if i == 0 { b"  " } else { b",\n  " });
            let line = &d[i * cols..((i + 1) * cols).min(d.len())];
            for (j, &b) in line.iter().enumerate() {
                if j > 0 {
                    buf.extend_from_slice(b", ");
                }
                buf.extend_from_slice(&[b'0', x]);
                buf.extend_from_slice(&hex[b as usize]);
            }
        }
    })?;
    if !d.is_empty() {
        buf.push(b'\n');
    }
    if let Some(n) = &name {
        buf.extend_from_slice(b"};\nunsigned int ");
        buf.extend_from_slice(n);
        buf.extend_from_slice(if opts.capitalize { b"_LEN = " } else { b"_len = " });
        // xxd counts in a C int.
        buf.extend_from_slice(itoa::Buffer::new().format(d.len() as i32).as_bytes());
        buf.extend_from_slice(b";\n");
    }
    crate::sink::flush(&mut buf, out)
}

/// What autoskip does with one full line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Print,
    Star,
    Skip,
}

/// The normal, `-b` and `-e` line layout, computed as xxd computes it.
struct LineFormat {
    cols: usize,
    bits: bool,
    decimal: bool,
    autoskip: bool,
    /// Column of each byte's digits, counted from the end of the address.
    hex_at: Vec<usize>,
    /// Column of the first character-column character, from the end of the address.
    chars_at: usize,
    /// Digits never overlap the character column: lines can be built in one pass.
    simple: bool,
    /// Spaces, for a line's body.
    blank: Vec<u8>,
    hex: &'static [[u8; 2]; 256],
    chars: [u8; 256],
    /// Offset shown for the first byte.
    base: u64,
    /// xxd's default layout (16 bytes a line, groups of 2, hex offsets):
    /// full lines are written by [`LineFormat::line16`].
    default: bool,
}

/// The length of a default line ([`LineFormat::line16`]).
const LINE16: usize = 68;

impl LineFormat {
    fn new(opts: &Options, cols: usize, group: usize, base: u64) -> LineFormat {
        let bits = opts.kind == Kind::Bits;
        let le = opts.kind == Kind::LittleEndian;
        let grplen = if bits { 8 * group + 1 } else { 2 * group + 1 };
        let hex_at: Vec<usize> = (0..cols).map(|p| 1 + grplen * if le { p ^ (group - 1) } else { p } / group).collect();
        let chars_at = (grplen * cols - 1) / group + 3;
        let width = if bits { 8 } else { 2 };
        let simple = hex_at.iter().all(|&h| h + width <= chars_at);
        let body = hex_at.iter().map(|h| h + width).max().unwrap_or(0).max(chars_at + cols) + 1;
        LineFormat {
            cols,
            bits,
            decimal: opts.decimal,
            autoskip: opts.autoskip,
            hex_at,
            chars_at,
            simple,
            blank: vec![b' '; body],
            hex: if opts.upper { &UPPER } else { &LOWER },
            chars: char_table(opts.ebcdic),
            base,
            default: opts.kind == Kind::Normal && cols == 16 && group == 2 && !opts.decimal,
        }
    }

    fn run(&self, d: &[u8], out: &mut dyn Write, chunk: usize) -> Result<()> {
        let lines = d.len().div_ceil(self.cols);
        parallel_units(lines, chunk / self.cols, out, |r, buf| self.lines(d, r, buf))
    }

    /// Append lines `r` of `d`.
    fn lines(&self, d: &[u8], mut r: std::ops::Range<usize>, buf: &mut Vec<u8>) {
        let cols = self.cols;
        let full = d.len() / cols;
        let partial = !d.len().is_multiple_of(cols);
        buf.reserve(r.len() * (self.chars_at + cols + 12));
        if self.default && !self.autoskip && self.base.checked_add(d.len() as u64).is_some_and(|e| e <= 1 << 32) {
            let end = r.end.min(full).max(r.start);
            let at = buf.len();
            buf.resize(at + (end - r.start) * LINE16, 0);
            let text = buf[at..].chunks_exact_mut(LINE16);
            for ((i, bytes), line) in (r.start..end).zip(d[r.start * 16..end * 16].chunks_exact(16)).zip(text) {
                if let (Ok(bytes), Ok(line)) = (bytes.try_into(), line.try_into()) {
                    self.line16(bytes, (self.base as usize + i * 16) as u32, line);
                }
            }
            r.start = end;
        }
        for i in r {
            let line = &d[i * cols..((i + 1) * cols).min(d.len())];
            if self.autoskip && i < full {
                match autoskip_act(d, cols, i, full, partial) {
                    Act::Print => {}
                    Act::Star => {
                        buf.extend_from_slice(b"*\n");
                        continue;
                    }
                    Act::Skip => continue,
                }
            }
            self.line(line, self.base.wrapping_add((i * cols) as u64), buf);
        }
    }

    /// xxd's default line of 16 bytes at an offset below 2^32, written at
    /// fixed columns: `00000010: 6869 6e6d 6170 0a0b 0c0d 0e0f 1011 1213  binmap.........\n`.
    #[inline]
    fn line16(&self, bytes: &[u8; 16], addr: u32, line: &mut [u8; LINE16]) {
        for (k, &a) in addr.to_be_bytes().iter().enumerate() {
            line[2 * k..2 * k + 2].copy_from_slice(&LOWER[a as usize]);
        }
        line[8..10].copy_from_slice(b": ");
        for g in 0..8 {
            line[10 + 5 * g..12 + 5 * g].copy_from_slice(&self.hex[bytes[2 * g] as usize]);
            line[12 + 5 * g..14 + 5 * g].copy_from_slice(&self.hex[bytes[2 * g + 1] as usize]);
            line[14 + 5 * g] = b' ';
        }
        line[50] = b' ';
        for k in 0..16 {
            line[51 + k] = self.chars[bytes[k] as usize];
        }
        line[67] = b'\n';
    }

    /// Append one line (`bytes` at most `cols` long) shown at offset `addr`.
    #[inline]
    fn line(&self, bytes: &[u8], addr: u64, buf: &mut Vec<u8>) {
        write_addr(buf, addr, self.decimal);
        let at = buf.len();
        let end = self.chars_at + bytes.len();
        if self.simple {
            buf.extend_from_slice(&self.blank[..end + 1]);
            let l = &mut buf[at..];
            let (digits, tail) = l.split_at_mut(self.chars_at);
            if self.bits {
                for (&b, &h) in bytes.iter().zip(&self.hex_at) {
                    digits[h..h + 8].copy_from_slice(&BITS[b as usize]);
                }
            } else {
                for (&b, &h) in bytes.iter().zip(&self.hex_at) {
                    digits[h..h + 2].copy_from_slice(&self.hex[b as usize]);
                }
            }
            for (slot, &b) in tail.iter_mut().zip(bytes) {
                *slot = self.chars[b as usize];
            }
            tail[bytes.len()] = b'\n';
        } else {
            // Overlapping columns (-e with a group wider than the line):
            // write in xxd's order into a whole line, then cut it.
            let mut l = self.blank.clone();
            for (p, (&b, &h)) in bytes.iter().zip(&self.hex_at).enumerate() {
                if self.bits {
                    l[h..h + 8].copy_from_slice(&BITS[b as usize]);
                } else {
                    l[h..h + 2].copy_from_slice(&self.hex[b as usize]);
                }
                l[self.chars_at + p] = self.chars[b as usize];
            }
            buf.extend_from_slice(&l[..end]);
            buf.push(b'\n');
        }
    }
}

/// xxd's `%08lx:` or `%08ld:` (the offset as a signed long).
#[inline]
fn write_addr(buf: &mut Vec<u8>, addr: u64, decimal: bool) {
    if decimal {
        let v = addr as i64;
        let mut ib = itoa::Buffer::new();
        let digits = ib.format(v.unsigned_abs()).as_bytes();
        let sign = usize::from(v < 0);
        if v < 0 {
            buf.push(b'-');
        }
        for _ in digits.len() + sign..8 {
            buf.push(b'0');
        }
        buf.extend_from_slice(digits);
    } else {
        let n = (16 - (addr.leading_zeros() as usize) / 4).max(8);
        for k in (0..n).rev() {
            buf.push(b"0123456789abcdef"[((addr >> (4 * k)) & 15) as usize]);
        }
    }
    buf.push(b':');
}

#[inline]
fn zero_line(d: &[u8], cols: usize, i: usize) -> bool {
    d[i * cols..(i + 1) * cols].iter().all(|&b| b == 0)
}

/// Autoskip for full line `i` of `full` (`partial`: a short line follows),
/// exactly as xxd's `xxdline` decides: in a run of all-zero lines the first
/// is shown; a run of two is shown whole; a longer one becomes the first
/// line and `*` (at the end of the input a run of three is shown whole and
/// a longer one also shows its last line).
fn autoskip_act(d: &[u8], cols: usize, i: usize, full: usize, partial: bool) -> Act {
    if !zero_line(d, cols, i) {
        return Act::Print;
    }
    let last_at_eof = |j: usize| j + 1 == full && !partial;
    let pos = match i {
        0 => 0,
        _ if !zero_line(d, cols, i - 1) => 0,
        1 => 1,
        _ if !zero_line(d, cols, i - 2) => 1,
        _ => 2,
    };
    match pos {
        0 => Act::Print,
        1 => {
            let next_zero = i + 1 < full && zero_line(d, cols, i + 1);
            if !next_zero || last_at_eof(i + 1) { Act::Print } else { Act::Star }
        }
        _ if last_at_eof(i) => Act::Print,
        _ => Act::Skip,
    }
}

// ---------------------------------------------------------------- reverse

/// Where `-r` writes: a stream (stdout into a pipe: it can only go forward,
/// filling gaps with zeros) or a seekable file (xxd seeks, and may go back
/// to patch earlier bytes).
pub trait ReverseSink {
    /// Write bytes at the current position.
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// Move by `delta` bytes from the current position; `Ok(false)` when
    /// this sink cannot seek (or the position would be negative).
    fn seek_by(&mut self, delta: i64) -> std::io::Result<bool>;
}

/// A sink that cannot seek: what xxd does writing into a pipe.
pub struct Stream<'a>(pub &'a mut dyn Write);

impl ReverseSink for Stream<'_> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all(bytes)
    }
    fn seek_by(&mut self, _delta: i64) -> std::io::Result<bool> {
        Ok(false)
    }
}

/// A seekable sink (a regular file, `/dev/null`).
pub struct Seekable<F: Write + Seek>(pub F);

impl<F: Write + Seek> ReverseSink for Seekable<F> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all(bytes)
    }
    fn seek_by(&mut self, delta: i64) -> std::io::Result<bool> {
        match self.0.seek(SeekFrom::Current(delta)) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// Hex digit values, -1 for anything else.
static HEXVAL: [i8; 256] = {
    let mut t = [-1i8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as i8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as i8;
        t[b'A' as usize + i] = 10 + i as i8;
        i += 1;
    }
    t
};

/// The state of xxd's reverse parser (`huntype`) between two characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RevState {
    p: i64,
    ign_garb: bool,
    n1: i32,
    n2: i32,
    n3: i32,
    want: i64,
}

impl RevState {
    fn start(cols: i64) -> RevState {
        RevState { p: cols, ign_garb: true, n1: -1, n2: 0, n3: 0, want: 0 }
    }
    /// At the start of a line after a newline (the last three nibbles do not
    /// matter there: they are shifted out before they are looked at).
    fn at_line_start(&self, cols: i64) -> bool {
        self.p >= cols && self.ign_garb && self.want == 0
    }
}

/// Output of a stretch of dump text: bytes, and where each run of them goes.
#[derive(Default)]
struct Segs {
    data: Vec<u8>,
    /// (start in `data`, target offset) of each run.
    runs: Vec<(usize, i64)>,
    pos: i64,
    started: bool,
}

impl Segs {
    #[inline]
    fn check(&mut self, target: i64) {
        if !self.started || target != self.pos {
            self.runs.push((self.data.len(), target));
            self.pos = target;
            self.started = true;
        }
    }
    #[inline]
    fn push(&mut self, b: u8) {
        self.data.push(b);
        self.pos = self.pos.wrapping_add(1);
    }
}

/// xxd's `huntype` over `text`, from state `st`.
fn rev_run(text: &[u8], plain: bool, cols: i64, base: i64, st: &mut RevState, segs: &mut Segs) {
    let n = text.len();
    let mut i = 0;
    while i < n {
        let mut c = text[i] as i32;
        i += 1;
        if c == b'\r' as i32 {
            continue;
        }
        if plain && (c == b' ' as i32 || c == b'\n' as i32 || c == b'\t' as i32) {
            continue;
        }
        // Fast path: whole hex pairs in the data part (what the slow path
        // below does for them, without its per-character checks).
        if st.n1 < 0
            && !st.ign_garb
            && (plain || st.p < cols)
            && segs.started
            && segs.pos == base.wrapping_add(st.want)
            && HEXVAL[c as usize] >= 0
            && i < n
            && HEXVAL[text[i] as usize] >= 0
        {
            let mut j = i - 1;
            let mut last_hi = 0;
            while j + 1 < n && (plain || st.p < cols) {
                let (a, b) = (HEXVAL[text[j] as usize], HEXVAL[text[j + 1] as usize]);
                if (a | b) < 0 {
                    break;
                }
                segs.push(((a as u8) << 4) | b as u8);
                st.want = st.want.wrapping_add(1);
                st.p += 1;
                last_hi = a as i32;
                j += 2;
            }
            // The nibbles the slow path leaves after a pair.
            (st.n3, st.n2, st.n1) = (-1, last_hi, -1);
            i = j;
            if !plain && st.p >= cols {
                // The line is full: the rest of it is skipped.
                match text[i..].iter().position(|&b| b == b'\n') {
                    Some(k) => {
                        i += k + 1;
                        st.want = 0;
                        st.p = cols;
                        st.ign_garb = true;
                    }
                    None => i = n,
                }
            }
            continue;
        }
        st.n3 = st.n2;
        st.n2 = st.n1;
        st.n1 = HEXVAL[c as usize] as i32;
        if st.n1 == -1 && st.ign_garb {
            continue;
        }
        st.ign_garb = false;
        if !plain && st.p >= cols {
            if st.n1 < 0 {
                st.p = 0;
                continue;
            }
            st.want = (st.want << 4) | st.n1 as i64;
            continue;
        }
        segs.check(base.wrapping_add(st.want));
        let mut skip = false;
        if st.n2 >= 0 && st.n1 >= 0 {
            segs.push(((st.n2 << 4) | st.n1) as u8);
            st.want = st.want.wrapping_add(1);
            st.n1 = -1;
            if !plain {
                st.p += 1;
                skip = st.p >= cols;
            }
        } else if st.n1 < 0 && st.n2 < 0 && st.n3 < 0 {
            skip = true;
        }
        if skip && c != b'\n' as i32 {
            match text[i..].iter().position(|&b| b == b'\n') {
                Some(k) => {
                    i += k + 1;
                    c = b'\n' as i32;
                }
                None => {
                    i = n;
                    c = -1;
                }
            }
        }
        if c == b'\n' as i32 {
            if !plain {
                st.want = 0;
            }
            st.p = cols;
            st.ign_garb = true;
        }
    }
}

/// Apply the runs of `segs` to `sink`; `have` is the offset written so far.
fn apply(segs: &Segs, sink: &mut dyn ReverseSink, have: &mut i64) -> Result<()> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::Io, "broken pipe")
        } else {
            Error::io("<output>", &e)
        }
    };
    for (k, &(start, target)) in segs.runs.iter().enumerate() {
        let end = segs.runs.get(k + 1).map_or(segs.data.len(), |r| r.0);
        if target != *have {
            if sink.seek_by(target.wrapping_sub(*have)).map_err(io)? {
                *have = target;
            }
            if target < *have {
                return Err(Error::usage(format!(
                    "{MSG_SEEK_BACK}: offset {target:#x} comes after {have:#x} bytes were written"
                )));
            }
            static ZEROS: [u8; 1 << 16] = [0; 1 << 16];
            while *have < target {
                let step = (target - *have).min(ZEROS.len() as i64) as usize;
                sink.put(&ZEROS[..step]).map_err(io)?;
                *have += step as i64;
            }
        }
        sink.put(&segs.data[start..end]).map_err(io)?;
        *have = have.wrapping_add((end - start) as i64);
    }
    Ok(())
}

/// Convert a hex dump back into bytes, as `xxd -r` (or `xxd -r -p` with
/// [`Kind::Plain`]) does, writing into a stream: offsets that jump forward
/// are filled with zeros, offsets that go back are an error (after the
/// bytes before them are written), as xxd does writing into a pipe. `-s`
/// (`opts.seek`) is added to the offsets read; `-c` limits the bytes taken
/// from one line. Anything that is not a dump is skipped as xxd skips it.
///
/// ```
/// use binmap::hex::xxd::{reverse, Kind, Options};
/// let mut out = Vec::new();
/// reverse(b"00000000: 6869 0a  hi.\n", &Options::default(), &mut out).unwrap();
/// assert_eq!(out, b"hi\n");
/// let plain = Options { kind: Kind::Plain, ..Options::default() };
/// out.clear();
/// reverse(b"6869\n0a", &plain, &mut out).unwrap();
/// assert_eq!(out, b"hi\n");
/// ```
pub fn reverse(text: &[u8], opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 18, out);
    reverse_to(text, opts, &mut Stream(&mut w))?;
    w.flush().map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Error::new(ErrorKind::Io, "broken pipe")
        } else {
            Error::io("<output>", &e)
        }
    })
}

/// [`reverse`] into any [`ReverseSink`] (a [`Seekable`] file is patched in
/// place as xxd patches it).
pub fn reverse_to(text: &[u8], opts: &Options, sink: &mut dyn ReverseSink) -> Result<()> {
    reverse_with(text, opts, sink, 1 << 20)
}

fn reverse_with(text: &[u8], opts: &Options, sink: &mut dyn ReverseSink, chunk: usize) -> Result<()> {
    use rayon::prelude::*;
    let (cols, _) = geometry(opts)?;
    let plain = match opts.kind {
        Kind::Normal => false,
        Kind::Plain => true,
        _ => return Err(Error::usage(format!("{MSG_REVERT} (-r works with the normal and -p dumps)"))),
    };
    let cols = cols as i64;
    let base = opts.seek.map_or(0, |s| if s.negative { s.value.wrapping_neg() } else { s.value });
    let mut st = RevState::start(cols);
    let mut have = 0i64;
    if plain || text.len() <= chunk {
        let mut segs = Segs::default();
        rev_run(text, plain, cols, base, &mut st, &mut segs);
        return apply(&segs, sink, &mut have);
    }
    // Chunks end after a newline; each is parsed as if it started a line,
    // and parsed again in order when the one before did not end that way.
    let mut bounds = vec![0];
    let mut at = 0;
    while at < text.len() {
        let stop = (at + chunk).min(text.len());
        let end = match text[stop..].iter().position(|&b| b == b'\n') {
            Some(k) => stop + k + 1,
            None => text.len(),
        };
        bounds.push(end);
        at = end;
    }
    let window = 2 * rayon::current_num_threads().max(1);
    let pieces: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    for group in pieces.chunks(window) {
        let done: Vec<(Segs, RevState)> = group
            .par_iter()
            .map(|&(a, b)| {
                let mut s = RevState::start(cols);
                let mut segs = Segs::default();
                rev_run(&text[a..b], false, cols, base, &mut s, &mut segs);
                (segs, s)
            })
            .collect();
        for (&(a, b), (segs, end)) in group.iter().zip(done) {
            if st.at_line_start(cols) {
                apply(&segs, sink, &mut have)?;
                st = end;
            } else {
                let mut segs = Segs::default();
                rev_run(&text[a..b], false, cols, base, &mut st, &mut segs);
                apply(&segs, sink, &mut have)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A stream that refuses to grow past 1 MiB (random offsets ask for zettabytes).
    struct Capped(Vec<u8>);
    impl Write for Capped {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + b.len() > 1 << 20 {
                return Err(std::io::Error::other("too big"));
            }
            self.0.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn rev(text: &[u8], opts: &Options, chunk: usize) -> (Vec<u8>, bool) {
        let mut c = Capped(Vec::new());
        let ok = reverse_with(text, opts, &mut Stream(&mut c), chunk).is_ok();
        (c.0, ok)
    }

    fn text_strategy() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b'0'),
                Just(b'1'),
                Just(b'a'),
                Just(b'F'),
                Just(b' '),
                Just(b' '),
                Just(b'\n'),
                Just(b':'),
                Just(b'\r'),
                Just(b'\t'),
                any::<u8>()
            ],
            0..400,
        )
    }

    proptest! {
        #[test]
        fn reverse_never_panics_and_chunks_agree(text in text_strategy(), cols in 0i32..40, s in -40i64..40, p in any::<bool>()) {
            let opts = Options {
                kind: if p { Kind::Plain } else { Kind::Normal },
                cols: Some(cols),
                seek: Some(SeekSpec { relative: false, negative: s < 0, value: s.abs() }),
                ..Options::default()
            };
            let whole = rev(&text, &opts, usize::MAX);
            for chunk in [1, 7, 50] {
                prop_assert_eq!(&rev(&text, &opts, chunk), &whole);
            }
        }

        #[test]
        fn dump_chunks_agree(data in proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..300),
                             cols in 1i32..20, auto in any::<bool>(), k in 0usize..5) {
            let kind = [Kind::Normal, Kind::Bits, Kind::LittleEndian, Kind::Plain, Kind::Include][k];
            let opts = Options { kind, cols: Some(cols), autoskip: auto, ..Options::default() };
            let mut whole = Vec::new();
            dump_with(&data, &opts, &mut whole, usize::MAX).unwrap();
            for chunk in [1, 16, 40] {
                let mut part = Vec::new();
                dump_with(&data, &opts, &mut part, chunk).unwrap();
                prop_assert_eq!(&part, &whole);
            }
        }

        #[test]
        fn plain_round_trip(data in proptest::collection::vec(any::<u8>(), 0..300), cols in 0i32..40) {
            let opts = Options { kind: Kind::Plain, cols: Some(cols), ..Options::default() };
            let mut text = Vec::new();
            dump(&data, &opts, &mut text).unwrap();
            let mut back = Vec::new();
            reverse(&text, &opts, &mut back).unwrap();
            prop_assert_eq!(back, data);
        }
    }

    #[test]
    fn autoskip_runs() {
        let mut d = vec![1u8; 4];
        d.extend([0u8; 4 * 5]);
        d.extend([2u8; 4]);
        let opts = Options { cols: Some(4), autoskip: true, ..Options::default() };
        let mut out = Vec::new();
        dump(&d, &opts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().filter(|l| *l == "*").count(), 1);
    }
}
