//! `binmap plot`: the tutorial's flight log as SVG with every marker where
//! the data put it; PNG pixels where a known pattern of points must be
//! (markers for small data, the per-pixel aggregation for big data);
//! histogram bars against numpy's `histogram` (fixtures written by
//! `tests/plot/make.py`); the terminal drawing against committed
//! snapshots; deterministic bytes; and the errors.
//!
//! Update the terminal snapshots with `UPDATE_SNAPSHOTS=1 cargo test
//! --release -p binmap-cli --test plot` (and look at the diff).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plot")
}

fn binmap() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_binmap"));
    c.current_dir(root()).timeout(std::time::Duration::from_secs(60));
    c.env_remove("NO_COLOR").env_remove("COLORTERM");
    c
}

// ---------------------------------------------------------------------------
// A small XML reader: checks the document is well formed and collects the
// elements with their attributes.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Elem {
    name: String,
    attrs: BTreeMap<String, String>,
}

impl Elem {
    fn get(&self, k: &str) -> &str {
        self.attrs.get(k).map(String::as_str).unwrap_or_else(|| panic!("{} has no {k}: {:?}", self.name, self.attrs))
    }
    fn num(&self, k: &str) -> f64 {
        self.get(k).parse().unwrap_or_else(|_| panic!("{k}={} is not a number", self.get(k)))
    }
}

/// Every element of a well-formed XML document, in order (panics otherwise).
fn parse_xml(text: &str) -> Vec<Elem> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        assert!(!rest[..lt].contains('>'), "stray '>' in text");
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>").expect("unclosed <?") + 2..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->").expect("unclosed comment") + 3..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("</") {
            let gt = r.find('>').expect("unclosed end tag");
            let name = r[..gt].trim();
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            rest = &r[gt + 1..];
            continue;
        }
        // A start tag: name, then name="value" pairs, then > or />.
        let body = &rest[1..];
        let name_end = body.find(|c: char| c.is_whitespace() || c == '>' || c == '/').expect("bad tag");
        let name = body[..name_end].to_string();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == ':' || c == '-'));
        let mut p = &body[name_end..];
        let mut attrs = BTreeMap::new();
        let closed = loop {
            p = p.trim_start();
            if let Some(r) = p.strip_prefix("/>") {
                p = r;
                break true;
            }
            if let Some(r) = p.strip_prefix('>') {
                p = r;
                break false;
            }
            let eq = p.find('=').expect("attribute without =");
            let key = p[..eq].trim().to_string();
            let r = &p[eq + 1..];
            assert!(r.starts_with('"'), "unquoted attribute {key}");
            let end = r[1..].find('"').expect("unclosed attribute") + 1;
            let value = &r[1..end];
            assert!(!value.contains('<'), "'<' in attribute {key}");
            assert!(attrs.insert(key.clone(), value.to_string()).is_none(), "attribute {key} twice");
            p = &r[end + 1..];
        };
        if !closed {
            stack.push(name.clone());
        }
        out.push(Elem { name, attrs });
        rest = p;
    }
    assert!(rest.trim().is_empty(), "text after the document");
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    out
}

fn class<'a>(elems: &'a [Elem], class: &str) -> Vec<&'a Elem> {
    elems.iter().filter(|e| e.attrs.get("class").is_some_and(|c| c == class)).collect()
}

fn nums(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|v| v.parse().unwrap()).collect()
}

/// matplotlib's default margins: 5% of the range on each side.
fn padded(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let m = (hi - lo) * 0.05;
    (lo - m, hi + m)
}

/// The flight log, read straight from its bytes: int32 N, then N x (t, x, y, z) float64.
fn flight_log() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let b = std::fs::read(root().join("examples/flight_log.b")).unwrap();
    let n = i32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
    let f = |i: usize, k: usize| f64::from_le_bytes(b[4 + i * 32 + k * 8..][..8].try_into().unwrap());
    ((0..n).map(|i| f(i, 0)).collect(), (0..n).map(|i| f(i, 1)).collect(), (0..n).map(|i| f(i, 2)).collect())
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

// ---------------------------------------------------------------------------
// SVG: the tutorial's flight log
// ---------------------------------------------------------------------------

