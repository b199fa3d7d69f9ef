//! A whole report: source package → entry, in file order.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::{Entry, UNKNOWN};

/// A report could not be read, parsed or written. Every message is one line naming the
/// file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading failed.
    #[error("cannot read report {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not JSON.
    #[error("report {} is not valid JSON (left as it is; fix or remove it): {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error (with line and column).
        source: serde_json::Error,
    },
    /// JSON, but not a report: the message names the entry and key.
    #[error("report {}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
    /// Writing failed; the file is as it was.
    #[error("cannot write report {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file changed since this command read it (another command, or a person, wrote
    /// it); it is left as it is.
    #[error(
        "report {} changed while this command ran; not overwriting it (run the command again)",
        path.display()
    )]
    Changed {
        /// The file.
        path: PathBuf,
        /// How many entries the file has now (0 when it is gone or unreadable).
        entries_now: usize,
    },
}

/// A whole report: source package → [`Entry`], in file order. Never has an entry named
/// [`UNKNOWN`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The entries, in file order.
    pub packages: IndexMap<String, Entry>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Parses report JSON; `path` only names the file in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Report, ReportError> {
        let value: Value = serde_json::from_str(text).map_err(|source| ReportError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        Report::from_value(value, path)
    }

    /// A report from a JSON value: an object of entry objects, each checked
    /// ([`Entry::from_map`]); `path` only names the file in errors.
    pub fn from_value(value: Value, path: &Path) -> Result<Report, ReportError> {
        let invalid = |message: String| ReportError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let Value::Object(top) = value else {
            return Err(invalid(
                "not a JSON object keyed by source package".to_owned(),
            ));
        };
        let mut packages = IndexMap::with_capacity(top.len());
        for (name, entry) in top {
            if name == UNKNOWN {
                return Err(invalid(format!(
                    "`{UNKNOWN}` is reserved for unresolvable dependencies and cannot be a package"
                )));
            }
            let Value::Object(fields) = entry else {
                return Err(invalid(format!("entry `{name}` is not a JSON object")));
            };
            let entry =
                Entry::from_map(fields).map_err(|e| invalid(format!("entry `{name}`: {e}")))?;
            packages.insert(name, entry);
        }
        Ok(Report { packages })
    }

    /// Reads a report file that must exist (a FIFO or `/dev/stdin` will do: a report is
    /// the user's file). For reading in order to write back, use [`crate::ReportFile`].
    pub fn load(path: &Path) -> Result<Report, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Report::from_json(&text, path)
    }

    /// The report as 0.0.3 writes it, JSON indented by two spaces, plus a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a report serializes");
        text.push('\n');
        text
    }

    /// The package names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.packages
            .keys()
            .map(String::as_str)
            .filter(|n| *n != UNKNOWN)
    }

    /// The entry of `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.packages.get(name)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.packages.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Class;

    const SAMPLE: &str = r#"{
  "python-b4": {
    "zeta": 1,
    "build": {
      "python-dkimpy": ["(python3dist(dkimpy) >= 1 with python3dist(dkimpy) < 2)"],
      "UNKNOWN": ["python3dist(unobtanium)"]
    },
    "class": "new"
  },
  "python-dkimpy": {"skip": true, "bug": "123"},
  "python-patatt": {}
}"#;

    #[test]
    fn reads_0_0_3_reports() {
        let r = Report::from_json(SAMPLE, Path::new("r.json")).unwrap();
        let b4 = &r.packages["python-b4"];
        assert_eq!(b4.build_providers(), ["python-dkimpy", "UNKNOWN"]);
        assert_eq!(b4.class(), Some(Class::New));
        assert!(r.packages["python-dkimpy"].skip());
        assert_eq!(r.packages["python-dkimpy"].bug(), Some(123));
        assert_eq!(r.packages["python-patatt"].bug(), None);
        assert_eq!(
            r.names().collect::<Vec<_>>(),
            ["python-b4", "python-dkimpy", "python-patatt"]
        );
    }

    #[test]
    fn a_round_trip_keeps_every_byte_of_an_indented_report() {
        let r = Report::from_json(SAMPLE, Path::new("r.json")).unwrap();
        let text = r.to_json();
        let again = Report::from_json(&text, Path::new("r.json")).unwrap();
        assert_eq!(again.to_json(), text);
        assert_eq!(again, r);
        let zeta = text.find("\"zeta\"").unwrap();
        let build = text.find("\"build\"").unwrap();
        let class = text.find("\"class\"").unwrap();
        assert!(zeta < build && build < class);
        assert!(
            text.contains("\"bug\": \"123\""),
            "values are kept as written"
        );
    }

    #[test]
    fn rewrite_keeps_unknown_keys_and_order() {
        let mut r = Report::from_json(SAMPLE, Path::new("r.json")).unwrap();
        r.packages["python-b4"].set_bug(42);
        let text = r.to_json();
        assert!(text.find("\"class\"").unwrap() < text.find("\"bug\": 42").unwrap());
    }

    #[test]
    fn a_long_number_keeps_its_value_across_rewrites() {
        // 28 digits: more than an f64 holds, so the first read rounds it; the rewrite
        // must then read back as the same value, not one a unit in the last place away.
        let p = Path::new("r.json");
        let text = r#"{"c": {"note": 1111111111111110111111111111}}"#;
        let first = Report::from_json(text, p).unwrap();
        let again = Report::from_json(&first.to_json(), p).unwrap();
        assert_eq!(again, first);
    }

    #[test]
    fn errors_name_the_file_the_entry_and_the_key() {
        let p = Path::new("r.json");
        let err = |text: &str| Report::from_json(text, p).unwrap_err().to_string();
        assert!(err("{").contains("r.json is not valid JSON"));
        assert!(err("[]").contains("not a JSON object keyed by source package"));
        assert!(err(r#"{"a": 1}"#).contains("entry `a` is not a JSON object"));
        let e = err(r#"{"a": {"install": {"p": "x"}}}"#);
        assert!(
            e.contains("entry `a`: \"install\" must be an object"),
            "{e}"
        );
        assert!(err(r#"{"UNKNOWN": {}}"#).contains("reserved"));
        assert!(err(r#"{"a": {"class": "maybe"}}"#).contains("unknown class `maybe`"));
        assert!(Report::load(Path::new("/nonexistent/r.json")).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"a\": {{\"x\": {}{}}}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(Report::from_json(&deep, Path::new("r.json")).is_err());
    }
}
