//! The one font plots use, embedded in the binary: no system font is
//! looked up, so a fresh machine draws the same labels, byte for byte.
//!
//! `font/DejaVuSans-subset.ttf` is DejaVu Sans (the copy matplotlib ships
//! as `mpl-data/fonts/ttf/DejaVuSans.ttf`) cut down to Latin-1, U+2013,
//! U+2026, U+00B7 and U+2212 without hinting, with
//! `pyftsubset DejaVuSans.ttf --unicodes=U+0020-007E,U+00A0-00FF,U+2212,U+2013,U+2026,U+00B7 --no-hinting --layout-features=''`
//! `--drop-tables+=GPOS,GSUB,GDEF,MATH,FFTM` (15 KiB: no kerning, no
//! ligatures; labels are short). Its license (Bitstream Vera terms, DejaVu changes in the
//! public domain) allows redistribution and modified copies whose names do
//! not contain "Bitstream" or "Vera"; it is in `font/LICENSE`. Characters
//! outside the subset are drawn as `?`.

use std::sync::OnceLock;

use ab_glyph_rasterizer::{Rasterizer, point};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

static TTF: &[u8] = include_bytes!("font/DejaVuSans-subset.ttf");

fn face() -> &'static Face<'static> {
    static FACE: OnceLock<Face<'static>> = OnceLock::new();
    // The embedded file is checked by the tests; it cannot fail at run time.
    FACE.get_or_init(|| Face::parse(TTF, 0).expect("the embedded font parses"))
}

/// Pixels per font unit at `px`: like ab_glyph, `px` is the font's height
/// (ascent − descent), 1.164 em for DejaVu Sans.
fn scale(px: f32) -> f32 {
    let f = face();
    px / (f32::from(f.ascender()) - f32::from(f.descender()))
}

/// A glyph placed on a line of text: its id and its pen x (pixels).
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub id: GlyphId,
    pub x: f32,
}

/// The glyphs of `text` at `px` pixels, and the line's width.
pub fn layout(text: &str, px: f32) -> (Vec<Placed>, f32) {
    let f = face();
    let k = scale(px);
    let unknown = f.glyph_index('?').unwrap_or(GlyphId(0));
    let mut out = Vec::with_capacity(text.len());
    let mut x = 0.0f32;
    for c in text.chars() {
        let id = f.glyph_index(c).unwrap_or(unknown);
        out.push(Placed { id, x });
        x += f32::from(f.glyph_hor_advance(id).unwrap_or(0)) * k;
    }
    (out, x)
}

/// Width of `text` at `px` pixels.
pub fn width(text: &str, px: f32) -> f32 {
    layout(text, px).1
}

/// Height of a capital letter at `px` pixels (to centre labels on ticks).
pub fn cap_height(px: f32) -> f32 {
    let f = face();
    f32::from(f.capital_height().unwrap_or(1493)) * scale(px)
}

/// Ascent at `px` pixels.
pub fn ascent(px: f32) -> f32 {
    f32::from(face().ascender()) * scale(px)
}

/// One piece of a glyph's outline, in pixels (y down).
#[derive(Clone, Copy, Debug)]
enum Piece {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

/// Collects an outline, scaled and placed: font units (y up) to pixels.
struct Collect {
    k: f32,
    x: f32,
    y: f32,
    out: Vec<Piece>,
}

impl Collect {
    fn p(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.k, self.y - y * self.k)
    }
}

