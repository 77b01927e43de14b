//! Progression storage stories: evidence, applications, panels and ASYE programmes on both
//! databases — round trips, optimistic concurrency, tenancy, one transaction per change, and
//! the audit trail written with every change.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pathway_core::anonymise::{AnonymisationStatus, Clearance, Flag, scan};
use pathway_core::framework::{Framework, RoleId};
use pathway_core::ids::{EvidenceId, OrgUnitId, PostId, WorkerId};
use pathway_core::portfolio::{EvidenceDetail, EvidenceItem, EvidenceParts, FileRef, MediaType};
use pathway_core::progression::application::{Application, EvidenceVerdict, OpenRequest, Opener, Status};
use pathway_core::progression::asye::{AsyeProgramme, AsyeResult, ProgrammeStatus, Progress, StartAsye};
use pathway_core::progression::audit::{Actor, Audit};
use pathway_core::progression::exception::{EligibilityException, ExceptionRequest};
use pathway_core::progression::forms::{Report, StepRecord};
use pathway_core::progression::panel::{Panel, PanelMember, Quorum};
use pathway_core::progression::steps::{StepCompletion, StepOutcome, StepStatus};
use pathway_core::workforce::{AsyeOutcome, AsyeStatus, ChainLink, ChangeReason, LineManagement, Version, Worker};
use pathway_store::{
    AuditActor, AuditTrail, AuthorityScope, EntityKind, Portfolios, Progression, Store, StoreError, Workforce,
};

use crate::fixtures::{authority, date, entry, new_worker};

crate::stories!(
    evidence_round_trips_with_its_files_and_clearances,
    an_application_round_trips_and_a_stale_save_changes_nothing,
    two_assessors_completing_different_steps_at_once_both_land,
    progression_records_stay_in_their_authority,
    an_effective_application_and_its_timeline_entry_are_one_transaction,
    panels_and_asye_programmes_round_trip_and_a_pass_opens_the_progression,
    the_audit_trail_says_who_did_what_when_and_why,
    a_worker_has_one_application_under_way_per_route_even_when_two_requests_race,
    an_eligibility_exception_is_stored_with_its_audit_row_and_stays_in_its_authority,
);

pub(crate) fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time")
}

fn framework(id: &str) -> Framework {
    pathway_core::bundled::framework(id).expect("bundled framework")
}

pub(crate) fn actor(w: &Worker, role: &str) -> Actor {
    Actor::new(w.id, w.details.name.as_str(), role)
}

pub(crate) fn audit(by: &Actor, when: DateTime<Utc>, why: &str) -> Audit {
    Audit::new(by.clone(), when, why)
}

async fn worker(store: &Store, scope: &AuthorityScope, number: &str, name: &str) -> Worker {
    store.create_worker(scope, &new_worker(number, name)).await.expect("create worker")
}

fn ok<T>(r: Result<T, pathway_core::progression::error::ProgressionError>) -> T {
    r.unwrap_or_else(|e| panic!("refused ({}): {e}", e.code()))
}

pub(crate) fn reflective_summary(owner: WorkerId, text: &str) -> EvidenceItem {
    EvidenceItem::new(EvidenceParts {
        id: EvidenceId::new(0),
        owner,
        detail: EvidenceDetail::ReflectiveSummary,
        date: date("2025-03-01"),
        title: "Working with a school on attendance".into(),
        text: Some(text.into()),
        files: vec![
            FileRef::new(&"ab".repeat(32), MediaType::Pdf, 20_480, "C:\\Users\\me\\summary.pdf").expect("file"),
            FileRef::new(&"cd".repeat(32), MediaType::Docx, 9_000, "notes.docx").expect("file"),
        ],
        pages: Some(2),
        authorisations: Vec::new(),
        pcf: vec!["pcf.6".into(), "knowledge".into()],
        kss: vec!["cfp.7".into()],
        pcf_level: None,
        anonymisation: AnonymisationStatus::NotChecked,
    })
    .expect("evidence")
}

