//! The server over real HTTP: each test starts `pathway_server::serve` on a loopback port 0
//! listener against a database of its own, and talks to it with a real client (reqwest).
//! Time comes from a fixed clock in the configuration, so a test moves it on by starting a
//! second server on the same database with a later clock — which also shows that nothing a
//! server needs is in its memory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use pathway_app::accounts::{totp_code, totp_secret_from_uri, totp_step};
use pathway_app::clock::Clock;
use pathway_app::config::{Config, Database};
use pathway_app::model::{EmployeeNumber, EmploymentType, NewWorker, PersonName, UnitKind, WorkerDetails};
use pathway_app::service::Pathway;
use reqwest::StatusCode;
use serde_json::{Value, json};

mod api;
mod career;
mod matrix;
mod oidc;
mod pages;
mod postgres;
mod records;
mod workflow;

const PASSWORD: &str = "a long enough password";

/// 10:00 UTC on 12 June 2025: every story starts here.
fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-12T10:00:00Z").unwrap().with_timezone(&Utc)
}

/// A scratch directory, removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("pathway-server-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn sqlite(&self) -> Database {
        Database::Sqlite { path: self.0.join("pathway.db") }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(database: Database, at: DateTime<Utc>, dir: &Scratch) -> Config {
    let mut config = Config { database, data_dir: dir.0.join("files"), clock: Clock::Fixed(at), ..Config::defaults() };
    // Plain http on loopback, so the cookie is `pathway` without Secure (checked separately).
    config.server.insecure_loopback_cookies = true;
    config
}

/// A running server.
struct Server {
    url: String,
    pathway: Arc<Pathway>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), pathway_server::ServeError>>,
}

