//! The Bugzilla API key: a newtype that never shows its value, and the one rule that
//! keeps it out of text a server sends back ([`ApiKey::redact`], applied by
//! [`crate::http::exchange`] to every response and transport error).

use std::fmt;

use serde_json::Value;

/// What stands in for the key in any text shown.
pub const REDACTED: &str = "<redacted>";

/// A Bugzilla API key. `Debug` and `Display` print a placeholder, never the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key; surrounding whitespace is dropped. `None` when nothing is left.
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into();
        let trimmed = key.trim();
        (!trimmed.is_empty()).then(|| Self(trimmed.to_string()))
    }

    /// The key itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` without the key. Every occurrence becomes [`REDACTED`]; so does one that
    /// JSON escapes spell differently (`\u0041`, `\/`): a JSON text is rewritten with its
    /// strings redacted, and any other text that would still show the key once unescaped
    /// is withheld as a whole.
    pub fn redact(&self, text: &str) -> String {
        let plain = text.replace(&self.0, REDACTED);
        if !plain.contains('\\') || !json_unescape(&plain).contains(&self.0) {
            return plain;
        }
        match serde_json::from_str::<Value>(&plain) {
            Ok(mut value) => {
                self.redact_value(&mut value);
                value.to_string()
            }
            Err(_) => format!("{REDACTED} (the text held the API key in escaped form)"),
        }
    }

    /// Redact every string (and object key) of a JSON value in place.
    fn redact_value(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = s.replace(&self.0, REDACTED),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (k, mut v) in entries {
                    self.redact_value(&mut v);
                    map.insert(k.replace(&self.0, REDACTED), v);
                }
            }
            _ => {}
        }
    }
}

/// `text` with JSON's string escapes decoded wherever they appear (`\uXXXX`, `\/`, `\"`,
/// `\\`; others kept). Only used to look for the key, so lone surrogates may be dropped.
fn json_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(e @ ('/' | '"' | '\\')) => {
                chars.next();
                out.push(e);
            }
            Some('u') => {
                chars.next();
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(decoded) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(decoded);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_the_key() {
        let key = ApiKey::new("  s3cr3t-key ").unwrap();
        assert_eq!(format!("{key}"), "<redacted>");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "s3cr3t-key");
        assert_eq!(key.redact("Bearer s3cr3t-key"), "Bearer <redacted>");
        assert!(ApiKey::new("   ").is_none());
    }

    #[test]
    fn escaped_spellings_of_the_key_are_redacted_too() {
        let key = ApiKey::new("ab/c9").unwrap();
        // JSON: rewritten with the strings redacted, the rest kept.
        let json = r#"{"error": true, "code": 32000, "message": "bad key \u0061b\/c9"}"#;
        let redacted: Value = serde_json::from_str(&key.redact(json)).unwrap();
        assert_eq!(
            redacted,
            serde_json::json!({"error": true, "code": 32000, "message": "bad key <redacted>"})
        );
        // Not JSON: withheld.
        let broken = r#"{"message": "\u0061b\/c9"#;
        let text = key.redact(broken);
        assert!(text.starts_with(REDACTED) && !json_unescape(&text).contains("ab/c9"));
        // Escapes without the key are left alone.
        assert_eq!(key.redact(r#"{"a": "\u0041"}"#), r#"{"a": "\u0041"}"#);
    }
}
