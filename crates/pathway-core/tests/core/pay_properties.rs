//! Properties of the pay engine that must hold for any valid grade: increments stop at the
//! top, pay never falls on an increment, and promotion never cuts pay when the framework
//! protects it.

use chrono::{Duration, NaiveDate};
use pathway_core::Pence;
use pathway_core::framework::{
    Basis, Framework, Grade, GradeId, IncrementDate, IncrementRule, PayPoint, Placement, PlacementRule, Spine, load,
};
use pathway_core::pay::{self, NextIncrement};
use proptest::prelude::*;

fn readme_example() -> String {
    let readme = include_str!("../../../../frameworks/README.md");
    let start = readme.find("## A minimal file").expect("example");
    let block = &readme[start..];
    let open = block.find("```toml\n").expect("fence") + 8;
    let close = block[open..].find("```").expect("fence");
    block[open..open + close].to_owned()
}

/// The README example, in effect from long before any date the properties try, so every
/// answer has figures.
fn base() -> Framework {
    let mut f = load(&readme_example()).framework.expect("the README example loads");
    f.framework.effective_from = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    f
}

fn grade(id: &str, salaries: &[i64]) -> Grade {
    Grade {
        id: GradeId(id.into()),
        name: id.into(),
        aliases: vec![],
        spine: Spine::Local,
        points: salaries
            .iter()
            .enumerate()
            .map(|(i, s)| PayPoint {
                point: (i + 1).to_string(),
                scp: Some(20 + i as u32),
                salary: Some(Pence(*s)),
                salaries: vec![],
                anomaly: None,
            })
            .collect(),
        points_complete: true,
        range: None,
        name_only: false,
        note: None,
        source: "test".into(),
    }
}

/// Rising (never falling) salaries, as a valid grade has.
fn rising_salaries() -> impl Strategy<Value = Vec<i64>> {
    (2_000_000i64..6_000_000, prop::collection::vec(0i64..300_000, 1..8)).prop_map(|(start, steps)| {
        let mut out = vec![start];
        for s in steps {
            let next = out[out.len() - 1] + s;
            out.push(next);
        }
        out
    })
}

fn increment_rule() -> impl Strategy<Value = IncrementRule> {
    (any::<bool>(), 1u32..=12, 1u32..=28, 0u32..=12, 1u32..=2, any::<bool>()).prop_map(
        |(fixed, month, day, first, step, next_date)| IncrementRule {
            on: if fixed { IncrementDate::FixedDate } else { IncrementDate::Anniversary },
            month: fixed.then_some(month),
            day: fixed.then_some(day),
            first_after_months: Some(first),
            first_increment: if next_date {
                pathway_core::framework::FirstIncrement::NextDate
            } else {
                pathway_core::framework::FirstIncrement::WhenServiceReached
            },
            points_per_increment: step,
            basis: Basis::Stated,
            note: None,
        },
    )
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..5000).prop_map(|d| NaiveDate::from_ymd_opt(2015, 1, 1).expect("date") + Duration::days(d))
}

