//! Signing in with OpenID Connect against a real OpenID provider: npm `oidc-provider` (a
//! certified implementation) started on loopback by `tests/oidc/provider.mjs`, driven through
//! its development sign-in pages by a cookie-keeping client, as a browser would be.
//!
//! Needs `node` and the provider's packages (`npm ci` in `tests/oidc`, run here when they are
//! missing). Without them the tests are skipped with a notice, unless CI=true, when they fail.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use pathway_app::audit::AuditFilter;
use pathway_app::config::Secret;
use pathway_app::oidc::OidcSettings;

use super::*;

// As in provider.mjs.
const CLIENT_ID: &str = "pathway";
const CLIENT_SECRET: &str = "a-test-client-secret-that-is-long-enough-0123456789";
const TENANT: &str = "3f2a9c1e-0000-4000-8000-00000000a11e";

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn skip(why: &str) -> Option<Provider> {
    if required() {
        panic!("the OpenID Connect tests need a real provider (CI=true), but {why}");
    }
    eprintln!("\nSKIPPED: OpenID Connect against a real provider ({why})\n");
    None
}

/// The provider process, ended on drop.
struct Provider {
    child: Child,
    issuer: String,
    // Kept open: the provider writes notices to it, and a closed pipe would stop it.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Provider {
    /// Start the provider accepting these redirect URLs; `None` (skipped) without node.
    fn start(redirects: &[String]) -> Option<Provider> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        if Command::new("node").arg("--version").output().is_err() {
            return skip("`node` is not installed");
        }
        // One install for every test in this binary (they run at once).
        static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _installing = INSTALL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !dir.join("node_modules/oidc-provider").exists() {
            let installed = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&dir)
                .status()
                .is_ok_and(|s| s.success());
            if !installed {
                return skip("`npm ci` in crates/pathway-server/tests/oidc failed or npm is not installed");
            }
        }
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .args(redirects)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the provider");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("provider said `{line}`: {e}"));
        Some(Provider { child, issuer: ready["issuer"].as_str().unwrap().to_owned(), _stdout: stdout })
    }

    /// Damage (or stop damaging) the signature of the ID tokens the provider sends.
    async fn tamper(&self, how: &str) {
        let answer = reqwest::get(format!("{}/__test/tamper/{how}", self.issuer)).await.unwrap();
        assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser: follows nothing by itself, keeps cookies (by name, for every address on
/// loopback, as a browser does across ports), remembers the last address it was sent to.
struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new() -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let attributes = attributes.to_ascii_lowercase();
            if value.is_empty() || attributes.contains("max-age=0") || attributes.contains("1970") {
                self.cookies.remove(name.trim());
            } else {
                self.cookies.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request.header("cookie", self.cookie_header()).send().await.unwrap();
        self.keep_cookies(&response);
        response
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let request = self.http.get(url);
        self.send(request).await
    }

    /// From Pathway's start address through the provider's sign-in and consent pages as
    /// `login`, to the callback address the provider sends the browser back to (not yet
    /// visited).
    async fn through_provider(&mut self, server: &Server, authority: &str, login: &str) -> String {
        let start = self.get(&server.url(&format!("/auth/oidc/{authority}/start"))).await;
        assert_eq!(start.status(), StatusCode::SEE_OTHER);
        let mut location = location(&start);
        let provider = location.split("/auth?").next().unwrap().to_owned();
        assert!(location.contains("code_challenge_method=S256"), "{location}");
        for _ in 0..10 {
            if location.starts_with(&server.url) {
                return location;
            }
            let url = if location.starts_with("http") { location.clone() } else { format!("{provider}{location}") };
            let response = if url.contains("/interaction/") {
                let page = self.get(&url).await.text().await.unwrap();
                let form: &[(&str, &str)] = if page.contains("value=\"login\"") {
                    &[("prompt", "login"), ("login", login), ("password", "anything")]
                } else {
                    &[("prompt", "consent")]
                };
                let request = self.http.post(&url).form(form);
                self.send(request).await
            } else {
                self.get(&url).await
            };
            assert!(response.status().is_redirection(), "{url}: {}", response.status());
            location = location_of(&response);
        }
        panic!("the provider never sent the browser back");
    }

    /// Visit the callback address: the status and body.
    async fn callback(&mut self, url: &str) -> (StatusCode, Value) {
        let response = self.get(url).await;
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }

    async fn me(&mut self, server: &Server) -> (StatusCode, Value) {
        let response = self.get(&server.url("/api/v1/me")).await;
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }
}

fn location(response: &reqwest::Response) -> String {
    location_of(response)
}

fn location_of(response: &reqwest::Response) -> String {
    response.headers().get("location").unwrap().to_str().unwrap().to_owned()
}

/// A Bexley server (clock: now, since the provider's tokens carry real times) with a real
/// provider configured for it, matched by `iss` + `sub` or, with `entra`, `oid` + `tid`.
async fn bexley_with_provider(dir: &Scratch, database: Database, entra: bool) -> Option<(Server, Provider)> {
    let server = Server::start(config(database, Utc::now(), dir)).await;
    let redirect = server.url("/auth/oidc/bexley/callback");
    let Some(provider) = Provider::start(std::slice::from_ref(&redirect)) else {
        server.stop().await;
        return None;
    };
    bexley(&server.pathway).await;
    let settings = OidcSettings {
        issuer: provider.issuer.clone(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: Secret::new(CLIENT_SECRET.to_owned()),
        redirect_url: redirect,
        tenant_id: entra.then(|| TENANT.to_owned()),
    };
    let shown = server.pathway.set_oidc_provider("bexley", &settings).await.expect("set the provider");
    assert!(!format!("{shown:?}").contains(CLIENT_SECRET));
    Some((server, provider))
}

/// Daniel signs in with his organisation's provider for the first time: held until an
/// administrator links him to `dan`; then he signs in and `/api/v1/me` knows him.
async fn first_sign_in_is_held_until_approved_then_signs_in(server: &Server, login: &str, identity: &str) {
    let mut browser = Browser::new();
    let callback = browser.through_provider(server, "bexley", login).await;
    let (status, body) = browser.callback(&callback).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("oidc_awaiting_approval")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("an administrator must approve"), "{body}");
    assert_eq!(browser.me(server).await.0, StatusCode::UNAUTHORIZED, "no session until approved");

    let pending = server.pathway.oidc_identities("bexley", false).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].identity, identity);
    assert_eq!(pending[0].username, None);
    let approved = server.pathway.oidc_approve("bexley", pending[0].id, "dan").await.unwrap();
    assert_eq!(approved.username.as_deref(), Some("dan"));
    assert!(server.pathway.oidc_identities("bexley", false).await.unwrap().is_empty());

    let mut browser = Browser::new();
    let callback = browser.through_provider(server, "bexley", login).await;
    let (status, body) = browser.callback(&callback).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["person"]["name"], "Daniel Hussain");
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 64);
    let session = browser.cookies.get("pathway").cloned().expect("the session cookie");
    assert_eq!(session.len(), 64);
    assert!(!browser.cookies.contains_key("pathway-oidc"), "the state cookie is cleared");
    let (status, me) = browser.me(server).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("dan")), "{me}");
    assert_eq!(me["posts"][0]["role"], "team-manager");

    // The same callback again (a replay): refused, and the session it made is the only one.
    let (status, body) = browser.callback(&callback).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("oidc_unknown_state")), "{body}");

    // Disabled, Daniel's next sign-in is refused.
    server.pathway.set_account_enabled("bexley", "dan", false).await.expect("disable dan");
    let mut browser = Browser::new();
    let callback = browser.through_provider(server, "bexley", login).await;
    let (status, body) = browser.callback(&callback).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("oidc_account_disabled")), "{body}");

    // Each sign-in the provider vouched for is in Bexley's audit chain, as a local one is: the
    // one held for approval, the one that signed in, the one refused; and the chain checks.
    let trail: Vec<String> = server
        .pathway
        .audit_show("bexley", &AuditFilter::default())
        .await
        .expect("audit show")
        .into_iter()
        .map(|e| e.what)
        .collect();
    let held = "failed sign-in with OpenID Connect from 127.0.0.1: identity ";
    assert!(trail.iter().any(|w| w.starts_with(held) && w.ends_with("is not linked to an account yet")), "{trail:?}");
    assert!(trail.iter().any(|w| w == "dan signed in with OpenID Connect from 127.0.0.1"), "{trail:?}");
    assert!(trail.iter().any(|w| w == "failed sign-in as dan from 127.0.0.1 (disabled)"), "{trail:?}");
    assert!(!trail.iter().any(|w| w.contains("(signed-in-oidc)")), "a sign-in is not a failure: {trail:?}");
    let reports = server.pathway.verify_audit(Some("bexley")).await.expect("verify");
    assert!(reports[0].intact(), "{reports:?}");
}

