//! The rest of a career in Bexley, on both databases, on 15 September 2026 (SWE's renewal
//! window is open). Amira Okafor (B100, Level 2) and Ben Carter (B110) are in the Family
//! Support Team under Tom Reeves (B200); Cal Moss (B120) has just joined it; Pat Osei (B400)
//! is head of the Children's Services over them; Owen Blake (B300) manages the Duty Team;
//! Hana Ito (B900) is HR with the hr-admin role.
//!
//! - HR records what the Social Work England register says; every record is kept, and the
//!   one in force on a day is what eligibility and progression read: suspended or lapsed,
//!   an application does not open.
//! - "Registrations lapsing within 90 days" names who is not registered and who must renew
//!   by 30 November, over the people the asker may see.
//! - CPD as SWE asks: two pieces in the registration year, one reflected on with a peer,
//!   recorded by the social worker (or HR), linked only to her own evidence.
//! - The annual appraisal (Bexley: "their probationary and annual appraisal") is held by the
//!   line manager that day, never someone further up; every one is kept, and the next falls
//!   due twelve months on. Rotherham's PDR names no frequency: Pathway's default applies.

use pathway_app::audit::verify_chain;
use pathway_app::career::{CpdInput, RecordRegistration, RegistrationInput};
use pathway_app::clock::Clock;
use pathway_app::config::Config;
use pathway_app::portfolio::NewEvidence;
use pathway_app::progression::OpenApplication;
use pathway_app::records::RecordAppraisal;
use pathway_app::service::Pathway;
use pathway_app::viewer::Viewer;
use pathway_core::eligibility::WorkerFacts;
use pathway_core::portfolio::EvidenceDetail;
use pathway_core::workforce::{RegistrationStatus, UnitKind};
use pathway_store::{Accounts, AuditTrail, Careers, EntityKind, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    hr_records_registration_as_a_history_and_a_suspension_stops_progression,
    the_lapsing_report_names_who_must_renew_by_30_november,
    cpd_is_counted_against_swes_minimum_for_the_registration_year,
    an_appraisal_is_held_by_the_line_manager_and_the_next_falls_due_a_year_on,
);

