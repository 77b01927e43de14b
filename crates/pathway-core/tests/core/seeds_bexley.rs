//! Bexley's Children's Social Care Career Pathway (seed 002), pinned to what its pages say.

use chrono::NaiveDate;
use pathway_core::Pence;
use pathway_core::framework::{
    Basis, Criterion, CriterionKind, CriterionTest, Extension, Framework, IncrementDate, LevelId, PayPublication,
    Placement, RoleId, RouteId, Track, Trigger,
};
use pathway_core::pay::{self, Amount};

fn bexley() -> Framework {
    match pathway_core::bundled::framework("bexley") {
        Some(f) => f,
        None => panic!("bexley.toml does not load"),
    }
}

/// A date inside the (placeholder) first year of the framework.
fn on() -> NaiveDate {
    match NaiveDate::from_ymd_opt(2024, 6, 1) {
        Some(d) => d,
        None => panic!("1 June 2024 is a date"),
    }
}

fn level_ids(f: &Framework) -> Vec<&str> {
    f.levels.iter().map(|l| l.id.as_str()).collect()
}

fn route<'a>(f: &'a Framework, id: &str) -> &'a pathway_core::framework::Route {
    f.route(&RouteId::from(id)).unwrap_or_else(|| panic!("no route `{id}`"))
}

#[test]
fn loads_with_only_the_unconfirmed_practice_leader_title_as_a_warning() {
    let file = pathway_core::bundled::file("bexley").expect("bundled");
    let loaded = pathway_core::framework::load(file.text);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render(file.file)).collect();
    assert!(!loaded.has_errors(), "bexley.toml errors:\n{}", rendered.join("\n"));
    // Service Managers' list prints practice leader statement 3, whose title is unconfirmed.
    assert!(loaded.diagnostics.iter().all(|d| d.code == "unverified-standard"), "{}", rendered.join("\n"));
}

#[test]
fn has_nine_levels_from_newly_qualified_to_service_manager() {
    let f = bexley();
    assert_eq!(
        level_ids(&f),
        [
            "nqsw",
            "level-2",
            "level-3",
            "senior-practitioner",
            "assistant-team-manager",
            "practice-development-consultant",
            "cp-chair-iro",
            "team-manager",
            "service-manager",
        ]
    );
    let track = |id: &str| f.level(&LevelId::from(id)).map(|l| l.track);
    assert_eq!(track("senior-practitioner"), Some(Track::Practice));
    assert_eq!(track("cp-chair-iro"), Some(Track::Advanced));
    assert_eq!(track("team-manager"), Some(Track::Management));
    assert_eq!(track("service-manager"), Some(Track::Strategic));
}

#[test]
fn the_document_is_undated_so_the_effective_date_is_a_placeholder() {
    let f = bexley();
    assert_eq!(f.framework.authority, "London Borough of Bexley");
    assert_eq!(f.framework.effective_from, NaiveDate::from_ymd_opt(2024, 4, 1).expect("date"));
    assert!(f.framework.notes.iter().any(|n| n.contains("undated") && n.contains("placeholder")));
}

#[test]
fn each_level_is_measured_against_the_pcf_level_the_pages_name() {
    let f = bexley();
    let pcf: Vec<(&str, Option<&str>)> = f.levels.iter().map(|l| (l.id.as_str(), l.pcf_level.as_deref())).collect();
    assert_eq!(
        pcf,
        [
            ("nqsw", Some("asye")),
            ("level-2", Some("social-worker")),
            ("level-3", Some("experienced-social-worker")),
            ("senior-practitioner", Some("experienced-social-worker")),
            ("assistant-team-manager", Some("advanced")),
            ("practice-development-consultant", Some("advanced")),
            ("cp-chair-iro", Some("advanced")),
            ("team-manager", Some("advanced")),
            ("service-manager", Some("strategic")),
        ]
    );
}

#[test]
fn practitioners_list_eight_of_the_ten_child_and_family_statements() {
    let f = bexley();
    let cfp_1_to_8: Vec<String> = (1..=8).map(|n| format!("cfp.{n}")).collect();
    for id in ["level-2", "level-3", "senior-practitioner"] {
        let l = f.level(&LevelId::from(id)).expect("level");
        assert_eq!(l.kss, ["cfp"], "{id}");
        assert_eq!(l.kss_statements_listed, cfp_1_to_8, "{id}");
    }
    assert!(f.framework.notes.iter().any(|n| n.contains("statements 1-8") && n.contains("has 10")));
}

