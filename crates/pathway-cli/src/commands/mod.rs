//! One module per command group.

pub mod account;
pub mod application;
pub mod asye;
pub mod audit;
pub mod career;
pub mod db;
pub mod due;
pub mod eligibility;
pub mod framework;
pub mod import;
pub mod legal_hold;
pub mod oidc;
pub mod organisation;
pub mod panel;
pub mod pay;
pub mod portfolio;
pub mod record;
pub mod serve;
pub mod token;

use chrono::NaiveDate;

/// Read a date argument (`YYYY-MM-DD`) with the core's one date reader.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    pathway_app::model::parse_iso_date(text).map_err(|reason| format!("`{text}` {reason}"))
}

/// Today's date, for commands whose date defaults to now.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
