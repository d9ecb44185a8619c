//! The annotated hex dump: `xxd` lines whose bytes are coloured by the
//! layout field they belong to, each followed by the paths of the fields
//! that start on it (`records[3].name records[3].time`), or of the field the
//! line starts in.
//!
//! ```text
//! 00000000: 4d53 4654 5f70 726f 6669 7400 0a00 0000  MSFT_profit.....  records[0].name records[0].time
//! 00000010: 0000 0000 6666 c640 474f 4f47 5f70 726f  ....ff.@GOOG_pro  records[0].value records[1].name
//! ```
//!
//! The dump streams: a cursor walks the [`Map`] in offset order (struct
//! members sorted by offset, so `@` placements land where they are in the
//! file; uniform arrays jump to the element holding the first byte by
//! arithmetic, variable-size ones by a binary search), so a few lines from
//! the middle of a 100 GB file cost the same as from a small one, and a
//! whole file costs one pass with no per-byte table. Paths are formatted only
//! for the lines that show them.
//!
//! Colours: a field's colour depends on its path without indexes
//! (`records[].value`), in the order the layout declares its fields; two
//! neighbouring fields that would share a colour get the next palette entry
//! instead (so the elements of a `f64[n]` alternate). Padding (`_`, `align`)
//! and bytes the layout does not describe are grey. Colour is 256-colour
//! ANSI SGR, reset at the end of each line; without colour the output is
//! plain text.
//!
//! Fields out of file order are sorted within each struct; a field placed
//! with `@` inside a variable-size array element that lands beyond the
//! following elements cannot be shown in order: bytes already dumped are not
//! revisited, and such overlapping fields are clipped. Fields read elsewhere
//! (`name: T @ EXPR`, pointers) are left out of the walk: their bytes are
//! coloured only by the fields that describe them in place, if any.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::layout::{Item, Type};
use crate::map::{ArrayNode, Elems, Map, Member, Node, NodeKind};
use crate::select::{self, Rows, Selection};

/// How to lay out the annotated dump: `xxd`'s geometry (`-c`, `-g`, `-u`),
/// colour on or off, and the byte range `[start, end)` (clamped to the file).
///
/// ```
/// use binmap::hex::annotate::AnnotateOptions;
/// let o = AnnotateOptions { cols: 8, group: 1, ..AnnotateOptions::default() };
/// assert_eq!((o.cols, o.group, o.color, o.start, o.end), (8, 1, false, 0, u64::MAX));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnnotateOptions {
    /// Bytes per line (`xxd -c`); 0 means 16.
    pub cols: usize,
    /// Bytes per group (`xxd -g`); 0 (or more than `cols`) means one group per line.
    pub group: usize,
    /// Upper-case hex digits (`xxd -u`).
    pub upper: bool,
    /// Colour the bytes and paths with ANSI SGR codes.
    pub color: bool,
    /// First byte to dump.
    pub start: u64,
    /// One past the last byte to dump (`u64::MAX`: to the end of the file).
    pub end: u64,
}

impl Default for AnnotateOptions {
    /// `xxd`'s defaults (16 bytes per line in groups of 2), no colour, the whole file.
    fn default() -> Self {
        AnnotateOptions { cols: 16, group: 2, upper: false, color: false, start: 0, end: u64::MAX }
    }
}

/// The 256-colour palette of fields: readable on dark and light backgrounds.
pub const PALETTE: [u8; 8] = [33, 208, 35, 170, 37, 136, 98, 167];
/// The 256-colour index of padding and of bytes the layout does not describe.
pub const DIM: u8 = 243;

/// At most this many paths are shown on one line; more are counted as `+N`.
pub const MAX_LABELS: usize = 4;

/// The colour of a byte: an index into [`PALETTE`], or `GREY`.
const GREY: u8 = u8::MAX;
const RESET: &[u8] = b"\x1b[0m";

