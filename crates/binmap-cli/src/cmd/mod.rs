//! One module per command, each starting with its usage.

pub mod completions;
pub mod convert;
pub mod guess;
pub mod help;
pub mod hex;
pub mod info;
pub mod layout;
pub mod man;
pub mod pack;
pub mod plot;
pub mod pystruct;
pub mod select;
pub mod set;
pub mod show;
pub mod stats;
