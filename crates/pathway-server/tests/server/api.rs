//! The JSON API over real HTTP: API tokens (scoped, expiring by the clock, revocable, for
//! enabled accounts only), the access matrix (who sees whose record), idempotent opening,
//! If-Match on submit, cursor pages, and the OpenAPI document checked in at the root.

use pathway_app::model::{ChangeReason, Name, NewTimelineEntry, RegistrationStatus, SweNumber, SweRegistration};
use pathway_app::tokens::NewToken;
use pathway_store::{AuditTrail, EntityKind};
use reqwest::header::HeaderMap;

use super::*;

/// Bexley's two teams and Medway beside it:
/// - Assessment Team A: Daniel Hussain (E100, team manager, `dan`), Amara Okafor (E200,
///   Level 2 at the top of the grade since April 2023, `amara`);
/// - Assessment Team B: Owen Blake (E300, team manager, `owen`), Ben Carter (E250, Level 2
///   like Amara, `ben`);
/// - Hana Ito (E400, HR, account `hana` with the hr-admin system role), in no team;
/// - Medway: Ruth Mensah (M100, `ruth`).
pub(super) async fn two_teams(p: &Pathway) {
    p.onboard_authority("bexley", "London Borough of Bexley", "bexley").await.expect("bexley");
    p.onboard_authority("medway", "Medway Council", "medway").await.expect("medway");
    let level_2 = NewTimelineEntry {
        starts_on: date(2023, 4, 3),
        framework: "bexley".into(),
        level: "level-2".into(),
        grade: Some("level-2".into()),
        point: Some(Name::parse("top").unwrap()),
        reason: ChangeReason::Appointed,
        note: None,
    };
    let team_a = p.create_unit("bexley", UnitKind::Team, "Assessment Team A", None).await.expect("team a");
    let team_b = p.create_unit("bexley", UnitKind::Team, "Assessment Team B", None).await.expect("team b");
    for (authority, number, name, unit, timeline) in [
        ("bexley", "E100", "Daniel Hussain", Some(team_a), vec![]),
        ("bexley", "E200", "Amara Okafor", Some(team_a), vec![level_2.clone()]),
        ("bexley", "E250", "Ben Carter", Some(team_b), vec![level_2.clone()]),
        ("bexley", "E300", "Owen Blake", Some(team_b), vec![]),
        ("bexley", "E400", "Hana Ito", None, vec![]),
        ("medway", "M100", "Ruth Mensah", None, vec![]),
    ] {
        let mut details = WorkerDetails::new(
            EmployeeNumber::parse(number).unwrap(),
            PersonName::parse(name).unwrap(),
            EmploymentType::Permanent,
            date(2019, 4, 1),
        );
        details.unit = unit;
        details.registration = Some(SweRegistration {
            number: SweNumber::parse(&format!("SW{}", &number[1..])).unwrap(),
            status: RegistrationStatus::Registered,
            renewal_due: None,
        });
        p.add_worker(authority, &NewWorker { details, timeline }).await.expect("worker");
    }
    p.create_post("bexley", "Assessment Team A", "team-manager", Some("E100"), Some(date(2023, 4, 18)), None)
        .await
        .expect("post a");
    p.create_post("bexley", "Assessment Team B", "team-manager", Some("E300"), Some(date(2023, 4, 18)), None)
        .await
        .expect("post b");
    for (authority, number, username, roles) in [
        ("bexley", "E100", "dan", vec![]),
        ("bexley", "E200", "amara", vec![]),
        ("bexley", "E250", "ben", vec![]),
        ("bexley", "E300", "owen", vec![]),
        ("bexley", "E400", "hana", vec!["hr-admin".to_owned()]),
        ("medway", "M100", "ruth", vec![]),
    ] {
        p.create_account(authority, number, username, &roles).await.expect("account");
    }
}

pub(crate) async fn token(p: &Pathway, authority: &str, username: &str, scopes: &[&str]) -> String {
    let new = NewToken {
        authority: authority.into(),
        username: username.into(),
        name: "tests".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires: date(2025, 7, 31),
    };
    p.create_api_token(&new).await.expect("token").token
}

