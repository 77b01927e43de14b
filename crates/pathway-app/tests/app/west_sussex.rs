//! West Sussex: grade 10 → grade 11 (senior social worker) through the agreed panel process,
//! with the pay change from SCP 39 on grade 10 (£35,704) to SCP 39 on grade 11 (£36,610)
//! shown before sign-off and on the worker's record from the effective date.

use pathway_app::progression::{ConvenePanel, MemberInput, OpenApplication};
use pathway_core::Pence;
use pathway_core::progression::application::Status;
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::panel::Quorum;
use pathway_core::workforce::UnitKind;

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(west_sussex_grade_10_to_11_via_panel_with_the_pay_change);

async fn west_sussex_grade_10_to_11_via_panel_with_the_pay_change(db: &TestDb) {
    let c = Council::new(db, "west-sussex", "West Sussex County Council").await;
    let service = c.unit(UnitKind::Service, "Children and Family Services", None).await;
    let team = c.unit(UnitKind::Team, "Family Safeguarding Team Crawley", Some(service)).await;
    let other = c.unit(UnitKind::Team, "Family Safeguarding Team Worthing", Some(service)).await;
    let alex = c
        .person(
            "W100",
            "Alex Morgan",
            Some(team),
            Some(("social-worker-grade-10", Some("grade-10"), Some("39"), date(2024, 4, 1))),
        )
        .await;
    let nina = c.person("W110", "Nina Holt", Some(team), None).await;
    let jo = c.person("W120", "Jo Marsh", Some(service), None).await;
    let ravi = c.person("W121", "Ravi Nair", Some(other), None).await;
    c.post(team, "practice-manager", &nina).await;
    c.post(service, "group-manager", &jo).await;
    c.post(service, "head-of-service", &jo).await;
    c.post(other, "practice-manager", &ravi).await;

    let p = c.progression();
    let me = |m, d, why: &str| acting("W100", "worker", at(2025, m, d, 9), why);
    let pm = |m, d, why: &str| acting("W110", "practice-manager", at(2025, m, d, 9), why);
    let chair = |m, d, why: &str| acting("W120", "group-manager", at(2025, m, d, 14), why);

    let open = OpenApplication {
        worker: "W100".into(),
        route: "social-worker-grade-10-to-senior-social-worker".into(),
        fast_track: false,
    };
    let id = p.open(&me(6, 1, "applying to the July panel"), &open).await.expect("open").id;
    // West Sussex offers no fast track.
    let err = p
        .open(&me(6, 1, "again"), &OpenApplication { fast_track: true, ..open.clone() })
        .await
        .expect_err("no fast track");
    assert!(err.to_string().contains("fast track"), "{err}");
    p.submit(&me(6, 2, "ready"), id).await.expect("submit (the route asks for no portfolio)");
    p.begin_assessment(&pm(6, 3, "received"), id).await.expect("begin");

    let panel = p
        .convene(
            &acting("W120", "head-of-service", at(2025, 6, 20, 14), "July progression panel"),
            &ConvenePanel {
                role: "progression-panel".into(),
                held_on: date(2025, 7, 10),
                members: vec![
                    MemberInput { employee_number: "W120".into(), role: "group-manager".into(), chair: true },
                    MemberInput { employee_number: "W121".into(), role: "practice-manager".into(), chair: false },
                    MemberInput { employee_number: "W110".into(), role: "practice-manager".into(), chair: false },
                ],
                quorum: Some(Quorum { members: 2, chair: true, roles: Vec::new() }),
            },
        )
        .await
        .expect("convene");
    p.list_on_panel(&chair(6, 21, "listed"), panel.id, id).await.expect("list");
    p.refer_to_panel(&pm(6, 21, "listed for the July panel"), id, Some(panel.id)).await.expect("refer");
    p.record_attendance(&chair(7, 10, "attendance"), panel.id, &["W120".into(), "W121".into(), "W110".into()])
        .await
        .expect("attendance");
    // The worker's own practice manager sits on the panel: a declared conflict keeps them
    // out of the quorum for this application, which still stands with two.
    p.declare_conflict(&chair(7, 10, "line manager"), panel.id, id, "W110", "Alex's line manager wrote the support")
        .await
        .expect("conflict");
    let err = p
        .record_outcome(
            &acting("W121", "practice-manager", at(2025, 7, 10, 14), "ok"),
            panel.id,
            id,
            &DecisionOutcome::Approved { feedback: None },
        )
        .await
        .expect_err("only the chair records");
    assert_eq!(err.code(), "not_permitted");
    let stored = p
        .record_outcome(
            &chair(7, 10, "meets the senior social worker role description"),
            panel.id,
            id,
            &DecisionOutcome::Approved { feedback: None },
        )
        .await
        .expect("outcome");
    let heard_by =
        stored.panel.hearing(id).and_then(|h| h.outcome.as_ref()).map(|o| o.heard_by.clone()).expect("outcome");
    assert_eq!(heard_by, vec![jo.id, ravi.id], "the conflicted member did not hear it");
    let decided = p.decide_from_panel(id, panel.id).await.expect("decide");
    assert_eq!(decided.application.status(), Status::Decided);
    assert_eq!(decided.application.decision().and_then(|d| d.panel.as_ref()).and_then(|r| r.panel), Some(panel.id));

    // The pay change, before sign-off.
    let effective = date(2025, 9, 1);
    let preview = p.preview_pay(id, effective, None).await.expect("preview");
    let (old, new) = (preview.change.old.as_ref().expect("old"), preview.change.new.as_ref().expect("new"));
    assert_eq!(
        (old.grade_name.as_str(), old.scp, old.basic_pence),
        ("Grade 10", Some(39), Some(Pence::pounds(35_704)))
    );
    assert_eq!(
        (new.grade_name.as_str(), new.scp, new.basic_pence),
        ("Grade 11", Some(39), Some(Pence::pounds(36_610)))
    );
    assert_eq!(preview.change.basic_change_pence, Some(Pence::pounds(906)));
    assert_eq!(preview.change.next_increment, Some(date(2026, 4, 1)));
    // Choosing grade 11's misprinted SCP 43 (£30,531) would cut pay: the preview says it is
    // held and who must resolve it, and sign-off is refused under the pay rule.
    let misprint = p.preview_pay(id, effective, Some("43")).await.expect("preview onto SCP 43");
    let hold = misprint.change.hold.as_ref().expect("held");
    assert_eq!(hold.rule, "pay never falls on an increment or a promotion");
    assert!(hold.reason.contains("a cut of £5,173"), "{}", hold.reason);
    let err = p.sign_off(&pm(7, 11, "panel approved"), id, effective, Some("43")).await.expect_err("held");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("HR/workforce must confirm the figure"), "{err}");
    // Previewing changes nothing.
    assert_eq!(p.application(id).await.expect("read"), decided);

    let err = p.sign_off(&me(7, 11, "yay"), id, effective, None).await.expect_err("own sign-off");
    assert_eq!(err.code(), "not_permitted");
    p.sign_off(&pm(7, 11, "panel approved"), id, effective, None).await.expect("sign off");
    let done = p.make_effective(&pm(9, 1, "post change form processed"), id).await.expect("effective");
    // People read the change by the document's names; the record keeps the ids.
    assert_eq!(
        (done.position.level.as_str(), done.position.grade.as_deref(), done.position.point.as_deref()),
        ("Senior Social Worker", Some("Grade 11"), Some("SCP 39"))
    );

    let record = c.record(&alex).await;
    let now = record.timeline.current().expect("current");
    assert_eq!(now.id, done.timeline_entry.id);
    assert_eq!(
        (
            now.entry.level.as_str(),
            now.entry.grade.as_ref().map(|g| g.as_str()),
            now.entry.point.as_ref().map(|p| p.as_str())
        ),
        ("senior-social-worker", Some("grade-11"), Some("39"))
    );
    assert_eq!(now.entry.starts_on, effective);
    let f = pathway_core::bundled::framework("west-sussex").expect("framework");
    let grade = f.grade(&"grade-11".into()).expect("grade 11");
    let (index, _) = grade.find_point("39").expect("point 39");
    let pay = pathway_core::pay::salary_at(&f, grade, index, effective);
    assert_eq!(pay.basic_annual_pence, Some(Pence::pounds(36_610)), "the record now pays grade 11, SCP 39");
}
