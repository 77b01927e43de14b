//! SQLite backup (online, `VACUUM INTO`) and restore (offline, file swap).

use pathway_core::workforce::NewWorker;
use pathway_store::sqlite::{SqliteStore, restore};
use pathway_store::{Store, Tenancy, Workforce};

use crate::fixtures::{authority, details};
use crate::harness::TempDir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_in_use_then_restore() {
    let dir = TempDir::new();
    let db = dir.path().join("pathway.db");
    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("open"));
    store.migrate().await.expect("migrate");
    let bexley = authority(&store, "bexley", "Bexley").await;
    let kept = store
        .create_worker(&bexley, &NewWorker { details: details("B1", "In The Backup"), timeline: vec![] })
        .await
        .expect("worker");

    let backup = dir.path().join("backup.db");
    store.backup(&backup).await.expect("backup while the store is open");
    let again = store.backup(&backup).await.expect_err("never overwrite a backup");
    assert_eq!(again.code(), "invalid");

    // A change after the backup, which the restore will undo.
    store
        .create_worker(&bexley, &NewWorker { details: details("B2", "After The Backup"), timeline: vec![] })
        .await
        .expect("later worker");
    store.close().await;

    let restored = restore(&backup, &db).await.expect("restore");
    let previous = restored.previous.expect("the replaced database is kept");
    assert!(previous.exists(), "{}", previous.display());

    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("reopen"));
    store.migrate().await.expect("already migrated");
    let bexley = store.scope(&"bexley".parse().expect("id")).await.expect("scope");
    let workers = store.workers(&bexley).await.expect("list");
    assert_eq!(workers, vec![kept], "exactly the backed-up state");
    store.close().await;

    // The kept copy still has the later worker.
    let old = Store::Sqlite(SqliteStore::open(&previous).await.expect("open kept copy"));
    let bexley = old.scope(&"bexley".parse().expect("id")).await.expect("scope");
    assert_eq!(old.workers(&bexley).await.expect("list").len(), 2);
    old.close().await;
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_pathway_database() {
    let dir = TempDir::new();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").expect("write");
    let target = dir.path().join("pathway.db");
    let err = restore(&junk, &target).await.expect_err("junk");
    assert!(!target.exists(), "nothing was put in place");
    assert!(matches!(err.code(), "database" | "invalid"), "{err}");

    let empty = dir.path().join("empty.db");
    let store = SqliteStore::open(&empty).await.expect("create an empty SQLite file");
    store.close().await;
    let err = restore(&empty, &target).await.expect_err("no migrations table");
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("not a Pathway database"), "{err}");
}
