//! `binmap help [TOPIC|COMMAND]`: the reference a user reads, in the
//! terminal. The topics (`layout`, `where`, `paths`, `json`) are the
//! README's own sections, compiled in from the README between
//! `<!-- help:TOPIC -->` and `<!-- /help:TOPIC -->` markers, so the two
//! never disagree; any other name prints that command's `--help`.

use binmap::error::{Error, Result};

/// The README, compiled in: the one source of the help topics.
const README: &str = include_str!("../../../../README.md");

/// The topics and what each covers, as `binmap help` lists them.
pub const TOPICS: &[(&str, &str)] = &[
    ("layout", "the layout language: fields, types, expressions, checks, let, if, endian"),
    ("where", "--where conditions of select and stats"),
    ("paths", "paths (records.value, data[:, 1], x[n-1]) and --rows"),
    ("json", "the JSON that show prints and pack reads"),
];

#[derive(clap::Args)]
pub struct Args {
    /// A topic (layout, where, paths, json) or a command (show, pack, ...).
    topic: Option<String>,
}

/// Print the topic's text, or `command`'s help for a command name.
pub fn run(a: Args, command: &mut clap::Command) -> Result<()> {
    let Some(topic) = a.topic else {
        let _ = command.print_help();
        println!("\nReference topics (binmap help TOPIC):");
        for (name, what) in TOPICS {
            println!("  {name:<8}{what}");
        }
        return Ok(());
    };
    if let Some(text) = topic_text(&topic) {
        print!("{text}");
        return Ok(());
    }
    if let Some(sub) = command.find_subcommand(&topic) {
        let _ = sub.clone().bin_name(format!("binmap {topic}")).print_long_help();
        return Ok(());
    }
    let topics: Vec<&str> = TOPICS.iter().map(|(n, _)| *n).collect();
    Err(Error::usage(format!(
        "no help topic or command '{topic}'; topics: {}; commands: binmap --help",
        topics.join(", ")
    )))
}

/// The text of a topic: every README region marked for it, in order,
/// without the markers and the code fences (the examples stay, indented).
pub fn topic_text(topic: &str) -> Option<String> {
    let open = format!("<!-- help:{topic} -->");
    let close = format!("<!-- /help:{topic} -->");
    let mut out = String::new();
    let mut rest = README;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find(&close)?;
        for line in body[..end].lines() {
            if line.starts_with("<!--") {
                continue;
            }
            if !line.trim_start().starts_with("```") {
                out.push_str(line);
                out.push('\n');
            }
        }
        rest = &body[end + close.len()..];
    }
    let text = out.trim_matches('\n');
    (!text.is_empty()).then(|| format!("{text}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_text_from_the_readme() {
        for (name, _) in TOPICS {
            let text = topic_text(name).unwrap_or_else(|| panic!("no README section for {name}"));
            assert!(!text.contains("<!--"), "{name}");
            assert!(!text.contains("```"), "{name}");
        }
        let layout = topic_text("layout").unwrap_or_default();
        assert!(layout.contains("| `let name = EXPR` |"));
        assert!(layout.contains("Paths on the command line"));
        assert!(topic_text("where").unwrap_or_default().starts_with("`--where` takes comparisons"));
        assert!(topic_text("nothing").is_none());
    }
}
