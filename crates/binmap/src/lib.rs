//! binmap: read, write, inspect and convert binary files described by a
//! small layout language.
//!
//! One pipeline, five nouns:
//!
//! ```text
//! layout text ──parse──▶ Layout ──resolve against bytes──▶ Map ──select paths──▶ views ──▶ sinks
//!  (.bml)               (types, byte orders,            (every field's         (select)      (JSON, CSV,
//!                        sizes as expressions)            offset and shape)                    tables)
//! ```
//!
//! [`Layout`] is the parsed text ([`layout`]); [`Source`] holds a file's bytes
//! (a memory map in numpy's modes, or a buffer); [`Map`] is a layout resolved
//! against those bytes with every check done ([`map`]); [`select`] turns
//! paths like `records.value` into views; [`sink`] formats views as JSON,
//! CSV or tables; [`column`] reads a numeric field as a strided typed view;
//! [`pack`], [`set`] and [`encode`] go the other way. The library knows
//! nothing of terminals or process exits: the `binmap` command is a thin
//! layer over it.
//!
//! ## Layers
//!
//! Each module calls only modules of its own or a lower layer; there is no
//! import circle (`tests/layers.rs` reads the sources and fails on one):
//!
//! | layer | modules |
//! |---|---|
//! | 0. foundations | `error`, `text` (number and string formatting, JSON escaping), `suggest`, `progress` |
//! | 1. the language and the bytes | `layout` (incl. Python `struct` formats, [`layout::struct_format`]), `source`, `ibm`, `f80` |
//! | 2. values | `decode` (a scalar or text from bytes), `npy`, `pystruct` |
//! | 3. the map | `map` (offsets, shapes, checks, and [`map::decode_leaf`]: a leaf's value) |
//! | 4. navigation | `select` (paths to views), `coverage`, `encode` |
//! | 5. readers and writers | `sink`, `column`, `convert`, `info`, `pack`, `pack_stream`, `set` |
//! | 6. queries and exports | `query`, `export`, `hex`, `guess`; then `stats`, `extract`, `pyapi` |
//!
//! ```
//! use binmap::{Layout, Map};
//! use binmap::column::Column;
//!
//! // The numpy tutorial's data.bin: a rows x cols header, then float64 data.
//! let layout = Layout::parse("rows: i32\ncols: i32\ndata: f64[rows, cols]").unwrap();
//! let mut bytes = Vec::new();
//! bytes.extend(2i32.to_le_bytes());
//! bytes.extend(3i32.to_le_bytes());
//! for v in 0..6 {
//!     bytes.extend(f64::from(v).to_le_bytes());
//! }
//! let map = Map::new(&layout, &bytes, "data.bin").unwrap();
//!
//! // As JSON, exactly what `binmap show --format json` prints.
//! let sel = binmap::select::select(&map, &[]).unwrap();
//! let mut out = Vec::new();
//! binmap::sink::json::JsonWriter::new(map.data(), &mut out).document(&sel, &[]).unwrap();
//! assert_eq!(out, b"{\"rows\":2,\"cols\":3,\"data\":[[0.0,1.0,2.0],[3.0,4.0,5.0]]}\n");
//!
//! // As a typed column.
//! let data: Column<f64> = Column::new(&map, "data", None).unwrap();
//! assert_eq!(data.to_vec(), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
//!
//! // A header that lies is an error, not garbage.
//! let err = Map::new(&layout, &bytes[..20], "short.bin").unwrap_err();
//! assert!(err.to_string().starts_with("layout needs 56 bytes but short.bin has 20"));
//! ```

pub mod column;
pub mod convert;
pub mod coverage;
pub mod decode;
pub mod encode;
pub mod error;
pub mod export;
pub mod extract;
pub mod f80;
pub mod guess;
pub mod hex;
pub mod ibm;
pub mod info;
pub mod layout;
pub mod map;
pub mod npy;
mod operand;
pub mod pack;
pub mod pack_stream;
pub mod progress;
pub mod pyapi;
pub mod pystruct;
pub mod query;
pub mod select;
pub mod set;
pub mod sink;
pub mod source;
pub mod stats;
pub mod suggest;
pub mod text;
pub mod unnamed;
pub mod write;

pub use error::{Error, ErrorKind, Result};
pub use layout::Layout;
pub use map::Map;
pub use source::{Mode, Source};
