//! Install-time dependencies that a rebuild in the target regenerates.
//!
//! The Requires of a Rawhide binary were generated against Rawhide: `python(abi) = 3.14`,
//! `python3.14dist(foo)`, `libc.so.6(GLIBC_2.41)(64bit)`. Rebuilt for the target, the same
//! package will require the target's Python ABI, `python3.12dist(foo)` and whatever glibc
//! symbol versions it links against there. Taking them literally would put Rawhide's Python
//! and glibc into every closure, which is never what a packager needs. So, for install-time
//! Requires only (BuildRequires are written by hand and are taken as they are):
//!
//! - `python(abi)` is satisfied when the target has any Python ABI;
//! - `pythonX.Ydist(name)` is looked up as `python3dist(name)`, same version range;
//! - a soname with a symbol version, `libfoo.so.1(FOO_1.2)(64bit)`, is looked up as the bare
//!   soname, `libfoo.so.1()(64bit)` (the library must exist; its symbol versions follow the
//!   target's build).
//!
//! [`ClosureOptions::literal_install_deps`](crate::ClosureOptions) turns this off (the
//! libsolv oracle takes every Requires literally).

use ebranch_rpm::{Dep, Requirement};

/// How to look up a regenerated dependency instead of the literal one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Regenerated {
    /// Satisfied when the target provides this name at all (any version).
    AnyVersionOf(&'static str),
    /// Look up this name instead, with the same flags and version.
    Renamed(String),
}

/// The regenerated form of an install-time dependency name, if it has one.
pub(crate) fn regenerated(name: &str) -> Option<Regenerated> {
    if name == "python(abi)" {
        return Some(Regenerated::AnyVersionOf("python(abi)"));
    }
    if let Some(rest) = name.strip_prefix("python3.")
        && let Some(open) = rest.find("dist(")
        && rest[..open].bytes().all(|b| b.is_ascii_digit())
        && open > 0
    {
        return Some(Regenerated::Renamed(format!(
            "python3dist({}",
            &rest[open + 5..]
        )));
    }
    bare_soname(name).map(Regenerated::Renamed)
}

/// The regenerated form of a parsed dependency (plain or rich): every plain operand with a
/// regenerated form rewritten. `None` when nothing changes; otherwise the new form and
/// whether any operand became "any version of" (such a form only counts when the target
/// satisfies it).
pub(crate) fn regenerated_requirement(req: &Requirement) -> Option<(Requirement, bool)> {
    let mut any_version = false;
    let mut changed = false;
    let out = rewrite(req, &mut |dep| match regenerated(&dep.name) {
        Some(Regenerated::AnyVersionOf(name)) => {
            any_version = true;
            changed = true;
            Dep::new(name)
        }
        Some(Regenerated::Renamed(name)) => {
            changed = true;
            Dep {
                name,
                ..dep.clone()
            }
        }
        None => dep.clone(),
    });
    changed.then_some((out, any_version))
}

fn rewrite(req: &Requirement, leaf: &mut dyn FnMut(&Dep) -> Dep) -> Requirement {
    let many = |v: &[Requirement], leaf: &mut dyn FnMut(&Dep) -> Dep| {
        v.iter().map(|r| rewrite(r, leaf)).collect::<Vec<_>>()
    };
    let one = |r: &Requirement, leaf: &mut dyn FnMut(&Dep) -> Dep| Box::new(rewrite(r, leaf));
    match req {
        Requirement::Simple(d) => Requirement::Simple(leaf(d)),
        Requirement::And(v) => Requirement::And(many(v, leaf)),
        Requirement::Or(v) => Requirement::Or(many(v, leaf)),
        Requirement::With(v) => Requirement::With(many(v, leaf)),
        Requirement::Without(a, b) => Requirement::Without(one(a, leaf), one(b, leaf)),
        Requirement::If {
            then,
            cond,
            otherwise,
        } => Requirement::If {
            then: one(then, leaf),
            cond: one(cond, leaf),
            otherwise: otherwise.as_deref().map(|o| one(o, leaf)),
        },
        Requirement::Unless {
            then,
            cond,
            otherwise,
        } => Requirement::Unless {
            then: one(then, leaf),
            cond: one(cond, leaf),
            otherwise: otherwise.as_deref().map(|o| one(o, leaf)),
        },
    }
}

/// `libfoo.so.1(FOO_1.2)(64bit)` → `libfoo.so.1()(64bit)`; `libfoo.so.1(FOO_1.2)` →
/// `libfoo.so.1`. `None` for anything else (including bare sonames).
fn bare_soname(name: &str) -> Option<String> {
    let open = name.find('(')?;
    let library = &name[..open];
    if !library.contains(".so") || library.contains(' ') {
        return None;
    }
    let rest = &name[open + 1..];
    let close = rest.find(')')?;
    let version = &rest[..close];
    if version.is_empty() {
        return None;
    }
    match &rest[close + 1..] {
        "" => Some(library.to_owned()),
        "(64bit)" => Some(format!("{library}()(64bit)")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites() {
        assert_eq!(
            regenerated("python(abi)"),
            Some(Regenerated::AnyVersionOf("python(abi)"))
        );
        assert_eq!(
            regenerated("python3.14dist(requests)"),
            Some(Regenerated::Renamed("python3dist(requests)".into()))
        );
        assert_eq!(
            regenerated("libc.so.6(GLIBC_2.41)(64bit)"),
            Some(Regenerated::Renamed("libc.so.6()(64bit)".into()))
        );
        assert_eq!(
            regenerated("libc.so.6(GLIBC_2.0)"),
            Some(Regenerated::Renamed("libc.so.6".into()))
        );
        let parsed = ebranch_rpm::parse_rich(
            "(python3.14dist(h11) >= 0.16 with python3.14dist(h11) < 0.17)",
        )
        .unwrap();
        let (regen, any) = regenerated_requirement(&parsed).unwrap();
        assert_eq!(
            regen.to_string(),
            "(python3dist(h11) >= 0.16 with python3dist(h11) < 0.17)"
        );
        assert!(!any);
        let abi = ebranch_rpm::parse_rich("(python(abi) = 3.14 and foo)").unwrap();
        let (regen, any) = regenerated_requirement(&abi).unwrap();
        assert_eq!(regen.to_string(), "(python(abi) and foo)");
        assert!(any);
        assert!(regenerated_requirement(&ebranch_rpm::parse_rich("(a or b)").unwrap()).is_none());
        for literal in [
            "python3dist(requests)",
            "python3-libs",
            "libc.so.6()(64bit)",
            "libc.so.6",
            "perl(Foo::Bar)",
            "pythonXdist(x)",
        ] {
            assert_eq!(regenerated(literal), None, "{literal}");
        }
    }
}