pub(crate) async fn call(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    bearer: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = reqwest::Client::new().request(method, server.url(path));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn get(server: &Server, path: &str, bearer: Option<&str>) -> (StatusCode, Value) {
    let (status, _, body) = call(server, reqwest::Method::GET, path, bearer, &[], None).await;
    (status, body)
}

pub(crate) async fn two_teams_server(dir: &Scratch) -> Server {
    let server = Server::start(config(dir.sqlite(), start_time(), dir)).await;
    two_teams(&server.pathway).await;
    server
}

#[tokio::test]
async fn the_access_matrix_own_record_own_team_another_team_another_authority() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let p = &server.pathway;
    let amara_writes = token(p, "bexley", "amara", &["write"]).await;
    let open = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "PDR agreed I am ready for Level 3" });
    let (status, _, opened) = call(
        &server,
        reqwest::Method::POST,
        "/api/v1/authorities/bexley/applications",
        Some(&amara_writes),
        &[],
        Some(open),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "Amara opens her application: {opened}");
    let application = format!("/api/v1/authorities/bexley/applications/{}", opened["id"]);

    let mut tokens = std::collections::HashMap::new();
    for (authority, who) in
        [("bexley", "amara"), ("bexley", "dan"), ("bexley", "owen"), ("bexley", "hana"), ("medway", "ruth")]
    {
        tokens.insert(who, token(p, authority, who, &["read"]).await);
    }
    const OK: u16 = 200;
    const DENY: u16 = 403;
    const HIDDEN: u16 = 404;
    // Who asks, about whom, and what they get: their own record, their own team's, another
    // team's, and another authority's (which is not found, as if it did not exist).
    let matrix: &[(&str, &str, &str, u16)] = &[
        ("amara", "own", "/api/v1/authorities/bexley/workers/E200", OK),
        ("amara", "own", "/api/v1/authorities/bexley/workers/E200/eligibility", OK),
        ("amara", "own", &application, OK),
        ("amara", "her manager", "/api/v1/authorities/bexley/workers/E100", DENY),
        ("amara", "another team", "/api/v1/authorities/bexley/workers/E250", DENY),
        ("amara", "another authority", "/api/v1/authorities/medway/workers/M100", HIDDEN),
        ("dan", "own", "/api/v1/authorities/bexley/workers/E100", OK),
        ("dan", "own team", "/api/v1/authorities/bexley/workers/E200", OK),
        ("dan", "own team", "/api/v1/authorities/bexley/workers/E200/eligibility", OK),
        ("dan", "own team", &application, OK),
        ("dan", "another team", "/api/v1/authorities/bexley/workers/E250", DENY),
        ("dan", "another team", "/api/v1/authorities/bexley/workers/E250/eligibility", DENY),
        ("dan", "another authority", "/api/v1/authorities/medway/workers/M100", HIDDEN),
        ("dan", "another authority", "/api/v1/authorities/medway/workers/M100/eligibility", HIDDEN),
        ("owen", "own team", "/api/v1/authorities/bexley/workers/E250", OK),
        ("owen", "another team", "/api/v1/authorities/bexley/workers/E200", DENY),
        ("owen", "another team", &application, DENY),
        ("hana", "her authority (hr-admin)", "/api/v1/authorities/bexley/workers/E200", OK),
        ("hana", "her authority (hr-admin)", "/api/v1/authorities/bexley/workers/E250", OK),
        ("hana", "her authority (hr-admin)", &application, OK),
        ("hana", "another authority", "/api/v1/authorities/medway/workers/M100", HIDDEN),
        ("ruth", "own", "/api/v1/authorities/medway/workers/M100", OK),
        ("ruth", "another authority", "/api/v1/authorities/bexley/workers/E200", HIDDEN),
        ("ruth", "another authority", &application, HIDDEN),
        ("ruth", "an authority that does not exist", "/api/v1/authorities/nowhere/workers/E200", HIDDEN),
    ];
    let mut wrong = Vec::new();
    for (who, what, path, expected) in matrix {
        let (status, body) = get(&server, path, Some(&tokens[who])).await;
        if status.as_u16() != *expected {
            wrong.push(format!("{who} / {what} / {path}: {status} (expected {expected}) {body}"));
        }
        if *expected == HIDDEN {
            assert_eq!(body["code"], "not_found", "{who} {path}: {body}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Nobody signed in: 401 for every signed-in resource.
    for (_, _, path, _) in matrix {
        assert_eq!(get(&server, path, None).await.0, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Another authority's 404 says no more than a missing one does, and the probe is recorded.
    let (_, probe) = get(&server, "/api/v1/authorities/medway/workers/M100", Some(&tokens["dan"])).await;
    let (_, missing) = get(&server, "/api/v1/authorities/nowhere/workers/M100", Some(&tokens["dan"])).await;
    assert_eq!(
        probe["message"].as_str().unwrap().replace("medway", "X"),
        missing["message"].as_str().unwrap().replace("nowhere", "X")
    );
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.0.join("pathway.db").display())).await.unwrap();
    let probes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_events WHERE outcome = 'other-authority-refused'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(probes >= 8, "every probe of another authority is recorded: {probes}");
    db.close().await;

    // What Dan sees of Amara: her level, grade, point and salary today; the ETag is the version.
    let (status, headers, amara) =
        call(&server, reqwest::Method::GET, "/api/v1/authorities/bexley/workers/E200", Some(&tokens["dan"]), &[], None)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (amara["seen_as"].as_str(), amara["level"].as_str(), amara["grade"].as_str(), amara["point"].as_str()),
        (Some("team"), Some("level-2"), Some("level-2"), Some("top"))
    );
    assert_eq!(amara["salary"]["basic"]["pence"], json!(3_249_800), "{amara}");
    assert_eq!(headers["etag"], format!("\"{}\"", amara["version"]));
    server.stop().await;
}

#[tokio::test]
async fn tokens_are_scoped_expire_by_the_clock_and_stop_when_revoked_or_the_account_is_disabled() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let p = Arc::clone(&server.pathway);
    let read = token(&p, "bexley", "amara", &["read"]).await;
    let write = token(&p, "bexley", "amara", &["write"]).await;
    assert!(read.starts_with("pwt_") && read.len() == 68, "{read}");
    let listed = p.api_token_list("bexley").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].scopes, vec!["read", "write"], "write includes read");
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(!shown.contains(&read) && !shown.contains(&write), "a list never shows a token: {shown}");
    assert!(listed.iter().all(|t| t.prefix.len() == 10), "only the first characters: {shown}");

    let open = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "ready" });
    // A read token reads, but cannot change anything.
    assert_eq!(get(&server, "/api/v1/authorities/bexley/workers/E200", Some(&read)).await.0, StatusCode::OK);
    let (status, _, body) = call(
        &server,
        reqwest::Method::POST,
        "/api/v1/authorities/bexley/applications",
        Some(&read),
        &[],
        Some(open.clone()),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_permitted")), "{body}");
    // A write token opens, with no CSRF token: bearer requests need none.
    let (status, headers, opened) = call(
        &server,
        reqwest::Method::POST,
        "/api/v1/authorities/bexley/applications",
        Some(&write),
        &[],
        Some(open.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(headers["etag"], "\"1\"");
    // A mistyped token, and none at all with a bearer header, are refused the same way.
    // The last character changed (to one it is not: a token may end in `0` already).
    let last = if read.ends_with('0') { '1' } else { '0' };
    for bad in ["pwt_0000", "not-a-token", &format!("{}{last}", &read[..67])] {
        let (status, body) = get(&server, "/api/v1/authorities/bexley/workers/E200", Some(bad)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")), "{bad}");
    }

    // Revoked: refused at once.
    let id = p.api_token_list("bexley").await.unwrap().into_iter().find(|t| t.scopes == ["read"]).unwrap().id;
    assert_eq!(p.revoke_api_token("bexley", id).await.unwrap().status, "revoked");
    assert_eq!(get(&server, "/api/v1/authorities/bexley/workers/E200", Some(&read)).await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;

    // On 1 August (the day after the last day it works) the write token has expired.
    let expired_at = DateTime::parse_from_rfc3339("2025-08-01T00:00:00Z").unwrap().with_timezone(&Utc);
    let later = Server::start(config(dir.sqlite(), expired_at - Duration::seconds(1), &dir)).await;
    assert_eq!(get(&later, "/api/v1/authorities/bexley/workers/E200", Some(&write)).await.0, StatusCode::OK);
    // Disabling the account stops its tokens too; enabling brings them back.
    later.pathway.set_account_enabled("bexley", "amara", false).await.unwrap();
    assert_eq!(get(&later, "/api/v1/authorities/bexley/workers/E200", Some(&write)).await.0, StatusCode::UNAUTHORIZED);
    later.pathway.set_account_enabled("bexley", "amara", true).await.unwrap();
    later.stop().await;
    let expired = Server::start(config(dir.sqlite(), expired_at, &dir)).await;
    let (status, body) = get(&expired, "/api/v1/authorities/bexley/workers/E200", Some(&write)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    assert_eq!(expired.pathway.api_token_list("bexley").await.unwrap()[0].status, "expired");
    // Creating one that expires in the past, or more than a year away, is refused.
    for (expires, says) in [(date(2025, 7, 31), "before today"), (date(2026, 9, 1), "at most 366 days")] {
        let new = NewToken {
            authority: "bexley".into(),
            username: "amara".into(),
            name: "x".into(),
            scopes: vec!["read".into()],
            expires,
        };
        let err = expired.pathway.create_api_token(&new).await.unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    expired.stop().await;
}

#[tokio::test]
async fn opening_is_idempotent_by_key_and_submit_honours_if_match() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let write = token(&server.pathway, "bexley", "amara", &["write"]).await;
    let path = "/api/v1/authorities/bexley/applications";
    let open = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "PDR agreed I am ready" });
    let key = [("idempotency-key", "6f1c2a5e-open-amara")];
    let (first_status, first_headers, first) =
        call(&server, reqwest::Method::POST, path, Some(&write), &key, Some(open.clone())).await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");
    // schemathesis never sees an application opened (no demo worker is eligible): the body
    // is checked against the document here.
    assert_matches_schema(&first, "StoredApplication");
    assert!(first_headers.get("idempotent-replayed").is_none());
    // The trail names the person and the account she acted through.
    let opened = &first["application"]["history"][0];
    assert_eq!(
        (opened["by"]["name"].as_str(), opened["entered_by"].as_str()),
        (Some("Amara Okafor"), Some("amara")),
        "{first}"
    );
    // The audit trail also keeps where the request came from; the history people read
    // does not carry the address.
    assert!(opened.get("entered_from").is_none(), "{opened}");
    let scope = server.pathway.scope("bexley").await.unwrap();
    let id = first["id"].as_i64().unwrap();
    let trail = server.pathway.store().audit_trail(&scope, EntityKind::Application, id).await.unwrap();
    assert_eq!(
        trail.iter().map(|e| (e.entered_by.as_deref(), e.entered_from.as_deref())).collect::<Vec<_>>(),
        [(Some("amara"), Some("127.0.0.1"))]
    );
    // The same key and body: the same answer, not a second application (nor a refusal
    // because one is already under way).
    let (again_status, again_headers, again) =
        call(&server, reqwest::Method::POST, path, Some(&write), &key, Some(open.clone())).await;
    assert_eq!((again_status, &again), (first_status, &first));
    assert_eq!(again_headers["idempotent-replayed"], "true");
    // The same key with another body is a conflict; without a key, the rule refuses a second.
    let other = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "another reason" });
    let (status, _, body) = call(&server, reqwest::Method::POST, path, Some(&write), &key, Some(other.clone())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{body}");
    let (status, _, body) = call(&server, reqwest::Method::POST, path, Some(&write), &[], Some(other)).await;
    assert!(status.is_client_error() && body["code"] != "bad_request", "one application under way: {status} {body}");

    // Submit with a stale ETag: 412 and nothing changes; with the current one the rules run
    // (her portfolio is empty, so the evidence refuses it).
    let submit = format!("{path}/{}/submit", first["id"]);
    let act = json!({ "why": "submitting" });
    let (status, _, body) =
        call(&server, reqwest::Method::POST, &submit, Some(&write), &[("if-match", "\"7\"")], Some(act.clone())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("precondition_failed")));
    let (_, headers, _) =
        call(&server, reqwest::Method::GET, &format!("{path}/{}", first["id"]), Some(&write), &[], None).await;
    assert_eq!(headers["etag"], "\"1\"");
    let (status, _, body) =
        call(&server, reqwest::Method::POST, &submit, Some(&write), &[("if-match", "\"1\"")], Some(act)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence_incomplete")),
        "{body}"
    );
    server.stop().await;
}

/// `body` has every property the named schema requires, and each property it has is of the
/// type the schema gives (one level deep, nested objects by their own schema when named).
fn assert_matches_schema(body: &Value, name: &str) {
    let document = serde_json::to_value(pathway_server::openapi::document()).unwrap();
    let schema = &document["components"]["schemas"][name];
    let properties = schema["properties"].as_object().unwrap_or_else(|| panic!("{name} has no properties"));
    for required in schema["required"].as_array().unwrap() {
        assert!(body.get(required.as_str().unwrap()).is_some(), "{name}: {required} missing from {body}");
    }
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    for (key, value) in body.as_object().unwrap() {
        let declared = properties.get(key).unwrap_or_else(|| panic!("{name}: {key} is not in the document"));
        let types: Vec<&str> = match &declared["type"] {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        assert!(types.contains(&kind(value)), "{name}.{key}: {value} is not {types:?}");
        for required in declared["required"].as_array().into_iter().flatten() {
            assert!(value.get(required.as_str().unwrap()).is_some(), "{name}.{key}: {required} missing");
        }
    }
}

// Found by schemathesis (scripts/schemathesis.sh) against the checked-in document.

/// A rule's refusal of a well-formed request was answered 400 (malformed); the bare version
/// in If-Match was read, but so were half-quoted ones the document does not allow.
#[tokio::test]
async fn a_rule_refusing_a_well_formed_submit_is_422_and_if_match_is_an_etag_or_the_bare_version() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let write = token(&server.pathway, "bexley", "amara", &["write"]).await;
    let path = "/api/v1/authorities/bexley/applications";
    let open = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "PDR agreed I am ready" });
    let (status, _, opened) = call(&server, reqwest::Method::POST, path, Some(&write), &[], Some(open)).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let submit = format!("{path}/{}/submit", opened["id"]);
    let act = json!({ "why": "submitting" });
    for refused in ["\"1", "1\"", "W/1", "\"1\"x", "+1", "-1", "\"\"", "1234567890123456789"] {
        let (status, _, body) =
            call(&server, reqwest::Method::POST, &submit, Some(&write), &[("if-match", refused)], Some(act.clone()))
                .await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("If-Match")), "{refused}: {body}");
    }
    for accepted in ["1", "\"1\"", "W/\"1\"", "*"] {
        let (status, _, body) =
            call(&server, reqwest::Method::POST, &submit, Some(&write), &[("if-match", accepted)], Some(act.clone()))
                .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("evidence_incomplete")),
            "{accepted}: {body}"
        );
    }
    server.stop().await;
}

