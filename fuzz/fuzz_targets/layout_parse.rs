#![no_main]
//! `layout_parse`: see `binmap_fuzz::harness::layout_parse` (fuzz/src/harness.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| binmap_fuzz::harness::layout_parse(data));