/// The byte range `[start, end)` of a path (`records`, `records[3].value`,
/// `coords.x`) or of rows of the outermost array; the whole file when both
/// are `None`.
///
/// A projection through an array (`records.value`, `coords.x`) gives the
/// range of the elements it projects (the whole array, or the elements of
/// a slice: `records[::2].value` those of `records[::2]`); a slice, the
/// bytes from its lowest element to its highest. `rows` selects elements of the array the path
/// names (or projects through); without a path, of the file's main table
/// ([`select::main_table`]: `records` of db.dat, `coords` of
/// flight_path.b). An empty row range gives an empty range where the rows
/// would start.
///
/// ```
/// use binmap::hex::annotate::range_of;
/// use binmap::select::Rows;
/// let layout = binmap::Layout::parse("n: u8\nv: { a: u8, b: u16 }[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[2, 1, 2, 0, 3, 4, 0], "x.bin").unwrap();
/// assert_eq!(range_of(&map, None, None).unwrap(), (0, 7));
/// assert_eq!(range_of(&map, Some("v"), None).unwrap(), (1, 7));
/// assert_eq!(range_of(&map, Some("v[1].b"), None).unwrap(), (5, 7));
/// assert_eq!(range_of(&map, Some("v.b"), None).unwrap(), (1, 7));
/// assert_eq!(range_of(&map, Some("v[::-1]"), None).unwrap(), (1, 7));
/// assert_eq!(range_of(&map, Some("v[1:]"), None).unwrap(), (4, 7));
/// assert_eq!(range_of(&map, None, Some(Rows::parse("-1..").unwrap())).unwrap(), (4, 7));
/// assert!(range_of(&map, Some("n"), Some(Rows::parse("0..1").unwrap())).is_err());
/// ```
pub fn range_of(map: &Map<'_>, path: Option<&str>, rows: Option<Rows>) -> Result<(u64, u64)> {
    let segs = match (path, rows) {
        (None, None) => return Ok((0, map.filesize())),
        (Some(p), _) => select::parse_path(p)?,
        (None, Some(_)) => select::main_table(map)
            .ok_or_else(|| Error::usage("--rows selects elements of an array, and this layout has no array"))?,
    };
    let segs = whole_elements(map, segs)?;
    let sel = select::select(map, &segs)?;
    if let (None, Selection::One(v)) = (rows, &sel) {
        return Ok((v.abs, v.abs.saturating_add(extent(v.node))));
    }
    let Some(set) = sel.rows(rows.unwrap_or_default(), &segs)? else {
        return Err(Error::usage(format!(
            "--rows selects elements of an array, and '{}' is not an array",
            select::path_to_string(&segs)
        )));
    };
    Ok(set.span())
}

/// A path up to its first field of every element of an array
/// (`records[::2]` of `records[::2].value`): the dump shows whole elements.
fn whole_elements(map: &Map<'_>, segs: Vec<select::Seg>) -> Result<Vec<select::Seg>> {
    for k in 0..segs.len() {
        if matches!(segs[k], select::Seg::Field(_)) && k > 0 && select::select(map, &segs[..k])?.picked().is_some() {
            return Ok(segs[..k].to_vec());
        }
    }
    Ok(segs)
}

