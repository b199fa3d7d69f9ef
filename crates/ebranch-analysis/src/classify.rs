//! What kind of gap a needed source package is in the target, and what an update of it
//! would break.

use std::collections::{BTreeMap, BTreeSet};

use ebranch_index::{DepId, DepRef, NameId, PkgId, Pool};
use ebranch_repodata::DepKind;
use ebranch_report::Class;
use ebranch_rpm::{EvrRef, Flags, Requirement, parse_requirement, ranges_overlap};
use rustc_hash::FxHashSet;

use crate::closure::Closure;
use crate::regenerated::{Regenerated, regenerated};
use crate::roles::{Role, Roles};

/// Why a needed subpackage of a base-distribution source is not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseStatus {
    /// The base ships the source but not this subpackage, not even in CRB; a rebuild of
    /// the base's version would satisfy what is needed, so only an `-epel` split package
    /// (or Red Hat adding it to CRB) can ship it.
    MissingFromCrb,
    /// The base's version is too old (or lacks the provide): no EPEL package may replace
    /// it, and a split package of that version would not help.
    TooOldInBase,
    /// The base has it only in a module stream the buildroot does not enable.
    InDisabledModule,
}

impl BaseStatus {
    /// The label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            BaseStatus::MissingFromCrb => "missing-from-crb",
            BaseStatus::TooOldInBase => "too-old-in-base",
            BaseStatus::InDisabledModule => "in-disabled-module",
        }
    }
}

/// One needed reference binary of a `blocked-by-base` source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct BaseGap {
    /// Why the base cannot provide it.
    pub status: BaseStatus,
    /// The source's EVR in the base.
    pub base_evr: String,
    /// What the closure needs from it.
    pub deps: BTreeSet<String>,
    /// For `missing-from-crb`: the split package that could ship it (`foo-epel`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epel_package: Option<String>,
}

/// Details of a class: what an update breaks, what the base lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Impact {
    /// `incompatible-update`: target package (`name-evr.arch`) → the dependencies it would
    /// lose.
    pub breaks: BTreeMap<String, BTreeSet<String>>,
    /// `incompatible-update`: a compat package keeping the old version (`rust-foo0.3`,
    /// `libfoo1.2`, Fedora's naming).
    pub compat: Option<String>,
    /// `blocked-by-base`: each needed reference binary (by name) → why the base lacks it.
    pub base: BTreeMap<String, BaseGap>,
}

/// What the closure needs of each source: (dependency, chosen reference binary), from the
/// `providers` of every other source's entry.
pub(crate) fn needs_by_source(
    pool: &Pool,
    closure: &Closure,
) -> BTreeMap<String, Vec<(String, PkgId)>> {
    let mut out: BTreeMap<String, Vec<(String, PkgId)>> = BTreeMap::new();
    for (owner, entry) in &closure.sources {
        for (dep, nevra) in &entry.providers {
            let Some(pkg) = package_by_nevra(pool, nevra) else {
                continue;
            };
            let source = pool.package(pkg).source_name();
            if source != owner {
                out.entry(source.to_owned())
                    .or_default()
                    .push((dep.clone(), pkg));
            }
        }
    }
    out
}

/// The package printed as `name-evr.arch`.
fn package_by_nevra(pool: &Pool, nevra: &str) -> Option<PkgId> {
    let (rest, _arch) = nevra.rsplit_once('.')?;
    let (rest, _release) = rest.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    pool.packages_named(name)
        .iter()
        .copied()
        .find(|p| pool.package(*p).nevra() == nevra)
}

/// Classifies the source package `source` by where packages built from it, or named like
/// one of its reference binaries, already are in the target (hidden ones included: a
/// module stream the buildroot does not enable still belongs to the base). `needs` is
/// what the closure needs of it (dependency, chosen reference binary); `layer` indexes
/// the target layer for every source to classify ([`LayerRequires::for_sources`]).
pub fn classify(
    pool: &Pool,
    roles: &Roles,
    source: &str,
    needs: &[(String, PkgId)],
    layer: &LayerRequires,
) -> (Class, Impact) {
    let (in_base, in_layer) = placement(pool, roles, source);
    if in_base {
        let impact = Impact {
            base: base_gaps(pool, roles, source, needs),
            ..Impact::default()
        };
        (Class::BlockedByBase, impact)
    } else if in_layer {
        let breaks = update_breaks(pool, roles, source, layer);
        if breaks.is_empty() {
            (Class::Update, Impact::default())
        } else {
            let compat = current_version(pool, roles, source).map(|v| compat_name(source, &v));
            (
                Class::IncompatibleUpdate,
                Impact {
                    breaks,
                    compat,
                    ..Impact::default()
                },
            )
        }
    } else {
        (Class::New, Impact::default())
    }
}

