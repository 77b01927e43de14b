//! The web pages: HTML for people, on the same use cases as the JSON API. Each page is one
//! askama template struct (its template in `templates/pages/`), built by a handler that
//! parses the request, calls one `pathway-app` use case and renders its result. Every page
//! shares [`Layout`] (`templates/layout.html`: skip link, header, service navigation, phase
//! banner, footer), and every failure is a page too ([`PageError`]: 403, 404, 500), while
//! the API under `/api` keeps its JSON errors.
//!
//! - `public.rs`: what anyone may read: the authorities, each one's career pathway, a
//!   comparison; `chart.rs` draws the pay-progression chart as SVG.
//! - `sign_in.rs`: signing in and out with a form (the session cookie is the API's).
//! - `home.rs`: the signed-in social worker's own page.
//! - `applications.rs`: their applications, opening one, check your answers, submitting.
//! - `appraisals.rs`: their appraisals.
//! - `team.rs`: a manager's team and where each person stands on their routes.
//! - `portfolio.rs`: their portfolio against a route, adding evidence with files (a
//!   `multipart/form-data` form), and one item.
//!
//! Adding a page: see "How to add a page" in docs/ARCHITECTURE.md.

mod applications;
mod appraisals;
mod chart;
pub(crate) mod components;
mod home;
mod portfolio;
mod public;
mod sign_in;
mod team;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pathway_app::AppError;
use pathway_app::accounts::Session;

use crate::session::{AppState, CurrentSession};
use components::{Footer, GenericHeader, NavItem, PhaseBanner, ServiceNavigation, SkipLink};

/// The pages' content security policy: this site's own styles, scripts, fonts and images,
/// nothing inline, forms posted only here.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     font-src 'self'; manifest-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The service's name, in the header and every title.
pub(crate) const SERVICE_NAME: &str = "Pathway";

/// The most a page's form with files may be: as many files as an evidence item takes, each
/// up to `max_upload_bytes`, and room for the rest of the form.
pub(crate) fn upload_limit(max_upload_bytes: u64) -> usize {
    let file = usize::try_from(max_upload_bytes).unwrap_or(usize::MAX);
    file.saturating_mul(crate::api_records::MAX_FILES).saturating_add(1024 * 1024)
}

pub(crate) fn routes(max_upload_bytes: u64) -> Router<AppState> {
    Router::new()
        .route("/", get(public::start))
        .route("/authorities", get(public::authorities))
        .route("/authorities/{id}", get(public::pathway))
        .route("/compare", get(public::compare))
        .route("/accessibility", get(public::accessibility))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/home", get(home::home))
        .route("/applications", get(applications::list).post(applications::open))
        .route("/applications/{id}", get(applications::show))
        .route("/applications/{id}/check", get(applications::check))
        .route("/applications/{id}/submit", post(applications::submit))
        .route("/appraisals", get(appraisals::appraisals))
        .route("/team", get(team::team))
        .route("/portfolio", get(portfolio::portfolio))
        .route(
            "/portfolio/add",
            get(portfolio::add_form).post(portfolio::add).layer(DefaultBodyLimit::max(upload_limit(max_upload_bytes))),
        )
        .route("/portfolio/evidence/{id}", get(portfolio::item))
        .route("/portfolio/evidence/{id}/check", get(portfolio::check_form).post(portfolio::check))
        .route("/assets/{version}/{*name}", get(crate::assets::serve))
}

/// Whether a path is the JSON API's (or another machine-facing address): its errors stay JSON.
pub(crate) fn is_api_path(path: &str) -> bool {
    path == "/healthz" || path.starts_with("/api/") || path == "/api" || path.starts_with("/auth/")
}

/// Who is signed in, as the layout shows it.
#[derive(Debug, Clone)]
pub(crate) struct SignedInBar {
    pub username: String,
    pub csrf_token: String,
}

/// What every page's layout needs: where assets are, which navigation item is the page,
/// and who is signed in (with the CSRF token the sign-out form sends).
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub assets: String,
    pub signed_in: Option<SignedInBar>,
    /// The navigation item's address for the page, when the page is one.
    current: &'static str,
}

impl Layout {
    pub(crate) fn new(current: &'static str, session: Option<&Session>) -> Layout {
        Layout {
            assets: crate::assets::base(),
            signed_in: session.map(|session| SignedInBar {
                username: session.account.username.clone(),
                csrf_token: session.csrf_token.clone(),
            }),
            current,
        }
    }

