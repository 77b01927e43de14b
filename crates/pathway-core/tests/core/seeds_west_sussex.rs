//! West Sussex's Social Worker Career Framework (seed 003), pinned to what its table says.

use chrono::NaiveDate;
use pathway_core::framework::{Basis, Framework, GradeId, LevelId, PayPublication, Placement, RouteId, Spine, Trigger};
use pathway_core::pay::{self, PayError};
use pathway_core::{Pence, Severity};

fn west_sussex() -> Framework {
    match pathway_core::bundled::framework("west-sussex") {
        Some(f) => f,
        None => panic!("west-sussex.toml does not load"),
    }
}

/// A date inside the (placeholder) first year of the framework.
fn on() -> NaiveDate {
    match NaiveDate::from_ymd_opt(2024, 6, 1) {
        Some(d) => d,
        None => panic!("1 June 2024 is a date"),
    }
}

fn basic(f: &Framework, grade: &str, point: &str) -> Option<Pence> {
    match pay::salary(f, grade, point, on()) {
        Ok(s) => s.basic_annual_pence,
        Err(e) => panic!("{e}"),
    }
}

fn route<'a>(f: &'a Framework, id: &str) -> &'a pathway_core::framework::Route {
    f.route(&RouteId::from(id)).unwrap_or_else(|| panic!("no route `{id}`"))
}

#[test]
fn loads_with_only_the_grade_11_anomaly_as_a_warning() {
    let file = pathway_core::bundled::file("west-sussex").expect("bundled");
    let loaded = pathway_core::framework::load(file.text);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render(file.file)).collect();
    assert!(!loaded.has_errors(), "west-sussex.toml errors:\n{}", rendered.join("\n"));
    let [d] = loaded.diagnostics.as_slice() else { panic!("expected one diagnostic:\n{}", rendered.join("\n")) };
    assert_eq!((d.severity, d.code), (Severity::Warning, "falling-salary"));
    assert!(d.message.contains("grade-11") && d.message.contains("£30,531"), "{}", d.message);
}

#[test]
fn has_eight_roles_from_nqsw_to_group_manager() {
    let f = west_sussex();
    let levels: Vec<(&str, Vec<&str>)> =
        f.levels.iter().map(|l| (l.id.as_str(), l.grades.iter().map(GradeId::as_str).collect())).collect();
    assert_eq!(
        levels,
        [
            ("nqsw", vec!["grade-9"]),
            ("social-worker-grade-9", vec!["grade-9"]),
            ("social-worker-grade-10", vec!["grade-10"]),
            ("senior-social-worker", vec!["grade-11"]),
            ("advanced-practitioner", vec!["grade-12"]),
            ("practice-manager-grade-12", vec!["grade-12"]),
            ("practice-manager-hay-a", vec!["hay-a"]),
            ("group-manager", vec!["hay-b"]),
        ]
    );
    assert_eq!(f.framework.authority, "West Sussex County Council");
    assert!(f.framework.notes.iter().any(|n| n.contains("undated") && n.contains("placeholder")));
}

#[test]
fn grades_are_printed_with_their_points_and_names() {
    let f = west_sussex();
    let grades: Vec<(&str, Vec<&str>)> =
        f.grades.iter().map(|g| (g.name.as_str(), g.points.iter().map(|p| p.point.as_str()).collect())).collect();
    assert_eq!(
        grades,
        [
            ("Grade 9", vec!["31", "32", "33", "34", "35"]),
            ("Grade 10", vec!["35", "36", "37", "38", "39"]),
            ("Grade 11", vec!["39", "40", "41", "42", "43"]),
            ("Grade 12", vec!["43", "44", "45", "46"]),
            ("HAY A", vec!["1", "2", "3", "4"]),
            ("HAY B", vec!["1", "2", "3", "4"]),
        ]
    );
    assert_eq!(f.pay.salaries, PayPublication::Published);
    assert!(f.pay.allowances.is_empty(), "the table prints no allowances");
    assert!(f.grades.iter().all(|g| g.spine == Spine::Local && g.points_complete));
}

#[test]
fn every_printed_salary_is_in_the_file() {
    let f = west_sussex();
    let printed: [(&str, &[(&str, i64)]); 6] = [
        ("9", &[("31", 28_253), ("32", 29_087), ("33", 29_944), ("34", 30_790), ("35", 31_436)]),
        ("10", &[("35", 31_824), ("36", 32_667), ("37", 33_582), ("38", 34_566), ("39", 35_704)]),
        ("11", &[("39", 36_610), ("40", 37_571), ("41", 38_562), ("42", 39_545), ("43", 30_531)]),
        ("12", &[("43", 38_237), ("44", 39_177), ("45", 40_057), ("46", 41_025)]),
        ("HAY A", &[("1", 44_294), ("2", 45_382), ("3", 46_420), ("4", 47_450)]),
        ("HAY B", &[("1", 48_423), ("2", 49_364), ("3", 50_335), ("4", 51_284)]),
    ];
    for (grade, points) in printed {
        for (point, pounds) in points {
            assert_eq!(basic(&f, grade, point), Some(Pence::pounds(*pounds)), "grade {grade} point {point}");
        }
    }
}

