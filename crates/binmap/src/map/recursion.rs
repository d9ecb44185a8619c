//! Recursive named types (`type Node = { kind: u8, body: match kind { 1 =>
//! Node[2], _ => u32 } }`): each use is resolved when the data reaches it,
//! so the depth is the data's. A depth past [`MAX_NESTING`] is an error
//! naming the type and the offset, never a stack overflow.

use super::{Node, Resolver};
use crate::error::{Error, Result};
use crate::layout::{Field, TypeRef};

/// The deepest nesting of recursive types read (MATLAB cells and Python
/// marshal data nest a few levels; a corrupt file could claim any depth).
/// Each level takes about 4 KB of stack in a release build (measured: 200
/// levels need between 600 KB and 1 MB), so 128 levels fit four times over
/// in the 2 MB of a thread that Rust spawns.
pub const MAX_NESTING: usize = 128;

impl Resolver<'_> {
    /// The recursive type `r` at `pos`.
    pub(super) fn resolve_ref(&mut self, r: &TypeRef, pos: u64, bounded: bool, f: &Field) -> Result<Node> {
        let Some(ty) = r.target() else {
            return Err(Error::data(format!("internal: the type {} is no longer defined", r.name)));
        };
        if self.nesting >= MAX_NESTING {
            return Err(self
                .data_error(
                    format!(
                        "{} nests deeper than {MAX_NESTING} levels at offset {pos:#x}: the data is corrupt, or the type never stops referring to itself",
                        r.name
                    ),
                    f,
                    pos,
                )
                .with_bytes(self.data, pos.min(self.filesize)));
        }
        self.nesting += 1;
        let node = self.resolve_type(&ty, pos, bounded, f);
        self.nesting -= 1;
        node
    }
}
