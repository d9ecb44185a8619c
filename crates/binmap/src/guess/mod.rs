//! `guess`: a draft layout for a file nobody documented.
//!
//! The steps, one module each:
//!
//! 1. [`known`]: a format known by its magic (`.npy`) needs no guessing;
//! 2. [`sample`]: windows of bytes spread over each file (never the whole
//!    file), and their entropy;
//! 3. [`period`]: the record size, from the autocorrelation of byte positions;
//! 4. [`header`]: header integers that size what follows (counts, rows ×
//!    cols, text and byte lengths, either byte order) and the record period
//!    propose [`header::Template`]s that tile the files exactly;
//! 5. [`column`]: the fields of the header and of a record, typed from the
//!    sampled rows (text, floats, integers, byte orders, monotonic columns);
//! 6. [`fit`]: each template scored by the bits it takes to describe the
//!    files; the cheapest wins;
//! 7. [`compare`]: with several files, constant header fields become
//!    `== LITERAL` checks and fields that grow with the files are flagged;
//! 8. rendering: `.bml` text with a comment per field, `--explain`, JSON.
//!
//! Weak evidence gives a "not confident" draft that reads the file as
//! bytes (high entropy is called "compressed or encrypted?"), never a
//! layout that decodes nonsense with a confident face. Every draft is
//! parsed and mapped onto every file before it is returned.
//!
//! ```
//! use binmap::guess::{guess, Confidence, Input};
//! // flight_log.b's shape: N: i32, then N records of 4 float64
//! let mut file = 50i32.to_le_bytes().to_vec();
//! for i in 0..50 {
//!     let t = f64::from(i) * 69.4;
//!     for v in [t, -96.58 + t * 1e-5, 39.19 - t * 1e-5, 200.0 + f64::from(i % 3)] {
//!         file.extend(v.to_le_bytes());
//!     }
//! }
//! let g = guess(&[Input { name: "log.b", data: &file }]).unwrap();
//! assert_eq!(g.confidence(), Confidence::Confident);
//! assert!(g.layout().contains("count: i32"));
//! assert!(g.layout().contains("records: Record[count]"));
//! // what binmap itself parses, and maps onto the file
//! let layout = binmap::Layout::parse(&g.layout()).unwrap();
//! binmap::Map::new(&layout, &file, "log.b").unwrap();
//! ```

pub mod column;
pub mod compare;
pub mod fit;
pub mod header;
pub mod known;
pub mod period;
mod render;
pub mod sample;

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::layout::{Endian, Scalar};
use fit::Fit;
use header::{Count, SizeRole, Template};
pub use render::Report;

/// One file to guess from.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// Its name, for the output.
    pub name: &'a str,
    pub data: &'a [u8],
}

/// How sure the guess is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// Sizes in the header explain the file exactly, or the period is strong.
    Confident,
    /// A plausible structure, weakly supported (a small file typed field by field).
    Tentative,
    /// No structure found: the draft reads the file as bytes.
    NotConfident,
}

impl Confidence {
    /// `confident`, `tentative`, `not confident`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confident => "confident",
            Confidence::Tentative => "tentative",
            Confidence::NotConfident => "not confident",
        }
    }
}

/// What a guessed field holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// An integer or a float.
    Num(Scalar),
    /// NUL-padded text of this many bytes (`bytes[N]`).
    Text(u64),
}

impl Kind {
    /// Its size in bytes.
    pub fn size(self) -> u64 {
        match self {
            Kind::Num(s) => s.kind.size(),
            Kind::Text(n) => n,
        }
    }
}

/// What a field's values suggest it is (it names the field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Value,
    /// Increasing: a time or an index.
    Time,
    /// Counts up by one a record.
    Index,
    Text,
    /// Sizes what follows.
    Size(SizeRole),
}

/// A guessed field: where it is, what it holds, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Its name in the layout (given when the draft is assembled).
    pub name: String,
    /// From the start of its struct: the file for a header field, the record for a record field.
    pub offset: u64,
    pub kind: Kind,
    pub role: Role,
    /// `== LITERAL`: the value every file has (several files only).
    pub check: Option<String>,
    /// The comment on its line.
    pub why: String,
    /// The evidence, for `--explain`.
    pub evidence: Vec<String>,
}

