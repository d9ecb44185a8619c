//! `zlib(T) within SIZE`, `deflate(...)`, `gzip(...)`: a type read from
//! the bytes a compressed window decompresses to (PNG's IDAT, npz members,
//! MATLAB's miCOMPRESSED elements).
//!
//! The decompressed bytes become part of the map's bytes: they are appended
//! after the file's, at *virtual* offsets past its end, and `T` is resolved
//! there like any field read elsewhere (a [`Member`] with `at` set), so
//! every reader and sink reads them without knowing they were compressed.
//! The field itself is a pointer to those bytes; in place, a compressed
//! window also leaves an unnamed member over its compressed bytes (they
//! are described). Inside the window, `[..]` and every size stop at the
//! end of the decompressed bytes; `filesize` and `@` offsets stay the
//! file's.
//!
//! A region is decompressed the first time resolution meets it: the
//! resolver records it as pending and stops, and [`Map::new`](super::Map::new)
//! appends the bytes and resolves again from the start, now knowing where
//! they are. A map of a layout with compressed regions therefore holds a
//! copy of the file. Decompression is bounded: in all, the regions of a
//! file may decompress to at most [`MAX_RATIO`] bytes per byte of the file
//! (DEFLATE's own limit for one layer, so only nested compression reaches
//! it), and a stream must end exactly at the end of its window.
//!
//! It may call the resolver (`super`) and flate2; it knows no sink.

use std::borrow::Cow;
use std::io::Read;

use flate2::{Decompress, FlushDecompress, Status};

use super::{Member, Node, NodeKind, Resolver, TextEnd};
use crate::error::{Error, Result, grouped};
use crate::layout::{Codec, Expr, Field, TextKind, Type};

/// At most this many decompressed bytes per byte of the file, all regions
/// together (one layer of DEFLATE never exceeds 1032:1).
pub const MAX_RATIO: u64 = 1032;

/// A compressed window met in the bytes, and where its decompressed bytes are.
#[derive(Clone, Debug)]
pub(crate) struct Region {
    /// The compressed bytes: offset and size, in the map's bytes.
    at: u64,
    size: u64,
    codec: Codec,
    /// The decompressed bytes: offset (past the file's end) and size.
    start: u64,
    len: u64,
}

/// A region decompressed during a pass, to be appended before the next.
pub(crate) struct Pending {
    at: u64,
    size: u64,
    codec: Codec,
    bytes: Vec<u8>,
}

/// The decompressed regions of one file, and the bytes they extend it with.
#[derive(Default)]
pub(crate) struct Inflated {
    /// The file's bytes then every region's, once there is a region.
    bytes: Option<Vec<u8>>,
    pub regions: Vec<Region>,
}

impl Inflated {
    /// The bytes a pass reads: the file's, extended by the regions so far.
    pub fn bytes<'a>(&'a self, file: &'a [u8]) -> &'a [u8] {
        self.bytes.as_deref().unwrap_or(file)
    }

    /// Append a region found by a pass.
    pub fn add(&mut self, file: &[u8], p: Pending) {
        let bytes = self.bytes.get_or_insert_with(|| file.to_vec());
        let start = bytes.len() as u64;
        bytes.extend_from_slice(&p.bytes);
        self.regions.push(Region { at: p.at, size: p.size, codec: p.codec, start, len: p.bytes.len() as u64 });
    }

    /// The map's bytes: the file's when nothing was compressed.
    pub fn into_bytes(self, file: &[u8]) -> Cow<'_, [u8]> {
        match self.bytes {
            Some(v) => Cow::Owned(v),
            None => Cow::Borrowed(file),
        }
    }
}

impl Resolver<'_> {
    /// The field `f`, whose type is `codec(inner) within size`, at `pos`
    /// (`pointer`: read elsewhere, taking no bytes where it is declared).
    /// Gives the members to add: the field, and for a window in place an
    /// unnamed member over the compressed bytes.
    pub(super) fn resolve_compressed(
        &mut self,
        f: &Field,
        (inner, size, codec): (&Type, &Expr, Codec),
        pos: u64,
        base: u64,
        bounded: bool,
        pointer: bool,
    ) -> Result<Vec<Member>> {
        let n = self.eval_size(size, f, pos)?;
        let end = pos.checked_add(n).filter(|e| *e <= self.region_end()).ok_or_else(|| {
            self.data_error(
                format!(
                    "the {} stream `within {}` = {} bytes at offset {pos:#x} runs past the end of {} at {:#x}",
                    codec.name(),
                    size.describe(),
                    grouped(n),
                    self.region_name(),
                    self.region_end()
                ),
                f,
                pos,
            )
        })?;
        let Some(r) = self.inflated.iter().find(|r| r.at == pos && r.size == n && r.codec == codec) else {
            let limit = (self.filesize.saturating_mul(MAX_RATIO))
                .saturating_sub(self.inflated.iter().map(|r| r.len).sum::<u64>());
            let bytes = inflate(slice_of(self.data, pos, end), codec, limit)
                .map_err(|why| self.data_error(format!("{} at offset {pos:#x}: {why}", f_desc(f)), f, pos))?;
            self.pending = Some(Pending { at: pos, size: n, codec, bytes });
            // Resolution starts again once the bytes are appended (see `Map::new`).
            return Err(Error::data("decompressed a region: resolve again"));
        };
        let (start, len) = (r.start, r.len);
        let decl = format!("the decompressed bytes of `{}`", self.layout.text(f.span));
        let mut node = self.resolve_window(inner, start, len, bounded, f, decl)?;
        node.offset = 0;
        let mut out = Vec::with_capacity(2);
        if !pointer {
            let hidden = Node { offset: pos - base, size: n, kind: NodeKind::Text(TextKind::Void, TextEnd::Exact) };
            out.push(Member { name: None, node: hidden, check: None, decl: f.span, at: None });
        }
        out.push(Member { name: f.name.clone(), node, check: None, decl: f.span, at: Some(start) });
        Ok(out)
    }
}

