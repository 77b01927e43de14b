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

/// Read a date argument with the same reader imports use (`YYYY-MM-DD` or `DD/MM/YYYY`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    pathway_app::model::parse_date(text).map_err(|reason| format!("`{text}` {reason}"))
}

/// Today's date, for commands whose date defaults to now.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