/// Browser sign-in at an authority that does not exist answered 400 with a CLI flag as the
/// field and the list of every authority on the server, to anyone.
#[tokio::test]
async fn sign_in_with_an_openid_provider_at_an_unknown_authority_is_not_found_and_names_no_other() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    for path in [
        "/auth/oidc/nowhere/start",
        "/auth/oidc/nowhere/callback?code=x&state=y",
        "/auth/oidc/0/start",
        // Bexley exists but has no OpenID provider.
        "/auth/oidc/bexley/start",
        "/auth/oidc/bexley/callback?code=x&state=y",
    ] {
        let (status, body) = get(&server, path, None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(!message.contains("medway") && !message.contains("--authority"), "{path}: {message}");
    }
    server.stop().await;
}

/// Pay at a grade or point the framework does not have was answered 400 (malformed), though
/// the question was well formed: it is not found, as an unknown framework is.
#[tokio::test]
async fn pay_at_a_grade_or_point_the_framework_does_not_have_is_not_found() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    for (query, code) in [
        ("framework=bexley&grade=Band%20Z&point=top", "unknown_grade"),
        ("framework=bexley&grade=Level%202&point=99", "unknown_point"),
        ("framework=bexley&grade=Level%202&point=", "unknown_point"),
        ("framework=nowhere&grade=Level%202&point=top", "not_found"),
    ] {
        let (status, body) = get(&server, &format!("/api/v1/pay?{query}"), None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some(code)), "{query}: {body}");
    }
    server.stop().await;
}

