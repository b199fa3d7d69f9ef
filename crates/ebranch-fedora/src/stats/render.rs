//! The outputs of `ebranch stats`: text with a bar chart per month, JSON, CSV, and an SVG
//! chart (alone, for a section of another page, or in a stand-alone HTML page).

use std::fmt::Write as _;

use super::{ECOSYSTEMS, Ecosystem, Stats, Unit};

/// How the text chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    /// Unicode blocks with eighths (a terminal) or `#` (anything else).
    pub unicode: bool,
    /// Columns of the longest bar.
    pub width: usize,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self {
            unicode: false,
            width: 50,
        }
    }
}

const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// One bar: `count` against `max`, at most `width` columns; never empty for a non-zero
/// count.
pub fn bar(count: u64, max: u64, style: TextStyle) -> String {
    if count == 0 || max == 0 {
        return String::new();
    }
    let width = style.width as u64;
    if style.unicode {
        let eighths = ((count * width * 8 + max / 2) / max).max(1);
        let full = (eighths / 8) as usize;
        format!("{}{}", "█".repeat(full), EIGHTHS[(eighths % 8) as usize])
    } else {
        let cells = ((count * width + max / 2) / max).max(1) as usize;
        "#".repeat(cells)
    }
}

/// What was asked, in words: `EPEL-9 updates by salimma (type newpackage, status stable,
/// submitted 2022-01-01 to 2022-12-31), per month of date_stable`.
pub fn describe(stats: &Stats) -> String {
    let q = &stats.query;
    let join = |v: &[String]| v.join(", ");
    let mut what = match stats.unit {
        Unit::Updates => format!("{} updates", join(&q.releases)),
        Unit::Packages => format!("Packages of the report in {}", join(&q.releases)),
    };
    if !q.users.is_empty() {
        let _ = write!(what, " by {}", join(&q.users));
    }
    let mut filters = Vec::new();
    if !q.types.is_empty() {
        filters.push(format!("type {}", join(&q.types)));
    }
    if !q.statuses.is_empty() {
        filters.push(format!("status {}", join(&q.statuses)));
    }
    match (&q.submitted_since, &q.submitted_before) {
        (Some(s), Some(b)) => filters.push(format!("submitted from {s}, before {b}")),
        (Some(s), None) => filters.push(format!("submitted from {s}")),
        (None, Some(b)) => filters.push(format!("submitted before {b}")),
        (None, None) => {}
    }
    if !filters.is_empty() {
        let _ = write!(what, " ({})", filters.join(", "));
    }
    match stats.unit {
        Unit::Updates => format!("{what}, per month of {}", stats.by.field()),
        Unit::Packages => format!("{what}, per month they first reached stable"),
    }
}

