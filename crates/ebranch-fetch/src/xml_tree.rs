//! A tiny element tree for the small XML documents this crate reads itself
//! (metalinks, a few kilobytes each; repomd.xml is read by ebranch-repodata).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One element: local name (namespace prefix dropped), attributes, text, children.
#[derive(Debug, Default, Clone)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// Value of the attribute with this local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// First child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Trimmed text content.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }
}

/// The deepest nesting of elements accepted (a metalink needs 6). The tree is built without
/// recursion, but dropping, cloning or printing it recurses: the bound keeps those far
/// from the end of the stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// Parses a whole document and returns its root element.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(start) => {
                if stack.len() == MAX_DEPTH {
                    return Err(format!(
                        "elements nested deeper than {MAX_DEPTH} levels at byte {at}"
                    ));
                }
                stack.push(open(&start)?)
            }
            Event::Empty(start) => {
                let element = open(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let ch = resolve_ref(&r).ok_or_else(|| format!("unknown entity &{};", &*r))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push(ch);
                }
            }
            Event::Eof => return Err("document ends before its root element closes".into()),
            _ => {}
        }
    }
}

fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match &**r {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn open(start: &BytesStart<'_>) -> Result<Element, String> {
    let mut element = Element {
        name: local(start.name().as_ref()),
        ..Element::default()
    };
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        element
            .attrs
            .push((local(attr.key.as_ref()), value.into_owned()));
    }
    Ok(element)
}

/// Drops a `prefix:` from a qualified name, except for `xml:` attributes
/// such as `xml:base`, which keep their prefix.
fn local(name: &str) -> String {
    if name.starts_with("xml:") {
        return name.to_string();
    }
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_namespaces_entities_and_empty_elements() {
        let root = parse(
            r#"<?xml version="1.0"?><a xmlns:mm0="x"><mm0:b k="1&amp;2"/><c>x &lt; y</c><d xml:base="u"/></a>"#,
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.child("b").unwrap().attr("k"), Some("1&2"));
        assert_eq!(root.child("c").unwrap().trimmed_text(), "x < y");
        assert_eq!(root.child("d").unwrap().attr("xml:base"), Some("u"));
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
        let nested = |depth: usize| format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let err = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(err, "elements nested deeper than 64 levels at byte 192");
        // 50,000 levels in 350 KB: the tree was built, then dropping it overflowed the stack.
        let err = parse(&nested(50_000)).unwrap_err();
        assert!(err.contains("nested deeper than 64 levels"), "{err}");
    }
}