#[test]
fn flight_log_svg_has_every_marker_where_the_data_put_it() {
    let d = tmp();
    let out = d.path().join("flight.svg");
    binmap()
        .args(["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml"])
        .args(["--x", "log.x", "--y", "log.y", "--color", "log.t", "--title", "Flight log", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    let elems = parse_xml(&text);
    assert_eq!(elems[0].name, "svg");
    assert_eq!((elems[0].get("width"), elems[0].get("height")), ("800", "600"));

    let (t, x, y) = flight_log();
    assert_eq!(t.len(), 25, "the flight log has 25 records");
    // Exactly one marker per record, in row order.
    let markers = class(&elems, "marker");
    assert_eq!(markers.len(), t.len());
    // The frame: where the plot area is, and its limits, computed here from the data.
    let frame = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "frame")).expect("a frame");
    let r = nums(frame.get("data-rect"));
    let (x0, x1) = padded(&x);
    let (y0, y1) = padded(&y);
    let lim = |k: &str| nums(frame.get(k));
    assert!((lim("data-xlim")[0] - x0).abs() < 1e-12 && (lim("data-xlim")[1] - x1).abs() < 1e-12);
    assert!((lim("data-ylim")[0] - y0).abs() < 1e-12 && (lim("data-ylim")[1] - y1).abs() < 1e-12);
    let px = |v: f64| r[0] + (v - x0) / (x1 - x0) * r[2];
    let py = |v: f64| r[1] + (y1 - v) / (y1 - y0) * r[3];
    for (i, m) in markers.iter().enumerate() {
        assert!((m.num("cx") - px(x[i])).abs() < 0.002, "marker {i}: cx {} != {}", m.num("cx"), px(x[i]));
        assert!((m.num("cy") - py(y[i])).abs() < 0.002, "marker {i}: cy {} != {}", m.num("cy"), py(y[i]));
        assert!(m.num("cx") > r[0] && m.num("cx") < r[0] + r[2] && m.num("cy") > r[1] && m.num("cy") < r[1] + r[3]);
    }
    // Coloured by time with viridis: the first is its darkest, the last its brightest.
    assert_eq!(markers[0].get("fill"), "#440154");
    assert_eq!(markers[t.len() - 1].get("fill"), "#fde725");
    // Start and end marked at the first and last points.
    for (cls, i) in [("start", 0), ("end", t.len() - 1)] {
        let m = class(&elems, cls);
        assert_eq!(m.len(), 1, "{cls}");
        let pts: Vec<f64> = m[0].get("points").split([' ', ',']).map(|v| v.parse().unwrap()).collect();
        let (cx, cy) = (
            pts.iter().step_by(2).sum::<f64>() / (pts.len() / 2) as f64,
            pts.iter().skip(1).step_by(2).sum::<f64>() / (pts.len() / 2) as f64,
        );
        assert!((cx - px(x[i])).abs() < 0.01 && (cy - py(y[i])).abs() < 2.0, "{cls} at {cx},{cy}");
    }
    // Axis labels, title, colour bar with its label and limits.
    let label = |cls: &str| class(&elems, cls).iter().map(|e| e.get("aria-label").to_string()).collect::<Vec<_>>();
    assert_eq!(label("xlabel"), ["log.x"]);
    assert_eq!(label("ylabel"), ["log.y"]);
    assert_eq!(label("clabel"), ["log.t"]);
    assert_eq!(label("title"), ["Flight log"]);
    let bar = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "colorbar")).expect("a colour bar");
    assert_eq!(nums(bar.get("data-clim")), [0.0, 1665.0]);
    assert_eq!(class(&elems, "colorbar").len(), 1);
    // Text is drawn from the embedded font: paths, no <text> needing a system font.
    assert!(!text.contains("<text"));
    assert!(label("ticklabel").contains(&"-96.580".to_string()), "{:?}", label("ticklabel"));
}

// ---------------------------------------------------------------------------
// PNG: pixels where a known pattern of points must be
// ---------------------------------------------------------------------------

struct Png {
    w: usize,
    h: usize,
    rgb: Vec<u8>,
    frame: Vec<f64>,
}

fn read_png(path: &Path) -> Png {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let frame = r
        .info()
        .uncompressed_latin1_text
        .iter()
        .find(|t| t.keyword == "binmap-frame")
        .map(|t| nums(&t.text))
        .expect("a binmap-frame text chunk");
    Png { w: info.width as usize, h: info.height as usize, rgb: buf[..info.buffer_size()].to_vec(), frame }
}