fn method() -> impl Strategy<Value = Placement> {
    prop_oneof![
        Just(Placement::BottomOfGrade),
        Just(Placement::LowestPointAboveCurrent),
        Just(Placement::LowestPointNotBelowCurrent),
        Just(Placement::SamePointOrNext),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn increments_never_pass_the_top_and_pay_never_falls(
        salaries in rising_salaries(), rule in increment_rule(), start in date(), from in 0usize..8,
    ) {
        let mut f = base();
        f.pay.increments = Some(rule);
        let g = grade("g", &salaries);
        let top = g.points.len() - 1;
        let mut index = from.min(top);
        let mut today = start;
        let mut pay = pay::salary_at(&f, &g, index, today).basic.known().expect("known");
        for _ in 0..(salaries.len() + 2) {
            match pay::next_increment(&f, &g, index, start, today) {
                NextIncrement::AtTop => { prop_assert_eq!(index, top); break; }
                NextIncrement::Due { date, to_index, .. } => {
                    prop_assert!(date > today, "increments move forward in time");
                    prop_assert!(to_index <= top, "increment passed the top: {} > {}", to_index, top);
                    prop_assert!(to_index > index);
                    let new_pay = pay::salary_at(&f, &g, to_index, date).basic.known().expect("known");
                    prop_assert!(new_pay >= pay, "pay fell on an increment: {} -> {}", pay, new_pay);
                    index = to_index;
                    today = date;
                    pay = new_pay;
                }
                NextIncrement::Held { hold, .. } => prop_assert!(false, "rising figures hold no increment: {}", hold),
                NextIncrement::NoRule => prop_assert!(false, "a rule was set"),
                NextIncrement::NotPublished { reason } => prop_assert!(false, "every point is published: {}", reason),
            }
        }
        prop_assert_eq!(index, top, "repeated increments reach the top");
    }

    #[test]
    fn promotion_never_lowers_pay_when_the_framework_protects_it(
        from_salaries in rising_salaries(), to_salaries in rising_salaries(), at in 0usize..8, on_promotion in method(),
    ) {
        let mut f = base();
        f.pay.placement = Some(PlacementRule {
            on_promotion,
            on_appointment: Placement::BottomOfGrade,
            protect_pay: true,
            basis: Basis::Stated,
            note: None,
        });
        let from = grade("from", &from_salaries);
        let to = grade("to", &to_salaries);
        let index = at.min(from.points.len() - 1);
        let on = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let current = pay::salary_at(&f, &from, index, on).basic.known();
        let placed = pay::place_on_promotion(&f, current, from.points[index].scp, &to, on);
        let new_pay = placed.protected_pence.or(placed.basic.known()).expect("known");
        prop_assert!(placed.index < to.points.len());
        prop_assert!(new_pay >= current.expect("known"), "promotion cut pay from {:?} to {} ({})", current, new_pay, placed.reason);
    }

    #[test]
    fn a_projection_without_moves_never_falls_and_ends_within_the_grade(
        salaries in rising_salaries(), rule in increment_rule(), start in date(), years in 1u32..10,
    ) {
        let mut f = base();
        f.pay.increments = Some(rule);
        let g = grade("g", &salaries);
        let until = start.checked_add_months(chrono::Months::new(years * 12)).expect("date");
        let rows = pay::project(&f, &g, 0, start, &[], until);
        let pays: Vec<Pence> = rows.iter().map(|r| r.basic.known().expect("known")).collect();
        prop_assert!(pays.windows(2).all(|w| w[1] >= w[0]));
        prop_assert!(rows.iter().all(|r| r.date <= until));
        prop_assert!(rows.len() <= salaries.len());
    }
}

#[test]
fn the_usual_njc_rule_pays_the_first_increment_after_six_months_for_a_winter_start() {
    let mut f = base();
    f.pay.increments = Some(IncrementRule {
        on: IncrementDate::FixedDate,
        month: Some(4),
        day: Some(1),
        first_after_months: Some(6),
        first_increment: Default::default(),
        points_per_increment: 1,
        basis: Basis::Assumed,
        note: None,
    });
    let g = grade("g", &[3_000_000, 3_100_000, 3_200_000]);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    // Started in January: 1 April is under six months away, so the first increment waits to 1 July.
    assert_eq!(
        pay::next_increment(&f, &g, 0, d("2025-01-01"), d("2025-01-02")),
        NextIncrement::Due { date: d("2025-07-01"), to_index: 1, to_point: "2".into(), assumed: true }
    );
    // Started in September: 1 April is more than six months on.
    assert_eq!(
        pay::next_increment(&f, &g, 0, d("2024-09-01"), d("2024-09-02")),
        NextIncrement::Due { date: d("2025-04-01"), to_index: 1, to_point: "2".into(), assumed: true }
    );
    // After the first, increments fall on 1 April.
    assert_eq!(
        pay::next_increment(&f, &g, 1, d("2025-01-01"), d("2025-07-01")),
        NextIncrement::Due { date: d("2026-04-01"), to_index: 2, to_point: "3".into(), assumed: true }
    );
    assert_eq!(pay::next_increment(&f, &g, 2, d("2025-01-01"), d("2026-04-01")), NextIncrement::AtTop);
}

#[test]
fn a_framework_without_an_increment_rule_says_so() {
    let f = base();
    let g = grade("g", &[3_000_000, 3_100_000]);
    let d = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    assert_eq!(pay::next_increment(&f, &g, 0, d, d), NextIncrement::NoRule);
}

#[test]
fn a_next_date_rule_holds_a_winter_starters_first_increment_until_the_following_april() {
    let mut f = base();
    f.pay.increments = Some(IncrementRule {
        on: IncrementDate::FixedDate,
        month: Some(4),
        day: Some(1),
        first_after_months: Some(6),
        first_increment: pathway_core::framework::FirstIncrement::NextDate,
        points_per_increment: 1,
        basis: Basis::Stated,
        note: None,
    });
    let g = grade("g", &[3_000_000, 3_100_000]);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    assert_eq!(
        pay::next_increment(&f, &g, 0, d("2025-01-15"), d("2025-01-16")),
        NextIncrement::Due { date: d("2026-04-01"), to_index: 1, to_point: "2".into(), assumed: false }
    );
}

/// The README example with a second allowance of `annual` pounds.
fn with_second_allowance(annual: &str) -> String {
    readme_example().replacen(
        "[[roles]]",
        &format!("[[pay.allowances]]\nid = \"absurd\"\nname = \"Typing slip\"\nannual = {annual}\nsource = \"p.2\"\n\n[[roles]]"),
        1,
    )
}

#[test]
fn an_allowance_too_large_to_hold_in_pence_is_a_load_error_at_its_line() {
    let text = with_second_allowance("92233720368547759");
    let loaded = load(&text);
    assert!(loaded.framework.is_none());
    let d = loaded.diagnostics.iter().find(|d| d.is_error()).expect("an error");
    assert!(d.message.contains("too large"), "{}", d.message);
    let line = text[..text.find("annual = 92233720368547759").expect("written")].matches('\n').count() + 1;
    assert_eq!(d.position.map(|p| p.line), Some(line));
}

#[test]
fn allowances_that_add_up_past_what_pence_can_hold_give_an_unknown_total_not_a_wrong_one() {
    // Each figure fits (just under i64::MAX pence); their sum with the other allowance and
    // the salary does not.
    let loaded = load(&with_second_allowance("92233720368547758"));
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("f")).collect();
    let f = loaded.framework.unwrap_or_else(|| panic!("each figure on its own is valid: {rendered:?}"));
    let on = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
    let s = pay::salary(&f, "A", "1", on).expect("grade and point exist");
    assert!(s.basic.known().is_some(), "the basic is still known");
    assert_eq!(s.allowances_annual_pence, None);
    assert_eq!(s.total_annual_pence, None);
    assert!(s.notes.iter().any(|n| n == pay::TOO_LARGE), "{:?}", s.notes);

    // One figure that fits alone but not with the basic: the allowances are known, the total is not.
    let mut f = f;
    f.pay.allowances.retain(|a| a.id == "absurd");
    let s = pay::salary(&f, "A", "1", on).expect("grade and point exist");
    assert_eq!(s.allowances_annual_pence, Some(Pence::pounds(92_233_720_368_547_758)));
    assert_eq!(s.total_annual_pence, None);
    assert!(s.notes.iter().any(|n| n == pay::TOO_LARGE), "{:?}", s.notes);

    // A projection over the same figures answers too.
    let grade = f.find_grade("A").expect("grade");
    let rows = pay::project(&f, grade, 0, on, &[], on + Duration::days(800));
    assert!(rows.iter().all(|r| r.total_annual_pence.is_none()));
}

