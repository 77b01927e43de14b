//! Signing in and out with a form, over the same `Pathway::sign_in` use case and session
//! cookie as `POST /api/v1/session`. A failed sign-in shows the design system's error
//! summary and the error beside its field, with the username and code kept (never the
//! password). Signing out is a POST carrying the session's CSRF token as the form field
//! `csrf_token` (checked by `session::resolve` before the handler runs).

use askama::Template;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pathway_app::accounts::{SignInAttempt, SignInRefused};
use serde::Deserialize;

use super::components::{Button, ErrorSummary, PasswordInput, TextInput};
use super::{Layout, MaybeSignedIn, PageError, SignedInPage, render};
use crate::session::{AppState, ClientAddress, CurrentSession};

#[derive(Debug, Template)]
#[template(path = "pages/sign-in.html")]
struct SignInPage<'a> {
    layout: Layout,
    error_summary: Option<ErrorSummary<'a>>,
    username: TextInput<'a>,
    password: PasswordInput<'a>,
    totp: TextInput<'a>,
    button: Button<'a>,
}

/// What was typed, and what was wrong with it (field id and message).
#[derive(Debug, Default)]
struct Typed<'a> {
    username: &'a str,
    totp: &'a str,
    errors: Vec<(&'static str, String)>,
}

impl Typed<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(id, _)| *id == field).map(|(_, message)| message.as_str())
    }
}

fn page<'a>(layout: Layout, typed: &'a Typed<'a>) -> SignInPage<'a> {
    SignInPage {
        layout,
        error_summary: (!typed.errors.is_empty()).then(|| ErrorSummary {
            title: "There is a problem",
            errors: typed.errors.iter().map(|(id, message)| (format!("#{id}"), message.clone())).collect(),
        }),
        username: TextInput {
            id: "username",
            name: "username",
            label: "Username",
            error: typed.error("username"),
            value: (!typed.username.is_empty()).then_some(typed.username),
            input_type: "text",
            spellcheck: Some(false),
            autocomplete: Some("username"),
            autocapitalize: Some("none"),
            ..TextInput::default()
        },
        password: PasswordInput { id: "password", name: "password", label: "Password", error: typed.error("password") },
        totp: TextInput {
            id: "totp",
            name: "totp",
            label: "Code from your authenticator app (if you have one)",
            hint: Some("The 6-digit code the app shows now, for example 123456"),
            error: typed.error("totp"),
            value: (!typed.totp.is_empty()).then_some(typed.totp),
            input_type: "text",
            classes: Some("govuk-input--width-5"),
            spellcheck: Some(false),
            autocomplete: Some("one-time-code"),
            inputmode: Some("numeric"),
            ..TextInput::default()
        },
        button: Button { text: "Sign in", secondary: false },
    }
}

/// `GET /sign-in`.
pub(crate) async fn form(MaybeSignedIn(session): MaybeSignedIn) -> Response {
    let typed = Typed::default();
    render(&page(Layout::new("/sign-in", session.as_ref()), &typed))
}

/// The sign-in form as posted (`csrf_token` is read by the session layer).
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: String,
}

/// `POST /sign-in`: a new session and its cookie, then the person's own page.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentSession>,
    ClientAddress(from): ClientAddress,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let Ok(Form(form)) = form else { return Err(PageError::Status(StatusCode::BAD_REQUEST)) };
    let username = form.username.trim();
    let totp = form.totp.trim();
    let mut typed = Typed { username, totp, errors: Vec::new() };
    if username.is_empty() {
        typed.errors.push(("username", "Enter your username".to_owned()));
    }
    if form.password.is_empty() {
        typed.errors.push(("password", "Enter your password".to_owned()));
    }
    let layout = Layout::new("/sign-in", current.0.as_ref());
    if !typed.errors.is_empty() {
        return Ok(refused(&page(layout, &typed)));
    }
    let attempt = SignInAttempt {
        username: username.to_owned(),
        password: form.password,
        totp: (!totp.is_empty()).then(|| totp.to_owned()),
        from: from.clone(),
    };
    let signed_in = match state.pathway.sign_in(&attempt).await? {
        Ok(signed_in) => signed_in,
        Err(refusal) => {
            tracing::info!(code = refusal.code(), "sign-in refused (page)");
            let (field, message) = match refusal {
                SignInRefused::TotpRequired => {
                    ("totp", "Enter the 6-digit code from your authenticator app".to_owned())
                }
                SignInRefused::Failed(_) => (
                    "username",
                    "Enter a correct username and password (and code, if your account has one); after several failed \
                     attempts an account is locked until an administrator unlocks it"
                        .to_owned(),
                ),
                SignInRefused::TooManyAttempts(minutes) => {
                    ("username", format!("Too many failed sign-ins: try again in {minutes} minutes"))
                }
            };
            typed.errors.push((field, message));
            return Ok(refused(&page(layout, &typed)));
        }
    };
    if let CurrentSession(Some(previous)) = current {
        state.pathway.sign_out(&previous, from).await?;
    }
    tracing::info!(account = signed_in.account.id, "signed in (page)");
    let mut response = Redirect::to("/home").into_response();
    if let Some(cookie) = state.session_cookie(&signed_in.session_id) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A form that failed is answered 422 with the form again, so nothing typed is lost.
fn refused(page: &SignInPage<'_>) -> Response {
    let mut response = render(page);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// `POST /sign-out`: the session ends and its cookie is cleared.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
) -> Result<Response, PageError> {
    state.pathway.sign_out(&session, from).await?;
    tracing::info!(account = session.account.id, "signed out (page)");
    let mut response = Redirect::to("/sign-in").into_response();
    if let Some(cookie) = state.cleared_cookie() {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}
