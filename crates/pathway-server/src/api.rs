//! The JSON API's resources under `/api/v1`. Each handler reads its input, calls one
//! `pathway-app` use case (the same the CLI calls) and renders the typed result: who may
//! see what is `pathway_app::viewer`'s, never decided here. What is HTTP's own is here:
//! `Idempotency-Key` replay, `ETag` / `If-Match`, and query and body parsing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::catalog::{self, FrameworkSummary};
use pathway_app::ladder::Ladder;
use pathway_app::model::StoredApplication;
use pathway_app::model::{ApplicationId, RouteId, parse_iso_date};
use pathway_app::pay::PayAnswer;
use pathway_app::pay::PayQuestion;
use pathway_app::progression::OpenApplication;
use pathway_app::reports::WorkerEligibility;
use pathway_app::viewer::{self, Replay, Viewer};
use pathway_app::viewer::{Page, WorkerDetail, WorkerLine};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::session::{AppState, Caller};

/// The header that marks an answer given again for a repeated `Idempotency-Key`.
pub(crate) const REPLAYED: &str = "idempotent-replayed";

/// The default and largest page of a list.
pub(crate) const DEFAULT_LIMIT: usize = 50;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(frameworks))
        .routes(routes!(framework))
        .routes(routes!(pay))
        .routes(routes!(workers))
        .routes(routes!(worker))
        .routes(routes!(eligibility))
        .routes(routes!(open_application))
        .routes(routes!(application))
        .routes(routes!(submit))
        .routes(routes!(openapi))
}

pub(crate) fn bad_query(rejection: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the query string is not what was expected: {rejection}"),
    )
    .on("query")
}

/// Path parameters, with a malformed one (not UTF-8 once decoded) answered as JSON like any
/// other bad input, not as axum's plain text.
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiPath<T>, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::new(
                rejection.status(),
                "bad_request",
                format!("the address is not what was expected: {}", rejection.body_text()),
            )
            .on("path")),
        }
    }
}

/// A body that could not be read (larger than the limit, or the connection failed).
pub(crate) fn bad_body(rejection: &BytesRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the request body is not what was expected: {}", rejection.body_text()),
    )
    .on("body")
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
#[utoipa::path(
    get,
    path = "/api/v1/frameworks",
    summary = "The bundled frameworks, summarised",
    responses(
        (status = 200, description = "the frameworks", body = Vec<FrameworkSummary>),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
    ),
)]
async fn frameworks() -> Response {
    Json(catalog::list()).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OnQuery {
    /// The date pay is shown for (YYYY-MM-DD); default today.
    #[param(format = Date, nullable = false)]
    on: Option<String>,
}

/// `GET /api/v1/frameworks/{id}?on=`: a bundled framework's ladder with pay on a date.
#[utoipa::path(
    get,
    path = "/api/v1/frameworks/{id}",
    summary = "A bundled framework's ladder, with pay on a date",
    params(("id" = String, Path, description = "a bundled framework's id"), OnQuery),
    responses(
        (status = 200, description = "the ladder", body = Ladder),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 404, description = "no bundled framework has this id", body = ErrorBody),
    ),
)]
async fn framework(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(viewer::public_ladder(&id, on, today(&state))?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PayQuery {
    /// A bundled framework's id.
    framework: String,
    /// The grade as the document prints it.
    grade: String,
    /// The point as the document prints it.
    point: String,
    /// The date (YYYY-MM-DD); default today.
    #[param(format = Date, nullable = false)]
    on: Option<String>,
}

/// `GET /api/v1/pay?framework&grade&point&on`: the salary at a grade and point on a date.
#[utoipa::path(
    get,
    path = "/api/v1/pay",
    summary = "The salary at a grade and point of a bundled framework on a date",
    params(PayQuery),
    responses(
        (status = 200, description = "the pay answer: the salary, with its allowances and sources", body = PayAnswer),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 404, description = "no bundled framework has this id, or it has no such grade or point \
            (unknown_grade, unknown_point)", body = ErrorBody),
    ),
)]
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// The next_cursor of the page before.
    #[param(nullable = false)]
    cursor: Option<String>,
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200, nullable = false)]
    limit: Option<usize>,
}

/// `GET /api/v1/authorities/{authority}/workers?cursor=&limit=`: the workers the caller
/// may see, by employee number, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers",
    summary = "The workers the caller may see, by employee number, a page at a time",
    params(AuthorityPath, PageQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "a page: items and next_cursor (null on the last page)", body = Page<WorkerLine>),
        (status = 400, description = "the query is malformed, or limit is outside 1 to 200", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
    ),
)]
async fn workers(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let page = state.pathway.viewer_workers(&viewer, &authority, query.cursor.as_deref(), limit).await?;
    Ok(Json(page).into_response())
}

/// `GET /api/v1/authorities/{authority}/workers/{number}`: level, grade, point and salary.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}",
    summary = "A worker's level, grade, point and salary today (own record, own team, or a system role)",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the worker", body = WorkerDetail,
            headers(("ETag" = String, description = "the record's version"))),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn worker(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let detail = state.pathway.viewer_worker(&viewer, &authority, &number).await?;
    let version = detail.version;
    Ok(with_etag(detail, version))
}

