//! One module per command, each starting with its usage.

pub mod info;
pub mod pack;
pub mod set;
pub mod show;
