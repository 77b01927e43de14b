//! The endpoints. Each parses its input, calls one use case and renders the typed result;
//! rules and refusals come from `pathway-app`.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use pathway_app::accounts::{Me, SignInAttempt};
use pathway_app::service::Pathway;
use serde::{Deserialize, Serialize};
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::session::{self, AppState, ClientAddress, CurrentSession, SignedIn};

pub(crate) fn router(pathway: Arc<Pathway>) -> Router {
    let state = AppState { pathway };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/session", post(sign_in).delete(sign_out))
        .route("/api/v1/me", get(me))
        .merge(crate::api::routes())
        .merge(crate::api_records::routes(state.pathway.config().max_upload_bytes))
        .route("/auth/oidc/{authority}/start", get(crate::oidc::start))
        .route("/auth/oidc/{authority}/callback", get(crate::oidc::callback))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), session::resolve))
        // Method, path and status only: no bodies, no cookies, no names.
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

/// 200 when the database answers a real query, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.pathway.database_answers().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(code = e.code(), "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" })).into_response()
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "there is nothing at this address")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this address does not answer that method")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInBody {
    username: String,
    password: String,
    #[serde(default)]
    totp: Option<String>,
}

#[derive(Serialize)]
struct SignedInBody {
    csrf_token: String,
    me: Me,
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
async fn sign_in(
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
async fn sign_out(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    ClientAddress(from): ClientAddress,
) -> Result<Response, ApiError> {
    state.pathway.sign_out(&session, from).await?;
    tracing::info!(account = session.account.id, "signed out");
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), state.cleared_cookie()))
}

/// `GET /api/v1/me`: the person signed in, their authority, the posts they hold today and
/// their system roles.
async fn me(State(state): State<AppState>, SignedIn(session): SignedIn) -> Result<Json<Me>, ApiError> {
    Ok(Json(state.pathway.me(&session.account).await?))
}
