//! The storage stories. Each runs on SQLite and on PostgreSQL (see `stories!` at the end);
//! the two must behave identically.

use pathway_core::ids::{OrgUnitId, WorkerId};
use pathway_core::workforce::{
    AcademicLevel, AppraisalOutcome, AsyeOutcome, AsyeParts, AsyeRecord, AttestationKind, AwardKind, ChangeReason,
    EmployeeNumber, EmploymentType, GoalStatus, Name, NewAppraisal, NewAttestation, NewAward, NewGoal, NewOrgUnit,
    NewPost, NewWorker, NewWorkerRecord, Note, UnitKind, Version,
};
use pathway_store::{
    CrossAuthorityReports, FrameworkFile, FrameworkVersions, ImportedPost, ImportedUnit, Organisation, PostRef, Store,
    StoreError, SyncChange, Tenancy, UnitRef, Workforce,
};

use crate::fixtures::{FRAMEWORK, authority, date, details, entry, full_details, new_worker};

crate::stories!(
    a_worker_round_trips_with_every_field,
    one_authority_cannot_reach_another_authoritys_records,
    the_timeline_keeps_every_entry,
    the_second_of_two_concurrent_updates_gets_a_conflict,
    a_failing_batch_writes_nothing,
    organisation_and_line_management,
    who_held_a_post_is_answered_on_a_date,
    a_head_of_service_who_has_left_is_nobodys_own_from_their_leaving_date,
    a_closed_unit_takes_no_new_posts_and_keeps_its_history,
    two_creations_of_the_same_team_at_once_make_one_team,
    two_organisation_imports_naming_the_same_new_team_make_one_team,
    an_organisation_import_whose_reporting_lines_loop_writes_nothing,
    frameworks_sync_from_their_files,
    awards_appraisals_and_goals_make_up_the_record,
    whole_records_are_created_together_and_read_back_in_bulk,
    endorsements_assessments_and_accreditations_are_kept_with_the_record,
    a_fixed_term_worker_is_stored_as_fixed_term,
);

async fn unit(
    store: &Store,
    scope: &pathway_store::AuthorityScope,
    kind: UnitKind,
    name: &str,
    parent: Option<OrgUnitId>,
) -> OrgUnitId {
    store
        .create_unit(scope, &NewOrgUnit { kind, name: Name::parse(name).expect("name"), parent })
        .await
        .expect("create unit")
        .id
}

async fn a_worker_round_trips_with_every_field(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let team = unit(&store, &rotherham, UnitKind::Team, "Duty and Assessment", None).await;
    let assessor = store.create_worker(&rotherham, &new_worker("R100", "Sam Assessor")).await.expect("assessor");

    let mut d = full_details("R00123", "Alex Example");
    d.unit = Some(team);
    let mut parts = d.asye.as_ref().expect("asye").parts();
    parts.assessor = Some(assessor.id);
    d.asye = Some(AsyeRecord::new(parts).expect("asye"));
    let created = store
        .create_worker(&rotherham, &NewWorker { details: d.clone(), timeline: vec![] })
        .await
        .expect("create worker");

    assert_eq!(created.details, d, "every field is stored as given");
    assert_eq!(created.authority, *rotherham.id());
    assert_eq!(created.meta.version, Version::FIRST);
    assert_eq!(created.meta.created_at, created.meta.updated_at);

    assert_eq!(store.worker(&rotherham, created.id).await.expect("read"), created);
    let by_number = store
        .worker_by_employee_number(&rotherham, &EmployeeNumber::parse("r00123").expect("number"))
        .await
        .expect("by number");
    assert_eq!(by_number, created, "employee numbers match whatever the case");
    let all = store.workers(&rotherham).await.expect("list");
    assert_eq!(all.iter().map(|w| w.details.employee_number.as_str()).collect::<Vec<_>>(), ["R00123", "R100"]);

    // A pre-2013 NQSW portfolio holder: no ASYE start date, an accepted equivalent outcome.
    let mut veteran = details("R007", "Pat Longserving");
    veteran.asye = Some(
        AsyeRecord::new(AsyeParts {
            outcome: Some(AsyeOutcome::NqswPortfolioPre2013),
            outcome_on: Some(date("2011-07-01")),
            ..AsyeParts::default()
        })
        .expect("pre-2013"),
    );
    let stored = store
        .create_worker(&rotherham, &NewWorker { details: veteran.clone(), timeline: vec![] })
        .await
        .expect("create");
    let asye = stored.details.asye.expect("asye kept");
    assert_eq!(asye.outcome(), Some(AsyeOutcome::NqswPortfolioPre2013));
    assert!(asye.outcome().is_some_and(|o| o.counts_as_passed(&["nqsw-portfolio-pre-2013".to_string()])));

    // Duplicates are refused with a conflict that says what clashed.
    let again = store.create_worker(&rotherham, &new_worker("r00123", "Someone Else")).await.expect_err("duplicate");
    assert_eq!(again.code(), "conflict");
    assert!(again.to_string().contains("already has that employee number"), "{again}");
}