/// Whether packages built from `source`, or named like one of its reference binaries, are
/// in the target's base and in its layer.
fn placement(pool: &Pool, roles: &Roles, source: &str) -> (bool, bool) {
    let mut in_base = false;
    let mut in_layer = false;
    let mut note = |p: PkgId| match roles.of_repo(pool.repo_of(p)) {
        Role::TargetBase => in_base = true,
        Role::TargetLayer => in_layer = true,
        _ => {}
    };
    for &p in pool.binaries_of_source(source) {
        note(p);
        if roles.of(pool, p) == Role::ReferenceBinary {
            for &q in pool.packages_named(pool.package(p).name()) {
                if !pool.package(q).is_source() {
                    note(q);
                }
            }
        }
    }
    (in_base, in_layer)
}

/// The names the current build `current` provides (package names, provides and files):
/// only requirements on them, and rich ones naming them, can be affected by an update.
fn provided_names(pool: &Pool, current: &[PkgId]) -> FxHashSet<NameId> {
    let mut names: FxHashSet<NameId> = FxHashSet::default();
    for &p in current {
        let p = pool.package(p);
        names.insert(p.name_id());
        names.extend(p.deps(DepKind::Provides).map(|d| d.name_id()));
        names.extend(p.file_ids());
    }
    names
}

/// The target layer's current build of `source` (visible, installable binaries).
fn current_build(pool: &Pool, roles: &Roles, source: &str) -> Vec<PkgId> {
    pool.binaries_of_source(source)
        .iter()
        .copied()
        .filter(|&p| roles.of(pool, p) == Role::TargetLayer && pool.is_installable(p))
        .collect()
}

/// The version (no epoch, no release) of the newest binary of the current build.
fn current_version(pool: &Pool, roles: &Roles, source: &str) -> Option<String> {
    current_build(pool, roles, source)
        .into_iter()
        .map(|p| pool.package(p).evr())
        .max_by(|a, b| ebranch_rpm::compare_evr(EvrRef::parse(a), EvrRef::parse(b)))
        .map(|evr| EvrRef::parse(evr).version.to_owned())
}

/// The Requires of the visible target-layer packages that name something an update could
/// take away: each distinct one once, indexed by those names (a rich one under each of its
/// operand names among them: a package provides it only if it provides one of them), with
/// the packages carrying it.
///
/// Built once per closure for the names every update candidate's current build provides
/// ([`LayerRequires::for_sources`]): one pass over the layer's Requires, keeping only
/// what those names reach, instead of indexing every dependency of the layer.
#[derive(Default)]
pub struct LayerRequires {
    /// `(name id << 32) | dependency id`, sorted: the dependencies filed under each name.
    by_name: Vec<u64>,
    /// Per dependency: the index of its carriers in `carriers`, or [`NOT_FILED`].
    slot: Vec<u32>,
    /// The carriers of each filed dependency, in package order.
    carriers: Vec<Vec<PkgId>>,
    /// The dependency of each entry of `carriers`.
    filed: Vec<DepId>,
}

/// A dependency not filed under any wanted name, in [`LayerRequires`].
const NOT_FILED: u32 = u32::MAX;
/// A dependency not looked at yet, while [`LayerRequires`] is built.
const NOT_SEEN: u32 = u32::MAX - 1;

