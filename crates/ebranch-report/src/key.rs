//! The keys of an entry: each one's name, value type, and whether the analysis computes it.
//!
//! This is the one table of the format. [`ALL`] lists every key this crate knows; a report
//! is checked against it when it is read.

use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::Class;

/// A known key of an entry, with the type of its value.
#[derive(Debug)]
pub struct Key<T> {
    name: &'static str,
    computed: bool,
    expects: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Key<T> {
    /// A key. `computed`: the analysis computes it, so a recomputed entry replaces it (or
    /// drops it when the new result has none). `expects` says what its value must be.
    pub const fn new(name: &'static str, computed: bool, expects: &'static str) -> Key<T> {
        Key {
            name,
            computed,
            expects,
            value: PhantomData,
        }
    }

    /// The key as written in the file.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// A known key, whatever its value type (for [`ALL`]).
pub trait AnyKey: Sync {
    /// The key as written in the file.
    fn name(&self) -> &'static str;
    /// Whether the analysis computes it.
    fn computed(&self) -> bool;
    /// Whether `value` is a value of this key; the error says what it must be.
    fn check(&self, value: &Value) -> Result<(), String>;
}

impl<T: DeserializeOwned> AnyKey for Key<T> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn computed(&self) -> bool {
        self.computed
    }

    fn check(&self, value: &Value) -> Result<(), String> {
        T::deserialize(value)
            .map(drop)
            .map_err(|e| format!("must be {} ({e})", self.expects))
    }
}

/// Provider source package → the dependencies it satisfies, in file order. The provider
/// [`crate::UNKNOWN`] collects dependencies nothing provides.
pub type Deps = IndexMap<String, Vec<String>>;

/// The binary chosen for a dependency several reference binaries provide, and the others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternatives {
    /// The chosen binary (`name-evr.arch`).
    pub chosen: String,
    /// The other candidates (`name-evr.arch`).
    pub others: Vec<String>,
}

/// Binary package (`name-evr.arch`) → the dependencies that pull it in.
pub type Pulls = IndexMap<String, Vec<String>>;

/// The binary an operand of a rich dependency pulled in (see [`OPERANDS`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperandPick {
    /// The binary (`name-evr.arch`).
    pub binary: String,
    /// Its source package.
    pub source: String,
}

/// How the condition of an `if`/`unless` dependency was read (see [`CONDITIONS`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionReading {
    /// The condition, as libsolv prints it.
    pub condition: String,
    /// Whether it was read as held (the buildroot will have it).
    pub held: bool,
    /// Whether this is a reading taken because the answer cannot be known: the target
    /// provides the condition but nothing in the buildroot pulls it in (a buildroot's
    /// default package set could still hold it).
    pub assumed: bool,
    /// Why, in words.
    pub reading: String,
}

/// `skip`: any JSON value, true as Python's `bool()` finds it (0.0.3 tests
/// `pkg_data.get("skip", False)`); written as `true` or `false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truthy(pub bool);

impl Serialize for Truthy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for Truthy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Truthy, D::Error> {
        Ok(Truthy(truthy(&Value::deserialize(d)?)))
    }
}

/// Python's truthiness of a JSON value.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// `bug`: a Bugzilla bug number, written as a number; a string of digits (as a person may
/// type it) is read as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BugNumber(pub u64);

impl Serialize for BugNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for BugNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<BugNumber, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Number(u64),
            Text(String),
        }
        match Form::deserialize(d)? {
            Form::Number(n) => Ok(BugNumber(n)),
            Form::Text(t) => t
                .trim()
                .parse()
                .map(BugNumber)
                .map_err(|_| serde::de::Error::custom(format!("`{t}` is not a bug number"))),
        }
    }
}

const DEPS: &str = "an object of provider source package → list of dependency strings";
const STRINGS: &str = "a list of strings";

