//! Typed columns: a path of a record array as numbers, without copying.
//!
//! [`Column`] is a strided view into the file's bytes (`start`, `stride`,
//! `count`), like a numpy memmap of one field: `get(i)` decodes one value,
//! `iter()` walks them, `to_vec()` copies them out. Only arrays of uniform
//! elements have a stride; others are an error that says so.

use crate::decode::{Value, decode_scalar};
use crate::error::{Error, Result};
use crate::layout::{Scalar, ScalarKind};
use crate::map::{Map, NodeKind};
use crate::select::{Rows, Seg, parse_path, select};

/// Rust types a column can be read as.
pub trait Element: Copy {
    /// The layout kind that matches this type.
    const KIND: ScalarKind;
    /// Convert a decoded value of [`Self::KIND`].
    fn from_value(v: Value<'_>) -> Self;
}

macro_rules! element {
    ($t:ty, $kind:ident, $variant:ident) => {
        impl Element for $t {
            const KIND: ScalarKind = ScalarKind::$kind;
            #[inline]
            fn from_value(v: Value<'_>) -> Self {
                match v {
                    Value::$variant(x) => x as $t,
                    _ => <$t>::default(),
                }
            }
        }
    };
}

element!(i8, I8, Int);
element!(i16, I16, Int);
element!(i32, I32, Int);
element!(i64, I64, Int);
element!(u8, U8, UInt);
element!(u16, U16, UInt);
element!(u32, U32, UInt);
element!(u64, U64, UInt);
element!(f32, F32, F32);
element!(f64, F64, F64);

/// A strided, zero-copy view of one numeric field across an array.
#[derive(Clone, Copy, Debug)]
pub struct Column<'a, T> {
    data: &'a [u8],
    start: u64,
    stride: u64,
    len: u64,
    scalar: Scalar,
    _t: std::marker::PhantomData<T>,
}

impl<'a, T: Element> Column<'a, T> {
    /// The column at `path` (`records.value`, `x`, `data`), optionally limited to `rows`.
    ///
    /// ```
    /// use binmap::column::Column;
    /// let layout = binmap::Layout::parse("n: u8\nr: { t: u16, v: f32 }[n]").unwrap();
    /// let mut data = vec![2u8];
    /// for (t, v) in [(1u16, 0.5f32), (2, -1.5)] {
    ///     data.extend(t.to_le_bytes());
    ///     data.extend(v.to_le_bytes());
    /// }
    /// let map = binmap::Map::new(&layout, &data, "x").unwrap();
    /// let v: Column<f32> = Column::new(&map, "r.v", None).unwrap();
    /// assert_eq!(v.to_vec(), [0.5, -1.5]);
    /// assert_eq!(v.get(1), Some(-1.5));
    /// assert!(Column::<f64>::new(&map, "r.v", None).is_err());
    /// ```
    pub fn new(map: &'a Map<'_>, path: &str, rows: Option<Rows>) -> Result<Column<'a, T>> {
        let segs: Vec<Seg> = parse_path(path)?;
        let sel = select(map, &segs)?;
        let Some(rs) = sel.rows(rows.unwrap_or_default(), &segs)? else {
            return Err(Error::usage(format!("'{path}' is not an array")));
        };
        let row_len = rs.row_len();
        let (start, stride, node) = rs.fixed().ok_or_else(|| {
            Error::usage(format!("'{path}' has elements of varying size: it has no stride; read it with show"))
        })?;
        // An enum's column is its integers.
        let (NodeKind::Scalar(scalar) | NodeKind::Enum(scalar, _)) = &node.kind else {
            return Err(Error::usage(format!("'{path}' is not a numeric field")));
        };
        if scalar.kind != T::KIND {
            return Err(Error::usage(format!("'{path}' holds {}, not {}", scalar.kind.name(), T::KIND.name())));
        }
        let first = rs.rows.start * row_len;
        Ok(Column {
            data: map.data(),
            start: start + first * stride,
            stride,
            len: (rs.rows.end - rs.rows.start) * row_len,
            scalar: *scalar,
            _t: std::marker::PhantomData,
        })
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Value `i`.
    #[inline]
    pub fn get(&self, i: u64) -> Option<T> {
        if i >= self.len {
            return None;
        }
        let at = usize::try_from(self.start + i * self.stride).ok()?;
        let b = self.data.get(at..at + self.scalar.kind.size() as usize)?;
        decode_scalar(b, self.scalar).ok().map(T::from_value)
    }

    /// All values in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// The values copied into a vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().collect()
    }
}
