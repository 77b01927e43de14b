//! The audit trail is hash-chained per authority: a Bexley social worker builds a portfolio,
//! the chain proves every entry; then someone with database access edits one entry, removes
//! another or cuts off the newest, and verification names the first broken entry and why.
//! Eight entries written at once still make one chain, and a trail written before the chain
//! existed is chained once, in the order it was written.

use pathway_app::audit::{AuditFilter, ChainReport, show, verify_chain};
use pathway_app::clock::Clock;
use pathway_app::portfolio::{AuthorityPortfolios, EvidenceEdit, NewEvidence};
use pathway_app::progression::Acting;
use pathway_core::audit_chain::GENESIS;
use pathway_core::ids::EvidenceId;
use pathway_core::portfolio::{Contributor, EvidenceDetail};
use pathway_core::workforce::{PersonName, UnitKind};
use pathway_store::testing::execute_raw;
use pathway_store::{AuditTrail, EntityKind, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_portfolio_leaves_an_intact_chain_and_an_entry_edited_with_sql_is_named,
    a_removed_entry_is_a_gap_and_removing_the_newest_is_noticed_by_the_head,
    eight_workers_adding_evidence_at_once_leave_one_unbroken_chain,
    a_trail_written_before_the_chain_is_chained_once_in_the_order_written,
    the_trail_is_shown_by_person_record_and_date_with_late_entries_marked,
);

/// Bexley with a family support team: Amira (B100) and her manager Tom (B200).
async fn bexley(db: &TestDb) -> Council<'_> {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let team = c.unit(UnitKind::Team, "Family Support Team", None).await;
    c.person("B100", "Amira Okafor", Some(team), None).await;
    let tom = c.person("B200", "Tom Reeves", Some(team), None).await;
    c.post(team, "team-manager", &tom).await;
    c
}

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

/// Amira adds three reflections over three days, then retitles the second: four entries.
async fn portfolio(c: &Council<'_>) -> Vec<EvidenceId> {
    let portfolios = c.portfolios();
    let mut ids = Vec::new();
    for (day, title) in [(2, "School attendance"), (3, "Court report"), (4, "Family group conference")] {
        let when = at(2025, 6, day, 10);
        let who = acting("B100", "worker", when, "my portfolio");
        ids.push(portfolios.add(&who, &reflection("B100", title), &[]).await.expect("add").item.id());
    }
    let edit = EvidenceEdit { title: Some("Court report for the final hearing".into()), ..EvidenceEdit::default() };
    portfolios.edit(&acting("B100", "worker", at(2025, 6, 5, 9), "clearer title"), ids[1], &edit).await.expect("edit");
    ids
}

async fn verify(c: &Council<'_>) -> ChainReport {
    verify_chain(c.store(), &c.scope).await.expect("verify")
}

async fn a_portfolio_leaves_an_intact_chain_and_an_entry_edited_with_sql_is_named(db: &TestDb) {
    let c = bexley(db).await;
    let ids = portfolio(&c).await;

    let report = verify(&c).await;
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.entries, 4);
    let head = c.store().audit_chain_head(&c.scope).await.expect("head").expect("a head");
    assert_eq!((head.chain_seq, &head.hash), (4, &report.head));
    assert_ne!(report.head, GENESIS);

    // Someone with database access rewrites why the second reflection was added.
    let changed = execute_raw(
        c.store(),
        &format!(
            "UPDATE audit_events SET why = 'changed' WHERE authority_id = 'bexley' AND entity_kind = 'evidence'
             AND entity_id = {} AND seq = 1",
            ids[1].get()
        ),
    )
    .await;
    assert_eq!(changed, 1);
    let report = verify(&c).await;
    assert_eq!(report.entries, 1, "the first entry still checks");
    let broken = report.broken.expect("the edit is found");
    assert_eq!(broken.chain_seq, Some(2));
    assert_eq!((broken.entity_kind, broken.entity_id), (Some(EntityKind::Evidence), Some(ids[1].get())));
    assert_eq!(broken.code, "hash_mismatch");
    assert!(broken.what.as_deref().is_some_and(|w| w.contains("Court report")), "{broken:?}");
    assert!(broken.problem.contains("changed after it was written"), "{}", broken.problem);

    // Putting the words back restores the chain: the hash covers content, not row identity.
    execute_raw(c.store(), "UPDATE audit_events SET why = 'my portfolio' WHERE why = 'changed'").await;
    assert!(verify(&c).await.intact());

    // Relinking an entry to skip its predecessor, or blanking its hash, is named too.
    execute_raw(c.store(), &format!("UPDATE audit_events SET prev_hash = '{GENESIS}' WHERE chain_seq = 3")).await;
    let broken = verify(&c).await.broken.expect("relinked");
    assert_eq!((broken.chain_seq, broken.code), (Some(3), "prev_hash_mismatch"));
}