/// BuildRequires edges (0.0.3's key). Computed.
pub const BUILD: Key<Deps> = Key::new("build", true, DEPS);
/// Install-time edges: Requires of this package's binaries, by provider source. Written by
/// `ebranch missing`; the 0.0.3 commands (BuildRequires only) leave it as it is.
pub const INSTALL: Key<Deps> = Key::new("install", false, DEPS);
/// Why it is missing from the target. Computed.
pub const CLASS: Key<Class> = Key::new("class", true, "a class name");
/// `incompatible-update`: target package → the dependencies the update would take from
/// it. Computed.
pub const BREAKS: Key<IndexMap<String, Vec<String>>> = Key::new(
    "breaks",
    true,
    "an object of package → list of dependency strings",
);
/// `incompatible-update`: a compat package that keeps the old version (`rust-foo0.3`).
/// Computed.
pub const COMPAT: Key<String> = Key::new("compat", true, "a string");
/// `blocked-by-base`: needed binary → what the base lacks (`status`, `base-evr`, `deps`,
/// `epel-package`; ebranch-analysis's `BaseGap`). Computed.
pub const BASE: Key<Value> = Key::new("base", true, "an object of binary package → object");
/// Its EVR in the reference. Computed.
pub const EVR: Key<String> = Key::new("evr", true, "a string");
/// Asked for by the user (a root of the closure).
pub const ROOT: Key<bool> = Key::new("root", false, "true or false");
/// Left out: not expanded, not built, not requested (0.0.3's key).
pub const SKIP: Key<Truthy> = Key::new("skip", false, "any value");
/// Dependencies nothing provides, not even the reference. Computed.
pub const UNRESOLVABLE: Key<Vec<String>> = Key::new("unresolvable", true, STRINGS);
/// Dependencies only this package's own binaries provide (it needs a bootstrap). Computed.
pub const BOOTSTRAP: Key<Vec<String>> = Key::new("bootstrap", true, STRINGS);
/// Dependency → the chosen provider and the other candidates. Computed.
pub const ALTERNATIVES: Key<IndexMap<String, Alternatives>> = Key::new(
    "alternatives",
    true,
    "an object of dependency → {\"chosen\", \"others\"}",
);
/// Dependency → the reference binary chosen to provide it. Computed.
pub const PROVIDERS: Key<IndexMap<String, String>> = Key::new(
    "providers",
    true,
    "an object of dependency → binary package",
);
/// The reference binaries this package's BuildRequires pull into its buildroot, each with
/// the BuildRequires it satisfies (what they pull in is under their sources' [`BINARIES`]).
/// Computed; `plan` follows these binary-level edges where an entry has them.
pub const BUILDROOT: Key<Pulls> = Key::new(
    "buildroot",
    true,
    "an object of binary package → list of dependency strings",
);
/// This package's binaries that some buildroot pulls in, each with the reference binaries
/// its Requires pull in and those Requires. Computed.
pub const BINARIES: Key<IndexMap<String, Pulls>> = Key::new(
    "binaries",
    true,
    "an object of binary package → {binary package → list of dependency strings}",
);
/// Rich dependency (of the package or its binaries) → the operand that pulled in each
/// binary, or `null` when nothing can meet the operand. Computed.
pub const OPERANDS: Key<IndexMap<String, IndexMap<String, Option<OperandPick>>>> = Key::new(
    "operands",
    true,
    "an object of rich dependency → {operand → {\"binary\", \"source\"} or null}",
);
/// `if`/`unless` dependency (of the package or its binaries) → how each condition was read.
/// Computed.
pub const CONDITIONS: Key<IndexMap<String, Vec<ConditionReading>>> = Key::new(
    "conditions",
    true,
    "an object of dependency → list of {\"condition\", \"held\", \"assumed\", \"reading\"}",
);
/// The branch request's Bugzilla bug, written by `ebranch request --report`.
pub const BUG: Key<BugNumber> = Key::new("bug", false, "a bug number");
/// The last `ebranch status` of the package (its shape is `ebranch-fedora`'s
/// `PackageStatus`).
pub const STATUS: Key<Value> = Key::new("status", false, "any value");

/// Every known key, in the order the analysis writes them.
pub const ALL: &[&dyn AnyKey] = &[
    &SKIP,
    &BUILD,
    &INSTALL,
    &CLASS,
    &BREAKS,
    &COMPAT,
    &BASE,
    &EVR,
    &ROOT,
    &UNRESOLVABLE,
    &BOOTSTRAP,
    &ALTERNATIVES,
    &PROVIDERS,
    &BUILDROOT,
    &BINARIES,
    &OPERANDS,
    &CONDITIONS,
    &BUG,
    &STATUS,
];

/// The known key called `name`.
pub fn known(name: &str) -> Option<&'static dyn AnyKey> {
    ALL.iter().copied().find(|k| k.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn python_truthiness() {
        for (v, t) in [
            (json!(null), false),
            (json!(0), false),
            (json!(0.0), false),
            (json!(""), false),
            (json!([]), false),
            (json!({}), false),
            (json!(1), true),
            (json!("no"), true),
            (json!([0]), true),
            (json!({"a": 0}), true),
        ] {
            assert_eq!(truthy(&v), t, "{v}");
        }
    }

    #[test]
    fn checks_say_what_is_expected() {
        assert!(BUILD.check(&json!({"p": ["d"]})).is_ok());
        let err = BUILD.check(&json!(["x"])).unwrap_err();
        assert!(err.starts_with("must be an object of provider"), "{err}");
        assert!(BUILD.check(&json!({"p": ["d", 2]})).is_err());
        assert!(BUG.check(&json!("123")).is_ok());
        assert!(BUG.check(&json!(" 7 ")).is_ok());
        assert!(BUG.check(&json!("abc")).is_err());
        assert!(BUG.check(&json!(-1)).is_err());
        assert!(
            CLASS
                .check(&json!("nope"))
                .unwrap_err()
                .contains("unknown class")
        );
        assert!(SKIP.check(&json!({"any": "thing"})).is_ok());
        assert!(
            BINARIES
                .check(&json!({"b-1.noarch": {"c-1.noarch": ["c"]}}))
                .is_ok()
        );
        assert!(BINARIES.check(&json!({"b-1.noarch": ["c"]})).is_err());
        let pick = json!({"(a and b)": {"b": {"binary": "b-1.noarch", "source": "b"}, "c": null}});
        assert!(OPERANDS.check(&pick).is_ok());
        let reading = json!({"(x if y)": [{"condition": "y", "held": false, "assumed": true,
                                           "reading": "y: absent"}]});
        assert!(CONDITIONS.check(&reading).is_ok());
        assert!(
            CONDITIONS
                .check(&json!({"(x if y)": [{"held": "no"}]}))
                .is_err()
        );
    }
}
