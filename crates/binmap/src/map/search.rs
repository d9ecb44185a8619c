//! `find(SIG)` and `rfind(SIG)` in placements: where a signature is in the
//! file (`@ rfind(b"PK\x05\x06") eocd: Eocd`, the end of a ZIP whose
//! archive comment may be any length).
//!
//! The search covers the file's bytes `START..END` (Python's
//! `bytes.find(sub, start, end)`, both optional; an `END` past the end of
//! the file is the end of the file), with `memchr`'s substring search; a
//! signature that is not there is an error naming it and the range searched.

use super::Env;
use crate::error::{Error, Result, grouped};
use crate::layout::{Search, Span, out_of_u64};

impl Env<'_> {
    /// The offset `s` finds in the file.
    pub(crate) fn search(&self, s: &Search, span: Span) -> Result<i128> {
        let len = self.data.len() as u64;
        let bound = |e: Option<&crate::layout::Expr>, default: u64| -> Result<u64> {
            let Some(e) = e else { return Ok(default) };
            let v = self.eval(e)?;
            u64::try_from(v).map(|v| v.min(len)).map_err(|_| {
                Error::data(format!("the bound {} = {v} of `{}` {}", e.describe(), s.describe(), out_of_u64(v)))
                    .note(self.layout_location(span))
            })
        };
        let start = bound(s.start.as_ref(), 0)?;
        let end = bound(s.end.as_ref(), len)?.max(start);
        let hay = super::slice(self.data, start, end - start);
        let found = if s.last { memchr::memmem::rfind(hay, &s.sig) } else { memchr::memmem::find(hay, &s.sig) };
        match found {
            Some(i) => Ok(i128::from(start) + i as i128),
            None => {
                let which = if s.last { "last" } else { "first" };
                Err(Error::data(format!(
                    "`{}` found no {which} occurrence of the signature in bytes {start:#x}..{end:#x} ({} bytes) of the file",
                    s.describe(),
                    grouped(end - start)
                ))
                .note(self.layout_location(span)))
            }
        }
    }
}
