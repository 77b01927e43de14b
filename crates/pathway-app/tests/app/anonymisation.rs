//! Anonymisation clearances name the exact text and place they clear: after an edit the
//! check runs again, clearances of changed words are void (and the worker is told which),
//! and clearing "flag 1" can never land on a child's name the worker did not see.

use pathway_app::portfolio::{EvidenceEdit, FlagPick, NewEvidence};
use pathway_core::anonymise::{AnonymisationStatus, Clearance, FlagKind};
use pathway_core::framework::WORKER_ROLE;
use pathway_core::portfolio::EvidenceDetail;
use pathway_core::progression::audit::{Actor, Audit};
use pathway_core::workforce::UnitKind;
use pathway_store::{AuditTrail, EntityKind, Portfolios};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    after_an_edit_clearing_flag_1_never_clears_a_childs_name_the_worker_did_not_see,
    an_old_clearance_by_flag_number_still_loads_and_is_void_after_an_edit,
);

fn summary(text: &str) -> NewEvidence {
    NewEvidence {
        worker: "B100".into(),
        detail: EvidenceDetail::ReflectiveSummary,
        date: date(2025, 3, 1),
        title: "Reflective summary".into(),
        text: Some(text.into()),
        pages: None,
        pcf: vec!["critical-reflection-and-analysis".into()],
        kss: Vec::new(),
        pcf_level: None,
    }
}

async fn bexley(db: &TestDb) -> Council<'_> {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let team = c.unit(UnitKind::Team, "Assessment Team One", None).await;
    c.person("B100", "Amara Okafor", Some(team), Some(("level-2", Some("level-2"), Some("top"), date(2023, 4, 3))))
        .await;
    c
}

async fn after_an_edit_clearing_flag_1_never_clears_a_childs_name_the_worker_did_not_see(db: &TestDb) {
    let c = bexley(db).await;
    let me = |d, why: &str| acting("B100", "worker", at(2025, 4, d, 10), why);
    let portfolios = c.portfolios();
    let item = portfolios
        .add(
            &me(1, "portfolio"),
            &summary("after the strategy meeting on 12 February 2025 i planned direct work."),
            &[],
        )
        .await
        .expect("add");
    let id = item.item.id();
    let checked = portfolios.check(&me(1, "check"), id).await.expect("check");
    assert_eq!(checked.outstanding.len(), 1);
    assert_eq!(
        (checked.outstanding[0].kind, checked.outstanding[0].text.as_str()),
        (FlagKind::Date, "12 February 2025")
    );
    let cleared = portfolios
        .clear_picked(
            &me(1, "clearing"),
            id,
            &[FlagPick { number: 1, text: Some("12 February 2025".into()) }],
            "a meeting date",
        )
        .await
        .expect("clear");
    assert!(cleared.outstanding.is_empty(), "{}", cleared.summary);
    let stored = portfolios.evidence(id).await.expect("read");
    let clearance = &stored.clearances[0];
    assert_eq!(clearance.text, "12 February 2025");
    assert_eq!((clearance.line, clearance.column), (Some(3), Some(31)), "the title is line 1; the text line 3");
    assert!(clearance.start.is_some() && clearance.pattern.is_some(), "{clearance:?}");

    // The worker names the child and moves the meeting: the check runs again on the edit,
    // the clearance of the old date is void, and the worker is told.
    let edit = EvidenceEdit {
        text: Some("Jayden's strategy meeting on 19 February 2025: i planned direct work.".into()),
        ..EvidenceEdit::default()
    };
    let edited = portfolios.edit(&me(2, "reworded"), id, &edit).await.expect("edit");
    assert_eq!(edited.item.anonymisation(), AnonymisationStatus::FlagsOutstanding { count: 2 });
    assert_eq!(edited.voided.len(), 1, "{:?}", edited.voided);
    assert_eq!(edited.voided[0].text, "12 February 2025");
    assert!(edited.voided[0].voided.as_ref().is_some_and(|v| v.why == "the edit changed the words it cleared"));
    let trail = c.store().audit_trail(&c.scope, EntityKind::Evidence, id.get()).await.expect("trail");
    assert!(
        trail.iter().any(|e| e.what.contains("clearance of `12 February 2025` (a date) at line 3, column 31 voided")),
        "{trail:?}"
    );

    // Flag 1 is now the child's name. Clearing "flag 1, the date" is refused, naming the rule.
    let err = portfolios
        .clear_picked(
            &me(2, "clearing the date again"),
            id,
            &[FlagPick { number: 1, text: Some("12 February 2025".into()) }],
            "a meeting date",
        )
        .await
        .expect_err("flag 1 is a name now");
    assert!(err.to_string().contains("is now `Jayden`"), "{err}");
    assert!(err.to_string().contains("a clearance names the exact text it clears"), "{err}");
    let after = portfolios.check(&me(2, "check"), id).await.expect("check");
    assert_eq!(after.outstanding.len(), 2, "nothing was cleared by the refused command");
    assert_eq!(after.outstanding[0].text, "Jayden");

    // Clearing the new date (flag 2, by its text) clears it alone; the name stays flagged.
    let cleared = portfolios
        .clear_picked(
            &me(2, "clearing"),
            id,
            &[FlagPick { number: 2, text: Some("19 February 2025".into()) }],
            "a date",
        )
        .await
        .expect("clear");
    assert_eq!(cleared.outstanding.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["Jayden"]);

    // An edit that leaves the cleared date alone keeps its clearance, moved with its words.
    let edit = EvidenceEdit {
        text: Some("A child's strategy meeting on 19 February 2025: i planned direct work.".into()),
        ..EvidenceEdit::default()
    };
    let edited = portfolios.edit(&me(3, "anonymised"), id, &edit).await.expect("edit");
    assert!(edited.voided.is_empty(), "{:?}", edited.voided);
    assert!(edited.item.anonymisation().is_cleared(), "{:?}", edited.item.anonymisation());
}

