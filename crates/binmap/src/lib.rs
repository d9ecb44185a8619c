//! binmap: read, write, inspect and convert binary files described by a
//! small layout language.

pub mod error;
pub mod layout;
pub mod text;

pub use error::{Error, ErrorKind, Result};
pub use layout::Layout;
