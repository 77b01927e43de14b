//! Evidence rules that name the PCF level or strand a reflective account is written against,
//! and the sources feedback must come from, on the Eastmoor fixture (fictional).

use chrono::NaiveDate;
use pathway_core::framework::{Framework, load};
use pathway_core::ids::{EvidenceId, WorkerId};
use pathway_core::portfolio::{
    AnonymisationStatus, EvidenceDetail, EvidenceItem, EvidenceParts, FeedbackSource, RuleCoverage, coverage,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eastmoor() -> Framework {
    let loaded = load(include_str!("../fixtures/criteria-kinds.toml"));
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.framework.unwrap()
}

fn parts(id: i64, detail: EvidenceDetail) -> EvidenceParts {
    EvidenceParts {
        id: EvidenceId::new(id),
        owner: WorkerId::new(42),
        detail,
        date: d(2026, 2, 2),
        title: format!("Item {id}"),
        text: Some("What I did and what I learned.".into()),
        files: Vec::new(),
        pages: None,
        authorisations: Vec::new(),
        pcf: Vec::new(),
        kss: Vec::new(),
        pcf_level: None,
        anonymisation: AnonymisationStatus::Cleared { on: d(2026, 2, 3) },
    }
}

fn account(id: i64, level: Option<&str>, pcf: &[&str]) -> EvidenceItem {
    EvidenceItem::new(EvidenceParts {
        pcf_level: level.map(Into::into),
        pcf: pcf.iter().map(|p| p.to_string()).collect(),
        ..parts(id, EvidenceDetail::ReflectiveSummary)
    })
    .unwrap()
}

fn feedback(id: i64, from: FeedbackSource) -> EvidenceItem {
    EvidenceItem::new(parts(id, EvidenceDetail::Feedback { from })).unwrap()
}

fn rule(items: &[EvidenceItem], id: &str) -> RuleCoverage {
    let f = eastmoor();
    let route = f.routes.iter().find(|r| r.id.as_str() == "sw-to-esw").unwrap();
    let c = coverage(&f, route, items, d(2026, 5, 1));
    c.rules.into_iter().find(|r| r.rule == id).unwrap()
}

#[test]
fn reflective_accounts_count_only_when_written_against_the_level_and_strand_the_rule_names() {
    let items = [
        account(1, Some("experienced-social-worker"), &["critical-reflection-and-analysis"]),
        account(2, Some("social-worker"), &["pcf.6"]),
        account(3, None, &["pcf.6"]),
        account(4, Some("experienced-social-worker"), &["knowledge"]),
    ];
    let r = rule(&items, "reflective-accounts");
    assert_eq!(r.counted, [EvidenceId::new(1)]);
    assert!(!r.met);
    let why = |id: i64| r.not_counted.iter().find(|n| n.item == EvidenceId::new(id)).unwrap().why.clone();
    assert_eq!(why(2), ["it is written against the PCF at Social Worker level, not Experienced Social Worker level"]);
    assert_eq!(
        why(3),
        ["it does not say which PCF level it is written against; it must be Experienced Social Worker level"]
    );
    assert_eq!(why(4), ["it is not written against PCF 6 Critical Reflection and Analysis"]);
    assert!(
        r.missing[0].message.contains(
            "written against the PCF at Experienced Social Worker level against PCF 6 Critical Reflection and Analysis"
        ),
        "{:?}",
        r.missing
    );

    let met = rule(
        &[
            account(1, Some("experienced-social-worker"), &["pcf.6"]),
            account(5, Some("Experienced-Social-Worker"), &["critical-reflection-and-analysis", "knowledge"]),
        ],
        "reflective-accounts",
    );
    assert!(met.met, "{:?}", met.missing);
}

#[test]
fn an_unknown_pcf_level_on_an_item_is_refused_by_name() {
    let err = EvidenceItem::new(EvidenceParts {
        pcf_level: Some("experienced".into()),
        ..parts(1, EvidenceDetail::ReflectiveSummary)
    })
    .unwrap_err();
    assert!(err.to_string().contains("`experienced`") || err.to_string().contains("experienced: "), "{err}");
    assert!(err.to_string().contains("experienced-social-worker"), "{err}");
}

#[test]
fn feedback_must_include_each_source_the_rule_names_and_coverage_says_which_is_missing() {
    let two_from_children =
        [feedback(1, FeedbackSource::ChildOrYoungPerson), feedback(2, FeedbackSource::ChildOrYoungPerson)];
    let r = rule(&two_from_children, "feedback");
    assert_eq!(r.counted.len(), 2, "both count towards the number");
    assert!(!r.met);
    assert_eq!(r.uncovered_sources, ["parent-or-carer"]);
    assert!(
        r.missing.iter().any(|m| m.message == "needs an example of feedback from a parent or carer"),
        "{:?}",
        r.missing
    );

    let r = rule(
        &[feedback(1, FeedbackSource::ChildOrYoungPerson), feedback(2, FeedbackSource::ParentOrCarer)],
        "feedback",
    );
    assert!(r.met, "{:?}", r.missing);
    let r = rule(
        &[feedback(1, FeedbackSource::AdultServiceUser), feedback(2, FeedbackSource::OtherProfessional)],
        "feedback",
    );
    assert_eq!(r.uncovered_sources, ["child-or-young-person", "parent-or-carer"]);
}

#[test]
fn feedback_stored_as_from_family_reads_as_from_a_parent_or_carer() {
    let json = serde_json::json!({
        "id": 9, "owner": 42, "kind": "feedback", "from": "family", "date": "2025-03-03",
        "title": "A mother's feedback", "text": "Thank you.",
    });
    let item: EvidenceItem = serde_json::from_value(json).unwrap();
    assert_eq!(item.detail().feedback_from(), Some(FeedbackSource::ParentOrCarer));
    let back = serde_json::to_value(&item).unwrap();
    assert_eq!(back["from"], "parent-or-carer");
    assert!(back.get("pcf_level").is_none(), "absent unless stated: {back}");
}

#[test]
fn the_validator_refuses_unknown_sources_levels_and_strands_in_evidence_rules() {
    let text = include_str!("../fixtures/criteria-kinds.toml")
        .replace(
            "sources = [\"child-or-young-person\", \"parent-or-carer\"]",
            "sources = [\"child\", \"parent-or-carer\"]",
        )
        .replace("pcf_level = \"experienced-social-worker\", pcf_strand", "pcf_level = \"experienced\", pcf_strand")
        .replace("pcf_strand = \"critical-reflection-and-analysis\"", "pcf_strand = \"reflection\"");
    let loaded = load(&text);
    let codes: Vec<(&str, String)> =
        loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| (d.code, d.path.to_string())).collect();
    for (code, path) in [
        ("unknown-feedback-source", "routes[1].evidence[1].sources[0]"),
        ("unknown-pcf-level", "routes[1].evidence[0].pcf_level"),
        ("unknown-pcf-domain", "routes[1].evidence[0].pcf_strand"),
    ] {
        assert!(codes.iter().any(|(c, p)| *c == code && p == path), "{code} at {path}: {codes:?}");
    }
}
