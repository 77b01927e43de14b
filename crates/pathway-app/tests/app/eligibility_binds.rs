//! Eligibility binds: Rotherham's Band I needs two post-qualifying years and a PDR that
//! identifies the application. A Band H worker who qualified last year is refused at open,
//! with the reasons and the day she will have the two years; a team manager and the worker
//! herself cannot record an exception, a head of service can, with a reason, and then the
//! same open and the submission go ahead, the history saying under which exception, by whom
//! and why. An exception waives only what it names, and never registration: a lapsed
//! registration stops an application opening whatever exception is recorded.

use pathway_app::AppError;
use pathway_app::progression::{OpenApplication, RecordException};
use pathway_core::workforce::{AsyeOutcome, AsyeParts, AsyeRecord, RegistrationStatus, UnitKind};
use pathway_store::{AuditTrail, EntityKind, Workforce};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_worker_short_of_two_post_qualifying_years_opens_only_under_a_head_of_services_exception,
    a_lapsed_registration_stops_an_application_opening_and_no_exception_waives_it,
);

/// The refusal is `code` and names `rule`.
fn refused(err: &AppError, code: &str, rule: &str) {
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(&format!("rule: {rule}")), "names the rule {rule}: {err}");
}

/// Rotherham, with Mia Ellis at Band H: qualified on 1 July 2024, ASYE passed on 30 June 2025;
/// her team manager, locality manager and her head of service.
async fn rotherham(db: &TestDb) -> Council<'_> {
    let c = Council::new(db, "rotherham", "Rotherham Metropolitan Borough Council").await;
    let service = c.unit(UnitKind::Service, "Children and Young People's Services", None).await;
    let locality = c.unit(UnitKind::Locality, "South Locality", Some(service)).await;
    let team = c.unit(UnitKind::Team, "Children in Need", Some(locality)).await;
    let mia = c
        .person("R200", "Mia Ellis", Some(team), Some(("level-2", Some("band-h"), Some("32"), date(2025, 7, 1))))
        .await;
    let tm = c.person("R201", "Dana Reid", Some(team), None).await;
    let hos = c.person("R203", "Xavier Hale", Some(service), None).await;
    c.post(team, "team-manager", &tm).await;
    c.post(service, "head-of-service", &hos).await;
    let mia = c.qualified(&mia, date(2024, 7, 1)).await;
    c.update(&mia, |d| {
        d.asye = Some(
            AsyeRecord::new(AsyeParts {
                cohort: None,
                started_on: Some(date(2024, 7, 1)),
                assessor: None,
                status: None,
                outcome: Some(AsyeOutcome::Passed),
                outcome_on: Some(date(2025, 6, 30)),
            })
            .expect("asye"),
        );
    })
    .await;
    c
}

fn band_i() -> OpenApplication {
    OpenApplication { worker: "R200".into(), route: "level-2-to-level-3".into(), fast_track: false }
}