impl Png {
    fn at(&self, x: f64, y: f64) -> [u8; 3] {
        let i = (y as usize * self.w + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
    /// Where data point (x, y) is, by the frame chunk.
    fn pos(&self, x: f64, y: f64) -> (f64, f64) {
        let f = &self.frame;
        (f[0] + (x - f[4]) / (f[5] - f[4]) * f[2], f[1] + (f[7] - y) / (f[7] - f[6]) * f[3])
    }
}

/// A 7 x 7 grid with an X on it: cells (i, i) and (i, 6 - i) hold points.
fn pattern(i: usize, j: usize) -> bool {
    i == j || i + j == 6
}

/// `copies` points on each cell of the X, as `p: {x: f32, y: f32}[..]`.
fn write_pattern(path: &Path, copies: usize) {
    let mut b = Vec::new();
    for _ in 0..copies {
        for i in 0..7 {
            for j in 0..7 {
                if pattern(i, j) {
                    b.extend((i as f32).to_le_bytes());
                    b.extend((j as f32).to_le_bytes());
                }
            }
        }
    }
    std::fs::write(path, b).unwrap();
}

fn check_pattern(png: &Png, x0y0: (f64, f64)) {
    // Limits: 0..6 with 5% margins.
    let want = [x0y0.0, 6.3, x0y0.1, 6.3];
    assert!(png.frame[4..].iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12), "{:?}", png.frame);
    let white = [255, 255, 255];
    for i in 0..7 {
        for j in 0..7 {
            let (px, py) = png.pos(i as f64, j as f64);
            let c = png.at(px, py);
            if pattern(i, j) {
                assert_ne!(c, white, "no point at ({i}, {j})");
            } else {
                assert_eq!(c, white, "a point at ({i}, {j})");
            }
        }
    }
}

#[test]
fn png_markers_where_the_points_are() {
    let d = tmp();
    let data = d.path().join("x.bin");
    write_pattern(&data, 1);
    let out = d.path().join("x.png");
    binmap()
        .arg("plot")
        .arg(&data)
        .args(["-l", "p: {x: f32, y: f32}[..]", "--x", "p.x", "--y", "p.y", "--width", "400", "--height", "300", "-o"])
        .arg(&out)
        .assert()
        .success();
    let png = read_png(&out);
    assert_eq!((png.w, png.h), (400, 300));
    check_pattern(&png, (-0.3, -0.3));
    // A marker's centre is matplotlib's first colour (tab10 blue), its
    // edge 4 pixels away blends into white; the first and last points
    // carry the start (green) and end (red) marks.
    let (px, py) = png.pos(3.0, 3.0);
    assert_eq!(png.at(px, py), [31, 119, 180]);
    assert_eq!(png.at(px + 6.0, py), [255, 255, 255]);
    let (px, py) = png.pos(0.0, 0.0);
    assert_eq!(png.at(px, py), [44, 160, 44]);
    // (The end mark is under the legend: every corner of the X has a point.)
    let (px, py) = png.pos(6.0, 6.0);
    let c = png.at(px, py);
    assert!(c[0] > c[1] + 20 && c[0] > c[2] + 20, "{c:?}");
}

#[test]
fn png_big_data_aggregated_per_pixel() {
    // 13 x 1,000 points: more than the 10,000 drawn as markers.
    let d = tmp();
    let data = d.path().join("x.bin");
    write_pattern(&data, 1000);
    let out = d.path().join("x.png");
    binmap()
        .arg("plot")
        .arg(&data)
        .args(["-l", "p: {x: f32, y: f32}[..]", "--x", "p.x", "--y", "p.y", "-o"])
        .arg(&out)
        .assert()
        .success();
    let png = read_png(&out);
    assert_eq!((png.w, png.h), (800, 600));
    check_pattern(&png, (-0.3, -0.3));
    // Exactly one pixel per point position, no markers: the pixel right
    // of a point (away from the diagonals) is white.
    let (px, py) = png.pos(0.0, 0.0);
    assert_eq!(png.at(px + 3.0, py), [255, 255, 255]);
    assert_eq!(png.at(px, py), [31, 119, 180], "full opacity where the most points are");
}

// ---------------------------------------------------------------------------
// Histograms against numpy
// ---------------------------------------------------------------------------

#[test]
fn histogram_bars_are_numpys_counts() {
    let expected = std::fs::read_to_string(fixtures().join("hist.txt")).unwrap();
    let mut cases: BTreeMap<u32, (Vec<u64>, Vec<f64>)> = BTreeMap::new();
    for line in expected.lines() {
        let mut it = line.split_whitespace();
        let bins: u32 = it.next().unwrap().parse().unwrap();
        let what = it.next().unwrap();
        let e = cases.entry(bins).or_default();
        match what {
            "counts" => e.0 = it.map(|v| v.parse().unwrap()).collect(),
            _ => e.1 = it.map(|v| v.parse().unwrap()).collect(),
        }
    }
    assert_eq!(cases.len(), 3);
    let d = tmp();
    for (bins, (counts, edges)) in cases {
        let out = d.path().join(format!("h{bins}.svg"));
        binmap()
            .args(["plot", "crates/binmap-cli/tests/plot/values.bin", "-l", "v: f64[..]", "--kind", "hist"])
            .args(["--x", "v", "--bins", &bins.to_string(), "-o"])
            .arg(&out)
            .assert()
            .success();
        let elems = parse_xml(&std::fs::read_to_string(&out).unwrap());
        let bars = class(&elems, "bar");
        let got: Vec<u64> = bars.iter().map(|b| b.num("data-count") as u64).collect();
        assert_eq!(got, counts, "{bins} bins");
        // Heights proportional to the counts (y from 0 to 1.05 x the largest).
        let frame = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "frame")).unwrap();
        let r = nums(frame.get("data-rect"));
        let top = *counts.iter().max().unwrap() as f64 * 1.05;
        for (b, (bar, &n)) in bars.iter().zip(&counts).enumerate() {
            let h = n as f64 / top * r[3];
            assert!((bar.num("height") - h).abs() < 0.01, "bin {b}: height {} != {h}", bar.num("height"));
            assert!((bar.num("y") + bar.num("height") - (r[1] + r[3])).abs() < 0.01, "bin {b} stands on 0");
        }
        // Bars span numpy's edges.
        let xlim = nums(frame.get("data-xlim"));
        let px = |v: f64| r[0] + (v - xlim[0]) / (xlim[1] - xlim[0]) * r[2];
        assert!((bars[0].num("x") - px(edges[0])).abs() < 0.01);
        let last = bars[bars.len() - 1];
        assert!((last.num("x") + last.num("width") - px(edges[edges.len() - 1])).abs() < 0.02);
    }
}

