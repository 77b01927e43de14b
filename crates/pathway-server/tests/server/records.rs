//! A worker's records over the JSON API, told as Bexley's people would use it: Amara Okafor
//! puts a reflective summary with its PDF in her portfolio and reads it back; a file that
//! is a program in disguise, or too large, is refused and nothing is kept; Owen Blake, who
//! manages another team, cannot read her portfolio, and Daniel Hussain's reading of it is in
//! the audit trail; Hana Ito (HR) answers a subject access request with the zip the CLI
//! makes; and an import checked with a dry run names the rows at fault and writes nothing.

use std::io::Read;

use reqwest::multipart::{Form, Part};

use super::api::{call, get, token, two_teams};
use super::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Bexley's two teams (see `api::two_teams`), evidence files no larger than 4 KB.
async fn small_upload_server(dir: &Scratch) -> Server {
    let mut config = config(dir.sqlite(), start_time(), dir);
    config.max_upload_bytes = 4 * 1024;
    let server = Server::start(config).await;
    two_teams(&server.pathway).await;
    server
}

fn reflective_summary() -> String {
    json!({
        "kind": "reflective-summary",
        "date": "2025-06-02",
        "title": "Reflective summary: direct work with a family",
        "text": "I planned direct work after the strategy meeting and reflected on it in supervision.",
        "pcf": ["pcf.6", "pcf.7"],
        "kss": ["cfp.3"]
    })
    .to_string()
}

async fn send_form(server: &Server, path: &str, bearer: &str, form: Form) -> (StatusCode, Value) {
    let response =
        reqwest::Client::new().post(server.url(path)).bearer_auth(bearer).multipart(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn evidence_form(file_name: &str, bytes: Vec<u8>) -> Form {
    Form::new()
        .text("evidence", reflective_summary())
        .text("why", "for my Level 3 portfolio")
        .part("file", Part::bytes(bytes).file_name(file_name.to_owned()))
}

async fn audit_rows(dir: &Scratch, kind: &str) -> Vec<(String, Option<String>)> {
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.0.join("pathway.db").display())).await.unwrap();
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT what, entered_by FROM audit_events WHERE entity_kind = ? ORDER BY id")
            .bind(kind)
            .fetch_all(&db)
            .await
            .unwrap();
    db.close().await;
    rows
}

const PORTFOLIO: &str = "/api/v1/authorities/bexley/workers/E200/evidence";

