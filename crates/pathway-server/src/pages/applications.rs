//! The signed-in social worker's applications: where each one is, opening one on a route out
//! of their level, "check your answers" before it is submitted, and the confirmation. Over
//! the use cases the API's application endpoints call (`viewer_applications`, `viewer_open`,
//! `viewer_application`, `viewer_submit`), for the signed-in person only: an application
//! page for someone else's application is refused there. Submitting sends the version the
//! page showed, so an application that changed meanwhile is not submitted unseen.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pathway_app::AppError;
use pathway_app::model::{ApplicationId, ApplicationStatus, RouteId, RouteStatus, StoredApplication};
use pathway_app::progression::OpenApplication;
use pathway_app::viewer::Viewer;
use serde::Deserialize;

use super::components::{Cell, ErrorSummary, SummaryList, Table};
use super::public::long_date;
use super::{Layout, PageError, SignedInPage, render, sentence};
use crate::session::{AppState, ClientAddress};

struct Me {
    viewer: Viewer,
    authority: String,
    number: String,
    name: String,
}

async fn me(state: &AppState, session: &pathway_app::accounts::Session, from: Option<String>) -> Result<Me, AppError> {
    let me = state.pathway.me(&session.account).await?;
    Ok(Me {
        viewer: Viewer { account: session.account.clone(), may_write: true, from },
        authority: me.authority.id,
        number: me.person.employee_number,
        name: me.person.name,
    })
}

fn application_id(id: &str) -> Result<ApplicationId, PageError> {
    id.parse().map_err(|_| PageError::Status(StatusCode::NOT_FOUND))
}

#[derive(Debug)]
struct ApplicationRow {
    href: String,
    route: String,
    status: String,
}

#[derive(Debug)]
struct OpenRoute {
    id: String,
    text: String,
    status: String,
    summary: String,
}

#[derive(Debug, Template)]
#[template(path = "pages/applications.html")]
struct ApplicationsPage<'a> {
    layout: Layout,
    error_summary: Option<ErrorSummary<'a>>,
    applications: Vec<ApplicationRow>,
    routes: Vec<OpenRoute>,
}

fn route_status(status: RouteStatus) -> &'static str {
    match status {
        RouteStatus::Eligible => "Eligible now",
        RouteStatus::NotYet => "Not yet eligible",
        RouteStatus::NeedsJudgement => "Needs your manager's judgement",
        RouteStatus::ApplyWhenAdvertised => "Apply when a post is advertised",
        RouteStatus::Blocked => "Blocked",
    }
}

async fn applications_page(
    state: &AppState,
    me: &Me,
    layout: Layout,
    errors: &[(String, String)],
) -> Result<Response, PageError> {
    let mine = state.pathway.viewer_applications(&me.viewer, &me.authority, Some(&me.number), None, 100).await?;
    let worker = state.pathway.viewer_worker(&me.viewer, &me.authority, &me.number).await?;
    let eligibility = match worker.level {
        Some(_) => Some(state.pathway.viewer_eligibility(&me.viewer, &me.authority, &me.number).await?),
        None => None,
    };
    let page = ApplicationsPage {
        layout,
        error_summary: (!errors.is_empty())
            .then(|| ErrorSummary { title: "There is a problem", errors: errors.to_vec() }),
        applications: mine
            .items
            .iter()
            .map(|line| ApplicationRow {
                href: format!("/applications/{}", line.id),
                route: line.route_name.clone(),
                status: ApplicationStatus::from_code(&line.status)
                    .map(|status| sentence(&status.to_string()))
                    .unwrap_or_else(|| line.status.clone()),
            })
            .collect(),
        routes: eligibility
            .iter()
            .flat_map(|e| e.routes.iter())
            .map(|route| OpenRoute {
                id: route.route.as_str().to_owned(),
                text: format!("{} to {}", route.route_name, route.to_level_name),
                status: route_status(route.status).to_owned(),
                summary: sentence(&route.summary),
            })
            .collect(),
    };
    Ok(render(&page))
}

