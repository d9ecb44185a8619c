//! The values layout expressions compare: integers, a `char`'s byte, and
//! text or bytes (`type == "IHDR"`, `magic == b"\x89PNG\r\n\x1a\n"`,
//! `name in ["fmt ", "data"]`).
//!
//! Arithmetic stays on integers ([`crate::map`]'s evaluator); only `==`,
//! `!=` and `in` reach this module, so a layout of plain sizes pays
//! nothing for text. May call: nothing but `std` and `crate::text::escape`.

use std::borrow::Cow;

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Operand<'a> {
    Int(i128),
    /// A `char` field: equal to its byte as a number and to one-byte text.
    Char(u8),
    /// Text or bytes. `padded` when trailing NULs are padding, as in a
    /// fixed-size `bytes[N]`/`utf8[N]` field (numpy's `S`): `"ab"` equals the
    /// field `ab\0\0`, exactly as `== "ab"` checks it.
    Bytes {
        bytes: Cow<'a, [u8]>,
        padded: bool,
    },
}

impl Operand<'_> {
    /// Equality, or why the two cannot be compared.
    pub fn equals(&self, other: &Operand<'_>) -> Result<bool, String> {
        use Operand::*;
        Ok(match (self, other) {
            (Int(a), Int(b)) => a == b,
            (Char(c), Int(v)) | (Int(v), Char(c)) => i128::from(*c) == *v,
            (Char(a), Char(b)) => a == b,
            (Char(c), b @ Bytes { .. }) | (b @ Bytes { .. }, Char(c)) => b.text() == [*c],
            (a @ Bytes { .. }, b @ Bytes { .. }) => a.text() == b.text(),
            (Int(v), b @ Bytes { .. }) | (b @ Bytes { .. }, Int(v)) => {
                return Err(format!("cannot compare the number {v} with the text {}", b.show()));
            }
        })
    }

    /// The integer value for a range test (`in 0..8`), if it has one.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Operand::Int(v) => Some(*v),
            Operand::Char(c) => Some((*c).into()),
            Operand::Bytes { .. } => None,
        }
    }

    /// The compared bytes: padding NULs removed.
    fn text(&self) -> &[u8] {
        match self {
            Operand::Bytes { bytes, padded: true } => {
                let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                &bytes[..end]
            }
            Operand::Bytes { bytes, padded: false } => bytes,
            _ => &[],
        }
    }

    /// The value for a message: integers in decimal, text quoted and escaped.
    pub fn show(&self) -> String {
        match self {
            Operand::Int(v) => v.to_string(),
            Operand::Char(c) => quote(&[*c]),
            Operand::Bytes { .. } => quote(self.text()),
        }
    }
}

/// `"text"` with non-UTF-8 bytes and backslashes escaped (`"\x89PNG"`).
fn quote(b: &[u8]) -> String {
    format!("\"{}\"", crate::text::escape::escape_bytes(b).replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::Operand::{self, *};

    fn text(b: &[u8], padded: bool) -> Operand<'_> {
        Bytes { bytes: b.into(), padded }
    }

    #[test]
    fn padding_nuls_are_not_compared() {
        assert_eq!(text(b"ab\0\0", true).equals(&text(b"ab", false)), Ok(true));
        assert_eq!(text(b"ab\0\0", false).equals(&text(b"ab", false)), Ok(false));
        assert_eq!(text(b"ab\0c", true).equals(&text(b"ab", false)), Ok(false));
    }

    #[test]
    fn chars_equal_their_byte_and_one_byte_text() {
        assert_eq!(Char(b'A').equals(&Int(65)), Ok(true));
        assert_eq!(Char(b'A').equals(&text(b"A", false)), Ok(true));
        assert_eq!(Char(b'A').equals(&text(b"AB", false)), Ok(false));
    }

    #[test]
    fn numbers_and_text_do_not_compare() {
        let e = Int(1).equals(&text(b"IHDR", false)).unwrap_err();
        assert_eq!(e, "cannot compare the number 1 with the text \"IHDR\"");
    }
}
