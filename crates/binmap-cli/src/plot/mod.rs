//! `binmap plot`: columns of a mapped file drawn as a scatter, lines, a
//! histogram or an image, to PNG, SVG or the terminal.
//!
//! - [`data`] reads the columns (the query machinery of `stats` and
//!   `select`) and, for big data, aggregates them per pixel;
//! - [`scene`] lays out a figure (axes, ticks, labels, colour bar, legend)
//!   as a list of drawing items in pixels;
//! - [`raster`] draws the items into pixels and writes a PNG; [`svg`]
//!   writes them as SVG; [`term`] draws a plot with Unicode braille and
//!   block characters instead;
//! - [`font`] is the embedded font, [`ticks`] axis ticks, [`colormap`]
//!   the colours.
//!
//! Everything is deterministic: no clock, no system font, integer
//! aggregates, fixed formatting of numbers.

pub mod colormap;
pub mod data;
pub mod font;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod term;
pub mod ticks;

/// What kind of plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Scatter,
    Line,
    Hist,
    Image,
}

/// What a figure shows, independent of its size.
#[derive(Clone, Debug)]
pub struct Spec {
    pub kind: Kind,
    pub title: Option<String>,
    pub xlabel: String,
    pub ylabel: String,
    /// The colour bar's label, when there is one.
    pub clabel: Option<String>,
    pub xlim: (f64, f64),
    pub ylim: (f64, f64),
    /// The values at the bottom and top of the colour bar.
    pub clim: (f64, f64),
    /// Names of the series, for a legend (none when only one).
    pub names: Vec<String>,
    /// Mark the first and last point (the tutorial's start and end).
    pub marks: bool,
    /// Image rows go down (row 0 at the top).
    pub image: Option<(u64, u64)>,
}

/// The data drawn, aggregated for a frame of a given size where big.
#[derive(Clone, Debug)]
pub enum Body {
    /// Few points: markers (scatter) or polylines (line).
    Points(data::Points),
    Scatter(data::Grid),
    Lines(data::LineGrid),
    Hist(data::Hist),
    Image(data::Image),
}
