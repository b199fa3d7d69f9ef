//! `ebranch follow-up`: the Stalled EPEL Requests policy.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct FollowUpArgs {}

/// Runs the command.
pub fn run(_args: FollowUpArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
