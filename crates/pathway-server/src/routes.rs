//! The endpoints. Each parses its input, calls one use case and renders the typed result;
//! rules and refusals come from `pathway-app`.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, middleware};
use pathway_app::accounts::{Me, SignInAttempt};
use pathway_app::service::Pathway;
use serde::{Deserialize, Serialize};
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::session::{self, AppState, Caller, ClientAddress, CurrentSession, SignedIn};

/// The documented endpoints: each added with `routes!` from its handler, whose
/// `#[utoipa::path]` is its entry in the OpenAPI document (`openapi.rs`).
/// `max_upload_bytes` bounds the forms that carry files (it is no part of the document).
pub(crate) fn documented(max_upload_bytes: u64) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(healthz))
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
        .merge(crate::api::routes())
        .merge(crate::workflow::routes())
        .merge(crate::api_records::routes(max_upload_bytes))
        .merge(crate::api_career::routes())
        .routes(routes!(crate::oidc::start))
        .routes(routes!(crate::oidc::callback))
}

pub(crate) fn router(pathway: Arc<Pathway>) -> Router {
    let state = AppState { pathway };
    let max_upload_bytes = state.pathway.config().max_upload_bytes;
    let (routes, _) = documented(max_upload_bytes).split_for_parts();
    routes
        .merge(crate::pages::routes(max_upload_bytes))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), session::resolve))
        // Method, path and status only: no bodies, no cookies, no names.
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Whether the server and its database answer.
#[derive(Serialize, ToSchema)]
struct Health {
    /// `ok` or `unavailable`.
    status: &'static str,
}

/// 200 when the database answers a real query, 503 otherwise.
#[utoipa::path(
    get,
    path = "/healthz",
    summary = "200 when the database answers, 503 otherwise",
    responses(
        (status = 200, description = "the server and its database answer", body = Health),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
        (status = 503, description = "the database does not answer", body = Health),
    ),
)]
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match state.pathway.database_answers().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(code = e.code(), "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" })).into_response()
        }
    }
}

/// Nothing here: the API's JSON error under `/api`, a page elsewhere.
async fn not_found(uri: Uri) -> Response {
    if !crate::pages::is_api_path(uri.path()) {
        return crate::pages::not_found_page();
    }
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "there is nothing at this address").into_response()
}

async fn method_not_allowed(uri: Uri) -> Response {
    if !crate::pages::is_api_path(uri.path()) {
        return crate::pages::error_page(StatusCode::METHOD_NOT_ALLOWED);
    }
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this address does not answer that method")
        .into_response()
}

/// A sign-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignInBody {
    username: String,
    password: String,
    /// The authenticator app's code, when the account has one enrolled.
    #[serde(default)]
    totp: Option<String>,
}

/// Signed in: the CSRF token to send as `X-CSRF-Token` on every change, and who.
#[derive(Serialize, ToSchema)]
#[schema(as = SignedIn)]
pub(crate) struct SignedInBody {
    pub csrf_token: String,
    pub me: Me,
}

fn bad_body(rejection: &JsonRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the request body is not what was expected: {rejection}"),
    )
    .on("body")
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /api/v1/session`: sign in with `{ "username", "password", "totp"? }`. A new session
/// id every time (any session the request came with ends); answers the CSRF token and who
/// signed in, and sets the cookie.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    summary = "Sign in with a username, password and (when enrolled) a TOTP code",
    request_body = SignInBody,
    responses(
        (status = 200, description = "signed in: the CSRF token and who signed in; the session cookie is set",
            body = SignedInBody, headers(("Set-Cookie" = String, description = "the session cookie"))),
        (status = 400, description = "the request is malformed", body = ErrorBody),
        (status = 401, description = "the username, password or TOTP code is not accepted (`totp_required` names the field), \
            or an Authorization header whose API token is not", body = ErrorBody),
        (status = 403, description = "CSRF refused: the request came from another site, or a signed-in request without its X-CSRF-Token", body = ErrorBody),
        (status = 429, description = "too many failed sign-ins: the account is locked for a while", body = ErrorBody),
    ),
)]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentSession>,
    ClientAddress(from): ClientAddress,
    body: Result<Json<SignInBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| bad_body(&e))?;
    let attempt =
        SignInAttempt { username: body.username, password: body.password, totp: body.totp, from: from.clone() };
    let signed_in = match state.pathway.sign_in(&attempt).await? {
        Ok(signed_in) => signed_in,
        Err(refused) => {
            tracing::info!(code = refused.code(), "sign-in refused");
            return Err(refused.into());
        }
    };
    if let CurrentSession(Some(previous)) = current {
        state.pathway.sign_out(&previous, from).await?;
    }
    tracing::info!(account = signed_in.account.id, "signed in");
    let me = state.pathway.me(&signed_in.account).await?;
    let response = Json(SignedInBody { csrf_token: signed_in.csrf_token, me }).into_response();
    Ok(with_cookie(response, state.session_cookie(&signed_in.session_id)))
}

/// `DELETE /api/v1/session`: sign out (CSRF token required, like every change).
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    summary = "Sign out (X-CSRF-Token required)",
    params(("X-CSRF-Token" = Option<String>, Header, nullable = false, description = "the csrf_token answered at sign-in")),
    security(("session" = [])),
    responses(
        (status = 204, description = "signed out; the session cookie is cleared"),
        (status = 401, description = "not signed in with a session", body = ErrorBody),
        (status = 403, description = "CSRF refused", body = ErrorBody),
    ),
)]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ClientAddress(from): ClientAddress,
) -> Result<Response, ApiError> {
    state.pathway.sign_out(&session, from).await?;
    tracing::info!(account = session.account.id, "signed out");
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), state.cleared_cookie()))
}

/// `GET /api/v1/me`: the person signed in (by session or API token), their authority, the
/// posts they hold today and their system roles.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    summary = "Who is signed in (by session or API token): person, authority, posts held today, system roles",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "the signed-in person (for a token, the account it acts as)", body = Me),
        (status = 401, description = "not signed in, or the API token is not accepted", body = ErrorBody),
    ),
)]
pub(crate) async fn me(State(state): State<AppState>, Caller(viewer): Caller) -> Result<Json<Me>, ApiError> {
    Ok(Json(state.pathway.me(&viewer.account).await?))
}
