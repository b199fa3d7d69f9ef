//! The report file of ebranch 0.0.3, as its `dependencies` commands read and change it.
//!
//! Pure functions over the JSON object: loading rules, `unfold`, merging a freshly
//! computed entry into an old one, and `iterate`'s decision whether to save. Key order is
//! kept where serde_json keeps it (the `preserve_order` feature, which the workspace
//! enables through `ebranch-fedora`): new entries go where 0.0.3 puts them.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// The provider key of dependencies whose provider is unknown; never unfolded.
pub const UNKNOWN: &str = "UNKNOWN";

/// Keys of an entry that `missing-build-reqs` and `iterate` compute (and so replace as a
/// whole); other keys of an entry are kept.
pub const COMPUTED_KEYS: &[&str] = &[
    "build",
    "class",
    "evr",
    "unresolvable",
    "bootstrap",
    "alternatives",
    "providers",
];

/// A report: source package → entry object.
pub type Report = Map<String, Value>;

/// Parses report text: an object of objects.
pub fn parse(text: &str, path: &Path) -> Result<Report> {
    let value: Value = serde_json::from_str(text).with_context(|| {
        format!(
            "report {} is not valid JSON (left as it is; fix or remove it)",
            path.display()
        )
    })?;
    let Value::Object(top) = value else {
        bail!(
            "report {} is not a JSON object keyed by source package",
            path.display()
        );
    };
    for (name, entry) in &top {
        if !entry.is_object() {
            bail!(
                "report {}: entry `{name}` is not a JSON object",
                path.display()
            );
        }
    }
    Ok(top)
}

/// The text of a report file, `None` when there is no such file.
pub fn read_raw(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read report {}", path.display())),
    }
}

/// Reads a report file, with the text read (`None`: no file). A missing file is an
/// empty report (as in 0.0.3). Unlike 0.0.3, an unreadable or invalid file is an error
/// rather than an empty report, so that it is never overwritten.
pub fn load(path: &Path) -> Result<(Report, Option<String>)> {
    let raw = read_raw(path)?;
    let report = match &raw {
        Some(text) => parse(text, path)?,
        None => Map::new(),
    };
    Ok((report, raw))
}

/// Reads a report file that must exist (`calculate-chain-build`, `find-cycles`).
pub fn load_existing(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    parse(&text, path)
}

/// The report as 0.0.3 prints and saves it: JSON indented by two spaces.
pub fn to_text(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a JSON object serializes")
}

/// Whether a JSON value counts as true the way Python's `bool()` does (0.0.3 tests
/// `pkg_data.get("skip", False)`).
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

/// Whether an entry is marked `"skip"`.
pub fn is_skipped(entry: &Value) -> bool {
    entry.get("skip").is_some_and(truthy)
}

/// The provider keys of an entry's `build` map, in file order; an error names the entry
/// when `build` is not an object.
pub fn build_providers<'a>(name: &str, entry: &'a Value) -> Result<Vec<&'a str>> {
    match entry.get("build") {
        None => Ok(Vec::new()),
        Some(Value::Object(build)) => Ok(build.keys().map(String::as_str).collect()),
        Some(_) => bail!("entry `{name}`: \"build\" is not an object keyed by source package"),
    }
}

/// `unfold`: every provider named in the `build` map of an entry that is not skipped
/// becomes a new empty entry right after the first entry naming it, unless it is
/// `UNKNOWN` or already an entry. Returns the new report and the names added.
pub fn unfold(report: &Report) -> Result<(Report, Vec<String>)> {
    let mut out = Map::new();
    let mut added = Vec::new();
    for (name, entry) in report {
        out.insert(name.clone(), entry.clone());
        if is_skipped(entry) {
            continue;
        }
        for provider in build_providers(name, entry)? {
            if provider == UNKNOWN || report.contains_key(provider) || out.contains_key(provider) {
                continue;
            }
            out.insert(provider.to_owned(), Value::Object(Map::new()));
            added.push(provider.to_owned());
        }
    }
    Ok((out, added))
}

