//! `ebranch`: what must be branched and built in EPEL before a package can be built there.

mod background;
mod cli;
mod commands;
mod load;
mod output;
mod progress;
mod timings;
mod universe;

use std::process::ExitCode;

use clap::Parser;

/// How a command ended, as an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done; nothing found where a query tool would report findings (exit 0).
    Clean,
    /// Done and something was found (unresolved dependencies, missing packages) (exit 1).
    Found,
}

impl Outcome {
    /// `Found` when `found`, else `Clean`.
    pub fn found_if(found: bool) -> Outcome {
        if found {
            Outcome::Found
        } else {
            Outcome::Clean
        }
    }
}

fn main() -> ExitCode {
    timings::init();
    let cli = cli::Cli::parse();
    let result = commands::run(cli);
    background::finish();
    timings::phase("done");
    output::exit_code(result)
}