#[test]
fn managers_list_the_supervisor_and_leader_statements() {
    let f = bexley();
    let ps_1_to_8: Vec<String> = (1..=8).map(|n| format!("ps.{n}")).collect();
    let pl_1_to_6: Vec<String> = (1..=6).map(|n| format!("pl.{n}")).collect();
    let atm = f.find_level("ATM").expect("ATM");
    assert_eq!(atm.kss, ["cfp", "ps"]);
    assert_eq!(atm.kss_statements_listed, ps_1_to_8);
    let tm = f.find_level("Team Manager").expect("Team Manager");
    assert_eq!(tm.kss_statements_listed, ps_1_to_8);
    let sm = f.find_level("Service Manager").expect("Service Manager");
    assert_eq!(sm.kss, ["pl"]);
    assert_eq!(sm.kss_statements_listed, pl_1_to_6);
}

#[test]
fn pay_is_partial_with_choices_on_every_level() {
    let f = bexley();
    assert_eq!(f.pay.salaries, PayPublication::Partial);
    let [choices] = f.pay.allowances.as_slice() else { panic!("one allowance") };
    assert_eq!(choices.name, "Choices");
    assert_eq!(choices.annual, Pence::pounds(2_251));
    assert!(choices.grades.is_empty(), "Choices is paid on every grade");
    for g in &f.grades {
        assert!(!g.points_complete, "{} prints only start and top", g.id);
        let names: Vec<&str> = g.points.iter().map(|p| p.point.as_str()).collect();
        assert_eq!(names, ["start", "top"], "{}", g.id);
    }
}

#[test]
fn nqsw_starts_on_25742_a_total_starting_package_of_27993() {
    let f = bexley();
    let s = pay::salary(&f, "NQSW", "start", on()).expect("salary");
    assert_eq!(s.basic_annual_pence, Some(Pence::pounds(25_742)));
    assert_eq!(s.allowances_annual_pence, Some(Pence::pounds(2_251)));
    assert_eq!(s.total_annual_pence, Some(Pence::pounds(27_993)));
}

#[test]
fn nqsw_has_no_published_maximum() {
    let f = bexley();
    let s = pay::salary(&f, "NQSW", "top", on()).expect("salary");
    assert!(matches!(s.basic, Amount::Unknown { .. }), "{:?}", s.basic);
    assert_eq!(s.total_annual_pence, None);
}

#[test]
fn level_3_tops_out_at_37646_plus_choices_39897() {
    let f = bexley();
    let s = pay::salary(&f, "Level 3", "top", on()).expect("salary");
    assert_eq!(s.basic_annual_pence, Some(Pence::pounds(37_646)));
    assert_eq!(s.total_annual_pence, Some(Pence::pounds(37_646 + 2_251)));
    assert_eq!(s.total_annual_pence, Some(Pence::pounds(39_897)));
    assert!(s.top_of_grade);
}

#[test]
fn every_starting_and_maximum_package_matches_the_pages() {
    let f = bexley();
    // (grade, starting salary, total starting package, rising to, total maximum package)
    let printed = [
        ("level-2", 28_687, 30_938, 32_498, 34_749),
        ("level-3", 32_559, 34_810, 37_646, 39_897),
        ("senior-and-advanced", 37_901, 40_152, 43_570, 45_821),
        ("team-manager", 43_964, 46_215, 50_254, 52_505),
        ("service-manager", 50_815, 53_066, 58_508, 60_759),
    ];
    for (grade, start, start_package, top, top_package) in printed {
        let s = pay::salary(&f, grade, "start", on()).expect("start");
        assert_eq!(s.basic_annual_pence, Some(Pence::pounds(start)), "{grade} start");
        assert_eq!(s.total_annual_pence, Some(Pence::pounds(start_package)), "{grade} start package");
        let t = pay::salary(&f, grade, "top", on()).expect("top");
        assert_eq!(t.basic_annual_pence, Some(Pence::pounds(top)), "{grade} top");
        assert_eq!(t.total_annual_pence, Some(Pence::pounds(top_package)), "{grade} top package");
    }
}

#[test]
fn senior_practitioner_and_the_advanced_roles_share_one_grade() {
    let f = bexley();
    let on_grade: Vec<&str> = f.levels_on_grade(&"senior-and-advanced".into()).map(|l| l.id.as_str()).collect();
    assert_eq!(
        on_grade,
        ["senior-practitioner", "assistant-team-manager", "practice-development-consultant", "cp-chair-iro"]
    );
}

#[test]
fn increments_and_placement_are_marked_as_assumptions() {
    let f = bexley();
    let inc = f.pay.increments.as_ref().expect("increments");
    assert_eq!(
        (inc.on, inc.month, inc.day, inc.first_after_months),
        (IncrementDate::FixedDate, Some(4), Some(1), Some(6))
    );
    assert_eq!(inc.basis, Basis::Assumed);
    let place = f.pay.placement.as_ref().expect("placement");
    assert_eq!(place.on_promotion, Placement::LowestPointNotBelowCurrent);
    assert_eq!(place.on_appointment, Placement::BottomOfGrade);
    assert_eq!(place.basis, Basis::Assumed);
}

