//! Progression applications through the pure domain: one end-to-end story per seed authority
//! (Bexley Level 2 → 3 via panel; Rotherham Band I → J with an independent head of service;
//! West Sussex grade 10 → 11 via panel with the pay change; Medway NQSW → social worker on
//! ASYE pass), plus the state machine's guarantees.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pathway_core::Pence;
use pathway_core::framework::{Framework, LevelId, RoleId, RouteId};
use pathway_core::ids::{ApplicationId, OrgUnitId, PostId, WorkerId};
use pathway_core::progression::application::{Application, EvidenceVerdict, OpenRequest, Opener, Status};
use pathway_core::progression::appointment::{self, Applicant, AppointmentVerdict};
use pathway_core::progression::asye::{
    AsyeProgramme, AsyeResult, CaseloadRecord, DevelopmentTime, ProgrammeStatus, Progress, StartAsye,
};
use pathway_core::progression::audit::{Actor, Audit};
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::error::{AssignmentRule, ProgressionError};
use pathway_core::progression::forms::{
    AuditFinding, AuditOutcome, AuditedFile, CaseFileAudit, Interview, Report, StepRecord, audit_checks,
};
use pathway_core::progression::history::Change;
use pathway_core::progression::panel::{Panel, PanelMember, Quorum};
use pathway_core::progression::pay_preview::CurrentPosition;
use pathway_core::progression::steps::{StepCompletion, StepOutcome, StepStatus};
use pathway_core::workforce::{
    AsyeOutcome, AsyeStatus, ChainLink, ChangeReason, LineManagement, Probation, ProbationStatus,
};

// ---------------------------------------------------------------------------------------
// Helpers

fn framework(id: &str) -> Framework {
    pathway_core::bundled::framework(id).unwrap_or_else(|| panic!("{id} does not load"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time")
}

fn person(id: i64, name: &str, role: &str) -> Actor {
    Actor::new(WorkerId::new(id), name, role)
}

fn audit(by: &Actor, when: DateTime<Utc>, why: &str) -> Audit {
    Audit::new(by.clone(), when, why)
}

/// A line-management chain: (person, role), nearest first.
fn chain(links: &[(i64, &str)]) -> LineManagement {
    LineManagement {
        chain: links
            .iter()
            .enumerate()
            .map(|(i, (holder, role))| ChainLink {
                unit: OrgUnitId::new(i as i64 + 1),
                post: PostId::new(i as i64 + 1),
                role: RoleId::from(*role),
                holder: WorkerId::new(*holder),
            })
            .collect(),
    }
}

fn position(level: &str, grade: Option<&str>, point: Option<&str>) -> CurrentPosition {
    CurrentPosition { level: LevelId::from(level), grade: grade.map(Into::into), point: point.map(str::to_owned) }
}

fn report(form: Option<&str>, summary: &str) -> StepCompletion {
    StepCompletion {
        outcome: StepOutcome::Met,
        notes: None,
        record: StepRecord::Report(Report {
            form: form.map(str::to_owned),
            summary: summary.to_owned(),
            sections: Vec::new(),
            pcf_domains: vec!["critical-reflection".into()],
            kss_statements: Vec::new(),
        }),
    }
}

fn audit_of(files: usize, checks: &[String]) -> StepCompletion {
    StepCompletion {
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
    }
}

fn ok<T>(r: Result<T, ProgressionError>) -> T {
    r.unwrap_or_else(|e| panic!("refused ({}): {e}", e.code()))
}

fn open(
    f: &Framework,
    route: &str,
    worker: &Actor,
    level: &str,
    by: &Actor,
    as_: Opener,
    line: &LineManagement,
) -> Application {
    let request = OpenRequest {
        route: RouteId::from(route),
        worker: worker.person,
        worker_name: worker.name.clone(),
        current_level: LevelId::from(level),
        opened_as: as_,
        fast_track: false,
    };
    ok(Application::open(f, &request, line, &audit(by, at(2025, 3, 3, 9), "PDR agreed the worker is ready to apply")))
}

fn events<'a>(
    app: &'a Application,
    pred: impl Fn(&Change) -> bool + 'a,
) -> Vec<&'a pathway_core::progression::history::Event> {
    app.history().iter().filter(|e| pred(&e.change)).collect()
}

// ---------------------------------------------------------------------------------------
// Bexley: Level 2 → Level 3 via the Career Progression Panel

