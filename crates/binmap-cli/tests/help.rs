//! `binmap help TOPIC`: the README's reference sections in the terminal,
//! and every command's help.

use assert_cmd::Command;

fn help(args: &[&str]) -> (i32, String, String) {
    let o = Command::cargo_bin("binmap").expect("bin").arg("help").args(args).output().expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

/// The README between the markers of `topic`, without markers and code fences.
fn readme_section(topic: &str) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let (open, close) = (format!("<!-- help:{topic} -->"), format!("<!-- /help:{topic} -->"));
    let mut out = String::new();
    for part in readme.split(&open).skip(1) {
        let body = part.split(&close).next().expect("closed");
        for line in body.lines().filter(|l| !l.starts_with("<!--") && !l.trim_start().starts_with("```")) {
            out.push_str(line);
            out.push('\n');
        }
    }
    format!("{}\n", out.trim_matches('\n'))
}

#[test]
fn topics_print_the_readme_sections() {
    for topic in ["layout", "where", "paths", "json"] {
        let (code, out, err) = help(&[topic]);
        assert_eq!(code, 0, "{topic}: {err}");
        assert_eq!(out, readme_section(topic), "{topic}");
    }
    let (_, layout, _) = help(&["layout"]);
    assert!(layout.contains("| `endian EXPR ? little : big` |"));
    assert!(layout.contains("Text and bytes compare with `==`, `!=` and `in`"));
}

#[test]
fn commands_and_unknown_names() {
    let (code, out, _) = help(&["show"]);
    assert_eq!(code, 0);
    assert!(out.contains("Usage: binmap show"), "{out}");
    assert!(out.contains("binmap help layout"), "-l points to the language: {out}");
    let (code, out, _) = help(&[]);
    assert_eq!(code, 0);
    assert!(out.contains("Reference topics (binmap help TOPIC):"), "{out}");
    let (code, _, err) = help(&["nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no help topic or command 'nope'; topics: layout, where, paths, json"), "{err}");
    let o = Command::cargo_bin("binmap").expect("bin").args(["pack", "--help"]).output().expect("run");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("The input is what `binmap show FILE -l LAYOUT -f json` prints"), "{text}");
}
