//! `whatprovides`: which packages satisfy a dependency, as libsolv answers it.

use ebranch_rpm::{EvrRef, Flags, Requirement, ranges_overlap};

use crate::ids::{NameId, PkgId};
use crate::pool::Pool;
use crate::rich::RichNode;

impl Pool {
    /// The providers of a stored dependency: `name` (a plain name, a path, or the text of a
    /// rich dependency when `flags` is empty), `flags` and `evr` (`NameId::EMPTY` when
    /// unversioned). Sorted, without duplicates.
    pub fn whatprovides_id(&self, name: NameId, flags: Flags, evr: NameId) -> Vec<PkgId> {
        let mut out = Vec::new();
        if !flags.is_versioned()
            && let Some(rich) = self.rich_entry(name)
        {
            self.eval_rich(&rich.node, &mut out);
        } else {
            self.simple_providers(name, flags, self.str(evr), &mut out);
        }
        sort_dedup(&mut out);
        out
    }

    /// Whether anything satisfies a stored dependency, counting only providers accepted by
    /// `keep` (cheaper than [`Pool::whatprovides_id`] for plain dependencies).
    pub fn has_provider_id(
        &self,
        name: NameId,
        flags: Flags,
        evr: NameId,
        keep: &dyn Fn(PkgId) -> bool,
    ) -> bool {
        if !flags.is_versioned() && self.rich_table.contains(name) {
            return self.whatprovides_id(name, flags, evr).into_iter().any(keep);
        }
        let evr = self.str(evr);
        let mut found = false;
        self.for_each_simple_provider(name, flags, evr, &mut |p| {
            if !found && keep(p) {
                found = true;
            }
        });
        found
    }

    /// The providers of a dependency given as text or parsed (e.g. from the command line).
    /// Names no repository knows have no providers.
    pub fn whatprovides(&self, req: &Requirement) -> Vec<PkgId> {
        let node = RichNode::from_requirement(req, &mut |name| self.lookup(name));
        let mut out = Vec::new();
        self.eval_rich(&node, &mut out);
        sort_dedup(&mut out);
        out
    }

    /// Appends the providers of a rich (or plain) dependency tree to `out`, unsorted.
    fn eval_rich(&self, node: &RichNode, out: &mut Vec<PkgId>) {
        match node {
            RichNode::Leaf { name, flags, evr } => {
                if let Some(name) = name {
                    if !flags.is_versioned()
                        && let Some(rich) = self.rich_entry(*name)
                    {
                        self.eval_rich(&rich.node, out);
                    } else {
                        self.simple_providers(*name, *flags, evr, out);
                    }
                }
            }
            // libsolv answers `and` like `or`: each operand is a separate requirement, so a
            // provider of any operand is a provider of the whole (checked against
            // python3-solv: `(x and a)` is provided by every provider of `x` or `a`).
            RichNode::Or(nodes) | RichNode::And(nodes) => {
                for n in nodes {
                    self.eval_rich(n, out);
                }
            }
            RichNode::With(nodes) => {
                let mut acc: Option<Vec<PkgId>> = None;
                for n in nodes {
                    let set = self.eval_sorted(n);
                    acc = Some(match acc {
                        None => set,
                        Some(prev) => intersect(&prev, &set),
                    });
                }
                out.extend(acc.unwrap_or_default());
            }
            RichNode::Without(a, b) => {
                let a = self.eval_sorted(a);
                let b = self.eval_sorted(b);
                out.extend(a.into_iter().filter(|p| b.binary_search(p).is_err()));
            }
            RichNode::Cond {
                then, otherwise, ..
            } => {
                self.eval_rich(then, out);
                if let Some(o) = otherwise {
                    self.eval_rich(o, out);
                }
            }
        }
    }

    fn eval_sorted(&self, node: &RichNode) -> Vec<PkgId> {
        let mut v = Vec::new();
        self.eval_rich(node, &mut v);
        sort_dedup(&mut v);
        v
    }

    /// Appends the providers of a plain dependency to `out`, unsorted, maybe duplicated.
    fn simple_providers(&self, name: NameId, flags: Flags, evr: &str, out: &mut Vec<PkgId>) {
        self.for_each_simple_provider(name, flags, evr, &mut |p| out.push(p));
    }

    fn for_each_simple_provider(
        &self,
        name: NameId,
        flags: Flags,
        evr: &str,
        f: &mut dyn FnMut(PkgId),
    ) {
        // Only absolute paths are in the file index.
        for &p in self.files.get(name) {
            f(p);
        }
        let entries = self.provides.get(name);
        if !flags.is_versioned() || evr.is_empty() {
            for e in entries {
                f(PkgId(e.pkg));
            }
            return;
        }
        let want = EvrRef::parse(evr);
        for e in entries {
            let dep = &self.deps[e.dep as usize];
            let have = Flags::from_bits(dep.flags as u8);
            if !have.is_versioned()
                || ranges_overlap(have, EvrRef::parse(self.str(NameId(dep.evr))), flags, want)
            {
                f(PkgId(e.pkg));
            }
        }
    }
}

fn sort_dedup(v: &mut Vec<PkgId>) {
    v.sort_unstable();
    v.dedup();
}

fn intersect(a: &[PkgId], b: &[PkgId]) -> Vec<PkgId> {
    a.iter()
        .copied()
        .filter(|p| b.binary_search(p).is_ok())
        .collect()
}