impl OutlineBuilder for Collect {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.out.push(Piece::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.out.push(Piece::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (a, b) = self.p(x1, y1);
        let (x, y) = self.p(x, y);
        self.out.push(Piece::Quad(a, b, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b) = self.p(x1, y1);
        let (c, d) = self.p(x2, y2);
        let (x, y) = self.p(x, y);
        self.out.push(Piece::Cubic(a, b, c, d, x, y));
    }
    fn close(&mut self) {
        self.out.push(Piece::Close);
    }
}

/// The outlines of `text` with its baseline starting at (x, y), in pixels.
fn outlines(text: &str, px: f32, x: f32, y: f32) -> Vec<Piece> {
    let f = face();
    let (glyphs, _) = layout(text, px);
    let mut c = Collect { k: scale(px), x: 0.0, y, out: Vec::new() };
    for g in glyphs {
        c.x = x + g.x;
        f.outline_glyph(g.id, &mut c);
    }
    c.out
}

/// Draw `text` with its baseline starting at (x, y): `cover(px, py, c)` is
/// called for every pixel the glyphs cover, `c` in 0..=1.
pub fn raster(text: &str, px: f32, x: f32, y: f32, mut cover: impl FnMut(i64, i64, f32)) {
    let pieces = outlines(text, px, x, y);
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    let mut grow = |x: f32, y: f32| {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    };
    for p in &pieces {
        match *p {
            Piece::Move(x, y) | Piece::Line(x, y) => grow(x, y),
            Piece::Quad(a, b, x, y) => {
                grow(a, b);
                grow(x, y);
            }
            Piece::Cubic(a, b, c, d, x, y) => {
                grow(a, b);
                grow(c, d);
                grow(x, y);
            }
            Piece::Close => {}
        }
    }
    if x1 < x0 {
        return;
    }
    let (ox, oy) = (x0.floor(), y0.floor());
    let (w, h) = ((x1.ceil() - ox) as usize + 1, (y1.ceil() - oy) as usize + 1);
    let mut r = Rasterizer::new(w, h);
    let pt = |x: f32, y: f32| point(x - ox, y - oy);
    let (mut start, mut at) = (pt(0.0, 0.0), pt(0.0, 0.0));
    for p in pieces {
        match p {
            Piece::Move(x, y) => {
                start = pt(x, y);
                at = start;
            }
            Piece::Line(x, y) => {
                let b = pt(x, y);
                r.draw_line(at, b);
                at = b;
            }
            Piece::Quad(a, b, x, y) => {
                let e = pt(x, y);
                r.draw_quad(at, pt(a, b), e);
                at = e;
            }
            Piece::Cubic(a, b, c, d, x, y) => {
                let e = pt(x, y);
                r.draw_cubic(at, pt(a, b), pt(c, d), e);
                at = e;
            }
            Piece::Close => {
                if at != start {
                    r.draw_line(at, start);
                }
                at = start;
            }
        }
    }
    r.for_each_pixel_2d(|gx, gy, c| {
        if c > 0.0 {
            cover(ox as i64 + i64::from(gx), oy as i64 + i64::from(gy), c.min(1.0));
        }
    });
}

/// The outlines of `text` as an SVG path (`M … Z`), pen starting at the
/// origin, y growing downwards; `map` places each point (to move or rotate
/// the text).
pub fn svg_path(text: &str, px: f32, map: impl Fn(f32, f32) -> (f64, f64)) -> String {
    use std::fmt::Write;
    let mut d = String::new();
    let p = |x: f32, y: f32| {
        let (x, y) = map(x, y);
        pair(x, y)
    };
    for piece in outlines(text, px, 0.0, 0.0) {
        let _ = match piece {
            Piece::Move(x, y) => write!(d, "M{}", p(x, y)),
            Piece::Line(x, y) => write!(d, "L{}", p(x, y)),
            Piece::Quad(a, b, x, y) => write!(d, "Q{} {}", p(a, b), p(x, y)),
            Piece::Cubic(a, b, c, e, x, y) => write!(d, "C{} {} {}", p(a, b), p(c, e), p(x, y)),
            Piece::Close => write!(d, "Z"),
        };
    }
    d
}

/// `x,y` with two decimals at most.
pub fn pair(x: f64, y: f64) -> String {
    format!("{},{}", num(x, 2), num(y, 2))
}

/// `v` with at most `decimals` decimals, trailing zeros dropped (`12.5`, `3`).
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_font() {
        let w = super::width("log.x", 14.0);
        assert!(w > 20.0 && w < 60.0, "{w}");
        assert!(!super::svg_path("A", 14.0, |x, y| (x as f64, y as f64)).is_empty());
        let mut n = 0;
        super::raster("Hi", 14.0, 0.0, 14.0, |_, _, c| n += (c > 0.5) as usize);
        assert!(n > 10);
    }
}