/// Write the annotated dump of bytes `[opts.start, opts.end)` of `map`'s
/// file to `out`.
///
/// Each line is exactly `xxd -s START -c COLS -g GROUP`'s line for the same
/// bytes, then (when a field starts on the line, or the line starts inside
/// one) two spaces and the paths, the ASCII column padded to full width so
/// the paths line up. With `opts.color`, bytes and paths are coloured by
/// field (see the module docs); stripping the SGR codes gives the plain
/// output.
///
/// ```
/// use binmap::hex::annotate::{write_annotated, AnnotateOptions};
/// let layout = binmap::Layout::parse("n: u16\n_: u16\nv: u32be[n]").unwrap();
/// let bytes = [2, 0, 0, 0, 0, 0, 0, 7, 0x41, 0x42, 0x43, 0x44, 0xff];
/// let map = binmap::Map::new(&layout, &bytes, "x.bin").unwrap();
/// let mut out = Vec::new();
/// let opts = AnnotateOptions { cols: 8, group: 1, ..AnnotateOptions::default() };
/// write_annotated(&map, &opts, &mut out).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "00000000: 02 00 00 00 00 00 00 07  ........  n v[0]\n\
///      00000008: 41 42 43 44 ff           ABCD.     v[1]\n"
/// );
/// ```
pub fn write_annotated(map: &Map<'_>, opts: &AnnotateOptions, out: &mut dyn Write) -> Result<()> {
    let data = map.data();
    // The file's bytes only: not what its compressed regions decompress to.
    let len = map.filesize();
    let (lo, hi) = (opts.start.min(len), opts.end.min(len));
    if lo >= hi {
        return Ok(());
    }
    let cols = if opts.cols == 0 { 16 } else { opts.cols };
    let group = if opts.group == 0 || opts.group > cols { cols } else { opts.group };
    let hex_width = 2 * cols + cols.div_ceil(group) - 1;
    let digits: &[u8; 16] = if opts.upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let pairs: Vec<[u8; 2]> = (0..=255u8).map(|b| [digits[usize::from(b >> 4)], digits[usize::from(b & 15)]]).collect();
    // Where byte `i` of a line goes in the hex column, and where the ASCII column starts.
    let hex_at: Vec<usize> = (0..cols).map(|i| 2 * i + i / group).collect();
    let ascii_at = hex_width + 2;
    let sgr: Vec<Vec<u8>> = PALETTE.iter().chain([&DIM]).map(|c| format!("\x1b[38;5;{c}m").into_bytes()).collect();
    let sgr_of = |c: u8| -> &[u8] { &sgr[usize::from(c).min(PALETTE.len())] };

    let mut walker = Walker::new(map, lo, hi);
    let mut cur = walker.next();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    // Per line: (end of the run within the line, colour).
    let mut runs: Vec<(usize, u8)> = Vec::with_capacity(cols + 1);
    let mut labels = String::new();
    // (start, end) in `labels` and the colour of each shown path.
    let mut spans: Vec<(usize, usize, u8)> = Vec::new();
    // The path of the field a line starts in, kept while the field lasts.
    let mut cont = String::new();
    let mut cont_of: Option<(u64, u64)> = None;
    // The plain line, when colour codes go into it.
    let mut scratch: Vec<u8> = Vec::with_capacity(4 * cols + 64);

    let mut line = lo;
    while line < hi {
        let line_end = line.saturating_add(cols as u64).min(hi);
        runs.clear();
        labels.clear();
        spans.clear();
        let mut starts = 0usize;
        let mut cont_col: Option<u8> = None;
        let mut pos = line;
        while pos < line_end {
            while let Some(c) = cur {
                if c.end > pos {
                    break;
                }
                cur = walker.next();
            }
            let rel = |e: u64| (e - line) as usize;
            match cur {
                Some(c) if c.start <= pos => {
                    if c.named {
                        if c.start == pos {
                            starts += 1;
                            if starts <= MAX_LABELS {
                                let from = labels.len();
                                if from > 0 {
                                    labels.push(' ');
                                }
                                let at = labels.len();
                                walker.path_into(&mut labels);
                                if labels.len() == at {
                                    labels.truncate(from);
                                    starts -= 1;
                                } else {
                                    spans.push((at, labels.len(), c.col));
                                }
                            }
                        } else if pos == line {
                            if cont_of != Some((c.start, c.end)) {
                                cont.clear();
                                walker.path_into(&mut cont);
                                cont_of = Some((c.start, c.end));
                            }
                            cont_col = Some(c.col);
                        }
                    }
                    let e = c.end.min(line_end);
                    runs.push((rel(e), c.col));
                    pos = e;
                }
                Some(c) => {
                    let e = c.start.min(line_end);
                    runs.push((rel(e), GREY));
                    pos = e;
                }
                None => {
                    runs.push((rel(line_end), GREY));
                    pos = line_end;
                }
            }
        }

        // The xxd part.
        let bytes = slice(data, line, line_end);
        push_offset(&mut buf, line);
        let n = bytes.len();
        let show_paths = starts > 0 || cont_col.is_some();
        scratch.clear();
        let mut copied = 0;
        // A line of spaces, filled in place: exactly xxd's line.
        let line_buf = if opts.color { &mut scratch } else { &mut buf };
        let at = line_buf.len();
        line_buf.resize(at + ascii_at + cols, b' ');
        let (hex, asc) = line_buf[at..].split_at_mut(ascii_at);
        for ((&b, &p), a) in bytes.iter().zip(&hex_at).zip(asc.iter_mut()) {
            if let Some(h) = hex.get_mut(p..p + 2) {
                h.copy_from_slice(&pairs[usize::from(b)]);
            }
            *a = ascii(b);
        }
        let line_len = if show_paths { ascii_at + cols } else { ascii_at + n };
        line_buf.truncate(at + line_len);
        if opts.color && n > 0 {
            // Copy it with a colour code where the colour changes, in the
            // hex and the ASCII columns alike.
            let hex_end = hex_at[n - 1] + 2;
            for (column, end) in [(0, hex_end), (ascii_at, ascii_at + n)] {
                let mut from = 0;
                let mut col = GREY.wrapping_sub(1);
                for &(to, c) in &runs {
                    let to = to.min(n);
                    if to <= from {
                        continue;
                    }
                    if c != col {
                        let p = if column == 0 { hex_at[from] } else { ascii_at + from };
                        buf.extend_from_slice(&scratch[copied..p]);
                        copied = p;
                        buf.extend_from_slice(sgr_of(c));
                        col = c;
                    }
                    from = to;
                }
                buf.extend_from_slice(&scratch[copied..end]);
                copied = end;
                buf.extend_from_slice(RESET);
            }
            buf.extend_from_slice(&scratch[copied..]);
        } else if opts.color {
            buf.extend_from_slice(&scratch);
        }

        // The paths.
        if show_paths {
            push_spaces(&mut buf, 2);
            if starts > 0 {
                if opts.color {
                    let mut last = 0;
                    for &(s, e, c) in &spans {
                        buf.extend_from_slice(&labels.as_bytes()[last..s]);
                        buf.extend_from_slice(sgr_of(c));
                        buf.extend_from_slice(&labels.as_bytes()[s..e]);
                        buf.extend_from_slice(RESET);
                        last = e;
                    }
                } else {
                    buf.extend_from_slice(labels.as_bytes());
                }
                if starts > MAX_LABELS {
                    buf.extend_from_slice(format!(" +{}", starts - MAX_LABELS).as_bytes());
                }
            } else if let Some(c) = cont_col {
                if opts.color {
                    buf.extend_from_slice(sgr_of(c));
                    buf.extend_from_slice(cont.as_bytes());
                    buf.extend_from_slice(RESET);
                } else {
                    buf.extend_from_slice(cont.as_bytes());
                }
            }
        }
        buf.push(b'\n');
        if buf.len() >= 1 << 16 {
            out.write_all(&buf).map_err(|e| Error::io("output", &e))?;
            buf.clear();
        }
        line = line_end;
    }
    out.write_all(&buf).map_err(|e| Error::io("output", &e))?;
    Ok(())
}

