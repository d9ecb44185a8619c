//! Known formats, recognised by their magic bytes before anything is guessed.
//!
//! [`KNOWN`] is a table: one row per format, with the bytes to look for,
//! where, and where its layout comes from. Today the only row is `.npy`,
//! whose own header gives the exact layout. The gallery of layouts for real
//! formats (`examples/formats/`: PNG, ZIP, ELF, ...) does not exist yet;
//! when it does, each of its layouts becomes one more row with
//! [`LayoutFrom::Gallery`], and `guess` names the layout to use.

use super::Input;
use crate::error::Result;

/// Where the layout of a known format comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutFrom {
    /// The `.npy` header describes the array exactly.
    NpyHeader,
    /// A layout of the gallery, by its path in the repository.
    Gallery(&'static str),
}

/// A format recognised by its magic bytes.
#[derive(Clone, Copy, Debug)]
pub struct Known {
    /// What to call it (`.npy`, `PNG`).
    pub name: &'static str,
    /// Where the magic bytes are.
    pub offset: usize,
    pub magic: &'static [u8],
    pub layout: LayoutFrom,
}

/// Said wherever the gallery would be used, until it exists.
pub const NO_GALLERY: &str = "the examples/formats/ gallery of layouts for real formats (PNG, ZIP, ELF, ...) \
                              does not exist yet: .npy is the only format known by its magic";

/// The formats `guess` knows by their magic. Add a gallery layout as a row:
/// `Known { name: "PNG", offset: 0, magic: b"\x89PNG\r\n\x1a\n", layout: LayoutFrom::Gallery("examples/formats/png.bml") }`.
pub const KNOWN: &[Known] =
    &[Known { name: ".npy", offset: 0, magic: crate::npy::MAGIC, layout: LayoutFrom::NpyHeader }];

/// The row of `table` whose magic every file has.
///
/// ```
/// use binmap::guess::known::{find, KNOWN};
/// assert_eq!(find(KNOWN, &[b"\x93NUMPY\x01\x00"]).map(|k| k.name), Some(".npy"));
/// assert!(find(KNOWN, &[b"\x93NUMPY\x01\x00", b"PK\x03\x04"]).is_none());
/// assert!(find(KNOWN, &[]).is_none());
/// ```
pub fn find<'t>(table: &'t [Known], files: &[&[u8]]) -> Option<&'t Known> {
    if files.is_empty() {
        return None;
    }
    table.iter().find(|k| {
        files.iter().all(|d| k.offset.checked_add(k.magic.len()).and_then(|e| d.get(k.offset..e)) == Some(k.magic))
    })
}

/// The layout text for a known format, with a first comment line saying
/// where it comes from.
pub fn layout(k: &Known, files: &[Input<'_>]) -> Result<String> {
    match k.layout {
        LayoutFrom::NpyHeader => {
            let first = files.first().map_or(("", &[][..]), |f| (f.name, f.data));
            let l = crate::npy::layout(first.1, first.0)?;
            Ok(format!(
                "# known format: {} (magic \\x93NUMPY): its header gives the layout, and binmap reads it without one\n{}",
                k.name, l.source
            ))
        }
        LayoutFrom::Gallery(path) => Ok(format!(
            "# known format: {} (by its magic at offset {}): use the gallery layout {path}\n\
             data: bytes[filesize]    # the whole file, until you use {path}\n",
            k.name, k.offset
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gallery_row_names_its_layout() {
        let table = [Known {
            name: "PNG",
            offset: 0,
            magic: b"\x89PNG",
            layout: LayoutFrom::Gallery("examples/formats/png.bml"),
        }];
        let data = b"\x89PNG\r\n\x1a\nrest";
        let k = find(&table, &[data]).unwrap();
        let text = layout(k, &[Input { name: "a.png", data }]).unwrap();
        assert!(text.contains("use the gallery layout examples/formats/png.bml"));
        let l = crate::Layout::parse(&text).unwrap();
        crate::Map::new(&l, data, "a.png").unwrap();
        assert!(find(&table, &[b"\x89PN"]).is_none());
    }
}
