//! The progression workflow through the JSON API, over real HTTP, each person with their own
//! API token: Rotherham's Band I → Band J walked from opening to the record change by the
//! people entitled, with every refusal of someone acting beyond their posts answered 403 and
//! the rule named; a stale `If-Match` answered 412 and a replayed `Idempotency-Key` answered
//! the same. West Sussex's progression panel: convened, its business done by its members,
//! the anonymised pack seen by a member (and the view in the audit trail), refused to
//! someone with no seat. Another authority's ids answer 404, and the probe is recorded.

use pathway_app::model::{
    ChangeReason, Name, NewTimelineEntry, OrgUnitId, Qualification, RegistrationStatus, SweNumber, SweRegistration,
};
use pathway_app::records::RecordAppraisal;
use pathway_core::workforce::NewPost;
use pathway_store::{AuditTrail, EntityKind, Organisation, Workforce};
use reqwest::Method;

use super::api::{call, get, token};
use super::*;

/// Someone on the council's books: employee number, name, unit, position (level, grade,
/// point, since) and username.
struct Staff<'a> {
    number: &'a str,
    name: &'a str,
    unit: Option<OrgUnitId>,
    position: Option<(&'a str, &'a str, &'a str)>,
    username: &'a str,
}

async fn add_staff(p: &Pathway, authority: &str, framework: &str, staff: &[Staff<'_>]) {
    for s in staff {
        let mut details = WorkerDetails::new(
            EmployeeNumber::parse(s.number).unwrap(),
            PersonName::parse(s.name).unwrap(),
            EmploymentType::Permanent,
            date(2019, 9, 2),
        );
        details.unit = s.unit;
        details.registration = Some(SweRegistration {
            number: SweNumber::parse(&format!("SW{}", &s.number[1..])).unwrap(),
            status: RegistrationStatus::Registered,
            renewal_due: None,
        });
        details.qualification = Some(Qualification {
            title: Name::parse("Degree in Social Work").unwrap(),
            institution: Name::parse("University of Sheffield").unwrap(),
            awarded_on: date(2019, 7, 15),
        });
        let timeline = s
            .position
            .map(|(level, grade, point)| NewTimelineEntry {
                starts_on: date(2023, 6, 1),
                framework: framework.into(),
                level: level.into(),
                // An NQSW is on a level with no grade or point yet.
                grade: (!grade.is_empty()).then(|| grade.into()),
                point: (!point.is_empty()).then(|| Name::parse(point).unwrap()),
                reason: ChangeReason::Appointed,
                note: None,
            })
            .into_iter()
            .collect();
        p.add_worker(authority, &NewWorker { details, timeline }).await.expect("worker");
        p.create_account(authority, s.number, s.username, &[]).await.expect("account");
    }
}

/// Rotherham as its framework describes it: Sam Patel (R100, Band I SCP 37) in Duty and
/// Assessment under Dana Reid (R101, team manager), in the North Locality under Chris Moyo
/// (R102, locality manager), in Children and Young People's Services under Xavier Hale
/// (R103, Sam's own head of service); Ruth Adeyemi (R104) heads another service, so she is
/// independent; Owen Blake (R110) manages another team. Medway's Mina Shah (M100) beside it.
async fn rotherham(p: &Pathway) {
    p.onboard_authority("rotherham", "Rotherham Metropolitan Borough Council", "rotherham").await.expect("rotherham");
    p.onboard_authority("medway", "Medway Council", "medway").await.expect("medway");
    let service =
        p.create_unit("rotherham", UnitKind::Service, "Children and Young People's Services", None).await.unwrap();
    let locality = p.create_unit("rotherham", UnitKind::Locality, "North Locality", Some(service)).await.unwrap();
    let team = p.create_unit("rotherham", UnitKind::Team, "Duty and Assessment", Some(locality)).await.unwrap();
    let care = p.create_unit("rotherham", UnitKind::Team, "Children in Care", Some(locality)).await.unwrap();
    let other = p.create_unit("rotherham", UnitKind::Service, "Early Help and Family Engagement", None).await.unwrap();
    let staff = [
        Staff {
            number: "R100",
            name: "Sam Patel",
            unit: Some(team),
            position: Some(("level-3", "band-i", "37")),
            username: "sam",
        },
        Staff { number: "R101", name: "Dana Reid", unit: Some(team), position: None, username: "dana" },
        Staff { number: "R102", name: "Chris Moyo", unit: Some(locality), position: None, username: "chris" },
        Staff { number: "R103", name: "Xavier Hale", unit: Some(service), position: None, username: "xavier" },
        Staff { number: "R104", name: "Ruth Adeyemi", unit: Some(other), position: None, username: "ruth" },
        Staff { number: "R110", name: "Owen Blake", unit: Some(care), position: None, username: "owen" },
    ];
    add_staff(p, "rotherham", "rotherham", &staff).await;
    add_staff(
        p,
        "medway",
        "medway",
        &[Staff { number: "M100", name: "Mina Shah", unit: None, position: None, username: "mina" }],
    )
    .await;
    for (unit, role, holder) in [
        ("Duty and Assessment", "team-manager", "R101"),
        ("Children in Care", "team-manager", "R110"),
        ("North Locality", "locality-manager", "R102"),
        ("Children and Young People's Services", "head-of-service", "R103"),
        ("Early Help and Family Engagement", "head-of-service", "R104"),
    ] {
        p.create_post("rotherham", unit, role, Some(holder), Some(date(2019, 9, 2)), None).await.expect("post");
    }
    // Band J asks for a PDR that identifies the application.
    let pdr = RecordAppraisal {
        worker: "R100".into(),
        held_on: date(2025, 3, 20),
        outcome: "ready-to-apply-for-progression".into(),
        by: "R101".into(),
        summary: None,
        objectives: None,
        development_plan: None,
    };
    p.record_appraisal("rotherham", &pdr).await.expect("appraisal");
}

/// A caller with a token that may change things.
struct Person<'s> {
    server: &'s Server,
    token: String,
}

