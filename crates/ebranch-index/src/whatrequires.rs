//! `whatrequires`: which packages have a requirement that a dependency satisfies.

use ebranch_rpm::{Dep, EvrRef, Requirement, ranges_overlap};

use crate::ids::PkgId;
use crate::pool::Pool;

impl Pool {
    /// Packages with a requirement on `dep`'s name whose range overlaps `dep`'s (any
    /// version when either side is unversioned). Inside rich requirements, operands that
    /// must be provided count (`and`, `or`, `with`, and the branches of `if`/`unless`);
    /// conditions and `without` exclusions do not. Sorted.
    pub fn whatrequires(&self, dep: &Dep) -> Vec<PkgId> {
        // No early exit when no string is `dep.name`: names met only inside rich
        // dependencies are not interned on their own.
        let mut out = Vec::new();
        for p in self.packages() {
            let pkg = self.package(p);
            let hit = pkg.requires().any(|r| {
                if let Some(rich) = r.is_rich().then(|| self.rich_entry(r.name_id())).flatten() {
                    requirement_mentions(&rich.parsed, dep)
                } else {
                    r.name() == dep.name && overlaps(r.flags(), r.evr(), dep)
                }
            });
            if hit {
                out.push(p);
            }
        }
        out
    }
}

fn overlaps(flags: ebranch_rpm::Flags, evr: &str, dep: &Dep) -> bool {
    let want = dep.evr.as_deref().unwrap_or("");
    if !flags.is_versioned() || !dep.flags.is_versioned() || evr.is_empty() || want.is_empty() {
        return true;
    }
    ranges_overlap(flags, EvrRef::parse(evr), dep.flags, EvrRef::parse(want))
}

fn requirement_mentions(req: &Requirement, dep: &Dep) -> bool {
    match req {
        Requirement::Simple(d) => {
            d.name == dep.name && overlaps(d.flags, d.evr.as_deref().unwrap_or(""), dep)
        }
        Requirement::And(v) | Requirement::Or(v) | Requirement::With(v) => {
            v.iter().any(|r| requirement_mentions(r, dep))
        }
        Requirement::Without(a, _) => requirement_mentions(a, dep),
        Requirement::If {
            then, otherwise, ..
        }
        | Requirement::Unless {
            then, otherwise, ..
        } => {
            requirement_mentions(then, dep)
                || otherwise
                    .as_deref()
                    .is_some_and(|o| requirement_mentions(o, dep))
        }
    }
}
