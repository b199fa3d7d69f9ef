//! The report file: ebranch 0.0.3's JSON state file, extended. The one owner of its
//! format: the analysis writes it with these types, the planner and the Fedora flows read
//! them, and every command that writes one back goes through [`ReportFile`].
//!
//! ```json
//! {
//!   "python-b4": {
//!     "build": {"python-dkimpy": ["python3dist(dkimpy) >= 1.0.5"], "UNKNOWN": ["..."]},
//!     "class": "new",
//!     "evr": "0.14.2-1.fc44",
//!     "bug": 2345678
//!   },
//!   "python-dkimpy": {"skip": true}
//! }
//! ```
//!
//! - A [`Report`] maps source packages to [`Entry`]s, in file order. [`UNKNOWN`] is never
//!   a package: it is the provider under which dependencies nothing provides are listed.
//! - An [`Entry`] is the package's JSON object. Its keys keep their order, keys this crate
//!   does not know are kept as they are (0.0.3 keeps extra keys, and so must we: users and
//!   other tools add their own), and values are kept as written until a command sets them.
//! - The known keys are typed: [`key::BUILD`] is a [`key::Key`]`<`[`key::Deps`]`>`, read
//!   with [`Entry::get`] and written with [`Entry::set`]. Every known key is checked when
//!   a report is read, so a bad value is one clear error naming the file, the entry and
//!   the key, and reading a key never fails afterwards.
//! - 0.0.3's rules for changing a report are in [`rules`]: `unfold`, which entries
//!   `iterate` computes, how a recomputed entry is merged, never saving a shorter report.
//!
//! # Adding a key
//!
//! 1. In [`key`], add a `pub const` [`key::Key`] with the key's name, its value type (any
//!    serde type; a new one goes in `key.rs` too, with its own `Deserialize` if it accepts
//!    several spellings), whether the analysis computes it (`computed`: a recomputed entry
//!    replaces it, or drops it when the new result has none) and what its value must be
//!    (for the error message). Add it to [`key::ALL`] (where it goes there is the order in
//!    which `closure_report` in ebranch-analysis writes keys, if it writes this one).
//! 2. If it is a common read, add a shortcut on [`Entry`] (like [`Entry::bug`]).
//! 3. Write it where it is computed with `entry.set(&key::NEW_KEY, value)`, read it with
//!    `entry.get(&key::NEW_KEY)`. Never read or write the JSON of a known key by hand.
//! 4. A new [`Class`]: add the variant, its label and its place in [`Class::ALL`]; then
//!    let the compiler show every `match` that must decide what it means.
//! 5. Test: a report with the key round-trips byte for byte, and a bad value is refused
//!    with a message naming the key (see the tests in `report.rs` and `key.rs`).
//!
//! Reports written by an older ebranch keep working: a missing key is `None`. A report
//! written by a newer ebranch with a key this one does not know is read and written back
//! with that key untouched; a known key with a value this one does not understand (a new
//! class) is refused rather than misread.

mod class;
mod entry;
pub mod key;
mod report;
pub mod rules;
mod store;

pub use class::Class;
pub use entry::Entry;
pub use report::{Report, ReportError};
pub use store::ReportFile;

/// The provider key under which dependencies nothing provides are listed (0.0.3's name).
/// Never a package of the report, and never unfolded.
pub const UNKNOWN: &str = "UNKNOWN";