impl Field {
    /// An unnamed field.
    ///
    /// ```
    /// use binmap::guess::{Field, Kind, Role};
    /// let f = Field::new(4, Kind::Text(12), Role::Text, "text".into(), vec![]);
    /// assert_eq!((f.offset, f.kind.size()), (4, 12));
    /// ```
    pub fn new(offset: u64, kind: Kind, role: Role, why: String, evidence: Vec<String>) -> Field {
        Field { name: String::new(), offset, kind, role, check: None, why, evidence }
    }
}

/// A draft layout, in file order.
#[derive(Clone, Debug)]
struct Draft {
    files: Vec<(String, u64)>,
    confidence: Confidence,
    summary: String,
    /// The first comment lines.
    head: Vec<String>,
    /// Evidence about the whole structure (`--explain`).
    evidence: Vec<String>,
    endian: Endian,
    parts: Vec<Part>,
}

/// A top-level item of a draft.
#[derive(Clone, Debug)]
enum Part {
    Field(Field),
    /// A text sized by the field `len`.
    Text {
        name: String,
        len: String,
        utf8: bool,
        at: u64,
        size: u64,
        why: String,
    },
    /// Records (or the elements of an array or matrix) `[dims]` of `size` bytes from `at`.
    Records {
        name: String,
        fields: Vec<Field>,
        size: u64,
        dims: String,
        at: u64,
        why: String,
        evidence: Vec<String>,
    },
    /// The whole file as bytes.
    Raw {
        why: String,
    },
    /// A known format's layout text, and its fields.
    Verbatim {
        text: String,
        fields: Vec<Report>,
    },
}

/// The result of [`guess`]: a checked draft layout and its reasons.
#[derive(Clone, Debug)]
pub struct Guess {
    draft: Draft,
}

impl Guess {
    pub fn confidence(&self) -> Confidence {
        self.draft.confidence
    }

    /// One line: what the structure is.
    pub fn summary(&self) -> &str {
        &self.draft.summary
    }

    /// The draft layout, a comment on every field.
    pub fn layout(&self) -> String {
        render::layout(&self.draft, false)
    }

    /// The draft layout with the evidence for the structure and every field (`--explain`).
    pub fn explained(&self) -> String {
        render::layout(&self.draft, true)
    }

    /// Every field, for programs.
    pub fn fields(&self) -> Vec<Report> {
        render::reports(&self.draft)
    }

    /// The whole guess as JSON (`-f json`): files, confidence, summary,
    /// layout, fields with their reasons, evidence.
    pub fn to_json(&self) -> String {
        render::json(&self.draft)
    }
}

/// Templates scored in full, at most (the most coherent first).
const MAX_FITS: usize = 96;

/// Of those, templates with header sizes scored at least (when there are as many).
const MAX_SIZED_FITS: usize = 72;

/// What a size field explaining the tiling adds to a template's promise
/// (coherences are mostly 0.1 to 0.6).
const EXPLAINED_PROMISE: f64 = 0.1;

/// Records typed for the first scoring of every template.
const QUICK_ROWS: u64 = 48;

/// Templates typed again from more records (the cheapest of the first scoring).
const REFITS: usize = 8;

/// Files shorter than this are too small to tell anything.
const TOO_SMALL: u64 = 8;

/// A period needs at least this many sampled bytes.
const MIN_PERIOD_SAMPLE: usize = 64;

/// A sample with at least this entropy (bits a byte) looks compressed or encrypted.
const HIGH_ENTROPY: f64 = 7.5;

/// What one file's sample shows.
struct Look {
    entropy: f64,
    sampled: usize,
    windows: usize,
    spectrum: period::Spectrum,
    p0: Option<usize>,
    /// The one byte value of the sample, when it has only one.
    constant: Option<u8>,
}

