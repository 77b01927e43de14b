//! Rotherham's Social Work Progression Framework (seed 001), pinned to what the document says.

use chrono::NaiveDate;
use pathway_core::Pence;
use pathway_core::framework::{
    Criterion, CriterionKind, CriterionTest, Framework, LevelId, Placement, Relation, Route, RouteId, Spine, Step,
    Trigger,
};
use pathway_core::pay::{self, Amount};

fn rotherham() -> Framework {
    match pathway_core::bundled::framework("rotherham") {
        Some(f) => f,
        None => panic!("rotherham.toml does not load"),
    }
}

fn route<'a>(f: &'a Framework, id: &str) -> &'a Route {
    match f.route(&RouteId::from(id)) {
        Some(r) => r,
        None => panic!("no route {id}"),
    }
}

fn criterion(r: &Route, kind: CriterionKind) -> &Criterion {
    match r.criteria.iter().find(|c| c.kind() == kind) {
        Some(c) => c,
        None => panic!("route {} has no {kind:?} criterion", r.id),
    }
}

fn step<'a>(r: &'a Route, id: &str) -> &'a Step {
    match r.steps.iter().find(|s| s.id == id) {
        Some(s) => s,
        None => panic!("route {} has no step {id}", r.id),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("bad date"),
    }
}

#[test]
fn loads_without_errors_and_warns_only_of_unverified_njc_figures() {
    let file = pathway_core::bundled::file("rotherham").expect("bundled");
    let loaded = pathway_core::framework::load(file.text);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render(file.file)).collect();
    // The only warnings are SCPs whose NJC reference figures are unverified (32-34, 36, 37).
    assert!(loaded.framework.is_some(), "rotherham.toml diagnostics:\n{}", rendered.join("\n"));
    let missing: Vec<&str> =
        loaded.diagnostics.iter().map(|d| if d.code == "njc-figure-unverified" { "njc" } else { d.code }).collect();
    assert_eq!(missing, ["njc"; 5], "rotherham.toml diagnostics:\n{}", rendered.join("\n"));
}

#[test]
fn bands_g_to_j_are_njc_spinal_column_points() {
    let f = rotherham();
    let bands: Vec<(&str, Vec<Option<u32>>)> = f
        .grades
        .iter()
        .map(|g| {
            assert_eq!(g.spine, Spine::Njc, "{}", g.id);
            (g.name.as_str(), g.points.iter().map(|p| p.scp).collect())
        })
        .collect();
    assert_eq!(
        bands,
        [
            ("Band G", vec![Some(29)]),
            ("Band H", vec![Some(32), Some(33)]),
            ("Band I", vec![Some(34), Some(35), Some(36), Some(37)]),
            ("Band J", vec![Some(38), Some(39), Some(40), Some(41)]),
        ]
    );
    let levels: Vec<(&str, &str)> = f.levels.iter().map(|l| (l.id.as_str(), l.grades[0].as_str())).collect();
    assert_eq!(levels, [("level-1", "band-g"), ("level-2", "band-h"), ("level-3", "band-i"), ("level-4", "band-j")]);
    assert!(f.find_level("Level 1").expect("level 1").asye);
}

#[test]
fn every_level_requires_a_social_work_qualification() {
    let f = rotherham();
    for l in &f.levels {
        assert!(
            l.requirements.iter().any(|c| c.kind() == CriterionKind::Qualification && c.essential),
            "{} lacks the essential qualification",
            l.id
        );
    }
}

#[test]
fn band_j_point_40_pays_the_njc_2024_25_figure() {
    let f = rotherham();
    let s = pay::salary(&f, "J", "40", date(2024, 6, 1)).expect("Band J has point 40");
    assert_eq!(s.scp, Some(40));
    assert_eq!(s.basic, Amount::Known { pence: Pence::pounds(49_764) });
    assert_eq!(s.pay_year.as_deref(), Some("NJC pay year 2024-25"));
    assert_eq!(s.figure_unverified, None, "SCP 40 was read from a published table");
}

#[test]
fn band_i_point_34_is_paid_from_the_filled_spine_and_labelled_unverified() {
    let f = rotherham();
    let s = pay::salary(&f, "Band I", "34", date(2024, 6, 1)).expect("Band I has point 34");
    assert_eq!(s.basic, Amount::Known { pence: Pence::pounds(43_693) });
    assert!(s.figure_unverified.is_some(), "SCP 34 was filled from recalled figures");
    assert!(s.notes.iter().any(|n| n.contains("SCP 34") && n.contains("unverified")), "{:?}", s.notes);
}

#[test]
fn band_h_now_has_figures_for_both_its_points() {
    let f = rotherham();
    for (point, pounds) in [("32", 41_511), ("33", 42_708)] {
        let s = pay::salary(&f, "Band H", point, date(2024, 6, 1)).expect("Band H point");
        assert_eq!(s.basic, Amount::Known { pence: Pence::pounds(pounds) }, "SCP {point}");
        assert!(s.figure_unverified.is_some(), "SCP {point}");
    }
}

#[test]
fn a_date_after_the_last_award_on_record_is_paid_at_that_years_rates_and_says_so() {
    let f = rotherham();
    // 2026-27 has started but no award for it is on record: the 2025-26 rates go on being paid.
    let s = pay::salary(&f, "J", "40", date(2026, 6, 1)).expect("Band J has point 40");
    assert_eq!(s.basic, Amount::Known { pence: Pence::pounds(51_356) });
    assert_eq!(s.pay_year.as_deref(), Some("NJC pay year 2025-26"));
    assert!(s.notes.iter().any(|n| n.contains("No NJC pay award for 2026-27")), "{:?}", s.notes);
}

