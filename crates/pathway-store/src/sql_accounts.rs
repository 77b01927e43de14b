//! The [`Accounts`] trait in SQL both databases accept, compiled once per backend like
//! `sql_workforce.rs` (see backend.rs for the contract).

use chrono::{DateTime, Utc};
use pathway_core::ids::WorkerId;
use sqlx::Database;

use super::Backend;
use super::sql_workforce::{acquire, col, commit};
use crate::api::AuthorityScope;
use crate::api::accounts::{Accounts, Credentials, NewAccount, NewSession, SignInEvent, StoredAccount, StoredSession};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

pub(super) const ACCOUNT_COLUMNS: &str = "SELECT a.id, a.authority_id, a.worker_id, a.username, a.password_hash, a.totp_secret, \
     a.totp_last_step, a.failed_sign_ins, a.locked_at, a.disabled_at, a.created_at FROM accounts a";

fn account_from(row: &DbRow, system_roles: Vec<String>) -> Result<StoredAccount> {
    let authority: String = col(row, "authority_id")?;
    Ok(StoredAccount {
        id: col(row, "id")?,
        authority: authority
            .parse()
            .map_err(|e| StoreError::database("reading column `authority_id`, which Pathway does not accept", e))?,
        worker: WorkerId::new(col(row, "worker_id")?),
        username: col(row, "username")?,
        system_roles,
        has_password: col::<Option<String>>(row, "password_hash")?.is_some(),
        totp_enrolled: col::<Option<String>>(row, "totp_secret")?.is_some(),
        failed_sign_ins: col(row, "failed_sign_ins")?,
        locked_at: col(row, "locked_at")?,
        disabled_at: col(row, "disabled_at")?,
        created_at: col(row, "created_at")?,
    })
}

async fn roles_of(conn: &mut Conn, account: i64) -> Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>("SELECT role FROM account_system_roles WHERE account_id = $1 ORDER BY role")
        .bind(account)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading an account's system roles", e))
}

pub(super) async fn load_account(conn: &mut Conn, row: &DbRow) -> Result<StoredAccount> {
    let id: i64 = col(row, "id")?;
    let roles = roles_of(conn, id).await?;
    account_from(row, roles)
}

/// The account `username` in the scope, read on `conn`.
async fn scoped_account(conn: &mut Conn, scope: &AuthorityScope, username: &str) -> Result<StoredAccount> {
    let sql = format!("{ACCOUNT_COLUMNS} WHERE a.authority_id = $1 AND a.username = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.as_str())
        .bind(username)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading account {username}"), e))?
        .ok_or_else(|| scope.not_found("account", username))?;
    load_account(conn, &row).await
}

type Query<'q> = sqlx::query::Query<'q, Db, <Db as Database>::Arguments>;

/// Run one UPDATE (binding `$1` authority and `$2` username first) on the account
/// `username` in the scope and read it back, in a transaction the caller commits.
async fn update_account(
    store: &Backend,
    scope: &AuthorityScope,
    username: &str,
    update: Query<'_>,
) -> Result<(StoredAccount, sqlx::Transaction<'static, Db>)> {
    let mut tx = store.begin_write().await?;
    let done =
        update.execute(&mut *tx).await.map_err(|e| StoreError::from_sqlx(format!("changing account {username}"), e))?;
    if done.rows_affected() == 0 {
        return Err(scope.not_found("account", username));
    }
    let account = scoped_account(&mut tx, scope, username).await?;
    Ok((account, tx))
}

async fn insert_event(conn: &mut Conn, event: &SignInEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO sign_in_events (account_id, username, outcome, from_addr, occurred_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event.account)
    .bind(&event.username)
    .bind(event.outcome)
    .bind(event.from.as_deref())
    .bind(event.at)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx("recording a sign-in event", e))?;
    Ok(())
}

// Every UPDATE below binds $1 authority, $2 username, $3 now, then its own value.
const SET_PASSWORD: &str = "UPDATE accounts SET password_hash = $4, updated_at = $3, version = version + 1 \
     WHERE authority_id = $1 AND username = $2";
const SET_TOTP: &str = "UPDATE accounts SET totp_secret = $4, totp_last_step = NULL, updated_at = $3, \
     version = version + 1 WHERE authority_id = $1 AND username = $2";