/// The bytes `[s, e)` of `data` (empty when out of range).
fn slice(data: &[u8], s: u64, e: u64) -> &[u8] {
    match (usize::try_from(s), usize::try_from(e)) {
        (Ok(s), Ok(e)) => data.get(s..e).unwrap_or(&[]),
        _ => &[],
    }
}

fn ascii(b: u8) -> u8 {
    if (0x20..0x7f).contains(&b) { b } else { b'.' }
}

fn push_spaces(buf: &mut Vec<u8>, n: usize) {
    buf.resize(buf.len() + n, b' ');
}

/// `xxd`'s offset: at least 8 lower-case hex digits, then `: `.
fn push_offset(buf: &mut Vec<u8>, off: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let n = (16 - (off.leading_zeros() as usize) / 4).max(8);
    for k in (0..n).rev() {
        buf.push(HEX[((off >> (4 * k)) & 15) as usize]);
    }
    buf.extend_from_slice(b": ");
}

/// The bytes a node's fields reach from its start: its size, or more when
/// `@` placed a member past the struct's own end.
fn extent(node: &Node) -> u64 {
    match &node.kind {
        NodeKind::Struct(ms) => {
            // A field read elsewhere (`T @ EXPR`) is not inside the node.
            ms.iter()
                .filter(|m| m.at.is_none())
                .map(|m| m.node.offset.saturating_add(extent(&m.node)))
                .fold(node.size, u64::max)
        }
        _ => node.size,
    }
}

