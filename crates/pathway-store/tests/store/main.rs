//! The storage suite: the same stories against SQLite and PostgreSQL, plus checks that only
//! make sense once (schema parity, SQLite backup and restore, opening by URL).
//!
//! PostgreSQL: `PATHWAY_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//! Each test gets its own schema, dropped afterwards even if the test fails. With no
//! PostgreSQL reachable and the variable unset, the PostgreSQL tests say they were skipped
//! and pass — unless `CI=true`, where they fail.

// A test fails by panicking; helpers outside #[test] functions may too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod backup;
mod bulk;
mod career;
mod fixtures;
mod harness;
mod migration;
mod oidc;
mod opening;
mod progression;
mod schema_parity;
mod stories;
mod tokens;