async fn one_authority_cannot_reach_another_authoritys_records(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let medway_team = unit(&store, &medway, UnitKind::Team, "Medway Team", None).await;
    let theirs = store.create_worker(&medway, &new_worker("M1", "Medway Worker")).await.expect("medway worker");
    let ours =
        store.create_worker(&bexley, &new_worker("M1", "Bexley Worker")).await.expect("same number, other authority");

    let read = store.worker(&bexley, theirs.id).await.expect_err("cross-authority read");
    assert_eq!(read.code(), "not_found");
    assert_eq!(read.to_string(), format!("worker {} was not found in authority bexley", theirs.id));
    assert_eq!(store.worker_record(&bexley, theirs.id).await.expect_err("record").code(), "not_found");
    assert_eq!(
        store.worker_by_employee_number(&bexley, &theirs.details.employee_number).await.expect("by number").id,
        ours.id,
        "an employee number finds this authority's worker, never the other's"
    );
    let listed = store.workers(&bexley).await.expect("list");
    assert_eq!(listed.iter().map(|w| w.id).collect::<Vec<_>>(), [ours.id]);

    // Writes through the wrong scope change nothing.
    let update = store
        .update_worker(&bexley, theirs.id, theirs.meta.version, &details("M1", "Renamed"))
        .await
        .expect_err("cross-authority update");
    assert_eq!(update.code(), "not_found");
    let appraisal = NewAppraisal {
        held_on: date("2025-01-10"),
        reviewer: None,
        outcome: AppraisalOutcome::ReadyToApply,
        summary: None,
        objectives: None,
        development_plan: None,
    };
    assert_eq!(store.add_appraisal(&bexley, theirs.id, &appraisal).await.expect_err("appraisal").code(), "not_found");
    assert_eq!(
        store
            .add_timeline_entry(&bexley, theirs.id, &entry("2025-01-01", "level-2", None, None, ChangeReason::Other))
            .await
            .expect_err("timeline")
            .code(),
        "not_found"
    );
    assert_eq!(store.worker(&medway, theirs.id).await.expect("unchanged"), theirs);

    // References into another authority are refused.
    let mut moved = details("B2", "Bexley Two");
    moved.unit = Some(medway_team);
    let refused =
        store.create_worker(&bexley, &NewWorker { details: moved, timeline: vec![] }).await.expect_err("unit");
    assert_eq!(refused.code(), "invalid");
    assert!(refused.to_string().contains("does not exist in authority bexley"), "{refused}");
    let post = store
        .create_post(
            &bexley,
            &NewPost { unit: medway_team, role: "team-manager".into(), reports_to: None, holder: None },
        )
        .await
        .expect_err("post on another authority's unit");
    assert_eq!(post.code(), "invalid");
    let bexley_team = unit(&store, &bexley, UnitKind::Team, "Bexley Team", None).await;
    let holder = store
        .create_post(
            &bexley,
            &NewPost {
                unit: bexley_team,
                role: "team-manager".into(),
                reports_to: None,
                holder: Some((theirs.id, date("2024-01-01"))),
            },
        )
        .await
        .expect_err("another authority's worker as post holder");
    assert_eq!(holder.code(), "invalid");
    assert!(store.units(&bexley).await.expect("units").iter().all(|u| u.authority == *bexley.id()));

    // No such authority, no scope.
    let unknown = store.scope(&"kent".parse().expect("id")).await.expect_err("unknown authority");
    assert_eq!(unknown.code(), "not_found");

    // The one deliberate cross-authority read: aggregate counts.
    let counts = store.cross_authority_headcounts().await.expect("headcounts");
    let pairs: Vec<(String, i64)> = counts.iter().map(|h| (h.authority.to_string(), h.workers)).collect();
    assert_eq!(pairs, [("bexley".to_string(), 1), ("medway".to_string(), 1)]);
}

async fn the_timeline_keeps_every_entry(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham").await;
    let worker = store
        .create_worker(
            &rotherham,
            &NewWorker {
                details: details("R1", "Jo Progressing"),
                timeline: vec![entry("2021-09-01", "level-2", Some("band-g"), Some("1"), ChangeReason::Appointed)],
            },
        )
        .await
        .expect("create");
    for e in [
        entry("2022-09-01", "level-2", Some("band-h"), Some("1"), ChangeReason::AsyeCompleted),
        entry("2023-09-01", "level-2", Some("band-h"), Some("2"), ChangeReason::Increment),
        entry("2025-02-01", "level-3", Some("band-i"), Some("1"), ChangeReason::Progression),
    ] {
        store.add_timeline_entry(&rotherham, worker.id, &e).await.expect("add entry");
    }

    let record = store.worker_record(&rotherham, worker.id).await.expect("record");
    let starts: Vec<String> = record.timeline.entries().iter().map(|e| e.entry.starts_on.to_string()).collect();
    assert_eq!(starts, ["2021-09-01", "2022-09-01", "2023-09-01", "2025-02-01"], "nothing overwritten");
    let today = date("2025-06-01");
    assert_eq!(record.timeline.current().map(|e| e.entry.level.as_str()), Some("level-3"));
    assert_eq!(record.timeline.level_since(today), Some(date("2025-02-01")));
    assert_eq!(record.timeline.level_since(date("2024-01-01")), Some(date("2021-09-01")));
    assert_eq!(record.timeline.grade_since(date("2024-01-01")), Some(date("2022-09-01")));
    assert_eq!(record.timeline.point_since(date("2024-01-01")), Some(date("2023-09-01")));
    let first = &record.timeline.entries()[0];
    assert_eq!(first.entry.reason, ChangeReason::Appointed);
    assert_eq!(first.entry.point.as_ref().map(Name::as_str), Some("1"));

    let same_day = store
        .add_timeline_entry(
            &rotherham,
            worker.id,
            &entry("2025-02-01", "level-3", None, None, ChangeReason::Correction),
        )
        .await
        .expect_err("two entries starting the same day");
    assert_eq!(same_day.code(), "conflict");
    assert!(same_day.to_string().contains("already has a timeline entry starting that day"), "{same_day}");
    assert_eq!(store.worker_record(&rotherham, worker.id).await.expect("record").timeline.entries().len(), 4);
}