impl Server {
    async fn start(config: Config) -> Server {
        let pathway = Arc::new(Pathway::open(config).await.expect("open"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(pathway_server::serve(Arc::clone(&pathway), listener, async move {
            let _ = stopped.await;
        }));
        Server { url, pathway, stop: Some(stop), task }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap().unwrap();
        self.pathway.close().await;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// A browser-like client for one person: it keeps the cookie and the CSRF token.
struct Client {
    http: reqwest::Client,
    cookie: Option<String>,
    csrf: Option<String>,
}

impl Client {
    fn new() -> Client {
        Client { http: reqwest::Client::new(), cookie: None, csrf: None }
    }

    /// Sign in (sending the session it has, if any, with its token, as a browser page would);
    /// on success the new cookie and token are kept. Answers the status and body.
    async fn sign_in(
        &mut self,
        server: &Server,
        username: &str,
        password: &str,
        totp: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut body = json!({ "username": username, "password": password });
        if let Some(code) = totp {
            body["totp"] = json!(code);
        }
        let mut request = self.http.post(server.url("/api/v1/session")).json(&body);
        if let (Some(cookie), Some(token)) = (&self.cookie, &self.csrf) {
            request = request.header("cookie", cookie).header("x-csrf-token", token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        if let Some(cookie) = response.headers().get("set-cookie") {
            let cookie = cookie.to_str().unwrap().to_owned();
            self.cookie = Some(cookie.split(';').next().unwrap().to_owned());
        }
        let body: Value = response.json().await.unwrap();
        if status == StatusCode::OK {
            self.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
        }
        (status, body)
    }

    async fn get(&self, server: &Server, path: &str) -> (StatusCode, Value) {
        let mut request = self.http.get(server.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }

    async fn sign_out(&self, server: &Server, with_token: bool) -> (StatusCode, Value) {
        let mut request = self.http.delete(server.url("/api/v1/session"));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let (true, Some(token)) = (with_token, &self.csrf) {
            request = request.header("x-csrf-token", token);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Bexley with Daniel Hussain (E100), team manager of Assessment Team A, and Amara Okafor
/// (E200), a social worker in his team; Daniel has an account `dan` with a password.
async fn bexley(p: &Pathway) {
    p.onboard_authority("bexley", "London Borough of Bexley", "bexley").await.expect("bexley");
    for (number, name) in [("E100", "Daniel Hussain"), ("E200", "Amara Okafor")] {
        let details = WorkerDetails::new(
            EmployeeNumber::parse(number).unwrap(),
            PersonName::parse(name).unwrap(),
            EmploymentType::Permanent,
            date(2019, 4, 1),
        );
        p.add_worker("bexley", &NewWorker { details, timeline: vec![] }).await.expect("worker");
    }
    p.create_unit("bexley", UnitKind::Team, "Assessment Team A", None).await.expect("team");
    p.create_post("bexley", "Assessment Team A", "team-manager", Some("E100"), Some(date(2023, 4, 18)), None)
        .await
        .expect("post");
    p.create_account("bexley", "E100", "dan", &[]).await.expect("account");
    p.set_password("bexley", "dan", PASSWORD).await.expect("password");
}

/// A server on a fresh SQLite database holding [`bexley`], at [`start_time`].
async fn bexley_server(dir: &Scratch) -> Server {
    let server = Server::start(config(dir.sqlite(), start_time(), dir)).await;
    bexley(&server.pathway).await;
    server
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers_and_503_when_it_does_not() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    let (status, body) = Client::new().get(&server, "/healthz").await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "status": "ok" })));
    // With its connections closed the database cannot answer: the server says so.
    server.pathway.close().await;
    let (status, body) = Client::new().get(&server, "/healthz").await;
    assert_eq!((status, body), (StatusCode::SERVICE_UNAVAILABLE, json!({ "status": "unavailable" })));
    let (status, body) = Client::new().get(&server, "/api/no/such/page").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let response = reqwest::Client::new().put(server.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].clone()), (Some("method_not_allowed"), Value::Null));
}

#[tokio::test]
async fn a_manager_signs_in_sees_who_they_are_and_signs_out() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let mut dan = Client::new();
    let (status, body) = dan.sign_in(&server, "Dan", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["person"], json!({ "employee_number": "E100", "name": "Daniel Hussain" }));
    let cookie = dan.cookie.clone().unwrap();
    assert!(cookie.starts_with("pathway=") && cookie.len() == "pathway=".len() + 64, "{cookie}");

    let (status, me) = dan.get(&server, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["authority"], json!({ "id": "bexley", "name": "London Borough of Bexley" }));
    assert_eq!(me["posts"][0]["role"], "team-manager");
    assert_eq!(me["posts"][0]["unit"], "Assessment Team A");
    assert_eq!(me["system_roles"], json!([]));

    // A second sign-in gets a new session id; the first session ended with it.
    let first = dan.cookie.clone();
    dan.sign_in(&server, "dan", PASSWORD, None).await;
    assert_ne!(dan.cookie, first, "a new session id at every sign-in");
    let old = Client { http: reqwest::Client::new(), cookie: first, csrf: None };
    assert_eq!(old.get(&server, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);

    let (status, _) = dan.sign_out(&server, true).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = dan.get(&server, "/api/v1/me").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("not_signed_in")));
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let (wrong_status, wrong) = Client::new().sign_in(&server, "dan", "not the password at all", None).await;
    let (unknown_status, unknown) = Client::new().sign_in(&server, "nobody", PASSWORD, None).await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong_status, &wrong), (unknown_status, &unknown));
    assert_eq!(wrong["code"], "sign_in_failed");
    let (status, body) = Client::new().get(&server, "/api/v1/me").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("not_signed_in")));
    // A body that is not the sign-in form is named as such.
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/session"))
        .json(&json!({ "user": "dan" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("bad_request"), Some("body")));
    server.stop().await;
}

