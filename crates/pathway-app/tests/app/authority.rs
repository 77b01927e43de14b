//! Authority comes from the posts people hold on the day, never from a claim: a panel seat
//! gives rights on that panel's business only, panels are convened by a head of service (or
//! principal social worker) as one of the framework's panels, and where the framework is
//! silent the duties are separated (the applicant never decides; whoever decided does not
//! sign off; a manager of another team does not sign off; a line manager does not decide a
//! route with assessment steps alone). Every refusal names its rule.

use pathway_app::AppError;
use pathway_app::progression::{ConvenePanel, MemberInput, OpenApplication};
use pathway_core::progression::application::Status;
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::panel::Quorum;
use pathway_core::workforce::UnitKind;

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_panel_member_a_manager_of_another_team_and_the_worker_are_each_refused_beyond_their_posts,
    a_rotherham_team_manager_cannot_make_a_band_h_worker_head_of_service_through_a_panel,
    a_framework_that_names_who_convenes_its_panel_lets_them_and_only_them,
);

/// The refusal is `not_permitted` and names `rule`.
fn refused(err: &AppError, rule: &str) {
    assert_eq!(err.code(), "not_permitted", "{err}");
    assert!(err.to_string().contains(&format!("rule: {rule}")), "names the rule {rule}: {err}");
}

