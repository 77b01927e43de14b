//! Test support, behind the `testing` feature: a fresh, isolated, migrated database per test
//! and a scratch directory beside it, both removed when the test ends (pass or fail).
//!
//! SQLite runs in a temporary file, always. PostgreSQL runs in a schema of its own at
//! `PATHWAY_TEST_POSTGRES_URL` (default [`DEFAULT_POSTGRES_URL`]); when that cannot be
//! reached the PostgreSQL half is skipped with one notice on stderr, unless `CI=true` or the
//! variable is set, when it must be there and its absence fails the test.
//!
//! Used by this crate's storage suite and by the application layer's end-to-end stories, so
//! both run against databases made and cleaned up the same way. Not for production code:
//! failures here panic, as a test should.
#![allow(clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, Connection};

use crate::Store;
use crate::postgres::PostgresStore;
use crate::sqlite::SqliteStore;

/// Where the PostgreSQL tests run when `PATHWAY_TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicUsize = AtomicUsize::new(0);
/// Set once PostgreSQL has been found unreachable, so later tests skip at once.
static UNAVAILABLE: AtomicBool = AtomicBool::new(false);
static SKIP_NOTICE: Once = Once::new();

/// A name no other test (in this run or a concurrent one) will use.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty directory under the system's temporary directory.
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(unique("pathway-test"));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> TempDir {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A migrated store on a database of its own, and a scratch directory. Fields drop in order:
/// the store's pool first, then the PostgreSQL schema, then the directory (which holds the
/// SQLite file).
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    _schema: Option<PgSchema>,
    dir: TempDir,
}

impl TestDb {
    /// A directory for the test's own files (it also holds the SQLite database file).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A migrated SQLite store in a temporary file.
pub async fn sqlite() -> TestDb {
    let dir = TempDir::new();
    let store = SqliteStore::open(&dir.path().join("pathway.db")).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDb { store: Store::Sqlite(store), _schema: None, dir }
}

/// A migrated PostgreSQL store in a fresh schema, or `None` (after saying why, once) when no
/// PostgreSQL is available and none is required. `suite` names what is skipped.
pub async fn postgres(suite: &str) -> Option<TestDb> {
    let (url, explicit) = match std::env::var("PATHWAY_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => (url, true),
        _ => (DEFAULT_POSTGRES_URL.to_owned(), false),
    };
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if UNAVAILABLE.load(Ordering::Relaxed) {
        return None;
    }
    let probe = tokio::time::timeout(Duration::from_secs(3), sqlx::PgConnection::connect(&url)).await;
    let failure = match probe {
        Ok(Ok(conn)) => {
            conn.close().await.expect("close the probe connection");
            None
        }
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some("no answer within 3 seconds".to_owned()),
    };
    if let Some(why) = failure {
        if explicit || ci {
            let because = if explicit { "PATHWAY_TEST_POSTGRES_URL is set" } else { "CI=true" };
            panic!("PostgreSQL is required ({because}) but {url} cannot be reached: {why}");
        }
        UNAVAILABLE.store(true, Ordering::Relaxed);
        SKIP_NOTICE.call_once(|| {
            // Straight to stderr: the test harness captures eprintln! from passing tests,
            // and this must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "\nSKIPPED: the PostgreSQL half of {suite} (those tests pass without running). \
                 Cannot connect to {url}: {why}. Start PostgreSQL there or set PATHWAY_TEST_POSTGRES_URL; \
                 with CI=true this is a failure.\n"
            );
        });
        return None;
    }
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("connect to PostgreSQL");
    let schema = unique("pathway_test");
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\""))).execute(&admin).await.expect("create schema");
    admin.close().await;
    // From here on the schema is dropped whatever happens.
    let guard = PgSchema { url: url.clone(), schema: schema.clone() };
    let store = PostgresStore::connect(&url, Some(&schema)).await.expect("connect to PostgreSQL");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(TestDb { store: Store::Postgres(store), _schema: Some(guard), dir: TempDir::new() })
}

/// A PostgreSQL schema made for one test; dropped with everything in it on drop.
#[derive(Debug)]
struct PgSchema {
    url: String,
    schema: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        // Drop runs inside the test's runtime (or while a failed test unwinds), where we
        // cannot block on async work; a fresh thread with its own runtime can.
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&url).await.map_err(|e| e.to_string())?;
                // A failed test may leave a session mid-transaction holding locks; end them.
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                )
                .bind(format!("pathway/{schema}"))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
                sqlx::query(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE")))
                    .execute(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test schema {}: {e}; drop it by hand", self.schema),
            Err(_) => eprintln!("dropping test schema {} panicked; drop it by hand", self.schema),
        }
    }
}

/// Run SQL straight on the store's database, as someone with database access (not Pathway)
/// would: how the tamper-evidence tests edit and remove audit rows behind the store's back.
pub async fn execute_raw(store: &Store, sql: &str) -> u64 {
    use crate::backend::SqlBackend;
    let sql = AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite(s) => sqlx::raw_sql(sql).execute(s.pool()).await.expect("raw SQL on SQLite").rows_affected(),
        Store::Postgres(s) => {
            sqlx::raw_sql(sql).execute(s.pool()).await.expect("raw SQL on PostgreSQL").rows_affected()
        }
    }
}
