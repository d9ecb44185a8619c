//! Arrow arrays straight from the mapped bytes: one [`Plan`] level at a
//! time, values found through [`Pos`].
//!
//! Numbers are read with `from_le_bytes`/`from_be_bytes` in a loop chosen
//! once per (type, byte order), into the array's own buffer: no decoded
//! value enum in the loop. Strings, bools and opaque bytes go through the
//! same leaf decoder as `binmap show` ([`crate::map::decode_leaf`]), so a
//! value is exactly what `show` prints and a bad value (a `bool` that is 7,
//! invalid UTF-8 in a `utf8[N]`) is the same error, with its offset.

use std::sync::Arc;

use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    ArrayRef, ArrowPrimitiveType, BinaryArray, BooleanArray, FixedSizeBinaryArray, FixedSizeListArray, ListArray,
    PrimitiveArray, StringArray, StructArray,
};
use arrow_buffer::{BooleanBufferBuilder, Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, Field, Fields};
use half::{bf16, f16};

use super::arrow_types::{complex_fields, item_field};
use super::plan::Plan;
use super::pos::{LeafPos, Pos};
use crate::decode::{Value, ucs4_char};
use crate::error::{Error, Result};
use crate::layout::{BitLeaf, Endian, Scalar, ScalarKind};
use crate::map::decode_leaf;
use crate::map::{Node, NodeKind, slice};
use crate::select::View;
use crate::sink::leaf;

/// The array of the values of `plan` at `pos`; `what` names the column in errors.
pub(crate) fn build(plan: &Plan, pos: &Pos<'_>, data: &[u8], what: &str) -> Result<ArrayRef> {
    Ok(match plan {
        Plan::Unknown => return Err(Error::usage(format!("{what}: the type of these values is unknown"))),
        Plan::Num(s) => number(*s, data, pos.leaf()?, 0)?,
        Plan::Bits(b) => bit_field(b, data, pos.leaf()?)?,
        Plan::Str { kind, utf8 } => bytes(data, pos.leaf()?, kind, Some(*utf8), what)?,
        Plan::TextNum { kind, float } => text_numbers(data, pos.leaf()?, kind, *float)?,
        Plan::Void { size } => match size {
            Some(n) if i32::try_from(*n).is_ok_and(|n| n > 0) => {
                let mut values = Vec::with_capacity(pos.leaf()?.len() * *n as usize);
                pos.leaf()?.each(|o, s| values.extend_from_slice(slice(data, o, s)));
                let array = FixedSizeBinaryArray::try_new(*n as i32, Buffer::from_vec(values), None);
                Arc::new(array.map_err(internal)?)
            }
            _ => bytes(
                data,
                pos.leaf()?,
                &NodeKind::Text(crate::layout::TextKind::Void, crate::map::TextEnd::Exact),
                None,
                what,
            )?,
        },
        Plan::Struct(fields) => {
            let mut arrays = Vec::with_capacity(fields.len());
            let mut out = Vec::with_capacity(fields.len());
            for (k, (name, p)) in fields.iter().enumerate() {
                let a = build(p, &pos.field(k)?, data, &format!("{what}.{name}"))?;
                out.push(Field::new(name.as_ref(), a.data_type().clone(), false));
                arrays.push(a);
            }
            Arc::new(StructArray::try_new(Fields::from(out), arrays, None).map_err(internal)?)
        }
        Plan::List { len, item } => {
            let items = pos.items()?;
            let child = build(item, &items, data, what)?;
            let field = item_field(child.data_type().clone());
            match len {
                Some(n) => {
                    let n = i32::try_from(*n).map_err(|_| Error::usage(format!("{what}: a sub-array is too long")))?;
                    // The count, not `child.len() / n`: a sub-array may have no elements.
                    let lists = FixedSizeListArray::try_new_with_length(field, n, child, None, pos.count());
                    Arc::new(lists.map_err(internal)?)
                }
                None => {
                    let mut offsets = Vec::with_capacity(pos.lens()?.len() + 1);
                    let mut end = 0i32;
                    offsets.push(end);
                    for &l in pos.lens()? {
                        end = i32::try_from(l).ok().and_then(|l| end.checked_add(l)).ok_or_else(|| too_big(what))?;
                        offsets.push(end);
                    }
                    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
                    Arc::new(ListArray::try_new(field, offsets, child, None).map_err(internal)?)
                }
            }
        }
    })
}

