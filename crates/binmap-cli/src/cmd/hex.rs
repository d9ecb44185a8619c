//! `binmap hex [xxd options] [FILE [OUTFILE]]`
//! `binmap hex FILE --layout L [--color auto|always|never] [--path P] [--rows A..B]`
//!
//! A hex dump that is byte for byte `xxd`'s (Debian's xxd 2022-01-14) with
//! the same options, spelt as xxd spells them (`-c 8`, `-c8`, `-cols 8`,
//! `-ps`, `-s -0x10`, `-l 0x100`, `--len 5`; the last of `-b -e -p -i`
//! wins, as in xxd), and `-r` / `-r -p` to turn a dump back into bytes.
//! Unlike xxd, options may come anywhere, before or after FILE and OUTFILE
//! (`binmap hex FILE -b`, as every other binmap command takes them): the
//! first argument that does not start with `-` (or is `-`) is FILE, the
//! second OUTFILE, and after `--` every argument is one of them. A value of
//! `-c -g -s -l -o` must be a whole number (xxd reads `-l tmp.bml` as 0):
//! anything else is a usage error, exit 2, and for `-l` it says that the
//! layout option is `--layout` here.
//! Other exit statuses are xxd's: 1 for a bad command line, 2 for an input
//! that cannot be opened, 3 for an output, 4 for a `-s` outside the input,
//! 5 when `-r` would have to seek backwards in a pipe, 255 for `-r` with
//! `-b`, `-e` or `-i`. With `--layout`, the annotated dump instead.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use binmap::hex::xxd::{self, Kind, Options, SeekSpec};
use binmap::{Error, Mode, Result, Source};

const HELP: &str = "\
Hex dump, byte for byte what xxd prints (and -r to reverse it)

Usage: binmap hex [OPTIONS] [FILE [OUTFILE]]
       binmap hex -r [-p] [-s [-]OFFSET] [-c COLS] [FILE [OUTFILE]]
       binmap hex FILE --layout L [--color auto|always|never] [--path P] [--rows A..B]

Options may come anywhere, before or after FILE and OUTFILE (binmap hex FILE -b);
the first name is FILE, the second OUTFILE; after --, every argument is a name.
'-' is stdin (FILE) or stdout (OUTFILE).

Options (xxd's, with xxd's spellings: -c8, -cols 8, -ps, --len 5, 0x and 0 prefixes;
the values of -c -g -l -o -s must be numbers):
  -a          autoskip: a single '*' replaces runs of all-zero lines
  -b          bits instead of hex (default -c 6, -g 1)
  -C          capitalize the variable names of -i
  -c COLS     bytes per line (default 16; -i: 12; -p: 30; -b: 6; max 256; -p -c 0: one line)
  -d          decimal offsets
  -E          the character column in EBCDIC
  -e          little-endian groups (default -g 4)
  -g BYTES    bytes per group (default 2; 0: one group)
  -i          C include file style (variable named after FILE, or -n NAME)
  -l LEN      stop after LEN bytes (IMPORTANT: -l is not the layout here: that is --layout)
  -n NAME     the variable name for -i
  -o OFFSET   add OFFSET to the displayed offsets
  -p, -ps     plain hex, 30 bytes a line
  -r          reverse: a dump (or with -p, plain hex) back into bytes
  -s [+][-]N  start at byte N (-N: from the end); with -r: add N to the offsets
  -u          upper-case hex
  -h, --help  this help

Annotated dump:
  --layout L          the layout (a .bml file or the layout text): colour bytes by field
                      (the language: binmap help layout)
  --color WHEN        auto (a terminal, NO_COLOR unset), always or never
  --path P            only this field or array
  --rows A..B         only these rows of the outermost array
";

/// Hex dump as xxd, or the annotated dump with --layout (`binmap hex -h` for the options).
#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// xxd's options, FILE and OUTFILE, exactly as xxd takes them (see `binmap hex -h`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<OsString>,
}

