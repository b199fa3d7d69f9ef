//! What kind of gap a needed source package is in the target.

use ebranch_index::Pool;

use crate::roles::{Role, Roles};

/// Why a needed source package is missing from the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Nothing of it is in the target: it needs a branch request.
    New,
    /// The target layer (EPEL) has it, too old: it needs an EPEL update.
    Update,
    /// The base distribution has it at a version that does not satisfy: EPEL cannot
    /// replace base packages, so a packager must know early.
    BlockedByBase,
}

impl Class {
    /// The label used in reports (`new`, `update`, `blocked-by-base`).
    pub fn label(self) -> &'static str {
        match self {
            Class::New => "new",
            Class::Update => "update",
            Class::BlockedByBase => "blocked-by-base",
        }
    }
}

/// Classifies the source package `source`: by where packages built from it, or named like
/// one of its reference binaries, already are in the target.
pub fn classify(pool: &Pool, roles: &Roles, source: &str) -> Class {
    let mut in_base = false;
    let mut in_layer = false;
    let mut note = |p| match roles.of(pool, p) {
        Role::TargetBase => in_base = true,
        Role::TargetLayer => in_layer = true,
        _ => {}
    };
    for &p in pool.binaries_of_source(source) {
        note(p);
        if roles.of(pool, p) == Role::ReferenceBinary {
            for &q in pool.packages_named(pool.package(p).name()) {
                if !pool.package(q).is_source() {
                    note(q);
                }
            }
        }
    }
    if in_base {
        Class::BlockedByBase
    } else if in_layer {
        Class::Update
    } else {
        Class::New
    }
}