// ---------------------------------------------------------------------------
// Colour keys: a hash of the path without indexes (`records[].value`).

const ROOT_KEY: u64 = 0xcbf2_9ce4_8422_2325;

fn mix(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn key_field(h: u64, name: &str) -> u64 {
    mix(mix(h, b"."), name.as_bytes())
}

fn key_elem(h: u64) -> u64 {
    mix(h, b"[]")
}

/// The keys are hashes already.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = mix(self.0, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type KeyMap = HashMap<u64, u8, BuildHasherDefault<KeyHasher>>;

/// Palette index of every leaf field of the layout, in declaration order.
fn colour_table(map: &Map<'_>) -> KeyMap {
    fn items(its: &[Item], key: u64, out: &mut KeyMap, next: &mut usize) {
        for it in its {
            match it {
                Item::Field(f) => {
                    if let Some(n) = &f.name {
                        ty(&f.ty, key_field(key, n), out, next);
                    }
                }
                Item::If { body, .. } => items(body, key, out, next),
                Item::Align { .. } | Item::Let { .. } => {}
            }
        }
    }
    fn ty(t: &Type, key: u64, out: &mut KeyMap, next: &mut usize) {
        match t {
            Type::Struct(st) => items(&st.items, key, out, next),
            Type::Array { elem, .. } => ty(elem, key_elem(key), out, next),
            Type::Within { inner, .. } => ty(inner, key, out, next),
            _ => {
                out.entry(key).or_insert_with(|| {
                    *next += 1;
                    ((*next - 1) % PALETTE.len()) as u8
                });
            }
        }
    }
    let mut out = KeyMap::default();
    items(&map.layout().root.items, ROOT_KEY, &mut out, &mut 0);
    out
}

// ---------------------------------------------------------------------------
// The cursor over leaves in offset order.

/// A run of bytes of one leaf field (or padding).
#[derive(Clone, Copy, Debug)]
struct Leaf {
    start: u64,
    end: u64,
    /// Palette index, or `GREY`.
    col: u8,
    /// False for padding.
    named: bool,
}

enum Frame<'m> {
    Struct {
        members: &'m [Member],
        /// Member indexes by offset, when the layout does not list them in order.
        order: Option<Vec<usize>>,
        /// Next position in `order`; the current member is `k - 1`.
        k: usize,
        base: u64,
        key: u64,
    },
    Array {
        arr: &'m ArrayNode,
        base: u64,
        /// Next storage position; the current element is `pos - 1`.
        pos: u64,
        end: u64,
        /// Key of the elements (`records[]`).
        key: u64,
    },
}

/// Walks a map's leaves that meet `[lo, hi)` in offset order; the stack is
/// the path of the last leaf returned.
struct Walker<'m> {
    stack: Vec<Frame<'m>>,
    lo: u64,
    hi: u64,
    colours: KeyMap,
    /// The root itself when it is a leaf.
    root_leaf: Option<Leaf>,
    /// End and colour of the previous named leaf.
    prev: (u64, u8),
    /// (parent key, name address, key) of recent struct members.
    key_memo: Vec<(u64, u64, u64)>,
    /// (key, palette index) of recent leaves.
    colour_memo: Vec<(u64, u8)>,
    /// The path of the last leaf formatted, the end of each frame's part of
    /// it, and how many frames have not moved since.
    path: String,
    path_ends: Vec<usize>,
    path_valid: usize,
}

/// Slots of the walker's memo tables.
const MEMO: usize = 64;

