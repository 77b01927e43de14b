//! Medway: a newly qualified social worker's ASYE (October cohort, reviews at 3, 6, 9 and
//! 12 months), recommended and moderated as a pass, which opens Medway's automatic transfer
//! to social worker; signed off and effective on the worker's record.

use pathway_app::progression::StartAsyeInput;
use pathway_core::progression::application::{Opener, Status};
use pathway_core::progression::asye::{AsyeResult, CaseloadRecord, ProgrammeStatus, Progress};
use pathway_core::workforce::{AsyeOutcome, AsyeStatus, ChangeReason, RegistrationStatus, UnitKind};
use pathway_store::{AuditTrail, EntityKind};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    medway_nqsw_to_social_worker_on_asye_pass,
    medway_asye_pass_moves_the_nqsw_on_its_date_with_run_due_alone
);

async fn medway_nqsw_to_social_worker_on_asye_pass(db: &TestDb) {
    let c = Council::new(db, "medway", "Medway Council").await;
    let service = c.unit(UnitKind::Service, "Children's Services", None).await;
    let team = c.unit(UnitKind::Team, "Assessment Team", Some(service)).await;
    let mo = c.person("M100", "Mo Khan", Some(team), Some(("nqsw", None, None, date(2024, 10, 1)))).await;
    let pat = c.person("M200", "Pat Osei", Some(service), None).await;
    let sue = c.person("M210", "Sue Hart", Some(team), None).await;
    c.post(service, "practice-development-lead", &pat).await;
    c.post(team, "team-manager", &sue).await;

    let p = c.progression();
    let lead = |y, m, d, why: &str| acting("M200", "practice-development-lead", at(y, m, d, 10), why);
    let tm = |y, m, d, why: &str| acting("M210", "team-manager", at(y, m, d, 10), why);

    // Medway recruits October and April cohorts only.
    let january = StartAsyeInput { worker: "M100".into(), starts_on: date(2025, 1, 6), nine_month_review: true };
    let err = p.start_asye(&lead(2024, 12, 1, "new starter"), &january).await.expect_err("January");
    assert!(err.to_string().contains("October and April"), "{err}");

    let start = StartAsyeInput { worker: "M100".into(), starts_on: date(2024, 10, 1), nine_month_review: true };
    let programme = p.start_asye(&lead(2024, 10, 1, "October cohort"), &start).await.expect("start");
    let id = programme.id;
    let asye = c.record(&mo).await.worker.details.asye.expect("the worker's ASYE record follows the programme");
    assert_eq!((asye.status(), asye.cohort().map(|c| c.to_string())), (AsyeStatus::InProgress, Some("2024-10".into())));

    p.record_caseload(
        &tm(2024, 10, 14, "supervision"),
        id,
        &CaseloadRecord { recorded_on: date(2024, 10, 14), cases: 6, protected: true, note: None },
    )
    .await
    .expect("caseload");
    // A final review at about eight months is refused: it falls due in October.
    let err = p
        .record_review(&tm(2025, 6, 2, "final review"), id, 12, Progress::OnTrack, "Ready", date(2025, 6, 2))
        .await
        .expect_err("months early");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("rule: asye-final-review"), "{err}");
    for (months, y, m) in [(3, 2025, 1), (6, 2025, 4), (9, 2025, 7), (12, 2025, 10)] {
        p.record_review(
            &tm(y, m, 1, "review"),
            id,
            months,
            Progress::OnTrack,
            "Meeting the PCF at ASYE level",
            date(y, m, 1),
        )
        .await
        .expect("review");
    }
    // The worker cannot recommend themselves.
    let err = p
        .recommend(&acting("M100", "worker", at(2025, 10, 2, 9), "me"), id, AsyeResult::Pass, "ready")
        .await
        .expect_err("own ASYE");
    assert_eq!(err.code(), "not_permitted");
    p.recommend(&tm(2025, 10, 2, "final assessment"), id, AsyeResult::Pass, "Capable at ASYE level across the PCF.")
        .await
        .expect("recommend");
    let moderated = p.moderate(&lead(2025, 10, 8, "moderation agreed"), id, AsyeResult::Pass).await.expect("moderate");
    assert_eq!(moderated.programme.programme.status(), ProgrammeStatus::Passed);
    let opened = moderated.opened.expect("the pass opens the automatic transfer");
    assert_eq!(opened.application.route().id.as_str(), "nqsw-to-social-worker");
    assert_eq!((opened.application.opened_as(), opened.application.status()), (Opener::AsyePass, Status::Decided));
    let asye = c.record(&mo).await.worker.details.asye.expect("asye");
    assert_eq!((asye.status(), asye.outcome()), (AsyeStatus::Completed, Some(AsyeOutcome::Passed)));
    assert_eq!(asye.assessor(), Some(sue.id));

    let app = opened.id;
    let preview = p.preview_pay(app, date(2025, 10, 8), None).await.expect("preview");
    assert!(
        preview.change.new.is_none() && preview.change.notes.iter().any(|n| n.contains("publishes no grade")),
        "{preview:?}"
    );
    p.sign_off(&tm(2025, 10, 8, "transfer to social worker"), app, date(2025, 10, 8), None).await.expect("sign off");
    let done = p.make_effective(&tm(2025, 10, 8, "record updated"), app).await.expect("effective");
    assert_eq!(done.timeline_entry.entry.reason, ChangeReason::AsyeCompleted);

    let record = c.record(&mo).await;
    let now = record.timeline.current().expect("current");
    assert_eq!((now.entry.level.as_str(), now.entry.starts_on), ("social-worker", date(2025, 10, 8)));
    assert_eq!(record.timeline.entries().len(), 2, "the NQSW entry is kept");

    let trail = c.store().audit_trail(&c.scope, EntityKind::AsyeProgramme, id.get()).await.expect("trail");
    assert!(
        trail
            .iter()
            .any(|e| e.what == "moderation: pass" && e.by.person == Some(pat.id) && e.why == "moderation agreed")
    );
    assert_eq!(trail.len(), p.asye(id).await.expect("read").programme.history().len());
}

