//! Evidence portfolios against the seeds' routes: what counts, what does not and why, and the
//! verdict a social worker reads before a panel.

use chrono::NaiveDate;
use pathway_core::anonymise::AnonymisationStatus;
use pathway_core::framework::{Framework, Route, RouteId};
use pathway_core::ids::{EvidenceId, WorkerId};
use pathway_core::portfolio::{
    Authorisation, Contributor, Coverage, EvidenceDetail, EvidenceItem, EvidenceParts, FeedbackSource, MissingReason,
    Shortfall, coverage,
};
use pathway_core::workforce::{AwardKind, PersonName};

fn framework(id: &str) -> Framework {
    pathway_core::bundled::framework(id).unwrap_or_else(|| panic!("{id}.toml does not load"))
}

fn route<'f>(f: &'f Framework, id: &str) -> &'f Route {
    f.route(&RouteId::from(id)).unwrap_or_else(|| panic!("no route `{id}`"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The day the portfolio is checked.
fn today() -> NaiveDate {
    date(2025, 6, 2)
}

fn person(name: &str) -> PersonName {
    PersonName::parse(name).unwrap()
}

/// An anonymised, dated, text-only item of `detail` owned by worker 42.
fn parts(id: i64, detail: EvidenceDetail, title: &str) -> EvidenceParts {
    EvidenceParts {
        id: EvidenceId::new(id),
        owner: WorkerId::new(42),
        detail,
        date: date(2025, 3, 3),
        title: title.into(),
        text: Some("Child A (7) lives with Ms H. I used a Signs of Safety mapping with the family.".into()),
        files: Vec::new(),
        pages: None,
        authorisations: Vec::new(),
        pcf: Vec::new(),
        kss: Vec::new(),
        pcf_level: None,
        anonymisation: AnonymisationStatus::Cleared { on: date(2025, 3, 4) },
    }
}

fn item(p: EvidenceParts) -> EvidenceItem {
    EvidenceItem::new(p).unwrap_or_else(|e| panic!("invalid evidence: {e}"))
}

fn reflective_summary(id: i64, title: &str, pcf: &[&str], kss: &[&str]) -> EvidenceItem {
    item(EvidenceParts {
        pcf: pcf.iter().map(|s| s.to_string()).collect(),
        kss: kss.iter().map(|s| s.to_string()).collect(),
        ..parts(id, EvidenceDetail::ReflectiveSummary, title)
    })
}

fn observation_by(id: i64, role: &str, name: &str) -> EvidenceItem {
    item(parts(
        id,
        EvidenceDetail::PracticeObservation {
            observer: Contributor { role: role.into(), name: person(name), worker: None, entered_by: None },
        },
        "Observation of a home visit",
    ))
}

fn authorised(role: &str, by: &str, on: NaiveDate) -> Authorisation {
    Authorisation { role: role.into(), by: person(by), on, worker: None }
}

fn managers_report(id: i64, pages: u32, authorisations: Vec<Authorisation>) -> EvidenceItem {
    item(EvidenceParts {
        pages: Some(pages),
        authorisations,
        ..parts(
            id,
            EvidenceDetail::ManagerReport {
                written_by: Some(Contributor {
                    role: "team-manager".into(),
                    name: person("Sam Okafor"),
                    worker: None,
                    entered_by: None,
                }),
            },
            "Manager's report for the Level 3 panel",
        )
    })
}

fn feedback(id: i64, from: FeedbackSource) -> EvidenceItem {
    item(parts(id, EvidenceDetail::Feedback { from }, "What Child B said about our visits"))
}

fn practice_development(id: i64) -> EvidenceItem {
    item(parts(id, EvidenceDetail::Other, "Practice development against my appraisal goals"))
}

/// A Bexley Level 2 worker's portfolio, complete for the Level 3 panel, with the manager's
/// report authorised as given.
fn bexley_portfolio(report_authorisations: Vec<Authorisation>) -> Vec<EvidenceItem> {
    vec![
        practice_development(1),
        reflective_summary(2, "Working with a family through a child protection plan", &["pcf.6"], &["cfp.7"]),
        reflective_summary(
            3,
            "Direct work with a child who was not attending school",
            &["knowledge", "pcf.7"],
            &["cfp.3"],
        ),
        observation_by(4, "team-manager", "Sam Okafor"),
        managers_report(5, 1, report_authorisations),
        feedback(6, FeedbackSource::ChildOrYoungPerson),
        feedback(7, FeedbackSource::ChildOrYoungPerson),
    ]
}

fn both_authorisations() -> Vec<Authorisation> {
    vec![
        authorised("service-manager", "Priya Nair", date(2025, 4, 1)),
        authorised("head-of-service", "Dawn Ellis", date(2025, 4, 8)),
    ]
}

fn bexley_level_3(items: &[EvidenceItem]) -> Coverage {
    let f = framework("bexley");
    coverage(&f, route(&f, "level-2-to-level-3"), items, today())
}

fn rule<'c>(c: &'c Coverage, id: &str) -> &'c pathway_core::portfolio::RuleCoverage {
    c.rules.iter().find(|r| r.rule == id).unwrap_or_else(|| panic!("no rule `{id}`"))
}

