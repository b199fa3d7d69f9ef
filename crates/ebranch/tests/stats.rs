//! `ebranch stats` through the real binary against a loopback fake of Bodhi's `/updates/`
//! (`ebranch_fedora::fake::bodhi_updates`, written from Bodhi's documented query and answer):
//! a seeded universe in which one packager brought 749 new packages to EPEL 9 (686 of them
//! Rust crates) among updates the query must leave out, answered in pages of 100, with an
//! empty month, updates of several builds, and a 503 before a page is served.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};

use ebranch_fedora::fake::bodhi_updates::{FakeUpdate, UpdatesWorld};
use ebranch_fedora::fake::server::FakeServer;
use ebranch_fedora::time::Timestamp;
use serde_json::Value;

/// A small deterministic generator (xorshift), so the universe is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// The month nobody's update reached stable in.
const EMPTY_MONTH: &str = "2022-07";

fn stamp(t: Timestamp) -> String {
    t.to_string()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// `days` days and a random time of day after `start`.
fn at(start: Timestamp, days: i64, rng: &mut Rng) -> Timestamp {
    let day = start.plus_days(days).to_string();
    let (h, m, s) = (rng.next(24), rng.next(60), rng.next(60));
    Timestamp::parse(&format!("{} {h:02}:{m:02}:{s:02}", &day[..10])).unwrap()
}

/// The talk's universe: 749 stable EPEL-9 `newpackage` updates by salimma submitted since
/// 2022-01-01 (686 with a `rust-` build; some with several builds; one mixed), plus updates
/// the query must not count: other users, other types, not stable, EPEL-8, submitted in
/// 2021.
fn universe() -> Vec<FakeUpdate> {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let start = Timestamp::parse("2022-01-01 00:00:00").unwrap();
    let mut updates = Vec::new();
    let mut n = 0;
    let mut add = |prefix: &str,
                   builds: usize,
                   user: &str,
                   release: &str,
                   kind: &str,
                   stable: bool,
                   rng: &mut Rng,
                   submitted: Timestamp| {
        n += 1;
        let mut stable_at = submitted.plus_days(7 + rng.next(14) as i64);
        // Nothing reaches stable in the empty month: push those to the next one.
        while stable_at.to_string().starts_with(EMPTY_MONTH) {
            stable_at = stable_at.plus_days(7);
        }
        let names: Vec<String> = (0..builds)
            .map(|b| {
                let p = if prefix == "mixed" {
                    ["rust-", "python-"][b % 2]
                } else {
                    prefix
                };
                format!("{p}pkg{n}x{b}-1.{}-1.el9", rng.next(9))
            })
            .collect();
        updates.push(FakeUpdate {
            alias: format!("FEDORA-EPEL-2022-{n:06x}"),
            user: user.into(),
            release: release.into(),
            update_type: kind.into(),
            status: if stable { "stable" } else { "testing" }.into(),
            builds: names,
            date_submitted: stamp(submitted),
            date_stable: stable.then(|| stamp(stable_at)),
        });
    };
    // The counted ones: 686 rust (every 20th with two or three builds, one mixed with a
    // python build), 40 python, 12 perl, 5 golang, 3 nodejs, 3 other (one is `rust` the
    // compiler, which is not a crate).
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for i in 0..685 {
        counted.push(("rust-", if i % 20 == 0 { 2 + i % 3 } else { 1 }));
    }
    counted.push(("mixed", 2));
    counted.extend(std::iter::repeat_n(("python-", 1), 40));
    counted.extend(std::iter::repeat_n(("perl-", 1), 12));
    counted.extend(std::iter::repeat_n(("golang-", 1), 5));
    counted.extend(std::iter::repeat_n(("nodejs-", 1), 3));
    counted.extend(std::iter::repeat_n(("", 1), 3));
    assert_eq!(counted.len(), 749);
    for (prefix, builds) in counted {
        let days = rng.next(700) as i64;
        let submitted = at(start, days, &mut rng);
        add(
            prefix,
            builds,
            "salimma",
            "EPEL-9",
            "newpackage",
            true,
            &mut rng,
            submitted,
        );
    }
    // What the query must leave out.
    let later = |rng: &mut Rng| {
        let days = rng.next(600) as i64;
        at(start, days, rng)
    };
    for _ in 0..60 {
        let t = later(&mut rng);
        add(
            "rust-",
            1,
            "someone",
            "EPEL-9",
            "newpackage",
            true,
            &mut rng,
            t,
        );
    }
    for _ in 0..40 {
        let t = later(&mut rng);
        add(
            "rust-",
            1,
            "salimma",
            "EPEL-9",
            "enhancement",
            true,
            &mut rng,
            t,
        );
    }
    for _ in 0..30 {
        let t = later(&mut rng);
        add(
            "rust-",
            1,
            "salimma",
            "EPEL-9",
            "newpackage",
            false,
            &mut rng,
            t,
        );
    }
    for _ in 0..20 {
        let t = later(&mut rng);
        add(
            "python-",
            1,
            "salimma",
            "EPEL-8",
            "newpackage",
            true,
            &mut rng,
            t,
        );
    }
    for _ in 0..15 {
        let days = 1 + rng.next(20) as i64;
        let t = at(start, -days, &mut rng);
        add(
            "rust-",
            1,
            "salimma",
            "EPEL-9",
            "newpackage",
            true,
            &mut rng,
            t,
        );
    }
    // A first "rust" (the compiler) update among the counted "other" ones.
    let other = updates
        .iter_mut()
        .find(|u| u.user == "salimma" && u.builds[0].starts_with("pkg"))
        .unwrap();
    other.builds = vec!["rust-1.75.0-1.el9".into()];
    updates
}

fn start(failing_pages: &[u32]) -> (FakeServer, Vec<FakeUpdate>) {
    let updates = universe();
    let world = UpdatesWorld {
        updates: updates.clone(),
        releases: ["EPEL-8", "EPEL-9"].map(String::from).into(),
        fail_once: std::sync::Mutex::new(failing_pages.iter().copied().collect()),
    };
    let (server, _) = world.start();
    (server, updates)
}

fn ebranch(base: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ebranch"))
        .args(args)
        .env("EBRANCH_BODHI_URL", base)
        .env_remove("EBRANCH_CONFIG")
        .output()
        .unwrap()
}

const TALK: [&str; 11] = [
    "stats",
    "--user",
    "salimma",
    "--release",
    "EPEL-9",
    "--type",
    "newpackage",
    "--status",
    "stable",
    "--since",
    "2022-01-01",
];

fn talk(base: &str, more: &[&str]) -> Output {
    let mut args = TALK.to_vec();
    args.extend(more);
    let out = ebranch(base, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Month → count of the updates the talk's query selects, by `date_stable`, computed here
/// straight from the universe.
fn expected_months(updates: &[FakeUpdate]) -> BTreeMap<String, u64> {
    let mut months = BTreeMap::new();
    for u in updates.iter().filter(|u| {
        u.user == "salimma"
            && u.release == "EPEL-9"
            && u.update_type == "newpackage"
            && u.status == "stable"
            && u.date_submitted.as_str() >= "2022-01-01"
    }) {
        *months
            .entry(u.date_stable.as_ref().unwrap()[..7].to_string())
            .or_insert(0) += 1;
    }
    months
}

#[test]
fn seeded_universe_gives_749_updates_686_rust() {
    let (server, updates) = start(&[]);
    let out = talk(&server.base, &["--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"], 749);
    assert_eq!(doc["ecosystems"]["rust"], 686);
    assert_eq!(doc["ecosystems"]["python"], 40);
    assert_eq!(doc["ecosystems"]["other"], 3);
    let builds: u64 = updates
        .iter()
        .filter(|u| u.user == "salimma" && u.update_type == "newpackage")
        .filter(|u| u.status == "stable" && u.release == "EPEL-9")
        .filter(|u| u.date_submitted.as_str() >= "2022-01-01")
        .map(|u| u.builds.len() as u64)
        .sum();
    assert!(builds > 749);
    assert_eq!(
        doc["builds"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        builds
    );
    let months: BTreeMap<String, u64> = doc["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["total"].as_u64().unwrap(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(months, expected_months(&updates));
    // Every month in between is listed, the empty one with 0.
    let listed: Vec<&str> = doc["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(listed.first(), Some(&"2022-01"));
    assert!(listed.windows(2).all(|w| w[0] < w[1]));
    let empty = doc["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == EMPTY_MONTH)
        .unwrap();
    assert_eq!(empty["total"], 0);
    // Pages of 100: 749 rows take 8 requests.
    let pages: Vec<String> = server
        .log()
        .iter()
        .map(|s| {
            assert_eq!(s.param("rows_per_page"), Some("100"));
            s.param("page").unwrap().to_owned()
        })
        .collect();
    assert_eq!(pages, ["1", "2", "3", "4", "5", "6", "7", "8"]);
}

#[test]
fn chart_rows_match_the_counts() {
    let (server, updates) = start(&[]);
    let out = talk(&server.base, &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.is_ascii(), "not a terminal: plain ASCII\n{text}");
    let expected = expected_months(&updates);
    let max = *expected.values().max().unwrap();
    let rows: Vec<(&str, &str, u64)> = text
        .lines()
        .filter(|l| l.len() > 8 && l.as_bytes()[4] == b'-' && l[..4].parse::<u32>().is_ok())
        .map(|l| {
            let count = l.rsplit(' ').next().unwrap().parse().unwrap();
            (
                &l[..7],
                l[7..].trim().trim_end_matches(char::is_numeric).trim(),
                count,
            )
        })
        .collect();
    assert_eq!(
        rows.len(),
        24,
        "one row per month from 2022-01 to 2023-12\n{text}"
    );
    for (month, bar, count) in &rows {
        assert_eq!(
            *count,
            expected.get(*month).copied().unwrap_or(0),
            "{month}"
        );
        assert!(bar.chars().all(|c| c == '#'), "{month}: {bar:?}");
        // The bar is the count scaled to 50 columns for the largest month.
        let want = (count * 50) as f64 / max as f64;
        assert!(
            (bar.len() as f64 - want).abs() <= 1.0,
            "{month}: {} for {count}",
            bar.len()
        );
        assert_eq!(bar.is_empty(), *count == 0, "{month}");
    }
    assert!(text.contains("749 updates"), "{text}");
    assert!(text.contains("rust 686"), "{text}");
}

#[test]
fn unicode_chart_on_a_terminal() {
    let (server, _) = start(&[]);
    // `script` gives the command a terminal.
    let mut line = format!("{} ", env!("CARGO_BIN_EXE_ebranch"));
    line.push_str(&TALK.join(" "));
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("EBRANCH_BODHI_URL", &server.base)
        .env("TERM", "xterm")
        .output()
        .expect("script (util-linux) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains('█') && !text.contains('#'), "{text}");
    let with_ascii = talk(&server.base, &["--ascii"]);
    assert!(String::from_utf8(with_ascii.stdout).unwrap().is_ascii());
}

#[test]
fn a_503_is_retried() {
    let (server, updates) = start(&[3]);
    let out = talk(&server.base, &["--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"], 749);
    let pages: Vec<String> = server
        .log()
        .iter()
        .map(|s| s.param("page").unwrap().to_owned())
        .collect();
    assert_eq!(pages, ["1", "2", "3", "3", "4", "5", "6", "7", "8"]);
    assert_eq!(expected_months(&updates).values().sum::<u64>(), 749);
}

#[test]
fn by_submitted_and_until_and_csv() {
    let (server, updates) = start(&[]);
    let out = talk(
        &server.base,
        &[
            "--until",
            "2022-12-31",
            "--by",
            "submitted",
            "--format",
            "csv",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("month,total,rust,python,perl,golang,nodejs,ghc,other")
    );
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for u in updates.iter().filter(|u| {
        u.user == "salimma"
            && u.release == "EPEL-9"
            && u.update_type == "newpackage"
            && u.status == "stable"
            && ("2022-01-01".."2023-01-01").contains(&u.date_submitted.as_str())
    }) {
        *want.entry(u.date_submitted[..7].to_string()).or_insert(0) += 1;
    }
    let got: BTreeMap<String, u64> = lines
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            let parts: u64 = cols[2..].iter().map(|c| c.parse::<u64>().unwrap()).sum();
            assert_eq!(parts, cols[1].parse::<u64>().unwrap(), "{l}");
            (cols[0].to_owned(), cols[1].parse().unwrap())
        })
        .collect();
    assert_eq!(got.keys().next().map(String::as_str), Some("2022-01"));
    assert_eq!(got.keys().last().map(String::as_str), Some("2022-12"));
    got.iter()
        .for_each(|(m, n)| assert_eq!(*n, want.get(m).copied().unwrap_or(0), "{m}"));
    let submitted_before: BTreeSet<String> = server
        .log()
        .iter()
        .filter_map(|s| s.param("submitted_before").map(str::to_owned))
        .collect();
    assert_eq!(submitted_before, BTreeSet::from(["2023-01-01".to_owned()]));
}

#[test]
fn html_has_an_svg_chart_whose_bars_match_the_counts() {
    let (server, updates) = start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats.html");
    talk(
        &server.base,
        &["--format", "html", "-o", path.to_str().unwrap()],
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    let expected = expected_months(&updates);
    let mut seen = 0;
    let mut heights = BTreeMap::new();
    for group in html.split("<g class=\"month\"").skip(1) {
        let group = &group[..group.find("</g>").unwrap()];
        let attr = |text: &str, name: &str| -> String {
            let start = text.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            text[start..start + text[start..].find('"').unwrap()].to_owned()
        };
        let month = attr(group, "data-month");
        let total: u64 = attr(group, "data-total").parse().unwrap();
        assert_eq!(total, expected.get(&month).copied().unwrap_or(0), "{month}");
        let mut height = 0.0;
        let mut count = 0;
        for rect in group.split("<rect").skip(1) {
            count += attr(rect, "data-count").parse::<u64>().unwrap();
            height += attr(rect, "height").parse::<f64>().unwrap();
        }
        assert_eq!(count, total, "{month}");
        heights.insert(month, (total, height));
        seen += 1;
    }
    assert_eq!(seen, 24);
    // Heights are proportional to the counts.
    let (max_total, max_height) = heights.values().copied().max_by_key(|(t, _)| *t).unwrap();
    for (month, (total, height)) in heights {
        let want = max_height * total as f64 / max_total as f64;
        assert!((height - want).abs() < 0.1, "{month}: {height} for {total}");
    }
}

/// What a real browser draws of the HTML chart (Debian's `chromium`, headless): the page is
/// loaded in a frame of a harness page, whose script reads back, for each month's group,
/// its `data-month`, `data-total` and the height of the box its bars fill on screen.
#[test]
fn chromium_draws_each_month_bar_in_proportion_to_its_count() {
    let (server, updates) = start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("stats.html");
    talk(
        &server.base,
        &["--format", "html", "-o", page.to_str().unwrap()],
    );
    let harness = dir.path().join("harness.html");
    std::fs::write(
        &harness,
        "<!DOCTYPE html><html><body>\
         <iframe id=\"f\" src=\"stats.html\" width=\"1600\" height=\"1200\"></iframe>\
         <script>addEventListener('load', function () {\
         var d = document.getElementById('f').contentDocument, rows = [];\
         d.querySelectorAll('svg.ebranch-stats g.month').forEach(function (g) {\
         rows.push(g.getAttribute('data-month') + ':' + g.getAttribute('data-total') + ':'\
         + g.getBoundingClientRect().height); });\
         document.body.setAttribute('data-result', rows.join(' '));\
         });</script></body></html>",
    )
    .unwrap();
    let result = common::chromium_result(&harness);
    let drawn: BTreeMap<String, (u64, f64)> = result
        .split(' ')
        .map(|row| {
            let mut parts = row.split(':');
            let month = parts.next().unwrap().to_owned();
            let total = parts.next().unwrap().parse().unwrap();
            (month, (total, parts.next().unwrap().parse().unwrap()))
        })
        .collect();
    let expected = expected_months(&updates);
    assert_eq!(drawn.len(), 24, "one bar per month: {result}");
    for (month, (total, _)) in &drawn {
        assert_eq!(*total, expected.get(month).copied().unwrap_or(0), "{month}");
    }
    // The tallest month sets the scale; every other bar is drawn in proportion, and a
    // month without updates draws nothing.
    let (max_total, max_height) = drawn.values().copied().max_by_key(|(t, _)| *t).unwrap();
    assert!(
        max_height > 100.0,
        "the tallest bar is drawn: {max_height} px"
    );
    for (month, (total, height)) in drawn {
        let want = max_height * total as f64 / max_total as f64;
        assert!(
            (height - want).abs() < 1.0,
            "{month}: {height} px drawn for {total}, want {want}"
        );
    }
}

#[test]
fn report_mode_counts_when_packages_reached_stable() {
    let (server, updates) = start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("effort.json");
    let counted: Vec<&FakeUpdate> = updates
        .iter()
        .filter(|u| u.user == "salimma" && u.release == "EPEL-9" && u.status == "stable")
        .filter(|u| u.update_type == "newpackage" && u.date_submitted.as_str() >= "2022-01-01")
        .take(5)
        .collect();
    let name = |nvr: &str| nvr.rsplitn(3, '-').nth(2).unwrap().to_owned();
    let mut entries = serde_json::Map::new();
    for u in &counted {
        entries.insert(name(&u.builds[0]), serde_json::json!({"class": "new"}));
    }
    entries.insert("python-never-built".into(), serde_json::json!({}));
    entries.insert("python-skipped".into(), serde_json::json!({"skip": true}));
    std::fs::write(&report, Value::Object(entries).to_string()).unwrap();
    let out = ebranch(
        &server.base,
        &[
            "stats",
            "--report",
            report.to_str().unwrap(),
            "--release",
            "EPEL-9",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["unit"], "packages");
    assert_eq!(doc["total"], 6);
    assert_eq!(doc["not_stable"], serde_json::json!(["python-never-built"]));
    let placed: u64 = doc["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["total"].as_u64().unwrap())
        .sum();
    assert_eq!(placed, 5);
    for s in server.log() {
        assert!(!s.params("packages").contains(&"python-skipped"));
    }
}

#[test]
fn bodhi_errors_exit_2_with_one_line() {
    let (server, _) = start(&[]);
    let out = ebranch(
        &server.base,
        &["stats", "--user", "salimma", "--release", "EPEL-7"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Invalid releases specified: EPEL-7"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let bad = ebranch(
        &server.base,
        &[
            "stats",
            "--user",
            "x",
            "--release",
            "EPEL-9",
            "--since",
            "2022-13-01",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}
