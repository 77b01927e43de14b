//! Time from the clock: an action is recorded when it is entered. A paper decision entered
//! late says when it took effect and why it is late, only into the past and within the
//! authority's window; the record keeps both times. Nothing is entered ahead of the clock.

use pathway_app::clock::Clock;
use pathway_app::progression::{Acting, AuthorityProgression, ConvenePanel, MemberInput};
use pathway_core::progression::audit::Backdated;
use pathway_core::progression::panel::Quorum;
use pathway_core::workforce::UnitKind;
use pathway_store::{AuditTrail, EntityKind, Progression, Tenancy};

use crate::council::{Council, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_panel_convened_at_a_meeting_last_week_is_entered_late_with_a_reason_and_both_times_kept,
    nothing_is_entered_ahead_of_the_clock_or_before_the_authoritys_window
);

/// West Sussex with a head of service (Jo Marsh, W120) who convenes panels, and two
/// practice managers to sit on them.
async fn west_sussex(db: &TestDb) -> Council<'_> {
    let c = Council::new(db, "west-sussex", "West Sussex County Council").await;
    let service = c.unit(UnitKind::Service, "Children and Family Services", None).await;
    let team = c.unit(UnitKind::Team, "Family Safeguarding Team Crawley", Some(service)).await;
    let jo = c.person("W120", "Jo Marsh", Some(service), None).await;
    let nina = c.person("W110", "Nina Holt", Some(team), None).await;
    let ravi = c.person("W121", "Ravi Nair", Some(team), None).await;
    c.post(service, "head-of-service", &jo).await;
    c.post(service, "group-manager", &jo).await;
    c.post(team, "practice-manager", &nina).await;
    c.post(team, "practice-manager", &ravi).await;
    c
}

fn july_panel() -> ConvenePanel {
    ConvenePanel {
        role: "progression-panel".into(),
        held_on: date(2025, 7, 24),
        members: vec![
            MemberInput { employee_number: "W120".into(), role: "group-manager".into(), chair: true },
            MemberInput { employee_number: "W110".into(), role: "practice-manager".into(), chair: false },
            MemberInput { employee_number: "W121".into(), role: "practice-manager".into(), chair: false },
        ],
        quorum: Some(Quorum { members: 2, chair: true, roles: Vec::new() }),
    }
}

fn head_of_service(why: &str) -> Acting {
    Acting::new("W120", "head-of-service", why)
}

async fn a_panel_convened_at_a_meeting_last_week_is_entered_late_with_a_reason_and_both_times_kept(db: &TestDb) {
    let c = west_sussex(db).await;
    let now = at(2025, 7, 14, 10);
    let p = AuthorityProgression::new(c.store(), c.scope.clone()).with_clock(Clock::Fixed(now));

    // Entered as it happens: recorded at the clock's time, with nothing marked late.
    let today = p.convene(&head_of_service("August progression panel"), &july_panel()).await.expect("convene");
    let event = &today.panel.history()[0];
    assert_eq!((event.at, &event.backdated), (now, &None));

    // Convened at last Monday's meeting, entered from the minutes a week later.
    let monday = at(2025, 7, 7, 9);
    let reason = "convened at the 7 July management meeting; entered from the minutes";
    let late = p
        .convene(&head_of_service("July progression panel").backdated(monday, reason), &july_panel())
        .await
        .expect("a week late is within the 30-day window");
    let want = Some(Backdated { entered_at: now, reason: reason.to_owned() });
    let event = &late.panel.history()[0];
    assert_eq!((event.at, &event.backdated), (monday, &want));

    // The audit trail, read back from storage, keeps when it took effect, when it was
    // entered and why it was late.
    let trail = c.store().audit_trail(&c.scope, EntityKind::Panel, late.id.get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].at, &trail[0].backdated), (monday, &want));
    let trail = c.store().audit_trail(&c.scope, EntityKind::Panel, today.id.get()).await.expect("trail");
    assert_eq!((trail[0].at, &trail[0].backdated), (now, &None));

    // A reason is required.
    let err = p
        .convene(&head_of_service("July progression panel").backdated(monday, "  "), &july_panel())
        .await
        .expect_err("no reason");
    assert_eq!(err.code(), "bad_input");
    assert!(err.to_string().contains("needs a reason"), "{err}");
}

async fn nothing_is_entered_ahead_of_the_clock_or_before_the_authoritys_window(db: &TestDb) {
    let c = west_sussex(db).await;
    let now = at(2025, 7, 14, 10);
    let p = AuthorityProgression::new(c.store(), c.scope.clone()).with_clock(Clock::Fixed(now));
    let panels = || async { c.store().panels(&c.scope).await.expect("panels").len() };

    // A decision dated 1999 is decades outside the window.
    let err = p
        .convene(&head_of_service("old panel").backdated(at(1999, 3, 1, 9), "found in a drawer"), &july_panel())
        .await
        .expect_err("1999");
    assert_eq!(err.code(), "not_permitted");
    let text = err.to_string();
    assert!(text.contains("rule: backdating-window") && text.contains("up to 30 days late"), "{text}");

    // Tomorrow is not "late": nothing is entered ahead of time.
    let err = p
        .convene(&head_of_service("next week").backdated(at(2025, 7, 15, 9), "typed ahead"), &july_panel())
        .await
        .expect_err("future");
    assert_eq!(err.code(), "bad_input");
    assert!(err.to_string().contains("rule: no-future-dates"), "{err}");
    // Nor does run-due apply moves for a day that has not come.
    let err = p.run_due(Some(date(2025, 7, 15))).await.expect_err("run-due tomorrow");
    assert!(err.to_string().contains("rule: no-future-dates"), "{err}");
    assert!(p.run_due(None).await.expect("run-due today").is_empty());
    assert_eq!(panels().await, 0, "nothing refused was stored");

    // The authority sets its window: 40 days lets a five-week-old decision in; 0 lets none.
    let five_weeks = at(2025, 6, 9, 9);
    let err = p
        .convene(&head_of_service("June panel").backdated(five_weeks, "paper minutes"), &july_panel())
        .await
        .expect_err("35 days > 30");
    assert!(err.to_string().contains("35 days before"), "{err}");
    let before = c.store().authority(&c.scope).await.expect("authority");
    c.store().update_authority(&c.scope, before.meta.version, &before.name, 40).await.expect("40 days");
    p.convene(&head_of_service("June panel").backdated(five_weeks, "paper minutes"), &july_panel())
        .await
        .expect("within 40 days");
    let now_set = c.store().authority(&c.scope).await.expect("authority");
    c.store().update_authority(&c.scope, now_set.meta.version, &now_set.name, 0).await.expect("no backdating");
    let err = p
        .convene(&head_of_service("yesterday").backdated(at(2025, 7, 13, 9), "forgot"), &july_panel())
        .await
        .expect_err("window closed");
    assert!(err.to_string().contains("does not allow actions to be entered late"), "{err}");
    let closed = c.store().authority(&c.scope).await.expect("authority");
    assert_eq!(closed.backdating_days, 0);
    let err = c.store().update_authority(&c.scope, closed.meta.version, &closed.name, 367).await;
    assert!(err.expect_err("over a year").to_string().contains("366 days"));
    assert_eq!(panels().await, 1);
}
