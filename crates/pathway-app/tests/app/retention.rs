//! Retention and legal hold. Medway keeps leavers' records six years after they leave and
//! withdrawn evidence a year. Sam Okoro and Jess Bell both left at the end of June 2025;
//! seven years on, `run-due` erases Sam's personal data (rows and files) and writes an
//! audit entry saying what kind and how much, never what it said. Jess is under a legal
//! hold for an employment tribunal claim, so nothing of hers goes, and the run names the
//! hold. Priya withdrew a reflection in 2025: it goes with its file, while a file she still
//! uses that Sam's evidence shared stays on disk. The audit chain still checks.

use std::path::PathBuf;

use pathway_app::audit::verify_chain;
use pathway_app::clock::Clock;
use pathway_app::config::Config;
use pathway_app::portfolio::NewEvidence;
use pathway_app::service::Pathway;
use pathway_core::ids::EvidenceId;
use pathway_core::portfolio::EvidenceDetail;
use pathway_core::workforce::{UnitKind, Worker};
use pathway_store::testing::execute_raw;
use pathway_store::{Accounts, AuditQuery, AuditTrail, EntityKind, Portfolios, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_medway_leaver_of_seven_years_is_erased_by_run_due_and_one_under_a_legal_hold_is_not,
    a_legal_hold_needs_a_reason_and_an_operator_with_a_system_or_hr_admin_role,
);

fn reflection(worker: &str, title: &str) -> NewEvidence {
    NewEvidence {
        worker: worker.into(),
        detail: EvidenceDetail::ReflectiveSummary,
        date: date(2025, 5, 1),
        title: title.into(),
        text: Some("Planning a return to school with the family and the attendance officer.".into()),
        pages: None,
        pcf: vec!["critical-reflection-and-analysis".into()],
        kss: vec!["cfp.3".into()],
        pcf_level: None,
    }
}

fn pdf(db: &TestDb, name: &str, body: &str) -> PathBuf {
    let path = db.dir().join(name);
    std::fs::write(&path, format!("%PDF-1.7\n% {body}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")).expect("pdf");
    path
}

fn medway_on(db: &TestDb, today: chrono::DateTime<chrono::Utc>, operator: Option<&str>) -> Pathway {
    let config = Config {
        operator: operator.map(str::to_owned),
        clock: Clock::Fixed(today),
        data_dir: db.dir().join("data"),
        ..Config::defaults()
    };
    Pathway::on_store(config, db.store.clone())
}

struct Medway<'db> {
    c: Council<'db>,
    sam: Worker,
    jess: Worker,
    sams: Vec<EvidenceId>,
    priyas_withdrawn: EvidenceId,
    jess_withdrawn: EvidenceId,
    shared_file: PathBuf,
    sams_own_file: PathBuf,
}

/// Medway in June 2025: Sam and Jess about to leave, Priya staying; everyone has evidence.
async fn medway(db: &TestDb) -> Medway<'_> {
    let c = Council::new(db, "medway", "Medway Council").await;
    let team = c.unit(UnitKind::Team, "Duty and Assessment Team", None).await;
    let priya = c.person("M100", "Priya Shah", Some(team), None).await;
    let sam = c.person("M300", "Sam Okoro", Some(team), None).await;
    let jess = c.person("M301", "Jess Bell", Some(team), None).await;
    let p = medway_on(db, at(2025, 6, 12, 9), None);
    p.create_account("medway", "M300", "sam.okoro", &[]).await.expect("Sam's account");
    let portfolios = c.portfolios();
    let when = at(2025, 6, 12, 9);
    let shared = pdf(db, "supervision-notes.pdf", "shared supervision notes");
    let own = pdf(db, "direct-work.pdf", "Sam's direct work");
    let add = |who: &'static str, title: &'static str, files: Vec<PathBuf>| {
        let portfolios = &portfolios;
        async move {
            portfolios
                .add(&acting(who, "worker", when, "my portfolio"), &reflection(who, title), &files)
                .await
                .expect("evidence")
                .item
                .id()
        }
    };
    let sams = vec![add("M300", "Direct work with a family", vec![own.clone(), shared.clone()]).await];
    add("M100", "Group supervision", vec![shared.clone()]).await;
    let priyas_withdrawn = add("M100", "A visit written up twice", vec![pdf(db, "twice.pdf", "twice")]).await;
    let jess_withdrawn = add("M301", "Draft case summary", Vec::new()).await;
    add("M301", "Court report", Vec::new()).await;
    for (who, id) in [("M100", priyas_withdrawn), ("M301", jess_withdrawn)] {
        portfolios.withdraw(&acting(who, "worker", when, "withdrawn"), id, "written up twice").await.expect("withdraw");
    }
    let sam = c.update(&sam, |d| d.left_on = Some(date(2025, 6, 30))).await;
    let jess = c.update(&jess, |d| d.left_on = Some(date(2025, 6, 30))).await;
    let _ = priya;
    let files = crate::harness::files(db);
    let stored = c.store().evidence(&c.scope, sams[0]).await.expect("Sam's evidence");
    let path = |name: &str| {
        let file = stored.item.files().iter().find(|f| f.original_name() == name).expect("file");
        files.path_of(file.sha256())
    };
    let (sams_own_file, shared_file) = (path("direct-work.pdf"), path("supervision-notes.pdf"));
    assert!(sams_own_file.is_file() && shared_file.is_file());
    Medway { c, sam, jess, sams, priyas_withdrawn, jess_withdrawn, shared_file, sams_own_file }
}

