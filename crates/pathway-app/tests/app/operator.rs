//! The command line acts as a named operator account. In Bexley the operator `ops.admin`
//! (Olu, who holds the system-admin role) types in Tom's observation of Amira's home visit
//! for him: the history and the audit trail say it was entered by ops.admin on behalf of
//! Tom, and the chain still checks. A failed sign-in from the office appears in the trail
//! with its address, reading Amira's portfolio is logged, and the built-in operator stands
//! in when none is configured.

use pathway_app::accounts::SignInAttempt;
use pathway_app::audit::{AuditFilter, show, verify_chain};
use pathway_app::clock::Clock;
use pathway_app::config::Config;
use pathway_app::operator::{BUILT_IN_OPERATOR, Viewer};
use pathway_app::portfolio::NewEvidence;
use pathway_app::service::Pathway;
use pathway_core::portfolio::{Contributor, EvidenceDetail};
use pathway_core::workforce::{PersonName, UnitKind};
use pathway_store::{AuditTrail, EntityKind, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    an_operator_entering_for_a_manager_is_recorded_on_their_behalf_and_the_chain_checks,
    a_failed_sign_in_is_in_the_trail_with_its_address_and_never_the_password,
    reading_a_portfolio_is_logged_naming_who_read_it,
    the_operator_must_be_an_enabled_account_with_a_system_role,
);

/// Bexley: Amira (B100) in the Family Support Team, Tom (B200) its manager, and Olu (B900),
/// whose account `ops.admin` the command line acts as.
async fn bexley(db: &TestDb) -> (Council<'_>, Pathway) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let team = c.unit(UnitKind::Team, "Family Support Team", None).await;
    c.person("B100", "Amira Okafor", Some(team), None).await;
    let tom = c.person("B200", "Tom Reeves", Some(team), None).await;
    c.post(team, "team-manager", &tom).await;
    c.person("B900", "Olu Adeyemi", None, None).await;
    let config = Config {
        operator: Some("ops.admin".into()),
        clock: Clock::Fixed(at(2025, 6, 12, 9)),
        data_dir: db.dir().join("files"),
        ..Config::defaults()
    };
    let p = Pathway::on_store(config, db.store.clone());
    p.create_account("bexley", "B900", "ops.admin", &["system-admin".to_owned()]).await.expect("operator account");
    (c, p)
}

fn observation(tom: &pathway_core::workforce::Worker) -> NewEvidence {
    NewEvidence {
        worker: "B100".into(),
        detail: EvidenceDetail::PracticeObservation {
            observer: Contributor {
                role: "team-manager".into(),
                name: PersonName::parse("Tom Reeves").expect("name"),
                worker: Some(tom.id),
                entered_by: None,
            },
        },
        date: date(2025, 6, 2),
        title: "Home visit observed".into(),
        text: Some("Planning a return to school with the family and the attendance officer.".into()),
        pages: None,
        pcf: vec!["critical-reflection-and-analysis".into()],
        kss: vec!["cfp.3".into()],
        pcf_level: None,
    }
}

async fn an_operator_entering_for_a_manager_is_recorded_on_their_behalf_and_the_chain_checks(db: &TestDb) {
    let (c, p) = bexley(db).await;
    // A chain written before the operator existed: Amira's own entry, with no `entered_by`.
    let own = NewEvidence {
        detail: EvidenceDetail::ReflectiveSummary,
        title: "School attendance".into(),
        ..observation(
            &c.store().worker_by_employee_number(&c.scope, &"B200".parse().expect("number")).await.expect("Tom"),
        )
    };
    c.portfolios().add(&acting("B100", "worker", at(2025, 6, 3, 10), "my portfolio"), &own, &[]).await.expect("own");
    let before = verify_chain(c.store(), &c.scope).await.expect("verify");
    assert!(before.intact(), "{before:?}");

    let operator = p.operator().await.expect("operator");
    assert_eq!(operator.username, "ops.admin");
    let tom = c.store().worker_by_employee_number(&c.scope, &"B200".parse().expect("number")).await.expect("Tom");
    let typed_in =
        acting("B200", "team-manager", at(2025, 6, 4, 10), "observed her visit").entered_by(&operator.username);
    let stored = c.portfolios().add(&typed_in, &observation(&tom), &[]).await.expect("observation");

    let trail = c.store().audit_trail(&c.scope, EntityKind::Evidence, stored.item.id().get()).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].by.name.as_str(), trail[0].entered_by.as_deref()), ("Tom Reeves", Some("ops.admin")));
    let shown = show(c.store(), &c.scope, &AuditFilter { person: Some("B200".into()), ..AuditFilter::default() })
        .await
        .expect("Tom's entries");
    assert_eq!(shown.len(), 1);
    assert_eq!((shown[0].by.as_str(), shown[0].entered_by.as_deref()), ("Tom Reeves", Some("ops.admin")));

    // The chain checks over the old entry and the new one, and an edit of the new one's
    // `entered_by` is caught.
    let after = verify_chain(c.store(), &c.scope).await.expect("verify");
    assert!(after.intact(), "{after:?}");
    assert_eq!(after.entries, before.entries + 1);
    pathway_store::testing::execute_raw(
        c.store(),
        "UPDATE audit_events SET entered_by = 'someone.else' WHERE entered_by IS NOT NULL",
    )
    .await;
    let broken = verify_chain(c.store(), &c.scope).await.expect("verify").broken.expect("edited");
    assert_eq!(broken.code, "hash_mismatch");
}