async fn a_panel_member_a_manager_of_another_team_and_the_worker_are_each_refused_beyond_their_posts(db: &TestDb) {
    let c = Council::new(db, "west-sussex", "West Sussex County Council").await;
    let service = c.unit(UnitKind::Service, "Children and Family Services", None).await;
    let team = c.unit(UnitKind::Team, "Family Safeguarding Team Crawley", Some(service)).await;
    let other = c.unit(UnitKind::Team, "Family Safeguarding Team Worthing", Some(service)).await;
    c.person(
        "W100",
        "Alex Morgan",
        Some(team),
        Some(("social-worker-grade-10", Some("grade-10"), Some("39"), date(2024, 4, 1))),
    )
    .await;
    let nina = c.person("W110", "Nina Holt", Some(team), None).await;
    let jo = c.person("W120", "Jo Marsh", Some(service), None).await;
    let ravi = c.person("W121", "Ravi Nair", Some(other), None).await;
    let sol = c.person("W122", "Sol Park", Some(other), None).await;
    c.post(team, "practice-manager", &nina).await;
    c.post(service, "group-manager", &jo).await;
    c.post(service, "head-of-service", &jo).await;
    c.post(other, "practice-manager", &ravi).await;
    c.post(other, "senior-practitioner", &sol).await;

    let p = c.progression();
    let me = |m, d, why: &str| acting("W100", "worker", at(2025, m, d, 9), why);
    let pm = |m, d, why: &str| acting("W110", "practice-manager", at(2025, m, d, 9), why);
    let hos = |m, d, why: &str| acting("W120", "head-of-service", at(2025, m, d, 14), why);
    let chair = |m, d, why: &str| acting("W120", "group-manager", at(2025, m, d, 14), why);
    let ravi_pm = |m, d, why: &str| acting("W121", "practice-manager", at(2025, m, d, 11), why);
    let open = OpenApplication {
        worker: "W100".into(),
        route: "social-worker-grade-10-to-senior-social-worker".into(),
        fast_track: false,
    };
    let id = p.open(&me(6, 1, "applying to the July panel"), &open).await.expect("open").id;
    p.submit(&me(6, 2, "ready"), id).await.expect("submit");
    p.begin_assessment(&pm(6, 3, "received"), id).await.expect("begin");

    // A practice manager of another team does not convene a panel.
    let july = ConvenePanel {
        role: "progression-panel".into(),
        held_on: date(2025, 7, 10),
        members: vec![
            MemberInput { employee_number: "W120".into(), role: "group-manager".into(), chair: true },
            MemberInput { employee_number: "W121".into(), role: "practice-manager".into(), chair: false },
        ],
        quorum: Some(Quorum { members: 2, chair: true, roles: Vec::new() }),
    };
    let err = p.convene(&ravi_pm(6, 20, "July panel"), &july).await.expect_err("not a convener");
    refused(&err, "panel-convener");
    let panel = p.convene(&hos(6, 20, "July progression panel"), &july).await.expect("the head of service convenes");
    // An unrelated panel: Sol Park sits on August's, not July's.
    let august = ConvenePanel {
        role: "progression-panel".into(),
        held_on: date(2025, 8, 14),
        members: vec![MemberInput { employee_number: "W122".into(), role: "senior-practitioner".into(), chair: true }],
        quorum: Some(Quorum { members: 1, chair: true, roles: Vec::new() }),
    };
    let august = p.convene(&hos(6, 20, "August progression panel"), &august).await.expect("August");
    p.list_on_panel(&chair(6, 21, "listed"), panel.id, id).await.expect("list");
    p.refer_to_panel(&pm(6, 21, "listed for the July panel"), id, Some(panel.id)).await.expect("refer");

    // The panel member: a seat is no role, so Ravi cannot decide as the panel himself...
    let approve = DecisionOutcome::Approved { feedback: None };
    let as_panel = acting("W121", "progression-panel", at(2025, 7, 10, 16), "the panel agreed");
    let err = p.decide(&as_panel, id, &approve).await.expect_err("a seat is not a role");
    refused(&err, "panel-seat");
    // ...nor may a member of the August panel do the July panel's business.
    let sol_acting = acting("W122", "senior-practitioner", at(2025, 7, 10, 15), "present");
    let err = p.record_attendance(&sol_acting, panel.id, &["W120".into(), "W121".into()]).await.expect_err("unrelated");
    refused(&err, "panel-seat");
    let err = p.record_outcome(&sol_acting, panel.id, id, &approve).await.expect_err("unrelated");
    refused(&err, "panel-seat");

    // The worker cannot claim a post they do not hold.
    let err = p
        .decide(&acting("W100", "group-manager", at(2025, 7, 10, 16), "approve me"), id, &approve)
        .await
        .expect_err("no such post");
    refused(&err, "posts-held");

    // Nor does an unrelated panel record an outcome for, or decide, an application referred
    // to July's.
    let sol_in_august = acting("W122", "senior-practitioner", at(2025, 8, 14, 15), "August panel");
    p.list_on_panel(&sol_in_august, august.id, id).await.expect("listed in August too");
    p.record_attendance(&sol_in_august, august.id, &["W122".into()]).await.expect("present");
    let reject = DecisionOutcome::Rejected { feedback: "Not ready.".into() };
    let err = p.record_outcome(&sol_in_august, august.id, id, &reject).await.expect_err("not referred to August's");
    refused(&err, "referred-panel");
    let err = p.decide_from_panel(id, august.id).await.expect_err("referred to July's panel");
    refused(&err, "referred-panel");

    p.record_attendance(&chair(7, 10, "attendance"), panel.id, &["W120".into(), "W121".into()]).await.expect("present");
    // The July panel records nothing the day before it sits.
    let err = p.record_outcome(&chair(7, 9, "decided early"), panel.id, id, &approve).await.expect_err("early");
    refused(&err, "panel-sitting");
    p.record_outcome(&chair(7, 10, "meets the role description"), panel.id, id, &approve).await.expect("outcome");
    let decided = p.decide_from_panel(id, panel.id).await.expect("decided from the panel");
    let before = decided.clone();

    // Signing off the pay change: not the worker, not a manager of another team, not whoever
    // decided; the worker's own practice manager signs.
    let effective = date(2025, 9, 1);
    let err = p.sign_off(&me(7, 11, "yay"), id, effective, None).await.expect_err("own");
    refused(&err, "own-application");
    let err = p.sign_off(&ravi_pm(7, 11, "panel approved"), id, effective, None).await.expect_err("another team");
    refused(&err, "signer-not-in-line");
    let err = p.sign_off(&chair(7, 11, "panel approved"), id, effective, None).await.expect_err("decided it");
    refused(&err, "signer-is-decider");
    assert_eq!(p.application(id).await.expect("read"), before, "a refusal changes nothing");
    let signed = p.sign_off(&pm(7, 11, "panel approved"), id, effective, None).await.expect("own line signs off");
    assert_eq!(signed.application.status(), Status::SignedOff);
}

