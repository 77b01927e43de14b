//! The JSON API for a worker's records under `/api/v1/authorities/{authority}`: evidence
//! with its files, portfolio coverage, attestations, awards and appraisals; the authority,
//! its organisation and posts; the workforce eligibility report; imports; and subject
//! access. As in `api.rs`, each handler parses its input, calls one `pathway-app`
//! `viewer_*` use case and renders the result; who may do what is `pathway_app`'s.
//!
//! Files arrive as `multipart/form-data`. A file part is read up to the configured limit
//! (`max_upload_bytes`) and no further; only the last part of the name it was sent with is
//! kept; its type is judged by its bytes in `pathway-app`, exactly as for a file the CLI
//! reads. A file is answered as an attachment, with `nosniff`, never shown inline.
//!
//! Not yet in the OpenAPI document: these handlers predate the generated document and still
//! need their `#[utoipa::path]` (and a row each in the generated access matrix) before they
//! move into `routes::documented`; until then `routes::router` adds them beside it.

use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pathway_app::AppError;
use pathway_app::import::ImportOptions;
use pathway_app::model::{EvidenceId, RouteId};
use pathway_app::organisation::PostInput;
use pathway_app::portfolio::{EvidenceEdit, FlagPick, NewEvidence, Upload};
use pathway_app::records::RecordAward;
use pathway_app::reports::report_csv;
use pathway_app::viewer_records::{AppraisalInput, AsRole, AttestationInput};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::{bad_query, create_once, date, if_match, parse_body, request_hash, with_etag};
use crate::error::ApiError;
use crate::session::{AppState, Caller};

/// The most files one evidence item takes in one request.
pub(crate) const MAX_FILES: usize = 10;

/// Room in a request for everything but the files (the record, its text, the boundaries).
const FORM_ALLOWANCE: usize = 1024 * 1024;

pub(crate) fn routes(max_upload_bytes: u64) -> Router<AppState> {
    let file = usize::try_from(max_upload_bytes).unwrap_or(usize::MAX);
    let evidence_limit = file.saturating_mul(MAX_FILES).saturating_add(FORM_ALLOWANCE);
    let sheet_limit = file.saturating_add(FORM_ALLOWANCE);
    const A: &str = "/api/v1/authorities/{authority}";
    Router::new()
        .route(A, get(authority))
        .route(&format!("{A}/organisation"), get(organisation))
        .route(&format!("{A}/posts"), get(posts).post(create_post))
        .route(&format!("{A}/posts/{{post}}/assign"), post(assign_post))
        .route(&format!("{A}/posts/{{post}}/vacate"), post(vacate_post))
        .route(&format!("{A}/units"), post(add_unit))
        .route(
            &format!("{A}/workers/{{number}}/evidence"),
            get(portfolio).post(add_evidence).layer(DefaultBodyLimit::max(evidence_limit)),
        )
        .route(&format!("{A}/workers/{{number}}/coverage"), get(coverage))
        .route(&format!("{A}/workers/{{number}}/attestations"), get(attestations).post(record_attestation))
        .route(&format!("{A}/workers/{{number}}/awards"), get(awards).post(record_award))
        .route(&format!("{A}/workers/{{number}}/appraisals"), get(appraisals).post(record_appraisal))
        .route(&format!("{A}/workers/{{number}}/subject-export"), get(subject_export))
        .route(&format!("{A}/evidence/{{id}}"), get(evidence).patch(edit_evidence))
        .route(&format!("{A}/evidence/{{id}}/authorise"), post(authorise_evidence))
        .route(&format!("{A}/evidence/{{id}}/check"), post(check_evidence))
        .route(&format!("{A}/evidence/{{id}}/clear"), post(clear_evidence))
        .route(&format!("{A}/evidence/{{id}}/files/{{sha256}}"), get(evidence_file))
        .route(&format!("{A}/reports/eligibility"), get(eligibility_report))
        .route(&format!("{A}/imports/workers"), post(import_workers).layer(DefaultBodyLimit::max(sheet_limit)))
        .route(
            &format!("{A}/imports/organisation"),
            post(import_organisation).layer(DefaultBodyLimit::max(sheet_limit)),
        )
}

fn evidence_id(text: &str) -> Result<EvidenceId, ApiError> {
    text.parse::<EvidenceId>().map_err(|e| ApiError::from(AppError::from(e)).on("id"))
}

fn today(state: &AppState) -> chrono::NaiveDate {
    state.pathway.clock().today()
}

// ---------------------------------------------------------------------------------------
// Multipart