async fn evidence_round_trips_with_its_files_and_clearances(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let amara = worker(&store, &bexley, "B1", "Amara Okafor").await;
    let me = actor(&amara, "worker");
    let item = reflective_summary(amara.id, "I met Jayden at school on 3 March with his teacher.");

    let stored = store.add_evidence(&bexley, &item, &audit(&me, at(2025, 3, 1, 9), "first draft")).await.expect("add");
    assert!(stored.item.id().get() > 0, "storage assigns the id");
    assert_eq!(stored.meta.version, Version::FIRST);
    assert_eq!(stored.item.files(), item.files(), "files kept in order, names as given");
    assert_eq!(stored.item.files()[0].original_name(), "summary.pdf");
    assert_eq!(store.evidence(&bexley, stored.item.id()).await.expect("read"), stored);

    // The author clears one flag and fixes nothing else: flags are still outstanding.
    let flags: Vec<Flag> = scan(&stored.item.anonymisation_text()).expect("the built-in patterns compile");
    assert!(!flags.is_empty(), "the scan flags the child's name");
    let clearance = Clearance::new(&flags[0], "the school's public name", date("2025-03-02")).expect("clearance");
    let mut next = stored.item.clone();
    next.set_anonymisation(AnonymisationStatus::FlagsOutstanding { count: 1 });
    let updated = store
        .update_evidence(
            &bexley,
            &next,
            std::slice::from_ref(&clearance),
            stored.meta.version,
            &audit(&me, at(2025, 3, 2, 9), "checked for identifying details"),
            "ran the anonymisation check",
        )
        .await
        .expect("update");
    assert_eq!(updated.meta.version, Version::new(2));
    assert_eq!(updated.clearances, vec![clearance.clone()]);
    let kept = &updated.clearances[0];
    assert_eq!(
        (kept.text.as_str(), kept.start, kept.line, kept.pattern.as_deref()),
        (flags[0].text.as_str(), Some(flags[0].start), Some(flags[0].position.line), Some(flags[0].reason.as_str())),
        "a clearance keeps the exact text, place and rule it cleared"
    );
    assert_eq!(updated.item.anonymisation(), AnonymisationStatus::FlagsOutstanding { count: 1 });

    // A stale update is refused and changes nothing.
    let err = store
        .update_evidence(&bexley, &stored.item, &[], stored.meta.version, &audit(&me, at(2025, 3, 3, 9), "x"), "x")
        .await
        .expect_err("stale");
    assert!(
        matches!(err, StoreError::Conflict { expected, actual, .. } if expected == Version::FIRST && actual == Version::new(2))
    );
    assert_eq!(store.evidence(&bexley, stored.item.id()).await.expect("read"), updated);

    let portfolio = store.portfolio(&bexley, amara.id).await.expect("portfolio");
    assert_eq!(portfolio, vec![updated.clone()]);
    let trail = store.audit_trail(&bexley, EntityKind::Evidence, stored.item.id().get()).await.expect("trail");
    let whats: Vec<&str> = trail.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(
        whats,
        ["added reflective summary \"Working with a school on attendance\"", "ran the anonymisation check"]
    );
    assert_eq!(trail.iter().map(|e| e.entity_version.get()).collect::<Vec<_>>(), [1, 2]);
}

/// Rotherham's Band I → J route, submitted and in assessment, with the locality manager
/// assigned to their assessment (the worker's Part 1 place is theirs from the start).
struct Rotherham {
    scope: AuthorityScope,
    worker: Actor,
    team_manager: Actor,
    locality_manager: Actor,
    line: LineManagement,
}