#[test]
fn bexley_level_2_to_level_3_via_the_career_progression_panel() {
    let f = framework("bexley");
    let worker = person(1, "Amara Okafor", "worker");
    let team_manager = person(10, "Tom Reeves", "team-manager");
    let line = chain(&[(10, "team-manager"), (20, "service-manager"), (30, "head-of-service")]);

    let draft = open(&f, "level-2-to-level-3", &worker, "level-2", &worker, Opener::Worker, &line);
    assert_eq!(draft.status(), Status::Draft);
    assert_eq!(draft.steps().len(), 1, "Bexley's route is one panel step");
    assert_eq!(draft.decision_roles(), vec![RoleId::from("career-progression-panel")]);

    // Bexley's route is opened by the worker (the file names no opener); a manager cannot.
    let by_manager = OpenRequest {
        route: "level-2-to-level-3".into(),
        worker: worker.person,
        worker_name: worker.name.clone(),
        current_level: "level-2".into(),
        opened_as: Opener::Manager,
        fast_track: false,
    };
    let err = Application::open(&f, &by_manager, &line, &audit(&team_manager, at(2025, 3, 3, 9), "on their behalf"))
        .expect_err("the route does not let managers open it");
    assert_eq!(err.code(), "not_permitted");

    // The portfolio is not complete: submission is refused and says what is missing.
    let incomplete = EvidenceVerdict::missing(vec![
        "a second reflective summary".into(),
        "2 x children/young people feedback".into(),
    ]);
    let err =
        draft.submit(&incomplete, &audit(&worker, at(2025, 4, 1, 10), "portfolio ready")).expect_err("incomplete");
    assert_eq!(err.code(), "evidence_incomplete");
    assert!(err.to_string().contains("a second reflective summary"), "{err}");

    let submitted =
        ok(draft.submit(&EvidenceVerdict::ready(), &audit(&worker, at(2025, 5, 1, 10), "portfolio complete")));
    let assessing = ok(submitted.begin_assessment(&audit(&team_manager, at(2025, 5, 2, 9), "portfolio received")));
    let at_panel =
        ok(assessing.refer_to_panel(None, &audit(&team_manager, at(2025, 5, 2, 9), "listed for June panel")));
    assert_eq!(at_panel.status(), Status::AtPanel);

    // The panel: chair (service manager), a head of service and a team manager from elsewhere.
    let chair = person(20, "Priya Shah", "service-manager");
    let members = vec![
        PanelMember { member: chair.clone(), chair: true, present: false },
        PanelMember { member: person(31, "Grace Lin", "head-of-service"), chair: false, present: false },
        PanelMember { member: person(12, "Owen Blake", "team-manager"), chair: false, present: false },
    ];
    let convened = audit(&chair, at(2025, 5, 20, 9), "June career progression panel");
    let panel = ok(Panel::convene(
        &f,
        &"career-progression-panel".into(),
        date(2025, 6, 12),
        members,
        Quorum::default(),
        &convened,
    ));
    let id = ApplicationId::new(501);
    let panel = ok(panel.list(id, &at_panel, &convened));

    // Without a quorum the panel cannot record an outcome.
    let approve = DecisionOutcome::Approved { feedback: Some("Strong reflective summaries linked to the PCF.".into()) };
    let sitting = audit(&chair, at(2025, 6, 12, 15), "Portfolio meets the PCF at experienced social worker level");
    let two_present = ok(panel.record_attendance(&[WorkerId::new(20), WorkerId::new(31)], &sitting));
    let err = two_present.record_outcome(id, &approve, &sitting).expect_err("not quorate");
    assert!(err.to_string().contains("not quorate"), "{err}");
    assert!(err.to_string().contains("the quorum is 3"), "{err}");
    // Nor can an application be decided from a panel that has recorded nothing.
    assert_eq!(at_panel.decide_from_panel(id, &two_present).expect_err("no outcome").code(), "unavailable");

    let all_present = ok(panel.record_attendance(&[WorkerId::new(20), WorkerId::new(31), WorkerId::new(12)], &sitting));
    let err = all_present
        .record_outcome(id, &approve, &audit(&person(31, "Grace Lin", "head-of-service"), at(2025, 6, 12, 15), "ok"))
        .expect_err("only the chair records");
    assert_eq!(err.code(), "not_permitted");
    // A panel records no outcome before the day it sits.
    let the_day_before = audit(&chair, at(2025, 6, 11, 15), "Decided ahead of the sitting");
    let err = all_present.record_outcome(id, &approve, &the_day_before).expect_err("before it sits");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("rule: panel-sitting"), "{err}");
    // An application still in assessment, never referred, is not decided by a panel.
    let err = assessing.decide_from_panel(id, &all_present).expect_err("never referred");
    assert!(err.to_string().contains("rule: referred-panel"), "{err}");
    let decided_panel = ok(all_present.record_outcome(id, &approve, &sitting));
    assert_eq!(decided_panel.hearing(id).and_then(|h| h.outcome.as_ref()).map(|o| o.heard_by.len()), Some(3));

    let err = assessing.decide_from_panel(id, &decided_panel).expect_err("never referred");
    assert!(err.to_string().contains("never referred") || err.to_string().contains("not referred"), "{err}");
    let decided = ok(at_panel.decide_from_panel(id, &decided_panel));
    assert_eq!(decided.status(), Status::Decided);
    let decision = decided.decision().expect("decision");
    assert!(decision.outcome.is_approved());
    assert_eq!(decision.by.person, chair.person);
    assert_eq!(decision.by.role, RoleId::from("career-progression-panel"));
    assert_eq!(decision.panel.as_ref().map(|p| p.held_on), Some(date(2025, 6, 12)));
    assert_eq!(decided.step("panel").map(|s| s.status), Some(StepStatus::Completed));

    // Pay change shown before sign-off: top of Level 2 to the Level 3 starting salary.
    let current = position("level-2", Some("level-2"), Some("top"));
    let effective = date(2025, 7, 1);
    let preview = ok(decided.pay_change_preview(&f, &current, effective, None));
    assert_eq!(preview.old.as_ref().and_then(|o| o.basic_pence), Some(Pence::pounds(32_498)));
    assert_eq!(preview.new.as_ref().map(|n| n.point.as_str()), Some("start"));
    assert_eq!(preview.new.as_ref().and_then(|n| n.basic_pence), Some(Pence::pounds(32_559)));
    assert_eq!(preview.new.as_ref().and_then(|n| n.total_pence), Some(Pence::pounds(32_559 + 2_251)), "plus Choices");
    assert_eq!(preview.basic_change_pence, Some(Pence::pounds(61)));
    // Bexley prints only the start and top of Level 3: no increment is invented between them.
    assert_eq!(preview.next_increment, None);
    assert!(preview.notes.iter().any(|n| n.contains("No next increment is shown")), "{:?}", preview.notes);

    let head = person(30, "Helen Ward", "head-of-service");
    let signed = ok(decided.sign_off(
        &f,
        &current,
        effective,
        None,
        &audit(&head, at(2025, 6, 16, 11), "Panel approval confirmed"),
    ));
    assert_eq!(signed.sign_off_record().map(|s| &s.pay_change), Some(&preview), "what is signed is what was shown");
    let change = signed.record_change().expect("record change");
    assert_eq!(change.level, LevelId::from("level-3"));
    assert_eq!(change.grade, Some("level-3".into()));
    assert_eq!(change.point.as_ref().map(|p| p.as_str()), Some("start"));
    assert_eq!(change.reason, ChangeReason::Progression);
    assert_eq!(change.starts_on, effective);

    let early = signed.make_effective(&audit(&head, at(2025, 6, 30, 9), "payroll form sent"));
    assert_eq!(early.expect_err("not yet").code(), "invalid_transition");
    let done = ok(signed.make_effective(&audit(&head, at(2025, 7, 1, 9), "payroll form sent")));
    assert_eq!(done.status(), Status::Effective);
    let entry = done.record_change().expect("entry");
    assert_eq!(entry.level, LevelId::from("level-3"));
    assert_eq!(entry.starts_on, effective);
}

// ---------------------------------------------------------------------------------------
// Rotherham: Band I → Band J with an independent head of service

struct Rotherham {
    f: Framework,
    worker: Actor,
    team_manager: Actor,
    locality_manager: Actor,
    own_head: Actor,
    other_head: Actor,
    line: LineManagement,
}

fn rotherham() -> Rotherham {
    Rotherham {
        f: framework("rotherham"),
        worker: person(100, "Sam Patel", "worker"),
        team_manager: person(101, "Dana Reid", "team-manager"),
        locality_manager: person(102, "Chris Moyo", "locality-manager"),
        own_head: person(103, "Mr Xavier Hale", "head-of-service"),
        other_head: person(104, "Ms Ruth Adeyemi", "head-of-service"),
        line: chain(&[(101, "team-manager"), (102, "locality-manager"), (103, "head-of-service")]),
    }
}

/// A Rotherham Level 3 → 4 application assessed up to the interview.
fn rotherham_assessed(r: &Rotherham) -> Application {
    let draft = open(&r.f, "level-3-to-level-4", &r.worker, "level-3", &r.team_manager, Opener::Manager, &r.line);
    assert_eq!(draft.opened_as(), Opener::Manager);
    let ids: Vec<&str> = draft.steps().iter().map(|s| s.id()).collect();
    assert_eq!(
        ids,
        ["locality-manager-assessment", "part-1", "part-2", "interview", "case-file-audit", "head-of-service-form"],
        "the route's steps, in the route's order"
    );
    assert_eq!(draft.step("part-1").map(|s| s.status), Some(StepStatus::Assigned), "the worker's own report");

    let t = |d| at(2025, 4, d, 10);
    let app =
        ok(draft.submit(&EvidenceVerdict::ready(), &audit(&r.team_manager, t(1), "PDR: progression appropriate")));
    let app = ok(app.begin_assessment(&audit(&r.locality_manager, t(2), "assessment begins")));
    let assigning = |app: &Application, step: &str, who: &Actor| {
        app.assign(step, who, &r.line, &audit(&r.locality_manager, t(3), "allocated at the locality meeting"))
    };
    let app = ok(assigning(&app, "locality-manager-assessment", &r.locality_manager));
    let app = ok(assigning(&app, "part-2", &r.team_manager));
    // Part 2 is the line manager's report: someone else's team manager cannot write it.
    let err = assigning(&app, "part-2", &person(109, "Lee Grant", "team-manager")).expect_err("not own");
    assert!(matches!(err, ProgressionError::AssignmentBlocked { rule: AssignmentRule::MustBeOwn, .. }), "{err}");
    let app = ok(assigning(&app, "interview", &r.team_manager));
    ok(assigning(&app, "interview", &r.locality_manager))
}

