//! Byte copies are copies (issue 15): a `.npy` → `.npy` conversion and
//! `select -f bin` of a row range copy ranges of the input file into the
//! output file (`copy_file_range`, see `src/copyout.rs`); the output must
//! be the same bytes as the input's range, through a file, through stdout
//! redirected into a file, with `--no-mmap` (no map: plain writes), and
//! without the `fsync` (`BINMAP_BENCH_NO_FSYNC=1`, for benchmarks).

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

fn run(args: &[&str], env: &[(&str, &str)]) {
    let o = Command::new(BIN).args(args).envs(env.iter().copied()).output().expect("run binmap");
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// A `.npy` of `n` little-endian u32 (np.save's header, 128 bytes).
fn npy(n: u32) -> Vec<u8> {
    let dict = format!("{{'descr': '<u4', 'fortran_order': False, 'shape': ({n},), }}");
    let mut head = dict.into_bytes();
    while (10 + head.len() + 1) % 64 != 0 {
        head.push(b' ');
    }
    head.push(b'\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((head.len() as u16).to_le_bytes());
    out.extend(head);
    for i in 0..n {
        out.extend(i.wrapping_mul(2_654_435_761).to_le_bytes());
    }
    out
}

#[test]
fn npy_to_npy_is_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.npy");
    // 12 MB: several 8 MiB pieces, the last one short.
    let data = npy(3_000_000);
    std::fs::write(&input, &data).expect("write");
    let i = input.to_str().expect("path");
    for (k, (flags, env)) in
        [(vec![], vec![]), (vec!["--no-mmap"], vec![]), (vec![], vec![("BINMAP_BENCH_NO_FSYNC", "1")])]
            .into_iter()
            .enumerate()
    {
        let out = dir.path().join(format!("out{k}.npy"));
        let mut args = vec!["convert", i, "-o", out.to_str().expect("path")];
        args.extend(flags);
        run(&args, &env);
        assert!(std::fs::read(&out).expect("read") == data, "case {k}: not the same bytes");
    }
    // Part of it (`--rows`): the header says so and the data are the range.
    let out = dir.path().join("part.npy");
    run(&["convert", i, "--rows", "100000..2100000", "-o", out.to_str().expect("path")], &[]);
    let got = std::fs::read(&out).expect("read");
    assert!(String::from_utf8_lossy(&got[..128]).contains("'shape': (2000000,)"));
    assert!(got[128..] == data[128 + 400_000..128 + 8_400_000], "the rows' bytes");
    // To stdout redirected into a file.
    let out = dir.path().join("stdout.npy");
    let f = std::fs::File::create(&out).expect("create");
    let o = Command::new(BIN).args(["convert", i, "-o", "-", "--to", "npy"]).stdout(Stdio::from(f)).output();
    assert!(o.expect("run").status.success());
    assert!(std::fs::read(&out).expect("read") == data, "stdout: not the same bytes");
}

#[test]
fn select_bin_of_a_row_range_is_the_range() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.bin");
    // A count, 1 M records of 12 bytes, a trailer.
    let n = 1_000_000u32;
    let mut data = n.to_le_bytes().to_vec();
    for i in 0..n {
        data.extend(i.to_le_bytes());
        data.extend((f64::from(i) * 0.5).to_le_bytes());
    }
    data.extend(b"END!");
    std::fs::write(&input, &data).expect("write");
    let layout = "n: u32\nr: { id: u32, v: f64 }[n]\nend: bytes[4]";
    let i = input.to_str().expect("path");
    for (rows, cond, from, to) in [
        ("1000..900000", None, 1000u32, 900_000u32),
        ("..", None, 0, n),
        // Matching rows in one run: copied as one range too.
        ("..", Some("id >= 500000"), 500_000, n),
    ] {
        let out = dir.path().join("out.bin");
        let o = out.to_str().expect("path");
        let mut args = vec!["select", i, "-l", layout, "--rows", rows, "-f", "bin", "-o", o];
        if let Some(c) = cond {
            args.extend(["-w", c]);
        }
        run(&args, &[]);
        let mut want = (to - from).to_le_bytes().to_vec();
        want.extend(&data[4 + 12 * from as usize..4 + 12 * to as usize]);
        want.extend(b"END!");
        assert!(std::fs::read(&out).expect("read") == want, "{rows} {cond:?}: not the range's bytes");
    }
}
