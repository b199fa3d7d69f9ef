//! `ebranch stats`: a packager's Bodhi updates counted per month and per ecosystem (the
//! "new EPEL packages per month" figure), or, for an effort's report, when its packages
//! reached stable.
//!
//! - [`UpdateQuery`] is what is asked of Bodhi's `/updates/`
//!   ([`crate::bodhi::BodhiClient::query_updates`] pages through the answer);
//! - [`Stats::of_updates`] and [`Stats::of_report`] count the answer;
//! - [`render`] turns the counts into text with a bar chart, JSON, CSV, SVG or HTML.

pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::time::Timestamp;

/// The ecosystems, in the order they are shown and in which a mixed update is placed.
pub const ECOSYSTEMS: [Ecosystem; 7] = [
    Ecosystem::Rust,
    Ecosystem::Python,
    Ecosystem::Perl,
    Ecosystem::Golang,
    Ecosystem::Nodejs,
    Ecosystem::Ghc,
    Ecosystem::Other,
];

/// Where a source package belongs, from its name's prefix (`rust-`, `python-`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// `rust-*` (crates).
    Rust,
    /// `python-*`.
    Python,
    /// `perl-*`.
    Perl,
    /// `golang-*`.
    Golang,
    /// `nodejs-*`.
    Nodejs,
    /// `ghc-*` (Haskell).
    Ghc,
    /// Everything else, including `rust` and `golang` themselves.
    Other,
}

impl Ecosystem {
    /// The source package `name`'s ecosystem: its prefix, when something follows it.
    pub fn of_name(name: &str) -> Self {
        ECOSYSTEMS[..6]
            .iter()
            .copied()
            .find(|e| {
                name.strip_prefix(e.prefix())
                    .is_some_and(|rest| !rest.is_empty())
            })
            .unwrap_or(Ecosystem::Other)
    }

    /// The name prefix (`rust-`), empty for `Other`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Rust => "rust-",
            Self::Python => "python-",
            Self::Perl => "perl-",
            Self::Golang => "golang-",
            Self::Nodejs => "nodejs-",
            Self::Ghc => "ghc-",
            Self::Other => "",
        }
    }

    /// `rust`, `python`, ..., `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rust => "rust",
            Self::Python => "python",
            Self::Perl => "perl",
            Self::Golang => "golang",
            Self::Nodejs => "nodejs",
            Self::Ghc => "ghc",
            Self::Other => "other",
        }
    }
}

/// The package name of a build NVR (`rust-foo-1.0-1.el9` → `rust-foo`); the NVR itself
/// when it has no version and release.
pub fn name_of_nvr(nvr: &str) -> &str {
    let mut parts = nvr.rsplitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_release), Some(_version), Some(name)) if !name.is_empty() => name,
        _ => nvr,
    }
}

/// What to ask Bodhi's `/updates/` (each list is "any of"; empty means no filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateQuery {
    /// Bodhi release names, e.g. `EPEL-9`.
    pub releases: Vec<String>,
    /// Submitters (FAS names).
    pub users: Vec<String>,
    /// `newpackage`, `bugfix`, `enhancement`, `security`.
    pub types: Vec<String>,
    /// `pending`, `testing`, `stable`, `obsolete`, `unpushed`.
    pub statuses: Vec<String>,
    /// Source package names.
    pub packages: Vec<String>,
    /// Submitted on or after this date (`YYYY-MM-DD`).
    pub submitted_since: Option<String>,
    /// Submitted before this date (`YYYY-MM-DD`, exclusive).
    pub submitted_before: Option<String>,
}

impl UpdateQuery {
    /// The query string pairs, without paging.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        for (key, values) in [
            ("releases", &self.releases),
            ("user", &self.users),
            ("type", &self.types),
            ("status", &self.statuses),
            ("packages", &self.packages),
        ] {
            params.extend(values.iter().map(|v| (key, v.clone())));
        }
        if let Some(since) = &self.submitted_since {
            params.push(("submitted_since", since.clone()));
        }
        if let Some(before) = &self.submitted_before {
            params.push(("submitted_before", before.clone()));
        }
        params
    }
}

