//! SQLite: the embedded default. One file in WAL mode, created on first use, with an online
//! backup and an offline restore.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row, Transaction};

use crate::api::{BackendKind, Column, ForeignKey, Index, Schema, Table};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};
use crate::migrations::{latest_version, migrate_error, migrator};
use crate::predicate;

/// The store the shared SQL implements the storage traits for (see backend.rs).
type Backend = SqliteStore;

// The workforce traits in SQL both databases accept, compiled here against SQLite.
#[allow(clippy::duplicate_mod)]
#[path = "sql_workforce.rs"]
mod sql_workforce;

// The progression traits, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_progression.rs"]
mod sql_progression;

// Accounts and sessions, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_accounts.rs"]
mod sql_accounts;

// API tokens and idempotent answers, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_tokens.rs"]
mod sql_tokens;
// OpenID Connect providers, sign-ins under way and identities, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_oidc.rs"]
mod sql_oidc;
// Retention periods, legal holds and erasure, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_retention.rs"]
mod sql_retention;
// Registration, CPD and audited appraisals, compiled the same way.
#[allow(clippy::duplicate_mod)]
#[path = "sql_career.rs"]
mod sql_career;

/// How long a writer waits for another writer to finish before giving up. Long, because
/// an import holds the write lock for the whole import.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Workforce records in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqlBackend for SqliteStore {
    type Db = sqlx::Sqlite;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// `BEGIN IMMEDIATE` takes the write lock at once, so concurrent writers queue (up to
    /// the busy timeout) instead of one failing with "database is locked" when it tries to
    /// upgrade a read to a write.
    async fn begin_write(&self) -> Result<Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(|e| StoreError::from_sqlx("starting a write", e))
    }

    /// In WAL mode a deferred transaction reads one snapshot from its first statement to
    /// its end.
    async fn begin_read(&self) -> Result<Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin().await.map_err(|e| StoreError::from_sqlx("starting a read", e))
    }

    /// SQLite needs no statistics refreshed during an import (it plans each statement
    /// afresh and picks the key): see the PostgreSQL store for why that one does.
    async fn refresh_worker_statistics(_conn: &mut SqliteConnection, _incoming: usize) -> Result<()> {
        Ok(())
    }
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed change survives power loss, not only a crash. The cost is one
        // extra sync per commit, which a records system can afford.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
}

impl SqliteStore {
    /// Open (creating if missing) the database file at `path`.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options(path))
            .await
            .map_err(|e| StoreError::database(format!("opening the SQLite database {}", path.display()), e))?;
        Ok(SqliteStore { pool, path: path.to_owned() })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Apply any migrations not yet applied, then chain audit entries written before the
    /// trail was hash-chained ([`crate::Store::seal_audit_chain`]).
    pub async fn migrate(&self) -> Result<()> {
        migrator(BackendKind::Sqlite).run(&self.pool).await.map_err(migrate_error)?;
        self.seal_audit_chain().await?;
        Ok(())
    }