const SET_DISABLED: &str = "UPDATE accounts SET disabled_at = $4, updated_at = $3, version = version + 1 \
     WHERE authority_id = $1 AND username = $2";
const UNLOCK: &str = "UPDATE accounts SET failed_sign_ins = 0, locked_at = NULL, updated_at = $3, \
     version = version + 1 WHERE authority_id = $1 AND username = $2";

fn account_update<'q>(sql: &'static str, scope: &'q AuthorityScope, username: &'q str, at: DateTime<Utc>) -> Query<'q> {
    sqlx::query(sql).bind(scope.as_str()).bind(username).bind(at)
}

/// The sign-in event outcomes that are failures, for the rate limit (not sign-outs, expiries
/// or the rate limit's own refusals, which would keep a window open for ever).
const FAILURES: &str = "'unknown-user', 'wrong-password', 'wrong-code', 'reused-code', 'locked', 'disabled'";

impl Accounts for Backend {
    async fn ping(&self) -> Result<()> {
        let mut conn = acquire(self.pool()).await?;
        sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM authorities")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("checking the database answers", e))?;
        Ok(())
    }

    async fn create_account(
        &self,
        scope: &AuthorityScope,
        new: &NewAccount,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        let mut tx = self.begin_write().await?;
        let context = || format!("creating account {}", new.username);
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO accounts (authority_id, worker_id, username, failed_sign_ins, version, created_at, updated_at) \
             VALUES ($1, $2, $3, 0, 1, $4, $4) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(new.worker.get())
        .bind(&new.username)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from_sqlx(context(), e) {
            StoreError::Duplicate { .. } => StoreError::Duplicate {
                message: format!("the username `{}` is taken; choose another", new.username),
            },
            other => other,
        })?;
        for role in &new.system_roles {
            sqlx::query("INSERT INTO account_system_roles (account_id, role, granted_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(role)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(format!("granting {role} to {}", new.username), e))?;
        }
        let account = scoped_account(&mut tx, scope, &new.username).await?;
        commit(tx, context).await?;
        Ok(account)
    }

