//! `pathway record ...`: a line manager's endorsement and the rest, recorded and listed from
//! the command line; a refused one says why, exits non-zero and stores nothing.

use crate::progression::{run_with_stdin, west_sussex};
use crate::{stderr, stdout};

#[test]
fn a_west_sussex_practice_manager_endorses_alex_who_cannot_endorse_himself() {
    let s = west_sussex();
    let run = |args: &[&str]| run_with_stdin(&s, args, "");
    let base = ["--authority", "west-sussex", "--worker", "W100"];
    let with = |tail: &[&'static str]| -> Vec<&str> { base.iter().copied().chain(tail.iter().copied()).collect() };

    // Alex cannot endorse himself; Nina Holt, his team's practice manager, can.
    let own = run(&[&["record", "endorsement"][..], &with(&["--by", "W100", "--on", "2026-03-02"])].concat());
    assert!(!own.status.success());
    assert!(stderr(&own).contains("error[not_permitted]"), "{}", stderr(&own));
    assert!(stderr(&own).contains("cannot record their own endorsement"), "{}", stderr(&own));

    let ok = run(&[
        &["record", "endorsement"][..],
        &with(&["--by", "W110", "--on", "2026-03-02", "--note", "Ready for grade 11"]),
    ]
    .concat());
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("endorsement of Alex Morgan (W100) by Nina Holt (W110)"), "{}", stdout(&ok));

    let assessed = run(&[
        &["record", "assessment"][..],
        &with(&["--by", "W110", "--on", "2026-03-09", "--standard", "pcf.experienced-social-worker", "--json"]),
    ]
    .concat());
    assert!(assessed.status.success(), "{}", stderr(&assessed));
    let json: serde_json::Value = serde_json::from_slice(&assessed.stdout).expect("JSON");
    assert_eq!(json["kind"], "assessment");
    assert_eq!(json["what"], "pcf.experienced-social-worker");

    let bad = run(&[&["record", "assessment"][..], &with(&["--by", "W110", "--standard", "pcf.experienced"])].concat());
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("`pcf.experienced` is not a standard set"), "{}", stderr(&bad));

    let listed = run(&["record", "list", "--authority", "west-sussex", "--worker", "W100"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed = stdout(&listed);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("2026-03-02 endorsement") && lines[0].ends_with("— Ready for grade 11"), "{lines:?}");
    assert!(lines[1].contains("2026-03-09 assessment") && lines[1].contains(": pcf.experienced-social-worker"));
}

#[test]
fn an_award_is_recorded_with_its_level_and_credits_and_a_level_beyond_doctoral_is_refused() {
    let s = west_sussex();
    let run = |args: &[&str]| run_with_stdin(&s, args, "");
    let award = [
        "record",
        "award",
        "--authority",
        "west-sussex",
        "--worker",
        "W100",
        "--kind",
        "postgraduate-certificate",
        "--title",
        "PG Cert in Practice Education",
        "--on",
        "2025-07-31",
        "--provider",
        "University of Sussex",
    ];
    let ok = run(&[&award[..], &["--level", "7", "--credits", "60"]].concat());
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains(
            "postgraduate-certificate PG Cert in Practice Education (University of Sussex, FHEQ level 7 (Master's), \
             60 credits) completed 2025-07-31 by Alex Morgan (W100)"
        ),
        "{}",
        stdout(&ok)
    );
    let json = run(&[&award[..], &["--level", "masters", "--json"]].concat());
    assert!(json.status.success(), "{}", stderr(&json));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!((value["academic_level"].as_u64(), value["credits"].is_null()), (Some(7), true));

    let bad = run(&[&award[..], &["--level", "9"]].concat());
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("error[invalid]: academic level"), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("FHEQ level from 3 to 8"), "{}", stderr(&bad));
}

