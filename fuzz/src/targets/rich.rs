//! Dependency text: plain and rich dependencies.

use ebranch_rpm::{RichContext, parse_requirement, parse_rich, parse_rich_for_tag};

use super::{Scratch, text};

pub fn run(_: &Scratch, data: &[u8]) {
    let text = text(data);
    let parsed = parse_requirement(&text);
    if let Ok(req) = &parsed {
        // Rendering is libsolv's text; reading it back gives the same tree, and
        // rendering that gives the same text.
        let rendered = req.to_string();
        match parse_requirement(&rendered) {
            Ok(again) => {
                assert!(
                    again == *req,
                    "{text:?} renders as {rendered:?}, which reads back differently"
                );
                assert_eq!(again.to_string(), rendered, "rendering is not stable");
            }
            Err(e) => panic!("{text:?} renders as {rendered:?}, which does not parse: {e}"),
        }
        let _ = req.deps();
    }
    let rich = parse_rich(&text);
    if let Ok(req) = &rich {
        assert!(
            parsed.as_ref() == Ok(req),
            "parse_rich accepts what parse_requirement reads otherwise"
        );
    }
    for context in [RichContext::Requires, RichContext::Conflicts] {
        // rpmbuild's checks only refuse more: what they accept reads the same.
        if let Ok(req) = parse_rich_for_tag(&text, context) {
            assert!(
                rich.as_ref() == Ok(&req),
                "parse_rich_for_tag accepts what parse_rich refuses"
            );
        }
    }
}
