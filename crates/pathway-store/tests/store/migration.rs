//! Migration 6 on a database that already has posts: each holder is kept, as holding the
//! post from the day the post was created (SQLite; the PostgreSQL step does the same in its
//! own dialect, and the schema-parity test compares the results).
//!
//! Migration 9 on a database with an audit trail: the store's `migrate` chains the existing
//! entries, per authority in the order they were written.
//!
//! Migration 12 on a chained trail: the SQLite table is rebuilt (entered_by, actor_id may be
//! NULL, no CHECK on the kind) and the chain written before still checks, and carries on.

use pathway_store::testing::TempDir;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

const BEFORE: [&str; 5] = [
    include_str!("../../migrations/sqlite/0001_workforce.sql"),
    include_str!("../../migrations/sqlite/0002_progression.sql"),
    include_str!("../../migrations/sqlite/0003_one_application_under_way.sql"),
    include_str!("../../migrations/sqlite/0004_probation.sql"),
    include_str!("../../migrations/sqlite/0005_attestations_and_award_levels.sql"),
];
const DATED_POSTS: &str = include_str!("../../migrations/sqlite/0006_dated_posts.sql");
const BACKDATING: &str = include_str!("../../migrations/sqlite/0007_backdating.sql");
const EXCEPTIONS: &str = include_str!("../../migrations/sqlite/0008_eligibility_exceptions.sql");

#[tokio::test]
async fn existing_post_holders_hold_their_posts_from_the_day_the_post_was_created() {
    let dir = TempDir::new();
    let options = SqliteConnectOptions::new().filename(dir.path().join("v5.db")).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("open");
    for step in BEFORE {
        sqlx::raw_sql(step).execute(&pool).await.expect("migrate to 5");
    }
    let at = "2023-02-14T09:30:00.000000Z";
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO authorities VALUES ('medway', 'Medway', 1, '{at}', '{at}');
         INSERT INTO org_units (id, authority_id, kind, name, parent_id, version, created_at, updated_at)
             VALUES (1, 'medway', 'team', '  Duty  Team ', NULL, 1, '{at}', '{at}');
         INSERT INTO workers (id, authority_id, employee_number, name, employment, started_on, version, created_at, updated_at)
             VALUES (7, 'medway', 'M7', 'Tam Manager', 'permanent', '2019-01-01', 1, '{at}', '{at}');
         INSERT INTO posts (id, authority_id, unit_id, role, holder_id, version, created_at, updated_at)
             VALUES (3, 'medway', 1, 'team-manager', 7, 1, '{at}', '{at}'),
                    (4, 'medway', 1, 'practice-educator', NULL, 1, '{at}', '{at}');"
    )))
    .execute(&pool)
    .await
    .expect("a version 5 organisation");

    sqlx::raw_sql(DATED_POSTS).execute(&pool).await.expect("migration 6");

    let holdings = sqlx::query("SELECT post_id, worker_id, held_from, held_to FROM post_holdings")
        .fetch_all(&pool)
        .await
        .expect("holdings");
    assert_eq!(holdings.len(), 1, "only the held post has a holding");
    let h = &holdings[0];
    assert_eq!(h.get::<i64, _>("post_id"), 3);
    assert_eq!(h.get::<i64, _>("worker_id"), 7);
    assert_eq!(h.get::<String, _>("held_from"), "2023-02-14");
    assert_eq!(h.get::<Option<String>, _>("held_to"), None);
    let retired: Option<i64> =
        sqlx::query_scalar("SELECT holder_id FROM posts WHERE id = 3").fetch_one(&pool).await.expect("post");
    assert_eq!(retired, None, "posts.holder_id is retired");
    let key: String =
        sqlx::query_scalar("SELECT name_key FROM org_units WHERE id = 1").fetch_one(&pool).await.expect("unit");
    assert_eq!(key, "duty team", "existing names get their comparison key, as the application makes it");
    pool.close().await;
}

