//! The criterion kinds the four seeds do not use, on a fixture framework of our own
//! (Eastmoor, fictional): employment type, registration with the regulator of the day, a
//! manager's endorsement, an intent raised in supervision, an assessment against a standard
//! set, academic credits at a level, an accreditation, and experience stated only in words.

use chrono::NaiveDate;
use pathway_core::bundled;
use pathway_core::eligibility::{
    AwardFact, CriterionResult, CriterionStatus, RouteEligibility, RouteStatus, WorkerFacts, evaluate,
};
use pathway_core::framework::{CriterionKind, Framework, LevelId, load};
use pathway_core::ids::WorkerId;
use pathway_core::workforce::{
    AcademicLevel, AppraisalOutcome, AsyeOutcome, AsyeStatus, AttestationKind, AwardKind, EmploymentType, Name,
    NewAttestation, RegistrationStatus,
};

const EASTMOOR: &str = include_str!("../fixtures/criteria-kinds.toml");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn eastmoor() -> Framework {
    let loaded = load(EASTMOOR);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("criteria-kinds.toml")).collect();
    assert!(!loaded.has_errors(), "{}", rendered.join("\n"));
    loaded.framework.unwrap()
}

/// A permanent Eastmoor social worker, qualified in 2021, registered, ASYE passed, nothing
/// else on record.
fn worker(level: &str) -> WorkerFacts {
    WorkerFacts {
        level: LevelId::from(level),
        level_since: Some(d("2022-09-01")),
        qualification: Some("BA (Hons) Social Work".into()),
        qualified_on: Some(d("2021-07-15")),
        registration: Some(RegistrationStatus::Registered),
        asye_status: Some(AsyeStatus::Completed),
        asye_started: Some(d("2021-09-01")),
        asye_outcome: Some((AsyeOutcome::Passed, Some(d("2022-09-01")))),
        awards: vec![],
        commitments: vec![],
        latest_appraisal: Some((d("2026-04-20"), AppraisalOutcome::ReadyToApply)),
        ready_since: None,
        probation: None,
        employment: Some(EmploymentType::Permanent),
        attestations: vec![],
    }
}

fn attested(kind: AttestationKind, what: Option<&str>, on: &str) -> NewAttestation {
    NewAttestation {
        kind,
        what: what.map(|w| Name::parse(w).unwrap()),
        on: d(on),
        recorded_by: WorkerId::new(7),
        note: None,
    }
}

fn award(kind: AwardKind, title: &str, on: &str, level: Option<u32>, credits: Option<u32>) -> AwardFact {
    AwardFact {
        kind,
        title: title.into(),
        on: Some(d(on)),
        academic_level: level.map(|l| AcademicLevel::new(l).unwrap()),
        credits,
    }
}

fn route<'a>(results: &'a [RouteEligibility], id: &str) -> &'a RouteEligibility {
    results.iter().find(|r| r.route.as_str() == id).unwrap_or_else(|| panic!("no route {id} in {results:?}"))
}

fn criterion(r: &RouteEligibility, kind: CriterionKind) -> &CriterionResult {
    r.criteria.iter().find(|c| c.kind == kind).unwrap_or_else(|| panic!("no {kind} criterion in {:?}", r.criteria))
}

fn to_esw(w: &WorkerFacts, today: &str) -> RouteEligibility {
    route(&evaluate(&eastmoor(), w, d(today)), "sw-to-esw").clone()
}

fn to_sp(w: &WorkerFacts, today: &str) -> RouteEligibility {
    route(&evaluate(&eastmoor(), w, d(today)), "esw-to-sp").clone()
}

#[test]
fn the_eastmoor_fixture_with_every_new_criterion_kind_validates() {
    let f = eastmoor();
    let kinds: Vec<CriterionKind> = f.routes.iter().flat_map(|r| r.criteria.iter().map(|c| c.kind())).collect();
    for kind in [
        CriterionKind::Registration,
        CriterionKind::EmploymentType,
        CriterionKind::SupervisionIntent,
        CriterionKind::ManagerEndorsement,
        CriterionKind::StandardAssessed,
        CriterionKind::StatedExperience,
        CriterionKind::AcademicCredits,
        CriterionKind::Accreditation,
    ] {
        assert!(kinds.contains(&kind), "the fixture uses {kind}");
    }
}