#[test]
fn the_asye_lasts_twelve_months_and_the_moderation_panel_decides() {
    let f = bexley();
    let asye = f.asye.as_ref().expect("[asye]");
    assert_eq!(asye.length_months, 12);
    assert_eq!(asye.extension, Extension::ExtenuatingCircumstancesOnly);
    assert!(asye.intake_months.is_empty(), "intakes are not stated");
    assert_eq!(asye.recommended_by, Some(RoleId::from("academy-practice-educator")));
    assert_eq!(asye.decided_by, Some(RoleId::from("internal-moderation-panel")));
    assert_eq!(asye.on_pass, Some(RouteId::from("nqsw-to-level-2")));
    let nqsw = f.find_level("NQSW").expect("NQSW");
    assert!(nqsw.asye);
    assert_eq!(nqsw.expected_months, Some(12));
}

#[test]
fn passing_the_asye_and_probation_makes_a_level_2_social_worker() {
    let f = bexley();
    let r = route(&f, "nqsw-to-level-2");
    assert_eq!((r.from.as_str(), r.to.as_str()), ("nqsw", "level-2"));
    assert_eq!(r.kind, "automatic-on-asye-pass");
    assert_eq!(r.trigger, Trigger::AsyePass);
    let kinds: Vec<CriterionKind> = r.criteria.iter().map(Criterion::kind).collect();
    assert_eq!(kinds, [CriterionKind::AsyePassed, CriterionKind::ProbationComplete]);
    let steps: Vec<(&str, bool)> = r.steps.iter().map(|s| (s.kind.as_str(), s.decides)).collect();
    assert_eq!(steps, [("recommendation", false), ("moderation", true)]);
}

#[test]
fn level_3_is_reached_through_the_career_progression_panel_portfolio() {
    let f = bexley();
    let r = route(&f, "level-2-to-level-3");
    assert_eq!(r.kind, "portfolio-panel");
    assert_eq!(r.decided_by, Some(RoleId::from("career-progression-panel")));
    let evidence: Vec<(&str, u32)> = r.evidence.iter().map(|e| (e.kind.as_str(), e.min)).collect();
    assert_eq!(
        evidence,
        [("other", 1), ("reflective-summary", 2), ("practice-observation", 1), ("manager-report", 1), ("feedback", 2),]
    );
    let [panel] = r.steps.as_slice() else { panic!("one step") };
    assert_eq!(panel.kind, "panel");
    assert!(panel.decides);
}

#[test]
fn reflective_summaries_are_linked_to_both_pcf_and_kss() {
    let f = bexley();
    let r = route(&f, "level-2-to-level-3");
    let rs = r.evidence.iter().find(|e| e.kind == "reflective-summary").expect("reflective summaries");
    assert_eq!(rs.min, 2);
    assert!(rs.tag_pcf && rs.tag_kss);
    assert_eq!(rs.max, None, "the page sets a minimum, not a maximum");
}

#[test]
fn the_observation_is_by_the_team_manager_and_the_single_page_report_is_authorised_twice() {
    let f = bexley();
    let r = route(&f, "level-2-to-level-3");
    let obs = r.evidence.iter().find(|e| e.kind == "practice-observation").expect("observation");
    assert_eq!(obs.by, Some(RoleId::from("team-manager")));
    let report = r.evidence.iter().find(|e| e.kind == "manager-report").expect("report");
    assert_eq!(report.max_pages, Some(1));
    assert_eq!(report.authorised_by, [RoleId::from("service-manager"), RoleId::from("head-of-service")]);
    let feedback = r.evidence.iter().find(|e| e.kind == "feedback").expect("feedback");
    assert_eq!(feedback.from.as_deref(), Some("child-or-young-person"));
}

#[test]
fn every_move_above_level_3_is_by_applying_for_a_post() {
    let f = bexley();
    let vacancy_routes: Vec<(&str, &str)> =
        f.routes.iter().filter(|r| r.trigger == Trigger::Vacancy).map(|r| (r.from.as_str(), r.to.as_str())).collect();
    assert_eq!(
        vacancy_routes,
        [
            ("level-3", "senior-practitioner"),
            ("senior-practitioner", "assistant-team-manager"),
            ("senior-practitioner", "practice-development-consultant"),
            ("senior-practitioner", "cp-chair-iro"),
            ("assistant-team-manager", "team-manager"),
            ("practice-development-consultant", "team-manager"),
            ("cp-chair-iro", "team-manager"),
            ("team-manager", "service-manager"),
        ]
    );
    assert!(f.routes.iter().filter(|r| r.trigger == Trigger::Vacancy).all(|r| r.kind == "application-and-interview"));
    assert_eq!(f.routes.len(), 10);
}

