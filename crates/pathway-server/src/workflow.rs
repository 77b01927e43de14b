//! The JSON API for the progression workflow under `/api/v1/authorities/{authority}`:
//! applications (list, history, steps, panel referral, decisions, pay preview, sign-off,
//! appeals), eligibility exceptions, panels (with the anonymised pack) and ASYE programmes.
//! Each handler parses its input and calls one `pathway_app::viewer_progression` use case;
//! who may see or change what is decided there. Every change names the role the caller acts
//! in (`role`, `worker` by default) and why (`why`); changes to a record honour `If-Match`
//! (412 when it moved on); creating POSTs honour `Idempotency-Key` (see [`idempotent`]).

use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::model::{
    ApplicationId, AsyeProgrammeId, AsyeResult, CaseloadRecord, DecisionOutcome, DevelopmentTime, InvalidValue,
    PanelId, Progress, RouteId, StepCompletion,
};
use pathway_app::progression::{ConvenePanel, RecordException, StartAsyeInput};
use pathway_app::viewer_progression::{ActingIn, ApplicationChange, AsyeChange, PanelChange};
use serde::Deserialize;

use crate::api::{
    ActBody, Created, DEFAULT_LIMIT, application_id, bad_query, date, idempotent, if_match, parse_body, with_etag,
};
use crate::error::ApiError;
use crate::session::{AppState, Caller};

const AUTHORITY: &str = "/api/v1/authorities/{authority}";

pub(crate) fn routes() -> Router<AppState> {
    let at = |path: &str| format!("{AUTHORITY}{path}");
    Router::new()
        .route(&at("/applications"), get(applications))
        .route(&at("/applications/{id}/history"), get(history))
        .route(&at("/applications/{id}/pay-preview"), get(pay_preview))
        .route(&at("/applications/{id}/begin-assessment"), post(begin_assessment))
        .route(&at("/applications/{id}/steps/{step}/assign"), post(assign))
        .route(&at("/applications/{id}/steps/{step}/start"), post(start_step))
        .route(&at("/applications/{id}/steps/{step}/complete"), post(complete_step))
        .route(&at("/applications/{id}/refer"), post(refer))
        .route(&at("/applications/{id}/decide"), post(decide))
        .route(&at("/applications/{id}/sign-off"), post(sign_off))
        .route(&at("/applications/{id}/make-effective"), post(make_effective))
        .route(&at("/applications/{id}/withdraw"), post(withdraw))
        .route(&at("/applications/{id}/appeal"), post(appeal))
        .route(&at("/applications/{id}/decide-appeal"), post(decide_appeal))
        .route(&at("/applications/{id}/reopen"), post(reopen))
        .route(&at("/exceptions"), get(exceptions).post(record_exception))
        .route(&at("/panels"), post(convene))
        .route(&at("/panels/{id}"), get(panel))
        .route(&at("/panels/{id}/applications"), post(list_on_panel))
        .route(&at("/panels/{id}/attendance"), post(attendance))
        .route(&at("/panels/{id}/conflicts"), post(conflict))
        .route(&at("/panels/{id}/outcomes"), post(outcome))
        .route(&at("/panels/{id}/pack"), get(pack))
        .route(&at("/asye"), post(start_asye))
        .route(&at("/asye/{id}"), get(asye))
        .route(&at("/asye/{id}/reviews"), post(review))
        .route(&at("/asye/{id}/caseload"), post(caseload))
        .route(&at("/asye/{id}/development-time"), post(development_time))
        .route(&at("/asye/{id}/extend"), post(extend))
        .route(&at("/asye/{id}/recommend"), post(recommend))
        .route(&at("/asye/{id}/moderate"), post(moderate))
}

/// A record id from the path or the body, named by `field` when it is not one.
fn record_id<T: FromStr<Err = InvalidValue>>(text: &str, field: &str) -> Result<T, ApiError> {
    text.parse::<T>().map_err(|e| ApiError::from(AppError::from(e)).on(field))
}

fn panel_id(text: &str) -> Result<PanelId, ApiError> {
    record_id(text, "id")
}

fn programme_id(text: &str) -> Result<AsyeProgrammeId, ApiError> {
    record_id(text, "id")
}

/// A changing request's body: who acts (`role`, `worker` by default) and why (`why`),
/// with the fields of what they ask for. Unknown fields are refused.
macro_rules! acting_body {
    ($name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            role: Option<String>,
            why: String,
            $($(#[$field_meta])* $field: $ty,)*
        }

        impl $name {
            fn acting(&self) -> ActingIn<'_> {
                ActingIn { role: self.role.as_deref(), why: &self.why }
            }
        }
    };
}

