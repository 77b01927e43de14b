//! Onboarding a council that is not one of the four, from an empty database, entirely
//! through the binary: the authority and its framework (a fixture of our own), its
//! organisation from a file, its workers from a file, then one application of each route
//! kind the format documents driven to a decision and into effect, the worker's new level
//! asked again of `eligibility`:
//!
//! - `automatic-on-asye-pass`: an NQSW's ASYE to a pass, which moves her to Social Worker;
//! - `appraisal`: a move inside a career grade, opened only on the appraisal's recommendation
//!   (recorded with `record appraisal`);
//! - `fast-track`: the same move by fast track, with an empty portfolio;
//! - `statement-of-learning`, `portfolio-panel`, `statement-of-application-and-case-study` and
//!   `agreed-portfolio-work`, each with its evidence added by `portfolio add`;
//! - `competence-assessment`: an interview where the worker's own head of service is refused
//!   and a head of service from another service is accepted;
//! - `panel-process`: a convened progression panel;
//! - `application-and-interview` for a vacancy: "can apply when a post is advertised", never
//!   eligible now, then the application;
//! - a route from any level: a practice educator role, once the worker holds PEPS stage 1.
//!
//! To add a route kind: add the route to tests/fixtures/ashcombe.toml, a worker at its
//! `from` level to `WORKERS`, and a function like `statement_of_learning` called from a test.

use crate::db::Scratch;
use crate::{stderr, stdout};

const FRAMEWORK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ashcombe.toml");

/// The structure chart: two services, each with a team.
const UNITS: &str = "unit,unit_kind,parent_unit
Children's Services,service,
Ashcombe North Team,team,Children's Services
Family Help,service,
Family Help Team,team,Family Help
";

const WORKERS: &str = "employee_number,name,employment_type,start_date,team,qualification_title,qualification_institution,qualified_on,level,level_since,grade,pay_point,swe_number,swe_status
A100,Priya Shah,permanent,2020-09-01,Ashcombe North Team,BA Social Work,University of Kent,2020-07-01,Social Worker,2020-09-01,Grade A5,2,SW100,registered
A200,Tom Reed,permanent,2016-09-01,Ashcombe North Team,MA Social Work,University of Sussex,2016-07-01,Senior Social Worker,2021-04-01,Grade A6,1,SW200,registered
A900,Helen Ward,permanent,2010-01-04,Children's Services,,,,,,,,SW900,registered
A910,Sam Okafor,permanent,2012-03-05,Children's Services,,,,,,,,SW910,registered
A920,Dee Lane,permanent,2015-06-01,Ashcombe North Team,,,,,,,,SW920,registered
A930,Marcus Bell,permanent,2011-02-07,Family Help,,,,,,,,SW930,registered
A940,Joan Pike,permanent,2013-09-02,Family Help Team,,,,,,,,SW940,registered
A950,Ruth Kemp,permanent,2014-01-06,Children's Services,,,,,,,,SW950,registered
A050,Leah Quinn,permanent,2024-10-01,Ashcombe North Team,BA Social Work,University of Brighton,2024-07-01,NQSW,2024-10-01,Grade A4,1,SW050,registered
A110,Ben Carter,permanent,2021-09-01,Ashcombe North Team,BA Social Work,University of Kent,2021-07-01,Social Worker,2021-09-01,Grade A5,3,SW110,registered
A130,Dan Frost,permanent,2022-09-05,Ashcombe North Team,MA Social Work,University of Sussex,2022-07-01,Social Worker,2022-09-05,Grade A5,2,SW130,registered
A140,Ola Banks,permanent,2020-01-06,Ashcombe North Team,BA Social Work,University of Kent,2019-07-01,Social Worker,2020-01-06,Grade A5,3,SW140,registered
A120,Cara Dunn,permanent,2019-09-02,Ashcombe North Team,BA Social Work,University of Brighton,2019-07-01,Experienced Social Worker,2022-04-01,Grade A5E,2,SW120,registered
A210,Eve Marsh,permanent,2015-09-01,Ashcombe North Team,MA Social Work,University of Kent,2015-07-01,Senior Social Worker,2020-04-01,Grade A6,2,SW210,registered
A220,Hana Ito,permanent,2014-09-01,Ashcombe North Team,BA Social Work,University of Sussex,2014-07-01,Senior Social Worker,2019-04-01,Grade A6,2,SW220,registered
A310,Faye Lund,permanent,2010-09-01,Ashcombe North Team,BA Social Work,University of Kent,2010-07-01,Advanced Practitioner,2019-04-01,Grade A7,2,SW310,registered
A400,Gus Hale,permanent,2011-09-05,Ashcombe North Team,MA Social Work,University of Brighton,2011-07-01,Practice Supervisor,2020-04-01,Grade A7,2,SW400,registered
";

/// The posts: who held them from when, and whom they report to. Marcus Bell was head of
/// Children's Services until he moved to head Family Help at the start of 2024 (the moves
/// are made with `post assign` after the import).
const POSTS: &str = "unit,role,post_ref,holder,held_from,reports_to
Children's Services,head-of-service,HOS-CS,A930,2021-04-01,
Children's Services,Service Manager,SM-CS,A910,2024-01-01,HOS-CS
Ashcombe North Team,team-manager,TM-N,A920,2024-01-01,SM-CS
Family Help,head-of-service,HOS-FH,vacant,,
Family Help Team,team-manager,TM-FH,vacant,,HOS-FH
Children's Services,practice-educator,PE-CS,A950,2022-01-04,HOS-CS
";

/// `--authority ashcombe --as N --role R --why W --at T`, then `tail`.
fn acting<'a>(head: &[&'a str], who: (&'a str, &'a str), why: &'a str, at: &'a str, tail: &[&'a str]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend_from_slice(&["--authority", "ashcombe", "--as", who.0, "--role", who.1, "--why", why, "--at", at]);
    v.extend_from_slice(tail);
    v
}

