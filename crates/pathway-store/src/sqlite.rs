//! SQLite: the embedded default. One file in WAL mode, created on first use, with an online
//! backup and an offline restore.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Transaction};

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

    /// Apply any migrations not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        migrator(BackendKind::Sqlite).run(&self.pool).await.map_err(migrate_error)
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

/// Replace the database at `database` with the backup `from`. Stop anything using the
/// database first: this swaps files. The backup is checked before anything changes, and
/// the replaced database is kept beside it (`<name>.before-restore-<time>`), never deleted.
pub async fn restore(from: &Path, database: &Path) -> Result<Restored> {
    check_copy(from).await?;
    let staging = sibling(database, "restoring");
    remove_if_present(&staging)?;
    // Copy through SQLite rather than the file system, so the staged file is a clean,
    // self-contained database even if the backup was taken mid-write by another tool.
    {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(SqliteConnectOptions::new().filename(from).read_only(true))
            .await
            .map_err(|e| StoreError::database(format!("opening {}", from.display()), e))?;
        let target = staging
            .to_str()
            .ok_or_else(|| StoreError::invalid(format!("{} is not a UTF-8 path", staging.display())))?;
        let copied = sqlx::query("VACUUM INTO $1").bind(target).execute(&pool).await;
        pool.close().await;
        copied.map_err(|e| StoreError::from_sqlx(format!("staging {}", staging.display()), e))?;
    }
    let previous = if database.exists() {
        // Fold the write-ahead log into the main file so the kept copy is complete alone.
        let current = SqliteStore::open(database).await?;
        let folded = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&current.pool).await;
        current.close().await;
        folded.map_err(|e| StoreError::from_sqlx(format!("checkpointing {}", database.display()), e))?;
        let kept = sibling(database, &format!("before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S")));
        rename(database, &kept)?;
        Some(kept)
    } else {
        None
    };
    for stale in ["wal", "shm"] {
        remove_if_present(&with_suffix(database, &format!("-{stale}")))?;
    }
    rename(&staging, database)?;
    Ok(Restored { database: database.to_owned(), previous })
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