impl LayerRequires {
    /// The index for classifying `sources`: over the names the current build of each
    /// update candidate among them provides (none when no source is one).
    pub(crate) fn for_sources<'s>(
        pool: &Pool,
        roles: &Roles,
        sources: impl Iterator<Item = &'s str>,
    ) -> LayerRequires {
        let mut wanted: FxHashSet<NameId> = FxHashSet::default();
        for source in sources {
            if placement(pool, roles, source) == (false, true) {
                wanted.extend(provided_names(pool, &current_build(pool, roles, source)));
            }
        }
        if wanted.is_empty() {
            return LayerRequires::default();
        }
        let layer: Vec<PkgId> = roles
            .repos(Role::TargetLayer)
            .flat_map(|repo| pool.repo_packages(repo))
            .filter(|&t| roles.of(pool, t) == Role::TargetLayer && pool.is_installable(t))
            .collect();
        // The layer in consecutive parts, one per core; each part's carriers follow the
        // previous part's, so every list stays in package order.
        let part = crate::parallel::part_len(layer.len(), 4096);
        let parts = crate::parallel::in_parts(&layer, part, |packages| {
            LayerRequires::of_packages(pool, &wanted, packages)
        });
        let mut parts = parts.into_iter();
        let mut index = parts.next().unwrap_or_default();
        for part in parts {
            index.absorb(part);
        }
        index.by_name.sort_unstable();
        index.by_name.dedup();
        index
    }

    /// The index over the Requires of `packages` (visible target-layer packages, in order).
    fn of_packages(pool: &Pool, wanted: &FxHashSet<NameId>, packages: &[PkgId]) -> LayerRequires {
        let mut index = LayerRequires {
            slot: vec![NOT_SEEN; pool.dep_count()],
            ..LayerRequires::default()
        };
        let mut names = Vec::new();
        for &t in packages {
            for dep in pool.package(t).requires() {
                let d = dep.id();
                if index.slot[d.index()] == NOT_SEEN {
                    let hit = index.file_by_name(pool, d, wanted, &mut names);
                    index.slot[d.index()] = if hit {
                        index.filed.push(d);
                        index.carriers.push(Vec::new());
                        index.carriers.len() as u32 - 1
                    } else {
                        NOT_FILED
                    };
                }
                if let Some(list) = index.carriers.get_mut(index.slot[d.index()] as usize)
                    // A package listing one dependency twice carries it once.
                    && list.last() != Some(&t)
                {
                    list.push(t);
                }
            }
        }
        index
    }

    /// Adds the index of the packages that follow this one's.
    fn absorb(&mut self, later: LayerRequires) {
        self.by_name.extend(later.by_name);
        for (d, list) in later.filed.into_iter().zip(later.carriers) {
            match self.carriers.get_mut(self.slot[d.index()] as usize) {
                Some(mine) => mine.extend(list),
                None => {
                    self.slot[d.index()] = self.carriers.len() as u32;
                    self.filed.push(d);
                    self.carriers.push(list);
                }
            }
        }
    }

    /// Files `dep` under its name, or a rich one under each of its operand names, keeping
    /// the names in `wanted`; says whether it filed it under any.
    fn file_by_name(
        &mut self,
        pool: &Pool,
        dep: DepId,
        wanted: &FxHashSet<NameId>,
        names: &mut Vec<NameId>,
    ) -> bool {
        let dep_ref = pool.dependency(dep);
        let name = dep_ref.name_id();
        names.clear();
        names.push(name);
        if !dep_ref.flags().is_versioned()
            && let Some(req) = pool.rich_requirement(name)
        {
            operand_names(pool, req, names);
            names.sort_unstable();
            names.dedup();
        }
        let before = self.by_name.len();
        let entry = |name: NameId| (u64::from(name.0) << 32) | u64::from(dep.0);
        self.by_name.extend(
            names
                .iter()
                .filter(|n| wanted.contains(n))
                .map(|&n| entry(n)),
        );
        self.by_name.len() > before
    }

    /// The dependencies filed under `name`.
    fn deps_named(&self, name: NameId) -> impl Iterator<Item = DepId> + '_ {
        let lo = u64::from(name.0) << 32;
        let from = self.by_name.partition_point(|&e| e < lo);
        self.by_name[from..]
            .iter()
            .take_while(move |&&e| e >> 32 == u64::from(name.0))
            .map(|&e| DepId(e as u32))
    }

    /// The visible target-layer packages carrying `dep`, in package order (none for a
    /// dependency not filed under a wanted name).
    fn carriers(&self, dep: DepId) -> &[PkgId] {
        let slot = self.slot.get(dep.index()).copied().unwrap_or(NOT_FILED);
        self.carriers.get(slot as usize).map_or(&[], Vec::as_slice)
    }
}

/// The names of the plain operands of a rich dependency, conditions included, and of the
/// rich dependencies named as operands, recursively (each is shorter than the last).
fn operand_names(pool: &Pool, req: &Requirement, out: &mut Vec<NameId>) {
    match req {
        Requirement::Simple(d) => {
            if let Some(id) = pool.lookup(&d.name) {
                out.push(id);
                if let Some(inner) = pool.rich_requirement(id) {
                    operand_names(pool, inner, out);
                }
            }
        }
        _ => {
            for operand in req.operands() {
                operand_names(pool, operand, out);
            }
        }
    }
}