async fn a_removed_entry_is_a_gap_and_removing_the_newest_is_noticed_by_the_head(db: &TestDb) {
    let c = bexley(db).await;
    portfolio(&c).await;
    // Another authority's chain is its own: nothing done to Bexley's touches it.
    let medway = Council::new(db, "medway", "Medway Council").await;
    let team = medway.unit(UnitKind::Team, "Duty Team", None).await;
    medway.person("M100", "Sam Doyle", Some(team), None).await;
    medway
        .portfolios()
        .add(&acting("M100", "worker", at(2025, 6, 2, 10), "mine"), &reflection("M100", "Duty week"), &[])
        .await
        .expect("medway evidence");

    // The newest entry goes: the chain checks as far as it goes, but the head says four.
    execute_raw(c.store(), "DELETE FROM audit_events WHERE authority_id = 'bexley' AND chain_seq = 4").await;
    let report = verify(&c).await;
    assert_eq!(report.entries, 3);
    let broken = report.broken.expect("the tail is missing");
    assert_eq!(broken.code, "missing_tail");
    assert!(broken.problem.contains("records 4 entries but the chain ends at entry 3"), "{}", broken.problem);

    // An entry in the middle goes: a gap, named at the entry after it.
    execute_raw(c.store(), "DELETE FROM audit_events WHERE authority_id = 'bexley' AND chain_seq = 2").await;
    let report = verify(&c).await;
    let broken = report.broken.expect("a gap");
    assert_eq!((broken.chain_seq, broken.code), (Some(3), "gap"));
    assert_eq!(broken.problem, "gap in sequence: entry 2 is missing before entry 3");

    let medway_report = verify_chain(medway.store(), &medway.scope).await.expect("verify medway");
    assert!(medway_report.intact() && medway_report.entries == 1, "{medway_report:?}");

    // An entry forged onto the end, hash and all, without moving the head on, is named.
    execute_raw(
        c.store(),
        "INSERT INTO audit_events (authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name,
             actor_role, occurred_at, why, what, detail, recorded_at, chain_seq, prev_hash, hash)
         SELECT authority_id, entity_kind, entity_id, entity_version + 1, seq + 1, actor_id, actor_name, actor_role,
             occurred_at, 'made up', what, detail, recorded_at, 2, prev_hash, hash
         FROM audit_events WHERE authority_id = 'medway' AND chain_seq = 1",
    )
    .await;
    let broken = verify_chain(medway.store(), &medway.scope).await.expect("verify").broken.expect("forged");
    assert_eq!((broken.chain_seq, broken.code), (Some(2), "beyond_head"));
}

async fn eight_workers_adding_evidence_at_once_leave_one_unbroken_chain(db: &TestDb) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let team = c.unit(UnitKind::Team, "Family Support Team", None).await;
    for n in 0..8 {
        c.person(&format!("B30{n}"), &format!("Worker Number{n}"), Some(team), None).await;
    }
    let files_at = db.dir().join("data");
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..8 {
        let (store, scope, files_at) = (db.store.clone(), c.scope.clone(), files_at.clone());
        tasks.spawn(async move {
            // The system clock, to the nanosecond: storage keeps microseconds on both
            // databases, and the hash must cover what is kept.
            let files = pathway_app::files::EvidenceFiles::new(&files_at, 1024 * 1024);
            let portfolios = AuthorityPortfolios::new(&store, scope, files).with_clock(Clock::System);
            let number = format!("B30{n}");
            let new = reflection(&number, &format!("Reflection {n}"));
            portfolios.add(&Acting::new(&number, "worker", "at once"), &new, &[]).await.map(|_| ())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("add evidence");
    }
    let report = verify(&c).await;
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.entries, 8);
}

