//! Rotherham: Band I → Band J (Level 4) assessed by the locality manager, Part 1 and Part 2,
//! an interview with an independent head of service who audits four case files — and the
//! same assignment with the worker's own head of service refused, changing nothing. Also:
//! two assessors completing their steps at the same moment both land.

use pathway_app::progression::{Acting, AuthorityProgression, OpenApplication};
use pathway_core::ids::{ApplicationId, WorkerId};
use pathway_core::progression::application::{Opener, Status};
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::forms::{
    AuditFinding, AuditOutcome, AuditedFile, CaseFileAudit, Interview, Report, StepRecord, audit_checks,
};
use pathway_core::progression::steps::{StepCompletion, StepOutcome, StepStatus};
use pathway_core::workforce::{ChangeReason, RegistrationStatus, UnitKind};
use pathway_store::{AuditTrail, EntityKind, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    rotherham_band_i_to_j_with_an_independent_head_of_service,
    two_assessors_completing_steps_at_the_same_moment_both_land,
);

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

/// Rotherham's structure: the worker's team in a locality of Children's Services (their own
/// head of service), and a second service with an independent head of service.
async fn rotherham(db: &TestDb) -> Council<'_> {
    let c = Council::new(db, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let service = c.unit(UnitKind::Service, "Children and Young People's Services", None).await;
    let locality = c.unit(UnitKind::Locality, "North Locality", Some(service)).await;
    let team = c.unit(UnitKind::Team, "Duty and Assessment", Some(locality)).await;
    let other = c.unit(UnitKind::Service, "Early Help and Family Engagement", None).await;
    let sam = c
        .person("R100", "Sam Patel", Some(team), Some(("level-3", Some("band-i"), Some("37"), date(2023, 6, 1))))
        .await;
    let tm = c.person("R101", "Dana Reid", Some(team), None).await;
    let lm = c.person("R102", "Chris Moyo", Some(locality), None).await;
    let own = c.person("R103", "Xavier Hale", Some(service), None).await;
    let independent = c.person("R104", "Ruth Adeyemi", Some(other), None).await;
    c.post(team, "team-manager", &tm).await;
    c.post(locality, "locality-manager", &lm).await;
    c.post(service, "head-of-service", &own).await;
    c.post(other, "head-of-service", &independent).await;
    // Band J asks for three post-qualifying years and a PDR that identifies the application.
    c.qualified(&sam, date(2019, 7, 15)).await;
    c.ready_to_apply(&sam, &tm, date(2025, 3, 20)).await;
    c
}

fn lm(m: u32, d: u32, why: &str) -> Acting {
    acting("R102", "locality-manager", at(2025, m, d, 10), why)
}

/// Opened by the team manager (the route lets managers open it), submitted and in
/// assessment with the locality manager, team manager and worker assigned.
async fn assessed(c: &Council<'_>) -> ApplicationId {
    let p = c.progression();
    let tm = |d, why: &str| acting("R101", "team-manager", at(2025, 4, d, 10), why);
    let open = OpenApplication { worker: "R100".into(), route: "level-3-to-level-4".into(), fast_track: false };
    let app = p.open(&tm(1, "PDR: progression appropriate"), &open).await.expect("open");
    assert_eq!(app.application.opened_as(), Opener::Manager, "opened by the team manager for the worker");
    let id = app.id;
    let err = p.open(&tm(1, "again"), &open).await.expect_err("one at a time");
    assert!(err.to_string().contains(&format!("already has application {id}")), "{err}");
    p.submit(&tm(1, "PDR: progression appropriate"), id).await.expect("submit");
    p.begin_assessment(&lm(4, 2, "assessment begins"), id).await.expect("begin");
    p.assign(&lm(4, 3, "allocated"), id, "locality-manager-assessment", "R102", "locality-manager").await.expect("lm");
    p.assign(&lm(4, 3, "allocated"), id, "part-2", "R101", "team-manager").await.expect("part 2");
    p.assign(&lm(4, 3, "allocated"), id, "interview", "R101", "team-manager").await.expect("interview tm");
    p.assign(&lm(4, 3, "allocated"), id, "interview", "R102", "locality-manager").await.expect("interview lm");
    id
}