/// `name: zlib(T) within n`, for messages.
fn f_desc(f: &Field) -> String {
    format!("`{}: {}`", f.name.as_deref().unwrap_or("_"), f.ty.describe())
}

fn slice_of(data: &[u8], start: u64, end: u64) -> &[u8] {
    data.get(start as usize..end as usize).unwrap_or_default()
}

/// Decompress `input`, all of it, to at most `limit` bytes.
fn inflate(input: &[u8], codec: Codec, limit: u64) -> std::result::Result<Vec<u8>, String> {
    let too_large = || {
        format!(
            "it decompresses to more than {} bytes, the limit for this file ({MAX_RATIO} bytes per byte of the file, all compressed regions together)",
            grouped(limit)
        )
    };
    if codec == Codec::Gzip {
        let mut dec = flate2::bufread::GzDecoder::new(input);
        let mut out = Vec::new();
        let got = (&mut dec).take(limit.saturating_add(1)).read_to_end(&mut out);
        got.map_err(|e| format!("not a valid gzip member: {e}"))?;
        if out.len() as u64 > limit {
            return Err(too_large());
        }
        let rest = dec.into_inner().len();
        if rest > 0 {
            return Err(format!("the gzip member ends {} bytes before the end of its window", grouped(rest as u64)));
        }
        return Ok(out);
    }
    let mut d = Decompress::new(codec == Codec::Zlib);
    let mut out: Vec<u8> = Vec::with_capacity(input.len().saturating_mul(4).min(limit as usize).max(64));
    loop {
        if out.len() == out.capacity() {
            if out.len() as u64 >= limit {
                return Err(too_large());
            }
            let more = (out.len().max(4096) as u64).min(limit - out.len() as u64);
            out.reserve(more as usize);
        }
        let (before_in, before_out) = (d.total_in(), out.len());
        let rest = input.get(d.total_in() as usize..).unwrap_or_default();
        let status = d
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| format!("not a valid {} stream: {e}", codec.name()))?;
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {
                if d.total_in() == before_in && out.len() == before_out && out.len() < out.capacity() {
                    return Err(format!(
                        "the {} stream is cut short: its {} bytes end before the stream does",
                        codec.name(),
                        grouped(input.len() as u64)
                    ));
                }
            }
        }
    }
    let used = d.total_in();
    if used < input.len() as u64 {
        return Err(format!(
            "the {} stream ends after {} of the window's {} bytes",
            codec.name(),
            grouped(used),
            grouped(input.len() as u64)
        ));
    }
    Ok(out)
}

/// What `bytes` decompress to, as `codec` says, at most `limit` bytes
/// (`pack` checks a compressed view with it).
pub(crate) fn decompress(bytes: &[u8], codec: Codec, limit: u64) -> std::result::Result<Vec<u8>, String> {
    inflate(bytes, codec, limit)
}

/// `ty` (the inside of the field `f`'s compressed window) resolved over
/// `bytes`, the `file`'s bytes followed by the window's decompressed ones
/// (from offset `file`), which it must fill, with the structs around it
/// (`frames`) for names: what `pack` compares a compressed view's value
/// with. A compressed region inside it is an error.
pub(crate) fn resolve_within_bytes(
    layout: &crate::Layout,
    frames: &[super::Frame],
    bytes: &[u8],
    file: u64,
    ty: &Type,
    f: &Field,
) -> Result<Node> {
    let mut r = Resolver::new(layout, bytes, "<packed output>", None);
    r.filesize = file;
    r.frames = frames.iter().map(super::Frame::copy).collect();
    let decl = format!("the decompressed bytes of `{}`", layout.text(f.span));
    let node = r.resolve_window(ty, file, bytes.len() as u64 - file, true, f, decl);
    if r.pending.is_some() {
        return Err(Error::input(format!(
            "`{}` holds a compressed region inside its decompressed bytes: pack cannot check such a view",
            layout.text(f.span)
        )));
    }
    node
}
