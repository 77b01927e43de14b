//! Attestations recorded through the application layer: who may record an endorsement is
//! decided by the posts held over the worker, and what is recorded reaches eligibility. The
//! same for appraisals (PDR).

use pathway_app::AppError;
use pathway_app::records::{
    Entered, RecordAppraisal, RecordAttestation, appraisals, attestations, record_appraisal, record_attestation,
};
use pathway_core::eligibility::WorkerFacts;
use pathway_core::workforce::{AppraisalOutcome, AttestationKind, UnitKind};

use crate::council::{Council, date};
use crate::harness::TestDb;

crate::stories!(
    an_endorsement_is_recorded_only_by_someone_over_the_worker_and_reaches_eligibility,
    an_appraisal_is_recorded_only_by_someone_over_the_worker_and_reaches_eligibility
);

fn attest(kind: AttestationKind, worker: &str, by: &str, what: Option<&str>) -> RecordAttestation {
    RecordAttestation {
        worker: worker.into(),
        kind,
        what: what.map(Into::into),
        on: date(2026, 3, 2),
        recorded_by: by.into(),
        note: Some("Discussed at supervision".into()),
    }
}

async fn an_endorsement_is_recorded_only_by_someone_over_the_worker_and_reaches_eligibility(db: &TestDb) {
    let c = Council::new(db, "medway", "Medway Council").await;
    let service = c.unit(UnitKind::Service, "Children's Services", None).await;
    let team = c.unit(UnitKind::Team, "Assessment Team", Some(service)).await;
    let ravi = c.person("M100", "Ravi Shah", Some(team), Some(("social-worker", None, None, date(2024, 10, 1)))).await;
    c.person("M101", "Cal Reed", Some(team), Some(("social-worker", None, None, date(2023, 10, 1)))).await;
    let sue = c.person("M210", "Sue Hart", Some(team), None).await;
    let pat = c.person("M300", "Pat Osei", Some(service), None).await;
    c.post(team, "team-manager", &sue).await;
    c.post(service, "head-of-service", &pat).await;
    let (store, scope) = (c.store(), &c.scope);

    // A colleague in the same team holds no post over Ravi: refused, naming who does.
    let err = record_attestation(store, scope, &attest(AttestationKind::Endorsement, "M100", "M101", None))
        .await
        .expect_err("a colleague cannot endorse");
    assert!(matches!(err, AppError::NotPermitted(_)), "{err:?}");
    assert!(err.to_string().contains("Cal Reed (M101) does not"), "{err}");
    assert!(err.to_string().contains("their line manager is Sue Hart (M210)"), "{err}");
    // Nobody endorses themselves.
    let own = record_attestation(store, scope, &attest(AttestationKind::Endorsement, "M100", "M100", None)).await;
    assert!(own.expect_err("own endorsement").to_string().contains("cannot record their own endorsement"));
    // A standard set Pathway does not know is refused by name.
    let unknown = record_attestation(store, scope, &attest(AttestationKind::Assessment, "M100", "M210", Some("kss.x")))
        .await
        .expect_err("unknown set");
    assert!(unknown.to_string().contains("kss.x"), "{unknown}");

    // The line manager, the head of service further up, and Ravi himself for his intent.
    let endorsed = record_attestation(store, scope, &attest(AttestationKind::Endorsement, "M100", "M210", None))
        .await
        .expect("line manager endorses");
    assert_eq!((endorsed.recorded_by.as_str(), endorsed.recorded_by_name.as_str()), ("M210", "Sue Hart"));
    record_attestation(store, scope, &attest(AttestationKind::Endorsement, "M100", "M300", None))
        .await
        .expect("the head of service holds a post over him too");
    record_attestation(store, scope, &attest(AttestationKind::SupervisionIntent, "M100", "M100", Some("level 3")))
        .await
        .expect("the worker records his own intent");
    let intent_by_colleague =
        record_attestation(store, scope, &attest(AttestationKind::SupervisionIntent, "M100", "M101", None)).await;
    assert!(matches!(intent_by_colleague, Err(AppError::NotPermitted(_))));
    record_attestation(
        store,
        scope,
        &attest(AttestationKind::Assessment, "M100", "M210", Some("pcf.experienced-social-worker")),
    )
    .await
    .expect("assessment");

    let lines = attestations(store, scope, Some("M100")).await.expect("list");
    let kinds: Vec<(AttestationKind, &str)> = lines.iter().map(|l| (l.kind, l.recorded_by.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (AttestationKind::Endorsement, "M210"),
            (AttestationKind::Endorsement, "M300"),
            (AttestationKind::SupervisionIntent, "M100"),
            (AttestationKind::Assessment, "M210"),
        ],
        "nothing refused was stored"
    );
    assert_eq!(attestations(store, scope, None).await.expect("all").len(), 4);

    let facts = WorkerFacts::from_record(&c.record(&ravi).await, date(2026, 5, 1)).expect("facts");
    assert_eq!(facts.attestations.len(), 4);
    let before = WorkerFacts::from_record(&c.record(&ravi).await, date(2026, 3, 1)).expect("facts");
    assert!(before.attestations.is_empty(), "recorded for 2 March 2026, so not there on 1 March");
}

