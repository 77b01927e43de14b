//! `pathway application`, `pathway panel` and `pathway portfolio` as a script drives them:
//! a real process on a temporary SQLite file, JSON in and out, `error[code]: message` and a
//! non-zero exit on refusal, with nothing changed.

use std::io::Write;
use std::process::{Output, Stdio};

use pathway_app::config::{Config, Database};
use pathway_app::model::{
    ChangeReason, EmployeeNumber, EmploymentType, Name, NewTimelineEntry, NewWorker, PersonName, RegistrationStatus,
    SweNumber, SweRegistration, UnitKind, WorkerDetails,
};
use pathway_app::service::Pathway;

use crate::db::Scratch;
use crate::{stderr, stdout};

/// People: (employee number, name, unit index, position, post role).
type Person<'a> = (&'a str, &'a str, usize, Option<(&'a str, Option<&'a str>, Option<&'a str>)>, Option<&'a str>);

/// Seed an authority on a bundled framework into the scratch database, before the binary
/// runs: units (kind, name, parent index) and people, through the app's set-up use cases.
pub(crate) fn seed(s: &Scratch, framework: &str, units: &[(UnitKind, &str, Option<usize>)], people: &[Person<'_>]) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let config = Config { database: Database::Sqlite { path: s.db().into() }, ..Config::defaults() };
        let pathway = Pathway::open(config).await.expect("open");
        pathway.create_authority(framework, "Test Council").await.expect("authority");
        pathway.sync_frameworks(framework, &[]).await.expect("sync the bundled framework");
        let mut ids = Vec::new();
        for (kind, name, parent) in units {
            let parent = parent.map(|p| ids[p]);
            ids.push(pathway.create_unit(framework, *kind, name, parent).await.expect("unit"));
        }
        for (number, name, unit, position, post) in people {
            let mut details = WorkerDetails::new(
                EmployeeNumber::parse(number).expect("number"),
                PersonName::parse(name).expect("name"),
                EmploymentType::Permanent,
                "2019-09-02".parse().expect("date"),
            );
            details.unit = Some(ids[*unit]);
            // Registration must be current to progress: everyone is on the register.
            details.registration = Some(SweRegistration {
                number: SweNumber::parse(&format!("SW{}", &number[1..])).expect("swe number"),
                status: RegistrationStatus::Registered,
                renewal_due: None,
            });
            let timeline = position
                .map(|(level, grade, point)| NewTimelineEntry {
                    starts_on: "2024-04-01".parse().expect("date"),
                    framework: framework.into(),
                    level: level.into(),
                    grade: grade.map(Into::into),
                    point: point.map(|p| Name::parse(p).expect("point")),
                    reason: ChangeReason::Appointed,
                    note: None,
                })
                .into_iter()
                .collect();
            pathway.add_worker(framework, &NewWorker { details, timeline }).await.expect("worker");
            if let Some(role) = post {
                pathway.appoint_to_post(framework, ids[*unit], role, number).await.expect("post");
            }
        }
        pathway.close().await;
    });
}

/// Run with `input` on stdin.
pub(crate) fn run_with_stdin(s: &Scratch, args: &[&str], input: &str) -> Output {
    let mut child = s
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pathway runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("pathway finishes")
}

pub(crate) fn west_sussex() -> Scratch {
    let s = Scratch::new("progression");
    seed(
        &s,
        "west-sussex",
        &[
            (UnitKind::Service, "Children and Family Services", None),
            (UnitKind::Team, "Crawley Team", Some(0)),
            (UnitKind::Team, "Worthing Team", Some(0)),
        ],
        &[
            ("W100", "Alex Morgan", 1, Some(("social-worker-grade-10", Some("grade-10"), Some("39"))), None),
            ("W110", "Nina Holt", 1, None, Some("practice-manager")),
            ("W120", "Jo Marsh", 0, None, Some("group-manager")),
            ("W121", "Ravi Nair", 0, None, Some("practice-manager")),
            ("W130", "Kim Lowe", 0, None, Some("head-of-service")),
            ("W140", "Pat Quinn", 2, None, Some("practice-manager")),
        ],
    );
    s
}

/// `--authority west-sussex --as N --role R --why W --at T`.
pub(crate) fn who<'a>(number: &'a str, role: &'a str, why: &'a str, at: &'a str) -> Vec<&'a str> {
    vec!["--authority", "west-sussex", "--as", number, "--role", role, "--why", why, "--at", at]
}