#[test]
fn grade_10_point_37_pays_33582() {
    let f = west_sussex();
    let s = pay::salary(&f, "10", "37", on()).expect("salary");
    assert_eq!(s.basic_annual_pence, Some(Pence::pounds(33_582)));
    assert_eq!(s.total_annual_pence, Some(Pence::pounds(33_582)));
    assert_eq!(s.scp, Some(37));
    assert_eq!(s.grade, "Grade 10");
}

#[test]
fn hay_a_point_2_pays_45382() {
    let f = west_sussex();
    assert_eq!(basic(&f, "HAY A", "2"), Some(Pence::pounds(45_382)));
    let hay_a = f.find_grade("hay a").expect("HAY A");
    assert!(hay_a.points.iter().all(|p| p.scp.is_none()), "HAY points are not spinal column points");
}

#[test]
fn scp_35_pays_differently_on_grades_9_and_10() {
    let f = west_sussex();
    assert_eq!(basic(&f, "9", "35"), Some(Pence::pounds(31_436)));
    assert_eq!(basic(&f, "10", "35"), Some(Pence::pounds(31_824)));
}

#[test]
fn grade_12_point_45_resolves_for_both_grade_12_roles() {
    let f = west_sussex();
    assert_eq!(basic(&f, "12", "45"), Some(Pence::pounds(40_057)));
    let on_12: Vec<&str> = f.levels_on_grade(&GradeId::from("grade-12")).map(|l| l.id.as_str()).collect();
    assert_eq!(on_12, ["advanced-practitioner", "practice-manager-grade-12"]);
    let pm = f.level(&LevelId::from("practice-manager-grade-12")).expect("PM");
    assert!(pm.description.as_deref().is_some_and(|d| d.contains("SCP 45-46 only")));
    let ap = f.level(&LevelId::from("advanced-practitioner")).expect("AP");
    assert!(ap.description.as_deref().is_some_and(|d| d.contains("SCP 43-46")));
}

#[test]
fn grade_11_scp_43_keeps_the_published_30531_and_says_why() {
    let f = west_sussex();
    let s = pay::salary(&f, "11", "43", on()).expect("salary");
    assert_eq!(s.basic_annual_pence, Some(Pence::pounds(30_531)));
    assert!(s.notes.iter().any(|n| n.starts_with("Anomaly")), "{:?}", s.notes);
    assert_eq!(f.anomalies.len(), 1);
    assert!(f.anomalies[0].description.contains("£30,531"));
}

#[test]
fn an_nqsw_is_paid_at_scp_31_only_but_is_a_separate_level_from_the_grade_9_social_worker() {
    let f = west_sussex();
    assert_eq!(basic(&f, "9", "31"), Some(Pence::pounds(28_253)));
    let nqsw = f.find_level("NQSW").expect("NQSW");
    assert!(nqsw.asye);
    assert!(nqsw.description.as_deref().is_some_and(|d| d.contains("SCP 31 (£28,253) only")));
    let sw = f.find_level("Social Worker").expect("Social Worker");
    assert_eq!(sw.id.as_str(), "social-worker-grade-9");
    assert!(!sw.asye);
}

#[test]
fn a_grade_outside_the_table_is_refused() {
    let f = west_sussex();
    assert!(matches!(pay::salary(&f, "13", "1", on()), Err(PayError::UnknownGrade { .. })));
    assert!(matches!(pay::salary(&f, "9", "36", on()), Err(PayError::UnknownPoint { .. })));
}

#[test]
fn each_progression_line_is_a_route_of_the_right_kind() {
    let f = west_sussex();
    let routes: Vec<(&str, &str, &str, Trigger)> =
        f.routes.iter().map(|r| (r.from.as_str(), r.to.as_str(), r.kind.as_str(), r.trigger)).collect();
    assert_eq!(
        routes,
        [
            ("nqsw", "social-worker-grade-9", "automatic-on-asye-pass", Trigger::AsyePass),
            ("social-worker-grade-9", "social-worker-grade-10", "agreed-portfolio-work", Trigger::Application),
            ("social-worker-grade-10", "senior-social-worker", "panel-process", Trigger::Application),
            ("senior-social-worker", "advanced-practitioner", "application-and-interview", Trigger::Vacancy),
            ("senior-social-worker", "practice-manager-grade-12", "application-and-interview", Trigger::Vacancy),
            ("practice-manager-grade-12", "practice-manager-hay-a", "panel-process", Trigger::Application),
            ("practice-manager-hay-a", "group-manager", "application-and-interview", Trigger::Vacancy),
        ]
    );
    let asye = f.asye.as_ref().expect("[asye]");
    assert_eq!(asye.on_pass, Some(RouteId::from("nqsw-to-social-worker-grade-9")));
}

