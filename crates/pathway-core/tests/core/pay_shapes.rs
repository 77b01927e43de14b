//! Pay shapes the four seeds do not show, on Eastmere (a fictional council, see
//! tests/fixtures/pay-shapes.toml): a grade published only as a salary range, a grade known
//! by name only, and a time-limited market supplement.

use chrono::NaiveDate;
use pathway_core::Pence;
use pathway_core::framework::{Framework, GradeFigures, load};
use pathway_core::pay::{self, Amount, NextIncrement, PlannedMove};

const EASTMERE: &str = include_str!("../fixtures/pay-shapes.toml");

fn eastmere() -> Framework {
    let loaded = load(EASTMERE);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("pay-shapes.toml")).collect();
    loaded.framework.unwrap_or_else(|| panic!("pay-shapes.toml:\n{}", rendered.join("\n")))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn reason(amount: &Amount) -> &str {
    match amount {
        Amount::Unknown { reason } => reason,
        Amount::Known { pence } => panic!("expected no figure, got {pence}"),
    }
}

#[test]
fn eastmere_validates_with_one_warning_for_its_name_only_grade() {
    let loaded = load(EASTMERE);
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert!(!loaded.has_errors(), "{codes:?}");
    assert_eq!(codes, ["name-only-grade"]);
    let f = loaded.framework.unwrap();
    let sw = f.find_grade("SW").unwrap();
    assert!(matches!(sw.figures(), GradeFigures::Range(_)));
    let names: Vec<&str> = sw.points.iter().map(|p| p.point.as_str()).collect();
    assert_eq!(names, ["minimum", "maximum"], "a range stands on its two known points");
    assert!(matches!(f.find_grade("AP").unwrap().figures(), GradeFigures::NameOnly));
}

#[test]
fn a_social_worker_at_the_bottom_or_top_of_the_range_is_told_the_figure() {
    let f = eastmere();
    let bottom = pay::salary(&f, "Social Worker", "minimum", date(2025, 6, 1)).unwrap();
    assert_eq!(bottom.basic, Amount::Known { pence: Pence::pounds(38_000) });
    assert!(!bottom.top_of_grade, "the minimum is not the top");
    let top = pay::salary(&f, "SW", "top", date(2025, 6, 1)).unwrap();
    assert_eq!(top.point, "maximum");
    assert_eq!(top.basic, Amount::Known { pence: Pence::pounds(45_000) });
    assert!(top.top_of_grade, "the maximum is known to be the top");
}

#[test]
fn a_point_inside_the_range_is_not_published_rather_than_no_such_point() {
    let f = eastmere();
    let s = pay::salary(&f, "SW", "3", date(2025, 6, 1)).expect("a point inside a range is an answer, not an error");
    assert!(reason(&s.basic).contains("not published"), "{:?}", s.basic);
    assert!(reason(&s.basic).contains("£38,000"), "names the range: {:?}", s.basic);
    assert_eq!(s.total_annual_pence, None);
    assert!(!s.top_of_grade, "top of grade is claimed only when known");
    // A grade listing its points still refuses a point it does not have.
    assert!(matches!(pay::salary(&f, "NQSW", "9", date(2025, 6, 1)), Err(pay::PayError::UnknownPoint { .. })));
}

#[test]
fn no_increment_is_invented_from_the_bottom_of_a_range_to_its_top() {
    let f = eastmere();
    let sw = f.find_grade("SW").unwrap();
    match pay::next_increment(&f, sw, 0, date(2025, 4, 1), date(2025, 6, 1)) {
        NextIncrement::NotPublished { reason } => assert!(reason.contains("range"), "{reason}"),
        other => panic!("an increment across unpublished points: {other:?}"),
    }
    assert_eq!(pay::next_increment(&f, sw, 1, date(2025, 4, 1), date(2025, 6, 1)), NextIncrement::AtTop);
}

#[test]
fn a_projection_on_a_range_stays_at_the_minimum_until_a_promotion() {
    let f = eastmere();
    let sw = f.find_grade("SW").unwrap();
    let rows = pay::project(&f, sw, 0, date(2025, 4, 1), &[], date(2030, 4, 1));
    assert_eq!(rows.len(), 1, "no increments on a range: {rows:?}");
    assert_eq!(rows[0].basic, Amount::Known { pence: Pence::pounds(38_000) });

    // NQSW points are published: increments run to the top, then promotion to a range.
    let nq = f.find_grade("NQSW").unwrap();
    let moves = [PlannedMove { on: date(2027, 9, 1), grade: sw.id.clone() }];
    let rows = pay::project(&f, nq, 0, date(2025, 9, 1), &moves, date(2030, 9, 1));
    let events: Vec<(&str, &str)> = rows.iter().map(|r| (r.event.as_str(), r.point.as_str())).collect();
    assert_eq!(events[..3], [("start", "1"), ("increment", "2"), ("increment", "3")]);
    let last = rows.last().unwrap();
    assert!(last.event.starts_with("promotion"), "{rows:?}");
    assert_eq!((last.grade.as_str(), last.point.as_str()), ("Social Worker", "minimum"));
    assert!(rows.iter().all(|r| r.point != "maximum"), "never jumps to the top of the range");
}

#[test]
fn promotion_into_a_range_above_its_minimum_is_left_to_a_person() {
    let f = eastmere();
    let ssw = f.find_grade("SSW").unwrap();
    // Paid £45,000 (top of Social Worker): Senior Social Worker's matching point lies inside its range.
    let placed = pay::place_on_promotion(&f, Some(Pence::pounds(45_000)), None, ssw, date(2025, 6, 1));
    assert!(placed.needs_decision, "{placed:?}");
    assert!(reason(&placed.basic).contains("not published"), "{placed:?}");
    // Paid below the minimum: the minimum is a published point and pays more.
    let placed = pay::place_on_promotion(&f, Some(Pence::pounds(35_000)), None, ssw, date(2025, 6, 1));
    assert!(!placed.needs_decision);
    assert_eq!((placed.point.as_str(), placed.basic.known()), ("minimum", Some(Pence::pounds(44_000))));
}

