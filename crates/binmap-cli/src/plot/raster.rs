//! Draw a [`Scene`] into RGB pixels and encode it as PNG: rectangles
//! snapped to pixels, anti-aliased circles, polygons and lines (coverage
//! from the distance to the shape), text from the embedded font's
//! outlines, images stretched by nearest neighbour.

use super::colormap::Rgb;
use super::font;
use super::scene::{Anchor, Item, Scene};

/// An opaque RGB canvas.
pub struct Canvas {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Canvas {
    pub fn new(w: usize, h: usize) -> Canvas {
        Canvas { w, h, px: vec![255; w * h * 3] }
    }

    /// Blend `c` over pixel (x, y) with opacity `a`.
    #[inline]
    pub fn blend(&mut self, x: i64, y: i64, c: Rgb, a: f32) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 || a <= 0.0 {
            return;
        }
        let a = a.min(1.0);
        let i = (y as usize * self.w + x as usize) * 3;
        for (p, &v) in self.px[i..i + 3].iter_mut().zip(&c) {
            let d = f32::from(*p);
            *p = (d + (f32::from(v) - d) * a).round() as u8;
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: Rgb, a: f32) {
        let (x0, x1) = (x.round() as i64, (x + w).round() as i64);
        let (y0, y1) = (y.round() as i64, (y + h).round() as i64);
        for yy in y0.max(0)..y1.min(self.h as i64) {
            for xx in x0.max(0)..x1.min(self.w as i64) {
                self.blend(xx, yy, c, a);
            }
        }
    }

    fn circle(&mut self, cx: f64, cy: f64, r: f64, c: Rgb) {
        let (y0, y1) = ((cy - r - 1.0).floor() as i64, (cy + r + 1.0).ceil() as i64);
        let (x0, x1) = ((cx - r - 1.0).floor() as i64, (cx + r + 1.0).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
                self.blend(x, y, c, (r + 0.5 - d).clamp(0.0, 1.0) as f32);
            }
        }
    }

