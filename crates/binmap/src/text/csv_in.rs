//! CSV as people write it, read by `pack`: with a header line or without
//! one (`np.savetxt`), cells separated by a comma, `;`, a tab or runs of
//! whitespace, and a first column with no name (pandas' index) skipped.
//!
//! This module only cuts lines into cells and names what it decided; the
//! general path ([`crate::pack::input`]) and the stream
//! ([`crate::pack_stream`]) turn the cells into records. It calls nothing
//! but the `csv` crate (for quoted cells) and the error type.

use crate::error::{Error, Result};

/// What separates the cells of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// Decided from the first line by [`Delimiter::detect`].
    Auto,
    /// One byte (`,`, `;`, a tab, `|`): cells may be quoted as in RFC 4180.
    Byte(u8),
    /// Runs of spaces and tabs; spaces at either end of a line are ignored,
    /// and there is no quoting (`np.savetxt`'s default ` `).
    Whitespace,
}

impl Delimiter {
    /// The delimiter an option names: one character, `tab` (or `\t`),
    /// `space` or ` ` or `whitespace` (runs of spaces and tabs), `auto`.
    ///
    /// ```
    /// use binmap::text::csv_in::Delimiter;
    /// assert_eq!(Delimiter::parse(";").unwrap(), Delimiter::Byte(b';'));
    /// assert_eq!(Delimiter::parse("tab").unwrap(), Delimiter::Byte(b'\t'));
    /// assert_eq!(Delimiter::parse(" ").unwrap(), Delimiter::Whitespace);
    /// assert!(Delimiter::parse("ab").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Delimiter> {
        Ok(match s {
            "auto" => Delimiter::Auto,
            "tab" | "\\t" | "\t" => Delimiter::Byte(b'\t'),
            " " | "space" | "whitespace" => Delimiter::Whitespace,
            _ if s.len() == 1 && !matches!(s.as_bytes()[0], b'"' | b'\n' | b'\r') => Delimiter::Byte(s.as_bytes()[0]),
            _ => {
                return Err(Error::usage(format!(
                    "bad delimiter '{s}': give one character (`,` `;` `|`), `tab`, `whitespace` (runs of spaces and tabs) or `auto`"
                )));
            }
        })
    }

    /// The delimiter of a text whose first line is `line` (the header, or
    /// the first record): the first of `,`, a tab and `;` that occurs in
    /// it outside quotes, else whitespace when a space separates two
    /// words, else [`ONE_COLUMN`].
    ///
    /// ```
    /// use binmap::text::csv_in::{Delimiter, ONE_COLUMN};
    /// assert_eq!(Delimiter::detect("name,time,value"), Delimiter::Byte(b','));
    /// assert_eq!(Delimiter::detect("name;time;value"), Delimiter::Byte(b';'));
    /// assert_eq!(Delimiter::detect("1.000000000000000000e+00 2.5e-01"), Delimiter::Whitespace);
    /// assert_eq!(Delimiter::detect("\"a;b\",c"), Delimiter::Byte(b','));
    /// assert_eq!(Delimiter::detect("x"), ONE_COLUMN);
    /// ```
    pub fn detect(line: &str) -> Delimiter {
        let mut inside = false;
        let mut seen = [false; 3];
        for c in line.bytes() {
            match c {
                b'"' => inside = !inside,
                b',' if !inside => seen[0] = true,
                b'\t' if !inside => seen[1] = true,
                b';' if !inside => seen[2] = true,
                _ => {}
            }
        }
        if let Some(k) = seen.iter().position(|&s| s) {
            return Delimiter::Byte([b',', b'\t', b';'][k]);
        }
        if line.trim().contains(' ') { Delimiter::Whitespace } else { ONE_COLUMN }
    }

    /// This delimiter, or the one `line` shows when it is [`Delimiter::Auto`].
    pub fn resolve(self, line: &str) -> Delimiter {
        match self {
            Delimiter::Auto => Delimiter::detect(line),
            d => d,
        }
    }

    /// In words, for notes: `','`, `';'`, `a tab`, `whitespace`.
    pub fn describe(self) -> String {
        match self {
            Delimiter::Byte(b'\t') => "a tab".into(),
            Delimiter::Byte(b) => format!("'{}'", b as char),
            Delimiter::Whitespace => "whitespace".into(),
            Delimiter::Auto => "auto".into(),
        }
    }
}

/// The delimiter of a file of one column: lines are not split (the ASCII
/// unit separator, which text does not hold; quoted cells are still read),
/// so a `,`, `;` or space in the text is the text's own.
pub const ONE_COLUMN: Delimiter = Delimiter::Byte(0x1f);

/// How `pack` reads CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The first line names the columns (else the columns are the record's
    /// fields in the layout's order, as `show --format csv` prints them).
    pub header: bool,
    pub delimiter: Delimiter,
}

