//! `ebranch missing`: what must be built in the target before the roots can be built.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::Result;
use clap::{Args, ValueEnum};
use ebranch_analysis::{
    BaseStatus, Class, Closure, ClosureOptions, NeededSource, Resolver, check_roots, closure,
    closure_report, rows_tsv,
};

use ebranch_fedora::time::Timestamp;
use ebranch_plan::{
    GraphModel, ModelEdges, PlanOptions, bootstrap_signs, buildroot_graph_from_report, graph_dot,
    plan,
};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::report::{effort_name, page};
use crate::commands::request::connect::ServiceArgs;
use crate::output::emit_colored;
use crate::universe::{UniverseArgs, load_universe};

/// Output formats of `missing`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MissingFormat {
    /// A readable summary.
    Text,
    /// The report file (ebranch 0.0.3's JSON, with extra keys).
    Json,
    /// `needed<TAB>needed-by<TAB>dep` rows, as `solv_oracle.py closure` prints them.
    Tsv,
    /// A Graphviz graph of what needs what (the report's edges), in the plan's layers.
    Dot,
    /// One self-contained HTML page (see `ebranch report`).
    Html,
}

/// Which dependencies the closure follows.
#[derive(Args, Debug, Clone, Default)]
pub struct DepsArgs {
    /// Follow BuildRequires only, not the install-time Requires of the reference binaries
    /// pulled in. (Weak dependencies — Recommends, Suggests, Supplements, Enhances — are
    /// never followed.)
    #[arg(long)]
    pub no_install_deps: bool,
    /// Take install-time Requires literally (as libsolv-based tools do). By default those a
    /// rebuild in the target regenerates are looked up as it would: `python(abi)` of any
    /// version, `pythonX.Ydist(x)` as `python3dist(x)`, sonames without symbol versions.
    #[arg(long)]
    pub literal_install_deps: bool,
    /// Also pull in what a buildroot needs because a package it pulls in from the
    /// reference replaces a target package of the same name (a buildroot holds one version
    /// of each) that other target packages it keeps need: their rebuilds, or another
    /// provider. Slower; the closure can grow many times over.
    #[arg(long, conflicts_with = "no_install_deps")]
    pub coinstall: bool,
}

/// `ebranch missing`
#[derive(Args, Debug)]
pub struct MissingArgs {
    /// Source packages wanted in the target.
    #[arg(required = true, value_name = "PKG")]
    pub packages: Vec<String>,
    #[command(flatten)]
    pub universe: UniverseArgs,
    #[command(flatten)]
    pub deps: DepsArgs,
    /// Leave a source package out (neither expanded nor built); repeatable.
    #[arg(long, value_name = "PKG")]
    pub skip: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MissingFormat::Text)]
    pub format: MissingFormat,
    /// Write the output to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Computes the closure of `args.packages` in the universe of `args`.
pub fn compute(
    packages: &[String],
    universe: &UniverseArgs,
    deps: &DepsArgs,
    skip: &[String],
    global: &GlobalArgs,
) -> Result<Closure> {
    let no_install_deps = deps.no_install_deps;
    let u = load_universe(universe, global)?;
    check_roots(&u.pool, &u.roles, packages)?;
    let mut resolver =
        Resolver::new(&u.pool, &u.roles).literal_install_deps(deps.literal_install_deps);
    let options = ClosureOptions {
        install_deps: !no_install_deps,
        skip: skip.iter().cloned().collect(),
        coinstall: deps.coinstall,
    };
    Ok(closure(&mut resolver, packages, &options))
}

/// Runs the command.
pub fn run(args: MissingArgs, global: &GlobalArgs) -> Result<Outcome> {
    let result = compute(
        &args.packages,
        &args.universe,
        &args.deps,
        &args.skip,
        global,
    )?;
    let text = match args.format {
        MissingFormat::Text => {
            let color = crate::output::is_stdout(args.output.as_deref())
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            summary(&result, color)
        }
        MissingFormat::Json => closure_report(&result).to_json(),
        MissingFormat::Tsv => rows_tsv(&result),
        MissingFormat::Dot => {
            let report = closure_report(&result);
            graph_dot(&GraphModel::of_report(&report, ModelEdges::Report, &BTreeMap::new()).0)
        }
        MissingFormat::Html => {
            let report = closure_report(&result);
            let graph = buildroot_graph_from_report(&report);
            let options = PlanOptions {
                bootstrap_signs: bootstrap_signs(&report),
                ..PlanOptions::default()
            };
            let title = format!("ebranch missing: {}", effort_name(&report));
            let date = format!("computed {}", Timestamp::now());
            let urls = ServiceArgs::default();
            page(
                &report,
                &graph,
                &plan(&graph, &options),
                &urls,
                &title,
                &date,
            )?
        }
    };
    emit_colored(args.output.as_deref(), &text)?;
    let found = result.sources.values().any(|s| !s.root) || !result.rows.is_empty();
    Ok(Outcome::found_if(found))
}

