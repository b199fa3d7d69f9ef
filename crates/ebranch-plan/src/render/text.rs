//! What a packager must handle by hand, in words: each cycle group's bootstrap recipe and
//! the blocked packages.

use std::fmt::Write;

use super::set_bound;
use crate::model::{Bootstrap, CycleGroup, Need, Plan, Stack};

/// Needs listed per bootstrapped package, and dependency strings per need, unless verbose.
const SHOWN: usize = 4;

/// The plan's cycle groups and blocked packages, one paragraph each: per group its size,
/// its bootstrap set, what each bootstrap build drops, the order of the rest of the group
/// and the rebuilds. `verbose` lists every dropped dependency, and each dropped edge with a
/// hint. Empty when there is nothing to say.
pub fn plan_explanation(plan: &Plan, verbose: bool) -> String {
    let mut out = String::new();
    let total = plan.cycles.len();
    for (li, layer) in plan.layers.iter().enumerate() {
        for &c in &layer.cycles {
            if let Some(group) = plan.cycles.get(c) {
                group_text(&mut out, c + 1, total, li + 1, group, verbose);
            }
        }
    }
    for (name, deps) in &plan.blocked {
        let _ = writeln!(
            out,
            "blocked: {name} needs what nothing provides: {}",
            deps.join(", ")
        );
    }
    out
}

fn group_text(
    out: &mut String,
    number: usize,
    total: usize,
    layer: usize,
    g: &CycleGroup,
    verbose: bool,
) {
    let _ = writeln!(
        out,
        "cycle group {number} of {total} (layer {layer}): {} package(s), listed together in one \
         layer of the chain build{}",
        g.members.len(),
        if g.truncated {
            "; its cycle list is truncated"
        } else {
            ""
        }
    );
    let quality = quality(g.exact, g.at_least);
    let _ = writeln!(
        out,
        "  1. bootstrap {} package(s) ({quality}): build each without its needs inside the group",
        g.bootstrap.len()
    );
    for b in &g.bootstrap {
        bootstrap_text(out, b, verbose);
    }
    let rest: Vec<String> = g
        .bootstrap_order
        .iter()
        .skip(1)
        .map(|sub| sub.join(" "))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "  2. then build the rest in {} sub-layer(s): {}",
            rest.len(),
            rest.join(" : ")
        );
    }
    let set: Vec<&str> = g.bootstrap.iter().map(|b| b.package.as_str()).collect();
    let _ = writeln!(
        out,
        "  {}. then rebuild normally: {}",
        if rest.is_empty() { 2 } else { 3 },
        set.join(" ")
    );
    if let Some(stack) = &g.stack {
        stack_text(out, stack, g.members.len(), verbose);
    }
    if verbose {
        for hint in &g.break_edges {
            let _ = writeln!(out, "  edge: {} [{}]", hint.hint, hint.reason);
        }
    }
}

/// A set's quality in the text: the bound, marked heuristic when it is not a minimum.
fn quality(exact: bool, at_least: usize) -> String {
    let bound = set_bound(exact, at_least);
    if exact {
        bound
    } else {
        format!("heuristic; {bound}")
    }
}

/// The stack alternative: the bundle, what is left to bootstrap, the rest.
fn stack_text(out: &mut String, s: &Stack, members: usize, verbose: bool) {
    let quality = quality(s.exact, s.at_least);
    let _ = writeln!(
        out,
        "  or: bootstrap the stack behind `{}` ({} of the {members} buildroots install it; {} \
         package(s)) as one bundle, as Fedora's javapackages-bootstrap does; then bootstrap {} \
         package(s) ({quality}): {}; then build the group in layers; then rebuild the stack \
         and those package(s) normally",
        s.binary,
        s.installed_by,
        s.packages.len(),
        s.bootstrap.len(),
        if s.bootstrap.is_empty() {
            "none".to_owned()
        } else {
            s.bootstrap.join(" ")
        },
    );
    if verbose {
        let _ = writeln!(out, "     stack: {}", s.packages.join(" "));
    } else {
        let _ = writeln!(
            out,
            "     stack: --verbose or --format json lists its packages"
        );
    }
}

fn bootstrap_text(out: &mut String, b: &Bootstrap, verbose: bool) {
    let _ = writeln!(out, "     {}: {}", b.package, b.why);
    let shown = if verbose { b.drop.len() } else { SHOWN };
    for need in b.drop.iter().take(shown) {
        let _ = writeln!(out, "       drop: {}", need_text(need, verbose));
    }
    if b.drop.len() > shown {
        let _ = writeln!(
            out,
            "       drop: ... and the needs on {} more group member(s) (--verbose lists them)",
            b.drop.len() - shown
        );
    }
}

