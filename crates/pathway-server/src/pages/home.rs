//! The signed-in social worker's own page: where they are today (level, grade, point,
//! salary, next increment) and every route out of their level with its eligibility, the
//! reasons, and the earliest date. Their own record only: the page asks the viewer use
//! cases for the signed-in person's employee number, the same ones the API's
//! `/workers/{employee_number}` and `/eligibility` endpoints call, which refuse anyone else's.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pathway_app::model::{CriterionStatus, NextIncrement, RouteEligibility, RouteStatus};
use pathway_app::viewer::{Viewer, WorkerDetail};

use super::components::{Cell, SummaryList, Table, Tag};
use super::public::long_date;
use super::{Layout, PageError, SignedInPage, render};
use crate::session::{AppState, ClientAddress};

/// A route as the page shows it.
#[derive(Debug)]
struct RouteView {
    name: String,
    to_level: String,
    status: String,
    summary: String,
    earliest: Option<String>,
    criteria: Table,
}

#[derive(Debug, Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    authority: String,
    /// The level's printed name, when one is on record today.
    level: Option<String>,
    today: SummaryList,
    pay_notes: Vec<String>,
    routes: Vec<RouteView>,
}

fn status_tag(status: RouteStatus) -> String {
    let (text, colour) = match status {
        RouteStatus::Eligible => ("Eligible now", Some("green")),
        RouteStatus::NotYet => ("Not yet", Some("yellow")),
        RouteStatus::NeedsJudgement => ("Needs your manager's judgement", Some("blue")),
        RouteStatus::ApplyWhenAdvertised => ("Apply when a post is advertised", Some("purple")),
        RouteStatus::Blocked => ("Blocked", Some("red")),
    };
    Tag { text, colour }.render().unwrap_or_else(|_| text.to_owned())
}

fn criterion_status(status: CriterionStatus) -> &'static str {
    match status {
        CriterionStatus::Met => "Met",
        CriterionStatus::NotMet => "Not met",
        CriterionStatus::Unknown => "Not yet known",
    }
}

fn route_view(route: &RouteEligibility) -> RouteView {
    RouteView {
        name: route.route_name.clone(),
        to_level: route.to_level_name.clone(),
        status: status_tag(route.status),
        summary: route.summary.clone(),
        earliest: route.eligible_from.map(long_date),
        criteria: Table {
            caption: None,
            head: vec![Cell::text("Criterion"), Cell::text("Status"), Cell::text("Why")],
            rows: route
                .criteria
                .iter()
                .map(|criterion| {
                    let text = if criterion.essential {
                        criterion.text.clone()
                    } else {
                        format!("{} (desirable)", criterion.text)
                    };
                    let mut why = criterion.explanation.clone();
                    if let Some(met_on) = criterion.met_on {
                        why.push_str(&format!(
                            " ({} {})",
                            if criterion.status == CriterionStatus::Met { "met on" } else { "met from" },
                            long_date(met_on)
                        ));
                    }
                    vec![Cell::text(text), Cell::text(criterion_status(criterion.status)), Cell::text(why)]
                })
                .collect(),
            first_cell_is_header: true,
        },
    }
}

fn next_increment_text(next: &NextIncrement) -> String {
    match next {
        NextIncrement::AtTop => "None: you are at the top of your grade".to_owned(),
        NextIncrement::Due { date, to_point, assumed, .. } => {
            let mut text = format!("To point {to_point} on {}", long_date(*date));
            if *assumed {
                text.push_str(" (the document states no increment date; this follows the date Pathway assumes)");
            }
            text
        }
        NextIncrement::Held { date, to_point, hold, .. } => {
            format!("The increment to point {to_point} on {} is not applied: it is {hold}", long_date(*date))
        }
        NextIncrement::NoRule => "Your council's framework states no increment rule".to_owned(),
        NextIncrement::NotPublished { reason } => super::sentence(reason),
    }
}

/// Level, grade and point by the names the framework prints (the record holds their ids),
/// the salary and the next increment.
fn today_rows(worker: &WorkerDetail, level_name: Option<&str>) -> (SummaryList, Vec<String>) {
    let unrecorded = || "Not recorded".to_owned();
    let level = level_name.map(str::to_owned).or_else(|| worker.level.clone());
    let grade = worker.salary.as_ref().map(|salary| salary.grade.clone()).or_else(|| worker.grade.clone());
    let mut rows = vec![
        ("Level".to_owned(), level.unwrap_or_else(unrecorded)),
        ("Grade".to_owned(), grade.unwrap_or_else(unrecorded)),
        ("Point".to_owned(), worker.point.clone().unwrap_or_else(unrecorded)),
    ];
    let mut notes = Vec::new();
    if let Some(salary) = &worker.salary {
        let mut basic = salary.basic.to_string();
        if let Some(year) = &salary.pay_year {
            basic.push_str(&format!(" a year ({year})"));
        }
        rows.push(("Basic salary".to_owned(), basic));
        if let Some(total) = salary.total_annual_pence.filter(|_| !salary.allowances.is_empty()) {
            rows.push(("With allowances".to_owned(), format!("{total} a year")));
        }
        if let Some(why) = &salary.figure_unverified {
            notes.push(super::sentence(why));
        }
    }
    if let Some(next) = &worker.next_increment {
        rows.push(("Next increment".to_owned(), next_increment_text(next)));
    }
    (SummaryList { rows }, notes)
}

/// `GET /home`: the signed-in person's own progression.
pub(crate) async fn home(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
) -> Result<Response, PageError> {
    let me = state.pathway.me(&session.account).await?;
    let viewer = Viewer { account: session.account.clone(), may_write: true, from };
    let own = &me.person.employee_number;
    let worker = state.pathway.viewer_worker(&viewer, &me.authority.id, own).await?;
    // Someone with no level on record today (an administrator, a manager recorded only by
    // their post) has no routes to show, and is told why rather than refused.
    let eligibility = match worker.level {
        Some(_) => Some(state.pathway.viewer_eligibility(&viewer, &me.authority.id, own).await?),
        None => None,
    };
    let (today, pay_notes) = today_rows(&worker, eligibility.as_ref().map(|e| e.level.as_str()));
    let page = HomePage {
        layout: Layout::new("/home", Some(&session)),
        name: me.person.name,
        authority: me.authority.name,
        level: eligibility.as_ref().map(|e| e.level.clone()),
        today,
        pay_notes,
        routes: eligibility.iter().flat_map(|e| e.routes.iter()).map(route_view).collect(),
    };
    Ok(render(&page))
}