#[test]
fn a_complete_bexley_level_2_portfolio_is_ready_to_submit() {
    let c = bexley_level_3(&bexley_portfolio(both_authorisations()));
    assert!(c.is_ready(), "{}", c.verdict);
    assert_eq!(c.verdict.to_string(), "ready to submit");
    assert_eq!(rule(&c, "reflective-summaries").counted, [EvidenceId::new(2), EvidenceId::new(3)]);
    assert_eq!(rule(&c, "child-feedback").counted.len(), 2);
    assert!(c.rules.iter().all(|r| r.met && r.not_counted.is_empty()));

    // PCF: the reflective summaries cover domains 5, 6 and 7 and nothing else.
    let covered: Vec<u32> = c.pcf.iter().filter(|d| d.covered).map(|d| d.number).collect();
    assert_eq!(covered, [5, 6, 7]);
    assert_eq!(c.pcf.len(), 9);
    // KSS: Level 3 lists child and family practitioner statements 1-8.
    let statements: Vec<&str> = c.kss.iter().map(|s| s.statement.as_str()).collect();
    assert_eq!(statements, ["cfp.1", "cfp.2", "cfp.3", "cfp.4", "cfp.5", "cfp.6", "cfp.7", "cfp.8"]);
    let covered: Vec<&str> = c.kss.iter().filter(|s| s.covered).map(|s| s.statement.as_str()).collect();
    assert_eq!(covered, ["cfp.3", "cfp.7"]);
}

#[test]
fn a_managers_report_authorised_only_by_the_service_manager_needs_head_of_service_authorisation() {
    // Two reflective summaries tagged to PCF and KSS, a practice observation by the team
    // manager, two child feedback examples, but a manager's report authorised only by the
    // service manager.
    let items = bexley_portfolio(vec![authorised("service-manager", "Priya Nair", date(2025, 4, 1))]);
    let c = bexley_level_3(&items);
    assert!(!c.is_ready());
    assert_eq!(c.verdict.to_string(), "not ready: manager's report needs head of service authorisation");

    let report = rule(&c, "managers-report");
    assert!(report.counted.is_empty());
    assert_eq!(report.missing_authorisations.len(), 1);
    assert_eq!(report.missing_authorisations[0].roles, ["head-of-service".into()]);
    assert_eq!(report.missing[0].reason, MissingReason::Authorisation);
    assert_eq!(report.missing[0].item, Some(EvidenceId::new(5)));
}

#[test]
fn a_reflective_summary_not_tagged_to_kss_does_not_count_towards_bexleys_two() {
    let mut items = bexley_portfolio(both_authorisations());
    items[2] = reflective_summary(3, "Direct work with a child who was not attending school", &["pcf.7"], &[]);
    let c = bexley_level_3(&items);
    let summaries = rule(&c, "reflective-summaries");
    assert_eq!(summaries.counted, [EvidenceId::new(2)]);
    assert_eq!(summaries.not_counted[0].reasons, [Shortfall::NotTaggedToKss { sets: vec!["cfp".into()] }]);
    assert_eq!(
        c.verdict.to_string(),
        "not ready: needs 1 more reflective summary tagged to the PCF and KSS (1 you have does not count: it is not \
         tagged to a KSS statement for child and family practitioners (cfp))"
    );
}

#[test]
fn a_kss_tag_from_another_statement_set_does_not_count_for_a_child_and_family_route() {
    let mut items = bexley_portfolio(both_authorisations());
    items[2] = reflective_summary(3, "Supervising a student", &["pcf.9"], &["ps.4"]);
    let c = bexley_level_3(&items);
    assert_eq!(rule(&c, "reflective-summaries").counted, [EvidenceId::new(2)]);
}

