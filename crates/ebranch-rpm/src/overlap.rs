//! Whether two dependency ranges of the same name intersect (rpm's
//! `rpmverOverlap`, reached through `rpmdsCompare`).

use std::cmp::Ordering;

use crate::evr::EvrRef;
use crate::flags::Flags;
use crate::vercmp::rpmvercmp;

/// True when an epoch string is a positive number (C's `atol(e) > 0` on the
/// leading digits).
#[inline]
fn epoch_positive(e: &str) -> bool {
    e.bytes().take_while(u8::is_ascii_digit).any(|c| c != b'0')
}

/// Decides whether the range `a_flags a` overlaps the range `b_flags b`, for
/// two dependencies of the same name (typically a provide and a require;
/// the answer does not depend on which is which), as rpm does:
///
/// - if either side is unversioned ([`Flags::NONE`]) or has an empty EVR,
///   they overlap;
/// - epochs are compared only when both sides have one; otherwise a positive
///   epoch on one side makes that side greater, and a missing epoch equals
///   `0`;
/// - with equal epochs and versions, releases are compared only when both
///   sides have one; when just one side has a release, the ranges overlap if
///   the side *without* a release has the `=` bit (`foo >= 1.0` matches
///   `foo = 1.0-3`, but `foo > 1.0` does not);
/// - finally the ranges overlap when the ordering and the operators allow a
///   common value (`<` on the greater side or `>` on the smaller side, or a
///   shared bit when the EVRs are equal).
///
/// Does not allocate.
pub fn ranges_overlap(a_flags: Flags, a: EvrRef, b_flags: Flags, b: EvrRef) -> bool {
    if !a_flags.is_versioned() || !b_flags.is_versioned() {
        return true;
    }
    if a.is_empty() || b.is_empty() {
        return true;
    }

    let mut sense = match (a.epoch_nonempty(), b.epoch_nonempty()) {
        (Some(ea), Some(eb)) => rpmvercmp(ea, eb),
        (Some(ea), None) if epoch_positive(ea) => Ordering::Greater,
        (None, Some(eb)) if epoch_positive(eb) => Ordering::Less,
        _ => Ordering::Equal,
    };
    if sense == Ordering::Equal {
        sense = rpmvercmp(a.version, b.version);
        if sense == Ordering::Equal {
            match (a.release_nonempty(), b.release_nonempty()) {
                (Some(ra), Some(rb)) => sense = rpmvercmp(ra, rb),
                (Some(_), None) if b_flags.contains(Flags::EQ) => return true,
                (None, Some(_)) if a_flags.contains(Flags::EQ) => return true,
                _ => {}
            }
        }
    }

    match sense {
        Ordering::Less => a_flags.contains(Flags::GT) || b_flags.contains(Flags::LT),
        Ordering::Greater => a_flags.contains(Flags::LT) || b_flags.contains(Flags::GT),
        Ordering::Equal => {
            let common = a_flags.bits() & b_flags.bits();
            common & Flags::MASK != 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{Row, read_table};

    fn flags(op: &str, line: usize) -> Flags {
        if op.is_empty() {
            Flags::NONE
        } else {
            Flags::from_operator(op)
                .unwrap_or_else(|| panic!("rpmdepmatch.tsv line {line}: bad operator {op:?}"))
        }
    }

    /// Name check plus range check, as `rpmdsCompare` does it.
    fn dep_match(pn: &str, pf: Flags, pe: &str, rn: &str, rf: Flags, re: &str) -> bool {
        pn == rn && ranges_overlap(pf, EvrRef::parse(pe), rf, EvrRef::parse(re))
    }

    #[test]
    fn upstream_rpmdepmatch_vectors() {
        let rows = read_table(
            "rpmdepmatch.tsv",
            &[
                "provide_name",
                "provide_op",
                "provide_evr",
                "require_name",
                "require_op",
                "require_evr",
                "match",
            ],
        );
        assert_eq!(rows.len(), 182, "rpmdepmatch.tsv should hold 182 rows");
        let mut failures = Vec::new();
        for Row { line, cols } in &rows {
            let line = *line;
            let want = match cols[6].as_str() {
                "1" => true,
                "0" => false,
                other => panic!("rpmdepmatch.tsv line {line}: bad match value {other:?}"),
            };
            let (pf, rf) = (flags(&cols[1], line), flags(&cols[4], line));
            let got = dep_match(&cols[0], pf, &cols[2], &cols[3], rf, &cols[5]);
            // The rule is symmetric: swapping provide and require must not matter.
            let swapped = dep_match(&cols[3], rf, &cols[5], &cols[0], pf, &cols[2]);
            if got != want || swapped != want {
                failures.push(format!(
                    "rpmdepmatch.tsv line {line}: provide `{} {} {}` vs require `{} {} {}`: got {got} (swapped {swapped}), expected {want}",
                    cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failing rows:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    fn ov(af: &str, a: &str, bf: &str, b: &str) -> bool {
        let f = |s: &str| Flags::from_operator(s).unwrap_or(Flags::NONE);
        ranges_overlap(f(af), EvrRef::parse(a), f(bf), EvrRef::parse(b))
    }

    #[test]
    fn worked_cases() {
        // Provide `= 1.0-3` against requires without a release.
        assert!(ov("=", "1.0-3", ">=", "1.0"));
        assert!(!ov("=", "1.0-3", ">", "1.0"));
        assert!(!ov("=", "1.0-3", "<", "1.0"));
        // A positive epoch beats a missing one.
        assert!(ov("=", "1:0.5-1", ">=", "2.0"));
        // `0:` equals a missing epoch.
        assert!(ov("=", "2.0-1", ">=", "0:2.0"));
        // The `< 2~` idiom excludes every 2.x.
        assert!(!ov("=", "2.0-1", "<", "2~"));
        assert!(ov("=", "1.99-1", "<", "2~"));
        // Two ranges.
        assert!(ov(">=", "1.0", "<", "2.0"));
        assert!(!ov("<", "1.0", ">", "2.0"));
        assert!(ov("<=", "1.0", ">=", "1.0"));
        // Unversioned and empty EVRs always match.
        assert!(ov("", "", ">=", "9"));
        assert!(ov("=", "", ">=", "9"));
        // An empty release counts as missing.
        assert!(ov("=", "4-", ">=", "4-1"));
    }
}
