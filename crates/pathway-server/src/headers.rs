//! Headers every answer carries, so a browser treats what Pathway sends as what it is and
//! keeps it to itself: no type sniffing, no framing, no referrer, no caching of personal data,
//! and (when cookies are `Secure`) HTTPS only. A handler that sets one of these itself (a
//! page with its own content policy, a public file that may be cached) keeps its own.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Whether to send `Strict-Transport-Security`: off only for plain-http development on
/// loopback (`insecure_loopback_cookies`), where it would be ignored anyway.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Https(pub(crate) bool);

const ALWAYS: &[(HeaderName, &str)] = &[
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    (header::CACHE_CONTROL, "no-store"),
];

fn set_unless_present(headers: &mut HeaderMap, name: &HeaderName, value: &'static str) {
    if !headers.contains_key(name) {
        headers.insert(name.clone(), HeaderValue::from_static(value));
    }
}

/// The middleware: adds the headers to every answer, errors included.
pub(crate) async fn secure(State(https): State<Https>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in ALWAYS {
        set_unless_present(headers, name, value);
    }
    set_unless_present(headers, &HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set_unless_present(headers, &HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    if https.0 {
        set_unless_present(headers, &header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    response
}
