//! The server's clock: where every date and timestamp the server makes comes from — "today"
//! for validation, `receivedAt`, the retention of unclaimed uploads.
//!
//! In production it is the system clock. For tests only (`--test-only-today`), it starts on a
//! given day at 12:00 UTC and runs on from there, so a test suite can fix the browser's and the
//! server's date to the same day (docs/testing.md).

use std::time::Instant;

use antrag_core::Date;
use time::OffsetDateTime;

/// The server's clock.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// For tests only: the time at `started`, instead of the system's.
    test_only: Option<(OffsetDateTime, Instant)>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { test_only: None }
    }

    /// TESTS ONLY: a clock that reads `day`, 12:00 UTC, now, and runs on from there. Noon keeps
    /// a test run far from midnight in every time zone from UTC−11 to UTC+11 and keeps the
    /// server's date equal to `day` for twelve hours.
    pub fn test_only_from(day: Date) -> Clock {
        let start = time::Date::from_calendar_date(day.year, month(day.month), day.day as u8)
            .expect("antrag_core::Date is a real calendar day")
            .with_hms(12, 0, 0)
            .expect("noon exists")
            .assume_utc();
        Clock { test_only: Some((start, Instant::now())) }
    }

    /// The day a test-only clock started on; `None` for the system clock.
    pub fn test_only_day(&self) -> Option<Date> {
        self.test_only.map(|(start, _)| to_date(start))
    }

    /// The current time (UTC).
    pub fn now(&self) -> OffsetDateTime {
        match self.test_only {
            None => OffsetDateTime::now_utc(),
            Some((start, started)) => start + started.elapsed(),
        }
    }

    /// Today's date (UTC).
    pub fn today(&self) -> Date {
        to_date(self.now())
    }

    /// The current time as RFC 3339, seconds precision (`2026-11-28T12:00:00Z`).
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }

    /// The date validation uses for a request: the client's date when it is within a day of
    /// the server's (the citizen's time zone), otherwise the server's.
    pub fn request_today(&self, client: Option<&str>) -> Date {
        let server = self.today();
        match client.and_then(Date::parse_iso) {
            Some(c) if (c.to_days() - server.to_days()).abs() <= 1 => c,
            _ => server,
        }
    }
}

/// A time as RFC 3339, seconds precision.
pub fn rfc3339(time: OffsetDateTime) -> String {
    let time = time.replace_nanosecond(0).unwrap_or(time);
    time.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn to_date(time: OffsetDateTime) -> Date {
    Date { year: time.year(), month: u32::from(u8::from(time.month())), day: u32::from(time.day()) }
}

fn month(number: u32) -> time::Month {
    time::Month::try_from(number as u8).expect("antrag_core::Date has a month 1-12")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_only_clock_starts_on_its_day_at_noon_and_runs() {
        let day = Date::new(2031, 12, 31).unwrap();
        let clock = Clock::test_only_from(day);
        assert_eq!(clock.today(), day);
        assert_eq!(clock.test_only_day(), Some(day));
        assert!(clock.now_rfc3339().starts_with("2031-12-31T12:00:0"), "{}", clock.now_rfc3339());
        let before = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(clock.now() > before);
        assert_eq!(Clock::system().test_only_day(), None);
    }

    #[test]
    fn the_clients_date_counts_within_one_day() {
        let clock = Clock::test_only_from(Date::new(2029, 2, 28).unwrap());
        assert_eq!(clock.request_today(Some("2029-03-01")), Date::new(2029, 3, 1).unwrap());
        assert_eq!(clock.request_today(Some("2029-02-27")), Date::new(2029, 2, 27).unwrap());
        assert_eq!(clock.request_today(Some("2029-03-02")), Date::new(2029, 2, 28).unwrap());
        assert_eq!(clock.request_today(Some("not a date")), Date::new(2029, 2, 28).unwrap());
        assert_eq!(clock.request_today(None), Date::new(2029, 2, 28).unwrap());
    }
}