async fn the_second_of_two_concurrent_updates_gets_a_conflict(store: Store) {
    let bexley = authority(&store, "bexley", "Bexley").await;
    let read = store.create_worker(&bexley, &new_worker("B1", "Chris Original")).await.expect("create");

    // Two people open the same worker and save different changes at the same moment.
    let mut renamed = read.details.clone();
    renamed.name = "Chris Renamed".parse().expect("name");
    let mut left = read.details.clone();
    left.left_on = Some(date("2025-12-31"));
    let (first, second) = tokio::join!(
        store.update_worker(&bexley, read.id, read.meta.version, &renamed),
        store.update_worker(&bexley, read.id, read.meta.version, &left),
    );

    let (winner, loser_error) = match (first, second) {
        (Ok(w), Err(e)) | (Err(e), Ok(w)) => (w, e),
        (a, b) => panic!("exactly one update must win, got {a:?} and {b:?}"),
    };
    match &loser_error {
        StoreError::Conflict { what, expected, actual, .. } => {
            assert_eq!(*what, "worker");
            assert_eq!(*expected, Version::FIRST);
            assert_eq!(*actual, Version::new(2));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(loser_error.code(), "conflict");
    assert!(loser_error.to_string().contains("changed by someone else"), "{loser_error}");
    assert_eq!(winner.meta.version, Version::new(2));
    assert_eq!(store.worker(&bexley, read.id).await.expect("read"), winner, "the winner's change is stored whole");

    // Nothing is lost: the loser reloads and applies their change on top.
    let fresh = store.worker(&bexley, read.id).await.expect("reload");
    let mut merged = fresh.details.clone();
    if fresh.details.name == renamed.name {
        merged.left_on = left.left_on;
    } else {
        merged.name = renamed.name.clone();
    }
    let saved = store.update_worker(&bexley, read.id, fresh.meta.version, &merged).await.expect("retry");
    assert_eq!(saved.meta.version, Version::new(3));
    assert_eq!(saved.details.name.as_str(), "Chris Renamed");
    assert_eq!(saved.details.left_on, Some(date("2025-12-31")));
    assert!(saved.meta.updated_at >= saved.meta.created_at);

    // A stale version on a worker that does not exist is not found, not a conflict.
    let missing =
        store.update_worker(&bexley, WorkerId::new(999_999), Version::FIRST, &merged).await.expect_err("missing");
    assert_eq!(missing.code(), "not_found");
}

async fn a_failing_batch_writes_nothing(store: Store) {
    let medway = authority(&store, "medway", "Medway").await;
    let with_history = |number: &str| NewWorker {
        details: details(number, "Batch Worker"),
        timeline: vec![entry("2024-10-01", "nqsw", None, None, ChangeReason::Appointed)],
    };
    let batch = vec![with_history("E1"), with_history("E2"), with_history("E3"), with_history("e1")];

    let err = store.create_workers(&medway, &batch).await.expect_err("the fourth clashes with the first");
    match &err {
        StoreError::Batch { index, total, source } => {
            assert_eq!((*index, *total), (3, 4));
            assert!(matches!(**source, StoreError::Duplicate { .. }), "{source:?}");
        }
        other => panic!("expected a batch error, got {other:?}"),
    }
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().starts_with("item 4 of 4: "), "{err}");
    assert!(err.to_string().ends_with("nothing was saved"), "{err}");
    assert!(store.workers(&medway).await.expect("list").is_empty(), "no worker from the failed batch was kept");
    assert_eq!(store.cross_authority_headcounts().await.expect("counts")[0].workers, 0);

    // One worker is one transaction too: a bad history entry leaves no half-made worker.
    let clashing_history = NewWorker {
        details: details("E9", "Half Made"),
        timeline: vec![
            entry("2024-10-01", "nqsw", None, None, ChangeReason::Appointed),
            entry("2024-10-01", "social-worker", None, None, ChangeReason::Correction),
        ],
    };
    let err = store.create_worker(&medway, &clashing_history).await.expect_err("two entries on one day");
    assert_eq!(err.code(), "conflict");
    let number = EmployeeNumber::parse("E9").expect("number");
    assert_eq!(store.worker_by_employee_number(&medway, &number).await.expect_err("not kept").code(), "not_found");

    // The same batch, fixed, goes in whole, history included.
    let fixed = vec![with_history("E1"), with_history("E2"), with_history("E3"), with_history("E4")];
    let ids = store.create_workers(&medway, &fixed).await.expect("fixed batch");
    assert_eq!(ids.len(), 4);
    for id in ids {
        let record = store.worker_record(&medway, id).await.expect("record");
        assert_eq!(record.timeline.entries().len(), 1);
    }
}

async fn organisation_and_line_management(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham").await;
    let service = unit(&store, &rotherham, UnitKind::Service, "Children's Social Care", None).await;
    let locality = unit(&store, &rotherham, UnitKind::Locality, "North", Some(service)).await;
    let team = unit(&store, &rotherham, UnitKind::Team, "North Assessment", Some(locality)).await;
    let other_service = unit(&store, &rotherham, UnitKind::Service, "Early Help", None).await;

    let worker_in = |n: &str, name: &str, unit| {
        let mut d = details(n, name);
        d.unit = Some(unit);
        NewWorker { details: d, timeline: vec![] }
    };
    let social_worker = store.create_worker(&rotherham, &worker_in("R1", "Sam Worker", team)).await.expect("worker");
    let manager = store.create_worker(&rotherham, &worker_in("R2", "Tam Manager", team)).await.expect("tm");
    let locality_manager =
        store.create_worker(&rotherham, &worker_in("R3", "Lou Locality", locality)).await.expect("lm");
    let head = store.create_worker(&rotherham, &worker_in("R4", "Hal Head", service)).await.expect("hos");
    let other_head = store.create_worker(&rotherham, &worker_in("R5", "Oli Other", other_service)).await.expect("hos2");

    let since = date("2024-01-01");
    let today = date("2025-06-01");
    let post = |unit, role: &str, holder: WorkerId| NewPost {
        unit,
        role: role.into(),
        reports_to: None,
        holder: Some((holder, since)),
    };
    store.create_post(&rotherham, &post(team, "team-manager", manager.id)).await.expect("tm post");
    store.create_post(&rotherham, &post(locality, "locality-manager", locality_manager.id)).await.expect("lm post");
    store.create_post(&rotherham, &post(service, "head-of-service", head.id)).await.expect("hos post");
    let other_post =
        store.create_post(&rotherham, &post(other_service, "head-of-service", other_head.id)).await.expect("hos2 post");

    let chain = store.line_management(&rotherham, social_worker.id, today).await.expect("chain");
    assert_eq!(chain.line_manager(), Some(manager.id));
    assert!(chain.is_own(&"head-of-service".into(), head.id));
    assert!(!chain.is_own(&"head-of-service".into(), other_head.id), "another service's head is independent");
    let managers_chain = store.line_management(&rotherham, manager.id, today).await.expect("chain");
    assert_eq!(managers_chain.line_manager(), Some(locality_manager.id), "a team manager's manager is further up");

    // Structure rules.
    let under_team = store
        .create_unit(
            &rotherham,
            &NewOrgUnit { kind: UnitKind::Locality, name: "Odd".parse().expect("name"), parent: Some(team) },
        )
        .await
        .expect_err("nothing sits under a team");
    assert_eq!(under_team.code(), "invalid");
    let units = store.units(&rotherham).await.expect("units");
    let service_unit = units.iter().find(|u| u.id == service).expect("service");
    let loop_err = store
        .update_unit(
            &rotherham,
            service,
            service_unit.meta.version,
            &NewOrgUnit { kind: UnitKind::Service, name: service_unit.name.clone(), parent: Some(other_service) },
        )
        .await
        .expect("a service may move under another service");
    assert_eq!(loop_err.meta.version, Version::new(2));
    let cycle = store
        .update_unit(
            &rotherham,
            other_service,
            Version::FIRST,
            &NewOrgUnit { kind: UnitKind::Service, name: "Early Help".parse().expect("name"), parent: Some(service) },
        )
        .await
        .expect_err("a unit cannot move inside itself");
    assert_eq!(cycle.code(), "invalid");
    assert!(cycle.to_string().contains("inside it"), "{cycle}");

    // Posts change hands with the version they were read at.
    let vacated =
        store.assign_post(&rotherham, other_post.id, other_post.meta.version, None, today).await.expect("vacate");
    assert_eq!(vacated.holder_on(today), None);
    assert_eq!(vacated.holder_on(date("2025-05-31")), Some(other_head.id), "who held it before is kept");
    let stale = store
        .assign_post(&rotherham, other_post.id, other_post.meta.version, Some(head.id), today)
        .await
        .expect_err("stale version");
    assert_eq!(stale.code(), "conflict");
    let bad_role = store
        .create_post(&rotherham, &NewPost { unit: team, role: "Team Manager".into(), reports_to: None, holder: None })
        .await
        .expect_err("role ids are slugs");
    assert_eq!(bad_role.code(), "invalid");
    assert_eq!(store.posts(&rotherham).await.expect("posts").len(), 4);
}

async fn who_held_a_post_is_answered_on_a_date(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham").await;
    let service = unit(&store, &rotherham, UnitKind::Service, "Children's Social Care", None).await;
    let team = unit(&store, &rotherham, UnitKind::Team, "North Assessment", Some(service)).await;
    let mut d = details("R1", "Sam Worker");
    d.unit = Some(team);
    let worker = store.create_worker(&rotherham, &NewWorker { details: d, timeline: vec![] }).await.expect("worker");
    let first = store.create_worker(&rotherham, &new_worker("R4", "Hal Head")).await.expect("hos");
    let second = store.create_worker(&rotherham, &new_worker("R5", "Nia New")).await.expect("hos2");
    let hos = store
        .create_post(
            &rotherham,
            &NewPost {
                unit: service,
                role: "head-of-service".into(),
                reports_to: None,
                holder: Some((first.id, date("2023-01-01"))),
            },
        )
        .await
        .expect("post");
    let handed_on = store
        .assign_post(&rotherham, hos.id, hos.meta.version, Some(second.id), date("2025-05-01"))
        .await
        .expect("a new head of service from May");
    assert_eq!(handed_on.holdings.len(), 2);
    assert_eq!(handed_on.holdings[0].held_to, Some(date("2025-05-01")));

    let role = "head-of-service".into();
    let april = store.line_management(&rotherham, worker.id, date("2025-04-30")).await.expect("april");
    assert!(april.is_own(&role, first.id), "in April the first head of service was the worker's own");
    assert!(!april.contains(second.id), "the second was not yet in post");
    let may = store.line_management(&rotherham, worker.id, date("2025-05-01")).await.expect("may");
    assert!(may.is_own(&role, second.id));
    assert!(!may.contains(first.id), "the first head of service left the post on 1 May");

    // A holding cannot be slipped in before the one on record.
    let earlier = store
        .assign_post(&rotherham, hos.id, handed_on.meta.version, Some(second.id), date("2025-03-01"))
        .await
        .expect_err("a holding before the last one");
    assert_eq!(earlier.code(), "conflict", "it clashes with the record; the request itself is well formed");
    assert!(earlier.to_string().contains("after the last recorded holding"), "{earlier}");
}

async fn a_head_of_service_who_has_left_is_nobodys_own_from_their_leaving_date(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham").await;
    let service = unit(&store, &rotherham, UnitKind::Service, "Children's Social Care", None).await;
    let team = unit(&store, &rotherham, UnitKind::Team, "North Assessment", Some(service)).await;
    let mut d = details("R1", "Sam Worker");
    d.unit = Some(team);
    let worker = store.create_worker(&rotherham, &NewWorker { details: d, timeline: vec![] }).await.expect("worker");
    let hal = store.create_worker(&rotherham, &new_worker("R4", "Hal Head")).await.expect("hos");
    store
        .create_post(
            &rotherham,
            &NewPost {
                unit: service,
                role: "head-of-service".into(),
                reports_to: None,
                holder: Some((hal.id, date("2023-01-01"))),
            },
        )
        .await
        .expect("post");
    // Hal leaves at the end of June; nobody has vacated his post yet.
    let mut leaving = hal.details.clone();
    leaving.left_on = Some(date("2025-06-30"));
    store.update_worker(&rotherham, hal.id, hal.meta.version, &leaving).await.expect("leaving date");

    let role = "head-of-service".into();
    let before = store.line_management(&rotherham, worker.id, date("2025-06-29")).await.expect("june");
    assert!(before.is_own(&role, hal.id), "before he left he was the worker's own head of service");
    let after = store.line_management(&rotherham, worker.id, date("2025-06-30")).await.expect("leaving day");
    assert!(!after.contains(hal.id), "from his leaving date he holds nothing over anyone");
}

async fn a_closed_unit_takes_no_new_posts_and_keeps_its_history(store: Store) {
    let medway = authority(&store, "medway", "Medway").await;
    let service = unit(&store, &medway, UnitKind::Service, "Children's Services", None).await;
    let team = unit(&store, &medway, UnitKind::Team, "Old Team", Some(service)).await;
    let manager = store.create_worker(&medway, &new_worker("M1", "Tam Manager")).await.expect("tm");
    let post = store
        .create_post(
            &medway,
            &NewPost {
                unit: team,
                role: "team-manager".into(),
                reports_to: None,
                holder: Some((manager.id, date("2024-01-01"))),
            },
        )
        .await
        .expect("post");
    let version = store.units(&medway).await.expect("units").iter().find(|u| u.id == team).expect("team").meta.version;
    let held = store.close_unit(&medway, team, version, date("2025-04-01")).await.expect_err("post still held");
    assert!(held.to_string().contains("vacate it first"), "{held}");
    store.assign_post(&medway, post.id, post.meta.version, None, date("2025-04-01")).await.expect("vacate");
    let closed = store.close_unit(&medway, team, version, date("2025-04-01")).await.expect("close");
    assert_eq!(closed.closed_on, Some(date("2025-04-01")));
    assert!(!closed.is_open_on(date("2025-04-01")) && closed.is_open_on(date("2025-03-31")));

    let refused = store
        .create_post(&medway, &NewPost { unit: team, role: "team-manager".into(), reports_to: None, holder: None })
        .await
        .expect_err("no new posts in a closed unit");
    assert!(refused.to_string().contains("closed on 2025-04-01"), "{refused}");
    let mut joiner = details("M2", "Jo Joiner");
    joiner.unit = Some(team);
    let refused = store
        .create_worker(&medway, &NewWorker { details: joiner, timeline: vec![] })
        .await
        .expect_err("no new workers in a closed unit");
    assert!(refused.to_string().contains("takes no new workers"), "{refused}");
    let posts = store.posts(&medway).await.expect("posts");
    assert_eq!(posts[0].holder_on(date("2025-03-31")), Some(manager.id), "history kept");

    // A closed team's name may be used again for a new team.
    unit(&store, &medway, UnitKind::Team, "Old  team", Some(service)).await;
}

async fn two_creations_of_the_same_team_at_once_make_one_team(store: Store) {
    let bexley = authority(&store, "bexley", "Bexley").await;
    let service = unit(&store, &bexley, UnitKind::Service, "Children's Social Care", None).await;
    let new =
        |name: &str| NewOrgUnit { kind: UnitKind::Team, name: Name::parse(name).expect("name"), parent: Some(service) };
    let (one, other) = (new("Family Support"), new("family  SUPPORT"));
    let (a, b) = tokio::join!(store.create_unit(&bexley, &one), store.create_unit(&bexley, &other));
    let outcomes = [a, b];
    let made = outcomes.iter().filter(|r| r.is_ok()).count();
    assert_eq!(made, 1, "exactly one of the two creations wins: {outcomes:?}");
    let loser = outcomes.iter().find_map(|r| r.as_ref().err()).expect("a loser");
    assert_eq!(loser.code(), "conflict");
    assert!(loser.to_string().contains("already exists"), "{loser}");
    let teams = store.units(&bexley).await.expect("units");
    assert_eq!(teams.iter().filter(|u| u.kind == UnitKind::Team).count(), 1);
}

async fn two_organisation_imports_naming_the_same_new_team_make_one_team(store: Store) {
    let bexley = authority(&store, "bexley", "Bexley").await;
    let service = unit(&store, &bexley, UnitKind::Service, "Children's Social Care", None).await;
    let team = |name: &str| ImportedUnit {
        kind: UnitKind::Team,
        name: Name::parse(name).expect("name"),
        parent: Some(UnitRef::Existing(service)),
    };
    let post = ImportedPost { unit: UnitRef::New(0), role: "team-manager".into(), reports_to: None, holder: None };
    let (first, second) = ([team("Fostering"), team("Adoption")], [team("Fostering"), team("Kinship Care")]);
    let posts = [post];
    let (a, b) = tokio::join!(
        store.import_organisation(&bexley, &first, &posts),
        store.import_organisation(&bexley, &second, &posts)
    );
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1, "one import wins: {outcomes:?}");
    let loser = outcomes.iter().find_map(|r| r.as_ref().err()).expect("a loser");
    assert!(loser.to_string().contains("already exists"), "{loser}");
    let units = store.units(&bexley).await.expect("units");
    let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "Fostering").count(), 1, "{names:?}");
    assert_eq!(units.len(), 3, "the loser wrote nothing: {names:?}");
    assert_eq!(store.posts(&bexley).await.expect("posts").len(), 1);
}

