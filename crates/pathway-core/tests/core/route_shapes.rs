//! Route shapes the four seeds do not show, on a fixture scheme (Fenbridge is made up): a
//! career grade with progression points inside it, moves on the appraisal's recommendation,
//! a practice educator role open from any level, recruitment to a vacancy, and criteria
//! that need a manager's judgement — validated, evaluated and reported so nobody is lost.

use std::collections::HashSet;

use chrono::NaiveDate;
use pathway_core::bundled;
use pathway_core::diagnostic::Severity;
use pathway_core::eligibility::report::{ReportGroup, WorkerSummary, workforce_report};
use pathway_core::eligibility::{
    AwardFact, RouteEligibility, RouteStatus, WorkerFacts, eligible_for_at_least, evaluate,
};
use pathway_core::framework::{Framework, LevelId, RouteFrom, RouteId, Trigger, load};
use pathway_core::ids::WorkerId;
use pathway_core::workforce::{
    AppraisalOutcome, AsyeOutcome, AsyeStatus, AwardKind, EmploymentType, RegistrationStatus,
};

const FIXTURE: &str = include_str!("../fixtures/route-shapes.toml");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fenbridge() -> Framework {
    let loaded = load(FIXTURE);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("route-shapes.toml")).collect();
    assert!(loaded.diagnostics.is_empty(), "{}", rendered.join("\n"));
    loaded.framework.unwrap()
}

/// A qualified, registered worker who passed the ASYE, at `level` since `since`.
fn worker(level: &str, since: &str) -> WorkerFacts {
    WorkerFacts {
        level: LevelId::from(level),
        level_since: Some(d(since)),
        qualification: Some("MA Social Work".into()),
        qualified_on: Some(d("2020-07-01")),
        registration: Some(RegistrationStatus::Registered),
        asye_status: Some(AsyeStatus::Completed),
        asye_started: Some(d("2020-09-01")),
        asye_outcome: Some((AsyeOutcome::Passed, Some(d("2021-09-01")))),
        awards: vec![],
        commitments: vec![],
        latest_appraisal: None,
        ready_since: None,
        probation: None,
        employment: Some(EmploymentType::Permanent),
        attestations: vec![],
    }
}

fn appraised(mut w: WorkerFacts, on: &str, outcome: AppraisalOutcome) -> WorkerFacts {
    w.latest_appraisal = Some((d(on), outcome));
    w
}

fn with_peps(mut w: WorkerFacts) -> WorkerFacts {
    w.awards.push(AwardFact {
        kind: AwardKind::PepsStage1,
        title: "PEPS stage 1".into(),
        on: Some(d("2023-06-30")),
        academic_level: None,
        credits: None,
    });
    w
}

fn route<'a>(r: &'a [RouteEligibility], id: &str) -> &'a RouteEligibility {
    r.iter().find(|x| x.route == RouteId::from(id)).unwrap_or_else(|| panic!("no route {id} in {r:?}"))
}

fn error_codes(text: &str) -> Vec<(String, usize)> {
    load(text)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code.to_string(), d.position.map(|p| p.line).unwrap_or(0)))
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the file"));
    text[..offset].matches('\n').count() + 1
}

const TODAY: &str = "2026-11-23";

// ---------------------------------------------------------------------------------------
// The file

#[test]
fn the_fenbridge_fixture_loads_with_its_career_grade_and_a_route_from_any_level() {
    let f = fenbridge();
    let grade = f.career_grade_of(&LevelId::from("social-worker-2")).expect("in the career grade");
    assert_eq!(grade.name, "Social Worker career grade");
    assert_eq!(grade.levels.len(), 3);
    assert!(f.career_grade_of(&LevelId::from("senior-practitioner")).is_none());
    let pe = f.route(&RouteId::from("any-to-practice-educator")).unwrap();
    assert_eq!(pe.from, RouteFrom::Any);
    assert_eq!(pe.from.as_str(), "any");
    let appraisal = f.route(&RouteId::from("social-worker-1-to-2")).unwrap();
    assert_eq!((appraisal.kind.as_str(), appraisal.trigger), ("appraisal", Trigger::Appraisal));
    // The route from any level is offered out of every level but its own target.
    let from_team_manager: Vec<&str> = f.routes_from(&LevelId::from("team-manager")).map(|r| r.id.as_str()).collect();
    assert_eq!(from_team_manager, vec!["any-to-practice-educator"]);
    assert_eq!(f.routes_from(&LevelId::from("practice-educator")).count(), 0);
}

