//! `binmap plot FILE -l LAYOUT [PATH] [--kind scatter|line|hist|image] [--x P] [--y P ...] [--color P] [--by FIELD] [--where EXPR] [--rows A..B] [--bins N] [--width W] [--height H] [--title T] [-o OUT.png|OUT.svg]`
//!
//! Columns drawn as a scatter (default), lines, a histogram or a 2-D array
//! as an image: to a PNG or SVG file (by `-o`'s extension), or without
//! `-o` in the terminal (braille characters). Small data are drawn as
//! markers and polylines; big data (more than 10,000 points for a
//! scatter, 20,000 for lines) are aggregated per pixel straight from the
//! map. See [`crate::plot`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use binmap::{Error, Map, Result};

use crate::plot::data::{self, Col, Key, Source};
use crate::plot::{Body, Kind, Spec, raster, scene, svg, term, ticks};
use crate::util::{Output, open_with_layout};

/// Points up to this many are drawn as markers (a scatter)...
const SMALL_SCATTER: u64 = 10_000;
/// ...and as polylines (lines, counting every y column).
const SMALL_LINE: u64 = 20_000;

/// Plot columns: scatter, lines, histogram or image, to PNG, SVG or the terminal.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin; a .npy needs no layout).
    file: String,
    /// The 2-D array of `--kind image` (`data`); for other kinds, a column
    /// to plot (as --y).
    path: Option<String>,
    /// The layout: a .bml file or the layout text itself. The language:
    /// `binmap help layout`.
    #[arg(short, long)]
    layout: Option<String>,
    /// What to draw.
    #[arg(short, long, value_enum, default_value = "scatter")]
    kind: Kind,
    /// The x column (`log.x`); for lines, default: the row number; for a
    /// histogram, the column counted.
    #[arg(long, value_name = "PATH")]
    x: Option<String>,
    /// The y column (`log.y`); for lines, repeat for several lines
    /// (`--y a --y b`).
    #[arg(long, value_name = "PATH")]
    y: Vec<String>,
    /// Colour points by this column, with a colour bar (viridis).
    #[arg(long, value_name = "PATH")]
    color: Option<String>,
    /// One colour, line or histogram per value of this field (integers,
    /// strings or bools; at most 10 groups), with a legend.
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
    /// Only rows where this holds: `t > 100 && z < 200`.
    #[arg(short = 'w', long = "where", value_name = "EXPR", allow_hyphen_values = true)]
    condition: Option<String>,
    /// Rows of the table: `A..B`, `A..`, `..B`, `-10..` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    rows: Option<String>,
    /// Number of histogram bins (numpy's equal-width bins over min..max).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    bins: u32,
    /// Width: pixels for a file (default 800), characters in the terminal
    /// (default: the terminal's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    width: Option<u32>,
    /// Height: pixels for a file (default 600), lines in the terminal
    /// (default: the terminal's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    height: Option<u32>,
    /// A title above the plot.
    #[arg(long)]
    title: Option<String>,
    /// Write a PNG or SVG file (by its extension). Without -o the plot is
    /// drawn in the terminal.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Draw with characters to stdout even when it is not a terminal (for
    /// `less -R`, or a file).
    #[arg(long, conflicts_with = "output")]
    term: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Png,
    Svg,
    Terminal,
}

fn target(a: &Args) -> Result<Target> {
    let Some(o) = &a.output else {
        if a.term || std::io::stdout().is_terminal() {
            return Ok(Target::Terminal);
        }
        return Err(Error::usage(
            "plot: stdout is not a terminal: give -o FILE.png or -o FILE.svg (or --term to draw with characters anyway)",
        ));
    };
    let ext = o.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(Target::Png),
        Some("svg") => Ok(Target::Svg),
        _ => Err(Error::usage(format!(
            "plot -o {}: the file name must end in .png or .svg (the format is chosen by it)",
            o.display()
        ))),
    }
}

