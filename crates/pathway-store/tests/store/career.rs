//! Registration, CPD and audited appraisals on both databases: every record kept with its
//! audit entry in the same transaction, nothing half-written when a record is refused,
//! nothing reachable from another authority, and all of it gone with a leaver's erasure.

use pathway_core::career::{NewCpdRecord, NewRegistration, PeerReflection};
use pathway_core::workforce::{AppraisalOutcome, Name, NewAppraisal, Note, RegistrationStatus, SweNumber};
use pathway_store::{
    AuditActor, AuditTrail, AuthorityScope, Careers, EntityKind, NewAuditEntry, Portfolios, Retention, Store, Workforce,
};

use crate::fixtures::{authority, date, new_worker};
use crate::progression::{actor, at, audit, reflective_summary};

crate::stories!(
    registration_cpd_and_appraisals_are_kept_with_their_audit_entries,
    a_cpd_record_naming_someone_elses_evidence_is_refused_whole,
);

fn hr() -> AuditActor {
    AuditActor { person: None, name: "hr-lead".into(), role: "operator".into() }
}

fn entry(kind: EntityKind, what: &'static str) -> impl Fn(i64) -> NewAuditEntry + Sync {
    move |id| NewAuditEntry {
        kind,
        id,
        by: hr(),
        at: at(2025, 12, 2, 9),
        why: String::new(),
        what: format!("{what} {id}"),
        detail: "{}".into(),
        entered_by: None,
        entered_from: None,
    }
}

fn registration(status: RegistrationStatus, from: &str, due: Option<&str>) -> NewRegistration {
    NewRegistration {
        number: SweNumber::parse("SW104233").expect("number"),
        status,
        conditions: None,
        renewal_due: due.map(date),
        effective_on: date(from),
        note: None,
    }
}

fn cpd(title: &str, peer: Option<PeerReflection>, evidence: Vec<pathway_core::ids::EvidenceId>) -> NewCpdRecord {
    NewCpdRecord {
        on: date("2025-10-14"),
        title: Name::parse(title).expect("title"),
        description: Some(Note::parse("A half-day workshop run by the principal social worker.").expect("note")),
        reflection: Note::parse("I now start a neglect assessment from the child's day.").expect("reflection"),
        peer,
        evidence,
    }
}