#[test]
fn a_career_grade_whose_levels_are_not_neighbours_is_refused_on_the_level_that_breaks_the_run() {
    let text = FIXTURE.replace(
        "levels = [\"social-worker-1\", \"social-worker-2\", \"social-worker-3\"]",
        "levels = [\"social-worker-1\",\n  \"social-worker-3\"]",
    );
    let errors = error_codes(&text);
    assert!(errors.contains(&("career-grade-gap".into(), line_of(&text, "  \"social-worker-3\"]"))), "{errors:?}");
    let loaded = load(&text);
    let gap = loaded.diagnostics.iter().find(|d| d.code == "career-grade-gap").unwrap();
    assert!(gap.message.contains("`social-worker-2` lies between them"), "{}", gap.message);
    assert!(gap.hint.is_some());
}

#[test]
fn a_career_grade_naming_a_missing_level_or_one_level_or_overlapping_another_is_refused() {
    let text = FIXTURE.replace("\"social-worker-3\"]", "\"social-worker-4\"]");
    assert!(error_codes(&text).iter().any(|(c, _)| c == "unknown-level"), "{:?}", error_codes(&text));

    let text = FIXTURE.replace(
        "levels = [\"social-worker-1\", \"social-worker-2\", \"social-worker-3\"]",
        "levels = [\"social-worker-1\"]",
    );
    assert!(error_codes(&text).iter().any(|(c, _)| c == "incomplete-career-grade"), "{:?}", error_codes(&text));

    let text = format!(
        "{FIXTURE}\n[[career_grades]]\nid = \"senior\"\nname = \"Senior\"\nlevels = [\"social-worker-3\", \"senior-practitioner\"]\nsource = \"x\"\n"
    );
    assert!(error_codes(&text).iter().any(|(c, _)| c == "career-grade-overlap"), "{:?}", error_codes(&text));
}

#[test]
fn a_level_called_any_an_asye_route_from_any_level_and_an_appraisal_route_without_an_appraisal_are_refused() {
    let text = FIXTURE
        .replace("id = \"practice-educator\"", "id = \"any\"")
        .replace("to = \"practice-educator\"", "to = \"any\"");
    assert!(error_codes(&text).contains(&("reserved-id".into(), line_of(&text, "id = \"any\""))));

    let text = FIXTURE.replace("from = \"nqsw\"", "from = \"any\"");
    assert!(error_codes(&text).iter().any(|(c, _)| c == "trigger-level"), "{:?}", error_codes(&text));

    let text = FIXTURE.replacen("trigger = \"appraisal\"\n", "", 1);
    let loaded = load(&text);
    let warning = loaded.diagnostics.iter().find(|d| d.code == "appraisal-trigger").expect("warned");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(loaded.framework.is_some(), "a warning only");

    let start = FIXTURE.find("[appraisal]").unwrap();
    let end = FIXTURE[start..].find("[[levels]]").unwrap() + start;
    let text = format!("{}{}", &FIXTURE[..start], &FIXTURE[end..]);
    let errors = error_codes(&text);
    let first = line_of(&text, "trigger = \"appraisal\"");
    assert!(errors.contains(&("no-appraisal".into(), first)), "{errors:?}");
}

#[test]
fn a_route_from_any_level_makes_no_cycle_with_the_routes_out_of_its_target() {
    // Practice educators may go on to senior practitioner; the route from any level into
    // practice educator does not close a loop with it.
    let text = format!(
        "{FIXTURE}\n[[routes]]\nid = \"pe-to-sp\"\nfrom = \"practice-educator\"\nto = \"senior-practitioner\"\nkind = \"statement-of-learning\"\nname = \"Statement\"\nsource = \"x\"\n"
    );
    assert!(error_codes(&text).is_empty(), "{:?}", error_codes(&text));
}

