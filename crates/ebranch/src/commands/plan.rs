//! `ebranch plan`: chain-build layers, cycles and bootstrap hints.

use anyhow::{Result, bail};
use clap::Args;

use crate::Outcome;
use crate::cli::GlobalArgs;

/// `ebranch plan`
#[derive(Args, Debug)]
pub struct PlanArgs {
    /// A report file (from `ebranch missing --format json`) or source packages.
    #[arg(required = true, value_name = "REPORT|PKG")]
    pub inputs: Vec<String>,
}

/// Runs the command.
pub fn run(_args: PlanArgs, _global: &GlobalArgs) -> Result<Outcome> {
    bail!("not implemented yet")
}
