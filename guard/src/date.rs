//! Calendar dates (UTC) for acknowledgement expiry and baseline records: chrono's [`NaiveDate`] with the one
//! text form guard reads and writes, `YYYY-MM-DD`, and a test override of today.

use std::fmt;

use chrono::{Datelike as _, NaiveDate, Utc};

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// A date after validating month and day.
    #[must_use]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month.into(), day.into()).map(Self)
    }

    /// Parses `YYYY-MM-DD`, with exactly these widths (chrono's `%Y-%m-%d` would also take `2024-2-9`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let mut it = s.split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today in UTC (the `GUARD_TODAY` environment variable, `YYYY-MM-DD`, overrides it for tests).
    #[must_use]
    pub fn today() -> Self {
        std::env::var("GUARD_TODAY")
            .ok()
            .and_then(|s| Self::parse(&s))
            .unwrap_or_else(|| Self(Utc::now().date_naive()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().to_string(), "1970-01-01");
        assert_eq!(Date::new(2024, 2, 29).unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::new(2027, 1, 1).unwrap().to_string(), "2027-01-01");
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::new(2026, 13, 1), None);
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse("2024-2-29"), None);
        assert!(Date::parse("2026-12-31").unwrap() > Date::parse("2026-01-31").unwrap());
    }
}
