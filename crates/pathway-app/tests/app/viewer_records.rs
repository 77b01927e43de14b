//! What the API's callers may do with records, on both databases. In Bexley, Amira (B100)
//! is in the Family Support Team under Tom (B200); Owen (B300) manages the Duty Team; Hana
//! (B900) is HR with the hr-admin role. Tom sees his team in the eligibility report and
//! records Amira's appraisal; Owen may do neither; an award is HR's to record; and HR's
//! subject access export is in the audit trail, which still checks.

use pathway_app::audit::verify_chain;
use pathway_app::clock::Clock;
use pathway_app::config::Config;
use pathway_app::records::RecordAward;
use pathway_app::service::Pathway;
use pathway_app::viewer::Viewer;
use pathway_app::viewer_records::AppraisalInput;
use pathway_core::workforce::UnitKind;
use pathway_store::{Accounts, AuditTrail, EntityKind, Workforce};

use crate::council::{Council, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_team_manager_sees_his_team_and_records_its_appraisals_and_another_team_manager_may_not,
    hr_exports_a_subject_the_export_is_in_the_chain_and_nobody_else_may_export,
);

async fn bexley(db: &TestDb) -> (Council<'_>, Pathway) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let family = c.unit(UnitKind::Team, "Family Support Team", None).await;
    let duty = c.unit(UnitKind::Team, "Duty Team", None).await;
    c.person("B100", "Amira Okafor", Some(family), Some(("level-2", Some("level-2"), Some("top"), date(2023, 4, 3))))
        .await;
    let tom = c.person("B200", "Tom Reeves", Some(family), None).await;
    c.post(family, "team-manager", &tom).await;
    let owen = c.person("B300", "Owen Blake", Some(duty), None).await;
    c.post(duty, "team-manager", &owen).await;
    c.person("B900", "Hana Ito", None, None).await;
    let config =
        Config { clock: Clock::Fixed(at(2025, 6, 12, 9)), data_dir: db.dir().join("files"), ..Config::defaults() };
    let p = Pathway::on_store(config, db.store.clone());
    for (number, username, roles) in [
        ("B100", "amira", vec![]),
        ("B200", "tom", vec![]),
        ("B300", "owen", vec![]),
        ("B900", "hana", vec!["hr-admin".to_owned()]),
    ] {
        p.create_account("bexley", number, username, &roles).await.expect("account");
    }
    (c, p)
}

async fn viewer(p: &Pathway, username: &str) -> Viewer {
    let account = p.store().credentials(username).await.expect("read").expect("account").account;
    Viewer { account, may_write: true, from: None }
}

async fn a_team_manager_sees_his_team_and_records_its_appraisals_and_another_team_manager_may_not(db: &TestDb) {
    let (_c, p) = bexley(db).await;
    let (tom, owen, amira, hana) =
        (viewer(&p, "tom").await, viewer(&p, "owen").await, viewer(&p, "amira").await, viewer(&p, "hana").await);

    let numbers = |report: &pathway_app::model::WorkforceReport| -> Vec<String> {
        [&report.eligible_now, &report.upcoming, &report.later, &report.needs_judgement, &report.blocked]
            .into_iter()
            .flatten()
            .map(|line| line.worker.employee_number.clone())
            .collect()
    };
    let toms = p.viewer_workforce_report(&tom, "bexley", 6).await.expect("Tom's report");
    assert!(numbers(&toms).contains(&"B100".to_owned()), "{toms:?}");
    let owens = p.viewer_workforce_report(&owen, "bexley", 6).await.expect("Owen's report");
    assert!(!numbers(&owens).contains(&"B100".to_owned()), "{owens:?}");
    assert_eq!(owens.workers, 0, "no count of another team's people leaks either");

    let appraisal = AppraisalInput {
        held_on: date(2025, 5, 20),
        outcome: "ready-to-apply-for-progression".into(),
        summary: Some("Ready for Level 3".into()),
        objectives: None,
        development_plan: None,
    };
    let refused = p.viewer_record_appraisal(&owen, "bexley", "B100", &appraisal).await.expect_err("Owen");
    assert_eq!(refused.code(), "not_permitted");
    let recorded = p.viewer_record_appraisal(&tom, "bexley", "B100", &appraisal).await.expect("Tom records it");
    assert_eq!(recorded.by.as_deref(), Some("B200"), "recorded by the caller's person, never a typed one");
    let listed = p.viewer_appraisals(&amira, "bexley", "B100").await.expect("Amira reads her own");
    assert_eq!(listed.len(), 1);

    let award = RecordAward {
        worker: "B100".into(),
        kind: "postgraduate-certificate".into(),
        title: "PGCert Practice Education".into(),
        provider: None,
        completed_on: date(2024, 7, 1),
        academic_level: Some("7".into()),
        credits: Some(60),
    };
    let refused = p.viewer_record_award(&amira, "bexley", "B100", &award).await.expect_err("Amira");
    assert_eq!(refused.code(), "not_permitted");
    assert!(refused.to_string().contains("hr-admin"), "{refused}");
    p.viewer_record_award(&hana, "bexley", "B100", &award).await.expect("HR records it");
    assert_eq!(p.viewer_awards(&tom, "bexley", "B100").await.expect("Tom reads").len(), 1);
    assert_eq!(p.viewer_awards(&owen, "bexley", "B100").await.expect_err("Owen").code(), "not_permitted");
}

async fn hr_exports_a_subject_the_export_is_in_the_chain_and_nobody_else_may_export(db: &TestDb) {
    let (c, p) = bexley(db).await;
    for who in ["amira", "tom"] {
        let refused = p.viewer_subject_export(&viewer(&p, who).await, "bexley", "B100").await.expect_err(who);
        assert_eq!(refused.code(), "not_permitted", "{who}");
    }
    let (export, zip) = p.viewer_subject_export(&viewer(&p, "hana").await, "bexley", "B100").await.expect("HR");
    assert_eq!(export.worker, "B100");
    assert!(zip.starts_with(b"PK\x03\x04"), "a zip");

    let amira = c.store().worker_by_employee_number(&c.scope, &"B100".parse().expect("number")).await.expect("Amira");
    let trail = c.store().audit_trail(&c.scope, EntityKind::SubjectExport, amira.id.get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].by.name.as_str(), trail[0].entered_by.as_deref()), ("Hana Ito", Some("hana")));
    let chain = verify_chain(c.store(), &c.scope).await.expect("verify");
    assert!(chain.intact(), "{chain:?}");
}
