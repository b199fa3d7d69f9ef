//! EL8/EL9 module filtering: which target packages dnf hides on a given platform.
//!
//! dnf (libdnf) turns every module stream document into a pseudo-package named
//! `name:stream:context`, solves which of them are *active* (enabled streams must be,
//! default streams may be; their module requires must hold on the platform), and then
//! hides, in every repository:
//! - the RPM artifacts of inactive module builds;
//! - every package (not itself an artifact of an active build) named like, or providing
//!   the name of, a binary artifact of an active build — the "hybrid" filtering that keeps
//!   a non-modular `nodejs` from shadowing the enabled `nodejs:20` stream's;
//! - source packages named like an active build's source artifacts.
//!
//! All versions of an active `name:stream:context` are active, not only the newest. A
//! non-static context is replaced by the build's runtime requires (without the platform)
//! for that grouping, as libdnf does, so EL8's per-build contexts of one stream group
//! together. Names listed under `demodularized` in the newest active build stop counting.
//!
//! The stream choice is a small backtracking search in place of libdnf's libsolv run:
//! enabled streams first, then default streams, each taking its newest build whose module
//! requires can be met (conflicting streams of one module never both active).

use std::collections::{BTreeMap, BTreeSet};

use ebranch_index::{PkgId, Pool, RepoId};
use ebranch_repodata::{DepKind, ModuleMetadata, ModuleStream};
use rustc_hash::{FxHashMap, FxHashSet};

/// What module filtering is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleConfig {
    /// The platform pseudo-module, `platform:el9`.
    pub platform: String,
    /// Streams enabled as `dnf module enable NAME:STREAM` would, in order.
    pub enable: Vec<String>,
}

/// A bad module request.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModuleError {
    /// `--module-platform` is not `NAME:STREAM`.
    #[error("module platform `{0}` is not NAME:STREAM (e.g. `platform:el9`)")]
    Platform(String),
    /// `--module` is not `NAME:STREAM`.
    #[error("module `{0}` is not NAME:STREAM (e.g. `nodejs:20`)")]
    Spec(String),
    /// `--module` names a stream no repository has.
    #[error(
        "no module stream `{spec}` in the target's modules.yaml; known streams of `{name}`: {known}"
    )]
    UnknownStream {
        /// What was asked.
        spec: String,
        /// The module name.
        name: String,
        /// The streams that exist (or `none`).
        known: String,
    },
    /// Two `--module` options name different streams of one module.
    #[error("`--module {0}` and `--module {1}` enable two streams of one module")]
    TwoStreams(String, String),
}

/// The result of module filtering.
#[derive(Clone, Debug, Default)]
pub struct ModuleFiltering {
    /// `hidden[pkg]` is true for a package dnf would not see.
    pub hidden: Vec<bool>,
    /// Active `name:stream` pairs, sorted.
    pub active: Vec<String>,
    /// How many packages are hidden.
    pub hidden_count: usize,
    /// Requests that could not be honoured (a stream whose module requires fail, …).
    pub problems: Vec<String>,
}

/// Computes which packages of the repositories `scope` accepts dnf hides, given the
/// `modules.yaml` of each repository (`modules`, in repository order).
pub fn module_filtering(
    pool: &Pool,
    modules: &[(RepoId, &ModuleMetadata)],
    scope: impl Fn(RepoId) -> bool,
    config: &ModuleConfig,
) -> Result<ModuleFiltering, ModuleError> {
    let platform =
        split(&config.platform).ok_or_else(|| ModuleError::Platform(config.platform.clone()))?;
    let universe = Universe::new(modules);
    let mut problems = universe.problems.clone();
    let enabled = enabled_streams(&universe, &config.enable)?;
    let active = universe.solve(platform, &enabled, &mut problems);
    let mut hidden = vec![false; pool.len()];
    let mut hidden_count = 0;
    let rules = universe.hiding_rules(&active);
    for pkg in pool.packages() {
        if scope(pool.repo_of(pkg)) && rules.hides(pool, pkg) {
            hidden[pkg.index()] = true;
            hidden_count += 1;
        }
    }
    let active: BTreeSet<String> = active
        .iter()
        .map(|&d| {
            let s = universe.docs[d];
            format!("{}:{}", s.name, s.stream)
        })
        .collect();
    Ok(ModuleFiltering {
        hidden,
        active: active.into_iter().collect(),
        hidden_count,
        problems,
    })
}

fn split(spec: &str) -> Option<(&str, &str)> {
    spec.split_once(':')
        .filter(|(n, s)| !n.is_empty() && !s.is_empty() && !s.contains(':'))
}