/// The terminal's size in characters: the tty's, else `COLUMNS`/`LINES`, else 80x24.
fn terminal_size() -> (usize, usize) {
    // SAFETY: TIOCGWINSZ writes a winsize into the struct we pass; on
    // failure (not a tty) it returns -1 and we ignore the struct.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    if ok && ws.ws_col > 0 && ws.ws_row > 0 {
        return (usize::from(ws.ws_col), usize::from(ws.ws_row));
    }
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok()).filter(|&v| v > 0);
    (env("COLUMNS").unwrap_or(80), env("LINES").unwrap_or(24))
}

fn refuse(what: &str, kind: Kind) -> Error {
    Error::usage(format!("{what} does not apply to --kind {}", kind_name(kind)))
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Scatter => "scatter",
        Kind::Line => "line",
        Kind::Hist => "hist",
        Kind::Image => "image",
    }
}

pub fn run(a: Args) -> Result<()> {
    let target = target(&a)?;
    let rows = a.rows.as_deref().map(binmap::select::Rows::parse).transpose()?;
    // A missing folder fails here, before any work.
    let mut out = match target {
        Target::Terminal => None,
        _ => Some(Output::new(a.output.as_deref())?),
    };
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    crate::util::check_described(&map)?;
    let kind = a.kind;
    if a.color.is_some() && kind != Kind::Scatter {
        return Err(refuse("--color", kind));
    }
    if a.color.is_some() && a.by.is_some() {
        return Err(Error::usage("give --color or --by, not both: a point has one colour"));
    }
    let (spec, body_of): (Spec, BodyFn<'_>) =
        if kind == Kind::Image { image(&a, &map, rows)? } else { columns(&a, &map, rows)? };
    let bytes: Vec<u8> = match target {
        Target::Terminal => {
            let (tc, tl) = terminal_size();
            let cols = a.width.map_or(tc, |w| w as usize);
            let lines = a.height.map_or(tl.saturating_sub(1).min(40), |h| h as usize);
            let lay = term::layout(&spec, cols, lines)?;
            let body = body_of(&lay.frame)?;
            term::render(&spec, &body, &lay, term::Colour::detect()).into_bytes()
        }
        Target::Png | Target::Svg => {
            let (w, h) = (a.width.unwrap_or(800), a.height.unwrap_or(600));
            if u64::from(w) * u64::from(h) > 64_000_000 {
                return Err(Error::usage(format!(
                    "a {w}x{h} figure is too large: at most 64 million pixels (8000x8000)"
                )));
            }
            let lay = scene::layout(&spec, w, h)?;
            let body = body_of(&lay.frame)?;
            let sc = scene::build(&spec, &body, w, h, &lay);
            if target == Target::Png { raster::to_png(&sc)? } else { svg::to_svg(&sc)?.into_bytes() }
        }
    };
    src.check_unchanged()?;
    match out.as_mut() {
        Some(o) => {
            let name = a.output.as_deref().map_or_else(String::new, |p: &Path| p.display().to_string());
            o.writer().write_all(&bytes).map_err(|e| Error::io(&name, &e))?;
        }
        None => {
            let mut o = Output::new(None)?;
            o.writer().write_all(&bytes).map_err(|e| Error::io("<stdout>", &e))?;
            return o.finish();
        }
    }
    match out {
        Some(o) => o.finish(),
        None => Ok(()),
    }
}

type BodyFn<'a> = Box<dyn FnOnce(&data::Frame) -> Result<Body> + 'a>;

/// Scatter, line and histogram: the columns, the first pass, the spec,
/// and how to make the body once the frame is known.
fn columns<'m>(a: &'m Args, map: &'m Map<'_>, rows: Option<binmap::select::Rows>) -> Result<(Spec, BodyFn<'m>)> {
    let kind = a.kind;
    let mut ys: Vec<&String> = a.path.iter().chain(&a.y).collect();
    let mut xp = a.x.as_ref();
    match kind {
        Kind::Hist => {
            // The column counted: --x, --y or the path.
            if let Some(x) = xp.take() {
                ys.insert(0, x);
            }
            if ys.len() != 1 {
                return Err(Error::usage("--kind hist counts one column: give it as --x (or --y, or a path)"));
            }
        }
        Kind::Scatter if ys.len() != 1 => {
            return Err(Error::usage("a scatter needs one --y column (and --x; without it, x is the row number)"));
        }
        _ if ys.is_empty() => return Err(Error::usage("nothing to plot: give --y (and --x), or a path")),
        _ => {}
    }
    if a.by.is_some() && ys.len() > 1 {
        return Err(Error::usage("--by draws one line per group of one --y column; give one --y"));
    }
    let x = xp.map(|p| Col::new(map, p, rows, false)).transpose()?;
    let ycols = ys.iter().map(|p| Col::new(map, p, rows, false)).collect::<Result<Vec<_>>>()?;
    let c = a.color.as_deref().map(|p| Col::new(map, p, rows, false)).transpose()?;
    let by = a.by.as_deref().map(|p| by_column(map, p, &ycols[0], rows)).transpose()?;
    let src = Source::new(x, ycols, c, by, a.condition.as_deref())?;
    let bar = crate::progress::Bar::new(src.n, "rows");
    let sum = data::summarise(&src, &bar)?;
    drop(bar);
    if sum.count == 0 {
        let why = match (&a.condition, src.n) {
            (_, 0) => "the selection has no rows".to_string(),
            (Some(w), n) => format!("--where '{w}' matched none of the {n} rows (or only NaNs)"),
            (None, n) => format!("none of the {n} rows has finite values in every column"),
        };
        return Err(Error::data(format!("nothing to plot: {why}")));
    }
    if sum.too_many {
        return Err(Error::usage(format!(
            "--by {}: more than {} groups; pick some with --where",
            a.by.as_deref().unwrap_or(""),
            data::MAX_GROUPS
        )));
    }
    let groups: Vec<Key> = sum.groups.keys().cloned().collect();
    let mut names: Vec<String> = groups.iter().map(Key::text).collect();
    if names.is_empty() && ys.len() > 1 {
        names = ys.iter().map(|s| s.to_string()).collect();
    }
    let xlabel = match (kind, xp) {
        (Kind::Hist, _) => ys[0].to_string(),
        (_, Some(x)) => x.clone(),
        (_, None) => "row".to_string(),
    };
    let ylabel = match kind {
        Kind::Hist => "count".to_string(),
        _ => ys.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
    };
    let mut spec = Spec {
        kind,
        title: a.title.clone(),
        xlabel,
        ylabel,
        clabel: a.color.clone(),
        xlim: ticks::padded(sum.x.lo, sum.x.hi),
        ylim: ticks::padded(sum.y.lo, sum.y.hi),
        clim: ticks::exact(sum.c.lo, sum.c.hi),
        names,
        marks: false,
        image: None,
    };
    if let Some(c) = a.color.as_ref().filter(|_| sum.c.hi > sum.c.lo) {
        spec.clabel = Some(c.clone());
        spec.clim = (sum.c.lo, sum.c.hi);
    }
    let count = sum.count;
    let body: BodyFn<'m> = match kind {
        Kind::Hist => {
            let bar = crate::progress::Bar::new(src.n, "rows");
            let hist = data::histogram(&src, sum.y, a.bins as usize, &groups, &bar)?;
            drop(bar);
            let top = hist.counts.iter().flatten().copied().max().unwrap_or(0) as f64;
            let (lo, hi) = (hist.edges[0], hist.edges[hist.edges.len() - 1]);
            spec.xlim = ticks::padded(lo, hi);
            spec.ylim = (0.0, if top > 0.0 { top * 1.05 } else { 1.0 });
            Box::new(move |_| Ok(Body::Hist(hist)))
        }
        Kind::Scatter if count <= SMALL_SCATTER => {
            spec.marks = a.by.is_none() && count >= 2;
            Box::new(move |_| collect(&src, &groups))
        }
        Kind::Line if count * src.ys.len() as u64 <= SMALL_LINE => Box::new(move |_| collect(&src, &groups)),
        Kind::Scatter => {
            let crange = sum.c;
            Box::new(move |f| {
                let bar = crate::progress::Bar::new(src.n, "rows");
                Ok(Body::Scatter(data::scatter_grid(&src, *f, crange, &groups, &bar)?))
            })
        }
        _ => Box::new(move |f| {
            let bar = crate::progress::Bar::new(src.n, "rows");
            Ok(Body::Lines(data::line_grid(&src, *f, &groups, &bar)?))
        }),
    };
    Ok((spec, body))
}

