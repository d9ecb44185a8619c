//! A figure as drawing items in pixels (y down): the same list is drawn
//! into a PNG by [`super::raster`] and written as SVG by [`super::svg`].

use super::colormap::{self, BLACK, GREY, Rgb, WHITE};
use super::data::Frame;
use super::{Body, Kind, Spec, font, ticks};

pub const TICK_PX: f32 = 12.0;
pub const LABEL_PX: f32 = 14.0;
pub const TITLE_PX: f32 = 16.0;
/// Marker radius of small scatters (matplotlib's default `s=36` at 100 dpi).
pub const MARKER_R: f64 = 4.0;
const TICK_LEN: f64 = 5.0;
const BAR_W: f64 = 16.0;

/// Where text is anchored: its start, middle or end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn frac(self) -> f64 {
        match self {
            Anchor::Start => 0.0,
            Anchor::Middle => 0.5,
            Anchor::End => 1.0,
        }
    }
}

/// One thing to draw.
#[derive(Clone, Debug)]
pub enum Item {
    /// A filled rectangle; `attrs` are extra SVG attributes (`data-count="3"`).
    Rect { x: f64, y: f64, w: f64, h: f64, fill: Rgb, alpha: f32, class: &'static str, attrs: String },
    /// A one-pixel outline just outside the rectangle (the axes' spines).
    Outline { x: f64, y: f64, w: f64, h: f64, stroke: Rgb, id: &'static str, attrs: String },
    /// A polyline.
    Line { pts: Vec<(f64, f64)>, stroke: Rgb, width: f64, class: &'static str },
    /// A filled circle (a marker).
    Circle { x: f64, y: f64, r: f64, fill: Rgb, class: &'static str },
    /// A filled, outlined polygon (start and end marks).
    Polygon { pts: Vec<(f64, f64)>, fill: Rgb, stroke: Rgb, class: &'static str },
    /// Text whose baseline starts, centres or ends at (x, y); `vertical`
    /// text reads upwards, its baseline the vertical line through x.
    Text { x: f64, y: f64, text: String, px: f32, anchor: Anchor, vertical: bool, fill: Rgb, class: &'static str },
    /// An RGBA image of `iw` x `ih` pixels stretched over the rectangle
    /// (nearest neighbour).
    Image { x: f64, y: f64, w: f64, h: f64, iw: usize, ih: usize, rgba: Vec<u8>, class: &'static str },
}

/// A figure: its size and what to draw, in order.
#[derive(Clone, Debug)]
pub struct Scene {
    pub w: u32,
    pub h: u32,
    pub items: Vec<Item>,
    /// `left top width height x0 x1 y0 y1`: where the data are and their
    /// limits (for programs and the tests: SVG attributes, a PNG text chunk).
    pub meta: String,
}

/// The plot area of a figure (whole pixels) and its limits.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub left: f64,
    pub top: f64,
    pub frame: Frame,
}

impl Layout {
    /// Figure coordinates of a data point.
    pub fn at(&self, x: f64, y: f64) -> (f64, f64) {
        let (px, py) = self.frame.px(x, y);
        (self.left + px, self.top + py)
    }
}

fn xticks(spec: &Spec, w: f64) -> Vec<(f64, String)> {
    ticks::ticks_min(spec.xlim.0, spec.xlim.1, ((w / 90.0) as usize).clamp(2, 10), min_step(spec))
}

fn yticks(spec: &Spec, h: f64) -> Vec<(f64, String)> {
    ticks::ticks_min(spec.ylim.0, spec.ylim.1, ((h / 60.0) as usize).clamp(2, 10), min_step(spec))
}

/// Image axes count rows and columns: whole steps.
pub fn min_step(spec: &Spec) -> f64 {
    if spec.image.is_some() { 1.0 } else { 0.0 }
}

fn cticks(spec: &Spec, h: f64) -> Vec<(f64, String)> {
    ticks::ticks(spec.clim.0, spec.clim.1, ((h / 60.0) as usize).clamp(2, 10))
}

fn line_h(px: f32) -> f64 {
    f64::from(px) * 1.2
}

/// Where the plot area goes in a `w` x `h` figure.
pub fn layout(spec: &Spec, w: u32, h: u32) -> binmap::Result<Layout> {
    let (fw, fh) = (f64::from(w), f64::from(h));
    let ymax = yticks(spec, fh).iter().map(|t| font::width(&t.1, TICK_PX)).fold(0.0f32, f32::max);
    let left = (10.0 + line_h(LABEL_PX) + 6.0 + f64::from(ymax) + 4.0 + TICK_LEN).ceil();
    let top = if spec.title.is_some() { (14.0 + line_h(TITLE_PX) + 6.0).ceil() } else { 14.0 };
    let bottom = (TICK_LEN + 4.0 + line_h(TICK_PX) + 6.0 + line_h(LABEL_PX) + 10.0).ceil();
    let right = if spec.clabel.is_some() {
        let cmax = cticks(spec, fh).iter().map(|t| font::width(&t.1, TICK_PX)).fold(0.0f32, f32::max);
        (16.0 + BAR_W + TICK_LEN + 4.0 + f64::from(cmax) + 8.0 + line_h(LABEL_PX) + 10.0).ceil()
    } else {
        24.0
    };
    let (mut pw, mut ph) = (fw - left - right, fh - top - bottom);
    if pw < 20.0 || ph < 20.0 {
        return Err(binmap::Error::usage(format!(
            "a {w}x{h} figure leaves no room for the plot: give a larger --width/--height"
        )));
    }
    let (mut left, mut top) = (left, top);
    if let Some((rows, cols)) = spec.image {
        // Square cells, as imshow draws them.
        let cell = (pw / cols as f64).min(ph / rows as f64);
        let (iw, ih) = ((cell * cols as f64).round().max(1.0), (cell * rows as f64).round().max(1.0));
        left += ((pw - iw) / 2.0).floor();
        top += ((ph - ih) / 2.0).floor();
        (pw, ph) = (iw, ih);
    }
    let frame =
        Frame { w: pw as usize, h: ph as usize, x0: spec.xlim.0, x1: spec.xlim.1, y0: spec.ylim.0, y1: spec.ylim.1 };
    Ok(Layout { left, top, frame })
}

/// The figure of `spec` with `body` drawn in the plot area of `lay`.
pub fn build(spec: &Spec, body: &Body, w: u32, h: u32, lay: &Layout) -> Scene {
    let mut items = vec![Item::Rect {
        x: 0.0,
        y: 0.0,
        w: f64::from(w),
        h: f64::from(h),
        fill: WHITE,
        alpha: 1.0,
        class: "background",
        attrs: String::new(),
    }];
    let f = lay.frame;
    let (left, top, pw, ph) = (lay.left, lay.top, f.w as f64, f.h as f64);
    let image_y = spec.image.is_some();
    // y of a data value, for ticks: image rows go down.
    let ypos = |v: f64| {
        if image_y { top + (v - f.y0) / (f.y1 - f.y0) * ph } else { top + (f.y1 - v) / (f.y1 - f.y0) * ph }
    };
    data_items(spec, body, lay, &mut items);
    items.push(Item::Outline {
        x: left,
        y: top,
        w: pw,
        h: ph,
        stroke: BLACK,
        id: "frame",
        attrs: format!(
            "data-xlim=\"{} {}\" data-ylim=\"{} {}\"",
            full(spec.xlim.0),
            full(spec.xlim.1),
            full(spec.ylim.0),
            full(spec.ylim.1)
        ),
    });
    let cap = f64::from(font::cap_height(TICK_PX));
    for (v, label) in xticks(spec, f64::from(w)) {
        let x = left + (v - f.x0) / (f.x1 - f.x0) * pw;
        items.push(tick_rect(x - 0.5, top + ph + 1.0, 1.0, TICK_LEN));
        let y = top + ph + 1.0 + TICK_LEN + 4.0 + cap;
        items.push(text(x, y, label, TICK_PX, Anchor::Middle, false, "ticklabel"));
    }
    for (v, label) in yticks(spec, f64::from(h)) {
        let y = ypos(v);
        items.push(tick_rect(left - 1.0 - TICK_LEN, y - 0.5, TICK_LEN, 1.0));
        items.push(text(left - 1.0 - TICK_LEN - 4.0, y + cap / 2.0, label, TICK_PX, Anchor::End, false, "ticklabel"));
    }
    let label_y = top + ph + 1.0 + TICK_LEN + 4.0 + line_h(TICK_PX) + 6.0 + f64::from(font::ascent(LABEL_PX));
    items.push(text(left + pw / 2.0, label_y, spec.xlabel.clone(), LABEL_PX, Anchor::Middle, false, "xlabel"));
    let ylabel_x = 10.0 + f64::from(font::ascent(LABEL_PX));
    items.push(text(ylabel_x, top + ph / 2.0, spec.ylabel.clone(), LABEL_PX, Anchor::Middle, true, "ylabel"));
    if let Some(t) = &spec.title {
        let y = 14.0 + f64::from(font::ascent(TITLE_PX));
        items.push(text(f64::from(w) / 2.0, y, t.clone(), TITLE_PX, Anchor::Middle, false, "title"));
    }
    if let Some(cl) = &spec.clabel {
        colour_bar(spec, cl, lay, w, &mut items);
    }
    legend(spec, body, lay, &mut items);
    Scene {
        w,
        h,
        items,
        meta: format!(
            "{} {} {} {} {} {} {} {}",
            left,
            top,
            pw,
            ph,
            full(spec.xlim.0),
            full(spec.xlim.1),
            full(spec.ylim.0),
            full(spec.ylim.1)
        ),
    }
}

/// A float with every digit (Rust's shortest round-trip text).
fn full(v: f64) -> String {
    format!("{v:?}")
}

fn tick_rect(x: f64, y: f64, w: f64, h: f64) -> Item {
    Item::Rect { x, y, w, h, fill: BLACK, alpha: 1.0, class: "tick", attrs: String::new() }
}

fn text(x: f64, y: f64, text: String, px: f32, anchor: Anchor, vertical: bool, class: &'static str) -> Item {
    Item::Text { x, y, text, px, anchor, vertical, fill: BLACK, class }
}

/// The colour of a point: by value, by group, or the default blue.
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

/// Start (a triangle) and end (a square) marks at `(x, y)`.
pub fn mark(x: f64, y: f64, start: bool) -> Item {
    if start {
        let s = 7.0;
        Item::Polygon {
            pts: vec![(x, y - s), (x + s * 0.866, y + s * 0.5), (x - s * 0.866, y + s * 0.5)],
            fill: colormap::TAB10[2],
            stroke: BLACK,
            class: "start",
        }
    } else {
        let s = 5.0;
        Item::Polygon {
            pts: vec![(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)],
            fill: colormap::TAB10[3],
            stroke: BLACK,
            class: "end",
        }
    }
}

fn data_items(spec: &Spec, body: &Body, lay: &Layout, items: &mut Vec<Item>) {
    let f = lay.frame;
    let (left, top) = (lay.left, lay.top);
    match body {
        Body::Points(p) if spec.kind == Kind::Scatter => {
            for i in 0..p.x.len() {
                let (x, y) = lay.at(p.x[i], p.ys[0][i]);
                items.push(Item::Circle { x, y, r: MARKER_R, fill: point_colour(spec, p, i), class: "marker" });
            }
            if spec.marks && !p.x.is_empty() {
                let (x, y) = lay.at(p.x[0], p.ys[0][0]);
                items.push(mark(x, y, true));
                let n = p.x.len() - 1;
                let (x, y) = lay.at(p.x[n], p.ys[0][n]);
                items.push(mark(x, y, false));
            }
        }
        Body::Points(p) => {
            // One polyline per y column, or per group.
            let series = if p.g.is_empty() { p.ys.len() } else { spec.names.len().max(1) };
            for s in 0..series {
                let pts: Vec<(f64, f64)> = if p.g.is_empty() {
                    p.x.iter().zip(&p.ys[s]).map(|(&x, &y)| lay.at(x, y)).collect()
                } else {
                    (0..p.x.len()).filter(|&i| p.g[i] as usize == s).map(|i| lay.at(p.x[i], p.ys[0][i])).collect()
                };
                items.push(Item::Line { pts, stroke: colormap::series(s), width: 1.5, class: "series" });
            }
        }
        Body::Scatter(g) => {
            let mut total = vec![0u32; g.w * g.h];
            for c in &g.counts {
                total.iter_mut().zip(c).for_each(|(t, n)| *t += n);
            }
            let max = total.iter().copied().max().unwrap_or(0);
            let lmax = (1.0 + f64::from(max)).ln();
            let mut rgba = vec![0u8; g.w * g.h * 4];
            for (i, &n) in total.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let rgb = if !g.csum.is_empty() {
                    colormap::viridis(g.mean(i, n))
                } else if g.counts.len() > 1 {
                    // Colours of the groups, weighted by their counts.
                    let mut acc = [0f64; 3];
                    for (s, c) in g.counts.iter().enumerate() {
                        let col = colormap::series(s);
                        for k in 0..3 {
                            acc[k] += f64::from(col[k]) * f64::from(c[i]);
                        }
                    }
                    acc.map(|v| (v / f64::from(n)).round() as u8)
                } else {
                    colormap::TAB10[0]
                };
                let a = 0.35 + 0.65 * (1.0 + f64::from(n)).ln() / lmax.max(f64::MIN_POSITIVE);
                rgba[i * 4..i * 4 + 3].copy_from_slice(&rgb);
                rgba[i * 4 + 3] = (a.min(1.0) * 255.0).round() as u8;
            }
            let (w, h) = (g.w as f64, g.h as f64);
            items.push(Item::Image { x: left, y: top, w, h, iw: g.w, ih: g.h, rgba, class: "density" });
        }
        Body::Lines(g) => {
            let mut rgba = vec![0u8; g.w * g.h * 4];
            for (s, hits) in g.hits.iter().enumerate() {
                let col = colormap::series(s);
                for (i, _) in hits.iter().enumerate().filter(|h| *h.1) {
                    rgba[i * 4..i * 4 + 3].copy_from_slice(&col);
                    rgba[i * 4 + 3] = 255;
                }
            }
            let (w, h) = (g.w as f64, g.h as f64);
            items.push(Item::Image { x: left, y: top, w, h, iw: g.w, ih: g.h, rgba, class: "lines" });
        }
        Body::Hist(hist) => {
            let alpha = if hist.counts.len() > 1 { 0.5 } else { 1.0 };
            for (s, counts) in hist.counts.iter().enumerate() {
                for (b, &n) in counts.iter().enumerate() {
                    let (x0, y0) = lay.at(hist.edges[b], n as f64);
                    let (x1, y1) = lay.at(hist.edges[b + 1], 0.0);
                    items.push(Item::Rect {
                        x: x0,
                        y: y0,
                        w: x1 - x0,
                        h: y1 - y0,
                        fill: colormap::series(s),
                        alpha,
                        class: "bar",
                        attrs: format!("data-count=\"{n}\""),
                    });
                }
            }
        }
        Body::Image(img) => {
            let mut rgba = vec![0u8; img.w * img.h * 4];
            for (i, c) in img.cells.iter().enumerate() {
                if let Some(v) = c {
                    rgba[i * 4..i * 4 + 3].copy_from_slice(&colormap::viridis(*v));
                    rgba[i * 4 + 3] = 255;
                }
            }
            let (w, h) = (f.w as f64, f.h as f64);
            items.push(Item::Image { x: left, y: top, w, h, iw: img.w, ih: img.h, rgba, class: "image" });
        }
    }
}

fn colour_bar(spec: &Spec, label: &str, lay: &Layout, w: u32, items: &mut Vec<Item>) {
    let ph = lay.frame.h as f64;
    let x = lay.left + lay.frame.w as f64 + 16.0;
    let top = lay.top;
    let mut rgba = Vec::with_capacity(256 * 4);
    for i in (0..256).rev() {
        rgba.extend_from_slice(&colormap::VIRIDIS[i]);
        rgba.push(255);
    }
    items.push(Item::Image { x, y: top, w: BAR_W, h: ph, iw: 1, ih: 256, rgba, class: "colorbar" });
    items.push(Item::Outline {
        x,
        y: top,
        w: BAR_W,
        h: ph,
        stroke: BLACK,
        id: "colorbar",
        attrs: format!("data-clim=\"{} {}\"", full(spec.clim.0), full(spec.clim.1)),
    });
    let (lo, hi) = spec.clim;
    let cap = f64::from(font::cap_height(TICK_PX));
    if hi > lo {
        for (v, t) in cticks(spec, ph) {
            let y = top + (hi - v) / (hi - lo) * ph;
            items.push(tick_rect(x + BAR_W + 1.0, y - 0.5, TICK_LEN, 1.0));
            items.push(text(
                x + BAR_W + 1.0 + TICK_LEN + 4.0,
                y + cap / 2.0,
                t,
                TICK_PX,
                Anchor::Start,
                false,
                "ticklabel",
            ));
        }
    }
    let lx = f64::from(w) - 10.0 - f64::from(font::ascent(LABEL_PX)) * 0.25;
    items.push(text(lx, top + ph / 2.0, label.to_string(), LABEL_PX, Anchor::Middle, true, "clabel"));
}

fn legend(spec: &Spec, body: &Body, lay: &Layout, items: &mut Vec<Item>) {
    let marks = spec.marks && matches!(body, Body::Points(p) if !p.x.is_empty());
    let mut entries: Vec<(String, Item)> = Vec::new();
    if spec.names.len() > 1 {
        for (s, n) in spec.names.iter().enumerate() {
            let col = colormap::series(s);
            let sample = match spec.kind {
                Kind::Line => {
                    Item::Line { pts: vec![(0.0, 0.0), (20.0, 0.0)], stroke: col, width: 1.5, class: "legend" }
                }
                _ => Item::Rect {
                    x: 4.0,
                    y: -5.0,
                    w: 12.0,
                    h: 10.0,
                    fill: col,
                    alpha: 1.0,
                    class: "legend",
                    attrs: String::new(),
                },
            };
            entries.push((n.clone(), sample));
        }
    }
    if marks {
        entries.push(("start".to_string(), mark(10.0, 1.0, true)));
        entries.push(("end".to_string(), mark(10.0, 0.0, false)));
    }
    if entries.is_empty() {
        return;
    }
    let row = 20.0;
    let tw = entries.iter().map(|e| font::width(&e.0, TICK_PX)).fold(0.0f32, f32::max);
    let bw = (f64::from(tw) + 20.0 + 8.0 + 16.0).ceil();
    let bh = (entries.len() as f64 * row + 8.0).ceil();
    let (x, y) = best_corner(body, lay, bw, bh);
    items.push(Item::Rect { x, y, w: bw, h: bh, fill: WHITE, alpha: 0.8, class: "legend", attrs: String::new() });
    items.push(Item::Outline { x, y, w: bw, h: bh, stroke: GREY, id: "", attrs: "class=\"legend\"".to_string() });
    let cap = f64::from(font::cap_height(TICK_PX));
    for (k, (name, sample)) in entries.into_iter().enumerate() {
        let cy = y + 4.0 + row * (k as f64 + 0.5);
        items.push(shift(sample, x + 8.0, cy));
        items.push(text(x + 8.0 + 20.0 + 8.0, cy + cap / 2.0, name, TICK_PX, Anchor::Start, false, "legend"));
    }
}

/// `item` moved by (dx, dy).
fn shift(item: Item, dx: f64, dy: f64) -> Item {
    let mv = |pts: Vec<(f64, f64)>| pts.into_iter().map(|(x, y)| (x + dx, y + dy)).collect();
    match item {
        Item::Line { pts, stroke, width, class } => Item::Line { pts: mv(pts), stroke, width, class },
        Item::Polygon { pts, fill, stroke, class } => {
            Item::Polygon { pts: mv(pts), fill, stroke, class: legend_class(class) }
        }
        Item::Rect { x, y, w, h, fill, alpha, class, attrs } => {
            Item::Rect { x: x + dx, y: y + dy, w, h, fill, alpha, class, attrs }
        }
        other => other,
    }
}

fn legend_class(class: &'static str) -> &'static str {
    match class {
        "start" => "legend-start",
        "end" => "legend-end",
        c => c,
    }
}

/// Where a `bw` x `bh` legend hides the least data, as matplotlib's
/// `loc='best'` does: upper right, upper left, lower left, lower right,
/// the first of the emptiest.
fn best_corner(body: &Body, lay: &Layout, bw: f64, bh: f64) -> (f64, f64) {
    let (l, t, w, h) = (lay.left, lay.top, lay.frame.w as f64, lay.frame.h as f64);
    let corners = [
        (l + w - bw - 8.0, t + 8.0),
        (l + 8.0, t + 8.0),
        (l + 8.0, t + h - bh - 8.0),
        (l + w - bw - 8.0, t + h - bh - 8.0),
    ];
    let cost = |(x, y): (f64, f64)| -> f64 {
        let inside = |px: f64, py: f64| px >= x - 5.0 && px <= x + bw + 5.0 && py >= y - 5.0 && py <= y + bh + 5.0;
        match body {
            Body::Points(p) => {
                let mut n = 0.0;
                for ys in &p.ys {
                    for (&a, &b) in p.x.iter().zip(ys) {
                        let (px, py) = lay.at(a, b);
                        n += f64::from(u8::from(inside(px, py)));
                    }
                }
                n
            }
            Body::Hist(hist) => {
                // The area of bars under the box.
                let mut area = 0.0;
                for counts in &hist.counts {
                    for (b, &n) in counts.iter().enumerate() {
                        let (x0, y0) = lay.at(hist.edges[b], n as f64);
                        let (x1, _) = lay.at(hist.edges[b + 1], 0.0);
                        let ox = (x1.min(x + bw) - x0.max(x)).max(0.0);
                        let oy = ((y + bh) - y0.max(y)).max(0.0);
                        area += ox * oy;
                    }
                }
                area
            }
            Body::Scatter(g) => cover(g.w, |i| g.counts.iter().any(|c| c[i] > 0), lay, (x, y, bw, bh)),
            Body::Lines(g) => cover(g.w, |i| g.hits.iter().any(|c| c[i]), lay, (x, y, bw, bh)),
            Body::Image(_) => 0.0,
        }
    };
    let mut best = (f64::INFINITY, corners[0]);
    for c in corners {
        let v = cost(c);
        if v < best.0 {
            best = (v, c);
        }
    }
    best.1
}

/// Pixels of a grid under a rectangle that `hit` says are drawn.
fn cover(w: usize, hit: impl Fn(usize) -> bool, lay: &Layout, (x, y, bw, bh): (f64, f64, f64, f64)) -> f64 {
    let mut n = 0.0;
    let (c0, r0) = ((x - lay.left).max(0.0) as usize, (y - lay.top).max(0.0) as usize);
    for r in r0..(r0 + bh as usize).min(lay.frame.h) {
        for c in c0..(c0 + bw as usize).min(w) {
            n += f64::from(u8::from(hit(r * w + c)));
        }
    }
    n
}
