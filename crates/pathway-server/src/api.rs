//! The JSON API's resources under `/api/v1`. Each handler reads its input, calls one
//! `pathway-app` use case (the same the CLI calls) and renders the typed result: who may
//! see what is `pathway_app::viewer`'s, never decided here. What is HTTP's own is here:
//! `Idempotency-Key` replay, `ETag` / `If-Match`, and query and body parsing.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::catalog;
use pathway_app::model::{ApplicationId, RouteId, parse_iso_date};
use pathway_app::pay::PayQuestion;
use pathway_app::progression::OpenApplication;
use pathway_app::viewer::{self, Replay, Viewer};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::session::{AppState, Caller};

/// The header that marks an answer given again for a repeated `Idempotency-Key`.
pub(crate) const REPLAYED: &str = "idempotent-replayed";

/// The default and largest page of a list.
pub(crate) const DEFAULT_LIMIT: usize = 50;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/frameworks", get(frameworks))
        .route("/api/v1/frameworks/{id}", get(framework))
        .route("/api/v1/pay", get(pay))
        .route("/api/v1/authorities/{authority}/workers", get(workers))
        .route("/api/v1/authorities/{authority}/workers/{number}", get(worker))
        .route("/api/v1/authorities/{authority}/workers/{number}/eligibility", get(eligibility))
        .route("/api/v1/authorities/{authority}/applications", post(open_application))
        .route("/api/v1/authorities/{authority}/applications/{id}", get(application))
        .route("/api/v1/authorities/{authority}/applications/{id}/submit", post(submit))
        .route("/api/openapi.json", get(openapi))
}

pub(crate) fn bad_query(rejection: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the query string is not what was expected: {rejection}"),
    )
    .on("query")
}

pub(crate) fn date(text: Option<&str>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    text.map(|t| {
        parse_iso_date(t).map_err(|reason| {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("`{t}` {reason}")).on(field)
        })
    })
    .transpose()
}

fn today(state: &AppState) -> NaiveDate {
    state.pathway.clock().today()
}

/// A strong ETag for a record version.
pub(crate) fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

pub(crate) fn with_etag(body: impl serde::Serialize, version: i64) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}

