//! One module per subcommand.

pub mod compat;
pub mod completions;
pub mod followup;
pub mod gap;
pub mod issues;
pub mod manpages;
pub mod missing;
pub mod plan;
mod query;
pub mod releases;
mod repoclosure;
pub mod report;
pub mod request;
pub mod stats;
pub mod status;

use std::io::Write as _;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let global = &cli.global;
    match cli.command {
        Command::Query(q) => query::run(q, global),
        Command::Repoclosure(args) => repoclosure::run(args, global),
        Command::Missing(args) => missing::run(args, global),
        Command::Plan(args) => plan::run(args, global),
        Command::Gap(args) => gap::run(args, global),
        Command::Releases(args) => releases::run(args, global),
        Command::Request(args) => request::run(args, global),
        Command::Status(args) => status::run(args, global),
        Command::Report(args) => report::run(args, global),
        Command::Stats(args) => stats::run(args, global),
        Command::FollowUp(args) => followup::run(args, global),
        Command::Dependencies(args) => compat::run(args, global),
        Command::Issues(args) => issues::run(args, global),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => manpages::run(args),
        Command::Version => {
            let mut out = crate::output::stdout();
            writeln!(out, "{}", env!("CARGO_PKG_VERSION"))?;
            out.flush()?;
            Ok(Outcome::Clean)
        }
    }
}
