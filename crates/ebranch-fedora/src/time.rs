//! UTC instants with one-second precision, on `jiff`: parsed from the services' date
//! strings and from the user's `--as-of`, compared and moved by whole days.
//!
//! Every timestamp of this crate goes through here, so the calendar rules are jiff's:
//! `2026-02-30` is not a date, `+02:00` is an offset from UTC, and arithmetic past
//! jiff's range (years -9999 to 9999) is an error or saturates, never wraps.

use std::fmt;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;

/// Seconds in a day (a UTC day: no time zone, no daylight saving).
pub const DAY: i64 = 86_400;

/// A UTC instant with one-second precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(jiff::Timestamp);

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(jiff::Timestamp::UNIX_EPOCH);

    /// The current time. Only callers outside the decision code should use this.
    pub fn now() -> Self {
        Self::whole_seconds(jiff::Timestamp::now())
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z; `None` outside jiff's range.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        jiff::Timestamp::from_second(seconds).ok().map(Self)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(self) -> i64 {
        self.0.as_second()
    }

    /// Parse the forms the services and users write, fractions of a second dropped:
    /// - `2025-01-31T12:00:00Z`, `2025-01-31T14:00:00+02:00` (Bugzilla, RFC 3339: the
    ///   offset is honoured; a space may replace the `T`),
    /// - `2017-02-13 17:38:43` (Bodhi: no offset, UTC),
    /// - `2025-01-31` (midnight UTC).
    ///
    /// Dates that do not exist (`2026-02-30`) and trailing text are refused.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(instant) = text.parse::<jiff::Timestamp>() {
            return Some(Self::whole_seconds(instant));
        }
        // Without an offset, only plain date-times and dates: a civil parse would ignore
        // an offset or a time zone annotation that the instant parse refused above.
        if text.contains(['+', 'Z', 'z', '[']) || text.rfind('-').is_some_and(|i| i > 10) {
            return None;
        }
        let civil = match text.parse::<DateTime>() {
            Ok(dt) => dt,
            Err(_) => text
                .parse::<Date>()
                .ok()?
                .to_datetime(jiff::civil::Time::midnight()),
        };
        Offset::UTC
            .to_timestamp(civil)
            .ok()
            .map(Self::whole_seconds)
    }

    /// This instant plus `days` days; `None` past the range of dates.
    pub fn checked_plus_days(self, days: i64) -> Option<Self> {
        let seconds = days.checked_mul(DAY)?;
        self.0
            .checked_add(SignedDuration::from_secs(seconds))
            .ok()
            .map(Self)
    }

    /// This instant plus `days` days, held at the ends of the range of dates (a due date
    /// past year 9999 is never reached; one before year -9999 always is).
    pub fn plus_days(self, days: i64) -> Self {
        self.checked_plus_days(days).unwrap_or(if days < 0 {
            Self(jiff::Timestamp::MIN)
        } else {
            Self(jiff::Timestamp::MAX)
        })
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Timestamp) -> i64 {
        (self.unix_seconds() - earlier.unix_seconds()).div_euclid(DAY)
    }

    fn whole_seconds(instant: jiff::Timestamp) -> Self {
        // In range: the same second as an instant jiff already holds.
        Self(jiff::Timestamp::from_second(instant.as_second()).unwrap_or(instant))
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 in UTC with `Z`, e.g. `2025-01-31T12:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a timestamp: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    #[test]
    fn parses_bugzilla_and_bodhi_forms() {
        assert_eq!(t("1970-01-01T00:00:00Z"), Timestamp::UNIX_EPOCH);
        assert_eq!(t("2000-03-01T00:00:01Z").unix_seconds(), 951_868_801);
        assert_eq!(t("2017-02-13 17:38:43"), t("2017-02-13T17:38:43Z"));
        assert_eq!(t("2017-02-13"), t("2017-02-13T00:00:00Z"));
        assert_eq!(t("2017-02-13T17:38:43.999Z"), t("2017-02-13T17:38:43Z"));
        assert_eq!(Timestamp::parse("2024-02-30x"), None);
        assert_eq!(Timestamp::parse("garbage"), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2026-02-30",
            "2026-02-30T00:00:00Z",
            "2025-02-29 00:00:00",
            "2026-13-01",
            "2026-04-31T12:00:00Z",
            "2026-01-01T24:00:01Z",
            "",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad:?}");
        }
        assert_eq!(t("2024-02-29").to_string(), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn offsets_are_honoured() {
        assert_eq!(t("2026-01-05T09:00:00+02:00"), t("2026-01-05T07:00:00Z"));
        assert_eq!(t("2026-01-05T09:00:00-05:30"), t("2026-01-05T14:30:00Z"));
        assert_eq!(t("2026-01-05 09:00:00+02:00"), t("2026-01-05T07:00:00Z"));
        // A time zone name alone is not an offset: refused rather than read as UTC.
        assert_eq!(Timestamp::parse("2026-01-05T09:00:00[Europe/Paris]"), None);
    }

    #[test]
    fn round_trips_through_display() {
        for text in [
            "2024-02-29T23:59:59Z",
            "1999-12-31T00:00:00Z",
            "2100-03-01T12:30:00Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(t(text).to_string(), text);
        }
    }

    #[test]
    fn day_arithmetic() {
        let start = t("2025-01-01T00:00:00Z");
        assert_eq!(start.plus_days(7).to_string(), "2025-01-08T00:00:00Z");
        assert_eq!(start.plus_days(7).days_since(start), 7);
        assert_eq!(
            Timestamp::from_unix_seconds(start.unix_seconds() + 3600)
                .unwrap()
                .days_since(start),
            0
        );
    }

    #[test]
    fn far_days_never_wrap_around() {
        let now = t("2026-01-05T09:00:00Z");
        // Far in the past stays in the past (it used to wrap to a date in the future).
        for days in [-200_000_000_000_000, i64::MIN, -5_000_000] {
            assert!(now.plus_days(days) < now, "{days}");
        }
        for days in [200_000_000_000_000, i64::MAX, 5_000_000] {
            assert!(now.plus_days(days) > now, "{days}");
        }
        assert!(t("0001-01-01") < now);
        assert_eq!(Timestamp::parse("99999999999999-01-01"), None);
    }

    #[test]
    fn checked_days_say_when_out_of_range() {
        let now = t("2026-01-05T09:00:00Z");
        for days in [
            -200_000_000_000_000,
            i64::MIN,
            -5_000_000,
            5_000_000,
            i64::MAX,
        ] {
            assert_eq!(now.checked_plus_days(days), None, "{days}");
        }
        assert_eq!(now.checked_plus_days(-3), Some(t("2026-01-02T09:00:00Z")));
    }
}
