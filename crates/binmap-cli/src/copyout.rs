//! The writer of an output file (`-o FILE`'s temporary file) that copies
//! instead of writing where it can: a `write` of bytes that lie in the
//! memory map of the input file ([`CopyOut::copy_from`]) becomes a copy
//! from the input file to the output file in the kernel (std's `io::copy`
//! between two files, which is `copy_file_range` on Linux), so the bytes of
//! a `.npy` → `.npy` conversion or of `select -f bin` never pass through
//! binmap's memory and the input's pages are not mapped in.
//!
//! Only whole `write`s of at least [`MIN_COPY`] bytes are copied (smaller
//! ones are not worth a system call more). Every other `write` goes to the
//! file as usual. The bytes are the same either way: a read-only shared map
//! shows exactly the file's bytes. If the input file is shorter than the
//! map (another process truncated it), the copy comes up short and the rest
//! is written from the map, which raises SIGBUS there: the usual "input
//! shrank" error (see `fault`), never a silently short output.
//!
//! May call: std's `io::copy` and `Seek` on the input file; nothing else.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use tempfile::NamedTempFile;

/// The smallest `write` copied file to file (the output's buffer size:
/// `BufWriter` passes writes this large straight through).
pub const MIN_COPY: usize = 1 << 16;

/// The input file and where its bytes are mapped.
struct Input {
    file: File,
    /// Address and length of the map.
    base: usize,
    len: usize,
}

/// A temporary output file; see the module docs.
pub struct CopyOut {
    tmp: NamedTempFile,
    from: Option<Input>,
}

impl CopyOut {
    pub fn new(tmp: NamedTempFile) -> CopyOut {
        CopyOut { tmp, from: None }
    }

    /// Copy writes of `mapped`'s bytes (the map of `file`) from `file`.
    pub fn copy_from(&mut self, file: &File, mapped: &[u8]) -> std::io::Result<()> {
        let file = file.try_clone()?;
        self.from = Some(Input { file, base: mapped.as_ptr() as usize, len: mapped.len() });
        Ok(())
    }

    pub fn into_inner(self) -> NamedTempFile {
        self.tmp
    }

    /// Where `buf` starts in the input file, when all of it is in the map.
    fn offset_of(&self, buf: &[u8]) -> Option<u64> {
        let from = self.from.as_ref()?;
        let at = (buf.as_ptr() as usize).checked_sub(from.base)?;
        (buf.len() >= MIN_COPY && at.checked_add(buf.len())? <= from.len).then_some(at as u64)
    }
}

impl Write for CopyOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let (Some(at), Some(from)) = (self.offset_of(buf), self.from.as_ref()) {
            let mut input = &from.file;
            input.seek(SeekFrom::Start(at))?;
            let copied = std::io::copy(&mut input.take(buf.len() as u64), &mut self.tmp.as_file())?;
            if copied > 0 {
                return Ok(copied as usize);
            }
            // The file ended early: write from the map (see the module docs).
        }
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_mapped_ranges_and_writes_the_rest() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("in.bin");
        let data: Vec<u8> = (0..3 * MIN_COPY as u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&p, &data).expect("write");
        let src = binmap::Source::open(&p, binmap::Mode::Read).expect("open");
        let (file, mapped) = src.mapped_file().expect("a map");
        let mut out = CopyOut::new(tempfile::NamedTempFile::new_in(dir.path()).expect("tmp"));
        out.copy_from(file, mapped).expect("dup");
        let small = &mapped[5..20];
        let big = &mapped[MIN_COPY / 2..MIN_COPY / 2 + 2 * MIN_COPY];
        assert_eq!(out.offset_of(small), None);
        assert_eq!(out.offset_of(big), Some(MIN_COPY as u64 / 2));
        let elsewhere = data[..MIN_COPY].to_vec();
        assert_eq!(out.offset_of(&elsewhere), None);
        out.write_all(b"head").expect("w");
        out.write_all(big).expect("w");
        out.write_all(small).expect("w");
        out.write_all(&elsewhere).expect("w");
        // The input file's own offset is not the output's business.
        out.write_all(big).expect("w");
        let tmp = out.into_inner();
        let got = std::fs::read(tmp.path()).expect("read");
        let want = [b"head", big, small, &elsewhere[..], big].concat();
        assert_eq!(got, want);
    }
}
