//! SQLite backup (online, `VACUUM INTO`) and restore (refused while the database is open
//! elsewhere; contents replaced in place under SQLite's exclusive lock).

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_while_another_writer_has_the_database_open_is_refused_and_no_acknowledged_write_is_lost() {
    let dir = TempDir::new();
    let db = dir.path().join("pathway.db");
    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("open"));
    store.migrate().await.expect("migrate");
    let bexley = authority(&store, "bexley", "Bexley").await;
    let backup = dir.path().join("backup.db");
    store.backup(&backup).await.expect("backup");

    // Another user keeps adding workers; every one they were told was saved is noted.
    let writer = {
        let (store, bexley) = (store.clone(), bexley.clone());
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..30 {
                let number = format!("B{i}");
                let new = NewWorker { details: details(&number, "Written During Restore"), timeline: vec![] };
                if store.create_worker(&bexley, &new).await.is_ok() {
                    acknowledged.push(number);
                }
                tokio::task::yield_now().await;
            }
            acknowledged
        })
    };
    while !writer.is_finished() {
        let err = restore(&backup, &db).await.expect_err("the database is in use");
        assert_eq!(err.code(), "invalid", "{err}");
        assert!(err.to_string().contains("a restore never replaces a database others are writing to"), "{err}");
    }
    let acknowledged = writer.await.expect("writer");
    assert_eq!(acknowledged.len(), 30, "the writer was never disturbed");
    let err = restore(&backup, &db).await.expect_err("still open");
    assert!(err.to_string().contains("is in use"), "{err}");

    // Every acknowledged write is in the live database.
    let numbers = |workers: Vec<pathway_core::workforce::Worker>| {
        let mut n: Vec<String> = workers.iter().map(|w| w.details.employee_number.to_string()).collect();
        n.sort();
        n
    };
    let mut expected = acknowledged.clone();
    expected.sort();
    assert_eq!(numbers(store.workers(&bexley).await.expect("list")), expected);
    store.close().await;

    // Once nobody has it open, the restore goes ahead, and the replaced contents are kept.
    let restored = restore(&backup, &db).await.expect("restore");
    let previous = restored.previous.expect("kept");
    let old = Store::Sqlite(SqliteStore::open(&previous).await.expect("open kept copy"));
    let old_bexley = old.scope(&"bexley".parse().expect("id")).await.expect("scope");
    assert_eq!(numbers(old.workers(&old_bexley).await.expect("list")), expected, "nothing acknowledged was lost");
    old.close().await;
    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("reopen"));
    let bexley = store.scope(&"bexley".parse().expect("id")).await.expect("scope");
    assert!(store.workers(&bexley).await.expect("list").is_empty(), "the backup's state");
    store.close().await;
}

#[tokio::test]
async fn a_restore_replaces_the_contents_inside_the_same_file_so_no_writer_is_left_on_an_old_one() {
    let dir = TempDir::new();
    let db = dir.path().join("pathway.db");
    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("open"));
    store.migrate().await.expect("migrate");
    let bexley = authority(&store, "bexley", "Bexley").await;
    let backup = dir.path().join("backup.db");
    store.backup(&backup).await.expect("backup");
    store
        .create_worker(&bexley, &NewWorker { details: details("B9", "After The Backup"), timeline: vec![] })
        .await
        .expect("worker");
    store.close().await;

    // The database file is replaced in place, never swapped: the same file afterwards.
    let inode = |p: &std::path::Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).expect("file"));
    let before = inode(&db);
    restore(&backup, &db).await.expect("restore");
    assert_eq!(inode(&db), before, "restored into the same file");
    let store = Store::Sqlite(SqliteStore::open(&db).await.expect("reopen"));
    let bexley = store.scope(&"bexley".parse().expect("id")).await.expect("scope");
    assert!(store.workers(&bexley).await.expect("list").is_empty());
    store.close().await;
}
