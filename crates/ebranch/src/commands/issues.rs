//! `ebranch issues file-request`: ebranch 0.0.3's spelling of `ebranch request PKG`.

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::request::connect::ServiceArgs;
use crate::commands::request::{RequestOptions, WriteArgs, single};

/// `ebranch issues ...`
#[derive(Args, Debug)]
pub struct IssuesArgs {
    #[command(subcommand)]
    pub command: IssuesCommand,
}

/// The `issues` commands of ebranch 0.0.3.
#[derive(Subcommand, Debug)]
pub enum IssuesCommand {
    /// File one branch request: `ebranch request PKG --target BRANCH` under its 0.0.3 name.
    /// Unlike 0.0.3, no tracker is blocked unless `--blocked` names one.
    FileRequest(FileRequestArgs),
}

/// `ebranch issues file-request PKG BRANCH`
#[derive(Args, Debug)]
pub struct FileRequestArgs {
    /// The source package (the Bugzilla component).
    #[arg(value_name = "PKG")]
    pub package: String,
    /// The EPEL branch wanted (`epel10`, `epel9`, ...).
    #[arg(value_name = "BRANCH")]
    pub branch: String,
    /// Your FAS account, if you are willing to co-maintain.
    #[arg(short = 'f', long, value_name = "FAS")]
    pub fas: Option<String>,
    /// Offer to have the EPEL Packagers SIG co-maintain.
    #[arg(long, overrides_with = "no_sig")]
    pub sig: bool,
    /// Do not offer the SIG (the default).
    #[arg(long, overrides_with = "sig")]
    pub no_sig: bool,
    /// Bugs (numbers or aliases, comma-separated) the request blocks. 0.0.3 blocked
    /// `EPELPackagersSIG` by default; now nothing is blocked unless named.
    #[arg(long, value_name = "CSV", value_delimiter = ',')]
    pub blocked: Vec<String>,
    #[command(flatten)]
    pub output: WriteArgs,
    #[command(flatten)]
    pub services: ServiceArgs,
}

/// Runs the command.
pub fn run(args: IssuesArgs, global: &GlobalArgs) -> Result<Outcome> {
    match args.command {
        IssuesCommand::FileRequest(a) => {
            let options = RequestOptions {
                target: a.branch,
                fas: a.fas,
                sig: a.sig,
                no_sig: a.no_sig,
                blocks: a
                    .blocked
                    .into_iter()
                    .filter(|b| !b.trim().is_empty())
                    .collect(),
                minors: Vec::new(),
            };
            single(&a.package, &options, &a.output, &a.services, global)
        }
    }
}
