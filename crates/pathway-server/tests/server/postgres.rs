//! Two servers on one PostgreSQL database share sessions: signed in on one, recognised on the
//! other, signed out on the other and gone on the first. Runs when PostgreSQL is reachable at
//! `PATHWAY_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test); skipped
//! with a notice otherwise, unless that variable is set or CI=true, when it must run.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use super::*;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database made for one test, dropped (with any connections left) on drop.
pub(crate) struct FreshDatabase {
    admin_url: String,
    name: String,
}

impl FreshDatabase {
    pub(crate) async fn create() -> Option<FreshDatabase> {
        let (admin_url, explicit) = match std::env::var("PATHWAY_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => (url, true),
            _ => (DEFAULT_URL.to_owned(), false),
        };
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let conn = match tokio::time::timeout(Duration::from_secs(3), PgConnection::connect(&admin_url)).await {
            Ok(Ok(conn)) => conn,
            outcome => {
                let why = match outcome {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer within 3 seconds".to_owned(),
                };
                if explicit || ci {
                    panic!(
                        "PostgreSQL is required (PATHWAY_TEST_POSTGRES_URL or CI=true) but cannot be reached: {why}"
                    );
                }
                eprintln!("\nSKIPPED: two servers on one PostgreSQL (cannot connect to {admin_url}: {why})\n");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("pathway_serve_{}_{nanos}", std::process::id());
        let mut conn = conn;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        Some(FreshDatabase { admin_url, name })
    }

    /// The URL of this database: the admin URL with its database name replaced.
    pub(crate) fn url(&self) -> String {
        let base = self.admin_url.split('?').next().unwrap_or(&self.admin_url);
        let (server, _) = base.rsplit_once('/').unwrap();
        format!("{server}/{}", self.name)
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread with its own runtime can block.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&url).await?;
                sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}; drop it by hand", self.name);
        }
    }
}

#[tokio::test]
async fn two_servers_on_one_postgresql_share_sessions() {
    let Some(database) = FreshDatabase::create().await else { return };
    let dir = Scratch::new();
    let url = database.url();
    let one = Server::start(config(Database::parse(&url, "test").unwrap(), start_time(), &dir)).await;
    bexley(&one.pathway).await;
    let two = Server::start(config(Database::parse(&url, "test").unwrap(), start_time(), &dir)).await;

    let mut dan = Client::new();
    let (status, body) = dan.sign_in(&one, "dan", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, me) = dan.get(&two, "/api/v1/me").await;
    assert_eq!((status, me["person"]["name"].as_str()), (StatusCode::OK, Some("Daniel Hussain")));

    // Failures counted on one server lock the account on the other.
    for _ in 0..5 {
        Client::new().sign_in(&one, "dan", "guessing the password", None).await;
    }
    assert_eq!(Client::new().sign_in(&two, "dan", PASSWORD, None).await.0, StatusCode::UNAUTHORIZED);

    // Signed out on the second server (with the token the first gave): gone on the first.
    assert_eq!(dan.sign_out(&two, true).await.0, StatusCode::NO_CONTENT);
    assert_eq!(dan.get(&one, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(Client::new().get(&two, "/healthz").await.0, StatusCode::OK);
    one.stop().await;
    two.stop().await;
}
