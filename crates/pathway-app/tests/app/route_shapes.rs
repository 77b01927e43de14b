//! Fenbridge (a made-up scheme, the core's route-shapes fixture): a social worker moves up
//! the career grade on the appraisal's recommendation — refused while the latest appraisal
//! does not make it, opened by the manager once it does, decided, signed off and effective —
//! and then applies for a practice educator role open from any level.

use pathway_app::progression::OpenApplication;
use pathway_core::progression::application::{Opener, Status};
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::workforce::{AppraisalOutcome, AwardKind, Name, NewAppraisal, NewAward, UnitKind};
use pathway_store::Workforce;

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(fenbridge_moves_up_the_career_grade_on_appraisal_then_applies_from_any_level);

const FIXTURE: &str = include_str!("../../../pathway-core/tests/fixtures/route-shapes.toml");

async fn fenbridge_moves_up_the_career_grade_on_appraisal_then_applies_from_any_level(db: &TestDb) {
    let c = Council::with_framework(db, "fenbridge", "Fenbridge Borough Council", "route-shapes.toml", FIXTURE).await;
    let service = c.unit(UnitKind::Service, "Children's Social Care", None).await;
    let team = c.unit(UnitKind::Team, "Riverside Team", Some(service)).await;
    let quality = c.unit(UnitKind::Service, "Quality and Practice", None).await;
    let nia = c.person("F100", "Nia Brook", Some(team), Some(("social-worker-1", None, None, date(2024, 6, 1)))).await;
    let tom = c.person("F110", "Tom Vale", Some(team), None).await;
    let ada = c.person("F120", "Ada Kerr", Some(service), None).await;
    let lin = c.person("F130", "Lin Park", Some(quality), None).await;
    c.post(team, "team-manager", &tom).await;
    c.post(service, "head-of-service", &ada).await;
    c.post(quality, "principal-social-worker", &lin).await;

    let p = c.progression();
    let tm = |m, d, why: &str| acting("F110", "team-manager", at(2025, m, d, 10), why);
    let hos = |m, d, why: &str| acting("F120", "head-of-service", at(2025, m, d, 10), why);
    let appraisal = |held_on, outcome| NewAppraisal {
        held_on,
        reviewer: Some(tom.id),
        outcome,
        summary: None,
        objectives: None,
        development_plan: None,
    };
    let point2 = OpenApplication { worker: "F100".into(), route: "social-worker-1-to-2".into(), fast_track: false };

    // The June appraisal finds her meeting expectations: the move does not open.
    c.store()
        .add_appraisal(&c.scope, nia.id, &appraisal(date(2025, 6, 10), AppraisalOutcome::MeetingExpectations))
        .await
        .expect("appraisal");
    let err = p.open(&tm(6, 15, "after the appraisal"), &point2).await.expect_err("not recommended");
    assert!(err.to_string().contains("follows the appraisal's recommendation"), "{err}");
    assert!(err.to_string().contains("did not identify an application as appropriate"), "{err}");

    // September's appraisal recommends it; the route is opened by the manager, not the worker.
    c.store()
        .add_appraisal(&c.scope, nia.id, &appraisal(date(2025, 9, 1), AppraisalOutcome::ReadyToApply))
        .await
        .expect("appraisal");
    let err = p
        .open(&acting("F100", "worker", at(2025, 9, 2, 9), "my appraisal said so"), &point2)
        .await
        .expect_err("the manager opens it");
    assert_eq!(err.code(), "not_permitted");
    let opened = p.open(&tm(9, 2, "appraisal recommends point 2"), &point2).await.expect("open");
    assert_eq!(opened.application.opened_as(), Opener::Manager);
    let id = opened.id;
    p.submit(&tm(9, 3, "appraisal attached"), id).await.expect("submit");
    p.begin_assessment(&hos(9, 4, "received"), id).await.expect("begin");
    let decided = p
        .decide(&tm(9, 10, "a year at point 1, recommended"), id, &DecisionOutcome::Approved { feedback: None })
        .await
        .expect("decide");
    assert_eq!(decided.application.status(), Status::Decided);
    p.sign_off(&hos(9, 12, "agreed"), id, date(2025, 10, 1), None).await.expect("sign off");
    let done = p.make_effective(&hos(10, 1, "effective"), id).await.expect("effective");
    assert_eq!(done.position.level, "Social Worker (progression point 2)");
    let now = c.record(&nia).await.timeline.current().expect("current").entry.level.clone();
    assert_eq!(now.as_str(), "social-worker-2");

    // From point 2 she applies for a practice educator role, open from any level.
    c.store()
        .add_award(
            &c.scope,
            nia.id,
            &NewAward {
                kind: AwardKind::PepsStage1,
                title: Name::parse("PEPS stage 1").expect("title"),
                provider: None,
                completed_on: date(2025, 7, 1),
                academic_level: None,
                credits: None,
            },
        )
        .await
        .expect("award");
    let me = |m, d, why: &str| acting("F100", "worker", at(2025, m, d, 9), why);
    let psw = |m, d, why: &str| acting("F130", "principal-social-worker", at(2025, m, d, 10), why);
    let pe = OpenApplication { worker: "F100".into(), route: "any-to-practice-educator".into(), fast_track: false };
    let id = p.open(&me(10, 6, "PEPS 1 done"), &pe).await.expect("open from any level").id;
    p.submit(&me(10, 7, "ready"), id).await.expect("submit");
    p.begin_assessment(&psw(10, 8, "received"), id).await.expect("begin");
    let err = p
        .decide(&tm(10, 20, "not mine to decide"), id, &DecisionOutcome::Approved { feedback: None })
        .await
        .expect_err("the principal social worker decides");
    assert_eq!(err.code(), "not_permitted");
    p.decide(&psw(10, 20, "interviewed"), id, &DecisionOutcome::Approved { feedback: None }).await.expect("decide");
    let preview = p.preview_pay(id, date(2025, 11, 1), None).await.expect("preview");
    assert_eq!(preview.from_level.as_deref(), Some("Social Worker (progression point 2)"));
    assert_eq!(preview.to_level, "Practice Educator");
    // The principal social worker decided; the worker's own head of service signs off.
    let hos = acting("F120", "head-of-service", at(2025, 10, 21, 11), "agreed");
    p.sign_off(&hos, id, date(2025, 11, 1), None).await.expect("sign off");
    let done = p.make_effective(&psw(11, 1, "effective"), id).await.expect("effective");
    assert_eq!(done.position.level, "Practice Educator");

    // Already a practice educator: the route does not lead from its own target.
    let err = p.open(&me(11, 2, "again"), &pe).await.expect_err("not from its own target");
    assert!(err.to_string().contains("leads to Practice Educator"), "{err}");
}