fn collect(src: &Source<'_>, groups: &[Key]) -> Result<Body> {
    let bar = crate::progress::Bar::new(src.n, "rows");
    Ok(Body::Points(data::collect(src, groups, &bar)?))
}

/// `--by name` or `--by log.name`: a field of the y column's table.
fn by_column<'m>(map: &'m Map<'_>, path: &str, y: &Col<'m>, rows: Option<binmap::select::Rows>) -> Result<Col<'m>> {
    let segs = binmap::select::parse_path(path)?;
    let inside = crate::cmd::stats::strip_table(&segs, &y.table);
    if let Ok(col) = y.table.column(&inside) {
        let c = Col { table: y.table.clone(), col, label: path.to_string() };
        return match c.col.leaf_type() {
            Some(
                binmap::query::table::LeafType::Int(_)
                | binmap::query::table::LeafType::Str
                | binmap::query::table::LeafType::Bool,
            ) => Ok(c),
            _ => Err(Error::usage(format!("--by {path}: groups need a field of integers, strings or bools"))),
        };
    }
    Col::new(map, path, rows, true)
}

/// `--kind image`: a 2-D numeric array.
fn image<'m>(a: &'m Args, map: &'m Map<'_>, rows: Option<binmap::select::Rows>) -> Result<(Spec, BodyFn<'m>)> {
    for (given, what) in [
        (a.x.is_some(), "--x"),
        (a.color.is_some(), "--color"),
        (a.by.is_some(), "--by"),
        (a.condition.is_some(), "--where"),
    ] {
        if given {
            return Err(refuse(what, Kind::Image));
        }
    }
    let paths: Vec<&String> = a.path.iter().chain(&a.y).collect();
    let [path] = paths[..] else {
        return Err(Error::usage(
            "--kind image draws one 2-D array: give its path (binmap plot data.bin -l data.bml data --kind image)",
        ));
    };
    let col = Col::new(map, path, rows, false)?;
    let shape = &col.table.array.shape;
    if shape.len() != 2 || !col.col.path.is_empty() {
        return Err(Error::usage(format!(
            "--kind image needs a 2-D array of numbers; '{path}' has shape [{}]",
            shape.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        )));
    }
    let ncols = shape[1];
    let nrows = col.len() / ncols.max(1);
    // With --rows, the axis shows the array's own row numbers.
    let row0 = col.table.rows.start / ncols.max(1);
    if nrows == 0 || ncols == 0 {
        return Err(Error::data(format!("nothing to plot: '{path}' has no values in the selection")));
    }
    let bar = crate::progress::Bar::new(col.len(), "values");
    let range = data::image_range(&col, &bar)?;
    drop(bar);
    if range.lo > range.hi {
        return Err(Error::data(format!("nothing to plot: '{path}' has no finite values in the selection")));
    }
    let spec = Spec {
        kind: Kind::Image,
        title: a.title.clone(),
        xlabel: "column".to_string(),
        ylabel: "row".to_string(),
        clabel: Some(path.clone()),
        xlim: (-0.5, ncols as f64 - 0.5),
        ylim: (row0 as f64 - 0.5, (row0 + nrows) as f64 - 0.5),
        clim: ticks::exact(range.lo, range.hi),
        names: Vec::new(),
        marks: false,
        image: Some((nrows, ncols)),
    };
    let body: BodyFn<'m> = Box::new(move |f| {
        let bar = crate::progress::Bar::new(col.len(), "values");
        let mut r = range;
        if r.hi <= r.lo {
            r.hi = r.lo + 1.0;
        }
        Ok(Body::Image(data::image(&col, ncols, f.w, f.h, r, &bar)?))
    });
    Ok((spec, body))
}
