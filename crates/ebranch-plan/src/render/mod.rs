//! Renderers of a plan: strings and JSON for people, fedpkg, koji and Graphviz; the one
//! graph model (`model`) that DOT (`dot`) and the HTML page (`html`, laid out by `layout`) are
//! drawn from.

pub mod chain;
pub mod dot;
pub mod find_cycles;
pub mod html;
pub mod json;
pub mod layout;
pub mod model;
pub mod side_tag;
pub mod text;

/// How good a bootstrap set is, as the renderers say it: a proven minimum, or the bound
/// when it is not one.
pub(crate) fn set_bound(exact: bool, at_least: usize) -> String {
    if exact {
        "a minimum set".to_owned()
    } else {
        format!("no set of fewer than {at_least} exists")
    }
}
