//! Rich (boolean) dependencies evaluated the way a buildroot installs them.
//!
//! `whatprovides` answers a rich dependency with one provider set (libsolv's answer:
//! `(a and b)` is provided by providers of either operand). A buildroot needs more than a
//! provider: dnf hands the BuildRequires to libsolv's solver, which reads
//!
//! - `(a and b)` as needing every operand;
//! - `(a or b)` as needing one, and keeps an operand something already satisfies;
//! - `(a with b)` / `(a without b)` as needing one package that matches;
//! - `(a if c)` as needing `a` when `c` is installed, `(a if c else b)` as `b` otherwise;
//! - `(a unless c)` as needing `a` and *not* `c` (libsolv's reading: with `c` installed it
//!   cannot be met), `(a unless c else b)` as `b` when `c` is installed, else `a`.
//!
//! [`evaluate`] turns a rich dependency into the [`Need`]s a buildroot has for it: each
//! selected plain operand (or `with`/`without` expression) and where it would come from.
//! Conditions are answered by a [`Conditions`]: the closure answers them from the
//! buildroot it can see (`crate::buildroot`).

use ebranch_index::PkgId;
use ebranch_report::key::ConditionReading;
use ebranch_rpm::Requirement;

use crate::resolve::{Pick, Resolver};

/// One selected part of a rich dependency: a plain dependency or a `with`/`without`
/// expression (as libsolv prints it), and where a buildroot would take it from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Need {
    pub(crate) operand: String,
    pub(crate) pick: Pick,
}

/// Whether a condition holds in a buildroot, and why we read it so.
#[derive(Clone, Debug)]
pub(crate) struct Held {
    pub(crate) yes: bool,
    /// The answer could not be known (see [`ConditionReading::assumed`]).
    pub(crate) assumed: bool,
    pub(crate) why: String,
}