#[test]
fn a_practice_observation_by_a_senior_practitioner_does_not_count_where_the_route_needs_the_team_manager() {
    let mut items = bexley_portfolio(both_authorisations());
    items[3] = observation_by(4, "senior-practitioner", "Lee Grant");
    let c = bexley_level_3(&items);
    let observation = rule(&c, "practice-observation");
    assert!(observation.counted.is_empty());
    assert_eq!(observation.not_counted[0].why, ["it is by a senior practitioner, not the team manager"]);
    assert_eq!(
        c.verdict.to_string(),
        "not ready: needs a practice observation by the team manager (1 you have does not count: it is by a senior \
         practitioner, not the team manager)"
    );
}

#[test]
fn items_not_cleared_by_the_anonymisation_check_do_not_count_for_a_panel() {
    let mut items = bexley_portfolio(both_authorisations());
    let mut p = items[1].clone().into_parts();
    p.anonymisation = AnonymisationStatus::FlagsOutstanding { count: 3 };
    items[1] = item(p);
    let mut p = items[5].clone().into_parts();
    p.anonymisation = AnonymisationStatus::NotChecked;
    items[5] = item(p);

    let c = bexley_level_3(&items);
    assert_eq!(
        c.verdict.to_string(),
        "not ready: reflective summary \u{201c}Working with a family through a child protection plan\u{201d} needs \
         anonymisation check; example of feedback \u{201c}What Child B said about our visits\u{201d} needs \
         anonymisation check"
    );
    let why = &rule(&c, "reflective-summaries").not_counted[0].why;
    assert_eq!(why, &["it needs anonymisation check: 3 identifying details to clear or fix"]);
    // Not-yet-cleared items show as pending in the PCF matrix, not as covering it.
    let domain6 = c.pcf.iter().find(|d| d.number == 6).unwrap();
    assert!(!domain6.covered);
    assert_eq!(domain6.pending, [EvidenceId::new(2)]);
}

#[test]
fn an_empty_portfolio_lists_everything_the_level_3_panel_needs() {
    let c = bexley_level_3(&[]);
    let lines: Vec<&str> = c.verdict.missing.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(
        lines,
        [
            "needs evidence of practice development in line with appraisal and learning goals",
            "needs 2 reflective summaries tagged to the PCF and KSS",
            "needs a practice observation by the team manager",
            "needs a manager's report of no more than 1 page authorised by the service manager and head of service",
            "needs 2 examples of feedback from children or young people",
        ]
    );
}

#[test]
fn feedback_from_a_parent_does_not_count_as_child_feedback() {
    let mut items = bexley_portfolio(both_authorisations());
    items[6] = feedback(7, FeedbackSource::ParentOrCarer);
    let c = bexley_level_3(&items);
    assert_eq!(
        c.verdict.to_string(),
        "not ready: needs 1 more example of feedback from a child or young person (1 you have does not count: it is \
         feedback from a parent or carer, not from a child or young person)"
    );
}

#[test]
fn a_two_page_managers_report_breaks_the_single_page_limit() {
    let mut items = bexley_portfolio(both_authorisations());
    items[4] = managers_report(5, 2, both_authorisations());
    let c = bexley_level_3(&items);
    assert_eq!(rule(&c, "managers-report").not_counted[0].why, ["it is 2 pages and the limit is 1 page"]);
    assert!(!c.is_ready());
}

#[test]
fn a_typed_report_is_measured_by_its_words_when_no_page_count_is_recorded() {
    let mut items = bexley_portfolio(both_authorisations());
    let mut p = items[4].clone().into_parts();
    p.pages = None;
    p.text = Some("word ".repeat(1_200));
    items[4] = item(p);
    let c = bexley_level_3(&items);
    assert_eq!(
        rule(&c, "managers-report").not_counted[0].why,
        ["it is 3 pages (estimated from its length) and the limit is 1 page"]
    );
}

#[test]
fn authorisations_and_evidence_dated_after_today_do_not_count_yet() {
    let future = date(2025, 7, 1);
    let items = bexley_portfolio(vec![
        authorised("service-manager", "Priya Nair", date(2025, 4, 1)),
        authorised("head-of-service", "Dawn Ellis", future),
    ]);
    let c = bexley_level_3(&items);
    assert_eq!(c.verdict.to_string(), "not ready: manager's report needs head of service authorisation");

    let mut items = bexley_portfolio(both_authorisations());
    let mut p = items[6].clone().into_parts();
    p.date = future;
    items[6] = item(p);
    let c = bexley_level_3(&items);
    assert_eq!(rule(&c, "child-feedback").not_counted[0].why, ["it is dated 2025-07-01, after today"]);
}