fn bad_form(e: &MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "request_too_large",
            format!(
                "the request is larger than this server takes for it ({} files at most, each within the limit)",
                MAX_FILES
            ),
        )
        .on("body");
    }
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("the form is not what was expected: {e}")).on("body")
}

/// A form's text part, within a size that text has.
async fn text_part(field: Field<'_>, name: &str) -> Result<String, ApiError> {
    let bytes = read_part(field, name, FORM_ALLOWANCE as u64).await?;
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("the form's `{name}` is not UTF-8 text")).on(name)
    })
}

/// A part's bytes, refused past `limit` without reading further.
async fn read_part(mut field: Field<'_>, name: &str, limit: u64) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
        if (bytes.len() + chunk.len()) as u64 > limit {
            let shown = field.file_name().map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned());
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                format!(
                    "{}is larger than the most accepted, {} bytes; make it smaller (a PDF of scanned pages can often be saved smaller)",
                    shown.map(|n| format!("{n}: the file ")).unwrap_or_default(),
                    limit
                ),
            )
            .on(name));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn yes(text: &str, field: &str) -> Result<bool, ApiError> {
    match text.trim() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        other => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("`{other}` is not true or false"))
                .on(field))
        }
    }
}

fn unexpected_part(name: &str, expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the form has a part `{name}` this request does not take; it takes {expected}"),
    )
    .on(name)
}

/// A digest of a form's parts in order (name, file name, bytes): what makes two uploads the
/// same request whatever boundary the client chose.
#[derive(Debug, Default)]
struct FormDigest(Sha256);

impl FormDigest {
    fn part(&mut self, name: &str, file_name: Option<&str>, bytes: &[u8]) {
        for piece in [name.as_bytes(), file_name.unwrap_or("").as_bytes(), bytes] {
            self.0.update((piece.len() as u64).to_be_bytes());
            self.0.update(piece);
        }
    }

    fn finish(self) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

// ---------------------------------------------------------------------------------------
// Evidence

/// `GET .../workers/{number}/evidence`: the portfolio, oldest first (the reading is in the
/// audit trail).
async fn portfolio(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_portfolio(&viewer, &authority, &number).await?).into_response())
}

/// An evidence form: the record, the role and reason, and the files.
struct EvidenceForm {
    evidence: NewEvidence,
    role: Option<String>,
    why: String,
    uploads: Vec<Upload>,
    digest: Vec<u8>,
}

async fn evidence_form(state: &AppState, number: &str, mut form: Multipart) -> Result<EvidenceForm, ApiError> {
    const TAKES: &str = "`evidence` (JSON), `role`, `why` and `file` parts";
    let limit = state.pathway.config().max_upload_bytes;
    let mut digest = FormDigest::default();
    let (mut evidence, mut role, mut why, mut uploads) = (None, None, None, Vec::new());
    while let Some(field) = form.next_field().await.map_err(|e| bad_form(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        match name.as_str() {
            "file" => {
                if uploads.len() == MAX_FILES {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "too_many_files",
                        format!("an evidence item takes at most {MAX_FILES} files in one request"),
                    )
                    .on("file"));
                }
                let file_name = file_name.ok_or_else(|| {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "a `file` part needs a file name").on("file")
                })?;
                let bytes = read_part(field, "file", limit).await?;
                digest.part(&name, Some(&file_name), &bytes);
                uploads.push(Upload { name: file_name, bytes });
            }
            "evidence" | "role" | "why" => {
                let text = text_part(field, &name).await?;
                digest.part(&name, None, text.as_bytes());
                match name.as_str() {
                    "evidence" => evidence = Some(text),
                    "role" => role = Some(text),
                    _ => why = Some(text),
                }
            }
            other => return Err(unexpected_part(other, TAKES)),
        }
    }
    let text = evidence.ok_or_else(|| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "the form needs an `evidence` part: the item as JSON")
            .on("evidence")
    })?;
    let mut value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("the `evidence` part is not JSON: {e}"))
            .on("evidence")
    })?;
    // The worker is the one in the path; a different one in the record is a mistake.
    match value.get("worker").and_then(|w| w.as_str()) {
        Some(given) if given != number => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the item names worker {given}, but is sent to the portfolio of {number}"),
            )
            .on("evidence.worker"));
        }
        _ => {}
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("worker".into(), serde_json::Value::from(number));
    }
    let evidence: NewEvidence = serde_json::from_value(value).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the `evidence` part is not an evidence item: {e}"),
        )
        .on("evidence")
    })?;
    Ok(EvidenceForm {
        evidence,
        role,
        why: why.unwrap_or_else(|| "added through the API".to_owned()),
        uploads,
        digest: digest.finish(),
    })
}

