//! `ebranch stats`: a packager's Bodhi updates per month and per ecosystem (the "new EPEL
//! packages per month" chart), or when the packages of an effort's report reached stable.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use ebranch_fedora::bodhi::{Bodhi, BodhiClient, DEFAULT_BODHI_URL, release_for_branch};
use ebranch_fedora::report::Report;
use ebranch_fedora::stats::render::{self, TextStyle};
use ebranch_fedora::stats::{By, Stats, UpdateQuery, next_day, parse_date};
use ebranch_fedora::transport::UreqTransport;
use ebranch_fedora::url::ServiceUrl;

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::output::emit;

/// `ebranch stats`
#[derive(Args, Debug)]
pub struct StatsArgs {
    /// The submitter whose updates are counted (FAS name; repeatable). Needed unless
    /// `--report` is given.
    #[arg(long = "user", value_name = "FAS", required_unless_present = "report")]
    pub users: Vec<String>,
    /// The Bodhi release (`EPEL-9`, `EPEL-10.1`, `F43`; repeatable). A dist-git branch
    /// (`epel10`) is looked up in Bodhi's releases.
    #[arg(long = "release", value_name = "RELEASE", required = true)]
    pub releases: Vec<String>,
    /// Only updates submitted on or after this day (YYYY-MM-DD), as Bodhi's
    /// `submitted_since`.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only updates submitted on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only updates of this type (`newpackage`, `bugfix`, `enhancement`, `security`;
    /// repeatable).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Only updates in this status (`stable`, `testing`, `pending`, `obsolete`,
    /// `unpushed`; repeatable).
    #[arg(long = "status", value_name = "STATUS")]
    pub statuses: Vec<String>,
    /// The date that places an update in a month.
    #[arg(long, value_enum, default_value_t = ByArg::Stable)]
    pub by: ByArg,
    /// Count the packages of this report (from `ebranch missing --format json`) instead:
    /// how many reached stable in the release, and in which month.
    #[arg(long, value_name = "REPORT")]
    pub report: Option<PathBuf>,
    /// Output format: text with a bar chart per month, JSON, CSV, or an HTML page with an
    /// SVG chart.
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
    /// Draw the text chart with `#` (the default when stdout is not a terminal).
    #[arg(long)]
    pub ascii: bool,
    /// Write the output to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Bodhi base URL.
    #[arg(long, value_name = "URL", env = "EBRANCH_BODHI_URL", default_value = DEFAULT_BODHI_URL)]
    pub bodhi_url: String,
}

/// `--by`
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// The month the update reached stable (`date_stable`).
    Stable,
    /// The month it was submitted (`date_submitted`).
    Submitted,
}

/// `--format`
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Text with a bar chart.
    Text,
    /// One JSON object.
    Json,
    /// One row per month.
    Csv,
    /// An HTML page with an SVG chart and a table.
    Html,
}

/// Package names per `/updates/?packages=` request in `--report` mode (URL length).
const PACKAGES_PER_QUERY: usize = 50;

/// Runs the command.
pub fn run(args: StatsArgs, global: &GlobalArgs) -> Result<Outcome> {
    let base = ServiceUrl::parse(&args.bodhi_url).context("--bodhi-url")?;
    if global.offline && !base.is_loopback() {
        bail!("--offline: this command needs {base}");
    }
    let client = BodhiClient::new(base, Arc::new(UreqTransport::new()));
    let mut query = UpdateQuery {
        releases: release_names(&client, &args.releases)?,
        users: args.users.clone(),
        types: args.types.clone(),
        statuses: args.statuses.clone(),
        ..UpdateQuery::default()
    };
    let mut span = Vec::new();
    if let Some(since) = &args.since {
        let day =
            parse_date(since).with_context(|| format!("--since {since:?}: want YYYY-MM-DD"))?;
        span.push(day[..7].to_string());
        query.submitted_since = Some(day);
    }
    if let Some(until) = &args.until {
        let day =
            parse_date(until).with_context(|| format!("--until {until:?}: want YYYY-MM-DD"))?;
        span.push(day[..7].to_string());
        query.submitted_before = next_day(&day);
    }
    let stats = match &args.report {
        None => {
            let updates = client.query_updates(&query)?;
            let by = match args.by {
                ByArg::Stable => By::Stable,
                ByArg::Submitted => By::Submitted,
            };
            Stats::of_updates(query, by, &updates, &span)
        }
        Some(path) => {
            let report = Report::load(path)?;
            let packages: Vec<String> = report
                .packages
                .iter()
                .filter(|(name, entry)| *name != ebranch_fedora::report::UNKNOWN && !entry.skip())
                .map(|(name, _)| name.clone())
                .collect();
            let mut updates = Vec::new();
            for chunk in packages.chunks(PACKAGES_PER_QUERY) {
                let mut batch = query.clone();
                batch.packages = chunk.to_vec();
                updates.extend(client.query_updates(&batch)?);
            }
            Stats::of_report(query, &packages, &updates, &span)
        }
    };
    let text = match args.format {
        StatsFormat::Text => render::text(&stats, text_style(&args)),
        StatsFormat::Json => render::json(&stats),
        StatsFormat::Csv => render::csv(&stats),
        StatsFormat::Html => render::html(&stats),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::Clean)
}

/// Unicode blocks on a terminal, `#` otherwise or with `--ascii`.
fn text_style(args: &StatsArgs) -> TextStyle {
    let terminal = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var("TERM").map_or(true, |t| t != "dumb");
    TextStyle {
        unicode: terminal && !args.ascii,
        ..TextStyle::default()
    }
}

/// Bodhi release names: `EPEL-9` as given; a dist-git branch (`epel10`, all lower case)
/// becomes the release whose branch it is.
fn release_names(client: &BodhiClient, given: &[String]) -> Result<Vec<String>> {
    if given
        .iter()
        .all(|r| r.chars().any(|c| c.is_ascii_uppercase()))
    {
        return Ok(given.to_vec());
    }
    let releases = client.releases().context("looking up Bodhi's releases")?;
    given
        .iter()
        .map(|r| {
            if r.chars().any(|c| c.is_ascii_uppercase()) {
                return Ok(r.clone());
            }
            release_for_branch(&releases, r)
                .map(|found| found.name.clone())
                .with_context(|| format!("no active Bodhi release has the branch {r:?}"))
        })
        .collect()
}
