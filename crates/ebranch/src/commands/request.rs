//! `ebranch request`: file (or adopt) EPEL branch requests in Bugzilla, for one package or
//! for every package of a report (`--report FILE`), whose bug numbers are written into it.

pub mod connect;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use ebranch_fedora::batch::{self, BatchOptions, BatchSummary, request_batch};
use ebranch_fedora::branch::Branch;
use ebranch_fedora::report::{Class, Entry, Report, ReportFile};
use ebranch_fedora::request::{
    EPEL_PRODUCT, FALLBACK_PRODUCT, FALLBACK_VERSION, is_declined, resolve_blocks,
};
use ebranch_fedora::services::Clients;
use ebranch_report::key::BUG;
use serde_json::{Value, json};

use self::connect::{Access, Format, ServiceArgs, dry_run_json, dry_run_text, url_of};
use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::output::stdout;

/// `ebranch request`
#[derive(Args, Debug)]
pub struct RequestArgs {
    /// The source package to request (the Bugzilla component).
    #[arg(
        value_name = "PKG",
        required_unless_present = "report",
        conflicts_with = "report"
    )]
    pub package: Option<String>,
    /// Request every package of this report (from `ebranch missing --format json`) that
    /// still needs it: skip what the target has, what is branched or in Bodhi, and retired
    /// packages; adopt open requests; file the rest; link them along the build graph.
    /// Bug numbers are written into the report as soon as the bugs exist.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub request: RequestOptions,
    #[command(flatten)]
    pub output: WriteArgs,
    #[command(flatten)]
    pub services: ServiceArgs,
}

/// What a branch request says and where it goes.
#[derive(Args, Debug, Clone)]
pub struct RequestOptions {
    /// The EPEL branch wanted: `epel10`, `epel10.1`, `epel9`, ...
    #[arg(long, value_name = "BRANCH", default_value = "epel10")]
    pub target: String,
    /// Your FAS account: offer to co-maintain the package (named in the request).
    #[arg(short = 'f', long, value_name = "FAS")]
    pub fas: Option<String>,
    /// Also offer the EPEL Packagers SIG as co-maintainer (the SIG is deprecated).
    #[arg(long, overrides_with = "no_sig")]
    pub sig: bool,
    /// Do not offer the SIG (the default).
    #[arg(long, overrides_with = "sig")]
    pub no_sig: bool,
    /// Make each new request block this bug (a number, or an alias such as a tracker's);
    /// repeatable or comma-separated. Nothing is blocked by default.
    #[arg(long, value_name = "BUG", value_delimiter = ',')]
    pub blocks: Vec<String>,
    /// EPEL 10 minor versions wanted, named in the request (e.g. `epel10,epel10.1`);
    /// repeatable or comma-separated. Default: the target.
    #[arg(long = "minor", value_name = "BRANCH", value_delimiter = ',')]
    pub minors: Vec<String>,
}

