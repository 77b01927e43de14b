//! The team manager's "My team": the workforce eligibility report over the workers the
//! signed-in person may see, grouped as the report groups them (eligible now, with those
//! stuck for a year or more marked; upcoming with their dates; later; needs a manager's
//! judgement; when a post is advertised; blocked). The same use case the API's
//! `GET .../reports/eligibility` calls (`viewer_workforce_report`), so who appears is the
//! app's rule (line management on today's date), not the page's. The viewer's own lines are
//! left out: they are on "My progression".

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pathway_app::model::{ReportLine, WorkforceReport};
use pathway_app::viewer::Viewer;

use super::components::{Cell, Table};
use super::public::long_date;
use super::{Layout, PageError, SignedInPage, render, sentence};
use crate::session::{AppState, ClientAddress};

/// How far ahead "upcoming" looks on the page, in months (the API's default).
const WITHIN_MONTHS: u32 = 6;

/// A group's own column: its heading and what it says of a line.
type ExtraColumn = (&'static str, fn(&ReportLine) -> String);

/// One group of the report, as a table under its heading.
#[derive(Debug)]
struct Group {
    heading: String,
    explanation: &'static str,
    table: Table,
}

#[derive(Debug, Template)]
#[template(path = "pages/team.html")]
struct TeamPage {
    layout: Layout,
    authority: String,
    as_of: String,
    workers: usize,
    groups: Vec<Group>,
}

fn person(line: &ReportLine) -> Cell {
    Cell::text(format!("{} ({})", line.worker.name, line.worker.employee_number))
}

fn team_cell(line: &ReportLine) -> Cell {
    Cell::text(line.worker.team.clone().or_else(|| line.worker.locality.clone()).unwrap_or_else(|| "No team".into()))
}

fn route(line: &ReportLine) -> Cell {
    Cell::text(format!("To {}", line.to_level))
}

fn group(heading: &str, explanation: &'static str, lines: &[&ReportLine], extra: Option<ExtraColumn>) -> Option<Group> {
    if lines.is_empty() {
        return None;
    }
    let mut head = vec![Cell::text("Worker"), Cell::text("Team"), Cell::text("Level"), Cell::text("Route to")];
    if let Some((title, _)) = extra {
        head.push(Cell::text(title));
    }
    head.push(Cell::text("Why"));
    let rows = lines
        .iter()
        .map(|line| {
            let mut row = vec![person(line), team_cell(line), Cell::text(line.level.clone()), route(line)];
            if let Some((_, cell)) = extra {
                row.push(Cell::text(cell(line)));
            }
            row.push(Cell::text(sentence(&line.summary)));
            row
        })
        .collect();
    Some(Group {
        heading: format!("{heading} ({})", lines.len()),
        explanation,
        table: Table { caption: None, head, rows, first_cell_is_header: true },
    })
}

fn stuck(line: &ReportLine) -> String {
    match (line.stuck, line.eligible_from) {
        (true, Some(from)) => format!("Stuck: eligible since {} with no application", long_date(from)),
        (true, None) => "Stuck: eligible a year or more with no application".into(),
        (false, Some(from)) => format!("Since {}", long_date(from)),
        (false, None) => "Yes".into(),
    }
}

fn eligible_from(line: &ReportLine) -> String {
    line.eligible_from.map(long_date).unwrap_or_else(|| "No date on record".into())
}

fn others<'a>(own: &str, lines: &'a [ReportLine]) -> Vec<&'a ReportLine> {
    lines.iter().filter(|line| line.worker.employee_number != own).collect()
}

fn groups(report: &WorkforceReport, own: &str) -> Vec<Group> {
    [
        group(
            "Eligible now",
            "Every essential criterion is met: they can apply now. Those eligible for a year or more with no application under way are marked stuck.",
            &others(own, &report.eligible_now),
            Some(("Eligible", stuck)),
        ),
        group(
            "Eligible soon",
            "They become eligible within six months, on the date the records give.",
            &others(own, &report.upcoming),
            Some(("Eligible from", eligible_from)),
        ),
        group(
            "Needs a manager's judgement",
            "Everything the records can settle is met; what is left is for a manager to judge.",
            &others(own, &report.needs_judgement),
            None,
        ),
        group(
            "Can apply when a post is advertised",
            "The route is recruitment to a vacancy and the criteria are met.",
            &others(own, &report.when_advertised),
            None,
        ),
        group(
            "Blocked",
            "Something stands in the way that will not resolve by itself.",
            &others(own, &report.blocked),
            None,
        ),
        group(
            "Later",
            "Not yet eligible, and not within six months (or on no date the records give).",
            &others(own, &report.later),
            Some(("Eligible from", eligible_from)),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `GET /team`: the eligibility of the people the signed-in person manages.
pub(crate) async fn team(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
) -> Result<Response, PageError> {
    let me = state.pathway.me(&session.account).await?;
    let viewer = Viewer { account: session.account.clone(), may_write: false, from };
    let report = state.pathway.viewer_workforce_report(&viewer, &me.authority.id, WITHIN_MONTHS).await?;
    let own = me.person.employee_number.as_str();
    let groups = groups(&report, own);
    let mut seen: Vec<&str> = [
        &report.eligible_now,
        &report.upcoming,
        &report.later,
        &report.needs_judgement,
        &report.when_advertised,
        &report.blocked,
    ]
    .into_iter()
    .flatten()
    .map(|line| line.worker.employee_number.as_str())
    .filter(|number| *number != own)
    .collect();
    seen.sort_unstable();
    seen.dedup();
    let page = TeamPage {
        layout: Layout::new("/team", Some(&session)),
        authority: me.authority.name,
        as_of: long_date(report.today),
        workers: seen.len(),
        groups,
    };
    Ok(render(&page))
}