/// `GET /api/v1/frameworks`: the bundled frameworks, summarised.
async fn frameworks() -> Response {
    Json(catalog::list()).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnQuery {
    on: Option<String>,
}

/// `GET /api/v1/frameworks/{id}?on=`: a bundled framework's ladder with pay on a date.
async fn framework(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(viewer::public_ladder(&id, on, today(&state))?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayQuery {
    framework: String,
    grade: String,
    point: String,
    on: Option<String>,
}

/// `GET /api/v1/pay?framework&grade&point&on`: the salary at a grade and point on a date.
async fn pay(
    State(state): State<AppState>,
    query: Result<Query<PayQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?.unwrap_or_else(|| today(&state));
    let question = PayQuestion {
        framework: query.framework,
        grade: query.grade,
        point: query.point,
        on,
        started: None,
        promote_to: None,
    };
    Ok(Json(viewer::public_pay(&question)?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    cursor: Option<String>,
    limit: Option<usize>,
}

/// `GET /api/v1/authorities/{authority}/workers?cursor=&limit=`: the workers the caller
/// may see, by employee number, a page at a time.
async fn workers(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let page = state.pathway.viewer_workers(&viewer, &authority, query.cursor.as_deref(), limit).await?;
    Ok(Json(page).into_response())
}

/// `GET /api/v1/authorities/{authority}/workers/{number}`: level, grade, point and salary.
async fn worker(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let detail = state.pathway.viewer_worker(&viewer, &authority, &number).await?;
    let version = detail.version;
    Ok(with_etag(detail, version))
}

/// `GET /api/v1/authorities/{authority}/workers/{number}/eligibility`: every route out of
/// their level today.
async fn eligibility(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_eligibility(&viewer, &authority, &number).await?).into_response())
}

fn application_id(text: &str) -> Result<ApplicationId, ApiError> {
    text.parse::<ApplicationId>().map_err(|e| ApiError::from(AppError::from(e)).on("id"))
}

/// `GET /api/v1/authorities/{authority}/applications/{id}`: one application, with its
/// version as the ETag.
async fn application(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let stored = state.pathway.viewer_application(&viewer, &authority, application_id(&id)?).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

pub(crate) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("the request body is not what was expected: {e}"))
            .on("body")
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    /// The worker's employee number.
    worker: String,
    /// The route.
    route: String,
    #[serde(default)]
    fast_track: bool,
    /// The role the caller acts in (`worker`, their own application, by default).
    role: Option<String>,
    /// Why, for the record.
    why: String,
}

/// The SHA-256 of what makes a request the same request: method, path and body.
pub(crate) fn request_hash(method: &Method, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update(b" ");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn replayed(replay: Replay) -> Response {
    let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
    let mut response = (status, replay.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(HeaderName::from_static(REPLAYED), HeaderValue::from_static("true"));
    response
}

/// `POST /api/v1/authorities/{authority}/applications`: open an application. With an
/// `Idempotency-Key`, the same key and body answer the same again (stored in the database,
/// so any server answers it); the same key with another body is a conflict.
async fn open_application(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/applications");
    let hash = request_hash(&Method::POST, &path, &body);
    let open = open_once(&state, &viewer, &authority, &body);
    create_once(&state, &viewer, &headers, &hash, open, |stored| Some(stored.meta.version.get())).await
}

/// Answer a creating POST: 201 with what `create` made (and its version, where it has one,
/// as the ETag). With an `Idempotency-Key`, an answer given before to the same key and
/// request (`request_hash`) is given again, marked replayed, and `create` is not run; the
/// same key with another request is a conflict. Refusals are remembered too (a retried
/// refusal is refused the same), server errors are not (a retry may succeed).
pub(crate) async fn create_once<T: serde::Serialize>(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    request_hash: &str,
    create: impl Future<Output = Result<T, ApiError>>,
    version: impl Fn(&T) -> Option<i64>,
) -> Result<Response, ApiError> {
    let key = headers.get("idempotency-key").map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
    if let Some(key) = &key
        && let Some(replay) = state.pathway.viewer_replay(viewer, key, request_hash).await?
    {
        return Ok(replayed(replay));
    }
    let answer = create.await;
    let (status, text) = match &answer {
        Ok(made) => (StatusCode::CREATED, serde_json::to_string(made).unwrap_or_default()),
        Err(e) => (e.status(), serde_json::to_string(&e.body()).unwrap_or_default()),
    };
    if let Some(key) = &key
        && !status.is_server_error()
    {
        let replay = Replay { status: status.as_u16(), body: text.clone() };
        state.pathway.viewer_remember(viewer, key, request_hash, &replay).await?;
    }
    let mut response = (status, text).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(version) = answer.as_ref().ok().and_then(version) {
        response.headers_mut().insert(header::ETAG, etag(version));
    }
    Ok(response)
}

async fn open_once(
    state: &AppState,
    viewer: &Viewer,
    authority: &str,
    body: &Bytes,
) -> Result<pathway_app::model::StoredApplication, ApiError> {
    let body: OpenBody = parse_body(body)?;
    let input =
        OpenApplication { worker: body.worker, route: RouteId::from(body.route.as_str()), fast_track: body.fast_track };
    Ok(state.pathway.viewer_open(viewer, authority, &input, body.role.as_deref(), &body.why).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActBody {
    role: Option<String>,
    why: String,
}

/// The version an `If-Match` header names: `"3"`, `W/"3"` or `*` (any).
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("If-Match `{text}` is not an ETag this server gave (they look like \"3\")"),
        )
        .on("If-Match")
    })
}

/// `POST /api/v1/authorities/{authority}/applications/{id}/submit`: submit a draft. With
/// `If-Match`, only if the application is still at that version (412 otherwise).
async fn submit(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = application_id(&id)?;
    let expected = if_match(&headers)?;
    let body: ActBody = parse_body(&body)?;
    let stored =
        state.pathway.viewer_submit(&viewer, &authority, id, expected, body.role.as_deref(), &body.why).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

/// `GET /api/openapi.json`: the API described in OpenAPI 3.1.
async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}
