//! The one font plots use, embedded in the binary: no system font is
//! looked up, so a fresh machine draws the same labels, byte for byte.
//!
//! `font/DejaVuSans-subset.ttf` is DejaVu Sans (the copy matplotlib ships
//! as `mpl-data/fonts/ttf/DejaVuSans.ttf`) cut down to Latin-1, U+2013,
//! U+2026, U+00B7 and U+2212 without hinting, with
//! `pyftsubset DejaVuSans.ttf --unicodes=U+0020-007E,U+00A0-00FF,U+2212,U+2013,U+2026,U+00B7 --no-hinting --layout-features=''`
//! (16 KiB). Its license (Bitstream Vera terms, DejaVu changes in the
//! public domain) allows redistribution and modified copies whose names do
//! not contain "Bitstream" or "Vera"; it is in `font/LICENSE`. Characters
//! outside the subset are drawn as `?`.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, ScaleFont};

static TTF: &[u8] = include_bytes!("font/DejaVuSans-subset.ttf");

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    // The embedded file is checked by the tests; it cannot fail at run time.
    FONT.get_or_init(|| FontRef::try_from_slice(TTF).expect("the embedded font parses"))
}

/// A glyph placed on a line of text: its id and its pen x (pixels).
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub id: GlyphId,
    pub x: f32,
}

/// The glyphs of `text` at `px` pixels, and the line's width.
pub fn layout(text: &str, px: f32) -> (Vec<Placed>, f32) {
    let f = font();
    let s = f.as_scaled(px);
    let unknown = f.glyph_id('?');
    let mut out = Vec::with_capacity(text.len());
    let mut x = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let mut id = f.glyph_id(c);
        if id.0 == 0 && c != ' ' {
            id = unknown;
        }
        if let Some(p) = prev {
            x += s.kern(p, id);
        }
        out.push(Placed { id, x });
        x += s.h_advance(id);
        prev = Some(id);
    }
    (out, x)
}

/// Width of `text` at `px` pixels.
pub fn width(text: &str, px: f32) -> f32 {
    layout(text, px).1
}

/// Height of a capital letter at `px` pixels (to centre labels on ticks).
pub fn cap_height(px: f32) -> f32 {
    px * 0.729 * font_scale()
}

/// Ascent at `px` pixels.
pub fn ascent(px: f32) -> f32 {
    font().as_scaled(px).ascent()
}

/// ab_glyph's pixel scale is the font's height (ascent − descent); DejaVu's
/// is 1.164 em. This is em per pixel of that scale.
fn font_scale() -> f32 {
    let f = font();
    f.units_per_em().unwrap_or(2048.0) / f.height_unscaled()
}

/// Draw `text` with its baseline starting at (x, y): `cover(px, py, c)` is
/// called for every pixel the glyphs cover, `c` in 0..=1.
pub fn raster(text: &str, px: f32, x: f32, y: f32, mut cover: impl FnMut(i64, i64, f32)) {
    let f = font();
    let (glyphs, _) = layout(text, px);
    for g in glyphs {
        let glyph = g.id.with_scale_and_position(px, ab_glyph::point(x + g.x, y));
        if let Some(o) = f.outline_glyph(glyph) {
            let b = o.px_bounds();
            o.draw(|gx, gy, c| cover(b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64, c));
        }
    }
}

/// The outlines of `text` as an SVG path (`M … Z`), pen starting at the
/// origin, y growing downwards; `map` places each point (to move or rotate
/// the text).
pub fn svg_path(text: &str, px: f32, map: impl Fn(f32, f32) -> (f64, f64)) -> String {
    use std::fmt::Write;
    let f = font();
    let k = f.as_scaled(px).h_scale_factor();
    let (glyphs, _) = layout(text, px);
    let mut d = String::new();
    for g in glyphs {
        let Some(outline) = f.outline(g.id) else { continue };
        let pt = |p: ab_glyph::Point| map(g.x + p.x * k, -p.y * k);
        let mut at: Option<ab_glyph::Point> = None;
        for c in &outline.curves {
            let (start, end) = match c {
                OutlineCurve::Line(a, b) => (*a, *b),
                OutlineCurve::Quad(a, _, b) => (*a, *b),
                OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
            };
            if at != Some(start) {
                if at.is_some() {
                    d.push('Z');
                }
                let (x, y) = pt(start);
                let _ = write!(d, "M{}", pair(x, y));
            }
            match c {
                OutlineCurve::Line(_, b) => {
                    let (x, y) = pt(*b);
                    let _ = write!(d, "L{}", pair(x, y));
                }
                OutlineCurve::Quad(_, c1, b) => {
                    let (cx, cy) = pt(*c1);
                    let (x, y) = pt(*b);
                    let _ = write!(d, "Q{} {}", pair(cx, cy), pair(x, y));
                }
                OutlineCurve::Cubic(_, c1, c2, b) => {
                    let (ax, ay) = pt(*c1);
                    let (bx, by) = pt(*c2);
                    let (x, y) = pt(*b);
                    let _ = write!(d, "C{} {} {}", pair(ax, ay), pair(bx, by), pair(x, y));
                }
            }
            at = Some(end);
        }
        if at.is_some() {
            d.push('Z');
        }
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
