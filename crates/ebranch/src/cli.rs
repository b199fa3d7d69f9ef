//! Command-line interface definition.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// What must be branched and built in EPEL before a package can be built there, in what order.
#[derive(Parser, Debug)]
#[command(name = "ebranch", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Architecture whose packages may provide (repeatable; `--arch x86_64 --arch i686` for
    /// multilib). Default: this machine's basearch. `noarch` always counts.
    #[arg(long = "arch", global = true, value_name = "ARCH")]
    pub arches: Vec<String>,
    /// Cache root: fetched metadata (`repos-v2/`) and parsed indexes (`index/`) (default:
    /// the XDG cache dir's `ebranch/`).
    #[arg(long, global = true, value_name = "DIR", env = "EBRANCH_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the parsed-index cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Re-check remote repositories even if their cached metadata is fresh.
    #[arg(long, global = true, conflicts_with = "offline")]
    pub refresh: bool,
    /// Never touch the network: use cached metadata, fail clearly when it is missing.
    #[arg(long, global = true)]
    pub offline: bool,
    /// A releases file adding to or overriding the built-in release definitions (default:
    /// the XDG config dir's `ebranch/releases.toml`, when it exists).
    #[arg(long, global = true, value_name = "FILE", env = "EBRANCH_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Ask the repositories questions, like `dnf repoquery` / `fedrq`.
    #[command(subcommand)]
    Query(QueryCommand),
    /// Every requirement of the `--check` repositories that nothing in the `--repo`
    /// repositories provides (dnf repoclosure semantics). Exit 1 when anything is unresolved.
    Repoclosure(RepoclosureArgs),
    /// What must be built in the target before PKG can be built there: the closure of
    /// missing BuildRequires (and install-time Requires of what they pull in), classified.
    /// Exit 1 when anything is missing.
    ///
    /// Classes: `new`: not in the target at all, request an EPEL branch. `update`: EPEL
    /// has it, too old or without a needed subpackage; updating it breaks nothing EPEL
    /// ships. `incompatible-update`: EPEL has it, but the update would take from EPEL
    /// packages something they require (a soname, a subpackage, a provide, a version
    /// range); the report names them (`breaks`) and a compat package (`compat`).
    /// `blocked-by-base`: the base distribution ships it too old or without the needed
    /// subpackage, and EPEL may not replace base packages; `base` says per subpackage
    /// whether only an `-epel` split package can ship it (`missing-from-crb`) or nothing
    /// in EPEL can (`too-old-in-base`, `in-disabled-module`).
    Missing(crate::commands::missing::MissingArgs),
    /// Chain-build layers for a report or packages: each package after everything it
    /// needs; cycles with bootstrap hints; as a chain-build string, side-tag script, JSON,
    /// DOT or an HTML page.
    Plan(crate::commands::plan::PlanArgs),
    /// The whole reference against the target: per source package its direct and
    /// transitive missing counts, what is buildable now, what would unblock the most.
    Gap(crate::commands::gap::GapArgs),
    /// The known releases (`releases`), or one release's resolved repositories
    /// (`releases show NAME`).
    Releases(crate::commands::releases::ReleasesArgs),
    /// File EPEL branch requests in Bugzilla: one package, or a whole report (`--report`).
    Request(crate::commands::request::RequestArgs),
    /// Refresh a report: what is branched, built, in testing, stable; which requests are
    /// open, closed or stalled; then the remaining plan.
    Status(crate::commands::status::StatusArgs),
    /// One self-contained HTML page for a report: the build graph (SVG), a sortable,
    /// filterable table of every package and a summary; works offline and prints.
    Report(crate::commands::report::ReportArgs),
    /// Follow up stalled branch requests (the EPEL Stalled Requests policy).
    #[command(name = "follow-up")]
    FollowUp(crate::commands::followup::FollowUpArgs),
    /// ebranch 0.0.3's `dependencies` commands, spelled the same.
    Dependencies(crate::commands::compat::DependenciesArgs),
    /// ebranch 0.0.3's `issues file-request`.
    Issues(crate::commands::issues::IssuesArgs),
    /// Print the version (as ebranch 0.0.3 does).
    Version,
    /// A packager's Bodhi updates per month and per ecosystem (`--user`), or when the
    /// packages of a report reached stable (`--report`): a bar chart, JSON, CSV or HTML.
    Stats(crate::commands::stats::StatsArgs),
    /// Print a shell completion script generated from these commands and options.
    Completions(crate::commands::completions::CompletionsArgs),
    /// Write the manual pages (`ebranch.1`, `ebranch-missing.1`, ...) into a directory.
    Man(crate::commands::manpages::ManArgs),
}

/// Repositories to load.
#[derive(Args, Debug, Clone)]
pub struct RepoArgs {
    /// A repository (repeatable): a directory holding `repodata/`, a `file://` or
    /// `https://` base URL, a metalink or mirrorlist URL.
    #[arg(long = "repo", value_name = "PATH", required = true)]
    pub repos: Vec<String>,
    /// Answer as dnf on this platform (`platform:el8`, `platform:el9`) sees the
    /// repositories: hide the packages its module filtering hides (default: every package).
    #[arg(long, value_name = "PLATFORM")]
    pub module_platform: Option<String>,
    /// Enable a module stream as `dnf module enable NAME:STREAM` would; repeatable. Needs
    /// `--module-platform`.
    #[arg(
        long = "module",
        value_name = "NAME:STREAM",
        requires = "module_platform"
    )]
    pub modules: Vec<String>,
}

/// Output format of queries.
#[derive(Args, Debug, Clone)]
pub struct FormatArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `ebranch query ...`
#[derive(Subcommand, Debug)]
pub enum QueryCommand {
    /// Packages that provide each dependency (`name`, `name >= 1.2`, `/usr/bin/sh`,
    /// `(a with b)`).
    Whatprovides {
        #[command(flatten)]
        repos: RepoArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// The dependencies.
        #[arg(required = true, value_name = "DEP")]
        deps: Vec<String>,
    },
    /// Packages with a requirement that the dependency's name and version satisfy.
    Whatrequires {
        #[command(flatten)]
        repos: RepoArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// The dependency (`name` or `name OP version`).
        #[arg(value_name = "DEP")]
        dep: String,
    },
    /// The BuildRequires of a source package (newest version in the repositories).
    BuildReqs {
        #[command(flatten)]
        repos: RepoArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// Source package name.
        #[arg(value_name = "SRCNAME")]
        source: String,
    },
    /// The binary packages built from a source package.
    Subpkgs {
        #[command(flatten)]
        repos: RepoArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// Source package name.
        #[arg(value_name = "SRCNAME")]
        source: String,
    },
    /// Everything known about the packages of a name.
    Info {
        #[command(flatten)]
        repos: RepoArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// Package name.
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// `ebranch repoclosure`
#[derive(Args, Debug)]
pub struct RepoclosureArgs {
    /// Repository whose packages provide (repeatable). Default: the `--check` repositories.
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<String>,
    /// Repository whose packages' requirements are checked (repeatable).
    #[arg(long = "check", value_name = "PATH", required = true)]
    pub check: Vec<String>,
    #[command(flatten)]
    pub format: FormatArgs,
}
