//! PostgreSQL: for shared services at regional or national scale.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Row, Transaction};

use crate::api::{BackendKind, Column, ForeignKey, Index, Schema, Table};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};
use crate::migrations::{migrate_error, migrator};
use crate::predicate;

/// The store the shared SQL implements the storage traits for (see backend.rs).
type Backend = PostgresStore;

// The workforce traits in SQL both databases accept, compiled here against PostgreSQL.
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

/// How long to wait for PostgreSQL to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Workforce records in a PostgreSQL database (optionally in one schema of it).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    schema: Option<String>,
}

impl SqlBackend for PostgresStore {
    type Db = sqlx::Postgres;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// READ COMMITTED is enough: every update names the version it read, and a concurrent
    /// writer's update waits for the row lock, re-checks, and finds the version moved.
    async fn begin_write(&self) -> Result<Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(|e| StoreError::from_sqlx("starting a write", e))
    }

    /// REPEATABLE READ gives the statements one snapshot (READ COMMITTED would let each
    /// statement see a different moment).
    async fn begin_read(&self) -> Result<Transaction<'static, sqlx::Postgres>> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(|e| StoreError::from_sqlx("starting a read", e))
    }

    /// A table without statistics (a new database) or with far fewer rows than are arriving
    /// misleads the planner: it may check each history row's foreign key against `workers`
    /// through an index led by `authority_id` alone (the employee-number one), scanning every
    /// worker of the authority per row, and it caches that plan for the session, so the
    /// import turns quadratic. With statistics it uses the (authority_id, id) key.
    ///
    /// ANALYZE holds a lock that another ANALYZE waits for until this import commits, so it
    /// is run only when the statistics are missing or small beside the import, and gives up
    /// after two seconds (inside a savepoint, so giving up leaves the import as it was): a
    /// concurrent import then just goes without.
    async fn refresh_worker_statistics(conn: &mut PgConnection, incoming: usize) -> Result<()> {
        let run = |sql: &'static str| sqlx::query(sql);
        let failed = |e| StoreError::from_sqlx("refreshing statistics on workers", e);
        // reltuples is -1 until the table is first analysed.
        let known: f32 = sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE oid = 'workers'::regclass")
            .fetch_one(&mut *conn)
            .await
            .map_err(failed)?;
        #[allow(clippy::cast_precision_loss)] // a row count; precision is beside the point
        if known >= 0.0 && incoming as f64 <= f64::from(known) {
            return Ok(());
        }
        run("SAVEPOINT refresh_statistics").execute(&mut *conn).await.map_err(failed)?;
        run("SET LOCAL lock_timeout = '2s'").execute(&mut *conn).await.map_err(failed)?;
        let end = match run("ANALYZE workers").execute(&mut *conn).await {
            Ok(_) => "RELEASE SAVEPOINT refresh_statistics",
            Err(_) => "ROLLBACK TO SAVEPOINT refresh_statistics",
        };
        run(end).execute(&mut *conn).await.map_err(failed)?;
        run("SET LOCAL lock_timeout TO DEFAULT").execute(&mut *conn).await.map_err(failed)?;
        Ok(())
    }
}

fn check_schema_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: Some("schema"),
            message: format!("`{name}` is not a usable schema name: use lowercase letters, digits and underscores"),
        })
    }
}

