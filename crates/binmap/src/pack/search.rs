//! Packing fields placed by a search (`@ rfind(b"PK\x05\x06") eocd: ...`):
//! such a field is written where it comes in the layout's order (at the
//! cursor), and the packed bytes, read back, must place it there: a
//! signature that also occurs elsewhere (an `rfind` signature in data
//! after the field, a `find` one before it) would make a reader find
//! another place, so it is an error rather than a file that reads back
//! differently.

use crate::error::{Error, Result};
use crate::layout::{Layout, Span};

/// Compare where the fields placed by a search were `written` with where
/// reading the output back placed them (`read`, in the same order).
pub(super) fn same_places(layout: &Layout, written: &[(Span, u64)], read: &[(Span, u64)]) -> Result<()> {
    for (i, &(span, at)) in written.iter().enumerate() {
        let decl = layout.text(span);
        match read.get(i) {
            Some(&(s, found)) if s == span && found == at => {}
            Some(&(s, found)) if s == span => {
                return Err(Error::input(format!(
                    "`{decl}` is written at {at:#x}, but reading the packed bytes back finds it at {found:#x}: the signature also occurs there"
                )));
            }
            _ => {
                return Err(Error::input(format!(
                    "`{decl}` is written at {at:#x}, but reading the packed bytes back does not place it there"
                )));
            }
        }
    }
    Ok(())
}
