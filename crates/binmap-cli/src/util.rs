//! Plumbing shared by the commands: reading the layout argument, opening
//! the input file, and writing output to stdout or atomically to `-o FILE`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use binmap::{Error, ErrorKind, Layout, Mode, Result, Source};

/// `-l LAYOUT`: a file path when such a file exists, else the layout text.
pub fn load_layout(arg: &str) -> Result<Layout> {
    let p = Path::new(arg);
    if p.is_file() {
        let text = std::fs::read(p).map_err(|e| Error::io(arg, &e))?;
        let text = String::from_utf8(text).map_err(|e| {
            Error::new(
                ErrorKind::Layout,
                format!("layout file {arg} is not UTF-8 text (bad byte at {:#x})", e.utf8_error().valid_up_to()),
            )
        })?;
        return Layout::parse_named(&text, arg);
    }
    if arg.ends_with(".bml") && !arg.contains('\n') && !arg.contains(':') {
        return Err(Error::usage(format!("layout file {arg} does not exist")));
    }
    Layout::parse(arg)
}

/// The arguments that pick what to read: FILE, PATH, `-l`, `--rows`
/// (shared by `show` and `convert`).
#[derive(clap::Args)]
pub struct Selection {
    /// The binary file (`-` for stdin; a .npy needs no layout).
    pub file: String,
    /// What to read: `records`, `records.value`, `coords.x`, `data[0,1]`, `data[:, 1]`, `x[n-1]`, `header.rows`
    /// (default: everything, or the main table for row formats).
    pub path: Option<String>,
    /// The layout: a .bml file or the layout text itself (not needed for .npy
    /// files). The language: `binmap help layout`.
    #[arg(short, long)]
    pub layout: Option<String>,
    /// Rows of the outermost array: `A..B`, `A..`, `..B`, `-10..`, `7` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    pub rows: Option<String>,
}

impl Selection {
    /// The parsed `--rows`.
    pub fn rows(&self) -> Result<Option<binmap::select::Rows>> {
        self.rows.as_deref().map(binmap::select::Rows::parse).transpose()
    }
}

/// Open FILE (`-` for stdin) with its layout: `-l LAYOUT` when given (read
/// first, so a bad layout is reported before the file is touched), else the
/// file's own (a `.npy` file is recognised by its magic).
pub fn open_with_layout(file: &str, arg: Option<&str>) -> Result<(Source, Layout)> {
    if let Some(a) = arg {
        let layout = load_layout(a)?;
        return Ok((open_input(file, Mode::Read)?, layout));
    }
    let src = open_input(file, Mode::Read)?;
    if src.bytes().starts_with(binmap::npy::MAGIC) {
        let layout = binmap::npy::layout(src.bytes(), src.name())?;
        return Ok((src, layout));
    }
    Err(Error::usage(format!(
        "{} needs a layout: -l FILE.bml or -l 'text' (only .npy files are recognised without one)",
        src.name()
    )))
}

/// `--no-mmap` or `BINMAP_NO_MMAP=1`: read input files into memory.
static NO_MMAP: AtomicBool = AtomicBool::new(false);

/// Read input files into memory from now on instead of mapping them.
pub fn set_no_mmap(on: bool) {
    NO_MMAP.store(on, Ordering::Relaxed);
}

/// True when input files are read into memory instead of mapped.
pub fn no_mmap() -> bool {
    NO_MMAP.load(Ordering::Relaxed)
}

/// `--strict` or `BINMAP_STRICT=1`: undescribed bytes, and enum or flags
/// values that no name covers, are errors.
static STRICT: AtomicBool = AtomicBool::new(false);

/// Make undescribed bytes an error from now on (`--strict`).
pub fn set_strict(on: bool) {
    STRICT.store(on, Ordering::Relaxed);
}

/// At most this many undescribed ranges are named one by one on stderr.
const HOLES_NAMED: usize = 8;

/// Report the bytes of `map`'s file that no field describes: a note on
/// stderr per range (`note: bytes 0x80..0xf8 (120 bytes) are not described
/// by the layout`), or with `--strict` an error (as is an enum value with no
/// name, [`binmap::unnamed`]). Called by every command
/// that reads values (show, stats, select, convert, set), before it reads.
pub fn check_described(map: &binmap::Map<'_>) -> Result<()> {
    if STRICT.load(Ordering::Relaxed)
        && let Some(u) = binmap::unnamed::first_unnamed(map)
    {
        return Err(Error::data(format!("{u} (--strict)")).with_bytes(map.data(), u.offset));
    }
    let holes = binmap::coverage::undescribed(map);
    let Some(first) = holes.first() else { return Ok(()) };
    let missing = binmap::coverage::total(&holes);
    if STRICT.load(Ordering::Relaxed) {
        let mut e = Error::data(format!(
            "{} {} not described by the layout (--strict)",
            binmap::coverage::describe_range(first),
            if first.end - first.start == 1 { "is" } else { "are" }
        ));
        if holes.len() > 1 {
            e = e.note(format!(
                "and {} more ranges: {} bytes of {} undescribed in all (binmap info lists them)",
                holes.len() - 1,
                binmap::error::grouped(missing),
                map.name()
            ));
        }
        return Err(e.with_bytes(map.data(), first.start));
    }
    let mut err = std::io::stderr().lock();
    for h in holes.iter().take(HOLES_NAMED) {
        let verb = if h.end - h.start == 1 { "is" } else { "are" };
        let _ = writeln!(err, "note: {} {verb} not described by the layout", binmap::coverage::describe_range(h));
    }
    if holes.len() > HOLES_NAMED {
        let _ = writeln!(
            err,
            "note: and {} more undescribed ranges ({} bytes of {} in all; binmap info lists them)",
            holes.len() - HOLES_NAMED,
            binmap::error::grouped(missing),
            map.name()
        );
    }
    Ok(())
}

