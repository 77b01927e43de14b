//! Medway's career progression scheme (seeds 000 and 004), pinned to what the pages say.

use chrono::NaiveDate;
use pathway_core::framework::{Framework, LevelId, PayPublication, RouteId, Trigger};
use pathway_core::pay::{self, PayError};

fn medway() -> Framework {
    match pathway_core::bundled::framework("medway") {
        Some(f) => f,
        None => panic!("medway.toml does not load"),
    }
}

fn level_ids(f: &Framework) -> Vec<&str> {
    f.levels.iter().map(|l| l.id.as_str()).collect()
}

#[test]
fn loads_without_errors_or_warnings() {
    let file = pathway_core::bundled::file("medway").expect("bundled");
    let loaded = pathway_core::framework::load(file.text);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render(file.file)).collect();
    assert!(rendered.is_empty(), "medway.toml diagnostics:\n{}", rendered.join("\n"));
}

#[test]
fn has_the_seven_levels_from_newly_qualified_to_head_of_service() {
    let f = medway();
    assert_eq!(
        level_ids(&f),
        [
            "nqsw",
            "social-worker",
            "experienced-social-worker",
            "senior-practitioner",
            "team-manager",
            "service-manager",
            "head-of-service",
        ]
    );
    assert!(f.levels.iter().all(|l| l.grades.is_empty()), "Medway publishes no grades");
}

#[test]
fn nqsw_cohorts_start_in_october_and_april() {
    let f = medway();
    let asye = f.asye.as_ref().expect("[asye]");
    assert_eq!(asye.intake_months, [10, 4]);
    assert_eq!(asye.on_pass, Some(RouteId::from("nqsw-to-social-worker")));
    let nqsw = f.find_level("NQSW").expect("NQSW level");
    assert!(nqsw.asye);
    assert!(nqsw.caseload.as_deref().is_some_and(|c| c.contains("reduced caseload")));
}

#[test]
fn nqsw_moves_to_social_worker_automatically_on_passing_the_asye() {
    let f = medway();
    let r = f.route(&RouteId::from("nqsw-to-social-worker")).expect("route");
    assert_eq!((r.from.as_str(), r.to.as_str()), ("nqsw", "social-worker"));
    assert_eq!(r.kind, "automatic-on-asye-pass");
    assert_eq!(r.trigger, Trigger::AsyePass);
    assert!(r.steps.is_empty() && r.evidence.is_empty());
}

#[test]
fn experienced_social_worker_is_reached_by_a_statement_of_learning() {
    let f = medway();
    let social_worker = LevelId::from("social-worker");
    let mut routes = f.routes_from(&social_worker);
    let r = routes.next().expect("a route out of social worker");
    assert!(routes.next().is_none());
    assert_eq!(r.to.as_str(), "experienced-social-worker");
    assert_eq!(r.kind, "statement-of-learning");
    let kinds: Vec<&str> = r.evidence.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["statement-of-learning"]);

    let esw = f.level(&LevelId::from("experienced-social-worker")).expect("level");
    assert_eq!(esw.pcf_level.as_deref(), Some("social-worker"));
    assert_eq!(esw.kss, ["cfp"]);
}

#[test]
fn senior_practitioner_is_reached_by_a_statement_of_application_and_a_case_study() {
    let f = medway();
    let r = f.route(&RouteId::from("experienced-social-worker-to-senior-practitioner")).expect("route");
    assert_eq!(r.kind, "statement-of-application-and-case-study");
    let evidence: Vec<(&str, u32)> = r.evidence.iter().map(|e| (e.kind.as_str(), e.min)).collect();
    assert_eq!(evidence, [("statement-of-application", 1), ("case-study", 1)]);

    let sp = f.level(&LevelId::from("senior-practitioner")).expect("level");
    assert_eq!(sp.pcf_level.as_deref(), Some("experienced-social-worker"));
    assert_eq!(sp.kss, ["cfp"]);
    assert_eq!(sp.development.len(), 4, "mentoring an NQSW, supervising an apprentice, students, specialism");
}

#[test]
fn team_manager_is_via_application_with_no_invented_steps() {
    let f = medway();
    let r = f.route(&RouteId::from("senior-practitioner-to-team-manager")).expect("route");
    assert_eq!(r.to.as_str(), "team-manager");
    assert_eq!(r.trigger, Trigger::Vacancy);
    assert!(r.steps.is_empty(), "the page says only \"via application\"");
}

#[test]
fn service_and_head_of_service_are_filled_by_appointment_only() {
    let f = medway();
    for id in ["service-manager", "head-of-service"] {
        let l = f.level(&LevelId::from(id)).expect("level");
        assert!(l.appointment_only, "{id}");
        assert!(f.routes.iter().all(|r| r.to != l.id), "no route into {id}");
    }
    assert!(f.external_applicants.is_none(), "the pages say nothing about external applicants");
}

#[test]
fn nobody_is_named_as_deciding_progression() {
    let f = medway();
    assert!(f.routes.iter().all(|r| r.decided_by.is_none() && r.signed_off_by.is_none()));
    assert!(f.routes.iter().all(|r| r.steps.iter().all(|s| s.assessors.is_empty())), "no step names an assessor");
    // The managers the pages name are roles only so that "your manager" has a chain to sit in.
    let roles: Vec<(&str, bool)> = f.roles.iter().map(|r| (r.id.as_str(), r.line_management)).collect();
    assert_eq!(roles, [("team-manager", true), ("service-manager", true), ("head-of-service", true)]);
}

#[test]
fn publishes_no_pay_so_a_salary_question_is_refused() {
    let f = medway();
    assert_eq!(f.pay.salaries, PayPublication::NotPublished);
    assert!(f.grades.is_empty());
    let on = NaiveDate::from_ymd_opt(2024, 6, 1).expect("date");
    match pay::salary(&f, "Social worker", "1", on) {
        Err(PayError::UnknownGrade { framework, known, .. }) => {
            assert_eq!(framework, "medway");
            assert_eq!(known, "", "there are no grades to offer");
        }
        other => panic!("expected UnknownGrade, got {other:?}"),
    }
}

#[test]
fn appraisal_is_annual_and_the_learning_offer_is_recorded() {
    let f = medway();
    let a = f.appraisal.as_ref().expect("[appraisal]");
    assert_eq!(a.name, "annual performance appraisal");
    assert_eq!(a.every_months, Some(12));
    assert!(!a.gates_progression);

    let names: Vec<&str> = f.learning_offers.iter().map(|o| o.name.as_str()).collect();
    for expected in ["The Complete Medway Manager", "Practice Development Team", "Signs of Safety", "Staff conferences"]
    {
        assert!(names.contains(&expected), "missing learning offer {expected}: {names:?}");
    }
    let conferences = f.learning_offers.iter().find(|o| o.name == "Staff conferences").expect("offer");
    assert!(conferences.description.as_deref().is_some_and(|d| d.contains("3 times a year")));
}
