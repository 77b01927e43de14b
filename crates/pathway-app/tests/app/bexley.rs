//! Bexley: a Level 2 social worker builds the portfolio the Career Progression Panel asks
//! for, clears it of identifying details, gets the manager's report authorised, applies, and
//! goes to Level 3 through a quorate panel — with the pay change shown before sign-off and
//! the new level on her record from the effective date.

use pathway_app::operator::{BUILT_IN_OPERATOR, Operator, Viewer};
use pathway_app::portfolio::{EvidenceEdit, NewEvidence};
use pathway_app::progression::{Acting, ConvenePanel, MemberInput, OpenApplication};
use pathway_core::Pence;
use pathway_core::anonymise::{AnonymisationStatus, FlagKind};
use pathway_core::ids::EvidenceId;
use pathway_core::portfolio::{Contributor, EvidenceDetail, FeedbackSource};
use pathway_core::progression::application::Status;
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::workforce::{ChangeReason, PersonName, UnitKind};
use pathway_store::{AuditTrail, EntityKind, Progression, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    bexley_level_2_to_level_3_via_the_career_progression_panel,
    a_bexley_nqsw_who_has_passed_the_asye_waits_for_probation_before_the_main_grade,
);

/// Bexley moves NQSWs to the main grade once the ASYE *and* probation are complete: the
/// probation on the worker's record decides it, read back from either database.
async fn a_bexley_nqsw_who_has_passed_the_asye_waits_for_probation_before_the_main_grade(db: &TestDb) {
    use pathway_core::eligibility::{CriterionStatus, RouteStatus, WorkerFacts, evaluate};
    use pathway_core::framework::CriterionKind;
    use pathway_core::workforce::{AsyeOutcome, AsyeParts, AsyeRecord, Probation, ProbationStatus};

    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let team = c.unit(UnitKind::Team, "Assessment Team One", None).await;
    let nqsw = c.person("B500", "Kemi Adeyemi", Some(team), Some(("nqsw", None, None, date(2025, 10, 1)))).await;
    let mut details = nqsw.details.clone();
    details.asye = Some(
        AsyeRecord::new(AsyeParts {
            started_on: Some(date(2025, 10, 1)),
            outcome: Some(AsyeOutcome::Passed),
            outcome_on: Some(date(2026, 10, 1)),
            ..AsyeParts::default()
        })
        .expect("asye"),
    );
    details.probation = Some(Probation { status: ProbationStatus::Extended, ends_on: Some(date(2026, 12, 15)) });
    let updated = c.store().update_worker(&c.scope, nqsw.id, nqsw.meta.version, &details).await.expect("update");
    assert_eq!(updated.details.probation, details.probation, "probation round-trips");

    let f = pathway_core::bundled::framework("bexley").expect("bexley");
    let today = date(2026, 11, 23);
    let facts = WorkerFacts::from_record(&c.record(&nqsw).await, today).expect("facts");
    let results = evaluate(&f, &facts, today);
    let transfer = results.iter().find(|r| r.route.as_str() == "nqsw-to-level-2").expect("route");
    assert_eq!(transfer.status, RouteStatus::NotYet, "{}", transfer.summary);
    assert_eq!(transfer.eligible_from, Some(date(2026, 12, 15)), "the day probation is due to end");
    let probation = transfer.criteria.iter().find(|c| c.kind == CriterionKind::ProbationComplete).expect("criterion");
    assert_eq!(probation.status, CriterionStatus::NotMet);
    assert_eq!(
        probation.explanation,
        "Your probation (extended) is due to end on 15 December 2026; it needs to be completed."
    );

    // Probation completed: nothing else stands in the way.
    details.probation = Some(Probation { status: ProbationStatus::Completed, ends_on: Some(date(2026, 11, 20)) });
    c.store().update_worker(&c.scope, nqsw.id, updated.meta.version, &details).await.expect("update");
    let facts = WorkerFacts::from_record(&c.record(&nqsw).await, today).expect("facts");
    let results = evaluate(&f, &facts, today);
    let transfer = results.iter().find(|r| r.route.as_str() == "nqsw-to-level-2").expect("route");
    assert_eq!(transfer.status, RouteStatus::Eligible, "{}", transfer.summary);

    // A probation that has ended needs the day it ended.
    details.probation = Some(Probation { status: ProbationStatus::Completed, ends_on: None });
    let err = c
        .store()
        .update_worker(&c.scope, nqsw.id, pathway_core::workforce::Version::new(3), &details)
        .await
        .expect_err("no date");
    assert!(err.to_string().contains("needs the day it ended"), "{err}");
}