/// The entries `iterate` computes: not skipped and without a `build` key, in file order.
pub fn to_iterate(report: &Report) -> Vec<String> {
    report
        .iter()
        .filter(|(_, entry)| !is_skipped(entry) && entry.get("build").is_none())
        .map(|(name, _)| name.clone())
        .collect()
}

/// An entry updated with freshly computed keys: 0.0.3's `{**old, **new}`, except that
/// computed keys missing from `new` are dropped from `old` (they would be stale). Keys
/// keep their place; new ones go at the end.
pub fn merge(old: &Value, new: Map<String, Value>) -> Value {
    let mut out = Map::new();
    if let Some(old) = old.as_object() {
        for (key, value) in old {
            if COMPUTED_KEYS.contains(&key.as_str()) && !new.contains_key(key) {
                continue;
            }
            out.insert(key.clone(), value.clone());
        }
    }
    for (key, value) in new {
        out.insert(key, value);
    }
    Value::Object(out)
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

/// The report with every `skip` value turned into a boolean (by Python truthiness), for
/// readers that want `"skip": true` exactly.
pub fn normalize_skip(report: &Report) -> Report {
    report
        .iter()
        .map(|(name, entry)| {
            let mut entry = entry.clone();
            if let Some(obj) = entry.as_object_mut()
                && let Some(skip) = obj.get_mut("skip")
            {
                *skip = Value::Bool(truthy(skip));
            }
            (name.clone(), entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(v: Value) -> Report {
        v.as_object().unwrap().clone()
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
        let (out, added) = unfold(&r).unwrap();
        assert_eq!(added, ["x", "y"]);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 7);
        assert_eq!(out["x"], json!({}));
        assert_eq!(out["y"], json!({}));
        assert!(!out.contains_key("z") && !out.contains_key("w"));
        assert!(!out.contains_key(UNKNOWN));
        // Existing entries are untouched.
        assert_eq!(out["s"], r["s"]);
        let (again, none) = unfold(&out).unwrap();
        assert!(none.is_empty());
        assert_eq!(again, out);
    }

    #[test]
    fn unfold_rejects_a_build_that_is_not_an_object() {
        let r = report(json!({"a": {"build": ["x"]}}));
        let err = unfold(&r).unwrap_err().to_string();
        assert!(err.contains("`a`"), "{err}");
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
        let old = json!({"note": 1, "skip": false, "class": "update", "unresolvable": ["u"]});
        let new = report(json!({"build": {"x": ["dx"]}, "class": "new"}));
        let merged = merge(&old, new);
        assert_eq!(
            merged,
            json!({"note": 1, "skip": false, "class": "new", "build": {"x": ["dx"]}})
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
    fn parse_and_load_rules() {
        let p = Path::new("r.json");
        assert!(
            parse("{", p)
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
        assert!(parse("[]", p).is_err());
        assert!(
            parse(r#"{"a": 1}"#, p)
                .unwrap_err()
                .to_string()
                .contains("`a`")
        );
        assert!(parse("{}", p).unwrap().is_empty());
        let dir = tempfile::tempdir().unwrap();
        let (empty, raw) = load(&dir.path().join("missing.json")).unwrap();
        assert!(empty.is_empty() && raw.is_none());
        assert!(load_existing(&dir.path().join("missing.json")).is_err());
    }

    #[test]
    fn text_is_indented_by_two() {
        let r = report(json!({"a": {"build": {"x": ["d"]}}, "b": {}}));
        assert_eq!(
            to_text(&r),
            "{\n  \"a\": {\n    \"build\": {\n      \"x\": [\n        \"d\"\n      ]\n    }\n  },\n  \"b\": {}\n}"
        );
    }

    #[test]
    fn skip_is_normalized_by_truthiness() {
        let r = report(json!({"a": {"skip": "yes"}, "b": {"skip": 0}, "c": {}}));
        let n = normalize_skip(&r);
        assert_eq!(n["a"], json!({"skip": true}));
        assert_eq!(n["b"], json!({"skip": false}));
        assert_eq!(n["c"], json!({}));
    }
}