async fn bexley(db: &TestDb) -> (Council<'_>, Pathway) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let service = c.unit(UnitKind::Service, "Children's Services", None).await;
    let family = c.unit(UnitKind::Team, "Family Support Team", Some(service)).await;
    let duty = c.unit(UnitKind::Team, "Duty Team", Some(service)).await;
    let level2 = Some(("level-2", Some("level-2"), Some("top"), date(2023, 4, 3)));
    c.person("B100", "Amira Okafor", Some(family), level2).await;
    c.person("B110", "Ben Carter", Some(family), level2).await;
    let cal = c.person("B120", "Cal Moss", Some(family), level2).await;
    c.update(&cal, |d| d.started_on = date(2025, 9, 1)).await;
    let tom = c.person("B200", "Tom Reeves", Some(family), None).await;
    c.post(family, "team-manager", &tom).await;
    let owen = c.person("B300", "Owen Blake", Some(duty), None).await;
    c.post(duty, "team-manager", &owen).await;
    let pat = c.person("B400", "Pat Osei", Some(service), None).await;
    c.post(service, "head-of-service", &pat).await;
    c.person("B900", "Hana Ito", None, None).await;
    let config =
        Config { clock: Clock::Fixed(at(2026, 9, 15, 9)), data_dir: db.dir().join("files"), ..Config::defaults() };
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

fn register(
    worker: &str,
    status: &str,
    from: Option<(i32, u32, u32)>,
    due: Option<(i32, u32, u32)>,
) -> RecordRegistration {
    RecordRegistration {
        worker: worker.into(),
        number: format!("sw 10{}", &worker[1..]),
        status: status.into(),
        conditions: None,
        renewal_due: due.map(|(y, m, d)| date(y, m, d)),
        effective_on: from.map(|(y, m, d)| date(y, m, d)),
        note: Some("Checked on the SWE register".into()),
    }
}

async fn hr_records_registration_as_a_history_and_a_suspension_stops_progression(db: &TestDb) {
    let (c, p) = bexley(db).await;
    let amira = c.store().worker_by_employee_number(&c.scope, &"B100".parse().expect("n")).await.expect("Amira");

    // Renewed last November for the year to 30 November 2026.
    let renewed = p
        .record_registration("bexley", &register("B100", "registered", Some((2025, 12, 1)), Some((2026, 11, 30))))
        .await
        .expect("the operator records it");
    assert_eq!((renewed.number.as_str(), renewed.recorded_by.as_str()), ("SW10100", "system"));

    // Bad input is refused naming the field, and nothing is stored.
    let bad = p
        .record_registration(
            "bexley",
            &RecordRegistration { number: "HC123".into(), ..register("B100", "registered", None, None) },
        )
        .await;
    assert!(bad.expect_err("not SW").to_string().contains("Social Work England registration number"));
    let no_conditions =
        p.record_registration("bexley", &register("B100", "registered-with-conditions", None, None)).await;
    assert!(no_conditions.expect_err("conditions").to_string().contains("names the conditions of practice"));
    let ahead = p.record_registration("bexley", &register("B100", "registered", Some((2026, 10, 1)), None)).await;
    assert!(ahead.expect_err("future").to_string().contains("no-future-dates"));
    assert_eq!(p.registrations("bexley", Some("B100")).await.expect("history").len(), 1);

    // Through the API: HR may record; her line manager may not.
    let suspension = RegistrationInput {
        number: "SW10100".into(),
        status: "suspended".into(),
        conditions: None,
        renewal_due: None,
        effective_on: Some(date(2026, 6, 1)),
        note: Some("Interim order".into()),
    };
    let tom = viewer(&p, "tom").await;
    let refused = p.viewer_record_registration(&tom, "bexley", "B100", &suspension).await.expect_err("Tom");
    assert_eq!(refused.code(), "not_permitted");
    assert!(refused.to_string().contains("hr-admin"), "{refused}");
    let hana = viewer(&p, "hana").await;
    let suspended = p.viewer_record_registration(&hana, "bexley", "B100", &suspension).await.expect("HR records it");
    assert_eq!(suspended.status, RegistrationStatus::Suspended);

    // The history is kept; the record in force decides.
    let history = p.registrations("bexley", Some("B100")).await.expect("history");
    assert_eq!(
        history.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![RegistrationStatus::Registered, RegistrationStatus::Suspended]
    );
    let record = c.record(&amira).await;
    let on = |y, m, d| WorkerFacts::from_record(&record, date(y, m, d)).expect("facts").registration;
    assert_eq!(on(2026, 5, 31), Some(RegistrationStatus::Registered));
    assert_eq!(on(2026, 6, 1), Some(RegistrationStatus::Suspended));

    // Suspended: her application does not open, and the refusal says why.
    let open = OpenApplication { worker: "B100".into(), route: "level-2-to-level-3".into(), fast_track: false };
    let err = c
        .progression()
        .open(&acting("B100", "worker", at(2026, 9, 15, 10), "applying for Level 3"), &open)
        .await
        .expect_err("suspended");
    assert!(err.to_string().contains("Amira Okafor's registration with Social Work England is suspended"), "{err}");
    assert!(err.to_string().contains("rule: registration-current"), "{err}");

    // Each record is in the audit trail, by who recorded it, and the chain checks.
    let trail = c.store().audit_trail(&c.scope, EntityKind::Registration, suspended.id.get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].by.name.as_str(), trail[0].by.role.as_str(), trail[0].entered_by.as_deref()),
        ("Hana Ito", "hr-admin", Some("hana"))
    );
    assert!(trail[0].what.contains("Amira Okafor (B100): SW10100 suspended from 2026-06-01"), "{}", trail[0].what);
    assert!(verify_chain(c.store(), &c.scope).await.expect("verify").intact());
}

