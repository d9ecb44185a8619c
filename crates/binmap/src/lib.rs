//! binmap: read, write, inspect and convert binary files described by a
//! small layout language.

pub mod decode;
pub mod error;
pub mod layout;
pub mod map;
pub mod source;
pub mod text;

pub use error::{Error, ErrorKind, Result};
pub use layout::Layout;
pub use map::Map;
pub use source::{Mode, Source};
