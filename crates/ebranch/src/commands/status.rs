//! `ebranch status`: refresh a report from dist-git, Bodhi and Bugzilla, then plan what is
//! still missing.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use ebranch_fedora::branch::Branch;
use ebranch_fedora::report::{Class, Report, ReportFile};
use ebranch_fedora::status::{PackageStatus, RequestState, State, StatusOptions, refresh_status};
use ebranch_plan::{
    Plan, PlanOptions, buildroot_graph_from_report, chain_build_string, plan, plan_json,
};
use ebranch_report::key::{SKIP, STATUS, Truthy};
use serde_json::{Value, json};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::report::{effort_name, page};
use crate::commands::request::connect::{self, AS_OF_HELP, Access, ServiceArgs, url_of};
use crate::output::emit;

/// Output formats of `status`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// One line per package for people.
    #[default]
    Text,
    /// One JSON object for machines.
    Json,
    /// One self-contained HTML page of the effort (see `ebranch report`).
    Html,
}

/// `ebranch status`
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The report (from `ebranch missing --format json`, after `ebranch request --report`).
    /// Each entry's `status` is rewritten.
    #[arg(value_name = "FILE")]
    pub report: PathBuf,
    /// The EPEL branch the report is for.
    #[arg(long, value_name = "BRANCH", default_value = "epel10")]
    pub target: String,
    /// Your Bugzilla login, when it is not the reporter of the requests (adopted ones):
    /// your own comments are not answers.
    #[arg(long, value_name = "LOGIN")]
    pub me: Option<String>,
    #[arg(long, value_name = "TIME", help = AS_OF_HELP)]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Write the output to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub services: ServiceArgs,
}

/// Runs the command.
pub fn run(args: StatusArgs, global: &GlobalArgs) -> Result<Outcome> {
    let now = connect::as_of(args.as_of.as_deref())?;
    let (mut file, mut report) = ReportFile::open(&args.report)?;
    let clients = connect::connect(&args.services, global, Access::Read)?;
    let options = StatusOptions {
        target: Branch::new(&args.target),
        me: args.me.clone(),
        now,
    };
    let statuses = refresh_status(clients.services(), &mut report, &options)?;
    // The statuses go into the report as it is now: bug numbers a `request --report`
    // wrote meanwhile stay.
    let report = file.update(|now| {
        now.overwrite_from(&report, &STATUS);
        now.clone()
    })?;
    let remaining = remaining_plan(&report);
    let chain = chain_build_string(&remaining);
    let attention = statuses.iter().any(|(_, s)| needs_attention(s));

    let mut out = String::new();
    match args.format {
        StatusFormat::Text => {
            for (package, status) in &statuses {
                writeln!(out, "{package}: {}", describe(status, &clients))?;
            }
            if chain.is_empty() {
                writeln!(out, "remaining: nothing left to build")?;
            } else {
                writeln!(out, "remaining (chain build): {chain}")?;
            }
            for group in &remaining.cycles {
                writeln!(
                    out,
                    "  cycle: {} (needs a bootstrap; `ebranch plan {}` gives the recipe)",
                    group.members.join(" "),
                    args.report.display()
                )?;
            }
            for (name, deps) in &remaining.blocked {
                writeln!(
                    out,
                    "  blocked: {name} needs what nothing provides: {}",
                    deps.join(", ")
                )?;
            }
        }
        StatusFormat::Json => {
            let packages: Vec<Value> = statuses
                .iter()
                .map(|(package, status)| {
                    let mut v = json!({"package": package});
                    if let Value::Object(fields) = serde_json::to_value(status)? {
                        v.as_object_mut().expect("an object").extend(fields);
                    }
                    if let Some(request) = &status.request {
                        v["request"]["url"] = json!(url_of(&clients, request.bug));
                    }
                    v["attention"] = json!(needs_attention(status));
                    Ok(v)
                })
                .collect::<Result<_, serde_json::Error>>()?;
            let mut plan_doc = plan_json(&remaining);
            plan_doc["chain"] = json!(chain);
            let doc = json!({
                "target": options.target.as_str(),
                "checked": now,
                "packages": packages,
                "remaining": plan_doc,
                "attention": attention,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        StatusFormat::Html => {
            let graph = buildroot_graph_from_report(&report);
            let whole = plan(&graph, &PlanOptions::default());
            let title = format!("ebranch status: {}", effort_name(&report));
            let date = format!("status checked {now}");
            out = page(&report, &graph, &whole, &args.services, &title, &date)?;
        }
    }
    emit(args.output.as_deref(), &out)?;
    Ok(Outcome::found_if(attention))
}

/// Whether a package needs a person: nothing filed, retired, unknown to dist-git, blocked,
/// a stalled request, or an error while checking.
fn needs_attention(status: &PackageStatus) -> bool {
    matches!(
        status.state,
        State::Missing
            | State::Retired
            | State::NotInDistGit
            | State::NotRequestable
            | State::Unknown
    ) || status.error.is_some()
        || status
            .request
            .as_ref()
            .is_some_and(|r| r.state == RequestState::Stalled)
}

/// One line: the state, then the branch, update and request as far as known.
fn describe(status: &PackageStatus, clients: &ebranch_fedora::services::Clients) -> String {
    let mut parts = vec![status.state.as_str().to_owned()];
    if status.branched == Some(true) && status.state != State::Branched {
        parts.push("branched".to_owned());
    }
    if let Some(update) = &status.update {
        parts.push(format!("update {} {}", update.alias, update.status));
    }
    if let Some(r) = &status.request {
        let state = match r.state {
            RequestState::Open => "open",
            RequestState::Stalled => "stalled",
            RequestState::Closed => "closed",
        };
        let mut text = format!("bug {} {}", r.bug, r.bug_status);
        if !r.resolution.is_empty() {
            text.push_str(&format!(" {}", r.resolution));
        }
        text.push_str(&format!(" ({state})  {}", url_of(clients, r.bug)));
        parts.push(text);
    }
    if let Some(e) = &status.error {
        parts.push(format!("error: {e}"));
    }
    parts.join("; ")
}

/// The plan for what is not done yet: done packages (available, stable, skipped) count as
/// in the target, the rest is planned with `ebranch-plan`.
fn remaining_plan(report: &Report) -> Plan {
    let mut rest = report.clone();
    for entry in rest.packages.values_mut() {
        let status_done = entry
            .status()
            .and_then(|s| serde_json::from_value::<PackageStatus>(s.clone()).ok())
            .is_some_and(|s| s.state.is_done());
        if entry.class() == Some(Class::Available) || status_done {
            entry.set(&SKIP, Truthy(true));
        }
    }
    plan(&buildroot_graph_from_report(&rest), &PlanOptions::default())
}
