//! The one error a handler returns, answered as JSON `{ "code", "message", "field" }` with
//! the status its code implies. Application errors are mapped here once.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pathway_app::AppError;
use pathway_app::accounts::SignInRefused;
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

/// What every error answers.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub(crate) struct ErrorBody<'a> {
    /// Stable, snake_case.
    code: &'a str,
    /// What went wrong and what to do, in a sentence.
    message: &'a str,
    /// The input at fault, where one is (a body or query field, or a header).
    field: Option<&'a str>,
}

impl ApiError {
    /// An error with this status, code and message, about no one field.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), field: None }
    }

    /// The same error, about this field of the request.
    pub fn on(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// Not signed in, or the session has ended.
    pub fn not_signed_in() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "sign in first (POST /api/v1/session); a session ends after it is unused for a while, and at the end of the day",
        )
    }
}

impl ApiError {
    /// An `Authorization: Bearer` token that is unknown, expired or revoked (which one is
    /// not said).
    pub fn bad_token() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the API token is not accepted: it may be mistyped, expired or revoked; ask an administrator for a new one",
        )
        .on("Authorization")
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl ApiError {
    /// The JSON body answered.
    pub(crate) fn body(&self) -> impl Serialize + '_ {
        ErrorBody { code: self.code, message: &self.message, field: self.field.as_deref() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, Json(self.body())).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let code = e.code();
        let status = match code {
            // A grade or point a framework does not have is as missing as a record.
            "not_found" | "unknown_framework" | "unknown_grade" | "unknown_point" => StatusCode::NOT_FOUND,
            // The record is not in a state that allows it (submitting what was submitted).
            "conflict" | "invalid_transition" => StatusCode::CONFLICT,
            "not_permitted" => StatusCode::FORBIDDEN,
            "precondition_failed" => StatusCode::PRECONDITION_FAILED,
            // A well-formed request the rules refuse: 400 is kept for input that is malformed.
            "not_eligible"
            | "evidence_incomplete"
            | "steps_outstanding"
            | "unavailable"
            | "assignment_blocked"
            | "not_on_record" => StatusCode::UNPROCESSABLE_ENTITY,
            "database" | "read_failed" | "write_failed" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Only the code and the driver's own error are logged: the message may name a person.
            let cause = std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default();
            tracing::error!(code, cause, "request failed");
            return ApiError::new(status, code, "the server could not complete the request; try again shortly");
        }
        let field = match &e {
            AppError::BadInput { field, .. } | AppError::NotOnRecord { field, .. } => Some(field.clone()),
            // A refused evidence file or sheet: the form's `file` part.
            AppError::File { .. } => Some("file".to_owned()),
            _ => None,
        };
        ApiError { status, code, message: e.to_string(), field }
    }
}

impl From<SignInRefused> for ApiError {
    fn from(refused: SignInRefused) -> ApiError {
        let status = match refused {
            SignInRefused::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            SignInRefused::Failed(_) | SignInRefused::TotpRequired => StatusCode::UNAUTHORIZED,
        };
        let error = ApiError::new(status, refused.code(), refused.to_string());
        match refused {
            SignInRefused::TotpRequired => error.on("totp"),
            _ => error,
        }
    }
}
