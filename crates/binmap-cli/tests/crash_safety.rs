//! Crash-safe writes: `pack` and `convert` killed with SIGKILL at random
//! moments leave the destination either as it was, byte for byte, or
//! complete and new, never partial; the only possible leftover is a hidden
//! `.binmap-*.tmp` file. After a normal error and after success no
//! temporary file is left. `set` with one invalid value among many leaves
//! the file byte-identical.
//!
//! The kill delays are drawn from a seeded generator (printed; set
//! `BINMAP_CRASH_SEED` to replay a run).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A delay in `0..max`.
    fn delay(&mut self, max: Duration) -> Duration {
        let ns = max.as_nanos().max(1) as u64;
        Duration::from_nanos(self.next() % ns)
    }
}

fn seed() -> u64 {
    let s = std::env::var("BINMAP_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_b1aa);
    eprintln!("crash_safety seed: {s} (BINMAP_CRASH_SEED={s} to replay)");
    s
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().expect("run binmap")
}

/// Names in `dir` other than `keep`.
fn others(dir: &Path, keep: &[&Path]) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| !keep.contains(&p.as_path()))
        .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    v.sort();
    v
}

fn is_binmap_temp(name: &str) -> bool {
    name.starts_with(".binmap-") && name.ends_with(".tmp")
}

/// Run `args` (which write `dest`) once to time it, to see when its
/// temporary file appears, and to get the new file; then `kills` times with
/// SIGKILL after a random delay: half of them within the whole run, half
/// while the temporary file exists (the dangerous part).
/// Before each run `dest` is the old file or absent; after it, `dest` must
/// be exactly the old file (or still absent) or exactly the new one.
fn kill_at_random(args: &[&str], dir: &Path, inputs: &[&Path], dest: &Path, kills: usize, rng: &mut Rng) {
    const OLD: &[u8] = b"the old file: it must survive any crash byte for byte\n";
    std::fs::write(dest, OLD).expect("old");
    let mut keep: Vec<&Path> = inputs.to_vec();
    keep.push(dest);
    let t = Instant::now();
    let mut child = Command::new(BIN).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn");
    let (mut temp_at, mut temp_until) = (None, Duration::ZERO);
    while child.try_wait().expect("try_wait").is_none() {
        if others(dir, &keep).iter().any(|n| is_binmap_temp(n)) {
            temp_at.get_or_insert(t.elapsed());
            temp_until = t.elapsed();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let normal = t.elapsed();
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let temp_at = temp_at.unwrap_or(Duration::ZERO);
    // Until the rename, and a little after.
    let temp_span = (temp_until + Duration::from_millis(20)).saturating_sub(temp_at).min(normal);
    let new = std::fs::read(dest).expect("new file");
    assert_ne!(new, OLD);
    assert_eq!(others(dir, &keep), Vec::<String>::new(), "temporary files left after success");

    let (mut old_seen, mut new_seen, mut leftovers) = (0, 0, 0);
    for k in 0..kills {
        // Every other run starts without a destination at all.
        let had_old = k % 2 == 0;
        if had_old {
            std::fs::write(dest, OLD).expect("old");
        } else {
            let _ = std::fs::remove_file(dest);
        }
        let delay = if k % 4 < 2 { rng.delay(normal) } else { temp_at + rng.delay(temp_span) };
        let mut child =
            Command::new(BIN).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL"); // SIGKILL on Unix
        child.wait().expect("wait");
        match std::fs::read(dest) {
            Ok(b) if b == new => new_seen += 1,
            Ok(b) if had_old && b == OLD => old_seen += 1,
            Ok(b) => panic!(
                "{args:?} killed after {delay:?}: {} holds {} bytes, neither the old file nor the complete new one ({} bytes)",
                dest.display(),
                b.len(),
                new.len()
            ),
            Err(e) if !had_old && e.kind() == std::io::ErrorKind::NotFound => old_seen += 1,
            Err(e) => panic!("{args:?} killed after {delay:?}: {}: {e}", dest.display()),
        }
        // SIGKILL leaves at most the hidden temporary file behind; it is
        // never the destination's name. Clean it up as a user would.
        for name in others(dir, &keep) {
            assert!(is_binmap_temp(&name), "{args:?} killed after {delay:?} left {name}");
            std::fs::remove_file(dir.join(&name)).expect("remove leftover");
            leftovers += 1;
        }
    }
    eprintln!(
        "{args:?}: normal run {normal:?}, temporary file from {temp_at:?} to {temp_until:?}; {kills} kills: {old_seen} old, {new_seen} new, {leftovers} temporary files left by SIGKILL"
    );
}

#[test]
fn pack_killed_at_random_moments() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.json");
    // 1,000 records of 100,000 characters: a 100 MB output.
    let record = format!("{{\"a\": \"{}\"}}", "x".repeat(100_000));
    let json = format!("{{\"r\": [{}]}}", vec![record; 1000].join(", "));
    std::fs::write(&input, json).expect("json");
    let dest = dir.path().join("out.bin");
    let (i, d) = (input.display().to_string(), dest.display().to_string());
    let args = ["pack", &i, "-l", "r: {a: utf8[100000]}[..]", "-o", &d];
    kill_at_random(&args, dir.path(), &[&input], &dest, 10, &mut Rng(seed()));
    assert_eq!(std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(100_000_000), 100_000_000);
}

/// A binary file of `n` little-endian u64 values 0, 1, 2, ...
fn u64_file(path: &Path, n: u64) {
    let bytes: Vec<u8> = (0..n).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn convert_killed_at_random_moments() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.bin");
    u64_file(&input, 3_000_000); // 24 MB
    let i = input.display().to_string();
    let mut rng = Rng(seed() ^ 1);
    let npy = dir.path().join("out.npy");
    let d = npy.display().to_string();
    kill_at_random(&["convert", &i, "-l", "v: u64[..]", "-o", &d], dir.path(), &[&input], &npy, 5, &mut rng);
    std::fs::remove_file(&npy).expect("rm");
    let csv = dir.path().join("out.csv");
    let d = csv.display().to_string();
    let args = ["convert", &i, "-l", "v: u64[..]", "--rows", "..1000000", "-o", &d];
    kill_at_random(&args, dir.path(), &[&input], &csv, 5, &mut rng);
}

#[test]
fn replacing_keeps_the_destinations_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.bin");
    u64_file(&input, 10);
    let dest = dir.path().join("out.csv");
    std::fs::write(&dest, "old").expect("old");
    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let (i, d) = (input.display().to_string(), dest.display().to_string());
    let out = run(&["convert", &i, "-l", "v: u64[..]", "-o", &d]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::metadata(&dest).expect("meta").permissions().mode() & 0o777, 0o640);
}

