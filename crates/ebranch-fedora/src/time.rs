//! UTC timestamps as seconds since the epoch, parsed from the services' date strings.

use std::fmt;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A UTC instant with one-second precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time. Only callers outside the decision code should use this.
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self(secs)
    }

    /// Parse `YYYY-MM-DDTHH:MM:SS[Z]` (Bugzilla) or `YYYY-MM-DD HH:MM:SS` (Bodhi).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches('Z');
        let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00"));
        let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let time = time.split(['.', '+']).next().unwrap_or("");
        let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
        let (hh, mm, ss) = (t.next()??, t.next()??, t.next().unwrap_or(Some(0))?);
        let valid = (1..=12).contains(&m)
            && (1..=31).contains(&day)
            && (0..24).contains(&hh)
            && (0..60).contains(&mm)
            && (0..=60).contains(&ss);
        valid.then(|| Self(days_from_civil(y, m, day) * DAY + hh * 3600 + mm * 60 + ss))
    }

    /// This instant plus `days` days.
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0 + days * DAY)
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).div_euclid(DAY)
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 with `Z`, e.g. `2025-01-31T12:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(DAY);
        let secs = self.0.rem_euclid(DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
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

/// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bugzilla_and_bodhi_forms() {
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z"), Some(Timestamp(0)));
        assert_eq!(
            Timestamp::parse("2000-03-01T00:00:01Z"),
            Some(Timestamp(951_868_801))
        );
        assert_eq!(
            Timestamp::parse("2017-02-13 17:38:43"),
            Timestamp::parse("2017-02-13T17:38:43Z")
        );
        assert_eq!(Timestamp::parse("2024-02-30x"), None);
        assert_eq!(Timestamp::parse("garbage"), None);
    }

    #[test]
    fn round_trips_through_display() {
        for text in [
            "2024-02-29T23:59:59Z",
            "1999-12-31T00:00:00Z",
            "2100-03-01T12:30:00Z",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn day_arithmetic() {
        let t = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(t.plus_days(7).to_string(), "2025-01-08T00:00:00Z");
        assert_eq!(t.plus_days(7).days_since(t), 7);
        assert_eq!(Timestamp(t.0 + 3600).days_since(t), 0);
    }
}
