//! `ebranch completions SHELL`: a completion script generated from the clap definition, so
//! it knows every command and option as they are.

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::Outcome;
use crate::cli::Cli;
use crate::output::stdout;

/// `ebranch completions`
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish (also elvish, powershell).
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Prints the script on stdout.
pub fn run(args: CompletionsArgs) -> Result<Outcome> {
    let mut command = Cli::command();
    let mut out = stdout();
    clap_complete::generate(args.shell, &mut command, "ebranch", &mut out);
    std::io::Write::flush(&mut out)?;
    Ok(Outcome::Clean)
}