async fn the_lapsing_report_names_who_must_renew_by_30_november(db: &TestDb) {
    let (_c, p) = bexley(db).await;
    // Amira renewed last year and must renew by 30 November: 76 days away.
    p.record_registration("bexley", &register("B100", "registered", Some((2025, 12, 1)), Some((2026, 11, 30))))
        .await
        .expect("Amira");
    // Ben's renewal date went by last year with no renewal recorded: lapsed.
    p.record_registration("bexley", &register("B110", "registered", Some((2024, 12, 1)), Some((2025, 11, 30))))
        .await
        .expect("Ben");
    // Owen is registered to 2027; Cal, Tom, Pat and Hana carry the registration imported
    // with them, with no renewal date.
    p.record_registration("bexley", &register("B300", "registered", Some((2026, 9, 1)), Some((2027, 11, 30))))
        .await
        .expect("Owen");

    let report = p.registration_lapsing("bexley", 90, None).await.expect("report");
    assert_eq!(report.until, date(2026, 12, 14));
    let listed: Vec<(&str, &str)> = report.workers.iter().map(|l| (l.worker.as_str(), l.reason.as_str())).collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].0, "B110", "not registered today comes first");
    assert!(listed[0].1.contains("Lapsed: renewal was due by 2025-11-30"), "{}", listed[0].1);
    assert_eq!(listed[1].0, "B100");
    assert!(listed[1].1.contains("Renewal due by 2026-11-30, in 76 days"), "{}", listed[1].1);
    let within_60 = p.registration_lapsing("bexley", 60, None).await.expect("report");
    assert_eq!(within_60.workers.iter().map(|l| l.worker.as_str()).collect::<Vec<_>>(), vec!["B110"]);

    // Over the API: Tom sees his team's; Owen sees none of them.
    let toms = p.viewer_registration_lapsing(&viewer(&p, "tom").await, "bexley", 90).await.expect("Tom");
    assert_eq!(toms.workers.len(), 2);
    let owens = p.viewer_registration_lapsing(&viewer(&p, "owen").await, "bexley", 90).await.expect("Owen");
    assert!(owens.workers.is_empty(), "{:?}", owens.workers);
}

fn cpd(on: (i32, u32, u32), title: &str, peer: Option<&str>, peer_name: Option<&str>) -> CpdInput {
    CpdInput {
        on: date(on.0, on.1, on.2),
        title: title.into(),
        description: Some("Half-day workshop run by the principal social worker".into()),
        reflection: "I now begin a neglect assessment with the child's day, not the incidents.".into(),
        peer: peer.map(Into::into),
        peer_name: peer_name.map(Into::into),
        evidence: Vec::new(),
    }
}