#[test]
fn an_eastmoor_agency_social_worker_is_told_the_route_is_for_directly_employed_staff() {
    let mut w = worker("social-worker");
    w.employment = Some(EmploymentType::Agency);
    let r = to_esw(&w, "2026-05-01");
    let c = criterion(&r, CriterionKind::EmploymentType);
    assert_eq!(c.status, CriterionStatus::NotMet);
    assert!(c.explanation.contains("through an agency"), "{}", c.explanation);
    assert!(c.explanation.contains("on a permanent contract or on a fixed-term contract"), "{}", c.explanation);
    assert_eq!(r.status, RouteStatus::Blocked, "time will not change how someone is employed");

    w.employment = Some(EmploymentType::FixedTerm);
    let c = criterion(&to_esw(&w, "2026-05-01"), CriterionKind::EmploymentType).clone();
    assert_eq!(c.status, CriterionStatus::Met, "{}", c.explanation);
    w.employment = None;
    assert_eq!(criterion(&to_esw(&w, "2026-05-01"), CriterionKind::EmploymentType).status, CriterionStatus::Unknown);
}

#[test]
fn registration_is_with_the_hcpc_before_2_december_2019_and_social_work_england_from_then() {
    let w = worker("social-worker");
    let before = criterion(&to_esw(&w, "2019-12-01"), CriterionKind::Registration).clone();
    assert_eq!(before.status, CriterionStatus::Met);
    assert!(before.explanation.contains("Health and Care Professions Council (HCPC)"), "{}", before.explanation);
    assert!(!before.explanation.contains("Social Work England"), "{}", before.explanation);
    let from = criterion(&to_esw(&w, "2019-12-02"), CriterionKind::Registration).clone();
    assert!(from.explanation.contains("registered with Social Work England"), "{}", from.explanation);

    let mut lapsed = worker("social-worker");
    lapsed.registration = Some(RegistrationStatus::Lapsed);
    let c = criterion(&to_esw(&lapsed, "2019-06-01"), CriterionKind::Registration).clone();
    assert_eq!(c.status, CriterionStatus::NotMet);
    assert!(c.explanation.contains("registration with the Health and Care Professions Council (HCPC) is lapsed"));
}

#[test]
fn an_endorsement_an_intent_and_a_pcf_assessment_on_record_are_met_on_their_dates() {
    let mut w = worker("social-worker");
    let r = to_esw(&w, "2026-05-01");
    for kind in [CriterionKind::SupervisionIntent, CriterionKind::ManagerEndorsement, CriterionKind::StandardAssessed] {
        assert_eq!(criterion(&r, kind).status, CriterionStatus::NotMet, "{kind} with nothing on record");
    }
    assert!(criterion(&r, CriterionKind::ManagerEndorsement).explanation.contains("ask them to record one"));
    assert!(
        criterion(&r, CriterionKind::StandardAssessed).explanation.contains("pcf.experienced-social-worker"),
        "the missing assessment names the standard set"
    );

    w.attestations = vec![
        attested(AttestationKind::SupervisionIntent, None, "2026-01-12"),
        attested(AttestationKind::Endorsement, Some("Experienced Social Worker"), "2026-03-02"),
        attested(AttestationKind::Assessment, Some("pcf.experienced-social-worker"), "2026-04-15"),
    ];
    let r = to_esw(&w, "2026-05-01");
    let intent = criterion(&r, CriterionKind::SupervisionIntent);
    assert_eq!((intent.status, intent.met_on), (CriterionStatus::Met, Some(d("2026-01-12"))));
    let endorsed = criterion(&r, CriterionKind::ManagerEndorsement);
    assert_eq!((endorsed.status, endorsed.met_on), (CriterionStatus::Met, Some(d("2026-03-02"))));
    assert!(endorsed.explanation.contains("2 March 2026"), "{}", endorsed.explanation);
    let assessed = criterion(&r, CriterionKind::StandardAssessed);
    assert_eq!(assessed.status, CriterionStatus::Met);
    assert!(assessed.explanation.contains("the PCF at Experienced Social Worker level"), "{}", assessed.explanation);
}

