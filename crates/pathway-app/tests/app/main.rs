//! The application layer over real storage, each story on SQLite and (when reachable)
//! PostgreSQL: progression end to end, one story per seed authority taking a worker through a
//! real route of their framework to the next level and checking their record changed; and
//! importing and exporting workers.

// A test fails by panicking; helpers outside #[test] functions may too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anonymisation;
mod audit;
mod authority;
mod bexley;
mod career;
mod clock;
mod council;
mod eligibility_binds;
mod evidence_makers;
mod harness;
mod hostile;
mod import;
mod in_force;
mod medway;
mod onboarding;
mod operator;
mod records;
mod restore;
mod retention;
mod rotherham;
mod route_shapes;
mod viewer_records;
mod west_sussex;
