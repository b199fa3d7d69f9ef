//! `ebranch gap`: the whole reference against the target.

use std::fmt::Write as _;

use anyhow::Result;
use clap::{Args, ValueEnum};
use ebranch_analysis::{GapEntry, Resolver, gap};

use crate::Outcome;
use crate::cli::GlobalArgs;
use crate::commands::missing::DepsArgs;
use crate::output::emit;
use crate::universe::{UniverseArgs, load_universe};

/// Output formats of `gap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GapFormat {
    /// Totals and the top lists.
    Text,
    /// Every source: `source direct unresolvable transitive buildable-now needed-by`.
    Tsv,
    /// Every source, as JSON.
    Json,
}

/// `ebranch gap`
#[derive(Args, Debug)]
pub struct GapArgs {
    #[command(flatten)]
    pub universe: UniverseArgs,
    /// Only these source packages (needed-by counts are then over these only).
    #[arg(long, value_name = "PKG", num_args = 1..)]
    pub only: Vec<String>,
    #[command(flatten)]
    pub deps: DepsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GapFormat::Text)]
    pub format: GapFormat,
    /// Entries in each top list of the text output.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Write the output to FILE (atomically; `-` is stdout) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(args: GapArgs, global: &GlobalArgs) -> Result<Outcome> {
    if args.deps.coinstall {
        anyhow::bail!(
            "gap does not take --coinstall (it would walk every buildroot of the reference); \
             use it with missing or plan"
        );
    }
    let u = load_universe(&args.universe, global)?;
    let mut resolver =
        Resolver::new(&u.pool, &u.roles).literal_install_deps(args.deps.literal_install_deps);
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    if let Some(only) = only {
        ebranch_analysis::check_roots(&u.pool, &u.roles, only)?;
    }
    let report = gap(&mut resolver, only, !args.deps.no_install_deps);
    crate::timings::phase("gap computed");
    let text = match args.format {
        GapFormat::Tsv => {
            let mut out = String::from(
                "source\tdirect\tunresolvable\ttransitive\tbuildable-now\tneeded-by\n",
            );
            for e in &report.entries {
                tsv_row(&mut out, e);
            }
            out
        }
        GapFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        GapFormat::Text => summary(&report.entries, args.top),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::found_if(
        !(report.entries.iter().all(|e| e.buildable_now)),
    ))
}

/// One TSV row: `source direct unresolvable transitive buildable-now needed-by` (written
/// by hand: `gap` prints a row per source of a whole distribution).
fn tsv_row(out: &mut String, e: &GapEntry) {
    out.push_str(&e.source);
    for n in [e.direct, e.unresolvable, e.transitive] {
        out.push('\t');
        push_count(out, n);
    }
    out.push_str(if e.buildable_now {
        "\ttrue\t"
    } else {
        "\tfalse\t"
    });
    push_count(out, e.needed_by);
    out.push('\n');
}

/// `n` in decimal (itoa: no formatting machinery per row).
fn push_count(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn summary(entries: &[GapEntry], top: usize) -> String {
    let mut out = String::new();
    let buildable = entries.iter().filter(|e| e.buildable_now).count();
    let unresolvable = entries.iter().filter(|e| e.unresolvable > 0).count();
    let _ = writeln!(out, "{} source packages", entries.len());
    let _ = writeln!(
        out,
        "  buildable now (every BuildRequires in the target): {buildable}"
    );
    let _ = writeln!(out, "  missing something: {}", entries.len() - buildable);
    let _ = writeln!(out, "  with unresolvable BuildRequires: {unresolvable}");
    let mut by_unblock: Vec<&GapEntry> = entries.iter().filter(|e| e.needed_by > 0).collect();
    by_unblock.sort_by(|a, b| b.needed_by.cmp(&a.needed_by).then(a.source.cmp(&b.source)));
    let _ = writeln!(
        out,
        "\nbranching these would unblock the most (sources whose closure contains them):"
    );
    for e in by_unblock.iter().take(top) {
        let _ = writeln!(out, "  {:>7}  {}", e.needed_by, e.source);
    }
    let mut by_size: Vec<&GapEntry> = entries.iter().filter(|e| e.transitive > 0).collect();
    by_size.sort_by(|a, b| {
        b.transitive
            .cmp(&a.transitive)
            .then(a.source.cmp(&b.source))
    });
    let _ = writeln!(out, "\nlargest closures (sources to build first):");
    for e in by_size.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:>7}  {} ({} direct)",
            e.transitive, e.source, e.direct
        );
    }
    out
}