    /// A polyline of width `lw`: coverage is the max over its segments (a
    /// dense buffer over the canvas), so joints are not drawn twice.
    fn line(&mut self, pts: &[(f64, f64)], lw: f64, c: Rgb) {
        let (w, h) = (self.w as i64, self.h as i64);
        let mut cover = vec![0f32; self.w * self.h];
        let (mut x0, mut y0, mut x1, mut y1) = (w, h, -1i64, -1i64);
        let hw = lw / 2.0;
        let reach = hw + 2.0;
        for s in pts.windows(2) {
            let (a, b) = (s[0], s[1]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            let mut visit = |x: i64, y: i64| {
                if x < 0 || y < 0 || x >= w || y >= h {
                    return;
                }
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let t = if len2 > 0.0 { (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
                let d = ((px - a.0 - t * dx).powi(2) + (py - a.1 - t * dy).powi(2)).sqrt();
                let cov = (hw + 0.5 - d).clamp(0.0, 1.0) as f32;
                if cov > 0.0 {
                    let e = &mut cover[(y * w + x) as usize];
                    *e = e.max(cov);
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
            };
            if dx.abs() >= dy.abs() {
                let lo = ((a.0.min(b.0) - reach).floor() as i64).max(-1);
                let hi = ((a.0.max(b.0) + reach).ceil() as i64).min(w);
                for x in lo..=hi {
                    let t = if dx != 0.0 { ((x as f64 + 0.5 - a.0) / dx).clamp(0.0, 1.0) } else { 0.0 };
                    let yc = a.1 + t * dy;
                    for y in (yc - reach).floor() as i64..=(yc + reach).ceil() as i64 {
                        visit(x, y);
                    }
                }
            } else {
                let lo = ((a.1.min(b.1) - reach).floor() as i64).max(-1);
                let hi = ((a.1.max(b.1) + reach).ceil() as i64).min(h);
                for y in lo..=hi {
                    let t = ((y as f64 + 0.5 - a.1) / dy).clamp(0.0, 1.0);
                    let xc = a.0 + t * dx;
                    for x in (xc - reach).floor() as i64..=(xc + reach).ceil() as i64 {
                        visit(x, y);
                    }
                }
            }
        }
        for y in y0..=y1 {
            for x in x0..=x1 {
                let a = cover[(y * w + x) as usize];
                if a > 0.0 {
                    self.blend(x, y, c, a);
                }
            }
        }
    }

    /// A filled polygon, 4x4 samples per pixel, then its outline.
    fn polygon(&mut self, pts: &[(f64, f64)], fill: Rgb, stroke: Rgb) {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in pts {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let inside = |px: f64, py: f64| {
            let mut c = false;
            let n = pts.len();
            for i in 0..n {
                let (a, b) = (pts[i], pts[(i + n - 1) % n]);
                if (a.1 > py) != (b.1 > py) && px < (b.0 - a.0) * (py - a.1) / (b.1 - a.1) + a.0 {
                    c = !c;
                }
            }
            c
        };
        for y in y0.floor() as i64..=y1.ceil() as i64 {
            for x in x0.floor() as i64..=x1.ceil() as i64 {
                let mut n = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        n += inside(x as f64 + (sx as f64 + 0.5) / 4.0, y as f64 + (sy as f64 + 0.5) / 4.0) as u32;
                    }
                }
                self.blend(x, y, fill, n as f32 / 16.0);
            }
        }
        let mut closed = pts.to_vec();
        closed.push(pts[0]);
        self.line(&closed, 1.0, stroke);
    }

    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, s: &str, px: f32, anchor: Anchor, vertical: bool, c: Rgb) {
        let width = f64::from(font::width(s, px));
        if !vertical {
            let x = (x - width * anchor.frac()) as f32;
            font::raster(s, px, x, y as f32, |gx, gy, a| self.blend(gx, gy, c, a));
            return;
        }
        // Draw horizontally into a mask, then turn it a quarter to the left.
        let asc = f64::from(font::ascent(px)).ceil() as i64;
        let (mw, mh) = (width.ceil() as i64 + 4, (f64::from(px) * 1.5).ceil() as i64);
        let mut mask = vec![0f32; (mw * mh) as usize];
        font::raster(s, px, 2.0, asc as f32, |gx, gy, a| {
            if gx >= 0 && gy >= 0 && gx < mw && gy < mh {
                mask[(gy * mw + gx) as usize] = a;
            }
        });
        let bx = x.round() as i64;
        let by = (y + width * anchor.frac()).round() as i64;
        for my in 0..mh {
            for mx in 0..mw {
                let a = mask[(my * mw + mx) as usize];
                if a > 0.0 {
                    self.blend(bx + (my - asc), by - (mx - 2) - 1, c, a);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn image(&mut self, x: f64, y: f64, w: f64, h: f64, iw: usize, ih: usize, rgba: &[u8]) {
        let (x0, x1) = (x.round() as i64, (x + w).round() as i64);
        let (y0, y1) = (y.round() as i64, (y + h).round() as i64);
        let (dw, dh) = ((x1 - x0).max(1) as usize, (y1 - y0).max(1) as usize);
        for yy in 0..dh {
            let sy = yy * ih / dh;
            for xx in 0..dw {
                let sx = xx * iw / dw;
                let i = (sy * iw + sx) * 4;
                let a = f32::from(rgba[i + 3]) / 255.0;
                self.blend(x0 + xx as i64, y0 + yy as i64, [rgba[i], rgba[i + 1], rgba[i + 2]], a);
            }
        }
    }
}

/// Draw every item of `scene`.
pub fn draw(scene: &Scene) -> Canvas {
    let mut cv = Canvas::new(scene.w as usize, scene.h as usize);
    for item in &scene.items {
        match item {
            Item::Rect { x, y, w, h, fill, alpha, .. } => cv.rect(*x, *y, *w, *h, *fill, *alpha),
            Item::Outline { x, y, w, h, stroke, .. } => {
                cv.rect(x - 1.0, y - 1.0, w + 2.0, 1.0, *stroke, 1.0);
                cv.rect(x - 1.0, y + h, w + 2.0, 1.0, *stroke, 1.0);
                cv.rect(x - 1.0, *y, 1.0, *h, *stroke, 1.0);
                cv.rect(x + w, *y, 1.0, *h, *stroke, 1.0);
            }
            Item::Line { pts, stroke, width, .. } => cv.line(pts, *width, *stroke),
            Item::Circle { x, y, r, fill, .. } => cv.circle(*x, *y, *r, *fill),
            Item::Polygon { pts, fill, stroke, .. } => cv.polygon(pts, *fill, *stroke),
            Item::Text { x, y, text, px, anchor, vertical, fill, .. } => {
                cv.text(*x, *y, text, *px, *anchor, *vertical, *fill)
            }
            Item::Image { x, y, w, h, iw, ih, rgba, .. } => cv.image(*x, *y, *w, *h, *iw, *ih, rgba),
        }
    }
    cv
}

/// PNG bytes of `pixels` (RGB or RGBA), with text chunks `(keyword, text)`.
pub fn png(w: usize, h: usize, pixels: &[u8], alpha: bool, text: &[(&str, &str)]) -> binmap::Result<Vec<u8>> {
    let err = |e: png::EncodingError| binmap::Error::data(format!("internal: PNG encoding failed: {e}"));
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(if alpha { png::ColorType::Rgba } else { png::ColorType::Rgb });
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        for (k, t) in text {
            enc.add_text_chunk(k.to_string(), t.to_string()).map_err(err)?;
        }
        let mut wr = enc.write_header().map_err(err)?;
        wr.write_image_data(pixels).map_err(err)?;
        wr.finish().map_err(err)?;
    }
    Ok(out)
}

/// The scene as a PNG file's bytes; the plot area and limits are in a
/// `binmap-frame` text chunk (`left top width height x0 x1 y0 y1`).
pub fn to_png(scene: &Scene) -> binmap::Result<Vec<u8>> {
    let cv = draw(scene);
    png(cv.w, cv.h, &cv.px, false, &[("Software", "binmap"), ("binmap-frame", &scene.meta)])
}