#[test]
fn grade_9_to_10_asks_only_for_agreed_portfolio_work() {
    let f = west_sussex();
    let r = route(&f, "social-worker-grade-9-to-grade-10");
    let kinds: Vec<&str> = r.evidence.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["portfolio-work"]);
    assert!(r.steps.is_empty(), "the document describes no assessment steps");
}

#[test]
fn panel_routes_are_decided_by_a_panel() {
    let f = west_sussex();
    for id in ["social-worker-grade-10-to-senior-social-worker", "practice-manager-grade-12-to-hay-a"] {
        let r = route(&f, id);
        let decider = r.decided_by.as_ref().and_then(|role| f.role(role)).expect("decider");
        assert!(decider.panel, "{id}");
    }
}

#[test]
fn increments_and_placement_are_marked_as_assumptions() {
    let f = west_sussex();
    let inc = f.pay.increments.as_ref().expect("increments");
    assert_eq!(inc.basis, Basis::Assumed);
    assert_eq!((inc.month, inc.day, inc.first_after_months), (Some(4), Some(1), Some(6)));
    let place = f.pay.placement.as_ref().expect("placement");
    assert_eq!(
        (place.on_promotion, place.protect_pay, place.basis),
        (Placement::SamePointOrNext, true, Basis::Assumed)
    );
}

#[test]
fn promotion_from_grade_9_scp_35_lands_on_grade_10_scp_35() {
    let f = west_sussex();
    let to = f.find_grade("10").expect("grade 10");
    let placed = pay::place_on_promotion(&f, Some(Pence::pounds(31_436)), Some(35), to, on());
    assert_eq!(placed.point, "35");
    assert_eq!(placed.basic.known(), Some(Pence::pounds(31_824)));
}

#[test]
fn the_document_names_no_pcf_or_kss() {
    let f = west_sussex();
    assert!(f.levels.iter().all(|l| l.pcf_level.is_none() && l.kss.is_empty()));
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| panic!("{y}-{m}-{day} is a date"))
}

#[test]
fn an_increment_from_grade_11_scp_42_to_the_misprinted_scp_43_is_held_for_hr_to_confirm() {
    let f = west_sussex();
    let grade_11 = f.find_grade("11").expect("grade 11");
    let (at_42, _) = grade_11.find_point("42").expect("SCP 42");
    match pay::next_increment(&f, grade_11, at_42, d(2024, 6, 1), d(2024, 6, 1)) {
        pay::NextIncrement::Held { date, to_point, hold, .. } => {
            assert_eq!((date, to_point.as_str()), (d(2025, 4, 1), "43"));
            assert_eq!(hold.rule, pay::PAY_NEVER_FALLS);
            assert!(hold.reason.contains("anomaly"), "{}", hold.reason);
            assert!(hold.reason.contains("a cut of £9,014"), "{}", hold.reason);
            assert!(hold.who_resolves.starts_with("HR/workforce must confirm the figure"), "{}", hold.who_resolves);
        }
        other => panic!("the increment onto £30,531 was not held: {other:?}"),
    }
}

#[test]
fn a_projection_from_grade_11_scp_42_stops_increments_there_and_says_why() {
    let f = west_sussex();
    let grade_11 = f.find_grade("11").expect("grade 11");
    let (at_42, _) = grade_11.find_point("42").expect("SCP 42");
    let projected = pay::project_with_holds(&f, grade_11, at_42, d(2024, 6, 1), &[], d(2027, 6, 1));
    assert!(projected.rows.iter().all(|row| row.point == "42"), "{:?}", projected.rows);
    let [held] = projected.held.as_slice() else { panic!("expected one held move: {:?}", projected.held) };
    assert!(held.starts_with("2025-04-01: the increment to point 43 of Grade 11 is held"), "{held}");
    assert!(held.contains("HR/workforce"), "{held}");
}

#[test]
fn a_projection_from_grade_11_scp_41_pays_the_increment_to_42_and_holds_the_one_to_43() {
    let f = west_sussex();
    let grade_11 = f.find_grade("11").expect("grade 11");
    let (at_41, _) = grade_11.find_point("41").expect("SCP 41");
    let projected = pay::project_with_holds(&f, grade_11, at_41, d(2024, 6, 1), &[], d(2028, 6, 1));
    let points: Vec<&str> = projected.rows.iter().map(|row| row.point.as_str()).collect();
    assert_eq!(points, ["41", "42"]);
    assert_eq!(projected.held.len(), 1, "{:?}", projected.held);
}