#[test]
fn an_increment_onto_a_point_that_pays_less_is_held_even_without_an_anomaly_flag() {
    let mut f = base();
    f.pay.increments = Some(IncrementRule {
        on: IncrementDate::Anniversary,
        month: None,
        day: None,
        first_after_months: Some(0),
        first_increment: Default::default(),
        points_per_increment: 1,
        basis: Basis::Stated,
        note: None,
    });
    let g = grade("g", &[3_000_000, 2_900_000]);
    let on = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
    match pay::next_increment(&f, &g, 0, on, on) {
        NextIncrement::Held { hold, .. } => {
            assert!(hold.reason.contains("pays £29,000, less than point 1 of g (£30,000)"), "{}", hold.reason);
            assert!(!hold.reason.contains("anomaly"), "{}", hold.reason);
            assert!(hold.who_resolves.starts_with("HR/workforce must decide the point or protect pay"), "{hold}");
        }
        other => panic!("a falling increment was not held: {other:?}"),
    }
}

#[test]
fn a_promotion_to_the_bottom_of_a_lower_grade_is_held_unless_the_framework_protects_pay() {
    let mut f = base();
    let rule = |protect_pay| PlacementRule {
        on_promotion: Placement::BottomOfGrade,
        on_appointment: Placement::BottomOfGrade,
        protect_pay,
        basis: Basis::Stated,
        note: None,
    };
    let to = grade("to", &[2_800_000, 3_200_000]);
    let on = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
    let current = Some(Pence(3_000_000));
    f.pay.placement = Some(rule(false));
    let placed = pay::place_on_promotion(&f, current, None, &to, on);
    let hold = placed.hold.expect("the placement cuts pay and is held");
    assert!(hold.reason.contains("less than current pay (£30,000)"), "{}", hold.reason);
    f.pay.placement = Some(rule(true));
    let placed = pay::place_on_promotion(&f, current, None, &to, on);
    assert_eq!((placed.point.as_str(), placed.hold), ("2", None), "protection moves them up instead");
}

#[test]
fn a_projected_promotion_onto_less_pay_without_protection_is_not_made_and_is_named() {
    let mut f = base();
    f.pay.increments = None;
    f.pay.placement = Some(PlacementRule {
        on_promotion: Placement::BottomOfGrade,
        on_appointment: Placement::BottomOfGrade,
        protect_pay: false,
        basis: Basis::Stated,
        note: None,
    });
    let from = grade("from", &[3_000_000]);
    let to = grade("to", &[2_800_000, 3_200_000]);
    f.grades = vec![from.clone(), to.clone()];
    let start = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
    let moves = [pay::PlannedMove { on: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"), grade: to.id.clone() }];
    let projected =
        pay::project_with_holds(&f, &from, 0, start, &moves, NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"));
    assert_eq!(projected.rows.len(), 1, "only the start: {:?}", projected.rows);
    let [held] = projected.held.as_slice() else { panic!("expected one held move: {:?}", projected.held) };
    assert!(held.starts_with("2026-01-01: the promotion to point 1 of to is held"), "{held}");
}