#[test]
fn histogram_per_group_adds_up() {
    let d = tmp();
    let out = d.path().join("h.svg");
    binmap()
        .args(["plot", "examples/db.dat", "-l", "examples/db.bml", "--kind", "hist", "--x", "value", "--by", "name"])
        .args(["--bins", "4", "-o"])
        .arg(&out)
        .assert()
        .success();
    let elems = parse_xml(&std::fs::read_to_string(&out).unwrap());
    let bars = class(&elems, "bar");
    assert_eq!(bars.len(), 4 * 4, "4 groups x 4 bins");
    let total: f64 = bars.iter().map(|b| b.num("data-count")).sum();
    assert_eq!(total, 8.0);
    let legend: Vec<&str> =
        class(&elems, "legend").iter().filter_map(|e| e.attrs.get("aria-label")).map(String::as_str).collect();
    assert_eq!(legend, ["GOOD_profit", "GOOG_profit", "INTC_profit", "MSFT_profit"]);
}

// ---------------------------------------------------------------------------
// Lines, images, determinism
// ---------------------------------------------------------------------------

#[test]
fn lines_per_group_and_against_the_row() {
    let d = tmp();
    let out = d.path().join("l.svg");
    binmap()
        .args(["plot", "examples/db.dat", "-l", "examples/db.bml", "--kind", "line", "--x", "time", "--y", "value"])
        .args(["--by", "name", "-o"])
        .arg(&out)
        .assert()
        .success();
    let elems = parse_xml(&std::fs::read_to_string(&out).unwrap());
    let lines = class(&elems, "series");
    // GOOD 1, GOOG 2, INTC 2, MSFT 3 points.
    let n: Vec<usize> = lines.iter().map(|l| l.get("points").split_whitespace().count()).collect();
    assert_eq!(n, [1, 2, 2, 3]);
    // Two columns against the row number.
    binmap()
        .args(["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--kind", "line"])
        .args(["--y", "log.x", "--y", "log.y", "--rows", "5..15", "-o"])
        .arg(&out)
        .assert()
        .success();
    let elems = parse_xml(&std::fs::read_to_string(&out).unwrap());
    let lines = class(&elems, "series");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].get("points").split_whitespace().count(), 10);
    let frame = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "frame")).unwrap();
    let xlim = nums(frame.get("data-xlim"));
    assert!((xlim[0] - (5.0 - 0.45)).abs() < 1e-9 && (xlim[1] - (14.0 + 0.45)).abs() < 1e-9, "{xlim:?}");
}