async fn rotherham(store: &Store) -> Rotherham {
    let scope = authority(store, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let w = worker(store, &scope, "R1", "Sam Patel").await;
    let tm = worker(store, &scope, "R2", "Dana Reid").await;
    let lm = worker(store, &scope, "R3", "Chris Moyo").await;
    let link = |i: i64, holder: WorkerId, role: &str| ChainLink {
        unit: OrgUnitId::new(i),
        post: PostId::new(i),
        role: RoleId::from(role),
        holder,
    };
    Rotherham {
        scope,
        worker: actor(&w, "worker"),
        team_manager: actor(&tm, "team-manager"),
        locality_manager: actor(&lm, "locality-manager"),
        line: LineManagement { chain: vec![link(1, tm.id, "team-manager"), link(2, lm.id, "locality-manager")] },
    }
}

fn rotherham_in_assessment(r: &Rotherham) -> Application {
    let f = framework("rotherham");
    let request = OpenRequest {
        route: "level-3-to-level-4".into(),
        worker: r.worker.person,
        worker_name: r.worker.name.clone(),
        current_level: "level-3".into(),
        opened_as: Opener::Worker,
        fast_track: false,
    };
    let app = ok(Application::open(&f, &request, &r.line, &audit(&r.worker, at(2025, 4, 1, 9), "PDR agreed")));
    let app = ok(app.submit(&EvidenceVerdict::ready(), &audit(&r.worker, at(2025, 4, 1, 10), "portfolio ready")));
    let app = ok(app.begin_assessment(&audit(&r.locality_manager, at(2025, 4, 2, 9), "received")));
    ok(app.assign(
        "locality-manager-assessment",
        &r.locality_manager,
        &r.line,
        &audit(&r.locality_manager, at(2025, 4, 2, 10), "I will assess"),
    ))
}

fn report(form: Option<&str>, summary: &str) -> StepCompletion {
    StepCompletion {
        outcome: StepOutcome::Met,
        notes: None,
        record: StepRecord::Report(Report {
            form: form.map(str::to_owned),
            summary: summary.to_owned(),
            sections: Vec::new(),
            pcf_domains: Vec::new(),
            kss_statements: Vec::new(),
        }),
    }
}

async fn an_application_round_trips_and_a_stale_save_changes_nothing(store: Store) {
    let r = rotherham(&store).await;
    let app = rotherham_in_assessment(&r);
    let created = store.create_application(&r.scope, &app).await.expect("create");
    assert_eq!(created.application, app, "the whole application round-trips");
    assert_eq!(created.meta.version, Version::FIRST);
    assert_eq!(store.application(&r.scope, created.id).await.expect("read"), created);

    let next = ok(created.application.complete_step(
        "part-1",
        &report(Some("Part 1"), "My practice this year."),
        &audit(&r.worker, at(2025, 4, 3, 9), "Part 1 written"),
    ));
    let saved = store.save_application(&r.scope, created.id, &next, created.meta.version).await.expect("save");
    assert_eq!(saved.meta.version, Version::new(2));
    assert_eq!(saved.application.step("part-1").map(|s| s.status), Some(StepStatus::Completed));

    // Someone who read version 1 saves a different change: refused, nothing lost.
    let stale = ok(created
        .application
        .start_step("locality-manager-assessment", &audit(&r.locality_manager, at(2025, 4, 3, 10), "starting")));
    let err = store.save_application(&r.scope, created.id, &stale, Version::FIRST).await.expect_err("stale");
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("application"), "{err}");
    assert!(err.to_string().contains("nothing was saved"), "{err}");
    assert_eq!(store.application(&r.scope, created.id).await.expect("read"), saved, "the first save stands");

    // History only grows: saving an older value over a newer one is refused even with the
    // right version.
    let err = store.save_application(&r.scope, created.id, &app, Version::new(2)).await.expect_err("shrinks");
    assert!(err.to_string().contains("history is only ever added to"), "{err}");

    let listed = store.applications(&r.scope, Some(r.worker.person)).await.expect("list");
    assert_eq!(listed.iter().map(|a| a.id).collect::<Vec<_>>(), [created.id]);
    assert!(store.applications(&r.scope, Some(r.team_manager.person)).await.expect("list").is_empty());
    assert_eq!(store.applications(&r.scope, None).await.expect("all").len(), 1);
}

/// Load, complete a step, save with the version read; on a conflict, load again and re-run
/// (the command is pure, so re-running it on the newer state is safe). The number of
/// attempts it took.
async fn complete_with_retry(
    store: &Store,
    scope: &AuthorityScope,
    id: pathway_core::ids::ApplicationId,
    step: &str,
    completion: &StepCompletion,
    audit: &Audit,
    barrier: &tokio::sync::Barrier,
) -> u32 {
    for attempt in 1..=3 {
        let current = store.application(scope, id).await.expect("load");
        let next = ok(current.application.complete_step(step, completion, audit));
        if attempt == 1 {
            // Both assessors have read the same version before either saves.
            barrier.wait().await;
        }
        match store.save_application(scope, id, &next, current.meta.version).await {
            Ok(_) => return attempt,
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => panic!("saving {step}: {e}"),
        }
    }
    panic!("{step} did not land in 3 attempts")
}

