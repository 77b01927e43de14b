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
//! Each handler carries its `#[utoipa::path]`, and `routes` adds them to the documented
//! router with `routes!`, as `api.rs` does; the multipart forms are described by types that
//! exist only for the document (`EvidenceUpload`, `WorkersSheet`, `OrganisationSheet`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pathway_app::AppError;
use pathway_app::import::ImportOptions;
use pathway_app::import::ImportReport;
use pathway_app::import::organisation::OrganisationReport;
use pathway_app::model::{EvidenceId, RouteId};
use pathway_app::organisation::{AuthoritySummary, OrganisationView, PostInput, PostView, UnitView};
use pathway_app::portfolio::{AnonymisationCheck, EvidenceEdit, EvidenceRecord, FlagPick, NewEvidence, Upload};
use pathway_app::records::{AppraisalLine, AttestationLine, AwardLine, RecordAward};
use pathway_app::reports::report_csv;
use pathway_app::viewer_records::{AppraisalInput, AsRole, AttestationInput};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    ApiPath, AuthorityPath, WorkerPath, bad_query, create_once, date, if_match, parse_body, request_hash, with_etag,
};
use crate::error::{ApiError, ErrorBody};
use crate::session::{AppState, Caller};

/// The furthest the eligibility report looks ahead, in months.
const MAX_WITHIN_MONTHS: u32 = 120;

/// The most files one evidence item takes in one request.
pub(crate) const MAX_FILES: usize = 10;

/// Room in a request for everything but the files (the record, its text, the boundaries).
const FORM_ALLOWANCE: usize = 1024 * 1024;

/// The records endpoints, documented; the forms that carry files take up to their limit
/// (`max_upload_bytes` a file), everything else axum's default.
pub(crate) fn routes(max_upload_bytes: u64) -> OpenApiRouter<AppState> {
    let file = usize::try_from(max_upload_bytes).unwrap_or(usize::MAX);
    let evidence_limit = file.saturating_mul(MAX_FILES).saturating_add(FORM_ALLOWANCE);
    let sheet_limit = file.saturating_add(FORM_ALLOWANCE);
    let uploads =
        OpenApiRouter::new().routes(routes!(portfolio, add_evidence)).layer(DefaultBodyLimit::max(evidence_limit));
    let sheets = OpenApiRouter::new()
        .routes(routes!(import_workers))
        .routes(routes!(import_organisation))
        .layer(DefaultBodyLimit::max(sheet_limit));
    OpenApiRouter::new()
        .routes(routes!(authority))
        .routes(routes!(organisation))
        .routes(routes!(posts, create_post))
        .routes(routes!(assign_post))
        .routes(routes!(vacate_post))
        .routes(routes!(add_unit))
        .merge(uploads)
        .routes(routes!(coverage))
        .routes(routes!(attestations, record_attestation))
        .routes(routes!(awards, record_award))
        .routes(routes!(appraisals, record_appraisal))
        .routes(routes!(subject_export))
        .routes(routes!(evidence, edit_evidence))
        .routes(routes!(authorise_evidence))
        .routes(routes!(check_evidence))
        .routes(routes!(clear_evidence))
        .routes(routes!(evidence_file))
        .routes(routes!(eligibility_report))
        .merge(sheets)
}

/// An evidence item in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct EvidencePath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
    /// The evidence item's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
}

/// One of an evidence item's files in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct EvidenceFilePath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
    /// The evidence item's id.
    #[param(minimum = 1, format = Int64)]
    id: i64,
    /// The file's SHA-256, as the item lists it (64 hex digits).
    #[param(pattern = "^[0-9a-f]{64}$")]
    sha256: String,
}

/// A post in the path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct PostPath {
    /// The authority's id; signed in, the caller's own (any other answers 404).
    #[param(min_length = 2, max_length = 63, pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    authority: String,
    /// The post's number.
    #[param(minimum = 1, format = Int64)]
    post: i64,
}

