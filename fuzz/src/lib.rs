//! Fuzzing support for binmap: the code paths the targets drive
//! ([`harness`]) and the layout grammar of `map_and_show` ([`grammar`]).

pub mod grammar;
pub mod harness;