async fn two_assessors_completing_different_steps_at_once_both_land(store: Store) {
    let r = rotherham(&store).await;
    let created = store.create_application(&r.scope, &rotherham_in_assessment(&r)).await.expect("create");
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let spawn = |step: &'static str, completion: StepCompletion, audit: Audit| {
        let (store, scope, barrier, id) = (store.clone(), r.scope.clone(), barrier.clone(), created.id);
        tokio::spawn(async move { complete_with_retry(&store, &scope, id, step, &completion, &audit, &barrier).await })
    };
    let worker = spawn(
        "part-1",
        report(Some("Part 1"), "My practice this year."),
        audit(&r.worker, at(2025, 4, 3, 9), "Part 1 written"),
    );
    let manager = spawn(
        "locality-manager-assessment",
        report(None, "Consistently manages complex work."),
        audit(&r.locality_manager, at(2025, 4, 3, 9), "assessment complete"),
    );
    let mut attempts = vec![worker.await.expect("task"), manager.await.expect("task")];
    attempts.sort_unstable();
    assert_eq!(attempts, [1, 2], "one saved first; the other met a conflict, reloaded and saved");

    let done = store.application(&r.scope, created.id).await.expect("read");
    assert_eq!(done.meta.version, Version::new(3), "two saves");
    for step in ["part-1", "locality-manager-assessment"] {
        assert_eq!(done.application.step(step).map(|s| s.status), Some(StepStatus::Completed), "{step} landed");
    }
    let trail = store.audit_trail(&r.scope, EntityKind::Application, created.id.get()).await.expect("trail");
    assert_eq!(trail.len(), done.application.history().len(), "one audit row per history entry");
    let completed: Vec<&str> =
        trail.iter().filter(|e| e.what.starts_with("completed step")).map(|e| e.what.as_str()).collect();
    assert_eq!(completed.len(), 2, "{completed:?}");
}