#[test]
fn an_advanced_practitioner_grade_known_by_name_only_answers_not_published() {
    let f = eastmere();
    let s = pay::salary(&f, "AP", "1", date(2025, 6, 1)).expect("any point of a name-only grade is answered");
    assert!(reason(&s.basic).contains("by name only"), "{:?}", s.basic);
    assert!(!s.top_of_grade);
    assert_eq!(s.allowances_annual_pence, Some(Pence::pounds(963)), "allowances are still known");
    let ap = f.find_grade("AP").unwrap();
    assert!(matches!(
        pay::next_increment(&f, ap, 0, date(2025, 4, 1), date(2025, 6, 1)),
        NextIncrement::NotPublished { .. }
    ));
    let placed = pay::place_on_appointment(&f, ap, date(2025, 6, 1));
    assert!(placed.needs_decision && placed.basic.known().is_none(), "{placed:?}");
    let rows = pay::project(&f, ap, 0, date(2025, 6, 1), &[], date(2027, 6, 1));
    assert!(rows.iter().all(|r| r.basic.known().is_none()), "{rows:?}");
}

#[test]
fn the_market_supplement_is_paid_only_inside_its_dates() {
    let f = eastmere();
    let inside = pay::salary(&f, "SW", "minimum", date(2025, 6, 1)).unwrap();
    let names: Vec<&str> = inside.allowances.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Market supplement", "Essential car user"]);
    assert_eq!(inside.total_annual_pence, Some(Pence::pounds(38_000 + 3_000 + 963)));
    assert_eq!(inside.allowances[0].effective_to, Some(date(2026, 3, 31)));

    let last_day = pay::salary(&f, "SW", "minimum", date(2026, 3, 31)).unwrap();
    assert_eq!(last_day.total_annual_pence, Some(Pence::pounds(38_000 + 3_000 + 963)), "the last day counts");

    let after = pay::salary(&f, "SW", "minimum", date(2026, 4, 1)).unwrap();
    let names: Vec<&str> = after.allowances.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Essential car user"]);
    assert_eq!(after.allowances_not_in_force.len(), 1);
    assert_eq!(after.total_annual_pence, Some(Pence::pounds(38_000 + 963)));
    assert!(after.notes.iter().any(|n| n.contains("Market supplement is not paid")), "{:?}", after.notes);
}

#[test]
fn a_date_before_the_framework_version_took_effect_is_answered_as_such() {
    let f = eastmere();
    let s = pay::salary(&f, "NQSW", "1", date(2025, 3, 31)).unwrap();
    assert!(reason(&s.basic).contains("2025-04-01"), "names the first effective date: {:?}", s.basic);
    assert_eq!(s.total_annual_pence, None);
    assert!(s.allowances.is_empty(), "no allowances from a framework not yet in effect");
}

fn codes_after(find: &str, with: &str) -> Vec<(&'static str, usize)> {
    assert!(EASTMERE.contains(find), "the fixture no longer contains {find:?}");
    let loaded = load(&EASTMERE.replacen(find, with, 1));
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.position.map(|p| p.line).unwrap_or_default()))
        .collect()
}

fn line_of(text: &str) -> usize {
    EASTMERE[..EASTMERE.find(text).unwrap()].matches('\n').count() + 1
}

#[test]
fn a_range_whose_maximum_is_below_its_minimum_is_refused_at_its_line() {
    let range = "range = { minimum = 38000, maximum = 45000 }";
    let errors = codes_after(range, "range = { minimum = 45000, maximum = 38000 }");
    assert_eq!(errors, [("bad-range", line_of(range))]);
}

#[test]
fn a_grade_may_not_give_both_a_range_and_points() {
    let range = "range = { minimum = 38000, maximum = 45000 }";
    let errors = codes_after(range, &format!("{range}\npoints = [{{ point = \"1\", salary = 38000 }}]"));
    assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), ["grade-shape-conflict"]);
}

#[test]
fn a_range_on_the_njc_spine_is_refused() {
    let range = "range = { minimum = 38000, maximum = 45000 }";
    let errors = codes_after(range, &format!("spine = \"njc\"\n{range}"));
    assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), ["salary-conflict"]);
}

#[test]
fn a_name_only_grade_contradicts_a_claim_that_every_figure_is_published() {
    let errors = codes_after("salaries = \"partial\"", "salaries = \"published\"");
    assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), ["missing-salary"]);
}

#[test]
fn a_grade_with_no_points_and_no_shape_is_told_how_to_say_so() {
    let loaded = load(&EASTMERE.replacen("name_only = true\n", "points = []\n", 1));
    let empty = loaded.diagnostics.iter().find(|d| d.code == "empty-grade").expect("empty-grade");
    let hint = empty.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("range") && hint.contains("name_only"), "{hint}");
}

#[test]
fn appointing_to_the_name_only_advanced_practitioner_grade_shows_no_pay_change() {
    let f = eastmere();
    let preview = pathway_core::progression::appointment::preview_appointment(
        &f,
        &"advanced-practitioner".into(),
        date(2025, 6, 1),
        None,
    )
    .expect("a preview, not an error");
    assert_eq!(preview.new, None);
    assert!(preview.notes.iter().any(|n| n.contains("by name only")), "{:?}", preview.notes);
}