async fn rotherham_band_i_to_j_with_an_independent_head_of_service(db: &TestDb) {
    let c = rotherham(db).await;
    let p = c.progression();
    let id = assessed(&c).await;

    // The worker's own head of service is refused for every independent place, saying which
    // rule and why; nothing changes, not even the audit trail.
    let before = p.application(id).await.expect("read");
    let trail_before = c.store().audit_trail(&c.scope, EntityKind::Application, id.get()).await.expect("trail");
    for step in ["interview", "case-file-audit", "head-of-service-form"] {
        let err = p
            .assign(&lm(4, 3, "head of service for the interview"), id, step, "R103", "head-of-service")
            .await
            .expect_err("own head of service");
        assert_eq!(err.code(), "assignment_blocked");
        assert!(err.to_string().starts_with("Xavier Hale is the worker's own Head of Service; "), "{err}");
        assert!(err.to_string().contains("needs an independent Head of Service"), "{err}");
    }
    assert_eq!(p.application(id).await.expect("read"), before, "a refused assignment changes nothing");
    assert_eq!(c.store().audit_trail(&c.scope, EntityKind::Application, id.get()).await.expect("trail"), trail_before);
    // Nor may anyone claim a role they do not hold.
    let err = p
        .assign(&lm(4, 3, "allocated"), id, "interview", "R101", "head-of-service")
        .await
        .expect_err("not a head of service");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("cannot act as head-of-service"), "{err}");

    // Nor may anyone act as the worker on someone else's application.
    let err = p
        .complete_step(
            &acting("R101", "worker", at(2025, 4, 3, 10), "Part 1 for them"),
            id,
            "part-1",
            &report(Some("Part 1"), "x"),
        )
        .await
        .expect_err("not the applicant");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("is acting as the worker, but this is worker"), "{err}");

    // The independent head of service is accepted.
    for step in ["interview", "case-file-audit", "head-of-service-form"] {
        p.assign(&lm(4, 3, "independent head of service requested"), id, step, "R104", "head-of-service")
            .await
            .expect("independent");
    }

    let worker = |m, d, why: &str| acting("R100", "worker", at(2025, m, d, 10), why);
    let tm = |m, d, why: &str| acting("R101", "team-manager", at(2025, m, d, 10), why);
    let hos = |m, d, why: &str| acting("R104", "head-of-service", at(2025, m, d, 10), why);
    p.start_step(&lm(4, 10, "starting"), id, "locality-manager-assessment").await.expect("start");
    p.complete_step(
        &lm(4, 20, "assessment complete"),
        id,
        "locality-manager-assessment",
        &report(None, "Consistently manages complex child protection work."),
    )
    .await
    .expect("assessment");
    p.complete_step(
        &worker(4, 21, "Part 1 written"),
        id,
        "part-1",
        &report(Some("Part 1"), "My practice over the last year."),
    )
    .await
    .expect("part 1");
    let err = p.refer_to_panel(&lm(4, 22, "interview booked"), id, None).await.expect_err("Part 2 outstanding");
    assert_eq!(err.code(), "steps_outstanding");
    p.complete_step(&tm(4, 23, "Part 2 written"), id, "part-2", &report(Some("Part 2"), "Sam leads on complex cases."))
        .await
        .expect("part 2");
    p.refer_to_panel(&lm(4, 24, "interview booked for 12 May"), id, None).await.expect("refer");

    let people: Vec<WorkerId> = {
        let mut v = Vec::new();
        for n in ["R101", "R102", "R104"] {
            v.push(c.store().worker_by_employee_number(&c.scope, &n.parse().expect("n")).await.expect("w").id);
        }
        v
    };
    let interview = StepCompletion {
        outcome: StepOutcome::Met,
        notes: None,
        record: StepRecord::Interview(Interview {
            held_on: date(2025, 5, 12),
            present: people,
            answers: Vec::new(),
            summary: "Reflective, evidence-informed answers on risk and on developing others.".into(),
        }),
    };
    p.complete_step(&lm(5, 12, "interview held"), id, "interview", &interview).await.expect("interview");

    let step =
        p.application(id).await.expect("read").application.step("case-file-audit").expect("step").definition.clone();
    let checks = audit_checks(&step);
    let audit_of = |files: usize| StepCompletion {
        outcome: StepOutcome::Met,
        notes: None,
        record: StepRecord::CaseFileAudit(CaseFileAudit {
            files: (1..=files)
                .map(|n| AuditedFile {
                    case_reference: format!("CF-2025-{n:03}"),
                    findings: checks
                        .iter()
                        .map(|c| AuditFinding { check: c.clone(), outcome: AuditOutcome::Met, comment: None })
                        .collect(),
                    notes: None,
                })
                .collect(),
        }),
    };
    let err = p.complete_step(&hos(5, 19, "audit"), id, "case-file-audit", &audit_of(3)).await.expect_err("3 files");
    assert!(err.to_string().contains("the audit needs 4 audited case files; 3 were recorded"), "{err}");
    p.complete_step(&hos(5, 19, "four files audited"), id, "case-file-audit", &audit_of(4)).await.expect("audit");
    p.complete_step(
        &hos(5, 20, "final form"),
        id,
        "head-of-service-form",
        &report(Some("Part 2"), "Audit tools show consistently good work."),
    )
    .await
    .expect("form");
    p.decide(&lm(5, 21, "all steps met"), id, &DecisionOutcome::Approved { feedback: None }).await.expect("decide");

    let preview = p.preview_pay(id, date(2025, 6, 1), None).await.expect("preview");
    assert_eq!(preview.change.new.as_ref().map(|n| (n.grade.as_str(), n.point.as_str())), Some(("band-j", "38")));
    // Whoever decided does not sign off the pay change: the worker's own head of service does.
    let err = p
        .sign_off(&lm(5, 22, "signed off"), id, date(2025, 6, 1), None)
        .await
        .expect_err("the locality manager decided");
    assert!(err.to_string().contains("rule: signer-is-decider"), "{err}");
    let own_hos = acting("R103", "head-of-service", at(2025, 5, 22, 11), "signed off; post change form sent");
    // Registration must be current to progress: a lapse stops the sign-off, changing nothing.
    let sam = c.store().worker_by_employee_number(&c.scope, &"R100".parse().expect("n")).await.expect("sam");
    let set = |status| {
        move |d: &mut pathway_core::workforce::WorkerDetails| {
            if let Some(r) = d.registration.as_mut() {
                r.status = status;
            }
        }
    };
    c.update(&sam, set(RegistrationStatus::Lapsed)).await;
    let decided = p.application(id).await.expect("read");
    let err = p.sign_off(&own_hos, id, date(2025, 6, 1), None).await.expect_err("registration lapsed");
    assert_eq!(err.code(), "not_eligible", "{err}");
    assert!(err.to_string().contains("Sam Patel's registration with Social Work England is lapsed"), "{err}");
    assert!(err.to_string().contains("rule: registration-current"), "{err}");
    assert_eq!(p.application(id).await.expect("read"), decided, "a refusal changes nothing");
    c.update(&sam, set(RegistrationStatus::Registered)).await;
    p.sign_off(&own_hos, id, date(2025, 6, 1), None).await.expect("sign off");
    let done = p.make_effective(&lm(6, 1, "in payroll"), id).await.expect("effective");
    assert_eq!(done.application.application.status(), Status::Effective);

    let sam = c.store().worker_by_employee_number(&c.scope, &"R100".parse().expect("n")).await.expect("sam");
    let record = c.record(&sam).await;
    let now = record.timeline.current().expect("current");
    assert_eq!(
        (
            now.entry.level.as_str(),
            now.entry.grade.as_ref().map(|g| g.as_str()),
            now.entry.point.as_ref().map(|p| p.as_str())
        ),
        ("level-4", Some("band-j"), Some("38"))
    );
    assert_eq!(now.entry.reason, ChangeReason::Progression);

    // Each step once in the history, with who, when and why.
    let history = p.history(id).await.expect("history");
    for s in done.application.application.steps() {
        let rows: Vec<_> = history.iter().filter(|e| e.what == format!("completed step {}: met", s.id())).collect();
        assert_eq!(rows.len(), 1, "step {} completed once", s.id());
        assert_eq!(s.completion.as_ref().map(|c| c.by.person), rows[0].by.person);
        assert!(!rows[0].why.is_empty());
    }
}

