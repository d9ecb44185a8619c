//! The `binmap` command: argument parsing and dispatch only. Each command
//! lives in `cmd/<command>.rs`; the work is done by the `binmap` library.

mod cmd;
mod fault;
mod plot;
mod progress;
mod util;

use clap::{CommandFactory, Parser, Subcommand};

/// Read, write, inspect and convert binary files described by a small layout language.
#[derive(Parser)]
#[command(
    name = "binmap",
    version,
    about,
    long_about = None,
    arg_required_else_help = true,
    disable_help_subcommand = true,
    after_help = "The layout language and the rest of the reference: binmap help layout|where|paths|json"
)]
struct Cli {
    /// Read input files into memory instead of memory-mapping them: for files
    /// that another program may truncate or rewrite meanwhile, and network
    /// filesystems. Also BINMAP_NO_MMAP=1.
    #[arg(long, global = true)]
    no_mmap: bool,
    /// Make bytes of the file that the layout does not describe an error
    /// (otherwise a note on stderr). Also BINMAP_STRICT=1.
    #[arg(long, global = true)]
    strict: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Info(cmd::info::Args),
    Show(cmd::show::Args),
    Pack(cmd::pack::Args),
    Set(cmd::set::Args),
    Convert(cmd::convert::Args),
    Stats(cmd::stats::Args),
    Select(cmd::select::Args),
    Layout(cmd::layout::Args),
    /// Python's struct module: pack, unpack, iter-unpack, calcsize.
    Struct(cmd::pystruct::Args),
    Hex(cmd::hex::Args),
    Guess(cmd::guess::Args),
    Plot(cmd::plot::Args),
    /// The reference: `binmap help layout|where|paths|json`, or a command's help.
    Help(cmd::help::Args),
    /// Shell completions: `binmap completions bash > ...` (see the README).
    Completions(cmd::completions::Args),
    /// The man page (roff): `binmap man > binmap.1`, `binmap man show`, `binmap man --dir DIR`.
    Man(cmd::man::Args),
}

fn main() {
    // A mapped input that shrinks becomes a clear error (exit 1), not SIGBUS.
    fault::install();
    let cli = Cli::parse();
    let env = std::env::var_os("BINMAP_NO_MMAP").is_some_and(|v| !v.is_empty() && v != "0");
    util::set_no_mmap(cli.no_mmap || env);
    let strict = std::env::var_os("BINMAP_STRICT").is_some_and(|v| !v.is_empty() && v != "0");
    util::set_strict(cli.strict || strict);
    let result = match cli.command {
        Command::Info(a) => cmd::info::run(a),
        Command::Show(a) => cmd::show::run(a),
        Command::Pack(a) => cmd::pack::run(a),
        Command::Set(a) => cmd::set::run(a),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Stats(a) => cmd::stats::run(a),
        Command::Select(a) => cmd::select::run(a),
        Command::Layout(a) => cmd::layout::run(a),
        Command::Struct(a) => cmd::pystruct::run(a),
        Command::Hex(a) => cmd::hex::run(a),
        Command::Guess(a) => cmd::guess::run(a),
        Command::Plot(a) => cmd::plot::run(a),
        Command::Help(a) => cmd::help::run(a, &mut Cli::command()),
        Command::Completions(a) => cmd::completions::run(a, &mut Cli::command()),
        Command::Man(a) => cmd::man::run(a, Cli::command()),
    };
    if let Err(e) = result {
        if util::is_broken_pipe(&e) {
            // The reader stopped early (`| head`): not an error of ours.
            std::process::exit(0);
        }
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
