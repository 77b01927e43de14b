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
    assert!(
        stderr(&early).contains("must be recorded by someone who held a post over them that day"),
        "{}",
        stderr(&early)
    );

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
