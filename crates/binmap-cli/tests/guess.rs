//! `binmap guess` (issue 17): the tutorials' files give their hand-written
//! layouts; a generated corpus is recovered (the shares are printed and
//! held to the targets); several files give `==` checks; hostile
//! inputs (empty, tiny, random, constant, huge sparse, broken `.npy`) give
//! a draft or a clear error, never a panic or a hang.
//!
//! The corpus generator is `tests/guess/corpus.rs` (what it covers is in
//! its docs and the README); `tests/guess/leaves.rs` decodes every value of
//! a layout for the comparisons.

mod common;
#[path = "guess/corpus.rs"]
mod corpus;
#[path = "guess/leaves.rs"]
mod leaves;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use binmap::guess::{Confidence, Input, guess};
use common::EXAMPLES;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn binmap() -> Command {
    let mut c = Command::cargo_bin("binmap").expect("binary");
    c.current_dir(root()).timeout(Duration::from_secs(60));
    c
}

/// `binmap guess ARGS`: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = binmap().arg("guess").args(args).output().expect("run");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// Offsets, sizes and types (with byte order) of every value.
fn shape(leaves: &[leaves::Leaf]) -> Vec<(u64, u64, leaves::Ty)> {
    leaves.iter().map(|l| (l.offset, l.size, l.ty)).collect()
}

#[test]
fn tutorials_give_the_hand_written_layouts() {
    for (layout, file) in EXAMPLES {
        let path = root().join("examples").join(file);
        let data = std::fs::read(&path).expect("example");
        let truth = std::fs::read_to_string(root().join("examples").join(format!("{layout}.bml"))).expect("bml");
        let (code, out, err) = run(&[&format!("examples/{file}")]);
        assert_eq!(code, 0, "{file}: {err}");
        let want = leaves::leaves(&truth, &data).expect("the hand-written layout maps");
        let got = leaves::leaves(&out, &data).unwrap_or_else(|e| panic!("{file}: the guess does not map: {e}\n{out}"));
        assert_eq!(shape(&got), shape(&want), "{file}: the guess differs from {layout}.bml:\n{out}");
        assert!(leaves::recovers(&want, &got), "{file}: values differ");
        assert!(
            out.lines().filter(|l| l.contains(": ")).all(|l| l.contains('#')),
            "{file}: a field without a why:\n{out}"
        );
    }
}

#[test]
fn readme_shows_the_real_flight_log_guess() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let (code, out, _) = run(&["examples/flight_log.b"]);
    assert_eq!(code, 0);
    let block = format!("$ binmap guess examples/flight_log.b\n{out}");
    assert!(readme.contains(&block), "README's flight-log section should show:\n{block}");
}

/// Files in the corpus; the issue asks for at least 200.
const CORPUS: u64 = 240;

#[test]
fn corpus_is_recovered() {
    let started = Instant::now();
    let (mut exact, mut stride, mut confident) = (0u64, 0u64, 0u64);
    let mut misses = Vec::new();
    for i in 0..CORPUS {
        let s = corpus::sample(17, i);
        let truth = leaves::leaves(&s.layout, &s.bytes).unwrap_or_else(|e| panic!("{}: {e}\n{}", s.name, s.layout));
        if let Some(dir) = std::env::var_os("GUESS_DUMP") {
            let dir = Path::new(&dir);
            std::fs::write(dir.join(&s.name), &s.bytes).expect("dump");
            std::fs::write(dir.join(format!("{}.bml", s.name)), &s.layout).expect("dump");
        }
        let g = guess(&[Input { name: &s.name, data: &s.bytes }]).expect("guess");
        let text = g.layout();
        let got = leaves::leaves(&text, &s.bytes).unwrap_or_else(|e| panic!("{}: the guess does not map: {e}", s.name));
        let ok = leaves::recovers(&truth, &got);
        let same_stride = leaves::main_stride(&s.layout, &s.bytes) == leaves::main_stride(&text, &s.bytes);
        exact += u64::from(ok);
        stride += u64::from(same_stride);
        confident += u64::from(g.confidence() == Confidence::Confident);
        if !ok || !same_stride {
            let body = leaves::main_array(&s.layout, &s.bytes).map_or(0, |a| a.0);
            let place = match leaves::first_miss(&truth, &got) {
                Some(l) if l.offset < body => format!("; first miss in the header at {}", l.offset),
                Some(l) => format!("; first miss in the records at {}", l.offset),
                None => String::new(),
            };
            let code: Vec<&str> =
                text.lines().map(|l| l.split('#').next().unwrap_or("").trim_end()).filter(|l| !l.is_empty()).collect();
            misses.push(format!(
                "--- {} ({} bytes){}{place}\ntruth:\n{}guess:\n{}\n",
                s.name,
                s.bytes.len(),
                if same_stride { "" } else { " record size wrong" },
                s.layout,
                code.join("\n")
            ));
        }
    }
    let share = |n: u64| 100.0 * n as f64 / CORPUS as f64;
    println!(
        "corpus of {CORPUS} files: exact recovery {:.1}%, record size right {:.1}%, confident {:.1}%, in {:.1} s",
        share(exact),
        share(stride),
        share(confident),
        started.elapsed().as_secs_f64()
    );
    if std::env::var_os("GUESS_MISSES").is_some() {
        println!("{}", misses.join("\n"));
    }
    // Issue 17 asks for 80% exact recovery; the guesser reaches 71.7% on
    // this (seeded, deterministic) corpus today, so the issue stays open and
    // this floor only keeps what is reached from sliding back.
    assert!(share(exact) >= 71.0, "exact recovery {:.1}% < 71% (the issue's target is 80%)", share(exact));
    assert!(share(stride) >= 95.0, "record size right {:.1}% < 95%", share(stride));
}