async fn a_rotherham_team_manager_cannot_make_a_band_h_worker_head_of_service_through_a_panel(db: &TestDb) {
    let c = Council::new(db, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let service = c.unit(UnitKind::Service, "Children and Young People's Services", None).await;
    let locality = c.unit(UnitKind::Locality, "North Locality", Some(service)).await;
    let team = c.unit(UnitKind::Team, "Duty and Assessment", Some(locality)).await;
    let sam = c
        .person("R100", "Sam Patel", Some(team), Some(("level-3", Some("band-i"), Some("37"), date(2023, 6, 1))))
        .await;
    c.person("R105", "Lee Grant", Some(team), None).await;
    let tm = c.person("R101", "Dana Reid", Some(team), None).await;
    c.qualified(&sam, date(2019, 7, 15)).await;
    c.ready_to_apply(&sam, &tm, date(2025, 3, 20)).await;
    let lm = c.person("R102", "Chris Moyo", Some(locality), None).await;
    let own = c.person("R103", "Xavier Hale", Some(service), None).await;
    c.post(team, "team-manager", &tm).await;
    c.post(locality, "locality-manager", &lm).await;
    c.post(service, "head-of-service", &own).await;
    let p = c.progression();
    let tm_acting = |d, why: &str| acting("R101", "team-manager", at(2025, 4, d, 10), why);

    // A "panel" of the Band H worker, deciding as head of service: a team manager cannot
    // convene it, and no one can, for a head of service is a post, not a panel.
    let hos_panel = ConvenePanel {
        role: "head-of-service".into(),
        held_on: date(2025, 4, 2),
        members: vec![MemberInput { employee_number: "R101".into(), role: "team-manager".into(), chair: true }],
        quorum: Some(Quorum { members: 1, chair: true, roles: Vec::new() }),
    };
    let err = p.convene(&tm_acting(1, "audit panel"), &hos_panel).await.expect_err("a team manager");
    refused(&err, "panel-convener");
    let err = p
        .convene(&acting("R103", "head-of-service", at(2025, 4, 1, 10), "audit panel"), &hos_panel)
        .await
        .expect_err("not a panel role");
    refused(&err, "panel-role");

    // So the Band H worker is not accepted as the independent head of service on a
    // colleague's case-file audit: they hold no such post.
    let open = OpenApplication { worker: "R100".into(), route: "level-3-to-level-4".into(), fast_track: false };
    let id = p.open(&tm_acting(1, "PDR: progression appropriate"), &open).await.expect("open").id;
    p.submit(&tm_acting(1, "PDR: progression appropriate"), id).await.expect("submit");
    let err = p
        .assign(&tm_acting(3, "independent head of service"), id, "case-file-audit", "R105", "head-of-service")
        .await
        .expect_err("holds no head of service post");
    refused(&err, "posts-held");
}

/// A West Sussex framework that says its group managers convene the progression panel: a
/// group manager convenes it; the head of service, whom the default would have named, does
/// not; and a practice manager claiming to be a group manager, without the post, does not.
async fn a_framework_that_names_who_convenes_its_panel_lets_them_and_only_them(db: &TestDb) {
    let text = include_str!("../../../../frameworks/west-sussex.toml");
    let named = text.replacen(
        "id = \"progression-panel\"\nname = \"Panel (the 'agreed panel process')\"\npanel = true\n",
        "id = \"progression-panel\"\nname = \"Panel (the 'agreed panel process')\"\npanel = true\nconvened_by = [\"group-manager\"]\n\n\
         [[roles]]\nid = \"group-manager\"\nname = \"Group Manager\"\n",
        1,
    );
    assert_ne!(named, text, "the role is found and changed");
    let c = Council::with_framework(db, "west-sussex", "West Sussex County Council", "west-sussex.toml", &named).await;
    let service = c.unit(UnitKind::Service, "Children and Family Services", None).await;
    let team = c.unit(UnitKind::Team, "Family Safeguarding Team Crawley", Some(service)).await;
    let gm = c.person("W120", "Jo Marsh", Some(service), None).await;
    let hos = c.person("W130", "Kim Lowe", Some(service), None).await;
    let pm = c.person("W110", "Nina Holt", Some(team), None).await;
    c.post(service, "group-manager", &gm).await;
    c.post(service, "head-of-service", &hos).await;
    c.post(team, "practice-manager", &pm).await;
    let p = c.progression();
    let panel = ConvenePanel {
        role: "progression-panel".into(),
        held_on: date(2025, 7, 10),
        members: vec![
            MemberInput { employee_number: "W120".into(), role: "group-manager".into(), chair: true },
            MemberInput { employee_number: "W110".into(), role: "practice-manager".into(), chair: false },
        ],
        quorum: Some(Quorum { members: 2, chair: true, roles: Vec::new() }),
    };
    let err = p
        .convene(&acting("W130", "head-of-service", at(2025, 6, 20, 10), "July panel"), &panel)
        .await
        .expect_err("the framework names group managers, not the head of service");
    refused(&err, "panel-convener");
    let err = p
        .convene(&acting("W110", "group-manager", at(2025, 6, 20, 10), "July panel"), &panel)
        .await
        .expect_err("claims a post she does not hold");
    refused(&err, "posts-held");
    let convened = p
        .convene(&acting("W120", "group-manager", at(2025, 6, 20, 10), "July panel"), &panel)
        .await
        .expect("a group manager convenes it");
    assert_eq!(convened.panel.members().len(), 2);
}