async fn progression_records_stay_in_their_authority(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let amara = actor(&worker(&store, &bexley, "B1", "Amara Okafor").await, "worker");
    let outsider = actor(&worker(&store, &medway, "M1", "Mo Khan").await, "worker");
    let f = framework("bexley");
    let open = |who: &Actor| {
        let request = OpenRequest {
            route: "level-2-to-level-3".into(),
            worker: who.person,
            worker_name: who.name.clone(),
            current_level: "level-2".into(),
            opened_as: Opener::Worker,
            fast_track: false,
        };
        ok(Application::open(&f, &request, &LineManagement::default(), &audit(who, at(2025, 4, 1, 9), "applying")))
    };
    let submitted = ok(open(&amara).submit(&EvidenceVerdict::ready(), &audit(&amara, at(2025, 4, 2, 9), "ready")));
    let app = store.create_application(&bexley, &submitted).await.expect("create");
    let item = store
        .add_evidence(&bexley, &reflective_summary(amara.person, "A summary."), &audit(&amara, at(2025, 3, 1, 9), "x"))
        .await
        .expect("evidence");

    // Reads through another authority's scope find nothing.
    assert_eq!(store.application(&medway, app.id).await.expect_err("read").code(), "not_found");
    assert!(store.applications(&medway, None).await.expect("list").is_empty());
    assert_eq!(store.evidence(&medway, item.item.id()).await.expect_err("read").code(), "not_found");
    assert_eq!(store.portfolio(&medway, amara.person).await.expect_err("portfolio").code(), "not_found");
    assert!(store.audit_trail(&medway, EntityKind::Application, app.id.get()).await.expect("trail").is_empty());
    assert!(store.audit_by_actor(&medway, amara.person).await.expect("trail").is_empty());

    // Writes through it change nothing.
    let err = store.save_application(&medway, app.id, &app.application, app.meta.version).await.expect_err("save");
    assert_eq!(err.code(), "not_found");
    let err = store
        .update_evidence(&medway, &item.item, &[], item.meta.version, &audit(&amara, at(2025, 3, 2, 9), "x"), "x")
        .await
        .expect_err("update");
    assert_eq!(err.code(), "not_found");
    assert_eq!(store.application(&bexley, app.id).await.expect("unchanged"), app);
    assert_eq!(store.evidence(&bexley, item.item.id()).await.expect("unchanged"), item);

    // Nothing of another authority's worker can be stored here.
    let err = store.create_application(&bexley, &open(&outsider)).await.expect_err("foreign worker");
    assert_eq!(err.to_string(), format!("worker {} was not found in authority bexley", outsider.person));
    let err = store
        .add_evidence(&bexley, &reflective_summary(outsider.person, "x"), &audit(&outsider, at(2025, 3, 1, 9), "x"))
        .await
        .expect_err("foreign owner");
    assert_eq!(err.code(), "not_found");

    // A panel cannot list another authority's application.
    let members = vec![PanelMember { member: outsider.clone(), chair: true, present: true }];
    let convened = audit(&outsider, at(2025, 4, 20, 9), "June panel");
    let panel = ok(Panel::convene(
        &f,
        &"career-progression-panel".into(),
        date("2025-06-12"),
        members,
        Quorum { members: 1, chair: true, roles: Vec::new() },
        &convened,
    ));
    let stored_panel = store.create_panel(&medway, &panel).await.expect("panel");
    let listed = ok(stored_panel.panel.list(app.id, &app.application, &convened));
    let err =
        store.save_panel(&medway, stored_panel.id, &listed, stored_panel.meta.version).await.expect_err("foreign");
    assert_eq!(err.code(), "invalid", "{err}");
    assert!(err.to_string().contains("does not exist in this authority"), "{err}");
    assert_eq!(store.panel(&medway, stored_panel.id).await.expect("unchanged"), stored_panel);
    assert_eq!(store.panel(&bexley, stored_panel.id).await.expect_err("other scope").code(), "not_found");
    assert!(store.panels(&bexley).await.expect("list").is_empty());
}