async fn two_assessors_completing_steps_at_the_same_moment_both_land(db: &TestDb) {
    let c = rotherham(db).await;
    let id = assessed(&c).await;
    let version = c.progression().application(id).await.expect("read").meta.version;
    // The worker's Part 1 and the locality manager's assessment, at the same moment, on two
    // threads: whichever saves second meets a conflict, reloads and re-runs its command.
    let spawn = |who: Acting, step: &'static str, completion: StepCompletion| {
        let (store, scope) = (c.store().clone(), c.scope.clone());
        tokio::spawn(async move {
            AuthorityProgression::new(&store, scope).complete_step(&who, id, step, &completion).await
        })
    };
    let a = spawn(
        acting("R100", "worker", at(2025, 4, 21, 10), "Part 1 written"),
        "part-1",
        report(Some("Part 1"), "My practice over the last year."),
    );
    let b = spawn(
        lm(4, 21, "assessment complete"),
        "locality-manager-assessment",
        report(None, "Consistently manages complex work."),
    );
    a.await.expect("task").expect("Part 1 lands");
    b.await.expect("task").expect("the assessment lands");
    let app = c.progression().application(id).await.expect("read");
    assert_eq!(app.meta.version.get(), version.get() + 2, "two saves, neither lost");
    for step in ["part-1", "locality-manager-assessment"] {
        assert_eq!(app.application.step(step).map(|s| s.status), Some(StepStatus::Completed), "{step}");
    }
}
