//! The planner's input: a graph over the source packages that must be built.

/// Source packages that must be built, and which needs which.
///
/// Indexes in [`Edge`] and [`Unresolved`] point into `packages`. Several edges between the
/// same pair are merged by the planner; a duplicated name is one package; edges or entries
/// whose index is out of range are ignored (see [`BuildGraph::invalid_indexes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildGraph {
    /// Source package names.
    pub packages: Vec<String>,
    /// Dependency edges between them.
    pub edges: Vec<Edge>,
    /// Dependencies whose provider could not be determined, per package.
    pub unresolved: Vec<Unresolved>,
}

/// `from` needs `to`: `to` must be built (and in the buildroot) before `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The package that needs (index into [`BuildGraph::packages`]).
    pub from: usize,
    /// The package that is needed and must be built first.
    pub to: usize,
    /// The dependency strings that make the edge.
    pub deps: Vec<String>,
    /// Where the dependency comes from.
    pub kind: EdgeKind,
}

/// Why an edge exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// A BuildRequires of `from`.
    Build,
    /// An install-time Requires of a binary pulled into `from`'s buildroot.
    Install,
}

/// Dependencies of one package that nothing in the target or the closure provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The package (index into [`BuildGraph::packages`]).
    pub package: usize,
    /// The dependency strings.
    pub deps: Vec<String>,
}

impl BuildGraph {
    /// Index of the package called `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> usize {
        match self.packages.iter().position(|p| p == name) {
            Some(i) => i,
            None => {
                self.packages.push(name.to_owned());
                self.packages.len() - 1
            }
        }
    }

    /// Out-of-range indexes in edges and unresolved entries, which the planner ignores.
    pub fn invalid_indexes(&self) -> Vec<usize> {
        let n = self.packages.len();
        let mut bad: Vec<usize> = self
            .edges
            .iter()
            .flat_map(|e| [e.from, e.to])
            .chain(self.unresolved.iter().map(|u| u.package))
            .filter(|&i| i >= n)
            .collect();
        bad.sort_unstable();
        bad.dedup();
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intern_reuses_names() {
        let mut g = BuildGraph::default();
        assert_eq!(g.intern("a"), 0);
        assert_eq!(g.intern("b"), 1);
        assert_eq!(g.intern("a"), 0);
        assert_eq!(g.packages, ["a", "b"]);
    }

    #[test]
    fn invalid_indexes_are_listed() {
        let g = BuildGraph {
            packages: vec!["a".into()],
            edges: vec![Edge {
                from: 0,
                to: 3,
                deps: vec![],
                kind: EdgeKind::Build,
            }],
            unresolved: vec![Unresolved {
                package: 5,
                deps: vec!["x".into()],
            }],
        };
        assert_eq!(g.invalid_indexes(), [3, 5]);
    }
}
