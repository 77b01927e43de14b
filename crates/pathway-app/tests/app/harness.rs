//! A fresh, isolated database and data directory per test, removed when the test ends (pass
//! or fail). The same approach as the storage suite's harness: SQLite in a temporary file
//! always; PostgreSQL in a schema of its own when reachable (skipped with a notice if not,
//! unless `CI=true` or `PATHWAY_TEST_POSTGRES_URL` is set, when it must be there).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use pathway_app::files::EvidenceFiles;
use pathway_store::Store;
use pathway_store::postgres::PostgresStore;
use pathway_store::sqlite::SqliteStore;
use sqlx::{AssertSqlSafe, Connection};

/// Where the PostgreSQL tests run when `PATHWAY_TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicUsize = AtomicUsize::new(0);
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
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(unique("pathway-app-test"));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A migrated store and an evidence file area. Fields drop in order: the store's pool,
/// then the PostgreSQL schema, then the directory.
pub struct TestDb {
    pub store: Store,
    _schema: Option<PgSchema>,
    pub dir: TempDir,
}

impl TestDb {
    /// Evidence files under this test's directory (1 MiB limit).
    pub fn files(&self) -> EvidenceFiles {
        EvidenceFiles::new(&self.dir.0.join("data"), 1024 * 1024)
    }
}

pub async fn sqlite() -> TestDb {
    let dir = TempDir::new();
    let store = SqliteStore::open(&dir.0.join("pathway.db")).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDb { store: Store::Sqlite(store), _schema: None, dir }
}

pub async fn postgres() -> Option<TestDb> {
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
            let _ = writeln!(
                std::io::stderr(),
                "\nSKIPPED: the PostgreSQL half of the progression stories (those tests pass without running). \
                 Cannot connect to {url}: {why}. With CI=true this is a failure.\n"
            );
        });
        return None;
    }
    let schema = unique("pathway_app_test");
    // From here on the schema is dropped whatever happens; `migrate` creates it.
    let guard = PgSchema { url: url.clone(), schema: schema.clone() };
    let store = PostgresStore::connect(&url, Some(&schema)).await.expect("connect to PostgreSQL");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(TestDb { store: Store::Postgres(store), _schema: Some(guard), dir: TempDir::new() })
}

/// A PostgreSQL schema made for one test; dropped with everything in it on drop.
pub struct PgSchema {
    url: String,
    schema: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        // Drop runs inside the test's runtime, where we cannot block on async work; a fresh
        // thread with its own runtime can.
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&url).await.map_err(|e| e.to_string())?;
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

/// Define each story twice: `on_sqlite::name` and `on_postgres::name`. A story is an
/// `async fn(&TestDb)`.
#[macro_export]
macro_rules! stories {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::harness::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::harness::postgres().await else { return };
                    super::$name(&db).await;
                }
            )*
        }
    };
}