    /// Close every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The migrated schema, for comparison with PostgreSQL's.
    pub async fn schema(&self) -> Result<Schema> {
        let context = |what: &str| format!("describing the SQLite schema ({what})");
        let mut conn = self.pool.acquire().await.map_err(|e| StoreError::from_sqlx(context("connecting"), e))?;
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(context("tables"), e))?;
        let mut schema = Schema::default();
        for name in names {
            let mut table = Table::default();
            let columns = sqlx::query(r#"SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY cid"#)
                .bind(&name)
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| StoreError::from_sqlx(context(&name), e))?;
            let mut key: Vec<(i64, String)> = Vec::new();
            for c in &columns {
                let column: String = c.try_get("name").map_err(|e| StoreError::from_sqlx(context(&name), e))?;
                let kind: String = c.try_get("type").map_err(|e| StoreError::from_sqlx(context(&name), e))?;
                let not_null: i64 = c.try_get("notnull").map_err(|e| StoreError::from_sqlx(context(&name), e))?;
                let pk: i64 = c.try_get("pk").map_err(|e| StoreError::from_sqlx(context(&name), e))?;
                if pk > 0 {
                    key.push((pk, column.clone()));
                }
                table.columns.push(Column { name: column, kind: kind.to_lowercase(), nullable: not_null == 0 });
            }
            key.sort();
            table.primary_key = key.into_iter().map(|(_, c)| c).collect();
            let fks = sqlx::query(
                r#"SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list($1) ORDER BY id, seq"#,
            )
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(context(&name), e))?;
            let mut current: Option<(i64, ForeignKey)> = None;
            for fk in &fks {
                let get = |col: &str| -> Result<String> {
                    fk.try_get::<Option<String>, _>(col)
                        .map(Option::unwrap_or_default)
                        .map_err(|e| StoreError::from_sqlx(context(&name), e))
                };
                let id: i64 = fk.try_get("id").map_err(|e| StoreError::from_sqlx(context(&name), e))?;
                match &mut current {
                    Some((at, key)) if *at == id => {
                        key.columns.push(get("from")?);
                        key.referenced_columns.push(get("to")?);
                    }
                    _ => {
                        if let Some((_, done)) = current.take() {
                            table.foreign_keys.push(done);
                        }
                        current = Some((
                            id,
                            ForeignKey {
                                columns: vec![get("from")?],
                                references: get("table")?,
                                referenced_columns: vec![get("to")?],
                            },
                        ));
                    }
                }
            }
            if let Some((_, done)) = current {
                table.foreign_keys.push(done);
            }
            table.foreign_keys.sort();
            table.indexes = indexes(&mut conn, &name).await.map_err(|e| StoreError::from_sqlx(context(&name), e))?;
            schema.tables.insert(name, table);
        }
        Ok(schema)
    }

    /// Copy the whole database to a new file `to`, while it stays in use. Uses SQLite's
    /// `VACUUM INTO`, which writes a consistent snapshot (sqlx exposes no safe binding of
    /// the C backup API, and this crate forbids unsafe code); the copy is then checked.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::invalid(format!(
                "{} already exists; back up to a new file so no backup is overwritten",
                to.display()
            )));
        }
        let target = to.to_str().ok_or_else(|| {
            StoreError::invalid(format!("{} is not a UTF-8 path; choose a simpler file name", to.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("backing up to {}", to.display()), e))?;
        check_copy(to).await.map(|_| ())
    }
}

/// A table's indexes other than its primary key's, sorted. SQLite reports where each came
/// from: `c` for `CREATE INDEX`, `u` for a `UNIQUE` constraint (named `sqlite_autoindex_...`,
/// so described without a name), `pk` for the primary key (compared as the key itself).
async fn indexes(conn: &mut SqliteConnection, table: &str) -> std::result::Result<Vec<Index>, sqlx::Error> {
    let listed = sqlx::query(r#"SELECT name, "unique", origin FROM pragma_index_list($1)"#)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
    let mut indexes = Vec::new();
    for index in &listed {
        let name: String = index.try_get("name")?;
        let origin: String = index.try_get("origin")?;
        if origin == "pk" {
            continue;
        }
        let columns: Vec<Option<String>> = sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await?;
        let statement: Option<Option<String>> =
            sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = $1")
                .bind(&name)
                .fetch_optional(&mut *conn)
                .await?;
        let unique: i64 = index.try_get("unique")?;
        indexes.push(Index {
            name: (origin == "c").then_some(name),
            columns: columns.into_iter().map(|c| c.unwrap_or_else(|| "(expression)".to_owned())).collect(),
            unique: unique != 0,
            predicate: statement.flatten().and_then(|sql| predicate::of_create_index(&sql)),
        });
    }
    indexes.sort();
    Ok(indexes)
}

/// Open `path` read-only and check it is a sound Pathway database; its migration version.
async fn check_copy(path: &Path) -> Result<i64> {
    let opts = SqliteConnectOptions::new().filename(path).read_only(true).create_if_missing(false);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(|e| StoreError::database(format!("opening {}", path.display()), e))?;
    let result = check_pool(&pool, path).await;
    pool.close().await;
    result
}

async fn check_pool(pool: &SqlitePool, path: &Path) -> Result<i64> {
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("checking {}", path.display()), e))?;
    if integrity != "ok" {
        return Err(StoreError::invalid(format!("{} is damaged: {integrity}", path.display())));
    }
    let has_migrations: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(pool)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("checking {}", path.display()), e))?;
    if has_migrations.is_none() {
        return Err(StoreError::invalid(format!("{} is not a Pathway database", path.display())));
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("checking {}", path.display()), e))?;
    let version = version.unwrap_or(0);
    if version > latest_version() {
        return Err(StoreError::invalid(format!(
            "{} was written by a newer Pathway (schema version {version}; this build knows up to {})",
            path.display(),
            latest_version()
        )));
    }
    Ok(version)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The database file now holding the backup's contents.
    pub database: PathBuf,
    /// Where the database that was replaced was kept, if there was one.
    pub previous: Option<PathBuf>,
}

