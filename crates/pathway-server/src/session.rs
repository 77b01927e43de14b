//! The session cookie, API tokens and CSRF protection.
//!
//! Every request's session cookie is resolved once, here (expired sessions and those of
//! disabled accounts end and count as none), and the result put in the request for the
//! [`SignedIn`] extractor. Every state-changing request (anything but GET, HEAD, OPTIONS):
//! - with an `Origin` header, must come from this server's own host (the `Host` header);
//! - with a live session, must send the session's synchroniser token in `X-CSRF-Token` (the
//!   API), or, for a page's form (`application/x-www-form-urlencoded`, or
//!   `multipart/form-data` when it carries files), as its field `csrf_token`.
//!
//! The cookie is `__Host-pathway` with `Secure; HttpOnly; SameSite=Lax; Path=/`, or, with
//! the development setting `insecure_loopback_cookies` (loopback only), `pathway` without
//! `Secure`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pathway_app::accounts::Session;
use pathway_app::service::Pathway;
use pathway_app::viewer::Viewer;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The header a state-changing request sends its CSRF token in.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// What every handler shares.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub pathway: Arc<Pathway>,
}

impl AppState {
    pub(crate) fn secure(&self) -> bool {
        !self.pathway.config().server.insecure_loopback_cookies
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure() { "__Host-pathway" } else { "pathway" }
    }

    /// The `Set-Cookie` value that starts a session.
    pub fn session_cookie(&self, session_id: &str) -> Option<HeaderValue> {
        let max_age = self.pathway.config().server.session_absolute.num_seconds();
        let secure = if self.secure() { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={session_id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
            self.cookie_name()
        ))
        .ok()
    }

    /// The `Set-Cookie` value that removes it.
    pub fn cleared_cookie(&self) -> Option<HeaderValue> {
        let secure = if self.secure() { "; Secure" } else { "" };
        HeaderValue::from_str(&format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", self.cookie_name()))
            .ok()
    }
}

/// The session the request's cookie names, if it is live: put in every request.
#[derive(Debug, Clone)]
pub(crate) struct CurrentSession(pub Option<Session>);

/// The client's address, where the connection tells it (behind a reverse proxy, the
/// proxy's: the rate limit then counts per username only in effect).
#[derive(Debug, Clone)]
pub(crate) struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddress, Self::Rejection> {
        Ok(ClientAddress(
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string()),
        ))
    }
}

pub(crate) fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an `Origin` header (where present) names this server's host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// Equal by content, in time that does not depend on where they differ.
fn same_token(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// A refused change: the API's JSON error, or for a page the 403 page (a form posted from
/// a page left open after signing in again has an old token; the page says to go back).
fn csrf_refused(path: &str, message: &str) -> Response {
    if !crate::pages::is_api_path(path) {
        return crate::pages::error_page(StatusCode::FORBIDDEN);
    }
    ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", message).on(CSRF_HEADER).into_response()
}

/// Who is calling, by session or API token: put in every request for [`Caller`].
#[derive(Debug, Clone)]
pub(crate) struct CurrentCaller(pub Option<Viewer>);

/// The token of an `Authorization: Bearer` header, if the request has one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The layer: resolve the session (or the API token), check CSRF and origin, pass the
/// caller on. A request with `Authorization: Bearer` is the token's alone: its cookie is
/// not read, and it needs no CSRF token (a browser never adds that header by itself).
pub(crate) async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let headers = request.headers();
    if changes_state(request.method()) && !same_origin(headers) {
        return csrf_refused(&path, "the request came from another site (its Origin is not this server)");
    }
    let from = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string());
    if let Some(token) = bearer(headers) {
        let caller = match state.pathway.token_caller(token).await {
            Ok(Some(caller)) => caller,
            Ok(None) => return ApiError::bad_token().into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        };
        let viewer = Viewer { account: caller.account, may_write: caller.may_write, from };
        request.extensions_mut().insert(CurrentSession(None));
        request.extensions_mut().insert(CurrentCaller(Some(viewer)));
        return next.run(request).await;
    }
    let session = match cookie_value(headers, state.cookie_name()) {
        None => None,
        Some(id) => match state.pathway.session(id).await {
            Ok(session) => session,
            Err(e) => return ApiError::from(e).into_response(),
        },
    };
    if changes_state(request.method())
        && let Some(session) = &session
    {
        let header = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let sent = match header {
            Some(token) => Some(token),
            None if is_form(request.headers()) || is_page_multipart(&path, request.headers()) => {
                let limit = if is_form(request.headers()) { FORM_LIMIT } else { page_upload_limit(&state) };
                let (token, rebuilt) = match form_token(request, limit).await {
                    Ok(read) => read,
                    Err(refusal) => return refusal,
                };
                request = rebuilt;
                token
            }
            None => None,
        };
        match sent {
            None => {
                return csrf_refused(
                    &path,
                    "a signed-in request that changes something must send X-CSRF-Token (a form: the field csrf_token)",
                );
            }
            Some(token) if !same_token(&token, &session.csrf_token) => {
                return csrf_refused(&path, "the CSRF token is not this session's");
            }
            Some(_) => {}
        }
    }
    let viewer = session.as_ref().map(|s| Viewer { account: s.account.clone(), may_write: true, from });
    request.extensions_mut().insert(CurrentCaller(viewer));
    request.extensions_mut().insert(CurrentSession(session));
    next.run(request).await
}

