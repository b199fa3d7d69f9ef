//! `ebranch report`: one self-contained HTML page for the whole effort; and the page that
//! `missing`, `plan` and `status` write with `--format html`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ebranch_fedora::request::bug_url;
use ebranch_fedora::status::{PackageStatus, RequestState};
use ebranch_fedora::time::Timestamp;
use ebranch_fedora::url::{ServiceUrl, encode};
use ebranch_plan::{BuildGraph, GraphModel, NodeLinks, NodeStatus, PageInfo, Plan, html_page};
use ebranch_report::Report;

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::request::connect::ServiceArgs;
use crate::output::emit;

/// `ebranch report`
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The report (from `ebranch missing --format json`; with bugs and states once
    /// `request --report` and `status` have run).
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Write the page to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Where the page's links to bugs, dist-git and Bodhi point.
    #[command(flatten)]
    pub services: ServiceArgs,
}

/// Runs the command.
pub fn run(args: ReportArgs, _global: &GlobalArgs) -> Result<Outcome> {
    let report = Report::load(&args.report)?;
    let written = std::fs::metadata(&args.report)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| Timestamp::from_unix_seconds(d.as_secs() as i64))
        .map(|t| format!("report written {t}"));
    let data_date = newest_check(&report)
        .or(written)
        .unwrap_or_else(|| "unknown".to_owned());
    let title = format!("ebranch: {}", effort_name(&report));
    let planned = ebranch_plan::buildroot_graph_from_report(&report);
    let options = ebranch_plan::PlanOptions {
        bootstrap_signs: ebranch_plan::bootstrap_signs(&report),
        ..ebranch_plan::PlanOptions::default()
    };
    let plan = ebranch_plan::plan(&planned, &options);
    let page = page(&report, &planned, &plan, &args.services, &title, &data_date)?;
    emit(args.output.as_deref(), &page)?;
    Ok(Outcome::Clean)
}

/// The HTML page of `report` with the edges of `graph` in the layers of `plan`, linking to
/// the services of `urls`.
pub fn page(
    report: &Report,
    graph: &BuildGraph,
    plan: &Plan,
    urls: &ServiceArgs,
    title: &str,
    data_date: &str,
) -> Result<String> {
    let bugzilla = ServiceUrl::parse(&urls.bugzilla_url).context("--bugzilla-url")?;
    let dist_git = ServiceUrl::parse(&urls.distgit_url).context("--distgit-url")?;
    let bodhi = ServiceUrl::parse(&urls.bodhi_url).context("--bodhi-url")?;
    let mut model = GraphModel::new(report, graph, plan, &statuses(report));
    for node in &mut model.nodes {
        let update = node.status.as_ref().and_then(|s| s.update.as_ref());
        node.links = NodeLinks {
            bug: node.bug.map(|id| bug_url(bugzilla.as_str(), id)),
            dist_git: Some(dist_git.join(&format!("/rpms/{}", encode(&node.name)))),
            update: update.map(|(alias, _)| bodhi.join(&format!("/updates/{}", encode(alias)))),
        };
    }
    let info = PageInfo {
        title: title.to_owned(),
        data_date: data_date.to_owned(),
        generator: format!("ebranch {}", env!("CARGO_PKG_VERSION")),
    };
    Ok(html_page(&model, &info))
}

/// The roots of the effort, or its size.
pub fn effort_name(report: &Report) -> String {
    let roots: Vec<&str> = report
        .names()
        .filter(|n| report.packages[*n].get(&ebranch_report::key::ROOT) == Some(true))
        .collect();
    if roots.is_empty() {
        format!("{} packages", report.len())
    } else {
        roots.join(" ")
    }
}

/// The last `ebranch status` of each package, as the page shows it.
fn statuses(report: &Report) -> BTreeMap<String, NodeStatus> {
    let mut out = BTreeMap::new();
    for name in report.names() {
        let Some(status) = report.packages[name]
            .status()
            .and_then(|v| serde_json::from_value::<PackageStatus>(v.clone()).ok())
        else {
            continue;
        };
        let request = status.request.as_ref().map(|r| {
            let state = match r.state {
                RequestState::Open => "open",
                RequestState::Stalled => "stalled",
                RequestState::Closed => "closed",
            };
            let bugzilla = [r.bug_status.as_str(), r.resolution.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (state.to_owned(), bugzilla)
        });
        out.insert(
            name.to_owned(),
            NodeStatus {
                state: status.state.as_str().to_owned(),
                done: status.state.is_done(),
                request,
                update: status.update.map(|u| (u.alias, u.status)),
                checked: status.checked.to_string(),
            },
        );
    }
    out
}

/// "status checked …" with the newest check of the report, if any.
fn newest_check(report: &Report) -> Option<String> {
    report
        .packages
        .values()
        .filter_map(|e| e.status())
        .filter_map(|v| serde_json::from_value::<PackageStatus>(v.clone()).ok())
        .map(|s| s.checked)
        .max_by_key(|t| t.unix_seconds())
        .map(|t| format!("status checked {t}"))
}
