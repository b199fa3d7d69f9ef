//! rpm's version-segment comparison (`rpmvercmp`), including the `~` and `^` rules.

use std::cmp::Ordering;

/// Byte class: ASCII digit.
const DIGIT: u8 = 1;
/// Byte class: ASCII letter.
const ALPHA: u8 = 2;
/// Byte class: `~` or `^`.
const MARK: u8 = 4;

/// Class of every byte; 0 marks a separator (ASCII punctuation, whitespace
/// and all non-ASCII bytes), which is never compared.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_alphabetic() {
            ALPHA
        } else if b == b'~' || b == b'^' {
            MARK
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Index of the first byte at or after `i` whose class is not in `mask`
/// (or `s.len()`).
#[inline(always)]
fn skip(s: &[u8], mut i: usize, mask: u8) -> usize {
    while i < s.len() && CLASS[s[i] as usize] & mask != 0 {
        i += 1;
    }
    i
}

/// Index of the first significant byte at or after `i` (or `s.len()`).
#[inline(always)]
fn skip_separators(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && CLASS[s[i] as usize] == 0 {
        i += 1;
    }
    i
}

/// Compares two digit runs numerically without converting them to integers
/// (so arbitrarily long runs work): leading zeros are ignored, then the
/// longer run is greater, then the runs are compared byte by byte.
#[inline]
fn cmp_numeric(a: &[u8], b: &[u8]) -> Ordering {
    let za = a.iter().take_while(|&&c| c == b'0').count();
    let zb = b.iter().take_while(|&&c| c == b'0').count();
    let (a, b) = (&a[za..], &b[zb..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares two version (or release, or epoch) strings the way rpm's
/// `rpmvercmp` does.
///
/// The strings are split into alternating numeric and alphabetic segments;
/// any other byte is a separator and is never compared. Numeric segments
/// compare as numbers and are newer than alphabetic ones; alphabetic ones
/// compare as ASCII. `~` sorts before everything, even the end of the
/// string (`1.0~rc1 < 1.0`); `^` sorts after the end of the string but
/// before any further segment (`1.0 < 1.0^git1 < 1.0.1`).
///
/// Does not allocate.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        i = skip_separators(a, i);
        j = skip_separators(b, j);
        let ca = a.get(i).copied();
        let cb = b.get(j).copied();

        // Tilde: sorts before anything, including the end of the string.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        // Caret: sorts after the end of the string, before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };

        // Take a segment of the kind that starts `a`, and the same kind from `b`.
        let kind = CLASS[ca as usize];
        let (ea, eb) = (skip(a, i, kind), skip(b, j, kind));
        if eb == j {
            // Different kinds: numeric is newer than alphabetic.
            return if kind == DIGIT {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (&a[i..ea], &b[j..eb]);
        let ord = if kind == DIGIT {
            cmp_numeric(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i = ea;
        j = eb;
    }
    // One string is exhausted: the one with something left is newer.
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{Row, read_table};

    fn expected(s: &str) -> Option<Ordering> {
        match s {
            "-1" => Some(Ordering::Less),
            "0" => Some(Ordering::Equal),
            "1" => Some(Ordering::Greater),
            _ => None,
        }
    }

    #[test]
    fn upstream_rpmvercmp_vectors() {
        let rows = read_table("rpmvercmp.tsv", &["a", "b", "expected", "note"]);
        assert_eq!(rows.len(), 103, "rpmvercmp.tsv should hold 103 rows");
        let mut failures = Vec::new();
        for Row { line, cols } in &rows {
            let want = expected(&cols[2])
                .unwrap_or_else(|| panic!("rpmvercmp.tsv line {line}: bad expected value"));
            let got = rpmvercmp(&cols[0], &cols[1]);
            if got != want {
                failures.push(format!(
                    "rpmvercmp.tsv line {line}: rpmvercmp({:?}, {:?}) = {got:?}, expected {want:?} {}",
                    cols[0], cols[1], cols[3]
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

    #[test]
    fn antisymmetric_and_reflexive() {
        let samples = [
            "",
            "0",
            "1",
            "1.0",
            "1.0~rc1",
            "1.0^",
            "1.0^git1",
            "1.0.1",
            "1a",
            "a1",
            "~",
            "^",
            "1_0",
            "10",
            "010",
            "2.0.1a",
            "1.0~rc1^git1",
        ];
        for a in samples {
            assert_eq!(rpmvercmp(a, a), Ordering::Equal, "{a}");
            for b in samples {
                assert_eq!(rpmvercmp(a, b), rpmvercmp(b, a).reverse(), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn separators_and_edge_cases() {
        assert_eq!(rpmvercmp("1.0", "1..0"), Ordering::Equal);
        assert_eq!(rpmvercmp("", ""), Ordering::Equal);
        assert_eq!(rpmvercmp("", "1"), Ordering::Less);
        assert_eq!(rpmvercmp("~", ""), Ordering::Less);
        assert_eq!(rpmvercmp("^", ""), Ordering::Greater);
        assert_eq!(rpmvercmp("2~", "2"), Ordering::Less);
        assert_eq!(rpmvercmp("2~", "1.99"), Ordering::Greater);
        // Digit runs longer than any integer type.
        assert_eq!(
            rpmvercmp(
                "123456789012345678901234567890",
                "123456789012345678901234567891"
            ),
            Ordering::Less
        );
        assert_eq!(rpmvercmp("A", "a"), Ordering::Less);
    }
}
