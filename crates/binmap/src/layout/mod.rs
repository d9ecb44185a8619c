//! The layout language: text to a checked [`Layout`].
//!
//! See SPEC §2 for the language. [`Layout::parse`] gives a layout whose
//! types, byte orders and named types are settled; sizes stay expressions
//! until the layout meets a file in [`crate::map`].

mod ast;
mod bits;
mod enums;
pub(crate) mod lex;
pub mod numpy;
mod parse;
pub mod print;
pub mod struct_format;

pub use ast::*;
pub use bits::{BitField, BitKind, BitLeaf, BitsType};
pub use enums::{EnumDef, Shown};
pub use parse::builtin_type;

/// A layout error pointing at `span` of `layout`'s text.
pub fn syntax_error_at(layout: &Layout, msg: &str, span: Span) -> Error {
    parse::syntax_error(&layout.source, &layout.origin, msg, span)
}

use std::sync::Arc;

use crate::error::Error;

/// A parsed layout.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The top-level struct: the whole file.
    pub root: Arc<StructType>,
    /// The layout text, for messages that quote a field.
    pub source: Arc<str>,
    /// Where the text came from (a path, or `<layout>`), for messages.
    pub origin: String,
}

impl Layout {
    /// Parse layout text.
    ///
    /// ```
    /// let l = binmap::Layout::parse("rows: i32\ncols: i32\ndata: f64[rows, cols]").unwrap();
    /// assert_eq!(l.root.items.len(), 3);
    /// let err = binmap::Layout::parse("rows: i33").unwrap_err();
    /// assert!(err.to_string().contains("unknown type 'i33'"));
    /// ```
    pub fn parse(text: &str) -> Result<Layout, Error> {
        parse::parse(text, "<layout>")
    }

    /// Parse layout text read from `origin` (named in errors).
    pub fn parse_named(text: &str, origin: &str) -> Result<Layout, Error> {
        parse::parse(text, origin)
    }

    /// The text of a span of this layout (a field's declaration).
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.start..span.end).unwrap_or("")
    }
}
