//! The `class` key: why a needed package is missing from the target.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a needed source package is missing from the target, or that it is not. The analysis
/// writes `new`, `update`, `incompatible-update` and `blocked-by-base`; `available` and `unresolvable` mark
/// entries a packager (or another tool) has settled, and the request flows honour them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Nothing of it is in the target: it needs a branch request.
    New,
    /// The target layer (EPEL) has it, too old or without a needed subpackage: it needs an
    /// EPEL update, which breaks nothing EPEL ships.
    Update,
    /// Like [`Class::Update`], but the update would take from EPEL packages something they
    /// require (a soname, a subpackage, a provide, a version range): EPEL's
    /// incompatible-upgrades policy applies, or a compat package keeps the old version.
    IncompatibleUpdate,
    /// The base distribution has it at a version that does not satisfy: EPEL may not
    /// replace base packages, so a packager must know early.
    BlockedByBase,
    /// Its dependencies cannot be resolved: not requestable as it is.
    Unresolvable,
    /// The target already has it.
    Available,
}

impl Class {
    /// Every class, in the order summaries list them.
    pub const ALL: [Class; 6] = [
        Class::New,
        Class::Update,
        Class::IncompatibleUpdate,
        Class::BlockedByBase,
        Class::Unresolvable,
        Class::Available,
    ];

    /// The report's spelling: `new`, `update`, `incompatible-update`, `blocked-by-base`,
    /// `unresolvable`, `available`.
    pub fn label(self) -> &'static str {
        match self {
            Class::New => "new",
            Class::Update => "update",
            Class::IncompatibleUpdate => "incompatible-update",
            Class::BlockedByBase => "blocked-by-base",
            Class::Unresolvable => "unresolvable",
            Class::Available => "available",
        }
    }

    /// The class a label names, if any.
    pub fn parse(label: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.label() == label)
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Class {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Class {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Class, D::Error> {
        let label = String::deserialize(d)?;
        Class::parse(&label).ok_or_else(|| {
            let known: Vec<&str> = Class::ALL.iter().map(|c| c.label()).collect();
            serde::de::Error::custom(format!(
                "unknown class `{label}` (known: {})",
                known.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for c in Class::ALL {
            assert_eq!(Class::parse(c.label()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Class>(&json).unwrap(), c);
        }
        assert_eq!(Class::parse("other"), None);
        let err = serde_json::from_str::<Class>("\"other\"").unwrap_err();
        assert!(err.to_string().contains("unknown class `other`"), "{err}");
    }
}