/// The evidence form (`multipart/form-data`), as the document describes it.
#[derive(ToSchema)]
#[allow(dead_code)]
struct EvidenceUpload {
    /// The item as JSON: `kind`, `title`, `text`, `pages`, `pcf`, `kss`... (`worker`, when
    /// given, must be the one in the path).
    evidence: String,
    /// The role the caller acts in (`worker` by default).
    #[schema(required = false)]
    role: String,
    /// Why, for the record.
    #[schema(required = false)]
    why: String,
    /// Up to 10 files, each within the configured size; each part needs a file name.
    #[schema(value_type = Vec<String>, format = Binary, required = false)]
    file: Vec<Vec<u8>>,
}

/// A workers sheet to import (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
struct WorkersSheet {
    /// The sheet (CSV or XLSX).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true` to check without writing.
    #[schema(required = false)]
    dry_run: bool,
    /// `true` to write the good rows and report the rest.
    #[schema(required = false)]
    skip_invalid: bool,
    /// `true` to create the teams the sheet names that do not exist.
    #[schema(required = false)]
    create_teams: bool,
}

/// An organisation sheet to import (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
struct OrganisationSheet {
    /// The sheet (CSV or XLSX).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true` to check without writing.
    #[schema(required = false)]
    dry_run: bool,
}

/// A file's bytes, answered as an attachment.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Download(Vec<u8>);

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

/// A request that is not `multipart/form-data` (or has no boundary), answered as JSON.
fn not_a_form(rejection: &MultipartRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the request is not the multipart/form-data this takes: {}", rejection.body_text()),
    )
    .on("body")
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
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/evidence",
    summary = "A worker's portfolio: their evidence items, oldest first",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the items (the reading is in the audit trail)", body = Vec<EvidenceRecord>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn portfolio(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/evidence",
    summary = "Add an evidence item with its files (multipart/form-data; Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body(content_type = "multipart/form-data", content = EvidenceUpload),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the item added", body = EvidenceRecord, headers(("ETag" = String, description = "the item's version"))),
        (status = 400, description = "the form, a part or the item is malformed (field names which), or more than 10 files", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 413, description = "a file, or the whole form, is larger than this server takes (`file_too_large`, `request_too_large`)", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn add_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = evidence_form(&state, &number, form.map_err(|e| not_a_form(&e))?).await?;
    let path = format!("/api/v1/authorities/{authority}/workers/{number}/evidence");
    let hash = request_hash(&Method::POST, &path, &form.digest);
    let act = AsRole { role: form.role.as_deref(), why: &form.why };
    let add =
        async { Ok(state.pathway.viewer_add_evidence(&viewer, &authority, &form.evidence, &form.uploads, act).await?) };
    create_once(&state, &viewer, &headers, &hash, add, |record| Some(record.meta.version.get())).await
}