/// An error with xxd's exit status.
struct Fail(Error, i32);

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        let code = xxd::exit_code(&e);
        Fail(e, code)
    }
}

fn usage(msg: impl Into<String>) -> Fail {
    Fail(Error::usage(format!("{} (see binmap hex -h)", msg.into())), 1)
}

pub fn run(a: Args) -> Result<()> {
    match run_inner(a.args) {
        Ok(()) => Ok(()),
        Err(Fail(e, _)) if e.kind == binmap::ErrorKind::Io && e.message == "broken pipe" => Err(e),
        Err(Fail(e, code)) => {
            eprintln!("error: {e}");
            std::process::exit(code)
        }
    }
}

/// Everything the command line says.
#[derive(Default)]
struct Parsed {
    opts: Options,
    reverse: bool,
    layout: Option<String>,
    color: Option<String>,
    path: Option<String>,
    rows: Option<String>,
    files: Vec<OsString>,
    help: bool,
}

/// glibc's `strtol(s, NULL, 0)`: leading blanks, a sign, `0x` hex, `0` octal,
/// digits up to the first non-digit, clamped to the range of a long.
pub(crate) fn strtol(s: &[u8]) -> i64 {
    let (neg, mag) = strtoul_parts(s);
    if neg {
        if mag > 1u128 << 63 { i64::MIN } else { (mag as i128).wrapping_neg() as i64 }
    } else {
        mag.min(i64::MAX as u128) as i64
    }
}

/// glibc's `strtoul(s, NULL, 0)` (a `-` negates, modulo 2^64).
fn strtoul(s: &[u8]) -> u64 {
    let (neg, mag) = strtoul_parts(s);
    if mag > u64::MAX as u128 {
        u64::MAX
    } else if neg {
        (mag as u64).wrapping_neg()
    } else {
        mag as u64
    }
}

fn strtoul_parts(s: &[u8]) -> (bool, u128) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut radix = 10;
    if s.get(i) == Some(&b'0') {
        if matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    let mut mag: u128 = 0;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        mag = (mag * u128::from(radix) + u128::from(d)).min(u128::from(u64::MAX) + 1);
        i += 1;
    }
    (neg, mag)
}

/// True when `s` is a whole number as glibc's `strtol(s, NULL, 0)` reads
/// it, with nothing left over: leading blanks, a sign, then `0x` and hex
/// digits, `0` and octal digits, or decimal digits. xxd takes whatever
/// prefix `strtol` can read (`-c x` is 0, `-c 12abc` is 12, `-l tmp.bml`
/// is 0); binmap refuses the rest instead of a silent default.
fn is_number(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let digits = &s[i..];
    if digits.len() > 2 && digits[0] == b'0' && matches!(digits[1], b'x' | b'X') {
        digits[2..].iter().all(u8::is_ascii_hexdigit)
    } else if digits.first() == Some(&b'0') {
        digits.iter().all(|c| (b'0'..=b'7').contains(c))
    } else {
        !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
    }
}

/// `v` (the value of `opt`, as typed) when it is a number; else a usage
/// error, exit 2 (a command-line error of binmap's, not one of xxd's).
fn number<'a>(opt: &[u8], v: &'a [u8], whole: &[u8]) -> std::result::Result<&'a [u8], Fail> {
    if is_number(v) {
        return Ok(v);
    }
    let opt = String::from_utf8_lossy(opt);
    let whole = String::from_utf8_lossy(whole);
    let what = match opt.trim_start_matches('-').chars().next() {
        Some('l') => {
            let safe = |c: char| c.is_ascii_alphanumeric() || "._-/+:=@%,".contains(c);
            let quoted =
                if !whole.is_empty() && whole.chars().all(safe) { whole.to_string() } else { format!("'{whole}'") };
            return Err(Fail(
                Error::usage(format!(
                    "{opt} {whole:?}: the length is not a number. In `binmap hex`, -l is xxd's length \
                     (the number of bytes to dump); the layout option is --layout: \
                     binmap hex FILE --layout {quoted}"
                )),
                2,
            ));
        }
        Some('c') => "the bytes per line",
        Some('g') => "the bytes per group",
        Some('s') => "the offset to start at",
        _ => "the offset to add",
    };
    Err(Fail(
        Error::usage(format!("{opt} {whole:?}: not a number ({what}: decimal, 0x hex or 0 octal; see binmap hex -h)")),
        2,
    ))
}