/// `--dry-run` and `--format` of commands that write.
#[derive(Args, Debug, Clone)]
pub struct WriteArgs {
    /// Send nothing: print the exact HTTP requests (method, URL, JSON) that would be sent.
    /// Reads still go out; no API key is needed and no report is written.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs the command.
pub fn run(args: RequestArgs, global: &GlobalArgs) -> Result<Outcome> {
    match (&args.package, &args.report) {
        (Some(package), None) => {
            single(package, &args.request, &args.output, &args.services, global)
        }
        (None, Some(report)) => {
            whole_report(report, &args.request, &args.output, &args.services, global)
        }
        _ => bail!("give a package or --report FILE"),
    }
}

/// The target as a branch; refuses what is not an EPEL branch.
fn target_branch(options: &RequestOptions) -> Result<Branch> {
    let target = Branch::new(&options.target);
    if !is_epel_branch(target.as_str()) {
        bail!(
            "--target {}: not an EPEL branch (epel9, epel10, epel10.1, ...)",
            options.target
        );
    }
    for minor in &options.minors {
        if !target.is_epel10() || !is_epel_branch(minor) || !target.same_family(minor) {
            bail!("--minor {minor}: minor versions are EPEL 10 branches of the target's family");
        }
    }
    Ok(target)
}

/// `epelN` or `epelN.M`.
fn is_epel_branch(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("epel") else {
        return false;
    };
    let (major, minor) = rest.split_once('.').unwrap_or((rest, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// One package: the batch's decision for a report of one entry (dist-git, retirement,
/// Bodhi, earlier requests), then filed if nothing stands in the way. A service that
/// fails is an error here (exit 2).
pub fn single(
    package: &str,
    options: &RequestOptions,
    output: &WriteArgs,
    services: &ServiceArgs,
    global: &GlobalArgs,
) -> Result<Outcome> {
    let target = target_branch(options)?;
    let clients = connect::connect(
        services,
        global,
        Access::Write {
            dry_run: output.dry_run,
        },
    )?;
    let batch_options = batch_options(&clients, options, &target)?;
    let mut report = Report::new();
    report.packages.insert(package.to_owned(), Entry::new());
    let summary = request_batch(clients.services(), &mut report, &batch_options, &mut |_| {
        Ok(())
    })?;
    if let Some((_, batch::Outcome::Failed(message))) = summary.packages.first() {
        bail!("{message}");
    }
    print_summary(&clients, &target, &summary, output, Mode::Single)
}

/// The options of every request, `--blocks` resolved.
fn batch_options(
    clients: &Clients,
    options: &RequestOptions,
    target: &Branch,
) -> Result<BatchOptions> {
    Ok(BatchOptions {
        target: target.clone(),
        fas: options.fas.clone(),
        sig: options.sig && !options.no_sig,
        blocks: resolve_blocks(&clients.bugzilla, &options.blocks)?,
        minors: options.minors.clone(),
    })
}

/// The whole report: the library's batch, saving the report after every new bug number.
fn whole_report(
    path: &Path,
    options: &RequestOptions,
    output: &WriteArgs,
    services: &ServiceArgs,
    global: &GlobalArgs,
) -> Result<Outcome> {
    let target = target_branch(options)?;
    let (mut file, mut report) = ReportFile::open(path)?;
    let clients = connect::connect(
        services,
        global,
        Access::Write {
            dry_run: output.dry_run,
        },
    )?;
    let batch_options = batch_options(&clients, options, &target)?;
    let mut saved = 0;
    let summary = if output.dry_run {
        request_batch(clients.services(), &mut report, &batch_options, &mut |_| {
            Ok(())
        })?
    } else {
        // Each new bug number goes into the file as it is now: a `status` or another
        // request run writing the report meanwhile loses nothing, and neither do we.
        request_batch(clients.services(), &mut report, &batch_options, &mut |r| {
            saved += 1;
            file.update(|now| now.fill_from(r, &BUG))
        })?
    };
    let written = (saved > 0).then_some(path);
    print_summary(
        &clients,
        &target,
        &summary,
        output,
        Mode::Report { written },
    )
}

/// Whether an outcome leaves something for a person to do.
fn needs_attention(outcome: &batch::Outcome) -> bool {
    use batch::Outcome as O;
    matches!(
        outcome,
        O::Failed(_)
            | O::NotRequestable(_)
            | O::NeedsUpdate
            | O::Retired { .. }
            | O::NotInDistGit
            | O::ClosedBefore { .. }
    )
}

/// The outcome's kind, as JSON names it.
fn kind(outcome: &batch::Outcome) -> &'static str {
    use batch::Outcome as O;
    match outcome {
        O::Skipped => "skipped",
        O::Available => "available",
        O::NotRequestable(Class::BlockedByBase) => "blocked-by-base",
        O::NotRequestable(_) => "unresolvable",
        O::NeedsUpdate => "needs-update",
        O::AlreadyBranched => "already-branched",
        O::InBodhi { .. } => "in-bodhi",
        O::Retired { .. } => "retired",
        O::NotInDistGit => "not-in-dist-git",
        O::Known(_) => "known",
        O::Adopted(_) => "adopted",
        O::ClosedBefore { .. } => "closed-before",
        O::Filed(_) => "filed",
        O::Failed(_) => "failed",
    }
}

/// One package, or a report (and whether bug numbers were written into it).
#[derive(Clone, Copy)]
enum Mode<'a> {
    Single,
    Report { written: Option<&'a Path> },
}

/// The outcome in words (a dry run's filings are "would be filed").
fn message(outcome: &batch::Outcome, dry_run: bool, mode: Mode<'_>) -> String {
    match outcome {
        batch::Outcome::Adopted(id) if matches!(mode, Mode::Single) => {
            format!("open request bug {id} exists; nothing filed")
        }
        batch::Outcome::Filed(filed) if dry_run => format!(
            "would be filed in {} {} (bug {} in the requests above)",
            filed.product, filed.version, filed.id
        ),
        batch::Outcome::Filed(filed) if filed.fell_back() => {
            format!("{outcome} (Bugzilla's Fedora EPEL product has no such component yet)")
        }
        _ => outcome.to_string(),
    }
}

/// Print what happened (text or JSON) and choose the exit code.
fn print_summary(
    clients: &Clients,
    target: &Branch,
    summary: &BatchSummary,
    output: &WriteArgs,
    mode: Mode<'_>,
) -> Result<Outcome> {
    let dry_run = output.dry_run;
    let written = match mode {
        Mode::Single => None,
        Mode::Report { written } => written,
    };
    // A dry run's bug numbers are placeholders: they have no address.
    let url = |bug: u64, outcome: &batch::Outcome| {
        (!(dry_run && matches!(outcome, batch::Outcome::Filed(_)))).then(|| url_of(clients, bug))
    };
    let attention =
        summary.has_failures() || summary.packages.iter().any(|(_, o)| needs_attention(o));
    let mut out = stdout();
    match output.format {
        Format::Text => {
            out.write_all(dry_run_text(clients).as_bytes())?;
            if dry_run
                && summary
                    .packages
                    .iter()
                    .any(|(_, o)| matches!(o, batch::Outcome::Filed(_)))
            {
                writeln!(
                    out,
                    "# If Bugzilla answers that {EPEL_PRODUCT} has no such component (error 51), \
                     the request is sent again with product {FALLBACK_PRODUCT}, version {FALLBACK_VERSION}.\n"
                )?;
            }
            for (package, outcome) in &summary.packages {
                let mut line = format!("{package}: {}", message(outcome, dry_run, mode));
                if let Some(u) = outcome.shown_bug().and_then(|b| url(b, outcome)) {
                    line.push_str(&format!("  {u}"));
                }
                writeln!(out, "{line}")?;
            }
            for link in &summary.links {
                let added: Vec<String> = link.added.iter().map(u64::to_string).collect();
                let verb = if dry_run { "would link" } else { "linked" };
                match &link.error {
                    None => writeln!(
                        out,
                        "{verb}: bug {} depends on {}",
                        link.bug,
                        added.join(", ")
                    )?,
                    Some(e) => writeln!(
                        out,
                        "link failed: bug {} depends on {}: {e}",
                        link.bug,
                        added.join(", ")
                    )?,
                }
            }
            for note in &summary.notes {
                writeln!(out, "note: {note}")?;
            }
            if let Some(path) = written {
                writeln!(out, "bug numbers written to {}", path.display())?;
            }
        }
        Format::Json => {
            let packages: Vec<Value> = summary
                .packages
                .iter()
                .map(|(package, outcome)| {
                    let mut v = json!({
                        "package": package,
                        "result": kind(outcome),
                        "message": message(outcome, dry_run, mode),
                        "attention": needs_attention(outcome),
                    });
                    if let Some(bug) = outcome.shown_bug() {
                        v["bug"] = json!(bug);
                        if let Some(u) = url(bug, outcome) {
                            v["url"] = json!(u);
                        }
                    }
                    match outcome {
                        batch::Outcome::Filed(f) => {
                            v["product"] = json!(f.product);
                            v["version"] = json!(f.version);
                            if !f.earlier.is_empty() {
                                let earlier = f.earlier.iter().map(|(bug, resolution)| {
                                    json!({"bug": bug, "resolution": resolution})
                                });
                                v["asked_again"] = earlier.collect();
                            }
                        }
                        batch::Outcome::InBodhi { alias, status } => {
                            v["update"] = json!({"alias": alias, "status": status.as_str()});
                        }
                        batch::Outcome::Retired { branch } => v["branch"] = json!(branch),
                        batch::Outcome::ClosedBefore { resolution, .. } => {
                            v["resolution"] = json!(resolution);
                            v["declined"] = json!(is_declined(resolution));
                        }
                        batch::Outcome::Failed(e) => v["error"] = json!(e),
                        _ => {}
                    }
                    v
                })
                .collect();
            let links: Vec<Value> = summary
                .links
                .iter()
                .map(|l| json!({"bug": l.bug, "depends_on_added": l.added, "error": l.error}))
                .collect();
            let mut doc = json!({
                "target": target.as_str(),
                "dry_run": dry_run,
                "packages": packages,
                "links": links,
                "notes": summary.notes,
                "report_written": written.map(|p| p.display().to_string()),
                "attention": attention,
            });
            if let Some(requests) = dry_run_json(clients) {
                doc["http_requests"] = requests;
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
    }
    out.flush()?;
    Ok(Outcome::found_if(attention))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epel_branches_only() {
        for ok in ["epel9", "epel10", "epel10.1"] {
            assert!(is_epel_branch(ok), "{ok}");
        }
        for bad in ["rawhide", "f43", "epel", "epel10.", "epelX", "el10"] {
            assert!(!is_epel_branch(bad), "{bad}");
        }
    }
}