impl Person<'_> {
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        get(self.server, path, Some(&self.token)).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, _, body) = call(self.server, Method::POST, path, Some(&self.token), &[], Some(body)).await;
        (status, body)
    }

    async fn post_with(&self, path: &str, headers: &[(&str, &str)], body: Value) -> (StatusCode, HeaderMap, Value) {
        call(self.server, Method::POST, path, Some(&self.token), headers, Some(body)).await
    }
}

use reqwest::header::HeaderMap;

async fn person<'s>(server: &'s Server, authority: &str, username: &str) -> Person<'s> {
    Person { server, token: token(&server.pathway, authority, username, &["write"]).await }
}

/// The person (their worker id) holding the slot for `role` on `step`, from an application's JSON.
fn holder(application: &Value, step: &str, role: &str) -> Value {
    let steps = application["application"]["steps"].as_array().unwrap();
    let step = steps.iter().find(|s| s["definition"]["id"] == step).unwrap();
    let slot = step["slots"].as_array().unwrap().iter().find(|s| s["role"] == role).unwrap();
    slot["holder"]["person"].clone()
}

fn report(form: &str, summary: &str) -> Value {
    json!({ "outcome": "met", "record": { "type": "report", "form": form, "summary": summary } })
}

fn refused_with_rule(status: StatusCode, body: &Value, rule: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"].as_str().unwrap().contains(&format!("rule: {rule}")), "{body}");
}