#[test]
fn advanced_social_workers_need_leadership_management_and_supervision_to_move_into_management() {
    let f = bexley();
    for from in ["assistant-team-manager", "practice-development-consultant", "cp-chair-iro"] {
        let r = route(&f, &format!("{from}-to-team-manager"));
        let pg = r.criteria.iter().find(|c| c.kind() == CriterionKind::PostgraduateAward).expect("award");
        let CriterionTest::PostgraduateAward { names, .. } = &pg.test else { unreachable!("found by kind") };
        assert!(
            !names.is_empty() && names.iter().all(|n| n.contains("Leadership Management and Supervision")),
            "{from}"
        );
        assert!(!pg.committed_counts, "'having completed'");
    }
}

#[test]
fn senior_practitioners_have_or_are_committed_to_peps_or_an_education_award() {
    let f = bexley();
    let sp = f.find_level("Senior Practitioner").expect("Senior Practitioner");
    let any = sp.requirements.iter().find(|c| c.kind() == CriterionKind::AnyOf).expect("any-of");
    let CriterionTest::AnyOf { options } = &any.test else { unreachable!("found by kind") };
    let options: Vec<(CriterionKind, Option<u32>, bool)> = options
        .iter()
        .map(|o| {
            let stage = match o.test {
                CriterionTest::PepsStage { stage } => Some(stage),
                _ => None,
            };
            (o.kind(), stage, o.committed_counts)
        })
        .collect();
    assert_eq!(
        options,
        [
            (CriterionKind::PepsStage, Some(1), true),
            (CriterionKind::PepsStage, Some(2), true),
            (CriterionKind::Course, None, false),
            (CriterionKind::PostgraduateAward, None, false),
        ]
    );
    assert!(sp.caseload.as_deref().is_some_and(|c| c.contains("court proceedings")));
}

#[test]
fn advanced_roles_need_peps_or_an_education_award_and_a_postgraduate_award() {
    let f = bexley();
    for id in ["assistant-team-manager", "practice-development-consultant", "cp-chair-iro"] {
        let l = f.level(&LevelId::from(id)).expect("level");
        let kinds: Vec<CriterionKind> = l.requirements.iter().map(Criterion::kind).collect();
        assert_eq!(kinds, [CriterionKind::AnyOf, CriterionKind::PostgraduateAward], "{id}");
        assert!(l.requirements.iter().all(|c| c.committed_counts), "{id}: 'completed or, are committed to complete'");
        let CriterionTest::PostgraduateAward { names, .. } = &l.requirements[1].test else {
            unreachable!("checked above")
        };
        assert!(names.iter().any(|n| n == "MA Advanced Child Protection"), "{id}");
    }
}

#[test]
fn only_child_protection_chairs_and_iros_hold_cases_among_the_advanced_roles() {
    let f = bexley();
    let caseload = |name: &str| f.find_level(name).and_then(|l| l.caseload.clone()).unwrap_or_default();
    assert!(caseload("IRO").contains("will hold cases"));
    assert!(caseload("Child Protection Conference Chair").contains("will hold cases"));
    assert!(caseload("ATM").contains("do not hold caseloads"));
    assert!(caseload("Practice Educator").contains("do not hold caseloads"));
}

#[test]
fn development_opportunities_are_listed_for_every_level() {
    let f = bexley();
    let count = |id: &str| f.level(&LevelId::from(id)).map(|l| l.development.len()).unwrap_or(0);
    assert_eq!(count("nqsw"), 5);
    assert_eq!(count("level-2"), 5);
    assert_eq!(count("level-3"), 12);
    assert_eq!(count("senior-practitioner"), 12);
    assert_eq!(count("assistant-team-manager"), 10);
    assert_eq!(count("team-manager"), 6);
    assert_eq!(count("service-manager"), 3);
    let l2 = f.level(&LevelId::from("level-2")).expect("level 2");
    assert!(l2.development.iter().any(|d| d.contains("Level 3 Progression Panel")));
}

#[test]
fn the_historical_hcpc_re_registration_is_recorded_as_printed() {
    let f = bexley();
    let nqsw = f.find_level("NQSW").expect("NQSW");
    let reg = nqsw.requirements.iter().find(|c| c.kind() == CriterionKind::Registration).expect("registration");
    assert!(reg.text.contains("HCPC, every two years"));
}
