//! Rendering a closure as the report file (ebranch 0.0.3's JSON, extended) and as TSV.

use serde_json::{Map, Value, json};

use crate::closure::Closure;

/// The closure as an ebranch 0.0.3 report: a top-level object keyed by source package,
/// each with `"build": {"provider-source": ["dep", ...]}` (unresolvable deps under
/// `"UNKNOWN"`, as 0.0.3 does). Our extra facts sit in extra keys that 0.0.3 preserves:
/// `install` (install-time edges), `class`, `evr`, `root`, `skip`, `unresolvable`,
/// `bootstrap`, `alternatives`, `providers`.
pub fn report_json(closure: &Closure) -> Value {
    let mut top = Map::new();
    for (name, entry) in &closure.sources {
        let mut obj = Map::new();
        if entry.skip {
            obj.insert("skip".into(), Value::Bool(true));
        }
        let mut build: Map<String, Value> = entry
            .build
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        if !entry.unresolvable.is_empty() {
            build.insert("UNKNOWN".into(), json!(entry.unresolvable));
        }
        if !entry.skip {
            obj.insert("build".into(), Value::Object(build));
        }
        if !entry.install.is_empty() {
            obj.insert("install".into(), json!(entry.install));
        }
        if let Some(class) = entry.class {
            obj.insert("class".into(), json!(class.label()));
        }
        if let Some(evr) = &entry.evr {
            obj.insert("evr".into(), json!(evr));
        }
        if entry.root {
            obj.insert("root".into(), Value::Bool(true));
        }
        if !entry.unresolvable.is_empty() {
            obj.insert("unresolvable".into(), json!(entry.unresolvable));
        }
        if !entry.bootstrap.is_empty() {
            obj.insert("bootstrap".into(), json!(entry.bootstrap));
        }
        if !entry.alternatives.is_empty() {
            obj.insert("alternatives".into(), json!(entry.alternatives));
        }
        if !entry.providers.is_empty() {
            obj.insert("providers".into(), json!(entry.providers));
        }
        top.insert(name.clone(), Value::Object(obj));
    }
    Value::Object(top)
}

/// The closure's rows as `solv_oracle.py closure` prints them: sorted
/// `needed<TAB>needed-by<TAB>dep` lines, each ending in a newline.
pub fn rows_tsv(closure: &Closure) -> String {
    let mut out = String::new();
    for row in &closure.rows {
        out.push_str(&row.needed);
        out.push('\t');
        out.push_str(&row.needed_by);
        out.push('\t');
        out.push_str(&row.dep);
        out.push('\n');
    }
    out
}