/// The most of a form the CSRF check reads into memory; page forms are small (files go
/// through the API's multipart endpoints).
const FORM_LIMIT: usize = 256 * 1024;

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// A page's form with files: `multipart/form-data` sent to a page (the API's multipart
/// endpoints take their token in `X-CSRF-Token`, and are not read here).
fn is_page_multipart(path: &str, headers: &HeaderMap) -> bool {
    !crate::pages::is_api_path(path)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// The most a page's form with files may be: the pages' own upload limit.
fn page_upload_limit(state: &AppState) -> usize {
    crate::pages::upload_limit(state.pathway.config().max_upload_bytes)
}

/// A page form's `csrf_token` field, and the request rebuilt with the body read (at most
/// `limit` bytes).
async fn form_token(request: Request, limit: usize) -> Result<(Option<String>, Request), Response> {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "bad_request",
                "the form is larger than a page form can be",
            )
            .on("body")
            .into_response());
        }
    };
    let token = match parts.headers.get(header::CONTENT_TYPE).cloned() {
        Some(content_type) if !is_form(&parts.headers) => multipart_field(content_type, &bytes, "csrf_token").await,
        _ => form_field(&bytes, "csrf_token"),
    };
    Ok((token, Request::from_parts(parts, axum::body::Body::from(bytes))))
}

/// The first text field `name` of a `multipart/form-data` body, read with axum's own
/// multipart parser over a copy of the body (the handler reads the original).
async fn multipart_field(content_type: HeaderValue, body: &axum::body::Bytes, name: &str) -> Option<String> {
    use axum::extract::FromRequest;
    let mut copy = Request::new(axum::body::Body::from(body.clone()));
    copy.headers_mut().insert(header::CONTENT_TYPE, content_type);
    let mut form = axum::extract::Multipart::from_request(copy, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) && field.file_name().is_none() {
            return field.text().await.ok();
        }
    }
    None
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body, decoded.
pub(crate) fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let mut halves = pair.splitn(2, |b| *b == b'=');
        let key = percent_decode(halves.next()?)?;
        (key == name).then(|| percent_decode(halves.next().unwrap_or_default())).flatten()
    })
}

fn percent_decode(text: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = [*bytes.next()?, *bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// A request by someone signed in, by session or API token.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, ApiError> {
        match parts.extensions.get::<CurrentCaller>() {
            Some(CurrentCaller(Some(viewer))) => Ok(Caller(viewer.clone())),
            _ => Err(ApiError::not_signed_in()),
        }
    }
}

/// A signed-in request: the handler runs only with a live session.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<SignedIn, ApiError> {
        match parts.extensions.get::<CurrentSession>() {
            Some(CurrentSession(Some(session))) => Ok(SignedIn(session.clone())),
            _ => Err(ApiError::not_signed_in()),
        }
    }
}
