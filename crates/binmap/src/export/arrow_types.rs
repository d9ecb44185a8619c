//! The Arrow type of each [`Plan`]: the type mapping of the module docs
//! ([`crate::export`]) in one place.
//!
//! Every field is non-nullable: binmap values are never missing. List
//! items are called `item`, as Arrow (and pyarrow) name them.

use std::sync::Arc;

use arrow_schema::{DataType, Field, FieldRef, Fields, Schema};

use super::plan::Plan;
use crate::error::{Error, Result};
use crate::layout::{Scalar, ScalarKind};

/// The Arrow type of values of `plan`; `what` names the column in errors.
pub(crate) fn data_type(plan: &Plan, what: &str) -> Result<DataType> {
    Ok(match plan {
        Plan::Unknown => {
            return Err(Error::usage(format!(
                "{what}: every one of these arrays is empty, so the type of their items is unknown"
            )));
        }
        Plan::Num(s) => scalar_type(*s),
        Plan::TextNum { float: false, .. } => DataType::Int64,
        Plan::TextNum { float: true, .. } => DataType::Float64,
        Plan::Bits(b) => bits_type(b),
        Plan::Str { utf8: true, .. } => DataType::Utf8,
        Plan::Str { utf8: false, .. } => DataType::Binary,
        Plan::Void { size: Some(n) } if (1..=i32::MAX as u64).contains(n) => DataType::FixedSizeBinary(*n as i32),
        Plan::Void { .. } => DataType::Binary,
        Plan::Struct(fields) => DataType::Struct(struct_fields(fields, what)?),
        Plan::List { len, item } => {
            let item = item_field(data_type(item, what)?);
            match len {
                Some(n) => {
                    let n = i32::try_from(*n).map_err(|_| {
                        Error::usage(format!("{what}: a sub-array of {n} elements is too long for an Arrow list"))
                    })?;
                    DataType::FixedSizeList(item, n)
                }
                None => DataType::List(item),
            }
        }
    })
}

/// The fields of a struct plan (also the columns of a table).
pub(crate) fn struct_fields(fields: &[(Arc<str>, Plan)], what: &str) -> Result<Fields> {
    let mut out = Vec::with_capacity(fields.len());
    for (name, plan) in fields {
        let path = if what.is_empty() { name.to_string() } else { format!("{what}.{name}") };
        out.push(Field::new(name.as_ref(), data_type(plan, &path)?, false));
    }
    Ok(Fields::from(out))
}

/// The schema of a table whose columns are `columns`.
pub(crate) fn schema(columns: &[(Arc<str>, Plan)]) -> Result<Arc<Schema>> {
    Ok(Arc::new(Schema::new(struct_fields(columns, "")?)))
}

/// The field of list items.
pub(crate) fn item_field(t: DataType) -> FieldRef {
    Arc::new(Field::new("item", t, false))
}

/// Numbers: integers as they are (24- to 56-bit ones widened to 32 or 64
/// bits); f16 as Float16; bf16 widened (exactly) to Float32; ibm32 as
/// Float64 (exactly); complex as a struct of two floats.
pub(crate) fn scalar_type(s: Scalar) -> DataType {
    use ScalarKind::*;
    match s.kind {
        I8 => DataType::Int8,
        I16 => DataType::Int16,
        I32 => DataType::Int32,
        I64 => DataType::Int64,
        U8 => DataType::UInt8,
        U16 => DataType::UInt16,
        U32 => DataType::UInt32,
        U64 => DataType::UInt64,
        F16 => DataType::Float16,
        BF16 | F32 => DataType::Float32,
        F64 => DataType::Float64,
        Bool => DataType::Boolean,
        C64 => DataType::Struct(complex_fields(DataType::Float32)),
        C128 => DataType::Struct(complex_fields(DataType::Float64)),
        // Widened, exactly, to the next Arrow integer.
        I24 => DataType::Int32,
        U24 => DataType::UInt32,
        I40 | I48 | I56 => DataType::Int64,
        U40 | U48 | U56 => DataType::UInt64,
        // Exact: 24 significant bits and exponents within float64's range.
        // (ibm64 is refused by the plan: float64 cannot hold it.)
        Ibm32 | Ibm64 => DataType::Float64,
        DateTime(u) => match arrow_unit(u) {
            Some(unit) => DataType::Timestamp(unit, None),
            None => DataType::Int64,
        },
        TimeDelta(u) => match arrow_unit(u) {
            Some(unit) => DataType::Duration(unit),
            None => DataType::Int64,
        },
        // Refused by the plan: float64 cannot hold them.
        F80 | LongDouble => DataType::Float64,
    }
}

/// Arrow's time unit for numpy's (`s`, `ms`, `us`, `ns`; the plan refuses the others).
pub(crate) fn arrow_unit(u: crate::text::datetime::TimeUnit) -> Option<arrow_schema::TimeUnit> {
    use crate::text::datetime::TimeUnit as U;
    Some(match u {
        U::S => arrow_schema::TimeUnit::Second,
        U::Ms => arrow_schema::TimeUnit::Millisecond,
        U::Us => arrow_schema::TimeUnit::Microsecond,
        U::Ns => arrow_schema::TimeUnit::Nanosecond,
        _ => return None,
    })
}

/// `{real, imag}`, the fields of a complex number (as `show` prints it).
pub(crate) fn complex_fields(t: DataType) -> Fields {
    Fields::from(vec![Field::new("real", t.clone(), false), Field::new("imag", t, false)])
}

/// A bit field's Arrow type: `bool` for a one-bit `bool`, else the
/// narrowest integer of its width (`UInt8` for 3 bits, `Int16` for `i12`).
pub(crate) fn bits_type(b: &crate::layout::BitLeaf) -> DataType {
    use crate::layout::BitKind;
    let signed = b.kind == BitKind::Signed;
    match (&b.kind, b.width) {
        (BitKind::Bool, _) => DataType::Boolean,
        (_, 0..=8) if signed => DataType::Int8,
        (_, 9..=16) if signed => DataType::Int16,
        (_, 17..=32) if signed => DataType::Int32,
        _ if signed => DataType::Int64,
        (_, 0..=8) => DataType::UInt8,
        (_, 9..=16) => DataType::UInt16,
        (_, 17..=32) => DataType::UInt32,
        _ => DataType::UInt64,
    }
}
