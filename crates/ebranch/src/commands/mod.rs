//! One module per subcommand.

pub mod missing;
mod query;
mod repoclosure;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Query(q) => query::run(q, &cli.global),
        Command::Repoclosure(args) => repoclosure::run(args, &cli.global),
        Command::Missing(args) => missing::run(args, &cli.global),
    }
}
