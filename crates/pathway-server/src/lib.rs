//! Pathway over HTTP: `pathway serve`. An axum server on the same application-layer use
//! cases as the CLI; this crate depends on `pathway-app` alone.
//!
//! - `routes.rs`: the endpoints (`/healthz`, `/api/v1/session`, `/api/v1/me`); `api.rs`: the
//!   JSON API's resources (frameworks, pay, workers, eligibility, applications); `workflow.rs`:
//!   the progression workflow (application steps and decisions, exceptions, panels, ASYE);
//!   `openapi.rs`: the OpenAPI 3.1 document of them all.
//! - `session.rs`: the session cookie or API token, resolved on every request, and CSRF
//!   protection for every state-changing request that carries a cookie.
//! - `oidc.rs`: signing in with an authority's OpenID provider (`/auth/oidc/{authority}/start`
//!   and `/callback`).
//! - `error.rs`: the one error type, answered as JSON `{ "code", "message", "field" }`.
//! - `pages/`: the web pages (askama templates in `templates/`, GOV.UK Frontend), with
//!   HTML error pages; `assets.rs`: the stylesheet, scripts, fonts and images `build.rs`
//!   built from `web/`, embedded and served under `/assets/{version}/`.
//! - `schedule.rs`: the automatic moves due (`run-due`), applied for every authority at
//!   start and then on an interval.
//!
//! Nothing another server needs is kept in this process: sessions, failure counts and
//! lock-outs are in the database, so any number of servers can share one PostgreSQL.

mod api;
mod api_career;
mod api_records;
mod assets;
mod error;
mod headers;
mod oidc;
pub mod openapi;
mod pages;
mod routes;
mod schedule;
mod schemas;
mod session;
mod workflow;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use pathway_app::service::Pathway;
use tokio::net::TcpListener;

pub use error::ApiError;

/// The default address: loopback only, port 8080.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Why the server could not run.
#[derive(Debug)]
pub enum ServeError {
    /// A setting that cannot be used with this address.
    Setting(String),
    /// The listener failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Setting(message) => f.write_str(message),
            ServeError::Io(e) => write!(f, "the server stopped: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The router, for a server or a test: every route with its session layer.
pub fn router(pathway: Arc<Pathway>) -> axum::Router {
    let https = headers::Https(!pathway.config().server.insecure_loopback_cookies);
    routes::router(pathway).layer(axum::middleware::from_fn_with_state(https, headers::secure))
}

/// Check the settings suit the address the server listens on: cookies without `Secure` are
/// a development setting, allowed on loopback only.
pub fn check_settings(pathway: &Pathway, addr: SocketAddr) -> Result<(), ServeError> {
    if pathway.config().server.insecure_loopback_cookies && !addr.ip().is_loopback() {
        return Err(ServeError::Setting(format!(
            "insecure_loopback_cookies (PATHWAY_INSECURE_LOOPBACK_COOKIES) is for development on a loopback \
             address; {addr} is not one: switch it off, or bind 127.0.0.1"
        )));
    }
    Ok(())
}

/// Serve on `listener` until `shutdown` completes, then finish the requests in flight.
/// The automatic moves due are applied at start and every `run_due_every` meanwhile.
pub async fn serve(
    pathway: Arc<Pathway>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener.local_addr().map_err(ServeError::Io)?;
    check_settings(&pathway, addr)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let schedule = schedule::spawn(Arc::clone(&pathway), pathway.config().server.run_due_every, stopped);
    let app = router(pathway).into_make_service_with_connect_info::<SocketAddr>();
    tracing::info!(%addr, "listening");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stop.send(true);
        })
        .await;
    // A run-due in progress is given a moment to finish; each move is its own transaction,
    // so stopping one part way leaves nothing half done.
    if tokio::time::timeout(Duration::from_secs(10), schedule).await.is_err() {
        tracing::warn!("run-due did not finish within 10 seconds of shutdown; stopped");
    }
    served.map_err(ServeError::Io)
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
