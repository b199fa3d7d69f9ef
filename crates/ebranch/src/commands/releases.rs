//! `ebranch releases`: the known releases and their repositories.

use std::fmt::Write as _;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::load::basearch;
use crate::output::emit;
use crate::universe::releases;

/// `ebranch releases [show NAME]`
#[derive(Args, Debug)]
pub struct ReleasesArgs {
    #[command(subcommand)]
    pub command: Option<ReleasesCommand>,
}

/// `ebranch releases` subcommands.
#[derive(Subcommand, Debug)]
pub enum ReleasesCommand {
    /// The repositories of one release, resolved for `--arch` (default: this machine's).
    Show {
        /// Release name (e.g. `epel10`, `rawhide`, `c10s`).
        name: String,
    },
}

/// Runs the command.
pub fn run(args: ReleasesArgs, global: &GlobalArgs) -> Result<Outcome> {
    let defs = releases(global)?;
    let mut out = String::new();
    match args.command {
        None => {
            let width = defs.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in defs.iter() {
                let _ = writeln!(out, "{:<width$}  {}", r.name, r.description);
            }
        }
        Some(ReleasesCommand::Show { name }) => {
            let arch = basearch(global);
            for repo in defs.resolve(&name, &arch)? {
                let from = if repo.release == name {
                    String::new()
                } else {
                    format!("  (from {})", repo.release)
                };
                let _ = writeln!(out, "{}\t{}\t{}{from}", repo.id, repo.role, repo.source);
            }
        }
    }
    emit(None, &out)?;
    Ok(Outcome::Clean)
}
