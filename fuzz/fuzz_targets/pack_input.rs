#![no_main]
//! `pack_input`: see `binmap_fuzz::harness::pack_input` (fuzz/src/harness.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| binmap_fuzz::harness::pack_input(data));