async fn a_worker_short_of_two_post_qualifying_years_opens_only_under_a_head_of_services_exception(db: &TestDb) {
    let c = rotherham(db).await;
    let p = c.progression();
    let mia = c.store().worker_by_employee_number(&c.scope, &"R200".parse().expect("n")).await.expect("mia");
    let me = |m, d, why: &str| acting("R200", "worker", at(2025, m, d, 9), why);
    let tm = |m, d, why: &str| acting("R201", "team-manager", at(2025, m, d, 10), why);
    let hos = |m, d, why: &str| acting("R203", "head-of-service", at(2025, m, d, 11), why);

    // Two things stand in the way, each in the eligibility report's words, with the day the
    // two years are reached; nothing is stored.
    let err = p.open(&me(9, 1, "applying for Band I"), &band_i()).await.expect_err("criteria unmet");
    refused(&err, "not_eligible", "eligibility-binds");
    let text = err.to_string();
    assert!(text.contains("you will have 2 years of post-qualifying experience on 1 July 2026"), "{text}");
    assert!(text.contains("No Performance Development Review (PDR) is recorded yet"), "{text}");
    assert!(text.contains("head-of-service may record an exception"), "{text}");
    assert!(p.applications(Some("R200")).await.expect("list").is_empty(), "a refusal stores nothing");

    // Her PDR identifies the application; the two years are still to come.
    let dana = c.store().worker_by_employee_number(&c.scope, &"R201".parse().expect("n")).await.expect("dana");
    c.ready_to_apply(&mia, &dana, date(2025, 8, 20)).await;
    let err = p.open(&me(9, 1, "applying for Band I"), &band_i()).await.expect_err("two years short");
    refused(&err, "not_eligible", "eligibility-binds");
    assert!(!err.to_string().contains("Performance Development Review"), "the PDR is met now: {err}");

    // Who may record an exception: not her team manager, not Mia herself, and not for
    // registration; her head of service, with a reason.
    let exception = |criteria: &[&str]| RecordException {
        worker: "R200".into(),
        route: "level-2-to-level-3".into(),
        criteria: criteria.iter().map(|c| (*c).to_owned()).collect(),
    };
    let why = "Twelve years as a family support worker before qualifying; her practice is at Band I";
    let err = p.record_exception(&tm(9, 2, why), &exception(&["post-qualifying-years"])).await.expect_err("tm");
    refused(&err, "not_permitted", "eligibility-exception");
    assert!(err.to_string().contains("recorded by someone holding a post as head-of-service"), "{err}");
    let err = p.record_exception(&me(9, 2, why), &exception(&["post-qualifying-years"])).await.expect_err("herself");
    refused(&err, "not_permitted", "eligibility-exception");
    let err = p
        .record_exception(&acting("R200", "head-of-service", at(2025, 9, 2, 9), why), &exception(&[]))
        .await
        .expect_err("she holds no such post");
    refused(&err, "not_permitted", "posts-held");
    let err = p.record_exception(&hos(9, 2, why), &exception(&["registration"])).await.expect_err("registration");
    refused(&err, "not_permitted", "registration-current");
    let err = p.record_exception(&hos(9, 2, "  "), &exception(&["post-qualifying-years"])).await.expect_err("no why");
    assert_eq!(err.code(), "reason_required", "{err}");
    assert!(p.exceptions(Some("R200")).await.expect("list").is_empty(), "refusals store nothing");

    let recorded = p.record_exception(&hos(9, 2, why), &exception(&["post-qualifying-years"])).await.expect("hos");
    assert_eq!(recorded.exception.recorded.by.name, "Xavier Hale");
    assert!(recorded.exception.unmet_when_recorded.iter().any(|u| u.contains("1 July 2026")));
    let trail = c
        .store()
        .audit_trail(&c.scope, EntityKind::EligibilityException, recorded.id.get())
        .await
        .expect("audit trail");
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].by.name.as_str(), trail[0].why.as_str()), ("Xavier Hale", why));
    assert!(trail[0].what.contains("waiving post-qualifying-years"), "{}", trail[0].what);

    // The same open goes ahead, and the history says under which exception, by whom and why.
    let opened = p.open(&me(9, 3, "applying for Band I"), &band_i()).await.expect("open under the exception");
    let id = opened.id;
    p.submit(&me(9, 4, "forms attached"), id).await.expect("submit under the exception");
    let history = p.history(id).await.expect("history");
    let under: Vec<&str> =
        history.iter().filter(|e| e.what.contains("under exception")).map(|e| e.what.as_str()).collect();
    assert_eq!(under.len(), 2, "{under:?}");
    let named = format!("exception {}, recorded by Xavier Hale (head-of-service) on 2025-09-02: {why}", recorded.id);
    assert!(under[0].starts_with(&format!("opened under {named}")), "{}", under[0]);
    assert!(under[1].starts_with(&format!("submitted under {named}")), "{}", under[1]);
    assert_eq!(p.exceptions(None).await.expect("all").len(), 1);
}

async fn a_lapsed_registration_stops_an_application_opening_and_no_exception_waives_it(db: &TestDb) {
    let c = rotherham(db).await;
    let p = c.progression();
    let mia = c.store().worker_by_employee_number(&c.scope, &"R200".parse().expect("n")).await.expect("mia");
    let hos = acting("R203", "head-of-service", at(2025, 9, 2, 11), "exceptional practice before qualifying");
    p.record_exception(
        &hos,
        &RecordException { worker: "R200".into(), route: "level-2-to-level-3".into(), criteria: vec![] },
    )
    .await
    .expect("an exception waiving every unmet criterion");
    let mia = c
        .update(&mia, |d| {
            if let Some(r) = d.registration.as_mut() {
                r.status = RegistrationStatus::Lapsed;
            }
        })
        .await;
    let me = acting("R200", "worker", at(2025, 9, 3, 9), "applying for Band I");
    let err = p.open(&me, &band_i()).await.expect_err("lapsed");
    refused(&err, "not_eligible", "registration-current");
    assert!(err.to_string().contains("Mia Ellis's registration with Social Work England is lapsed on 2025-09-03"));
    // Renewed: the exception now lets the application open.
    c.update(&mia, |d| {
        if let Some(r) = d.registration.as_mut() {
            r.status = RegistrationStatus::Registered;
        }
    })
    .await;
    p.open(&me, &band_i()).await.expect("registered again, under the exception");
    // Not recorded at all is not current either.
    c.update(&mia, |d| d.registration = None).await;
    let err = p.open(&me, &band_i()).await.expect_err("no registration recorded");
    refused(&err, "not_eligible", "registration-current");
}
