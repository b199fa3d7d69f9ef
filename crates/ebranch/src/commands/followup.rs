//! `ebranch follow-up`: the Stalled EPEL Requests policy for the requests of a report.
//! A week without an answer earns one reminder (a comment and a needinfo on the
//! assignee); two weeks after that, the text of the releng ticket is printed.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use ebranch_fedora::branch::Branch;
use ebranch_fedora::followup::{Action, Assessment, FollowUp, FollowUpOptions, follow_up};
use ebranch_fedora::report::Report;
use ebranch_fedora::services::Clients;
use serde_json::{Value, json};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::request::WriteArgs;
use crate::commands::request::connect::{
    self, AS_OF_HELP, Access, Format, ServiceArgs, dry_run_json, dry_run_text, url_of,
};
use crate::output::stdout;

/// `ebranch follow-up`
#[derive(Args, Debug)]
pub struct FollowUpArgs {
    /// The report whose requests (`bug` keys, written by `ebranch request --report`) are
    /// followed up.
    #[arg(value_name = "FILE")]
    pub report: PathBuf,
    /// The EPEL branch the requests are for.
    #[arg(long, value_name = "BRANCH", default_value = "epel10")]
    pub target: String,
    /// Your FAS account: offered as co-maintainer in the reminder, named in the releng
    /// ticket (without it, the escalation is a call for volunteers on epel-devel).
    #[arg(short = 'f', long, value_name = "FAS")]
    pub fas: Option<String>,
    /// Your Bugzilla login, when it is not the reporter of the requests (adopted ones):
    /// your own comments are not answers.
    #[arg(long, value_name = "LOGIN")]
    pub me: Option<String>,
    #[arg(long, value_name = "TIME", help = AS_OF_HELP)]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub output: WriteArgs,
    #[command(flatten)]
    pub services: ServiceArgs,
}

/// Runs the command.
pub fn run(args: FollowUpArgs, global: &GlobalArgs) -> Result<Outcome> {
    let now = connect::as_of(args.as_of.as_deref())?;
    let report = Report::load(&args.report)?;
    let dry_run = args.output.dry_run;
    let clients = connect::connect(&args.services, global, Access::Write { dry_run })?;
    let options = FollowUpOptions {
        target: Branch::new(&args.target),
        fas: args.fas.clone(),
        me: args.me.clone(),
        bugzilla_url: clients.bugzilla_url.as_str().to_owned(),
        now,
    };
    let results = follow_up(&clients.bugzilla, &clients.dist_git, &report, &options)?;
    let attention = results
        .iter()
        .any(|r| r.assessment.is_stalled() || r.error.is_some());

    let mut out = stdout();
    match args.output.format {
        Format::Text => {
            out.write_all(dry_run_text(&clients).as_bytes())?;
            if results.is_empty() {
                writeln!(out, "no requests in {} yet", args.report.display())?;
            }
            for r in &results {
                writeln!(out, "{}", line(r, &clients, dry_run))?;
            }
            for r in &results {
                if let Action::Escalate(ticket) = &r.action {
                    writeln!(
                        out,
                        "\n--- escalation for {} (open it at {})",
                        r.package, ticket.destination
                    )?;
                    writeln!(out, "Title: {}\n\n{}\n---", ticket.title, ticket.body)?;
                }
            }
        }
        Format::Json => {
            let items: Vec<Value> = results.iter().map(|r| item(r, &clients, dry_run)).collect();
            let mut doc = json!({
                "target": options.target.as_str(),
                "as_of": now,
                "dry_run": dry_run,
                "requests": items,
                "attention": attention,
            });
            if let Some(requests) = dry_run_json(&clients) {
                doc["http_requests"] = requests;
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
    }
    out.flush()?;
    Ok(Outcome::found_if(attention))
}

/// What was (or would be) done, in words.
fn action_text(action: &Action, dry_run: bool) -> Option<String> {
    match action {
        Action::Nothing => None,
        Action::Pinged { needinfo } => {
            let verb = if dry_run { "would remind" } else { "reminded" };
            Some(match needinfo {
                Some(who) => format!("{verb}: comment and needinfo on {who}"),
                None => format!("{verb}: comment (no assignee for a needinfo)"),
            })
        }
        Action::Escalate(_) => Some("open the escalation below".to_owned()),
    }
}

/// One line per request.
fn line(r: &FollowUp, clients: &Clients, dry_run: bool) -> String {
    let mut text = format!("{}: bug {} {}", r.package, r.bug, r.assessment);
    if let Some(action) = action_text(&r.action, dry_run) {
        text.push_str(&format!("; {action}"));
    }
    if let Some(e) = &r.error {
        text.push_str(&format!("; error: {e}"));
    }
    text.push_str(&format!("  {}", url_of(clients, r.bug)));
    text
}

/// The assessment's name and dates.
fn assessment_json(a: &Assessment) -> Value {
    match a {
        Assessment::Closed { resolution } => json!({"state": "closed", "resolution": resolution}),
        Assessment::Answered { at } => json!({"state": "answered", "at": at}),
        Assessment::Waiting { ping_due } => json!({"state": "waiting", "reminder_due": ping_due}),
        Assessment::PingDue => json!({"state": "reminder-due"}),
        Assessment::Pinged { at, escalate_due } => {
            json!({"state": "reminded", "at": at, "escalation_due": escalate_due})
        }
        Assessment::EscalationDue { pinged_at } => {
            json!({"state": "escalation-due", "reminded_at": pinged_at})
        }
    }
}

/// One request as JSON.
fn item(r: &FollowUp, clients: &Clients, dry_run: bool) -> Value {
    let action = match &r.action {
        Action::Nothing => json!({"kind": "nothing"}),
        Action::Pinged { needinfo } => {
            json!({"kind": "reminded", "needinfo": needinfo, "sent": !dry_run})
        }
        Action::Escalate(t) => json!({"kind": "escalate", "ticket": {
            "destination": t.destination, "title": t.title, "body": t.body}}),
    };
    let mut assessment = assessment_json(&r.assessment);
    assessment["message"] = json!(r.assessment.to_string());
    json!({
        "package": r.package,
        "bug": r.bug,
        "url": url_of(clients, r.bug),
        "assessment": assessment,
        "stalled": r.assessment.is_stalled(),
        "action": action,
        "error": r.error,
    })
}
