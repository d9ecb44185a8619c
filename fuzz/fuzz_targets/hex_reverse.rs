#![no_main]
//! `hex_reverse`: see `binmap_fuzz::harness::hex_reverse` (fuzz/src/harness.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| binmap_fuzz::harness::hex_reverse(data));