fn internal(e: ArrowError) -> Error {
    Error::data(format!("internal: building an Arrow array: {e}"))
}

fn too_big(what: &str) -> Error {
    Error::usage(format!("{what}: one batch of rows holds more than 2 GiB of values; select fewer rows or fields"))
}

/// `N` bytes at `o` (zeros past the end, which the caller has ruled out).
#[inline(always)]
fn read<const N: usize>(data: &[u8], o: u64) -> [u8; N] {
    data.get(o as usize..).and_then(|r| r.first_chunk::<N>()).copied().unwrap_or([0; N])
}

/// A primitive array of the values at `leaf` (each shifted by `shift`
/// bytes), each converted from its `N` bytes by `conv`.
#[inline]
fn prim<T: ArrowPrimitiveType, const N: usize>(
    data: &[u8],
    leaf: LeafPos<'_>,
    shift: u64,
    conv: impl Fn([u8; N]) -> T::Native,
) -> ArrayRef {
    let mut v = Vec::with_capacity(leaf.len());
    leaf.each(|o, _| v.push(conv(read::<N>(data, o + shift))));
    Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(v), None))
}

/// A number column (each value `shift` bytes after its position): the
/// loop is picked once per (kind, byte order).
fn number(s: Scalar, data: &[u8], leaf: LeafPos<'_>, shift: u64) -> Result<ArrayRef> {
    use ScalarKind::*;
    let little = s.endian == Endian::Little;
    macro_rules! int {
        ($t:ty, $n:literal, $native:ty) => {
            if little {
                prim::<$t, $n>(data, leaf, shift, <$native>::from_le_bytes)
            } else {
                prim::<$t, $n>(data, leaf, shift, <$native>::from_be_bytes)
            }
        };
    }
    macro_rules! half {
        ($t:ty, $conv:expr) => {
            if little {
                prim::<$t, 2>(data, leaf, shift, |b| $conv(u16::from_le_bytes(b)))
            } else {
                prim::<$t, 2>(data, leaf, shift, |b| $conv(u16::from_be_bytes(b)))
            }
        };
    }
    Ok(match s.kind {
        I8 => int!(Int8Type, 1, i8),
        I16 => int!(Int16Type, 2, i16),
        I32 => int!(Int32Type, 4, i32),
        I64 => int!(Int64Type, 8, i64),
        U8 => int!(UInt8Type, 1, u8),
        U16 => int!(UInt16Type, 2, u16),
        U32 => int!(UInt32Type, 4, u32),
        U64 => int!(UInt64Type, 8, u64),
        F16 => half!(Float16Type, f16::from_bits),
        BF16 => half!(Float32Type, |b| bf16::from_bits(b).to_f32()),
        F32 => int!(Float32Type, 4, f32),
        F64 => int!(Float64Type, 8, f64),
        C64 | C128 => {
            let (t, half) = if s.kind == C64 { (F32, 4) } else { (F64, 8) };
            let part = Scalar { kind: t, endian: s.endian };
            let re = number(part, data, leaf, shift)?;
            let im = number(part, data, leaf, shift + half)?;
            let fields = complex_fields(re.data_type().clone());
            Arc::new(StructArray::try_new(fields, vec![re, im], None).map_err(internal)?)
        }
        I24 | U24 | I40 | U40 | I48 | U48 | I56 | U56 | Ibm32 | Ibm64 | F80 | LongDouble => {
            decoded(s, data, leaf, shift)?
        }
        DateTime(_) | TimeDelta(_) => times(s, data, leaf, shift)?,
        Bool => {
            let mut bits = BooleanBufferBuilder::new(leaf.len());
            let mut bad = None;
            leaf.each(|o, _| {
                let b = read::<1>(data, o + shift)[0];
                if b > 1 && bad.is_none() {
                    bad = Some(o);
                }
                bits.append(b == 1);
            });
            if let Some(o) = bad {
                return Err(leaf_error(data, &NodeKind::Scalar(s), o + shift, 1));
            }
            Arc::new(BooleanArray::new(bits.finish(), None))
        }
    })
}