impl PostgresStore {
    /// Connect to the database at `url` (`postgres://user@host:port/database`). With `schema`,
    /// Pathway's tables live in that schema (created by [`PostgresStore::migrate`]).
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PostgresStore> {
        let mut options = PgConnectOptions::from_str(url).map_err(|e| StoreError::Invalid {
            field: Some("database URL"),
            message: format!("not a PostgreSQL URL: {e}"),
        })?;
        // The application name shows in pg_stat_activity, so operators (and the test
        // clean-up) can see which sessions are Pathway's.
        options = options.application_name("pathway");
        if let Some(schema) = schema {
            check_schema_name(schema)?;
            options = options.options([("search_path", schema)]).application_name(&format!("pathway/{schema}"));
        }
        // Say where without echoing the URL, which may hold a password.
        let place = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("(default database)")
        );
        let context = || format!("connecting to PostgreSQL at {place}");
        // Try one connection first: a pool that cannot connect only reports that it timed
        // out, while a single attempt says why (refused, unknown role, no such database).
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| StoreError::database(context(), "no answer within 10 seconds"))?
            .map_err(|e| StoreError::database(context(), e))?;
        probe.close().await.map_err(|e| StoreError::database(context(), e))?;
        let pool = PgPoolOptions::new().max_connections(8).acquire_timeout(CONNECT_TIMEOUT).connect_lazy_with(options);
        Ok(PostgresStore { pool, schema: schema.map(str::to_owned) })
    }

    /// Apply any migrations not yet applied (creating the schema first, if one was named),
    /// then chain audit entries written before the trail was hash-chained
    /// ([`crate::Store::seal_audit_chain`]).
    pub async fn migrate(&self) -> Result<()> {
        if let Some(schema) = &self.schema {
            // The name was checked by `connect`, so quoting it is safe.
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")))
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(format!("creating schema {schema}"), e))?;
        }
        migrator(BackendKind::Postgres).run(&self.pool).await.map_err(migrate_error)?;
        self.seal_audit_chain().await?;
        Ok(())
    }

    /// Close every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The migrated schema, for comparison with SQLite's. Types are reduced to `integer` and
    /// `text` (SQLite keeps dates and timestamps as text).
    pub async fn schema(&self) -> Result<Schema> {
        let context = |what: &str| format!("describing the PostgreSQL schema ({what})");
        let mut conn = self.pool.acquire().await.map_err(|e| StoreError::from_sqlx(context("connecting"), e))?;
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> '_sqlx_migrations' ORDER BY table_name",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(context("tables"), e))?;
        let mut schema = Schema::default();
        for name in names {
            let err = |e| StoreError::from_sqlx(context(&name), e);
            let mut table = Table::default();
            let columns = sqlx::query(
                "SELECT column_name::text AS name, data_type::text AS kind, is_nullable::text AS nullable
                 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
            for c in &columns {
                let kind: String = c.try_get("kind").map_err(err)?;
                let kind = match kind.as_str() {
                    "bigint" | "integer" | "smallint" => "integer".to_owned(),
                    "text" | "date" | "timestamp with time zone" | "character varying" => "text".to_owned(),
                    other => other.to_owned(),
                };
                let nullable: String = c.try_get("nullable").map_err(err)?;
                table.columns.push(Column { name: c.try_get("name").map_err(err)?, kind, nullable: nullable == "YES" });
            }
            table.primary_key = sqlx::query_scalar(
                "SELECT a.attname::text
                 FROM pg_constraint c
                 JOIN pg_class t ON t.oid = c.conrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                 WHERE c.contype = 'p' AND n.nspname = current_schema() AND t.relname = $1
                 ORDER BY k.ord",
            )
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
            let fks = sqlx::query(
                "SELECT r.relname::text AS referenced_table,
                        array_to_string(ARRAY(
                            SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                            ORDER BY k.ord), ',') AS columns,
                        array_to_string(ARRAY(
                            SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                            ORDER BY k.ord), ',') AS referenced_columns
                 FROM pg_constraint c
                 JOIN pg_class t ON t.oid = c.conrelid
                 JOIN pg_class r ON r.oid = c.confrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1",
            )
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
            for fk in &fks {
                let split = |s: String| s.split(',').map(str::to_owned).collect::<Vec<_>>();
                table.foreign_keys.push(ForeignKey {
                    columns: split(fk.try_get("columns").map_err(err)?),
                    references: fk.try_get("referenced_table").map_err(err)?,
                    referenced_columns: split(fk.try_get("referenced_columns").map_err(err)?),
                });
            }
            table.foreign_keys.sort();
            // Every index but the primary key's; one a constraint made is described without
            // its name, as SQLite does not keep it.
            let indexes = sqlx::query(
                "SELECT i.relname::text AS name,
                        EXISTS (SELECT 1 FROM pg_constraint k
                                WHERE k.conindid = x.indexrelid AND k.contype <> 'f') AS from_constraint,
                        x.indisunique AS is_unique,
                        ARRAY(
                            SELECT CASE WHEN x.indkey[k - 1] = 0 THEN '(expression)'
                                        ELSE pg_get_indexdef(x.indexrelid, k, true) END
                            FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns,
                        pg_get_expr(x.indpred, x.indrelid) AS predicate
                 FROM pg_index x
                 JOIN pg_class i ON i.oid = x.indexrelid
                 JOIN pg_class t ON t.oid = x.indrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE NOT x.indisprimary AND n.nspname = current_schema() AND t.relname = $1",
            )
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(err)?;
            for index in &indexes {
                let from_constraint: bool = index.try_get("from_constraint").map_err(err)?;
                let predicate: Option<String> = index.try_get("predicate").map_err(err)?;
                table.indexes.push(Index {
                    name: if from_constraint { None } else { Some(index.try_get("name").map_err(err)?) },
                    columns: index.try_get("columns").map_err(err)?,
                    unique: index.try_get("is_unique").map_err(err)?,
                    predicate: predicate.as_deref().map(predicate::canonical),
                });
            }
            table.indexes.sort();
            schema.tables.insert(name, table);
        }
        Ok(schema)
    }
}
