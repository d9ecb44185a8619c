//! Records given as lists: `[x, y, z]` for `{x, y, z}`, the values of the
//! record's named fields in the layout's order (numpy's `tolist()` of a
//! structured array, Python tuples, CSV-like JSON). A list of another
//! length is an error naming the fields; a record with `if` blocks, whose
//! fields depend on the data, is given as an object.

use crate::error::{Error, Result};
use crate::layout::{Item, StructType};
use crate::text::json_read::Doc;

/// The object of `st`'s fields that `list` gives in order.
pub(super) fn as_object(st: &StructType, list: &[Doc]) -> Result<Vec<(String, Doc)>> {
    if st.items.iter().any(|it| matches!(it, Item::If { .. })) {
        return Err(Error::input(
            "this record has `if` blocks (its fields depend on the data): give it as an object of its fields, not a list",
        ));
    }
    // The record's named fields, in order (`_` padding has no value).
    let names: Vec<&str> = st
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Field(f) => f.name.as_deref(),
            _ => None,
        })
        .collect();
    if names.len() != list.len() {
        return Err(length_error(&names, list.len()));
    }
    Ok(names.into_iter().map(str::to_string).zip(list.iter().cloned()).collect())
}

/// A record of the fields `names` given as a list of `got` values.
pub(crate) fn length_error(names: &[&str], got: usize) -> Error {
    let fields = if names.len() == 1 { "field" } else { "fields" };
    Error::input(format!(
        "a list of {got} values for a record of {} {fields} ({}): give one value per field, in this order",
        names.len(),
        names.join(", ")
    ))
}