#[test]
fn rotherham_band_i_to_j_with_an_independent_head_of_service() {
    let r = rotherham();
    let app = rotherham_assessed(&r);
    let t = |m, d| at(2025, m, d, 10);
    let lm = |why: &str, m, d| audit(&r.locality_manager, t(m, d), why);
    let allocate = audit(&r.locality_manager, t(4, 3), "independent head of service requested");

    let app = ok(app.assign("interview", &r.other_head, &r.line, &allocate));
    let app = ok(app.assign("case-file-audit", &r.other_head, &r.line, &allocate));
    let app = ok(app.assign("head-of-service-form", &r.other_head, &r.line, &allocate));
    assert_eq!(app.step("interview").map(|s| s.participants().len()), Some(3));

    // Assessment before the interview.
    let app = ok(app.start_step("locality-manager-assessment", &lm("starting", 4, 10)));
    let app = ok(app.complete_step(
        "locality-manager-assessment",
        &report(None, "Consistently manages complex child protection work."),
        &lm("assessment complete", 4, 20),
    ));
    let app = ok(app.complete_step(
        "part-1",
        &report(Some("Part 1"), "My practice over the last year."),
        &audit(&r.worker, t(4, 21), "Part 1 written"),
    ));
    // The interview waits for Part 2.
    let err = app.refer_to_panel(None, &lm("interview booked", 4, 22)).expect_err("Part 2 outstanding");
    assert_eq!(err.code(), "steps_outstanding");
    assert!(err.to_string().contains("Part 2"), "{err}");
    // Someone who is not on the step cannot complete it.
    let err = app
        .complete_step("part-2", &report(Some("Part 2"), "x"), &lm("doing it myself", 4, 22))
        .expect_err("not the team manager");
    assert_eq!(err.code(), "not_permitted");
    // The wrong form is refused.
    let err = app
        .complete_step(
            "part-2",
            &report(Some("Part 3"), "Line manager's report"),
            &audit(&r.team_manager, t(4, 23), "done"),
        )
        .expect_err("wrong form");
    assert!(err.to_string().contains("this step's form is Part 2"), "{err}");
    let app = ok(app.complete_step(
        "part-2",
        &report(Some("Part 2"), "Sam leads on complex cases and mentors students."),
        &audit(&r.team_manager, t(4, 23), "Part 2 written"),
    ));
    let app = ok(app.refer_to_panel(None, &lm("interview booked for 12 May", 4, 24)));
    assert_eq!(app.status(), Status::AtPanel);

    // The interview record must show every interviewer present.
    let interview = |present: Vec<i64>| StepCompletion {
        outcome: StepOutcome::Met,
        notes: None,
        record: StepRecord::Interview(Interview {
            held_on: date(2025, 5, 12),
            present: present.into_iter().map(WorkerId::new).collect(),
            answers: Vec::new(),
            summary: "Reflective, evidence-informed answers on risk and contribution to others' development.".into(),
        }),
    };
    let err = app
        .complete_step("interview", &interview(vec![101, 102]), &lm("interview held", 5, 12))
        .expect_err("head of service missing");
    assert!(
        err.to_string().contains("Ms Ruth Adeyemi is assigned to the interview but is not recorded as present"),
        "{err}"
    );
    let app = ok(app.complete_step("interview", &interview(vec![101, 102, 104]), &lm("interview held", 5, 12)));

    // The audit needs exactly 4 files, each with an outcome on every check.
    let step = app.step("case-file-audit").expect("audit step").definition.clone();
    let checks = audit_checks(&step);
    assert_eq!(checks.len(), 3, "complexity, timeliness of assessments, contribution to others' development");
    let hos = |why: &str, d| audit(&r.other_head, t(5, d), why);
    let err = app.complete_step("case-file-audit", &audit_of(3, &checks), &hos("audit done", 19)).expect_err("3 files");
    assert_eq!(err.code(), "form_invalid");
    assert!(err.to_string().contains("the audit needs 4 audited case files; 3 were recorded"), "{err}");
    let err = app
        .complete_step("case-file-audit", &audit_of(4, &checks[..2]), &hos("audit done", 19))
        .expect_err("a check missing");
    assert!(err.to_string().contains("has no outcome on \"contribution to the professional development"), "{err}");
    let app = ok(app.complete_step("case-file-audit", &audit_of(4, &checks), &hos("four files audited", 19)));
    let app = ok(app.complete_step(
        "head-of-service-form",
        &report(Some("Part 2"), "Audit tools show consistently good, timely work."),
        &hos("final form completed", 20),
    ));

    // Rotherham names no decision-maker for this route: anyone but the worker may decide.
    let err = app
        .decide(&DecisionOutcome::Approved { feedback: None }, &audit(&r.worker, t(5, 21), "I approve"))
        .expect_err("own application");
    assert_eq!(err.code(), "not_permitted");
    let decided = ok(app.decide(&DecisionOutcome::Approved { feedback: None }, &lm("all steps met", 5, 21)));

    // Pay change: bottom of Band J (SCP 38); Band I SCP 37's NJC figure is unverified.
    let current = position("level-3", Some("band-i"), Some("37"));
    let preview = ok(decided.pay_change_preview(&r.f, &current, date(2025, 6, 1), None));
    assert_eq!(
        preview.old.as_ref().map(|o| (o.point.as_str(), o.basic_pence)),
        Some(("37", Some(Pence::pounds(48_226))))
    );
    assert_eq!(preview.new.as_ref().map(|n| (n.grade.as_str(), n.point.as_str())), Some(("band-j", "38")));
    assert_eq!(preview.new.as_ref().and_then(|n| n.basic_pence), Some(Pence::pounds(49_282)));
    assert_eq!(preview.basic_change_pence, Some(Pence::pounds(49_282 - 48_226)));
    assert!(preview.notes.iter().any(|n| n.contains("SCP 37 is unverified")), "{:?}", preview.notes);
    assert_eq!(preview.next_increment, Some(date(2026, 4, 1)));

    // Whoever decided does not sign off: the locality manager decided, so the head of service signs.
    let err = decided
        .sign_off(&r.f, &current, date(2025, 6, 1), None, &lm("signed off", 5, 22))
        .expect_err("the decider signs off");
    assert!(err.to_string().contains("rule: signer-is-decider"), "{err}");
    let hos = audit(&r.own_head, t(5, 22), "signed off; post change form sent");
    let signed = ok(decided.sign_off(&r.f, &current, date(2025, 6, 1), None, &hos));
    let done = ok(signed.make_effective(&lm("in payroll", 6, 1)));
    assert_eq!(done.record_change().map(|c| c.grade.clone()), Some(Some("band-j".into())));

    // Every step and the decision are in the history, with who, when and why.
    for s in done.steps() {
        let completed = events(&done, |c| matches!(c, Change::StepCompleted { step, .. } if step == s.id()));
        assert_eq!(completed.len(), 1, "step {} completed once in the history", s.id());
        let e = completed[0];
        assert!(!e.why.is_empty() && e.by.person.get() > 0, "{e:?}");
        assert_eq!(s.completion.as_ref().map(|c| c.by.person), Some(e.by.person));
    }
    let decided_events = events(&done, |c| matches!(c, Change::Decided { .. }));
    assert_eq!(decided_events.len(), 1);
    assert_eq!(decided_events[0].by, r.locality_manager);
    assert_eq!(decided_events[0].at, t(5, 21));
    assert_eq!(decided_events[0].why, "all steps met");
    let statuses: Vec<Status> = done.history().iter().map(|e| e.to).collect();
    for s in [
        Status::Draft,
        Status::Submitted,
        Status::InAssessment,
        Status::AtPanel,
        Status::Decided,
        Status::SignedOff,
        Status::Effective,
    ] {
        assert!(statuses.contains(&s), "history passes through {s}");
    }
    assert!(done.history().windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[1].from == w[0].to), "an unbroken chain");

    // The whole application round-trips through JSON for storage.
    let json = serde_json::to_string(&done).expect("serialise");
    let back: Application = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, done);
    assert_eq!(done.summary().status, "effective");
}