/// `POST .../workers/{number}/evidence` (multipart/form-data): add an item with its files.
/// With an `Idempotency-Key`, the same form answers the same again.
async fn add_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, ApiError> {
    let form = evidence_form(&state, &number, form).await?;
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/evidence");
    let hash = request_hash(&Method::POST, &path, &form.digest);
    let act = AsRole { role: form.role.as_deref(), why: &form.why };
    let add =
        async { Ok(state.pathway.viewer_add_evidence(&viewer, &authority, &form.evidence, &form.uploads, act).await?) };
    create_once(&state, &viewer, &headers, &hash, add, |record| Some(record.meta.version.get())).await
}

/// `GET .../evidence/{id}`: one item, its version the ETag (the reading is in the audit trail).
async fn evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let record = state.pathway.viewer_evidence(&viewer, &authority, evidence_id(&id)?).await?;
    let version = record.meta.version.get();
    Ok(with_etag(record, version))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    title: Option<String>,
    text: Option<String>,
    pages: Option<u32>,
    pcf: Option<Vec<String>>,
    kss: Option<Vec<String>>,
    role: Option<String>,
    why: Option<String>,
}

/// `PATCH .../evidence/{id}`: change the title, text, pages or tags; with `If-Match`, only
/// if the item is still at that version (412 otherwise).
async fn edit_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let expected = if_match(&headers)?;
    let body: EditBody = parse_body(&body)?;
    let edit = EvidenceEdit { title: body.title, text: body.text, pages: body.pages, pcf: body.pcf, kss: body.kss };
    let why = body.why.unwrap_or_else(|| "edited through the API".to_owned());
    let act = AsRole { role: body.role.as_deref(), why: &why };
    let record = state.pathway.viewer_edit_evidence(&viewer, &authority, id, expected, &edit, act).await?;
    let version = record.meta.version.get();
    Ok(with_etag(record, version))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: Option<String>,
    why: Option<String>,
}

/// `POST .../evidence/{id}/authorise`: authorise in the role given (`If-Match` honoured).
async fn authorise_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let expected = if_match(&headers)?;
    let body: RoleBody = parse_body(&body)?;
    let why = body.why.unwrap_or_else(|| "authorised through the API".to_owned());
    let act = AsRole { role: body.role.as_deref(), why: &why };
    let record = state.pathway.viewer_authorise_evidence(&viewer, &authority, id, expected, act).await?;
    let version = record.meta.version.get();
    Ok(with_etag(record, version))
}

/// `POST .../evidence/{id}/check`: run the anonymisation check and record where it stands.
async fn check_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let body: RoleBody = if body.is_empty() { RoleBody { role: None, why: None } } else { parse_body(&body)? };
    let why = body.why.unwrap_or_else(|| "anonymisation check through the API".to_owned());
    let act = AsRole { role: body.role.as_deref(), why: &why };
    Ok(Json(state.pathway.viewer_check_evidence(&viewer, &authority, id, &[], "", act).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearBody {
    flags: Vec<FlagPick>,
    reason: String,
    role: Option<String>,
    why: Option<String>,
}

/// `POST .../evidence/{id}/clear`: clear flagged details that identify nobody, with the reason.
async fn clear_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let body: ClearBody = parse_body(&body)?;
    if body.flags.is_empty() {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "name at least one flag to clear").on("flags")
        );
    }
    let why = body.why.unwrap_or_else(|| body.reason.clone());
    let act = AsRole { role: body.role.as_deref(), why: &why };
    let check = state.pathway.viewer_check_evidence(&viewer, &authority, id, &body.flags, &body.reason, act).await?;
    Ok(Json(check).into_response())
}