#[tokio::test]
async fn five_failures_lock_the_account_until_an_administrator_unlocks_it() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    for _ in 0..5 {
        let (status, _) = Client::new().sign_in(&server, "dan", "guessing the password", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Locked: even the right password is refused, with the same answer as any failure.
    let (status, body) = Client::new().sign_in(&server, "dan", PASSWORD, None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_failed")));
    let accounts = server.pathway.account_list("bexley").await.unwrap();
    assert!(accounts[0].locked, "{accounts:?}");

    server.pathway.unlock_account("bexley", "dan").await.unwrap();
    let (status, _) = Client::new().sign_in(&server, "dan", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn with_totp_enrolled_a_code_is_required_and_a_used_code_is_refused() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let enrolment = server.pathway.enrol_totp("bexley", "dan").await.unwrap();
    let secret = totp_secret_from_uri(&enrolment.uri).unwrap();
    assert!(enrolment.uri.starts_with("otpauth://totp/Pathway:dan?secret="), "{}", enrolment.uri);

    let (status, body) = Client::new().sign_in(&server, "dan", PASSWORD, None).await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("totp_required"), Some("totp"))
    );

    let wrong = if totp_code(&secret, totp_step(start_time())) == "000000" { "111111" } else { "000000" };
    let (status, body) = Client::new().sign_in(&server, "dan", PASSWORD, Some(wrong)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_failed")));

    let code = totp_code(&secret, totp_step(start_time()));
    let mut dan = Client::new();
    let (status, _) = dan.sign_in(&server, "dan", PASSWORD, Some(&code)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dan.get(&server, "/api/v1/me").await.0, StatusCode::OK);

    // The same code again (someone who saw it over a shoulder) is refused.
    let (status, body) = Client::new().sign_in(&server, "dan", PASSWORD, Some(&code)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_failed")));
    // And so is the code of the step before, once a later one was used.
    let earlier = totp_code(&secret, totp_step(start_time()) - 1);
    assert_eq!(Client::new().sign_in(&server, "dan", PASSWORD, Some(&earlier)).await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn a_session_unused_for_more_than_thirty_minutes_has_ended() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let mut dan = Client::new();
    dan.sign_in(&server, "dan", PASSWORD, None).await;
    server.stop().await;

    // Twenty minutes later (a server whose clock reads then): still signed in, and the
    // session counts as used now.
    let later = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(20), &dir)).await;
    assert_eq!(dan.get(&later, "/api/v1/me").await.0, StatusCode::OK);
    later.stop().await;
    // Forty-nine minutes after sign-in but twenty-nine after last use: still signed in.
    let later = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(49), &dir)).await;
    assert_eq!(dan.get(&later, "/api/v1/me").await.0, StatusCode::OK);
    later.stop().await;
    // Then thirty-one minutes with nothing: ended, and it stays ended.
    let idle = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(80), &dir)).await;
    assert_eq!(dan.get(&idle, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    idle.stop().await;
    let back = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(50), &dir)).await;
    assert_eq!(dan.get(&back, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "an ended session is gone");
    back.stop().await;
}

