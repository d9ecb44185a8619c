//! Known formats, recognised by their magic bytes before anything is guessed.
//!
//! [`KNOWN`] is a table: one row per format, with the bytes to look for,
//! where, and where its layout comes from: `.npy`, whose own header gives
//! the exact layout, and the gallery of layouts for real formats
//! (`examples/formats/`: PNG, ZIP, ELF, WAV, ...), whose text is built into
//! the library. A gallery layout that maps onto every file is the guess;
//! one that does not (a variant the layout does not cover) is named, and
//! the draft reads the file as bytes. Formats with no magic (STL, SEG-Y,
//! Fortran files) or a weak one (two bytes: SGI, IDX, `.pyc`) are left to
//! the guessing.

use super::Input;
use crate::error::Result;

/// Where the layout of a known format comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutFrom {
    /// The `.npy` header describes the array exactly.
    NpyHeader,
    /// A layout of the gallery: its path in the repository, and its text.
    Gallery(&'static str, &'static str),
}

/// A format recognised by its magic bytes.
#[derive(Clone, Copy, Debug)]
pub struct Known {
    /// What to call it (`.npy`, `PNG`).
    pub name: &'static str,
    /// Where the magic bytes are.
    pub offset: usize,
    pub magic: &'static [u8],
    /// More bytes every file of the format has, and where (a RIFF file is
    /// a WAV file when `WAVE` follows).
    pub also: Option<(usize, &'static [u8])>,
    pub layout: LayoutFrom,
}

/// A row of the gallery: `gallery!("PNG", 0, b"...", "png")`.
macro_rules! gallery {
    ($name:expr, $offset:expr, $magic:expr, $file:literal) => {
        gallery!($name, $offset, $magic, None, $file)
    };
    ($name:expr, $offset:expr, $magic:expr, $also:expr, $file:literal) => {
        Known {
            name: $name,
            offset: $offset,
            magic: $magic,
            also: $also,
            layout: LayoutFrom::Gallery(
                concat!("examples/formats/", $file, ".bml"),
                include_str!(concat!("../../../../examples/formats/", $file, ".bml")),
            ),
        }
    };
}

/// The formats `guess` knows by their magic, the first that matches wins.
pub const KNOWN: &[Known] = &[
    Known { name: ".npy", offset: 0, magic: crate::npy::MAGIC, also: None, layout: LayoutFrom::NpyHeader },
    gallery!("PNG", 0, b"\x89PNG\r\n\x1a\n", "png"),
    gallery!("HDF5", 0, b"\x89HDF\r\n\x1a\n", "hdf5"),
    gallery!("ZIP", 0, b"PK\x03\x04", "zip"),
    gallery!("ELF64", 0, b"\x7fELF\x02", "elf64"),
    gallery!("SQLite", 0, b"SQLite format 3\0", "sqlite"),
    gallery!("MATLAB 5 .mat", 0, b"MATLAB 5.0 MAT-file", "mat5"),
    gallery!("NetCDF classic", 0, b"CDF\x01", "netcdf3"),
    gallery!("NetCDF 64-bit offset", 0, b"CDF\x02", "netcdf3"),
    gallery!("WAV", 0, b"RIFF", Some((8, b"WAVE")), "wav"),
    gallery!("AIFF", 0, b"FORM", Some((8, b"AIFF")), "aiff"),
    gallery!("AIFF-C", 0, b"FORM", Some((8, b"AIFC")), "aiff"),
    gallery!("Sun audio", 0, b".snd", "au"),
    gallery!("BMP", 0, b"BM", Some((14, b"\x28\0\0\0")), "bmp"),
    gallery!("DICOM", 128, b"DICM", "dicom"),
    gallery!("NIfTI-1", 344, b"n+1\0", "nifti1"),
    gallery!("pcap", 0, b"\xd4\xc3\xb2\xa1", "pcap"),
    gallery!("pcap", 0, b"\xa1\xb2\xc3\xd4", "pcap"),
    gallery!("pcap (ns)", 0, b"\x4d\x3c\xb2\xa1", "pcap"),
    gallery!("pcap (ns)", 0, b"\xa1\xb2\x3c\x4d", "pcap"),
    gallery!("gettext .mo", 0, b"\xde\x12\x04\x95", "gettext_mo"),
    gallery!("gettext .mo", 0, b"\x95\x04\x12\xde", "gettext_mo"),
    gallery!("ESRI shapefile", 0, b"\0\0\x27\x0a", Some((28, b"\xe8\x03\0\0")), "shapefile"),
    gallery!("TZif", 0, b"TZif", "tzif"),
];

/// The row of `table` whose magic every file has.
///
/// ```
/// use binmap::guess::known::{find, KNOWN};
/// assert_eq!(find(KNOWN, &[b"\x93NUMPY\x01\x00"]).map(|k| k.name), Some(".npy"));
/// assert_eq!(find(KNOWN, &[b"RIFF\x24\0\0\0WAVEfmt "]).map(|k| k.name), Some("WAV"));
/// assert!(find(KNOWN, &[b"RIFF\x24\0\0\0AVI LIST"]).is_none());
/// assert!(find(KNOWN, &[b"\x93NUMPY\x01\x00", b"PK\x03\x04"]).is_none());
/// assert!(find(KNOWN, &[]).is_none());
/// ```
pub fn find<'t>(table: &'t [Known], files: &[&[u8]]) -> Option<&'t Known> {
    if files.is_empty() {
        return None;
    }
    let has = |d: &[u8], offset: usize, bytes: &[u8]| {
        offset.checked_add(bytes.len()).and_then(|e| d.get(offset..e)) == Some(bytes)
    };
    table.iter().find(|k| files.iter().all(|d| has(d, k.offset, k.magic) && k.also.is_none_or(|(o, b)| has(d, o, b))))
}

