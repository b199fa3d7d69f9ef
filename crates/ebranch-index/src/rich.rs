//! Rich (boolean) dependencies of the pool: checked when a pool is built, parsed for
//! evaluation once each, on first use.

use std::sync::OnceLock;

use ebranch_rpm::{Dep, Flags, Requirement, parse_rich};

use crate::ids::NameId;
use crate::strings::Strings;

/// A rich dependency as a tree over pool ids, ready to be evaluated.
#[derive(Clone, Debug)]
pub(crate) enum RichNode {
    /// A plain dependency; `name` is `None` when no repository knows the name.
    Leaf {
        name: Option<NameId>,
        flags: Flags,
        evr: Box<str>,
    },
    /// All operands, each by some package (`and`).
    And(Vec<RichNode>),
    /// Any operand.
    Or(Vec<RichNode>),
    /// All operands by the same package.
    With(Vec<RichNode>),
    /// The first operand by a package that does not match the second.
    Without(Box<RichNode>, Box<RichNode>),
    /// `then if cond [else otherwise]` / `then unless cond [else otherwise]`: providers of
    /// `then` and of `otherwise` (the condition is about the installed set, not providers).
    Cond {
        then: Box<RichNode>,
        otherwise: Option<Box<RichNode>>,
    },
}

impl RichNode {
    /// Converts a parsed requirement, resolving names with `resolve`.
    pub(crate) fn from_requirement(
        req: &Requirement,
        resolve: &mut dyn FnMut(&str) -> Option<NameId>,
    ) -> RichNode {
        let many = |reqs: &[Requirement], resolve: &mut dyn FnMut(&str) -> Option<NameId>| {
            reqs.iter()
                .map(|r| RichNode::from_requirement(r, resolve))
                .collect::<Vec<_>>()
        };
        match req {
            Requirement::Simple(Dep { name, flags, evr }) => RichNode::Leaf {
                name: resolve(name),
                flags: *flags,
                evr: evr.as_deref().unwrap_or("").into(),
            },
            Requirement::And(reqs) => RichNode::And(many(reqs, resolve)),
            Requirement::Or(reqs) => RichNode::Or(many(reqs, resolve)),
            Requirement::With(reqs) => RichNode::With(many(reqs, resolve)),
            Requirement::Without(a, b) => RichNode::Without(
                Box::new(RichNode::from_requirement(a, resolve)),
                Box::new(RichNode::from_requirement(b, resolve)),
            ),
            Requirement::If {
                then,
                cond: _,
                otherwise,
            }
            | Requirement::Unless {
                then,
                cond: _,
                otherwise,
            } => RichNode::Cond {
                then: Box::new(RichNode::from_requirement(then, resolve)),
                otherwise: otherwise
                    .as_ref()
                    .map(|o| Box::new(RichNode::from_requirement(o, resolve))),
            },
        }
    }
}

/// A parsed rich dependency: its text form and its evaluable tree.
#[derive(Clone, Debug)]
pub(crate) struct RichEntry {
    pub(crate) parsed: Requirement,
    pub(crate) node: RichNode,
}

impl RichEntry {
    fn new(parsed: Requirement, strings: &Strings) -> RichEntry {
        let node = RichNode::from_requirement(&parsed, &mut |name| strings.lookup(name));
        RichEntry { parsed, node }
    }
}

/// Every rich dependency used by any package: the sorted ids of their texts, each parsed
/// on first use (a pool read from an image parses only what a question touches).
///
/// Names inside a rich dependency resolve to pool ids by lookup: a name no repository
/// interned has no providers, exactly as a leaf without an id.
#[derive(Default)]
pub struct RichTable {
    pub(crate) ids: Vec<u32>,
    entries: Vec<OnceLock<Option<RichEntry>>>,
}

impl RichTable {
    /// The table of already parsed rich dependencies (`(text id, parsed)`, any order).
    pub(crate) fn new(strings: &Strings, mut parsed: Vec<(u32, Requirement)>) -> RichTable {
        parsed.sort_unstable_by_key(|(id, _)| *id);
        let ids = parsed.iter().map(|(id, _)| *id).collect();
        let entries = parsed
            .into_iter()
            .map(|(_, req)| OnceLock::from(Some(RichEntry::new(req, strings))))
            .collect();
        RichTable { ids, entries }
    }

    /// The table of a pool image: the ids only, parsed on demand.
    pub(crate) fn unparsed(ids: Vec<u32>) -> RichTable {
        let entries = ids.iter().map(|_| OnceLock::new()).collect();
        RichTable { ids, entries }
    }

    /// The parsed rich dependency whose text is `name`, if it is one. A text that does not
    /// parse (possible only in a damaged image that passed its checksum) counts as no rich
    /// dependency.
    pub(crate) fn get(&self, name: NameId, strings: &Strings) -> Option<&RichEntry> {
        let i = self.ids.binary_search(&name.0).ok()?;
        self.entries[i]
            .get_or_init(|| {
                parse_rich(strings.get(name))
                    .ok()
                    .map(|req| RichEntry::new(req, strings))
            })
            .as_ref()
    }

    /// Whether `name` is the text of a rich dependency (without parsing it).
    pub(crate) fn contains(&self, name: NameId) -> bool {
        self.ids.binary_search(&name.0).is_ok()
    }

    /// Number of distinct rich dependencies.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
