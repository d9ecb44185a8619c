//! A plot drawn with characters, for a quick look in a terminal: points
//! and lines as Unicode braille (2 x 4 dots per character), images as
//! half blocks (`▀`, two pixels per character), coloured with 24-bit
//! colour when `COLORTERM` says the terminal has it, else the 256-colour
//! palette, and without colour under `NO_COLOR`. No inline image protocol
//! (sixel, kitty, iTerm2) is used: braille works in every terminal and in
//! `less -R`.

use std::fmt::Write;

use super::colormap::{self, Rgb};
use super::data::Frame;
use super::{Body, Kind, Spec, ticks};

/// How to colour characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    None,
    Palette256,
    Truecolor,
}

impl Colour {
    /// From the environment: `NO_COLOR`, then `COLORTERM`.
    pub fn detect() -> Colour {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Colour::None;
        }
        match std::env::var("COLORTERM") {
            Ok(v) if v.contains("truecolor") || v.contains("24bit") => Colour::Truecolor,
            _ => Colour::Palette256,
        }
    }

    fn fg(self, c: Rgb) -> String {
        match self {
            Colour::None => String::new(),
            Colour::Truecolor => format!("\x1b[38;2;{};{};{}m", c[0], c[1], c[2]),
            Colour::Palette256 => format!("\x1b[38;5;{}m", palette(c)),
        }
    }

    fn bg(self, c: Rgb) -> String {
        match self {
            Colour::None => String::new(),
            Colour::Truecolor => format!("\x1b[48;2;{};{};{}m", c[0], c[1], c[2]),
            Colour::Palette256 => format!("\x1b[48;5;{}m", palette(c)),
        }
    }

    fn reset(self) -> &'static str {
        if self == Colour::None { "" } else { "\x1b[0m" }
    }
}

/// The nearest colour of the 6x6x6 cube of the 256-colour palette.
fn palette(c: Rgb) -> u8 {
    let q = |v: u8| (f32::from(v) / 255.0 * 5.0).round() as u8;
    16 + 36 * q(c[0]) + 6 * q(c[1]) + q(c[2])
}

/// Where the plot goes in a `cols` x `lines` character grid.
#[derive(Clone, Copy, Debug)]
pub struct TermLayout {
    pub left: usize,
    /// Plot area in characters.
    pub pw: usize,
    pub ph: usize,
    /// The dots (or half-block pixels) of the plot area, for aggregation.
    pub frame: Frame,
}

fn yticks(spec: &Spec, ph: usize) -> Vec<(f64, String)> {
    ticks::ticks_min(spec.ylim.0, spec.ylim.1, (ph / 3).clamp(2, 8), super::scene::min_step(spec))
}

/// Lines besides the plot rows: title, y label, axis, tick labels, x
/// label, colour bar or legend.
fn extra_lines(spec: &Spec) -> usize {
    let mut n = 4;
    if spec.title.is_some() {
        n += 1;
    }
    if spec.clabel.is_some() || spec.names.len() > 1 {
        n += 1;
    }
    n
}

/// Lay out a plot of `cols` x `lines` characters.
pub fn layout(spec: &Spec, cols: usize, lines: usize) -> binmap::Result<TermLayout> {
    let ph = lines.saturating_sub(extra_lines(spec));
    let ymax = yticks(spec, ph.max(2)).iter().map(|t| t.1.chars().count()).max().unwrap_or(1);
    let left = ymax + 1;
    let pw = cols.saturating_sub(left + 2);
    if pw < 10 || ph < 3 {
        return Err(binmap::Error::usage(format!(
            "a {cols}x{lines} character plot leaves no room: give a larger --width/--height"
        )));
    }
    let (mut pw, mut ph) = (pw, ph);
    let (fw, fh) = match spec.image {
        Some((rows, icols)) => {
            // Half blocks: a character is one pixel wide and two high.
            let cell = (pw as f64 / icols as f64).min(ph as f64 * 2.0 / rows as f64);
            pw = ((cell * icols as f64).round() as usize).clamp(1, pw);
            let hpx = ((cell * rows as f64).round() as usize).clamp(1, ph * 2);
            ph = hpx.div_ceil(2);
            (pw, hpx)
        }
        None => (pw * 2, ph * 4),
    };
    let frame = Frame { w: fw, h: fh, x0: spec.xlim.0, x1: spec.xlim.1, y0: spec.ylim.0, y1: spec.ylim.1 };
    Ok(TermLayout { left, pw, ph, frame })
}

/// Dots of the plot area, each with the colour drawn last.
struct Dots {
    w: usize,
    h: usize,
    dots: Vec<Option<Rgb>>,
}

impl Dots {
    fn set(&mut self, x: f64, y: f64, c: Rgb) {
        if x >= 0.0 && y >= 0.0 && x < self.w as f64 && y < self.h as f64 {
            self.dots[y as usize * self.w + x as usize] = Some(c);
        }
    }