impl Look {
    fn of(data: &[u8]) -> Look {
        let windows = sample::windows(data, 0..data.len());
        let spectrum = period::Spectrum::of(&windows, period::MAX_PERIOD);
        let sampled: usize = windows.iter().map(|w| w.len()).sum();
        let first = windows.first().and_then(|w| w.first()).copied();
        let constant = first.filter(|&b| windows.iter().all(|w| w.iter().all(|&c| c == b)));
        Look {
            entropy: sample::entropy(&windows),
            sampled,
            windows: windows.len(),
            p0: spectrum.fundamental().filter(|_| sampled >= MIN_PERIOD_SAMPLE),
            spectrum,
            constant,
        }
    }
}

/// Guess a layout for `files` (samples of one format). The draft is
/// parsed and mapped onto every file before it is returned; if it would
/// not map, the file is described as bytes and the draft says why.
pub fn guess(files: &[Input<'_>]) -> Result<Guess> {
    if files.is_empty() {
        return Err(Error::usage("guess needs at least one file"));
    }
    let datas: Vec<&[u8]> = files.iter().map(|f| f.data).collect();
    let meta: Vec<(String, u64)> = files.iter().map(|f| (f.name.to_string(), f.data.len() as u64)).collect();
    if let Some(k) = known::find(known::KNOWN, &datas) {
        return known_guess(k, files, meta);
    }
    let looks: Vec<Look> = datas.iter().map(|d| Look::of(d)).collect();
    let mut evidence = Vec::new();
    for ((name, size), look) in meta.iter().zip(&looks) {
        evidence.push(format!(
            "{name}: {size} bytes; sampled {} bytes in {} window(s); entropy {:.2} bits a byte",
            look.sampled, look.windows, look.entropy
        ));
        let peaks: Vec<String> = look.spectrum.peaks(4).iter().map(|(p, e)| format!("{p} ({e:.2})")).collect();
        evidence.push(match look.p0 {
            Some(p) => format!(
                "{name}: autocorrelation of byte positions: period {p} (excess {:.2}); strongest: {}",
                look.spectrum.excess(p as u64),
                peaks.join(", ")
            ),
            None => format!("{name}: autocorrelation of byte positions: no period stands out"),
        });
    }
    evidence.push(format!("no known magic ({})", known_names()));

    let fits = candidates(&datas, &looks, &mut evidence);
    let best = fit::choose(&fits).map(|i| &fits[i]);
    let draft = draft(best, &datas, &looks, meta.clone(), evidence);
    Ok(Guess { draft: verified(draft, files) })
}

/// The names of the known formats.
fn known_names() -> String {
    let mut names: Vec<&str> = known::KNOWN.iter().map(|k| k.name).collect();
    names.dedup();
    names.join(", ")
}

/// Every template some file proposes, kept when it tiles every file, the
/// most coherent scored in full.
fn candidates(datas: &[&[u8]], looks: &[Look], evidence: &mut Vec<String>) -> Vec<Fit> {
    let mut seen = HashSet::new();
    let mut all: Vec<Template> = Vec::new();
    for (d, look) in datas.iter().zip(looks) {
        for t in header::templates(d, look.p0) {
            if seen.insert(t.clone()) {
                all.push(t);
            }
        }
    }
    let proposed = all.len();
    let mut tiling: Vec<(f64, Template)> = all
        .into_iter()
        .filter_map(|t| {
            let rs: Option<Vec<_>> = datas.iter().map(|d| t.resolve(d)).collect();
            let first = rs?.into_iter().next()?;
            // A size that tiles the file exactly is evidence of its own.
            Some((header::promise(datas[0], &first) + EXPLAINED_PROMISE * t.sizes.len() as f64, t))
        })
        .collect();
    let tiles = tiling.len();
    tiling.sort_by(|a, b| (b.1.body.is_none()).cmp(&(a.1.body.is_none())).then(b.0.total_cmp(&a.0)));
    // The most promising templates that a header size explains are scored
    // whatever the others promise (many records-to-the-end templates of a
    // strong period could crowd them out), then the most promising others.
    let (sized, others): (Vec<_>, Vec<_>) = tiling.iter().partition(|(_, t)| !t.sizes.is_empty());
    let sized_n = sized.len().min(MAX_SIZED_FITS);
    let chosen = sized.iter().take(sized_n).chain(others.iter().take(MAX_FITS.saturating_sub(sized_n)));
    // Typed first from a few records each; the cheapest again from more.
    let mut cache = fit::Cache::default();
    let mut quick: Vec<Fit> = chosen.filter_map(|(_, t)| fit::fit_with(t, datas, &mut cache, QUICK_ROWS)).collect();
    quick.sort_by(|a, b| a.bits.total_cmp(&b.bits));
    let mut fits: Vec<Fit> = quick
        .iter()
        .take(REFITS)
        .filter_map(|f| fit::fit_with(&f.template, datas, &mut cache, fit::MAX_ROWS))
        .collect();
    fits.sort_by(|a, b| a.bits.total_cmp(&b.bits));
    let raw = 8.0 * datas.iter().map(|d| d.len() as f64).sum::<f64>();
    evidence.push(format!(
        "{proposed} structures proposed, {tiles} tile every file exactly, {} scored; the cheapest descriptions:",
        fits.len()
    ));
    for f in fits.iter().take(5) {
        evidence.push(format!(
            "  {:.0} bits ({:.1}% of the raw bits): {}",
            f.bits,
            100.0 * f.bits / raw.max(1.0),
            f.template.describe()
        ));
    }
    fits
}

/// The draft for the chosen fit, with its confidence, or a "not confident"
/// draft saying why there is none.
fn draft(
    best: Option<&Fit>,
    datas: &[&[u8]],
    looks: &[Look],
    files: Vec<(String, u64)>,
    evidence: Vec<String>,
) -> Draft {
    let raw = 8.0 * datas.iter().map(|d| d.len() as f64).sum::<f64>();
    let entropy = looks.iter().map(|l| l.entropy).fold(0.0, f64::max);
    let smallest = files.iter().map(|f| f.1).min().unwrap_or(0);
    let shared = if datas.len() > 1 { " that every file shares" } else { "" };
    let no_structure = |why: String| raw_draft(files.clone(), why, evidence.clone());
    if smallest < TOO_SMALL {
        return no_structure(format!("too few bytes to tell ({smallest})"));
    }
    if let Some(b) = looks.iter().find_map(|l| l.constant) {
        return no_structure(format!("every sampled byte is 0x{b:02x}: an empty or preallocated file?"));
    }
    let high = entropy >= HIGH_ENTROPY;
    let Some(best) = best else {
        return no_structure(if high {
            format!("high entropy ({entropy:.2} bits a byte): compressed or encrypted?")
        } else {
            format!("no structure found{shared}: no period in the bytes, and no header size that tiles the file")
        });
    };
    if let Some(m) = differing_magic(best, datas) {
        return no_structure(format!(
            "the files do not share one format: their first bytes, text where a magic number would be, differ ({m})"
        ));
    }
    let ratio = best.bits / raw.max(1.0);
    let small_header_only = best.template.body.is_none() && best.template.text_at.is_none();
    if !small_header_only && (ratio >= 1.05 || (best.explained() == 0 && ratio >= 0.97)) {
        return no_structure(if high {
            format!("high entropy ({entropy:.2} bits a byte): compressed or encrypted?")
        } else {
            format!(
                "no structure found{shared}: the best one ({}) describes the bytes no better than raw bytes ({:.0}%)",
                best.template.describe(),
                100.0 * ratio
            )
        });
    }
    let strong_period = best
        .template
        .body
        .is_some_and(|b| looks.iter().all(|l| l.spectrum.comb(usize::try_from(b.size).unwrap_or(0)) >= 0.1));
    let confidence = if small_header_only {
        Confidence::Tentative
    } else if ratio <= 0.97 && (best.explained() > 0 || strong_period) {
        Confidence::Confident
    } else {
        Confidence::Tentative
    };
    assemble(best, datas, files, confidence, evidence)
}

/// With several files: the text at offset 0 of the header (a magic
/// number's place) when it differs between them, as `"A", "B"`.
fn differing_magic(best: &Fit, datas: &[&[u8]]) -> Option<String> {
    let f = best.header.iter().find(|f| f.offset == 0 && matches!(f.kind, Kind::Text(_)))?;
    let n = usize::try_from(f.kind.size()).ok()?;
    let texts: Vec<&[u8]> = datas.iter().map(|d| d.get(..n)).collect::<Option<_>>()?;
    if datas.len() < 2 || texts.windows(2).all(|w| w[0] == w[1]) {
        return None;
    }
    let mut shown: Vec<String> = texts.iter().map(|t| format!("{:?}", String::from_utf8_lossy(t))).collect();
    shown.dedup();
    Some(shown.join(", "))
}

/// A draft that reads every file as bytes, saying why.
fn raw_draft(files: Vec<(String, u64)>, why: String, evidence: Vec<String>) -> Draft {
    let summary = why.clone();
    let mut head = file_lines(&files);
    head.push(format!("not confident: {why}"));
    Draft {
        files,
        confidence: Confidence::NotConfident,
        summary,
        head,
        evidence,
        endian: Endian::Little,
        parts: vec![Part::Raw { why: "the whole file, as bytes".into() }],
    }
}

fn file_lines(files: &[(String, u64)]) -> Vec<String> {
    files.iter().map(|(n, s)| format!("binmap guess: {} ({s} bytes)", n.replace(['\n', '\r'], " "))).collect()
}

/// Name the fields of the chosen fit and lay them out as parts.
fn assemble(
    best: &Fit,
    datas: &[&[u8]],
    files: Vec<(String, u64)>,
    confidence: Confidence,
    evidence: Vec<String>,
) -> Draft {
    let t = &best.template;
    let r0 = &best.resolved[0];
    let mut header = best.header.clone();
    compare::compare(&mut header, datas);
    name_fields(&mut header, false);
    let size_name = |role: SizeRole| {
        header.iter().find(|f| f.role == Role::Size(role)).map_or(role.name().to_string(), |f| f.name.clone())
    };
    let mut parts: Vec<Part> = header.iter().cloned().map(Part::Field).collect();
    let mut summary = Vec::new();
    if let Some(text) = &r0.text {
        let size = text.end - text.start;
        let sample = datas[0].get(text.start as usize..(text.start + size.min(40)) as usize).unwrap_or_default();
        let why = format!(
            "{} bytes of {}text, sized by {} (begins {:?})",
            size,
            if best.text_utf8 { "UTF-8 " } else { "" },
            size_name(SizeRole::TextLen),
            String::from_utf8_lossy(sample)
        );
        summary.push(format!("a text of {size} bytes sized by a header field"));
        parts.push(Part::Text {
            name: "text".into(),
            len: size_name(SizeRole::TextLen),
            utf8: best.text_utf8,
            at: text.start,
            size,
            why,
        });
    }
    if let (Some(body), Some((start, size, count))) = (t.body, r0.records) {
        let mut fields = best.record.clone();
        name_fields(&mut fields, true);
        let (dims, what) = match body.count {
            Count::Field => (size_name(SizeRole::Count), "counted by the header".to_string()),
            Count::Matrix => (
                format!("{}, {}", size_name(SizeRole::Rows), size_name(SizeRole::Cols)),
                "rows x cols given by the header".to_string(),
            ),
            Count::Bytes => {
                (format!("{} / {size}", size_name(SizeRole::ByteLen)), "sized in bytes by the header".into())
            }
            Count::ToEnd => ("..".into(), format!("to the end: the period of the bytes, from offset {start}")),
        };
        let single = fields.len() == 1 && matches!(fields[0].kind, Kind::Num(_));
        let unit = if single { "values" } else { "records" };
        let why = format!("{count} {unit} of {size} bytes, {what}; they fill the file exactly");
        summary.push(why.clone());
        let name = if single { "data" } else { "records" };
        let evidence = vec![format!(
            "the bytes repeat every {size} bytes (autocorrelation excess {:.2} in the records)",
            best.coherence
        )];
        parts.push(Part::Records { name: name.into(), fields, size, dims, at: start, why, evidence });
    }
    if t.body.is_none() && t.text_at.is_none() {
        summary.push("a small file with no repeating structure: each field typed from its own value".into());
    }
    let summary = summary.join("; then ");
    let mut head = file_lines(&files);
    head.push(format!("{}: {summary}", confidence.as_str()));
    let endian = majority_endian(&parts);
    Draft { files, confidence, summary, head, evidence, endian, parts }
}

/// Give fields names from their roles (`count`, `time`, `name`), or their
/// offsets (`h8` in a header, `v8` in a record); size fields first, so
/// that they keep the plain names the dimensions use.
fn name_fields(fields: &mut [Field], record: bool) {
    let mut used = HashSet::new();
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| !matches!(fields[i].role, Role::Size(_)));
    for i in order {
        let f = &fields[i];
        let base = match f.role {
            Role::Size(r) => r.name().to_string(),
            Role::Text if record => "name".into(),
            Role::Text if f.offset == 0 => "magic".into(),
            Role::Text => "label".into(),
            Role::Time => "time".into(),
            Role::Index => "index".into(),
            Role::Value => format!("{}{}", if record { "v" } else { "h" }, f.offset),
        };
        let name = if used.contains(&base) { format!("{base}_{}", f.offset) } else { base };
        used.insert(name.clone());
        fields[i].name = name;
    }
}