/// The counts per ecosystem in words: `rust 686, python 41, ...`.
fn ecosystem_line(counts: &super::Counts) -> String {
    ECOSYSTEMS
        .iter()
        .map(|e| format!("{} {}", e.as_str(), counts.get(*e)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text: a heading, one row per month (`YYYY-MM  bar  count`), then the totals.
pub fn text(stats: &Stats, style: TextStyle) -> String {
    let mut out = format!("{}\n\n", describe(stats));
    let max = stats.months.iter().map(|m| m.total()).max().unwrap_or(0);
    let digits = max.to_string().len();
    for month in &stats.months {
        let bar = bar(month.total(), max, style);
        let pad = style.width.saturating_sub(bar.chars().count());
        let _ = writeln!(
            out,
            "{}  {bar}{}  {:>digits$}",
            month.month,
            " ".repeat(pad),
            month.total()
        );
    }
    if stats.months.is_empty() {
        out.push_str("(nothing)\n");
    }
    out.push('\n');
    match stats.unit {
        Unit::Updates => {
            let _ = writeln!(
                out,
                "{} updates, {} builds",
                stats.total(),
                stats.builds.total()
            );
            let _ = writeln!(out, "updates: {}", ecosystem_line(&stats.ecosystems));
            if stats.unplaced.total() > 0 {
                let _ = writeln!(
                    out,
                    "{} of them have no {} (not in any month)",
                    stats.unplaced.total(),
                    stats.by.field()
                );
            }
        }
        Unit::Packages => {
            let _ = writeln!(
                out,
                "{} of {} packages reached stable",
                stats.total() - stats.unplaced.total(),
                stats.total()
            );
            let _ = writeln!(out, "packages: {}", ecosystem_line(&stats.ecosystems));
            if !stats.not_stable.is_empty() {
                let _ = writeln!(out, "not stable yet: {}", stats.not_stable.join(" "));
            }
        }
    }
    out
}

/// JSON: the query, the totals, every month with its ecosystems.
pub fn json(stats: &Stats) -> String {
    let mut value = serde_json::to_value(stats).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("total".into(), stats.total().into());
        object.insert("title".into(), describe(stats).into());
        if let Some(months) = object.get_mut("months").and_then(|m| m.as_array_mut()) {
            for (month, row) in months.iter_mut().zip(&stats.months) {
                month["total"] = row.total().into();
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// CSV: `month,total,rust,...,other`, one row per month, then `none` for the items
/// without a date when there are any.
pub fn csv(stats: &Stats) -> String {
    let mut out = String::from("month,total");
    for e in ECOSYSTEMS {
        let _ = write!(out, ",{}", e.as_str());
    }
    out.push('\n');
    let mut row = |label: &str, counts: &super::Counts| {
        let _ = write!(out, "{label},{}", counts.total());
        for n in counts.0 {
            let _ = write!(out, ",{n}");
        }
        out.push('\n');
    };
    for month in &stats.months {
        row(&month.month, &month.ecosystems);
    }
    if stats.unplaced.total() > 0 {
        row("none", &stats.unplaced);
    }
    out
}

/// A colour per ecosystem.
fn colour(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Rust => "#b7410e",
        Ecosystem::Python => "#3572a5",
        Ecosystem::Perl => "#39457e",
        Ecosystem::Golang => "#00add8",
        Ecosystem::Nodejs => "#3c873a",
        Ecosystem::Ghc => "#5e5086",
        Ecosystem::Other => "#8c8c8c",
    }
}

/// Escapes text for XML and HTML (the one rule, in `ebranch-plan`'s renderer).
pub use ebranch_plan::escape;

const PLOT_HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const TOP: f64 = 36.0;

/// An SVG bar chart: one column per month, stacked by ecosystem, with a legend. Each
/// month is a `<g class="month" data-month=… data-total=…>` whose `<rect>`s carry
/// `data-ecosystem` and `data-count`, for tools and tests.
pub fn svg(stats: &Stats) -> String {
    let months = stats.months.len().max(1);
    let step = (720.0 / months as f64).clamp(6.0, 28.0);
    let bar_width = (step * 0.8).max(4.0);
    let width = LEFT + step * months as f64 + 16.0;
    let height = TOP + PLOT_HEIGHT + 70.0;
    let max = stats
        .months
        .iter()
        .map(|m| m.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = PLOT_HEIGHT / max as f64;
    let base = TOP + PLOT_HEIGHT;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ebranch-stats\" width=\"{width:.0}\" \
         height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n",
        escape(&describe(stats))
    );
    axes(&mut out, max, scale, base, width);
    let label_every = (36.0 / step).ceil().max(1.0) as usize;
    for (i, month) in stats.months.iter().enumerate() {
        let x = LEFT + step * i as f64 + (step - bar_width) / 2.0;
        let _ = writeln!(
            out,
            "<g class=\"month\" data-month=\"{}\" data-total=\"{}\"><title>{}: {}</title>",
            month.month,
            month.total(),
            month.month,
            month.total()
        );
        let mut y = base;
        for (e, n) in ECOSYSTEMS.iter().zip(month.ecosystems.0) {
            if n == 0 {
                continue;
            }
            let h = n as f64 * scale;
            y -= h;
            let _ = writeln!(
                out,
                "<rect data-ecosystem=\"{}\" data-count=\"{n}\" x=\"{x:.2}\" y=\"{y:.2}\" \
                 width=\"{bar_width:.2}\" height=\"{h:.2}\" fill=\"{}\"/>",
                e.as_str(),
                colour(*e)
            );
        }
        out.push_str("</g>\n");
        if i % label_every == 0 {
            let lx = x + bar_width / 2.0;
            let _ = writeln!(
                out,
                "<text x=\"{lx:.2}\" y=\"{:.2}\" transform=\"rotate(-60 {lx:.2} {:.2})\" \
                 text-anchor=\"end\">{}</text>",
                base + 12.0,
                base + 12.0,
                month.month
            );
        }
    }
    legend(&mut out, stats);
    out.push_str("</svg>\n");
    out
}

fn axes(out: &mut String, max: u64, scale: f64, base: f64, width: f64) {
    let tick = nice_tick(max);
    let mut value = 0;
    while value <= max {
        let y = base - value as f64 * scale;
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.0}\" y1=\"{y:.2}\" y2=\"{y:.2}\" stroke=\"#dddddd\"/>\
             <text x=\"{:.0}\" y=\"{:.2}\" text-anchor=\"end\">{value}</text>",
            width - 16.0,
            LEFT - 6.0,
            y + 4.0
        );
        value += tick;
    }
}

/// A round step giving about five grid lines up to `max`.
fn nice_tick(max: u64) -> u64 {
    let rough = (max / 5).max(1);
    let mut magnitude = 1;
    while magnitude * 10 <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .iter()
        .map(|m| m * magnitude)
        .find(|t| *t >= rough)
        .unwrap_or(10 * magnitude)
}

fn legend(out: &mut String, stats: &Stats) {
    let mut x = LEFT;
    for e in ECOSYSTEMS {
        let n = stats.ecosystems.get(e);
        if n == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "<rect x=\"{x:.0}\" y=\"10\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.0}\" y=\"19\">{} {n}</text>",
            colour(e),
            x + 14.0,
            e.as_str()
        );
        x += 24.0 + 7.0 * (e.as_str().len() + n.to_string().len()) as f64;
    }
}

/// An HTML section: heading, the SVG chart and a table of the counts (for a page of its
/// own or a section of a report).
pub fn html_section(stats: &Stats) -> String {
    let mut out = format!(
        "<section class=\"ebranch-stats\">\n<h2>{}</h2>\n<p>{}</p>\n{}",
        escape(&describe(stats)),
        escape(&summary(stats)),
        svg(stats)
    );
    out.push_str("<table>\n<thead><tr><th>month</th><th>total</th>");
    for e in ECOSYSTEMS {
        let _ = write!(out, "<th>{}</th>", e.as_str());
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for month in &stats.months {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td>",
            month.month,
            month.total()
        );
        for n in month.ecosystems.0 {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

/// One line of totals.
fn summary(stats: &Stats) -> String {
    match stats.unit {
        Unit::Updates => format!(
            "{} updates, {} builds: {}",
            stats.total(),
            stats.builds.total(),
            ecosystem_line(&stats.ecosystems)
        ),
        Unit::Packages => format!(
            "{} of {} packages reached stable: {}",
            stats.total() - stats.unplaced.total(),
            stats.total(),
            ecosystem_line(&stats.ecosystems)
        ),
    }
}

/// A stand-alone HTML page around [`html_section`].
pub fn html(stats: &Stats) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 2em; }}\n\
         table {{ border-collapse: collapse; margin-top: 1em; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 2px 8px; text-align: right; }}\n\
         </style>\n</head>\n<body>\n{}</body>\n</html>\n",
        escape(&describe(stats)),
        html_section(stats)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_month() {
        let unicode = TextStyle {
            unicode: true,
            width: 10,
        };
        assert_eq!(bar(10, 10, unicode), "█".repeat(10));
        assert_eq!(bar(5, 10, unicode), "█".repeat(5));
        assert_eq!(bar(1, 16, unicode), "▋");
        assert_eq!(
            bar(1, 1000, unicode),
            "▏",
            "a non-zero month is never empty"
        );
        assert_eq!(bar(0, 10, unicode), "");
        let ascii = TextStyle {
            unicode: false,
            width: 10,
        };
        assert_eq!(bar(5, 10, ascii), "#####");
        assert_eq!(bar(1, 1000, ascii), "#");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_tick(1), 1);
        assert_eq!(nice_tick(37), 10);
        assert_eq!(nice_tick(120), 50);
        assert_eq!(nice_tick(749), 200);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("<a&\"'>"), "&lt;a&amp;&quot;&#39;&gt;");
    }
}
