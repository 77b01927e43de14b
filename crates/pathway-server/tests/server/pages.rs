//! The web pages over real HTTP. Pages are outside `/api`, so the access matrix
//! (`matrix.rs`) does not list them; page access is checked here instead: a signed-out visit
//! to a signed-in page is sent to `/sign-in`, and a signed-in page shows the signed-in
//! person's own record only (it takes no id to ask for anyone else's). The same pages are
//! walked in Chromium, with axe-core, by `scripts/browser-tests.sh`.

use pathway_app::accounts::DemoAccount;
use pathway_app::demo::Scale;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use pathway_app::config::Database;

use super::{Scratch, Server, config, start_time};

/// A server holding the demo authorities, and its demo accounts.
async fn demo_server(dir: &Scratch) -> (Server, Vec<DemoAccount>) {
    demo_server_on(dir.sqlite(), dir).await
}

/// The same on `database`.
async fn demo_server_on(database: Database, dir: &Scratch) -> (Server, Vec<DemoAccount>) {
    let server = Server::start(config(database, start_time(), dir)).await;
    let today = server.pathway.clock().today();
    server.pathway.load_demo(Scale::Seeds, today, 2026, &|_, _| {}).await.unwrap();
    let accounts = server.pathway.demo_accounts().await.unwrap();
    (server, accounts)
}

fn account<'a>(accounts: &'a [DemoAccount], kind: &str) -> &'a DemoAccount {
    accounts.iter().find(|a| a.kind == kind).unwrap()
}

/// A browser that does not follow redirects, so each answer can be read.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

/// What a sign-in form posts; answers the status, the `Location` and the session cookie.
async fn sign_in_form(
    server: &Server,
    username: &str,
    password: &str,
) -> (StatusCode, Option<String>, Option<String>, String) {
    let response = browser()
        .post(server.url("/sign-in"))
        .form(&[("username", username), ("password", password), ("totp", "")])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    let cookie =
        response.headers().get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    (status, location, cookie, response.text().await.unwrap())
}

