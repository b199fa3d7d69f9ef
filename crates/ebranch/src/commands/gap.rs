//! `ebranch gap`: the whole reference against the target.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct GapArgs {}

/// Runs the command.
pub fn run(_args: GapArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
