//! Dependency values: plain dependencies and rich (boolean) requirements.

use std::fmt;

use crate::evr::EvrRef;
use crate::flags::Flags;
use crate::overlap::ranges_overlap;

/// A plain (non-rich) dependency: name, flags, and the EVR text exactly as
/// written (`None` when unversioned).
///
/// Invariant kept by the parser: `flags` is versioned exactly when `evr` is
/// `Some`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dep {
    /// The capability name, e.g. `python3dist(foo)` or `/usr/bin/sh`.
    pub name: String,
    /// The comparison; [`Flags::NONE`] when unversioned.
    pub flags: Flags,
    /// The EVR text after the operator, as written.
    pub evr: Option<String>,
}

impl Dep {
    /// An unversioned dependency on `name`.
    pub fn new(name: impl Into<String>) -> Dep {
        Dep {
            name: name.into(),
            flags: Flags::NONE,
            evr: None,
        }
    }

    /// A versioned dependency `name flags evr`.
    pub fn versioned(name: impl Into<String>, flags: Flags, evr: impl Into<String>) -> Dep {
        Dep {
            name: name.into(),
            flags,
            evr: Some(evr.into()),
        }
    }

    /// True when the dependency has an operator and a version.
    pub fn is_versioned(&self) -> bool {
        self.flags.is_versioned() && self.evr.is_some()
    }

    /// The EVR split into its parts (the empty EVR when unversioned).
    pub fn evr_ref(&self) -> EvrRef<'_> {
        EvrRef::parse(self.evr.as_deref().unwrap_or(""))
    }

    /// rpm's match of two plain dependencies (`rpmdsCompare`): same name and
    /// overlapping ranges (see [`ranges_overlap`]). Symmetric: use it for a
    /// provide against a require either way round.
    pub fn overlaps(&self, other: &Dep) -> bool {
        let (af, bf) = (self.effective_flags(), other.effective_flags());
        self.name == other.name && ranges_overlap(af, self.evr_ref(), bf, other.evr_ref())
    }

    /// The flags, or `NONE` when there is no EVR.
    fn effective_flags(&self) -> Flags {
        if self.evr.is_some() {
            self.flags
        } else {
            Flags::NONE
        }
    }
}

/// An operator of rpm's rich (boolean) dependency syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RichOp {
    /// `and`: every operand must be satisfied.
    And,
    /// `or`: at least one operand must be satisfied.
    Or,
    /// `if`: `A if B` needs A only when B is satisfied.
    If,
    /// `unless`: `A unless B` needs A only when B is not satisfied.
    Unless,
    /// `else`: the third operand of `if` and `unless`.
    Else,
    /// `with`: one package must satisfy every operand.
    With,
    /// `without`: one package must satisfy the first operand but not the second.
    Without,
}

impl RichOp {
    /// Every operator, in rpm's keyword-table order.
    pub const ALL: [RichOp; 7] = [
        RichOp::And,
        RichOp::Or,
        RichOp::If,
        RichOp::Unless,
        RichOp::Else,
        RichOp::With,
        RichOp::Without,
    ];

    /// The keyword as written in rich dependencies (`and`, `or`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RichOp::And => "and",
            RichOp::Or => "or",
            RichOp::If => "if",
            RichOp::Unless => "unless",
            RichOp::Else => "else",
            RichOp::With => "with",
            RichOp::Without => "without",
        }
    }

    /// Parses a keyword (exact, lower case).
    pub fn from_keyword(s: &str) -> Option<RichOp> {
        RichOp::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

/// Writes the keyword.
impl fmt::Display for RichOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dependency: plain or rich (boolean).
///
/// The parser returns chains flat (`(a and b and c)` is one `And` with three
/// operands, and so is `((a and b) and c)`), never returns a chain with
/// fewer than two operands, and turns a parenthesised plain dependency
/// `(a >= 1)` into `Simple`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// A plain dependency.
    Simple(Dep),
    /// `(a and b ...)`: all operands.
    And(Vec<Requirement>),
    /// `(a or b ...)`: any operand.
    Or(Vec<Requirement>),
    /// `(a with b ...)`: one package satisfying all operands.
    With(Vec<Requirement>),
    /// `(a without b)`: one package satisfying `a` but not `b`.
    Without(Box<Requirement>, Box<Requirement>),
    /// `(then if cond [else otherwise])`.
    If {
        /// Required when `cond` holds.
        then: Box<Requirement>,
        /// The condition.
        cond: Box<Requirement>,
        /// Required when `cond` does not hold.
        otherwise: Option<Box<Requirement>>,
    },
    /// `(then unless cond [else otherwise])`.
    Unless {
        /// Required when `cond` does not hold.
        then: Box<Requirement>,
        /// The condition.
        cond: Box<Requirement>,
        /// Required when `cond` holds.
        otherwise: Option<Box<Requirement>>,
    },
}