async fn page(server: &Server, path: &str, cookie: Option<&str>) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = browser().get(server.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

/// The hidden `csrf_token` field of a page's form.
fn csrf_field(html: &str) -> String {
    let at = html.find("name=\"csrf_token\" value=\"").unwrap() + "name=\"csrf_token\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_public_pages_are_html_under_the_page_policy_and_their_assets_are_kept_a_year() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    for path in ["/", "/authorities", "/authorities/rotherham", "/compare", "/accessibility", "/sign-in"] {
        let (status, headers, html) = page(&server, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("style-src 'self'") && !policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(html.contains("<html lang=\"en-GB\""), "{path}");
        assert!(html.contains("Skip to main content"), "{path}");
    }
    // Rotherham's pathway: its levels, its pay on the NJC spine and the chart's table.
    let (_, _, html) = page(&server, "/authorities/rotherham?on=2025-06-12", None).await;
    assert!(html.contains("SCP "), "pay points by SCP");
    assert!(html.contains("Basic pay by level, as in the chart"));
    assert!(html.contains("role=\"img\""), "the chart is an image with a text alternative");

    // The stylesheet the page links is served, with a year's cache.
    let (_, _, html) = page(&server, "/", None).await;
    let marker = "<link rel=\"stylesheet\" href=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let stylesheet = html[start..].split('"').next().unwrap().to_owned();
    let (status, headers, css) = page(&server, &stylesheet, None).await;
    assert_eq!(status, StatusCode::OK, "{stylesheet}");
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
    assert!(css.contains(".govuk-button"), "GOV.UK Frontend compiled in");
    assert!(!css.contains("GDS Transport"), "the GOV.UK typeface is for GOV.UK services only");
    let crest = stylesheet.replace("app.css", "images/govuk-crest.svg");
    assert!(css.contains(&crest), "images are served beside the stylesheet: {crest}");
    let (status, headers, _) = page(&server, &crest, None).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (StatusCode::OK, "image/svg+xml"));
    // Another version's address is not this server's to answer.
    assert_eq!(page(&server, "/assets/0000000000000000/app.css", None).await.0, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn an_address_nothing_answers_is_an_html_page_and_the_api_keeps_its_json() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    let (status, headers, html) = page(&server, "/no/such/page", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.contains("Page not found"));
    let (status, _, html) = page(&server, "/authorities/no-such-council", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    let (status, _, html) = page(&server, "/authorities/rotherham?on=not-a-date", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("There is a problem with the request"));

    let (status, headers, body) = page(&server, "/api/v1/no/such/thing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/json"));
    assert!(body.contains("\"code\":\"not_found\""), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn a_signed_out_visit_to_a_signed_in_page_is_sent_to_sign_in() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    let (status, headers, _) = page(&server, "/home", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/sign-in");
    // A cookie naming no live session is no session.
    let (status, headers, _) = page(&server, "/home", Some("pathway=0123456789abcdef")).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/sign-in"));
    server.stop().await;
}

#[tokio::test]
async fn a_failed_sign_in_says_what_is_wrong_and_keeps_the_username_but_never_the_password() {
    let dir = Scratch::new();
    let (server, accounts) = demo_server(&dir).await;
    let worker = account(&accounts, "worker");

    let (status, _, cookie, html) = sign_in_form(&server, "", "").await;
    assert_eq!((status, cookie), (StatusCode::UNPROCESSABLE_ENTITY, None));
    assert!(html.contains("govuk-error-summary") && html.contains("<title>Error: Sign in"), "{html}");
    assert!(
        html.contains("href=\"#username\">Enter your username")
            && html.contains("href=\"#password\">Enter your password")
    );
    assert!(html.contains("id=\"username-error\""), "the error beside its field too");

    let (status, _, cookie, html) = sign_in_form(&server, &worker.username, "not the password").await;
    assert_eq!((status, cookie), (StatusCode::UNPROCESSABLE_ENTITY, None));
    assert!(html.contains("Enter a correct username and password"), "{html}");
    assert!(html.contains(&format!("value=\"{}\"", worker.username)), "the username is kept");
    assert!(!html.contains("not the password"), "the password is never sent back");
    server.stop().await;
}

#[tokio::test]
async fn each_person_signs_in_with_the_form_sees_their_own_record_only_and_signs_out() {
    let dir = Scratch::new();
    let (server, accounts) = demo_server(&dir).await;
    let worker = account(&accounts, "worker");
    let manager = account(&accounts, "team manager");

    let (status, location, cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/home")));
    let worker_cookie = cookie.unwrap();
    let (status, _, worker_home) = page(&server, "/home", Some(&worker_cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(worker_home.contains("My routes") && worker_home.contains("Grade"), "{worker_home}");
    assert!(worker_home.contains(&format!("Signed in as {}", worker.username)));

    let (_, _, cookie, _) = sign_in_form(&server, &manager.username, &manager.password).await;
    let manager_cookie = cookie.unwrap();
    let (status, _, manager_home) = page(&server, "/home", Some(&manager_cookie)).await;
    assert_eq!(status, StatusCode::OK);

    // Each page names its own person, never the other (the page takes no id to ask with).
    let name_on = |html: &str| {
        let start = html.find("<h1 class=\"govuk-heading-l\">").unwrap() + "<h1 class=\"govuk-heading-l\">".len();
        html[start..].split('<').next().unwrap().to_owned()
    };
    let (worker_name, manager_name) = (name_on(&worker_home), name_on(&manager_home));
    assert_ne!(worker_name, manager_name);
    assert!(!worker_home.contains(&manager_name) && !manager_home.contains(&worker_name));

    // Signing out needs the form's CSRF token: without it nothing happens.
    let refused = browser()
        .post(server.url("/sign-out"))
        .header("cookie", &worker_cookie)
        .form(&[("csrf_token", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("You cannot do this"), "an HTML page, not JSON");
    assert_eq!(page(&server, "/home", Some(&worker_cookie)).await.0, StatusCode::OK, "still signed in");

    let signed_out = browser()
        .post(server.url("/sign-out"))
        .header("cookie", &worker_cookie)
        .form(&[("csrf_token", csrf_field(&worker_home))])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert!(signed_out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(page(&server, "/home", Some(&worker_cookie)).await.0, StatusCode::SEE_OTHER, "the session has ended");
    assert_eq!(page(&server, "/home", Some(&manager_cookie)).await.0, StatusCode::OK, "the other session goes on");
    server.stop().await;
}

/// The add-evidence form as a browser sends it (`multipart/form-data`), with the CSRF token
/// when given.
async fn add_evidence_form(
    server: &Server,
    cookie: &str,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, Option<String>, String) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf_token", csrf.to_owned());
    }
    for (name, value) in fields {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    }
    let response =
        browser().post(server.url("/portfolio/add")).header("cookie", cookie).multipart(form).send().await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

#[tokio::test]
async fn a_social_worker_adds_evidence_to_their_own_portfolio_and_nobody_else_reads_it_there() {
    let dir = Scratch::new();
    a_social_worker_adds_evidence_to_their_own_portfolio_and_nobody_else_reads_it_there_on(dir.sqlite(), &dir).await;
}

/// The same on PostgreSQL (when reachable: see `postgres.rs`).
#[tokio::test]
async fn a_social_worker_adds_evidence_to_their_own_portfolio_and_nobody_else_reads_it_there_on_postgresql() {
    let Some(database) = super::postgres::FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    a_social_worker_adds_evidence_to_their_own_portfolio_and_nobody_else_reads_it_there_on(
        Database::parse(&database.url(), "test").unwrap(),
        &dir,
    )
    .await;
}

async fn a_social_worker_adds_evidence_to_their_own_portfolio_and_nobody_else_reads_it_there_on(
    database: Database,
    dir: &Scratch,
) {
    let (server, accounts) = demo_server_on(database, dir).await;
    let worker = account(&accounts, "worker");
    for path in ["/portfolio", "/portfolio/add", "/portfolio/evidence/1"] {
        let (status, headers, _) = page(&server, path, None).await;
        assert_eq!((status, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/sign-in"), "{path}");
    }
    let (_, _, cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    let cookie = cookie.unwrap();
    let (status, _, portfolio) = page(&server, "/portfolio", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(portfolio.contains("My portfolio") && portfolio.contains("What my evidence covers"), "{portfolio}");
    assert!(portfolio.contains("You have not added any evidence yet"), "{portfolio}");
    assert_eq!(page(&server, "/portfolio?route=no-such-route", Some(&cookie)).await.0, StatusCode::NOT_FOUND);

    let (_, _, form) = page(&server, "/portfolio/add", Some(&cookie)).await;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_field(&form);
    let reflection = [
        ("kind", "reflective-summary"),
        ("title", "Reflecting on a child protection conference"),
        ("date-day", "3"),
        ("date-month", "2"),
        ("date-year", "2026"),
        ("text", "What I learned about presenting analysis to a conference chaired by another agency."),
        ("pcf", "critical-reflection-and-analysis"),
        ("kss", "cfp.7"),
    ];

    // A form with files is checked for the session's CSRF token like any other page form.
    let (status, _, html) = add_evidence_form(&server, &cookie, None, &reflection, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("You cannot do this"));
    let (status, _, _) = add_evidence_form(&server, &cookie, Some("not the token"), &reflection, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, _, portfolio) = page(&server, "/portfolio", Some(&cookie)).await;
    assert!(portfolio.contains("You have not added any evidence yet"), "nothing was added");

    // Missing a kind and a date and with nothing written: every problem, what was typed kept.
    let typed = [("title", "Reflecting on a child protection conference"), ("date-day", "31"), ("date-month", "2")];
    let (status, _, html) = add_evidence_form(&server, &cookie, Some(&csrf), &typed, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<title>Error: Add evidence"), "{html}");
    assert!(html.contains("href=\"#kind\">Select what kind of evidence this is"), "{html}");
    assert!(html.contains("href=\"#date-day\">The date the evidence is from must include a year"), "{html}");
    assert!(html.contains("value=\"Reflecting on a child protection conference\""), "the title is kept");
    assert!(html.contains("value=\"31\"") && html.contains("value=\"2\""), "the date typed is kept");
    // With a kind and a real date, the use case's own check: no text and no file.
    let typed = [
        ("kind", "case-study"),
        ("title", "A case study"),
        ("date-day", "1"),
        ("date-month", "2"),
        ("date-year", "2026"),
        ("pcf", "knowledge"),
    ];
    let (status, _, html) = add_evidence_form(&server, &cookie, Some(&csrf), &typed, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#text\">Write the evidence or attach a file"), "{html}");
    assert!(html.contains("value=\"knowledge\" checked"), "the PCF tag chosen is kept");

    let (status, location, _) =
        add_evidence_form(&server, &cookie, Some(&csrf), &reflection, Some(("conference-notes.txt", b"notes"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(location.starts_with("/portfolio/evidence/") && location.ends_with("?added=1"), "{location}");
    let (status, _, item) = page(&server, &location, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(item.contains("Evidence added to your portfolio") && item.contains("conference-notes.txt"), "{item}");
    assert!(item.contains("3 February 2026") && item.contains("Reflective summary"), "{item}");
    let (_, _, portfolio) = page(&server, "/portfolio", Some(&cookie)).await;
    assert!(portfolio.contains("Reflecting on a child protection conference"), "{portfolio}");
    assert!(portfolio.contains("Not checked yet"), "a new item waits for its anonymisation check");
    assert!(
        portfolio.contains("waiting for the anonymisation check: Reflecting on a child protection conference"),
        "the coverage names what the item would cover once checked: {portfolio}"
    );

    // Someone the worker is nothing to is refused the item by the use case, as over the API.
    let item_path = location.trim_end_matches("?added=1");
    let id = item_path.rsplit('/').next().unwrap();
    for other in accounts.iter().filter(|a| a.username != worker.username) {
        let (_, _, other_cookie, _) = sign_in_form(&server, &other.username, &other.password).await;
        let other_cookie = other_cookie.unwrap();
        let (page_status, _, html) = page(&server, item_path, Some(&other_cookie)).await;
        let api = browser()
            .get(server.url(&format!("/api/v1/authorities/{}/evidence/{id}", other.authority)))
            .header("cookie", &other_cookie)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(page_status.as_u16(), api.as_u16(), "{}: the page answers as the API does", other.kind);
        if page_status != StatusCode::OK {
            assert!(!html.contains("Reflecting on a child protection conference"), "{}", other.kind);
        }
        // Their own portfolio never lists the worker's item.
        let (_, _, theirs) = page(&server, "/portfolio", Some(&other_cookie)).await;
        assert!(!theirs.contains("Reflecting on a child protection conference"), "{}", other.kind);
    }
    let panel = account(&accounts, "panel member (a seat is given when a panel is convened)");
    let (_, _, panel_cookie, _) = sign_in_form(&server, &panel.username, &panel.password).await;
    assert_eq!(page(&server, item_path, Some(&panel_cookie.unwrap())).await.0, StatusCode::FORBIDDEN);
    server.stop().await;
}

/// The values of a page's checkboxes named `name`, in page order.
fn checkbox_values(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" type=\"checkbox\" value=\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            html[at + marker.len()..].split('"').next().unwrap().replace("&#61;", "=").replace("&#x3d;", "=")
        })
        .collect()
}

#[tokio::test]
async fn a_social_worker_clears_the_flags_of_the_anonymisation_check_with_a_reason_on_their_own_evidence_only() {
    let dir = Scratch::new();
    a_social_worker_clears_the_flags_of_the_anonymisation_check_with_a_reason_on_their_own_evidence_only_on(
        dir.sqlite(),
        &dir,
    )
    .await;
}

/// The same on PostgreSQL (when reachable: see `postgres.rs`).
#[tokio::test]
async fn a_social_worker_clears_the_flags_of_the_anonymisation_check_with_a_reason_on_their_own_evidence_only_on_postgresql()
 {
    let Some(database) = super::postgres::FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    a_social_worker_clears_the_flags_of_the_anonymisation_check_with_a_reason_on_their_own_evidence_only_on(
        Database::parse(&database.url(), "test").unwrap(),
        &dir,
    )
    .await;
}

async fn a_social_worker_clears_the_flags_of_the_anonymisation_check_with_a_reason_on_their_own_evidence_only_on(
    database: Database,
    dir: &Scratch,
) {
    let (server, accounts) = demo_server_on(database, dir).await;
    let worker = account(&accounts, "worker");
    let (_, _, cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    let cookie = cookie.unwrap();
    let (_, _, form) = page(&server, "/portfolio/add", Some(&cookie)).await;
    let csrf = csrf_field(&form);
    let fields = [
        ("kind", "reflective-summary"),
        ("title", "A home visit"),
        ("date-day", "3"),
        ("date-month", "2"),
        ("date-year", "2026"),
        ("text", "I visited Ms Kelly Harris at home to talk about the plan."),
    ];
    let (_, location, _) = add_evidence_form(&server, &cookie, Some(&csrf), &fields, None).await;
    let item = location.unwrap().trim_end_matches("?added=1").to_owned();
    let check = format!("{item}/check");
    let (status, _, html) = page(&server, &check, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Run the check"), "{html}");

    let post = |fields: Vec<(&'static str, String)>, cookie: String| {
        let url = server.url(&check);
        async move {
            let response = browser().post(url).header("cookie", cookie).form(&fields).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, html) = post(vec![("csrf_token", csrf.clone())], cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Kelly Harris"), "the name is flagged: {html}");
    let flags = checkbox_values(&html, "flag");
    assert!(!flags.is_empty(), "{html}");

    // Ticking details without a reason clears nothing and says what is missing.
    let mut ticked: Vec<(&'static str, String)> = vec![("csrf_token", csrf.clone()), ("clear", "1".into())];
    ticked.extend(flags.iter().map(|flag| ("flag", flag.clone())));
    let (status, html) = post(ticked.clone(), cookie.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#reason\">Enter why the details you selected do not identify anyone"), "{html}");
    assert!(html.contains(" checked"), "the ticks are kept");
    let (status, html) = post(vec![("csrf_token", csrf.clone()), ("clear", "1".into())], cookie.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#flag\">Select the details that do not identify anyone"), "{html}");

    // Nobody else may run the check on the worker's item, or clear its flags.
    let panel = account(&accounts, "panel member (a seat is given when a panel is convened)");
    let (_, _, panel_cookie, _) = sign_in_form(&server, &panel.username, &panel.password).await;
    let panel_cookie = panel_cookie.unwrap();
    let (_, _, panel_home) = page(&server, "/home", Some(&panel_cookie)).await;
    assert_eq!(page(&server, &check, Some(&panel_cookie)).await.0, StatusCode::FORBIDDEN);
    let mut theirs: Vec<(&'static str, String)> = vec![("csrf_token", csrf_field(&panel_home)), ("clear", "1".into())];
    theirs.extend(flags.iter().map(|flag| ("flag", flag.clone())));
    theirs.push(("reason", "not theirs to clear".into()));
    assert_eq!(post(theirs, panel_cookie).await.0, StatusCode::FORBIDDEN);

    ticked.push(("reason", "A made-up name in a training example: it identifies nobody".into()));
    let (status, html) = post(ticked, cookie.clone()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Details I cleared") && html.contains("A made-up name in a training example"), "{html}");
    assert!(html.contains("Cleared on"), "nothing left to clear: {html}");
    let (_, _, item_page) = page(&server, &item, Some(&cookie)).await;
    assert!(item_page.contains("Cleared on"), "{item_page}");
    server.stop().await;
}

#[tokio::test]
async fn a_social_worker_opens_an_application_and_checks_the_answers_and_is_told_what_stops_it_being_submitted() {
    let dir = Scratch::new();
    a_social_worker_opens_an_application_and_checks_the_answers_and_is_told_what_stops_it_being_submitted_on(
        dir.sqlite(),
        &dir,
    )
    .await;
}

/// The same on PostgreSQL (when reachable: see `postgres.rs`).
#[tokio::test]
async fn a_social_worker_opens_an_application_and_checks_the_answers_and_is_told_what_stops_it_being_submitted_on_postgresql()
 {
    let Some(database) = super::postgres::FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    a_social_worker_opens_an_application_and_checks_the_answers_and_is_told_what_stops_it_being_submitted_on(
        Database::parse(&database.url(), "test").unwrap(),
        &dir,
    )
    .await;
}

async fn a_social_worker_opens_an_application_and_checks_the_answers_and_is_told_what_stops_it_being_submitted_on(
    database: Database,
    dir: &Scratch,
) {
    let (server, accounts) = demo_server_on(database, dir).await;
    let worker = account(&accounts, "worker");
    assert_eq!(page(&server, "/applications", None).await.0, StatusCode::SEE_OTHER);
    let (_, _, cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    let cookie = cookie.unwrap();
    let (status, _, html) = page(&server, "/applications", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("You have not opened an application"), "{html}");
    let marker = "name=\"route\" value=\"";
    let route = html[html.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_owned();
    let csrf = csrf_field(&html);

    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (url, cookie) = (server.url(&path), cookie.clone());
        async move {
            let response = browser().post(url).header("cookie", cookie).form(&fields).send().await.unwrap();
            let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
            (response.status(), location, response.text().await.unwrap())
        }
    };
    let (status, location, _) =
        post("/applications".into(), vec![("csrf_token", csrf.clone()), ("route", route.clone())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let check = location.unwrap();
    assert!(check.ends_with("/check"), "{check}");
    let (status, _, answers) = page(&server, &check, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(answers.contains("Check your answers before submitting your application"), "{answers}");
    let marker = "name=\"version\" value=\"";
    let version = answers[answers.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_owned();
    let application = check.trim_end_matches("/check").to_owned();
    let (_, _, listed) = page(&server, "/applications", Some(&cookie)).await;
    assert!(listed.contains("A draft"), "the draft is listed with where it is: {listed}");

    // Someone the worker is nothing to is refused the application.
    let panel = account(&accounts, "panel member (a seat is given when a panel is convened)");
    let (_, _, panel_cookie, _) = sign_in_form(&server, &panel.username, &panel.password).await;
    let panel_cookie = panel_cookie.unwrap();
    assert_eq!(page(&server, &application, Some(&panel_cookie)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(page(&server, &check, Some(&panel_cookie)).await.0, StatusCode::FORBIDDEN);
    let (_, _, theirs) = page(&server, "/applications", Some(&panel_cookie)).await;
    assert!(theirs.contains("You have not opened an application"), "{theirs}");

    // A stale version is not submitted unseen.
    let (status, _, html) =
        post(format!("{application}/submit"), vec![("csrf_token", csrf.clone()), ("version", "999".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("href=\"#submit\"") && html.contains("not 999"), "{html}");

    // Bexley's route asks for a portfolio this worker has not built: the answers page says
    // what is missing, and the application stays a draft. (The browser tests submit one on
    // a route that asks for no portfolio and see the confirmation.)
    let (status, _, html) =
        post(format!("{application}/submit"), vec![("csrf_token", csrf.clone()), ("version", version)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("<title>Error: Check your answers"), "{html}");
    assert!(html.contains("href=\"#submit\">The evidence is not complete"), "{html}");
    let (status, _, html) = page(&server, &application, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("This application is a draft") && html.contains("Check your answers and submit"), "{html}");
    server.stop().await;
}

#[tokio::test]
async fn a_social_worker_reads_their_own_appraisals_and_nobody_elses() {
    let dir = Scratch::new();
    let (server, accounts) = demo_server(&dir).await;
    let worker = account(&accounts, "worker");
    assert_eq!(page(&server, "/appraisals", None).await.0, StatusCode::SEE_OTHER);
    let (_, _, cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    let cookie = cookie.unwrap();
    let (status, _, before) = page(&server, "/appraisals", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let summary = "Ready to apply; strong analysis in the Harris core group.";
    assert!(!before.contains(summary));

    // Recorded by whichever demo account held a post over the worker that day (the rule
    // refuses everyone else).
    let held_on = server.pathway.clock().today();
    let mut recorder = None;
    for other in accounts.iter().filter(|a| a.employee_number != worker.employee_number) {
        let input = pathway_app::records::RecordAppraisal {
            worker: worker.employee_number.clone(),
            held_on,
            outcome: "ready-to-apply-for-progression".into(),
            by: other.employee_number.clone(),
            summary: Some(summary.into()),
            objectives: Some("Lead two child protection conferences".into()),
            development_plan: Some("Shadow a senior practitioner in court".into()),
        };
        if server.pathway.record_appraisal(&worker.authority, &input).await.is_ok() {
            recorder = Some(other);
            break;
        }
    }
    let recorder = recorder.expect("a demo account manages the demo worker");
    let (_, _, after) = page(&server, "/appraisals", Some(&cookie)).await;
    assert!(after.contains(summary) && after.contains("Ready to apply for progression"), "{after}");
    assert!(after.contains("Shadow a senior practitioner in court"), "the development plan is shown: {after}");

    // The manager's own appraisals page is theirs: the worker's appraisal is not on it.
    let (_, _, manager_cookie, _) = sign_in_form(&server, &recorder.username, &recorder.password).await;
    let (status, _, theirs) = page(&server, "/appraisals", Some(&manager_cookie.unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!theirs.contains(summary), "{theirs}");
    server.stop().await;
}

#[tokio::test]
async fn a_team_manager_sees_where_each_person_they_manage_stands_and_no_other_teams_worker() {
    let dir = Scratch::new();
    a_team_manager_sees_where_each_person_they_manage_stands_and_no_other_teams_worker_on(dir.sqlite(), &dir).await;
}

#[tokio::test]
async fn a_team_manager_sees_where_each_person_they_manage_stands_and_no_other_teams_worker_on_postgresql() {
    let Some(database) = super::postgres::FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    a_team_manager_sees_where_each_person_they_manage_stands_and_no_other_teams_worker_on(
        Database::parse(&database.url(), "test").unwrap(),
        &dir,
    )
    .await;
}

async fn a_team_manager_sees_where_each_person_they_manage_stands_and_no_other_teams_worker_on(
    database: Database,
    dir: &Scratch,
) {
    let (server, accounts) = demo_server_on(database, dir).await;
    let manager = account(&accounts, "team manager");
    let authority = &manager.authority;

    // Signed out, the page is not shown: sign in first.
    let (status, headers, _) = page(&server, "/team", None).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/sign-in"));

    let (_, _, cookie, _) = sign_in_form(&server, &manager.username, &manager.password).await;
    let cookie = cookie.unwrap();
    let (status, _, html) = page(&server, "/team", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 class=\"govuk-heading-l\">My team</h1>"), "{html}");
    assert!(
        html.contains("href=\"/team\" aria-current=\"page\"") || html.contains("aria-current=\"page\" href=\"/team\"")
    );

    // The workers the API's report gives the manager are the page's; another team's are not.
    let mine: serde_json::Value = browser()
        .get(server.url(&format!("/api/v1/authorities/{authority}/reports/eligibility")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let groups = ["eligible_now", "upcoming", "later", "needs_judgement", "when_advertised", "blocked"];
    let lines = |report: &serde_json::Value| -> Vec<(String, String, Option<String>)> {
        groups
            .iter()
            .flat_map(|g| report[*g].as_array().unwrap().clone())
            .map(|l| {
                let w = &l["worker"];
                (
                    w["employee_number"].as_str().unwrap().to_owned(),
                    w["name"].as_str().unwrap().to_owned(),
                    w["team"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let team: Vec<_> = lines(&mine).into_iter().filter(|(number, _, _)| *number != manager.employee_number).collect();
    assert!(!team.is_empty(), "the demo team manager manages someone: {mine}");
    let (_, their_name, their_team) = &team[0];
    assert!(html.contains(their_name.as_str()), "{their_name} is on the page");
    assert!(html.contains(their_team.as_deref().unwrap()), "with their team");

    let today = server.pathway.clock().today();
    let everyone =
        serde_json::to_value(server.pathway.workforce_eligibility(authority, today, 6).await.unwrap()).unwrap();
    let managed: Vec<_> = team.iter().filter_map(|(_, _, t)| t.clone()).collect();
    let (_, other_name, other_team) = lines(&everyone)
        .into_iter()
        .find(|(_, _, t)| t.as_ref().is_some_and(|t| !managed.contains(t)))
        .expect("the demo has a worker in another team");
    assert!(!html.contains(other_name.as_str()), "{other_name} of {other_team:?} is not the manager's");

    // Someone who manages no one is told so in a sentence.
    let worker = account(&accounts, "worker");
    let (_, _, worker_cookie, _) = sign_in_form(&server, &worker.username, &worker.password).await;
    let (status, _, theirs) = page(&server, "/team", Some(&worker_cookie.unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(theirs.contains("You do not manage anyone"), "{theirs}");
    server.stop().await;
}