/// Every target-layer package (not of `source`) that requires something only the current
/// build of `source` provides in the target and that its reference build does not provide
/// (in the form a rebuild in the target regenerates), with those dependencies.
fn update_breaks(
    pool: &Pool,
    roles: &Roles,
    source: &str,
    layer: &LayerRequires,
) -> BTreeMap<String, BTreeSet<String>> {
    let current = current_build(pool, roles, source);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if current.is_empty() {
        return out;
    }
    let reference: Vec<PkgId> = pool
        .binaries_of_source(source)
        .iter()
        .copied()
        .filter(|&p| roles.of(pool, p) == Role::ReferenceBinary)
        .collect();
    let names = provided_names(pool, &current);
    let source_id = pool.lookup(source);
    let other_source = |t: &PkgId| Some(pool.source_name_id(*t)) != source_id;
    // A rich dependency is listed under each operand name the build provides.
    let mut deps: Vec<DepId> = names
        .iter()
        .flat_map(|&name| layer.deps_named(name))
        .collect();
    deps.sort_unstable();
    deps.dedup();
    for d in deps {
        let carriers = layer.carriers(d);
        let dep = pool.dependency(d);
        if !carriers.iter().any(other_source) || !lost(pool, roles, &current, &reference, &dep) {
            continue;
        }
        let text = dep.to_string();
        for t in carriers.iter().filter(|t| other_source(t)) {
            out.entry(pool.package(*t).nevra())
                .or_default()
                .insert(text.clone());
        }
    }
    out
}

/// Whether `dep` is provided in the target only by the current build and not by the
/// reference build.
fn lost(
    pool: &Pool,
    roles: &Roles,
    current: &[PkgId],
    reference: &[PkgId],
    dep: &DepRef<'_>,
) -> bool {
    let providers = pool.whatprovides_id(dep.name_id(), dep.flags(), dep.evr_id());
    let from_current = providers.iter().any(|p| current.contains(p));
    let elsewhere = providers
        .iter()
        .any(|p| !current.contains(p) && roles.of(pool, *p).is_target());
    if !from_current || elsewhere || providers.iter().any(|p| reference.contains(p)) {
        return false;
    }
    match regenerated(dep.name()) {
        Some(Regenerated::AnyVersionOf(_)) => false,
        Some(Regenerated::Renamed(other)) => !pool.lookup(&other).is_some_and(|id| {
            pool.whatprovides_id(id, dep.flags(), dep.evr_id())
                .iter()
                .any(|p| reference.contains(p))
        }),
        None => true,
    }
}

/// Fedora's compat package name for `source` at `version`: the version appended (`_`
/// first when the name ends in a digit); for Rust crates the semver-compatible part
/// (`rust-foo0.3`, `rust-foo1`), else major.minor (`libfoo1.2`).
pub fn compat_name(source: &str, version: &str) -> String {
    let parts: Vec<&str> = version
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let suffix = if source.starts_with("rust-") {
        match parts.as_slice() {
            ["0", "0", patch, ..] => format!("0.0.{patch}"),
            ["0", minor, ..] => format!("0.{minor}"),
            [major, ..] => (*major).to_owned(),
            [] => version.to_owned(),
        }
    } else {
        match parts.as_slice() {
            [major, minor, ..] => format!("{major}.{minor}"),
            [major] => (*major).to_owned(),
            [] => version.to_owned(),
        }
    };
    let sep = if source.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    format!("{source}{sep}{suffix}")
}

/// For a `blocked-by-base` source: why the base cannot give each needed reference binary.
fn base_gaps(
    pool: &Pool,
    roles: &Roles,
    source: &str,
    needs: &[(String, PkgId)],
) -> BTreeMap<String, BaseGap> {
    let base_build: Vec<PkgId> = pool
        .binaries_of_source(source)
        .iter()
        .copied()
        .filter(|&p| roles.of_repo(pool.repo_of(p)) == Role::TargetBase)
        .collect();
    let base_evr = base_build
        .iter()
        .map(|&p| pool.package(p).evr())
        .max_by(|a, b| ebranch_rpm::compare_evr(EvrRef::parse(a), EvrRef::parse(b)))
        .unwrap_or_default()
        .to_owned();
    let mut out: BTreeMap<String, BaseGap> = BTreeMap::new();
    for (dep, provider) in needs {
        let name = pool.package(*provider).name();
        let in_base: Vec<PkgId> = pool
            .packages_named(name)
            .iter()
            .copied()
            .filter(|&p| {
                !pool.package(p).is_source() && roles.of_repo(pool.repo_of(p)) == Role::TargetBase
            })
            .collect();
        let status = if !in_base.is_empty() && in_base.iter().all(|&p| roles.is_hidden(p)) {
            BaseStatus::InDisabledModule
        } else if in_base.is_empty() && split_satisfies(pool, *provider, dep, &base_evr) {
            BaseStatus::MissingFromCrb
        } else {
            BaseStatus::TooOldInBase
        };
        let gap = out.entry(name.to_owned()).or_insert_with(|| BaseGap {
            status,
            base_evr: base_evr.clone(),
            deps: BTreeSet::new(),
            epel_package: None,
        });
        // One dependency a split package cannot satisfy decides for the binary.
        if status == BaseStatus::TooOldInBase {
            gap.status = status;
        }
        gap.deps.insert(dep.clone());
        gap.epel_package =
            (gap.status == BaseStatus::MissingFromCrb).then(|| format!("{source}-epel"));
    }
    out
}

