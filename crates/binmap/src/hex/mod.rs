//! Hex dumps: byte-for-byte `xxd` (and `xxd -r`), and the annotated dump
//! that colours every byte by the layout field it belongs to.

pub mod annotate;
pub mod xxd;