async fn cpd_is_counted_against_swes_minimum_for_the_registration_year(db: &TestDb) {
    let (c, p) = bexley(db).await;
    let (amira, tom, owen, hana) =
        (viewer(&p, "amira").await, viewer(&p, "tom").await, viewer(&p, "owen").await, viewer(&p, "hana").await);

    // One piece so far this registration year (1 December 2025 to 30 November 2026), with
    // no peer: short of the minimum, and the window is open.
    p.viewer_record_cpd(&amira, "bexley", "B100", &cpd((2025, 12, 10), "Working with neglect", None, None))
        .await
        .expect("her own CPD");
    let summary = p.viewer_cpd_summary(&amira, "bexley", "B100", None).await.expect("summary").summary;
    assert_eq!((summary.year.as_str(), summary.records, summary.peer_discussed), ("2025-26", 1, 0));
    assert_eq!(summary.minimum_met, Some(false));
    assert!(summary.window_open);
    assert!(
        summary.verdict.contains("needs 1 more CPD record and one reflected on with a peer"),
        "{}",
        summary.verdict
    );

    // Neither manager records her CPD; nobody reflects with themselves, or names two peers.
    for (who, v) in [("Tom", &tom), ("Owen", &owen)] {
        let err = p.viewer_record_cpd(v, "bexley", "B100", &cpd((2026, 3, 4), "Court skills", None, None)).await;
        assert_eq!(err.expect_err(who).code(), "not_permitted", "{who}");
    }
    let own_peer = cpd((2026, 3, 4), "Court skills", Some("B100"), None);
    let err = p.viewer_record_cpd(&amira, "bexley", "B100", &own_peer).await.expect_err("herself");
    assert!(err.to_string().contains("cannot be their own peer"), "{err}");
    let two = cpd((2026, 3, 4), "Court skills", Some("B200"), Some("X"));
    let err = p.viewer_record_cpd(&amira, "bexley", "B100", &two).await.expect_err("two peers");
    assert!(err.to_string().contains("name the peer once"), "{err}");
    let ahead = cpd((2026, 10, 1), "Court skills", None, None);
    let err = p.viewer_record_cpd(&amira, "bexley", "B100", &ahead).await.expect_err("future");
    assert!(err.to_string().contains("no-future-dates"), "{err}");

    // She links her own reflective summary; another worker's evidence is refused.
    let portfolios = c.portfolios();
    let ben = c.store().worker_by_employee_number(&c.scope, &"B110".parse().expect("n")).await.expect("Ben");
    let summary_of = |worker: &str| NewEvidence {
        worker: worker.into(),
        detail: EvidenceDetail::ReflectiveSummary,
        date: date(2026, 3, 1),
        title: "Reflective summary: preparing for a final hearing".into(),
        text: Some("I prepared my statement with the legal team and reflected on it in supervision.".into()),
        pages: None,
        pcf: vec!["pcf.6".into()],
        kss: Vec::new(),
        pcf_level: None,
    };
    let hers = portfolios
        .add(&acting("B100", "worker", at(2026, 3, 1, 9), "my summary"), &summary_of("B100"), &[])
        .await
        .expect("hers")
        .id;
    let his = portfolios
        .add(&acting("B110", "worker", at(2026, 3, 1, 9), "my summary"), &summary_of("B110"), &[])
        .await
        .expect("his")
        .id;
    let mut second = cpd((2026, 3, 4), "Court skills for care proceedings", Some("B200"), None);
    second.evidence = vec![his];
    let err = p.viewer_record_cpd(&amira, "bexley", "B100", &second).await.expect_err("Ben's evidence");
    assert!(err.to_string().contains(&format!("evidence item {his} is not in the portfolio")), "{err}");
    assert_eq!(p.cpd_records("bexley", Some("B100")).await.expect("list").len(), 1, "nothing half-stored");
    second.evidence = vec![hers];
    let line = p.viewer_record_cpd(&amira, "bexley", "B100", &second).await.expect("with her evidence");
    assert_eq!((line.peer.as_deref(), line.peer_name.as_deref()), (Some("B200"), Some("Tom Reeves")));
    assert_eq!(line.evidence, vec![hers]);
    assert_eq!(line.registration_year, "2025-26");

    // Two pieces, one with a peer: SWE's minimum is met. HR records one for Ben.
    let summary = p.cpd_summary("bexley", "B100", None).await.expect("summary").summary;
    assert_eq!((summary.records, summary.peer_discussed, summary.minimum_met), (2, 1, Some(true)));
    let last_year = p.cpd_summary("bexley", "B100", Some(2025)).await.expect("last year").summary;
    assert_eq!((last_year.records, last_year.minimum_met), (0, Some(false)));
    let for_ben = cpd((2026, 2, 2), "Signs of Safety refresher", None, Some("Dee Lane (Medway)"));
    let for_ben = p.viewer_record_cpd(&hana, "bexley", "B110", &for_ben).await.expect("HR for Ben");
    assert_eq!(for_ben.recorded_by, "Hana Ito");
    assert_eq!(p.cpd_records("bexley", None).await.expect("all").len(), 3);
    let trail = c.store().audit_trail(&c.scope, EntityKind::CpdRecord, line.id.get()).await.expect("trail");
    assert_eq!((trail[0].by.name.as_str(), trail[0].by.role.as_str()), ("Amira Okafor", "worker"));
    assert_eq!(c.store().cpd_records(&c.scope, Some(ben.id)).await.expect("Ben's").len(), 1);

    // Her subject access export carries her CPD and its audit entries.
    let (export, _zip) = p.viewer_subject_export(&hana, "bexley", "B100").await.expect("HR exports");
    assert!(export.contents.contains(&("cpd-records.json".to_owned(), 2)), "{:?}", export.contents);
    let audit = export.contents.iter().find(|(name, _)| name == "audit-trail.json").expect("audit trail");
    assert!(audit.1 >= 3, "two CPD records and her evidence: {:?}", export.contents);
    assert!(verify_chain(c.store(), &c.scope).await.expect("verify").intact());
}

fn appraisal(worker: &str, by: &str, on: (i32, u32, u32)) -> RecordAppraisal {
    RecordAppraisal {
        worker: worker.into(),
        held_on: date(on.0, on.1, on.2),
        outcome: "meeting-expectations".into(),
        by: by.into(),
        summary: Some("A good year in the team".into()),
        objectives: Some("Chair two core groups; take a student on placement".into()),
        development_plan: Some("PEPS stage 1 in the spring".into()),
    }
}