/// `` on `b`: `b-devel`, what pulls in `libb.so.1` ``.
fn need_text(need: &Need, verbose: bool) -> String {
    let mut deps: Vec<String> = need.build.iter().map(|d| format!("`{d}`")).collect();
    deps.extend(need.install.iter().map(|d| format!("what pulls in `{d}`")));
    let shown = if verbose { deps.len() } else { SHOWN.min(3) };
    let more = deps.len().saturating_sub(shown);
    deps.truncate(shown);
    if more > 0 {
        deps.push(format!("and {more} more"));
    }
    if deps.is_empty() {
        deps.push("its dependencies".to_owned());
    }
    let tooling = if need.tooling.is_empty() {
        String::new()
    } else {
        format!(" ({} tooling)", need.tooling)
    };
    format!("on `{}`: {}{tooling}", need.needs, deps.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{BuildGraph, Edge, EdgeKind};
    use crate::model::PlanOptions;
    use crate::plan::plan;

    fn sample() -> Plan {
        let e = |from, to, dep: &str, kind| Edge {
            from,
            to,
            deps: vec![dep.to_owned()],
            kind,
        };
        let g = BuildGraph {
            packages: ["app", "lib", "plugin"].map(String::from).to_vec(),
            edges: vec![
                e(0, 1, "lib-devel", EdgeKind::Build),
                e(1, 2, "python3dist(pytest-plugin)", EdgeKind::Build),
                e(2, 1, "lib-devel", EdgeKind::Build),
            ],
            unresolved: vec![crate::graph::Unresolved {
                package: 0,
                deps: vec!["nothing".into()],
            }],
        };
        plan(&g, &PlanOptions::default())
    }

    #[test]
    fn explains_the_recipe_then_the_blocked() {
        assert_eq!(
            plan_explanation(&sample(), false),
            "cycle group 1 of 1 (layer 1): 2 package(s), listed together in one layer of the \
             chain build\n  \
             1. bootstrap 1 package(s) (a minimum set): build each without its needs inside \
             the group\n     \
             lib: needs only test tooling inside the group (a %bcond most specs have)\n       \
             drop: on `plugin`: `python3dist(pytest-plugin)` (test tooling)\n  \
             2. then build the rest in 1 sub-layer(s): plugin\n  \
             3. then rebuild normally: lib\n\
             blocked: app needs what nothing provides: nothing\n"
        );
    }

    #[test]
    fn verbose_adds_the_edges() {
        let text = plan_explanation(&sample(), true);
        assert!(text.contains(
            "  edge: build `lib` first without `python3dist(pytest-plugin)` (bcond/bootstrap), \
             then `plugin`, then rebuild `lib` [test-only build dependency]\n"
        ));
    }

    #[test]
    fn a_stack_is_offered_after_the_per_package_recipe() {
        let mut p = sample();
        p.cycles[0].stack = Some(Stack {
            binary: "hub".into(),
            installed_by: 2,
            packages: vec!["lib".into(), "plugin".into()],
            bootstrap: vec![],
            exact: true,
            at_least: 0,
        });
        let text = plan_explanation(&p, false);
        let per_package = text.find("3. then rebuild normally: lib\n").unwrap();
        let stack = text
            .find(
                "  or: bootstrap the stack behind `hub` (2 of the 2 buildroots install it; 2 \
                 package(s)) as one bundle, as Fedora's javapackages-bootstrap does; then \
                 bootstrap 0 package(s) (a minimum set): none; then build the group in layers; \
                 then rebuild the stack and those package(s) normally\n",
            )
            .unwrap();
        assert!(per_package < stack);
        assert!(plan_explanation(&p, true).contains("     stack: lib plugin\n"));
    }

    #[test]
    fn long_lists_are_cut_unless_verbose() {
        let need = Need {
            needs: "x".into(),
            build: (0..5).map(|i| format!("d{i}")).collect(),
            install: vec![],
            tooling: String::new(),
        };
        assert_eq!(
            need_text(&need, false),
            "on `x`: `d0`, `d1`, `d2`, and 2 more"
        );
        assert_eq!(
            need_text(&need, true),
            "on `x`: `d0`, `d1`, `d2`, `d3`, `d4`"
        );
    }
}
