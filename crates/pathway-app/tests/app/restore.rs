//! `db restore` against a database in use: refused while anything else has it open, so a
//! write someone was told is saved is never lost.

use pathway_app::config::{Config, Database};
use pathway_app::model::{EmployeeNumber, EmploymentType, NewWorker, PersonName, WorkerDetails};
use pathway_app::service::{self, Pathway};
use pathway_store::testing::TempDir;
use pathway_store::{Tenancy, Workforce};

use crate::council::date;

async fn person(p: &Pathway, number: &str) {
    let details = WorkerDetails::new(
        EmployeeNumber::parse(number).expect("number"),
        PersonName::parse(&format!("Worker {number}")).expect("name"),
        EmploymentType::Permanent,
        date(2018, 4, 3),
    );
    p.add_worker("rotherham", &NewWorker { details, timeline: vec![] }).await.expect("worker");
}

async fn workers(p: &Pathway) -> usize {
    let scope = p.store().scope(&"rotherham".parse().expect("id")).await.expect("scope");
    p.store().workers(&scope).await.expect("workers").len()
}

#[tokio::test]
async fn a_restore_while_pathway_has_the_database_open_is_refused_and_loses_nothing() {
    let dir = TempDir::new();
    let config = Config { database: Database::Sqlite { path: dir.path().join("pathway.db") }, ..Config::defaults() };
    let p = Pathway::open(config.clone()).await.expect("open");
    p.onboard_authority("rotherham", "Rotherham Metropolitan Borough Council", "rotherham").await.expect("onboard");
    let backup = dir.path().join("backup.db");
    p.backup(&backup).await.expect("backup");
    person(&p, "R1").await;

    // Pathway (a server, say) still has the database open: the restore is refused.
    let err = service::restore(&config, &backup).await.expect_err("in use");
    assert!(err.to_string().contains("is in use"), "{err}");
    assert!(err.to_string().contains("a restore never replaces a database others are writing to"), "{err}");
    // Nothing changed, and writing goes on.
    person(&p, "R2").await;
    assert_eq!(workers(&p).await, 2);
    p.close().await;

    // Closed: the restore goes ahead, keeping what it replaced.
    let restored = service::restore(&config, &backup).await.expect("restore");
    assert!(restored.previous.as_ref().is_some_and(|kept| kept.exists()));
    let p = Pathway::open(config).await.expect("reopen");
    assert_eq!(workers(&p).await, 0, "the backup's state");
    p.close().await;
}
