//! `binmap pack -l LAYOUT INPUT -o OUT [--format json|csv] [--onto ORIGINAL]`
//!
//! The reverse of `show`: INPUT (a file, or `-` for stdin) is JSON in the
//! shape `show --format json` prints, or CSV for a layout whose last field
//! is an array of records. Size fields the input leaves out are derived from
//! the data; given ones must agree with it. A layout that leaves bytes
//! undescribed (holes between placed fields) is refused, naming them, since
//! OUT would get zeros there; `--onto ORIGINAL` starts from ORIGINAL's bytes
//! instead and keeps every byte the input does not set (numpy's
//! copy-on-write mode `c`: ORIGINAL itself is not changed, and OUT may name
//! it). OUT is written to a temporary file and renamed into place only when
//! complete: on any error nothing is written; `-o -` writes to stdout.
//!
//! CSV, JSON Lines and JSON inputs for a layout of fixed header fields and
//! one array of fixed-size records are streamed
//! ([`binmap::pack_stream`]): read and encoded a block at a time on all
//! cores, in constant memory; the header's size fields are written last,
//! over the first bytes of the temporary file. To stdout the output is held
//! in memory when the header has size fields; else it is held only while
//! the input is small enough to be packed again by the general path (8 MiB,
//! or 64 MiB of output), then written as it comes: an error past that point
//! leaves a partial output on stdout (never in a file).

use std::io::{Read, Write};
use std::path::PathBuf;

use binmap::encode::Origin;
use binmap::pack::input::{SetValue, TextDoc, apply_sets, csv_doc, json_doc, jsonl_doc, missing_hint, parse_set};
use binmap::pack::{pack, pack_onto};
use binmap::pack_stream::{InputFormat, Options, Outcome, Plan, stream};
use binmap::text::csv_in::{CsvOptions, Delimiter};
use binmap::text::json_read::parse_json;
use binmap::{Error, ErrorKind, Layout, Mode, Result};

use crate::util::{Output, load_layout, open_file};

