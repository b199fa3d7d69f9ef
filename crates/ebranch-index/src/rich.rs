//! Rich (boolean) dependencies of the pool, parsed once at build time.

use ebranch_repodata::{DepKind, StrId, StringTable};
use ebranch_rpm::{Dep, Flags, Requirement, parse_rich};
use rustc_hash::FxHashMap;

use crate::error::IndexError;
use crate::ids::NameId;
use crate::pool::RepoSlot;

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

/// Every rich dependency string used by any package, parsed.
#[derive(Default)]
pub struct RichTable {
    entries: FxHashMap<NameId, RichEntry>,
}

impl RichTable {
    /// Parses every distinct rich dependency of every package of every repository.
    ///
    /// Package names, provides, paths and EVRs never start with `(`, so every string of a
    /// repository that does is the text of a rich dependency: the string tables are
    /// scanned rather than every dependency. Only when one fails to parse are the
    /// dependencies searched, to name the package in the error.
    pub(crate) fn build(
        strings: &mut StringTable,
        repos: &[RepoSlot],
    ) -> Result<RichTable, IndexError> {
        let mut entries = FxHashMap::default();
        for slot in repos {
            let data = &slot.data;
            for local in 0..data.strings.len() {
                let local = StrId(local as u32);
                let text = data.strings.get(local);
                if !text.starts_with('(') {
                    continue;
                }
                let global = slot.remap[local.0 as usize];
                if entries.contains_key(&global) {
                    continue;
                }
                let parsed = match parse_rich(text) {
                    Ok(parsed) => parsed,
                    Err(source) => match user_of(data, local) {
                        Some(package) => {
                            return Err(IndexError::BadDependency {
                                repo: slot.label.clone(),
                                package,
                                dep: text.to_owned(),
                                source: Box::new(source),
                            });
                        }
                        // Not used as a dependency name after all: nothing to evaluate.
                        None => continue,
                    },
                };
                let node = RichNode::from_requirement(&parsed, &mut |name| {
                    Some(NameId(strings.intern(name).0))
                });
                entries.insert(global, RichEntry { parsed, node });
            }
        }
        Ok(RichTable { entries })
    }

    /// The parsed rich dependency whose text is `name`, if it is one.
    pub(crate) fn get(&self, name: NameId) -> Option<&RichEntry> {
        self.entries.get(&name)
    }

    /// Number of distinct rich dependencies.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The first package with an unversioned dependency named `name`, as `name-evr.arch`.
fn user_of(data: &ebranch_repodata::RepoData, name: StrId) -> Option<String> {
    (0..data.packages.len()).find_map(|local| {
        DepKind::ALL
            .iter()
            .flat_map(|kind| data.deps(local, *kind))
            .any(|dep| dep.name == name && dep.flags == 0)
            .then(|| data.nevra(local))
    })
}
