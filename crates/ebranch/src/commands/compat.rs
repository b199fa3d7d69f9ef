//! `ebranch dependencies ...`: the commands of ebranch 0.0.3, spelled the same.
//!
//! Same arguments, options, environment variables (`EBRANCH_FILE`, `EBRANCH_REF`), report
//! format and output as 0.0.3, so that scripts keep working. Differences, all on the side
//! of not losing work or not giving a wrong answer silently:
//! - BRANCH and REF are release names (`epel9`, `epel10`, `rawhide`, or any release of
//!   the releases file), answered from repository metadata instead of one
//!   `rpmdistro-repoquery` run per question;
//! - versions are compared (a too-old package in the target is missing), a dependency
//!   with several providers gets one chosen provider (0.0.3 put it under `UNKNOWN`), and
//!   entries get extra keys (`class`, `evr`, `providers`, ...) that 0.0.3 would keep;
//! - an unreadable or invalid report file is an error (exit 2), never overwritten; without
//!   `-f` nothing is saved; a package missing from the reference is an error for
//!   `missing-build-reqs` and a warning for `iterate`;
//! - `calculate-chain-build` places cycle members and packages with unknown dependencies
//!   instead of dropping them, and says so on stderr; it and `find-cycles` also read the
//!   `install` edges of reports made by `ebranch missing` (as buildroot edges, like
//!   `ebranch plan`) and skip `"skip": true` entries (0.0.3 failed on them);
//! - saving refuses to overwrite a report file that changed since it was read.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::load::{basearch, load_resolved};
use crate::output::{printable, stdout};
use crate::universe::{UniverseArgs, load_universe, releases};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use ebranch_analysis::{ClosureOptions, Resolver, closure, closure_report};
use ebranch_fedora::pagure::{DEFAULT_DIST_GIT_URL, DistGit, PagureClient};
use ebranch_fedora::transport::UreqTransport;
use ebranch_fedora::url::ServiceUrl;
use ebranch_fetch::RepoRole;
use ebranch_plan::{
    PlanOptions, buildroot_graph_from_report, chain_build_string, find_cycles_json, plan,
};
use ebranch_report::rules::{self, SaveDecision};
use ebranch_report::{Class, Entry, Report, ReportError, ReportFile, UNKNOWN, key};

/// `ebranch dependencies`
#[derive(Args, Debug)]
pub struct DependenciesArgs {
    /// The command.
    #[command(subcommand)]
    pub command: DependenciesCommand,
}

/// The commands of ebranch 0.0.3's `dependencies` group.
#[derive(Subcommand, Debug)]
pub enum DependenciesCommand {
    /// Lists the build requirements of a package (its source package's Requires in the
    /// reference), one per line.
    BuildReqs(BuildReqsArgs),
    /// Computes the missing build requirements of PKGNAME for BRANCH, adds them to the
    /// report file and prints the whole report.
    MissingBuildReqs(MissingBuildReqsArgs),
    /// Adds the newly named providers to the top level of the report (as `{}` entries).
    Unfold(UnfoldArgs),
    /// Computes the missing build requirements of every top-level package that has none
    /// yet (no `build` key, not `"skip": true`).
    Iterate(IterateArgs),
    /// Prints the `fedpkg chain-build` order of a report: `a b : c : d`.
    CalculateChainBuild(ReportArgs),
    /// Prints the dependency cycles of a report as a JSON list.
    FindCycles(ReportArgs),
    /// Checks whether a package is branched in dist-git (exit 0 yes, 1 no, 2 no such
    /// package).
    IsBranched(IsBranchedArgs),
    /// Lists the dist-git branches of a package as JSON (exit 2: no such package).
    LsBranches(LsBranchesArgs),
}

/// `build-reqs`
#[derive(Args, Debug)]
pub struct BuildReqsArgs {
    /// Source package name.
    pub pkgname: String,
    /// Reference release whose source packages are read.
    #[arg(
        short = 'r',
        long = "ref-branch",
        default_value = "rawhide",
        value_name = "REF"
    )]
    pub ref_branch: String,
}

/// `missing-build-reqs`
#[derive(Args, Debug)]
pub struct MissingBuildReqsArgs {
    /// Source package name.
    pub pkgname: String,
    /// Target release (e.g. `epel9`, `epel10`).
    pub branch: String,
    /// The report file to read and update (default: none, only print).
    #[arg(
        short = 'f',
        long = "report-file",
        env = "EBRANCH_FILE",
        value_name = "FILE"
    )]
    pub report_file: Option<OsString>,
    /// Reference release.
    #[arg(
        short = 'r',
        long = "ref-branch",
        env = "EBRANCH_REF",
        default_value = "rawhide",
        value_name = "REF"
    )]
    pub ref_branch: String,
    /// Recompute PKGNAME even when the report already has it.
    #[arg(long, overrides_with = "no_update")]
    pub update: bool,
    /// Print the report untouched when it already has PKGNAME (the default).
    #[arg(long, overrides_with = "update")]
    pub no_update: bool,
}