#[test]
fn image_of_a_matrix() {
    let d = tmp();
    let out = d.path().join("i.png");
    binmap()
        .args(["plot", "examples/data.bin", "-l", "examples/data.bml", "data", "--kind", "image", "-o"])
        .arg(&out)
        .assert()
        .success();
    let png = read_png(&out);
    // 6 rows x 5 columns, square cells: data[0, 0] = 0 top left (viridis' first colour),
    // data[5, 4] = 29 bottom right (its last).
    let f = &png.frame;
    assert!((f[2] / 5.0 - f[3] / 6.0).abs() < 1.0, "square cells: {f:?}");
    assert_eq!(png.at(f[0] + 2.0, f[1] + 2.0), [68, 1, 84]);
    assert_eq!(png.at(f[0] + f[2] - 3.0, f[1] + f[3] - 3.0), [253, 231, 37]);
    // --rows keeps the array's row numbers on the axis.
    let out = d.path().join("i.svg");
    binmap()
        .args([
            "plot",
            "examples/data.bin",
            "-l",
            "examples/data.bml",
            "data",
            "--kind",
            "image",
            "--rows",
            "2..5",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let elems = parse_xml(&std::fs::read_to_string(&out).unwrap());
    let frame = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "frame")).unwrap();
    assert_eq!(nums(frame.get("data-ylim")), [1.5, 4.5]);
    let bar = elems.iter().find(|e| e.attrs.get("id").is_some_and(|i| i == "colorbar")).unwrap();
    assert_eq!(nums(bar.get("data-clim")), [10.0, 24.0]);
}

#[test]
fn big_data_same_bytes_on_any_number_of_threads() {
    // 13 x 6,000 points: two blocks of rows, aggregated per pixel.
    let d = tmp();
    let data = d.path().join("x.bin");
    write_pattern(&data, 6000);
    for (kind, extra) in [("scatter", vec!["--x", "p.x", "--color", "p.x"]), ("line", vec![]), ("hist", vec![])] {
        let outs: Vec<Vec<u8>> = ["1", "2", "3"]
            .iter()
            .map(|threads| {
                let out = d.path().join(format!("{kind}{threads}.png"));
                binmap()
                    .arg("plot")
                    .arg(&data)
                    .args(["-l", "p: {x: f32, y: f32}[..]", "--kind", kind, "--y", "p.y"])
                    .args(&extra)
                    .arg("-o")
                    .arg(&out)
                    .env("RAYON_NUM_THREADS", threads)
                    .assert()
                    .success();
                std::fs::read(&out).unwrap()
            })
            .collect();
        assert!(outs[0] == outs[1] && outs[1] == outs[2], "{kind}");
    }
}

#[test]
fn same_input_same_bytes() {
    let d = tmp();
    for ext in ["png", "svg"] {
        let outs: Vec<Vec<u8>> = (0..2)
            .map(|k| {
                let out = d.path().join(format!("{k}.{ext}"));
                binmap()
                    .args(["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml"])
                    .args(["--x", "log.x", "--y", "log.y", "--color", "log.t", "-o"])
                    .arg(&out)
                    .assert()
                    .success();
                std::fs::read(&out).unwrap()
            })
            .collect();
        assert_eq!(outs[0], outs[1], "{ext}");
    }
}

// ---------------------------------------------------------------------------
// The terminal
// ---------------------------------------------------------------------------

fn snapshot(name: &str, got: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(got == want, "{name} differs from the snapshot; got:\n{got}");
}

#[test]
fn terminal_snapshots() {
    let args = ["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"];
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut c = binmap();
        c.args(args).args(extra).args(["--term", "--width", "64", "--height", "20"]);
        for (k, v) in env {
            c.env(k, v);
        }
        String::from_utf8(c.assert().success().get_output().stdout.clone()).unwrap()
    };
    snapshot("flight_log.term.txt", &run(&["--color", "log.t"], &[("NO_COLOR", "1")]));
    snapshot("flight_log.term.ansi", &run(&["--color", "log.t"], &[("COLORTERM", "truecolor")]));
    snapshot("flight_log.term256.ansi", &run(&[], &[]));
    let hist = {
        let mut c = binmap();
        c.args(["plot", "crates/binmap-cli/tests/plot/values.bin", "-l", "v: f64[..]", "--kind", "hist", "--x", "v"])
            .args(["--bins", "20", "--term", "--width", "50", "--height", "14"])
            .env("NO_COLOR", "1");
        String::from_utf8(c.assert().success().get_output().stdout.clone()).unwrap()
    };
    snapshot("hist.term.txt", &hist);
}

