//! Registration, CPD and the appraisal cycle over real HTTP, on 12 June 2025 in Bexley's two
//! teams: HR (Hana) records Amara's registration, which Amara herself may not; Amara records
//! her CPD reflected on with Dan, her team manager, who may read it but not write it; Dan's
//! reports cover his team and no one else's.

use super::api::{call, get, token, two_teams_server};
use super::*;

const AMARA: &str = "/api/v1/authorities/bexley/workers/E200";

#[tokio::test]
async fn hr_records_registration_amara_records_her_cpd_and_dans_reports_cover_his_team() {
    let dir = Scratch::new();
    let server = two_teams_server(&dir).await;
    let p = &server.pathway;
    let (hana, amara, dan) = (
        token(p, "bexley", "hana", &["write"]).await,
        token(p, "bexley", "amara", &["write"]).await,
        token(p, "bexley", "dan", &["write"]).await,
    );
    let post = |path: String, bearer: &str, body: Value| {
        let server = &server;
        let bearer = bearer.to_owned();
        async move { call(server, reqwest::Method::POST, &path, Some(&bearer), &[], Some(body)).await }
    };

    // Registered for the year to 30 November 2025: HR's record, not Amara's.
    let registration = json!({
        "number": "SW200", "status": "registered", "effective_on": "2024-12-01", "renewal_due": "2025-11-30"
    });
    let (status, _, body) = post(format!("{AMARA}/registrations"), &amara, registration.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("hr-admin"), "{body}");
    let (status, _, body) = post(format!("{AMARA}/registrations"), &hana, registration).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["status"].as_str(), body["recorded_by"].as_str()), (Some("registered"), Some("Hana Ito")));
    let bad = json!({ "number": "SW250", "status": "registered-with-conditions" });
    let (status, _, body) = post("/api/v1/authorities/bexley/workers/E250/registrations".into(), &hana, bad).await;
    assert!(status.is_client_error(), "{status} {body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("conditions of practice"), "{body}");
    let (status, history) = get(&server, &format!("{AMARA}/registrations"), Some(&dan)).await;
    assert_eq!((status, history.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{history}");

    // Amara's CPD, reflected on with Dan; Dan cannot write it for her.
    let cpd = json!({
        "on": "2025-05-01", "title": "Working with neglect", "peer": "E100",
        "reflection": "I now start from the child's day and ask the family to walk me through it."
    });
    let (status, _, body) = post(format!("{AMARA}/cpd"), &dan, cpd.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, body) = post(format!("{AMARA}/cpd"), &amara, cpd).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["peer_name"].as_str(), body["registration_year"].as_str()),
        (Some("Daniel Hussain"), Some("2024-25"))
    );
    let (status, summary) = get(&server, &format!("{AMARA}/cpd/summary"), Some(&dan)).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let s = &summary["summary"];
    assert_eq!((s["records"].as_u64(), s["peer_discussed"].as_u64()), (Some(1), Some(1)), "{summary}");
    assert_eq!((s["minimum_met"].as_bool(), s["window_open"].as_bool()), (Some(false), Some(false)), "{summary}");
    assert_eq!(s["window_opens"], "2025-09-01");

    // Dan's reports: Amara must renew by 30 November; nobody is listed from Owen's team.
    let (status, report) =
        get(&server, "/api/v1/authorities/bexley/reports/registrations-lapsing?within_days=200", Some(&dan)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let listed: Vec<&str> = report["workers"].as_array().unwrap().iter().filter_map(|w| w["worker"].as_str()).collect();
    assert_eq!(listed, vec!["E200"], "{report}");
    assert_eq!(report["workers"][0]["days_left"], 171);
    let (status, due) = get(&server, "/api/v1/authorities/bexley/reports/appraisals-due", Some(&dan)).await;
    assert_eq!(status, StatusCode::OK, "{due}");
    let due: Vec<&str> = due["workers"].as_array().unwrap().iter().filter_map(|w| w["worker"].as_str()).collect();
    assert!(due.contains(&"E200") && !due.contains(&"E250"), "{due:?}");
    let (status, body) =
        get(&server, "/api/v1/authorities/bexley/reports/appraisals-due?within_days=99999", Some(&dan)).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("within_days")), "{body}");
    server.stop().await;
}