#[test]
fn a_date_before_the_framework_took_effect_gets_no_figures() {
    let f = rotherham();
    let s = pay::salary(&f, "J", "40", date(2024, 3, 1)).expect("Band J has point 40");
    match &s.basic {
        Amount::Unknown { reason } => assert!(reason.contains("2024-04-01"), "{reason}"),
        known => panic!("a date before the framework is answered with {known:?}"),
    }
    assert_eq!(s.pay_year, None);
    assert_eq!(s.total_annual_pence, None);
}

#[test]
fn nqsw_progresses_to_level_2_on_the_asye_with_locality_manager_sign_off() {
    let f = rotherham();
    let r = route(&f, "level-1-to-level-2");
    assert_eq!(r.trigger, Trigger::AsyePass);
    assert_eq!(r.decided_by.as_ref().map(|x| x.as_str()), Some("locality-manager"));
    assert_eq!(r.signed_off_by.as_ref().map(|x| x.as_str()), Some("locality-manager"));
    let assessment = step(r, "final-assessment");
    let who: Vec<&str> = assessment.assessors.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(who, ["team-manager", "social-work-practice-consultant"]);
    assert_eq!(f.asye.as_ref().and_then(|a| a.on_pass.clone()), Some(RouteId::from("level-1-to-level-2")));
}

#[test]
fn level_3_needs_two_pq_years_a_desirable_pq_award_and_accepts_the_pre_2013_portfolio() {
    let f = rotherham();
    let r = route(&f, "level-2-to-level-3");
    assert_eq!(criterion(r, CriterionKind::PostQualifyingYears).test, CriterionTest::PostQualifyingYears { years: 2 });
    assert!(!criterion(r, CriterionKind::PqAward).essential, "PQ award is desirable");
    assert_eq!(
        criterion(r, CriterionKind::AsyePassed).test,
        CriterionTest::AsyePassed { accepts: vec!["nqsw-portfolio-pre-2013".into()], up_to_years: None }
    );
    assert!(criterion(r, CriterionKind::AppraisalRecommends).essential);

    let order: Vec<&str> = r.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(order, ["team-manager-assessment", "part-1", "part-2", "interview", "case-file-audit", "part-3"]);
    let audit = step(r, "case-file-audit");
    assert_eq!(audit.case_files, Some(4));
    assert_eq!(audit.assessors[0].role.as_str(), "locality-manager");
    assert_eq!(step(r, "part-1").assessors[0].role.as_str(), "worker");
}

#[test]
fn level_4_needs_three_pq_years_and_an_independent_head_of_service() {
    let f = rotherham();
    let r = route(&f, "level-3-to-level-4");
    assert_eq!(criterion(r, CriterionKind::PostQualifyingYears).test, CriterionTest::PostQualifyingYears { years: 3 });
    assert!(!criterion(r, CriterionKind::PqAward).essential);
    assert!(r.independent_roles.iter().any(|x| x.as_str() == "head-of-service"));

    let interview = step(r, "interview");
    let hos = interview.assessors.iter().find(|a| a.role.as_str() == "head-of-service").expect("HoS on the panel");
    assert_eq!(hos.relation, Relation::Independent);
    let mut panel: Vec<&str> = interview.assessors.iter().map(|a| a.role.as_str()).collect();
    panel.sort_unstable();
    assert_eq!(panel, ["head-of-service", "locality-manager", "team-manager"]);

    let audit = step(r, "case-file-audit");
    assert_eq!(audit.case_files, Some(4));
    assert_eq!(audit.assessors[0].relation, Relation::Independent);
    assert!(audit.checks.iter().any(|c| c.contains("professional development of other staff")));
}

#[test]
fn the_head_of_service_form_is_kept_as_printed_and_flagged() {
    let f = rotherham();
    let r = route(&f, "level-3-to-level-4");
    assert_eq!(step(r, "head-of-service-form").form.as_deref(), Some("Part 2"));
    assert!(f.anomalies.iter().any(|a| a.description.contains("Form Part 2")));
}

#[test]
fn external_applicants_are_assessed_at_interview_regardless_of_experience() {
    let f = rotherham();
    let e = f.external_applicants.as_ref().expect("[external_applicants]");
    assert!(e.any_level);
    assert!(!e.experience_limits_level);
    assert_eq!(e.assessment, ["application form", "assessment at interview", "references"]);
    assert!(e.criteria.iter().any(|c| c.kind() == CriterionKind::AsyePassed));

    let placement = f.pay.placement.as_ref().expect("[pay.placement]");
    assert_eq!(placement.on_appointment, Placement::AssessedAtInterview);
    let band_g = f.find_grade("G").expect("Band G");
    assert!(pay::place_on_appointment(&f, band_g, date(2024, 6, 1)).needs_decision);
}

#[test]
fn progression_is_gated_by_the_pdr_and_can_be_fast_tracked() {
    let f = rotherham();
    let a = f.appraisal.as_ref().expect("[appraisal]");
    assert_eq!(a.name, "Performance Development Review (PDR)");
    assert!(a.gates_progression);
    assert!(f.fast_track.as_ref().is_some_and(|t| t.allowed));
    assert!(f.level(&LevelId::from("level-4")).is_some_and(|l| l.open_to_external));
}