async fn an_organisation_import_whose_reporting_lines_loop_writes_nothing(store: Store) {
    let bexley = authority(&store, "bexley", "Bexley").await;
    let service = unit(&store, &bexley, UnitKind::Service, "Children's Social Care", None).await;
    let post = |reports_to: usize| ImportedPost {
        unit: UnitRef::Existing(service),
        role: "team-manager".into(),
        reports_to: Some(PostRef::New(reports_to)),
        holder: None,
    };
    let refused = store.import_organisation(&bexley, &[], &[post(1), post(2), post(0)]).await.expect_err("a loop");
    assert!(refused.to_string().contains("a reporting line cannot loop"), "{refused}");
    assert!(store.posts(&bexley).await.expect("posts").is_empty(), "nothing was written");
}

async fn frameworks_sync_from_their_files(store: Store) {
    let example = authority(&store, "example", "Example Borough Council").await;
    let file = FrameworkFile::parse("example.toml", FRAMEWORK).expect("the fixture framework loads");
    let first = store.sync_frameworks(&example, std::slice::from_ref(&file)).await.expect("sync");
    assert_eq!(first.iter().map(|o| o.change).collect::<Vec<_>>(), [SyncChange::Added]);
    let again = store.sync_frameworks(&example, std::slice::from_ref(&file)).await.expect("sync again");
    assert_eq!(again[0].change, SyncChange::Unchanged);

    let edited = FrameworkFile::parse("example.toml", format!("# Edited.\n{FRAMEWORK}")).expect("loads");
    let changed = store.sync_frameworks(&example, std::slice::from_ref(&edited)).await.expect("sync edited");
    assert_eq!(changed[0].change, SyncChange::Updated);

    let stored = store.frameworks(&example).await.expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].framework.as_str(), "example");
    assert_eq!(stored[0].framework_version, "1");
    assert_eq!(stored[0].effective_from, date("2025-04-01"));
    assert_eq!(stored[0].sha256, edited.sha256());
    assert_eq!(stored[0].meta.version, Version::new(2));

    let in_force = store.framework_in_force(&example, &"example".into(), date("2025-06-01")).await.expect("in force");
    assert_eq!(in_force.text, edited.text());
    let too_early =
        store.framework_in_force(&example, &"example".into(), date("2025-03-31")).await.expect_err("before");
    assert_eq!(too_early.code(), "not_found");

    // Another authority sees none of it.
    let other = authority(&store, "other", "Other Council").await;
    assert!(store.frameworks(&other).await.expect("list").is_empty());

    // A file with errors never reaches the database.
    let broken = FrameworkFile::parse("broken.toml", "format = 1\n[framework]\nid = \"x\"\n").expect_err("broken");
    assert_eq!(broken.code(), "invalid");
    assert!(broken.to_string().contains("broken.toml"), "{broken}");
}