#[test]
fn several_files_give_checks_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut names = Vec::new();
    for (k, n) in [40u32, 75, 130].iter().enumerate() {
        let mut b = b"SENS".to_vec();
        b.extend(3u16.to_be_bytes());
        b.extend(n.to_be_bytes());
        b.extend((k as u16 * 7 + 1).to_be_bytes());
        for i in 0..*n {
            b.extend((1_600_000_000 + 13 * i).to_be_bytes());
            b.extend((20.0 + (f64::from(i) * 0.1).sin()).to_be_bytes());
        }
        let p = dir.path().join(format!("s{k}.bin"));
        std::fs::write(&p, &b).expect("write");
        names.push(p.display().to_string());
    }
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("magic: bytes[4] == \"SENS\""), "{out}");
    assert!(out.contains(": i16 == 3"), "{out}");
    assert!(out.contains("count: i32"), "{out}");
    assert!(out.contains("endian big"), "{out}");
    assert!(out.contains("records: Record[count]"), "{out}");
    for n in &names {
        let data = std::fs::read(n).expect("read");
        leaves::leaves(&out, &data).expect("maps every file");
    }
    // A file of another format fails the checks: the files share no layout.
    let other = dir.path().join("other.bin");
    std::fs::write(&other, b"XXXX\x00\x03\x00\x00\x00\x01\x00\x01abcdefghijkl").expect("write");
    let (code, out, _) = run(&[&names[0], other.to_str().unwrap_or_default()]);
    assert_eq!(code, 0);
    assert!(out.contains("not confident"), "{out}");
}

#[test]
fn explain_and_json() {
    let (code, out, _) = run(&["--explain", "examples/db.dat"]);
    assert_eq!(code, 0);
    assert!(out.contains("# evidence:") && out.contains("autocorrelation of byte positions"), "{out}");
    assert!(out.contains("no known magic (.npy, PNG, "), "the known formats: {out}");
    let data = std::fs::read(root().join("examples/db.dat")).expect("db.dat");
    leaves::leaves(&out, &data).expect("--explain is still a layout");

    let (code, out, _) = run(&["-f", "json", "examples/flight_path.b"]);
    assert_eq!(code, 0);
    binmap::text::json_read::parse_json(&out).expect("valid JSON");
    for key in ["\"confidence\":\"confident\"", "\"path\":\"text_len\"", "\"path\":\"records[*].v0\"", "\"stride\":24"]
    {
        assert!(out.contains(key), "{key} in {out}");
    }

    let (code, out, _) = run(&["examples/array.npy"]);
    assert_eq!(code, 0);
    assert!(out.contains("known format: .npy") && out.contains("data: f64[100]"), "{out}");
}

/// A PCM WAV file as Python's `wave` module writes it: mono, 16 bits.
fn wav(samples: &[i16]) -> Vec<u8> {
    let data = 2 * samples.len() as u32;
    let mut b = b"RIFF".to_vec();
    b.extend((36 + data).to_le_bytes());
    b.extend(b"WAVEfmt ");
    for v in [16u32, 1 | 1 << 16, 8000, 16000, 2 | 16 << 16] {
        b.extend(v.to_le_bytes());
    }
    b.extend(b"data");
    b.extend(data.to_le_bytes());
    b.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
    b
}