/// The `--module` requests as module name → stream, checked against the metadata.
fn enabled_streams(
    universe: &Universe<'_>,
    specs: &[String],
) -> Result<BTreeMap<String, String>, ModuleError> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for spec in specs {
        let (name, stream) = split(spec).ok_or_else(|| ModuleError::Spec(spec.clone()))?;
        if !universe
            .docs
            .iter()
            .any(|d| d.name == name && d.stream == stream)
        {
            let known: BTreeSet<&str> = universe
                .docs
                .iter()
                .filter(|d| d.name == name)
                .map(|d| d.stream.as_str())
                .collect();
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known.into_iter().collect::<Vec<_>>().join(", ")
            };
            return Err(ModuleError::UnknownStream {
                spec: spec.clone(),
                name: name.to_owned(),
                known,
            });
        }
        if let Some(prev) = out.get(name)
            && prev != stream
        {
            return Err(ModuleError::TwoStreams(
                format!("{name}:{prev}"),
                spec.clone(),
            ));
        }
        out.insert(name.to_owned(), stream.to_owned());
    }
    Ok(out)
}

/// One module require of a build: a module and the streams that satisfy it (empty: any).
#[derive(Clone, Debug)]
struct Require {
    module: String,
    streams: Vec<String>,
}

/// Every module build of the scope, deduplicated, with its libdnf grouping name.
struct Universe<'m> {
    docs: Vec<&'m ModuleStream>,
    /// `name:stream:context` as libdnf names the build's pseudo-package.
    group: Vec<String>,
    defaults: BTreeMap<String, String>,
    problems: Vec<String>,
}

/// libdnf splits stream names containing `-` as "not this stream" (`-f28`).
fn is_negative(stream: &str) -> bool {
    stream.contains('-')
}

fn requires_of(doc: &ModuleStream) -> (Vec<Require>, Vec<(String, String)>) {
    let mut requires = Vec::new();
    let mut conflicts = Vec::new();
    for block in &doc.requires {
        for (module, streams) in block {
            let mut positive = Vec::new();
            for s in streams {
                if is_negative(s) {
                    conflicts.push((module.clone(), s[1..].to_owned()));
                } else {
                    positive.push(s.clone());
                }
            }
            requires.push(Require {
                module: module.clone(),
                streams: positive,
            });
        }
    }
    (requires, conflicts)
}

/// The grouping key of a non-static build: its runtime requires without the platform,
/// each `module` or `module:[s1,s2]`, sorted and joined by `;`.
fn requires_key(doc: &ModuleStream) -> String {
    let mut parts: Vec<String> = Vec::new();
    for block in &doc.requires {
        for (module, streams) in block {
            if module == "platform" {
                continue;
            }
            if streams.is_empty() {
                parts.push(module.clone());
            } else {
                let mut s = streams.clone();
                s.sort();
                parts.push(format!("{module}:[{}]", s.join(",")));
            }
        }
    }
    parts.sort();
    parts.join(";")
}