// ---------------------------------------------------------------------------------------
// Eligibility

#[test]
fn a_fenbridge_worker_at_any_level_is_offered_the_practice_educator_route_and_told_what_it_needs() {
    let f = fenbridge();
    let today = d(TODAY);
    for level in ["social-worker-1", "social-worker-3", "senior-practitioner", "team-manager"] {
        let results = evaluate(&f, &worker(level, "2024-01-01"), today);
        let pe = route(&results, "any-to-practice-educator");
        assert_eq!(pe.status, RouteStatus::NotYet, "{level}: {}", pe.summary);
        assert!(pe.summary.contains("PEPS stage 1"), "{}", pe.summary);
        let results = evaluate(&f, &with_peps(worker(level, "2024-01-01")), today);
        let pe = route(&results, "any-to-practice-educator");
        assert_eq!(pe.status, RouteStatus::Eligible, "{level}: {}", pe.summary);
        assert!(pe.summary.starts_with("You can apply for Practice Educator now"), "{}", pe.summary);
    }
    // Not to the practice educator already there.
    assert!(evaluate(&f, &with_peps(worker("practice-educator", "2024-01-01")), today).is_empty());
}

#[test]
fn a_fenbridge_social_worker_moves_up_the_career_grade_when_the_latest_appraisal_recommends_it() {
    let f = fenbridge();
    let today = d(TODAY);
    let ready = appraised(worker("social-worker-1", "2025-06-01"), "2026-10-01", AppraisalOutcome::ReadyToApply);
    let r = evaluate(&f, &ready, today);
    let point2 = route(&r, "social-worker-1-to-2");
    assert_eq!(point2.status, RouteStatus::Eligible, "{}", point2.summary);
    assert!(point2.summary.starts_with("Your appraisal recommends you for Social Worker (progression point 2)"));
    assert!(point2.criteria.iter().any(|c| c.text == "Your annual appraisal recommends the move"));

    // The latest appraisal decides: one that does not recommend the move holds it back.
    let not_yet =
        appraised(worker("social-worker-1", "2025-06-01"), "2026-10-01", AppraisalOutcome::MeetingExpectations);
    let point2 = route(&evaluate(&f, &not_yet, today), "social-worker-1-to-2").clone();
    assert_eq!(point2.status, RouteStatus::NotYet);
    assert!(point2.summary.contains("did not identify an application as appropriate"), "{}", point2.summary);

    // The next point lists no criterion of its own yet still reads the appraisal.
    let none = worker("social-worker-2", "2025-06-01");
    let point3 = route(&evaluate(&f, &none, today), "social-worker-2-to-3").clone();
    assert_eq!(point3.status, RouteStatus::NotYet);
    assert!(point3.summary.contains("No annual appraisal is recorded yet"), "{}", point3.summary);
    let ready = appraised(none, "2026-09-15", AppraisalOutcome::ReadyToApply);
    assert_eq!(route(&evaluate(&f, &ready, today), "social-worker-2-to-3").status, RouteStatus::Eligible);
}

#[test]
fn a_fenbridge_senior_practitioner_can_apply_when_a_team_manager_post_is_advertised_never_eligible_or_stuck() {
    let f = fenbridge();
    let sp = worker("senior-practitioner", "2021-01-01");
    // Five years on, still not "stuck": a vacancy is what the route waits for.
    for today in [d(TODAY), d("2031-11-23")] {
        let r = route(&evaluate(&f, &sp, today), "senior-practitioner-to-team-manager").clone();
        assert_eq!(r.status, RouteStatus::ApplyWhenAdvertised, "{}", r.summary);
        assert_eq!(
            r.summary,
            "You meet the criteria for Team Manager; you can apply when a post is advertised (recruitment to a team manager vacancy)."
        );
        assert!(!eligible_for_at_least(&r, 12, today));
    }
}

