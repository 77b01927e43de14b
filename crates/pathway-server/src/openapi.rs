//! The API described in OpenAPI 3.1, generated from the handlers: each handler carries its
//! `#[utoipa::path]` (method, path, parameters, body, every status it answers with its
//! schema) and `routes.rs` builds the router from the same handlers with
//! `utoipa_axum::routes!`, so a route without a description, or a description without a
//! route, cannot be written. Response schemas are derived (`ToSchema`) on the types the
//! handlers answer, in `pathway-app`.
//!
//! Served at `GET /api/openapi.json` and checked in as `openapi.json` at the repository
//! root (a test fails when the two differ; `pathway openapi > openapi.json` rewrites it).

use std::sync::LazyLock;

use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The parts of the document that belong to no one handler: the title, the description,
/// the error body and the two ways to sign in.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pathway",
        description = "Career progression and pay for social workers. Errors are {code, message, field}; \
            lists are cursor-paged; creating POSTs honour Idempotency-Key; changes to a versioned record \
            honour If-Match with the ETag read. Sign in with a session (cookie + X-CSRF-Token on changes) \
            or an API token (Authorization: Bearer pwt_...).",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&SignInSchemes),
)]
struct Base;

struct SignInSchemes;

impl Modify for SignInSchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API token (`pathway token create`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "__Host-pathway",
                "the session cookie from POST /api/v1/session (`pathway` on loopback development)",
            ))),
        );
    }
}

/// The document's frame, before the handlers add their paths.
pub(crate) fn base() -> Document {
    Base::openapi()
}

static TEXT: LazyLock<String> = LazyLock::new(|| {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
});

/// The OpenAPI 3.1 document: the one the router is built with.
pub fn document() -> Document {
    // The upload limit shapes the router, never the document.
    crate::routes::documented(0).split_for_parts().1
}

/// The document as checked in: pretty-printed, with a final newline.
pub fn document_text() -> String {
    TEXT.clone()
}

/// The document's text, built once.
pub(crate) fn served_text() -> &'static str {
    &TEXT
}