#[test]
fn rotherham_refuses_the_workers_own_head_of_service_and_says_why() {
    let r = rotherham();
    let app = rotherham_assessed(&r);
    let before = app.clone();
    let allocate = audit(&r.locality_manager, at(2025, 4, 3, 10), "head of service for the interview");
    for step in ["interview", "case-file-audit", "head-of-service-form"] {
        let err = app.assign(step, &r.own_head, &r.line, &allocate).expect_err("own head of service");
        let ProgressionError::AssignmentBlocked { rule, message } = &err else { panic!("{err:?}") };
        assert_eq!(*rule, AssignmentRule::MustBeIndependent);
        assert!(message.starts_with("Mr Xavier Hale is the worker's own Head of Service; "), "{message}");
        assert!(
            message
                .contains("Rotherham's route to Social Worker Band J (Level 4) needs an independent Head of Service"),
            "{message}"
        );
        assert_eq!(app, before, "a refused assignment changes nothing");
    }
    // The worker's own locality manager is in their chain: not independent either.
    let lm_as_hos = person(102, "Chris Moyo", "head-of-service");
    let err = app.assign("interview", &lm_as_hos, &r.line, &allocate).expect_err("in the chain");
    assert!(err.to_string().contains("is in the worker's line-management chain"), "{err}");
    // Nobody assesses their own application.
    let err = app.assign("interview", &person(100, "Sam Patel", "team-manager"), &r.line, &allocate).expect_err("own");
    assert!(matches!(err, ProgressionError::AssignmentBlocked { rule: AssignmentRule::OwnApplication, .. }), "{err}");
    // A role the step does not list.
    let err = app
        .assign("case-file-audit", &r.team_manager, &r.line, &allocate)
        .expect_err("the team manager does not audit");
    assert!(matches!(err, ProgressionError::AssignmentBlocked { rule: AssignmentRule::RoleNotOnStep, .. }), "{err}");
    // One person, one place on a step.
    let err = app
        .assign("interview", &person(101, "Dana Reid", "head-of-service"), &r.line, &allocate)
        .expect_err("already on the step");
    assert!(matches!(
        err,
        ProgressionError::AssignmentBlocked {
            rule: AssignmentRule::MustBeIndependent | AssignmentRule::AlreadyOnStep,
            ..
        }
    ));
    assert_eq!(app, before);
}

#[test]
fn rotherham_fast_track_submits_before_the_portfolio_is_complete_but_bexley_has_none() {
    let r = rotherham();
    let request = OpenRequest {
        route: "level-2-to-level-3".into(),
        worker: r.worker.person,
        worker_name: r.worker.name.clone(),
        current_level: "level-2".into(),
        opened_as: Opener::Worker,
        fast_track: true,
    };
    let app = ok(Application::open(
        &r.f,
        &request,
        &r.line,
        &audit(&r.worker, at(2025, 2, 1, 9), "fast track agreed at PDR"),
    ));
    assert!(app.fast_track());
    let missing = EvidenceVerdict::missing(vec!["Part 1 evidence".into()]);
    let submitted = ok(app.submit(&missing, &audit(&r.worker, at(2025, 2, 2, 9), "fast track")));
    assert_eq!(submitted.status(), Status::Submitted);
    assert_eq!(appointment::fast_track_routes(&r.f, &"level-2".into()).len(), 1);

    let bexley = framework("bexley");
    let request = OpenRequest { route: "level-2-to-level-3".into(), current_level: "level-2".into(), ..request };
    let err = Application::open(
        &bexley,
        &request,
        &LineManagement::default(),
        &audit(&r.worker, at(2025, 2, 1, 9), "please"),
    )
    .expect_err("Bexley offers no fast track");
    assert!(err.to_string().contains("does not offer fast track"), "{err}");

    // A route that does not start at the worker's level cannot be opened.
    let wrong = OpenRequest { route: "level-3-to-level-4".into(), fast_track: false, ..request };
    let err = Application::open(&r.f, &wrong, &r.line, &audit(&r.worker, at(2025, 2, 1, 9), "keen"))
        .expect_err("wrong level");
    assert!(err.to_string().contains("starts at Social Worker Band I (Level 3)"), "{err}");
}

// ---------------------------------------------------------------------------------------
// West Sussex: grade 10 → grade 11 via the agreed panel process

fn west_sussex_panel(
    f: &Framework,
    app: &Application,
    id: ApplicationId,
    outcome: &DecisionOutcome,
    why: &str,
) -> Panel {
    let chair = person(220, "Jo Marsh", "group-manager");
    let members = vec![
        PanelMember { member: chair.clone(), chair: true, present: true },
        PanelMember { member: person(221, "Ravi Nair", "practice-manager"), chair: false, present: true },
        PanelMember { member: person(222, "Beth Cole", "advanced-practitioner"), chair: false, present: true },
    ];
    let a = audit(&chair, at(2025, 7, 10, 14), why);
    let panel = ok(Panel::convene(f, &"progression-panel".into(), date(2025, 7, 10), members, Quorum::default(), &a));
    let panel = ok(panel.list(id, app, &a));
    ok(panel.record_outcome(id, outcome, &a))
}

fn west_sussex_at_panel(f: &Framework, worker: &Actor, manager: &Actor) -> Application {
    let line = chain(&[(manager.person.get(), "practice-manager")]);
    let app = open(
        f,
        "social-worker-grade-10-to-senior-social-worker",
        worker,
        "social-worker-grade-10",
        worker,
        Opener::Worker,
        &line,
    );
    let app = ok(app.submit(&EvidenceVerdict::ready(), &audit(worker, at(2025, 6, 2, 9), "applying to panel")));
    let app = ok(app.begin_assessment(&audit(manager, at(2025, 6, 3, 9), "received")));
    ok(app.refer_to_panel(None, &audit(manager, at(2025, 6, 3, 9), "listed for the July panel")))
}

#[test]
fn west_sussex_grade_10_to_11_via_panel_with_the_pay_change() {
    let f = framework("west-sussex");
    let worker = person(200, "Alex Morgan", "worker");
    let manager = person(210, "Nina Holt", "practice-manager");
    let app = west_sussex_at_panel(&f, &worker, &manager);
    let id = ApplicationId::new(77);
    let approve = DecisionOutcome::Approved { feedback: None };
    let panel = west_sussex_panel(&f, &app, id, &approve, "meets the senior social worker role description");
    let decided = ok(app.decide_from_panel(id, &panel));

    let current = position("social-worker-grade-10", Some("grade-10"), Some("39"));
    let effective = date(2025, 9, 1);
    let preview = ok(decided.pay_change_preview(&f, &current, effective, None));
    let old = preview.old.as_ref().expect("old pay");
    let new = preview.new.as_ref().expect("new pay");
    assert_eq!(
        (old.grade_name.as_str(), old.scp, old.basic_pence),
        ("Grade 10", Some(39), Some(Pence::pounds(35_704)))
    );
    assert_eq!(
        (new.grade_name.as_str(), new.scp, new.basic_pence),
        ("Grade 11", Some(39), Some(Pence::pounds(36_610)))
    );
    assert_eq!(preview.basic_change_pence, Some(Pence::pounds(906)));
    assert!(preview.placement.contains("same SCP (39)"), "{}", preview.placement);
    assert_eq!(preview.next_increment, Some(date(2026, 4, 1)));
    assert!(!preview.needs_decision);

    // West Sussex names no sign-off role; the worker still cannot sign off their own.
    let err = decided
        .sign_off(&f, &current, effective, None, &audit(&worker, at(2025, 7, 11, 9), "yay"))
        .expect_err("own sign-off");
    assert_eq!(err.code(), "not_permitted");
    let signed =
        ok(decided.sign_off(&f, &current, effective, None, &audit(&manager, at(2025, 7, 11, 9), "panel approved")));
    let effective_app = ok(signed.make_effective(&audit(&manager, at(2025, 9, 1, 9), "post change form processed")));
    let entry = effective_app.record_change().expect("change");
    assert_eq!(entry.level, LevelId::from("senior-social-worker"));
    assert_eq!(entry.grade, Some("grade-11".into()));
    assert_eq!(entry.point.as_ref().map(|p| p.as_str()), Some("39"));
}

fn west_sussex_approved(f: &Framework, worker: &Actor, manager: &Actor) -> Application {
    let app = west_sussex_at_panel(f, worker, manager);
    let id = ApplicationId::new(78);
    let approve = DecisionOutcome::Approved { feedback: None };
    let panel = west_sussex_panel(f, &app, id, &approve, "meets the senior social worker role description");
    ok(app.decide_from_panel(id, &panel))
}