/// Migration 8 rebuilds SQLite's audit trail to accept the new kind of record: every row
/// already there is kept as it was, and an eligibility exception's row is accepted after.
#[tokio::test]
async fn the_audit_trail_keeps_its_rows_when_it_learns_of_eligibility_exceptions() {
    let dir = TempDir::new();
    let options = SqliteConnectOptions::new().filename(dir.path().join("v7.db")).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("open");
    for step in BEFORE.into_iter().chain([DATED_POSTS, BACKDATING]) {
        sqlx::raw_sql(step).execute(&pool).await.expect("migrate to 7");
    }
    let at = "2025-09-02T11:00:00.000000Z";
    let row = |kind: &str, id: i64| {
        format!(
            "INSERT INTO audit_events (authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name,
                 actor_role, occurred_at, why, what, detail, recorded_at)
             VALUES ('rotherham', '{kind}', {id}, 1, 1, 3, 'Xavier Hale', 'head-of-service', '{at}', 'why', 'what',
                 '{{}}', '{at}');"
        )
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO authorities (id, name, version, created_at, updated_at)
             VALUES ('rotherham', 'Rotherham', 1, '{at}', '{at}');
         INSERT INTO workers (id, authority_id, employee_number, name, employment, started_on, version, created_at, updated_at)
             VALUES (3, 'rotherham', 'R203', 'Xavier Hale', 'permanent', '2019-01-01', 1, '{at}', '{at}');
         {}",
        row("application", 41)
    )))
    .execute(&pool)
    .await
    .expect("a version 7 audit trail");
    sqlx::raw_sql("UPDATE audit_events SET entered_at = '2025-09-09T10:00:00.000000Z', backdated_because = 'paper'")
        .execute(&pool)
        .await
        .expect("entered late");
    let refused = sqlx::raw_sql(sqlx::AssertSqlSafe(row("eligibility-exception", 1))).execute(&pool).await;
    assert!(refused.is_err(), "version 7 does not know the kind");

    sqlx::raw_sql(EXCEPTIONS).execute(&pool).await.expect("migration 8");
    let kept: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT entity_kind, entity_id, actor_name FROM audit_events")
            .fetch_all(&pool)
            .await
            .expect("rows");
    assert_eq!(kept, vec![("application".to_owned(), 41, "Xavier Hale".to_owned())]);
    let late: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT entered_at, backdated_because FROM audit_events").fetch_one(&pool).await.expect("row");
    assert_eq!(late, (Some("2025-09-09T10:00:00.000000Z".to_owned()), Some("paper".to_owned())), "late entries kept");
    sqlx::raw_sql(sqlx::AssertSqlSafe(row("eligibility-exception", 1))).execute(&pool).await.expect("new kind");
    let again = sqlx::raw_sql(sqlx::AssertSqlSafe(row("application", 41))).execute(&pool).await;
    assert!(again.is_err(), "each record's trail is still numbered once");
    pool.close().await;
}