/// "Once you have completed your ASYE year you will automatically transfer into a social
/// worker role": after the pass is recorded, `run_due` alone moves the worker, on the day
/// of the pass and not before, and a second run changes nothing.
async fn medway_asye_pass_moves_the_nqsw_on_its_date_with_run_due_alone(db: &TestDb) {
    use pathway_app::progression::DueOutcome;

    let c = Council::new(db, "medway", "Medway Council").await;
    let service = c.unit(UnitKind::Service, "Children's Services", None).await;
    let team = c.unit(UnitKind::Team, "Assessment Team", Some(service)).await;
    let mo = c.person("M100", "Mo Khan", Some(team), Some(("nqsw", None, None, date(2024, 10, 1)))).await;
    let pat = c.person("M200", "Pat Osei", Some(service), None).await;
    let sue = c.person("M210", "Sue Hart", Some(team), None).await;
    c.post(service, "practice-development-lead", &pat).await;
    c.post(team, "team-manager", &sue).await;

    let p = c.progression();
    let lead = |y, m, d, why: &str| acting("M200", "practice-development-lead", at(y, m, d, 10), why);
    let tm = |y, m, d, why: &str| acting("M210", "team-manager", at(y, m, d, 10), why);
    let start = StartAsyeInput { worker: "M100".into(), starts_on: date(2024, 10, 1), nine_month_review: false };
    let id = p.start_asye(&lead(2024, 10, 1, "October cohort"), &start).await.expect("start").id;
    for (months, y, m) in [(3, 2025, 1), (6, 2025, 4), (12, 2025, 10)] {
        p.record_review(&tm(y, m, 1, "review"), id, months, Progress::OnTrack, "On track", date(y, m, 1))
            .await
            .expect("review");
    }
    p.recommend(&tm(2025, 10, 2, "final assessment"), id, AsyeResult::Pass, "Capable at ASYE level.")
        .await
        .expect("recommend");
    let app = p
        .moderate(&lead(2025, 10, 8, "moderation agreed"), id, AsyeResult::Pass)
        .await
        .expect("moderate")
        .opened
        .expect("the pass opens the automatic transfer")
        .id;

    // The day before the pass nothing takes effect: the move is only scheduled.
    let early = p.run_due(Some(date(2025, 10, 7))).await.expect("run due early");
    assert!(
        matches!(early.as_slice(), [m] if matches!(m.outcome, DueOutcome::Scheduled { takes_effect } if takes_effect == date(2025, 10, 8))),
        "{early:?}"
    );
    assert_eq!(c.record(&mo).await.timeline.entries().len(), 1, "still an NQSW before the date");
    assert_eq!(p.application(app).await.expect("app").application.status(), Status::SignedOff);

    // Registration must be current to progress: while Mo's is suspended the move is not
    // applied, and run-due says it needs a person and why.
    let registered = |status| {
        move |d: &mut pathway_core::workforce::WorkerDetails| {
            if let Some(r) = d.registration.as_mut() {
                r.status = status;
            }
        }
    };
    c.update(&mo, registered(RegistrationStatus::Suspended)).await;
    let held = p.run_due(Some(date(2025, 10, 8))).await.expect("run due while suspended");
    assert!(
        matches!(held.as_slice(), [m] if matches!(&m.outcome, DueOutcome::NeedsAPerson { reason } if reason.contains("is suspended on 2025-10-08") && reason.contains("rule: registration-current"))),
        "{held:?}"
    );
    assert_eq!(c.record(&mo).await.timeline.entries().len(), 1, "nothing applied");
    c.update(&mo, registered(RegistrationStatus::Registered)).await;

    // On the day, run-due alone moves Mo to Social Worker, saying why.
    let due = p.run_due(Some(date(2025, 10, 8))).await.expect("run due");
    assert!(
        matches!(due.as_slice(), [m] if matches!(m.outcome, DueOutcome::MadeEffective { on, .. } if on == date(2025, 10, 8))),
        "{due:?}"
    );
    let record = c.record(&mo).await;
    let now = record.timeline.current().expect("current");
    assert_eq!((now.entry.level.as_str(), now.entry.starts_on), ("social-worker", date(2025, 10, 8)));
    assert_eq!(now.entry.reason, ChangeReason::AsyeCompleted);
    let note = now.entry.note.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default();
    assert!(note.contains("automatic, because the ASYE was passed at moderation on 2025-10-08"), "{note}");
    let history = p.application(app).await.expect("app").application.history().to_vec();
    assert!(history.iter().any(|e| e.why.starts_with("automatic, because")), "{history:?}");

    // A second run does nothing.
    assert!(p.run_due(Some(date(2025, 10, 9))).await.expect("run again").is_empty());
    assert_eq!(c.record(&mo).await.timeline.entries().len(), 2);
}