async fn awards_appraisals_and_goals_make_up_the_record(store: Store) {
    let bexley = authority(&store, "bexley", "Bexley").await;
    let manager = store.create_worker(&bexley, &new_worker("B9", "Mo Manager")).await.expect("manager");
    let worker = store
        .create_worker(&bexley, &NewWorker { details: full_details("B10", "Kim Practitioner"), timeline: vec![] })
        .await
        .expect("worker");

    for (kind, title, on, level, credits) in [
        (AwardKind::PepsStage2, "PEPS stage 2", "2023-06-30", None, None),
        (AwardKind::PepsStage1, "PEPS stage 1", "2022-06-30", None, None),
        (AwardKind::PostgraduateCertificate, "PG Cert Advanced Practice", "2024-01-31", Some(7), Some(60)),
    ] {
        let award = NewAward {
            kind,
            title: title.parse().expect("title"),
            provider: Some("University of Kent".parse().expect("provider")),
            completed_on: date(on),
            academic_level: level.map(|l| AcademicLevel::new(l).expect("level")),
            credits,
        };
        let stored = store.add_award(&bexley, worker.id, &award).await.expect("award");
        assert_eq!(stored.award, award);
    }
    for (on, outcome) in [("2023-04-20", AppraisalOutcome::NotYetReady), ("2024-04-18", AppraisalOutcome::ReadyToApply)]
    {
        let appraisal = NewAppraisal {
            held_on: date(on),
            reviewer: Some(manager.id),
            outcome,
            summary: Some(Note::parse("Discussed progression.\nAgreed next steps.").expect("note")),
            objectives: None,
            development_plan: None,
        };
        store.add_appraisal(&bexley, worker.id, &appraisal).await.expect("appraisal");
    }
    let missing_reviewer = NewAppraisal {
        held_on: date("2024-05-01"),
        reviewer: Some(WorkerId::new(123_456)),
        outcome: AppraisalOutcome::MeetingExpectations,
        summary: None,
        objectives: None,
        development_plan: None,
    };
    assert_eq!(
        store.add_appraisal(&bexley, worker.id, &missing_reviewer).await.expect_err("reviewer").code(),
        "invalid"
    );

    let goal = NewGoal {
        goal: "Complete the PG Cert in Advanced Practice".parse().expect("goal"),
        set_on: date("2023-04-20"),
        due_on: Some(date("2024-03-31")),
        status: GoalStatus::Open,
        closed_on: None,
    };
    let stored_goal = store.add_goal(&bexley, worker.id, &goal).await.expect("goal");
    let achieved = NewGoal { status: GoalStatus::Achieved, closed_on: Some(date("2024-01-31")), ..goal.clone() };
    let updated =
        store.update_goal(&bexley, stored_goal.id, stored_goal.meta.version, &achieved).await.expect("achieve");
    assert_eq!(updated.meta.version, Version::new(2));
    let stale =
        store.update_goal(&bexley, stored_goal.id, stored_goal.meta.version, &achieved).await.expect_err("stale");
    assert_eq!(stale.code(), "conflict");
    let inconsistent = NewGoal { status: GoalStatus::Achieved, closed_on: None, ..goal };
    assert_eq!(store.add_goal(&bexley, worker.id, &inconsistent).await.expect_err("no date").code(), "invalid");

    let record = store.worker_record(&bexley, worker.id).await.expect("record");
    assert_eq!(record.worker, worker);
    let awards: Vec<&str> = record.awards.iter().map(|a| a.award.title.as_str()).collect();
    assert_eq!(awards, ["PEPS stage 1", "PEPS stage 2", "PG Cert Advanced Practice"], "earliest first");
    assert_eq!(record.appraisals.len(), 2);
    let latest = record.latest_appraisal(date("2025-01-01")).expect("latest");
    assert_eq!(latest.appraisal.outcome, AppraisalOutcome::ReadyToApply);
    assert_eq!(latest.appraisal.reviewer, Some(manager.id));
    assert_eq!(latest.appraisal.summary.as_ref().map(Note::as_str), Some("Discussed progression.\nAgreed next steps."));
    assert_eq!(record.goals.len(), 1);
    assert_eq!(record.goals[0].goal.status, GoalStatus::Achieved);
}

