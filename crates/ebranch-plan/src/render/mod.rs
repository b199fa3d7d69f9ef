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
