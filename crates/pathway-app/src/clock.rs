//! The time every action is recorded at. Front ends never say when something happened:
//! the use cases read this clock. It is the system's clock, unless configuration fixes it
//! (`clock = "2025-06-12T10:00:00Z"` or `PATHWAY_CLOCK`) for a training copy or a scripted
//! test, which every command then says out loud ([`Clock::warning`]).

use chrono::{DateTime, NaiveDate, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system's clock.
    #[default]
    System,
    /// A clock stopped at this time, set by configuration.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Today's date (UTC, the day actions are dated by).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Read a clock setting: `system`, an RFC 3339 time, or a date (midday UTC that day).
    pub fn parse(text: &str) -> Result<Clock, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("system") {
            return Ok(Clock::System);
        }
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Clock::Fixed(at.with_timezone(&Utc)));
        }
        pathway_core::text::parse_date(text)
            .ok()
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| Clock::Fixed(t.and_utc()))
            .ok_or_else(|| {
                format!("`{text}` is not a clock: write `system`, a time like 2025-06-12T10:00:00Z, or a date")
            })
    }

    /// What to tell whoever runs a command under a fixed clock; None on the system clock.
    pub fn warning(&self) -> Option<String> {
        match self {
            Clock::System => None,
            Clock::Fixed(at) => Some(format!(
                "the clock is fixed at {} by configuration (`clock` / PATHWAY_CLOCK): every action is recorded at \
                 that time; use this for training copies and scripted tests only",
                at.to_rfc3339()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_setting_is_system_a_time_or_a_date() {
        assert_eq!(Clock::parse("system"), Ok(Clock::System));
        let fixed = Clock::parse("2025-06-12T10:00:00+01:00").unwrap();
        assert_eq!(fixed.now().to_rfc3339(), "2025-06-12T09:00:00+00:00");
        assert_eq!(Clock::parse("12/06/2025").unwrap().today(), NaiveDate::from_ymd_opt(2025, 6, 12).unwrap());
        assert!(Clock::parse("next tuesday").unwrap_err().contains("not a clock"));
        assert!(Clock::System.warning().is_none());
        assert!(fixed.warning().unwrap().contains("2025-06-12T09:00:00"));
    }
}
