//! `ebranch request`: file (or adopt) EPEL branch requests in Bugzilla.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct RequestArgs {}

/// Runs the command.
pub fn run(_args: RequestArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
