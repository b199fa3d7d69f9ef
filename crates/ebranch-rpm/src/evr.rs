//! Epoch-version-release values: parsing, ordering and libsolv's rendering.

use std::cmp::Ordering;
use std::fmt;

use crate::vercmp::rpmvercmp;

/// A borrowed `[EPOCH:]VERSION[-RELEASE]`, split the way rpm's `parseEVR` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EvrRef<'a> {
    /// The epoch, when the text had a `:` after its leading digits
    /// (`":1.0"` gives `"0"`); `None` when the text had no epoch.
    pub epoch: Option<&'a str>,
    /// The version: what lies between the epoch and the release.
    pub version: &'a str,
    /// The text after the last `-`; `None` when there is no `-` or nothing
    /// follows it.
    pub release: Option<&'a str>,
}

impl<'a> EvrRef<'a> {
    /// Splits an EVR like rpm's `parseEVR`: the epoch is the run of leading
    /// digits when a `:` follows it (an empty epoch before `:` counts as
    /// `"0"`); the release is the text after the *last* `-`, `None` when
    /// there is no `-` or the release would be empty. Never fails and does
    /// not allocate.
    pub fn parse(s: &'a str) -> EvrRef<'a> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = if s.as_bytes().get(digits) == Some(&b':') {
            let e = if digits == 0 { "0" } else { &s[..digits] };
            (Some(e), &s[digits + 1..])
        } else {
            (None, s)
        };
        match rest.rfind('-') {
            Some(i) => {
                let r = &rest[i + 1..];
                EvrRef {
                    epoch,
                    version: &rest[..i],
                    release: (!r.is_empty()).then_some(r),
                }
            }
            None => EvrRef {
                epoch,
                version: rest,
                release: None,
            },
        }
    }

    /// True for the EVR of the empty string (no epoch, empty version, no
    /// release); rpm treats such an EVR as matching anything.
    pub fn is_empty(&self) -> bool {
        self.epoch.is_none() && self.version.is_empty() && self.release.is_none()
    }

    /// The epoch with an empty one treated as missing.
    #[inline]
    pub(crate) fn epoch_nonempty(&self) -> Option<&'a str> {
        self.epoch.filter(|e| !e.is_empty())
    }

    /// The release with an empty one treated as missing.
    #[inline]
    pub(crate) fn release_nonempty(&self) -> Option<&'a str> {
        self.release.filter(|r| !r.is_empty())
    }
}

/// Writes `E:V-R`, leaving out the parts that are `None`.
impl fmt::Display for EvrRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = self.epoch {
            write!(f, "{e}:")?;
        }
        f.write_str(self.version)?;
        if let Some(r) = self.release {
            write!(f, "-{r}")?;
        }
        Ok(())
    }
}

/// Orders two EVRs like rpm's `rpmverCmp` (package ordering): a missing
/// epoch counts as `"0"`; epochs, versions and releases are compared with
/// [`rpmvercmp`]; when only one side has a release, that side is greater.
/// Does not allocate.
pub fn compare_evr(a: EvrRef, b: EvrRef) -> Ordering {
    let ea = a.epoch_nonempty().unwrap_or("0");
    let eb = b.epoch_nonempty().unwrap_or("0");
    rpmvercmp(ea, eb)
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release_nonempty(), b.release_nonempty()) {
            (None, None) => Ordering::Equal,
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
        })
}

/// Renders an EVR from rpm-md `epoch`/`ver`/`rel` attributes the way libsolv
/// does: `E:V-R`, the epoch left out when empty or `"0"`, `-R` left out when
/// the release is empty. As in libsolv, an epoch of `0:` is kept when the
/// version itself starts with `digits:` (so that re-parsing gives the same
/// version).
pub fn format_evr(epoch: &str, version: &str, release: &str) -> String {
    let release = (!release.is_empty()).then_some(release);
    format_evr_attrs(Some(epoch), Some(version), release).unwrap_or_default()
}