#[test]
fn west_sussex_a_pay_change_from_grade_11_scp_42_onto_the_misprinted_scp_43_is_shown_held_and_not_signed_off() {
    let f = framework("west-sussex");
    let worker = person(200, "Alex Morgan", "worker");
    let manager = person(210, "Nina Holt", "practice-manager");
    let decided = west_sussex_approved(&f, &worker, &manager);
    // Alex is already paid on grade 11, SCP 42 (£39,545); the signer picks SCP 43.
    let current = position("social-worker-grade-10", Some("grade-11"), Some("42"));
    let effective = date(2025, 9, 1);
    let preview = ok(decided.pay_change_preview(&f, &current, effective, Some("43")));
    assert_eq!(preview.basic_change_pence, Some(Pence::pounds(-9_014)));
    let hold = preview.hold.as_ref().expect("a move onto £30,531 is held");
    assert_eq!(hold.rule, "pay never falls on an increment or a promotion");
    assert!(hold.reason.contains("anomaly") && hold.reason.contains("a cut of £9,014"), "{}", hold.reason);
    assert!(hold.who_resolves.starts_with("HR/workforce must confirm the figure"), "{}", hold.who_resolves);

    let signer = audit(&manager, at(2025, 7, 11, 9), "panel approved");
    let err = decided.sign_off(&f, &current, effective, Some("43"), &signer).expect_err("held");
    match &err {
        ProgressionError::NotPermitted { rule, message } => {
            assert_eq!(*rule, "pay-never-falls");
            assert!(message.contains("HR/workforce must confirm the figure"), "{message}");
        }
        other => panic!("expected the pay rule, got {other:?}"),
    }
    // Staying on SCP 42 is no move, so nothing is held and sign-off goes ahead.
    let stays = ok(decided.pay_change_preview(&f, &current, effective, None));
    assert_eq!((stays.hold, stays.basic_change_pence), (None, Some(Pence::ZERO)));
    ok(decided.sign_off(&f, &current, effective, None, &signer));
    // A panel's approval is signed off by a person: it is not an automatic move.
    let automatic = audit(&manager, at(2025, 7, 11, 9), "automatic, because the panel approved");
    let err = decided.schedule_automatically(&f, &current, effective, &automatic).expect_err("not automatic");
    assert!(err.to_string().contains("rule: automatic-route"), "{err}");
}

#[test]
fn west_sussex_a_pay_cut_signed_off_before_the_rule_is_not_made_effective() {
    let f = framework("west-sussex");
    let worker = person(200, "Alex Morgan", "worker");
    let manager = person(210, "Nina Holt", "practice-manager");
    let decided = west_sussex_approved(&f, &worker, &manager);
    let current = position("social-worker-grade-10", Some("grade-10"), Some("39"));
    let signed = ok(decided.sign_off(
        &f,
        &current,
        date(2025, 9, 1),
        None,
        &audit(&manager, at(2025, 7, 11, 9), "panel approved"),
    ));
    // A record signed off before holds existed, whose change lowers pay: it carries no
    // hold, only the figures.
    let mut stored = serde_json::to_value(&signed).expect("json");
    let change = &mut stored["sign_off"]["pay_change"];
    assert!(change.get("hold").is_none(), "{change}");
    change["new"]["point"] = "43".into();
    change["new"]["scp"] = 43.into();
    change["new"]["basic_pence"] = 3_053_100.into();
    change["basic_change_pence"] = (3_053_100 - 3_570_400).into();
    let old_record: Application = serde_json::from_value(stored).expect("reads back");
    let err = old_record
        .make_effective(&audit(&manager, at(2025, 9, 1, 9), "post change form processed"))
        .expect_err("a pay cut is not applied");
    match &err {
        ProgressionError::NotPermitted { rule, message } => {
            assert_eq!(*rule, "pay-never-falls");
            assert!(message.contains("pays £5,173 less than point 39 of Grade 10"), "{message}");
        }
        other => panic!("expected the pay rule, got {other:?}"),
    }
    assert_eq!(old_record.status(), Status::SignedOff, "nothing changed");
}

#[test]
fn not_yet_approved_gives_feedback_and_a_resubmission_date_and_may_be_appealed() {
    let f = framework("west-sussex");
    let worker = person(200, "Alex Morgan", "worker");
    let manager = person(210, "Nina Holt", "practice-manager");
    let app = west_sussex_at_panel(&f, &worker, &manager);
    let id = ApplicationId::new(78);
    let not_yet = DecisionOutcome::NotYetApproved {
        feedback: "Evidence more leadership on complex casework.".into(),
        resubmit_from: date(2026, 1, 5),
    };
    let panel = west_sussex_panel(&f, &app, id, &not_yet, "not enough evidence of leading complex casework");
    let decided = ok(app.decide_from_panel(id, &panel));
    assert_eq!(decided.decision().map(|d| d.outcome.code()), Some("not-yet-approved"));
    assert_eq!(
        decided
            .sign_off(
                &f,
                &position("social-worker-grade-10", Some("grade-10"), Some("39")),
                date(2025, 9, 1),
                None,
                &audit(&manager, at(2025, 7, 11, 9), "x")
            )
            .expect_err("not approved")
            .code(),
        "invalid_transition"
    );

    // Resubmission waits for the date.
    let early = decided.reopen(&audit(&worker, at(2025, 12, 1, 9), "ready again"));
    assert!(early.expect_err("too early").to_string().contains("2026-01-05"));
    let reopened = ok(decided.reopen(&audit(&worker, at(2026, 1, 5, 9), "ready again")));
    assert_eq!(reopened.status(), Status::Draft);
    assert!(reopened.decision().is_none());
    assert_eq!(reopened.previous_decisions().len(), 1);
    assert_eq!(reopened.step("panel").map(|s| s.status), Some(StepStatus::Pending));

    // Or the worker appeals; someone other than the original decision-maker decides it.
    let appealed =
        ok(decided
            .appeal("The panel did not read my second case study.", &audit(&worker, at(2025, 7, 20, 9), "appeal")));
    assert_eq!(appealed.status(), Status::UnderAppeal);
    let chair = person(220, "Jo Marsh", "group-manager");
    let err = appealed
        .decide_appeal(
            &DecisionOutcome::Approved { feedback: None },
            &audit(&chair, at(2025, 8, 1, 9), "on reflection"),
        )
        .expect_err("same decision-maker");
    assert_eq!(err.code(), "not_permitted");
    let hos = person(230, "Kim Lowe", "head-of-service");
    let upheld = ok(appealed.decide_appeal(
        &DecisionOutcome::Approved { feedback: Some("The case study shows the leadership asked for.".into()) },
        &audit(&hos, at(2025, 8, 1, 9), "appeal upheld"),
    ));
    assert_eq!(upheld.status(), Status::Decided);
    assert!(upheld.decision().is_some_and(|d| d.on_appeal && d.outcome.is_approved()));
    assert_eq!(upheld.appeals().len(), 1);
    assert!(upheld.appeals()[0].decided.is_some());
    assert!(
        upheld.appeal("again", &audit(&worker, at(2025, 8, 2, 9), "again")).is_err(),
        "approved: nothing to appeal"
    );
    ok(upheld.sign_off(
        &f,
        &position("social-worker-grade-10", Some("grade-10"), Some("39")),
        date(2025, 9, 1),
        None,
        &audit(&person(240, "Nina Holt", "practice-manager"), at(2025, 8, 2, 9), "appeal upheld"),
    ));
}

// ---------------------------------------------------------------------------------------
// Medway: NQSW → social worker on ASYE pass

