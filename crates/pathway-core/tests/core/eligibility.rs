//! Eligibility stories from the seeds: who can progress, by which route, when — and the
//! reason for every "not yet".

use chrono::NaiveDate;
use pathway_core::bundled;
use pathway_core::eligibility::{
    AwardFact, CriterionStatus, RouteStatus, WorkerFacts, eligible_for_at_least, evaluate, evaluate_route,
};
use pathway_core::framework::{CriterionKind, LevelId, RouteId};
use pathway_core::workforce::{
    AppraisalOutcome, AsyeOutcome, AsyeStatus, AwardKind, EmploymentType, Probation, ProbationStatus,
    RegistrationStatus,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn worker(level: &str) -> WorkerFacts {
    WorkerFacts {
        level: LevelId::from(level),
        level_since: Some(d("2024-07-15")),
        qualification: Some("BA (Hons) Social Work".into()),
        qualified_on: Some(d("2024-07-15")),
        registration: Some(RegistrationStatus::Registered),
        asye_status: Some(AsyeStatus::Completed),
        asye_started: Some(d("2024-09-01")),
        asye_outcome: Some((AsyeOutcome::Passed, Some(d("2025-09-01")))),
        awards: vec![],
        commitments: vec![],
        latest_appraisal: Some((d("2026-04-20"), AppraisalOutcome::ReadyToApply)),
        ready_since: None,
        probation: Some(Probation { status: ProbationStatus::Completed, ends_on: Some(d("2024-03-01")) }),
        employment: Some(EmploymentType::Permanent),
        attestations: vec![],
    }
}

fn route<'a>(
    r: &'a [pathway_core::eligibility::RouteEligibility],
    id: &str,
) -> &'a pathway_core::eligibility::RouteEligibility {
    r.iter().find(|x| x.route == RouteId::from(id)).unwrap_or_else(|| panic!("no route {id} in {r:?}"))
}

#[test]
fn a_rotherham_band_h_worker_qualified_23_months_ago_is_not_yet_eligible_and_told_the_exact_date() {
    let f = bundled::framework("rotherham").unwrap();
    let w = worker("level-2");
    let today = d("2026-06-15"); // 23 months after qualifying on 15 July 2024
    let results = evaluate(&f, &w, today);
    let r = route(&results, "level-2-to-level-3");
    assert_eq!(r.status, RouteStatus::NotYet);
    assert_eq!(r.eligible_from, Some(d("2026-07-15")));
    assert!(r.summary.contains("15 July 2026"), "{}", r.summary);
    let pq = r.criteria.iter().find(|c| c.kind == CriterionKind::PostQualifyingYears).unwrap();
    assert_eq!(pq.status, CriterionStatus::NotMet);
    assert_eq!(pq.met_on, Some(d("2026-07-15")));

    // A month later the same worker is eligible, from that date.
    let later = evaluate(&f, &w, d("2026-07-15"));
    let r = route(&later, "level-2-to-level-3");
    assert_eq!(r.status, RouteStatus::Eligible, "{}", r.summary);
    assert_eq!(r.eligible_from, Some(d("2026-07-15")));
}

#[test]
fn a_pq_award_is_desirable_for_rotherham_level_3_and_never_blocks() {
    let f = bundled::framework("rotherham").unwrap();
    let w = worker("level-2");
    assert!(w.awards.is_empty());
    let results = evaluate(&f, &w, d("2026-08-01"));
    let r = route(&results, "level-2-to-level-3");
    let pq = r.criteria.iter().find(|c| c.kind == CriterionKind::PqAward).unwrap();
    assert!(!pq.essential);
    assert_eq!(pq.status, CriterionStatus::NotMet);
    assert_eq!(r.status, RouteStatus::Eligible);
}

