//! ebranch 0.0.3's rules for changing a report (`unfold`, `iterate`, merging a recomputed
//! entry, refusing to shrink a report), and merging changes into a report that changed on
//! disk meanwhile.

use crate::key::{self, Key};
use crate::{Entry, Report, UNKNOWN};

/// `unfold`: every provider named in the `build` map of an entry that is not skipped
/// becomes a new empty entry right after the first entry naming it, unless it is
/// [`UNKNOWN`] or already an entry. Returns the new report and the names added.
pub fn unfold(report: &Report) -> (Report, Vec<String>) {
    let mut out = Report::new();
    let mut added = Vec::new();
    for (name, entry) in &report.packages {
        out.packages.insert(name.clone(), entry.clone());
        if entry.skip() {
            continue;
        }
        for provider in entry.build_providers() {
            if provider == UNKNOWN
                || report.packages.contains_key(&provider)
                || out.packages.contains_key(&provider)
            {
                continue;
            }
            out.packages.insert(provider.clone(), Entry::new());
            added.push(provider);
        }
    }
    (out, added)
}

/// The entries `iterate` computes: not skipped and without a `build` key, in file order.
pub fn to_iterate(report: &Report) -> Vec<String> {
    report
        .packages
        .iter()
        .filter(|(_, entry)| !entry.skip() && !entry.has(key::BUILD.name()))
        .map(|(name, _)| name.clone())
        .collect()
}

impl Entry {
    /// This entry updated with a freshly computed one: 0.0.3's `{**old, **new}`, except
    /// that computed keys (see [`crate::key`]) missing from `new` are dropped, since they
    /// would be stale. Keys keep their place; new ones go at the end.
    pub fn merged_with(&self, new: Entry) -> Entry {
        let mut out = Entry::new();
        for (name, value) in self.fields() {
            let computed = key::known(name).is_some_and(|k| k.computed());
            if !computed || new.has(name) {
                out.insert_checked(name.clone(), value.clone());
            }
        }
        for (name, value) in new.fields() {
            out.insert_checked(name.clone(), value.clone());
        }
        out
    }
}

/// What `iterate` does with its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveDecision {
    /// Nothing changed: print "Report unchanged", do not write.
    Unchanged,
    /// The new report has fewer entries than the old: refuse to write it.
    Shorter,
    /// Write the new report.
    Save,
}

/// 0.0.3's `iterate_report_serialized` rule.
pub fn save_decision(existing: &Report, expanded: &Report) -> SaveDecision {
    if existing == expanded {
        SaveDecision::Unchanged
    } else if existing.len() > expanded.len() {
        SaveDecision::Shorter
    } else {
        SaveDecision::Save
    }
}

impl Report {
    /// Copies `key` from the entries of `other` that have it into the entries of this
    /// report that lack it; an entry of `other` this report lacks altogether is copied
    /// whole. For values that must never be lost once recorded (a bug number): a value
    /// already here wins.
    pub fn fill_from<T>(&mut self, other: &Report, key: &Key<T>) {
        for (name, entry) in &other.packages {
            let Some(value) = entry.raw(key.name()) else {
                continue;
            };
            match self.packages.get_mut(name) {
                Some(mine) if !mine.has(key.name()) => {
                    mine.insert_checked(key.name().to_owned(), value.clone());
                }
                Some(_) => {}
                None => {
                    self.packages.insert(name.clone(), entry.clone());
                }
            }
        }
    }

    /// Sets `key` from the entries of `other` that have it in the entries of this report
    /// that still exist. For values that are recomputed on every run (a status).
    pub fn overwrite_from<T>(&mut self, other: &Report, key: &Key<T>) {
        for (name, entry) in &other.packages {
            if let (Some(value), Some(mine)) = (entry.raw(key.name()), self.packages.get_mut(name))
            {
                mine.insert_checked(key.name().to_owned(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{BUG, STATUS};
    use serde_json::{Value, json};
    use std::path::Path;

    fn report(v: Value) -> Report {
        Report::from_value(v, Path::new("r.json")).unwrap()
    }

    fn entry(v: Value) -> Entry {
        Entry::from_map(v.as_object().unwrap().clone()).unwrap()
    }

    #[test]
    fn unfold_adds_providers_once_skipping_unknown_and_skipped() {
        let r = report(json!({
            "a": {"build": {"x": ["dx"], "UNKNOWN": ["nothing"], "b": ["db"]}},
            "b": {"build": {"x": ["dx2"], "y": ["dy"]}},
            "s": {"skip": true, "build": {"z": ["dz"]}},
            "t": {"skip": 1, "build": {"w": ["dw"]}},
            "e": {}
        }));
        let (out, added) = unfold(&r);
        assert_eq!(added, ["x", "y"]);
        let keys: Vec<&str> = out.names().collect();
        assert_eq!(keys, ["a", "x", "b", "y", "s", "t", "e"]);
        assert!(out.packages["x"].is_empty());
        assert_eq!(out.packages["s"], r.packages["s"]);
        let (again, none) = unfold(&out);
        assert!(none.is_empty());
        assert_eq!(again, out);
    }

    #[test]
    fn iterate_picks_unexpanded_unskipped_entries() {
        let r = report(json!({
            "a": {"build": {}},
            "b": {},
            "c": {"skip": true},
            "d": {"note": "kept"},
            "e": {"skip": false}
        }));
        assert_eq!(to_iterate(&r), ["b", "d", "e"]);
    }

    #[test]
    fn merge_keeps_extra_keys_and_replaces_computed_ones() {
        let old =
            entry(json!({"note": 1, "skip": false, "class": "update", "unresolvable": ["u"]}));
        let new = entry(json!({"build": {"x": ["dx"]}, "class": "new"}));
        let merged = old.merged_with(new);
        assert_eq!(
            serde_json::to_value(&merged).unwrap(),
            json!({"note": 1, "skip": false, "class": "new", "build": {"x": ["dx"]}})
        );
        assert_eq!(
            merged.keys().collect::<Vec<_>>(),
            ["note", "skip", "class", "build"]
        );
    }

    #[test]
    fn save_decisions() {
        let a = report(json!({"a": {}}));
        let ab = report(json!({"a": {"build": {}}, "b": {}}));
        assert_eq!(save_decision(&a, &a), SaveDecision::Unchanged);
        assert_eq!(save_decision(&ab, &a), SaveDecision::Shorter);
        assert_eq!(save_decision(&a, &ab), SaveDecision::Save);
    }

    #[test]
    fn bugs_are_filled_in_and_never_replaced() {
        let mut on_disk = report(json!({"a": {"note": "edited"}, "b": {"bug": 1}, "c": {}}));
        let mine = report(json!({"a": {"bug": 10}, "b": {"bug": 2}, "d": {"bug": 4}}));
        on_disk.fill_from(&mine, &BUG);
        assert_eq!(
            serde_json::to_value(&on_disk).unwrap(),
            json!({"a": {"note": "edited", "bug": 10}, "b": {"bug": 1}, "c": {}, "d": {"bug": 4}})
        );
    }

    #[test]
    fn statuses_are_overwritten_where_the_entry_remains() {
        let mut on_disk = report(json!({"a": {"status": {"state": "old"}}, "c": {}}));
        let mine = report(json!({"a": {"status": {"state": "new"}}, "b": {"status": {}}}));
        on_disk.overwrite_from(&mine, &STATUS);
        assert_eq!(
            serde_json::to_value(&on_disk).unwrap(),
            json!({"a": {"status": {"state": "new"}}, "c": {}})
        );
    }
}