#[test]
fn medway_nqsw_to_social_worker_on_asye_pass() {
    let f = framework("medway");
    let lead = person(310, "Pat Osei", "practice-development-lead");
    let manager = person(311, "Sue Hart", "team-manager");
    let start = |d: NaiveDate| StartAsye {
        worker: WorkerId::new(300),
        worker_name: "Mo Khan".into(),
        starts_on: d,
        nine_month_review: true,
    };
    let a = |who: &Actor, y, m, d, why: &str| audit(who, at(y, m, d, 10), why);

    // Medway recruits October and April cohorts only.
    let err = AsyeProgramme::start(&f, &start(date(2025, 1, 6)), &a(&lead, 2024, 12, 1, "new starter"))
        .expect_err("January is not an intake");
    assert!(
        err.to_string().contains("Medway's ASYE cohorts start in October and April; 2025-01-06 is in January"),
        "{err}"
    );

    let p = ok(AsyeProgramme::start(&f, &start(date(2024, 10, 1)), &a(&lead, 2024, 10, 1, "October cohort")));
    assert_eq!(p.cohort().display_name(), "October 2024");
    let points: Vec<(u32, NaiveDate, bool)> =
        p.reviews().iter().map(|r| (r.months, r.due_on, r.final_review)).collect();
    assert_eq!(
        points,
        vec![
            (3, date(2025, 1, 1), false),
            (6, date(2025, 4, 1), false),
            (9, date(2025, 7, 1), false),
            (12, date(2025, 10, 1), true)
        ]
    );
    let p = ok(p.record_caseload(
        &CaseloadRecord {
            recorded_on: date(2024, 10, 14),
            cases: 6,
            protected: true,
            note: Some("reduced caseload".into()),
        },
        &a(&manager, 2024, 10, 14, "supervision"),
    ));
    let p = ok(p.record_development_time(
        &DevelopmentTime { on: date(2024, 11, 5), minutes: 180, activity: "ASYE cohort workshop".into() },
        &a(&lead, 2024, 11, 5, "monthly workshop"),
    ));
    assert_eq!(p.development_minutes(), 180);
    let err =
        p.recommend(&f, AsyeResult::Pass, "ready", &a(&manager, 2025, 6, 1, "early")).expect_err("no final review yet");
    assert!(err.to_string().contains("final review"), "{err}");
    // The final review is not accepted months early: at about 8 months it is refused.
    let err = p
        .record_review(12, Progress::OnTrack, "Ready", date(2025, 6, 2), &a(&manager, 2025, 6, 2, "early final"))
        .expect_err("the final review is due in October");
    assert!(err.to_string().contains("rule: asye-final-review"), "{err}");
    assert!(err.to_string().contains("2025-10-01"), "{err}");
    // Nor is the 6-month review held in the second month.
    let err = p
        .record_review(6, Progress::OnTrack, "Fine", date(2024, 12, 1), &a(&manager, 2024, 12, 1, "early"))
        .expect_err("the 6-month review falls after the 3-month point");
    assert!(err.to_string().contains("rule: asye-review-months"), "{err}");
    let mut p = p;
    for (months, y, m) in [(3, 2025, 1), (6, 2025, 4), (9, 2025, 7), (12, 2025, 10)] {
        p = ok(p.record_review(
            months,
            Progress::OnTrack,
            "Meeting the PCF at ASYE level",
            date(y, m, 1),
            &a(&manager, y, m, 1, "review"),
        ));
    }
    let p = ok(p.recommend(
        &f,
        AsyeResult::Pass,
        "Capable at ASYE level across the PCF.",
        &a(&manager, 2025, 10, 2, "final assessment"),
    ));
    assert_eq!(p.status(), ProgrammeStatus::Recommended);
    let err = p.open_progression(&f, &a(&lead, 2025, 10, 3, "too soon")).expect_err("not moderated");
    assert_eq!(err.code(), "invalid_transition");
    let p = ok(p.moderate(&f, AsyeResult::Pass, &a(&lead, 2025, 10, 8, "moderation panel agreed")));
    assert_eq!(p.status(), ProgrammeStatus::Passed);
    let record = ok(p.asye_record());
    assert_eq!((record.status(), record.outcome()), (AsyeStatus::Completed, Some(AsyeOutcome::Passed)));

    // The pass opens Medway's automatic route, already approved.
    let app = ok(p.open_progression(&f, &a(&lead, 2025, 10, 8, "ASYE passed")));
    assert_eq!(app.route().id, RouteId::from("nqsw-to-social-worker"));
    assert_eq!(app.opened_as(), Opener::AsyePass);
    assert_eq!(app.status(), Status::Decided);
    assert!(app.decision().is_some_and(|d| d.outcome.is_approved() && d.by == lead));

    let current = position("nqsw", None, None);
    let preview = ok(app.pay_change_preview(&f, &current, date(2025, 10, 8), None));
    assert!(preview.new.is_none() && preview.old.is_none(), "Medway publishes no pay");
    assert!(preview.notes.iter().any(|n| n.contains("publishes no grade")), "{:?}", preview.notes);
    let signed =
        ok(app.sign_off(&f, &current, date(2025, 10, 8), None, &a(&manager, 2025, 10, 8, "transfer to social worker")));
    let change = signed.record_change().expect("change");
    assert_eq!(change.level, LevelId::from("social-worker"));
    assert_eq!((change.grade.as_ref(), change.point.as_ref()), (None, None));
    assert_eq!(change.reason, ChangeReason::AsyeCompleted);
    let done = ok(signed.make_effective(&a(&manager, 2025, 10, 8, "record updated")));
    assert_eq!(done.status(), Status::Effective);

    // Or, with no one signing off: the transfer is automatic, and its record says why.
    let why = "automatic, because the ASYE was passed at moderation on 2025-10-08";
    let scheduled = ok(app.schedule_automatically(&f, &current, date(2025, 10, 8), &a(&lead, 2025, 10, 9, why)));
    assert_eq!(scheduled.status(), Status::SignedOff);
    let change = scheduled.record_change().expect("change");
    assert_eq!((change.level.as_str(), change.starts_on), ("social-worker", date(2025, 10, 8)));
    assert!(change.note.as_ref().is_some_and(|n| n.as_str().contains(why)), "{change:?}");
    let err = scheduled.make_effective(&a(&lead, 2025, 10, 7, why)).expect_err("before its date");
    assert!(err.to_string().contains("takes effect on 2025-10-08"), "{err}");
}

#[test]
fn a_bexley_asye_pass_goes_through_the_practice_educator_and_internal_moderation_panel() {
    let f = framework("bexley");
    let educator = person(410, "Ian Fox", "academy-practice-educator");
    let panel_chair = person(420, "Lena Shaw", "internal-moderation-panel");
    let a = |who: &Actor, y, m, d, why: &str| audit(who, at(y, m, d, 10), why);
    let start = StartAsye {
        worker: WorkerId::new(400),
        worker_name: "Ella Stone".into(),
        starts_on: date(2024, 9, 2),
        nine_month_review: false,
    };
    let mut p = ok(AsyeProgramme::start(&f, &start, &a(&educator, 2024, 9, 2, "Academy intake")));
    assert_eq!(p.reviews().iter().map(|r| r.months).collect::<Vec<_>>(), vec![3, 6, 12], "the national default");
    for (months, y, m) in [(3, 2024, 12), (6, 2025, 3), (12, 2025, 9)] {
        p = ok(p.record_review(months, Progress::OnTrack, "on track", date(y, m, 2), &a(&educator, y, m, 2, "review")));
    }
    // Bexley: the Practice Educator recommends and the Internal Moderation Panel decides.
    let err = p
        .recommend(
            &f,
            AsyeResult::Pass,
            "ready",
            &a(&person(411, "Tom Reeves", "team-manager"), 2025, 9, 3, "recommend"),
        )
        .expect_err("the practice educator recommends");
    assert!(err.to_string().contains("NQSW Academy Practice Educator"), "{err}");
    let p = ok(p.recommend(
        &f,
        AsyeResult::Pass,
        "Meets the PCF at ASYE level.",
        &a(&educator, 2025, 9, 3, "recommendation"),
    ));
    let err = p.moderate(&f, AsyeResult::Pass, &a(&educator, 2025, 9, 10, "agree")).expect_err("the panel decides");
    assert_eq!(err.code(), "not_permitted");
    let p = ok(p.moderate(&f, AsyeResult::Pass, &a(&panel_chair, 2025, 9, 10, "Internal Moderation Panel: pass")));
    // Bexley's transfer also needs probation: still under way, or not recorded, it does not open.
    let under_way = Probation { status: ProbationStatus::InProgress, ends_on: Some(date(2025, 12, 1)) };
    for probation in [Some(under_way), None] {
        let err = p.check_transfer(&f, probation, date(2025, 9, 10)).expect_err("probation is not complete");
        assert_eq!(err.code(), "not_permitted");
        assert!(err.to_string().contains("rule: asye-transfer"), "{err}");
        assert!(err.to_string().contains("Successfully completed the probation period"), "{err}");
    }
    let completed = Probation { status: ProbationStatus::Completed, ends_on: Some(date(2025, 3, 2)) };
    ok(p.check_transfer(&f, Some(completed), date(2025, 9, 10)));
    let app = ok(p.open_progression(&f, &a(&panel_chair, 2025, 9, 10, "ASYE passed")));
    assert_eq!(app.route().id, RouteId::from("nqsw-to-level-2"));
    assert_eq!(app.status(), Status::Decided, "recommendation and moderation are both done");
    assert_eq!(
        app.step("recommendation").and_then(|s| s.completion.as_ref()).map(|c| c.by.person),
        Some(educator.person)
    );
    assert_eq!(app.step("moderation").map(|s| s.status), Some(StepStatus::Completed));
    assert_eq!(app.decision().map(|d| d.by.role.clone()), Some(RoleId::from("internal-moderation-panel")));
    let preview =
        ok(app.pay_change_preview(&f, &position("nqsw", Some("nqsw"), Some("start")), date(2025, 10, 1), None));
    assert_eq!(
        preview.new.as_ref().and_then(|n| n.basic_pence),
        Some(Pence::pounds(28_687)),
        "Level 2 starting salary"
    );
}

