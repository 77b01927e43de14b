//! The pages' stylesheet, scripts, fonts and images, built by `build.rs` (GOV.UK Frontend
//! compiled with sass) and embedded in the binary. Each is served at
//! `/assets/{VERSION}/{name}`: the version changes whenever an asset does, so an address
//! always names the same bytes and browsers may keep them for a year.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

mod built {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

pub(crate) use built::VERSION;

/// Where the assets of this build are served, ending in `/`.
pub(crate) fn base() -> String {
    format!("/assets/{VERSION}/")
}

/// An embedded asset by its name under the version (`app.css`, `images/favicon.svg`).
pub(crate) fn find(name: &str) -> Option<(&'static str, &'static [u8])> {
    built::FILES.iter().find(|(served, ..)| *served == name).map(|(_, kind, bytes)| (*kind, *bytes))
}

/// `GET /assets/{version}/{*name}`. Another version's address is not found: this server
/// cannot answer for bytes it does not have.
pub(crate) async fn serve(Path((version, name)): Path<(String, String)>) -> Response {
    match find(&name) {
        Some((kind, bytes)) if version == VERSION => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            // Fonts and scripts are fetched in CORS mode; they are this site's own.
            headers.insert(
                axum::http::HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            );
            response
        }
        _ => crate::pages::error_page(StatusCode::NOT_FOUND),
    }
}
