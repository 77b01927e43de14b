//! Bulk imports: teams and workers in one transaction, on both databases.

use std::sync::atomic::{AtomicUsize, Ordering};

use pathway_core::workforce::{
    AppraisalOutcome, AwardKind, ChangeReason, Name, NewAppraisal, NewAward, NewOrgUnit, NewWorker, NewWorkerRecord,
    UnitKind,
};
use pathway_store::{BulkImport, ImportedWorker, Organisation, Store, StoreError, Workforce};

use crate::fixtures::{authority, date, details, entry};

crate::stories!(an_import_creates_its_teams_and_workers_or_nothing);

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
            }],
            appraisals: vec![NewAppraisal {
                held_on: date("2025-03-01"),
                reviewer: None,
                outcome: AppraisalOutcome::ReadyToApply,
                summary: None,
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
