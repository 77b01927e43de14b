//! The JSON API for a worker's registration with Social Work England, their CPD, and the
//! appraisal cycle under `/api/v1/authorities/{authority}`: the registration history and
//! recording it (hr-admin, system-admin), registrations lapsing, CPD records and the
//! registration year's summary, and appraisals due. As in `api_records.rs`, each handler
//! parses its input, calls one `pathway_app::career` `viewer_*` use case and renders the
//! result; who may do what is `pathway_app`'s.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use pathway_app::career::{
    AppraisalDueReport, CpdInput, CpdLine, CpdSummaryView, LapsingReport, RegistrationInput, RegistrationLine,
};
use pathway_app::model::EvidenceId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiPath, AuthorityPath, WorkerPath, bad_query, create_once, date, parse_body, request_hash};
use crate::error::{ApiError, ErrorBody};
use crate::session::{AppState, Caller};

/// The furthest a due or lapsing report looks ahead, in days (ten years).
const MAX_WITHIN_DAYS: u32 = 3660;

/// The career endpoints, documented.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(registrations, record_registration))
        .routes(routes!(registrations_lapsing))
        .routes(routes!(cpd_records, record_cpd))
        .routes(routes!(cpd_summary))
        .routes(routes!(appraisals_due))
}

fn today(state: &AppState) -> chrono::NaiveDate {
    state.pathway.clock().today()
}

/// `GET .../workers/{number}/registrations`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/registrations",
    summary = "A worker's registration with Social Work England, every record kept",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the registration records, earliest in force first", body = Vec<RegistrationLine>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn registrations(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_registrations(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RegistrationBody {
    /// The registration number: SW followed by digits.
    #[schema(pattern = "^\\s*[Ss][Ww]\\s*[0-9]{1,9}\\s*$")]
    number: String,
    /// Standing on the register.
    #[schema(pattern = "^(registered|registered-with-conditions|suspended|removed|lapsed|applied)$")]
    status: String,
    /// The conditions of practice: with `registered-with-conditions`, and only then.
    conditions: Option<String>,
    /// When it must next be renewed (YYYY-MM-DD), not before `effective_on`.
    #[schema(format = Date)]
    renewal_due: Option<String>,
    /// The first day the register said this (YYYY-MM-DD), not after today; default today.
    #[schema(format = Date)]
    effective_on: Option<String>,
    /// Where it was checked, a reference.
    note: Option<String>,
}

/// `POST .../workers/{number}/registrations`: record what the register says (hr-admin,
/// system-admin).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/registrations",
    summary = "Record a worker's registration from a date (hr-admin, system-admin; Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = RegistrationBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the registration recorded", body = RegistrationLine),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn record_registration(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/registrations");
    let hash = request_hash(&Method::POST, &path, &body);
    let record = async {
        let body: RegistrationBody = parse_body(&body)?;
        let input = RegistrationInput {
            number: body.number,
            status: body.status,
            conditions: body.conditions,
            renewal_due: date(body.renewal_due.as_deref(), "renewal_due")?,
            effective_on: date(body.effective_on.as_deref(), "effective_on")?,
            note: body.note,
        };
        Ok(state.pathway.viewer_record_registration(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct WithinQuery {
    /// How far ahead to look, in days: 0 to 3660.
    #[param(nullable = false, minimum = 0, maximum = 3660)]
    within_days: Option<u32>,
}

fn within(query: Result<Query<WithinQuery>, QueryRejection>, default: u32) -> Result<u32, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let days = query.within_days.unwrap_or(default);
    if days > MAX_WITHIN_DAYS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("within_days is at most {MAX_WITHIN_DAYS} (ten years)"),
        )
        .on("within_days"));
    }
    Ok(days)
}

/// `GET .../reports/registrations-lapsing?within_days=`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/reports/registrations-lapsing",
    summary = "Who is not registered today, or must renew within the window (default 60 days), over the workers the caller may see",
    params(AuthorityPath, WithinQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the report", body = LapsingReport),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
    ),
)]
async fn registrations_lapsing(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<WithinQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let days = within(query, 60)?;
    Ok(Json(state.pathway.viewer_registration_lapsing(&viewer, &authority, days).await?).into_response())
}

/// `GET .../workers/{number}/cpd`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/cpd",
    summary = "A worker's CPD records",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the CPD records, earliest first", body = Vec<CpdLine>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn cpd_records(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_cpd(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CpdBody {
    /// The day of the learning (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    on: String,
    /// What it was.
    #[schema(pattern = "\\S")]
    title: String,
    /// The activity, in the worker's words.
    description: Option<String>,
    /// What they learned and how it changed their practice.
    #[schema(pattern = "\\S")]
    reflection: String,
    /// The peer they reflected with: a colleague's employee number (not with `peer_name`).
    peer: Option<String>,
    /// The peer they reflected with: a name from outside (not with `peer`).
    peer_name: Option<String>,
    /// Evidence items of the worker's own portfolio it draws on.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    evidence: Vec<EvidenceId>,
}

/// `POST .../workers/{number}/cpd`: a piece of CPD, by the worker or by HR for them.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/cpd",
    summary = "Record a piece of CPD: the caller's own, or for a worker as hr-admin or system-admin (Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = CpdBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the CPD record", body = CpdLine),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn record_cpd(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/cpd");
    let hash = request_hash(&Method::POST, &path, &body);
    let record = async {
        let body: CpdBody = parse_body(&body)?;
        let input = CpdInput {
            on: date(Some(&body.on), "on")?.unwrap_or_else(|| today(&state)),
            title: body.title,
            description: body.description,
            reflection: body.reflection,
            peer: body.peer,
            peer_name: body.peer_name,
            evidence: body.evidence,
        };
        Ok(state.pathway.viewer_record_cpd(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct YearQuery {
    /// The registration year by the year it ends in (2026: 1 December 2025 to 30 November
    /// 2026); default the year today is in.
    #[param(nullable = false, minimum = 2000, maximum = 2200)]
    year: Option<i32>,
}

/// `GET .../workers/{number}/cpd/summary?year=`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/cpd/summary",
    summary = "A worker's CPD in a registration year against Social Work England's minimum, and whether the renewal window is open",
    params(WorkerPath, YearQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the summary", body = CpdSummaryView),
        (status = 400, description = "the query or employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn cpd_summary(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    Ok(Json(state.pathway.viewer_cpd_summary(&viewer, &authority, &number, query.year).await?).into_response())
}

/// `GET .../reports/appraisals-due?within_days=`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/reports/appraisals-due",
    summary = "Whose next appraisal is due within the window (default 30 days; overdue included), over the workers the caller may see",
    params(AuthorityPath, WithinQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the report", body = AppraisalDueReport),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn appraisals_due(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<WithinQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let days = within(query, 30)?;
    Ok(Json(state.pathway.viewer_appraisals_due(&viewer, &authority, days).await?).into_response())
}