async fn registration_cpd_and_appraisals_are_kept_with_their_audit_entries(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    // Mia leaves at the end of 2025; her records are erased under the retention rule.
    let mut leaver = new_worker("B1", "Mia Cole");
    leaver.details.left_on = Some(date("2025-12-31"));
    let mia = store.create_worker(&bexley, &leaver).await.expect("Mia");
    let dee = store.create_worker(&bexley, &new_worker("B2", "Dee Lane")).await.expect("Dee");

    // Registered for the year to 30 November 2025, then renewed with conditions.
    let first = store
        .add_registration(
            &bexley,
            mia.id,
            &registration(RegistrationStatus::Registered, "2024-12-01", Some("2025-11-30")),
            "hr-lead",
            &entry(EntityKind::Registration, "registration"),
        )
        .await
        .expect("first record");
    let mut renewed = registration(RegistrationStatus::RegisteredWithConditions, "2025-12-01", Some("2026-11-30"));
    renewed.conditions = Some(Note::parse("Supervised practice in child protection for six months").expect("note"));
    let second = store
        .add_registration(&bexley, mia.id, &renewed, "hr-lead", &entry(EntityKind::Registration, "registration"))
        .await
        .expect("second record");
    assert_eq!(second.registration, renewed);
    assert_eq!(second.recorded_by, "hr-lead");
    let history = store.registrations(&bexley, Some(mia.id)).await.expect("history");
    assert_eq!(history.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first.id, second.id]);
    let record = store.worker_record(&bexley, mia.id).await.expect("record");
    assert_eq!(record.registrations, history, "the worker's record carries the history");
    assert_eq!(store.worker_records(&bexley).await.expect("all")[0].registrations, history);
    let standing = record.registration_on(date("2026-01-05")).expect("standing");
    assert_eq!(standing.registration.status, RegistrationStatus::RegisteredWithConditions);
    let trail = store.audit_trail(&bexley, EntityKind::Registration, second.id.get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].what, format!("registration {}", second.id));

    // Another authority reaches none of it.
    let from_medway = store
        .add_registration(
            &medway,
            mia.id,
            &registration(RegistrationStatus::Registered, "2025-12-01", None),
            "x",
            &entry(EntityKind::Registration, "registration"),
        )
        .await
        .expect_err("Mia is not Medway's");
    assert_eq!(from_medway.code(), "not_found");
    assert!(store.registrations(&medway, None).await.expect("Medway's").is_empty());

    // CPD reflected on with Dee, drawing on Mia's own reflective summary.
    let item = store
        .add_evidence(
            &bexley,
            &reflective_summary(mia.id, "Reflection on a home visit."),
            &audit(&actor(&mia, "worker"), at(2025, 10, 15, 9), "after the workshop"),
        )
        .await
        .expect("evidence");
    let peer = PeerReflection { name: dee.details.name.clone(), worker: Some(dee.id) };
    let added = store
        .add_cpd(
            &bexley,
            mia.id,
            &cpd("Working with neglect", Some(peer), vec![item.item.id(), item.item.id()]),
            "Mia Cole",
            &entry(EntityKind::CpdRecord, "CPD"),
        )
        .await
        .expect("CPD");
    assert_eq!(added.record.evidence, vec![item.item.id()], "a link is kept once");
    assert_eq!(store.cpd_records(&bexley, Some(mia.id)).await.expect("Mia's CPD"), vec![added.clone()]);
    assert_eq!(store.cpd_records(&bexley, None).await.expect("all CPD"), vec![added.clone()]);
    assert_eq!(store.audit_trail(&bexley, EntityKind::CpdRecord, added.id.get()).await.expect("trail").len(), 1);

    // An appraisal with what was agreed, and its audit entry.
    let appraisal = NewAppraisal {
        held_on: date("2025-11-20"),
        reviewer: Some(dee.id),
        outcome: AppraisalOutcome::MeetingExpectations,
        summary: None,
        objectives: Some(Note::parse("Lead two child protection conferences").expect("note")),
        development_plan: Some(Note::parse("PEPS stage 1 in the spring").expect("note")),
    };
    let held = store
        .add_audited_appraisal(&bexley, mia.id, &appraisal, &entry(EntityKind::Appraisal, "appraisal"))
        .await
        .expect("appraisal");
    assert_eq!(held.appraisal, appraisal);
    assert_eq!(store.worker_record(&bexley, mia.id).await.expect("record").appraisals[0].appraisal, appraisal);
    assert_eq!(store.audit_trail(&bexley, EntityKind::Appraisal, held.id.get()).await.expect("trail").len(), 1);

    // Erasing Mia as a leaver takes her registration records and CPD (and its links) too.
    let erased = store
        .erase_leaver(&bexley, mia.id, at(2026, 1, 1, 0), &|_| NewAuditEntry {
            kind: EntityKind::Erasure,
            id: mia.id.get(),
            by: hr(),
            at: at(2026, 1, 1, 0),
            why: "retention".into(),
            what: "erased".into(),
            detail: "{}".into(),
            entered_by: None,
            entered_from: None,
        })
        .await
        .expect("erase")
        .expect("no hold");
    assert_eq!(erased.rows.get("registrations"), Some(&2));
    assert_eq!(erased.rows.get("CPD records"), Some(&1));
    assert!(store.registrations(&bexley, Some(mia.id)).await.expect("after").is_empty());
    assert!(store.cpd_records(&bexley, None).await.expect("after").is_empty());
    let refused = store
        .add_cpd(&bexley, mia.id, &cpd("After erasure", None, vec![]), "x", &entry(EntityKind::CpdRecord, "CPD"))
        .await
        .expect_err("nothing more about an erased leaver");
    assert_eq!(refused.code(), "invalid");
}

async fn a_cpd_record_naming_someone_elses_evidence_is_refused_whole(store: Store) {
    let bexley: AuthorityScope = authority(&store, "bexley", "London Borough of Bexley").await;
    let mia = store.create_worker(&bexley, &new_worker("B1", "Mia Cole")).await.expect("Mia");
    let dee = store.create_worker(&bexley, &new_worker("B2", "Dee Lane")).await.expect("Dee");
    let dees_item = store
        .add_evidence(
            &bexley,
            &reflective_summary(dee.id, "Dee's reflection."),
            &audit(&actor(&dee, "worker"), at(2025, 10, 15, 9), "hers"),
        )
        .await
        .expect("evidence");
    let err = store
        .add_cpd(
            &bexley,
            mia.id,
            &cpd("Working with neglect", None, vec![dees_item.item.id()]),
            "Mia Cole",
            &entry(EntityKind::CpdRecord, "CPD"),
        )
        .await
        .expect_err("Dee's evidence is not Mia's");
    assert_eq!(err.code(), "invalid");
    assert!(
        err.to_string().contains(&format!("evidence item {} is not in the portfolio", dees_item.item.id())),
        "{err}"
    );
    assert!(store.cpd_records(&bexley, None).await.expect("none").is_empty(), "nothing was stored");
    let head = store.audit_chain_head(&bexley).await.expect("head");
    let entries =
        store.audit_chain_entries(&bexley, 0, head.map(|h| h.chain_seq).unwrap_or(0), 100).await.expect("chain");
    assert!(entries.iter().all(|e| e.event.entity_kind != EntityKind::CpdRecord), "no audit entry either");
}