/// An address whose parameter is not UTF-8 once decoded, and a body over the limit, were
/// answered by axum in plain text, not as the `{code, message, field}` the document declares.
#[tokio::test]
async fn a_malformed_address_or_an_oversized_body_is_answered_as_json() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let write = token(&server.pathway, "bexley", "amara", &["write"]).await;
    for path in ["/api/v1/frameworks/%FF", "/auth/oidc/%FF/start", "/api/v1/authorities/bexley/workers/%C3%28"] {
        let (status, headers, body) = call(&server, reqwest::Method::GET, path, Some(&write), &[], None).await;
        assert_eq!(headers["content-type"], "application/json", "{path}");
        assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("path")), "{path}: {body}");
    }
    let huge = reqwest::Client::new()
        .post(server.url("/api/v1/authorities/bexley/applications"))
        .bearer_auth(&write)
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::BAD_REQUEST);
    assert_eq!(huge.headers()["content-type"], "application/json");
    let body: Value = huge.json().await.unwrap();
    assert_eq!(body["field"], "body", "{body}");
    server.stop().await;
}

/// A token that is not accepted is refused on every address, public ones too: each
/// operation's description says so (the document left it out of the public ones).
#[tokio::test]
async fn every_operation_declares_the_401_a_bad_token_gets() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let document = serde_json::to_value(pathway_server::openapi::document()).unwrap();
    for (template, operations) in document["paths"].as_object().unwrap() {
        let path = template.replace("{authority}", "bexley").replace("{number}", "E200").replace("{id}", "1");
        for (method, operation) in operations.as_object().unwrap() {
            let verb = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let (status, _, body) = call(&server, verb, &path, Some("pwt_not_a_token"), &[], None).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("invalid_token")),
                "{method} {path}"
            );
            assert!(operation["responses"].get("401").is_some(), "{method} {template} does not declare 401");
        }
    }
    server.stop().await;
}