#[test]
fn an_appraisal_is_recorded_by_a_manager_over_the_worker_on_the_day_and_by_nobody_else() {
    let s = west_sussex();
    let run = |args: &[&str]| run_with_stdin(&s, args, "");
    let appraisal = |by: &'static str, on: &'static str, outcome: &'static str| -> Vec<&'static str> {
        vec![
            "record",
            "appraisal",
            "--authority",
            "west-sussex",
            "--worker",
            "W100",
            "--on",
            on,
            "--outcome",
            outcome,
            "--by",
            by,
        ]
    };

    const READY: &str = "Ready to apply for progression";
    // Before anyone held a post over Alex, nobody could appraise him.
    let early = run(&appraisal("W110", "2019-01-07", READY));
    assert!(!early.status.success());
    assert!(stderr(&early).contains("is held by their line manager that day"), "{}", stderr(&early));

    // Alex cannot appraise himself.
    let own = run(&appraisal("W100", "2026-03-02", READY));
    assert!(!own.status.success());
    assert!(stderr(&own).contains("error[not_permitted]: Alex Morgan (W100) cannot record their own appraisal"));

    // An appraisal is recorded once it has been held, not ahead of the clock.
    let ahead = run(&appraisal("W110", "2099-03-02", READY));
    assert!(stderr(&ahead).contains("rule: no-future-dates"), "{}", stderr(&ahead));

    // Nina Holt holds the practice manager post over Alex's team.
    let ok = run(&[&appraisal("W110", "2026-03-02", READY)[..], &["--summary", "Ready for grade 11"]].concat());
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains(
            "2026-03-02 of Alex Morgan (W100) by Nina Holt (W110): ready-to-apply-for-progression — Ready for grade 11"
        ),
        "{}",
        stdout(&ok)
    );

    // An outcome the vocabulary does not know is refused, naming it.
    let bad = run(&appraisal("W110", "2026-03-03", "brilliant"));
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("`brilliant`"), "{}", stderr(&bad));

    let listed = run(&["record", "list", "--authority", "west-sussex", "--worker", "W100", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let appraisals = json["appraisals"].as_array().expect("appraisals");
    assert_eq!(appraisals.len(), 1, "the refused ones stored nothing: {json}");
    assert_eq!(appraisals[0]["outcome"], "ready-to-apply-for-progression");
    assert_eq!(appraisals[0]["by"], "W110");
    let text = stdout(&run(&["record", "list", "--authority", "west-sussex", "--worker", "W100"]));
    assert!(
        text.ends_with("2026-03-02 of Alex Morgan (W100) by Nina Holt (W110): ready-to-apply-for-progression — Ready for grade 11\n"),
        "{text}"
    );
}

#[test]
fn hr_records_registration_alex_records_cpd_and_the_reports_name_who_is_lapsing_and_due() {
    let s = west_sussex();
    let run = |args: &[&str]| run_with_stdin(&s, args, "");
    let register = |worker: &'static str, status: &'static str, due: &'static str| -> Vec<&'static str> {
        vec![
            "registration",
            "record",
            "--authority",
            "west-sussex",
            "--worker",
            worker,
            "--number",
            "SW100",
            "--status",
            status,
            "--from",
            "2019-12-02",
            "--renewal-due",
            due,
        ]
    };
    // Alex's renewal date went by in 2020 with nothing after it; Nina is registered to 2099.
    let alex = run(&register("W100", "registered", "2020-11-30"));
    assert!(alex.status.success(), "{}", stderr(&alex));
    assert!(stdout(&alex).contains("Alex Morgan (W100) SW100 registered from 2019-12-02"), "{}", stdout(&alex));
    assert!(run(&register("W110", "registered", "2099-11-30")).status.success());
    let bad = run(&[&register("W110", "registered-with-conditions", "2099-11-30")[..], &["--json"]].concat());
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("names the conditions of practice"), "{}", stderr(&bad));

    let lapsing = run(&["registration", "lapsing", "--authority", "west-sussex", "--within", "60d", "--json"]);
    assert!(lapsing.status.success(), "{}", stderr(&lapsing));
    let report: serde_json::Value = serde_json::from_slice(&lapsing.stdout).expect("JSON");
    let workers = report["workers"].as_array().expect("workers");
    let alex = workers.iter().find(|w| w["worker"] == "W100").expect("Alex is listed");
    assert_eq!((alex["status"].as_str(), alex["current"].as_bool()), (Some("lapsed"), Some(false)));
    assert!(workers.iter().all(|w| w["worker"] != "W110"), "Nina renews in 2099: {report}");
    let bad = run(&["registration", "lapsing", "--authority", "west-sussex", "--within", "2m"]);
    assert!(stderr(&bad).contains("60d, 8w or 60"), "{}", stderr(&bad));

    // Two pieces of CPD in the year to 30 November 2026, one reflected on with Nina.
    let cpd = |on: &'static str, title: &'static str, peer: &[&'static str]| -> Vec<&'static str> {
        let mut args = vec![
            "cpd",
            "add",
            "--authority",
            "west-sussex",
            "--worker",
            "W100",
            "--on",
            on,
            "--title",
            title,
            "--reflection",
            "I now plan direct work around the child's school day.",
        ];
        args.extend_from_slice(peer);
        args
    };
    let first = run(&cpd("2026-01-12", "Direct work with teenagers", &[]));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("(2025-26) Alex Morgan (W100): Direct work with teenagers — no peer"));
    let second = run(&cpd("2026-04-20", "Court skills", &["--peer", "W110"]));
    assert!(stdout(&second).contains("reflected with a peer: Nina Holt"), "{}", stdout(&second));
    let own = run(&cpd("2026-04-21", "Court skills", &["--peer", "W100"]));
    assert!(stderr(&own).contains("cannot be their own peer"), "{}", stderr(&own));
    let summary =
        run(&["cpd", "summary", "--authority", "west-sussex", "--worker", "W100", "--year", "2026", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).expect("JSON");
    assert_eq!(summary["summary"]["records"], 2);
    assert_eq!(summary["summary"]["peer_discussed"], 1);
    assert_eq!(summary["summary"]["minimum_met"], true);
    assert_eq!(summary["summary"]["window_opens"], "2026-09-01");

    // Nina appraised Alex in March 2024 with objectives; the next was due a year later.
    let held = run(&[
        "record",
        "appraisal",
        "--authority",
        "west-sussex",
        "--worker",
        "W100",
        "--on",
        "2024-04-02",
        "--outcome",
        "meeting-expectations",
        "--by",
        "W110",
        "--objectives",
        "Lead on two child protection plans",
    ]);
    assert!(held.status.success(), "{}", stderr(&held));
    let listed = stdout(&run(&["appraisal", "list", "--authority", "west-sussex", "--worker", "W100"]));
    assert!(listed.contains("objectives: Lead on two child protection plans"), "{listed}");
    let due = run(&["appraisal", "due", "--authority", "west-sussex", "--json"]);
    let due: serde_json::Value = serde_json::from_slice(&due.stdout).expect("JSON");
    let alex = due["workers"].as_array().expect("workers").iter().find(|w| w["worker"] == "W100").expect("Alex");
    assert_eq!((alex["due_on"].as_str(), alex["overdue"].as_bool()), (Some("2025-04-02"), Some(true)));
    assert!(alex["cycle"].as_str().unwrap_or_default().contains("Pathway's default"), "{alex}");
}
