//! The framework in force: one rule for an authority and for a worker, and each stored
//! version parsed once however often it is asked for.

use std::sync::Arc;

use pathway_app::frameworks::{Applies, FrameworkCache};
use pathway_core::workforce::UnitKind;

use crate::council::{Council, date};
use crate::harness::TestDb;

crate::stories!(an_authority_and_its_workers_share_one_framework_parsed_once);

async fn an_authority_and_its_workers_share_one_framework_parsed_once(db: &TestDb) {
    let c = Council::new(db, "west-sussex", "West Sussex County Council").await;
    let team = c.unit(UnitKind::Team, "Crawley Team", None).await;
    let alex = c
        .person(
            "W100",
            "Alex Morgan",
            Some(team),
            Some(("social-worker-grade-10", Some("grade-10"), Some("39"), date(2024, 4, 1))),
        )
        .await;
    let newcomer = c.person("W101", "Sam Lee", Some(team), None).await;
    let cache = FrameworkCache::default();
    let on = date(2025, 6, 1);

    let for_authority = cache.in_force(c.store(), &c.scope, Applies::Authority, on).await.expect("authority");
    let alex = c.record(&alex).await;
    let for_alex = cache.in_force(c.store(), &c.scope, Applies::Worker(&alex), on).await.expect("worker");
    // With no level on record, a worker is on the authority's one framework.
    let newcomer = c.record(&newcomer).await;
    let for_newcomer = cache.in_force(c.store(), &c.scope, Applies::Worker(&newcomer), on).await.expect("newcomer");
    assert_eq!(for_authority.framework.id.as_str(), "west-sussex");
    assert!(Arc::ptr_eq(&for_authority, &for_alex) && Arc::ptr_eq(&for_alex, &for_newcomer), "one parse, shared");
    assert_eq!(cache.len(), 1);

    // Before the framework took effect nothing is in force, and the error says so.
    let err = cache.in_force(c.store(), &c.scope, Applies::Authority, date(2000, 1, 1)).await.expect_err("too early");
    assert_eq!(err.code(), "not_found");
}
