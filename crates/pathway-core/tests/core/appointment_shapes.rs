//! Appointing from outside onto the pay shapes the seeds do not show (Eastmere, a fictional
//! council: tests/fixtures/pay-shapes.toml): a range grade, a grade known by name only, a
//! point that is not on the grade, a point the framework's rule does not give, and a level
//! the document closes to external applicants. Placement never invents a figure, and every
//! refusal names the rule.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pathway_core::Pence;
use pathway_core::framework::{Framework, load};
use pathway_core::ids::WorkerId;
use pathway_core::progression::appointment::{self, Applicant};
use pathway_core::progression::audit::{Actor, Audit};
use pathway_core::workforce::AsyeOutcome;

const EASTMERE: &str = include_str!("../fixtures/pay-shapes.toml");

fn eastmere(text: &str) -> Framework {
    let loaded = load(text);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("pay-shapes.toml")).collect();
    loaded.framework.unwrap_or_else(|| panic!("pay-shapes.toml:\n{}", rendered.join("\n")))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).single().unwrap()
}

fn recruiter() -> Audit {
    Audit::new(Actor::new(WorkerId::new(900), "Rae Recruiter", "team-manager"), at(2025, 6, 2), "the panel's choice")
}

fn qualified() -> Applicant {
    Applicant { qualified_on: Some(date(2020, 7, 1)), asye: Some(AsyeOutcome::Passed) }
}

#[test]
fn an_eastmere_social_worker_appointed_from_outside_starts_on_the_published_minimum() {
    let f = eastmere(EASTMERE);
    let made =
        appointment::appoint(&f, &"social-worker".into(), &qualified(), date(2025, 7, 1), None, &recruiter()).unwrap();
    let new = made.pay.new.as_ref().expect("placed on the grade");
    assert_eq!(new.point, "minimum");
    assert_eq!(new.basic_pence, Some(Pence::pounds(38_000)), "the bottom of the range is published");
    assert_eq!(made.record_change.point.as_ref().map(|p| p.as_str()), Some("minimum"));
}

#[test]
fn an_eastmere_advanced_practitioner_is_appointed_with_no_figure_invented() {
    let f = eastmere(EASTMERE);
    let made =
        appointment::appoint(&f, &"advanced-practitioner".into(), &qualified(), date(2025, 7, 1), None, &recruiter())
            .unwrap();
    assert!(made.pay.new.as_ref().is_none_or(|p| p.basic_pence.is_none()), "{:?}", made.pay.new);
    assert!(made.pay.placement.contains("by name only"), "{}", made.pay.placement);
    assert!(made.record_change.point.is_none(), "no placeholder point: {:?}", made.record_change.point);
}

#[test]
fn a_point_that_is_not_on_the_grade_or_inside_a_range_is_refused() {
    let f = eastmere(EASTMERE);
    let err = appointment::appoint(&f, &"nqsw".into(), &qualified(), date(2025, 7, 1), Some("9"), &recruiter())
        .expect_err("no point 9");
    assert!(err.to_string().contains('9'), "names the point: {err}");
    let err =
        appointment::appoint(&f, &"social-worker".into(), &qualified(), date(2025, 7, 1), Some("41000"), &recruiter())
            .expect_err("inside the range");
    assert!(err.to_string().contains("41000"), "names the point: {err}");
}

#[test]
fn eastmere_appoints_at_the_bottom_of_the_grade_so_a_higher_point_is_refused_naming_the_rule() {
    let f = eastmere(EASTMERE);
    let err = appointment::appoint(&f, &"nqsw".into(), &qualified(), date(2025, 7, 1), Some("3"), &recruiter())
        .expect_err("the rule gives point 1");
    let text = err.to_string();
    assert!(text.contains("bottom of the new grade") && text.contains("point 1"), "{text}");
    // Choosing the point the rule gives is fine.
    let made =
        appointment::appoint(&f, &"nqsw".into(), &qualified(), date(2025, 7, 1), Some("1"), &recruiter()).unwrap();
    assert_eq!(made.pay.new.as_ref().map(|p| p.point.as_str()), Some("1"));
}

#[test]
fn a_level_the_document_closes_to_external_applicants_is_refused_naming_it() {
    let text = EASTMERE.replace(
        "id = \"advanced-practitioner\"\nname = \"Advanced Practitioner\"\n",
        "id = \"advanced-practitioner\"\nname = \"Advanced Practitioner\"\nopen_to_external = false\n",
    );
    assert_ne!(text, EASTMERE);
    let f = eastmere(&text);
    let err =
        appointment::appoint(&f, &"advanced-practitioner".into(), &qualified(), date(2025, 7, 1), None, &recruiter())
            .expect_err("closed to external applicants");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("does not appoint external applicants to Advanced Practitioner"), "{err}");
}

#[test]
fn an_appointment_onto_a_point_flagged_as_an_anomaly_is_not_made_until_someone_confirms_it() {
    let text = EASTMERE.replace(
        "{ point = \"1\", salary = 33000 }",
        "{ point = \"1\", salary = 3300, anomaly = \"Printed as £3,300: a tenth of the next point; probably a misprint.\" }",
    );
    assert_ne!(text, EASTMERE);
    let f = eastmere(&text);
    let err = appointment::appoint(&f, &"nqsw".into(), &qualified(), date(2025, 7, 1), None, &recruiter())
        .expect_err("the bottom of the grade is flagged");
    assert_eq!(err.code(), "not_permitted");
    let text = err.to_string();
    assert!(text.contains("pay never falls") && text.contains("probably a misprint"), "{text}");
    assert!(text.contains("HR/workforce"), "says who resolves it: {text}");
}