/// `unfold`
#[derive(Args, Debug)]
pub struct UnfoldArgs {
    /// The report file.
    pub report_file: PathBuf,
}

/// `iterate`
#[derive(Args, Debug)]
pub struct IterateArgs {
    /// The report file.
    pub report_file: PathBuf,
    /// Target release (e.g. `epel9`, `epel10`).
    pub branch: String,
    /// Reference release.
    #[arg(
        short = 'r',
        long = "ref-branch",
        env = "EBRANCH_REF",
        default_value = "rawhide",
        value_name = "REF"
    )]
    pub ref_branch: String,
}

/// `calculate-chain-build`, `find-cycles`
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The report file.
    pub report: PathBuf,
}

/// `is-branched`
#[derive(Args, Debug)]
pub struct IsBranchedArgs {
    /// Package name.
    pub pkgname: String,
    /// Branch name (e.g. `epel10`).
    pub branch: String,
    /// The dist-git to ask.
    #[arg(long, env = "EBRANCH_DIST_GIT_URL", default_value = DEFAULT_DIST_GIT_URL, hide = true)]
    pub dist_git_url: String,
}

/// `ls-branches`
#[derive(Args, Debug)]
pub struct LsBranchesArgs {
    /// Package name.
    pub pkgname: String,
    /// The dist-git to ask.
    #[arg(long, env = "EBRANCH_DIST_GIT_URL", default_value = DEFAULT_DIST_GIT_URL, hide = true)]
    pub dist_git_url: String,
}

/// Runs the command.
pub fn run(args: DependenciesArgs, global: &GlobalArgs) -> Result<Outcome> {
    match args.command {
        DependenciesCommand::BuildReqs(a) => build_reqs(&a, global),
        DependenciesCommand::MissingBuildReqs(a) => missing_build_reqs(&a, global),
        DependenciesCommand::Unfold(a) => unfold(&a),
        DependenciesCommand::Iterate(a) => iterate(&a, global),
        DependenciesCommand::CalculateChainBuild(a) => calculate_chain_build(&a),
        DependenciesCommand::FindCycles(a) => find_cycles(&a),
        DependenciesCommand::IsBranched(a) => is_branched(&a),
        DependenciesCommand::LsBranches(a) => ls_branches(&a),
    }
}

/// The reference release: as click does, an empty value (`EBRANCH_REF=`) is the default.
fn reference(name: &str) -> &str {
    if name.is_empty() { "rawhide" } else { name }
}

