//! `binmap struct pack FMT V... [-o OUT] [--repr|--raw]`
//! `binmap struct unpack FMT [FILE] [--format repr|json]`
//! `binmap struct iter-unpack FMT [FILE] [--format repr|json]`
//! `binmap struct calcsize FMT`
//!
//! Python's `struct` module on the command line, with CPython's exact
//! semantics and error messages (see `binmap::pystruct`). Values are given
//! as Python would write them (`123`, `0.1`, `-1e300`, `nan`, `True`); `s`,
//! `p` and `c` values are text where `\xNN` escapes a byte (or a `b'...'`
//! literal); a `?` value is the truth of the Python literal (`None`, `''`,
//! `()` are False). `pack` prints Python's `repr` of the bytes on a
//! terminal and writes them raw otherwise. `unpack` prints the tuple as
//! Python's `repr` does;
//! `iter-unpack` one tuple per line, formatted on all cores.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use binmap::pystruct::{self, Format, Style};
use binmap::{Error, ErrorKind, Mode, Result, Source};

use crate::util::write_out;

/// Python's struct module: pack, unpack, iter-unpack, calcsize.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Pack values into bytes (struct.pack): Python's repr of them on a
    /// terminal, the raw bytes into a pipe or with -o.
    Pack {
        /// The struct format (`<id5s`, `@bq`...).
        #[arg(allow_hyphen_values = true)]
        fmt: String,
        /// The values, as Python would write them.
        #[arg(allow_hyphen_values = true)]
        values: Vec<String>,
        /// Write the bytes to this file (atomically) instead of stdout; before
        /// FMT or after the last value.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print Python's repr of the bytes (`b'\x07\x00'`) and a newline:
        /// the default on a terminal. Before FMT or after the last value.
        #[arg(long, conflicts_with = "raw")]
        repr: bool,
        /// Write the raw bytes: the default into a pipe, a file or `-o`.
        #[arg(long)]
        raw: bool,
    },
    /// Unpack exactly one struct from FILE or stdin (struct.unpack).
    Unpack {
        #[arg(allow_hyphen_values = true)]
        fmt: String,
        /// The input file (default: stdin; `-` is stdin too).
        file: Option<String>,
        /// Output: `repr` (Python's tuple) or `json` (an array).
        #[arg(short, long, default_value = "repr")]
        format: OutFormat,
    },
    /// Unpack every struct of FILE or stdin, one per line (struct.iter_unpack).
    IterUnpack {
        #[arg(allow_hyphen_values = true)]
        fmt: String,
        /// The input file (default: stdin; `-` is stdin too).
        file: Option<String>,
        /// Output: `repr` (Python's tuple) or `json` (an array).
        #[arg(short, long, default_value = "repr")]
        format: OutFormat,
    },
    /// Print the size of the struct (struct.calcsize).
    Calcsize {
        #[arg(allow_hyphen_values = true)]
        fmt: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutFormat {
    Repr,
    Json,
}

impl OutFormat {
    fn style(self) -> Style {
        match self {
            OutFormat::Repr => Style::Repr,
            OutFormat::Json => Style::Json,
        }
    }
}

pub fn run(a: Args) -> Result<()> {
    match a.command {
        Sub::Pack { fmt, mut values, mut output, mut repr, mut raw } => {
            // Values may start with `-`, so clap takes trailing options
            // (`-o OUT`, `--repr`, `--raw`) as more values: take them back.
            // (A last bytes value that is literally `-o` is written `\x2do`.)
            loop {
                if let [.., flag, path] = values.as_slice()
                    && (flag == "-o" || flag == "--output")
                {
                    output = Some(PathBuf::from(path));
                    values.truncate(values.len() - 2);
                } else if let Some(path) = values.last().and_then(|v| v.strip_prefix("--output=")) {
                    output = Some(PathBuf::from(path));
                    values.pop();
                } else if values.last().is_some_and(|v| v == "--repr") {
                    repr = true;
                    values.pop();
                } else if values.last().is_some_and(|v| v == "--raw") {
                    raw = true;
                    values.pop();
                } else {
                    break;
                }
            }
            if repr && raw {
                return Err(Error::usage("--repr and --raw: give one"));
            }
            let f = pystruct::parse(&fmt)?;
            let vals = pystruct::parse_values(&f, &values)?;
            let mut bytes = pystruct::pack(&f, &vals)?;
            // On a terminal raw bytes are garbage (or escape sequences): show
            // what Python's REPL shows.
            if repr || (!raw && output.is_none() && std::io::stdout().is_terminal()) {
                let mut text = Vec::with_capacity(bytes.len() * 4 + 4);
                pystruct::write_bytes_repr(&mut text, &bytes);
                text.push(b'\n');
                bytes = text;
            }
            match output {
                Some(p) => binmap::write::write_atomic(&p, &bytes),
                None => write_out(&mut std::io::stdout().lock(), &bytes),
            }
        }
        Sub::Unpack { fmt, file, format } => {
            let f = pystruct::parse(&fmt)?;
            let src = open(file.as_deref())?;
            let vals = pystruct::unpack(&f, src.bytes())?;
            let mut line = match format {
                OutFormat::Repr => pystruct::repr_tuple(&vals),
                OutFormat::Json => pystruct::json_array(&vals),
            };
            line.push('\n');
            write_out(&mut std::io::stdout().lock(), line.as_bytes())
        }
        Sub::IterUnpack { fmt, file, format } => {
            let f = pystruct::parse(&fmt)?;
            let src = open(file.as_deref())?;
            let data = src.bytes();
            pystruct::check_iter(&f, data.len() as u64)?;
            iter_unpack(&f, data, format.style(), &mut std::io::stdout().lock())
        }
        Sub::Calcsize { fmt } => {
            let f = pystruct::parse(&fmt)?;
            write_out(&mut std::io::stdout().lock(), format!("{}\n", pystruct::calcsize(&f)).as_bytes())
        }
    }
}

fn open(file: Option<&str>) -> Result<Source> {
    match file {
        None | Some("-") => Source::stdin(),
        Some(p) => crate::util::open_file(p, Mode::Read),
    }
}

/// Records per chunk formatted by one worker.
const CHUNK: usize = 16 * 1024;

/// Format every record of `data` (a multiple of the struct size, checked)
/// and write them in order. Workers format chunks `w, w + n, w + 2n, ...`
/// and hand them over through bounded channels, so the writer takes chunks
/// round-robin, in order, while the next ones are being formatted, and
/// memory stays flat.
fn iter_unpack(f: &Format, data: &[u8], style: Style, out: &mut dyn Write) -> Result<()> {
    let size = usize::try_from(pystruct::calcsize(f)).map_err(|_| Error::input("struct too large"))?;
    let records = data.len() / size;
    let format_chunk = |k: usize, buf: &mut Vec<u8>| {
        let start = k * CHUNK;
        let end = (start + CHUNK).min(records);
        for rec in data[start * size..end * size].chunks_exact(size) {
            pystruct::write_record(f, rec, style, buf);
        }
    };
    let chunks = records.div_ceil(CHUNK);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks.max(1));
    if workers <= 1 {
        let mut buf = Vec::with_capacity(1 << 20);
        for k in 0..chunks {
            format_chunk(k, &mut buf);
            write_out(out, &buf)?;
            buf.clear();
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        let mut receivers = Vec::with_capacity(workers);
        let mut recyclers = Vec::with_capacity(workers);
        for w in 0..workers {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            receivers.push(rx);
            recyclers.push(back_tx);
            let format_chunk = &format_chunk;
            s.spawn(move || {
                let mut k = w;
                while k < chunks {
                    let mut buf = back_rx.try_recv().unwrap_or_default();
                    buf.clear();
                    format_chunk(k, &mut buf);
                    if tx.send(buf).is_err() {
                        return; // the writer stopped (an error): stop too
                    }
                    k += workers;
                }
            });
        }
        for k in 0..chunks {
            let w = k % workers;
            let Ok(buf) = receivers[w].recv() else {
                return Err(Error::new(ErrorKind::Io, "internal: a formatting thread stopped"));
            };
            write_out(out, &buf)?;
            let _ = recyclers[w].send(buf);
        }
        Ok(())
    })
}