/// The layout text for a known format, with a first comment line saying
/// where it comes from: the `.npy` header's layout, or the gallery layout
/// when it maps onto every file, else a draft naming it that reads the
/// files as bytes; and whether the format's own layout is the draft.
pub fn layout(k: &Known, files: &[Input<'_>]) -> Result<(String, bool)> {
    match k.layout {
        LayoutFrom::NpyHeader => {
            let first = files.first().map_or(("", &[][..]), |f| (f.name, f.data));
            let l = crate::npy::layout(first.1, first.0)?;
            Ok((
                format!(
                    "# known format: {} (magic \\x93NUMPY): its header gives the layout, and binmap reads it without one\n{}",
                    k.name, l.source
                ),
                true,
            ))
        }
        LayoutFrom::Gallery(path, text) => match maps(text, files) {
            Ok(()) => Ok((
                format!(
                    "# known format: {} (by its magic at offset {}): the gallery layout {path}\n{text}",
                    k.name, k.offset
                ),
                true,
            )),
            Err(e) => Ok((
                format!(
                    "# known format: {} (by its magic at offset {}), but the gallery layout {path} does not map onto it:\n\
                 # {}\n\
                 data: bytes[filesize]    # the whole file, as bytes\n",
                    k.name,
                    k.offset,
                    e.to_string().lines().next().unwrap_or_default()
                ),
                false,
            )),
        },
    }
}

/// `text` parses and maps onto every file.
fn maps(text: &str, files: &[Input<'_>]) -> Result<()> {
    let layout = crate::Layout::parse(text)?;
    for f in files {
        crate::Map::new(&layout, f.data, f.name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gallery_row_names_its_layout() {
        // A PNG signature with no chunks after it: the gallery layout does
        // not map, so the draft names it and reads the bytes.
        let data = b"\x89PNG\r\n\x1a\nrest";
        let k = find(KNOWN, &[data]).unwrap();
        assert_eq!(k.name, "PNG");
        let (text, own) = layout(k, &[Input { name: "a.png", data }]).unwrap();
        assert!(!own);
        assert!(text.contains("the gallery layout examples/formats/png.bml does not map onto it"), "{text}");
        let l = crate::Layout::parse(&text).unwrap();
        crate::Map::new(&l, data, "a.png").unwrap();
        assert!(find(KNOWN, &[b"\x89PN"]).is_none());
    }
}
