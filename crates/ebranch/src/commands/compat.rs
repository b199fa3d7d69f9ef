//! `ebranch dependencies ...`: the commands of ebranch 0.0.3, spelled the same.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct DependenciesArgs {}

/// Runs the command.
pub fn run(_args: DependenciesArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
