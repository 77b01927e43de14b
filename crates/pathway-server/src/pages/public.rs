//! Pages anyone may read, with no sign-in: the start page, the councils' frameworks, each
//! council's career pathway (the ladder, pay tables, requirements, routes, learning offers
//! and a pay chart) and the councils compared by PCF level. They show the bundled
//! frameworks through the same use cases as `pathway framework show` and `framework
//! compare` (`pathway_app::viewer::public_ladder`, `pathway_app::ladder::compare`).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use pathway_app::catalog::{self, FrameworkSummary};
use pathway_app::ladder::{self, Comparison, Ladder, PointPay, StepSummary};
use pathway_app::model::{Relation, parse_iso_date};
use pathway_app::pay::PayRange;
use pathway_app::viewer;
use serde::Deserialize;

use super::chart::{PayChart, pay_chart};
use super::components::{Cell, Table};
use super::{Layout, MaybeSignedIn, PageError, render};
use crate::session::AppState;

/// "15 July 2026", as GOV.UK writes dates.
pub(crate) fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A level's pay range in words.
pub(crate) fn range_text(pay: &PayRange) -> String {
    let mut text = match (pay.min_pence, pay.max_pence) {
        (Some(min), Some(max)) if min == max => format!("{min}"),
        (Some(min), Some(max)) => format!("{min} to {max}"),
        _ => "Not published".to_owned(),
    };
    if !pay.grades.is_empty() {
        text.push_str(&format!(" ({})", pay.grades.join(", ")));
    }
    if !pay.complete && pay.min_pence.is_some() {
        text.push_str("; some figures are not published");
    }
    if pay.includes_anomaly {
        text.push_str("; includes a figure the document prints wrongly");
    }
    if pay.includes_unverified {
        text.push_str("; includes a figure not yet checked against the NJC pay spine");
    }
    text
}

/// Formatting every public page shares, reachable from its template as `self.…`.
trait Words {
    fn date(&self, date: &NaiveDate) -> String {
        long_date(*date)
    }

    fn range(&self, pay: &PayRange) -> String {
        range_text(pay)
    }

    fn sentence(&self, text: &str) -> String {
        super::sentence(text)
    }

    /// The note on the date pay is shown for, as a sentence (the page offers its own way to
    /// choose another date: `?on=YYYY-MM-DD`).
    fn pay_date_note(&self, note: &str) -> String {
        super::sentence(note)
    }
}

#[derive(Debug, Template)]
#[template(path = "pages/start.html")]
struct StartPage {
    layout: Layout,
}

/// `GET /`.
pub(crate) async fn start(MaybeSignedIn(session): MaybeSignedIn) -> Response {
    render(&StartPage { layout: Layout::new("", session.as_ref()) })
}

#[derive(Debug, Template)]
#[template(path = "pages/authorities.html")]
struct AuthoritiesPage {
    layout: Layout,
    rows: Vec<FrameworkSummary>,
}

/// `GET /authorities`: the councils whose frameworks Pathway carries.
pub(crate) async fn authorities(MaybeSignedIn(session): MaybeSignedIn) -> Response {
    let mut rows = catalog::list();
    rows.sort_by(|a, b| a.authority.cmp(&b.authority));
    render(&AuthoritiesPage { layout: Layout::new("/authorities", session.as_ref()), rows })
}

#[derive(Debug, Template)]
#[template(path = "pages/pathway.html")]
struct PathwayPage {
    layout: Layout,
    ladder: Ladder,
    chart: Option<PayChart>,
    /// The chart's figures as a table: its text alternative.
    chart_table: Table,
}

impl Words for PathwayPage {}

impl PathwayPage {
    fn point_notes(&self, point: &PointPay) -> String {
        let mut notes = Vec::new();
        if point.anomaly {
            notes.push("the document prints this figure wrongly (see below)");
        }
        if point.unverified {
            notes.push("not yet checked against the NJC pay spine");
        }
        notes.join("; ")
    }