#[test]
fn bexley_asye_extension_is_refused_without_an_extenuating_reason() {
    let f = framework("bexley");
    let educator = person(410, "Ian Fox", "academy-practice-educator");
    let start = StartAsye {
        worker: WorkerId::new(400),
        worker_name: "Ella Stone".into(),
        starts_on: date(2024, 9, 2),
        nine_month_review: false,
    };
    let p = ok(AsyeProgramme::start(&f, &start, &audit(&educator, at(2024, 9, 2, 9), "Academy intake")));
    let before = p.clone();
    let a = audit(&educator, at(2025, 6, 1, 9), "needs more time");
    for reason in [None, Some("   ")] {
        let err = p.extend(&f, 3, reason, &a).expect_err("no extenuating reason");
        assert_eq!(err.code(), "not_permitted");
        assert!(
            err.to_string().contains("Bexley's ASYE cannot be extended except for extenuating circumstances"),
            "{err}"
        );
        assert_eq!(p, before, "a refused extension changes nothing");
    }
    let extended = ok(p.extend(&f, 3, Some("Four months' sick leave after a bereavement"), &a));
    assert_eq!(extended.status(), ProgrammeStatus::Extended);
    assert_eq!(extended.ends_on(), date(2025, 12, 2), "the final review moves by three months");
    assert_eq!(extended.extensions()[0].extenuating.as_deref(), Some("Four months' sick leave after a bereavement"));
    assert_eq!(ok(extended.asye_record()).status(), AsyeStatus::Extended);
    // The extension counts: the final review is not held on the original day.
    let on_the_old_day = audit(&educator, at(2025, 9, 2, 9), "final review");
    let err = extended
        .record_review(15, Progress::OnTrack, "Ready", date(2025, 9, 2), &on_the_old_day)
        .expect_err("the extended final review is due in December");
    assert!(err.to_string().contains("rule: asye-final-review"), "{err}");
    assert!(err.to_string().contains("2025-12-02"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The state machine's guarantees

#[test]
fn an_invalid_transition_changes_nothing_and_says_why() {
    let r = rotherham();
    let draft = open(&r.f, "level-3-to-level-4", &r.worker, "level-3", &r.worker, Opener::Worker, &r.line);
    let before = serde_json::to_value(&draft).expect("json");
    let lm = audit(&r.locality_manager, at(2025, 4, 1, 9), "trying");
    let attempts: Vec<(&str, Result<Application, ProgressionError>)> = vec![
        ("begin assessment", draft.begin_assessment(&lm)),
        ("refer", draft.refer_to_panel(None, &lm)),
        (
            "complete",
            draft.complete_step("part-1", &report(Some("Part 1"), "x"), &audit(&r.worker, at(2025, 4, 1, 9), "x")),
        ),
        ("decide", draft.decide(&DecisionOutcome::Approved { feedback: None }, &lm)),
        (
            "sign off",
            draft.sign_off(&r.f, &position("level-3", Some("band-i"), Some("37")), date(2025, 6, 1), None, &lm),
        ),
        ("make effective", draft.make_effective(&lm)),
        ("appeal", draft.appeal("unfair", &audit(&r.worker, at(2025, 4, 1, 9), "x"))),
        ("resume", draft.resume(&lm)),
        ("reopen", draft.reopen(&audit(&r.worker, at(2025, 4, 1, 9), "x"))),
        ("no reason", draft.submit(&EvidenceVerdict::ready(), &audit(&r.worker, at(2025, 4, 1, 9), "  "))),
        ("unknown step", draft.assign("audit", &r.other_head, &r.line, &lm)),
    ];
    for (what, result) in attempts {
        let err = result.err().unwrap_or_else(|| panic!("{what} should be refused on a draft"));
        assert!(!err.to_string().is_empty(), "{what}");
        assert!(
            ["invalid_transition", "reason_required", "unknown_step", "not_permitted"].contains(&err.code()),
            "{what}: {} {err}",
            err.code()
        );
    }
    assert_eq!(serde_json::to_value(&draft).expect("json"), before, "nothing changed");
    assert_eq!(draft.history().len(), 1, "only the opening is recorded");

    // Refusals name the state and what it must be.
    let err = draft.decide(&DecisionOutcome::Approved { feedback: None }, &lm).expect_err("draft");
    assert_eq!(err.to_string(), "cannot decide an application that is a draft; it must be at panel or interview");

    // Deferral resumes where it was; withdrawal is final.
    let submitted = ok(draft.submit(&EvidenceVerdict::ready(), &audit(&r.worker, at(2025, 4, 2, 9), "ready")));
    let deferred =
        ok(submitted.defer(Some(date(2025, 9, 1)), &audit(&r.team_manager, at(2025, 4, 3, 9), "worker on leave")));
    assert_eq!(deferred.status(), Status::Deferred);
    let resumed = ok(deferred.resume(&audit(&r.team_manager, at(2025, 9, 1, 9), "back from leave")));
    assert_eq!(resumed.status(), Status::Submitted);
    let withdrawn = ok(resumed.withdraw(&audit(&r.worker, at(2025, 9, 2, 9), "moving to another authority")));
    assert!(withdrawn.status().is_final());
    assert!(withdrawn.submit(&EvidenceVerdict::ready(), &audit(&r.worker, at(2025, 9, 3, 9), "oops")).is_err());
    let whys: Vec<&str> = withdrawn.history().iter().map(|e| e.why.as_str()).collect();
    assert_eq!(
        whys,
        [
            "PDR agreed the worker is ready to apply",
            "ready",
            "worker on leave",
            "back from leave",
            "moving to another authority"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// External appointment

#[test]
fn rotherham_external_applicant_two_years_qualified_must_have_completed_the_asye() {
    let f = framework("rotherham");
    let on = date(2025, 7, 1);
    let recent = Applicant { qualified_on: Some(date(2023, 7, 1)), asye: None };
    let check = ok(appointment::check_appointment(&f, &"level-2".into(), &recent, on));
    assert_eq!(check.verdict, AppointmentVerdict::NotEligible);
    assert!(
        check.reasons.iter().any(|r| r.contains("2 years post-qualifying and has not completed the ASYE")),
        "{:?}",
        check.reasons
    );

    let passed = Applicant { asye: Some(AsyeOutcome::Passed), ..recent.clone() };
    let check = ok(appointment::check_appointment(&f, &"level-2".into(), &passed, on));
    assert_eq!(check.verdict, AppointmentVerdict::MayBeConsidered, "{:?}", check.reasons);
    assert!(check.assessment.contains(&"assessment at interview".to_owned()));

    // At the ASYE level the rule does not apply; before the ASYE existed it cannot.
    assert_eq!(
        ok(appointment::check_appointment(&f, &"level-1".into(), &recent, on)).verdict,
        AppointmentVerdict::MayBeConsidered
    );
    let veteran = Applicant { qualified_on: Some(date(2008, 6, 30)), asye: None };
    assert_eq!(
        ok(appointment::check_appointment(&f, &"level-4".into(), &veteran, on)).verdict,
        AppointmentVerdict::MayBeConsidered
    );
    assert_eq!(
        ok(appointment::check_appointment(&f, &"level-2".into(), &Applicant::default(), on)).verdict,
        AppointmentVerdict::NeedsInformation
    );

    // The point is assessed at interview: appointment waits until it is chosen.
    let recruiter = person(500, "Rita Vance", "locality-manager");
    let a = audit(&recruiter, at(2025, 6, 20, 9), "successful at interview");
    let preview = ok(appointment::preview_appointment(&f, &"level-2".into(), on, None));
    assert!(preview.needs_decision, "{}", preview.placement);
    let err = appointment::appoint(&f, &"level-2".into(), &passed, on, None, &a).expect_err("point not chosen");
    assert!(err.to_string().contains("assessed at interview"), "{err}");
    let err = appointment::appoint(&f, &"level-2".into(), &recent, on, Some("33"), &a).expect_err("no ASYE");
    assert_eq!(err.code(), "not_permitted");
    let appointed = ok(appointment::appoint(&f, &"level-2".into(), &passed, on, Some("33"), &a));
    assert_eq!(appointed.record_change.grade, Some("band-h".into()));
    assert_eq!(appointed.record_change.point.as_ref().map(|p| p.as_str()), Some("33"));
    assert_eq!(appointed.record_change.reason, ChangeReason::Appointed);
    assert_eq!(appointed.record_change.starts_on, on);
}

#[test]
fn rotherham_asye_pass_needs_the_final_assessment_and_the_own_locality_managers_sign_off() {
    let f = framework("rotherham");
    let tm = person(601, "Dana Reid", "team-manager");
    let consultant = person(602, "Joy Ellis", "social-work-practice-consultant");
    let own_lm = person(603, "Chris Moyo", "locality-manager");
    let other_lm = person(604, "Pam Rhodes", "locality-manager");
    let line = chain(&[(601, "team-manager"), (603, "locality-manager"), (605, "head-of-service")]);
    let a = |who: &Actor, y, m, d, why: &str| audit(who, at(y, m, d, 10), why);
    let start = StartAsye {
        worker: WorkerId::new(600),
        worker_name: "Ben Ward".into(),
        starts_on: date(2024, 9, 2),
        nine_month_review: false,
    };
    let mut p = ok(AsyeProgramme::start(&f, &start, &a(&tm, 2024, 9, 2, "new NQSW")));
    for (months, y, m) in [(3, 2024, 12), (6, 2025, 3), (12, 2025, 9)] {
        p = ok(p.record_review(months, Progress::OnTrack, "on track", date(y, m, 2), &a(&tm, y, m, 2, "review")));
    }
    let p = ok(p.recommend(&f, AsyeResult::Pass, "Portfolio complete and capable.", &a(&tm, 2025, 9, 3, "recommend")));
    let err = p.moderate(&f, AsyeResult::Pass, &a(&tm, 2025, 9, 4, "agree")).expect_err("the locality manager decides");
    assert!(err.to_string().contains("Locality Manager"), "{err}");
    let p = ok(p.moderate(&f, AsyeResult::Pass, &a(&own_lm, 2025, 9, 5, "ASYE passed")));

    let app = ok(p.open_progression(&f, &a(&own_lm, 2025, 9, 5, "ASYE passed")));
    assert_eq!(app.route().id, RouteId::from("level-1-to-level-2"));
    assert_eq!(app.status(), Status::InAssessment, "the final assessment and sign-off remain");
    assert_eq!(app.step("recommendation").map(|s| s.status), Some(StepStatus::Completed));
    let assign =
        |app: &Application, step: &str, who: &Actor| app.assign(step, who, &line, &a(&own_lm, 2025, 9, 8, "allocated"));
    let app = ok(assign(&app, "final-assessment", &tm));
    let app = ok(assign(&app, "final-assessment", &consultant));
    // Sign-off is by the worker's own (responsible) locality manager.
    let err = assign(&app, "sign-off", &other_lm).expect_err("not the responsible locality manager");
    assert!(matches!(err, ProgressionError::AssignmentBlocked { rule: AssignmentRule::MustBeOwn, .. }), "{err}");
    assert!(err.to_string().contains("Pam Rhodes is not the worker's own Locality Manager"), "{err}");
    let err = app
        .decide(&DecisionOutcome::Approved { feedback: None }, &a(&own_lm, 2025, 9, 9, "approve"))
        .expect_err("final assessment outstanding");
    assert_eq!(err.code(), "steps_outstanding");
    let app = ok(app.complete_step(
        "final-assessment",
        &report(None, "Joint final assessment: capable at ASYE level."),
        &a(&tm, 2025, 9, 9, "final assessment with the practice consultant"),
    ));
    let err = app
        .decide(&DecisionOutcome::Approved { feedback: None }, &a(&own_lm, 2025, 9, 10, "approve"))
        .expect_err("the sign-off place is not assigned");
    assert!(err.to_string().contains("assign the Locality Manager"), "{err}");
    let app = ok(assign(&app, "sign-off", &own_lm));
    let err = app
        .decide(&DecisionOutcome::Approved { feedback: None }, &a(&tm, 2025, 9, 10, "approve"))
        .expect_err("the team manager does not decide");
    assert!(err.to_string().contains("is decided by the Locality Manager"), "{err}");
    let decided =
        ok(app.decide(&DecisionOutcome::Approved { feedback: None }, &a(&own_lm, 2025, 9, 10, "progress to Band H")));
    let current = position("level-1", Some("band-g"), Some("29"));
    let err =
        decided.sign_off(&f, &current, date(2025, 10, 1), None, &a(&tm, 2025, 9, 11, "x")).expect_err("wrong role");
    assert_eq!(err.code(), "not_permitted");
    let signed = ok(decided.sign_off(&f, &current, date(2025, 10, 1), None, &a(&own_lm, 2025, 9, 11, "signed off")));
    let change = signed.record_change().expect("change");
    assert_eq!((change.grade.clone(), change.reason), (Some("band-h".into()), ChangeReason::AsyeCompleted));
    assert_eq!(change.point.as_ref().map(|p| p.as_str()), Some("32"), "bottom of Band H");
}

#[test]
fn a_rotherham_locality_manager_who_assessed_alone_does_not_decide_alone() {
    let r = rotherham();
    let draft = open(&r.f, "level-3-to-level-4", &r.worker, "level-3", &r.team_manager, Opener::Manager, &r.line);
    let t = |d| at(2025, 4, d, 10);
    let app =
        ok(draft.submit(&EvidenceVerdict::ready(), &audit(&r.team_manager, t(1), "PDR: progression appropriate")));
    let app = ok(app.begin_assessment(&audit(&r.locality_manager, t(2), "assessment begins")));
    let allocated = audit(&r.locality_manager, t(3), "allocated");
    let app = ok(app.assign("locality-manager-assessment", &r.locality_manager, &r.line, &allocated));

    // Only the locality manager (in Sam's line) has assessed: they do not decide alone.
    let err = app.check_not_decided_alone(&r.locality_manager, &r.line).expect_err("alone");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("rule: line-manager-alone"), "{err}");
    // A head of service from another service is not in the line.
    ok(app.check_not_decided_alone(&r.other_head, &r.line));
    // Once the team manager writes Part 2, the locality manager no longer decides alone.
    let app = ok(app.assign("part-2", &r.team_manager, &r.line, &allocated));
    ok(app.check_not_decided_alone(&r.locality_manager, &r.line));
}
