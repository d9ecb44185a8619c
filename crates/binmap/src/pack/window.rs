//! Packing `T within SIZE`: the value is written inside a window that
//! starts at the cursor, and the field takes the whole window.
//!
//! When the input gives the size (or it is an expression of given fields),
//! the data must fit it, and the bytes it leaves at the end of the window
//! are a hole: refused as any hole, or the original's bytes with `--onto`.
//! When the size is a field of the same struct that the input leaves out
//! (`size: u32` before `body: Chunk within size`), it is written as 0, and
//! once the window's data is written, set to the data's size (as `[N]`
//! counts are derived from the data): so a field between them that reads
//! the size sees 0 while packing, and the read-back check then refuses what
//! it got wrong.

use std::sync::Arc;

use super::{Packer, Path, all_names, at};
use crate::encode::encode_leaf;
use crate::error::{Error, Result, grouped};
use crate::layout::{Expr, ExprKind, Item, Type};
use crate::map::{Node, NodeKind};
use crate::text::json_read::Doc;

/// The size fields of `items` to fill in from their window's data: a plain
/// name in `within NAME` of a field the input gives, naming a field of the
/// same struct that the input (`kv`, and the sizes `derived` from other
/// data) leaves out.
pub(super) fn deferred_sizes(items: &[Item], kv: &[(String, Doc)], derived: &[(String, Doc)]) -> Vec<Arc<str>> {
    let given = |n: &str| kv.iter().chain(derived).any(|(k, _)| k == n);
    let own = all_names(items);
    let mut out: Vec<Arc<str>> = Vec::new();
    windows(items, &mut |field: &str, size: &Expr| {
        if let ExprKind::Path(p) = &size.kind
            && let [n] = p.as_slice()
            && given(field)
            && !given(n)
            && own.contains(&&**n)
            && !out.contains(n)
        {
            out.push(n.clone());
        }
    });
    out
}

/// Call `f` with the name and the window size of each field of `items`
/// (in `if` blocks too) whose type is `T within SIZE`.
fn windows(items: &[Item], f: &mut dyn FnMut(&str, &Expr)) {
    for it in items {
        match it {
            Item::Field(fl) => {
                if let (Some(n), Type::Within { size, .. }) = (&fl.name, &fl.ty) {
                    f(n, size);
                }
            }
            Item::If { body, .. } => windows(body, f),
            Item::Align { .. } | Item::Let { .. } => {}
        }
    }
}

impl Packer<'_> {
    /// `inner within size`, with value `v`, at the cursor.
    pub(super) fn within(&mut self, inner: &Type, size: &Expr, v: &Doc, path: &Path<'_>) -> Result<Node> {
        let start = self.pos;
        let depth = self.frames.len();
        let deferred = match &size.kind {
            ExprKind::Path(p) if p.len() == 1 => {
                self.deferred.iter().find(|(d, n)| *d == depth && *n == p[0]).map(|(_, n)| n.clone())
            }
            _ => None,
        };
        let window = match deferred {
            Some(_) => None,
            // Solving `filesize` (`within filesize - 8`): the window is its
            // data for now; the last pass checks the size against it.
            None if self.trial().is_some() && super::uses_filesize(size) => None,
            None => Some(self.size(size, path)?),
        };
        self.windows += 1;
        let node = self.value(inner, v, path);
        self.windows -= 1;
        let mut node = node?;
        let used = self.pos - start;
        let w = match (window, deferred) {
            (Some(w), _) if used > w => {
                return Err(at(
                    path,
                    Error::input(format!(
                        "the data is {} bytes, more than its window `within {}` = {}",
                        grouped(used),
                        size.describe(),
                        grouped(w)
                    )),
                ));
            }
            (Some(w), _) => w,
            (None, Some(name)) => {
                self.fill_size(&name, used, path)?;
                used
            }
            (None, None) => used,
        };
        let leaf = !matches!(node.kind, NodeKind::Struct(_) | NodeKind::Array(_));
        if leaf && used != w {
            return Err(at(
                path,
                Error::input(format!(
                    "a {}-byte {} takes exactly its own bytes, not a window of {}",
                    used,
                    inner.describe(),
                    grouped(w)
                )),
            ));
        }
        self.pos = start + w;
        self.extend(start, start + w, path)?;
        node.size = w;
        Ok(node)
    }

    /// Set the size field `name` of the current struct, written as 0, to `n`.
    fn fill_size(&mut self, name: &str, n: u64, path: &Path<'_>) -> Result<()> {
        let Some(frame) = self.frames.last() else { return Ok(()) };
        let Some(m) = frame.get(name) else { return Ok(()) };
        let abs = m.abs(frame.base);
        let NodeKind::Scalar(s) = m.node.kind else {
            return Err(at(
                path,
                Error::input(format!(
                    "the window size '{name}' is not a number field, so it cannot be filled in: give it in the input"
                )),
            ));
        };
        let mut buf = Vec::new();
        encode_leaf(&Doc::Number(n.to_string()), &m.node.kind, m.node.size, self.origin, &mut buf).map_err(|e| {
            at(
                path,
                Error::input(format!(
                    "the window's data is {} bytes, which '{name}' ({s}) cannot hold: {}",
                    grouped(n),
                    e.message
                )),
            )
        })?;
        let at_ = usize::try_from(abs).unwrap_or(usize::MAX);
        if let Some(dst) = self.out.get_mut(at_..at_.saturating_add(buf.len())) {
            dst.copy_from_slice(&buf);
        }
        Ok(())
    }
}
