//! Choosing the database from what a person configured.

use pathway_store::{BackendKind, open};

use crate::harness::TempDir;

#[tokio::test]
async fn paths_and_sqlite_urls_open_sqlite_files() {
    let dir = TempDir::new();
    let path = dir.path().join("a.db");
    let store = open(path.to_str().expect("utf-8")).await.expect("plain path");
    assert_eq!(store.kind(), BackendKind::Sqlite);
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrating twice is harmless");
    store.close().await;
    assert!(path.exists(), "the file is created on first use");

    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    let store = open(&url).await.expect("sqlite URL");
    assert_eq!(store.kind(), BackendKind::Sqlite);
    store.close().await;
}

#[tokio::test]
async fn unsupported_or_unreachable_databases_are_clear_errors() {
    let err = open("mysql://localhost/pathway").await.expect_err("mysql");
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("not supported"), "{err}");

    let err = open("").await.expect_err("empty");
    assert_eq!(err.code(), "invalid");

    // Port 1 refuses at once; the error says where, without the password.
    let err = open("postgres://pathway:hunter2@127.0.0.1:1/pathway").await.expect_err("unreachable");
    assert_eq!(err.code(), "database");
    let message = err.to_string();
    assert!(message.contains("connecting to PostgreSQL at 127.0.0.1:1/pathway"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}