#[test]
fn a_fenbridge_social_worker_at_the_top_of_the_career_grade_needs_a_managers_judgement_named_once() {
    let f = fenbridge();
    let sw3 = worker("social-worker-3", "2024-01-01");
    let r = route(&evaluate(&f, &sw3, d(TODAY)), "social-worker-3-to-senior-practitioner").clone();
    assert_eq!(r.status, RouteStatus::NeedsJudgement, "{}", r.summary);
    assert_eq!(
        r.needs_judgement,
        vec!["Significant post-qualifying experience across child protection and court work."]
    );
    assert_eq!(
        r.summary,
        "For Senior Practitioner (statement of learning), what is left needs your manager's judgement: Significant post-qualifying experience across child protection and court work."
    );
}

// ---------------------------------------------------------------------------------------
// Reports

fn who(id: i64, name: &str, team: &str) -> WorkerSummary {
    WorkerSummary {
        id: WorkerId::new(id),
        employee_number: format!("F{id}"),
        name: name.into(),
        team: Some(team.into()),
        locality: None,
    }
}

#[test]
fn a_fenbridge_report_puts_every_worker_route_in_exactly_one_group_and_the_groups_add_up() {
    let f = fenbridge();
    let today = d(TODAY);
    let mut nqsw = worker("nqsw", "2026-09-01");
    nqsw.asye_status = Some(AsyeStatus::InProgress);
    nqsw.asye_outcome = None;
    nqsw.asye_started = Some(d("2026-09-01"));
    let mut failed = worker("nqsw", "2025-09-01");
    failed.asye_outcome = Some((AsyeOutcome::Failed, Some(d("2026-09-01"))));
    let people = vec![
        (who(1, "Ada Quinn", "North"), nqsw),
        (who(2, "Bo Reyes", "North"), failed),
        (
            who(3, "Cal Singh", "North"),
            appraised(worker("social-worker-1", "2025-06-01"), "2026-10-01", AppraisalOutcome::ReadyToApply),
        ),
        (who(4, "Dee Ward", "South"), worker("social-worker-1", "2026-10-01")),
        (who(5, "Eli Frost", "South"), with_peps(worker("social-worker-3", "2024-01-01"))),
        (who(6, "Fay Gold", "South"), worker("senior-practitioner", "2021-01-01")),
        (who(7, "Gus Hale", "South"), worker("practice-educator", "2022-01-01")),
    ];
    let report = workforce_report(&f, &people, &HashSet::new(), today, 6);

    assert_eq!(report.workers, 7);
    assert_eq!(report.without_routes, 1, "the practice educator has nowhere further to go");
    assert_eq!(report.groups_total(), report.worker_routes);
    let teams: usize = report.by_team.values().map(|c| c.worker_routes).sum();
    assert_eq!(teams, report.worker_routes);
    for c in report.by_team.values() {
        assert_eq!(c.groups_total(), c.worker_routes);
    }
    let lines = |g: &[pathway_core::eligibility::report::ReportLine]| -> Vec<(String, String)> {
        g.iter().map(|l| (l.worker.name.clone(), l.route.to_string())).collect()
    };
    let pair = |n: &str, r: &str| (n.to_owned(), r.to_owned());
    // The NQSW finishes the ASYE beyond the window: later, on a date.
    assert!(lines(&report.later).contains(&pair("Ada Quinn", "nqsw-to-social-worker-1")));
    assert!(lines(&report.blocked).contains(&pair("Bo Reyes", "nqsw-to-social-worker-1")));
    assert!(lines(&report.eligible_now).contains(&pair("Cal Singh", "social-worker-1-to-2")));
    assert!(lines(&report.eligible_now).contains(&pair("Eli Frost", "any-to-practice-educator")));
    // A year at point 1 from October 2026 falls beyond the window, and no appraisal is
    // recorded: later, with no date.
    assert!(lines(&report.later).contains(&pair("Dee Ward", "social-worker-1-to-2")));
    assert!(lines(&report.needs_judgement).contains(&pair("Eli Frost", "social-worker-3-to-senior-practitioner")));
    assert!(lines(&report.when_advertised).contains(&pair("Fay Gold", "senior-practitioner-to-team-manager")));
    assert!(report.eligible_now.iter().all(|l| l.group == ReportGroup::EligibleNow));
    assert!(report.when_advertised.iter().all(|l| !l.stuck));
    let judged = report.needs_judgement.iter().find(|l| l.worker.name == "Eli Frost").unwrap();
    assert_eq!(judged.needs_judgement.len(), 1);
}