impl<'m> Universe<'m> {
    fn new(modules: &[(RepoId, &'m ModuleMetadata)]) -> Universe<'m> {
        let mut docs: Vec<&ModuleStream> = Vec::new();
        let mut seen = FxHashSet::default();
        let mut defaults: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut problems = Vec::new();
        for (_, md) in modules {
            for d in &md.streams {
                let key = (&d.name, &d.stream, d.version, &d.context, &d.arch);
                if seen.insert(key) {
                    docs.push(d);
                }
            }
            for d in &md.defaults {
                match defaults.get(&d.module) {
                    Some(prev) if *prev != d.stream => {
                        problems.push(format!(
                            "module `{}`: repositories disagree on its default stream; none is used",
                            d.module
                        ));
                        defaults.insert(d.module.clone(), None);
                    }
                    Some(_) => {}
                    None => {
                        defaults.insert(d.module.clone(), d.stream.clone());
                    }
                }
            }
            problems.extend(md.problems.iter().map(|p| format!("modules.yaml {p}")));
        }
        // Static contexts name themselves; other builds take the context of a static
        // build of the stream with the same requires, else the requires themselves.
        let mut static_by_key: FxHashMap<(String, String, String), String> = FxHashMap::default();
        for d in docs.iter().filter(|d| d.static_context) {
            static_by_key
                .entry((d.name.clone(), d.stream.clone(), requires_key(d)))
                .or_insert_with(|| d.context.clone());
        }
        let group = docs
            .iter()
            .map(|d| {
                let context = if d.static_context {
                    d.context.clone()
                } else {
                    let key = requires_key(d);
                    match static_by_key.get(&(d.name.clone(), d.stream.clone(), key.clone())) {
                        Some(c) => c.clone(),
                        None if key.is_empty() => "NoRequires".to_owned(),
                        None => key,
                    }
                };
                format!("{}:{}:{context}", d.name, d.stream)
            })
            .collect();
        Universe {
            docs,
            group,
            defaults: defaults
                .into_iter()
                .filter_map(|(m, s)| s.map(|s| (m, s)))
                .collect(),
            problems,
        }
    }

    /// Builds of `module` in one of `streams` (any when empty), best first: the enabled or
    /// default stream first, then by stream name (libmodulemd keeps streams sorted, and
    /// libsolv takes the first of equally good providers), newest version, file order.
    fn candidates(&self, module: &str, streams: &[String], prefer: Option<&str>) -> Vec<usize> {
        let mut out: Vec<usize> = (0..self.docs.len())
            .filter(|&i| {
                let d = self.docs[i];
                d.name == module && (streams.is_empty() || streams.contains(&d.stream))
            })
            .collect();
        out.sort_by_key(|&i| {
            let d = self.docs[i];
            (
                Some(d.stream.as_str()) != prefer,
                d.stream.as_str(),
                std::cmp::Reverse(d.version),
                i,
            )
        });
        out
    }

    /// The active builds: every build sharing a group name with a chosen one.
    fn solve(
        &self,
        platform: (&str, &str),
        enabled: &BTreeMap<String, String>,
        problems: &mut Vec<String>,
    ) -> Vec<usize> {
        let mut state = State::default();
        let prefer = |module: &str| -> Option<String> {
            enabled
                .get(module)
                .or_else(|| self.defaults.get(module))
                .cloned()
        };
        let mut requests: Vec<(&str, &str, bool)> = enabled
            .iter()
            .map(|(m, s)| (m.as_str(), s.as_str(), true))
            .collect();
        requests.extend(
            self.defaults
                .iter()
                .filter(|(m, _)| !enabled.contains_key(*m))
                .map(|(m, s)| (m.as_str(), s.as_str(), false)),
        );
        for (module, stream, mandatory) in requests {
            if let Some(&chosen) = state.chosen.get(module) {
                if self.docs[chosen].stream != stream && mandatory {
                    problems.push(format!(
                        "module stream {module}:{stream} cannot be enabled: another module requires {module}:{}",
                        self.docs[chosen].stream
                    ));
                }
                continue;
            }
            let want = vec![Require {
                module: module.to_owned(),
                streams: vec![stream.to_owned()],
            }];
            let mut budget = 100_000usize;
            match self.search(platform, state.clone(), want, &prefer, &mut budget) {
                Some(next) => state = next,
                None => problems.push(format!(
                    "module stream {module}:{stream} is not {}: its module requires cannot be met on {}:{}",
                    if mandatory { "enabled" } else { "active by default" },
                    platform.0,
                    platform.1
                )),
            }
        }
        let groups: FxHashSet<&str> = state
            .chosen
            .values()
            .map(|&d| self.group[d].as_str())
            .collect();
        (0..self.docs.len())
            .filter(|&d| groups.contains(self.group[d].as_str()))
            .collect()
    }

    /// Satisfies `pending` from `state`, choosing builds for modules not chosen yet.
    fn search(
        &self,
        platform: (&str, &str),
        state: State,
        mut pending: Vec<Require>,
        prefer: &dyn Fn(&str) -> Option<String>,
        budget: &mut usize,
    ) -> Option<State> {
        *budget = budget.checked_sub(1)?;
        let Some(req) = pending.pop() else {
            return Some(state);
        };
        let accepts =
            |stream: &str| req.streams.is_empty() || req.streams.iter().any(|s| s == stream);
        if req.module == platform.0 {
            return if accepts(platform.1) {
                self.search(platform, state, pending, prefer, budget)
            } else {
                None
            };
        }
        if let Some(&chosen) = state.chosen.get(&req.module) {
            return if accepts(&self.docs[chosen].stream) {
                self.search(platform, state, pending, prefer, budget)
            } else {
                None
            };
        }
        let preferred = prefer(&req.module);
        for cand in self.candidates(&req.module, &req.streams, preferred.as_deref()) {
            let doc = self.docs[cand];
            let (requires, conflicts) = requires_of(doc);
            let clashes = state
                .conflicts
                .contains(&(doc.name.clone(), doc.stream.clone()))
                || conflicts.iter().any(|(m, s)| {
                    (m == platform.0 && s == platform.1)
                        || state
                            .chosen
                            .get(m)
                            .is_some_and(|&c| self.docs[c].stream == *s)
                });
            if clashes {
                continue;
            }
            let mut next = state.clone();
            next.chosen.insert(doc.name.clone(), cand);
            next.conflicts.extend(conflicts);
            let mut more = pending.clone();
            more.extend(requires);
            if let Some(done) = self.search(platform, next, more, prefer, budget) {
                return Some(done);
            }
        }
        None
    }

    /// What the active builds `active` hide.
    fn hiding_rules(&self, active: &[usize]) -> HidingRules {
        let active_set: FxHashSet<usize> = active.iter().copied().collect();
        let mut rules = HidingRules::default();
        // Names that left the newest active build of each name:stream.arch.
        let mut newest: FxHashMap<(&str, &str, &str), usize> = FxHashMap::default();
        for &d in active {
            let doc = self.docs[d];
            let slot = newest
                .entry((&doc.name, &doc.stream, &doc.arch))
                .or_insert(d);
            if self.docs[*slot].version < doc.version {
                *slot = d;
            }
        }
        for (d, doc) in self.docs.iter().enumerate() {
            let is_active = active_set.contains(&d);
            for artifact in &doc.artifacts {
                let Some(nevra) = Nevra::parse(artifact) else {
                    continue;
                };
                if !is_active {
                    rules.exclude.insert(nevra.key());
                    continue;
                }
                rules.include.insert(nevra.key());
                let left = newest
                    .get(&(doc.name.as_str(), doc.stream.as_str(), doc.arch.as_str()))
                    .is_some_and(|&n| self.docs[n].demodularized.iter().any(|x| x == nevra.name));
                if left {
                    continue;
                }
                if matches!(nevra.arch, "src" | "nosrc") {
                    rules.src_names.insert(nevra.name.to_owned());
                } else {
                    rules.names.insert(nevra.name.to_owned());
                }
            }
        }
        rules
    }
}

#[derive(Clone, Default)]
struct State {
    /// Module name → the chosen build.
    chosen: BTreeMap<String, usize>,
    /// `module:stream` pairs some chosen build conflicts with.
    conflicts: BTreeSet<(String, String)>,
}

/// An RPM artifact `name-[epoch:]version-release.arch`.
struct Nevra<'a> {
    name: &'a str,
    epoch: &'a str,
    version: &'a str,
    release: &'a str,
    arch: &'a str,
}

impl<'a> Nevra<'a> {
    fn parse(text: &'a str) -> Option<Nevra<'a>> {
        let (rest, arch) = text.rsplit_once('.')?;
        let (rest, release) = rest.rsplit_once('-')?;
        let (name, ev) = rest.rsplit_once('-')?;
        let (epoch, version) = ev.split_once(':').unwrap_or(("", ev));
        (!name.is_empty() && !version.is_empty()).then_some(Nevra {
            name,
            epoch,
            version,
            release,
            arch,
        })
    }

    /// `name evr arch` with the EVR as the pool spells it (epoch 0 left out).
    fn key(&self) -> String {
        let mut evr = String::new();
        ebranch_repodata::repo::push_evr(&mut evr, self.epoch, self.version, self.release);
        format!("{} {evr} {}", self.name, self.arch)
    }
}

#[derive(Default)]
struct HidingRules {
    include: FxHashSet<String>,
    exclude: FxHashSet<String>,
    names: FxHashSet<String>,
    src_names: FxHashSet<String>,
}

impl HidingRules {
    fn hides(&self, pool: &Pool, pkg: PkgId) -> bool {
        let p = pool.package(pkg);
        if self.include.is_empty() && self.exclude.is_empty() {
            return false;
        }
        let key = format!("{} {} {}", p.name(), p.evr(), p.arch());
        if self.include.contains(&key) {
            return false;
        }
        self.exclude.contains(&key)
            || self.names.contains(p.name())
            || (p.is_source() && self.src_names.contains(p.name()))
            || (!p.is_source()
                && !self.names.is_empty()
                && p.deps(DepKind::Provides)
                    .any(|d| self.names.contains(d.name())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nevra_keys_spell_evr_like_the_pool() {
        let n = Nevra::parse("v8-12.4-devel-3:12.4.254.21-1.22.4.1.4.x86_64").unwrap();
        assert_eq!(n.name, "v8-12.4-devel");
        assert_eq!(n.key(), "v8-12.4-devel 3:12.4.254.21-1.22.4.1.4 x86_64");
        let n = Nevra::parse("galera-0:26.4.16-1.module_el9+853+7b957b9b.src").unwrap();
        assert_eq!(n.key(), "galera 26.4.16-1.module_el9+853+7b957b9b src");
        assert!(Nevra::parse("nonsense").is_none());
    }

    #[test]
    fn platform_and_module_specs_are_checked() {
        assert_eq!(split("platform:el9"), Some(("platform", "el9")));
        assert_eq!(split("platform"), None);
        assert_eq!(split("a:b:c"), None);
        assert_eq!(split(":x"), None);
    }
}
