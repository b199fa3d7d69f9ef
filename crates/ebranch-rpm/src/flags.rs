//! rpm dependency sense flags (`<`, `>`, `=` and their combinations).

use std::fmt;

/// The comparison part of a dependency, as rpm's sense bits:
/// `LT = 2`, `GT = 4`, `EQ = 8` (so `LE = 10`, `GE = 12`); `NONE = 0` means
/// unversioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Flags(u8);

impl Flags {
    /// No comparison: an unversioned dependency.
    pub const NONE: Flags = Flags(0);
    /// `<`
    pub const LT: Flags = Flags(2);
    /// `>`
    pub const GT: Flags = Flags(4);
    /// `=`
    pub const EQ: Flags = Flags(8);
    /// `<=`
    pub const LE: Flags = Flags(2 | 8);
    /// `>=`
    pub const GE: Flags = Flags(4 | 8);
    /// `<>` (not equal; written `NE` in rpm-md).
    pub const NE: Flags = Flags(2 | 4);
    /// The bits that carry meaning (rpm's `RPMSENSE_SENSEMASK`).
    pub const MASK: u8 = 2 | 4 | 8;

    /// The raw sense bits.
    #[inline]
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Builds flags from rpm sense bits; bits outside [`Flags::MASK`] (rpm's
    /// pre/post, rpmlib and similar markers) are dropped.
    #[inline]
    pub const fn from_bits(bits: u8) -> Flags {
        Flags(bits & Self::MASK)
    }

    /// Parses an rpm-md `flags` attribute: `EQ`, `LT`, `LE`, `GT`, `GE`, and
    /// `NE` (meaning `LT|GT`). Anything else is `None`.
    pub fn from_xml(s: &str) -> Option<Flags> {
        Some(match s {
            "EQ" => Self::EQ,
            "LT" => Self::LT,
            "LE" => Self::LE,
            "GT" => Self::GT,
            "GE" => Self::GE,
            "NE" => Self::NE,
            _ => return None,
        })
    }

    /// The rpm-md `flags` attribute for these flags (`EQ`, `LT`, `LE`, `GT`,
    /// `GE`, `NE`), or `None` for `NONE` and `<=>`.
    pub fn to_xml(self) -> Option<&'static str> {
        Some(match self.0 {
            8 => "EQ",
            2 => "LT",
            10 => "LE",
            4 => "GT",
            12 => "GE",
            6 => "NE",
            _ => return None,
        })
    }

    /// The operator as libsolv prints it: `=`, `<`, `<=`, `>`, `>=`, `<>`,
    /// `<=>` for all three bits, and `""` for `NONE`.
    pub fn operator(self) -> &'static str {
        match self.0 {
            2 => "<",
            4 => ">",
            6 => "<>",
            8 => "=",
            10 => "<=",
            12 => ">=",
            14 => "<=>",
            _ => "",
        }
    }

    /// Parses a comparison operator: `=`, `==`, `<`, `<=`, `=<`, `>`, `>=`,
    /// `=>`, `<>` and `<=>`. Anything else is `None`.
    pub fn from_operator(s: &str) -> Option<Flags> {
        Some(match s {
            "=" | "==" => Self::EQ,
            "<" => Self::LT,
            "<=" | "=<" => Self::LE,
            ">" => Self::GT,
            ">=" | "=>" => Self::GE,
            "<>" => Self::NE,
            "<=>" => Flags(Self::MASK),
            _ => return None,
        })
    }

    /// True when any of `<`, `>`, `=` is set (the dependency has a version).
    #[inline]
    pub const fn is_versioned(self) -> bool {
        self.0 & Self::MASK != 0
    }

    /// True when every bit of `other` is set in `self`.
    #[inline]
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// Writes [`Flags::operator`].
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operator())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_values() {
        assert_eq!(Flags::NONE.bits(), 0);
        assert_eq!(Flags::LT.bits(), 2);
        assert_eq!(Flags::GT.bits(), 4);
        assert_eq!(Flags::EQ.bits(), 8);
        assert_eq!(Flags::LE.bits(), 10);
        assert_eq!(Flags::GE.bits(), 12);
        assert_eq!(Flags::LT | Flags::EQ, Flags::LE);
        assert_eq!(Flags::from_bits(0x4c), Flags::GE); // 0x40 (RPMSENSE_PREREQ) dropped
        assert_eq!(Flags::default(), Flags::NONE);
    }

    #[test]
    fn xml() {
        for (s, f) in [
            ("EQ", Flags::EQ),
            ("LT", Flags::LT),
            ("LE", Flags::LE),
            ("GT", Flags::GT),
            ("GE", Flags::GE),
            ("NE", Flags::LT | Flags::GT),
        ] {
            assert_eq!(Flags::from_xml(s), Some(f));
            assert_eq!(f.to_xml(), Some(s));
        }
        assert_eq!(Flags::from_xml("eq"), None);
        assert_eq!(Flags::from_xml(""), None);
        assert_eq!(Flags::NONE.to_xml(), None);
    }

    #[test]
    fn operators() {
        for (s, f) in [
            ("=", Flags::EQ),
            ("<", Flags::LT),
            ("<=", Flags::LE),
            (">", Flags::GT),
            (">=", Flags::GE),
            ("<>", Flags::NE),
            ("<=>", Flags::from_bits(14)),
        ] {
            assert_eq!(f.operator(), s);
            assert_eq!(f.to_string(), s);
            assert_eq!(Flags::from_operator(s), Some(f));
        }
        assert_eq!(Flags::from_operator("=="), Some(Flags::EQ));
        assert_eq!(Flags::from_operator("=<"), Some(Flags::LE));
        assert_eq!(Flags::from_operator("=>"), Some(Flags::GE));
        assert_eq!(Flags::from_operator("!="), None);
        assert_eq!(Flags::from_operator(""), None);
        assert_eq!(Flags::NONE.operator(), "");
    }

    #[test]
    fn predicates() {
        assert!(!Flags::NONE.is_versioned());
        assert!(Flags::LT.is_versioned());
        assert!(Flags::GE.contains(Flags::EQ));
        assert!(Flags::GE.contains(Flags::GT));
        assert!(!Flags::GE.contains(Flags::LT));
        assert!(Flags::EQ.contains(Flags::NONE));
    }
}
