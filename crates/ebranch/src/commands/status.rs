//! `ebranch status`: refresh a report from dist-git, Bodhi and Bugzilla.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct StatusArgs {}

/// Runs the command.
pub fn run(_args: StatusArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