/// Whether `provider`, rebuilt at the base's EVR (`base_evr`) as an `-epel` split
/// package, would still satisfy `dep`: its provides whose EVR is the package's own EVR
/// (or version) take the base's instead. Rich dependencies are assumed satisfied.
fn split_satisfies(pool: &Pool, provider: PkgId, dep: &str, base_evr: &str) -> bool {
    let Ok(req) = parse_requirement(dep) else {
        return true;
    };
    let Some(want) = req.as_simple() else {
        return true;
    };
    if !want.is_versioned() {
        return true;
    }
    let p = pool.package(provider);
    let own = EvrRef::parse(p.evr());
    let base = EvrRef::parse(base_evr);
    let base_version = base.version;
    let rebased = |evr: &str| -> String {
        if evr == p.evr() {
            base_evr.to_owned()
        } else if evr == own.version {
            base_version.to_owned()
        } else {
            evr.to_owned()
        }
    };
    let mut provides: Vec<(Flags, String)> = Vec::new();
    if p.name() == want.name {
        provides.push((Flags::EQ, base_evr.to_owned()));
    }
    for d in p.deps(DepKind::Provides) {
        if d.name() == want.name {
            provides.push((d.flags(), rebased(d.evr())));
        }
    }
    provides
        .iter()
        .any(|(flags, evr)| ranges_overlap(*flags, EvrRef::parse(evr), want.flags, want.evr_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compat_names_follow_fedora_naming() {
        assert_eq!(compat_name("rust-foo", "0.3.5"), "rust-foo0.3");
        assert_eq!(compat_name("rust-foo", "1.4.2"), "rust-foo1");
        assert_eq!(compat_name("rust-foo", "0.0.7"), "rust-foo0.0.7");
        assert_eq!(compat_name("rust-base64", "0.21.7"), "rust-base64_0.21");
        assert_eq!(compat_name("libfoo", "1.2.7"), "libfoo1.2");
        assert_eq!(
            compat_name("python-sqlalchemy", "1.4.54"),
            "python-sqlalchemy1.4"
        );
        assert_eq!(compat_name("gtk2", "2.24.33"), "gtk2_2.24");
        assert_eq!(compat_name("foo", "7"), "foo7");
    }

    /// A part of the layer index filing `(dependency, carriers)` and `by_name` entries.
    fn part(deps: usize, filed: &[(u32, &[u32])], by_name: &[u64]) -> LayerRequires {
        let mut index = LayerRequires {
            slot: vec![NOT_SEEN; deps],
            by_name: by_name.to_vec(),
            ..LayerRequires::default()
        };
        for (i, (d, carriers)) in filed.iter().enumerate() {
            index.slot[*d as usize] = i as u32;
            index.filed.push(DepId(*d));
            index
                .carriers
                .push(carriers.iter().map(|&p| PkgId(p)).collect());
        }
        index
    }

    #[test]
    fn a_later_part_of_the_layer_adds_its_carriers_after_the_earlier_ones() {
        let mut first = part(10, &[(7, &[1, 2])], &[(1 << 32) | 7]);
        first.slot[3] = NOT_FILED;
        let later = part(
            10,
            &[(7, &[5]), (4, &[6, 8])],
            &[(1 << 32) | 7, (2 << 32) | 4],
        );
        first.absorb(later);
        let ids = |d: u32| {
            first
                .carriers(DepId(d))
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(7), [1, 2, 5], "one list, in package order");
        assert_eq!(ids(4), [6, 8], "a dependency only the later part carries");
        assert!(ids(3).is_empty() && ids(9).is_empty());
        assert_eq!(
            first.by_name.len(),
            3,
            "deduplicated after the merge, not before"
        );
    }
}