/// Errors found while writing (after the temporary file exists) and before
/// it: the old destination stays, and no temporary file remains.
#[test]
fn no_temporary_file_after_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    // 2 MB of two-byte UTF-8 records whose very last one is invalid: the
    // error is found while the CSV is being written.
    let input = dir.path().join("in.bin");
    let mut bytes = b"ab".repeat(1_000_000);
    bytes.extend_from_slice(b"c\xff");
    std::fs::write(&input, bytes).expect("write");
    let json = dir.path().join("in.json");
    std::fs::write(&json, r#"{"r": [{"a": 1}, {"a": 2}, {"a": 300}]}"#).expect("json");
    let i = input.display().to_string();
    let j = json.display().to_string();
    let old = b"old contents\n";
    for (dest, args) in [
        ("out.csv", vec!["convert", &i, "-l", "r: {a: utf8[2]}[..]"]),
        ("out.jsonl", vec!["show", &i, "-l", "r: {a: utf8[2]}[..]", "--format", "jsonl"]),
        ("out.bin", vec!["pack", &j, "-l", "r: {a: u8}[..]"]),
        ("new.bin", vec!["pack", &j, "-l", "r: {a: u8}[..]"]),
    ] {
        let d = dir.path().join(dest);
        let exists = dest != "new.bin";
        if exists {
            std::fs::write(&d, old).expect("old");
        }
        let ds = d.display().to_string();
        let mut args = args.clone();
        args.extend(["-o", &ds]);
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("invalid UTF-8") || err.contains("300 is out of range for u8"), "{err}");
        if exists {
            assert_eq!(std::fs::read(&d).expect("read"), old, "{args:?}");
        } else {
            assert!(!d.exists(), "{args:?} created {dest}");
        }
        let names = others(dir.path(), &[]);
        assert!(!names.iter().any(|n| n.starts_with(".binmap-")), "{args:?} left {names:?}");
    }
}

/// `-o` naming a device or FIFO writes to it: it is not replaced by a
/// regular file (which, for `/dev/null`, would break the system).
#[test]
fn output_to_a_fifo_is_written_not_replaced() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("in.bin");
    u64_file(&input, 3);
    let fifo = dir.path().join("fifo");
    let st = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(st.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    let (i, f) = (input.display().to_string(), fifo.display().to_string());
    let out = run(&["show", &i, "-l", "v: u64[..]", "--format", "csv", "-o", &f]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(reader.join().expect("reader"), b"v\n0\n1\n2\n");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).expect("meta").file_type().is_fifo());
    assert_eq!(others(dir.path(), &[]), ["fifo", "in.bin"]);
}

/// `set` with 500 valid assignments and an invalid last one, on a 32 MB
/// file: nothing changes (mapped and `--no-mmap`). Without the bad one,
/// exactly those values change, the same way on both paths.
#[test]
fn set_with_one_bad_value_among_many_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let path: PathBuf = dir.path().join("big.bin");
    let n = 4_000_000u64;
    u64_file(&path, n);
    let before = std::fs::read(&path).expect("read");
    let p = path.display().to_string();
    let layout = "v: u64[..]";
    let mut assigns: Vec<String> = (0..500u64).map(|k| format!("v[{}]={}", k * 7919 % n, 1_000_000_000 + k)).collect();
    for bad in ["v[3]=-1", "v[5]=18446744073709551616", "v[4000000]=1", "v[2]=x"] {
        for no_mmap in [false, true] {
            let mut args = vec!["set", &p, "-l", layout];
            if no_mmap {
                args.push("--no-mmap");
            }
            args.extend(assigns.iter().map(String::as_str));
            args.push(bad);
            let out = run(&args);
            assert!(matches!(out.status.code(), Some(1 | 2)), "{bad}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(std::fs::read(&path).expect("read") == before, "{bad} (no_mmap: {no_mmap}) changed the file");
        }
    }
    assigns.push("v[3999999]=7".to_string());
    let mut results = Vec::new();
    for no_mmap in [false, true] {
        std::fs::write(&path, &before).expect("reset");
        let mut args = vec!["set", &p, "-l", layout];
        if no_mmap {
            args.push("--no-mmap");
        }
        args.extend(assigns.iter().map(String::as_str));
        let out = run(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        results.push(std::fs::read(&path).expect("read"));
    }
    assert!(results[0] == results[1], "set and set --no-mmap differ");
    let mut want = before;
    for a in &assigns {
        let (i, v) = a.trim_start_matches("v[").split_once("]=").expect("assignment");
        let (i, v): (usize, u64) = (i.parse().expect("i"), v.parse().expect("v"));
        want[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    assert!(results[0] == want, "set wrote other bytes than asked");
}
