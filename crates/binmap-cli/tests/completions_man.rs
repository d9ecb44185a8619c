//! `binmap completions SHELL` and `binmap man` (issue 14 item 9): generated
//! from the same clap definitions as `--help`, so every command is there.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_binmap");

/// The commands of `binmap --help`, read from its "Commands:" list.
fn commands() -> Vec<String> {
    let help = out(&["--help"]);
    let list = help.split("Commands:\n").nth(1).expect("a Commands: section");
    let names: Vec<String> = list
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // not a wrapped description
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 15 && names.iter().any(|n| n == "completions"), "{names:?}");
    names
}

fn out(args: &[&str]) -> String {
    let o = Command::new(BIN).args(args).output().expect("run binmap");
    assert!(o.status.success(), "binmap {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
}

#[test]
fn the_bash_script_completes_every_command_and_is_valid_bash() {
    let script = out(&["completions", "bash"]);
    for c in commands() {
        assert!(script.contains(&format!("binmap__subcmd__{c})")), "{c} missing from the bash script");
    }
    // The struct subcommands and a command's options are there too.
    assert!(script.contains("iter-unpack") && script.contains("--where") && script.contains("--stat"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("binmap.bash");
    std::fs::write(&path, &script).expect("write");
    match Command::new("bash").arg("-n").arg(&path).output() {
        Ok(o) => assert!(o.status.success(), "bash -n: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("no bash here ({e}): syntax not checked"),
    }
}

#[test]
fn every_shell_gets_a_script() {
    for (shell, marker) in [
        ("zsh", "#compdef binmap"),
        ("fish", "complete -c binmap"),
        ("elvish", "edit:completion:arg-completer[binmap]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = out(&["completions", shell]);
        assert!(script.contains(marker), "{shell}");
        assert!(script.contains("stats") && script.contains("struct"), "{shell}");
    }
    let o = Command::new(BIN).args(["completions", "tcsh"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[possible values: bash, elvish, fish, powershell, zsh]"));
}

#[test]
fn the_man_page_has_name_synopsis_and_every_command() {
    let page = out(&["man"]);
    assert!(page.contains(".TH binmap 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS", ".SH \"SEE ALSO\""] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("binmap \\- Read, write, inspect and convert binary files"));
    for c in commands() {
        let name = format!("binmap\\-{}", c.replace('-', "\\-"));
        assert!(page.contains(&format!("{name}(1)\n")), "{c} not in SUBCOMMANDS");
        assert!(page.contains(&format!("\\fB{name}\\fR(1)")), "{c} not in SEE ALSO");
    }
    // A command's own page, and a misspelt one.
    let pack = out(&["man", "struct", "pack"]);
    assert!(pack.contains(".TH binmap-struct-pack 1") && pack.contains("\\-\\-repr"), "{pack}");
    let o = Command::new(BIN).args(["man", "shwo"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).ends_with("did you mean 'show'?\n"));
}

#[test]
fn man_dir_writes_every_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    out(&["man", "--dir", dir.path().to_str().expect("path")]);
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    pages.sort();
    for c in commands() {
        assert!(pages.contains(&format!("binmap-{c}.1")), "{c}: {pages:?}");
    }
    assert!(pages.contains(&"binmap.1".to_string()) && pages.contains(&"binmap-struct-iter-unpack.1".to_string()));
    let show = std::fs::read_to_string(dir.path().join("binmap-show.1")).expect("read");
    assert!(show.contains(".SH SYNOPSIS") && show.contains("\\-\\-rows"), "{show}");
    // Rendered by man(1) when it is here: no roff warnings.
    if let Ok(o) =
        Command::new("man").args(["--warnings", "-l"]).arg(dir.path().join("binmap.1")).env("MANWIDTH", "80").output()
        && o.status.success()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("SYNOPSIS") && text.contains("binmap-stats(1)"), "{text}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), "", "roff warnings");
    }
}
