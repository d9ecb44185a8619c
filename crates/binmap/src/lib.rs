//! binmap: read, write, inspect and convert binary files described by a
//! small layout language.

pub mod decode;
pub mod encode;
pub mod error;
pub mod info;
pub mod layout;
pub mod map;
pub mod pack;
pub mod select;
pub mod set;
pub mod sink;
pub mod source;
pub mod text;
pub mod write;

pub use error::{Error, ErrorKind, Result};
pub use layout::Layout;
pub use map::Map;
pub use source::{Mode, Source};