/// `GET /api/v1/authorities/{authority}/workers/{number}/eligibility`: every route out of
/// their level today.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/eligibility",
    summary = "Every route out of a worker's level today, met or not and why",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the worker's eligibility", body = WorkerEligibility),
        (status = 400, description = "the employee number is malformed, or the record cannot be assessed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn eligibility(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_eligibility(&viewer, &authority, &number).await?).into_response())
}

pub(crate) fn application_id(text: &str) -> Result<ApplicationId, ApiError> {
    text.parse::<ApplicationId>().map_err(|e| ApiError::from(AppError::from(e)).on("id"))
}

/// `GET /api/v1/authorities/{authority}/applications/{id}`: one application, with its
/// version as the ETag.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/applications/{id}",
    summary = "One application, with its steps and history",
    params(ApplicationPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application", body = StoredApplication,
            headers(("ETag" = String, description = "the application's version"))),
        (status = 400, description = "the id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "the application's worker is not the caller, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such application in the caller's authority", body = ErrorBody),
    ),
)]
async fn application(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let stored = state.pathway.viewer_application(&viewer, &authority, application_id(&id)?).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

pub(crate) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let bad = |e: serde_json::Error| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("the request body is not what was expected: {e}"))
            .on("body")
    };
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(bad)?;
    whole_numbers(&mut value);
    serde_json::from_value(value).map_err(bad)
}

/// JSON has one kind of number: `12.0` and `12` are the same value, and a client may write
/// either for a whole number. Read every whole number as an integer, so a field that holds
/// a count or an id takes `12.0`; a fraction (`12.5`) stays one and is refused where a whole
/// number is wanted.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64()
                && !n.is_i64()
                && !n.is_u64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = serde_json::Number::from(whole);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// An application to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    /// The worker's employee number.
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    worker: String,
    /// The route's id in the worker's framework.
    route: String,
    /// Whether the route's fast track applies.
    #[serde(default)]
    fast_track: bool,
    /// The role the caller acts in (`worker`, their own application, by default).
    role: Option<String>,
    /// Why, for the record: not blank.
    #[schema(pattern = "\\S")]
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications",
    summary = "Open an application (Idempotency-Key honoured)",
    params(
        AuthorityPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and body \
            answer the same again (Idempotent-Replayed: true); the same key with another body is 409"),
    ),
    request_body = OpenBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the application opened", body = StoredApplication,
            headers(("ETag" = String, description = "the application's version"))),
        (status = 400, description = "the body or the Idempotency-Key is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker or route in the caller's authority", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule (not_eligible...)", body = ErrorBody),
    ),
)]
async fn open_application(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| bad_body(&e))?;
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

/// Who acts, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActBody {
    /// The role the caller acts in; `worker` (their own) by default.
    pub(crate) role: Option<String>,
    /// Why, for the record: not blank.
    #[schema(pattern = "\\S")]
    pub(crate) why: String,
}

/// The version an `If-Match` header names: `"3"`, `W/"3"`, the bare `3`, or `*` (any).
/// Anything else is refused, as the document declares.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let quoted = text.strip_prefix("W/").unwrap_or(text);
    let digits = match quoted.strip_prefix('"') {
        Some(open) => open.strip_suffix('"').unwrap_or_default(),
        None if quoted.len() == text.len() => quoted,
        None => "",
    };
    let well_formed = (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    well_formed.then(|| digits.parse::<i64>().ok()).flatten().map(Some).ok_or_else(|| {
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/applications/{id}/submit",
    summary = "Submit a draft application (If-Match: 412 when it changed)",
    params(
        ApplicationPath,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#,
            description = "the ETag read (\"3\", W/\"3\" or *; the bare version 3 is read too)"),
    ),
    request_body = ActBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the application submitted", body = StoredApplication,
            headers(("ETag" = String, description = "the application's new version"))),
        (status = 400, description = "the id, the body or If-Match is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such application in the caller's authority", body = ErrorBody),
        (status = 409, description = "the application is not a draft, or changed meanwhile", body = ErrorBody),
        (status = 412, description = "the application is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn submit(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let id = application_id(&id)?;
    let body = body.map_err(|e| bad_body(&e))?;
    let expected = if_match(&headers)?;
    let body: ActBody = parse_body(&body)?;
    let stored =
        state.pathway.viewer_submit(&viewer, &authority, id, expected, body.role.as_deref(), &body.why).await?;
    let version = stored.meta.version.get();
    Ok(with_etag(stored, version))
}

/// `GET /api/openapi.json`: the API described in OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    summary = "This document",
    responses(
        (status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json", body = Object),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
    ),
)]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::served_text()).into_response()
}

/// An authority in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct AuthorityPath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
}

/// A worker in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct WorkerPath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
    /// The worker's employee number.
    #[param(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9][A-Za-z0-9/-]*$")]
    number: String,
}

/// An application in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct ApplicationPath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
    /// The application's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
}
