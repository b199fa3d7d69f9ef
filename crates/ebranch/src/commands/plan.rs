//! `ebranch plan`: chain-build layers, cycles and bootstrap hints.

use std::path::Path;

use anyhow::Result;
use clap::{Args, ValueEnum};
use ebranch_analysis::closure_report;
use ebranch_fedora::time::Timestamp;
use ebranch_plan::{
    GraphModel, PlanOptions, binary_graph_from_report, bootstrap_signs,
    buildroot_graph_from_report, chain_build_string, graph_dot, plan, plan_explanation, plan_json,
    side_tag_script,
};
use ebranch_report::Report;

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::missing::{DepsArgs, compute};
use crate::commands::report::{effort_name, page};
use crate::commands::request::connect::ServiceArgs;
use crate::output::{emit, printable};
use crate::universe::UniverseArgs;

/// Output formats of `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// The `fedpkg chain-build` string: `a b : c : d` (ebranch 0.0.3's form).
    Chain,
    /// A side-tag build script: request a side tag, build each layer, wait for the repo.
    Script,
    /// Layers, cycles with bootstrap hints, blocked packages.
    Json,
    /// A Graphviz graph with one cluster per layer.
    Dot,
    /// One self-contained HTML page (see `ebranch report`).
    Html,
}

/// `ebranch plan`
#[derive(Args, Debug)]
pub struct PlanArgs {
    /// A report file (from `ebranch missing --format json`), or source packages whose
    /// closure is computed first.
    #[arg(required = true, value_name = "REPORT|PKG")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub universe: UniverseArgs,
    /// With packages: which dependencies to follow (see `missing --help`).
    #[command(flatten)]
    pub deps: DepsArgs,
    /// With packages: leave a source package out; repeatable.
    #[arg(long, value_name = "PKG")]
    pub skip: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Chain)]
    pub format: PlanFormat,
    /// The branch the side-tag script builds for (default: `--target`, else `epel10`).
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
    /// Elementary cycles listed per strongly connected component, at most (and at most
    /// 2^20 packages summed over a component's listed cycles).
    #[arg(long, default_value_t = 100)]
    pub max_cycles: usize,
    /// A package known to have a bootstrap mode (a `%bcond` that drops its dependencies
    /// inside its cycle): preferred in bootstrap sets; repeatable.
    #[arg(long = "bootstrap", value_name = "PKG")]
    pub bootstrap: Vec<String>,
    /// Also list, on stderr, every dependency each bootstrap build drops, edge by edge.
    #[arg(short, long)]
    pub verbose: bool,
    /// Write the output to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(args: PlanArgs, global: &GlobalArgs) -> Result<Outcome> {
    let report = match args.inputs.as_slice() {
        [one] if Path::new(one).is_file() => Report::load(Path::new(one))?,
        packages => closure_report(&compute(
            packages,
            &args.universe,
            &args.deps,
            &args.skip,
            global,
        )?),
    };
    let graph = buildroot_graph_from_report(&report);
    for name in &args.bootstrap {
        if !graph.packages.contains(name) {
            eprintln!(
                "warning: --bootstrap {}: no such package to build in this plan",
                printable(name)
            );
        }
    }
    let options = PlanOptions {
        max_cycles_per_component: args.max_cycles,
        known_bootstrap: args.bootstrap.iter().cloned().collect(),
        bootstrap_signs: bootstrap_signs(&report),
        binaries: binary_graph_from_report(&report, &graph),
        ..PlanOptions::default()
    };
    let result = plan(&graph, &options);
    eprint!("{}", printable(&plan_explanation(&result, args.verbose)));
    let text = match args.format {
        PlanFormat::Chain => format!("{}\n", chain_build_string(&result)),
        PlanFormat::Script => {
            let branch = args
                .branch
                .clone()
                .or_else(|| args.universe.target.clone())
                .unwrap_or_else(|| "epel10".to_owned());
            side_tag_script(&result, &branch)
        }
        PlanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&plan_json(&result))?;
            s.push('\n');
            s
        }
        PlanFormat::Dot => graph_dot(&GraphModel::new(
            &report,
            &graph,
            &result,
            &Default::default(),
        )),
        PlanFormat::Html => {
            let title = format!("ebranch plan: {}", effort_name(&report));
            let date = match args.inputs.as_slice() {
                [one] if Path::new(one).is_file() => format!("report {one}"),
                _ => format!("computed {}", Timestamp::now()),
            };
            page(
                &report,
                &graph,
                &result,
                &ServiceArgs::default(),
                &title,
                &date,
            )?
        }
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::found_if(
        !(result.cycles.is_empty() && result.blocked.is_empty()),
    ))
}
