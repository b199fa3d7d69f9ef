//! Renderers of a plan: strings and JSON for people, fedpkg, koji and Graphviz.

pub mod chain;
pub mod dot;
pub mod find_cycles;
pub mod json;
pub mod side_tag;
pub mod text;