    fn assessors(&self, step: &StepSummary) -> String {
        step.assessors
            .iter()
            .map(|(role, relation)| match relation {
                Relation::Own => format!("the worker's own {role}"),
                Relation::Independent => format!("an independent {role}"),
                Relation::Any => role.clone(),
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }

    fn months(&self, months: &[u32]) -> String {
        if months.is_empty() {
            return "Not stated".to_owned();
        }
        let listed = months.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        format!("At {listed} months")
    }
}

/// `?on=YYYY-MM-DD`: the day pay is shown for.
#[derive(Debug, Deserialize)]
pub(crate) struct OnQuery {
    on: Option<String>,
}

fn on_date(query: &OnQuery) -> Result<Option<NaiveDate>, PageError> {
    match query.on.as_deref().filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => parse_iso_date(text).map(Some).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST)),
    }
}

/// `GET /authorities/{id}?on=`: one council's career pathway.
pub(crate) async fn pathway(
    State(state): State<AppState>,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(id): Path<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Ok(Query(query)) = query else { return Err(PageError::Status(StatusCode::BAD_REQUEST)) };
    let on = on_date(&query)?;
    let ladder = viewer::public_ladder(&id, on, state.pathway.clock().today())?;
    let chart = pay_chart(&ladder);
    let chart_table = Table {
        caption: Some("Basic pay by level, as in the chart".to_owned()),
        head: vec![Cell::text("Level"), Cell::text("Grades"), Cell::number("Lowest"), Cell::number("Highest")],
        rows: ladder
            .levels
            .iter()
            .map(|level| {
                let figure = |pence: Option<pathway_app::model::Pence>| {
                    pence.map_or_else(|| "Not published".to_owned(), |p| p.to_string())
                };
                vec![
                    Cell::text(level.name.clone()),
                    Cell::text(level.pay.grades.join(", ")),
                    Cell::number(figure(level.pay.min_pence)),
                    Cell::number(figure(level.pay.max_pence)),
                ]
            })
            .collect(),
        first_cell_is_header: true,
    };
    Ok(render(&PathwayPage { layout: Layout::new("/authorities", session.as_ref()), ladder, chart, chart_table }))
}

#[derive(Debug, Template)]
#[template(path = "pages/compare.html")]
struct ComparePage {
    layout: Layout,
    /// The councils' names, in the table's column order.
    authorities: Vec<String>,
    comparison: Comparison,
}

impl Words for ComparePage {}

/// `GET /compare?on=`: every council side by side by PCF level.
pub(crate) async fn compare(
    State(state): State<AppState>,
    MaybeSignedIn(session): MaybeSignedIn,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Ok(Query(query)) = query else { return Err(PageError::Status(StatusCode::BAD_REQUEST)) };
    let on = on_date(&query)?;
    let mut frameworks = catalog::list();
    frameworks.sort_by(|a, b| a.authority.cmp(&b.authority));
    let ids: Vec<String> = frameworks.iter().map(|f| f.id.clone()).collect();
    let comparison = ladder::compare(&ids, on, state.pathway.clock().today())?;
    let authorities = frameworks.into_iter().map(|f| f.authority).collect();
    Ok(render(&ComparePage { layout: Layout::new("/compare", session.as_ref()), authorities, comparison }))
}

#[derive(Debug, Template)]
#[template(path = "pages/accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

/// `GET /accessibility`: the accessibility statement (the same as
/// docs/accessibility-statement.md).
pub(crate) async fn accessibility(MaybeSignedIn(session): MaybeSignedIn) -> Response {
    render(&AccessibilityPage { layout: Layout::new("", session.as_ref()) })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_accessibility_page_has_every_heading_of_the_statement() {
        let statement =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/accessibility-statement.md"))
                .unwrap();
        let page = AccessibilityPage { layout: Layout::new("", None) }.render().unwrap();
        let headings = statement.lines().filter(|line| line.starts_with('#'));
        for heading in headings.map(|line| line.trim_start_matches('#').trim()) {
            assert!(page.contains(heading), "the page lacks the statement's heading `{heading}`");
        }
    }

    #[test]
    fn a_pay_range_says_what_it_covers_and_what_is_missing() {
        let range = PayRange {
            grades: vec!["Band J".into()],
            min_pence: Some(pathway_app::model::Pence::pounds(40_000)),
            max_pence: Some(pathway_app::model::Pence::pounds(43_500)),
            allowances_pence: None,
            complete: false,
            includes_anomaly: false,
            includes_unverified: false,
        };
        assert_eq!(range_text(&range), "£40,000 to £43,500 (Band J); some figures are not published");
    }
}
