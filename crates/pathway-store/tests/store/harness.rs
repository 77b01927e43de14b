//! Fresh, isolated databases for each story: `pathway_store::testing` makes and removes them.

pub use pathway_store::testing::{TempDir, TestDb};

pub async fn sqlite() -> TestDb {
    pathway_store::testing::sqlite().await
}

pub async fn postgres() -> Option<TestDb> {
    pathway_store::testing::postgres("the storage suite").await
}

/// Define each story twice: `on_sqlite::name` and `on_postgres::name`.
#[macro_export]
macro_rules! stories {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::harness::sqlite().await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::harness::postgres().await else { return };
                    super::$name(db.store.clone()).await;
                }
            )*
        }
    };
}