const PRIYA: (&str, &str) = ("A100", "worker");
const TOM: (&str, &str) = ("A200", "worker");
const TEAM_MANAGER: (&str, &str) = ("A920", "team-manager");
const SERVICE_MANAGER: (&str, &str) = ("A910", "service-manager");
const OWN_HOS: (&str, &str) = ("A900", "head-of-service");
const OTHER_HOS: (&str, &str) = ("A930", "head-of-service");
const PRACTICE_EDUCATOR: (&str, &str) = ("A950", "practice-educator");

/// Run a command as `who` and answer its JSON.
fn act(s: &Scratch, head: &[&str], who: (&str, &str), why: &str, at: &str, tail: &[&str]) -> serde_json::Value {
    s.json(&acting(head, who, why, at, tail))
}

/// `worker`'s level and the status of each route out of it on `on`, from
/// `eligibility --worker`.
fn eligibility(s: &Scratch, worker: &str, on: &str) -> (String, Vec<(String, String)>) {
    let e = s.json(&["eligibility", "--authority", "ashcombe", "--worker", worker, "--on", on, "--json"]);
    let routes = e["routes"].as_array().unwrap_or_else(|| panic!("routes in {e}"));
    let routes = routes
        .iter()
        .map(|r| {
            (r["route"].as_str().unwrap_or_default().to_owned(), r["status"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    (e["level"].as_str().unwrap_or_default().to_owned(), routes)
}

/// The status eligibility gives `worker` for `route` on `on`.
fn route_status(s: &Scratch, worker: &str, route: &str, on: &str) -> String {
    let (level, routes) = eligibility(s, worker, on);
    routes
        .into_iter()
        .find(|(r, _)| r == route)
        .map(|(_, status)| status)
        .unwrap_or_else(|| panic!("{worker} at {level} is not offered {route} on {on}"))
}

/// `worker` opens an application on `route` as `opener` on `day` (with `extra` arguments),
/// submits it, and the service manager begins its assessment. Returns its id.
fn opened(s: &Scratch, worker: &str, opener: (&str, &str), route: &str, day: &str, extra: &[&str]) -> String {
    let tail = [&["--worker", worker, "--route", route, "--json"][..], extra].concat();
    let opened = act(s, &["application", "open"], opener, "applying", &format!("{day}T09:00:00Z"), &tail);
    let id = opened["id"].as_i64().unwrap_or_else(|| panic!("an id in {opened}")).to_string();
    act(s, &["application", "submit", &id], (worker, "worker"), "ready", &format!("{day}T10:00:00Z"), &["--json"]);
    act(
        s,
        &["application", "begin-assessment", &id],
        SERVICE_MANAGER,
        "received",
        &format!("{day}T11:00:00Z"),
        &["--json"],
    );
    id
}

/// The service manager assigns `who` to `step` on `day`, and `who` records it met with
/// `record` (a step record as JSON) the same afternoon.
fn step_met(s: &Scratch, id: &str, step: &str, who: (&str, &str), day: &str, record: &str) {
    let tail = ["--step", step, "--assessor", who.0, "--assessor-role", who.1, "--json"];
    act(s, &["application", "assign", id], SERVICE_MANAGER, "allocated", &format!("{day}T12:00:00Z"), &tail);
    let file = format!("{id}-{step}.json");
    std::fs::write(s.0.join(&file), format!(r#"{{"outcome": "met", "record": {record}}}"#)).expect("write");
    let tail = ["--step", step, "--input", file.as_str(), "--json"];
    act(s, &["application", "record-step", id], who, "step done", &format!("{day}T15:00:00Z"), &tail);
}

/// A written report as a step record.
fn report(summary: &str) -> String {
    format!(r#"{{"type": "report", "summary": "{summary}"}}"#)
}

/// The service manager assigns `who` to the interview a week before `day` and refers the
/// application to it; `who` interviews on `day` and records it met.
fn interviewed(s: &Scratch, id: &str, who: (&str, &str), day: &str) {
    let week_before = format!("{}T12:00:00Z", days_before(day, 7));
    let tail = ["--step", "interview", "--assessor", who.0, "--assessor-role", who.1, "--json"];
    act(s, &["application", "assign", id], SERVICE_MANAGER, "allocated", &week_before, &tail);
    act(s, &["application", "refer-to-panel", id], SERVICE_MANAGER, "interview booked", &week_before, &["--json"]);
    let present: Vec<String> = assigned(s, id, "interview").iter().map(i64::to_string).collect();
    let file = format!("{id}-interview.json");
    let record = format!(
        r#"{{"outcome": "met", "record": {{"type": "interview", "held_on": "{day}", "present": [{}], "summary": "Thoughtful answers."}}}}"#,
        present.join(", ")
    );
    std::fs::write(s.0.join(&file), record).expect("write");
    let tail = ["--step", "interview", "--input", file.as_str(), "--json"];
    act(s, &["application", "record-step", id], who, "interview held", &format!("{day}T15:00:00Z"), &tail);
}

/// The day `days` before `day` (both YYYY-MM-DD).
fn days_before(day: &str, days: i64) -> String {
    let d: chrono::NaiveDate = day.parse().expect("a date");
    (d - chrono::Duration::days(days)).to_string()
}

/// `decider` approves the application on `day`.
fn approve(s: &Scratch, id: &str, decider: (&str, &str), day: &str) {
    let decided = act(
        s,
        &["application", "decide", id],
        decider,
        "every step met",
        &format!("{day}T16:00:00Z"),
        &["--outcome", "approved", "--json"],
    );
    assert_eq!(decided["application"]["decision"]["outcome"]["outcome"], "approved", "{decided}");
}

/// `signer` (someone in the worker's line other than whoever decided) signs off an approved
/// application from `effective`, and the service manager makes it effective that day: the
/// worker's record moves to `level` (its id and name; the name asked again of eligibility).
fn into_effect(s: &Scratch, id: &str, worker: &str, effective: &str, level: (&str, &str), signer: (&str, &str)) {
    let at = format!("{effective}T16:00:00Z");
    act(s, &["application", "sign-off", id], signer, "approved", &at, &["--effective", effective, "--json"]);
    let done =
        act(s, &["application", "make-effective", id], SERVICE_MANAGER, "post change processed", &at, &["--json"]);
    assert_eq!(done["application"]["application"]["status"], "effective", "{done}");
    assert_eq!(done["timeline_entry"]["level"], level.0, "{done}");
    assert_eq!(eligibility(s, worker, effective).0, level.1, "{worker} is now at {}", level.1);
}

/// `worker` adds an item of `kind` to their portfolio on `day` and runs the anonymisation
/// check on it.
fn evidence(s: &Scratch, worker: &str, kind: &str, day: &str, title: &str, tags: &[&str]) {
    let at = format!("{day}T08:00:00Z");
    let tail = [
        &[
            "--worker",
            worker,
            "--kind",
            kind,
            "--date",
            day,
            "--title",
            title,
            "--text",
            "what I did and what I learned",
            "--json",
        ][..],
        tags,
    ]
    .concat();
    let item = act(s, &["portfolio", "add"], (worker, "worker"), "portfolio", &at, &tail);
    let id = item["id"].as_i64().unwrap_or_else(|| panic!("an id in {item}")).to_string();
    let checked = s.run(&acting(&["portfolio", "check", &id], (worker, "worker"), "checking", &at, &[]));
    assert!(checked.status.success(), "{}", stderr(&checked));
}

fn onboarded() -> Scratch {
    let s = Scratch::new("onboarding");
    let created = s.json(&[
        "authority",
        "create",
        "ashcombe",
        "--name",
        "Ashcombe District Council",
        "--framework",
        FRAMEWORK,
        "--json",
    ]);
    assert_eq!(created["frameworks"][0]["framework"], "ashcombe");

    std::fs::write(s.0.join("units.csv"), UNITS).expect("write");
    std::fs::write(s.0.join("workers.csv"), WORKERS).expect("write");
    std::fs::write(s.0.join("posts.csv"), POSTS).expect("write");
    let units = s.json(&["import", "organisation", "units.csv", "--authority", "ashcombe", "--json"]);
    assert_eq!((units["units"].as_u64(), units["written"].as_bool()), (Some(4), Some(true)), "{units}");
    let o = s.run(&["import", "workers", "workers.csv", "--authority", "ashcombe"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let posts = s.json(&["import", "organisation", "posts.csv", "--authority", "ashcombe", "--json"]);
    assert_eq!((posts["posts"].as_u64(), posts["held"].as_u64()), (Some(6), Some(4)), "{posts}");

    // Marcus Bell moves from Children's Services to Family Help; Helen Ward takes his post.
    let list = s.json(&["post", "list", "--authority", "ashcombe", "--json"]);
    let post_of = |unit: &str| {
        list.as_array()
            .expect("posts")
            .iter()
            .find(|p| p["unit_name"] == unit && p["role"] == "head-of-service")
            .and_then(|p| p["id"].as_i64())
            .expect("head of service post")
            .to_string()
    };
    let (cs, fh) = (post_of("Children's Services"), post_of("Family Help"));
    for (post, holder) in [(cs.as_str(), "A900"), (fh.as_str(), "A930")] {
        let o = s.run(&["post", "assign", post, "--authority", "ashcombe", "--holder", holder, "--from", "2024-01-01"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    s
}

/// The ids of the people assigned to `step`, from the application as JSON.
fn assigned(s: &Scratch, id: &str, step: &str) -> Vec<i64> {
    let app = s.json(&["application", "show", "--authority", "ashcombe", id, "--json"]);
    let steps = app["application"]["steps"].as_array().cloned().unwrap_or_default();
    let step = steps.iter().find(|st| st["definition"]["id"] == step).unwrap_or_else(|| panic!("step {step} in {app}"));
    step["slots"].as_array().expect("slots").iter().filter_map(|slot| slot["holder"]["person"].as_i64()).collect()
}

/// Priya's application for Senior Social Worker up to its interview: her own head of
/// service (Helen Ward, Children's Services) is refused for the independent place;
/// Marcus Bell (head of Family Help) is accepted — although he headed her service until
/// 2024, on the day of the assignment he is another service's head. Returns its id.
fn to_interview(s: &Scratch) -> String {
    let opened = s.json(&acting(
        &["application", "open"],
        PRIYA,
        "applying",
        "2025-05-01T09:00:00Z",
        &["--worker", "A100", "--route", "sw-to-senior", "--json"],
    ));
    let id = opened["id"].as_i64().expect("id").to_string();
    let id = id.as_str();
    s.json(&acting(&["application", "submit", id], PRIYA, "ready", "2025-05-01T10:00:00Z", &["--json"]));
    s.json(&acting(
        &["application", "begin-assessment", id],
        SERVICE_MANAGER,
        "received",
        "2025-05-02T09:00:00Z",
        &["--json"],
    ));
    let assign = |step: &'static str, who: (&'static str, &'static str)| {
        acting(
            &["application", "assign", id],
            SERVICE_MANAGER,
            "allocated",
            "2025-05-02T10:00:00Z",
            &["--step", step, "--assessor", who.0, "--assessor-role", who.1, "--json"],
        )
    };
    s.json(&assign("manager-report", TEAM_MANAGER));
    s.json(&assign("interview", TEAM_MANAGER));
    let before = s.json(&["application", "show", "--authority", "ashcombe", id, "--json"]);
    let refused = s.run(&assign("interview", OWN_HOS));
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.starts_with("error[assignment_blocked]: Helen Ward is the worker's own Head of Service"), "{err}");
    assert!(err.contains("needs an independent Head of Service"), "{err}");
    assert_eq!(s.json(&["application", "show", "--authority", "ashcombe", id, "--json"]), before, "nothing changed");
    s.json(&assign("interview", OTHER_HOS));

    let report = r#"{"outcome": "met", "record": {"type": "report", "summary": "Priya manages complex child protection work well."}}"#;
    std::fs::write(s.0.join("report.json"), report).expect("write");
    s.json(&acting(
        &["application", "record-step", id],
        TEAM_MANAGER,
        "report written",
        "2025-05-06T09:00:00Z",
        &["--step", "manager-report", "--input", "report.json", "--json"],
    ));
    s.json(&acting(
        &["application", "refer-to-panel", id],
        SERVICE_MANAGER,
        "interview booked",
        "2025-05-07T09:00:00Z",
        &["--json"],
    ));
    id.to_owned()
}

/// Marcus Bell records the interview held on 20 May.
fn record_interview(s: &Scratch, id: &str) -> std::process::Output {
    let present: Vec<String> = assigned(s, id, "interview").iter().map(i64::to_string).collect();
    let interview = format!(
        r#"{{"outcome": "met", "record": {{"type": "interview", "held_on": "2025-05-20", "present": [{}], "summary": "Clear, reflective answers."}}}}"#,
        present.join(", ")
    );
    std::fs::write(s.0.join("interview.json"), interview).expect("write");
    s.run(&acting(
        &["application", "record-step", id],
        OTHER_HOS,
        "interview held",
        "2025-05-20T15:00:00Z",
        &["--step", "interview", "--input", "interview.json", "--json"],
    ))
}

/// Priya Shah, a Social Worker in the North team, through the competence assessment to its
/// decision.
fn competence_assessment(s: &Scratch) {
    let id = to_interview(s);
    let id = id.as_str();
    let o = record_interview(s, id);
    assert!(o.status.success(), "{}", stderr(&o));
    let decided = s.json(&acting(
        &["application", "decide", id],
        SERVICE_MANAGER,
        "every step met",
        "2025-05-21T09:00:00Z",
        &["--outcome", "approved", "--json"],
    ));
    assert_eq!(decided["application"]["status"], "decided", "{decided}");
    assert_eq!(decided["application"]["decision"]["outcome"]["outcome"], "approved", "{decided}");
    into_effect(s, id, "A100", "2025-06-01", ("senior-social-worker", "Senior Social Worker"), OWN_HOS);
}

/// Tom Reed, a Senior Social Worker, through the progression panel to Advanced Practitioner.
fn panel_process(s: &Scratch) {
    let opened = s.json(&acting(
        &["application", "open"],
        TOM,
        "applying",
        "2025-06-01T09:00:00Z",
        &["--worker", "A200", "--route", "senior-to-advanced", "--json"],
    ));
    let id = opened["id"].as_i64().expect("id").to_string();
    let id = id.as_str();
    s.json(&acting(&["application", "submit", id], TOM, "ready", "2025-06-02T09:00:00Z", &["--json"]));
    s.json(&acting(
        &["application", "begin-assessment", id],
        SERVICE_MANAGER,
        "received",
        "2025-06-03T09:00:00Z",
        &["--json"],
    ));
    through_the_july_panel(s, id);
    into_effect(s, id, "A200", "2025-08-01", ("advanced-practitioner", "Advanced Practitioner"), OWN_HOS);
}

/// The progression panel of 10 July, the head of Family Help in the chair, hears the
/// application and approves it; the application takes the panel's decision.
fn through_the_july_panel(s: &Scratch, id: &str) {
    let convene = r#"{"role": "progression-panel", "held_on": "2025-07-10",
        "members": [{"employee_number": "A930", "role": "head-of-service", "chair": true},
                    {"employee_number": "A910", "role": "service-manager"}],
        "quorum": {"members": 2, "chair": true}}"#;
    std::fs::write(s.0.join("panel.json"), convene).expect("write");
    let chair = OTHER_HOS;
    let panel = s.json(&acting(
        &["panel", "convene"],
        chair,
        "July panel",
        "2025-06-20T14:00:00Z",
        &["--input", "panel.json", "--json"],
    ));
    let panel_id = panel["id"].as_i64().expect("panel id").to_string();
    let panel_id = panel_id.as_str();
    s.json(&acting(&["panel", "list", "--panel", panel_id, id], chair, "listed", "2025-06-21T14:00:00Z", &["--json"]));
    s.json(&acting(
        &["application", "refer-to-panel", id, "--panel", panel_id],
        SERVICE_MANAGER,
        "listed for July",
        "2025-06-21T15:00:00Z",
        &["--json"],
    ));
    s.json(&acting(
        &["panel", "attendance", "--panel", panel_id, "--present", "A930,A910"],
        chair,
        "attendance",
        "2025-07-10T14:00:00Z",
        &["--json"],
    ));
    std::fs::write(s.0.join("outcome.json"), r#"{"outcome": "approved"}"#).expect("write");
    s.json(&acting(
        &["panel", "outcome", "--panel", panel_id, "--application", id, "--input", "outcome.json"],
        chair,
        "meets the role",
        "2025-07-10T15:00:00Z",
        &["--json"],
    ));
    let decided = s.json(&["application", "decide", "--authority", "ashcombe", id, "--panel", panel_id, "--json"]);
    assert_eq!(decided["application"]["status"], "decided", "{decided}");
    assert_eq!(decided["application"]["decision"]["outcome"]["outcome"], "approved", "{decided}");
}

/// Leah Quinn, an NQSW, through her ASYE: reviews by her team manager, the practice
/// educator's recommendation, and moderation by her head of service, whose pass moves her
/// to Social Worker automatically.
fn automatic_on_asye_pass(s: &Scratch) {
    let started = act(
        s,
        &["asye", "start"],
        TEAM_MANAGER,
        "October cohort",
        "2024-10-01T10:00:00Z",
        &["--worker", "A050", "--starts-on", "2024-10-01", "--json"],
    );
    let programme = started["id"].as_i64().unwrap_or_else(|| panic!("an id in {started}")).to_string();
    let programme = programme.as_str();
    for (months, held_on) in [("6", "2025-04-01"), ("12", "2025-10-01")] {
        act(
            s,
            &["asye", "review"],
            TEAM_MANAGER,
            "review",
            &format!("{held_on}T10:00:00Z"),
            &[
                "--programme",
                programme,
                "--months",
                months,
                "--progress",
                "on-track",
                "--held-on",
                held_on,
                "--summary",
                "Meeting the PCF at ASYE level",
                "--json",
            ],
        );
    }
    act(
        s,
        &["asye", "recommend"],
        PRACTICE_EDUCATOR,
        "final assessment",
        "2025-10-02T10:00:00Z",
        &["--programme", programme, "--result", "pass", "--rationale", "Capable at ASYE level.", "--json"],
    );
    let moderated = act(
        s,
        &["asye", "moderate"],
        OWN_HOS,
        "moderation agreed",
        "2025-10-08T10:00:00Z",
        &["--programme", programme, "--result", "pass", "--json"],
    );
    let opened = &moderated["opened"];
    assert_eq!(opened["application"]["route"]["id"], "nqsw-to-social-worker", "{moderated}");
    assert_eq!(opened["application"]["decision"]["outcome"]["outcome"], "approved", "{moderated}");
    let id = opened["id"].as_i64().unwrap_or_else(|| panic!("an id in {opened}")).to_string();
    into_effect(s, &id, "A050", "2025-10-08", ("social-worker", "Social Worker"), SERVICE_MANAGER);
}

/// Ben Carter, a Social Worker: the route to the experienced point of the career grade opens
/// only on his appraisal's recommendation. Before it nothing opens; Marcus Bell, who no
/// longer heads his service, cannot record it; Dee Lane, his team manager, does, opens the
/// move and decides it.
fn appraisal(s: &Scratch) {
    const ROUTE: &str = "sw-to-experienced-on-appraisal";
    assert_eq!(route_status(s, "A110", ROUTE, "2025-03-01"), "not_yet");
    let open = acting(
        &["application", "open"],
        TEAM_MANAGER,
        "appraisal",
        "2025-03-01T09:00:00Z",
        &["--worker", "A110", "--route", ROUTE],
    );
    let refused = s.run(&open);
    assert!(!refused.status.success(), "no appraisal recommends it yet");
    assert!(
        stderr(&refused).contains(
            "\"To the experienced point on the appraisal's recommendation\" follows the appraisal's recommendation"
        ),
        "{}",
        stderr(&refused)
    );

    let record = |by: &str| {
        s.run(&[
            "record",
            "appraisal",
            "--authority",
            "ashcombe",
            "--worker",
            "A110",
            "--on",
            "2025-03-10",
            "--outcome",
            "ready-to-apply-for-progression",
            "--by",
            by,
            "--summary",
            "Consistently experienced practice.",
        ])
    };
    let o = record("A930");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("Marcus Bell (A930) was not (their line manager then was Dee Lane (A920))"),
        "{}",
        stderr(&o)
    );
    let o = record("A920");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(route_status(s, "A110", ROUTE, "2025-03-20"), "eligible");

    let id = opened(s, "A110", TEAM_MANAGER, ROUTE, "2025-03-20", &[]);
    approve(s, &id, TEAM_MANAGER, "2025-03-21");
    into_effect(s, &id, "A110", "2025-04-01", ("experienced-social-worker", "Experienced Social Worker"), OWN_HOS);
}

/// Dan Frost, a Social Worker, fast-tracks to the experienced point: his portfolio is
/// empty, which fast track allows; his team manager reports and the service manager decides.
fn fast_track(s: &Scratch) {
    let coverage = s.json(&[
        "portfolio",
        "coverage",
        "--authority",
        "ashcombe",
        "--worker",
        "A130",
        "--route",
        "sw-to-experienced-fast-track",
        "--on",
        "2025-04-07",
        "--json",
    ]);
    assert_eq!(coverage["verdict"]["ready"], false, "without fast track the portfolio would hold him back");
    let id = opened(s, "A130", ("A130", "worker"), "sw-to-experienced-fast-track", "2025-04-07", &["--fast-track"]);
    step_met(s, &id, "manager-report", TEAM_MANAGER, "2025-04-14", &report("Practises as an experienced worker."));
    approve(s, &id, SERVICE_MANAGER, "2025-04-15");
    into_effect(s, &id, "A130", "2025-05-01", ("experienced-social-worker", "Experienced Social Worker"), OWN_HOS);
}

/// Cara Dunn, an Experienced Social Worker, writes her statement of learning; her team
/// manager reviews it and the service manager decides.
fn statement_of_learning(s: &Scratch) {
    evidence(s, "A120", "statement-of-learning", "2025-04-01", "Statement of learning", &[]);
    let id = opened(s, "A120", ("A120", "worker"), "experienced-to-senior", "2025-04-02", &[]);
    step_met(s, &id, "review", TEAM_MANAGER, "2025-04-09", &report("A clear account of her learning."));
    approve(s, &id, SERVICE_MANAGER, "2025-04-10");
    into_effect(s, &id, "A120", "2025-05-01", ("senior-social-worker", "Senior Social Worker"), OWN_HOS);
}

/// Eve Marsh, a Senior Social Worker, puts a reflective summary tagged to the KSS in her
/// portfolio; the July progression panel hears it and approves her as Practice Supervisor.
fn portfolio_panel(s: &Scratch) {
    evidence(
        s,
        "A210",
        "reflective-summary",
        "2025-05-12",
        "Reflective summary: supervising others",
        &["--kss", "ps.1"],
    );
    let id = opened(s, "A210", ("A210", "worker"), "senior-to-practice-supervisor", "2025-06-05", &[]);
    through_the_july_panel(s, &id);
    into_effect(s, &id, "A210", "2025-08-01", ("practice-supervisor", "Practice Supervisor"), OWN_HOS);
}

/// Faye Lund, an Advanced Practitioner, submits a statement of application and a case study;
/// the service manager assesses them and her head of service decides.
fn statement_of_application_and_case_study(s: &Scratch) {
    evidence(s, "A310", "statement-of-application", "2025-05-01", "Statement of application", &[]);
    evidence(s, "A310", "case-study", "2025-05-02", "Case study: a family held together", &[]);
    let id = opened(s, "A310", ("A310", "worker"), "advanced-to-consultant", "2025-05-05", &[]);
    step_met(s, &id, "assessment", SERVICE_MANAGER, "2025-05-12", &report("Consultant-level analysis."));
    approve(s, &id, OWN_HOS, "2025-05-13");
    into_effect(
        s,
        &id,
        "A310",
        "2025-06-01",
        ("consultant-social-worker", "Consultant Social Worker"),
        SERVICE_MANAGER,
    );
}

/// Gus Hale, a Practice Supervisor, completes the piece of work agreed with the service
/// manager, who reviews it; his head of service decides.
fn agreed_portfolio_work(s: &Scratch) {
    evidence(s, "A400", "portfolio-work", "2025-05-20", "Agreed work: a review of supervision in the team", &[]);
    let id = opened(s, "A400", ("A400", "worker"), "supervisor-to-consultant", "2025-05-21", &[]);
    step_met(s, &id, "review", SERVICE_MANAGER, "2025-05-28", &report("The agreed work is done well."));
    approve(s, &id, OWN_HOS, "2025-05-29");
    into_effect(
        s,
        &id,
        "A400",
        "2025-07-01",
        ("consultant-social-worker", "Consultant Social Worker"),
        SERVICE_MANAGER,
    );
}

/// Hana Ito, a Senior Social Worker with the experience asked for, is never eligible now for
/// Team Manager — she can apply when a post is advertised. The Family Help post is
/// advertised; she applies, the head of Family Help interviews her and appoints her.
fn application_and_interview_for_a_vacancy(s: &Scratch) {
    const ROUTE: &str = "senior-to-team-manager";
    assert_eq!(route_status(s, "A220", ROUTE, "2025-06-01"), "apply_when_advertised");
    let text = stdout(&s.run(&["eligibility", "--authority", "ashcombe", "--worker", "A220", "--on", "2025-06-01"]));
    assert!(text.contains("can apply when a post is advertised"), "{text}");
    let id = opened(s, "A220", ("A220", "worker"), ROUTE, "2025-06-09", &[]);
    interviewed(s, &id, OTHER_HOS, "2025-06-16");
    approve(s, &id, OTHER_HOS, "2025-06-17");
    into_effect(s, &id, "A220", "2025-07-01", ("team-manager", "Team Manager"), OWN_HOS);
}

/// Ola Banks, a Social Worker, holds PEPS stage 1: the practice educator role, open from any
/// level, is offered to her; the service manager interviews her and decides.
fn route_from_any_level(s: &Scratch) {
    const ROUTE: &str = "any-to-practice-educator";
    assert_eq!(route_status(s, "A140", ROUTE, "2025-06-01"), "not_yet", "no PEPS award yet");
    let o = s.run(&[
        "record",
        "award",
        "--authority",
        "ashcombe",
        "--worker",
        "A140",
        "--kind",
        "peps-stage-1",
        "--title",
        "Practice Educator Professional Standards, stage 1",
        "--on",
        "2025-05-30",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(route_status(s, "A140", ROUTE, "2025-06-01"), "eligible");
    let id = opened(s, "A140", ("A140", "worker"), ROUTE, "2025-06-02", &[]);
    // The service manager does not interview alone and then decide: a practice educator sits too.
    let tail = ["--step", "interview", "--assessor", PRACTICE_EDUCATOR.0, "--assessor-role", PRACTICE_EDUCATOR.1];
    act(
        s,
        &["application", "assign", &id],
        SERVICE_MANAGER,
        "allocated",
        "2025-06-03T12:00:00Z",
        &[&tail[..], &["--json"]].concat(),
    );
    interviewed(s, &id, SERVICE_MANAGER, "2025-06-10");
    approve(s, &id, SERVICE_MANAGER, "2025-06-11");
    into_effect(s, &id, "A140", "2025-07-01", ("practice-educator", "Practice Educator"), OWN_HOS);
}

/// The authority's report puts every worker-route in exactly one group: the groups add up to
/// its total, and Hana Ito's Team Manager route waits for an advertised post.
fn report_groups_add_up(s: &Scratch, on: &str) {
    const GROUPS: [&str; 6] = ["eligible_now", "upcoming", "later", "needs_judgement", "when_advertised", "blocked"];
    let r = s.json(&["eligibility", "--authority", "ashcombe", "--on", on, "--json"]);
    let total = r["worker_routes"].as_u64().unwrap_or_else(|| panic!("worker_routes in {r}"));
    let lines = |g: &str| r[g].as_array().unwrap_or_else(|| panic!("{g} in {r}")).clone();
    let sum: usize = GROUPS.iter().map(|g| lines(g).len()).sum();
    assert_eq!(sum as u64, total, "the groups add up to the worker-routes: {r}");
    let waiting: Vec<String> = lines("when_advertised")
        .iter()
        .map(|l| format!("{} {}", l["worker"]["employee_number"].as_str().unwrap_or_default(), l["route"]))
        .collect();
    assert!(waiting.iter().any(|w| w.starts_with("A220 ") && w.contains("senior-to-team-manager")), "{waiting:?}");
    let now = lines("eligible_now");
    assert!(!now.iter().any(|l| l["route"].to_string().contains("senior-to-team-manager")), "never eligible now");
}

#[test]
fn a_new_council_is_onboarded_from_files_and_decides_a_competence_assessment_and_a_panel() {
    let s = onboarded();
    let checked = stdout(&s.run(&["framework", "validate", FRAMEWORK]));
    assert!(
        checked.ends_with("ashcombe.toml: ok (0 error(s), 0 warning(s))\n"),
        "every route kind, no warning: {checked}"
    );

    let in_2023 = stdout(&s.run(&["authority", "show", "ashcombe", "--on", "2023-06-01"]));
    assert!(in_2023.contains("Head of Service — Marcus Bell (A930) since 2021-04-01"), "{in_2023}");
    let shown = stdout(&s.run(&["authority", "show", "ashcombe", "--on", "2025-05-01"]));
    assert!(shown.contains("Ashcombe District Council (ashcombe) on 2025-05-01"), "{shown}");
    assert!(shown.contains("Head of Service — Helen Ward (A900) since 2024-01-01"), "{shown}");
    assert!(shown.contains("Team Manager — vacant"), "{shown}");
    assert!(shown.contains("Vacancies: 1"), "{shown}");
    let list = stdout(&s.run(&["authority", "list"]));
    assert!(
        list.contains("ashcombe  Ashcombe District Council  [ashcombe 1]  4 unit(s), 6 post(s), 17 worker(s)"),
        "{list}"
    );

    report_groups_add_up(&s, "2025-06-01");
    competence_assessment(&s);
    panel_process(&s);
}

#[test]
fn a_new_council_runs_the_asye_career_grade_fast_track_and_statement_of_learning_routes_to_a_decision() {
    let s = onboarded();
    automatic_on_asye_pass(&s);
    appraisal(&s);
    fast_track(&s);
    statement_of_learning(&s);
}

#[test]
fn a_new_council_runs_its_portfolio_vacancy_and_any_level_routes_to_a_decision() {
    let s = onboarded();
    portfolio_panel(&s);
    statement_of_application_and_case_study(&s);
    agreed_portfolio_work(&s);
    application_and_interview_for_a_vacancy(&s);
    route_from_any_level(&s);
}

#[test]
fn who_holds_a_post_is_dated_and_a_new_holder_acts_only_from_their_first_day() {
    let s = onboarded();
    // Joan Pike takes the vacant Family Help team manager post from September.
    let posts = s.json(&["post", "list", "--authority", "ashcombe", "--json"]);
    let vacant = posts
        .as_array()
        .expect("posts")
        .iter()
        .find(|p| p["holder"].is_null())
        .and_then(|p| p["id"].as_i64())
        .expect("a vacant post")
        .to_string();
    let o = s.run(&["post", "assign", &vacant, "--authority", "ashcombe", "--holder", "A940", "--from", "2025-09-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Team Manager — Joan Pike (A940) since 2025-09-01"), "{}", stdout(&o));
    let august = s.json(&["post", "list", "--authority", "ashcombe", "--on", "2025-08-31", "--json"]);
    let held_in_august = august.as_array().expect("posts").iter().filter(|p| !p["holder"].is_null()).count();
    assert_eq!(held_in_august, 5, "the post was still vacant in August");
    let september = s.json(&["post", "list", "--authority", "ashcombe", "--on", "2025-09-01", "--json"]);
    assert_eq!(september.as_array().expect("posts").iter().filter(|p| !p["holder"].is_null()).count(), 6);

    // Before her first day she cannot act as a team manager.
    let o = s.run(&acting(
        &["application", "open"],
        ("A940", "team-manager"),
        "opening",
        "2025-08-15T09:00:00Z",
        &["--worker", "A100", "--route", "sw-to-senior"],
    ));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot act as team-manager: on 2025-08-15 they hold no post"), "{}", stderr(&o));

    // A unit can be closed only once it is empty; a closed unit takes no new posts.
    let o = s.run(&["unit", "close", "Family Help Team", "--authority", "ashcombe", "--on", "2025-10-01"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("held after 2025-10-01; vacate it first"), "{}", stderr(&o));
    let o = s.run(&[
        "unit",
        "create",
        "--authority",
        "ashcombe",
        "--kind",
        "team",
        "--name",
        "family help team",
        "--parent",
        "Family Help",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn an_applicant_from_outside_is_placed_by_the_framework_or_told_why_not() {
    let s = onboarded();
    let appoint = |number: &'static str, level: &'static str| -> Vec<&'static str> {
        acting(
            &["appoint"],
            SERVICE_MANAGER,
            "chosen at interview on 2 June",
            "2025-06-03T09:00:00Z",
            &[
                "--employee-number",
                number,
                "--name",
                "Kai Newman",
                "--starts-on",
                "2025-07-01",
                "--level",
                level,
                "--unit",
                "Family Help Team",
            ],
        )
    };
    let o = s.run(&appoint("A300", "Advanced Practitioner"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("does not appoint external applicants to Advanced Practitioner"), "{}", stderr(&o));
    let o = s.run(&appoint("A300", "Social Worker"));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("Appointed A300."), "{text}");
    assert!(text.contains("Reason: chosen at interview on 2 June"), "{text}");
    let list = stdout(&s.run(&["authority", "list"]));
    assert!(list.contains("18 worker(s)"), "{list}");
}

#[test]
fn independence_is_answered_again_for_the_day_of_the_interview() {
    let s = onboarded();
    let id = to_interview(&s);
    // Marcus Bell goes back to head Children's Services from 15 May, before the interview.
    let list = s.json(&["post", "list", "--authority", "ashcombe", "--json"]);
    let cs = list
        .as_array()
        .expect("posts")
        .iter()
        .find(|p| p["unit_name"] == "Children's Services" && p["role"] == "head-of-service")
        .and_then(|p| p["id"].as_i64())
        .expect("post")
        .to_string();
    let o = s.run(&["post", "assign", &cs, "--authority", "ashcombe", "--holder", "A930", "--from", "2025-05-15"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = record_interview(&s, &id);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("on the day of the step, Marcus Bell is the worker's own Head of Service"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn units_and_posts_are_changed_by_hand_within_the_structure_rules() {
    let s = Scratch::new("units");
    s.json(&[
        "authority",
        "create",
        "ashcombe",
        "--name",
        "Ashcombe District Council",
        "--framework",
        FRAMEWORK,
        "--json",
    ]);
    let unit = |args: &[&str]| {
        let mut v = vec!["unit"];
        v.extend_from_slice(args);
        v.extend_from_slice(&["--authority", "ashcombe"]);
        s.run(&v)
    };
    assert!(unit(&["create", "--kind", "service", "--name", "Children's Services"]).status.success());
    assert!(
        unit(&["create", "--kind", "locality", "--name", "West", "--parent", "Children's Services"]).status.success()
    );
    let o = unit(&["create", "--kind", "team", "--name", "Duty", "--parent", "West"]);
    assert_eq!(stdout(&o), "Created team Duty (unit 3) in unit 2.\n");
    let o = unit(&["create", "--kind", "team", "--name", "Odd", "--parent", "Duty"]);
    assert!(stderr(&o).contains("a team cannot sit under a team (Duty)"), "{}", stderr(&o));
    let o = unit(&["move", "Children's Services", "--parent", "West"]);
    assert!(stderr(&o).contains("cannot sit under a locality"), "{}", stderr(&o));
    let o = unit(&["move", "West", "--parent", "West"]);
    assert!(stderr(&o).contains("inside it"), "{}", stderr(&o));
    let o = unit(&["rename", "Duty", "--name", "Duty and Assessment"]);
    assert_eq!(stdout(&o), "Renamed team Duty and Assessment (unit 3) in unit 2.\n");

    let o = s.run(&[
        "post",
        "create",
        "--authority",
        "ashcombe",
        "--unit",
        "Duty and Assessment",
        "--role",
        "Team Manager",
    ]);
    assert!(
        stdout(&o).contains("post 1: Team Manager — vacant on Duty and Assessment"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = s.run(&["post", "create", "--authority", "ashcombe", "--unit", "West", "--role", "progression-panel"]);
    assert!(stderr(&o).contains("Progression Panel is a panel, not a post"), "{}", stderr(&o));
    let o = s.run(&["post", "create", "--authority", "ashcombe", "--unit", "West", "--role", "locality-manager"]);
    assert!(
        stderr(&o).contains("`locality-manager` is not a role of Ashcombe Social Work Progression Scheme"),
        "{}",
        stderr(&o)
    );

    // A dry run checks and writes nothing.
    std::fs::write(s.0.join("more.csv"), "unit,unit_kind,parent_unit\nEast,locality,Children's Services\n")
        .expect("write");
    let o = s.run(&["import", "organisation", "more.csv", "--authority", "ashcombe", "--dry-run"]);
    assert!(
        stdout(&o).contains("Dry run: every row is good; 1 unit(s) and 0 post(s), 0 held would be imported."),
        "{}",
        stdout(&o)
    );
    let shown = s.json(&["authority", "show", "ashcombe", "--json"]);
    let names: Vec<&str> =
        shown["units"].as_array().expect("units").iter().filter_map(|u| u["name"].as_str()).collect();
    assert_eq!(names, ["Children's Services", "West", "Duty and Assessment"]);
    assert_eq!(shown["vacancies"], 1);
}

#[test]
fn the_organisation_template_imports_after_the_workers_template() {
    let s = Scratch::new("templates");
    s.json(&[
        "authority",
        "create",
        "ashcombe",
        "--name",
        "Ashcombe District Council",
        "--framework",
        FRAMEWORK,
        "--json",
    ]);
    for (args, file) in [
        (vec!["import", "template", "--framework", FRAMEWORK, "--out", "workers.csv"], "workers.csv"),
        (
            vec!["import", "template", "--organisation", "--framework", FRAMEWORK, "--out", "organisation.csv"],
            "organisation.csv",
        ),
    ] {
        let o = s.run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(s.0.join(file).exists());
    }
    let o = s.run(&["import", "workers", "workers.csv", "--authority", "ashcombe"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let report = s.json(&["import", "organisation", "organisation.csv", "--authority", "ashcombe", "--json"]);
    assert_eq!(
        (report["units"].as_u64(), report["posts"].as_u64(), report["held"].as_u64()),
        (Some(2), Some(2), Some(1))
    );
    let shown = stdout(&s.run(&["authority", "show", "ashcombe"]));
    assert!(shown.contains("post 2: Team Manager — vacant, reports to post 1"), "{shown}");
}
