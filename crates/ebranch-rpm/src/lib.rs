//! RPM dependency semantics, with no IO:
//!
//! - [`rpmvercmp`]: rpm's version-string comparison (with `~` and `^`);
//! - [`EvrRef`], [`compare_evr`], [`format_evr`]: epoch-version-release
//!   parsing, package ordering and libsolv's rendering;
//! - [`Flags`]: the `<`/`>`/`=` sense bits;
//! - [`ranges_overlap`]: whether a provide satisfies a require (rpm's
//!   `rpmverOverlap`);
//! - [`Dep`], [`Requirement`], [`parse_requirement`], [`parse_rich`]: plain
//!   and rich (boolean) dependencies, parsed with rpm's rules and printed
//!   exactly as libsolv prints them.
//!
//! ```
//! use ebranch_rpm::{EvrRef, Flags, parse_requirement, ranges_overlap, rpmvercmp};
//! use std::cmp::Ordering;
//!
//! assert_eq!(rpmvercmp("1.0~rc1", "1.0"), Ordering::Less);
//! // `Provides: foo = 1.0-3` satisfies `Requires: foo >= 1.0` but not `foo > 1.0`.
//! let provide = EvrRef::parse("1.0-3");
//! assert!(ranges_overlap(Flags::EQ, provide, Flags::GE, EvrRef::parse("1.0")));
//! assert!(!ranges_overlap(Flags::EQ, provide, Flags::GT, EvrRef::parse("1.0")));
//!
//! let req = parse_requirement("(foo >= 1.2  with foo < 2~)").unwrap();
//! assert_eq!(req.to_string(), "(foo >= 1.2 with foo < 2~)");
//! ```
#![deny(missing_docs)]

mod dep;
mod error;
mod evr;
mod flags;
mod overlap;
mod parse;
mod render;
#[cfg(test)]
mod testdata;
mod vercmp;

pub use dep::{Dep, Requirement, RichOp};
pub use error::{ParseDepError, ParseDepErrorKind};
pub use evr::{EvrRef, compare_evr, format_evr, format_evr_attrs};
pub use flags::Flags;
pub use overlap::ranges_overlap;
pub use parse::{MAX_RICH_DEPTH, RichContext, parse_requirement, parse_rich, parse_rich_for_tag};
pub use vercmp::rpmvercmp;