/// The input's shape, shown by `binmap pack --help`.
const PACK_INPUT_HELP: &str = "\
The input is what `binmap show FILE -l LAYOUT -f json` prints: one JSON object whose
keys are the layout's field names, nested objects for structs, lists for arrays
(a list of lists for T[rows, cols]), strings for text, {\"hex\": \"ff00\"} for bytes
that are not UTF-8. Size fields may be left out: they are derived from the data.

  $ cat path.json
  {\"info\": \"Around the block\", \"coords\": [{\"x\": -96.58, \"y\": 39.19, \"z\": 200}]}
  $ binmap pack -l examples/flight_path.bml path.json -o path.b

A JSON list is the elements of the layout's last field (what `show FILE records -f
json` and `select -f json` print); a record may be a list of its fields' values in
order (`[\"MSFT\", 10, 6.2]`). JSON Lines (one element per line) and CSV (one
record per line) work for a layout whose last field is an array; header values
they do not hold go beside them:

  $ binmap pack -l examples/flight_path.bml coords.csv --set info=\"Around\" -o path.b
  $ python3 -c 'import numpy as np; np.savetxt(\"v.txt\", np.arange(6.0).reshape(3, 2))'
  $ binmap pack -l 'r: { x: f64, y: f64 }[..]' v.txt --no-header -o v.b

The full reference: binmap help json.";

/// Build a binary file from JSON or CSV.
#[derive(clap::Args)]
#[command(after_long_help = PACK_INPUT_HELP)]
pub struct Args {
    /// The input: JSON or CSV (`-` for stdin).
    input: String,
    /// The layout: a .bml file or the layout text itself. The language:
    /// `binmap help layout`.
    #[arg(short, long)]
    layout: String,
    /// The binary file to write (`-` for stdout).
    #[arg(short, long)]
    output: PathBuf,
    /// Input format (default: from INPUT's extension: .csv, .tsv and .txt
    /// are CSV, .jsonl and .ndjson JSON Lines; JSON otherwise and for stdin).
    #[arg(long, value_parser = ["json", "csv", "jsonl", "ndjson"])]
    format: Option<String>,
    /// CSV: the first line is a record, not a header; the columns are the
    /// record's fields in the layout's order (as `show -f csv` prints
    /// them), as `np.savetxt` writes them.
    #[arg(long)]
    no_header: bool,
    /// CSV: what separates the cells: one character (`,` `;` `|`), `tab`,
    /// `whitespace` (runs of spaces and tabs; also `' '`), or `auto`: from
    /// the first line (the first of `,`, tab, `;` found, else whitespace).
    #[arg(long, default_value = "auto", value_name = "DELIM")]
    delimiter: String,
    /// A value beside the input, for a field the input does not give (or
    /// to replace it): `--set info="Flight path"`, `--set hdr.version=2`.
    /// VALUE is JSON when it reads as JSON, otherwise text. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Start from this file's bytes and keep every byte the input does not
    /// set (bytes the layout does not describe, padding); it is not changed.
    #[arg(long, value_name = "ORIGINAL")]
    onto: Option<PathBuf>,
}

impl Args {
    /// Pack `input` with `layout` into `output` (the format from the extension).
    pub fn new(input: String, layout: String, output: PathBuf) -> Args {
        Args {
            input,
            layout,
            output,
            format: None,
            no_header: false,
            delimiter: "auto".into(),
            set: Vec::new(),
            onto: None,
        }
    }
}

pub fn run(a: Args) -> Result<()> {
    let layout = load_layout(&a.layout)?;
    let lower = a.input.to_ascii_lowercase();
    let format = match a.format.as_deref() {
        Some("csv") => InputFormat::Csv,
        Some("jsonl" | "ndjson") => InputFormat::Jsonl,
        Some(_) => InputFormat::Json,
        None if [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e)) => InputFormat::Csv,
        None if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => InputFormat::Jsonl,
        None => InputFormat::Json,
    };
    let csv = CsvOptions { header: !a.no_header, delimiter: Delimiter::parse(&a.delimiter)? };
    let sets: Vec<SetValue> = a.set.iter().map(|s| parse_set(&layout, s)).collect::<Result<_>>()?;
    if a.onto.is_none()
        && let Some(plan) = Plan::new(&layout)
        && sets.iter().all(|s| s.path.len() == 1)
    {
        let set = sets.iter().map(|s| (s.path[0].to_string(), s.value.clone())).collect();
        let opts = Options { format, csv, set };
        return match streamed(&a, &plan, &opts)? {
            Some(all) => general(&a, &layout, &opts.csv, &sets, format, all),
            None => Ok(()),
        };
    }
    let mut bytes = Vec::new();
    if a.input == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::io("<stdin>", &e))?;
    } else {
        bytes = std::fs::read(&a.input).map_err(|e| Error::io(&a.input, &e))?;
    }
    general(&a, &layout, &csv, &sets, format, bytes)
}

/// Print what was decided about the input (`note: ...` on stderr).
fn print_notes(notes: &[String]) {
    for n in notes {
        eprintln!("note: {n}");
    }
}

/// Output held in memory up to a size (stdout, devices): so that a stream
/// that falls back to the general path has written nothing, and a header
/// can be written last.
struct Held<'w> {
    buf: Vec<u8>,
    /// Hold everything (the header is written last).
    all: bool,
    released: bool,
    inner: &'w mut dyn Write,
}

/// Output to stdout is held up to this size.
const HOLD: usize = 64 << 20;

impl Write for Held<'_> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.released {
            return self.inner.write(b);
        }
        self.buf.extend_from_slice(b);
        if !self.all && self.buf.len() > HOLD {
            self.inner.write_all(&self.buf)?;
            self.buf = Vec::new();
            self.released = true;
        }
        Ok(b.len())
    }

    /// The stream flushes once it can no longer fall back: from then on,
    /// unless the header comes last, the output goes straight through.
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.all && !self.released {
            self.inner.write_all(&self.buf)?;
            self.buf = Vec::new();
            self.released = true;
        }
        Ok(())
    }
}

fn io_out(name: &str, e: &std::io::Error) -> Error {
    match e.kind() {
        // `-o - | head`: the reader stopped early.
        std::io::ErrorKind::BrokenPipe => Error::new(ErrorKind::Io, "broken pipe"),
        _ => Error::io(name, e),
    }
}