async fn a_trail_written_before_the_chain_is_chained_once_in_the_order_written(db: &TestDb) {
    let c = bexley(db).await;
    portfolio(&c).await;
    let chained = verify(&c).await;
    // As a database migrated from before the chain would be: no places, no hashes, no head.
    execute_raw(c.store(), "UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL").await;
    execute_raw(c.store(), "DELETE FROM audit_chain_heads").await;
    let broken = verify(&c).await.broken.expect("unchained entries are not proof of anything");
    assert_eq!((broken.chain_seq, broken.code), (None, "unchained"));

    // Opening the database migrates it, and migrating seals what is unchained.
    c.store().migrate().await.expect("migrate");
    let sealed = verify(&c).await;
    assert!(sealed.intact(), "{sealed:?}");
    assert_eq!((sealed.entries, &sealed.head), (4, &chained.head), "the same entries in the same order");
    assert_eq!(c.store().seal_audit_chain().await.expect("seal again"), 0, "nothing left to chain");
    assert_eq!(verify(&c).await, sealed);

    // New entries carry on from the sealed head.
    c.portfolios()
        .add(&acting("B100", "worker", at(2025, 6, 6, 10), "one more"), &reflection("B100", "Supervision"), &[])
        .await
        .expect("add");
    let report = verify(&c).await;
    assert!(report.intact() && report.entries == 5, "{report:?}");
    execute_raw(c.store(), "UPDATE audit_events SET chain_seq = NULL, prev_hash = NULL, hash = NULL").await;
    execute_raw(c.store(), "DELETE FROM audit_chain_heads").await;
    assert_eq!(c.store().seal_audit_chain().await.expect("seal"), 5, "the seal says how many it chained");
    assert_eq!(verify(&c).await, report);

    // Sealing never hides tampering: a blanked hash stays broken.
    execute_raw(c.store(), "UPDATE audit_events SET hash = NULL WHERE chain_seq = 2").await;
    assert_eq!(c.store().seal_audit_chain().await.expect("seal"), 0);
    let broken = verify(&c).await.broken.expect("blanked");
    assert_eq!((broken.chain_seq, broken.code), (Some(2), "missing_hash"));
}

async fn the_trail_is_shown_by_person_record_and_date_with_late_entries_marked(db: &TestDb) {
    let c = bexley(db).await;
    let ids = portfolio(&c).await;
    // Tom records an observation of Amira's practice a week late, from his notes.
    let mut observation = reflection("B100", "Home visit observed");
    let tom = c.store().worker_by_employee_number(&c.scope, &"B200".parse().expect("number")).await.expect("Tom");
    observation.detail = EvidenceDetail::PracticeObservation {
        observer: Contributor {
            role: "team-manager".into(),
            name: PersonName::parse("Tom Reeves").expect("name"),
            worker: Some(tom.id),
            entered_by: None,
        },
    };
    observation.date = date(2025, 6, 2);
    let late = acting("B200", "team-manager", at(2025, 6, 9, 11), "observed her visit")
        .backdated(at(2025, 6, 2, 15), "written up from my notes a week later");
    c.portfolios().add(&late, &observation, &[]).await.expect("observation");

    let all = show(c.store(), &c.scope, &AuditFilter::default()).await.expect("all");
    assert_eq!(all.len(), 5);
    assert_eq!(all.iter().map(|e| e.chain_seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5].map(Some));

    // Tom's entries: the late one, with both times and why.
    let toms = AuditFilter { person: Some("B200".into()), ..AuditFilter::default() };
    let toms = show(c.store(), &c.scope, &toms).await.expect("Tom's");
    assert_eq!(toms.len(), 1);
    let entry = &toms[0];
    assert_eq!((entry.by.as_str(), entry.by_employee_number.as_deref()), ("Tom Reeves", Some("B200")));
    assert_eq!((entry.at, entry.entered_at), (at(2025, 6, 2, 15), Some(at(2025, 6, 9, 11))));
    assert_eq!(entry.late_because.as_deref(), Some("written up from my notes a week later"));

    // Amira's: everything by her and about her portfolio, Tom's observation included.
    let amiras = AuditFilter { person: Some("B100".into()), ..AuditFilter::default() };
    assert_eq!(show(c.store(), &c.scope, &amiras).await.expect("Amira's").len(), 5);

    // One record: the reflection she retitled, added then edited.
    let record = AuditFilter { record: Some(format!("evidence:{}", ids[1].get())), ..AuditFilter::default() };
    let trail = show(c.store(), &c.scope, &record).await.expect("one record");
    assert_eq!(trail.iter().map(|e| e.why.as_str()).collect::<Vec<_>>(), ["my portfolio", "clearer title"]);

    // Dates are days, both ends included, by when the action took effect.
    let days = AuditFilter { from: Some(date(2025, 6, 2)), to: Some(date(2025, 6, 3)), ..AuditFilter::default() };
    let found = show(c.store(), &c.scope, &days).await.expect("by date");
    assert_eq!(
        found.iter().map(|e| e.at).collect::<Vec<_>>(),
        [at(2025, 6, 2, 10), at(2025, 6, 3, 10), at(2025, 6, 2, 15)]
    );

    let err = show(c.store(), &c.scope, &AuditFilter { person: Some("B999".into()), ..AuditFilter::default() })
        .await
        .expect_err("no such person");
    assert!(err.to_string().contains("B999"), "{err}");
}