/// `GET /api/v1/me` answered only sessions: an integration could not ask whom its token
/// acts as.
#[tokio::test]
async fn an_api_token_asks_who_it_acts_as() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let read = token(&server.pathway, "bexley", "hana", &["read"]).await;
    let (status, me) = get(&server, "/api/v1/me", Some(&read)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!((me["person"]["name"].as_str(), me["system_roles"][0].as_str()), (Some("Hana Ito"), Some("hr-admin")));
    let (status, body) = get(&server, "/api/v1/me", Some("pwt_0000")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    server.stop().await;
}

#[tokio::test]
async fn a_session_reads_the_api_and_needs_its_csrf_token_to_change_anything() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    server.pathway.set_password("bexley", "amara", PASSWORD).await.unwrap();
    let mut amara = Client::new();
    assert_eq!(amara.sign_in(&server, "amara", PASSWORD, None).await.0, StatusCode::OK);
    assert_eq!(amara.get(&server, "/api/v1/authorities/bexley/workers/E200").await.0, StatusCode::OK);
    let cookie = amara.cookie.clone().unwrap();
    let open = json!({ "worker": "E200", "route": "level-2-to-level-3", "why": "ready" });
    let path = "/api/v1/authorities/bexley/applications";
    let (status, _, body) =
        call(&server, reqwest::Method::POST, path, None, &[("cookie", &cookie)], Some(open.clone())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_failed")));
    let csrf = amara.csrf.clone().unwrap();
    let (status, _, body) =
        call(&server, reqwest::Method::POST, path, None, &[("cookie", &cookie), ("x-csrf-token", &csrf)], Some(open))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn lists_come_a_page_at_a_time_with_a_cursor() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let hana = token(&server.pathway, "bexley", "hana", &["read"]).await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/authorities/bexley/workers?limit=2{cursor}");
        let (status, page) = get(&server, &path, Some(&hana)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["items"].as_array().unwrap().iter().map(|w| w["employee_number"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["E100", "E200", "E250", "E300", "E400"]);
    // Dan sees himself and his team only.
    let dan = token(&server.pathway, "bexley", "dan", &["read"]).await;
    let (_, page) = get(&server, "/api/v1/authorities/bexley/workers", Some(&dan)).await;
    let numbers: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|w| w["employee_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["E100", "E200"]);
    let (status, body) = get(&server, "/api/v1/authorities/bexley/workers?limit=0", Some(&dan)).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
    server.stop().await;
}

#[tokio::test]
async fn the_public_resources_answer_without_signing_in_and_never_read_a_file_path() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    let (status, list) = get(&server, "/api/v1/frameworks", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.as_array().unwrap().iter().any(|f| f["id"] == "bexley"), "{list}");
    let (status, ladder) = get(&server, "/api/v1/frameworks/bexley", None).await;
    assert_eq!(status, StatusCode::OK, "{ladder}");
    let (status, pay) =
        get(&server, "/api/v1/pay?framework=bexley&grade=Level%202&point=top&on=2025-06-12", None).await;
    assert_eq!((status, pay["basic"]["pence"].clone()), (StatusCode::OK, json!(3_249_800)), "{pay}");
    for path in ["/api/v1/frameworks/..%2F..%2Fetc%2Fpasswd", "/api/v1/frameworks/frameworks%2Fbexley.toml"] {
        let (status, body) = get(&server, path, None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}: {body}");
    }
    let (status, body) = get(&server, "/api/v1/pay?framework=bexley&grade=Level%202", None).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("query")));
    let (status, body) = get(&server, "/api/v1/pay?framework=bexley&grade=Level%202&point=top&on=12-06", None).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("on")));
    server.stop().await;
}

