//! What kind of gap a needed source package is in the target.

use ebranch_index::Pool;
use ebranch_report::Class;

use crate::roles::{Role, Roles};

/// Classifies the source package `source`: by where packages built from it, or named like
/// one of its reference binaries, already are in the target: [`Class::New`],
/// [`Class::Update`] or [`Class::BlockedByBase`].
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