/// The byte order of most multi-byte numbers (little on a tie).
fn majority_endian(parts: &[Part]) -> Endian {
    let mut big = 0i64;
    let mut count = |f: &Field| {
        if let Kind::Num(s) = f.kind
            && s.kind.size() > 1
        {
            big += if s.endian == Endian::Big { 1 } else { -1 };
        }
    };
    for p in parts {
        match p {
            Part::Field(f) => count(f),
            Part::Records { fields, .. } => fields.iter().for_each(&mut count),
            _ => {}
        }
    }
    if big > 0 { Endian::Big } else { Endian::Little }
}

/// The draft if its text parses and maps onto every file; else the files
/// as bytes, saying what failed.
fn verified(draft: Draft, files: &[Input<'_>]) -> Draft {
    match check(&render::layout(&draft, false), files) {
        Ok(()) => draft,
        Err(e) => {
            let mut evidence = draft.evidence.clone();
            evidence.push(format!("the draft was: {}", draft.summary));
            raw_draft(draft.files, format!("the draft did not map onto the file(s): {e}"), evidence)
        }
    }
}

/// Parse `text` and map it onto every file.
fn check(text: &str, files: &[Input<'_>]) -> Result<()> {
    let layout = crate::Layout::parse(text)?;
    for f in files {
        crate::Map::new(&layout, f.data, f.name)?;
    }
    Ok(())
}

/// The guess for files of a known format: its layout, checked on every file.
fn known_guess(k: &known::Known, files: &[Input<'_>], meta: Vec<(String, u64)>) -> Result<Guess> {
    let (text, own) = known::layout(k, files)?;
    check(&text, files).map_err(|e| {
        Error::data(format!("these {} files do not share one layout ({e}): guess them one at a time", k.name))
    })?;
    let layout = crate::Layout::parse(&text)?;
    let first = files.first().map_or(("", &[][..]), |f| (f.name, f.data));
    let map = crate::Map::new(&layout, first.1, first.0)?;
    let why = format!("from the {} header", k.name);
    let fields = crate::info::Info::of(&map)
        .fields
        .into_iter()
        .map(|f| Report {
            path: f.path,
            offset: f.offset,
            stride: None,
            size: f.size,
            ty: f.ty,
            endian: None,
            check: None,
            why: why.clone(),
            evidence: Vec::new(),
        })
        .collect();
    let (confidence, summary) = if own {
        (Confidence::Confident, format!("known format {}, by its magic", k.name))
    } else {
        (Confidence::NotConfident, format!("known format {} by its magic, but its layout does not map", k.name))
    };
    let mut head = file_lines(&meta);
    head.push(format!("{}: {summary}", confidence.as_str()));
    Ok(Guess {
        draft: Draft {
            files: meta,
            confidence,
            summary,
            head,
            evidence: vec![format!("magic {:?} at offset {}", String::from_utf8_lossy(k.magic), k.offset)],
            endian: Endian::Little,
            parts: vec![Part::Verbatim { text, fields }],
        },
    })
}
