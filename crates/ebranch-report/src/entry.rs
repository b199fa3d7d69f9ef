//! One package's entry: its JSON object, in file order, read and written through typed
//! keys.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::Class;
use crate::key::{self, BUG, BUILD, BugNumber, CLASS, Deps, INSTALL, Key, SKIP, STATUS};

/// One package's entry. Its keys keep their order; keys this crate does not know are kept
/// as they are. Known keys are checked when the entry is read ([`Entry::from_map`]) and
/// only written through [`Entry::set`], so reading one never fails.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    fields: Map<String, Value>,
}

impl Entry {
    /// An empty entry (`{}`, 0.0.3's "not computed yet").
    pub fn new() -> Entry {
        Entry::default()
    }

    /// An entry from its JSON object, after checking every known key; the error names the
    /// key and says what its value must be.
    pub fn from_map(fields: Map<String, Value>) -> Result<Entry, String> {
        for (name, value) in &fields {
            if let Some(k) = key::known(name) {
                k.check(value).map_err(|e| format!("\"{name}\" {e}"))?;
            }
        }
        Ok(Entry { fields })
    }

    /// The value of a known key.
    pub fn get<T: DeserializeOwned>(&self, key: &Key<T>) -> Option<T> {
        // Checked when read or set: cannot fail.
        T::deserialize(self.fields.get(key.name())?).ok()
    }

    /// Whether the entry has the key (known or not).
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// Sets a known key: in its place when present, else at the end.
    pub fn set<T: Serialize>(&mut self, key: &Key<T>, value: T) {
        let value = serde_json::to_value(value).expect("report values serialize to JSON");
        self.fields.insert(key.name().to_owned(), value);
    }

    /// Removes a key (known or not); the others keep their order.
    pub fn remove(&mut self, name: &str) {
        self.fields.shift_remove(name);
    }

    /// The raw value of any key (for keys this crate does not know).
    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.keys().map(String::as_str)
    }

    /// Whether the entry is `{}`.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The key-value pairs, in order (crate-internal merging).
    pub(crate) fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Inserts a pair copied from another checked entry (crate-internal merging).
    pub(crate) fn insert_checked(&mut self, name: String, value: Value) {
        self.fields.insert(name, value);
    }

    /// `skip`, true as Python finds it.
    pub fn skip(&self) -> bool {
        self.get(&SKIP).is_some_and(|t| t.0)
    }

    /// `class`.
    pub fn class(&self) -> Option<Class> {
        self.get(&CLASS)
    }

    /// `build`: provider → BuildRequires, in file order (empty when absent).
    pub fn build(&self) -> Deps {
        self.get(&BUILD).unwrap_or_default()
    }

    /// `install`: provider → install-time Requires, in file order (empty when absent).
    pub fn install(&self) -> Deps {
        self.get(&INSTALL).unwrap_or_default()
    }

    /// The providers of `build`, in file order ([`crate::UNKNOWN`] included).
    pub fn build_providers(&self) -> Vec<String> {
        self.build().into_keys().collect()
    }

    /// The providers of `install`, in file order.
    pub fn install_providers(&self) -> Vec<String> {
        self.install().into_keys().collect()
    }

    /// `bug`: the branch request's bug number.
    pub fn bug(&self) -> Option<u64> {
        self.get(&BUG).map(|b| b.0)
    }

    /// Records the branch request's bug number.
    pub fn set_bug(&mut self, bug: u64) {
        self.set(&BUG, BugNumber(bug));
    }

    /// `status`, as `ebranch status` wrote it.
    pub fn status(&self) -> Option<&Value> {
        self.fields.get(STATUS.name())
    }

    /// Replaces `status`.
    pub fn set_status(&mut self, status: Value) {
        self.set(&STATUS, status);
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.fields.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{EVR, ROOT};
    use serde_json::json;

    fn entry(v: Value) -> Result<Entry, String> {
        Entry::from_map(v.as_object().unwrap().clone())
    }

    #[test]
    fn set_keeps_places_and_appends_new_keys() {
        let mut e = entry(json!({"zeta": 1, "evr": "1-1", "note": "x"})).unwrap();
        e.set(&EVR, "2-1".to_owned());
        e.set(&ROOT, true);
        assert_eq!(
            e.keys().collect::<Vec<_>>(),
            ["zeta", "evr", "note", "root"]
        );
        assert_eq!(e.get(&EVR).as_deref(), Some("2-1"));
        assert_eq!(e.raw("zeta"), Some(&json!(1)));
        e.remove("evr");
        assert_eq!(e.keys().collect::<Vec<_>>(), ["zeta", "note", "root"]);
    }

    #[test]
    fn known_keys_are_checked() {
        let err = entry(json!({"build": ["x"]})).unwrap_err();
        assert!(err.starts_with("\"build\" must be an object"), "{err}");
        assert!(entry(json!({"unknown-key": ["anything"]})).is_ok());
        let e = entry(json!({"skip": "yes", "bug": "12", "class": "update"})).unwrap();
        assert!(e.skip());
        assert_eq!(e.bug(), Some(12));
        assert_eq!(e.class(), Some(Class::Update));
        // Reading does not rewrite: the values stay as they were written.
        assert_eq!(e.raw("skip"), Some(&json!("yes")));
        assert_eq!(e.raw("bug"), Some(&json!("12")));
    }

    #[test]
    fn deps_keep_file_order() {
        let e = entry(json!({"build": {"z": ["1"], "UNKNOWN": ["2"], "a": ["3"]}})).unwrap();
        assert_eq!(e.build_providers(), ["z", "UNKNOWN", "a"]);
        assert!(e.install().is_empty());
    }
}