/// The file to read: a path, or `-` for standard input.
pub fn open_input(path: &str, mode: Mode) -> Result<Source> {
    if path == "-" { Source::stdin() } else { open_file(path, mode) }
}

/// Open a file in `mode`: a memory map, or with `--no-mmap` its bytes read
/// into memory (`Mode::ReadWrite` is always a map: `set --no-mmap` does not
/// open files this way).
pub fn open_file(path: impl AsRef<Path>, mode: Mode) -> Result<Source> {
    if no_mmap() && mode != Mode::ReadWrite { Source::open_in_memory(path) } else { Source::open(path, mode) }
}

/// Where output goes: stdout; a temporary file renamed over `-o FILE` at
/// the end; or, when `-o` names a device or FIFO (`/dev/null`), that file
/// itself, since it cannot be replaced.
pub enum Output {
    Stdout(BufWriter<std::io::Stdout>),
    Special(BufWriter<std::fs::File>, String),
    File { tmp: BufWriter<crate::copyout::CopyOut>, dest: PathBuf },
}

impl Output {
    /// Output to `dest`; to stdout when there is none, or when it is `-`.
    pub fn new(dest: Option<&Path>) -> Result<Output> {
        let Some(dest) = dest.filter(|d| !is_stdout(d)) else {
            return Ok(Output::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())));
        };
        if let Some(f) = binmap::write::open_special(dest)? {
            return Ok(Output::Special(BufWriter::with_capacity(1 << 16, f), dest.display().to_string()));
        }
        let tmp = binmap::write::temp_for(dest)?;
        // If a fatal signal (SIGBUS: the input shrank) ends binmap, no drop
        // handler runs: the signal handler removes this file instead.
        crate::fault::remove_on_fault(tmp.path());
        let tmp = crate::copyout::CopyOut::new(tmp);
        Ok(Output::File { tmp: BufWriter::with_capacity(crate::copyout::MIN_COPY, tmp), dest: dest.to_path_buf() })
    }

    /// Copy the bytes written straight from `src`'s map from its file
    /// instead, file to file (an output file only; see [`crate::copyout`]).
    pub fn copying_from(mut self, src: &Source) -> Result<Output> {
        if let (Output::File { tmp, dest }, Some((file, mapped))) = (&mut self, src.mapped_file()) {
            tmp.get_mut().copy_from(file, mapped).map_err(|e| Error::io(&dest.display().to_string(), &e))?;
        }
        Ok(self)
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::Special(w, _) => w,
            Output::File { tmp, .. } => tmp,
        }
    }

    /// Flush, and for a file, move it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(|e| pipe_or_io("<stdout>", &e)),
            Output::Special(mut w, name) => w.flush().map_err(|e| pipe_or_io(&name, &e)),
            Output::File { tmp, dest } => {
                let name = dest.display().to_string();
                let tmp = tmp.into_inner().map_err(|e| Error::io(&name, e.error()))?.into_inner();
                crate::fault::remove_on_fault_done();
                binmap::write::persist(tmp, &dest)
            }
        }
    }
}

/// True for `-o -`: standard output.
pub fn is_stdout(dest: &Path) -> bool {
    dest.as_os_str() == "-"
}

fn pipe_or_io(name: &str, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::new(ErrorKind::Io, "broken pipe")
    } else {
        Error::io(name, e)
    }
}

/// True for the error of writing into a closed pipe.
pub fn is_broken_pipe(e: &Error) -> bool {
    e.kind == ErrorKind::Io && e.message == "broken pipe"
}

/// Write `bytes` to `w` (standard output) and flush it; a closed pipe is
/// the broken-pipe error ([`is_broken_pipe`]).
pub fn write_out(w: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    w.write_all(bytes).and_then(|()| w.flush()).map_err(|e| pipe_or_io("<stdout>", &e))
}

/// Write `bytes` to standard output ([`write_out`]).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    write_out(&mut std::io::stdout().lock(), bytes)
}

/// The width to fit a table written to `dest` (`None`: stdout) to:
/// `COLUMNS` when set to a number (as Python's `shutil.get_terminal_size`
/// reads it), else the width of the terminal that standard output is when
/// the table goes there, else 80.
pub fn terminal_width(dest: Option<&Path>) -> usize {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&n| n > 0) {
        return n;
    }
    if dest.is_some_and(|d| !is_stdout(d)) {
        return 80;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map_or(80, |(w, _)| usize::from(w.0))
}