/// Stream the input into OUT; `Some(input)` when the general path must pack it.
fn streamed(a: &Args, plan: &Plan, opts: &Options) -> Result<Option<Vec<u8>>> {
    let mut stdin;
    let mut file;
    let input: &mut dyn Read = if a.input == "-" {
        stdin = std::io::stdin().lock();
        &mut stdin
    } else {
        file = std::fs::File::open(&a.input).map_err(|e| Error::io(&a.input, &e))?;
        &mut file
    };
    let name = a.output.display().to_string();
    let special = if crate::util::is_stdout(&a.output) { None } else { binmap::write::open_special(&a.output)? };
    if crate::util::is_stdout(&a.output) || special.is_some() {
        let mut stdout;
        let mut dev;
        let inner: &mut dyn Write = match special {
            Some(f) => {
                dev = std::io::BufWriter::with_capacity(1 << 20, f);
                &mut dev
            }
            None => {
                stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                &mut stdout
            }
        };
        let mut held = Held { buf: Vec::new(), all: !plan.header_is_constant(), released: false, inner };
        match stream(plan, opts, input, &a.input, &mut held)? {
            Outcome::Done { header, notes, .. } => {
                print_notes(&notes);
                if !held.released {
                    held.buf[..header.len()].copy_from_slice(&header);
                }
                let Held { buf, inner, .. } = held;
                inner.write_all(&buf).and_then(|()| inner.flush()).map_err(|e| io_out(&name, &e))?;
                Ok(None)
            }
            Outcome::Fallback(_) if held.released => {
                Err(Error::input("the input could not be packed; part of the output was already written"))
            }
            Outcome::Fallback(all) => Ok(Some(all)),
        }
    } else {
        let tmp = binmap::write::temp_for(&a.output)?;
        crate::fault::remove_on_fault(tmp.path());
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp);
        let r = stream(plan, opts, input, &a.input, &mut w);
        let done = match r {
            Ok(Outcome::Done { header, notes, .. }) => {
                print_notes(&notes);
                let tmp = w.into_inner().map_err(|e| Error::io(&name, e.error()))?;
                use std::os::unix::fs::FileExt;
                tmp.as_file().write_all_at(&header, 0).map_err(|e| Error::io(&name, &e))?;
                crate::fault::remove_on_fault_done();
                binmap::write::persist(tmp, &a.output)?;
                None
            }
            Ok(Outcome::Fallback(all)) => {
                drop(w);
                crate::fault::remove_on_fault_done();
                Some(all)
            }
            Err(e) => {
                drop(w);
                crate::fault::remove_on_fault_done();
                return Err(e);
            }
        };
        Ok(done)
    }
}

/// The general path: the whole input as a document, then [`pack`].
fn general(
    a: &Args,
    layout: &Layout,
    csv: &CsvOptions,
    sets: &[SetValue],
    format: InputFormat,
    bytes: Vec<u8>,
) -> Result<()> {
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(format!("{} is not UTF-8 text (bad byte at offset {:#x})", a.input, e.utf8_error().valid_up_to()))
    })?;
    let mut read: Option<TextDoc> = match format {
        InputFormat::Csv => Some(csv_doc(layout, &text, csv)?),
        InputFormat::Jsonl => Some(jsonl_doc(layout, &text)?),
        InputFormat::Json => None,
    };
    let (mut doc, origin) = match read.as_mut() {
        Some(t) => {
            print_notes(&t.notes);
            (std::mem::replace(&mut t.doc, binmap::text::json_read::Doc::Null), t.origin)
        }
        None => {
            let doc =
                parse_json(&text).map_err(|e| Error::new(ErrorKind::Input, format!("{}: bad JSON: {e}", a.input)))?;
            (json_doc(layout, doc), Origin::Json)
        }
    };
    drop(text);
    apply_sets(&mut doc, sets)?;
    let packed = match &a.onto {
        // Read in full before OUT is written: OUT may be ORIGINAL itself.
        Some(original) => {
            let src = open_file(original, Mode::Read)?;
            pack_onto(layout, &doc, origin, src.bytes())
        }
        None => pack(layout, &doc, origin),
    };
    let out = packed.map_err(|e| {
        let e = if e.message.ends_with("is missing from the input")
            && let Some(hint) = missing_hint(layout, &doc)
        {
            e.note(hint)
        } else {
            e
        };
        match &read {
            Some(t) => t.locate(e),
            None => e,
        }
    })?;
    let name = a.output.display().to_string();
    let mut o = Output::new(Some(&a.output))?;
    o.writer().write_all(&out).map_err(|e| match e.kind() {
        // `-o - | head`: the reader stopped early.
        std::io::ErrorKind::BrokenPipe => Error::new(ErrorKind::Io, "broken pipe"),
        _ => Error::io(&name, &e),
    })?;
    o.finish()
}