    fn skip_link(&self) -> SkipLink<'static> {
        SkipLink { href: "#main-content", text: "Skip to main content" }
    }

    fn header(&self) -> GenericHeader<'static> {
        GenericHeader { logo_text: SERVICE_NAME, url: "/" }
    }

    fn navigation(&self) -> ServiceNavigation<'static> {
        let mut links = vec![("/authorities", "Career pathways"), ("/compare", "Compare authorities")];
        if self.signed_in.is_some() {
            links.extend([
                ("/home", "My progression"),
                ("/portfolio", "My portfolio"),
                ("/applications", "My applications"),
                ("/appraisals", "My appraisals"),
                ("/team", "My team"),
            ]);
        } else {
            links.push(("/sign-in", "Sign in"));
        }
        let items = links
            .into_iter()
            .map(|(href, text)| NavItem { href, text, current: href == self.current, active: false })
            .collect();
        ServiceNavigation { service: None, items }
    }

    fn phase_banner(&self) -> PhaseBanner<'static> {
        PhaseBanner {
            tag: "Beta",
            text: "This is a new service. Pay figures are as the councils' documents print them.",
        }
    }

    fn footer(&self) -> Footer<'static> {
        Footer {
            links: vec![("/accessibility", "Accessibility statement")],
            text: "Career progression frameworks for social workers in UK councils",
        }
    }
}

/// A page rendered, with the pages' security policy.
pub(crate) fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = axum::response::Html(html).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY));
            // Not `no-referrer` (the API's): with it a browser sends `Origin: null` on a
            // form's POST, which the same-origin check must refuse. Other sites still get
            // no referrer.
            headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            plain_failure()
        }
    }
}

/// When even the error page cannot be rendered.
fn plain_failure() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service. Try again later.").into_response()
}

#[derive(Debug, Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    paragraphs: Vec<String>,
}

/// The HTML page for an error status, with no session in the layout (an error page offers
/// no sign-out form).
pub(crate) fn error_page(status: StatusCode) -> Response {
    error_page_saying(status, None)
}

fn error_page_saying(status: StatusCode, said: Option<String>) -> Response {
    let (heading, standard): (&'static str, &[&str]) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            &[
                "If you typed the web address, check it is correct.",
                "If you pasted the web address, check you copied the entire address.",
            ],
        ),
        StatusCode::FORBIDDEN => (
            "You cannot do this",
            &[
                "Your posts today may not give you access to this page, or the form was sent from a page that has expired: go back, reload the page and try again.",
            ],
        ),
        StatusCode::METHOD_NOT_ALLOWED => ("Page not found", &["This address does not answer that kind of request."]),
        StatusCode::BAD_REQUEST => ("There is a problem with the request", &["Go back and try again."]),
        _ => ("Sorry, there is a problem with the service", &["Try again later."]),
    };
    let mut paragraphs: Vec<String> = said.into_iter().collect();
    paragraphs.extend(standard.iter().map(|s| (*s).to_owned()));
    let page = ErrorPage { layout: Layout::new("", None), heading, paragraphs };
    let mut response = render(&page);
    *response.status_mut() = status;
    response
}

/// A page handler's failure: answered as the error page for its status.
#[derive(Debug)]
pub(crate) enum PageError {
    /// A status with its standard page.
    Status(StatusCode),
    /// The use case refused: its message is shown (it names the rule), unless it is a
    /// server failure, whose detail is logged and not shown.
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError::App(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Status(status) => error_page(status),
            PageError::App(e) => {
                let message = e.to_string();
                // The API's mapping from error code to status is the one mapping; a server
                // failure's detail is logged there and never shown.
                let status = crate::error::ApiError::from(e).status();
                if status.is_server_error() || status == StatusCode::NOT_FOUND {
                    error_page(status)
                } else {
                    error_page_saying(status, Some(sentence(&message)))
                }
            }
        }
    }
}

/// A message from the app layer as a sentence on a page: capital first letter, full stop.
pub(crate) fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// The fallback for addresses nothing answers: an HTML page, or the API's JSON.
pub(crate) fn not_found_page() -> Response {
    error_page(StatusCode::NOT_FOUND)
}

/// A page that needs someone signed in: the session, or a redirect to the sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct SignedInPage(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for SignedInPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<SignedInPage, Response> {
        match parts.extensions.get::<CurrentSession>() {
            Some(CurrentSession(Some(session))) => Ok(SignedInPage(session.clone())),
            _ => Err(Redirect::to("/sign-in").into_response()),
        }
    }
}

/// The session, where there is one, for pages anyone may see.
#[derive(Debug, Clone)]
pub(crate) struct MaybeSignedIn(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<MaybeSignedIn, Self::Rejection> {
        Ok(MaybeSignedIn(parts.extensions.get::<CurrentSession>().and_then(|CurrentSession(s)| s.clone())))
    }
}
