//! `ebranch issues file-request`: ebranch 0.0.3's spelling of `request`.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// Arguments (not implemented yet).
#[derive(Args, Debug)]
pub struct IssuesArgs {}

/// Runs the command.
pub fn run(_args: IssuesArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