#[test]
fn a_pre_2013_nqsw_portfolio_holder_counts_as_asye_passed_for_rotherham() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.qualified_on = Some(d("2011-06-30"));
    w.asye_status = None;
    w.asye_outcome = Some((AsyeOutcome::NqswPortfolioPre2013, Some(d("2012-07-01"))));
    let results = evaluate(&f, &w, d("2026-08-01"));
    let r = route(&results, "level-2-to-level-3");
    let asye = r.criteria.iter().find(|c| c.kind == CriterionKind::AsyePassed).unwrap();
    assert_eq!(asye.status, CriterionStatus::Met, "{}", asye.explanation);
    assert!(asye.explanation.contains("NQSW portfolio"));
    assert_eq!(r.status, RouteStatus::Eligible);
}

#[test]
fn a_pre_2013_nqsw_portfolio_dated_2016_does_not_count_for_rotherham() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.qualified_on = Some(d("2015-06-30"));
    w.asye_status = None;
    w.asye_outcome = Some((AsyeOutcome::NqswPortfolioPre2013, Some(d("2016-07-01"))));
    let results = evaluate(&f, &w, d("2026-08-01"));
    let r = route(&results, "level-2-to-level-3");
    let asye = r.criteria.iter().find(|c| c.kind == CriterionKind::AsyePassed).unwrap();
    assert_eq!(asye.status, CriterionStatus::NotMet, "{}", asye.explanation);
    assert!(asye.explanation.contains("only a portfolio completed before 2013 counts"), "{}", asye.explanation);
    assert_ne!(r.status, RouteStatus::Eligible);
}

#[test]
fn rotherham_level_4_needs_three_post_qualifying_years() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-3");
    w.qualified_on = Some(d("2023-09-01"));
    let r = evaluate(&f, &w, d("2026-05-01"));
    let r = route(&r, "level-3-to-level-4");
    assert_eq!(r.status, RouteStatus::NotYet);
    assert_eq!(r.eligible_from, Some(d("2026-09-01")));
}

#[test]
fn a_pdr_that_does_not_recommend_progression_holds_a_rotherham_worker_back_and_says_why() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.latest_appraisal = Some((d("2026-04-20"), AppraisalOutcome::NotYetReady));
    let r = evaluate(&f, &w, d("2026-08-01"));
    let r = route(&r, "level-2-to-level-3");
    assert_eq!(r.status, RouteStatus::NotYet);
    assert_eq!(r.eligible_from, None, "no date: it depends on the next PDR, not on time");
    assert!(r.summary.contains("did not identify an application as appropriate"), "{}", r.summary);
}

#[test]
fn a_failed_asye_blocks_progression() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.asye_outcome = Some((AsyeOutcome::Failed, Some(d("2025-09-01"))));
    let r = evaluate(&f, &w, d("2026-08-01"));
    let r = route(&r, "level-2-to-level-3");
    assert_eq!(r.status, RouteStatus::Blocked);
    assert!(r.summary.contains("ASYE was not passed"), "{}", r.summary);
}

#[test]
fn a_missing_qualification_date_is_unknown_never_met() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.qualified_on = None;
    let r = evaluate(&f, &w, d("2030-01-01"));
    let r = route(&r, "level-2-to-level-3");
    let pq = r.criteria.iter().find(|c| c.kind == CriterionKind::PostQualifyingYears).unwrap();
    assert_eq!(pq.status, CriterionStatus::Unknown);
    assert_ne!(r.status, RouteStatus::Eligible);
}

#[test]
fn a_medway_nqsw_transfers_automatically_on_asye_pass() {
    let f = bundled::framework("medway").unwrap();
    let w = worker("nqsw");
    let results = evaluate(&f, &w, d("2025-09-02"));
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r.to_level, LevelId::from("social-worker"));
    assert_eq!(r.status, RouteStatus::Eligible);
    assert!(r.summary.contains("automatically"), "{}", r.summary);
}

#[test]
fn a_medway_nqsw_part_way_through_the_asye_is_told_when_it_ends() {
    let f = bundled::framework("medway").unwrap();
    let mut w = worker("nqsw");
    w.asye_status = Some(AsyeStatus::InProgress);
    w.asye_started = Some(d("2025-10-01")); // the October cohort
    w.asye_outcome = None;
    let r = &evaluate(&f, &w, d("2026-03-01"))[0];
    assert_eq!(r.status, RouteStatus::NotYet);
    assert!(r.summary.contains("1 October 2026"), "{}", r.summary);
}