pub(crate) fn with<'a>(mut head: Vec<&'a str>, tail: &[&'a str]) -> Vec<&'a str> {
    head.extend_from_slice(tail);
    head
}

/// Alex Morgan (W100) applies for senior social worker; the July panel hears it and records
/// `outcome` (a decision as JSON), which the application then takes. Returns its id.
pub(crate) fn through_the_july_panel(s: &Scratch, outcome: &str) -> String {
    let opened = s.json(&with(
        vec!["application", "open"],
        &[
            who("W100", "worker", "applying to the July panel", "2025-06-01T09:00:00Z"),
            vec!["--worker", "W100", "--route", "social-worker-grade-10-to-senior-social-worker", "--json"],
        ]
        .concat(),
    ));
    assert_eq!(opened["application"]["status"], "draft");
    let id = opened["id"].as_i64().expect("id").to_string();
    let id = id.as_str();

    let pm = |why, at| who("W110", "practice-manager", why, at);
    let chair = |why, at| who("W120", "group-manager", why, at);
    s.json(&with(vec!["application", "submit", id, "--json"], &who("W100", "worker", "ready", "2025-06-02T09:00:00Z")));
    s.json(&with(vec!["application", "begin-assessment", id, "--json"], &pm("received", "2025-06-03T09:00:00Z")));

    // The panel, convened from JSON on stdin.
    let convene = r#"{"role": "progression-panel", "held_on": "2025-07-10",
        "members": [{"employee_number": "W120", "role": "group-manager", "chair": true},
                    {"employee_number": "W121", "role": "practice-manager"}],
        "quorum": {"members": 2, "chair": true}}"#;
    let o = run_with_stdin(
        s,
        &with(
            vec!["panel", "convene", "--input", "-", "--json"],
            &who("W130", "head-of-service", "July panel", "2025-06-20T14:00:00Z"),
        ),
        convene,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let panel: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let panel_id = panel["id"].as_i64().expect("panel id").to_string();
    let panel_id = panel_id.as_str();
    s.json(&with(vec!["panel", "list", "--panel", panel_id, id, "--json"], &chair("listed", "2025-06-21T14:00:00Z")));
    s.json(&with(
        vec!["application", "refer-to-panel", id, "--panel", panel_id, "--json"],
        &pm("listed for July", "2025-06-21T15:00:00Z"),
    ));
    let pack = s.json(&["panel", "pack", "--authority", "west-sussex", panel_id, "--json"]);
    assert_eq!(pack["applications"][0]["worker"], "Alex Morgan");
    assert_eq!(pack["applications"][0]["evidence"], serde_json::json!([]), "the route asks for no portfolio");
    s.json(&with(
        vec!["panel", "attendance", "--panel", panel_id, "--present", "W120,W121", "--json"],
        &chair("attendance", "2025-07-10T14:00:00Z"),
    ));
    std::fs::write(s.0.join("outcome.json"), outcome).expect("write");
    let decided_panel = s.json(&with(
        vec!["panel", "outcome", "--panel", panel_id, "--application", id, "--input", "outcome.json", "--json"],
        &chair("meets the senior social worker role description", "2025-07-10T15:00:00Z"),
    ));
    let recorded: serde_json::Value = serde_json::from_str(outcome).expect("outcome JSON");
    assert_eq!(decided_panel["panel"]["hearings"][0]["outcome"]["outcome"]["outcome"], recorded["outcome"]);
    let decided = s.json(&["application", "decide", "--authority", "west-sussex", id, "--panel", panel_id, "--json"]);
    assert_eq!(decided["application"]["status"], "decided");
    id.to_owned()
}

#[test]
fn a_script_takes_a_west_sussex_worker_from_grade_10_to_11_through_the_panel() {
    let s = west_sussex();
    let id = through_the_july_panel(&s, r#"{"outcome": "approved"}"#);
    let id = id.as_str();
    let pm = |why, at| who("W110", "practice-manager", why, at);

    // The pay change before sign-off, as JSON and as text.
    let preview = s.json(&[
        "application",
        "preview-pay",
        "--authority",
        "west-sussex",
        id,
        "--effective",
        "2025-09-01",
        "--json",
    ]);
    assert_eq!(preview["old"]["basic_pence"], 3_570_400);
    assert_eq!(preview["new"]["basic_pence"], 3_661_000);
    assert_eq!(preview["new"]["grade_name"], "Grade 11");
    let o = s.run(&["application", "preview-pay", "--authority", "west-sussex", id, "--effective", "2025-09-01"]);
    let text = stdout(&o);
    assert!(text.contains("Now: Grade 10, point 39 (SCP 39): £35,704 a year"), "{text}");
    assert!(text.contains("New: Grade 11, point 39 (SCP 39): £36,610 a year"), "{text}");
    assert!(text.contains("Change: £906 a year"), "{text}");
    assert!(text.contains("(Social Worker (Grade 10) → Senior Social Worker)"), "levels by name: {text}");

    s.json(&with(
        vec!["application", "sign-off", id, "--effective", "2025-09-01", "--json"],
        &pm("panel approved", "2025-07-11T09:00:00Z"),
    ));
    let done = s.json(&with(
        vec!["application", "make-effective", id, "--json"],
        &pm("post change form processed", "2025-09-01T09:00:00Z"),
    ));
    assert_eq!(done["application"]["application"]["status"], "effective");
    assert_eq!(done["timeline_entry"]["level"], "senior-social-worker");
    assert_eq!(done["timeline_entry"]["grade"], "grade-11");
    assert_eq!(done["timeline_entry"]["point"], "39");
    let listed = stdout(&s.run(&["application", "list", "--authority", "west-sussex"]));
    assert!(listed.contains("Agreed panel process"), "the route by name: {listed}");

    // Who did what, when and why.
    let o = s.run(&["application", "history", "--authority", "west-sussex", id]);
    let history = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(history.contains("Alex Morgan (worker): opened an application for route"), "{history}");
    assert!(
        history.contains("Jo Marsh (progression-panel): decided: approved by the progression-panel of 2025-07-10"),
        "{history}"
    );
    assert!(history.contains("— \"post change form processed\""), "{history}");
    let events = s.json(&["application", "history", "--authority", "west-sussex", id, "--json"]);
    assert!(events.as_array().expect("array").iter().all(|e| !e["why"].as_str().unwrap_or_default().is_empty()));
}

#[test]
fn a_panel_member_a_manager_of_another_team_and_the_worker_are_refused_beyond_their_posts_by_rule() {
    let s = west_sussex();
    let id = through_the_july_panel(&s, r#"{"outcome": "approved"}"#);
    let id = id.as_str();
    let show = || s.json(&["application", "show", "--authority", "west-sussex", id, "--json"]);
    let before = show();
    let refused = |args: Vec<&str>, rule: &str| {
        let o = s.run(&args);
        assert!(!o.status.success(), "{args:?} was refused");
        let err = stderr(&o);
        assert!(err.starts_with("error[not_permitted]: "), "{err}");
        assert!(err.contains(&format!("rule: {rule}")), "names the rule {rule}: {err}");
    };
    let sign_off = |number, role| {
        with(
            vec!["application", "sign-off", id, "--effective", "2025-09-01"],
            &who(number, role, "sign", "2025-07-11T09:00:00Z"),
        )
    };
    // Ravi Nair sat on the July panel: the seat is no role of his own.
    refused(
        with(
            vec!["application", "decide", id, "--outcome", "approved"],
            &who("W121", "progression-panel", "the panel agreed", "2025-07-10T16:00:00Z"),
        ),
        "panel-seat",
    );
    // Pat Quinn manages the Worthing team, not Alex's.
    refused(sign_off("W140", "practice-manager"), "signer-not-in-line");
    // Alex signs off nothing of his own, nor claims a manager's post.
    refused(sign_off("W100", "worker"), "own-application");
    refused(sign_off("W100", "group-manager"), "posts-held");
    // Jo Marsh chaired the panel that decided it, so she does not sign it off.
    refused(sign_off("W120", "group-manager"), "signer-is-decider");
    assert_eq!(show(), before, "nothing changed");
    // Alex's own practice manager signs off.
    let signed = s.json(&with(sign_off("W110", "practice-manager"), &["--json"]));
    assert_eq!(signed["application"]["status"], "signed-off", "{signed}");
}

#[test]
fn a_refused_command_says_why_exits_non_zero_and_changes_nothing() {
    let s = west_sussex();
    let open_args = with(
        vec!["application", "open"],
        &[
            who("W100", "worker", "applying", "2025-06-01T09:00:00Z"),
            vec!["--worker", "W100", "--route", "social-worker-grade-10-to-senior-social-worker", "--json"],
        ]
        .concat(),
    );
    let id = s.json(&open_args)["id"].as_i64().expect("id").to_string();
    let id = id.as_str();
    let show = || s.json(&["application", "show", "--authority", "west-sussex", id, "--json"]);
    let before = show();

    // Deciding a draft is an invalid transition.
    let o = s.run(&with(
        vec!["application", "decide", id, "--outcome", "approved"],
        &who("W110", "practice-manager", "approve", "2025-06-02T09:00:00Z"),
    ));
    assert!(!o.status.success());
    assert!(
        stderr(&o).starts_with("error[invalid_transition]: cannot decide an application that is a draft"),
        "{}",
        stderr(&o)
    );
    assert_eq!(show(), before, "nothing changed");

    // Claiming a role one does not hold is refused.
    let o = s.run(&with(vec!["application", "submit", id], &who("W100", "group-manager", "x", "2025-06-02T09:00:00Z")));
    assert!(stderr(&o).starts_with("error[not_permitted]: Alex Morgan"), "{}", stderr(&o));
    // A JSON request that is not what the command takes says where.
    let o = run_with_stdin(
        &s,
        &with(
            vec!["application", "record-step", id, "--step", "panel", "--input", "-"],
            &who("W110", "practice-manager", "x", "2025-06-02T09:00:00Z"),
        ),
        "{\"outcome\": \"splendid\"}",
    );
    assert!(stderr(&o).starts_with("error[bad_input]: stdin:1:"), "{}", stderr(&o));
    // An application of another authority, or none, is not found.
    let o = s.run(&["application", "show", "--authority", "west-sussex", "999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error[not_found]: application 999 was not found in authority west-sussex"),
        "{}",
        stderr(&o)
    );
    // A second open application for the same route is refused.
    let o = s.run(&open_args);
    assert!(stderr(&o).contains(&format!("already has application {id}")), "{}", stderr(&o));
    assert_eq!(show(), before);
}

#[test]
fn a_portfolio_is_built_checked_and_set_against_a_route_from_the_command_line() {
    let s = Scratch::new("portfolio");
    seed(
        &s,
        "bexley",
        &[(UnitKind::Service, "Children's Social Care", None), (UnitKind::Team, "Assessment Team One", Some(0))],
        &[
            ("B100", "Amara Okafor", 1, Some(("level-2", Some("level-2"), Some("top"))), None),
            ("B200", "Tom Reeves", 1, None, Some("team-manager")),
        ],
    );
    let me = |why| {
        vec!["--authority", "bexley", "--as", "B100", "--role", "worker", "--why", why, "--at", "2025-04-02T10:00:00Z"]
    };
    std::fs::write(s.0.join("summary.pdf"), b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n").expect("pdf");
    std::fs::write(s.0.join("fake.pdf"), b"MZ\x90\x00 not a pdf at all").expect("exe");
    let add = |extra: &[&'static str]| -> Vec<&'static str> {
        with(
            vec!["portfolio", "add"],
            &[
                me("portfolio"),
                vec![
                    "--worker",
                    "B100",
                    "--kind",
                    "reflective-summary",
                    "--date",
                    "2025-03-01",
                    "--title",
                    "Reflective summary: direct work",
                    "--text",
                    "after the strategy meeting on 12 February 2025 i planned direct work.",
                    "--pcf",
                    "pcf.6,pcf.7",
                    "--kss",
                    "cfp.3",
                ],
                extra.to_vec(),
            ]
            .concat(),
        )
    };
    // A practice observation "by the team manager" is recorded by the team manager, not by
    // the worker under his name; he records it himself, and the list says who made it.
    let observation = |who: Vec<&'static str>| -> Vec<&'static str> {
        with(
            vec!["portfolio", "add"],
            &[
                who,
                vec![
                    "--worker",
                    "B100",
                    "--kind",
                    "practice-observation",
                    "--date",
                    "2025-03-05",
                    "--title",
                    "Practice observation: home visit",
                    "--text",
                    "the worker explained the plan clearly.",
                    "--by-role",
                    "team-manager",
                    "--by-name",
                    "Tom Reeves",
                ],
            ]
            .concat(),
        )
    };
    let o = s.run(&observation(me("my observation")));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("evidence made by another person is recorded by that person"), "{}", stderr(&o));
    let tm = vec![
        "--authority",
        "bexley",
        "--as",
        "B200",
        "--role",
        "team-manager",
        "--why",
        "observed",
        "--at",
        "2025-04-02T10:00:00Z",
    ];
    let o = s.run(&observation(tm));
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = stdout(&s.run(&["portfolio", "list", "--authority", "bexley", "--worker", "B100"]));
    assert!(listed.contains("by Tom Reeves (team-manager)"), "{listed}");

    // A program is refused as one, whatever its name.
    let o = s.run(&add(&["--file", "fake.pdf"]));
    assert!(stderr(&o).starts_with("error[file_is_a_program]: fake.pdf:"), "{}", stderr(&o));
    let item = s.json(&add(&["--file", "summary.pdf", "--json"]));
    let id = item["id"].as_i64().expect("id").to_string();
    assert_eq!(item["item"]["id"], item["id"], "the id at the top, as every command that creates something");
    let sha = item["item"]["files"][0]["sha256"].as_str().expect("sha").to_owned();
    assert!(s.0.join("pathway-data/evidence").join(&sha[..2]).join(&sha[2..]).is_file(), "kept by its digest");

    let o = s.run(&with(vec!["portfolio", "check", &id], &me("checking")));
    let text = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(text.contains("identifying detail"), "{text}");
    let line = text.lines().find(|l| l.contains("`12 February 2025`")).expect("the date is flagged");
    assert!(line.trim_start().starts_with("1. 3:"), "numbered, with line:col: {line}");
    // A flag named with text that is not what it flags now is refused, naming the rule.
    let o = s.run(&with(
        vec!["portfolio", "clear", &id, "--flag", "1=Jayden", "--reason", "a meeting date, not identifying"],
        &me("clearing"),
    ));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("a clearance names the exact text it clears"), "{}", stderr(&o));
    let cleared = s.json(&with(
        vec![
            "portfolio",
            "clear",
            &id,
            "--flag",
            "1=12 February 2025",
            "--reason",
            "a meeting date, not identifying",
            "--json",
        ],
        &me("clearing"),
    ));
    assert_eq!(cleared["status"]["status"], "cleared", "{cleared}");

    let o = s.run(&[
        "portfolio",
        "coverage",
        "--authority",
        "bexley",
        "--worker",
        "B100",
        "--route",
        "level-2-to-level-3",
        "--on",
        "2025-04-02",
    ]);
    let text = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(text.contains("reflective-summaries"), "{text}");
    assert!(text.contains("Verdict: not ready. Missing:"), "{text}");
    assert!(text.contains("  - needs 1 more reflective summary"), "{text}");
    let json = s.json(&[
        "portfolio",
        "coverage",
        "--authority",
        "bexley",
        "--worker",
        "B100",
        "--route",
        "level-2-to-level-3",
        "--on",
        "2025-04-02",
        "--json",
    ]);
    assert_eq!(json["verdict"]["ready"], false);
    assert_eq!(json["rules"][1]["counted"].as_array().map(Vec::len), Some(1));
    let listed = stdout(&s.run(&["portfolio", "list", "--authority", "bexley", "--worker", "B100"]));
    assert!(listed.contains("cleared by the author on 2025-04-02; 1 file(s)"), "{listed}");

    // Rewording an item runs the check again: the date's clearance is void (and listed),
    // and with nothing left flagged the item is clear.
    let o = s.run(&with(
        vec!["portfolio", "edit", &id, "--text", "after a strategy meeting i planned direct work."],
        &me("removed the date"),
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "Clearance voided: `12 February 2025` (a date) at line 3, column 31 — the edit changed the words it cleared"
        ),
        "{text}"
    );
    assert!(text.contains("saved (version 4)"), "{text}");
    let listed = s.json(&["portfolio", "list", "--authority", "bexley", "--worker", "B100", "--json"]);
    let edited = listed
        .as_array()
        .and_then(|l| l.iter().find(|i| i["id"].as_u64().is_some_and(|n| n.to_string() == id)))
        .expect("listed");
    assert_eq!(edited["item"]["anonymisation"]["status"], "cleared", "{edited}");
    assert_eq!(edited["clearances"][0]["voided"]["why"], "the edit changed the words it cleared");
}

#[test]
fn a_medway_asye_is_run_from_the_command_line_and_its_pass_opens_the_transfer_to_social_worker() {
    let s = Scratch::new("asye");
    seed(
        &s,
        "medway",
        &[(UnitKind::Service, "Children's Services", None), (UnitKind::Team, "Assessment Team", Some(0))],
        &[
            ("M100", "Mo Khan", 1, Some(("nqsw", None, None)), None),
            ("M200", "Pat Osei", 0, None, Some("practice-development-lead")),
            ("M210", "Sue Hart", 1, None, Some("team-manager")),
        ],
    );
    let who = |number: &'static str, role: &'static str, why: &'static str, at: &'static str| {
        vec!["--authority", "medway", "--as", number, "--role", role, "--why", why, "--at", at]
    };
    let lead = |why, at| who("M200", "practice-development-lead", why, at);
    let tm = |why, at| who("M210", "team-manager", why, at);

    // Medway takes October and April cohorts only: a January start is refused, and says so.
    let o = s.run(&with(
        vec!["asye", "start", "--worker", "M100", "--starts-on", "2025-01-06"],
        &lead("new starter", "2024-12-01T10:00:00Z"),
    ));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("October and April"), "{}", stderr(&o));

    let started = s.json(&with(
        vec!["asye", "start", "--worker", "M100", "--starts-on", "2024-10-01", "--nine-month-review", "--json"],
        &lead("October cohort", "2024-10-01T10:00:00Z"),
    ));
    let id = started["id"].as_i64().expect("id").to_string();
    let id = id.as_str();
    let months: Vec<i64> = started["programme"]["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .filter_map(|r| r["months"].as_i64())
        .collect();
    assert_eq!(months, [3, 6, 9, 12], "reviews at 3, 6, the optional 9, and the final one at 12 months");

    s.json(&with(
        vec!["asye", "caseload", "--programme", id, "--on", "2024-10-14", "--cases", "6", "--json"],
        &tm("supervision", "2024-10-14T10:00:00Z"),
    ));
    s.json(&with(
        vec!["asye", "development-time", "--programme", id, "--on", "2024-11-05", "--minutes", "180"],
        &[
            vec!["--activity", "Cohort workshop: direct work with children", "--json"],
            tm("workshop", "2024-11-05T10:00:00Z"),
        ]
        .concat(),
    ));
    for (months, held_on, at) in [
        ("3", "2025-01-06", "2025-01-06T10:00:00Z"),
        ("6", "2025-04-01", "2025-04-01T10:00:00Z"),
        ("9", "2025-07-01", "2025-07-01T10:00:00Z"),
        ("12", "2025-10-01", "2025-10-01T10:00:00Z"),
    ] {
        s.json(&with(
            vec![
                "asye",
                "review",
                "--programme",
                id,
                "--months",
                months,
                "--progress",
                "on-track",
                "--held-on",
                held_on,
            ],
            &[vec!["--summary", "Meeting the PCF at ASYE level", "--json"], tm("review", at)].concat(),
        ));
    }
    // The worker cannot recommend themselves: refused, nothing changes.
    let show = || s.json(&["asye", "show", "--authority", "medway", id, "--json"]);
    let before = show();
    let o = s.run(&with(
        vec!["asye", "recommend", "--programme", id, "--result", "pass", "--rationale", "ready"],
        &who("M100", "worker", "me", "2025-10-02T09:00:00Z"),
    ));
    assert!(stderr(&o).starts_with("error[not_permitted]"), "{}", stderr(&o));
    assert_eq!(show(), before, "nothing changed");

    s.json(&with(
        vec!["asye", "recommend", "--programme", id, "--result", "pass", "--json"],
        &[vec!["--rationale", "Capable at ASYE level across the PCF."], tm("final assessment", "2025-10-02T10:00:00Z")]
            .concat(),
    ));
    let moderated = s.json(&with(
        vec!["asye", "moderate", "--programme", id, "--result", "pass", "--json"],
        &lead("moderation agreed", "2025-10-08T10:00:00Z"),
    ));
    assert_eq!(moderated["programme"]["programme"]["status"], "passed");
    let opened = &moderated["opened"];
    assert_eq!(opened["application"]["route"]["id"], "nqsw-to-social-worker", "{opened}");

    let text = stdout(&s.run(&["asye", "show", "--authority", "medway", id]));
    for line in [
        "Mo Khan — 2024-10 cohort, 2024-10-01 to 2025-10-01 (12 months); passed",
        "12 months (final review, due 2025-10-01): held 2025-10-01 by Sue Hart: on track",
        "Caseload: 6 cases on 2024-10-14 (protected)",
        "Development time: 3h 00m over 1 sessions",
        "Moderation: pass by Pat Osei",
        "Pat Osei (practice-development-lead): moderation: pass — moderation agreed",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }

    // The transfer is automatic: `run-due` alone moves Mo on the day of the pass, not before,
    // and a second run changes nothing.
    let app = opened["id"].as_i64().expect("application id").to_string();
    let run_due = |on: &str| stdout(&s.run(&["run-due", "--authority", "medway", "--on", on]));
    let early = run_due("2025-10-07");
    assert!(early.contains(&format!("Application {app} (Mo Khan, ")), "{early}");
    assert!(early.contains("scheduled; takes effect on 2025-10-08"), "{early}");
    let due = run_due("2025-10-08");
    assert!(due.contains("effective from 2025-10-08: now Social worker"), "{due}");
    assert_eq!(run_due("2025-10-09").trim(), "Nothing due on 2025-10-09.");
    let again = s.json(&["run-due", "--authority", "medway", "--on", "2025-10-10", "--json"]);
    assert_eq!(again["moves"], serde_json::json!([]), "a second run changes nothing: {again}");
    assert_eq!(again["retention"]["leavers_erased"], serde_json::json!([]), "{again}");
    let shown = s.json(&["application", "show", "--authority", "medway", &app, "--json"]);
    assert_eq!(shown["application"]["status"], "effective", "{shown}");
    let history = shown["application"]["history"].as_array().expect("history");
    assert!(
        history.iter().any(|e| e["why"] == "automatic, because the ASYE was passed at moderation on 2025-10-08"),
        "{shown}"
    );
}

#[test]
fn a_worker_not_yet_approved_appeals_and_someone_else_decides_the_appeal() {
    let s = west_sussex();
    let not_yet = r#"{"outcome": "not-yet-approved", "feedback": "Show more on supervision of others.",
        "resubmit_from": "2026-01-05"}"#;
    let id = through_the_july_panel(&s, not_yet);
    let id = id.as_str();
    let show = || s.json(&["application", "show", "--authority", "west-sussex", id, "--json"]);

    // Reopening before the resubmission date is refused and says when.
    let o = s.run(&with(vec!["application", "reopen", id], &who("W100", "worker", "again", "2025-08-01T09:00:00Z")));
    assert!(stderr(&o).contains("from 2026-01-05"), "{}", stderr(&o));
    // Only the worker appeals.
    let o = s.run(&with(
        vec!["application", "appeal", id, "--grounds", "x"],
        &who("W110", "practice-manager", "appeal", "2025-07-20T09:00:00Z"),
    ));
    assert!(stderr(&o).starts_with("error[not_permitted]"), "{}", stderr(&o));

    let appealed = s.json(&with(
        vec!["application", "appeal", id, "--grounds", "The panel did not read my second case study.", "--json"],
        &who("W100", "worker", "appeal", "2025-07-20T09:00:00Z"),
    ));
    assert_eq!(appealed["application"]["status"], "under-appeal");
    let before = show();
    // The chair who decided cannot decide the appeal; nothing changes when refused.
    let o = s.run(&with(
        vec!["application", "decide-appeal", id, "--outcome", "approved"],
        &who("W120", "group-manager", "appeal", "2025-08-01T09:00:00Z"),
    ));
    assert!(stderr(&o).starts_with("error[not_permitted]: Jo Marsh made the decision under appeal"), "{}", stderr(&o));
    assert_eq!(show(), before);

    let upheld = s.json(&with(
        vec!["application", "decide-appeal", id, "--outcome", "approved", "--json"],
        &who("W121", "practice-manager", "the second case study shows it", "2025-08-01T09:00:00Z"),
    ));
    assert_eq!(upheld["application"]["status"], "decided");
    assert_eq!(upheld["application"]["decision"]["on_appeal"], true);
    let history = stdout(&s.run(&["application", "history", "--authority", "west-sussex", id]));
    assert!(history.contains("Ravi Nair (practice-manager)"), "{history}");
}

#[test]
fn a_rejected_worker_who_applied_again_must_withdraw_the_new_application_before_appealing_the_old() {
    let s = west_sussex();
    let rejected = r#"{"outcome": "rejected", "feedback": "Not yet working at senior level."}"#;
    let old = through_the_july_panel(&s, rejected);
    let old = old.as_str();
    // Rejected is over: a new application for the same route may be opened.
    let new = s.json(&with(
        vec!["application", "open"],
        &[
            who("W100", "worker", "trying again", "2025-08-01T09:00:00Z"),
            vec!["--worker", "W100", "--route", "social-worker-grade-10-to-senior-social-worker", "--json"],
        ]
        .concat(),
    ));
    let new = new["id"].as_i64().expect("id").to_string();
    let appeal = |at| {
        s.run(&with(
            vec!["application", "appeal", old, "--grounds", "The panel missed my case study."],
            &who("W100", "worker", "appeal", at),
        ))
    };
    let o = appeal("2025-08-02T09:00:00Z");
    assert!(
        stderr(&o).contains(&format!("already has application {new}")) && stderr(&o).contains("withdraw that one"),
        "{}",
        stderr(&o)
    );
    s.json(&with(
        vec!["application", "withdraw", &new, "--json"],
        &who("W100", "worker", "appealing instead", "2025-08-02T10:00:00Z"),
    ));
    let o = appeal("2025-08-02T11:00:00Z");
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = s.json(&["application", "show", "--authority", "west-sussex", old, "--json"]);
    assert_eq!(shown["application"]["status"], "under-appeal");
}

/// `--at` is no longer "when": the clock says when. A decision dated 1999 or tomorrow is
/// refused by rule; `--at` needs a reason; a submission entered five days late within the
/// window is kept with both times and shown as late; a fixed clock is said out loud.
#[test]
fn time_comes_from_the_clock_and_entering_late_is_bounded_and_recorded() {
    let s = west_sussex();
    let open = with(
        vec!["application", "open"],
        &[
            who("W100", "worker", "applying", "2025-06-01T09:00:00Z"),
            vec!["--worker", "W100", "--route", "social-worker-grade-10-to-senior-social-worker", "--json"],
        ]
        .concat(),
    );
    let id = s.json(&open)["id"].as_i64().expect("id").to_string();
    let id = id.as_str();
    let history = || stdout(&s.run(&["application", "history", "--authority", "west-sussex", id]));
    let before = history();
    let decide = |at: &str| {
        s.run(&[
            "application",
            "decide",
            id,
            "--authority",
            "west-sussex",
            "--outcome",
            "approved",
            "--as",
            "W120",
            "--role",
            "group-manager",
            "--why",
            "approved on paper",
            "--at",
            at,
            "--backdate-reason",
            "paper decision",
        ])
    };
    let o = decide("1999-03-01T09:00:00Z");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("rule: backdating-window"), "{}", stderr(&o));
    let o = decide("2099-03-01T09:00:00Z");
    assert!(stderr(&o).contains("rule: no-future-dates"), "{}", stderr(&o));
    assert_eq!(history(), before, "nothing refused was recorded");

    // `--at` alone is refused before anything runs.
    let o = s.run_as_typed(&[
        "application",
        "submit",
        id,
        "--authority",
        "west-sussex",
        "--as",
        "W100",
        "--role",
        "worker",
        "--why",
        "x",
        "--at",
        "2025-06-02",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--backdate-reason"), "{}", stderr(&o));

    // Submitted on paper on 5 June, entered on 10 June: within the window, kept as late.
    let submit = [
        "application",
        "submit",
        id,
        "--authority",
        "west-sussex",
        "--as",
        "W100",
        "--role",
        "worker",
        "--why",
        "ready",
        "--at",
        "2025-06-05T09:00:00Z",
        "--backdate-reason",
        "handed in on paper while the system was down",
    ];
    let o = s.command(&submit).env("PATHWAY_CLOCK", "2025-06-10T09:00:00Z").output().expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    let raw = String::from_utf8_lossy(&o.stderr);
    assert!(raw.contains("warning: the clock is fixed at 2025-06-10T09:00:00+00:00"), "{raw}");
    let text = history();
    assert!(
        text.contains(
            "2025-06-05 09:00  Alex Morgan (worker): submitted the application (draft → submitted) — \"ready\" [entered late on \
             2025-06-10 09:00: handed in on paper while the system was down]"
        ),
        "{text}"
    );

    // The authority closes the window; `authority show` says so.
    let o = s.run(&["authority", "set", "west-sussex", "--backdating-days", "0"]);
    assert!(stdout(&o).contains("allows no action to be entered late"), "{}", stderr(&o));
    let o = s.run(&["authority", "set", "west-sussex", "--backdating-days", "400"]);
    assert!(stderr(&o).contains("more than the longest window"), "{}", stderr(&o));
    let shown = stdout(&s.run(&["authority", "show", "west-sussex"]));
    assert!(shown.contains("Actions may be entered up to 0 days late"), "{shown}");
}

/// Eligibility binds from the command line: a Rotherham Band H worker with no qualification
/// date or PDR on record is refused at open; her team manager cannot record an exception,
/// her head of service can (`application exception`), after which the same open goes ahead
/// and `application show`, `application exceptions` and `eligibility --worker` all show it.
#[test]
fn an_exception_recorded_by_a_head_of_service_lets_an_unmet_application_open_and_shows_everywhere() {
    let s = Scratch::new("exception");
    seed(
        &s,
        "rotherham",
        &[
            (UnitKind::Service, "Children and Young People's Services", None),
            (UnitKind::Locality, "South Locality", Some(0)),
            (UnitKind::Team, "Children in Need", Some(1)),
        ],
        &[
            ("R200", "Mia Ellis", 2, Some(("level-2", Some("band-h"), Some("32"))), None),
            ("R201", "Dana Reid", 2, None, Some("team-manager")),
            ("R203", "Xavier Hale", 0, None, Some("head-of-service")),
        ],
    );
    let as_ = |number: &'static str, role: &'static str, why: &'static str, at: &'static str| {
        vec!["--authority", "rotherham", "--as", number, "--role", role, "--why", why, "--at", at]
    };
    let open = with(
        vec!["application", "open", "--worker", "R200", "--route", "level-2-to-level-3"],
        &as_("R200", "worker", "applying for Band I", "2025-09-01T09:00:00Z"),
    );
    let o = s.run(&open);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.starts_with("error[not_eligible]: Mia Ellis cannot open an application"), "{err}");
    assert!(err.contains("Post-Qualifying Period 2 years"), "{err}");
    assert!(err.contains("(rule: eligibility-binds)"), "{err}");

    let exception = |who: Vec<&'static str>| {
        with(vec!["application", "exception", "--worker", "R200", "--route", "level-2-to-level-3"], &who)
    };
    let why = "Experienced family support worker; qualification date being confirmed";
    let o = s.run(&exception(as_("R201", "team-manager", why, "2025-09-02T10:00:00Z")));
    assert!(!o.status.success());
    assert!(stderr(&o).starts_with("error[not_permitted]: Dana Reid is acting as team-manager"), "{}", stderr(&o));
    assert!(stderr(&o).contains("(rule: eligibility-exception)"), "{}", stderr(&o));
    let o = s.run(&with(
        exception(as_("R203", "head-of-service", why, "2025-09-02T10:00:00Z")),
        &["--criterion", "registration"],
    ));
    assert!(stderr(&o).contains("cannot waive registration"), "{}", stderr(&o));

    let recorded = s.run(&exception(as_("R203", "head-of-service", why, "2025-09-02T10:00:00Z")));
    assert!(recorded.status.success(), "{}", stderr(&recorded));
    let text = stdout(&recorded);
    assert!(text.starts_with("Exception 1: Mia Ellis — \"Competence based progression"), "{text}");
    assert!(text.contains(&format!("Recorded by Xavier Hale (head-of-service) on 2025-09-02: {why}")), "{text}");
    assert!(text.contains("Waives every unmet essential criterion"), "{text}");

    // An exception counts from the day it is recorded: the open of 1 September stays refused.
    let o = s.run(&open);
    assert!(stderr(&o).contains("(rule: eligibility-binds)"), "{}", stderr(&o));
    let open = with(
        vec!["application", "open", "--worker", "R200", "--route", "level-2-to-level-3", "--json"],
        &as_("R200", "worker", "applying for Band I", "2025-09-03T09:00:00Z"),
    );
    let id = s.json(&open)["id"].as_i64().expect("opened").to_string();
    let show = s.run(&["application", "show", "--authority", "rotherham", &id]);
    assert!(
        stdout(&show).contains(&format!(
            "Opened under exception 1, recorded by Xavier Hale (head-of-service) on 2025-09-02: {why}"
        )),
        "{}",
        stdout(&show)
    );
    let listed = s.json(&["application", "exceptions", "--authority", "rotherham", "--worker", "R200", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["exception"]["recorded"]["by"]["name"], "Xavier Hale", "{listed}");
    let eligibility = s.run(&["eligibility", "--authority", "rotherham", "--worker", "R200", "--on", "2025-09-03"]);
    assert!(
        stdout(&eligibility).contains("Exception: exception 1, recorded by Xavier Hale"),
        "{}",
        stdout(&eligibility)
    );
}