/// Prints `text` and a newline on stdout.
fn print(text: &str) -> Result<()> {
    let mut out = stdout();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Prints the whole report as 0.0.3 does: indented by two, as saved.
fn print_report(report: &Report) -> Result<()> {
    let mut out = stdout();
    out.write_all(report.to_json().as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Saves a report through the one report store: atomically, and only if the file has not
/// changed since it was read. When it changed and now has more entries than `report`, this
/// is 0.0.3's "new report is shorter" refusal (exit 0, as in 0.0.3); otherwise an error.
fn save(file: &mut ReportFile, report: &Report) -> Result<()> {
    match file.save(report) {
        Err(ReportError::Changed { entries_now, .. }) if entries_now > report.len() => {
            eprintln!("ERROR: new report is shorter, cowardly refusing to save it");
            Ok(())
        }
        other => Ok(other?),
    }
}

/// The computed entries of `names` (the root entries of a BuildRequires-only closure),
/// `None` for a name with no source package in the reference. Entries in `others` are
/// not expanded (they are in the report already).
fn direct_missing(
    names: &[String],
    others: BTreeSet<String>,
    branch: &str,
    reference: &str,
    global: &GlobalArgs,
) -> Result<Vec<Option<Entry>>> {
    let universe = UniverseArgs {
        target: Some(branch.to_owned()),
        reference: reference.to_owned(),
        ref_repos: Vec::new(),
        target_repos: Vec::new(),
        target_base_repos: Vec::new(),
        module_platform: None,
        modules: Vec::new(),
        no_module_filtering: false,
    };
    let u = load_universe(&universe, global)?;
    let mut resolver = Resolver::new(&u.pool, &u.roles);
    let options = ClosureOptions {
        install_deps: false,
        skip: others,
        coinstall: false,
    };
    let result = closure(&mut resolver, names, &options);
    let mut computed = closure_report(&result);
    Ok(names
        .iter()
        .map(|name| {
            let found = result.sources.get(name).is_some_and(|s| s.evr.is_some());
            let mut entry = computed.packages.swap_remove(name).filter(|_| found)?;
            // Every computed name is a root here; in the report, "root" would mislead.
            entry.remove(key::ROOT.name());
            Some(entry)
        })
        .collect())
}

fn missing_build_reqs(args: &MissingBuildReqsArgs, global: &GlobalArgs) -> Result<Outcome> {
    // As click does, an empty value (`-f ''`, `EBRANCH_FILE=`) is no value.
    let path = args
        .report_file
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(Path::new);
    let reference = reference(&args.ref_branch);
    let (mut file, mut existing) = match path {
        Some(path) => {
            let (file, report) = ReportFile::open_or_empty(path)?;
            (Some(file), report)
        }
        None => (None, Report::new()),
    };
    let pkg = &args.pkgname;
    if existing.packages.contains_key(pkg) && !args.update {
        print_report(&existing)?;
        return Ok(Outcome::Clean);
    }
    let others = existing.names().filter(|k| k != pkg).map(str::to_owned);
    let computed = direct_missing(
        std::slice::from_ref(pkg),
        others.collect(),
        &args.branch,
        reference,
        global,
    )?;
    let Some(Some(entry)) = computed.into_iter().next() else {
        bail!("no source package `{pkg}` in the reference `{reference}`");
    };
    let merged = match existing.packages.get(pkg) {
        Some(old) => old.merged_with(entry),
        None => entry,
    };
    existing.packages.insert(pkg.clone(), merged);
    if let Some(file) = &mut file {
        save(file, &existing)?;
    }
    print_report(&existing)?;
    Ok(Outcome::Clean)
}

fn unfold(args: &UnfoldArgs) -> Result<Outcome> {
    let (mut file, existing) = ReportFile::open_or_empty(&args.report_file)?;
    let (expanded, added) = rules::unfold(&existing);
    if added.is_empty() {
        eprintln!("Report unchanged");
    } else {
        eprintln!(
            "Added {} package(s): {}",
            added.len(),
            printable(&added.join(" "))
        );
    }
    // 0.0.3 always saves (creating a missing file); an unchanged file is left alone.
    if !added.is_empty() || !file.exists() {
        save(&mut file, &expanded)?;
    }
    print_report(&expanded)?;
    Ok(Outcome::Clean)
}

fn iterate(args: &IterateArgs, global: &GlobalArgs) -> Result<Outcome> {
    let path = &args.report_file;
    let reference = reference(&args.ref_branch);
    let (mut file, existing) = ReportFile::open_or_empty(path)?;
    if !file.exists() {
        eprintln!(
            "warning: report {} does not exist; nothing to iterate",
            path.display()
        );
    }
    let todo = rules::to_iterate(&existing);
    let mut expanded = existing.clone();
    if !todo.is_empty() {
        let wanted: BTreeSet<&String> = todo.iter().collect();
        let others = existing
            .packages
            .keys()
            .filter(|k| !wanted.contains(k))
            .cloned()
            .collect();
        let computed = direct_missing(&todo, others, &args.branch, reference, global)?;
        for (name, entry) in todo.iter().zip(computed) {
            match entry {
                Some(entry) => {
                    let merged = existing.packages[name].merged_with(entry);
                    expanded.packages.insert(name.clone(), merged);
                }
                None => eprintln!(
                    "warning: no source package `{}` in the reference `{reference}`; left as it \
                     is (mark it \"skip\": true if it is handled otherwise)",
                    printable(name)
                ),
            }
        }
    }
    match rules::save_decision(&existing, &expanded) {
        SaveDecision::Unchanged => eprintln!("Report unchanged"),
        SaveDecision::Shorter => {
            eprintln!("ERROR: new report is shorter, cowardly refusing to save it");
        }
        SaveDecision::Save => save(&mut file, &expanded)?,
    }
    print_report(&expanded)?;
    Ok(Outcome::Clean)
}

/// The report as a build graph, as `ebranch plan` reads it: its `build` edges (all that
/// 0.0.3 reads), plus the buildroot edges implied by `install` edges (which only reports
/// of `ebranch missing` have). Notes on stderr say what 0.0.3 would have tripped over.
/// Also returns the entries classified `blocked-by-base`.
fn build_graph(path: &Path) -> Result<(ebranch_plan::BuildGraph, Vec<String>)> {
    let report = Report::load(path)?;
    let mut not_iterated = Vec::new();
    let mut outside: BTreeSet<String> = BTreeSet::new();
    let mut base = Vec::new();
    for (name, entry) in &report.packages {
        if entry.skip() {
            continue;
        }
        if entry.class() == Some(Class::BlockedByBase) {
            base.push(name.clone());
        }
        if !entry.has(key::BUILD.name()) {
            not_iterated.push(name.as_str());
        }
        for provider in entry.build_providers() {
            if provider != UNKNOWN && !report.packages.contains_key(&provider) {
                outside.insert(provider);
            }
        }
    }
    if !not_iterated.is_empty() {
        eprintln!(
            "warning: not iterated yet (no \"build\" key), so taken as needing nothing: {}",
            printable(&not_iterated.join(" "))
        );
    }
    if !outside.is_empty() {
        eprintln!(
            "warning: needed but not in the report (run `unfold` and `iterate`), so taken as \
             available: {}",
            printable(&outside.into_iter().collect::<Vec<_>>().join(" "))
        );
    }
    Ok((buildroot_graph_from_report(&report), base))
}

fn calculate_chain_build(args: &ReportArgs) -> Result<Outcome> {
    let (graph, base) = build_graph(&args.report)?;
    let result = plan(&graph, &PlanOptions::default());
    if !base.is_empty() {
        eprintln!(
            "warning: the base distribution has these at a version that does not satisfy, and \
             EPEL may not replace them: {}",
            printable(&base.join(" "))
        );
    }
    eprint!(
        "{}",
        printable(&ebranch_plan::plan_explanation(&result, false))
    );
    print(&chain_build_string(&result))?;
    Ok(Outcome::Clean)
}

fn find_cycles(args: &ReportArgs) -> Result<Outcome> {
    let (graph, _) = build_graph(&args.report)?;
    let cycles = find_cycles_json(&graph);
    print(&serde_json::to_string_pretty(&cycles)?)?;
    Ok(Outcome::Clean)
}

fn build_reqs(args: &BuildReqsArgs, global: &GlobalArgs) -> Result<Outcome> {
    let arch = basearch(global);
    let reference = reference(&args.ref_branch);
    let repos: Vec<_> = releases(global)?
        .resolve(reference, &arch)?
        .into_iter()
        .filter(|r| r.role == RepoRole::ReferenceSource)
        .collect();
    if repos.is_empty() {
        bail!("release `{reference}` has no reference source repository");
    }
    let pool = load_resolved(&repos, global)?.pool;
    let Some(src) = pool
        .packages_named(&args.pkgname)
        .iter()
        .copied()
        .find(|p| pool.package(*p).is_source())
    else {
        bail!(
            "no source package `{}` in the reference `{reference}`",
            args.pkgname
        );
    };
    let deps: BTreeSet<String> = pool
        .package(src)
        .requires()
        .map(|d| d.to_string())
        .collect();
    let mut out = stdout();
    for dep in deps {
        writeln!(out, "{dep}")?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// The dist-git branches of a package, or `None` when there is no such package.
fn branches(url: &str, package: &str) -> Result<Option<Vec<String>>> {
    let base = ServiceUrl::parse(url).context("--dist-git-url")?;
    let client = PagureClient::new(base, Arc::new(UreqTransport::new()));
    Ok(client.branches(package)?)
}

/// 0.0.3's answer for a package dist-git does not know: a line on stdout, exit 2.
fn no_such_package(package: &str) -> ! {
    let mut out = stdout();
    let _ = writeln!(out, "{package} does not exist in dist-git");
    let _ = out.flush();
    std::process::exit(2)
}

fn is_branched(args: &IsBranchedArgs) -> Result<Outcome> {
    let Some(list) = branches(&args.dist_git_url, &args.pkgname)? else {
        no_such_package(&args.pkgname);
    };
    if list.contains(&args.branch) {
        print(&format!("{} is branched for {}", args.pkgname, args.branch))?;
        Ok(Outcome::Clean)
    } else {
        print(&format!(
            "{} is NOT branched for {}",
            args.pkgname, args.branch
        ))?;
        Ok(Outcome::Found)
    }
}

fn ls_branches(args: &LsBranchesArgs) -> Result<Outcome> {
    let Some(list) = branches(&args.dist_git_url, &args.pkgname)? else {
        no_such_package(&args.pkgname);
    };
    // Python's `json.dumps(list)`: `["a", "b"]`.
    let items: Vec<String> = list
        .iter()
        .map(|b| serde_json::to_string(b).expect("a string serializes"))
        .collect();
    print(&format!("[{}]", items.join(", ")))?;
    Ok(Outcome::Clean)
}
