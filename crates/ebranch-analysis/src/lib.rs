//! Analysis over a package pool: what must be built in a target before a reference package
//! can be built there.
//!
//! The repositories of the pool play [`Role`]s: the reference (Rawhide) source and binary
//! repositories, the target's base distribution and the target layer (EPEL). A
//! [`Resolver`] answers, for one dependency, whether the target satisfies it and otherwise
//! which reference binary provides it (a static choice, independent of traversal order).
//! [`closure`] follows BuildRequires, and install-time Requires of every reference binary
//! pulled in, to the fixpoint; [`gap`] does it for every source package at once, sharing
//! the work. [`unresolved`] is `dnf repoclosure`'s question: which requirements nothing
//! provides.

mod buildroot;
mod classify;
mod closure;
mod coinstall;
mod gap;
mod modularity;
mod parallel;
mod regenerated;
mod repoclosure;
mod report;
mod resolve;
mod rich;
mod roles;
mod roots;

pub use classify::{BaseGap, BaseStatus, Impact, compat_name};
pub use closure::{Closure, ClosureOptions, NeededSource, Row, closure};
pub use ebranch_report::Class;
pub use gap::{GapEntry, GapReport, gap};
pub use modularity::{ModuleConfig, ModuleError, ModuleFiltering, module_filtering};
pub use repoclosure::{Unresolved, unresolved};
pub use report::{closure_report, rows_tsv};
pub use resolve::{Resolution, Resolver};
pub use roles::{Role, Roles};
pub use roots::{UnknownRoot, check_roots};