/// The migrations as they stood before the audit chain, applied by sqlx's migrator so the
/// database records them exactly as an older Pathway would have.
fn before_the_chain() -> sqlx::migrate::Migrator {
    use sqlx::SqlSafeStr;
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    let steps: [(i64, &str, &'static str); 7] = [
        (1, "workforce", BEFORE[0]),
        (2, "progression", BEFORE[1]),
        (3, "one application under way", BEFORE[2]),
        (4, "probation", BEFORE[3]),
        (5, "attestations and award levels", BEFORE[4]),
        (6, "dated posts", DATED_POSTS),
        (7, "backdating", include_str!("../../migrations/sqlite/0007_backdating.sql")),
    ];
    Migrator::with_migrations(
        steps
            .into_iter()
            .map(|(version, description, sql)| {
                Migration::new(version, description.into(), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

#[tokio::test]
async fn an_audit_trail_written_before_the_chain_is_chained_when_the_database_is_next_migrated() {
    use pathway_core::audit_chain::ChainWalk;
    use pathway_store::{AuditTrail, Tenancy};

    let dir = TempDir::new();
    let file = dir.path().join("v7.db");
    let options = SqliteConnectOptions::new().filename(&file).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("open");
    before_the_chain().run(&pool).await.expect("migrate to 7");
    let at = "2023-02-14T09:30:00.000000Z";
    let row = |id: i64, authority: &str, entity: i64, why: &str| {
        format!(
            "INSERT INTO audit_events (id, authority_id, entity_kind, entity_id, entity_version, seq, actor_id,
                 actor_name, actor_role, occurred_at, why, what, detail, recorded_at)
             VALUES ({id}, '{authority}', 'evidence', {entity}, 1, 1, 7, 'Tam Worker', 'worker', '{at}', '{why}',
                 'added evidence', '{{}}', '{at}');"
        )
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO authorities (id, name, version, created_at, updated_at)
             VALUES ('medway', 'Medway', 1, '{at}', '{at}'), ('bexley', 'Bexley', 1, '{at}', '{at}');
         INSERT INTO workers (id, authority_id, employee_number, name, employment, started_on, version, created_at, updated_at)
             VALUES (7, 'medway', 'M7', 'Tam Worker', 'permanent', '2019-01-01', 1, '{at}', '{at}'),
                    (8, 'bexley', 'B7', 'Tam Worker', 'permanent', '2019-01-01', 1, '{at}', '{at}');
         {}{}{}",
        // Written out of id order across authorities, as a busy database would be.
        row(3, "medway", 1, "first"),
        row(5, "medway", 2, "second"),
        row(4, "bexley", 1, "bexley''s").replace("7, 'Tam Worker'", "8, 'Tam Worker'"),
    )))
    .execute(&pool)
    .await
    .expect("a version 7 audit trail");
    pool.close().await;

    let store = pathway_store::sqlite::SqliteStore::open(&file).await.expect("open");
    store.migrate().await.expect("migrate to the latest");
    let store = pathway_store::Store::Sqlite(store);
    for (authority, whys) in [("medway", vec!["first", "second"]), ("bexley", vec!["bexley's"])] {
        let scope = store.scope(&authority.parse().expect("id")).await.expect("scope");
        let head = store.audit_chain_head(&scope).await.expect("head").expect("a head");
        let entries = store.audit_chain_entries(&scope, 0, head.chain_seq, 100).await.expect("entries");
        assert_eq!(entries.iter().map(|e| e.event.why.as_str()).collect::<Vec<_>>(), whys, "in id order");
        let mut walk = ChainWalk::new();
        for e in &entries {
            walk.check(e.link(), &e.chain_row()).expect("chained");
        }
        walk.finish(Some((head.chain_seq, &head.hash))).expect("ends at the head");
    }
    assert_eq!(store.seal_audit_chain().await.expect("seal"), 0, "migrating sealed them all");
    store.close().await;
}

/// The migrations as they stood before migration 12 (the operator and sign-ins).
fn before_the_operator() -> sqlx::migrate::Migrator {
    use sqlx::SqlSafeStr;
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    let steps: [(i64, &str, &'static str); 10] = [
        (1, "workforce", BEFORE[0]),
        (2, "progression", BEFORE[1]),
        (3, "one application under way", BEFORE[2]),
        (4, "probation", BEFORE[3]),
        (5, "attestations and award levels", BEFORE[4]),
        (6, "dated posts", DATED_POSTS),
        (7, "backdating", BACKDATING),
        (8, "eligibility exceptions", EXCEPTIONS),
        (9, "audit chain", include_str!("../../migrations/sqlite/0009_audit_chain.sql")),
        (10, "accounts and sessions", include_str!("../../migrations/sqlite/0010_accounts.sql")),
    ];
    Migrator::with_migrations(
        steps
            .into_iter()
            .map(|(version, description, sql)| {
                Migration::new(version, description.into(), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

#[tokio::test]
async fn a_chain_written_before_migration_12_still_checks_after_it_and_carries_on() {
    use chrono::{DateTime, Utc};
    use pathway_core::audit_chain::{ChainRow, ChainWalk, GENESIS, link_hash};
    use pathway_store::{AuditActor, AuditTrail, EntityKind, NewAuditEntry, Tenancy};

    let dir = TempDir::new();
    let file = dir.path().join("v10.db");
    let options = SqliteConnectOptions::new().filename(&file).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("open");
    before_the_operator().run(&pool).await.expect("migrate to 10");
    let at = "2025-06-12T09:30:00.000000Z";
    let when: DateTime<Utc> = at.parse().expect("time");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO authorities (id, name, version, created_at, updated_at) VALUES ('medway', 'Medway', 1, '{at}', '{at}');
         INSERT INTO workers (id, authority_id, employee_number, name, employment, started_on, version, created_at, updated_at)
             VALUES (7, 'medway', 'M7', 'Tam Worker', 'permanent', '2019-01-01', 1, '{at}', '{at}');"
    )))
    .execute(&pool)
    .await
    .expect("a version 10 authority");
    // Two entries chained as a version 10 Pathway wrote them: no `entered_by` in their form.
    let mut prev = GENESIS.to_owned();
    for (seq, why) in [(1_i64, "first"), (2, "second")] {
        let row = ChainRow {
            authority: "medway",
            entity_kind: "evidence",
            entity_id: 1,
            entity_version: seq,
            seq,
            actor_id: Some(7),
            actor_name: "Tam Worker",
            actor_role: "worker",
            occurred_at: when,
            entered_at: None,
            backdated_because: None,
            why,
            what: "added evidence",
            detail: "{}",
            recorded_at: when,
            entered_by: None,
            entered_from: None,
        };
        let hash = link_hash(&prev, &row);
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "INSERT INTO audit_events (authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name,
                 actor_role, occurred_at, why, what, detail, recorded_at, chain_seq, prev_hash, hash)
             VALUES ('medway', 'evidence', 1, {seq}, {seq}, 7, 'Tam Worker', 'worker', '{at}', '{why}', 'added evidence',
                 '{{}}', '{at}', {seq}, '{prev}', '{hash}');
             INSERT INTO audit_chain_heads (authority_id, chain_seq, hash) VALUES ('medway', {seq}, '{hash}')
                 ON CONFLICT (authority_id) DO UPDATE SET chain_seq = excluded.chain_seq, hash = excluded.hash;"
        )))
        .execute(&pool)
        .await
        .expect("a version 10 chained entry");
        prev = hash;
    }
    pool.close().await;

    let store = pathway_store::sqlite::SqliteStore::open(&file).await.expect("open");
    store.migrate().await.expect("migrate to the latest");
    let store = pathway_store::Store::Sqlite(store);
    let scope = store.scope(&"medway".parse().expect("id")).await.expect("scope");
    // A set-up command by the operator after the upgrade: no person, a kind the old CHECK
    // did not allow.
    let entry = NewAuditEntry {
        kind: EntityKind::Unit,
        id: 1,
        by: AuditActor { person: None, name: "ops.admin".into(), role: "operator".into() },
        at: when,
        why: "unit add".into(),
        what: "added team Duty Team".into(),
        detail: "{}".into(),
        entered_by: None,
        entered_from: None,
    };
    store.record_audit(&scope, &entry).await.expect("an operator's entry");
    // And one made over HTTP since migration 15, with the address it came from.
    let over_http = NewAuditEntry {
        why: "unit rename".into(),
        what: "renamed team Duty Team".into(),
        entered_by: Some("ops.admin".into()),
        entered_from: Some("192.0.2.44".into()),
        ..entry
    };
    store.record_audit(&scope, &over_http).await.expect("an entry from an address");

    let head = store.audit_chain_head(&scope).await.expect("head").expect("a head");
    let entries = store.audit_chain_entries(&scope, 0, head.chain_seq, 100).await.expect("entries");
    assert_eq!(
        entries.iter().map(|e| e.event.why.as_str()).collect::<Vec<_>>(),
        ["first", "second", "unit add", "unit rename"]
    );
    assert_eq!(entries[0].hash.as_deref(), Some(entries[1].prev_hash.as_deref().expect("linked")));
    assert_eq!(entries[2].event.by.person, None);
    assert_eq!(entries[3].event.entered_from.as_deref(), Some("192.0.2.44"), "the address is kept");
    let mut walk = ChainWalk::new();
    for e in &entries {
        walk.check(e.link(), &e.chain_row()).expect("the old entries and the new one check");
    }
    walk.finish(Some((head.chain_seq, &head.hash))).expect("ends at the head");
    store.close().await;
}
