//! The contract between a database and the shared SQL.
//!
//! The storage traits are implemented once, in SQL both databases accept:
//! `sql_workforce.rs` (with `bulk.rs` inside it) and `sql_progression.rs`. Rather than make
//! that code generic over sqlx's driver traits (whose bounds would drown every query) or use
//! sqlx's `Any` driver (whose placeholders differ per database), each backend module compiles
//! the files against itself, so every query is checked against one concrete driver. The
//! backend module supplies exactly this:
//!
//! ```text
//! /// The store the shared files implement the storage traits for.
//! type Backend = SqliteStore;
//!
//! #[allow(clippy::duplicate_mod)]
//! #[path = "sql_workforce.rs"]
//! mod sql_workforce;
//! #[allow(clippy::duplicate_mod)]
//! #[path = "sql_progression.rs"]
//! mod sql_progression;
//!
//! impl SqlBackend for SqliteStore { /* ... */ }
//! ```
//!
//! Everything else the shared files take from the database comes through [`SqlBackend`], so
//! forgetting a piece is a compile error naming it (`SqlBackend is not implemented`, or
//! `missing begin_read in implementation`). The SQL itself is the common dialect: `$n`
//! placeholders (SQLite accepts them), `RETURNING`, and every value bound from Rust
//! (timestamps are made by the shared code, never by `now()` in SQL).
//!
//! A third database would also need a [`Store`](crate::Store) variant (dispatched in
//! `store.rs`) and its own column of migration steps in `migrations.rs`, which the
//! schema-parity test holds to the others.

use sqlx::{Database, Pool, Transaction};

use crate::error::Result;

/// What a database supplies for the shared SQL to run on it: its driver, its pool, and the
/// places where the databases must behave differently to keep the same guarantees.
pub(crate) trait SqlBackend {
    /// The sqlx driver every shared query is compiled against.
    type Db: Database;

    /// The pool reads without a transaction take a connection from.
    fn pool(&self) -> &Pool<Self::Db>;

    /// Start a transaction that will write. Concurrent writers must queue rather than fail
    /// (SQLite takes the write lock up front; PostgreSQL relies on row locks and versions).
    fn begin_write(&self) -> impl Future<Output = Result<Transaction<'static, Self::Db>>> + Send;

    /// Start a read of several statements that must all see the same moment.
    fn begin_read(&self) -> impl Future<Output = Result<Transaction<'static, Self::Db>>> + Send;

    /// Called inside a bulk import once its first chunk of workers is written, with the
    /// number arriving: a database whose planner needs fresh statistics to use the right key
    /// for the rest of the import refreshes them here.
    fn refresh_worker_statistics(
        conn: &mut <Self::Db as Database>::Connection,
        incoming: usize,
    ) -> impl Future<Output = Result<()>> + Send;
}