/// Answers the conditions of `if` and `unless`.
pub(crate) trait Conditions {
    fn held(&mut self, resolver: &Resolver<'_>, cond: &Requirement) -> Held;
}

/// Whether a rich dependency has an `if` or `unless` anywhere: its needs depend on the
/// buildroot.
pub(crate) fn has_condition(req: &Requirement) -> bool {
    match req {
        Requirement::If { .. } | Requirement::Unless { .. } => true,
        Requirement::Simple(_) => false,
        _ => req.operands().into_iter().any(has_condition),
    }
}

/// Conditions outside any buildroot: never held. Used only for dependencies without
/// conditions (see [`has_condition`]), and by the whole-reference gap, which has no
/// buildroot to look at.
pub(crate) struct NoBuildroot;

impl Conditions for NoBuildroot {
    fn held(&mut self, _: &Resolver<'_>, cond: &Requirement) -> Held {
        Held {
            yes: false,
            assumed: true,
            why: format!("{cond}: no buildroot to look at; read as absent"),
        }
    }
}

/// What a buildroot needs for the rich dependency `req`: the operands it selects and where
/// each comes from ([`Pick::Target`] when the target already has it). `install` says
/// whether it is an install-time Requires (looked up in its regenerated form first, see
/// [`Resolver::pick_requirement`]). Each condition met is answered by `conds` and its
/// reading appended to `readings`.
pub(crate) fn evaluate(
    resolver: &Resolver<'_>,
    req: &Requirement,
    install: bool,
    conds: &mut dyn Conditions,
    readings: &mut Vec<ConditionReading>,
) -> Vec<Need> {
    let eval = |r: &Requirement, conds: &mut dyn Conditions, readings: &mut Vec<_>| {
        evaluate(resolver, r, install, conds, readings)
    };
    match req {
        Requirement::Simple(_) | Requirement::With(_) | Requirement::Without(..) => vec![Need {
            operand: req.to_string(),
            pick: resolver.pick_requirement(req, install),
        }],
        Requirement::And(operands) => operands
            .iter()
            .flat_map(|r| eval(r, conds, readings))
            .collect(),
        Requirement::Or(operands) => {
            let evaluated: Vec<Vec<Need>> =
                operands.iter().map(|r| eval(r, conds, readings)).collect();
            choose_or(resolver, req, operands, evaluated)
        }
        Requirement::If {
            then,
            cond,
            otherwise,
        } => {
            if read(resolver, cond, conds, readings) {
                eval(then, conds, readings)
            } else {
                otherwise
                    .as_deref()
                    .map_or_else(Vec::new, |o| eval(o, conds, readings))
            }
        }
        Requirement::Unless {
            then,
            cond,
            otherwise,
        } => {
            if !read(resolver, cond, conds, readings) {
                return eval(then, conds, readings);
            }
            match otherwise.as_deref() {
                Some(o) => eval(o, conds, readings),
                // libsolv reads `(a unless c)` as "a and not c": with `c` held it cannot
                // be met.
                None => vec![Need {
                    operand: format!("{then} unless {cond}"),
                    pick: Pick::Nothing,
                }],
            }
        }
    }
}

/// Answers one condition and records the reading.
fn read(
    resolver: &Resolver<'_>,
    cond: &Requirement,
    conds: &mut dyn Conditions,
    readings: &mut Vec<ConditionReading>,
) -> bool {
    let held = conds.held(resolver, cond);
    readings.push(ConditionReading {
        condition: cond.to_string(),
        held: held.yes,
        assumed: held.assumed,
        reading: held.why,
    });
    held.yes
}

/// `or`: an operand the target already satisfies if there is one. Otherwise, when every
/// operand is one package's match (plain, `with`, `without`), the static provider rule over
/// all their reference providers (libsolv's whatprovides set, so the answer is the one the
/// oracle gives); otherwise the operand that pulls in the fewest binaries, the first on ties.
fn choose_or(
    resolver: &Resolver<'_>,
    req: &Requirement,
    operands: &[Requirement],
    evaluated: Vec<Vec<Need>>,
) -> Vec<Need> {
    if let Some(done) = evaluated
        .iter()
        .find(|needs| needs.iter().all(|n| matches!(n.pick, Pick::Target(_))))
    {
        return done.clone();
    }
    let single = operands.iter().all(|r| {
        matches!(
            r,
            Requirement::Simple(_) | Requirement::With(_) | Requirement::Without(..)
        )
    });
    if single {
        return union_rule(resolver, req, &evaluated);
    }
    evaluated
        .into_iter()
        .filter(|needs| !needs.iter().any(|n| n.pick == Pick::Nothing))
        .min_by_key(|needs| {
            needs
                .iter()
                .filter(|n| !matches!(n.pick, Pick::Target(_)))
                .count()
        })
        .unwrap_or_else(|| {
            vec![Need {
                operand: req.to_string(),
                pick: Pick::Nothing,
            }]
        })
}

/// The static rule over the reference providers of every operand; the operand is the first
/// that the chosen binary provides.
fn union_rule(resolver: &Resolver<'_>, req: &Requirement, evaluated: &[Vec<Need>]) -> Vec<Need> {
    let mut all: Vec<PkgId> = Vec::new();
    for need in evaluated.iter().flatten() {
        if let Pick::Reference {
            chosen,
            alternatives,
        } = &need.pick
        {
            all.push(*chosen);
            all.extend(alternatives);
        }
    }
    all.sort_unstable();
    all.dedup();
    if all.is_empty() {
        return vec![Need {
            operand: req.to_string(),
            pick: Pick::Nothing,
        }];
    }
    // A rich dependency's name starts with `(`, so no provider is named like it.
    let chosen = resolver.static_choice(&all, "(");
    let operand = evaluated
        .iter()
        .flatten()
        .find(|n| match &n.pick {
            Pick::Reference {
                chosen: c,
                alternatives,
            } => *c == chosen || alternatives.contains(&chosen),
            _ => false,
        })
        .map(|n| n.operand.clone())
        .expect("the chosen binary provides some operand");
    vec![Need {
        operand,
        pick: Pick::Reference {
            chosen,
            alternatives: all.into_iter().filter(|p| *p != chosen).collect(),
        },
    }]
}