/// `GET /applications`: my applications and where each is; the routes I may open one on.
pub(crate) async fn list(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
) -> Result<Response, PageError> {
    let me = me(&state, &session, from).await?;
    applications_page(&state, &me, Layout::new("/applications", Some(&session)), &[]).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct OpenForm {
    route: String,
}

/// `POST /applications`: open a draft on a route, then check the answers before submitting.
pub(crate) async fn open(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Form(form): Form<OpenForm>,
) -> Result<Response, PageError> {
    let me = me(&state, &session, from).await?;
    let input =
        OpenApplication { worker: me.number.clone(), route: RouteId::from(form.route.trim()), fast_track: false };
    match state.pathway.viewer_open(&me.viewer, &me.authority, &input, None, "opened on the applications page").await {
        Ok(stored) => Ok(Redirect::to(&format!("/applications/{}/check", stored.id)).into_response()),
        Err(e @ (AppError::Progression(_) | AppError::BadInput { .. } | AppError::Invalid(_))) => {
            let errors = vec![(format!("#route-{}", form.route.trim()), sentence(&e.to_string()))];
            let mut response =
                applications_page(&state, &me, Layout::new("/applications", Some(&session)), &errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

fn answers(stored: &StoredApplication, name: &str) -> SummaryList {
    let app = &stored.application;
    SummaryList {
        rows: vec![
            ("Applicant".to_owned(), name.to_owned()),
            ("Route".to_owned(), app.route().name.clone()),
            ("Fast track".to_owned(), if app.fast_track() { "Yes" } else { "No" }.to_owned()),
            ("Opened".to_owned(), long_date(app.opened_at().date_naive())),
            ("Steps after submitting".to_owned(), {
                let titles: Vec<&str> = app.steps().iter().map(|step| step.definition.title.as_str()).collect();
                if titles.is_empty() { "None".to_owned() } else { titles.join("; ") }
            }),
        ],
    }
}

#[derive(Debug, Template)]
#[template(path = "pages/application-check.html")]
struct CheckAnswersPage<'a> {
    layout: Layout,
    error_summary: Option<ErrorSummary<'a>>,
    answers: SummaryList,
    action: String,
    version: i64,
}

/// `GET /applications/{id}/check`: check your answers before submitting a draft.
pub(crate) async fn check(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = application_id(&id)?;
    let me = me(&state, &session, from).await?;
    let stored = state.pathway.viewer_application(&me.viewer, &me.authority, id).await?;
    if stored.application.status() != ApplicationStatus::Draft {
        return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
    }
    Ok(render(&check_page(Layout::new("/applications", Some(&session)), &stored, &me.name, None)))
}

fn check_page<'a>(
    layout: Layout,
    stored: &StoredApplication,
    name: &str,
    error: Option<String>,
) -> CheckAnswersPage<'a> {
    CheckAnswersPage {
        layout,
        error_summary: error
            .map(|message| ErrorSummary { title: "There is a problem", errors: vec![("#submit".to_owned(), message)] }),
        answers: answers(stored, name),
        action: format!("/applications/{}/submit", stored.id),
        version: stored.meta.version.get(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SubmitForm {
    version: i64,
}

/// `POST /applications/{id}/submit`: submit the draft as it was checked.
pub(crate) async fn submit(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, PageError> {
    let id = application_id(&id)?;
    let me = me(&state, &session, from).await?;
    let why = "submitted after checking the answers on the page";
    match state.pathway.viewer_submit(&me.viewer, &me.authority, id, Some(form.version), None, why).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?submitted=1")).into_response()),
        Err(e @ (AppError::Progression(_) | AppError::PreconditionFailed(_))) => {
            let stored = state.pathway.viewer_application(&me.viewer, &me.authority, id).await?;
            let page = check_page(
                Layout::new("/applications", Some(&session)),
                &stored,
                &me.name,
                Some(sentence(&e.to_string())),
            );
            let mut response = render(&page);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Template)]
#[template(path = "pages/application.html")]
struct ApplicationPage {
    layout: Layout,
    route: String,
    submitted: bool,
    status: String,
    draft_check: Option<String>,
    steps: Option<Table>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SubmittedQuery {
    submitted: Option<String>,
}

/// `GET /applications/{id}`: where an application is, step by step.
pub(crate) async fn show(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
    Query(query): Query<SubmittedQuery>,
) -> Result<Response, PageError> {
    let id = application_id(&id)?;
    let me = me(&state, &session, from).await?;
    let stored = state.pathway.viewer_application(&me.viewer, &me.authority, id).await?;
    let app = &stored.application;
    let draft = app.status() == ApplicationStatus::Draft;
    let page = ApplicationPage {
        layout: Layout::new("/applications", Some(&session)),
        route: app.route().name.clone(),
        submitted: query.submitted.is_some() && !draft,
        status: sentence(&format!("this application is {}", app.status())),
        draft_check: draft.then(|| format!("/applications/{id}/check")),
        steps: (!app.steps().is_empty()).then(|| Table {
            caption: Some("Steps".to_owned()),
            head: vec![Cell::text("Step"), Cell::text("Where it is")],
            rows: app
                .steps()
                .iter()
                .map(|step| {
                    vec![Cell::text(&step.definition.title), Cell::text(sentence(step.status.code()).replace('-', " "))]
                })
                .collect(),
            first_cell_is_header: true,
        }),
    };
    Ok(render(&page))
}
