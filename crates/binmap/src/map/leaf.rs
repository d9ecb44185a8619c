//! A leaf node's value from its bytes: the one decoder of scalars, enums,
//! bit fields and text that every reader (sinks, exports, the map's own
//! expressions) goes through. May call `decode` and `layout`, nothing above.

use super::NodeKind;
use crate::decode::{DecodeError, Value, decode_scalar, decode_text};
use crate::layout::BitKind;

/// Decode a leaf from exactly its bytes (`b.len()` is the node's size).
#[inline]
pub fn decode_leaf<'a>(b: &'a [u8], kind: &'a NodeKind) -> Result<Value<'a>, DecodeError> {
    match kind {
        NodeKind::Scalar(s) => decode_scalar(b, *s),
        NodeKind::Enum(s, def) => Ok(Value::Enum(int_bits(decode_scalar(b, *s)?), def)),
        NodeKind::Bits(leaf) => {
            let v = leaf.extract(int_bits(decode_scalar(b, leaf.container)?) as u64);
            Ok(match &leaf.kind {
                BitKind::Bool => Value::Bool(v != 0),
                BitKind::Signed => Value::Int(v as i64),
                BitKind::Unsigned => Value::UInt(v as u64),
                BitKind::Enum(def) => Value::Enum(v as i64, def),
            })
        }
        NodeKind::Cstr => Ok(Value::Bytes(b.split_last().map_or(b, |(_, rest)| rest))),
        NodeKind::Text(k, end) => decode_text(b, *k, *end),
        NodeKind::Char | NodeKind::Struct(_) | NodeKind::Array(_) => Ok(Value::Bytes(b)),
    }
}

/// The 64 bits of an integer value (a `u64` above `i64::MAX` wraps).
fn int_bits(v: Value<'_>) -> i64 {
    match v {
        Value::Int(i) => i,
        Value::UInt(u) => u as i64,
        _ => 0,
    }
}

/// True for nodes that hold one value.
pub fn is_leaf(kind: &NodeKind) -> bool {
    !matches!(kind, NodeKind::Struct(_) | NodeKind::Array(_))
}
