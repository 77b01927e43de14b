//! Bulk imports: teams and workers in one transaction, on both databases.

use std::sync::atomic::{AtomicUsize, Ordering};

use pathway_core::workforce::{
    AppraisalOutcome, AwardKind, ChangeReason, Name, NewAppraisal, NewAward, NewOrgUnit, NewWorker, NewWorkerRecord,
    UnitKind,
};
use pathway_store::{BulkImport, ImportedWorker, Organisation, Store, StoreError, Workforce};

use crate::fixtures::{authority, date, details, entry};

crate::stories!(an_import_creates_its_teams_and_workers_or_nothing, a_large_import_keeps_each_record_with_its_worker);

fn imported(number: &str, new_team: Option<usize>) -> ImportedWorker {
    ImportedWorker {
        record: NewWorkerRecord {
            worker: NewWorker {
                details: details(number, "Imported Worker"),
                timeline: vec![entry("2024-10-01", "nqsw", None, None, ChangeReason::Appointed)],
            },
            awards: vec![NewAward {
                kind: AwardKind::PepsStage1,
                title: Name::parse("PEPS stage 1").expect("title"),
                provider: None,
                completed_on: date("2023-06-30"),
                academic_level: None,
                credits: None,
            }],
            appraisals: vec![NewAppraisal {
                held_on: date("2025-03-01"),
                reviewer: None,
                outcome: AppraisalOutcome::ReadyToApply,
                summary: None,
                objectives: None,
                development_plan: None,
            }],
            goals: vec![],
        },
        new_team,
    }
}

async fn an_import_creates_its_teams_and_workers_or_nothing(store: Store) {
    let sefton = authority(&store, "sefton", "Sefton").await;
    let teams =
        vec![NewOrgUnit { kind: UnitKind::Team, name: Name::parse("Leaving Care").expect("name"), parent: None }];
    let seen = AtomicUsize::new(0);
    let progress = |n: usize| seen.store(n, Ordering::Relaxed);

    // The third worker clashes with the first: nothing is kept, not even the new team.
    let clashing = vec![imported("S1", Some(0)), imported("S2", None), imported("s1", None)];
    let err = store.import_workers(&sefton, &teams, &clashing, &progress).await.expect_err("duplicate");
    assert!(matches!(err, StoreError::Batch { index: 2, total: 3, .. }), "{err:?}");
    assert!(store.workers(&sefton).await.expect("workers").is_empty());
    assert!(store.units(&sefton).await.expect("units").is_empty(), "the team was rolled back with the workers");

    let fine = vec![imported("S1", Some(0)), imported("S2", None), imported("S3", Some(0))];
    let outcome = store.import_workers(&sefton, &teams, &fine, &progress).await.expect("import");
    assert_eq!(seen.load(Ordering::Relaxed), 3, "progress counts every worker");
    assert_eq!(outcome.teams.len(), 1);
    assert_eq!(outcome.workers.len(), 3);
    let records = store.worker_records(&sefton).await.expect("records");
    let in_team: Vec<&str> = records
        .iter()
        .filter(|r| r.worker.details.unit == Some(outcome.teams[0]))
        .map(|r| r.worker.details.employee_number.as_str())
        .collect();
    assert_eq!(in_team, ["S1", "S3"]);
    assert!(records.iter().all(|r| r.awards.len() == 1 && r.appraisals.len() == 1 && r.timeline.entries().len() == 1));

    // Only teams: an import cannot make services.
    let service = vec![NewOrgUnit { kind: UnitKind::Service, name: Name::parse("X").expect("name"), parent: None }];
    let err = store.import_workers(&sefton, &service, &[], &progress).await.expect_err("not a team");
    assert_eq!(err.code(), "invalid");
}

/// More workers than one chunk of multi-row inserts: every award, appraisal and timeline entry
/// lands on its own worker, and a clash in a later chunk is named exactly and keeps nothing.
async fn a_large_import_keeps_each_record_with_its_worker(store: Store) {
    let wirral = authority(&store, "wirral", "Wirral").await;
    let worker = |i: usize| {
        let mut w = imported(&format!("W{i}"), None);
        w.record.awards[0].title = Name::parse(&format!("Award of W{i}")).expect("title");
        w.record.worker.details.name =
            pathway_core::workforce::PersonName::parse(&format!("Worker {i}")).expect("name");
        w
    };
    let mut clashing: Vec<ImportedWorker> = (0..1_203).map(worker).collect();
    clashing[1_100] = worker(7);
    let err = store.import_workers(&wirral, &[], &clashing, &|_| {}).await.expect_err("W7 twice");
    assert!(matches!(err, StoreError::Batch { index: 1_100, total: 1_203, .. }), "{err:?}");
    assert!(store.workers(&wirral).await.expect("workers").is_empty(), "nothing from any chunk is kept");

    let workers: Vec<ImportedWorker> = (0..1_203).map(worker).collect();
    let seen = AtomicUsize::new(0);
    let outcome = store
        .import_workers(&wirral, &[], &workers, &|n| {
            seen.fetch_max(n, Ordering::Relaxed);
        })
        .await
        .expect("import");
    assert_eq!(seen.load(Ordering::Relaxed), 1_203);
    let records = store.worker_records(&wirral).await.expect("records");
    assert_eq!(records.len(), 1_203);
    for r in &records {
        let number = r.worker.details.employee_number.as_str();
        assert_eq!(r.awards.len(), 1);
        assert_eq!(r.awards[0].award.title.as_str(), format!("Award of {number}"), "the award is its owner's");
        assert_eq!(r.worker.details.name.as_str(), format!("Worker {}", &number[1..]));
        assert_eq!((r.appraisals.len(), r.timeline.entries().len()), (1, 1));
    }
    let by_id: Vec<_> = outcome.workers.iter().map(|id| records.iter().find(|r| r.worker.id == *id)).collect();
    for (i, r) in by_id.iter().enumerate() {
        assert_eq!(
            r.map(|r| r.worker.details.employee_number.to_string()),
            Some(format!("W{i}")),
            "ids in input order"
        );
    }
}
