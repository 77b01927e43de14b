//! A fresh, isolated database and data directory per story, from `pathway_store::testing`
//! (the storage suite's harness): SQLite always, PostgreSQL when reachable or required.

use pathway_app::files::EvidenceFiles;
pub use pathway_store::testing::TestDb;

/// Evidence files under the story's directory (1 MiB limit).
pub fn files(db: &TestDb) -> EvidenceFiles {
    EvidenceFiles::new(&db.dir().join("data"), 1024 * 1024)
}

pub async fn sqlite() -> TestDb {
    pathway_store::testing::sqlite().await
}

pub async fn postgres() -> Option<TestDb> {
    pathway_store::testing::postgres("the progression stories").await
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