    fn segment(&mut self, a: (f64, f64), b: (f64, f64), c: Rgb) {
        let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil().max(1.0);
        for s in 0..=steps as i64 {
            let t = s as f64 / steps;
            self.set(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, c);
        }
    }
}

fn point_colour(spec: &Spec, p: &super::data::Points, i: usize) -> Rgb {
    if !p.c.is_empty() {
        let (lo, hi) = spec.clim;
        colormap::viridis(if hi > lo { (p.c[i] - lo) / (hi - lo) } else { 0.0 })
    } else if !p.g.is_empty() {
        colormap::series(p.g[i] as usize)
    } else {
        colormap::TAB10[0]
    }
}

fn dots(spec: &Spec, body: &Body, f: &Frame) -> Dots {
    let mut d = Dots { w: f.w, h: f.h, dots: vec![None; f.w * f.h] };
    match body {
        Body::Points(p) if spec.kind == Kind::Scatter => {
            for i in 0..p.x.len() {
                // Two by two dots: one dot alone is hard to see.
                let (x, y) = f.px(p.x[i], p.ys[0][i]);
                let c = point_colour(spec, p, i);
                for (dx, dy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)] {
                    d.set((x - 0.5 + dx).max(0.0), (y - 0.5 + dy).max(0.0), c);
                }
            }
        }
        Body::Points(p) => {
            let series = if p.g.is_empty() { p.ys.len() } else { spec.names.len().max(1) };
            for s in 0..series {
                let pts: Vec<(f64, f64)> = if p.g.is_empty() {
                    p.x.iter().zip(&p.ys[s]).map(|(&x, &y)| f.px(x, y)).collect()
                } else {
                    (0..p.x.len()).filter(|&i| p.g[i] as usize == s).map(|i| f.px(p.x[i], p.ys[0][i])).collect()
                };
                for w in pts.windows(2) {
                    d.segment(w[0], w[1], colormap::series(s));
                }
                if let [only] = pts[..] {
                    d.set(only.0, only.1, colormap::series(s));
                }
            }
        }
        Body::Scatter(g) => {
            for i in 0..g.w * g.h {
                let n: u32 = g.counts.iter().map(|c| c[i]).sum();
                if n == 0 {
                    continue;
                }
                let c = if !g.csum.is_empty() {
                    colormap::viridis(g.mean(i, n))
                } else {
                    let best = (0..g.counts.len()).max_by_key(|&s| (g.counts[s][i], usize::MAX - s)).unwrap_or(0);
                    colormap::series(best)
                };
                d.dots[i] = Some(c);
            }
        }
        Body::Lines(g) => {
            for (s, hits) in g.hits.iter().enumerate() {
                for (i, _) in hits.iter().enumerate().filter(|h| *h.1) {
                    d.dots[i] = Some(colormap::series(s));
                }
            }
        }
        Body::Hist(h) => {
            for (s, counts) in h.counts.iter().enumerate() {
                for (b, &n) in counts.iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    let (x0, y0) = f.px(h.edges[b], n as f64);
                    let (x1, _) = f.px(h.edges[b + 1], 0.0);
                    let top = y0.round().max(0.0) as usize;
                    for x in x0.round().max(0.0) as usize..(x1.round().max(0.0) as usize).min(f.w) {
                        for y in top.min(f.h)..f.h {
                            d.dots[y * f.w + x] = Some(colormap::series(s));
                        }
                    }
                }
            }
        }
        Body::Image(_) => {}
    }
    d
}

/// Braille bits of the dot at (dx, dy) of a character (2 x 4 dots).
const BRAILLE: [[u32; 2]; 4] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];