#[test]
fn known_formats_get_their_gallery_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("tone.wav");
    let data = wav(&(0..200).map(|i| (i * 37 % 2000) as i16 - 1000).collect::<Vec<_>>());
    std::fs::write(&p, &data).expect("write");
    let (code, out, err) = run(&[p.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("# confident: known format WAV, by its magic"), "{out}");
    assert!(out.contains("the gallery layout examples/formats/wav.bml"), "{out}");
    let gallery = std::fs::read_to_string(root().join("examples/formats/wav.bml")).expect("wav.bml");
    assert_eq!(leaves::leaves(&out, &data), leaves::leaves(&gallery, &data), "the draft is the gallery layout");

    // RIFF without WAVE is not a WAV file: guessed like any other.
    let mut avi = data.clone();
    avi[8..12].copy_from_slice(b"AVI ");
    std::fs::write(&p, &avi).expect("write");
    let (code, out, _) = run(&[p.to_str().unwrap_or_default()]);
    assert_eq!(code, 0);
    assert!(!out.contains("known format"), "{out}");

    // A PNG signature and nothing a PNG needs after it: named, not used.
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n and then no chunks at all").expect("write");
    let (code, out, _) = run(&[p.to_str().unwrap_or_default()]);
    assert_eq!(code, 0);
    assert!(out.contains("not confident: known format PNG by its magic, but its layout does not map"), "{out}");
    assert!(out.contains("examples/formats/png.bml does not map onto it"), "{out}");
}

#[test]
fn hostile_inputs_never_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut x = 0x2545f4914f6cdd1du64;
    let random: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        ("empty", Vec::new(), Some("too few bytes")),
        ("one", vec![7], Some("too few bytes")),
        ("seven", vec![1, 2, 3, 4, 5, 6, 7], Some("too few bytes")),
        ("random", random, Some("high entropy")),
        ("zeros", vec![0; 100_000], Some("every sampled byte is 0x00")),
        ("ones", vec![0xff; 4099], Some("every sampled byte is 0xff")),
        ("counts", (0..=255u8).cycle().take(70_000).collect(), None),
        ("bad-npy", b"\x93NUMPY\x01\x00\xff\xff{'descr'".to_vec(), None),
        ("short-npy", b"\x93NUMPY".to_vec(), None),
    ];
    for (name, bytes, expect) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).expect("write");
        let (code, out, err) = run(&[p.to_str().unwrap_or_default()]);
        assert!(code == 0 || code == 1, "{name}: exit {code}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        if code == 0 {
            leaves::leaves(&out, &bytes).unwrap_or_else(|e| panic!("{name}: {e}\n{out}"));
        } else {
            assert!(err.starts_with("error: "), "{name}: {err}");
        }
        if let Some(e) = expect {
            assert!(out.contains(e), "{name}: {out}");
        }
    }
}

#[test]
fn huge_files_are_sampled() {
    // A sparse file of 64 GiB (nothing on disk): guessed from samples, in
    // far less than the time reading it would take. The bound is 10x the
    // 2 s the issue allows a 1 GB file (bench/guess.py measures that).
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("sparse.bin");
    let f = std::fs::File::create(&p).expect("create");
    f.set_len(64 << 30).expect("set_len");
    let t = Instant::now();
    let (code, out, err) = run(&[p.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("not confident"), "{out}");
    assert!(t.elapsed() < Duration::from_secs(20), "took {:?}", t.elapsed());

    // 64 MB of records after a count: confident, and fast.
    let n: u32 = 4 << 20;
    let mut b = n.to_le_bytes().to_vec();
    b.reserve(16 * n as usize);
    for i in 0..n {
        b.extend(u64::from(i).wrapping_mul(1000).to_le_bytes());
        b.extend((f64::from(i) * 1e-3).sin().to_le_bytes());
    }
    let p = dir.path().join("records.bin");
    std::fs::write(&p, &b).expect("write");
    let t = Instant::now();
    let (code, out, err) = run(&[p.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("records: Record[count]") && out.contains("# confident"), "{out}");
    assert!(t.elapsed() < Duration::from_secs(20), "took {:?}", t.elapsed());
}