async fn a_failed_sign_in_is_in_the_trail_with_its_address_and_never_the_password(db: &TestDb) {
    let (c, p) = bexley(db).await;
    p.create_account("bexley", "B200", "tom", &[]).await.expect("Tom's account");
    p.set_password("bexley", "tom", "a long enough password").await.expect("password");
    let attempt = |password: &str| SignInAttempt {
        username: "tom".into(),
        password: password.into(),
        totp: None,
        from: Some("10.20.30.40".into()),
    };
    assert!(p.sign_in(&attempt("not his password at all")).await.expect("sign in").is_err());
    let signed_in = p.sign_in(&attempt("a long enough password")).await.expect("sign in").expect("right password");
    assert!(!signed_in.session_id.is_empty());

    let entries = show(c.store(), &c.scope, &AuditFilter { person: Some("B200".into()), ..AuditFilter::default() })
        .await
        .expect("Tom's entries");
    let whats: Vec<&str> = entries.iter().map(|e| e.what.as_str()).collect();
    assert!(whats.contains(&"failed sign-in as tom from 10.20.30.40 (wrong-password)"), "{whats:?}");
    assert!(whats.contains(&"tom signed in from 10.20.30.40"), "{whats:?}");
    let failed = entries.iter().find(|e| e.what.starts_with("failed")).expect("failure");
    assert_eq!((failed.by.as_str(), failed.role.as_str(), failed.at), ("Tom Reeves", "account", at(2025, 6, 12, 9)));
    let all = c.store().audit_search(&c.scope, &Default::default()).await.expect("all");
    assert!(all.iter().all(|e| !e.event.detail.contains("password at all")), "the password is never kept");
    assert!(verify_chain(c.store(), &c.scope).await.expect("verify").intact());

    // A name no account has belongs to no authority: nothing is added to Bexley's chain.
    let before = all.len();
    let stranger = SignInAttempt { username: "nobody".into(), ..attempt("whatever it is") };
    assert!(p.sign_in(&stranger).await.expect("sign in").is_err());
    assert_eq!(c.store().audit_search(&c.scope, &Default::default()).await.expect("all").len(), before);
}

async fn reading_a_portfolio_is_logged_naming_who_read_it(db: &TestDb) {
    let (c, p) = bexley(db).await;
    let operator = p.operator().await.expect("operator");
    let portfolios = p.portfolios("bexley").await.expect("portfolios");
    let for_tom = Viewer { operator: operator.clone(), person: Some("B200".into()), from: None };
    portfolios.list("B100", &for_tom).await.expect("Tom reads Amira's portfolio");
    portfolios.list("B100", &Viewer { operator, person: None, from: None }).await.expect("the operator reads it");

    let amira = c.store().worker_by_employee_number(&c.scope, &"B100".parse().expect("number")).await.expect("Amira");
    let views = c.store().audit_trail(&c.scope, EntityKind::Portfolio, amira.id.get()).await.expect("views");
    let seen: Vec<(&str, Option<&str>, i64)> =
        views.iter().map(|v| (v.what.as_str(), v.entered_by.as_deref(), v.seq)).collect();
    assert_eq!(
        seen,
        [
            ("Tom Reeves viewed the portfolio of Amira Okafor (B100)", Some("ops.admin"), 1),
            ("ops.admin viewed the portfolio of Amira Okafor (B100)", None, 2),
        ]
    );
    assert_eq!(views[1].by.person, None, "the operator itself is no person");
    assert!(verify_chain(c.store(), &c.scope).await.expect("verify").intact());

    // Someone not on the records cannot be named as the reader, and nothing is logged.
    let err = portfolios
        .list(
            "B100",
            &Viewer { operator: p.operator().await.expect("operator"), person: Some("B999".into()), from: None },
        )
        .await
        .expect_err("no such person");
    assert!(err.to_string().contains("B999"), "{err}");
    assert_eq!(c.store().audit_trail(&c.scope, EntityKind::Portfolio, amira.id.get()).await.expect("views").len(), 2);
}

async fn the_operator_must_be_an_enabled_account_with_a_system_role(db: &TestDb) {
    let (c, p) = bexley(db).await;
    // Unset: the built-in operator.
    let config = Config { operator: None, ..p.config().clone() };
    let built_in = Pathway::on_store(config, c.store().clone()).operator().await.expect("built in");
    assert_eq!((built_in.username.as_str(), built_in.account), (BUILT_IN_OPERATOR, None));

    // An account with no system role is refused, by name.
    p.create_account("bexley", "B200", "tom", &[]).await.expect("Tom's account");
    let as_tom = Pathway::on_store(Config { operator: Some("tom".into()), ..p.config().clone() }, c.store().clone());
    let err = as_tom.operator().await.expect_err("no system role");
    assert!(err.to_string().contains("holds no system role"), "{err}");
    // A name no account has.
    let missing = Pathway::on_store(Config { operator: Some("ghost".into()), ..p.config().clone() }, c.store().clone());
    let err = missing.operator().await.expect_err("no account");
    assert!(err.to_string().contains("`ghost`, which does not exist"), "{err}");
    // A disabled operator account: refused, and disabling it is itself in the trail.
    p.set_account_enabled("bexley", "ops.admin", false).await.expect("disable");
    let err = p.operator().await.expect_err("disabled");
    assert!(err.to_string().contains("disabled"), "{err}");
}
