//! Rendering a closure as the report file (ebranch 0.0.3's JSON, extended) and as TSV.

use ebranch_report::key::{
    ALTERNATIVES, Alternatives, BASE, BINARIES, BOOTSTRAP, BREAKS, BUILD, BUILDROOT, CLASS, COMPAT,
    CONDITIONS, Deps, EVR, INSTALL, OPERANDS, PROVIDERS, ROOT, SKIP, Truthy, UNRESOLVABLE,
};
use ebranch_report::{Entry, Report, UNKNOWN};

use crate::closure::{Closure, NeededSource};

/// The closure as an ebranch 0.0.3 report: an entry per source package with its
/// BuildRequires edges under `build` (unresolvable ones under [`UNKNOWN`], as 0.0.3 does),
/// and the extra keys 0.0.3 preserves: `install` (install-time edges, per source), `class`,
/// `breaks` and `compat` (incompatible updates), `base` (what the base lacks), `evr`, `root`,
/// `skip`, `unresolvable`, `bootstrap`, `alternatives`, `providers`, and the binary-level
/// facts `buildroot`, `binaries`, `operands` and `conditions` (see `ebranch_report::key`).
pub fn closure_report(closure: &Closure) -> Report {
    let mut report = Report::new();
    for (name, source) in &closure.sources {
        report.packages.insert(name.clone(), entry(source));
    }
    report
}

/// One source's entry, keys in the order of `ebranch_report::key::ALL`.
fn entry(source: &NeededSource) -> Entry {
    let mut e = Entry::new();
    if source.skip {
        e.set(&SKIP, Truthy(true));
    } else {
        let mut build = deps(&source.build);
        if !source.unresolvable.is_empty() {
            build.insert(
                UNKNOWN.to_owned(),
                source.unresolvable.iter().cloned().collect(),
            );
        }
        e.set(&BUILD, build);
    }
    if !source.install.is_empty() {
        e.set(&INSTALL, deps(&source.install));
    }
    if let Some(class) = source.class {
        e.set(&CLASS, class);
    }
    if !source.impact.breaks.is_empty() {
        let breaks = source
            .impact
            .breaks
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
            .collect();
        e.set(&BREAKS, breaks);
    }
    if let Some(compat) = &source.impact.compat {
        e.set(&COMPAT, compat.clone());
    }
    if !source.impact.base.is_empty() {
        let base = serde_json::to_value(&source.impact.base).expect("base gaps serialize");
        e.set(&BASE, base);
    }
    if let Some(evr) = &source.evr {
        e.set(&EVR, evr.clone());
    }
    if source.root {
        e.set(&ROOT, true);
    }
    if !source.unresolvable.is_empty() {
        e.set(&UNRESOLVABLE, source.unresolvable.iter().cloned().collect());
    }
    if !source.bootstrap.is_empty() {
        e.set(&BOOTSTRAP, source.bootstrap.iter().cloned().collect());
    }
    if !source.alternatives.is_empty() {
        let alternatives = source.alternatives.iter().map(|(dep, a)| {
            let a = Alternatives {
                chosen: a.chosen.clone(),
                others: a.others.clone(),
            };
            (dep.clone(), a)
        });
        e.set(&ALTERNATIVES, alternatives.collect());
    }
    if !source.providers.is_empty() {
        let providers = source.providers.iter().map(|(d, p)| (d.clone(), p.clone()));
        e.set(&PROVIDERS, providers.collect());
    }
    if !source.skip {
        e.set(&BUILDROOT, deps(&source.buildroot));
        let binaries = source
            .binaries
            .iter()
            .map(|(b, pulls)| (b.clone(), deps(pulls)));
        e.set(&BINARIES, binaries.collect());
    }
    if !source.operands.is_empty() {
        let operands = source.operands.iter().map(|(dep, picks)| {
            let picks = picks.iter().map(|(o, p)| (o.clone(), p.clone()));
            (dep.clone(), picks.collect())
        });
        e.set(&OPERANDS, operands.collect());
    }
    if !source.conditions.is_empty() {
        let conditions = source
            .conditions
            .iter()
            .map(|(d, r)| (d.clone(), r.clone()));
        e.set(&CONDITIONS, conditions.collect());
    }
    e
}

fn deps<'a>(
    edges: impl IntoIterator<Item = (&'a String, &'a std::collections::BTreeSet<String>)>,
) -> Deps {
    edges
        .into_iter()
        .map(|(provider, deps)| (provider.clone(), deps.iter().cloned().collect()))
        .collect()
}

/// The closure's rows as `solv_oracle.py closure` prints them: sorted
/// `needed<TAB>needed-by<TAB>dep` lines, each ending in a newline.
pub fn rows_tsv(closure: &Closure) -> String {
    let mut out = String::new();
    for row in &closure.rows {
        out.push_str(&row.needed);
        out.push('\t');
        out.push_str(&row.needed_by);
        out.push('\t');
        out.push_str(&row.dep);
        out.push('\n');
    }
    out
}