async fn an_effective_application_and_its_timeline_entry_are_one_transaction(store: Store) {
    let west_sussex = authority(&store, "west-sussex", "West Sussex County Council").await;
    let alex = worker(&store, &west_sussex, "W1", "Alex Morgan").await;
    let nina = worker(&store, &west_sussex, "W2", "Nina Holt").await;
    let jo = worker(&store, &west_sussex, "W3", "Jo Marsh").await;
    let mut grade_10 =
        entry("2023-09-01", "social-worker-grade-10", Some("grade-10"), Some("39"), ChangeReason::Appointed);
    grade_10.framework = "west-sussex".into();
    store.add_timeline_entry(&west_sussex, alex.id, &grade_10).await.expect("history");

    let f = framework("west-sussex");
    let (me, manager) = (actor(&alex, "worker"), actor(&nina, "practice-manager"));
    let request = OpenRequest {
        route: "social-worker-grade-10-to-senior-social-worker".into(),
        worker: alex.id,
        worker_name: "Alex Morgan".into(),
        current_level: "social-worker-grade-10".into(),
        opened_as: Opener::Worker,
        fast_track: false,
    };
    let line = LineManagement::default();
    let app = ok(Application::open(&f, &request, &line, &audit(&me, at(2025, 6, 1, 9), "applying")));
    let app = ok(app.submit(&EvidenceVerdict::ready(), &audit(&me, at(2025, 6, 2, 9), "ready")));
    let app = ok(app.begin_assessment(&audit(&manager, at(2025, 6, 3, 9), "received")));
    let app = ok(app.refer_to_panel(None, &audit(&manager, at(2025, 6, 3, 10), "July panel")));
    let created = store.create_application(&west_sussex, &app).await.expect("create");

    let chair = actor(&jo, "group-manager");
    let members = vec![PanelMember { member: chair.clone(), chair: true, present: true }];
    let sitting = audit(&chair, at(2025, 7, 10, 14), "meets the senior social worker role description");
    let panel = ok(Panel::convene(
        &f,
        &"progression-panel".into(),
        date("2025-07-10"),
        members,
        Quorum { members: 1, chair: true, roles: Vec::new() },
        &sitting,
    ));
    let stored_panel = store.create_panel(&west_sussex, &panel).await.expect("panel");
    let panel = ok(stored_panel.panel.list(created.id, &created.application, &sitting));
    let panel = ok(panel.record_outcome(
        created.id,
        &pathway_core::progression::decision::DecisionOutcome::Approved { feedback: None },
        &sitting,
    ));
    let stored_panel =
        store.save_panel(&west_sussex, stored_panel.id, &panel, stored_panel.meta.version).await.expect("save");
    assert_eq!(stored_panel.panel.id(), Some(stored_panel.id), "the stored panel knows its id");

    let decided = ok(created.application.decide_from_panel(created.id, &stored_panel.panel));
    let current = pathway_core::progression::pay_preview::CurrentPosition {
        level: "social-worker-grade-10".into(),
        grade: Some("grade-10".into()),
        point: Some("39".into()),
    };
    let signed =
        ok(decided.sign_off(&f, &current, date("2025-09-01"), None, &audit(&manager, at(2025, 7, 11, 9), "approved")));
    let signed = store.save_application(&west_sussex, created.id, &signed, created.meta.version).await.expect("save");
    let effective = ok(signed.application.make_effective(&audit(&manager, at(2025, 9, 1, 9), "payroll done")));
    let change = effective.record_change().expect("change").clone();

    // A clash on the timeline (an entry already starting that day) fails the whole change:
    // the application stays signed off.
    let mut clash = change.clone();
    clash.level = "social-worker-grade-10".into();
    clash.reason = ChangeReason::Correction;
    let blocker = store.add_timeline_entry(&west_sussex, alex.id, &clash).await.expect("clash");
    let err = store
        .save_application_with_timeline(&west_sussex, created.id, &effective, signed.meta.version, &change)
        .await
        .expect_err("duplicate day");
    assert!(err.to_string().contains("already has a timeline entry starting that day"), "{err}");
    let still = store.application(&west_sussex, created.id).await.expect("read");
    assert_eq!(still, signed, "nothing saved");
    assert_eq!(still.application.status(), Status::SignedOff);

    // Without the clash, both land together.
    let record = store.worker_record(&west_sussex, alex.id).await.expect("record");
    let before = record.timeline.entries().len();
    assert!(record.timeline.entries().iter().any(|e| e.id == blocker.id));
    // With an entry that does not clash, both land together.
    let mut later = change.clone();
    later.starts_on = date("2025-09-02");
    let (saved, added) = store
        .save_application_with_timeline(&west_sussex, created.id, &effective, signed.meta.version, &later)
        .await
        .expect("effective");
    assert_eq!(saved.application.status(), Status::Effective);
    assert_eq!(added.entry.level.as_str(), "senior-social-worker");
    let record = store.worker_record(&west_sussex, alex.id).await.expect("record");
    assert_eq!(record.timeline.entries().len(), before + 1);
    let now = record.timeline.current().expect("current");
    assert_eq!(
        (now.entry.grade.as_ref().map(|g| g.as_str()), now.entry.point.as_ref().map(|p| p.as_str())),
        (Some("grade-11"), Some("39"))
    );
}