/// The numbers of the kinds without a native loop (24- to 56-bit integers,
/// IBM floats), through the leaf decoder, widened as `arrow_types` says.
fn decoded(s: Scalar, data: &[u8], leaf: LeafPos<'_>, shift: u64) -> Result<ArrayRef> {
    let size = s.kind.size();
    let value = |o: u64| crate::decode::decode_scalar(slice(data, o + shift, size), s);
    let mut ints = Vec::new();
    let mut floats = Vec::new();
    let mut bad = None;
    leaf.each(|o, _| match value(o) {
        Ok(Value::Int(v)) => ints.push(i128::from(v)),
        Ok(Value::UInt(v)) => ints.push(i128::from(v)),
        Ok(v) => floats.push(v.as_f64().unwrap_or(f64::NAN)),
        Err(_) => bad = bad.or(Some(o)),
    });
    if let Some(o) = bad {
        return Err(leaf_error(data, &NodeKind::Scalar(s), o + shift, size));
    }
    use arrow_schema::DataType as D;
    Ok(match super::arrow_types::scalar_type(s) {
        D::Int32 => Arc::new(PrimitiveArray::<Int32Type>::from_iter_values(ints.iter().map(|&v| v as i32))),
        D::UInt32 => Arc::new(PrimitiveArray::<UInt32Type>::from_iter_values(ints.iter().map(|&v| v as u32))),
        D::Int64 => Arc::new(PrimitiveArray::<Int64Type>::from_iter_values(ints.iter().map(|&v| v as i64))),
        D::UInt64 => Arc::new(PrimitiveArray::<UInt64Type>::from_iter_values(ints.iter().map(|&v| v as u64))),
        _ => Arc::new(PrimitiveArray::<Float64Type>::from_iter_values(floats)),
    })
}

/// datetime64/timedelta64 as Arrow timestamps/durations of the same unit
/// (the plan has checked the unit); `NaT` is an error (the columns are not
/// nullable).
fn times(s: Scalar, data: &[u8], leaf: LeafPos<'_>, shift: u64) -> Result<ArrayRef> {
    use arrow_array::types::{
        DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
    };
    use arrow_schema::TimeUnit as T;
    let mut v = Vec::with_capacity(leaf.len());
    let mut nat = None;
    leaf.each(|o, _| {
        let b = read::<8>(data, o + shift);
        let x = if s.endian == Endian::Little { i64::from_le_bytes(b) } else { i64::from_be_bytes(b) };
        if x == i64::MIN && nat.is_none() {
            nat = Some(o + shift);
        }
        v.push(x);
    });
    if let Some(o) = nat {
        return Err(Error::data(format!(
            "a NaT (not a time) at offset {o:#x}: Arrow and Parquet columns here hold no missing values"
        ))
        .with_bytes(data, o));
    }
    let (ScalarKind::DateTime(u) | ScalarKind::TimeDelta(u)) = s.kind else {
        return Err(Error::data("internal: not a time"));
    };
    let unit = super::arrow_types::arrow_unit(u).ok_or_else(|| Error::data("internal: no Arrow unit"))?;
    let stamp = matches!(s.kind, ScalarKind::DateTime(_));
    Ok(match (stamp, unit) {
        (true, T::Second) => Arc::new(PrimitiveArray::<TimestampSecondType>::from_iter_values(v)),
        (true, T::Millisecond) => Arc::new(PrimitiveArray::<TimestampMillisecondType>::from_iter_values(v)),
        (true, T::Microsecond) => Arc::new(PrimitiveArray::<TimestampMicrosecondType>::from_iter_values(v)),
        (true, T::Nanosecond) => Arc::new(PrimitiveArray::<TimestampNanosecondType>::from_iter_values(v)),
        (false, T::Second) => Arc::new(PrimitiveArray::<DurationSecondType>::from_iter_values(v)),
        (false, T::Millisecond) => Arc::new(PrimitiveArray::<DurationMillisecondType>::from_iter_values(v)),
        (false, T::Microsecond) => Arc::new(PrimitiveArray::<DurationMicrosecondType>::from_iter_values(v)),
        (false, T::Nanosecond) => Arc::new(PrimitiveArray::<DurationNanosecondType>::from_iter_values(v)),
    })
}

