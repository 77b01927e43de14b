//! The signed-in social worker's appraisals (PDRs): when each was held, by whom, what it
//! concluded about progression, its summary, the objectives agreed and the development plan. Over `viewer_appraisals` (the use case the
//! API's `/workers/{number}/appraisals` calls) for the signed-in person only.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pathway_app::viewer::Viewer;

use super::components::{Cell, Table};
use super::public::long_date;
use super::{Layout, PageError, SignedInPage, render, sentence};
use crate::session::{AppState, ClientAddress};

#[derive(Debug, Template)]
#[template(path = "pages/appraisals.html")]
struct AppraisalsPage {
    layout: Layout,
    appraisals: Option<Table>,
}

/// `GET /appraisals`: my appraisals, oldest first as recorded.
pub(crate) async fn appraisals(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
) -> Result<Response, PageError> {
    let me = state.pathway.me(&session.account).await?;
    let viewer = Viewer { account: session.account.clone(), may_write: true, from };
    let lines = state.pathway.viewer_appraisals(&viewer, &me.authority.id, &me.person.employee_number).await?;
    let appraisals = (!lines.is_empty()).then(|| Table {
        caption: Some("My appraisals".to_owned()),
        head: vec![
            Cell::text("Held on"),
            Cell::text("Outcome"),
            Cell::text("Held by"),
            Cell::text("Summary"),
            Cell::text("Objectives"),
            Cell::text("Development plan"),
        ],
        rows: lines
            .iter()
            .map(|line| {
                vec![
                    Cell::text(long_date(line.held_on)),
                    Cell::text(sentence(&line.outcome.to_string().replace('-', " "))),
                    Cell::text(line.by_name.clone().unwrap_or_else(|| "Not recorded".to_owned())),
                    Cell::text(line.summary.clone().unwrap_or_else(|| "None".to_owned())),
                    Cell::text(line.objectives.clone().unwrap_or_else(|| "None recorded".to_owned())),
                    Cell::text(line.development_plan.clone().unwrap_or_else(|| "None recorded".to_owned())),
                ]
            })
            .collect(),
        first_cell_is_header: true,
    });
    Ok(render(&AppraisalsPage { layout: Layout::new("/appraisals", Some(&session)), appraisals }))
}