/// `YYYY-MM-DD` checked (a day that exists), as Bodhi takes it.
pub fn parse_date(text: &str) -> Option<String> {
    let text = text.trim();
    let day = Timestamp::parse(text)?;
    (text.len() == 10 && day.to_string().starts_with(text)).then(|| text.to_string())
}

/// The day after `YYYY-MM-DD` (for an inclusive `--until`).
pub fn next_day(date: &str) -> Option<String> {
    let day = Timestamp::parse(date)?;
    Some(day.plus_days(1).to_string()[..10].to_string())
}

/// One update as the statistics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRecord {
    /// E.g. `FEDORA-EPEL-2022-1a2b3c4d5e`.
    pub alias: String,
    /// `stable`, `testing`, ...
    pub status: String,
    /// NVRs of its builds.
    pub builds: Vec<String>,
    /// When it was submitted.
    pub date_submitted: Option<Timestamp>,
    /// When it reached stable.
    pub date_stable: Option<Timestamp>,
}

/// Which date places an update in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// `date_stable`.
    #[default]
    Stable,
    /// `date_submitted`.
    Submitted,
}

impl By {
    fn date(self, update: &UpdateRecord) -> Option<Timestamp> {
        match self {
            Self::Stable => update.date_stable,
            Self::Submitted => update.date_submitted,
        }
    }

    /// `date_stable` or `date_submitted`.
    pub fn field(self) -> &'static str {
        match self {
            Self::Stable => "date_stable",
            Self::Submitted => "date_submitted",
        }
    }
}

/// Counts per ecosystem, in [`ECOSYSTEMS`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [u64; 7]);

impl Counts {
    /// Add one to `ecosystem`.
    pub fn add(&mut self, ecosystem: Ecosystem) {
        self.0[ECOSYSTEMS.iter().position(|e| *e == ecosystem).unwrap_or(6)] += 1;
    }

    /// The count of `ecosystem`.
    pub fn get(&self, ecosystem: Ecosystem) -> u64 {
        self.0[ECOSYSTEMS.iter().position(|e| *e == ecosystem).unwrap_or(6)]
    }

    /// All ecosystems together.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(7))?;
        for (e, n) in ECOSYSTEMS.iter().zip(self.0) {
            map.serialize_entry(e.as_str(), &n)?;
        }
        map.end()
    }
}

/// One month's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    /// Per ecosystem.
    pub ecosystems: Counts,
}

impl Month {
    /// All ecosystems together.
    pub fn total(&self) -> u64 {
        self.ecosystems.total()
    }
}

/// What was counted: updates (the packager view) or report packages (the effort view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Bodhi updates.
    Updates,
    /// Packages of a report, by the first time one of their builds reached stable.
    Packages,
}

/// The counts behind every output format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// What was asked of Bodhi.
    pub query: UpdateQuery,
    /// What is counted.
    pub unit: Unit,
    /// The date that places an item in a month.
    pub by: By,
    /// Per ecosystem, all months (and the unplaced ones) together.
    pub ecosystems: Counts,
    /// Builds per ecosystem (an update with three builds counts three here).
    pub builds: Counts,
    /// Every month from the first to the last, empty ones included.
    pub months: Vec<Month>,
    /// Items without the date (`--by stable` and not stable yet; packages that never
    /// reached stable), per ecosystem.
    pub unplaced: Counts,
    /// Report mode: the packages that have not reached stable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_stable: Vec<String>,
}

impl Stats {
    /// The total counted.
    pub fn total(&self) -> u64 {
        self.ecosystems.total()
    }