/// The terminal summary: counts per class, then what needs what.
pub fn summary(result: &Closure, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut by_class: BTreeMap<Class, Vec<&str>> = BTreeMap::new();
    let mut unresolvable = 0;
    let mut bootstrap = Vec::new();
    for (name, s) in &result.sources {
        unresolvable += s.unresolvable.len();
        if !s.bootstrap.is_empty() {
            bootstrap.push(name.as_str());
        }
        if !s.root
            && let Some(class) = s.class
        {
            by_class.entry(class).or_default().push(name);
        }
    }
    let roots: Vec<&str> = result
        .sources
        .values()
        .filter(|s| s.root)
        .map(|s| s.name.as_str())
        .collect();
    let needed = result.sources.values().filter(|s| !s.root).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {needed} source package(s) to build in the target first",
        roots.join(" ")
    );
    for (class, label, code) in [
        (Class::New, "new (branch request)", "32"),
        (Class::Update, "update (EPEL update)", "33"),
        (Class::IncompatibleUpdate, "incompatible update", "31"),
        (Class::BlockedByBase, "blocked by base", "31"),
    ] {
        let names = by_class.get(&class).map(Vec::as_slice).unwrap_or(&[]);
        let _ = writeln!(
            out,
            "  {:<22} {:>4}  {}",
            paint(code, label),
            names.len(),
            names.join(" ")
        );
    }
    let _ = writeln!(
        out,
        "  {:<22} {:>4}",
        paint("35", "unresolvable deps"),
        unresolvable
    );
    if !bootstrap.is_empty() {
        let _ = writeln!(
            out,
            "  {:<22} {:>4}  {}",
            "self-cycles (bootstrap)",
            bootstrap.len(),
            bootstrap.join(" ")
        );
    }
    out.push('\n');
    for (name, s) in &result.sources {
        let class = s.class.map_or("", Class::label);
        let tag = if s.root {
            "root".to_owned()
        } else {
            class.to_owned()
        };
        let version = s.evr.as_deref().unwrap_or("(no such source package)");
        let _ = writeln!(out, "{} {} [{}]", paint("1", name), version, tag);
        for (kind, edges) in [("needs", &s.build), ("installs", &s.install)] {
            for (provider, deps) in edges {
                let deps: Vec<String> =
                    deps.iter().map(|d| with_operands(s, d, provider)).collect();
                let _ = writeln!(out, "  {kind} {provider}: {}", deps.join(", "));
            }
        }
        for (dep, readings) in &s.conditions {
            for r in readings {
                let held = if r.held { "held" } else { "absent" };
                let assumed = if r.assumed { ", assumed" } else { "" };
                let _ = writeln!(
                    out,
                    "  {dep}: condition read as {held}{assumed}: {}",
                    r.reading
                );
            }
        }
        for dep in &s.unresolvable {
            let _ = writeln!(out, "  {} {dep}", paint("35", "unresolvable:"));
        }
        for (pkg, lost) in &s.impact.breaks {
            let lost: Vec<&str> = lost.iter().map(String::as_str).collect();
            let _ = writeln!(out, "  the update breaks {pkg}: loses {}", lost.join(", "));
        }
        if let Some(compat) = &s.impact.compat {
            let _ = writeln!(out, "  keep the old version as a compat package: {compat}");
        }
        for (binary, gap) in &s.impact.base {
            let why = match gap.status {
                BaseStatus::MissingFromCrb => format!(
                    "not shipped by the base (not even in CRB): only an -epel split package ({}) built from the base's {} can ship it",
                    gap.epel_package.as_deref().unwrap_or("?"),
                    gap.base_evr
                ),
                BaseStatus::TooOldInBase => format!(
                    "the base's {} cannot provide it, and EPEL may not replace base packages",
                    gap.base_evr
                ),
                BaseStatus::InDisabledModule => {
                    "the base has it only in a module stream that is not enabled (--module)"
                        .to_owned()
                }
            };
            let _ = writeln!(out, "  {binary}: {why}");
        }
        for dep in &s.bootstrap {
            let _ = writeln!(out, "  self-provided (bootstrap): {dep}");
        }
        for (dep, alt) in &s.alternatives {
            let _ = writeln!(
                out,
                "  {dep}: chose {}, alternatives: {}",
                alt.chosen,
                alt.others.join(" ")
            );
        }
    }
    out
}

/// A dependency as the summary shows it: a rich one names the operands that pulled in a
/// binary of `provider` (`(a and b) [via b]`).
fn with_operands(s: &NeededSource, dep: &str, provider: &str) -> String {
    let Some(operands) = s.operands.get(dep) else {
        return dep.to_owned();
    };
    let via: Vec<&str> = operands
        .iter()
        .filter(|(_, pick)| pick.as_ref().is_some_and(|p| p.source == provider))
        .map(|(operand, _)| operand.as_str())
        .collect();
    if via.is_empty() || via == [dep] {
        dep.to_owned()
    } else {
        format!("{dep} [via {}]", via.join(", "))
    }
}