#[tokio::test]
async fn a_worker_adds_a_reflective_summary_with_its_pdf_and_downloads_the_same_bytes() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let amara = token(&server.pathway, "bexley", "amara", &["write"]).await;

    // The client sends a path as the file's name; only its last part is kept.
    let form = evidence_form("C:\\Users\\amara\\Documents\\reflection.pdf", PDF.to_vec());
    let (status, added) = send_form(&server, PORTFOLIO, &amara, form).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["item"]["title"], "Reflective summary: direct work with a family");
    // The tags as the standards name them: PCF 6 and 7, and KSS statement 3.
    assert_eq!(added["item"]["pcf"], json!(["critical-reflection-and-analysis", "skills-and-interventions"]));
    assert_eq!(added["item"]["kss"].as_array().map(Vec::len), Some(1), "{added}");
    let file = &added["item"]["files"][0];
    assert_eq!(file["original_name"], "reflection.pdf", "{added}");
    assert_eq!(file["media_type"], "application/pdf", "judged by its bytes: {added}");

    // Read back: the list, the item with its version as the ETag, and the file itself.
    let (status, listed) = get(&server, PORTFOLIO, Some(&amara)).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let id = added["id"].as_i64().unwrap();
    let (status, headers, item) = call(
        &server,
        reqwest::Method::GET,
        &format!("/api/v1/authorities/bexley/evidence/{id}"),
        Some(&amara),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(headers["etag"], "\"1\"");

    let download = format!("/api/v1/authorities/bexley/evidence/{id}/files/{}", file["sha256"].as_str().unwrap());
    let response = reqwest::Client::new().get(server.url(&download)).bearer_auth(&amara).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"reflection.pdf\""), "{disposition}");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);

    // An hour later she tags it again, with the ETag she read: saved; with the old one
    // again: 412, and nothing changes.
    server.stop().await;
    let server = Server::start(config(dir.sqlite(), start_time() + Duration::hours(1), &dir)).await;
    let edit = json!({ "kss": ["cfp.3", "cfp.5"], "why": "tagged the analysis it shows" });
    let if_match = [("if-match", "\"1\"")];
    let path = format!("/api/v1/authorities/bexley/evidence/{id}");
    let (status, _, edited) =
        call(&server, reqwest::Method::PATCH, &path, Some(&amara), &if_match, Some(edit.clone())).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["item"]["kss"].as_array().map(Vec::len), Some(2), "{edited}");
    let (status, _, stale) = call(&server, reqwest::Method::PATCH, &path, Some(&amara), &if_match, Some(edit)).await;
    assert_eq!((status, stale["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("precondition_failed")));

    // She cannot authorise her own evidence; the rule is named.
    let (status, _, refused) = call(
        &server,
        reqwest::Method::POST,
        &format!("{path}/authorise"),
        Some(&amara),
        &[],
        Some(json!({ "why": "done" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    server.stop().await;
}

#[tokio::test]
async fn a_program_named_pdf_and_a_file_over_the_limit_are_refused_naming_the_field_and_nothing_is_kept() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let amara = token(&server.pathway, "bexley", "amara", &["write"]).await;

    let (status, refused) =
        send_form(&server, PORTFOLIO, &amara, evidence_form("summary.pdf", b"MZ\x90\x00 a program".to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!((refused["code"].as_str(), refused["field"].as_str()), (Some("file_is_a_program"), Some("file")));

    let mut big = PDF.to_vec();
    big.extend(std::iter::repeat_n(b' ', 5 * 1024));
    let (status, refused) = send_form(&server, PORTFOLIO, &amara, evidence_form("scan.pdf", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert_eq!((refused["code"].as_str(), refused["field"].as_str()), (Some("file_too_large"), Some("file")));
    assert!(refused["message"].as_str().unwrap().contains("4096 bytes"), "{refused}");

    // A good file beside a refused one: neither is kept.
    let form = evidence_form("reflection.pdf", PDF.to_vec())
        .part("file", Part::bytes(b"\x00\x01\x02 unknown".to_vec()).file_name("notes.pdf"));
    let (status, refused) = send_form(&server, PORTFOLIO, &amara, form).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::BAD_REQUEST, Some("file_type_not_accepted")));

    let (_, listed) = get(&server, PORTFOLIO, Some(&amara)).await;
    assert_eq!(listed, json!([]), "no evidence was stored");
    let kept = dir.0.join("files").join("evidence");
    let files = walk(&kept);
    assert!(files.is_empty(), "no file was kept: {files:?}");
    server.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

#[tokio::test]
async fn another_teams_manager_cannot_read_the_portfolio_and_her_own_managers_reading_is_in_the_audit_trail() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let p = &server.pathway;
    let amara = token(p, "bexley", "amara", &["write"]).await;
    let (status, _) = send_form(&server, PORTFOLIO, &amara, evidence_form("reflection.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::CREATED);

    let owen = token(p, "bexley", "owen", &["write"]).await;
    let dan = token(p, "bexley", "dan", &["read"]).await;
    let ruth = token(p, "medway", "ruth", &["read"]).await;
    // Owen manages Assessment Team B; Amara is in Team A.
    let (status, refused) = get(&server, PORTFOLIO, Some(&owen)).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("not_permitted")));
    let (status, _) = send_form(&server, PORTFOLIO, &owen, evidence_form("note.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        get(&server, "/api/v1/authorities/bexley/workers/E200/coverage?route=level-2-to-level-3", Some(&owen)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Medway's Ruth is told the portfolio does not exist.
    let (status, hidden) = get(&server, PORTFOLIO, Some(&ruth)).await;
    assert_eq!((status, hidden["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    // Daniel, her team manager, reads it; the reading is recorded naming him and his account.
    let (status, listed) = get(&server, PORTFOLIO, Some(&dan)).await;
    assert_eq!((status, listed.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    let (status, coverage) =
        get(&server, "/api/v1/authorities/bexley/workers/E200/coverage?route=level-2-to-level-3", Some(&dan)).await;
    assert_eq!(status, StatusCode::OK, "{coverage}");
    assert!(coverage["verdict"]["ready"].is_boolean(), "{coverage}");
    // A well-formed question the records cannot answer: Bexley's framework has no such route.
    // Refused as not fitting the record (422), naming the routes from her level.
    let (status, refused) =
        get(&server, "/api/v1/authorities/bexley/workers/E200/coverage?route=level-9-to-level-10", Some(&dan)).await;
    assert_eq!(
        (status, refused["code"].as_str(), refused["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_on_record"), Some("route")),
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().contains("level-2-to-level-3"), "{refused}");
    let views = audit_rows(&dir, "portfolio").await;
    assert_eq!(
        views,
        vec![("Daniel Hussain viewed the portfolio of Amara Okafor (E200)".to_owned(), Some("dan".to_owned()))],
        "only Daniel's reading: Owen and Ruth read nothing"
    );
    server.stop().await;
}

#[tokio::test]
async fn hr_answers_a_subject_access_request_with_a_zip_of_the_workers_records_and_the_export_is_recorded() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let p = &server.pathway;
    let amara = token(p, "bexley", "amara", &["write"]).await;
    let (status, _) = send_form(&server, PORTFOLIO, &amara, evidence_form("reflection.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::CREATED);
    let export = "/api/v1/authorities/bexley/workers/E200/subject-export";

    // Not Amara herself (her request goes to HR), nor her manager.
    let (status, refused) = get(&server, export, Some(&amara)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("hr-admin"), "{refused}");
    let dan = token(p, "bexley", "dan", &["read"]).await;
    assert_eq!(get(&server, export, Some(&dan)).await.0, StatusCode::FORBIDDEN);
    assert!(audit_rows(&dir, "subject-export").await.is_empty(), "a refusal exports nothing");

    let hana = token(p, "bexley", "hana", &["read"]).await;
    let response = reqwest::Client::new().get(server.url(export)).bearer_auth(&hana).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"subject-access-E200-2025-06-12.zip\"")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a real zip");
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    for wanted in ["README.txt", "person.json", "portfolio.json", "applications.json", "audit-trail.json"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    let mut person = String::new();
    zip.by_name("person.json").unwrap().read_to_string(&mut person).unwrap();
    assert!(person.contains("Amara Okafor"), "{person}");
    let mut portfolio = String::new();
    zip.by_name("portfolio.json").unwrap().read_to_string(&mut portfolio).unwrap();
    assert!(portfolio.contains("Reflective summary: direct work with a family"), "{portfolio}");
    let file = names.iter().find(|n| n.starts_with("files/")).expect("the evidence file");
    let mut pdf = Vec::new();
    zip.by_name(file).unwrap().read_to_end(&mut pdf).unwrap();
    assert_eq!(pdf, PDF);

    let exports = audit_rows(&dir, "subject-export").await;
    assert_eq!(
        exports,
        vec![("Hana Ito exported everything held about E200 (subject access)".to_owned(), Some("hana".to_owned()))]
    );
    server.stop().await;
}

#[tokio::test]
async fn an_import_dry_run_names_each_row_at_fault_and_writes_nothing() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let p = &server.pathway;
    let sheet = "employee_number,name,employment_type,start_date\n\
                 E500,Grace Mensah,permanent,2024-09-02\n\
                 E501,Tom Reed,contractor,2024-09-02\n\
                 E502,Lily Shaw,permanent,31/02/2024\n";
    let form = || {
        Form::new()
            .part("file", Part::bytes(sheet.as_bytes().to_vec()).file_name("new-starters.csv"))
            .text("dry_run", "true")
    };
    let path = "/api/v1/authorities/bexley/imports/workers";

    let amara = token(p, "bexley", "amara", &["write"]).await;
    let (status, refused) = send_form(&server, path, &amara, form()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    let hana = token(p, "bexley", "hana", &["write"]).await;
    let (status, report) = send_form(&server, path, &hana, form()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["file"], "new-starters.csv");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["imported"], 0);
    let problems = report["problems"].as_array().unwrap();
    let at = |row: i64, column: &str| problems.iter().find(|p| p["row"] == row && p["column"] == column);
    let contractor = at(3, "employment_type").unwrap_or_else(|| panic!("row 3 employment_type: {report}"));
    assert_eq!(contractor["value"], "contractor");
    assert!(!contractor["reason"].as_str().unwrap().is_empty());
    assert!(at(4, "start_date").is_some(), "31 February is no date: {report}");
    assert!(problems.iter().all(|p| p["row"] != 2), "Grace's row is good: {report}");

    let (_, workers) = get(&server, "/api/v1/authorities/bexley/workers", Some(&hana)).await;
    let numbers: Vec<&str> =
        workers["items"].as_array().unwrap().iter().map(|w| w["employee_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["E100", "E200", "E250", "E300", "E400"], "nothing was written");
    assert!(audit_rows(&dir, "import").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn the_workforce_report_covers_the_callers_team_and_the_organisation_is_for_system_roles() {
    let dir = Scratch::new();
    let server = small_upload_server(&dir).await;
    let p = &server.pathway;
    let dan = token(p, "bexley", "dan", &["read"]).await;
    let owen = token(p, "bexley", "owen", &["read"]).await;
    let hana = token(p, "bexley", "hana", &["write"]).await;
    let report = "/api/v1/authorities/bexley/reports/eligibility";

    let names = |report: &Value| -> Vec<String> {
        ["eligible_now", "upcoming", "later", "needs_judgement", "when_advertised", "blocked"]
            .iter()
            .flat_map(|group| report[group].as_array().cloned().unwrap_or_default())
            .map(|line| line["worker"]["employee_number"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, dans) = get(&server, report, Some(&dan)).await;
    assert_eq!(status, StatusCode::OK, "{dans}");
    assert!(names(&dans).contains(&"E200".to_owned()), "Amara is in Daniel's team: {dans}");
    let (_, owens) = get(&server, report, Some(&owen)).await;
    assert!(!names(&owens).contains(&"E200".to_owned()), "but not in Owen's: {owens}");
    let (_, hanas) = get(&server, report, Some(&hana)).await;
    assert!(names(&hanas).contains(&"E200".to_owned()), "HR sees the authority: {hanas}");

    let csv = reqwest::Client::new()
        .get(server.url(report))
        .bearer_auth(&dan)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("group,employee_number,name,team,"), "{text}");
    assert!(text.contains("E200,Amara Okafor,Assessment Team A"), "{text}");

    // The organisation: HR reads it and adds a team; a team manager may do neither.
    let organisation = "/api/v1/authorities/bexley/organisation";
    assert_eq!(get(&server, organisation, Some(&dan)).await.0, StatusCode::FORBIDDEN);
    let (status, tree) = get(&server, organisation, Some(&hana)).await;
    assert_eq!(status, StatusCode::OK, "{tree}");
    let unit = json!({ "kind": "team", "name": "Assessment Team C" });
    let units = "/api/v1/authorities/bexley/units";
    let (status, _, refused) = call(&server, reqwest::Method::POST, units, Some(&dan), &[], Some(unit.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let key = [("idempotency-key", "team-c-2025-06-12")];
    let (status, _, added) = call(&server, reqwest::Method::POST, units, Some(&hana), &key, Some(unit.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let (status, headers, again) = call(&server, reqwest::Method::POST, units, Some(&hana), &key, Some(unit)).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &added), "the same key answers the same, once");
    assert_eq!(headers["idempotent-replayed"], "true");
    let (_, tree) = get(&server, organisation, Some(&hana)).await;
    let teams: Vec<&str> = tree["units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(teams.iter().filter(|t| **t == "Assessment Team C").count(), 1, "{teams:?}");
    // A team under a parent the records do not have: not found, as an id from elsewhere would be.
    let orphan = json!({ "kind": "team", "name": "Assessment Team D", "parent": "No Such Service" });
    let (status, _, refused) = call(&server, reqwest::Method::POST, units, Some(&hana), &[], Some(orphan)).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{refused}");
    server.stop().await;
}
