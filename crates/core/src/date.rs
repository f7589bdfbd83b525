//! Calendar dates (proleptic Gregorian), times, and relative date bounds (`today-18y`).

use std::fmt;

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year (1–9999 for answers).
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// A date if the parts form a real calendar day.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Parse `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
    pub fn parse_iso(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&text[0..4])?;
        let month = digits(&text[5..7])?;
        let day = digits(&text[8..10])?;
        Date::new(year as i32, month, day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant, "days_from_civil".
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Add months, clamping the day to the end of the target month (31 Jan + 1m = 28/29 Feb).
    pub fn add_months(self, months: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = total.div_euclid(12) as i32;
        let month = total.rem_euclid(12) as u32 + 1;
        Date { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// Add days.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }
}

/// JSON: `"YYYY-MM-DD"`.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse_iso(&text).ok_or_else(|| serde::de::Error::custom(format!("\"{text}\" is not a date (YYYY-MM-DD)")))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whether a year is a leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A date bound: an absolute date, or today shifted by whole years, months and days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateBound {
    /// A fixed date.
    Absolute(Date),
    /// Today plus the offsets (negative for the past).
    Relative {
        /// Years to add.
        years: i64,
        /// Months to add.
        months: i64,
        /// Days to add.
        days: i64,
    },
}

impl DateBound {
    /// Parse `YYYY-MM-DD`, `today`, or `today` followed by signed offsets such as `-18y`,
    /// `+1m`, `-30d` (several may follow each other: `today-1y+2d`).
    pub fn parse(text: &str) -> Option<DateBound> {
        let Some(mut rest) = text.strip_prefix("today") else {
            return Date::parse_iso(text).map(DateBound::Absolute);
        };
        let (mut years, mut months, mut days) = (0i64, 0i64, 0i64);
        while !rest.is_empty() {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let end = rest[1..].find(|c: char| !c.is_ascii_digit())? + 1;
            let amount: i64 = rest[1..end].parse().ok().filter(|n| *n <= 10_000)?;
            let unit = rest[end..].chars().next()?;
            match unit {
                'y' => years += sign * amount,
                'm' => months += sign * amount,
                'd' => days += sign * amount,
                _ => return None,
            }
            rest = &rest[end + 1..];
        }
        Some(DateBound::Relative { years, months, days })
    }

    /// The concrete date for a given today.
    pub fn resolve(self, today: Date) -> Date {
        match self {
            DateBound::Absolute(date) => date,
            DateBound::Relative { years, months, days } => today.add_months(years * 12 + months).add_days(days),
        }
    }
}

/// A time as citizens type it, written the one way answers keep it: `9.30`, `930`, `9:30`,
/// `9` → `09:30` / `09:00`; `None` for anything that is not a time of day.
pub fn tidy_time(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.') {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match (text.split_once([':', '.']), digits.len()) {
        (Some((h, m)), _) => (h.trim().parse::<u32>().ok()?, m.trim().parse::<u32>().ok()?),
        (None, 3) => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        (None, 4) => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        (None, 1 | 2) => (digits.parse().ok()?, 0),
        _ => return None,
    };
    let tidy = format!("{h:02}:{m:02}");
    parse_time(&tidy).map(|_| tidy)
}

/// A time of day, `HH:MM` (24 hours).
pub fn parse_time(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (digits(h)?, digits(m)?);
    (h < 24 && m < 60).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_tidied_the_way_citizens_type_them() {
        for (typed, tidy) in [
            ("930", "09:30"),
            ("9.30", "09:30"),
            ("9:30", "09:30"),
            ("1415", "14:15"),
            ("9", "09:00"),
            (" 23:59 ", "23:59"),
        ] {
            assert_eq!(tidy_time(typed).as_deref(), Some(tidy), "{typed}");
        }
        for typed in ["2460", "24:00", "9:60", "abc", "9-30", "", "12345", "9:3:0"] {
            assert_eq!(tidy_time(typed), None, "{typed}");
        }
    }

    #[test]
    fn days_round_trip_across_eras() {
        for days in [-800_000, -1, 0, 1, 59, 365 * 30, 2_000_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().to_days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().to_days(), 11_017);
    }

    #[test]
    fn calendar_validity() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::parse_iso("2024-1-01").is_none());
        assert_eq!(Date::parse_iso("2024-12-31"), Date::new(2024, 12, 31));
    }

    #[test]
    fn relative_bounds() {
        let today = Date::new(2026, 11, 28).unwrap();
        let b = DateBound::parse("today-18y").unwrap();
        assert_eq!(b.resolve(today).to_string(), "2008-11-28");
        assert_eq!(DateBound::parse("today").unwrap().resolve(today), today);
        assert_eq!(DateBound::parse("today+1m-1d").unwrap().resolve(today).to_string(), "2026-12-27");
        let leap = Date::new(2024, 2, 29).unwrap();
        assert_eq!(DateBound::parse("today+1y").unwrap().resolve(leap).to_string(), "2025-02-28");
        for bad in ["tomorrow", "today-18", "today18y", "today-18w", "2024-02-30", "today-99999y"] {
            assert!(DateBound::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("07:05"), Some((7, 5)));
        assert_eq!(parse_time("23:59"), Some((23, 59)));
        for bad in ["24:00", "7:05", "07:60", "0705", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
