//! The JSON API for the progression workflow under `/api/v1/authorities/{authority}`:
//! applications (list, history, steps, panel referral, decisions, pay preview, sign-off,
//! appeals), eligibility exceptions, panels (with the anonymised pack) and ASYE programmes.
//! Each handler parses its input and calls one `pathway_app::viewer_progression` use case;
//! who may see or change what is decided there. Every change names the role the caller acts
//! in (`role`, `worker` by default) and why (`why`); changes to a record honour `If-Match`
//! (412 when it moved on); creating POSTs honour `Idempotency-Key` (see [`idempotent`]).

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::model::{
    ApplicationId, AsyeProgrammeId, AsyeResult, CaseloadRecord, DecisionOutcome, DevelopmentTime, InvalidValue,
    PanelId, Progress, RouteId, StepCompletion,
};
use pathway_app::model::{StoredApplication, StoredAsye, StoredException, StoredPanel};
use pathway_app::progression::{ConvenePanel, RecordException, StartAsyeInput};
use pathway_app::viewer::Page;
use pathway_app::viewer_progression::{ActingIn, ApplicationChange, ApplicationLine, AsyeChange, PanelChange};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    ActBody, ApiPath, ApplicationPath, AuthorityPath, DEFAULT_LIMIT, application_id, bad_body, bad_query, create_once,
    date, if_match, parse_body, request_hash, with_etag,
};
use crate::error::{ApiError, ErrorBody};
use crate::session::{AppState, Caller};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(applications))
        .routes(routes!(history))
        .routes(routes!(pay_preview))
        .routes(routes!(begin_assessment))
        .routes(routes!(assign))
        .routes(routes!(start_step))
        .routes(routes!(complete_step))
        .routes(routes!(refer))
        .routes(routes!(decide))
        .routes(routes!(sign_off))
        .routes(routes!(make_effective))
        .routes(routes!(withdraw))
        .routes(routes!(appeal))
        .routes(routes!(decide_appeal))
        .routes(routes!(reopen))
        .routes(routes!(exceptions, record_exception))
        .routes(routes!(convene))
        .routes(routes!(panel))
        .routes(routes!(list_on_panel))
        .routes(routes!(attendance))
        .routes(routes!(conflict))
        .routes(routes!(outcome))
        .routes(routes!(pack))
        .routes(routes!(start_asye))
        .routes(routes!(asye))
        .routes(routes!(review))
        .routes(routes!(caseload))
        .routes(routes!(development_time))
        .routes(routes!(extend))
        .routes(routes!(recommend))
        .routes(routes!(moderate))
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
        #[derive(Debug, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        struct $name {
            /// The role the caller acts in; `worker` (their own record) by default.
            #[schema(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
            role: Option<String>,
            /// Why, for the record: not blank.
            #[schema(pattern = "\\S")]
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ApplicationsQuery {
    /// Only this worker's (employee number).
    #[param(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$", nullable = false)]
    worker: Option<String>,
    /// The next_cursor of the page before.
    #[param(pattern = "^[1-9][0-9]{0,17}$", nullable = false)]
    cursor: Option<String>,
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200, nullable = false)]
    limit: Option<usize>,
}

/// `GET …/applications?worker=&cursor=&limit=`: the applications the caller may see, by id.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/applications",
    summary = "The applications the caller may see (theirs, their team's, ones they assess or hear on a panel), by id, a page at a time",
    params(
        AuthorityPath,
        ApplicationsQuery,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "a page: items and next_cursor (absent on the last page)", body = Page<ApplicationLine>),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn applications(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<ApplicationsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let cursor = query.cursor.as_deref().map(|c| record_id::<ApplicationId>(c, "cursor")).transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let page = state.pathway.viewer_applications(&viewer, &authority, query.worker.as_deref(), cursor, limit).await?;
    Ok(axum::Json(page).into_response())
}

/// `GET …/applications/{id}/history`: who did what, when and why, from the audit trail.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/applications/{id}/history",
    summary = "Everything that happened to an application: who, when, why, from the audit trail",
    params(
        ApplicationPath,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the events, oldest first", body = [Object]),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn history(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let events = state.pathway.viewer_application_history(&viewer, &authority, application_id(&id)?).await?;
    Ok(axum::Json(events).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PreviewQuery {
    /// The day the change would take effect (YYYY-MM-DD).
    #[param(format = Date)]
    effective: String,
    point: Option<String>,
}

/// `GET …/applications/{id}/pay-preview?effective=&point=`: the pay change signing off
/// would bring. Changes nothing.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/applications/{id}/pay-preview",
    summary = "The pay change signing off would bring (changes nothing)",
    params(
        ApplicationPath,
        PreviewQuery,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "old and new pay, placement and next increment", body = Object),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn pay_preview(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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
            ApiPath((authority, id)): ApiPath<(String, String)>,
            headers: HeaderMap,
            body: Result<Bytes, BytesRejection>,
        ) -> Result<Response, ApiError> {
            let body = body.map_err(|e| bad_body(&e))?;
            let body: ActBody = parse_body(&body)?;
            change_application(&state, &viewer, (&authority, &id), &headers, $change, acting(&body)).await
        }
    };
}

