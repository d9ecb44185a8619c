//! Golden fixtures: `show` and `pack` against numpy/struct-generated cases.
//!
//! The cases live in `tests/fixtures/cases/` and are written by
//! `tests/fixtures/make.py` (numpy and Python's `struct` write the data; an
//! independent Python serializer writes the expected text). For every
//! `NAME.bml` there:
//!
//! - `binmap show NAME.bin -l NAME.bml --format json` must print `NAME.json`
//!   byte for byte (and `--format jsonl` / `--format csv` must print
//!   `NAME.jsonl` / `NAME.csv` when those exist; each line `PATH<TAB>JSON` of
//!   `NAME.paths` must be what `show NAME.bin -l NAME.bml PATH --format json`
//!   prints);
//! - `binmap pack -l NAME.bml NAME.json -o OUT` must write exactly `NAME.bin`
//!   (and so must packing `NAME.csv`, unless `NAME.nocsvpack` exists).
//!
//! All cases run; the test fails at the end with every mismatch, each naming
//! the case, the check and the first differing byte. Regenerate the cases
//! with `python3 crates/binmap-cli/tests/fixtures/make.py`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases")
}

fn binmap() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_binmap"))
}

fn first_diff(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or_else(|| a.len().min(b.len()))
}

/// A short, readable window of `bytes` around `at`.
fn window(bytes: &[u8], at: usize) -> String {
    let lo = at.saturating_sub(40);
    let hi = (at + 60).min(bytes.len());
    format!("{:?}", String::from_utf8_lossy(&bytes[lo.min(hi)..hi]))
}

struct Checker {
    failures: Vec<String>,
    checks: usize,
}

impl Checker {
    /// Run binmap; on success return stdout, else record the failure.
    fn run(&mut self, case: &str, what: &str, args: &[&str]) -> Option<Vec<u8>> {
        self.checks += 1;
        let out = binmap().args(args).output().expect("failed to run binmap");
        if !out.status.success() {
            self.failures.push(format!(
                "{case}: {what}: exit {:?}\n    $ binmap {}\n    {}",
                out.status.code(),
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            return None;
        }
        Some(out.stdout)
    }

    fn compare(&mut self, case: &str, what: &str, got: &[u8], want: &[u8]) {
        if got != want {
            let at = first_diff(got, want);
            self.failures.push(format!(
                "{case}: {what}: output differs at byte {at} (got {} bytes, expected {})\n    got      {}\n    expected {}",
                got.len(),
                want.len(),
                window(got, at),
                window(want, at)
            ));
        }
    }

    fn show(&mut self, case: &str, dir: &Path, extra: &[&str], want: &[u8], what: &str) {
        let bin = dir.join(format!("{case}.bin"));
        let bml = dir.join(format!("{case}.bml"));
        let mut args = vec!["show", bin.to_str().unwrap(), "-l", bml.to_str().unwrap()];
        args.extend_from_slice(extra);
        if let Some(got) = self.run(case, what, &args) {
            self.compare(case, what, &got, want);
        }
    }

    fn pack(&mut self, case: &str, dir: &Path, input: &Path, tmp: &Path, what: &str) {
        let bml = dir.join(format!("{case}.bml"));
        let out = tmp.join(format!("{case}.{what}.out"));
        let mut args = vec!["pack", "-l", bml.to_str().unwrap(), input.to_str().unwrap(), "-o", out.to_str().unwrap()];
        // A layout with holes (bytes between placed fields that no field
        // describes) is refused, naming them; `--onto` the original keeps them.
        let bin = dir.join(format!("{case}.bin"));
        let plain = binmap().args(&args).output().expect("failed to run binmap");
        if !plain.status.success() && String::from_utf8_lossy(&plain.stderr).contains("the layout does not describe") {
            args.extend(["--onto", bin.to_str().unwrap()]);
        }
        if self.run(case, what, &args).is_some() {
            let want = fs::read(dir.join(format!("{case}.bin"))).unwrap();
            match fs::read(&out) {
                Ok(got) if got == want => {}
                Ok(got) => {
                    let at = first_diff(&got, &want);
                    let hex = |b: &[u8]| {
                        b[at.min(b.len())..(at + 16).min(b.len())].iter().fold(String::new(), |mut s, x| {
                            let _ = write!(s, "{x:02x}");
                            s
                        })
                    };
                    self.failures.push(format!(
                        "{case}: {what}: bytes differ at offset {at} (got {} bytes, expected {})\n    got      {}\n    expected {}",
                        got.len(),
                        want.len(),
                        hex(&got),
                        hex(&want)
                    ));
                }
                Err(e) => self.failures.push(format!("{case}: {what}: no output file: {e}")),
            }
        }
    }
}

#[test]
fn fixtures_show_and_pack() {
    let dir = cases_dir();
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "bml").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture cases in {}: run tests/fixtures/make.py", dir.display());

    let tmp = tempfile::tempdir().unwrap();
    let mut c = Checker { failures: Vec::new(), checks: 0 };
    for name in &names {
        let json = dir.join(format!("{name}.json"));
        let want = fs::read(&json).unwrap_or_else(|e| panic!("{name}: missing {}: {e}", json.display()));
        assert!(dir.join(format!("{name}.bin")).exists(), "{name}: missing .bin");
        c.show(name, &dir, &["--format", "json"], &want, "show --format json");

        for (ext, fmt) in [("jsonl", "jsonl"), ("csv", "csv")] {
            if let Ok(want) = fs::read(dir.join(format!("{name}.{ext}"))) {
                c.show(name, &dir, &["--format", fmt], &want, &format!("show --format {fmt}"));
            }
        }
        if let Ok(paths) = fs::read_to_string(dir.join(format!("{name}.paths"))) {
            for line in paths.lines().filter(|l| !l.is_empty()) {
                let (path, json) = line.split_once('\t').expect("PATH<TAB>JSON");
                let want = format!("{json}\n");
                c.show(name, &dir, &[path, "--format", "json"], want.as_bytes(), &format!("show {path} --format json"));
            }
        }

        c.pack(name, &dir, &json, tmp.path(), "pack-json");
        let csv = dir.join(format!("{name}.csv"));
        if csv.exists() && !dir.join(format!("{name}.nocsvpack")).exists() {
            c.pack(name, &dir, &csv, tmp.path(), "pack-csv");
        }
    }

    if !c.failures.is_empty() {
        panic!(
            "{} of {} fixture checks failed ({} cases):\n\n{}\n",
            c.failures.len(),
            c.checks,
            names.len(),
            c.failures.join("\n\n")
        );
    }
    eprintln!("{} fixture checks passed over {} cases", c.checks, names.len());
}