#[tokio::test]
async fn a_first_sign_in_waits_for_approval_then_gives_a_working_session_and_a_replay_is_refused() {
    let dir = Scratch::new();
    let Some((server, _provider)) = bexley_with_provider(&dir, dir.sqlite(), false).await else { return };
    let issuer = _provider.issuer.clone();
    first_sign_in_is_held_until_approved_then_signs_in(&server, "daniel.h", &format!("iss:{issuer}/sub:daniel.h"))
        .await;
    server.stop().await;
}

#[tokio::test]
async fn entra_people_are_matched_by_oid_and_tid_on_postgresql_too() {
    let dir = Scratch::new();
    let Some((server, _provider)) = bexley_with_provider(&dir, dir.sqlite(), true).await else { return };
    let identity = format!("tid:{TENANT}/oid:oid-daniel.h");
    first_sign_in_is_held_until_approved_then_signs_in(&server, "daniel.h", &identity).await;
    server.stop().await;

    let Some(database) = postgres::FreshDatabase::create().await else { return };
    let url = database.url();
    let dir = Scratch::new();
    let Some((server, _provider)) = bexley_with_provider(&dir, Database::parse(&url, "test").unwrap(), true).await
    else {
        return;
    };
    first_sign_in_is_held_until_approved_then_signs_in(&server, "daniel.h", &identity).await;
    server.stop().await;
}