async fn whole_records_are_created_together_and_read_back_in_bulk(store: Store) {
    let rotherham = authority(&store, "rotherham", "Rotherham").await;
    let other = authority(&store, "bexley", "Bexley").await;
    store.create_worker(&other, &new_worker("X1", "Not Rotherham")).await.expect("other authority's worker");
    let record = |number: &str, name: &str, ready: bool| NewWorkerRecord {
        worker: NewWorker {
            details: details(number, name),
            timeline: vec![
                entry("2022-10-01", "level-1", Some("band-g"), Some("29"), ChangeReason::Appointed),
                entry("2023-10-01", "level-2", Some("band-h"), Some("32"), ChangeReason::AsyeCompleted),
            ],
        },
        awards: vec![NewAward {
            kind: AwardKind::PqAward,
            title: "PQ award in child care".parse().expect("title"),
            provider: None,
            completed_on: date("2024-06-30"),
            academic_level: None,
            credits: None,
        }],
        appraisals: vec![NewAppraisal {
            held_on: date("2025-04-20"),
            reviewer: None,
            outcome: if ready { AppraisalOutcome::ReadyToApply } else { AppraisalOutcome::MeetingExpectations },
            summary: None,
            objectives: None,
            development_plan: None,
        }],
        goals: vec![NewGoal {
            goal: "Complete PEPS stage 1".parse().expect("goal"),
            set_on: date("2025-04-20"),
            due_on: None,
            status: GoalStatus::Open,
            closed_on: None,
        }],
    };
    let ids = store
        .create_worker_records(&rotherham, &[record("R1", "Ann Able", true), record("R2", "Bo Baker", false)])
        .await
        .expect("bulk create");
    assert_eq!(ids.len(), 2);

    let all = store.worker_records(&rotherham).await.expect("bulk read");
    assert_eq!(all.len(), 2, "only Rotherham's workers");
    let ann = all.iter().find(|r| r.worker.id == ids[0]).expect("Ann");
    assert_eq!(ann.timeline.entries().len(), 2);
    assert_eq!(ann.awards.len(), 1);
    assert_eq!(ann.appraisals[0].appraisal.outcome, AppraisalOutcome::ReadyToApply);
    assert_eq!(ann.goals.len(), 1);
    assert_eq!(&store.worker_record(&rotherham, ids[0]).await.expect("one record"), ann);

    // A bad record anywhere in the batch leaves nothing behind, and says which one.
    let mut bad = record("R4", "Di Dunn", true);
    bad.goals[0].status = GoalStatus::Achieved; // achieved with no closing date
    let err = store
        .create_worker_records(&rotherham, &[record("R3", "Cy Cole", true), bad])
        .await
        .expect_err("the batch fails");
    assert!(err.to_string().contains("2 of 2") || err.to_string().contains("#2"), "{err}");
    assert_eq!(store.worker_records(&rotherham).await.expect("read").len(), 2, "no part of the failed batch stored");
}

