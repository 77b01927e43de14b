//! Signing in with an authority's OpenID provider (the rules are `pathway_app::oidc`'s):
//!
//! - `GET /auth/oidc/{authority}/start`: 303 to the provider, with the `state` in a
//!   short-lived cookie (`__Host-pathway-oidc`, or `pathway-oidc` on loopback in development)
//!   so the callback completes only in the browser that started it.
//! - `GET /auth/oidc/{authority}/callback`: the provider's answer. Signed in: the session
//!   cookie, as `POST /api/v1/session` sets it, and `{ csrf_token, me }`; waiting for an
//!   administrator's approval: 403 `oidc_awaiting_approval`; anything else refused: 400/401.

use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pathway_app::accounts::Me;
use pathway_app::oidc::{OidcCallback, OidcRefused, PENDING_MINUTES};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
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
pub(crate) async fn start(State(state): State<AppState>, Path(authority): Path<String>) -> Result<Response, ApiError> {
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

#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct SignedInBody {
    csrf_token: String,
    me: Me,
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
pub(crate) async fn callback(
    State(state): State<AppState>,
    Path(authority): Path<String>,
    Extension(current): Extension<CurrentSession>,
    ClientAddress(from): ClientAddress,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, ApiError> {
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
