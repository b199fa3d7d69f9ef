//! `ebranch releases`: the known releases and their repositories.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct ReleasesArgs {}

/// Runs the command.
pub fn run(_args: ReleasesArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