#[tokio::test]
async fn no_session_outlives_twelve_hours_however_busy() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let mut dan = Client::new();
    dan.sign_in(&server, "dan", PASSWORD, None).await;
    server.stop().await;
    // Used every 25 minutes all day...
    let mut minutes = 25;
    while minutes <= 12 * 60 {
        let busy = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(minutes), &dir)).await;
        assert_eq!(dan.get(&busy, "/api/v1/me").await.0, StatusCode::OK, "at +{minutes} min");
        busy.stop().await;
        minutes += 25;
    }
    // ...but not past twelve hours from sign-in.
    let late = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(12 * 60 + 1), &dir)).await;
    assert_eq!(dan.get(&late, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    late.stop().await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_and_its_sign_ins() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let mut dan = Client::new();
    dan.sign_in(&server, "dan", PASSWORD, None).await;
    assert_eq!(dan.get(&server, "/api/v1/me").await.0, StatusCode::OK);
    server.pathway.set_account_enabled("bexley", "dan", false).await.unwrap();
    assert_eq!(dan.get(&server, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(Client::new().sign_in(&server, "dan", PASSWORD, None).await.0, StatusCode::UNAUTHORIZED);
    server.pathway.set_account_enabled("bexley", "dan", true).await.unwrap();
    assert_eq!(Client::new().sign_in(&server, "dan", PASSWORD, None).await.0, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn a_change_without_the_csrf_token_or_from_another_site_is_refused() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let mut dan = Client::new();
    dan.sign_in(&server, "dan", PASSWORD, None).await;

    let (status, body) = dan.sign_out(&server, false).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_failed")));
    let wrong = Client { http: reqwest::Client::new(), cookie: dan.cookie.clone(), csrf: Some("0".repeat(64)) };
    assert_eq!(wrong.sign_out(&server, true).await.0, StatusCode::FORBIDDEN);
    assert_eq!(dan.get(&server, "/api/v1/me").await.0, StatusCode::OK, "still signed in");

    // Another site's page posting with the browser's cookie and even the right token.
    let response = reqwest::Client::new()
        .delete(server.url("/api/v1/session"))
        .header("cookie", dan.cookie.clone().unwrap())
        .header("x-csrf-token", dan.csrf.clone().unwrap())
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/session"))
        .header("origin", "https://evil.example")
        .json(&json!({ "username": "dan", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "no signing in from another site's page");

    assert_eq!(dan.sign_out(&server, true).await.0, StatusCode::NO_CONTENT);
    server.stop().await;
}

#[tokio::test]
async fn by_default_the_cookie_is_host_only_secure_httponly_and_lax() {
    let dir = Scratch::new();
    let mut config = config(dir.sqlite(), start_time(), &dir);
    config.server.insecure_loopback_cookies = false;
    let server = Server::start(config).await;
    bexley(&server.pathway).await;
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/session"))
        .json(&json!({ "username": "dan", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-pathway="), "{cookie}");
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure", "; Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    server.stop().await;
}

#[tokio::test]
async fn cookies_without_secure_are_refused_off_loopback() {
    let dir = Scratch::new();
    let pathway = Pathway::open(config(dir.sqlite(), start_time(), &dir)).await.unwrap();
    let err = pathway_server::check_settings(&pathway, "0.0.0.0:8080".parse().unwrap()).unwrap_err();
    assert!(err.to_string().contains("insecure_loopback_cookies"), "{err}");
    assert!(pathway_server::check_settings(&pathway, "127.0.0.1:8080".parse().unwrap()).is_ok());
    pathway.close().await;
}

#[tokio::test]
async fn twenty_failures_from_one_address_are_answered_429_for_fifteen_minutes() {
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    // Guessing usernames, so no one account locks: the address is what is counted.
    for n in 0..20 {
        let (status, _) = Client::new().sign_in(&server, &format!("guess{n}"), PASSWORD, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = Client::new().sign_in(&server, "dan", PASSWORD, None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")));
    server.stop().await;
    // Sixteen minutes later the window has passed.
    let later = Server::start(config(dir.sqlite(), start_time() + Duration::minutes(16), &dir)).await;
    assert_eq!(Client::new().sign_in(&later, "dan", PASSWORD, None).await.0, StatusCode::OK);
    later.stop().await;
}

#[tokio::test]
async fn every_answer_tells_the_browser_not_to_sniff_frame_cache_or_leak_it() {
    let dir = Scratch::new();
    let mut config = config(dir.sqlite(), start_time(), &dir);
    config.server.insecure_loopback_cookies = false;
    let server = Server::start(config).await;
    bexley(&server.pathway).await;
    let http = reqwest::Client::new();
    // A public answer, a refusal, an address that does not exist, and a failed sign-in.
    let answers = [
        http.get(server.url("/healthz")).send().await.unwrap(),
        http.get(server.url("/api/v1/me")).send().await.unwrap(),
        http.get(server.url("/api/v1/no/such/thing")).send().await.unwrap(),
        http.post(server.url("/api/v1/session"))
            .json(&json!({ "username": "dan", "password": "not the password" }))
            .send()
            .await
            .unwrap(),
    ];
    for response in answers {
        let headers = response.headers();
        let status = response.status();
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
            ("strict-transport-security", "max-age=31536000; includeSubDomains"),
        ] {
            assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(value), "{name} on a {status}");
        }
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    }
    // A page (here the 404 page) is the same, but for its referrer policy: `same-origin`, so
    // a browser posting its forms sends their real Origin (with `no-referrer` it sends
    // `Origin: null`), while other sites still get no referrer.
    let page = http.get(server.url("/no/such/page")).send().await.unwrap();
    let headers = page.headers();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
        ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ] {
        assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(value), "{name} on a page");
    }
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    server.stop().await;

    // Over plain http on loopback (development), HSTS is not sent: it would pin nothing.
    let dir = Scratch::new();
    let server = bexley_server(&dir).await;
    let response = reqwest::Client::new().get(server.url("/healthz")).send().await.unwrap();
    assert!(response.headers().get("strict-transport-security").is_none());
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    server.stop().await;
}