#[test]
fn a_bexley_level_3_worker_meets_senior_practitioner_requirements_by_being_committed_to_peps() {
    let f = bundled::framework("bexley").unwrap();
    let route_def = f.route(&RouteId::from("level-3-to-senior-practitioner")).unwrap();
    let mut w = worker("level-3");
    w.commitments = vec![AwardFact {
        kind: AwardKind::PepsStage1,
        title: "PEPS stage 1".into(),
        on: None,
        academic_level: None,
        credits: None,
    }];
    let with = evaluate_route(&f, route_def, &w, d("2026-08-01"));
    w.commitments.clear();
    let without = evaluate_route(&f, route_def, &w, d("2026-08-01"));
    let peps_met = |r: &pathway_core::eligibility::RouteEligibility| {
        r.criteria.iter().filter(|c| c.kind == CriterionKind::AnyOf).all(|c| c.status == CriterionStatus::Met)
    };
    assert!(peps_met(&with), "{:#?}", with.criteria);
    assert!(!peps_met(&without));
}

#[test]
fn eligibility_that_has_waited_a_year_is_flagged_as_stuck() {
    let f = bundled::framework("rotherham").unwrap();
    let mut w = worker("level-2");
    w.latest_appraisal = Some((d("2026-07-20"), AppraisalOutcome::ReadyToApply));
    let r = evaluate(&f, &w, d("2027-08-01"));
    let r = route(&r, "level-2-to-level-3");
    assert_eq!(r.status, RouteStatus::Eligible);
    assert_eq!(r.eligible_from, Some(d("2026-07-20")));
    assert!(eligible_for_at_least(r, 12, d("2027-08-01")));
    assert!(!eligible_for_at_least(r, 12, d("2027-07-01")));
}

#[test]
fn an_nqsw_due_to_finish_the_asye_counts_as_becoming_eligible_on_the_finishing_date() {
    let f = bundled::framework("medway").unwrap();
    let mut w = worker("nqsw");
    w.asye_status = Some(AsyeStatus::InProgress);
    w.asye_started = Some(d("2026-04-01")); // the April cohort
    w.asye_outcome = None;
    let r = &evaluate(&f, &w, d("2026-11-23"))[0];
    assert_eq!(r.status, RouteStatus::NotYet);
    assert_eq!(r.eligible_from, Some(d("2027-04-01")));
    assert!(pathway_core::eligibility::becomes_eligible_between(r, d("2026-11-23"), d("2027-05-23")));
}

#[test]
fn a_bexley_nqsw_is_transferred_only_once_probation_is_complete_and_a_failed_probation_blocks() {
    let f = bundled::framework("bexley").unwrap();
    let mut w = worker("nqsw");
    let today = d("2026-11-23");
    w.probation = Some(Probation { status: ProbationStatus::InProgress, ends_on: Some(d("2027-01-31")) });
    let r = evaluate_route(&f, f.route(&RouteId::from("nqsw-to-level-2")).unwrap(), &w, today);
    assert_eq!((r.status, r.eligible_from), (RouteStatus::NotYet, Some(d("2027-01-31"))), "{}", r.summary);
    assert!(r.summary.contains("Your probation is due to end on 31 January 2027"), "{}", r.summary);

    w.probation = Some(Probation { status: ProbationStatus::NotCompleted, ends_on: Some(d("2026-11-01")) });
    let r = evaluate_route(&f, f.route(&RouteId::from("nqsw-to-level-2")).unwrap(), &w, today);
    assert_eq!(r.status, RouteStatus::Blocked, "{}", r.summary);

    w.probation = None;
    let r = evaluate_route(&f, f.route(&RouteId::from("nqsw-to-level-2")).unwrap(), &w, today);
    let p = r.criteria.iter().find(|c| c.kind == CriterionKind::ProbationComplete).unwrap();
    assert_eq!(p.status, CriterionStatus::Unknown, "not recorded is unknown, never met");
}
