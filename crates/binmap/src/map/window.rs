//! `T within SIZE`: a type read inside a window of `SIZE` bytes that starts
//! at the field's position (RIFF and PNG chunk bodies, gzip's FEXTRA,
//! MATLAB elements).
//!
//! Inside the window, the window's end is the end of the region: `T[..]`,
//! `[until ...]`, `cstr` and every bounds check stop there, and what would
//! run past it is an error that names the window. `filesize` and `@`
//! placements stay absolute (the file's). The field takes the whole window
//! (its size, the cursor after it), whatever `T` describes of it: the bytes
//! `T` leaves at the end of the window are undescribed, and reported like
//! the bytes after the last field of a file ([`crate::coverage`]); `pack`
//! does not invent them (it refuses the hole, or keeps an original's bytes
//! with `--onto`).
//!
//! A leaf (a number, text) takes exactly its own bytes, so a window around
//! one must be exactly its size: a struct or an array holds what a window
//! leaves over (`{ v: u32 } within 8`).

use super::{Node, NodeKind, Resolver};
use crate::error::{Error, Result, grouped};
use crate::layout::{Expr, Field, Type};

/// The window being read: its bounds and the declaration, for messages.
#[derive(Clone, Debug)]
pub(super) struct Window {
    start: u64,
    end: u64,
    /// `` `body: Chunk within size` ``, or the decompressed bytes of one.
    decl: String,
}

impl Window {
    /// Data inside the window needs bytes up to `needs`, past its end.
    pub(super) fn overflow(&self, needs: u64) -> Error {
        Error::data(format!(
            "the window of {} ({} bytes at offset {:#x}) ends at {:#x}, but the layout inside it needs bytes up to {needs:#x}",
            self.decl,
            grouped(self.end - self.start),
            self.start,
            self.end
        ))
    }
}

impl Resolver<'_> {
    /// `inner within size` at `pos`.
    pub(super) fn resolve_within(
        &mut self,
        inner: &Type,
        size: &Expr,
        pos: u64,
        bounded: bool,
        f: &Field,
    ) -> Result<Node> {
        let w = self.eval_size(size, f, pos)?;
        let end = pos.checked_add(w).filter(|e| !bounded || *e <= self.end).ok_or_else(|| {
            self.data_error(
                format!(
                    "the window `within {}` = {} bytes at offset {pos:#x} runs past the end of {} at {:#x}",
                    size.describe(),
                    grouped(w),
                    self.region_name(),
                    self.end
                ),
                f,
                pos,
            )
            .with_bytes(self.data, pos.min(self.filesize))
        })?;
        self.resolve_window(inner, pos, end - pos, bounded, f, format!("`{}`", self.layout.text(f.span)))
    }

    /// `inner` read in the window of `w` bytes at `pos` (called `decl` in
    /// messages): the node takes the whole window.
    pub(super) fn resolve_window(
        &mut self,
        inner: &Type,
        pos: u64,
        w: u64,
        bounded: bool,
        f: &Field,
        decl: String,
    ) -> Result<Node> {
        let window = Window { start: pos, end: pos + w, decl };
        let outer = (std::mem::replace(&mut self.end, pos + w), self.window.replace(window));
        let node = self.resolve_type(inner, pos, bounded, f);
        (self.end, self.window) = outer;
        let mut node = node?;
        let leaf = !matches!(node.kind, NodeKind::Struct(_) | NodeKind::Array(_));
        if node.size > w || (leaf && node.size != w) {
            let what = if leaf {
                format!(
                    "a {}-byte {} takes exactly its own bytes, not a window of {}: put it in a struct (`{{ v: {} }}`) to leave the rest undescribed",
                    node.size,
                    inner.describe(),
                    grouped(w),
                    inner.describe(),
                )
            } else {
                format!(
                    "{} needs {} bytes, more than its window of {}",
                    inner.describe(),
                    grouped(node.size),
                    grouped(w)
                )
            };
            return Err(self.data_error(what, f, pos));
        }
        node.size = w;
        Ok(node)
    }

    /// Where the region being read ends: the end of the innermost window,
    /// else of the file.
    pub(super) fn region_end(&self) -> u64 {
        self.end
    }

    /// The region's name for messages: the file's, or the window's.
    pub(super) fn region_name(&self) -> String {
        match &self.window {
            Some(w) => format!("the window of {} (at {:#x}..{:#x})", w.decl, w.start, w.end),
            None => self.name.to_string(),
        }
    }
}