plain_change!(
    /// `POST …/applications/{id}/begin-assessment`: begin assessing a submitted application.
    #[utoipa::path(
        post,
        path = "/api/v1/authorities/{authority}/applications/{id}/begin-assessment",
        summary = "Begin assessing a submitted application",
        params(
            ApplicationPath,
            ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
        ),
        request_body = ActBody,
        security(("bearer" = []), ("session" = [])),
        responses(
            (status = 200, description = "the application", body = StoredApplication,
                headers(("ETag" = String, description = "the record's version"))),
            (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
            (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
            (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
            (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
            (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
            (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
            (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
        ),
    )]
    begin_assessment => ApplicationChange::BeginAssessment
);
plain_change!(
    /// `POST …/applications/{id}/withdraw`: withdraw before a decision.
    #[utoipa::path(
        post,
        path = "/api/v1/authorities/{authority}/applications/{id}/withdraw",
        summary = "Withdraw an application before a decision",
        params(
            ApplicationPath,
            ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
        ),
        request_body = ActBody,
        security(("bearer" = []), ("session" = [])),
        responses(
            (status = 200, description = "the application", body = StoredApplication,
                headers(("ETag" = String, description = "the record's version"))),
            (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
            (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
            (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
            (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
            (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
            (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
            (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
        ),
    )]
    withdraw => ApplicationChange::Withdraw
);
plain_change!(
    /// `POST …/applications/{id}/reopen`: reopen a "not yet approved" application.
    #[utoipa::path(
        post,
        path = "/api/v1/authorities/{authority}/applications/{id}/reopen",
        summary = "Reopen a \"not yet approved\" application for resubmission",
        params(
            ApplicationPath,
            ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
        ),
        request_body = ActBody,
        security(("bearer" = []), ("session" = [])),
        responses(
            (status = 200, description = "the application", body = StoredApplication,
                headers(("ETag" = String, description = "the record's version"))),
            (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
            (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
            (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
            (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
            (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
            (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
            (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
        ),
    )]
    reopen => ApplicationChange::Reopen
);

acting_body!(AssignBody {
    /// The assessor's employee number.
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    assessor: String,
    /// The role they assess in.
    #[schema(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    assessor_role: String,
});

/// `POST …/applications/{id}/steps/{step}/assign`: assign someone to a step.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/assign",
    summary = "Assign someone to a step, under the framework's independence rules",
    params(
        StepPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = AssignBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn assign(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id, step)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: AssignBody = parse_body(&body)?;
    let change =
        ApplicationChange::Assign { step, assessor: body.assessor.clone(), assessor_role: body.assessor_role.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

/// `POST …/applications/{id}/steps/{step}/start`: mark a step in progress.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/start",
    summary = "Mark a step in progress",
    params(
        StepPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ActBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn start_step(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id, step)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
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

acting_body!(CompleteBody {
    /// The outcome and the step's form: `{"outcome": "met", "record": {"type": "report", ...}}`.
    #[schema(value_type = Object)]
    completion: StepCompletion,
});

/// `POST …/applications/{id}/steps/{step}/complete`: complete a step with its outcome and
/// form (`completion`: `{"outcome": "met", "record": {"type": "report", ...}}`).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/complete",
    summary = "Complete a step with its outcome and form",
    params(
        StepPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = CompleteBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn complete_step(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id, step)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: CompleteBody = parse_body(&body)?;
    let change = ApplicationChange::CompleteStep { step, completion: body.completion.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ReferBody {
    /// The convened panel it goes to, if any.
    #[schema(value_type = Option<i64>)]
    panel: Option<PanelId>,
});

/// `POST …/applications/{id}/refer`: send it to its panel or interview (`panel`, if convened).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/refer",
    summary = "Send an application to its panel or interview",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ReferBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn refer(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
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

acting_body!(DecideBody {
    /// The decision: `{"outcome": "approved"}`, `not-yet-approved` (feedback, resubmit_from) or `rejected` (feedback).
    #[schema(value_type = Option<Object>)]
    decision: Option<DecisionOutcome>,
    /// Instead of `decision`: the panel whose recorded outcome decides it.
    #[schema(value_type = Option<i64>)]
    panel: Option<PanelId>,
});

/// `POST …/applications/{id}/decide`: decide it (`decision`), or make the decision a stored
/// panel recorded for it (`panel`).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/decide",
    summary = "Decide an application, or make the decision its panel recorded",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = DecideBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn decide(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/sign-off",
    summary = "Sign off an approved application's pay change from a date",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = SignOffBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn sign_off(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: SignOffBody = parse_body(&body)?;
    let change = ApplicationChange::SignOff { effective_from: body.effective_from, point: body.point.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

/// `POST …/applications/{id}/make-effective`: the worker's record changes with it; answers
/// the application and the new timeline entry.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/make-effective",
    summary = "Make a signed-off application effective: the worker's record changes with it",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ActBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application and the new timeline entry", body = Object,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn make_effective(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let id = application_id(&id)?;
    let expected = if_match(&headers)?;
    let body: ActBody = parse_body(&body)?;
    let done = state.pathway.viewer_make_effective(&viewer, &authority, id, expected, acting(&body)).await?;
    let version = done.application.meta.version.get();
    Ok(with_etag(done, version))
}

acting_body!(AppealBody { grounds: String });

/// `POST …/applications/{id}/appeal`: appeal a decision that did not approve.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/appeal",
    summary = "Appeal a decision that did not approve",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = AppealBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn appeal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: AppealBody = parse_body(&body)?;
    let change = ApplicationChange::Appeal { grounds: body.grounds.clone() };
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(DecisionBody {
    /// The decision: `{"outcome": "approved"}`, `not-yet-approved` (feedback, resubmit_from) or `rejected` (feedback).
    #[schema(schema_with = crate::schemas::decision)]
    decision: DecisionOutcome,
});

/// `POST …/applications/{id}/decide-appeal`: decide an appeal.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/decide-appeal",
    summary = "Decide an appeal (not whoever made the original decision)",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = DecisionBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn decide_appeal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: DecisionBody = parse_body(&body)?;
    let change = ApplicationChange::DecideAppeal(body.decision.clone());
    change_application(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

// ----- exceptions -----

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct WorkerQuery {
    #[param(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$", nullable = false)]
    worker: Option<String>,
}

/// `GET …/exceptions?worker=`: exceptions recorded for workers the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/exceptions",
    summary = "Exceptions to eligibility criteria recorded for workers the caller may see",
    params(
        AuthorityPath,
        WorkerQuery,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the exceptions", body = Vec<StoredException>),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn exceptions(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<WorkerQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let found = state.pathway.viewer_exceptions(&viewer, &authority, query.worker.as_deref()).await?;
    Ok(axum::Json(found).into_response())
}

/// `POST …/exceptions`: record an exception to a route's criteria, once per
/// `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/exceptions",
    summary = "Record an exception to a route's eligibility criteria (Idempotency-Key honoured)",
    params(
        AuthorityPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and body answer the same again (Idempotent-Replayed: true); the same key with another body is 409"),
    ),
    request_body = RecordExceptionBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the exception recorded", body = StoredException),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn record_exception(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let path = format!("/api/v1/authorities/{authority}/exceptions");
    let hash = request_hash(&Method::POST, &path, &body);
    let create = async {
        let body: RecordExceptionBody = parse_body(&body)?;
        let input = RecordException {
            worker: body.worker.clone(),
            route: RouteId::from(body.route.as_str()),
            criteria: body.criteria.clone(),
        };
        let stored = state.pathway.viewer_record_exception(&viewer, &authority, &input, body.acting()).await?;
        Ok::<_, ApiError>(stored)
    };
    create_once(&state, &viewer, &headers, &hash, create, |_| None).await
}

acting_body!(RecordExceptionBody {
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    worker: String,
    route: String,
    #[serde(default)]
    criteria: Vec<String>,
});

// ----- panels -----

acting_body!(ConveneBody {
    /// The panel: `{role, held_on, members: [{employee_number, role, chair}], quorum}`.
    #[schema(schema_with = crate::schemas::convene_panel)]
    panel: ConvenePanel,
});

/// `POST …/panels`: convene a panel, once per `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/panels",
    summary = "Convene a panel (Idempotency-Key honoured)",
    params(
        AuthorityPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and body answer the same again (Idempotent-Replayed: true); the same key with another body is 409"),
    ),
    request_body = ConveneBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn convene(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let path = format!("/api/v1/authorities/{authority}/panels");
    let hash = request_hash(&Method::POST, &path, &body);
    let create = async {
        let body: ConveneBody = parse_body(&body)?;
        let stored = state.pathway.viewer_convene(&viewer, &authority, &body.panel, body.acting()).await?;
        Ok::<_, ApiError>(stored)
    };
    create_once(&state, &viewer, &headers, &hash, create, |stored| Some(stored.meta.version.get())).await
}

/// `GET …/panels/{id}`: a panel's members, hearings and outcomes.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/panels/{id}",
    summary = "A panel: members, hearings, outcomes (its members, its convener, the whole-authority roles)",
    params(
        PanelPath,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn panel(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let stored = state.pathway.viewer_panel(&viewer, &authority, panel_id(&id)?).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

/// `GET …/panels/{id}/pack`: the anonymised panel pack; the view is recorded in the audit
/// trail.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/panels/{id}/pack",
    summary = "The anonymised panel pack (the view is recorded in the audit trail)",
    params(
        PanelPath,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "each listed application's cleared evidence, and what is held back and why", body = Object),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn pack(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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

acting_body!(ListBody {
    #[schema(value_type = i64, minimum = 1)]
    application: ApplicationId,
});

/// `POST …/panels/{id}/applications`: put an application on the panel's list.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/panels/{id}/applications",
    summary = "Put an application on a panel's list",
    params(
        PanelPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ListBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn list_on_panel(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: ListBody = parse_body(&body)?;
    let change = PanelChange::List(body.application);
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(AttendanceBody {
    present: Vec<String>,
});

/// `POST …/panels/{id}/attendance`: who attended, by employee number.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/panels/{id}/attendance",
    summary = "Record who attended a panel",
    params(
        PanelPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = AttendanceBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn attendance(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: AttendanceBody = parse_body(&body)?;
    let change = PanelChange::Attendance(body.present.clone());
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ConflictBody {
    #[schema(value_type = i64, minimum = 1)]
    application: ApplicationId,
    /// The member's employee number.
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    member: String,
    reason: String,
});

/// `POST …/panels/{id}/conflicts`: a member's conflict of interest for one application.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/panels/{id}/conflicts",
    summary = "Record a member's conflict of interest for one application",
    params(
        PanelPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ConflictBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn conflict(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: ConflictBody = parse_body(&body)?;
    let change = PanelChange::Conflict {
        application: body.application,
        member: body.member.clone(),
        reason: body.reason.clone(),
    };
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(OutcomeBody {
    #[schema(value_type = i64, minimum = 1)]
    application: ApplicationId,
    #[schema(schema_with = crate::schemas::decision)]
    decision: DecisionOutcome,
});

/// `POST …/panels/{id}/outcomes`: the panel's outcome for an application (the chair).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/panels/{id}/outcomes",
    summary = "Record the panel's outcome for an application (the chair, when quorate)",
    params(
        PanelPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = OutcomeBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the panel", body = StoredPanel,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn outcome(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: OutcomeBody = parse_body(&body)?;
    let change = PanelChange::Outcome { application: body.application, outcome: body.decision.clone() };
    change_panel(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

// ----- ASYE -----

acting_body!(StartAsyeBody {
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    worker: String,
    starts_on: NaiveDate,
    #[serde(default)]
    nine_month_review: bool,
});

/// `POST …/asye`: start a newly qualified social worker's ASYE, once per `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye",
    summary = "Start a newly qualified social worker's ASYE (Idempotency-Key honoured)",
    params(
        AuthorityPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and body answer the same again (Idempotent-Replayed: true); the same key with another body is 409"),
    ),
    request_body = StartAsyeBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn start_asye(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let path = format!("/api/v1/authorities/{authority}/asye");
    let hash = request_hash(&Method::POST, &path, &body);
    let create = async {
        let body: StartAsyeBody = parse_body(&body)?;
        let input = StartAsyeInput {
            worker: body.worker.clone(),
            starts_on: body.starts_on,
            nine_month_review: body.nine_month_review,
        };
        let stored = state.pathway.viewer_start_asye(&viewer, &authority, &input, body.acting()).await?;
        Ok::<_, ApiError>(stored)
    };
    create_once(&state, &viewer, &headers, &hash, create, |stored| Some(stored.meta.version.get())).await
}

/// `GET …/asye/{id}`: a programme: reviews, caseload, development time, outcome, history.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/asye/{id}",
    summary = "An ASYE programme: reviews, caseload, development time, outcome, history",
    params(
        ProgrammePath,
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
    ),
)]
async fn asye(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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

acting_body!(ReviewBody {
    /// The review point, in months from the start.
    #[schema(value_type = i64, minimum = 0, maximum = 4_294_967_295_u64)]
    months: u32,
    /// `on-track` or `concerns`.
    #[schema(schema_with = crate::schemas::progress)]
    progress: Progress,
    summary: String,
    held_on: NaiveDate,
});

/// `POST …/asye/{id}/reviews`: a review held at one of the programme's review points.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/reviews",
    summary = "Record an ASYE review held at one of its review points",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ReviewBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn review(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: ReviewBody = parse_body(&body)?;
    let r = &body;
    let change =
        AsyeChange::Review { months: r.months, progress: r.progress, summary: r.summary.clone(), held_on: r.held_on };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(CaseloadBody {
    /// `{recorded_on, cases, protected, note}`.
    #[schema(schema_with = crate::schemas::caseload)]
    caseload: CaseloadRecord,
});

/// `POST …/asye/{id}/caseload`: the worker's caseload on a date.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/caseload",
    summary = "Record an ASYE worker's caseload on a date",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = CaseloadBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn caseload(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: CaseloadBody = parse_body(&body)?;
    let change = AsyeChange::Caseload(body.caseload.clone());
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(DevelopmentTimeBody {
    /// `{on, minutes, activity}`.
    #[schema(schema_with = crate::schemas::development_time)]
    development_time: DevelopmentTime,
});

/// `POST …/asye/{id}/development-time`: development time taken.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/development-time",
    summary = "Record ASYE development time taken",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = DevelopmentTimeBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn development_time(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: DevelopmentTimeBody = parse_body(&body)?;
    let change = AsyeChange::DevelopmentTime(body.development_time.clone());
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ExtendBody {
    #[schema(value_type = i64, minimum = 0, maximum = 4_294_967_295_u64)]
    months: u32,
    extenuating: Option<String>,
});

/// `POST …/asye/{id}/extend`: extend the programme where the framework allows it.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/extend",
    summary = "Extend an ASYE programme where the framework allows it",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ExtendBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn extend(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: ExtendBody = parse_body(&body)?;
    let change = AsyeChange::Extend { months: body.months, extenuating: body.extenuating.clone() };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(RecommendBody {
    /// `pass` or `fail`.
    #[schema(schema_with = crate::schemas::asye_result)]
    result: AsyeResult,
    rationale: String,
});

/// `POST …/asye/{id}/recommend`: the assessor's recommendation after the final review.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/recommend",
    summary = "The ASYE assessor's recommendation after the final review",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = RecommendBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme", body = StoredAsye,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn recommend(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let body: RecommendBody = parse_body(&body)?;
    let change = AsyeChange::Recommend { result: body.result, rationale: body.rationale.clone() };
    change_asye(&state, &viewer, (&authority, &id), &headers, change, body.acting()).await
}

acting_body!(ModerateBody {
    /// `pass` or `fail`.
    #[schema(schema_with = crate::schemas::asye_result)]
    result: AsyeResult,
});

/// `POST …/asye/{id}/moderate`: moderation's decision; a pass opens the automatic route,
/// answered with the programme as `opened`.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/asye/{id}/moderate",
    summary = "Moderation's ASYE decision; a pass opens the framework's automatic route",
    params(
        ProgrammePath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *); 412 when the record is at another version"),
    ),
    request_body = ModerateBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the programme and the application a pass opened", body = Object,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the path, query, body or a header is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted: the rule is named (another team's record, a role not held that day, a panel seat), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not found in the caller's authority (and any other authority's records)", body = ErrorBody),
        (status = 409, description = "a conflict: the record changed meanwhile, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 412, description = "the record is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn moderate(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
    let id = programme_id(&id)?;
    let expected = if_match(&headers)?;
    let body: ModerateBody = parse_body(&body)?;
    let done = state.pathway.viewer_moderate(&viewer, &authority, id, expected, body.result, body.acting()).await?;
    let version = done.programme.meta.version.get();
    Ok(with_etag(done, version))
}

/// An application's step in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct StepPath {
    /// The caller's authority's id (any other answers 404).
    authority: String,
    /// The application's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
    /// The step's id in the route (`interview`, `part-1`...).
    step: String,
}

/// A panel in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct PanelPath {
    /// The caller's authority's id (any other answers 404).
    authority: String,
    /// The panel's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
}

/// An ASYE programme in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ProgrammePath {
    /// The caller's authority's id (any other answers 404).
    authority: String,
    /// The programme's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
}