/// A `Content-Disposition` naming the file for download: a plain-ASCII fallback and the
/// UTF-8 name percent-encoded (RFC 6266).
fn attachment(name: &str) -> HeaderValue {
    let plain: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

fn download(bytes: Vec<u8>, media_type: &'static str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    headers.insert(header::CONTENT_DISPOSITION, attachment(name));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// `GET .../evidence/{id}/files/{sha256}`: one of the item's files, as an attachment.
async fn evidence_file(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, id, sha256)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let (file, bytes) = state.pathway.viewer_evidence_file(&viewer, &authority, id, &sha256).await?;
    Ok(download(bytes, file.media_type().mime(), file.original_name()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageQuery {
    route: String,
    on: Option<String>,
}

/// `GET .../workers/{number}/coverage?route=&on=`: the portfolio against a route.
async fn coverage(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
    query: Result<Query<CoverageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    let route = RouteId::from(query.route.as_str());
    Ok(Json(state.pathway.viewer_coverage(&viewer, &authority, &number, &route, on).await?).into_response())
}

// ---------------------------------------------------------------------------------------
// The authority and its organisation

/// `GET /api/v1/authorities/{authority}`: the caller's authority, summarised.
async fn authority(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_authority(&viewer, &authority).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnQuery {
    on: Option<String>,
}

/// `GET .../organisation?on=`: units, posts and holders on a date (system roles).
async fn organisation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_organisation(&viewer, &authority, on).await?).into_response())
}

/// `GET .../posts?on=`: every post and its holder on a date (system roles).
async fn posts(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_posts(&viewer, &authority, on).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitBody {
    kind: String,
    name: String,
    parent: Option<String>,
}

/// `POST .../units`: add a service, locality or team (hr-admin, system-admin).
async fn add_unit(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let hash = request_hash(&Method::POST, &format!("/api/v1/authorities/{authority}/units"), &body);
    let add = async {
        let unit: UnitBody = parse_body(&body)?;
        Ok(state.pathway.viewer_add_unit(&viewer, &authority, &unit.kind, &unit.name, unit.parent.as_deref()).await?)
    };
    create_once(&state, &viewer, &headers, &hash, add, |_| None).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PostBody {
    unit: String,
    role: String,
    holder: Option<String>,
    from: Option<String>,
    reports_to: Option<i64>,
}

/// `POST .../posts`: create a post, held or vacant (hr-admin, system-admin).
async fn create_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let hash = request_hash(&Method::POST, &format!("/api/v1/authorities/{authority}/posts"), &body);
    let create = async {
        let post: PostBody = parse_body(&body)?;
        let input = PostInput {
            unit: post.unit,
            role: post.role,
            holder: post.holder,
            from: date(post.from.as_deref(), "from")?,
            reports_to: post.reports_to,
        };
        Ok(state.pathway.viewer_create_post(&viewer, &authority, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, create, |_| None).await
}

fn post_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().map_err(|_| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", format!("`{text}` is not a post number")).on("post")
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    worker: String,
    from: Option<String>,
}

/// `POST .../posts/{post}/assign`: the worker holds the post from a date (default today).
async fn assign_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, post)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let post = post_id(&post)?;
    let body: AssignBody = parse_body(&body)?;
    let from = date(body.from.as_deref(), "from")?;
    Ok(Json(state.pathway.viewer_assign_post(&viewer, &authority, post, &body.worker, from).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VacateBody {
    on: Option<String>,
}

/// `POST .../posts/{post}/vacate`: the post is vacant from a date (default today).
async fn vacate_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, post)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let post = post_id(&post)?;
    let body: VacateBody = if body.is_empty() { VacateBody { on: None } } else { parse_body(&body)? };
    let on = date(body.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_vacate_post(&viewer, &authority, post, on).await?).into_response())
}

// ---------------------------------------------------------------------------------------
// Attestations, awards, appraisals

/// `GET .../workers/{number}/attestations`.
async fn attestations(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_attestations(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestationBody {
    kind: String,
    what: Option<String>,
    on: String,
    note: Option<String>,
}

/// `POST .../workers/{number}/attestations`: recorded by the caller's person.
async fn record_attestation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/attestations");
    let hash = request_hash(&Method::POST, &path, &body);
    let record = async {
        let body: AttestationBody = parse_body(&body)?;
        let input = AttestationInput {
            kind: body.kind.parse().map_err(|e| ApiError::from(AppError::from(e)).on("kind"))?,
            what: body.what,
            on: date(Some(&body.on), "on")?.unwrap_or_else(|| today(&state)),
            note: body.note,
        };
        Ok(state.pathway.viewer_record_attestation(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

/// `GET .../workers/{number}/awards`.
async fn awards(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_awards(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AwardBody {
    kind: String,
    title: String,
    provider: Option<String>,
    completed_on: String,
    academic_level: Option<String>,
    credits: Option<u32>,
}

/// `POST .../workers/{number}/awards`: record an award (hr-admin, system-admin).
async fn record_award(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/awards");
    let hash = request_hash(&Method::POST, &path, &body);
    let record = async {
        let body: AwardBody = parse_body(&body)?;
        let input = RecordAward {
            worker: number.clone(),
            kind: body.kind,
            title: body.title,
            provider: body.provider,
            completed_on: date(Some(&body.completed_on), "completed_on")?.unwrap_or_else(|| today(&state)),
            academic_level: body.academic_level,
            credits: body.credits,
        };
        Ok(state.pathway.viewer_record_award(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

/// `GET .../workers/{number}/appraisals`.
async fn appraisals(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_appraisals(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppraisalBody {
    held_on: String,
    outcome: String,
    summary: Option<String>,
}

/// `POST .../workers/{number}/appraisals`: an appraisal the caller's person held.
async fn record_appraisal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/appraisals");
    let hash = request_hash(&Method::POST, &path, &body);
    let record = async {
        let body: AppraisalBody = parse_body(&body)?;
        let input = AppraisalInput {
            held_on: date(Some(&body.held_on), "held_on")?.unwrap_or_else(|| today(&state)),
            outcome: body.outcome,
            summary: body.summary,
        };
        Ok(state.pathway.viewer_record_appraisal(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

// ---------------------------------------------------------------------------------------
// Reports, imports, subject access

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    within_months: Option<u32>,
}

/// `GET .../reports/eligibility?within_months=`: the workforce report over the workers the
/// caller may see; CSV with `Accept: text/csv`.
async fn eligibility_report(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let within = query.within_months.unwrap_or(6);
    let report = state.pathway.viewer_workforce_report(&viewer, &authority, within).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/csv")));
    if wants_csv {
        let mut response = report_csv(&report)?.into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        return Ok(response);
    }
    Ok(Json(report).into_response())
}

/// An import form: the sheet and the switches.
struct SheetForm {
    name: String,
    bytes: Vec<u8>,
    dry_run: bool,
    skip_invalid: bool,
    create_teams: bool,
}

async fn sheet_form(state: &AppState, mut form: Multipart, takes_switches: bool) -> Result<SheetForm, ApiError> {
    let expected = if takes_switches {
        "`file`, `dry_run`, `skip_invalid` and `create_teams` parts"
    } else {
        "`file` and `dry_run` parts"
    };
    let limit = state.pathway.config().max_upload_bytes;
    let mut sheet =
        SheetForm { name: String::new(), bytes: Vec::new(), dry_run: false, skip_invalid: false, create_teams: false };
    let mut seen_file = false;
    while let Some(field) = form.next_field().await.map_err(|e| bad_form(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                sheet.name = field.file_name().unwrap_or("upload.csv").to_owned();
                sheet.bytes = read_part(field, "file", limit).await?;
                seen_file = true;
            }
            "dry_run" => sheet.dry_run = yes(&text_part(field, &name).await?, &name)?,
            "skip_invalid" if takes_switches => sheet.skip_invalid = yes(&text_part(field, &name).await?, &name)?,
            "create_teams" if takes_switches => sheet.create_teams = yes(&text_part(field, &name).await?, &name)?,
            other => return Err(unexpected_part(other, expected)),
        }
    }
    if !seen_file {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "the form needs a `file` part: the sheet").on("file")
        );
    }
    Ok(sheet)
}

/// `POST .../imports/workers` (multipart: `file`, `dry_run`, `skip_invalid`,
/// `create_teams`): the row report; one transaction (hr-admin, system-admin).
async fn import_workers(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    form: Multipart,
) -> Result<Response, ApiError> {
    let sheet = sheet_form(&state, form, true).await?;
    let options =
        ImportOptions { dry_run: sheet.dry_run, skip_invalid: sheet.skip_invalid, create_teams: sheet.create_teams };
    let report = state.pathway.viewer_import_workers(&viewer, &authority, &sheet.name, sheet.bytes, options).await?;
    let status = if report.is_clean() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

/// `POST .../imports/organisation` (multipart: `file`, `dry_run`): the row report; one
/// transaction (hr-admin, system-admin).
async fn import_organisation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path(authority): Path<String>,
    form: Multipart,
) -> Result<Response, ApiError> {
    let sheet = sheet_form(&state, form, false).await?;
    let report =
        state.pathway.viewer_import_organisation(&viewer, &authority, &sheet.name, sheet.bytes, sheet.dry_run).await?;
    let status = if report.is_clean() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

/// `GET .../workers/{number}/subject-export`: everything held about the worker, as the zip
/// `pathway export subject` writes (hr-admin; the export is in the audit trail).
async fn subject_export(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    Path((authority, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (export, bytes) = state.pathway.viewer_subject_export(&viewer, &authority, &number).await?;
    let name = format!("subject-access-{}-{}.zip", export.worker, export.made_at.format("%Y-%m-%d"));
    Ok(download(bytes, "application/zip", &name))
}