async fn an_old_clearance_by_flag_number_still_loads_and_is_void_after_an_edit(db: &TestDb) {
    let c = bexley(db).await;
    let me = |d, why: &str| acting("B100", "worker", at(2025, 4, d, 10), why);
    let portfolios = c.portfolios();
    let item = portfolios
        .add(
            &me(1, "portfolio"),
            &summary("after the strategy meeting on 12 February 2025 i planned direct work."),
            &[],
        )
        .await
        .expect("add");
    let id = item.item.id();
    // A clearance as stored before clearances named their position: kind and text only.
    let old: Clearance = serde_json::from_str(
        r#"{"kind":"date","text":"12 February 2025","reason":"a meeting date","on":"2025-04-01"}"#,
    )
    .expect("old clearance");
    let current = c.store().evidence(&c.scope, id).await.expect("read");
    let audit = Audit::new(
        Actor::new(current.item.owner(), "Amara Okafor", WORKER_ROLE),
        at(2025, 4, 1, 11),
        "cleared under the old rules",
    );
    let stored = c
        .store()
        .update_evidence(&c.scope, &current.item, std::slice::from_ref(&old), current.meta.version, &audit, "old")
        .await
        .expect("store an old clearance");
    assert_eq!(stored.clearances, [old], "it reads back as it was written");
    let checked = portfolios.check(&me(1, "check"), id).await.expect("check");
    assert!(checked.outstanding.is_empty(), "honoured until the item is edited: {}", checked.summary);

    let edit = EvidenceEdit { title: Some("Reflective summary: direct work".into()), ..EvidenceEdit::default() };
    let edited = portfolios.edit(&me(2, "retitled"), id, &edit).await.expect("edit");
    assert_eq!(edited.voided.len(), 1);
    let why = &edited.voided[0].voided.as_ref().expect("void").why;
    assert!(why.contains("cleared by flag number before clearances named their position"), "{why}");
    assert_eq!(edited.item.anonymisation(), AnonymisationStatus::FlagsOutstanding { count: 1 });
}