async fn endorsements_assessments_and_accreditations_are_kept_with_the_record(store: Store) {
    let medway = authority(&store, "medway", "Medway").await;
    let other = authority(&store, "bexley", "Bexley").await;
    let manager = store.create_worker(&medway, &new_worker("M1", "Tess Manager")).await.expect("manager");
    let worker = store.create_worker(&medway, &new_worker("M2", "Ravi Practitioner")).await.expect("worker");
    let stranger = store.create_worker(&other, &new_worker("X1", "Bexley Manager")).await.expect("stranger");
    let attest = |kind, what: Option<&str>, on: &str, by: WorkerId| NewAttestation {
        kind,
        what: what.map(|w| Name::parse(w).expect("what")),
        on: date(on),
        recorded_by: by,
        note: Some(Note::parse("Discussed in supervision.").expect("note")),
    };
    let written = [
        attest(AttestationKind::Assessment, Some("kss.ps"), "2025-03-01", manager.id),
        attest(AttestationKind::Endorsement, None, "2025-01-10", manager.id),
        attest(AttestationKind::Accreditation, Some("NAAS"), "2025-02-14", manager.id),
        attest(AttestationKind::SupervisionIntent, None, "2024-11-05", worker.id),
    ];
    for a in &written {
        let stored = store.add_attestation(&medway, worker.id, a).await.expect("attestation");
        assert_eq!(&stored.attestation, a);
        assert_eq!(stored.worker, worker.id);
    }

    // Recorded by someone of another authority, about a standard set nobody knows, or an
    // accreditation without its name: refused, and nothing stored.
    let foreign = attest(AttestationKind::Endorsement, None, "2025-01-11", stranger.id);
    assert_eq!(store.add_attestation(&medway, worker.id, &foreign).await.expect_err("foreign").code(), "invalid");
    let unknown = attest(AttestationKind::Assessment, Some("kss.made-up"), "2025-01-11", manager.id);
    let err = store.add_attestation(&medway, worker.id, &unknown).await.expect_err("unknown set");
    assert!(err.to_string().contains("kss.made-up"), "{err}");
    let unnamed = attest(AttestationKind::Accreditation, None, "2025-01-11", manager.id);
    assert!(store.add_attestation(&medway, worker.id, &unnamed).await.is_err());

    let record = store.worker_record(&medway, worker.id).await.expect("record");
    let kinds: Vec<AttestationKind> = record.attestations.iter().map(|a| a.attestation.kind).collect();
    assert_eq!(
        kinds,
        [
            AttestationKind::SupervisionIntent,
            AttestationKind::Endorsement,
            AttestationKind::Accreditation,
            AttestationKind::Assessment
        ],
        "earliest first"
    );
    let all = store.worker_records(&medway).await.expect("bulk read");
    let bulk = all.iter().find(|r| r.worker.id == worker.id).expect("worker");
    assert_eq!(bulk.attestations, record.attestations);
    assert!(all.iter().find(|r| r.worker.id == manager.id).expect("manager").attestations.is_empty());
}

async fn a_fixed_term_worker_is_stored_as_fixed_term(store: Store) {
    let wsx = authority(&store, "west-sussex", "West Sussex").await;
    let mut new = new_worker("W1", "Fran Contract");
    new.details.employment = EmploymentType::FixedTerm;
    let stored = store.create_worker(&wsx, &new).await.expect("fixed-term worker");
    assert_eq!(stored.details.employment, EmploymentType::FixedTerm);
    let mut details = stored.details.clone();
    details.employment = EmploymentType::Agency;
    let changed = store.update_worker(&wsx, stored.id, stored.meta.version, &details).await.expect("update");
    assert_eq!(changed.details.employment, EmploymentType::Agency);
}
