//! Write a [`Scene`] as SVG 1.1. Text is drawn as the embedded font's
//! outlines (`<path>`s in a `<g aria-label="…">`), so a viewer needs no
//! font; images are embedded PNGs. The frame of the plot area carries its
//! limits (`id="frame" data-xlim="x0 x1" data-ylim="y0 y1"`), markers are
//! `<circle class="marker">`, histogram bars `<rect class="bar" data-count="n">`.

use std::fmt::Write;

use super::colormap::hex;
use super::font::{self, num};
use super::raster;
use super::scene::{Item, Scene};

/// The SVG text of `scene`.
pub fn to_svg(scene: &Scene) -> binmap::Result<String> {
    let mut s = String::new();
    let (w, h) = (scene.w, scene.h);
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" data-frame=\"{}\">",
        scene.meta
    );
    let _ = writeln!(s, "<!-- made by binmap plot -->");
    for item in &scene.items {
        match item {
            Item::Rect { x, y, w, h, fill, alpha, class, attrs } => {
                let _ = write!(
                    s,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
                    num(*x, 2),
                    num(*y, 2),
                    num(*w, 2),
                    num(*h, 2),
                    hex(*fill)
                );
                if *alpha < 1.0 {
                    let _ = write!(s, " fill-opacity=\"{}\"", num(f64::from(*alpha), 3));
                }
                if !attrs.is_empty() {
                    let _ = write!(s, " {attrs}");
                }
                s.push_str("/>\n");
            }
            Item::Outline { x, y, w, h, stroke, id, attrs } => {
                let _ = write!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\"",
                    num(x - 0.5, 2),
                    num(y - 0.5, 2),
                    num(w + 1.0, 2),
                    num(h + 1.0, 2),
                    hex(*stroke)
                );
                if !id.is_empty() {
                    let _ = write!(
                        s,
                        " id=\"{id}\" data-rect=\"{} {} {} {}\"",
                        num(*x, 2),
                        num(*y, 2),
                        num(*w, 2),
                        num(*h, 2)
                    );
                }
                if !attrs.is_empty() {
                    let _ = write!(s, " {attrs}");
                }
                s.push_str("/>\n");
            }
            Item::Line { pts, stroke, width, class } => {
                let _ = write!(
                    s,
                    "<polyline class=\"{class}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"",
                    hex(*stroke),
                    num(*width, 2)
                );
                for (i, (x, y)) in pts.iter().enumerate() {
                    if i > 0 {
                        s.push(' ');
                    }
                    let _ = write!(s, "{},{}", num(*x, 3), num(*y, 3));
                }
                s.push_str("\"/>\n");
            }
            Item::Circle { x, y, r, fill, class } => {
                let _ = writeln!(
                    s,
                    "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                    num(*x, 3),
                    num(*y, 3),
                    num(*r, 2),
                    hex(*fill)
                );
            }
            Item::Polygon { pts, fill, stroke, class } => {
                let _ = write!(
                    s,
                    "<polygon class=\"{class}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1\" points=\"",
                    hex(*fill),
                    hex(*stroke)
                );
                for (i, (x, y)) in pts.iter().enumerate() {
                    if i > 0 {
                        s.push(' ');
                    }
                    let _ = write!(s, "{},{}", num(*x, 3), num(*y, 3));
                }
                s.push_str("\"/>\n");
            }
            Item::Text { x, y, text, px, anchor, vertical, fill, class } => {
                let width = f64::from(font::width(text, *px));
                let d = if *vertical {
                    let (bx, by) = (*x, y + width * anchor.frac());
                    font::svg_path(text, *px, |u, v| (bx + f64::from(v), by - f64::from(u)))
                } else {
                    let (bx, by) = (x - width * anchor.frac(), *y);
                    font::svg_path(text, *px, |u, v| (bx + f64::from(u), by + f64::from(v)))
                };
                let _ = writeln!(
                    s,
                    "<g class=\"{class}\" aria-label=\"{}\" fill=\"{}\"><path d=\"{d}\"/></g>",
                    escape(text),
                    hex(*fill)
                );
            }
            Item::Image { x, y, w, h, iw, ih, rgba, class } => {
                let png = raster::png(*iw, *ih, rgba, true, &[])?;
                let _ = writeln!(
                    s,
                    "<image class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,{}\"/>",
                    num(*x, 2),
                    num(*y, 2),
                    num(*w, 2),
                    num(*h, 2),
                    base64(&png)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// Text in an XML attribute.
fn escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Standard base64 with padding.
fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        s.push(A[(n >> 18) as usize & 63] as char);
        s.push(A[(n >> 12) as usize & 63] as char);
        s.push(if c.len() > 1 { A[(n >> 6) as usize & 63] as char } else { '=' });
        s.push(if c.len() > 2 { A[n as usize & 63] as char } else { '=' });
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
    }
}