impl Default for CsvOptions {
    fn default() -> CsvOptions {
        CsvOptions { header: true, delimiter: Delimiter::Auto }
    }
}

/// The note `pack` prints when the delimiter was detected and is not a
/// comma, so that a wrong guess is seen.
pub fn delimiter_note(asked: Delimiter, used: Delimiter) -> Option<String> {
    (asked == Delimiter::Auto && used != Delimiter::Byte(b',') && used != ONE_COLUMN).then(|| {
        format!("the columns are separated by {} (seen in the first line; --delimiter chooses)", used.describe())
    })
}

/// The note for a skipped first column with no name.
pub const INDEX_NOTE: &str = "the first column has no name (pandas' index): skipped";

/// The cells of `line` (no line end) split at `delim` (a byte or
/// whitespace), with no quoting to undo. Call `f` with each.
///
/// ```
/// use binmap::text::csv_in::{Delimiter, plain_cells};
/// let mut v = Vec::new();
/// plain_cells("  1.5   2\t3 ", Delimiter::Whitespace, |c| v.push(c.to_string()));
/// assert_eq!(v, ["1.5", "2", "3"]);
/// v.clear();
/// plain_cells("a;;b", Delimiter::Byte(b';'), |c| v.push(c.to_string()));
/// assert_eq!(v, ["a", "", "b"]);
/// ```
#[inline]
pub fn plain_cells<'a>(line: &'a str, delim: Delimiter, mut f: impl FnMut(&'a str)) {
    match delim {
        Delimiter::Whitespace => line.split_ascii_whitespace().for_each(f),
        Delimiter::Byte(d) => {
            let b = line.as_bytes();
            let mut start = 0;
            while let Some(p) = b[start..].iter().position(|&c| c == d) {
                f(&line[start..start + p]);
                start += p + 1;
            }
            f(&line[start..]);
        }
        Delimiter::Auto => plain_cells(line, Delimiter::detect(line), f),
    }
}

/// A `csv` crate reader of `text` with `delim` (a byte delimiter; quoted
/// cells), records of any length, no header.
pub fn quoted_reader(text: &str, delim: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes())
}

/// The line (1-based) of byte offsets in a text, asked in increasing
/// order: the `csv` crate's own line numbers skip blank lines.
///
/// ```
/// use binmap::text::csv_in::Lines;
/// let mut l = Lines::new(b"a\n\nb\nc");
/// assert_eq!((l.at(0), l.at(2), l.at(5)), (1, 3, 4));
/// ```
pub struct Lines<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a [u8]) -> Lines<'a> {
        Lines { text, byte: 0, line: 1 }
    }

    /// The line of the record the `csv` crate says starts at byte `at`
    /// (not before the last one asked): its position is just after the
    /// record before, so the blank lines between are skipped here.
    pub fn at(&mut self, at: u64) -> u64 {
        let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(self.text.len()).max(self.byte);
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.line += self.text[self.byte..at].iter().filter(|&&c| c == b'\n').count() as u64;
        self.byte = at;
        self.line
    }
}

/// The header's names, and whether the first one is empty (an unnamed
/// index column, as pandas' `to_csv` writes it, to skip). A header of a
/// single empty name is not an index.
pub fn header_names(line: &str, delim: Delimiter) -> Result<(Vec<String>, bool)> {
    let names: Vec<String> = match delim {
        Delimiter::Byte(d) => {
            let mut r = quoted_reader(line, d);
            let mut rec = csv::StringRecord::new();
            r.read_record(&mut rec).map_err(|e| Error::input(format!("bad CSV header: {e}")))?;
            rec.iter().map(str::to_string).collect()
        }
        _ => {
            let mut v = Vec::new();
            plain_cells(line, delim, |c| v.push(c.to_string()));
            v
        }
    };
    let index = names.len() > 1 && names[0].trim().is_empty();
    Ok((names, index))
}

/// The note that places an error in the text: `CSV line 43, column 3 (value)`.
pub fn place(line: u64, column: Option<(usize, &str)>) -> String {
    match column {
        Some((k, name)) if !name.is_empty() => format!("in CSV line {line}, column {} ({name})", k + 1),
        Some((k, _)) => format!("in CSV line {line}, column {}", k + 1),
        None => format!("in CSV line {line}"),
    }
}

/// The message for a record whose number of cells is not the header's.
pub fn count_error(found: usize, want: usize, header: bool) -> Error {
    let what = if header { "the header has" } else { "the records have" };
    let mut e = Error::input(format!("bad CSV: found a record of {found} fields, but {what} {want}"));
    if !header && found == want + 1 {
        e = e.note("a first column of row numbers (pandas' index)? write it with index=False, or with its header");
    }
    e
}