async fn an_appraisal_is_recorded_only_by_someone_over_the_worker_and_reaches_eligibility(db: &TestDb) {
    let c = Council::new(db, "medway", "Medway Council").await;
    let service = c.unit(UnitKind::Service, "Children's Services", None).await;
    let team = c.unit(UnitKind::Team, "Assessment Team", Some(service)).await;
    let ravi = c.person("M100", "Ravi Shah", Some(team), Some(("social-worker", None, None, date(2024, 10, 1)))).await;
    c.person("M101", "Cal Reed", Some(team), Some(("social-worker", None, None, date(2023, 10, 1)))).await;
    let sue = c.person("M210", "Sue Hart", Some(team), None).await;
    c.post(team, "team-manager", &sue).await;
    let (store, scope) = (c.store(), &c.scope);
    let appraisal = |by: &str, outcome: &str| RecordAppraisal {
        worker: "M100".into(),
        held_on: date(2026, 3, 2),
        outcome: outcome.into(),
        by: by.into(),
        summary: Some("  ".into()),
        objectives: Some("Lead a core group".into()),
        development_plan: None,
    };
    let entered = Entered { at: crate::council::at(2026, 3, 2, 15), by: Some("system".into()), from: None };

    let colleague = record_appraisal(store, scope, &appraisal("M101", "ready-to-apply-for-progression"), &entered)
        .await
        .expect_err("a colleague holds no post over him");
    assert!(matches!(colleague, AppError::NotPermitted(_)), "{colleague:?}");
    assert!(colleague.to_string().contains("Cal Reed (M101) was not (their line manager then was Sue Hart (M210))"));
    let own = record_appraisal(store, scope, &appraisal("M100", "ready-to-apply-for-progression"), &entered).await;
    assert!(own.expect_err("own appraisal").to_string().contains("cannot record their own appraisal"));
    let unknown =
        record_appraisal(store, scope, &appraisal("M210", "superb"), &entered).await.expect_err("unknown outcome");
    assert!(unknown.to_string().contains("superb"), "{unknown}");

    let line = record_appraisal(store, scope, &appraisal("M210", "Ready to apply for progression"), &entered)
        .await
        .expect("his team manager appraises him");
    assert_eq!(
        (line.outcome, line.by.as_deref(), line.summary.as_deref()),
        (AppraisalOutcome::ReadyToApply, Some("M210"), None)
    );
    assert_eq!(appraisals(store, scope, None).await.expect("all").len(), 1, "nothing refused was stored");

    let facts = WorkerFacts::from_record(&c.record(&ravi).await, date(2026, 5, 1)).expect("facts");
    assert_eq!(facts.latest_appraisal, Some((date(2026, 3, 2), AppraisalOutcome::ReadyToApply)));
}