impl Requirement {
    /// True for every variant except `Simple`.
    pub fn is_rich(&self) -> bool {
        !matches!(self, Requirement::Simple(_))
    }

    /// The plain dependency, when this is `Simple`.
    pub fn as_simple(&self) -> Option<&Dep> {
        match self {
            Requirement::Simple(d) => Some(d),
            _ => None,
        }
    }

    /// The operator at the top of a rich requirement (`If`/`Unless` report
    /// `If`/`Unless` even with an `else`); `None` for `Simple`.
    pub fn op(&self) -> Option<RichOp> {
        Some(match self {
            Requirement::Simple(_) => return None,
            Requirement::And(_) => RichOp::And,
            Requirement::Or(_) => RichOp::Or,
            Requirement::With(_) => RichOp::With,
            Requirement::Without(..) => RichOp::Without,
            Requirement::If { .. } => RichOp::If,
            Requirement::Unless { .. } => RichOp::Unless,
        })
    }

    /// The direct operands, in written order (empty for `Simple`).
    pub fn operands(&self) -> Vec<&Requirement> {
        match self {
            Requirement::Simple(_) => Vec::new(),
            Requirement::And(v) | Requirement::Or(v) | Requirement::With(v) => v.iter().collect(),
            Requirement::Without(a, b) => vec![a, b],
            Requirement::If {
                then,
                cond,
                otherwise,
            }
            | Requirement::Unless {
                then,
                cond,
                otherwise,
            } => {
                let mut v: Vec<&Requirement> = vec![then, cond];
                v.extend(otherwise.as_deref());
                v
            }
        }
    }

    /// Every plain dependency in the tree, depth first, in written order.
    pub fn deps(&self) -> Vec<&Dep> {
        let mut out = Vec::new();
        self.collect_deps(&mut out);
        out
    }

    fn collect_deps<'a>(&'a self, out: &mut Vec<&'a Dep>) {
        match self {
            Requirement::Simple(d) => out.push(d),
            _ => {
                for r in self.operands() {
                    r.collect_deps(out);
                }
            }
        }
    }
}

impl From<Dep> for Requirement {
    fn from(d: Dep) -> Requirement {
        Requirement::Simple(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_overlaps() {
        let p = Dep::versioned("foo", Flags::EQ, "1.0-3");
        assert!(p.overlaps(&Dep::versioned("foo", Flags::GE, "1.0")));
        assert!(!p.overlaps(&Dep::versioned("foo", Flags::GT, "1.0")));
        assert!(!p.overlaps(&Dep::versioned("bar", Flags::GE, "1.0")));
        assert!(Dep::new("foo").overlaps(&Dep::versioned("foo", Flags::GE, "9")));
        assert!(p.is_versioned());
        assert!(!Dep::new("foo").is_versioned());
    }

    #[test]
    fn rich_ops() {
        for op in RichOp::ALL {
            assert_eq!(RichOp::from_keyword(op.as_str()), Some(op));
            assert_eq!(op.to_string(), op.as_str());
        }
        assert_eq!(RichOp::from_keyword("AND"), None);
    }

    #[test]
    fn walk() {
        let a = Requirement::Simple(Dep::new("a"));
        let b = Requirement::Simple(Dep::new("b"));
        let c = Requirement::Simple(Dep::new("c"));
        let r = Requirement::If {
            then: Box::new(Requirement::Or(vec![a.clone(), b.clone()])),
            cond: Box::new(c.clone()),
            otherwise: None,
        };
        let names: Vec<&str> = r.deps().iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(r.op(), Some(RichOp::If));
        assert_eq!(r.operands().len(), 2);
        assert!(r.is_rich());
        assert!(!a.is_rich());
        assert_eq!(a.as_simple().map(|d| d.name.as_str()), Some("a"));
    }
}