/// libsolv's exact rendering of optional rpm-md `epoch`/`ver`/`rel`
/// attributes (`makeevr_atts`): like [`format_evr`], except that a release
/// attribute that is present but empty still adds the `-` (libsolv prints
/// `4-`), and an all-empty result is `None` (libsolv treats the dependency as
/// unversioned).
pub fn format_evr_attrs(
    epoch: Option<&str>,
    version: Option<&str>,
    release: Option<&str>,
) -> Option<String> {
    let mut epoch = epoch.filter(|e| !e.is_empty() && *e != "0");
    if let (None, Some(v)) = (epoch, version) {
        let digits = v.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && v.as_bytes().get(digits) == Some(&b':') {
            epoch = Some("0");
        }
    }
    let mut out = String::with_capacity(
        epoch.map_or(0, |e| e.len() + 1)
            + version.map_or(0, str::len)
            + release.map_or(0, |r| r.len() + 1),
    );
    if let Some(e) = epoch {
        out.push_str(e);
        out.push(':');
    }
    if let Some(v) = version {
        out.push_str(v);
    }
    if let Some(r) = release {
        out.push('-');
        out.push_str(r);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evr<'a>(e: Option<&'a str>, v: &'a str, r: Option<&'a str>) -> EvrRef<'a> {
        EvrRef {
            epoch: e,
            version: v,
            release: r,
        }
    }

    #[test]
    fn parse_forms() {
        assert_eq!(EvrRef::parse("1.2"), evr(None, "1.2", None));
        assert_eq!(EvrRef::parse("1.2-3"), evr(None, "1.2", Some("3")));
        assert_eq!(
            EvrRef::parse("2:1.2-3.fc40"),
            evr(Some("2"), "1.2", Some("3.fc40"))
        );
        assert_eq!(EvrRef::parse("0:1.2"), evr(Some("0"), "1.2", None));
        assert_eq!(EvrRef::parse(":1.2"), evr(Some("0"), "1.2", None));
        assert_eq!(EvrRef::parse("1.2-"), evr(None, "1.2", None));
        // The release follows the last '-'.
        assert_eq!(EvrRef::parse("1-2-3"), evr(None, "1-2", Some("3")));
        // The epoch must be all digits; otherwise the ':' is part of the version.
        assert_eq!(EvrRef::parse("a:1"), evr(None, "a:1", None));
        assert_eq!(EvrRef::parse("1a:1"), evr(None, "1a:1", None));
        assert_eq!(EvrRef::parse("1:2:3"), evr(Some("1"), "2:3", None));
        assert_eq!(EvrRef::parse(""), evr(None, "", None));
        assert!(EvrRef::parse("").is_empty());
        assert!(!EvrRef::parse(":").is_empty());
        assert_eq!(EvrRef::parse("-1"), evr(None, "", Some("1")));
    }

    #[test]
    fn display_round_trip() {
        for s in ["1.2", "1:1.2", "1:1.2-3", "1.2-3", "", "0:1"] {
            assert_eq!(EvrRef::parse(s).to_string(), s);
        }
    }

    #[test]
    fn ordering() {
        let c = |a, b| compare_evr(EvrRef::parse(a), EvrRef::parse(b));
        assert_eq!(c("1.0", "1.0"), Ordering::Equal);
        assert_eq!(c("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(c("1:1.0", "2.0"), Ordering::Greater);
        assert_eq!(c("1.0-1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0", "1.0-1"), Ordering::Less);
        assert_eq!(c("1.0-2", "1.0-10"), Ordering::Less);
        assert_eq!(c("1.0~rc1-5", "1.0-1"), Ordering::Less);
        assert_eq!(c("2.0-1", "1.9-9"), Ordering::Greater);
        assert_eq!(c("00:1", "0:1"), Ordering::Equal);
    }

    #[test]
    fn libsolv_rendering() {
        assert_eq!(format_evr("", "1.2", "3.fc40"), "1.2-3.fc40");
        assert_eq!(format_evr("0", "1.2", "3"), "1.2-3");
        assert_eq!(format_evr("2", "1.2", "3"), "2:1.2-3");
        assert_eq!(format_evr("2", "1.2", ""), "2:1.2");
        assert_eq!(format_evr("", "1.2", ""), "1.2");
        assert_eq!(format_evr("00", "1.2", ""), "00:1.2");
        assert_eq!(format_evr("", "1:2", ""), "0:1:2");
        assert_eq!(format_evr("", "", ""), "");
        assert_eq!(
            format_evr_attrs(Some("0"), Some("4"), Some("")),
            Some("4-".to_owned())
        );
        assert_eq!(format_evr_attrs(None, None, None), None);
        assert_eq!(
            format_evr_attrs(None, Some("1.0"), None),
            Some("1.0".to_owned())
        );
        // What the index stores re-parses to the same parts.
        let s = format_evr("3", "1.2", "4");
        assert_eq!(EvrRef::parse(&s), evr(Some("3"), "1.2", Some("4")));
    }
}
