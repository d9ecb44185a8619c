//! Text in and out: number formatting and parsing exactly as numpy and
//! Python print and read them, and a JSON reader that keeps number text so
//! every value is rounded once, straight to its field's own precision.

pub mod ascii_num;
pub mod csv_in;
pub mod datetime;
pub mod ebcdic;
pub mod escape;
pub mod json_read;
pub mod number;
pub mod wide;
