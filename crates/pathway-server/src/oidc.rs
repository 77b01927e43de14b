//! Signing in with an authority's OpenID provider (the rules are `pathway_app::oidc`'s):
//!
//! - `GET /auth/oidc/{authority}/start`: 303 to the provider, with the `state` in a
//!   short-lived cookie (`__Host-pathway-oidc`, or `pathway-oidc` on loopback in development)
//!   so the callback completes only in the browser that started it.
//! - `GET /auth/oidc/{authority}/callback`: the provider's answer. Signed in: the session
//!   cookie, as `POST /api/v1/session` sets it, and `{ csrf_token, me }`; waiting for an
//!   administrator's approval: 403 `oidc_awaiting_approval`; anything else refused: 400/401.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pathway_app::oidc::{OidcCallback, OidcRefused, PENDING_MINUTES};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{ApiPath, AuthorityPath};
use crate::error::{ApiError, ErrorBody};
use crate::routes::SignedInBody;
use crate::session::{AppState, ClientAddress, CurrentSession, cookie_value};

impl AppState {
    fn state_cookie_name(&self) -> &'static str {
        if self.secure() { "__Host-pathway-oidc" } else { "pathway-oidc" }
    }

    fn state_cookie(&self, state: &str, max_age: i64) -> Option<HeaderValue> {
        let secure = if self.secure() { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={state}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
            self.state_cookie_name()
        ))
        .ok()
    }
}

/// `GET /auth/oidc/{authority}/start`.
#[utoipa::path(
    get,
    path = "/auth/oidc/{authority}/start",
    summary = "Start signing in with the authority's OpenID provider (for a browser)",
    params(AuthorityPath),
    responses(
        (status = 303, description = "to the provider; the state is kept in a short-lived cookie",
            headers(("Location" = String, description = "the provider's authorization endpoint"))),
        (status = 400, description = "the request is malformed", body = ErrorBody),
        (status = 401, description = "an Authorization header whose API token is not accepted: refused even where no sign-in is needed", body = ErrorBody),
        (status = 404, description = "no such authority, or it has no OpenID provider", body = ErrorBody),
        (status = 502, description = "the provider could not be reached or answered something unusable", body = ErrorBody),
    ),
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    ApiPath(authority): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (url, oidc_state) = state.pathway.oidc_start(&authority).await?;
    let location = HeaderValue::from_str(&url)
        .map_err(|_| ApiError::new(StatusCode::BAD_GATEWAY, "oidc_provider", "the provider's address is not usable"))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    if let Some(cookie) = state.state_cookie(&oidc_state, PENDING_MINUTES * 60) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// What the provider sends the browser back with.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CallbackQuery {
    /// The authorization code.
    #[param(nullable = false)]
    code: Option<String>,
    /// The state sent at the start.
    #[param(nullable = false)]
    state: Option<String>,
    /// The provider's error code, when it refused.
    #[param(nullable = false)]
    error: Option<String>,
}

fn refused(refused: &OidcRefused) -> ApiError {
    let status = match refused {
        OidcRefused::AwaitingApproval(_) | OidcRefused::Disabled(_) => StatusCode::FORBIDDEN,
        OidcRefused::BadToken(_) | OidcRefused::Provider(_) => StatusCode::UNAUTHORIZED,
        OidcRefused::UnknownState | OidcRefused::Expired => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, refused.code(), refused.to_string())
}

/// `GET /auth/oidc/{authority}/callback`.
#[utoipa::path(
    get,
    path = "/auth/oidc/{authority}/callback",
    summary = "The OpenID provider's answer (for a browser): signs in, as POST /api/v1/session does",
    params(AuthorityPath, CallbackQuery),
    responses(
        (status = 200, description = "signed in: the CSRF token and who signed in; the session cookie is set",
            body = SignedInBody),
        (status = 400, description = "the state is unknown or expired, or the request is malformed", body = ErrorBody),
        (status = 401, description = "the provider refused, or its ID token is not accepted (or an API token sent is not)", body = ErrorBody),
        (status = 403, description = "the identity awaits an administrator's approval, or the account is disabled", body = ErrorBody),
        (status = 404, description = "no such authority, or it has no OpenID provider", body = ErrorBody),
        (status = 502, description = "the provider could not be reached", body = ErrorBody),
    ),
)]
pub(crate) async fn callback(
    State(state): State<AppState>,
    ApiPath(authority): ApiPath<String>,
    Extension(current): Extension<CurrentSession>,
    ClientAddress(from): ClientAddress,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| crate::api::bad_query(&e))?;
    let callback = OidcCallback {
        code: query.code,
        state: query.state,
        error: query.error,
        browser_state: cookie_value(&headers, state.state_cookie_name()).map(str::to_owned),
        from: from.clone(),
    };
    let outcome = state.pathway.oidc_callback(&authority, &callback).await?;
    let mut response = match outcome {
        Err(why) => {
            tracing::info!(code = why.code(), "OpenID Connect sign-in refused");
            refused(&why).into_response()
        }
        Ok(signed_in) => {
            if let CurrentSession(Some(previous)) = current {
                state.pathway.sign_out(&previous, from).await?;
            }
            tracing::info!(account = signed_in.account.id, "signed in with OpenID Connect");
            let me = state.pathway.me(&signed_in.account).await?;
            let mut response = Json(SignedInBody { csrf_token: signed_in.csrf_token, me }).into_response();
            if let Some(cookie) = state.session_cookie(&signed_in.session_id) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
    };
    // The state cookie has done its work either way.
    if let Some(cookie) = state.state_cookie("", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