async fn an_appraisal_is_held_by_the_line_manager_and_the_next_falls_due_a_year_on(db: &TestDb) {
    let (c, p) = bexley(db).await;

    // Pat is further up, not Amira's line manager: refused, naming who is.
    let err = p.record_appraisal("bexley", &appraisal("B100", "B400", (2025, 9, 10))).await.expect_err("Pat");
    assert_eq!(err.code(), "not_permitted");
    assert!(
        err.to_string().contains("Pat Osei (B400) was not (their line manager then was Tom Reeves (B200))"),
        "{err}"
    );

    // Tom holds both of Amira's annual appraisals; both are kept, with what was agreed.
    p.record_appraisal("bexley", &appraisal("B100", "B200", (2025, 9, 10))).await.expect("2025");
    let latest = p.record_appraisal("bexley", &appraisal("B100", "B200", (2026, 9, 1))).await.expect("2026");
    assert_eq!(latest.development_plan.as_deref(), Some("PEPS stage 1 in the spring"));
    let history = p.appraisals("bexley", Some("B100")).await.expect("history");
    assert_eq!(history.iter().map(|a| a.held_on).collect::<Vec<_>>(), vec![date(2025, 9, 10), date(2026, 9, 1)]);
    assert_eq!(history[0].objectives.as_deref(), Some("Chair two core groups; take a student on placement"));
    let trail = c.store().audit_trail(&c.scope, EntityKind::Appraisal, latest.id.get()).await.expect("trail");
    assert_eq!(
        (trail[0].by.name.as_str(), trail[0].by.role.as_str(), trail[0].entered_by.as_deref()),
        ("Tom Reeves", "line-manager", Some("system"))
    );

    // Ben's was on 20 September last year: due in five days. Cal joined on 1 September 2025
    // and has had none: overdue since 1 September. Amira's next is a year away.
    p.record_appraisal("bexley", &appraisal("B110", "B200", (2025, 9, 20))).await.expect("Ben");
    let due = p.appraisals_due("bexley", 30, None).await.expect("due");
    let lines: Vec<(&str, chrono::NaiveDate, bool)> =
        due.workers.iter().map(|l| (l.worker.as_str(), l.due_on, l.overdue)).collect();
    assert!(lines.contains(&("B120", date(2026, 9, 1), true)), "{lines:?}");
    assert!(lines.contains(&("B110", date(2026, 9, 20), false)), "{lines:?}");
    assert!(!lines.iter().any(|(w, _, _)| *w == "B100"), "{lines:?}");
    let ben = due.workers.iter().find(|l| l.worker == "B110").expect("Ben");
    assert_eq!((ben.every_months, ben.days_left), (12, 5));
    assert!(ben.cycle.contains("Annual appraisal"), "the cycle is Bexley's own: {}", ben.cycle);

    // Tom's view covers his team and himself; Owen's, none of Tom's team.
    let toms = p.viewer_appraisals_due(&viewer(&p, "tom").await, "bexley", 30).await.expect("Tom");
    let seen: Vec<&str> = toms.workers.iter().map(|l| l.worker.as_str()).collect();
    assert_eq!(seen, vec!["B200", "B120", "B110"], "overdue first: {toms:?}");
    let owens = p.viewer_appraisals_due(&viewer(&p, "owen").await, "bexley", 30).await.expect("Owen");
    assert!(owens.workers.iter().all(|l| !["B100", "B110", "B120"].contains(&l.worker.as_str())));

    // Rotherham's framework names a PDR but no frequency: the default of 12 months, said.
    let r = Council::new(db, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let team = r.unit(UnitKind::Team, "Children in Need", None).await;
    r.person("R200", "Mia Ellis", Some(team), Some(("level-2", Some("band-h"), Some("32"), date(2025, 7, 1)))).await;
    let due = p.appraisals_due("rotherham", 365, None).await.expect("Rotherham");
    let mia = due.workers.iter().find(|l| l.worker == "R200").expect("Mia");
    assert_eq!(mia.every_months, 12);
    assert!(mia.cycle.contains("Pathway's default"), "{}", mia.cycle);
    assert!(c.store().registrations(&r.scope, None).await.expect("none").is_empty());
}