// ---------------------------------------------------------------------------------------
// The seeds

#[test]
fn medway_social_workers_now_appear_as_needing_a_managers_judgement_with_the_pcf_and_kss_criterion_named() {
    let f = bundled::framework("medway").unwrap();
    let today = d(TODAY);
    let people = vec![
        (who(1, "Hana Iqbal", "Assessment"), worker("social-worker", "2024-01-01")),
        (who(2, "Ivo Jones", "Assessment"), worker("experienced-social-worker", "2023-01-01")),
        (who(3, "Jas Kaur", "Assessment"), worker("senior-practitioner", "2022-01-01")),
    ];
    let report = workforce_report(&f, &people, &HashSet::new(), today, 6);
    assert_eq!(report.groups_total(), report.worker_routes);
    assert_eq!(report.needs_judgement.len(), 2);
    let hana = report.needs_judgement.iter().find(|l| l.worker.name == "Hana Iqbal").unwrap();
    assert_eq!(hana.to_level, "Experienced social worker");
    assert_eq!(hana.needs_judgement.len(), 1);
    assert!(hana.needs_judgement[0].starts_with("You will have demonstrated the requirements of the PCF"));
    // Medway's team manager posts are filled "via application" to a vacancy.
    assert_eq!(report.when_advertised.len(), 1);
    assert_eq!(report.when_advertised[0].worker.name, "Jas Kaur");
    assert!(report.eligible_now.is_empty() && report.stuck.is_empty());
}

#[test]
fn bexley_and_west_sussex_vacancy_routes_are_never_eligible_now() {
    for id in ["bexley", "west-sussex"] {
        let f = bundled::framework(id).unwrap();
        let vacancy_led: Vec<_> = f.routes.iter().filter(|r| r.trigger == Trigger::Vacancy).collect();
        assert!(!vacancy_led.is_empty(), "{id}");
        for r in vacancy_led {
            let Some(from) = r.from.level() else { continue };
            let mut w = with_peps(worker(from.as_str(), "2015-01-01"));
            w.latest_appraisal = Some((d("2026-10-01"), AppraisalOutcome::ReadyToApply));
            let result = route(&evaluate(&f, &w, d(TODAY)), r.id.as_str()).clone();
            assert_ne!(result.status, RouteStatus::Eligible, "{id} {}: {}", r.id, result.summary);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The README

/// The README's minimal file, and each fragment of its "Route shapes" section.
fn readme_shapes() -> (String, Vec<String>) {
    let readme = include_str!("../../../../frameworks/README.md");
    let blocks = |text: &str| -> Vec<String> {
        text.split("```toml\n").skip(1).filter_map(|b| b.split("```").next()).map(str::to_owned).collect()
    };
    let minimal = &readme[readme.find("## A minimal file").expect("minimal file")..];
    let shapes = &readme[readme.find("## Route shapes").expect("route shapes")..];
    let shapes = &shapes[..shapes[3..].find("\n## ").map(|i| i + 3).unwrap_or(shapes.len())];
    (blocks(minimal).remove(0), blocks(shapes))
}

#[test]
fn each_route_shape_the_readme_shows_loads_when_added_to_the_minimal_file() {
    let (minimal, fragments) = readme_shapes();
    assert_eq!(fragments.len(), 4, "vacancy, any level, career grade, appraisal");
    for fragment in fragments {
        let text = format!("{minimal}\n{fragment}");
        let loaded = load(&text);
        let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("README")).collect();
        assert!(loaded.diagnostics.is_empty(), "{fragment}\n{}", rendered.join("\n"));
    }
}