async fn a_medway_leaver_of_seven_years_is_erased_by_run_due_and_one_under_a_legal_hold_is_not(db: &TestDb) {
    let m = medway(db).await;
    let (c, store) = (&m.c, m.c.store());
    let in_2025 = medway_on(db, at(2025, 7, 1, 9), None);
    let hold = in_2025
        .place_legal_hold("medway", "M301", "Employment tribunal claim 2301234/2025")
        .await
        .expect("hold on Jess");
    assert_eq!(in_2025.retention("medway").await.expect("retention").holds, vec![hold.clone()]);

    // Six years on, nothing of a leaver's is due yet; Priya's withdrawal is over a year old.
    let in_2031 = medway_on(db, at(2031, 6, 30, 9), None);
    let run = in_2031.run_due("medway", None).await.expect("run-due 2031");
    assert!(run.retention.leavers_erased.is_empty(), "{run:?}");
    assert_eq!(run.retention.evidence_erased.len(), 1, "{run:?}");
    assert_eq!(run.retention.evidence_erased[0].id, m.priyas_withdrawn.get());
    assert!(store.evidence(&c.scope, m.priyas_withdrawn).await.is_err(), "the withdrawn item is gone");
    // Jess's withdrawn draft was due too, but she is held.
    assert_eq!(run.retention.held.len(), 1, "{run:?}");
    assert_eq!(run.retention.held[0].id, m.jess_withdrawn.get());

    // Seven years on: Sam is erased; Jess is not, and the run names the hold.
    let in_2032 = medway_on(db, at(2032, 7, 1, 9), None);
    let run = in_2032.run_due("medway", Some(date(2032, 7, 1))).await.expect("run-due 2032");
    assert_eq!(run.retention.leavers_erased.len(), 1, "{run:?}");
    let erased = &run.retention.leavers_erased[0];
    assert_eq!((erased.id, erased.from), (m.sam.id.get(), date(2025, 6, 30)));
    assert_eq!(erased.rows.get("evidence"), Some(&1));
    assert_eq!(erased.rows.get("accounts"), Some(&1));
    assert_eq!(erased.file_rows, 2);
    let held: Vec<_> = run.retention.held.iter().filter(|h| h.what == "leaver").collect();
    assert_eq!(held.len(), 1, "{run:?}");
    assert_eq!((held[0].hold, held[0].worker.as_str()), (hold.id, "M301 Jess Bell"));
    assert_eq!(held[0].reason, "Employment tribunal claim 2301234/2025");

    // Sam's rows and his own file are gone; the file Priya still uses stays.
    let sam = store.worker(&c.scope, m.sam.id).await.expect("the row stays for statistics");
    assert_eq!(sam.details.name.as_str(), "Erased leaver");
    assert_eq!(sam.details.employee_number.as_str(), format!("ERASED-{}", m.sam.id.get()));
    assert_eq!(sam.details.left_on, Some(date(2025, 6, 30)), "leaving date kept for statistics");
    assert!(sam.details.registration.is_none());
    assert!(store.portfolio(&c.scope, m.sam.id).await.expect("portfolio").is_empty());
    assert!(store.evidence(&c.scope, m.sams[0]).await.is_err());
    assert!(store.credentials("sam.okoro").await.expect("credentials").is_none(), "no account");
    assert!(!m.sams_own_file.exists(), "Sam's own file is removed from disk");
    assert!(m.shared_file.is_file(), "a file Priya's evidence holds too stays");
    // Jess keeps everything.
    assert_eq!(store.portfolio(&c.scope, m.jess.id).await.expect("portfolio").len(), 2);
    assert_eq!(store.worker(&c.scope, m.jess.id).await.expect("Jess").details.name.as_str(), "Jess Bell");

    // The erasure's audit entry says what kind of data went, how much and under which
    // rule; never what it said.
    let trail = store
        .audit_search(
            &c.scope,
            &AuditQuery { record: Some((EntityKind::Erasure, m.sam.id.get())), ..AuditQuery::default() },
        )
        .await
        .expect("trail");
    assert_eq!(trail.len(), 1);
    let entry = &trail[0].event;
    assert!(entry.what.starts_with(&format!("erased the personal data of leaver {}: ", m.sam.id)), "{}", entry.what);
    assert!(entry.what.contains("evidence: 1") && entry.what.contains("evidence files: 2"), "{}", entry.what);
    assert!(entry.why.contains("kept 2192 days after leaving"), "{}", entry.why);
    for text in [&entry.what, &entry.why, &entry.detail] {
        assert!(!text.contains("Okoro") && !text.contains("Direct work") && !text.contains("M300"), "{text}");
    }
    let report = verify_chain(store, &c.scope).await.expect("verify");
    assert!(report.intact(), "the chain checks after erasure: {report:?}");

    // Running again erases nothing more.
    let again = in_2032.run_due("medway", None).await.expect("again");
    assert!(again.retention.leavers_erased.is_empty() && again.retention.evidence_erased.is_empty());

    // Lifting the hold: the next run erases Jess and her withdrawn draft.
    let lifted = in_2032.lift_legal_hold("medway", "M301", "Claim settled").await.expect("lift");
    assert_eq!(lifted[0].lifted.as_ref().map(|l| l.because.as_str()), Some("Claim settled"));
    let run = in_2032.run_due("medway", None).await.expect("after the lift");
    assert_eq!(run.retention.leavers_erased.len(), 1, "{run:?}");
    assert!(run.retention.held.is_empty());
    assert!(store.evidence(&c.scope, m.jess_withdrawn).await.is_err());

    // A file left behind by a crash between the commit and its removal is swept.
    let stray = crate::harness::files(db).root().join("ab").join("c".repeat(62));
    std::fs::create_dir_all(stray.parent().expect("folder")).expect("folder");
    std::fs::write(&stray, b"%PDF-1.7\n").expect("stray");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 60 * 60);
    std::fs::File::options().write(true).open(&stray).expect("open").set_modified(old).expect("age it");
    let run = in_2032.run_due("medway", None).await.expect("sweep");
    assert_eq!(run.retention.files_removed, 1);
    assert!(!stray.exists());
    assert!(m.shared_file.is_file());

    // Never ahead of the clock.
    let err = in_2032.apply_retention("medway", date(2032, 7, 2)).await.expect_err("tomorrow");
    assert!(err.to_string().contains("after today"), "{err}");
}

