#![no_main]
//! `dtype_struct`: see `binmap_fuzz::harness::dtype_struct` (fuzz/src/harness.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| binmap_fuzz::harness::dtype_struct(data));