fn acting(body: &ActBody) -> ActingIn<'_> {
    ActingIn { role: body.role.as_deref(), why: &body.why }
}

// ----- applications -----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationsQuery {
    worker: Option<String>,
    cursor: Option<String>,
    limit: Option<usize>,
}

/// `GET …/applications?worker=&cursor=&limit=`: the applications the caller may see, by id.
async fn applications(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    query: Result<Query<ApplicationsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let cursor = query.cursor.as_deref().map(|c| record_id::<ApplicationId>(c, "cursor")).transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let page = state.pathway.viewer_applications(&viewer, &authority, query.worker.as_deref(), cursor, limit).await?;
    Ok(axum::Json(page).into_response())
}

/// `GET …/applications/{id}/history`: who did what, when and why, from the audit trail.
async fn history(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let events = state.pathway.viewer_application_history(&viewer, &authority, application_id(&id)?).await?;
    Ok(axum::Json(events).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewQuery {
    effective: String,
    point: Option<String>,
}

/// `GET …/applications/{id}/pay-preview?effective=&point=`: the pay change signing off
/// would bring. Changes nothing.
async fn pay_preview(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    query: Result<Query<PreviewQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let id = application_id(&id)?;
    let effective = required_date(&query.effective, "effective")?;
    let preview = state.pathway.viewer_preview_pay(&viewer, &authority, id, effective, query.point.as_deref()).await?;
    Ok(axum::Json(preview).into_response())
}

fn required_date(text: &str, field: &str) -> Result<NaiveDate, ApiError> {
    date(Some(text), field).map(|d| d.unwrap_or_default())
}

/// Run one change to an application and answer it with its new version as the ETag.
async fn change_application(
    state: &AppState,
    viewer: &pathway_app::viewer::Viewer,
    (authority, id): (&str, &str),
    headers: &HeaderMap,
    change: ApplicationChange,
    by: ActingIn<'_>,
) -> Result<Response, ApiError> {
    let id = application_id(id)?;
    let expected = if_match(headers)?;
    let stored = state.pathway.viewer_change_application(viewer, authority, id, expected, &change, by).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

macro_rules! plain_change {
    ($(#[$doc:meta])* $name:ident => $change:expr) => {
        $(#[$doc])*
        async fn $name(
            State(state): State<AppState>,
            Caller(viewer): Caller,
            Path((authority, id)): Path<(String, String)>,
            headers: HeaderMap,
            body: Bytes,
        ) -> Result<Response, ApiError> {
            let body: ActBody = parse_body(&body)?;
            change_application(&state, &viewer, (&authority, &id), &headers, $change, acting(&body)).await
        }
    };
}

plain_change!(
    /// `POST …/applications/{id}/begin-assessment`: begin assessing a submitted application.
    begin_assessment => ApplicationChange::BeginAssessment
);
plain_change!(
    /// `POST …/applications/{id}/withdraw`: withdraw before a decision.
    withdraw => ApplicationChange::Withdraw
);
plain_change!(
    /// `POST …/applications/{id}/reopen`: reopen a "not yet approved" application.
    reopen => ApplicationChange::Reopen
);

acting_body!(AssignBody { assessor: String, assessor_role: String });

/// `POST …/applications/{id}/steps/{step}/assign`: assign someone to a step.
async fn assign(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id, step)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: AssignBody = parse_body(&body)?;
    let change =
        ApplicationChange::Assign { step, assessor: body.assessor.clone(), assessor_role: body.assessor_role.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

/// `POST …/applications/{id}/steps/{step}/start`: mark a step in progress.
async fn start_step(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id, step)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ActBody = parse_body(&body)?;
    change_application(
        &state,
        &viewer,
        (&authority, &id),
        &headers,
        ApplicationChange::StartStep { step },
        acting(&body),
    )
    .await
}

acting_body!(CompleteBody { completion: StepCompletion });

/// `POST …/applications/{id}/steps/{step}/complete`: complete a step with its outcome and
/// form (`completion`: `{"outcome": "met", "record": {"type": "report", ...}}`).
async fn complete_step(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id, step)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CompleteBody = parse_body(&body)?;
    let change = ApplicationChange::CompleteStep { step, completion: body.completion.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ReferBody { panel: Option<PanelId> });

/// `POST …/applications/{id}/refer`: send it to its panel or interview (`panel`, if convened).
async fn refer(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ReferBody = parse_body(&body)?;
    let panel = body.panel;
    change_application(
        &state,
        &viewer,
        (&authority, &id),
        &headers,
        ApplicationChange::ReferToPanel { panel },
        body.acting(),
    )
    .await
}

acting_body!(DecideBody { decision: Option<DecisionOutcome>, panel: Option<PanelId> });

/// `POST …/applications/{id}/decide`: decide it (`decision`), or make the decision a stored
/// panel recorded for it (`panel`).
async fn decide(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: DecideBody = parse_body(&body)?;
    let change = match (&body.decision, &body.panel) {
        (Some(outcome), None) => ApplicationChange::Decide(outcome.clone()),
        (None, Some(panel)) => ApplicationChange::DecideFromPanel(*panel),
        _ => {
            return Err(ApiError::from(AppError::BadInput {
                field: "decision".into(),
                message: "give either `decision` (`{\"outcome\": \"approved\"}`) or `panel` (the panel whose recorded \
                          outcome decides it), not both"
                    .into(),
            }));
        }
    };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(SignOffBody {
    effective_from: NaiveDate,
    point: Option<String>,
});

/// `POST …/applications/{id}/sign-off`: sign off the pay change from `effective_from`.
async fn sign_off(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: SignOffBody = parse_body(&body)?;
    let change = ApplicationChange::SignOff { effective_from: body.effective_from, point: body.point.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

/// `POST …/applications/{id}/make-effective`: the worker's record changes with it; answers
/// the application and the new timeline entry.
async fn make_effective(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = application_id(&id)?;
    let expected = if_match(&headers)?;
    let body: ActBody = parse_body(&body)?;
    let done = state.pathway.viewer_make_effective(&viewer, &authority, id, expected, acting(&body)).await?;
    let version = done.application.meta.version.get();
    Ok(with_etag(done, version))
}

acting_body!(AppealBody { grounds: String });

/// `POST …/applications/{id}/appeal`: appeal a decision that did not approve.
async fn appeal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: AppealBody = parse_body(&body)?;
    let change = ApplicationChange::Appeal { grounds: body.grounds.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(DecisionBody { decision: DecisionOutcome });

/// `POST …/applications/{id}/decide-appeal`: decide an appeal.
async fn decide_appeal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: DecisionBody = parse_body(&body)?;
    let change = ApplicationChange::DecideAppeal(body.decision.clone());
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

// ----- exceptions -----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkerQuery {
    worker: Option<String>,
}

/// `GET …/exceptions?worker=`: exceptions recorded for workers the caller may see.
async fn exceptions(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    query: Result<Query<WorkerQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let found = state.pathway.viewer_exceptions(&viewer, &authority, query.worker.as_deref()).await?;
    Ok(axum::Json(found).into_response())
}

/// `POST …/exceptions`: record an exception to a route's criteria, once per
/// `Idempotency-Key`.
async fn record_exception(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/exceptions");
    idempotent(&state, &viewer, &headers, &path, &body, || async {
        let body: RecordExceptionBody = parse_body(&body)?;
        let input = RecordException {
            worker: body.worker.clone(),
            route: RouteId::from(body.route.as_str()),
            criteria: body.criteria.clone(),
        };
        let stored = state.pathway.viewer_record_exception(&viewer, &authority, &input, body.acting()).await?;
        Ok(Created::of(&stored, None))
    })
    .await
}

acting_body!(RecordExceptionBody {
    worker: String,
    route: String,
    #[serde(default)]
    criteria: Vec<String>,
});

// ----- panels -----

acting_body!(ConveneBody { panel: ConvenePanel });

/// `POST …/panels`: convene a panel, once per `Idempotency-Key`.
async fn convene(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/panels");
    idempotent(&state, &viewer, &headers, &path, &body, || async {
        let body: ConveneBody = parse_body(&body)?;
        let stored = state.pathway.viewer_convene(&viewer, &authority, &body.panel, body.acting()).await?;
        Ok(Created::of(&stored, Some(stored.meta.version.get())))
    })
    .await
}

/// `GET …/panels/{id}`: a panel's members, hearings and outcomes.
async fn panel(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let stored = state.pathway.viewer_panel(&viewer, &authority, panel_id(&id)?).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

/// `GET …/panels/{id}/pack`: the anonymised panel pack; the view is recorded in the audit
/// trail.
async fn pack(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.pathway.viewer_panel_pack(&viewer, &authority, panel_id(&id)?).await?).into_response())
}

async fn change_panel(
    state: &AppState,
    viewer: &pathway_app::viewer::Viewer,
    (authority, id): (&str, &str),
    headers: &HeaderMap,
    change: PanelChange,
    by: ActingIn<'_>,
) -> Result<Response, ApiError> {
    let id = panel_id(id)?;
    let expected = if_match(headers)?;
    let stored = state.pathway.viewer_change_panel(viewer, authority, id, expected, &change, by).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

acting_body!(ListBody { application: ApplicationId });

/// `POST …/panels/{id}/applications`: put an application on the panel's list.
async fn list_on_panel(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ListBody = parse_body(&body)?;
    let change = PanelChange::List(body.application);
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(AttendanceBody {
    present: Vec<String>,
});

/// `POST …/panels/{id}/attendance`: who attended, by employee number.
async fn attendance(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: AttendanceBody = parse_body(&body)?;
    let change = PanelChange::Attendance(body.present.clone());
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ConflictBody { application: ApplicationId, member: String, reason: String });

/// `POST …/panels/{id}/conflicts`: a member's conflict of interest for one application.
async fn conflict(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ConflictBody = parse_body(&body)?;
    let change = PanelChange::Conflict {
        application: body.application,
        member: body.member.clone(),
        reason: body.reason.clone(),
    };
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(OutcomeBody { application: ApplicationId, decision: DecisionOutcome });

/// `POST …/panels/{id}/outcomes`: the panel's outcome for an application (the chair).
async fn outcome(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: OutcomeBody = parse_body(&body)?;
    let change = PanelChange::Outcome { application: body.application, outcome: body.decision.clone() };
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

// ----- ASYE -----

acting_body!(StartAsyeBody {
    worker: String,
    starts_on: NaiveDate,
    #[serde(default)]
    nine_month_review: bool,
});

/// `POST …/asye`: start a newly qualified social worker's ASYE, once per `Idempotency-Key`.
async fn start_asye(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/asye");
    idempotent(&state, &viewer, &headers, &path, &body, || async {
        let body: StartAsyeBody = parse_body(&body)?;
        let input = StartAsyeInput {
            worker: body.worker.clone(),
            starts_on: body.starts_on,
            nine_month_review: body.nine_month_review,
        };
        let stored = state.pathway.viewer_start_asye(&viewer, &authority, &input, body.acting()).await?;
        Ok(Created::of(&stored, Some(stored.meta.version.get())))
    })
    .await
}

/// `GET …/asye/{id}`: a programme: reviews, caseload, development time, outcome, history.
async fn asye(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let stored = state.pathway.viewer_asye(&viewer, &authority, programme_id(&id)?).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

async fn change_asye(
    state: &AppState,
    viewer: &pathway_app::viewer::Viewer,
    (authority, id): (&str, &str),
    headers: &HeaderMap,
    change: AsyeChange,
    by: ActingIn<'_>,
) -> Result<Response, ApiError> {
    let id = programme_id(id)?;
    let expected = if_match(headers)?;
    let stored = state.pathway.viewer_change_asye(viewer, authority, id, expected, &change, by).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

acting_body!(ReviewBody { months: u32, progress: Progress, summary: String, held_on: NaiveDate });

/// `POST …/asye/{id}/reviews`: a review held at one of the programme's review points.
async fn review(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ReviewBody = parse_body(&body)?;
    let r = &body;
    let change =
        AsyeChange::Review { months: r.months, progress: r.progress, summary: r.summary.clone(), held_on: r.held_on };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(CaseloadBody { caseload: CaseloadRecord });

/// `POST …/asye/{id}/caseload`: the worker's caseload on a date.
async fn caseload(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CaseloadBody = parse_body(&body)?;
    let change = AsyeChange::Caseload(body.caseload.clone());
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(DevelopmentTimeBody { development_time: DevelopmentTime });

/// `POST …/asye/{id}/development-time`: development time taken.
async fn development_time(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: DevelopmentTimeBody = parse_body(&body)?;
    let change = AsyeChange::DevelopmentTime(body.development_time.clone());
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ExtendBody {
    months: u32,
    extenuating: Option<String>,
});

/// `POST …/asye/{id}/extend`: extend the programme where the framework allows it.
async fn extend(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: ExtendBody = parse_body(&body)?;
    let change = AsyeChange::Extend { months: body.months, extenuating: body.extenuating.clone() };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(RecommendBody { result: AsyeResult, rationale: String });

/// `POST …/asye/{id}/recommend`: the assessor's recommendation after the final review.
async fn recommend(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: RecommendBody = parse_body(&body)?;
    let change = AsyeChange::Recommend { result: body.result, rationale: body.rationale.clone() };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ModerateBody { result: AsyeResult });

/// `POST …/asye/{id}/moderate`: moderation's decision; a pass opens the automatic route,
/// answered with the programme as `opened`.
async fn moderate(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = programme_id(&id)?;
    let expected = if_match(&headers)?;
    let body: ModerateBody = parse_body(&body)?;
    let done = state.pathway.viewer_moderate(&viewer, &authority, id, expected, body.result, body.acting()).await?;
    let version = done.programme.meta.version.get();
    Ok(with_etag(done, version))
}