    /// Count updates: each once, in its month (by `by`) and in the ecosystem of its builds
    /// (a mixed update goes to the first of [`ECOSYSTEMS`] any build belongs to, so "rust"
    /// counts updates with any `rust-*` build). Updates seen twice (same alias) count once.
    /// `span` widens the months shown to include these `YYYY-MM` (e.g. `--since`).
    pub fn of_updates(
        query: UpdateQuery,
        by: By,
        updates: &[UpdateRecord],
        span: &[String],
    ) -> Self {
        let mut seen = std::collections::HashSet::new();
        let mut counted = Counted::default();
        for update in updates.iter().filter(|u| seen.insert(u.alias.as_str())) {
            let names: Vec<&str> = update.builds.iter().map(|b| name_of_nvr(b)).collect();
            for name in &names {
                counted.builds.add(Ecosystem::of_name(name));
            }
            let ecosystem = names
                .iter()
                .map(|n| Ecosystem::of_name(n))
                .min()
                .unwrap_or(Ecosystem::Other);
            counted.place(ecosystem, by.date(update));
        }
        counted.finish(query, Unit::Updates, by, span, Vec::new())
    }

    /// Count the packages of an effort (`packages`, e.g. a report's entries): each once, in
    /// the month one of its builds first reached stable among `updates` (any of whose
    /// builds it may be), or as not stable.
    pub fn of_report(
        query: UpdateQuery,
        packages: &[String],
        updates: &[UpdateRecord],
        span: &[String],
    ) -> Self {
        let mut first_stable: BTreeMap<&str, Option<Timestamp>> =
            packages.iter().map(|p| (p.as_str(), None)).collect();
        for update in updates.iter().filter(|u| u.status == "stable") {
            for build in &update.builds {
                if let Some(when) = first_stable.get_mut(name_of_nvr(build)) {
                    *when = match (*when, update.date_stable) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
        }
        let mut counted = Counted::default();
        let mut not_stable = Vec::new();
        for package in packages {
            let ecosystem = Ecosystem::of_name(package);
            counted.builds.add(ecosystem);
            let when = first_stable.get(package.as_str()).copied().flatten();
            if when.is_none() {
                not_stable.push(package.clone());
            }
            counted.place(ecosystem, when);
        }
        counted.finish(query, Unit::Packages, By::Stable, span, not_stable)
    }
}

#[derive(Default)]
struct Counted {
    ecosystems: Counts,
    builds: Counts,
    months: BTreeMap<String, Counts>,
    unplaced: Counts,
}

impl Counted {
    fn place(&mut self, ecosystem: Ecosystem, when: Option<Timestamp>) {
        self.ecosystems.add(ecosystem);
        match when {
            Some(t) => self.months.entry(month_of(t)).or_default().add(ecosystem),
            None => self.unplaced.add(ecosystem),
        }
    }

    fn finish(
        self,
        query: UpdateQuery,
        unit: Unit,
        by: By,
        span: &[String],
        not_stable: Vec<String>,
    ) -> Stats {
        let known = self.months.keys().chain(span).cloned();
        let first = known.clone().min();
        let last = known.max();
        let months = match (first, last) {
            (Some(first), Some(last)) => month_range(&first, &last)
                .into_iter()
                .map(|month| Month {
                    ecosystems: self.months.get(&month).copied().unwrap_or_default(),
                    month,
                })
                .collect(),
            _ => Vec::new(),
        };
        Stats {
            query,
            unit,
            by,
            ecosystems: self.ecosystems,
            builds: self.builds,
            months,
            unplaced: self.unplaced,
            not_stable,
        }
    }
}

/// `YYYY-MM` of an instant (UTC).
pub fn month_of(t: Timestamp) -> String {
    t.to_string()[..7].to_string()
}

/// Every `YYYY-MM` from `first` to `last`, both included.
fn month_range(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| -> Option<(i64, i64)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some((mut y, mut m)), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while (y, m) <= end {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(alias: &str, builds: &[&str], stable: Option<&str>) -> UpdateRecord {
        UpdateRecord {
            alias: alias.into(),
            status: if stable.is_some() {
                "stable"
            } else {
                "testing"
            }
            .into(),
            builds: builds.iter().map(|b| b.to_string()).collect(),
            date_submitted: Timestamp::parse("2022-01-03 10:00:00"),
            date_stable: stable.and_then(Timestamp::parse),
        }
    }

    #[test]
    fn ecosystem_comes_from_the_package_name_prefix() {
        assert_eq!(Ecosystem::of_name("rust-serde"), Ecosystem::Rust);
        assert_eq!(Ecosystem::of_name("python-b4"), Ecosystem::Python);
        assert_eq!(Ecosystem::of_name("ghc-aeson"), Ecosystem::Ghc);
        // The compiler packages themselves are not crates or modules.
        assert_eq!(Ecosystem::of_name("rust"), Ecosystem::Other);
        assert_eq!(Ecosystem::of_name("golang"), Ecosystem::Other);
        assert_eq!(Ecosystem::of_name("python3-foo"), Ecosystem::Other);
        assert_eq!(name_of_nvr("rust-1.75.0-1.el9"), "rust");
        assert_eq!(name_of_nvr("rust-foo-bar-0.1.0-2.el9"), "rust-foo-bar");
        assert_eq!(name_of_nvr("odd"), "odd");
    }

    #[test]
    fn months_are_contiguous_and_mixed_updates_count_once() {
        let updates = vec![
            update(
                "A",
                &["rust-a-1-1.el9", "python-a-1-1.el9"],
                Some("2022-01-20 00:00:00"),
            ),
            update("B", &["perl-b-1-1.el9"], Some("2022-03-31 23:59:59")),
            update("B", &["perl-b-1-1.el9"], Some("2022-03-31 23:59:59")),
            update("C", &["golang-c-1-1.el9"], None),
        ];
        let stats = Stats::of_updates(UpdateQuery::default(), By::Stable, &updates, &[]);
        let months: Vec<(&str, u64)> = stats
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.total()))
            .collect();
        assert_eq!(months, [("2022-01", 1), ("2022-02", 0), ("2022-03", 1)]);
        assert_eq!(stats.total(), 3);
        assert_eq!(stats.ecosystems.get(Ecosystem::Rust), 1);
        assert_eq!(stats.ecosystems.get(Ecosystem::Python), 0);
        assert_eq!(stats.builds.get(Ecosystem::Python), 1);
        assert_eq!(stats.unplaced.get(Ecosystem::Golang), 1);
        let by_submitted = Stats::of_updates(UpdateQuery::default(), By::Submitted, &updates, &[]);
        assert_eq!(by_submitted.months.len(), 1);
        assert_eq!(by_submitted.unplaced.total(), 0);
    }

    #[test]
    fn span_widens_the_months_and_dates_are_checked() {
        let stats = Stats::of_updates(
            UpdateQuery::default(),
            By::Stable,
            &[],
            &["2021-11".into(), "2022-02".into()],
        );
        assert_eq!(stats.months.len(), 4);
        assert_eq!(parse_date("2022-01-01").as_deref(), Some("2022-01-01"));
        assert_eq!(parse_date("2022-13-01"), None);
        assert_eq!(parse_date("2022-02-30"), None);
        assert_eq!(parse_date("2022-01-01T10:00:00Z"), None);
        assert_eq!(next_day("2022-12-31").as_deref(), Some("2023-01-01"));
    }

    #[test]
    fn report_packages_count_by_first_stable_build() {
        let updates = vec![
            update(
                "A",
                &["rust-a-1-1.el9", "rust-b-1-1.el9"],
                Some("2022-05-02 00:00:00"),
            ),
            update("A2", &["rust-a-2-1.el9"], Some("2022-04-01 00:00:00")),
            update("T", &["python-c-1-1.el9"], None),
        ];
        let packages: Vec<String> = ["rust-a", "rust-b", "python-c"].map(String::from).into();
        let stats = Stats::of_report(UpdateQuery::default(), &packages, &updates, &[]);
        let months: Vec<(&str, u64)> = stats
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.total()))
            .collect();
        assert_eq!(months, [("2022-04", 1), ("2022-05", 1)]);
        assert_eq!(stats.not_stable, ["python-c"]);
        assert_eq!(stats.unplaced.total(), 1);
    }
}