#[test]
fn evidence_the_route_does_not_ask_for_is_listed_separately() {
    let mut items = bexley_portfolio(both_authorisations());
    items.push(item(parts(8, EvidenceDetail::Certificate { award: AwardKind::PepsStage1 }, "PEPS stage 1")));
    let c = bexley_level_3(&items);
    assert!(c.is_ready());
    assert_eq!(c.not_required, [EvidenceId::new(8)]);
}

#[test]
fn medway_reads_one_case_study_so_a_second_is_advice_not_a_block() {
    let f = framework("medway");
    let r = route(&f, "experienced-social-worker-to-senior-practitioner");
    let items = vec![
        item(parts(1, EvidenceDetail::StatementOfApplication, "Statement of application")),
        item(parts(2, EvidenceDetail::CaseStudy, "Case study: a sibling group in foster care")),
        item(parts(3, EvidenceDetail::CaseStudy, "Case study: a young person at risk of exploitation")),
    ];
    let c = coverage(&f, r, &items, today());
    assert!(c.is_ready(), "{}", c.verdict);
    assert_eq!(
        c.verdict.notes,
        ["the panel reads at most 1 case study; you have 2 that count: choose which to submit"]
    );
}

#[test]
fn medway_experienced_social_worker_needs_a_statement_of_learning() {
    let f = framework("medway");
    let c = coverage(&f, route(&f, "social-worker-to-experienced-social-worker"), &[], today());
    assert_eq!(c.verdict.to_string(), "not ready: needs a statement of learning");
}

#[test]
fn rotherham_and_west_sussex_portfolios_are_single_items() {
    let f = framework("rotherham");
    let r = route(&f, "level-1-to-level-2");
    let c = coverage(&f, r, &[], today());
    assert_eq!(c.verdict.to_string(), "not ready: needs an ASYE portfolio");
    let c = coverage(&f, r, &[item(parts(1, EvidenceDetail::AsyePortfolio, "ASYE portfolio"))], today());
    assert!(c.is_ready());

    let f = framework("west-sussex");
    let c = coverage(&f, route(&f, "social-worker-grade-9-to-grade-10"), &[], today());
    assert_eq!(c.verdict.to_string(), "not ready: needs a piece of portfolio work");
}

#[test]
fn a_vacancy_route_asks_for_no_portfolio() {
    let f = framework("bexley");
    let c = coverage(&f, route(&f, "level-3-to-senior-practitioner"), &[], today());
    assert!(c.is_ready());
    assert_eq!(c.verdict.notes, ["this route asks for no portfolio evidence"]);
}

#[test]
fn unknown_pcf_and_kss_tags_are_refused_with_what_would_be_right() {
    let err = EvidenceItem::new(EvidenceParts {
        pcf: vec!["reflection".into()],
        kss: vec!["cfp.12".into(), "kss.1".into()],
        ..parts(1, EvidenceDetail::ReflectiveSummary, "A reflection")
    })
    .unwrap_err();
    let messages: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "PCF domain `reflection`: is not a PCF domain: use pcf.1 to pcf.9 or a domain id such as \
             `critical-reflection-and-analysis`",
            "KSS statement `cfp.12`: is not a KSS statement: cfp has statements 1 to 10",
            "KSS statement `kss.1`: is not a KSS statement: write the set and number, like cfp.7 (sets: cfp, ps, pl)",
        ]
    );
}

#[test]
fn coverage_json_carries_the_verdict_and_reasons_for_the_cli() {
    let items = bexley_portfolio(vec![authorised("service-manager", "Priya Nair", date(2025, 4, 1))]);
    let json = serde_json::to_value(bexley_level_3(&items)).unwrap();
    assert_eq!(json["verdict"]["ready"], false);
    assert_eq!(json["verdict"]["missing"][0]["reason"], "authorisation");
    let report = json["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "managers-report").unwrap();
    assert_eq!(report["not_counted"][0]["reasons"][0]["code"], "needs-authorisation");
}

#[test]
fn a_large_portfolio_is_checked_in_one_pass_per_rule() {
    // 20,000 items: coverage is O(items x rules), so this stays well under a second even
    // in a debug build. (No timing assertion: CI machines vary.)
    let mut items = bexley_portfolio(both_authorisations());
    for id in 100..20_100 {
        items.push(reflective_summary(id, "Another reflection", &["pcf.1"], &["cfp.1"]));
    }
    let c = bexley_level_3(&items);
    assert!(c.is_ready());
    assert_eq!(rule(&c, "reflective-summaries").counted.len(), 20_002);
}
