//! One module per command group.

pub mod application;
pub mod asye;
pub mod db;
pub mod eligibility;
pub mod framework;
pub mod import;
pub mod panel;
pub mod pay;
pub mod portfolio;

use chrono::NaiveDate;

/// Parse a `YYYY-MM-DD` argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write YYYY-MM-DD, e.g. 2025-04-01"))
}

/// Today's date, for commands whose date defaults to now.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