async fn panels_and_asye_programmes_round_trip_and_a_pass_opens_the_progression(store: Store) {
    let medway = authority(&store, "medway", "Medway Council").await;
    let mo = worker(&store, &medway, "M1", "Mo Khan").await;
    let lead = actor(&worker(&store, &medway, "M2", "Pat Osei").await, "practice-development-lead");
    let manager = actor(&worker(&store, &medway, "M3", "Sue Hart").await, "team-manager");
    let f = framework("medway");
    let start = StartAsye {
        worker: mo.id,
        worker_name: "Mo Khan".into(),
        starts_on: date("2024-10-01"),
        nine_month_review: false,
    };
    let p = ok(AsyeProgramme::start(&f, &start, &audit(&lead, at(2024, 10, 1, 9), "October cohort")));
    let stored = store.create_asye(&medway, &p).await.expect("create");
    assert_eq!(stored.programme, p);
    let asye =
        store.worker(&medway, mo.id).await.expect("worker").details.asye.expect("the worker's ASYE record is set");
    assert_eq!(asye.status(), AsyeStatus::InProgress);
    assert_eq!(asye.cohort().map(|c| c.to_string()), Some("2024-10".to_owned()));

    let mut p = stored.programme.clone();
    for (months, y, m) in [(3, 2025, 1), (6, 2025, 4), (12, 2025, 10)] {
        p = ok(p.record_review(
            months,
            Progress::OnTrack,
            "on track",
            NaiveDate::from_ymd_opt(y, m, 1).expect("d"),
            &audit(&manager, at(y, m, 1, 10), "review"),
        ));
    }
    let p =
        ok(p.recommend(&f, AsyeResult::Pass, "Capable at ASYE level.", &audit(&manager, at(2025, 10, 2, 9), "final")));
    let p = ok(p.moderate(&f, AsyeResult::Pass, &audit(&lead, at(2025, 10, 8, 9), "moderation agreed")));
    let opened = ok(p.open_progression(&f, &audit(&lead, at(2025, 10, 8, 9), "ASYE passed")));
    let (saved, app) = store.save_asye(&medway, stored.id, &p, stored.meta.version, Some(&opened)).await.expect("save");
    assert_eq!(saved.programme.status(), ProgrammeStatus::Passed);
    let app = app.expect("the progression was stored with the pass");
    assert_eq!(app.application, opened);
    assert_eq!(app.application.status(), Status::Decided);
    let asye = store.worker(&medway, mo.id).await.expect("worker").details.asye.expect("asye");
    assert_eq!((asye.status(), asye.outcome()), (AsyeStatus::Completed, Some(AsyeOutcome::Passed)));
    assert_eq!(asye.assessor(), Some(manager.person));
    assert_eq!(store.asye_programmes(&medway, Some(mo.id)).await.expect("list"), vec![saved.clone()]);

    // A stale save is refused and stores neither the programme nor an application.
    let err = store.save_asye(&medway, stored.id, &p, stored.meta.version, Some(&opened)).await.expect_err("stale");
    assert_eq!(err.code(), "conflict");
    assert_eq!(store.applications(&medway, None).await.expect("list").len(), 1, "no second application");

    let trail = store.audit_trail(&medway, EntityKind::AsyeProgramme, stored.id.get()).await.expect("trail");
    assert_eq!(trail.len(), saved.programme.history().len());
    assert!(trail.iter().any(|e| e.what == "moderation: pass" && e.by == AuditActor::from(&lead)), "{trail:?}");
}

async fn the_audit_trail_says_who_did_what_when_and_why(store: Store) {
    let r = rotherham(&store).await;
    let app = rotherham_in_assessment(&r);
    let created = store.create_application(&r.scope, &app).await.expect("create");
    let trail = store.audit_trail(&r.scope, EntityKind::Application, created.id.get()).await.expect("trail");
    let rows: Vec<(i64, &str, &str, &str)> =
        trail.iter().map(|e| (e.seq, e.by.role.as_str(), e.why.as_str(), e.what.as_str())).collect();
    assert_eq!(
        rows,
        [
            (1, "worker", "PDR agreed", "opened an application for route level-3-to-level-4"),
            (2, "worker", "portfolio ready", "submitted the application (draft → submitted)"),
            (3, "locality-manager", "received", "began assessment (submitted → in-assessment)"),
            (
                4,
                "locality-manager",
                "I will assess",
                "assigned Chris Moyo as locality-manager to step locality-manager-assessment"
            ),
        ]
    );
    assert_eq!(trail[0].by, AuditActor::from(&r.worker));
    assert_eq!(trail[0].at, at(2025, 4, 1, 9));
    assert!(trail.iter().all(|e| e.entity_version == Version::FIRST));
    let by_manager = store.audit_by_actor(&r.scope, r.locality_manager.person).await.expect("by actor");
    assert_eq!(by_manager.len(), 2);
    assert!(by_manager.iter().all(|e| e.entity_kind == EntityKind::Application && e.entity_id == created.id.get()));
    // The detail is the history entry itself, as JSON.
    let detail: serde_json::Value = serde_json::from_str(&trail[3].detail).expect("json");
    assert_eq!(detail["change"], "assigned");
    assert_eq!(detail["step"], "locality-manager-assessment");
}