    async fn accounts(&self, scope: &AuthorityScope) -> Result<Vec<StoredAccount>> {
        let mut tx = self.begin_read().await?;
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.authority_id = $1 ORDER BY a.username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx("listing accounts", e))?;
        let mut accounts = Vec::with_capacity(rows.len());
        for row in &rows {
            accounts.push(load_account(&mut tx, row).await?);
        }
        commit(tx, || "listing accounts".into()).await?;
        Ok(accounts)
    }

    async fn account(&self, scope: &AuthorityScope, username: &str) -> Result<StoredAccount> {
        let mut conn = acquire(self.pool()).await?;
        scoped_account(&mut conn, scope, username).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.username = $1");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading an account to sign in", e))?
        else {
            return Ok(None);
        };
        Ok(Some(Credentials {
            account: load_account(&mut conn, &row).await?,
            password_hash: col(&row, "password_hash")?,
            totp_secret: col(&row, "totp_secret")?,
            totp_last_step: col(&row, "totp_last_step")?,
        }))
    }

    async fn set_password_hash(
        &self,
        scope: &AuthorityScope,
        username: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        let (account, tx) =
            update_account(self, scope, username, account_update(SET_PASSWORD, scope, username, at).bind(hash)).await?;
        commit(tx, || format!("setting the password of {username}")).await?;
        Ok(account)
    }

    async fn set_totp_secret(
        &self,
        scope: &AuthorityScope,
        username: &str,
        secret_hex: &str,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        let (account, tx) =
            update_account(self, scope, username, account_update(SET_TOTP, scope, username, at).bind(secret_hex))
                .await?;
        commit(tx, || format!("enrolling {username} for TOTP")).await?;
        Ok(account)
    }

    async fn set_disabled(
        &self,
        scope: &AuthorityScope,
        username: &str,
        disabled_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        let (account, mut tx) =
            update_account(self, scope, username, account_update(SET_DISABLED, scope, username, at).bind(disabled_at))
                .await?;
        if disabled_at.is_some() {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account.id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(format!("ending the sessions of {username}"), e))?;
        }
        commit(tx, || format!("disabling or enabling {username}")).await?;
        Ok(account)
    }

    async fn unlock(&self, scope: &AuthorityScope, username: &str, at: DateTime<Utc>) -> Result<StoredAccount> {
        let (account, tx) = update_account(self, scope, username, account_update(UNLOCK, scope, username, at)).await?;
        commit(tx, || format!("unlocking {username}")).await?;
        Ok(account)
    }

    async fn record_failed_sign_in(&self, account: i64, lock_after: i64, event: &SignInEvent) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let failed: i64 = sqlx::query_scalar::<Db, i64>(
            "UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1, \
             locked_at = CASE WHEN locked_at IS NULL AND failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_at END \
             WHERE id = $1 RETURNING failed_sign_ins",
        )
        .bind(account)
        .bind(lock_after)
        .bind(event.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx("counting a failed sign-in", e))?;
        insert_event(&mut tx, event).await?;
        commit(tx, || "counting a failed sign-in".into()).await?;
        Ok(failed >= lock_after)
    }

    async fn record_sign_in(
        &self,
        account: i64,
        totp_step: Option<i64>,
        session: &NewSession,
        event: &SignInEvent,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        if let Some(step) = totp_step {
            let taken = sqlx::query(
                "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 \
                 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            )
            .bind(account)
            .bind(step)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx("taking a TOTP code", e))?;
            if taken.rows_affected() == 0 {
                return Ok(false);
            }
        }
        sqlx::query("UPDATE accounts SET failed_sign_ins = 0 WHERE id = $1")
            .bind(account)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx("clearing failed sign-ins", e))?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&session.id_hash)
        .bind(account)
        .bind(&session.csrf_token)
        .bind(session.at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx("starting a session", e))?;
        insert_event(&mut tx, event).await?;
        commit(tx, || "starting a session".into()).await?;
        Ok(true)
    }

    async fn record_sign_in_event(&self, event: &SignInEvent) -> Result<()> {
        let mut conn = acquire(self.pool()).await?;
        insert_event(&mut conn, event).await
    }

    async fn failed_sign_ins_since(
        &self,
        username: &str,
        from: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        let mut conn = acquire(self.pool()).await?;
        let context = |e| StoreError::from_sqlx("counting recent sign-in failures", e);
        let by_user = sqlx::query_scalar::<Db, i64>(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM sign_in_events WHERE username = $1 AND occurred_at >= $2 \
             AND outcome IN ({FAILURES})"
        )))
        .bind(username)
        .bind(since)
        .fetch_one(&mut *conn)
        .await
        .map_err(context)?;
        let by_addr = match from {
            None => 0,
            Some(from) => sqlx::query_scalar::<Db, i64>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM sign_in_events WHERE from_addr = $1 AND occurred_at >= $2 \
                 AND outcome IN ({FAILURES})"
            )))
            .bind(from)
            .bind(since)
            .fetch_one(&mut *conn)
            .await
            .map_err(context)?,
        };
        Ok((by_user, by_addr))
    }

    async fn session(&self, id_hash: &str) -> Result<Option<StoredSession>> {
        let mut conn = acquire(self.pool()).await?;
        let Some(row) = sqlx::query(
            "SELECT s.account_id, s.csrf_token, s.created_at, s.last_seen_at FROM sessions s WHERE s.id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading a session", e))?
        else {
            return Ok(None);
        };
        let account_id: i64 = col(&row, "account_id")?;
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.id = $1");
        let account_row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading a session's account", e))?;
        Ok(Some(StoredSession {
            id_hash: id_hash.to_owned(),
            account: load_account(&mut conn, &account_row).await?,
            csrf_token: col(&row, "csrf_token")?,
            created_at: col(&row, "created_at")?,
            last_seen_at: col(&row, "last_seen_at")?,
        }))
    }

    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        let mut conn = acquire(self.pool()).await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2")
            .bind(id_hash)
            .bind(at)
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("marking a session used", e))?;
        Ok(())
    }

    async fn end_session(&self, id_hash: &str, event: Option<&SignInEvent>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx("ending a session", e))?;
        if let Some(event) = event {
            insert_event(&mut tx, event).await?;
        }
        commit(tx, || "ending a session".into()).await?;
        Ok(ended.rows_affected() > 0)
    }
}