#[tokio::test]
async fn a_tampered_id_token_a_wrong_state_and_another_browser_are_refused() {
    let dir = Scratch::new();
    let Some((server, provider)) = bexley_with_provider(&dir, dir.sqlite(), false).await else { return };
    let sign_ins = |server: &Server| {
        let pathway = Arc::clone(&server.pathway);
        async move { pathway.oidc_identities("bexley", true).await.unwrap().len() }
    };

    // A byte of the ID token's signature flipped on its way from the provider.
    provider.tamper("signature").await;
    let mut browser = Browser::new();
    let callback = browser.through_provider(&server, "bexley", "daniel.h").await;
    let (status, body) = browser.callback(&callback).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("oidc_bad_token")), "{body}");
    assert!(body["message"].as_str().unwrap().to_lowercase().contains("signature"), "{body}");
    assert_eq!(browser.me(&server).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_ins(&server).await, 0, "nothing is learnt from a tampered token");
    provider.tamper("off").await;

    // A state that was never issued.
    let mut browser = Browser::new();
    let callback = browser.through_provider(&server, "bexley", "daniel.h").await;
    let (head, query) = callback.split_once('?').unwrap();
    let forged: Vec<String> = query
        .split('&')
        .map(|p| if p.starts_with("state=") { "state=not-the-state-we-sent".to_owned() } else { p.to_owned() })
        .collect();
    let (status, body) = browser.callback(&format!("{head}?{}", forged.join("&"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("oidc_unknown_state")), "{body}");

    // The right callback, but in another browser (a link sent to someone else): refused,
    // and used up, so the first browser cannot complete it either.
    let mut browser = Browser::new();
    let callback = browser.through_provider(&server, "bexley", "daniel.h").await;
    let (status, _) = Browser::new().callback(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = browser.callback(&callback).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("oidc_unknown_state")), "{body}");

    // Untampered, the same person is recorded (waiting for approval).
    let mut browser = Browser::new();
    let callback = browser.through_provider(&server, "bexley", "daniel.h").await;
    assert_eq!(browser.callback(&callback).await.0, StatusCode::FORBIDDEN);
    assert_eq!(sign_ins(&server).await, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_sign_in_not_completed_within_ten_minutes_is_refused() {
    let dir = Scratch::new();
    let Some((server, _provider)) = bexley_with_provider(&dir, dir.sqlite(), false).await else { return };
    let mut browser = Browser::new();
    let callback = browser.through_provider(&server, "bexley", "daniel.h").await;
    // A second server on the same database, eleven minutes later, receives the callback.
    let later = Server::start(config(dir.sqlite(), Utc::now() + Duration::minutes(11), &dir)).await;
    let port_of = |url: &str| url.rsplit(':').next().unwrap().to_owned();
    let moved = callback.replace(&server.url, &later.url);
    assert_ne!(port_of(&server.url), port_of(&later.url));
    let (status, body) = browser.callback(&moved).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("oidc_expired")), "{body}");
    later.stop().await;
    server.stop().await;
}