/// The app layer checks before opening; the database holds the line when two requests race.
async fn a_worker_has_one_application_under_way_per_route_even_when_two_requests_race(store: Store) {
    let r = rotherham(&store).await;
    let app = rotherham_in_assessment(&r);
    let first = store.create_application(&r.scope, &app).await.expect("create");
    let err = store.create_application(&r.scope, &app).await.expect_err("a second under way");
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("already has an application under way for that route"), "{err}");
    assert_eq!(store.applications(&r.scope, Some(r.worker.person)).await.expect("list").len(), 1, "nothing added");

    // Once withdrawn, it no longer stands in the way; of two racing opens, exactly one lands.
    let withdrawn = ok(first.application.withdraw(&audit(&r.worker, at(2025, 4, 5, 9), "moving team")));
    store.save_application(&r.scope, first.id, &withdrawn, first.meta.version).await.expect("withdraw");
    let (a, b) = tokio::join!(store.create_application(&r.scope, &app), store.create_application(&r.scope, &app));
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let refused = a.err().or(b.err()).expect("one refused");
    assert_eq!(refused.code(), "conflict", "{refused}");
    assert_eq!(store.applications(&r.scope, Some(r.worker.person)).await.expect("list").len(), 2);
}

async fn an_eligibility_exception_is_stored_with_its_audit_row_and_stays_in_its_authority(store: Store) {
    let r = rotherham(&store).await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let outsider = worker(&store, &medway, "M1", "Mo Khan").await;
    let f = framework("rotherham");
    let route = f.route(&"level-3-to-level-4".into()).expect("route").clone();
    let facts = pathway_core::eligibility::WorkerFacts {
        level: "level-3".into(),
        level_since: Some(date("2023-06-01")),
        qualification: None,
        qualified_on: None,
        registration: None,
        asye_status: None,
        asye_started: None,
        asye_outcome: None,
        awards: vec![],
        commitments: vec![],
        latest_appraisal: None,
        ready_since: None,
        probation: None,
        employment: None,
        attestations: vec![],
    };
    let judged = pathway_core::eligibility::evaluate_route(&f, &route, &facts, date("2025-04-01"));
    let hos = worker(&store, &r.scope, "R4", "Xavier Hale").await;
    let request = ExceptionRequest { worker: r.worker.person, worker_name: r.worker.name.clone(), criteria: vec![] };
    let recorded = audit(&actor(&hos, "head-of-service"), at(2025, 4, 1, 11), "an exceptional case");
    let exception = ok(EligibilityException::record(&f, &judged, &request, &recorded));

    let stored = store.create_exception(&r.scope, &exception).await.expect("stored");
    assert_eq!(stored.exception, exception, "round trip");
    assert_eq!(store.exceptions(&r.scope, Some(r.worker.person)).await.expect("list"), vec![stored.clone()]);
    assert!(store.exceptions(&r.scope, Some(hos.id)).await.expect("list").is_empty());
    let trail = store.audit_trail(&r.scope, EntityKind::EligibilityException, stored.id.get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].by.person, trail[0].why.as_str()), (Some(hos.id), "an exceptional case"));

    // Another authority sees none of it, and cannot store one for a worker it does not have.
    assert!(store.exceptions(&medway, None).await.expect("list").is_empty());
    assert!(store.audit_trail(&medway, EntityKind::EligibilityException, stored.id.get()).await.expect("t").is_empty());
    let theirs = EligibilityException { worker: outsider.id, ..exception.clone() };
    let err = store.create_exception(&r.scope, &theirs).await.expect_err("not Rotherham's worker");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(store.exceptions(&r.scope, None).await.expect("list").len(), 1, "nothing half-written");
}
