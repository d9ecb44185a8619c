//! Repeat arrays, windows, signature search and recursive types through
//! the commands (issue 12): each file is made here, read by `show`,
//! written back bit for bit by `show -f json | pack`, and seen by `info`,
//! `hex --layout`, `select`, `stats` and `set`.

use std::path::Path;

use assert_cmd::Command;

fn binmap() -> Command {
    Command::cargo_bin("binmap").expect("binary")
}

fn run(args: &[&str]) -> String {
    let out = binmap().args(args).output().expect("run");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}

/// `show -f json` of `file`, then `pack` of that JSON: the same bytes.
fn round_trip(dir: &Path, layout: &str, file: &str) -> String {
    let json = run(&["show", file, "-l", layout, "-f", "json"]);
    let out = dir.join("packed.bin").display().to_string();
    let packed =
        binmap().args(["pack", "-l", layout, "-", "-o", &out]).write_stdin(json.clone()).output().expect("run");
    assert!(packed.status.success(), "pack: {}", String::from_utf8_lossy(&packed.stderr));
    assert_eq!(std::fs::read(&out).expect("read"), std::fs::read(file).expect("read"), "{layout}");
    json
}

/// The RIFF example of the README's layout section, word for word.
fn readme_riff() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let start = readme.find("riff: bytes[4] == \"RIFF\"").expect("the RIFF example");
    let end = start + readme[start..].find("```").expect("its end");
    readme[start..end].to_string()
}

/// A WAV file: a 16-byte `fmt ` chunk, an odd-sized `data` chunk and its pad byte.
fn wav() -> Vec<u8> {
    let mut chunks = Vec::new();
    chunks.extend_from_slice(b"fmt \x10\x00\x00\x00");
    for v in [1u16, 1] {
        chunks.extend_from_slice(&v.to_le_bytes());
    }
    chunks.extend_from_slice(&8000u32.to_le_bytes());
    chunks.extend_from_slice(&8000u32.to_le_bytes());
    chunks.extend_from_slice(&[1, 0, 8, 0]);
    chunks.extend_from_slice(b"data\x03\x00\x00\x00\x80\x81\x82\x00");
    let mut f = b"RIFF".to_vec();
    f.extend_from_slice(&(chunks.len() as u32 + 4).to_le_bytes());
    f.extend_from_slice(b"WAVE");
    f.extend_from_slice(&chunks);
    f
}

#[test]
fn the_readme_riff_example_reads_a_wav_file_through_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.wav").display().to_string();
    std::fs::write(&file, wav()).expect("write");
    let layout = readme_riff();
    let json = round_trip(dir.path(), &layout, &file);
    assert!(
        json.contains(r#""body":{"format":1,"channels":1,"rate":8000,"byte_rate":8000,"block_align":1,"bits":8}"#),
        "{json}"
    );
    assert!(json.contains(r#"{"id":"data","size":3,"body":[128,129,130]}"#), "{json}");
    let info = run(&["info", &file, "-l", &layout]);
    assert!(info.contains("the whole file"), "{info}");
    assert!(info.contains("chunks[0].body"), "{info}");
    let hex = run(&["hex", &file, "--layout", &layout, "--color", "never"]);
    assert!(hex.contains("chunks[0].body.format"), "{hex}");
    let sel = run(&["select", &file, "-l", &layout, "chunks", "--where", "size == 3", "-f", "json"]);
    assert!(sel.contains(r#""id":"data""#) && !sel.contains(r#""id":"fmt ""#), "{sel}");
    let stats = run(&["stats", &file, "-l", &layout, "chunks.size"]);
    assert!(stats.contains("19"), "{stats}");
    run(&["set", &file, "-l", &layout, "chunks[0].body.rate=16000"]);
    let json = run(&["show", &file, "-l", &layout, "-f", "json"]);
    assert!(json.contains(r#""rate":16000"#), "{json}");
}

#[test]
fn until_rfind_and_recursion_round_trip_through_the_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.bin").display().to_string();
    // Sub-blocks until an empty one, a tree, then an end record found from the end.
    let mut bytes = vec![2, b'a', b'b', 0];
    bytes.extend_from_slice(&[1, 0, 7, 0, 0, 8, 0]);
    bytes.extend_from_slice(b"END!\x02hi");
    std::fs::write(&file, &bytes).expect("write");
    let layout = "blocks: { size: u8, data: bytes[size] }[until _.size == 0]\n\
                  type Node = { kind: u8, body: match kind { 1 => Node[2], _ => u16 } }\n\
                  tree: Node\n\
                  @ rfind(b\"END!\") end: { sig: bytes[4], n: u8, note: utf8[n] }";
    let json = round_trip(dir.path(), layout, &file);
    assert_eq!(
        json.trim_end(),
        r#"{"blocks":[{"size":2,"data":"ab"},{"size":0,"data":""}],"tree":{"kind":1,"body":[{"kind":0,"body":7},{"kind":0,"body":8}]},"end":{"sig":"END!","n":2,"note":"hi"}}"#
    );
    let err = binmap().args(["show", &file, "-l", "@ rfind(b\"NOPE\") x: u8"]).output().expect("run");
    assert_eq!(err.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&err.stderr).contains("`rfind(\"NOPE\")` found no last occurrence"));
}