async fn a_legal_hold_needs_a_reason_and_an_operator_with_a_system_or_hr_admin_role(db: &TestDb) {
    let m = medway(db).await;
    let today = at(2025, 7, 1, 9);
    let p = medway_on(db, today, None);
    let err = p.place_legal_hold("medway", "M301", "  ").await.expect_err("no reason");
    assert!(err.to_string().contains("reason is required"), "{err}");
    p.create_account("medway", "M100", "audit.only", &["auditor".to_owned()]).await.expect("auditor");
    let auditor = medway_on(db, today, Some("audit.only"));
    let err = auditor.place_legal_hold("medway", "M301", "Tribunal").await.expect_err("auditor");
    assert!(err.to_string().contains("system-admin or hr-admin"), "{err}");
    assert!(p.legal_holds("medway", true).await.expect("holds").is_empty(), "nothing placed");

    p.create_account("medway", "M301", "hr.lead", &["hr-admin".to_owned()]).await.expect("hr admin");
    let hr = medway_on(db, today, Some("hr.lead"));
    let hold = hr.place_legal_hold("medway", "M300", "Subject access request under way").await.expect("hr places");
    assert_eq!(hold.placed_by, "hr.lead");
    let trail =
        m.c.store()
            .audit_search(
                &m.c.scope,
                &AuditQuery { record: Some((EntityKind::LegalHold, hold.id)), ..AuditQuery::default() },
            )
            .await
            .expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].event.why, "Subject access request under way");
    assert_eq!(trail[0].event.by.name, "hr.lead");
    // Retention setting: audited, and checked.
    let err = p.set_retention("medway", Some(0), None).await.expect_err("zero days");
    assert!(err.to_string().contains("leaver-retention-days"), "{err}");
    let set = p.set_retention("medway", None, Some(730)).await.expect("set");
    assert_eq!((set.leaver_days, set.withdrawn_evidence_days), (2192, 730));
    // Editing a hold's reason with SQL does not go unnoticed: the audit entry keeps it.
    execute_raw(m.c.store(), "UPDATE audit_events SET why = 'nothing' WHERE entity_kind = 'legal-hold'").await;
    assert!(!verify_chain(m.c.store(), &m.c.scope).await.expect("verify").intact());
}