fn parse(args: Vec<OsString>) -> std::result::Result<Parsed, Fail> {
    let mut p = Parsed::default();
    // binmap's own long options first, wherever they are (up to `--`).
    let mut rest: Vec<Vec<u8>> = Vec::new();
    let mut it = args.into_iter().map(OsString::into_vec);
    while let Some(arg) = it.next() {
        if arg == b"--" {
            rest.push(arg);
            rest.extend(it.by_ref());
            break;
        }
        let own = [("--layout", 0), ("--color", 1), ("--colour", 1), ("--path", 2), ("--rows", 3)];
        let hit = own.iter().find_map(|&(name, k)| {
            let n = name.as_bytes();
            if arg == n {
                Some((k, None))
            } else if arg.starts_with(n) && arg.get(n.len()) == Some(&b'=') {
                Some((k, Some(arg[n.len() + 1..].to_vec())))
            } else {
                None
            }
        });
        if let Some((k, val)) = hit {
            let val = match val {
                Some(v) => v,
                None => it.next().ok_or_else(|| usage(format!("{} needs a value", String::from_utf8_lossy(&arg))))?,
            };
            let val = String::from_utf8(val).map_err(|_| usage("option values must be UTF-8"))?;
            *[&mut p.layout, &mut p.color, &mut p.path, &mut p.rows][k] = Some(val);
        } else if arg == b"--help" || arg == b"-h" {
            p.help = true;
        } else if arg == b"--no-mmap" {
            // binmap's global flags, given after `hex`'s arguments.
            crate::util::set_no_mmap(true);
        } else if arg == b"--strict" {
            crate::util::set_strict(true);
        } else {
            rest.push(arg);
        }
    }
    // xxd's own parser, prefix matches and all, except that options may come
    // anywhere: an argument that does not start with `-` (or is `-` alone)
    // is FILE, then OUTFILE, and `--` makes every argument after it one.
    let o = &mut p.opts;
    let mut files = Vec::new();
    let mut i = 0;
    let value = |i: &mut usize, rest: &[Vec<u8>], opt: &[u8]| -> std::result::Result<Vec<u8>, Fail> {
        *i += 1;
        rest.get(*i).cloned().ok_or_else(|| usage(format!("option {} needs a value", String::from_utf8_lossy(opt))))
    };
    while i < rest.len() {
        let arg = &rest[i];
        let pp: &[u8] = if arg.starts_with(b"--") && arg.len() > 2 { &arg[1..] } else { arg };
        if pp == b"--" {
            files.extend(rest[i + 1..].iter().cloned());
            break;
        }
        if pp.len() < 2 || pp[0] != b'-' {
            files.push(arg.clone());
            i += 1;
            continue;
        }
        let tail = &pp[2..];
        // An attached value (`-c8`), or the next argument (`-c 8`, `-cols 8`).
        let mut attached_or_next = |long: &[&[u8]]| -> std::result::Result<(Vec<u8>, Vec<u8>), Fail> {
            if !tail.is_empty() && !long.iter().any(|l| tail.starts_with(l)) {
                Ok((pp[..2].to_vec(), tail.to_vec()))
            } else {
                Ok((arg.clone(), value(&mut i, &rest, pp)?))
            }
        };
        match pp[1] {
            b'a' => o.autoskip = !o.autoskip,
            b'b' => o.kind = Kind::Bits,
            b'e' => o.kind = Kind::LittleEndian,
            b'u' => o.upper = true,
            b'p' => o.kind = Kind::Plain,
            b'i' => o.kind = Kind::Include,
            b'C' => o.capitalize = true,
            b'd' => o.decimal = true,
            b'r' => p.reverse = true,
            b'E' => o.ebcdic = true,
            b'v' => {
                println!("binmap hex {} (xxd 2022-01-14 compatible)", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            b'c' if tail.starts_with(b"apitalize") => o.capitalize = true,
            b'c' => {
                let (opt, v) = attached_or_next(&[b"ols"])?;
                o.cols = Some(strtol(number(&opt, &v, &v)?) as i32);
            }
            b'g' => {
                let (opt, v) = attached_or_next(&[b"roup"])?;
                o.group = Some(strtol(number(&opt, &v, &v)?) as i32);
            }
            b'o' => {
                if !tail.is_empty() && !tail.starts_with(b"ffset") {
                    o.display_offset = strtoul(number(&pp[..2], tail, tail)?);
                } else {
                    let v = value(&mut i, &rest, pp)?;
                    let rel = usize::from(v.first() == Some(&b'+'));
                    let neg = v.get(rel) == Some(&b'-');
                    let n = strtoul(number(arg, &v[rel + usize::from(neg)..], &v)?);
                    o.display_offset = if neg { n.wrapping_neg() } else { n };
                }
            }
            b's' => {
                let (opt, v) = attached_or_next(&[b"kip", b"eek"])?;
                let relative = v.first() == Some(&b'+');
                let negative = v.get(usize::from(relative)) == Some(&b'-');
                let value = strtol(number(&opt, &v[usize::from(relative) + usize::from(negative)..], &v)?);
                o.seek = Some(SeekSpec { relative, negative, value });
            }
            b'l' => {
                let (opt, v) = attached_or_next(&[b"en"])?;
                o.length = Some(strtol(number(&opt, &v, &v)?));
            }
            b'n' => {
                let (_, v) = attached_or_next(&[b"ame"])?;
                o.name = Some(v);
            }
            _ => return Err(usage(format!("unknown option {}", String::from_utf8_lossy(arg)))),
        }
        i += 1;
    }
    p.files = files.into_iter().map(OsString::from_vec).collect();
    Ok(p)
}

/// True when fd 0 is a regular file (xxd can seek in it).
fn stdin_is_file() -> bool {
    use std::os::fd::AsFd;
    std::io::stdin().as_fd().try_clone_to_owned().map(File::from).and_then(|f| f.metadata()).is_ok_and(|m| m.is_file())
}

/// Standard output as a seekable file, when it is one (a regular file, /dev/null).
fn stdout_seekable() -> Option<File> {
    use std::io::Seek;
    use std::os::fd::AsFd;
    let mut f = File::from(std::io::stdout().as_fd().try_clone_to_owned().ok()?);
    f.stream_position().ok()?;
    Some(f)
}

fn run_inner(args: Vec<OsString>) -> std::result::Result<(), Fail> {
    let mut p = parse(args)?;
    if p.help {
        print!("{HELP}");
        return Ok(());
    }
    if p.layout.is_some() || p.color.is_some() || p.path.is_some() || p.rows.is_some() {
        return annotated(&p);
    }
    // xxd's order: columns, file count, input, output, then the rest.
    xxd::geometry(&p.opts)?;
    if p.files.len() > 2 {
        return Err(usage("too many arguments: binmap hex [OPTIONS] [FILE [OUTFILE]]"));
    }
    let infile = p.files.first().filter(|f| f.as_bytes() != b"-").cloned();
    let outfile = p.files.get(1).filter(|f| f.as_bytes() != b"-").cloned();
    let src = match &infile {
        None => {
            p.opts.pipe = !stdin_is_file();
            Source::stdin().map_err(|e| Fail(e, 2))?
        }
        Some(f) => {
            let meta = std::fs::metadata(f).map_err(|e| Fail(Error::io(&f.to_string_lossy(), &e), 2))?;
            p.opts.pipe = !meta.is_file();
            crate::util::open_file(f, Mode::Read).map_err(|e| Fail(e, 2))?
        }
    };
    if p.opts.kind == Kind::Include && p.opts.name.is_none() {
        p.opts.name = infile.as_ref().map(|f| f.as_bytes().to_vec());
    }
    let open_out = |f: &OsString, truncate: bool| {
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(truncate)
            .open(f)
            .map_err(|e| Fail(Error::io(&f.to_string_lossy(), &e), 3))
    };
    if p.reverse {
        if !matches!(p.opts.kind, Kind::Normal | Kind::Plain) {
            return Err(Fail(Error::usage(format!("{}: -r works with the normal and -p dumps", xxd::MSG_REVERT)), 255));
        }
        let file = match &outfile {
            Some(f) => Some(open_out(f, false)?),
            None => stdout_seekable(),
        };
        return match file {
            Some(f) => {
                let mut sink = xxd::Seekable(BufWriter::with_capacity(1 << 18, f));
                let r = xxd::reverse_to(src.bytes(), &p.opts, &mut sink);
                let flushed = sink.0.flush().map_err(|e| Error::io("<output>", &e));
                r?;
                Ok(flushed?)
            }
            None => {
                let mut out = std::io::stdout().lock();
                Ok(xxd::reverse(src.bytes(), &p.opts, &mut out)?)
            }
        };
    }
    match &outfile {
        Some(f) => {
            let mut w = BufWriter::with_capacity(1 << 16, open_out(f, true)?);
            xxd::dump(src.bytes(), &p.opts, &mut w)?;
            w.flush().map_err(|e| Fail(Error::io(&f.to_string_lossy(), &e), 3))
        }
        None => {
            let mut out = std::io::stdout().lock();
            xxd::dump(src.bytes(), &p.opts, &mut out)?;
            out.flush().map_err(|e| Fail(Error::io("<stdout>", &e), 3))
        }
    }
}

/// `--color`: auto colours a terminal unless NO_COLOR is set and non-empty.
fn use_color(when: Option<&str>) -> std::result::Result<bool, Fail> {
    use std::io::IsTerminal;
    match when.unwrap_or("auto") {
        "always" => Ok(true),
        "never" => Ok(false),
        "auto" => Ok(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())),
        other => Err(usage(format!("--color {other}: expected auto, always or never"))),
    }
}

fn annotated(p: &Parsed) -> std::result::Result<(), Fail> {
    let color = use_color(p.color.as_deref())?;
    let Some(layout) = p.layout.as_deref() else {
        return Err(usage("--color, --path and --rows go with --layout L (the annotated dump)"));
    };
    let [file] = p.files.as_slice() else {
        return Err(usage("the annotated dump takes one FILE: binmap hex FILE --layout L"));
    };
    let rows = p.rows.as_deref().map(binmap::select::Rows::parse).transpose()?;
    let file = file.to_string_lossy();
    let (src, layout) = crate::util::open_with_layout(&file, Some(layout))?;
    let map = binmap::Map::new(&layout, src.bytes(), src.name())?;
    let (cols, group) = xxd::geometry(&Options { kind: Kind::Normal, ..p.opts.clone() })?;
    let mut out = crate::util::Output::new(None)?;
    write_annotated(&map, p, rows, cols, group, color, out.writer())?;
    Ok(out.finish()?)
}

fn write_annotated(
    map: &binmap::Map<'_>,
    p: &Parsed,
    rows: Option<binmap::select::Rows>,
    cols: usize,
    group: usize,
    color: bool,
    out: &mut dyn Write,
) -> Result<()> {
    use binmap::hex::annotate::{AnnotateOptions, range_of, write_annotated};
    let (start, end) = range_of(map, p.path.as_deref(), rows)?;
    let opts = AnnotateOptions { cols, group, upper: p.opts.upper, color, start, end };
    write_annotated(map, &opts, out)
}
