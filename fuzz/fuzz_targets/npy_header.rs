#![no_main]
//! `npy_header`: see `binmap_fuzz::harness::npy_header` (fuzz/src/harness.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| binmap_fuzz::harness::npy_header(data));