#[test]
fn into_a_pipe_without_o_is_a_usage_error() {
    binmap()
        .args(["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("stdout is not a terminal: give -o FILE.png or -o FILE.svg"));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

fn fails(args: &[&str], code: i32, message: &str) {
    binmap()
        .args(args)
        .assert()
        .code(code)
        .stdout("")
        .stderr(predicates::str::starts_with(format!("error: {message}")));
}

#[test]
fn errors() {
    let d = tmp();
    let out = d.path().join("x.png");
    let out = out.to_str().unwrap();
    // A non-numeric path.
    fails(
        &["plot", "examples/db.dat", "-l", "examples/db.bml", "--x", "name", "--y", "value", "-o", out],
        2,
        "'name' is not a number: plot needs integer or float fields",
    );
    fails(
        &[
            "plot",
            "examples/flight_path.b",
            "-l",
            "examples/flight_path.bml",
            "--x",
            "info",
            "--y",
            "coords.y",
            "-o",
            out,
        ],
        2,
        "'info' is not in an array",
    );
    // Columns of different lengths.
    let two = d.path().join("two.bin");
    std::fs::write(&two, [0u8; 40]).unwrap();
    fails(
        &["plot", two.to_str().unwrap(), "-l", "a: f64[3]\nb: f64[2]", "--x", "a", "--y", "b", "-o", out],
        2,
        "columns of different lengths: a has 3 rows but b has 2",
    );
    // An empty selection.
    fails(
        &["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"],
        2,
        "plot: stdout is not a terminal",
    );
    fails(
        &["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"]
            .iter()
            .chain(&["--where", "t > 5000", "-o", out])
            .copied()
            .collect::<Vec<_>>(),
        1,
        "nothing to plot: --where 't > 5000' matched none of the 25 rows",
    );
    fails(
        &[
            "plot",
            "examples/flight_log.b",
            "-l",
            "examples/flight_log.bml",
            "--x",
            "log.x",
            "--y",
            "log.y",
            "--rows",
            "30..",
            "-o",
            out,
        ],
        1,
        "nothing to plot: the selection has no rows",
    );
    // A .png in a missing folder: an error before any work, nothing written.
    let missing = d.path().join("no/such/dir/x.png");
    binmap()
        .args(["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y", "-o"])
        .arg(&missing)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no/such/dir"));
    assert!(!d.path().join("no").exists());
    fails(
        &["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"]
            .iter()
            .chain(&["--width", "20000", "--height", "20000", "-o", out])
            .copied()
            .collect::<Vec<_>>(),
        2,
        "a 20000x20000 figure is too large",
    );
    fails(
        &["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "--x", "log.x", "--y", "log.y"]
            .iter()
            .chain(&["--width", "50", "--height", "40", "-o", out])
            .copied()
            .collect::<Vec<_>>(),
        2,
        "a 50x40 figure leaves no room for the plot",
    );
    // Formats by extension only.
    fails(
        &[
            "plot",
            "examples/flight_log.b",
            "-l",
            "examples/flight_log.bml",
            "--x",
            "log.x",
            "--y",
            "log.y",
            "-o",
            "x.jpg",
        ],
        2,
        "plot -o x.jpg: the file name must end in .png or .svg",
    );
    // Options that do not fit the kind.
    fails(
        &[
            "plot",
            "examples/data.bin",
            "-l",
            "examples/data.bml",
            "data",
            "--kind",
            "image",
            "--where",
            "rows > 1",
            "-o",
            out,
        ],
        2,
        "--where does not apply to --kind image",
    );
    fails(
        &["plot", "examples/flight_log.b", "-l", "examples/flight_log.bml", "log.x", "--kind", "image", "-o", out],
        2,
        "--kind image needs a 2-D array of numbers",
    );
    fails(
        &[
            "plot",
            "examples/db.dat",
            "-l",
            "examples/db.bml",
            "--x",
            "time",
            "--y",
            "value",
            "--color",
            "value",
            "--by",
            "name",
            "-o",
            out,
        ],
        2,
        "give --color or --by, not both",
    );
    assert!(!Path::new(out).exists(), "no output after errors");
}
