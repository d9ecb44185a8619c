//! binmap: read, write, inspect and convert binary files described by a
//! small layout language.

pub mod text;