/// The plot's characters, line by line.
pub fn render(spec: &Spec, body: &Body, lay: &TermLayout, colour: Colour) -> String {
    let (pw, ph, left) = (lay.pw, lay.ph, lay.left);
    // The plot area: one string per character.
    let mut cells: Vec<Vec<String>> = vec![vec![" ".to_string(); pw]; ph];
    if let Body::Image(img) = body {
        for (r, row) in cells.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                // Pixel (c, y) of the frame shows cell (c * w / fw, y * h / fh).
                let (fw, fh) = (lay.frame.w, lay.frame.h);
                let px = |y: usize| {
                    if c >= fw || y >= fh {
                        return None;
                    }
                    img.cells[(y * img.h / fh) * img.w + c * img.w / fw].map(colormap::viridis)
                };
                let (top, bottom) = (px(2 * r), px(2 * r + 1));
                *cell = match (colour, top, bottom) {
                    (Colour::None, t, b) => {
                        let v = |p: Option<Rgb>| p.map_or(0.0, |p| f64::from(p[1]));
                        let shade = (v(t) + v(b)) / 2.0 / 255.0;
                        [" ", "░", "▒", "▓", "█"][((shade * 4.0).round() as usize).min(4)].to_string()
                    }
                    (_, Some(t), Some(b)) => format!("{}{}▀{}", colour.fg(t), colour.bg(b), colour.reset()),
                    (_, Some(t), None) => format!("{}▀{}", colour.fg(t), colour.reset()),
                    (_, None, Some(b)) => format!("{}▄{}", colour.fg(b), colour.reset()),
                    (_, None, None) => " ".to_string(),
                };
            }
        }
    } else {
        let d = dots(spec, body, &lay.frame);
        for (r, row) in cells.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                let (mut bits, mut acc, mut n) = (0u32, [0u32; 3], 0u32);
                for (dy, bit_row) in BRAILLE.iter().enumerate() {
                    for (dx, bit) in bit_row.iter().enumerate() {
                        let (x, y) = (c * 2 + dx, r * 4 + dy);
                        if let Some(Some(col)) = d.dots.get(y * d.w + x).filter(|_| x < d.w && y < d.h) {
                            bits |= bit;
                            for k in 0..3 {
                                acc[k] += u32::from(col[k]);
                            }
                            n += 1;
                        }
                    }
                }
                if bits != 0 {
                    let ch = char::from_u32(0x2800 + bits).unwrap_or('?');
                    let mean = acc.map(|v| (v / n) as u8);
                    *cell = format!("{}{ch}{}", colour.fg(mean), colour.reset());
                }
            }
        }
    }
    let mut out = String::new();
    let width = left + 1 + pw;
    if let Some(t) = &spec.title {
        let _ = writeln!(out, "{}", centre(t, width));
    }
    let _ = writeln!(out, "{}", spec.ylabel);
    // y ticks on the rows they fall in.
    let mut ylabels: Vec<Option<String>> = vec![None; ph];
    for (v, t) in yticks(spec, ph) {
        let frac = (v - spec.ylim.0) / (spec.ylim.1 - spec.ylim.0);
        let r = if spec.image.is_some() { frac * ph as f64 } else { (1.0 - frac) * ph as f64 };
        let r = (r.floor() as usize).min(ph - 1);
        ylabels[r] = Some(t);
    }
    for (r, row) in cells.iter().enumerate() {
        let (label, axis) = match &ylabels[r] {
            Some(t) => (t.as_str(), '┤'),
            None => ("", '│'),
        };
        let _ = writeln!(out, "{label:>w$}{axis}{}", row.concat(), w = left - 1);
    }
    // The x axis, its ticks and labels.
    let mut axis: Vec<char> = vec!['─'; pw];
    let mut labels: Vec<char> = vec![' '; width + 8];
    let mut free = 0usize;
    let xt = ticks::ticks_min(spec.xlim.0, spec.xlim.1, (pw / 12).clamp(2, 8), super::scene::min_step(spec));
    for (v, t) in xt {
        let c = ((v - spec.xlim.0) / (spec.xlim.1 - spec.xlim.0) * pw as f64).floor() as usize;
        if c >= pw {
            continue;
        }
        axis[c] = '┬';
        let len = t.chars().count();
        let start = (left + c).saturating_sub(len / 2);
        if start >= free && start + len <= labels.len() {
            for (k, ch) in t.chars().enumerate() {
                labels[start + k] = ch;
            }
            free = start + len + 1;
        }
    }
    let _ = writeln!(out, "{}└{}", " ".repeat(left - 1), axis.iter().collect::<String>());
    let _ = writeln!(out, "{}", labels.iter().collect::<String>().trim_end());
    let _ = writeln!(out, "{}", centre(&spec.xlabel, width));
    if let Some(cl) = &spec.clabel {
        let mut bar = String::new();
        for i in 0..24 {
            let c = colormap::viridis(i as f64 / 23.0);
            match colour {
                Colour::None => bar.push(['░', '▒', '▓', '█'][i * 4 / 24]),
                _ => {
                    let _ = write!(bar, "{}█", colour.fg(c));
                }
            }
        }
        bar.push_str(colour.reset());
        let _ = writeln!(out, "{cl}: {} {bar} {}", ticks::short(spec.clim.0), ticks::short(spec.clim.1));
    } else if spec.names.len() > 1 {
        let mut line = String::new();
        for (s, n) in spec.names.iter().enumerate() {
            let mark = if colour == Colour::None { format!("{}", s + 1) } else { "■".to_string() };
            let _ = write!(line, "{}{mark}{} {n}  ", colour.fg(colormap::series(s)), colour.reset());
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

fn centre(t: &str, width: usize) -> String {
    let len = t.chars().count();
    format!("{}{t}", " ".repeat(width.saturating_sub(len) / 2))
}