/// Replace the contents of the database at `database` with the backup `from`.
///
/// Refuses while anything else has the database open (a Pathway server or command, a
/// SQLite tool): the restore first takes SQLite's exclusive lock on the live file, which
/// it gets only when no other connection is open, and holds it to the end. The contents are
/// then replaced inside that file in one transaction — the file is never swapped, so a
/// program that opens it meanwhile waits for the lock and then sees the restored data, and
/// no write can land in a file nobody reads. The backup is checked before anything changes,
/// and a copy of the replaced database is kept beside it (`<name>.before-restore-<time>`).
pub async fn restore(from: &Path, database: &Path) -> Result<Restored> {
    check_copy(from).await?;
    if !database.exists() {
        let staging = sibling(database, "restoring");
        remove_if_present(&staging)?;
        vacuum_into(from, &staging).await?;
        rename(&staging, database)?;
        return Ok(Restored { database: database.to_owned(), previous: None });
    }
    let mut conn = exclusive(database).await?;
    let replaced = replace_contents(&mut conn, from, database).await;
    let closed = sqlx::Connection::close(conn).await;
    let previous = replaced?;
    closed.map_err(|e| StoreError::from_sqlx(format!("closing {}", database.display()), e))?;
    Ok(Restored { database: database.to_owned(), previous: Some(previous) })
}

/// Why a restore is refused while the database is open elsewhere.
pub const IN_USE: &str = "is in use (a Pathway server or command, or a SQLite tool, has it open); \
     stop them and restore again: a restore never replaces a database others are writing to";

/// One connection to `database` holding SQLite's exclusive lock, or the refusal saying it is
/// in use. In WAL mode, any other open connection keeps the lock from being granted.
async fn exclusive(database: &Path) -> Result<SqliteConnection> {
    use sqlx::ConnectOptions;
    let in_use = |e: &sqlx::Error| {
        e.as_database_error()
            .and_then(|d| d.code())
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|code| matches!(code & 0xFF, 5 | 6))
    };
    let refused = |e: sqlx::Error| {
        if in_use(&e) {
            StoreError::invalid(format!("{} {IN_USE}", database.display()))
        } else {
            StoreError::from_sqlx(format!("locking {} to restore it", database.display()), e)
        }
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .locking_mode(sqlx::sqlite::SqliteLockingMode::Exclusive)
        .foreign_keys(false)
        .busy_timeout(Duration::from_millis(200))
        .connect()
        .await
        .map_err(refused)?;
    // The first write takes the exclusive lock; in exclusive mode it is kept until closed.
    let locked = async {
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
        sqlx::query("CREATE TABLE temp_restore_lock(x)").execute(&mut conn).await?;
        sqlx::query("ROLLBACK").execute(&mut conn).await
    }
    .await;
    if let Err(e) = locked {
        let _ = sqlx::Connection::close(conn).await;
        return Err(refused(e));
    }
    Ok(conn)
}