/// `ascii_*[N]` numbers as Int64 or Float64; a blank field is an error (the
/// columns are not nullable).
fn text_numbers(data: &[u8], leaf: LeafPos<'_>, kind: &NodeKind, float: bool) -> Result<ArrayRef> {
    let mut ints = Vec::new();
    let mut floats = Vec::new();
    leaf.try_each(|o, size| {
        match decode_leaf(slice(data, o, size), kind) {
            Ok(Value::Int(v)) => ints.push(v),
            Ok(Value::F64(x)) => floats.push(x),
            Ok(_) => {
                return Err(Error::data(format!(
                    "a blank (empty) number at offset {o:#x}: Arrow and Parquet columns here hold no missing values"
                ))
                .with_bytes(data, o));
            }
            Err(_) => return Err(leaf_error(data, kind, o, size)),
        }
        Ok(())
    })?;
    Ok(if float {
        Arc::new(PrimitiveArray::<Float64Type>::from_iter_values(floats))
    } else {
        Arc::new(PrimitiveArray::<Int64Type>::from_iter_values(ints))
    })
}

/// A bit-field column, in the type [`super::arrow_types::bits_type`] gives
/// (every value fits it: the type is as wide as the field).
fn bit_field(b: &BitLeaf, data: &[u8], leaf: LeafPos<'_>) -> Result<ArrayRef> {
    use arrow_schema::DataType as D;
    let size = b.container.kind.size();
    let mut values = Vec::with_capacity(leaf.len());
    leaf.each(|o, _| values.push(crate::map::bit_value(b, slice(data, o, size))));
    macro_rules! ints {
        ($t:ty, $native:ty) => {
            Arc::new(PrimitiveArray::<$t>::new(values.iter().map(|v| *v as $native).collect(), None))
        };
    }
    Ok(match super::arrow_types::bits_type(b) {
        D::Boolean => Arc::new(BooleanArray::from(values.iter().map(|v| *v != 0).collect::<Vec<_>>())),
        D::Int8 => ints!(Int8Type, i8),
        D::Int16 => ints!(Int16Type, i16),
        D::Int32 => ints!(Int32Type, i32),
        D::Int64 => ints!(Int64Type, i64),
        D::UInt8 => ints!(UInt8Type, u8),
        D::UInt16 => ints!(UInt16Type, u16),
        D::UInt32 => ints!(UInt32Type, u32),
        _ => ints!(UInt64Type, u64),
    })
}

/// The error `show` gives for the value of kind `kind` at `abs`.
fn leaf_error(data: &[u8], kind: &NodeKind, abs: u64, size: u64) -> Error {
    let node = Node { offset: 0, size, kind: kind.clone() };
    match leaf(data, View { node: &node, abs }) {
        Err(e) => e,
        Ok(_) => Error::data(format!("internal: the value at offset {abs:#x} decoded on a second try")),
    }
}

/// Strings or bytes, each exactly what `show` prints (trailing NULs of
/// `bytes[N]` and `utf8[N]` stripped, the NUL of a `cstr` left out, UCS-4
/// as UTF-8): Utf8 when `utf8` is `Some(true)`, else Binary.
fn bytes(data: &[u8], leaf: LeafPos<'_>, kind: &NodeKind, utf8: Option<bool>, what: &str) -> Result<ArrayRef> {
    let n = leaf.len();
    let mut offsets: Vec<i32> = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut values: Vec<u8> = Vec::new();
    leaf.try_each(|o, size| {
        match decode_leaf(slice(data, o, size), kind) {
            Ok(Value::Bytes(b) | Value::Void(b)) => values.extend_from_slice(b),
            Ok(Value::Text(t)) => values.extend_from_slice(t.as_bytes()),
            Ok(Value::Ebcdic(b)) => values.extend_from_slice(crate::text::ebcdic::decode(b).as_bytes()),
            Ok(Value::Utf16(b, e)) => values.extend_from_slice(crate::decode::utf16_string(b, e).as_bytes()),
            Ok(Value::Ucs4(b, e)) => {
                for c in b.chunks_exact(4).filter_map(|u| ucs4_char(u, e)) {
                    values.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
            _ => return Err(leaf_error(data, kind, o, size)),
        }
        offsets.push(i32::try_from(values.len()).map_err(|_| too_big(what))?);
        Ok(())
    })?;
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    let values = Buffer::from_vec(values);
    Ok(if utf8 == Some(true) {
        Arc::new(StringArray::try_new(offsets, values, None).map_err(internal)?)
    } else {
        Arc::new(BinaryArray::try_new(offsets, values, None).map_err(internal)?)
    })
}