fn evidence(detail: EvidenceDetail, on: (i32, u32, u32), title: &str, text: &str) -> NewEvidence {
    NewEvidence {
        worker: "B100".into(),
        detail,
        date: date(on.0, on.1, on.2),
        title: title.into(),
        text: Some(text.into()),
        pages: None,
        pcf: vec!["critical-reflection-and-analysis".into(), "pcf.7".into()],
        kss: vec!["cfp.3".into(), "cfp.7".into()],
        pcf_level: None,
    }
}

/// Run the check and clear whatever is still flagged, for `reason`.
async fn check_and_clear(c: &Council<'_>, who: &Acting, id: EvidenceId, reason: &str) {
    let portfolios = c.portfolios();
    let checked = portfolios.check(who, id).await.expect("check");
    if !checked.outstanding.is_empty() {
        let all: Vec<usize> = (1..=checked.outstanding.len()).collect();
        let cleared = portfolios.clear(who, id, &all, reason).await.expect("clear");
        assert!(cleared.outstanding.is_empty(), "{}", cleared.summary);
    }
    let item = portfolios.evidence(id).await.expect("item");
    assert!(item.item.anonymisation().is_cleared(), "{:?}", item.item.anonymisation());
}

async fn bexley_level_2_to_level_3_via_the_career_progression_panel(db: &TestDb) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let service = c.unit(UnitKind::Service, "Children's Social Care", None).await;
    let locality = c.unit(UnitKind::Locality, "Assessment and Intervention", Some(service)).await;
    let team = c.unit(UnitKind::Team, "Assessment Team One", Some(locality)).await;
    let other_team = c.unit(UnitKind::Team, "Assessment Team Two", Some(locality)).await;
    let quality = c.unit(UnitKind::Service, "Quality Assurance", None).await;

    let amara = c
        .person("B100", "Amara Okafor", Some(team), Some(("level-2", Some("level-2"), Some("top"), date(2023, 4, 3))))
        .await;
    let tom = c.person("B200", "Tom Reeves", Some(team), None).await;
    let owen = c.person("B210", "Owen Blake", Some(other_team), None).await;
    let priya = c.person("B300", "Priya Shah", Some(locality), None).await;
    let helen = c.person("B400", "Helen Ward", Some(service), None).await;
    let grace = c.person("B410", "Grace Lin", Some(quality), None).await;
    c.post(team, "team-manager", &tom).await;
    c.post(other_team, "team-manager", &owen).await;
    c.post(locality, "service-manager", &priya).await;
    c.post(service, "head-of-service", &helen).await;
    c.post(quality, "head-of-service", &grace).await;

    let me = |m, d, why: &str| acting("B100", "worker", at(2025, m, d, 10), why);
    let tm = |m, d, why: &str| acting("B200", "team-manager", at(2025, m, d, 10), why);
    let portfolios = c.portfolios();
    let progression = c.progression();

    // ----- The portfolio -----
    let pdf = db.dir().join("summary-two.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").expect("write pdf");
    let summary_one = portfolios
        .add(
            &me(2, 10, "portfolio"),
            &evidence(
                EvidenceDetail::ReflectiveSummary,
                (2025, 2, 10),
                "Reflective summary: managing cumulative harm in neglect",
                "i reflected on how i weigh cumulative harm when the family's engagement changes week to week, \
                 and how supervision helped me hold the child's lived experience at the centre of the plan.",
            ),
            &[],
        )
        .await
        .expect("first summary");
    let summary_two = portfolios
        .add(
            &me(3, 1, "portfolio"),
            &evidence(
                EvidenceDetail::ReflectiveSummary,
                (2025, 3, 1),
                "Reflective summary: direct work with a teenager",
                "after the strategy meeting on 12 February 2025 i planned direct work using the three houses tool \
                 and reflected on consent, voice and the limits of my role.",
            ),
            &[pdf],
        )
        .await
        .expect("second summary");
    assert_eq!(summary_two.item.files().len(), 1, "the file is attached");
    let file = &summary_two.item.files()[0];
    assert_eq!(file.original_name(), "summary-two.pdf");
    assert!(crate::harness::files(db).path_of(file.sha256()).is_file(), "the bytes are on disk, content-addressed");

    let tom_as_observer = Contributor {
        role: "team-manager".into(),
        name: PersonName::parse("Tom Reeves").expect("name"),
        worker: Some(tom.id),
        entered_by: None,
    };
    let observation = portfolios
        .add(
            &tm(3, 5, "observed a home visit"),
            &evidence(
                EvidenceDetail::PracticeObservation { observer: tom_as_observer.clone() },
                (2025, 3, 5),
                "Practice observation: home visit",
                "the worker explained the plan clearly, checked understanding and recorded the child's wishes.",
            ),
            &[],
        )
        .await
        .expect("observation by the team manager");
    let mut report = evidence(
        EvidenceDetail::ManagerReport { written_by: Some(tom_as_observer) },
        (2025, 4, 1),
        "Manager's report",
        "the worker meets the requirements of the professional capabilities framework at experienced level.",
    );
    report.pages = Some(1);
    let report = portfolios.add(&tm(4, 1, "manager's report"), &report, &[]).await.expect("report");
    let mut feedback = Vec::new();
    for (day, text) in [
        (12, "she listened to me and did what she said she would."),
        (19, "she helped me say what i wanted at my meeting."),
    ] {
        let mut f = evidence(
            EvidenceDetail::Feedback { from: FeedbackSource::ChildOrYoungPerson },
            (2025, 3, day),
            "Feedback from a young person",
            text,
        );
        f.kss.clear();
        feedback.push(portfolios.add(&me(3, day, "feedback received"), &f, &[]).await.expect("feedback").item.id());
    }
    let development = portfolios
        .add(
            &me(3, 20, "portfolio"),
            &evidence(
                EvidenceDetail::Other,
                (2025, 3, 20),
                "Practice development against my appraisal goals",
                "i completed the motivational interviewing course and applied it in three pieces of direct work.",
            ),
            &[],
        )
        .await
        .expect("development");

    // Someone outside Amara's line management cannot add to her portfolio.
    let err = portfolios
        .add(
            &acting("B210", "team-manager", at(2025, 3, 6, 9), "helping"),
            &evidence(EvidenceDetail::Other, (2025, 3, 6), "x", "y"),
            &[],
        )
        .await
        .expect_err("not her manager");
    assert_eq!(err.code(), "not_permitted");

    let route = "level-2-to-level-3".into();
    let cover = portfolios.coverage("B100", &route, date(2025, 4, 1)).await.expect("coverage");
    assert!(!cover.is_ready());
    assert!(cover.verdict.summary.contains("needs anonymisation check"), "{}", cover.verdict.summary);

    // The anonymisation check finds the date in the second summary, with where it is.
    let checked = portfolios.check(&me(4, 2, "checking"), summary_two.item.id()).await.expect("check");
    let dated = checked.outstanding.iter().find(|f| f.kind == FlagKind::Date).expect("the date is flagged");
    assert_eq!(dated.text, "12 February 2025");
    assert_eq!(dated.position.line, 3, "the title is line 1; the text starts on line 3");
    assert!(matches!(checked.status, AnonymisationStatus::FlagsOutstanding { .. }));
    // Clearing needs a reason.
    let n = checked.outstanding.iter().position(|f| f.kind == FlagKind::Date).expect("index") + 1;
    let err = portfolios.clear(&me(4, 2, "clearing"), summary_two.item.id(), &[n], "  ").await.expect_err("no reason");
    assert!(err.to_string().contains("say why"), "{err}");

    for id in [summary_one.item.id(), summary_two.item.id(), development.item.id()]
        .into_iter()
        .chain(feedback.iter().copied())
    {
        check_and_clear(
            &c,
            &me(4, 2, "anonymisation check"),
            id,
            "a meeting date and a model of practice, not identifying",
        )
        .await;
    }
    for id in [observation.item.id(), report.item.id()] {
        check_and_clear(&c, &tm(4, 2, "anonymisation check"), id, "not identifying").await;
    }

    // The manager's report is authorised by the service manager only: not ready, and it says
    // exactly what is missing.
    let sm = acting("B300", "service-manager", at(2025, 4, 2, 11), "report confirmed");
    portfolios.authorise(&sm, report.item.id()).await.expect("service manager authorises");
    let cover = portfolios.coverage("B100", &route, date(2025, 4, 3)).await.expect("coverage");
    assert_eq!(cover.verdict.summary, "not ready: manager's report needs head of service authorisation");
    // Amara cannot authorise her own evidence, nor pretend to be a head of service.
    let err = portfolios
        .authorise(&acting("B100", "head-of-service", at(2025, 4, 3, 9), "x"), report.item.id())
        .await
        .expect_err("not a head of service");
    assert_eq!(err.code(), "not_permitted");

    // ----- The application -----
    let opened = progression
        .open(
            &me(4, 10, "PDR agreed I am ready for Level 3"),
            &OpenApplication { worker: "B100".into(), route: route.clone(), fast_track: false },
        )
        .await
        .expect("open");
    let id = opened.id;
    let err = progression.submit(&me(4, 11, "submitting"), id).await.expect_err("incomplete");
    assert_eq!(err.code(), "evidence_incomplete");
    assert!(err.to_string().contains("head of service authorisation"), "{err}");
    assert_eq!(progression.application(id).await.expect("read"), opened, "a refused command changes nothing");

    portfolios
        .authorise(&acting("B400", "head-of-service", at(2025, 4, 14, 9), "report confirmed"), report.item.id())
        .await
        .expect("head of service authorises");
    let cover = portfolios.coverage("B100", &route, date(2025, 4, 14)).await.expect("coverage");
    assert_eq!(cover.verdict.summary, "ready to submit");
    assert!(cover.pcf.iter().any(|d| d.domain == "critical-reflection-and-analysis" && d.covered));

    progression.submit(&me(4, 15, "portfolio complete"), id).await.expect("submit");
    progression.begin_assessment(&tm(4, 16, "portfolio received"), id).await.expect("assessment");

    // ----- The panel -----
    let convene = ConvenePanel {
        role: "career-progression-panel".into(),
        held_on: date(2025, 6, 12),
        members: vec![
            MemberInput { employee_number: "B300".into(), role: "service-manager".into(), chair: true },
            MemberInput { employee_number: "B410".into(), role: "head-of-service".into(), chair: false },
            MemberInput { employee_number: "B210".into(), role: "team-manager".into(), chair: false },
        ],
        quorum: None,
    };
    let chair = |m, d, why: &str| acting("B300", "service-manager", at(2025, m, d, 15), why);
    // The head of service convenes it; its members sit in the posts they hold.
    let hos = acting("B400", "head-of-service", at(2025, 5, 20, 14), "June career progression panel");
    let panel = progression.convene(&hos, &convene).await.expect("convene");
    progression.list_on_panel(&chair(5, 21, "listed"), panel.id, id).await.expect("list");

    // The panel pack: the cleared evidence, files read back and checked; a case study added
    // since, naming a child and not yet checked, is held back and says why.
    let case_study = portfolios
        .add(
            &me(5, 22, "late addition"),
            &evidence(EvidenceDetail::CaseStudy, (2025, 5, 22), "Case study", "Jayden Smith told me about school."),
            &[],
        )
        .await
        .expect("case study");
    let pack = portfolios.panel_pack(panel.id, &operator_viewing()).await.expect("pack");
    assert_eq!(
        (pack.name.as_str(), pack.held_on),
        ("Career Progression Panel (Level 3 Progression Panel)", date(2025, 6, 12))
    );
    let entry = &pack.applications[0];
    assert_eq!((entry.application, entry.worker.as_str()), (id, "Amara Okafor"));
    assert_eq!(entry.evidence.len(), 7, "two summaries, the observation, the report, two feedback, development");
    assert!(entry.evidence.iter().any(|i| i.id() == summary_two.item.id()));
    let withheld: Vec<(&str, &str)> = entry.withheld.iter().map(|w| (w.title.as_str(), w.reason.as_str())).collect();
    assert_eq!(withheld, [("Case study", "not checked for identifying details")]);
    // A file gone from disk holds its item back rather than sending the panel half of it.
    let on_disk = crate::harness::files(db).path_of(file.sha256());
    let bytes = std::fs::read(&on_disk).expect("read");
    std::fs::remove_file(&on_disk).expect("remove");
    let pack = portfolios.panel_pack(panel.id, &operator_viewing()).await.expect("pack");
    let held = pack.applications[0].withheld.iter().find(|w| w.item == summary_two.item.id()).expect("held back");
    assert!(held.reason.starts_with("its file summary-two.pdf cannot be read"), "{}", held.reason);
    std::fs::write(&on_disk, bytes).expect("restore");

    // Fixing the text (rather than clearing the flag) runs the check again on the new words
    // and withdraws authorisations given to the old words; with nothing flagged, it joins the pack.
    let case_study = case_study.item.id();
    portfolios.authorise(&tm(5, 22, "read it"), case_study).await.expect("authorise");
    let edit = EvidenceEdit { text: Some("a young person told me about school.".into()), ..EvidenceEdit::default() };
    let edited = portfolios.edit(&me(5, 23, "anonymised the case study"), case_study, &edit).await.expect("edit");
    assert_eq!(edited.item.anonymisation(), AnonymisationStatus::Cleared { on: date(2025, 5, 23) });
    assert!(edited.item.authorisations().is_empty(), "the authorisation was for the old words");
    check_and_clear(&c, &me(5, 23, "anonymisation check"), case_study, "not identifying").await;
    let pack = portfolios.panel_pack(panel.id, &operator_viewing()).await.expect("pack");
    assert_eq!((pack.applications[0].evidence.len(), pack.applications[0].withheld.len()), (8, 0));
    let trail = c.store().audit_trail(&c.scope, EntityKind::Evidence, case_study.get()).await.expect("trail");
    assert!(
        trail.iter().any(|e| e.what.starts_with("edited the text; its authorisations were withdrawn")),
        "{trail:?}"
    );
    progression.refer_to_panel(&tm(5, 21, "listed for June"), id, Some(panel.id)).await.expect("refer");
    let approve = DecisionOutcome::Approved { feedback: Some("Strong reflective summaries linked to the PCF.".into()) };
    let err = progression
        .record_outcome(&chair(6, 12, "too early"), panel.id, id, &approve)
        .await
        .expect_err("nobody recorded as present");
    assert!(err.to_string().contains("not quorate"), "{err}");
    progression
        .record_attendance(&chair(6, 12, "attendance"), panel.id, &["B300".into(), "B410".into(), "B210".into()])
        .await
        .expect("attendance");
    progression
        .record_outcome(
            &chair(6, 12, "portfolio meets the PCF at experienced social worker level"),
            panel.id,
            id,
            &approve,
        )
        .await
        .expect("outcome");
    let decided = progression.decide_from_panel(id, panel.id).await.expect("decided");
    let decision = decided.application.decision().expect("decision");
    assert_eq!((decision.by.person, decision.by.role.as_str()), (priya.id, "career-progression-panel"));

    // ----- Pay, sign-off, the record change -----
    let preview = progression.preview_pay(id, date(2025, 7, 1), None).await.expect("preview");
    assert_eq!(preview.change.old.as_ref().and_then(|o| o.basic_pence), Some(Pence::pounds(32_498)));
    assert_eq!(preview.change.new.as_ref().and_then(|n| n.basic_pence), Some(Pence::pounds(32_559)));
    let hos = |m, d, h, why: &str| acting("B400", "head-of-service", at(2025, m, d, h), why);
    let signed = progression
        .sign_off(&hos(6, 16, 11, "panel approval confirmed"), id, date(2025, 7, 1), None)
        .await
        .expect("sign off");
    assert_eq!(
        signed.application.sign_off_record().map(|s| &s.pay_change),
        Some(&preview.change),
        "what is signed is what was shown"
    );
    let err = progression.make_effective(&hos(6, 30, 9, "early"), id).await.expect_err("not yet");
    assert_eq!(err.code(), "invalid_transition");
    let done = progression.make_effective(&hos(7, 1, 9, "payroll form sent"), id).await.expect("effective");
    assert_eq!(done.application.application.status(), Status::Effective);

    let record = c.record(&amara).await;
    let now = record.timeline.current().expect("current");
    assert_eq!(now.id, done.timeline_entry.id);
    assert_eq!(
        (
            now.entry.level.as_str(),
            now.entry.grade.as_ref().map(|g| g.as_str()),
            now.entry.point.as_ref().map(|p| p.as_str())
        ),
        ("level-3", Some("level-3"), Some("start"))
    );
    assert_eq!((now.entry.starts_on, now.entry.reason), (date(2025, 7, 1), ChangeReason::Progression));
    assert_eq!(record.timeline.on(date(2025, 6, 30)).map(|e| e.entry.level.as_str()), Some("level-2"), "history kept");

    // Every step and decision is in the history with who, when and why.
    let history = progression.history(id).await.expect("history");
    assert_eq!(history.len(), done.application.application.history().len());
    assert!(history.iter().all(|e| !e.why.trim().is_empty()));
    let decided_row = history.iter().find(|e| e.what.starts_with("decided")).expect("decision in the trail");
    assert_eq!((decided_row.by.person, decided_row.at), (Some(priya.id), at(2025, 6, 12, 15)));
    assert!(decided_row.why.contains("portfolio meets the PCF"), "{}", decided_row.why);
    assert!(history.iter().any(|e| e.what.starts_with("made effective") && e.by.person == Some(helen.id)));
    assert_eq!(c.store().applications(&c.scope, None).await.expect("list").len(), 1);
}

/// The built-in operator reading for itself, as `pathway panel pack` without `--as` does.
fn operator_viewing() -> Viewer {
    Viewer { operator: Operator { username: BUILT_IN_OPERATOR.to_owned(), account: None }, person: None, from: None }
}
