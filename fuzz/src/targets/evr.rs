//! Version comparison and range overlap. An input is a flags byte and up to three
//! `\n`-separated strings (version strings for rpmvercmp, EVRs for the rest).

use std::cmp::Ordering;

use ebranch_rpm::{EvrRef, Flags, compare_evr, ranges_overlap, rpmvercmp};

use super::{Scratch, text};

pub fn run(_: &Scratch, data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = text(rest);
    let mut parts = text.splitn(3, '\n');
    let a = parts.next().unwrap_or("");
    let b = parts.next().unwrap_or("");
    let c = parts.next().unwrap_or("");

    check_order("rpmvercmp", a, b, c, rpmvercmp);
    check_order("compare_evr", a, b, c, |x, y| {
        compare_evr(EvrRef::parse(x), EvrRef::parse(y))
    });

    let (fa, fb) = (Flags::from_bits(flags << 1), Flags::from_bits(flags >> 2));
    let (ea, eb) = (EvrRef::parse(a), EvrRef::parse(b));
    assert_eq!(
        ranges_overlap(fa, ea, fb, eb),
        ranges_overlap(fb, eb, fa, ea),
        "overlap of {a:?} {fa:?} and {b:?} {fb:?} depends on the order"
    );
}

/// `cmp` is reflexive, antisymmetric and transitive on `a`, `b`, `c`.
fn check_order(what: &str, a: &str, b: &str, c: &str, cmp: impl Fn(&str, &str) -> Ordering) {
    for x in [a, b, c] {
        assert_eq!(
            cmp(x, x),
            Ordering::Equal,
            "{what}({x:?}, itself) is not Equal"
        );
    }
    for (x, y) in [(a, b), (b, c), (a, c)] {
        assert_eq!(
            cmp(x, y),
            cmp(y, x).reverse(),
            "{what} is not antisymmetric on {x:?}, {y:?}"
        );
    }
    let (ab, bc, ac) = (cmp(a, b), cmp(b, c), cmp(a, c));
    if ab != Ordering::Greater && bc != Ordering::Greater {
        assert!(
            ac != Ordering::Greater,
            "{what}: {a:?} <= {b:?} <= {c:?} but {a:?} > {c:?}"
        );
    }
    if ab == Ordering::Equal && bc == Ordering::Equal {
        assert_eq!(
            ac,
            Ordering::Equal,
            "{what}: equality of {a:?}, {b:?}, {c:?} is not transitive"
        );
    }
}
