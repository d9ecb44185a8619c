//! Packing a compressed view (`view: zlib(T) within n @ offsetof(data)`):
//! binmap decompresses but does not compress, so `pack` never writes a
//! compressed region. A view read elsewhere (a pointer) over bytes that an
//! earlier field wrote is checked instead: those bytes, decompressed and
//! read as `T`, must show the value the input gives (as `show --format
//! json` would print it), or the error says to change the compressed bytes
//! themselves. A compressed window in place (`data: zlib(T) within n`) has
//! no such bytes and is refused (see `read_only` in `pack.rs`).

use super::{Packer, Path, at};
use crate::error::{Error, Result};
use crate::layout::{Codec, Expr, Field, Type};
use crate::select::{Selection, View};
use crate::text::json_read::{Doc, parse_json};

impl Packer<'_> {
    /// Check the view `f` (`codec(inner) within size @ ptr`) against `value`.
    pub(super) fn compressed_view(
        &mut self,
        f: &Field,
        (inner, size, codec): (&Type, &Expr, Codec),
        ptr: &Expr,
        value: Option<&Doc>,
        path: &Path<'_>,
    ) -> Result<()> {
        // Trial passes (solving `filesize`) write bytes that may still move.
        let (Some(v), None) = (value, self.trial()) else { return Ok(()) };
        let p = self.env().eval(ptr).map_err(|e| at(path, e))?;
        let p = u64::try_from(p).map_err(|_| at(path, Error::input(format!("pointer @ {} = {p}", ptr.describe()))))?;
        let n = self.size(size, path)?;
        let end = p.saturating_add(n);
        let wrote: u64 = self.written.overlapping(p, end).iter().map(|r| r.end - r.start).sum();
        if wrote != n {
            return Err(at(
                path,
                Error::input(format!(
                    "the {} view reads bytes {p:#x}..{end:#x}, which no field before it wrote: write the compressed bytes with a field of their own, before the view",
                    codec.name()
                )),
            ));
        }
        let bytes = crate::map::slice(&self.out, p, n);
        let limit = crate::map::MAX_RATIO.saturating_mul(self.out.len().max(1) as u64);
        let plain = crate::map::decompress(bytes, codec, limit)
            .map_err(|why| at(path, Error::input(format!("the bytes at {p:#x} the view reads: {why}"))))?;
        // The output so far, then the decompressed bytes: names outside the
        // window read the output, as reading the file back would.
        let file = self.out.len() as u64;
        let mut bytes = std::mem::take(&mut self.out);
        bytes.extend_from_slice(&plain);
        let node = crate::map::resolve_within_bytes(self.layout, &self.frames, &bytes, file, inner, f);
        let mut shown = Vec::new();
        let shown_ok = node.and_then(|node| {
            crate::sink::json::JsonWriter::new(&bytes, &mut shown)
                .document(&Selection::One(View { node: &node, abs: file }), &[])
        });
        bytes.truncate(file as usize);
        self.out = bytes;
        shown_ok.map_err(|e| at(path, e))?;
        let shown = parse_json(&String::from_utf8_lossy(&shown)).map_err(|e| Error::input(format!("internal: {e}")))?;
        if !same(&shown, v) {
            return Err(at(
                path,
                Error::input(format!(
                    "the value given differs from what the compressed bytes at {p:#x} decompress to; binmap cannot compress: change the compressed bytes themselves (the field that holds them), not the {} view",
                    codec.name()
                )),
            ));
        }
        Ok(())
    }
}

/// Whether two JSON values are the same value: numbers by value (`1.50` is
/// `1.5`, `1e3` is `1000`), objects by their keys in any order.
fn same(a: &Doc, b: &Doc) -> bool {
    match (a, b) {
        (Doc::Number(x), Doc::Number(y)) => {
            x == y
                || match (x.parse::<i128>(), y.parse::<i128>()) {
                    (Ok(i), Ok(j)) => i == j,
                    _ => matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(u), Ok(w)) if u == w),
                }
        }
        (Doc::Array(x), Doc::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(u, w)| same(u, w)),
        (Doc::Object(x), Doc::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, u)| y.iter().any(|(l, w)| k == l && same(u, w)))
        }
        _ => a == b,
    }
}
