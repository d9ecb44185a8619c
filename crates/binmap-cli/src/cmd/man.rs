//! `binmap man [COMMAND...] [--dir DIR]`
//!
//! Man pages rendered by `clap_mangen` from the same clap definitions as
//! `--help`: `binmap.1` (every command listed), one command's page
//! (`binmap man struct pack` is `binmap-struct-pack.1`), or all of them
//! written into a directory. Each page with commands ends with a SEE ALSO
//! of their pages. May call: clap_mangen, [`binmap::write::write_atomic`].

use std::path::{Path, PathBuf};

use binmap::{Error, Result};

/// Print the man page (roff) or write every page into a directory.
#[derive(clap::Args)]
pub struct Args {
    /// The page of this command (`show`, `struct pack`...) instead of binmap.1.
    command: Vec<String>,
    /// Write binmap.1 and every binmap-COMMAND.1 into this directory instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    dir: Option<PathBuf>,
}

/// Render the page asked for, or every page into `--dir`.
pub fn run(a: Args, mut command: clap::Command) -> Result<()> {
    command.build();
    if let Some(dir) = a.dir {
        return write_all(&command, &dir);
    }
    let mut page = &command;
    for name in &a.command {
        page = page.find_subcommand(name).ok_or_else(|| {
            let names: Vec<&str> = page.get_subcommands().map(clap::Command::get_name).collect();
            Error::usage(format!(
                "no command '{name}' for a man page; commands: {}{}",
                names.join(", "),
                binmap::suggest::hint(name, names.iter().copied())
            ))
        })?;
    }
    crate::util::write_stdout(&render(page)?)
}

/// Write the page of `command` and of each of its commands into `dir`.
fn write_all(command: &clap::Command, dir: &Path) -> Result<()> {
    let path = dir.join(format!("{}.1", display_name(command)));
    binmap::write::write_atomic(&path, &render(command)?)?;
    for sub in pages(command) {
        write_all(sub, dir)?;
    }
    Ok(())
}

/// The roff text of one page.
fn render(page: &clap::Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let source = format!("binmap {}", env!("CARGO_PKG_VERSION"));
    let man = clap_mangen::Man::new(page.clone()).source(source).manual("binmap manual");
    man.render(&mut out).map_err(|e| Error::io("<man page>", &e))?;
    let see: Vec<String> = pages(page).map(|s| format!("\\fB{}\\fR(1)", roff_escape(display_name(s)))).collect();
    if !see.is_empty() {
        out.extend_from_slice(b".SH \"SEE ALSO\"\n");
        out.extend_from_slice(see.join(", ").as_bytes());
        out.extend_from_slice(
            b"\n.PP\nThe layout language and the rest of the reference: \\fBbinmap help layout\\fR, \\fBwhere\\fR, \\fBpaths\\fR, \\fBjson\\fR.\n",
        );
    }
    Ok(out)
}

/// The commands of `command` that have pages.
fn pages(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command.get_subcommands().filter(|s| !s.is_hide_set())
}

/// `binmap-struct-pack`: the page's name.
fn display_name(c: &clap::Command) -> &str {
    c.get_display_name().unwrap_or(c.get_name())
}

/// A name as roff text: `-` is written `\-` (a hyphen, not a minus sign).
fn roff_escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}
