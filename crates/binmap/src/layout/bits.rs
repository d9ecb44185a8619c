//! Bit fields: `hdr: bits u16be { version: 3, flags: 5, length: 8 }`.
//!
//! A container of whole bytes (an integer type, in its byte order) is read
//! as one integer and split into fields of 1 to 64 bits whose widths add up
//! to the container's exactly. The bit order: fields are taken from the most
//! significant bit down for a big-endian container and from the least
//! significant bit up for a little-endian one (`u8` follows the byte order in
//! effect, little by default), as C compilers and Python's `ctypes`
//! `BigEndianStructure`/`LittleEndianStructure` lay them out; `msb` or `lsb`
//! after the container overrides it (`bits u16le msb { ... }`).
//!
//! This module holds the declaration ([`BitsType`]) and the arithmetic on a
//! resolved field ([`BitLeaf`]); the map resolves a bits type into a struct
//! of [`BitLeaf`] members that all span the container's bytes. May call:
//! nothing outside `layout`.

use std::sync::Arc;

use super::{EnumDef, Scalar, Span, Type};

/// `bits CONTAINER [msb|lsb] { fields }`.
#[derive(Clone, Debug, PartialEq)]
pub struct BitsType {
    /// An integer scalar (`Type::Scalar`, or `Type::ScalarByOrder` under an
    /// `endian` chosen per file).
    pub container: Type,
    /// `msb` (`Some(true)`) or `lsb` (`Some(false)`) written after the
    /// container; `None` follows the container's byte order.
    pub msb_first: Option<bool>,
    pub fields: Vec<BitField>,
}

/// One field of a [`BitsType`].
#[derive(Clone, Debug, PartialEq)]
pub struct BitField {
    /// `None` for reserved bits `_: N` (not shown, written as zeros).
    pub name: Option<Arc<str>>,
    /// Width in bits, 1 to 64.
    pub width: u32,
    pub kind: BitKind,
    pub span: Span,
}

/// How a bit field's value reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BitKind {
    /// `name: N`.
    Unsigned,
    /// `name: iN`: two's complement.
    Signed,
    /// `name: bool`: one bit.
    Bool,
    /// `name: N as Kind`: an unsigned value shown with an enum's names.
    Enum(Arc<EnumDef>),
}

impl BitsType {
    /// The field positions, in declaration order: the shift of each field's
    /// least significant bit, for a container of `total` bits.
    ///
    /// ```
    /// let l = binmap::Layout::parse("h: bits u16be { a: 3, b: 5, c: 8 }").unwrap();
    /// let binmap::layout::Item::Field(f) = &l.root.items[0] else { panic!() };
    /// let binmap::layout::Type::Bits(b) = &f.ty else { panic!() };
    /// assert_eq!(b.shifts(true), [13, 8, 0]);
    /// assert_eq!(b.shifts(false), [0, 3, 8]);
    /// ```
    pub fn shifts(&self, msb_first: bool) -> Vec<u32> {
        let total: u32 = self.fields.iter().map(|f| f.width).sum();
        let mut used = 0;
        self.fields
            .iter()
            .map(|f| {
                let s = if msb_first { total - used - f.width } else { used };
                used += f.width;
                s
            })
            .collect()
    }

    /// The layout text (`bits u16be msb { a: 3, _: 5, c: 8 }`).
    pub fn describe(&self) -> String {
        let order = match self.msb_first {
            Some(true) => " msb",
            Some(false) => " lsb",
            None => "",
        };
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| {
                let name = f.name.as_deref().unwrap_or("_");
                match &f.kind {
                    BitKind::Unsigned => format!("{name}: {}", f.width),
                    BitKind::Signed => format!("{name}: i{}", f.width),
                    BitKind::Bool => format!("{name}: bool"),
                    BitKind::Enum(d) => format!("{name}: {} as {}", f.width, d.name),
                }
            })
            .collect();
        format!("bits {}{order} {{ {} }}", self.container.describe(), fields.join(", "))
    }
}

/// A resolved bit field: which bits of which container.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BitLeaf {
    /// The container, with its byte order settled.
    pub container: Scalar,
    /// The position of the field's least significant bit.
    pub shift: u32,
    pub width: u32,
    pub kind: BitKind,
}

impl BitLeaf {
    fn mask(&self) -> u64 {
        if self.width >= 64 { u64::MAX } else { (1u64 << self.width) - 1 }
    }

    /// The field's value in the container's integer `raw`.
    ///
    /// ```
    /// use binmap::layout::{BitKind, BitLeaf, Endian, Scalar, ScalarKind};
    /// let c = Scalar { kind: ScalarKind::U8, endian: Endian::Little };
    /// let f = BitLeaf { container: c, shift: 4, width: 3, kind: BitKind::Signed };
    /// assert_eq!(f.extract(0b0111_0000), -1);
    /// assert_eq!(f.extract(0b0011_0000), 3);
    /// ```
    pub fn extract(&self, raw: u64) -> i128 {
        let v = (raw >> self.shift) & self.mask();
        if self.kind == BitKind::Signed && self.width < 64 && v >> (self.width - 1) & 1 == 1 {
            i128::from(v) - (1i128 << self.width)
        } else if self.kind == BitKind::Signed && self.width == 64 {
            i128::from(v as i64)
        } else {
            i128::from(v)
        }
    }

    /// As `info` names it: `u3 (bits 13..16 of u16be)`, `Kind (bits 0..3 of u8)`.
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            BitKind::Unsigned => format!("u{}", self.width),
            BitKind::Signed => format!("i{}", self.width),
            BitKind::Bool => "bool".into(),
            BitKind::Enum(d) => d.name.to_string(),
        };
        format!("{what} (bits {}..{} of {})", self.shift, self.shift + self.width, self.container)
    }

    /// The values the field holds, inclusive.
    pub fn range(&self) -> (i128, i128) {
        match self.kind {
            BitKind::Signed => (-(1i128 << (self.width - 1)), (1i128 << (self.width - 1)) - 1),
            _ => (0, i128::from(self.mask())),
        }
    }

    /// `raw` with this field's bits set to `v` and every other bit kept;
    /// the error says the range when `v` does not fit.
    ///
    /// ```
    /// use binmap::layout::{BitKind, BitLeaf, Endian, Scalar, ScalarKind};
    /// let c = Scalar { kind: ScalarKind::U8, endian: Endian::Little };
    /// let f = BitLeaf { container: c, shift: 4, width: 3, kind: BitKind::Unsigned };
    /// assert_eq!(f.insert(0b1000_1111, 5), Ok(0b1101_1111));
    /// assert_eq!(f.insert(0, 8).unwrap_err(), "8 does not fit a 3-bit field (0 to 7)");
    /// ```
    pub fn insert(&self, raw: u64, v: i128) -> Result<u64, String> {
        let (lo, hi) = self.range();
        if v < lo || v > hi {
            let what = if self.kind == BitKind::Signed { "signed " } else { "" };
            return Err(format!("{v} does not fit a {what}{}-bit field ({lo} to {hi})", self.width));
        }
        let bits = (v as u64) & self.mask();
        Ok((raw & !(self.mask() << self.shift)) | (bits << self.shift))
    }
}