#[test]
fn an_assessment_against_another_standard_set_does_not_count() {
    let mut w = worker("social-worker");
    w.attestations = vec![
        attested(AttestationKind::Assessment, Some("pcf.social-worker"), "2026-04-15"),
        attested(AttestationKind::Assessment, Some("kss.cfp"), "2026-04-15"),
        attested(AttestationKind::Accreditation, Some("pcf.experienced-social-worker"), "2026-04-15"),
    ];
    let c = criterion(&to_esw(&w, "2026-05-01"), CriterionKind::StandardAssessed).clone();
    assert_eq!(c.status, CriterionStatus::NotMet, "{}", c.explanation);
}

#[test]
fn significant_experience_is_left_to_a_manager_and_the_explanation_quotes_the_document() {
    let mut w = worker("social-worker");
    w.attestations = vec![
        attested(AttestationKind::SupervisionIntent, None, "2026-01-12"),
        attested(AttestationKind::Endorsement, None, "2026-03-02"),
        attested(AttestationKind::Assessment, Some("pcf.experienced-social-worker"), "2026-04-15"),
    ];
    let r = to_esw(&w, "2026-05-01");
    let c = criterion(&r, CriterionKind::StatedExperience);
    assert_eq!(c.status, CriterionStatus::Unknown);
    assert!(c.needs_judgement);
    assert!(c.explanation.contains("\"significant post-qualifying experience\""), "{}", c.explanation);
    assert!(c.explanation.contains("your manager must judge it"), "{}", c.explanation);
    let json = serde_json::to_value(c).unwrap();
    assert_eq!(json["needs_judgement"], true);
    // Everything the records can show is met; the judgement alone stands between the worker
    // and eligibility, and nothing else is marked as needing one: the route waits on the manager.
    assert_eq!(r.status, RouteStatus::NeedsJudgement);
    assert_eq!(r.needs_judgement, vec![c.text.as_str()]);
    let judged: Vec<CriterionKind> = r.criteria.iter().filter(|c| c.needs_judgement).map(|c| c.kind).collect();
    assert_eq!(judged, [CriterionKind::StatedExperience]);
    assert!(
        r.criteria
            .iter()
            .filter(|c| c.kind != CriterionKind::StatedExperience)
            .all(|c| c.status == CriterionStatus::Met)
    );
}

#[test]
fn a_bexley_criterion_of_kind_other_also_says_it_needs_a_persons_judgement() {
    let f = bundled::framework("bexley").unwrap();
    let other = f
        .levels
        .iter()
        .flat_map(|l| l.requirements.iter())
        .find(|c| c.kind() == CriterionKind::Other)
        .expect("Bexley has an `other` requirement");
    let level = f.levels.iter().find(|l| l.requirements.contains(other)).unwrap();
    let route = f.routes.iter().find(|r| r.to == level.id).expect("a route into the level");
    let mut w = worker(route.from.as_str());
    w.level = route.from.level().expect("Bexley's routes start at a level").clone();
    let results = evaluate(&f, &w, d("2026-05-01"));
    let r = results.iter().find(|r| r.route == route.id).unwrap();
    let c = r.criteria.iter().find(|c| c.kind == CriterionKind::Other).unwrap();
    assert!(c.needs_judgement, "{c:?}");
    assert_eq!(c.status, CriterionStatus::Unknown);
    assert!(
        r.criteria
            .iter()
            .filter(|c| c.kind != CriterionKind::Other && c.kind != CriterionKind::AnyOf)
            .all(|c| !c.needs_judgement),
        "criteria the records answer never need a judgement"
    );
}