/// Run with PATHWAY_WRITE_OPENAPI=1 to rewrite the checked-in file (or
/// `cargo run -p pathway-cli -- openapi > openapi.json`).
#[tokio::test]
async fn the_checked_in_openapi_document_is_the_served_one_and_every_operation_is_routed() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    let (status, served) = get(&server, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served["openapi"], "3.1.0");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
    let generated = pathway_server::openapi::document_text();
    if std::env::var_os("PATHWAY_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi.json at the repository root is stale: regenerate it with \
         `cargo run -p pathway-cli -- openapi > openapi.json` (or PATHWAY_WRITE_OPENAPI=1 cargo test -p pathway-server)"
    );
    assert_eq!(serde_json::from_str::<Value>(&checked_in).unwrap(), served);
    // Every documented operation reaches a handler (never the 404 for unknown addresses),
    // and a method not documented for a path answers 405. (`routes!` builds both from the
    // same handlers; this asks the running server.)
    let paths = served["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{paths:?}");
    for (template, operations) in paths {
        let path = template
            .replace("{authority}", "bexley")
            .replace("{number}", "E1")
            .replace("{id}", "1")
            .replace("{step}", "interview");
        for method in operations.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let (status, _, body) = call(&server, method.clone(), &path, None, &[], None).await;
            assert!(
                !(status == StatusCode::NOT_FOUND && body["message"] == "there is nothing at this address"),
                "{method} {path} is documented but not routed"
            );
        }
        if !operations.as_object().unwrap().contains_key("put") {
            let (status, _, body) = call(&server, reqwest::Method::PUT, &path, None, &[], None).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")),
                "PUT {path}"
            );
        }
    }
    server.stop().await;
}