#[tokio::test]
async fn rotherham_band_i_to_j_through_the_api_by_the_people_entitled() {
    let dir = Scratch::new();
    let server = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    rotherham(&server.pathway).await;
    let [sam, dana, chris, xavier, ruth, owen] = {
        let mut v = Vec::new();
        for who in ["sam", "dana", "chris", "xavier", "ruth", "owen"] {
            v.push(person(&server, "rotherham", who).await);
        }
        <[Person<'_>; 6]>::try_from(v).ok().unwrap()
    };
    let mina = person(&server, "medway", "mina").await;
    let base = "/api/v1/authorities/rotherham";

    // Dana opens it for Sam (the route lets his manager open it); the same request with the
    // same Idempotency-Key is answered the same, and opens nothing more.
    let open = json!({
        "worker": "R100", "route": "level-3-to-level-4", "role": "team-manager",
        "why": "PDR: progression appropriate"
    });
    let key = [("idempotency-key", "rotherham-open-R100-2025-06")];
    let (status, _, opened) = dana.post_with(&format!("{base}/applications"), &key, open.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let (again, headers, replayed) = dana.post_with(&format!("{base}/applications"), &key, open).await;
    assert_eq!((again, &replayed), (StatusCode::CREATED, &opened));
    assert_eq!(headers["idempotent-replayed"], "true");
    let app = format!("{base}/applications/{}", opened["id"]);
    let (_, listed) = dana.get(&format!("{base}/applications?worker=R100")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "one application, not two: {listed}");

    let act = |role: &str, why: &str| json!({ "role": role, "why": why });
    let (status, body) = dana.post(&format!("{app}/submit"), act("team-manager", "PDR: progression appropriate")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Dana holds no head of service post: claiming one is refused, naming the rule.
    let (status, body) = dana.post(&format!("{app}/begin-assessment"), act("head-of-service", "starting")).await;
    refused_with_rule(status, &body, "posts-held");
    let (status, begun) = chris.post(&format!("{app}/begin-assessment"), act("locality-manager", "assessment")).await;
    assert_eq!(status, StatusCode::OK, "{begun}");

    // An assignment made on a version read before it moved on is refused with 412.
    let stale = opened["meta"]["version"].to_string();
    let assign = |assessor: &str, role: &str| json!({ "assessor": assessor, "assessor_role": role, "role": "locality-manager", "why": "allocated" });
    let (status, _, body) = chris
        .post_with(&format!("{app}/steps/interview/assign"), &[("if-match", &stale)], assign("R101", "team-manager"))
        .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("precondition_failed")));
    for (step, assessor, role) in [
        ("locality-manager-assessment", "R102", "locality-manager"),
        ("part-2", "R101", "team-manager"),
        ("interview", "R101", "team-manager"),
        ("interview", "R102", "locality-manager"),
    ] {
        let (status, body) = chris.post(&format!("{app}/steps/{step}/assign"), assign(assessor, role)).await;
        assert_eq!(status, StatusCode::OK, "{step} {assessor}: {body}");
    }
    // Sam's own head of service is not independent: refused, naming the rule.
    let (status, body) = chris.post(&format!("{app}/steps/interview/assign"), assign("R103", "head-of-service")).await;
    // Refused by the framework's rule (422), naming it.
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("assignment_blocked")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("needs an independent Head of Service"), "{body}");
    assert!(body["message"].as_str().unwrap().ends_with("(rule: must-be-independent)"), "{body}");
    let mut assigned = Value::Null;
    for step in ["interview", "case-file-audit", "head-of-service-form"] {
        let (status, body) = chris.post(&format!("{app}/steps/{step}/assign"), assign("R104", "head-of-service")).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
        assigned = body;
    }

    // Who may see it: the applicant, his managers, the assessor from another service; not
    // another team's manager, and another authority not at all.
    assert_eq!(sam.get(&app).await.0, StatusCode::OK);
    let (status, body) = ruth.get(&app).await;
    assert_eq!(status, StatusCode::OK, "assigned to its interview: {body}");
    let (status, body) = owen.get(&app).await;
    refused_with_rule(status, &body, "record-access");
    let (status, body) = owen
        .post(
            &format!("{app}/steps/part-2/complete"),
            json!({ "role": "team-manager", "why": "x", "completion": report("Part 2", "x") }),
        )
        .await;
    refused_with_rule(status, &body, "record-access");
    let (_, owens) = owen.get(&format!("{base}/applications")).await;
    assert_eq!(owens["items"], json!([]), "another team's applications are not listed");
    let (status, body) = mina.get(&app).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, _) = mina.post(&format!("{app}/withdraw"), act("worker", "probing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.0.join("pathway.db").display())).await.unwrap();
    let probes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_events WHERE outcome = 'other-authority-refused'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(probes, 2, "each probe of another authority is recorded");

    // The steps, each by the person assigned.
    let complete =
        |role: &str, why: &str, completion: Value| json!({ "role": role, "why": why, "completion": completion });
    let (status, body) = chris
        .post(&format!("{app}/steps/locality-manager-assessment/start"), act("locality-manager", "starting"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (who, step, role, completion) in [
        (
            &chris,
            "locality-manager-assessment",
            "locality-manager",
            report("Assessment", "Consistently manages complex child protection work."),
        ),
        (&sam, "part-1", "worker", report("Part 1", "My practice over the last year.")),
        (&dana, "part-2", "team-manager", report("Part 2", "Sam leads on complex cases.")),
    ] {
        let (status, body) =
            who.post(&format!("{app}/steps/{step}/complete"), complete(role, "written", completion)).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
    }
    let (status, body) = chris.post(&format!("{app}/refer"), act("locality-manager", "interview booked")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let present: Vec<Value> =
        [("interview", "team-manager"), ("interview", "locality-manager"), ("interview", "head-of-service")]
            .iter()
            .map(|(step, role)| holder(&assigned, step, role))
            .collect();
    let interview = json!({ "outcome": "met", "record": {
        "type": "interview", "held_on": "2025-06-12", "present": present,
        "summary": "Reflective, evidence-informed answers on risk and on developing others."
    }});
    let (status, body) = chris
        .post(&format!("{app}/steps/interview/complete"), complete("locality-manager", "interview held", interview))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let steps = assigned["application"]["steps"].as_array().unwrap();
    let audit_step = steps.iter().find(|s| s["definition"]["id"] == "case-file-audit").unwrap();
    let checks = match audit_step["definition"]["checks"].as_array() {
        Some(c) if !c.is_empty() => c.clone(),
        _ => vec![json!("complexity"), json!("timeliness")],
    };
    let files: Vec<Value> = (1..=4)
        .map(|n| {
            json!({
                "case_reference": format!("CF-2025-{n:03}"),
                "findings": checks.iter().map(|c| json!({ "check": c, "outcome": "met" })).collect::<Vec<_>>()
            })
        })
        .collect();
    let audit = json!({ "outcome": "met", "record": { "type": "case-file-audit", "files": files } });
    let (status, body) = ruth
        .post(
            &format!("{app}/steps/case-file-audit/complete"),
            complete("head-of-service", "four files audited", audit),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = ruth
        .post(
            &format!("{app}/steps/head-of-service-form/complete"),
            complete("head-of-service", "final form", report("Part 2", "Audit tools show consistently good work.")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Sam cannot decide his own application.
    let decide = |role: &str| json!({ "role": role, "why": "all steps met", "decision": { "outcome": "approved" } });
    let (status, body) = sam.post(&format!("{app}/decide"), decide("worker")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, decided) = chris.post(&format!("{app}/decide"), decide("locality-manager")).await;
    assert_eq!(status, StatusCode::OK, "{decided}");

    // The pay change, before anyone signs it.
    let (status, preview) = sam.get(&format!("{app}/pay-preview?effective=2025-06-12")).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!((preview["new"]["grade"].as_str(), preview["new"]["point"].as_str()), (Some("band-j"), Some("38")));

    // Whoever decided does not sign off the pay change: Sam's own head of service does.
    let sign = |role: &str| json!({ "role": role, "why": "signed off; post change form sent", "effective_from": "2025-06-12" });
    let (status, body) = chris.post(&format!("{app}/sign-off"), sign("locality-manager")).await;
    refused_with_rule(status, &body, "signer-is-decider");
    let (status, body) = xavier.post(&format!("{app}/sign-off"), sign("head-of-service")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, done) = chris.post(&format!("{app}/make-effective"), act("locality-manager", "in payroll")).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["application"]["application"]["status"], "effective", "{done}");
    let entry = &done["timeline_entry"];
    assert_eq!(
        (entry["level"].as_str(), entry["grade"].as_str(), entry["point"].as_str()),
        (Some("level-4"), Some("band-j"), Some("38"))
    );
    let (_, worker) = sam.get(&format!("{base}/workers/R100")).await;
    assert_eq!((worker["level"].as_str(), worker["grade"].as_str()), (Some("level-4"), Some("band-j")), "{worker}");

    // The history, with who did each thing.
    let (status, history) = sam.get(&format!("{app}/history")).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let events = history.as_array().unwrap();
    let part_1 = events.iter().find(|e| e["what"] == "completed step part-1: met").expect("part 1 in the history");
    assert_eq!(part_1["by"]["name"], "Sam Patel");
    assert!(
        events
            .iter()
            .any(|e| e["what"].as_str().unwrap().starts_with("made effective") && e["by"]["name"] == "Chris Moyo")
    );
    server.stop().await;
}

/// West Sussex: Alex Morgan (W100, Grade 10 SCP 39) in the Crawley team under Nina Holt
/// (W110, practice manager); Jo Marsh (W120) is group manager and head of the service;
/// Ravi Nair (W121) manages the Worthing team, where Lee Carr (W130) works.
async fn west_sussex(p: &Pathway) {
    p.onboard_authority("west-sussex", "West Sussex County Council", "west-sussex").await.expect("west sussex");
    let service = p.create_unit("west-sussex", UnitKind::Service, "Children and Family Services", None).await.unwrap();
    let crawley =
        p.create_unit("west-sussex", UnitKind::Team, "Family Safeguarding Team Crawley", Some(service)).await.unwrap();
    let worthing =
        p.create_unit("west-sussex", UnitKind::Team, "Family Safeguarding Team Worthing", Some(service)).await.unwrap();
    let staff = [
        Staff {
            number: "W100",
            name: "Alex Morgan",
            unit: Some(crawley),
            position: Some(("social-worker-grade-10", "grade-10", "39")),
            username: "alex",
        },
        Staff { number: "W110", name: "Nina Holt", unit: Some(crawley), position: None, username: "nina" },
        Staff { number: "W120", name: "Jo Marsh", unit: Some(service), position: None, username: "jomarsh" },
        Staff { number: "W121", name: "Ravi Nair", unit: Some(worthing), position: None, username: "ravi" },
        Staff { number: "W130", name: "Lee Carr", unit: Some(worthing), position: None, username: "lee" },
    ];
    add_staff(p, "west-sussex", "west-sussex", &staff).await;
    // The document names no managers' roles, so the posts go into storage as the council's
    // structure chart has them (as the app's West Sussex story does).
    let scope = p.scope("west-sussex").await.unwrap();
    for (unit, role, holder) in [
        (crawley, "practice-manager", "W110"),
        (service, "group-manager", "W120"),
        (service, "head-of-service", "W120"),
        (worthing, "practice-manager", "W121"),
    ] {
        let holder = p.store().worker_by_employee_number(&scope, &holder.parse().unwrap()).await.unwrap();
        let post = NewPost { unit, role: role.into(), reports_to: None, holder: Some((holder.id, date(2019, 9, 2))) };
        p.store().create_post(&scope, &post).await.expect("post");
    }
}

#[tokio::test]
async fn a_west_sussex_panel_through_the_api_and_its_pack_seen_by_a_member() {
    let dir = Scratch::new();
    west_sussex_panel(dir.sqlite(), &dir).await;
}

/// The same story on PostgreSQL (skipped with a notice where none is reachable, unless
/// required: see `postgres.rs`).
#[tokio::test]
async fn a_west_sussex_panel_through_the_api_on_postgresql() {
    let Some(database) = super::postgres::FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    west_sussex_panel(Database::parse(&database.url(), "test").unwrap(), &dir).await;
}

async fn west_sussex_panel(database: Database, dir: &Scratch) {
    let server = Server::start(config(database, start_time(), dir)).await;
    west_sussex(&server.pathway).await;
    let [alex, nina, jo, ravi, lee] = {
        let mut v = Vec::new();
        for who in ["alex", "nina", "jomarsh", "ravi", "lee"] {
            v.push(person(&server, "west-sussex", who).await);
        }
        <[Person<'_>; 5]>::try_from(v).ok().unwrap()
    };
    let base = "/api/v1/authorities/west-sussex";
    let act = |role: &str, why: &str| json!({ "role": role, "why": why });

    let open = json!({ "worker": "W100", "route": "social-worker-grade-10-to-senior-social-worker", "why": "applying to the panel" });
    let (status, opened) = alex.post(&format!("{base}/applications"), open).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let id = opened["id"].clone();
    let app = format!("{base}/applications/{id}");
    assert_eq!(alex.post(&format!("{app}/submit"), act("worker", "ready")).await.0, StatusCode::OK);
    assert_eq!(
        nina.post(&format!("{app}/begin-assessment"), act("practice-manager", "received")).await.0,
        StatusCode::OK
    );

    // Panels are convened by a head of service or principal social worker: not by a
    // practice manager. Jo convenes it, once however often the request is sent.
    let convene = |role: &str| {
        json!({ "role": role, "why": "June progression panel", "panel": {
            "role": "progression-panel", "held_on": "2025-06-12",
            "members": [
                { "employee_number": "W120", "role": "group-manager", "chair": true },
                { "employee_number": "W121", "role": "practice-manager" },
                { "employee_number": "W110", "role": "practice-manager" }
            ],
            "quorum": { "members": 2, "chair": true, "roles": [] }
        }})
    };
    let (status, body) = nina.post(&format!("{base}/panels"), convene("practice-manager")).await;
    refused_with_rule(status, &body, "panel-convener");
    let key = [("idempotency-key", "west-sussex-june-panel")];
    let (status, _, panel) = jo.post_with(&format!("{base}/panels"), &key, convene("head-of-service")).await;
    assert_eq!(status, StatusCode::CREATED, "{panel}");
    let (status, headers, again) = jo.post_with(&format!("{base}/panels"), &key, convene("head-of-service")).await;
    assert_eq!(
        (status, &again, &headers["idempotent-replayed"]),
        (StatusCode::CREATED, &panel, &"true".parse().unwrap())
    );
    let panel_path = format!("{base}/panels/{}", panel["id"]);

    let chair = |why: &str| json!({ "role": "group-manager", "why": why });
    let with = |mut body: Value, extra: Value| {
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let (status, body) =
        jo.post(&format!("{panel_path}/applications"), with(chair("listed"), json!({ "application": id }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = nina
        .post(
            &format!("{app}/refer"),
            json!({ "role": "practice-manager", "why": "listed for June", "panel": panel["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The pack: a member sees it, anonymised, and the view is in the audit trail; someone
    // with no seat is refused, naming the rule.
    let (status, body) = lee.get(&format!("{panel_path}/pack")).await;
    refused_with_rule(status, &body, "panel-seat");
    let (status, pack) = ravi.get(&format!("{panel_path}/pack")).await;
    assert_eq!(status, StatusCode::OK, "{pack}");
    assert_eq!(pack["applications"][0]["application"], id);
    assert_eq!(pack["applications"][0]["worker"], "Alex Morgan");
    let scope = server.pathway.scope("west-sussex").await.unwrap();
    let trail =
        server.pathway.store().audit_trail(&scope, EntityKind::PanelPack, panel["id"].as_i64().unwrap()).await.unwrap();
    let views: Vec<(&str, Option<&str>, Option<&str>)> =
        trail.iter().map(|e| (e.what.as_str(), e.entered_by.as_deref(), e.entered_from.as_deref())).collect();
    let what = format!("Ravi Nair viewed the pack of panel {} (Panel (the 'agreed panel process'))", panel["id"]);
    assert_eq!(
        views,
        [(what.as_str(), Some("ravi"), Some("127.0.0.1"))],
        "the view, by the person, through their account, from where"
    );
    // Lee cannot read the application either: he neither manages Alex nor sits on the panel.
    let (status, body) = lee.get(&app).await;
    refused_with_rule(status, &body, "record-access");
    assert_eq!(ravi.get(&app).await.0, StatusCode::OK, "a member of the panel it is listed on");

    // The panel's business, by its members: attendance, a conflict, the chair's outcome.
    let (status, body) = jo
        .post(
            &format!("{panel_path}/attendance"),
            with(chair("attendance"), json!({ "present": ["W120", "W121", "W110"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let conflict = json!({ "application": id, "member": "W110", "reason": "Alex's line manager wrote the support" });
    let (status, body) = jo.post(&format!("{panel_path}/conflicts"), with(chair("line manager"), conflict)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let approve = json!({ "application": id, "decision": { "outcome": "approved" } });
    let (status, _) = ravi
        .post(
            &format!("{panel_path}/outcomes"),
            with(json!({ "role": "practice-manager", "why": "ok" }), approve.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the chair records the outcome");
    let (status, body) =
        jo.post(&format!("{panel_path}/outcomes"), with(chair("meets the role description"), approve)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, shown) = ravi.get(&panel_path).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["panel"]["hearings"][0]["outcome"]["outcome"]["outcome"], "approved", "{shown}");

    // The decision the panel recorded, then the pay change and the record.
    let (status, decided) = nina
        .post(
            &format!("{app}/decide"),
            json!({ "role": "practice-manager", "why": "panel approved", "panel": panel["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["application"]["status"], "decided");
    let sign = json!({ "role": "practice-manager", "why": "panel approved", "effective_from": "2025-06-12" });
    assert_eq!(nina.post(&format!("{app}/sign-off"), sign).await.0, StatusCode::OK);
    let (status, done) =
        nina.post(&format!("{app}/make-effective"), act("practice-manager", "post change form processed")).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["timeline_entry"]["level"], "senior-social-worker");
    server.stop().await;
}

/// Medway: Mo Khan (M100), a newly qualified social worker in the Assessment Team under Sue
/// Hart (M210, team manager); Pat Osei (M200) leads practice development for Children's
/// Services; Lee Ward (M220) manages the Fostering Team. Medway's document names neither the
/// development lead nor its own managers' roles beyond three, so the posts go into storage as
/// the structure chart has them (as the app's Medway story does).
async fn medway(p: &Pathway) {
    p.onboard_authority("medway", "Medway Council", "medway").await.expect("medway");
    let service = p.create_unit("medway", UnitKind::Service, "Children's Services", None).await.unwrap();
    let team = p.create_unit("medway", UnitKind::Team, "Assessment Team", Some(service)).await.unwrap();
    let fostering = p.create_unit("medway", UnitKind::Team, "Fostering Team", Some(service)).await.unwrap();
    let staff = [
        Staff {
            number: "M100",
            name: "Mo Khan",
            unit: Some(team),
            position: Some(("nqsw", "", "")),
            username: "mokhan",
        },
        Staff { number: "M200", name: "Pat Osei", unit: Some(service), position: None, username: "pat" },
        Staff { number: "M210", name: "Sue Hart", unit: Some(team), position: None, username: "sue" },
        Staff { number: "M220", name: "Lee Ward", unit: Some(fostering), position: None, username: "leeward" },
    ];
    add_staff(p, "medway", "medway", &staff).await;
    let scope = p.scope("medway").await.unwrap();
    for (unit, role, holder) in [
        (service, "practice-development-lead", "M200"),
        (team, "team-manager", "M210"),
        (fostering, "team-manager", "M220"),
    ] {
        let holder = p.store().worker_by_employee_number(&scope, &holder.parse().unwrap()).await.unwrap();
        let post = NewPost { unit, role: role.into(), reports_to: None, holder: Some((holder.id, date(2019, 9, 2))) };
        p.store().create_post(&scope, &post).await.expect("post");
    }
}

/// A token for `username` of Medway that lasts the year.
async fn year_token(p: &Pathway, username: &str) -> String {
    let new = pathway_app::tokens::NewToken {
        authority: "medway".into(),
        username: username.into(),
        name: "tests".into(),
        scopes: vec!["write".into()],
        expires: date(2026, 3, 31),
    };
    p.create_api_token(&new).await.expect("token").token
}

#[tokio::test]
async fn a_medway_asye_through_the_api_from_the_october_cohort_to_the_pass() {
    let dir = Scratch::new();
    let june = Server::start(config(dir.sqlite(), start_time(), &dir)).await;
    medway(&june.pathway).await;
    let mut tokens = std::collections::HashMap::new();
    for who in ["mokhan", "pat", "sue", "leeward"] {
        tokens.insert(who, year_token(&june.pathway, who).await);
    }
    fn as_person<'s>(server: &'s Server, tokens: &std::collections::HashMap<&str, String>, who: &str) -> Person<'s> {
        Person { server, token: tokens[who].clone() }
    }
    let base = "/api/v1/authorities/medway";

    // June 2025: the October 2024 cohort's programme entered, with its caseload and reviews so far.
    let (pat, sue, mo, lee) = (
        as_person(&june, &tokens, "pat"),
        as_person(&june, &tokens, "sue"),
        as_person(&june, &tokens, "mokhan"),
        as_person(&june, &tokens, "leeward"),
    );
    let start = json!({
        "worker": "M100", "starts_on": "2024-10-01", "nine_month_review": true,
        "role": "practice-development-lead", "why": "October cohort"
    });
    let key = [("idempotency-key", "medway-asye-M100")];
    let (status, _, programme) = pat.post_with(&format!("{base}/asye"), &key, start.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{programme}");
    let (status, headers, again) = pat.post_with(&format!("{base}/asye"), &key, start).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &programme), "the same programme, not a second");
    assert_eq!(headers["idempotent-replayed"], "true");
    let asye = format!("{base}/asye/{}", programme["id"]);
    let tm = |why: &str| json!({ "role": "team-manager", "why": why });
    let with = |mut body: Value, extra: Value| {
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let caseload = json!({ "caseload": { "recorded_on": "2024-10-14", "cases": 6, "protected": true } });
    let (status, body) = sue.post(&format!("{asye}/caseload"), with(tm("supervision"), caseload)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let time = json!({ "development_time": { "on": "2024-11-05", "minutes": 180, "activity": "cohort workshop" } });
    let (status, body) = mo.post(&format!("{asye}/development-time"), with(json!({ "why": "workshop" }), time)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (months, held_on) in [(3, "2025-01-06"), (6, "2025-04-01")] {
        let review = json!({ "months": months, "progress": "on-track", "summary": "Meeting the PCF at ASYE level", "held_on": held_on });
        let (status, body) = sue.post(&format!("{asye}/reviews"), with(tm("review"), review)).await;
        assert_eq!(status, StatusCode::OK, "{months} months: {body}");
    }
    // Another team's manager neither sees nor records on it.
    let (status, body) = lee.get(&asye).await;
    refused_with_rule(status, &body, "record-access");
    june.stop().await;

    // October 2025: the year is up.
    let october = DateTime::parse_from_rfc3339("2025-10-08T10:00:00Z").unwrap().with_timezone(&Utc);
    let server = Server::start(config(dir.sqlite(), october, &dir)).await;
    let (pat, sue, mo) =
        (as_person(&server, &tokens, "pat"), as_person(&server, &tokens, "sue"), as_person(&server, &tokens, "mokhan"));
    for (months, held_on) in [(9, "2025-07-01"), (12, "2025-10-01")] {
        let review = json!({ "months": months, "progress": "on-track", "summary": "Meeting the PCF at ASYE level", "held_on": held_on });
        let (status, body) = sue.post(&format!("{asye}/reviews"), with(tm("review"), review)).await;
        assert_eq!(status, StatusCode::OK, "{months} months: {body}");
    }
    // Mo cannot recommend himself.
    let recommend = json!({ "result": "pass", "rationale": "Capable at ASYE level across the PCF." });
    let (status, _) = mo.post(&format!("{asye}/recommend"), with(json!({ "why": "me" }), recommend.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, recommended) = sue.post(&format!("{asye}/recommend"), with(tm("final assessment"), recommend)).await;
    assert_eq!(status, StatusCode::OK, "{recommended}");
    let moderate = json!({ "role": "practice-development-lead", "why": "moderation agreed", "result": "pass" });
    let (status, _, body) = pat
        .post_with(
            &format!("{asye}/moderate"),
            &[("if-match", &programme["meta"]["version"].to_string())],
            moderate.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "moderating what was read in June: {body}");
    let (status, moderated) = pat.post(&format!("{asye}/moderate"), moderate).await;
    assert_eq!(status, StatusCode::OK, "{moderated}");
    assert_eq!(moderated["programme"]["programme"]["status"], "passed", "{moderated}");
    assert_eq!(moderated["opened"]["application"]["route"]["id"], "nqsw-to-social-worker", "{moderated}");
    let (status, shown) = mo.get(&asye).await;
    assert_eq!((status, &shown["programme"]["status"]), (StatusCode::OK, &json!("passed")));
    server.stop().await;
}