#[test]
fn fifteen_credits_at_masters_level_are_counted_from_recorded_awards() {
    let mut w = worker("experienced-social-worker");
    w.awards = vec![award(AwardKind::Course, "Child protection module", "2024-06-30", Some(6), Some(20))];
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::AcademicCredits).clone();
    assert_eq!(c.status, CriterionStatus::NotMet, "undergraduate credits do not count: {}", c.explanation);
    assert!(c.explanation.contains("15 are needed"), "{}", c.explanation);

    w.awards.push(award(AwardKind::Course, "Advanced assessment module", "2025-01-31", Some(7), Some(10)));
    w.awards.push(award(AwardKind::Course, "Court skills module", "2025-07-31", Some(7), Some(10)));
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::AcademicCredits).clone();
    assert_eq!(c.status, CriterionStatus::Met, "10 + 10 at level 7: {}", c.explanation);
    assert_eq!(c.met_on, Some(d("2025-07-31")), "met when the fifteenth credit was earned");
    assert!(c.explanation.contains("20 credits at FHEQ level 7 (Master's)"), "{}", c.explanation);

    // An award whose level or credits are not recorded leaves the answer open, not "no".
    let mut unsure = worker("experienced-social-worker");
    unsure.awards = vec![award(AwardKind::PostgraduateCertificate, "PG Cert", "2024-06-30", None, None)];
    let c = criterion(&to_sp(&unsure, "2026-05-01"), CriterionKind::AcademicCredits).clone();
    assert_eq!(c.status, CriterionStatus::Unknown, "{}", c.explanation);
    assert!(c.explanation.contains("do not record their level and credits"), "{}", c.explanation);
}

#[test]
fn awards_are_matched_by_their_recorded_kind_and_level_not_by_part_of_a_title() {
    // Eastmoor: "a postgraduate certificate or diploma", recorded at Master's level.
    let mut w = worker("experienced-social-worker");
    w.awards = vec![
        award(AwardKind::Course, "Postgraduate certificate in practice (short course)", "2024-06-30", Some(7), None),
        award(AwardKind::Masters, "MA Social Work Leadership", "2024-06-30", Some(7), None),
        award(AwardKind::PostgraduateCertificate, "Graduate certificate", "2024-06-30", Some(6), None),
    ];
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::PostgraduateAward).clone();
    assert_eq!(c.status, CriterionStatus::NotMet, "{}", c.explanation);
    w.awards.push(award(AwardKind::PostgraduateDiploma, "PG Dip Advanced Practice", "2025-06-30", Some(7), Some(120)));
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::PostgraduateAward).clone();
    assert_eq!(c.status, CriterionStatus::Met, "{}", c.explanation);
    assert!(c.explanation.contains("PG Dip Advanced Practice"), "{}", c.explanation);

    // Bexley names its awards; a title that merely contains a named award's words is a
    // different award.
    let f = bundled::framework("bexley").unwrap();
    let named = f.routes.iter().flat_map(|r| r.criteria.iter()).find(|c| c.kind() == CriterionKind::PostgraduateAward);
    let named = named.expect("Bexley names postgraduate awards on a route");
    let route = f.routes.iter().find(|r| r.criteria.contains(named)).unwrap();
    let mut w = worker(route.from.as_str());
    w.awards = vec![award(
        AwardKind::PostgraduateCertificate,
        "Postgraduate Certificate in Leadership Management and Supervision (foundation module only)",
        "2024-06-30",
        None,
        None,
    )];
    let judged = |w: &WorkerFacts| {
        let results = evaluate(&f, w, d("2026-05-01"));
        let r = results.iter().find(|r| r.route == route.id).unwrap().clone();
        r.criteria.iter().find(|c| c.kind == CriterionKind::PostgraduateAward).unwrap().status
    };
    assert_eq!(judged(&w), CriterionStatus::NotMet);
    w.awards[0].title = "Postgraduate  certificate in leadership, management and supervision".into();
    assert_eq!(judged(&w), CriterionStatus::Met, "case, spacing and punctuation do not matter");
    w.awards[0].kind = AwardKind::Course;
    assert_eq!(judged(&w), CriterionStatus::NotMet, "recorded as a course, it is not a postgraduate award");
}

#[test]
fn national_assessment_and_accreditation_on_record_is_met() {
    let mut w = worker("experienced-social-worker");
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::Accreditation).clone();
    assert_eq!(c.status, CriterionStatus::NotMet);
    assert!(c.explanation.contains("NAAS"), "{}", c.explanation);
    w.attestations = vec![attested(AttestationKind::Accreditation, Some("naas"), "2025-11-20")];
    let c = criterion(&to_sp(&w, "2026-05-01"), CriterionKind::Accreditation).clone();
    assert_eq!((c.status, c.met_on), (CriterionStatus::Met, Some(d("2025-11-20"))), "{}", c.explanation);
    // Recorded after the day asked about: not yet.
    assert_eq!(criterion(&to_sp(&w, "2025-11-19"), CriterionKind::Accreditation).status, CriterionStatus::NotMet);
}