impl<'m> Walker<'m> {
    fn new(map: &'m Map<'_>, lo: u64, hi: u64) -> Walker<'m> {
        let mut w = Walker {
            stack: Vec::new(),
            lo,
            hi,
            colours: colour_table(map),
            root_leaf: None,
            prev: (0, GREY),
            key_memo: vec![(0, 0, 0); MEMO],
            colour_memo: vec![(0, GREY); MEMO],
            path: String::new(),
            path_ends: Vec::new(),
            path_valid: 0,
        };
        w.root_leaf = w.enter(&map.root, 0, ROOT_KEY);
        w
    }

    fn next(&mut self) -> Option<Leaf> {
        if let Some(l) = self.root_leaf.take() {
            return Some(l);
        }
        loop {
            let depth = self.stack.len().saturating_sub(1);
            let (node, abs, key) = match self.stack.last_mut()? {
                Frame::Struct { members, order, k, base, key } => {
                    let members: &'m [Member] = members;
                    let Some(i) = (match order {
                        Some(o) => o.get(*k).copied(),
                        None => (*k < members.len()).then_some(*k),
                    }) else {
                        self.pop();
                        continue;
                    };
                    *k += 1;
                    self.path_valid = self.path_valid.min(depth);
                    let m = &members[i];
                    if m.at.is_some() {
                        // Read elsewhere (`name: T @ EXPR`): outside the
                        // walk in file order, so not coloured.
                        continue;
                    }
                    let abs = base.saturating_add(m.node.offset);
                    if abs >= self.hi {
                        // Sorted: every later member starts past the range too.
                        self.pop();
                        continue;
                    }
                    if abs < self.lo && abs.saturating_add(extent(&m.node)) <= self.lo {
                        continue;
                    }
                    let parent = *key;
                    match &m.name {
                        Some(n) => (&m.node, abs, self.member_key(parent, n)),
                        None if m.node.size == 0 => continue,
                        None => {
                            self.prev = (0, GREY);
                            return Some(Leaf { start: abs, end: abs + m.node.size, col: GREY, named: false });
                        }
                    }
                }
                Frame::Array { arr, base, pos, end, key } => {
                    let arr: &'m ArrayNode = arr;
                    if *pos >= *end {
                        self.pop();
                        continue;
                    }
                    let Some((node, off)) = storage_elem(arr, *pos) else {
                        self.pop();
                        continue;
                    };
                    *pos += 1;
                    self.path_valid = self.path_valid.min(depth);
                    let abs = base.saturating_add(off);
                    if abs >= self.hi {
                        self.pop();
                        continue;
                    }
                    (node, abs, *key)
                }
            };
            if let Some(leaf) = self.enter(node, abs, key) {
                return Some(leaf);
            }
        }
    }

    /// Descend into `node` at `abs`: a leaf is returned, a container pushed.
    fn enter(&mut self, node: &'m Node, abs: u64, key: u64) -> Option<Leaf> {
        match &node.kind {
            NodeKind::Struct(ms) => {
                let sorted = ms.windows(2).all(|w| w[0].node.offset <= w[1].node.offset);
                let order = (!sorted).then(|| {
                    let mut o: Vec<usize> = (0..ms.len()).collect();
                    o.sort_by_key(|&i| ms[i].node.offset);
                    o
                });
                self.stack.push(Frame::Struct { members: ms, order, k: 0, base: abs, key });
                None
            }
            NodeKind::Array(a) => {
                let (pos, end) = self.array_span(a, abs);
                if pos < end {
                    self.stack.push(Frame::Array { arr: a, base: abs, pos, end, key: key_elem(key) });
                }
                None
            }
            _ if node.size == 0 => None,
            _ => {
                let mut col = self.ordinal(key);
                if self.prev == (abs, col) {
                    col = (col + 1) % PALETTE.len() as u8;
                }
                let end = abs.saturating_add(node.size);
                self.prev = (end, col);
                Some(Leaf { start: abs, end, col, named: true })
            }
        }
    }

    /// The key of member `name` of a struct whose key is `parent`, memoized
    /// by the name's address (every element of an array shares its names).
    fn member_key(&mut self, parent: u64, name: &Arc<str>) -> u64 {
        let ptr = name.as_ptr() as usize as u64;
        let slot = &mut self.key_memo[((ptr >> 3) ^ parent) as usize % MEMO];
        if slot.0 == parent && slot.1 == ptr {
            return slot.2;
        }
        let key = key_field(parent, name);
        *slot = (parent, ptr, key);
        key
    }

    /// The palette index of a leaf key, memoized.
    fn ordinal(&mut self, key: u64) -> u8 {
        let slot = &mut self.colour_memo[key as usize % MEMO];
        if slot.0 == key && slot.1 != GREY {
            return slot.1;
        }
        let col = self.colours.get(&key).copied().unwrap_or((key % PALETTE.len() as u64) as u8);
        *slot = (key, col);
        col
    }

    /// The storage positions of `a`'s elements (at `base`) that meet the range.
    fn array_span(&self, a: &ArrayNode, base: u64) -> (u64, u64) {
        let rel_lo = self.lo.saturating_sub(base);
        let rel_hi = self.hi.saturating_sub(base);
        match &a.elems {
            Elems::Uniform { stride: 0, .. } => (0, 0),
            Elems::Uniform { stride, .. } => {
                let pos = (rel_lo / stride).min(a.count);
                (pos, rel_hi.div_ceil(*stride).min(a.count))
            }
            Elems::Walked(v) => {
                let pos = v.partition_point(|n| n.offset.saturating_add(n.size) <= rel_lo);
                let end = v.partition_point(|n| n.offset < rel_hi).max(pos);
                (pos as u64, end as u64)
            }
        }
    }

    fn pop(&mut self) {
        self.stack.pop();
        self.path_valid = self.path_valid.min(self.stack.len());
    }

    /// Append the path of the last leaf returned (`records[3].value`).
    ///
    /// The path is kept between calls and only the segments of the frames
    /// that moved since are formatted again.
    fn path_into(&mut self, s: &mut String) {
        let valid = self.path_valid.min(self.stack.len()).min(self.path_ends.len());
        self.path.truncate(valid.checked_sub(1).map_or(0, |v| self.path_ends[v]));
        self.path_ends.truncate(valid);
        for f in &self.stack[valid..] {
            match f {
                Frame::Struct { members, order, k, .. } => {
                    let i = k.checked_sub(1).and_then(|cur| order.as_ref().map_or(Some(cur), |o| o.get(cur).copied()));
                    if let Some(name) = i.and_then(|i| members.get(i)).and_then(|m| m.name.as_deref()) {
                        if !self.path.is_empty() {
                            self.path.push('.');
                        }
                        self.path.push_str(name);
                    }
                }
                Frame::Array { arr, pos, .. } => push_index(&mut self.path, arr, pos.saturating_sub(1)),
            }
            self.path_ends.push(self.path.len());
        }
        self.path_valid = self.stack.len();
        s.push_str(&self.path);
    }
}

/// Element at storage position `k` (C order, or Fortran order for Fortran
/// arrays) and its offset from the array start.
fn storage_elem(a: &ArrayNode, k: u64) -> Option<(&Node, u64)> {
    match &a.elems {
        Elems::Uniform { stride, elem } => Some((elem, k.checked_mul(*stride)?)),
        Elems::Walked(v) => {
            let n = v.get(usize::try_from(k).ok()?)?;
            Some((n, n.offset))
        }
    }
}

/// `[k]`, or `[i,j]` for several dimensions, of the element at storage position `k`.
fn push_index(s: &mut String, a: &ArrayNode, mut k: u64) {
    let mut num = itoa::Buffer::new();
    s.push('[');
    if a.shape.len() <= 1 {
        s.push_str(num.format(k));
    } else {
        let mut idx = vec![0u64; a.shape.len()];
        let mut fill = |j: usize| {
            let d = a.shape[j];
            if d > 0 {
                idx[j] = k % d;
                k /= d;
            }
        };
        if a.fortran {
            (0..a.shape.len()).for_each(&mut fill);
        } else {
            (0..a.shape.len()).rev().for_each(&mut fill);
        }
        for (j, i) in idx.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            s.push_str(num.format(*i));
        }
    }
    s.push(']');
}