/// With the lock held: keep a copy of the current contents, then replace every table,
/// index, trigger and view with the backup's in one transaction. The kept copy's path.
async fn replace_contents(conn: &mut SqliteConnection, from: &Path, database: &Path) -> Result<PathBuf> {
    let fail = |what: &str| {
        let what = format!("restoring {} ({what})", database.display());
        move |e: sqlx::Error| StoreError::from_sqlx(what, e)
    };
    let kept = sibling(database, &format!("before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f")));
    let kept_name = utf8(&kept)?;
    sqlx::query("VACUUM INTO $1").bind(kept_name).execute(&mut *conn).await.map_err(fail("keeping a copy"))?;
    sqlx::query("ATTACH DATABASE $1 AS backup")
        .bind(utf8(from)?)
        .execute(&mut *conn)
        .await
        .map_err(fail("attaching"))?;
    let copied = async {
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut *conn).await?;
        let current: Vec<(String, String)> = sqlx::query_as(
            "SELECT type, name FROM main.sqlite_schema
              WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite_%'
              ORDER BY CASE type WHEN 'view' THEN 0 WHEN 'trigger' THEN 1 ELSE 2 END",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (kind, name) in &current {
            // Names and kinds come from SQLite's own schema table, quoted.
            sqlx::query(AssertSqlSafe(format!("DROP {} IF EXISTS main.{}", kind.to_uppercase(), quoted(name))))
                .execute(&mut *conn)
                .await?;
        }
        let wanted: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT type, name, sql FROM backup.sqlite_schema
              WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
              ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'trigger' THEN 2 ELSE 3 END",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (kind, name, sql) in &wanted {
            // The backup's own schema statements (checked as a Pathway database above).
            sqlx::query(AssertSqlSafe(sql.as_str())).execute(&mut *conn).await?;
            if kind == "table" {
                let name = quoted(name);
                sqlx::query(AssertSqlSafe(format!("INSERT INTO main.{name} SELECT * FROM backup.{name}")))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        let has_sequence: Option<String> =
            sqlx::query_scalar("SELECT name FROM backup.sqlite_schema WHERE name = 'sqlite_sequence'")
                .fetch_optional(&mut *conn)
                .await?;
        if has_sequence.is_some() {
            sqlx::query("DELETE FROM main.sqlite_sequence").execute(&mut *conn).await?;
            sqlx::query("INSERT INTO main.sqlite_sequence SELECT * FROM backup.sqlite_sequence")
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("COMMIT").execute(&mut *conn).await
    }
    .await;
    if copied.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    let _ = sqlx::query("DETACH DATABASE backup").execute(&mut *conn).await;
    copied.map_err(fail("copying the backup in"))?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await.map_err(fail("checkpointing"))?;
    Ok(kept)
}

/// An SQL identifier, quoted.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn utf8(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| StoreError::invalid(format!("{} is not a UTF-8 path", path.display())))
}

/// Copy the database `from` to a new file through SQLite, so the copy is a clean,
/// self-contained database even if `from` was taken mid-write by another tool.
async fn vacuum_into(from: &Path, to: &Path) -> Result<()> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(from).read_only(true))
        .await
        .map_err(|e| StoreError::database(format!("opening {}", from.display()), e))?;
    let copied = sqlx::query("VACUUM INTO $1").bind(utf8(to)?).execute(&pool).await;
    pool.close().await;
    copied.map_err(|e| StoreError::from_sqlx(format!("staging {}", to.display()), e))?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn sibling(path: &Path, tag: &str) -> PathBuf {
    with_suffix(path, &format!(".{tag}"))
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::database(format!("removing {}", path.display()), e)),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .map_err(|e| StoreError::database(format!("renaming {} to {}", from.display(), to.display()), e))
}