/// `GET .../evidence/{id}`: one item, its version the ETag (the reading is in the audit trail).
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/evidence/{id}",
    summary = "One evidence item, its version the ETag",
    params(EvidencePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the item (the reading is in the audit trail)", body = EvidenceRecord, headers(("ETag" = String, description = "the item's version"))),
        (status = 400, description = "the id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such evidence item in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let record = state.pathway.viewer_evidence(&viewer, &authority, evidence_id(&id)?).await?;
    let version = record.meta.version.get();
    Ok(with_etag(record, version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EditBody {
    title: Option<String>,
    text: Option<String>,
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 4_294_967_295_u64)]
    pages: Option<u32>,
    pcf: Option<Vec<String>>,
    kss: Option<Vec<String>>,
    role: Option<String>,
    why: Option<String>,
}

/// `PATCH .../evidence/{id}`: change the title, text, pages or tags; with `If-Match`, only
/// if the item is still at that version (412 otherwise).
#[utoipa::path(
    patch,
    path = "/api/v1/authorities/{authority}/evidence/{id}",
    summary = "Change an evidence item's title, text, pages or tags (If-Match: 412 when it changed)",
    params(EvidencePath, ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *; the bare version 3 is read too)"),),
    request_body = EditBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the item changed (clearances the change voided are listed)", body = EvidenceRecord, headers(("ETag" = String, description = "the item's new version"))),
        (status = 400, description = "the id, the body or If-Match is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such evidence item in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "the item changed meanwhile, or can no longer be changed", body = ErrorBody),
        (status = 412, description = "the item is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn edit_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: Option<String>,
    why: Option<String>,
}

/// `POST .../evidence/{id}/authorise`: authorise in the role given (`If-Match` honoured).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/evidence/{id}/authorise",
    summary = "Authorise an evidence item in the role given (If-Match: 412 when it changed)",
    params(EvidencePath, ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|[0-9]{1,18}|(W/)?"[0-9]{1,18}")$"#, description = "the ETag read (\"3\", W/\"3\" or *; the bare version 3 is read too)"),),
    request_body = RoleBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the item authorised", body = EvidenceRecord, headers(("ETag" = String, description = "the item's new version"))),
        (status = 400, description = "the id, the body or If-Match is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such evidence item in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "the item changed meanwhile, or is not in a state to authorise", body = ErrorBody),
        (status = 412, description = "the item is not at the version If-Match names", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn authorise_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/evidence/{id}/check",
    summary = "Run the anonymisation check on an evidence item and record where it stands",
    params(EvidencePath),
    request_body(content = Option<RoleBody>, description = "the role and why; may be empty or null"),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the check: flags outstanding and cleared, and where the item stands", body = AnonymisationCheck),
        (status = 400, description = "the id or the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such evidence item in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "the item changed meanwhile", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn check_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let body: Option<RoleBody> = if body.is_empty() { None } else { parse_body(&body)? };
    let body = body.unwrap_or(RoleBody { role: None, why: None });
    let why = body.why.unwrap_or_else(|| "anonymisation check through the API".to_owned());
    let act = AsRole { role: body.role.as_deref(), why: &why };
    Ok(Json(state.pathway.viewer_check_evidence(&viewer, &authority, id, &[], "", act).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ClearBody {
    /// The flags to clear, as the check numbered them.
    #[schema(min_items = 1)]
    flags: Vec<FlagPick>,
    /// Why they identify nobody.
    reason: String,
    role: Option<String>,
    why: Option<String>,
}

/// `POST .../evidence/{id}/clear`: clear flagged details that identify nobody, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/evidence/{id}/clear",
    summary = "Clear flagged details that identify nobody, with the reason",
    params(EvidencePath),
    request_body = ClearBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the check after clearing", body = AnonymisationCheck),
        (status = 400, description = "the id or the body is malformed, or no flag is named (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such evidence item in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "the item changed meanwhile", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn clear_evidence(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id)): ApiPath<(String, String)>,
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
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/evidence/{id}/files/{sha256}",
    summary = "One of an evidence item's files, as an attachment",
    params(EvidenceFilePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the file's bytes, as an attachment (Content-Type from its bytes, nosniff)", content_type = "application/octet-stream", body = Download, headers(("Content-Disposition" = String, description = "attachment, with the file's name"))),
        (status = 400, description = "the id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such item, or it has no such file, in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn evidence_file(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, id, sha256)): ApiPath<(String, String, String)>,
) -> Result<Response, ApiError> {
    let id = evidence_id(&id)?;
    let (file, bytes) = state.pathway.viewer_evidence_file(&viewer, &authority, id, &sha256).await?;
    Ok(download(bytes, file.media_type().mime(), file.original_name()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CoverageQuery {
    /// A route's id in the worker's framework (`level-2-to-level-3`).
    route: String,
    /// The day (YYYY-MM-DD); default today.
    #[param(format = Date, nullable = false)]
    on: Option<String>,
}

/// `GET .../workers/{number}/coverage?route=&on=`: the portfolio against a route.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/coverage",
    summary = "A worker's portfolio against a route's requirements",
    params(WorkerPath, CoverageQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the coverage: each requirement met or not, by which items", body = Object),
        (status = 400, description = "the employee number or the query is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker or route in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn coverage(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
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
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}",
    summary = "The caller's authority, summarised",
    params(AuthorityPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the authority: frameworks, and how many units, posts and workers", body = AuthoritySummary),
        (status = 400, description = "the authority is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
    ),
)]
async fn authority(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_authority(&viewer, &authority).await?).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OnQuery {
    /// The day (YYYY-MM-DD); default today.
    #[param(format = Date, nullable = false)]
    on: Option<String>,
}

/// `GET .../organisation?on=`: units, posts and holders on a date (system roles).
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/organisation",
    summary = "Units, posts and who holds them on a date (system roles)",
    params(AuthorityPath, OnQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the organisation on the day", body = OrganisationView),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
    ),
)]
async fn organisation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_organisation(&viewer, &authority, on).await?).into_response())
}

/// `GET .../posts?on=`: every post and its holder on a date (system roles).
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/posts",
    summary = "Every post and its holder on a date (system roles)",
    params(AuthorityPath, OnQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the posts on the day", body = Vec<PostView>),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
    ),
)]
async fn posts(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let on = date(query.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_posts(&viewer, &authority, on).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UnitBody {
    /// `service`, `locality` or `team`.
    #[schema(pattern = "^(service|locality|team)$")]
    kind: String,
    /// Its name.
    #[schema(pattern = "\\S")]
    name: String,
    /// The unit it sits in (its id or name); the top when left out.
    parent: Option<String>,
}

/// `POST .../units`: add a service, locality or team (hr-admin, system-admin).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/units",
    summary = "Add a service, locality or team (hr-admin, system-admin; Idempotency-Key honoured)",
    params(AuthorityPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = UnitBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the unit added", body = UnitView),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such parent unit in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn add_unit(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PostBody {
    /// The unit (its id or name).
    #[schema(pattern = "\\S")]
    unit: String,
    /// A role of the framework in force.
    #[schema(pattern = "\\S")]
    role: String,
    /// Who holds it (employee number); vacant when left out.
    holder: Option<String>,
    /// Held from (YYYY-MM-DD); default today.
    #[schema(format = Date)]
    from: Option<String>,
    /// The post it reports to.
    #[schema(minimum = 1)]
    reports_to: Option<i64>,
}

/// `POST .../posts`: create a post, held or vacant (hr-admin, system-admin).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/posts",
    summary = "Create a post, held or vacant (hr-admin, system-admin; Idempotency-Key honoured)",
    params(AuthorityPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = PostBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the post created", body = PostView),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such unit, worker or post in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn create_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AssignPostBody {
    /// The worker's employee number.
    worker: String,
    /// From (YYYY-MM-DD); default today.
    #[schema(format = Date)]
    from: Option<String>,
}

/// `POST .../posts/{post}/assign`: the worker holds the post from a date (default today).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/posts/{post}/assign",
    summary = "The worker holds the post from a date, default today (hr-admin, system-admin)",
    params(PostPath),
    request_body = AssignPostBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the post, held", body = PostView),
        (status = 400, description = "the post number or the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such post or worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn assign_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, post)): ApiPath<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let post = post_id(&post)?;
    let body: AssignPostBody = parse_body(&body)?;
    let from = date(body.from.as_deref(), "from")?;
    Ok(Json(state.pathway.viewer_assign_post(&viewer, &authority, post, &body.worker, from).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct VacateBody {
    /// Vacant from (YYYY-MM-DD); default today.
    #[schema(format = Date)]
    on: Option<String>,
}

/// `POST .../posts/{post}/vacate`: the post is vacant from a date (default today).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/posts/{post}/vacate",
    summary = "The post is vacant from a date, default today (hr-admin, system-admin)",
    params(PostPath),
    request_body(content = Option<VacateBody>, description = "the day; may be empty"),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the post, vacant", body = PostView),
        (status = 400, description = "the post number or the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such post in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn vacate_post(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, post)): ApiPath<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let post = post_id(&post)?;
    let body: Option<VacateBody> = if body.is_empty() { None } else { parse_body(&body)? };
    let body = body.unwrap_or(VacateBody { on: None });
    let on = date(body.on.as_deref(), "on")?;
    Ok(Json(state.pathway.viewer_vacate_post(&viewer, &authority, post, on).await?).into_response())
}

// ---------------------------------------------------------------------------------------
// Attestations, awards, appraisals

/// `GET .../workers/{number}/attestations`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/attestations",
    summary = "A worker's attestations",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the attestations", body = Vec<AttestationLine>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn attestations(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_attestations(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AttestationBody {
    /// What it records.
    #[schema(pattern = "^(endorsement|supervision-intent|assessment|accreditation)$")]
    kind: String,
    /// The standard set (`kss.ps`, `pcf.advanced`), the accreditation's name, or what was
    /// endorsed or raised.
    what: Option<String>,
    /// The day it happened (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    on: String,
    note: Option<String>,
}

/// `POST .../workers/{number}/attestations`: recorded by the caller's person.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/attestations",
    summary = "Record an attestation, by the caller's person (Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = AttestationBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the attestation recorded", body = AttestationLine),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn record_attestation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
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
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/awards",
    summary = "A worker's awards and courses",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the awards", body = Vec<AwardLine>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn awards(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_awards(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AwardBody {
    /// What kind of award.
    #[schema(
        pattern = "^(pq-award|peps-stage-1|peps-stage-2|postgraduate-certificate|postgraduate-diploma|masters|course)$"
    )]
    kind: String,
    /// Its title.
    #[schema(pattern = "\\S")]
    title: String,
    /// Who awarded it.
    provider: Option<String>,
    /// The day it was completed (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    completed_on: String,
    /// Its FHEQ level, 3 to 8 (7 is Master's level).
    #[schema(pattern = "^[3-8]$")]
    academic_level: Option<String>,
    /// The credits it carries, above 0.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 4_294_967_295_u64)]
    credits: Option<u32>,
}

/// `POST .../workers/{number}/awards`: record an award (hr-admin, system-admin).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/awards",
    summary = "Record an award or course (hr-admin, system-admin; Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = AwardBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the award recorded", body = AwardLine),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn record_award(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
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
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/appraisals",
    summary = "A worker's appraisals",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the appraisals", body = Vec<AppraisalLine>),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not the caller's own record, nor someone they hold a post over", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn appraisals(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(state.pathway.viewer_appraisals(&viewer, &authority, &number).await?).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AppraisalBody {
    /// The day it was held (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    held_on: String,
    /// What it concluded about progression.
    #[schema(pattern = "^(ready-to-apply-for-progression|meeting-expectations|not-yet-ready|performance-concerns)$")]
    outcome: String,
    summary: Option<String>,
    /// The objectives agreed for the next cycle.
    objectives: Option<String>,
    /// The development plan agreed.
    development_plan: Option<String>,
}

/// `POST .../workers/{number}/appraisals`: an appraisal the caller's person held.
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/workers/{number}/appraisals",
    summary = "Record an appraisal the caller's person held (Idempotency-Key honoured)",
    params(WorkerPath, ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]+$", description = "1 to 200 visible ASCII characters: the same key and request answer the same again (Idempotent-Replayed: true); the same key with another request is 409"),),
    request_body = AppraisalBody,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "the appraisal recorded", body = AppraisalLine),
        (status = 400, description = "the body is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not permitted (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
        (status = 409, description = "a conflict, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn record_appraisal(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
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
            objectives: body.objectives,
            development_plan: body.development_plan,
        };
        Ok(state.pathway.viewer_record_appraisal(&viewer, &authority, &number, &input).await?)
    };
    create_once(&state, &viewer, &headers, &hash, record, |_| None).await
}

// ---------------------------------------------------------------------------------------
// Reports, imports, subject access

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// How far ahead "upcoming" looks, in months: 0 to 120; default 6.
    #[param(nullable = false, minimum = 0, maximum = 120)]
    within_months: Option<u32>,
}

/// `GET .../reports/eligibility?within_months=`: the workforce report over the workers the
/// caller may see; CSV with `Accept: text/csv`.
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/reports/eligibility",
    summary = "The workforce eligibility report over the workers the caller may see (JSON, or CSV with Accept: text/csv)",
    params(AuthorityPath, ReportQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the report", content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, description = "the query is malformed (field names it)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
        (status = 422, description = "refused by a rule", body = ErrorBody),
    ),
)]
async fn eligibility_report(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| bad_query(&e))?;
    let within = query.within_months.unwrap_or(6);
    if within > MAX_WITHIN_MONTHS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("within_months is at most {MAX_WITHIN_MONTHS} (ten years)"),
        )
        .on("within_months"));
    }
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
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/imports/workers",
    summary = "Import workers from a sheet, in one transaction (hr-admin, system-admin)",
    params(AuthorityPath),
    request_body(content_type = "multipart/form-data", content = WorkersSheet),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "every row good: the row report (written unless a dry run)", body = ImportReport),
        (status = 400, description = "the form or a part is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
        (status = 413, description = "a file, or the whole form, is larger than this server takes (`file_too_large`, `request_too_large`)", body = ErrorBody),
        (status = 422, description = "a row has a problem: the row report (nothing written unless skip_invalid)", body = ImportReport),
    ),
)]
async fn import_workers(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let sheet = sheet_form(&state, form.map_err(|e| not_a_form(&e))?, true).await?;
    let options =
        ImportOptions { dry_run: sheet.dry_run, skip_invalid: sheet.skip_invalid, create_teams: sheet.create_teams };
    let report = state.pathway.viewer_import_workers(&viewer, &authority, &sheet.name, sheet.bytes, options).await?;
    let status = if report.is_clean() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

/// `POST .../imports/organisation` (multipart: `file`, `dry_run`): the row report; one
/// transaction (hr-admin, system-admin).
#[utoipa::path(
    post,
    path = "/api/v1/authorities/{authority}/imports/organisation",
    summary = "Import units and posts from a sheet, in one transaction (hr-admin, system-admin)",
    params(AuthorityPath),
    request_body(content_type = "multipart/form-data", content = OrganisationSheet),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "every row good: the row report (written unless a dry run)", body = OrganisationReport),
        (status = 400, description = "the form or a part is malformed (field names which)", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not one of the system roles that may (the rule is named), a read-only token, or CSRF refused", body = ErrorBody),
        (status = 404, description = "not the caller's authority (answered as for one that does not exist)", body = ErrorBody),
        (status = 413, description = "a file, or the whole form, is larger than this server takes (`file_too_large`, `request_too_large`)", body = ErrorBody),
        (status = 422, description = "a row has a problem: the row report (nothing written)", body = OrganisationReport),
    ),
)]
async fn import_organisation(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath(authority): ApiPath<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let sheet = sheet_form(&state, form.map_err(|e| not_a_form(&e))?, false).await?;
    let report =
        state.pathway.viewer_import_organisation(&viewer, &authority, &sheet.name, sheet.bytes, sheet.dry_run).await?;
    let status = if report.is_clean() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

/// `GET .../workers/{number}/subject-export`: everything held about the worker, as the zip
/// `pathway export subject` writes (hr-admin; the export is in the audit trail).
#[utoipa::path(
    get,
    path = "/api/v1/authorities/{authority}/workers/{number}/subject-export",
    summary = "Everything held about a worker, as a zip (hr-admin; the export is in the audit trail)",
    params(WorkerPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the subject access export", content_type = "application/zip", body = Download, headers(("Content-Disposition" = String, description = "attachment, with the export's name"))),
        (status = 400, description = "the employee number is malformed", body = ErrorBody),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
        (status = 403, description = "not hr-admin (the rule is named)", body = ErrorBody),
        (status = 404, description = "no such worker in the caller's authority (any other authority answers this too)", body = ErrorBody),
    ),
)]
async fn subject_export(
    State(state): State<AppState>,
    Caller(viewer): Caller,
    ApiPath((authority, number)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (export, bytes) = state.pathway.viewer_subject_export(&viewer, &authority, &number).await?;
    let name = format!("subject-access-{}-{}.zip", export.worker, export.made_at.format("%Y-%m-%d"));
    Ok(download(bytes, "application/zip", &name))
}
