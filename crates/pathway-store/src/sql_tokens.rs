//! The [`ApiTokens`] trait in SQL both databases accept, compiled once per backend like
//! `sql_accounts.rs` (see backend.rs for the contract).

use chrono::{DateTime, Utc};
use sqlx::Database;

use super::Backend;
use super::sql_accounts::{ACCOUNT_COLUMNS, load_account};
use super::sql_workforce::{acquire, col, commit};
use crate::api::AuthorityScope;
use crate::api::accounts::StoredAccount;
use crate::api::tokens::{ApiTokens, IdempotentAnswer, NewApiToken, StoredApiToken};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

const TOKEN_COLUMNS: &str = "SELECT t.id, t.account_id, a.username, t.prefix, t.name, t.scopes, t.created_at, \
     t.expires_at, t.revoked_at, t.last_used_at FROM api_tokens t JOIN accounts a ON a.id = t.account_id";

fn token_from(row: &DbRow) -> Result<StoredApiToken> {
    let scopes: String = col(row, "scopes")?;
    Ok(StoredApiToken {
        id: col(row, "id")?,
        account: col(row, "account_id")?,
        username: col(row, "username")?,
        prefix: col(row, "prefix")?,
        name: col(row, "name")?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
        revoked_at: col(row, "revoked_at")?,
        last_used_at: col(row, "last_used_at")?,
    })
}

/// The token `id` of an account of the scope's authority, read on `conn`.
async fn scoped_token(conn: &mut Conn, scope: &AuthorityScope, id: i64) -> Result<StoredApiToken> {
    let sql = format!("{TOKEN_COLUMNS} WHERE t.id = $1 AND a.authority_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(scope.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading API token {id}"), e))?
        .ok_or_else(|| scope.not_found("API token", id))?;
    token_from(&row)
}

impl ApiTokens for Backend {
    async fn create_api_token(
        &self,
        scope: &AuthorityScope,
        new: &NewApiToken,
        at: DateTime<Utc>,
    ) -> Result<StoredApiToken> {
        let mut tx = self.begin_write().await?;
        let context = || format!("creating an API token for account {}", new.account);
        // The INSERT reads the account through the scope, so a token cannot be made for
        // another authority's account.
        let id: Option<i64> = sqlx::query_scalar::<Db, i64>(
            "INSERT INTO api_tokens (account_id, token_hash, prefix, name, scopes, created_at, expires_at) \
             SELECT id, $3, $4, $5, $6, $7, $8 FROM accounts WHERE id = $1 AND authority_id = $2 RETURNING id",
        )
        .bind(new.account)
        .bind(scope.as_str())
        .bind(&new.token_hash)
        .bind(&new.prefix)
        .bind(&new.name)
        .bind(new.scopes.join(" "))
        .bind(at)
        .bind(new.expires_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let id = id.ok_or_else(|| scope.not_found("account", new.account))?;
        let token = scoped_token(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(token)
    }

    async fn api_tokens(&self, scope: &AuthorityScope) -> Result<Vec<StoredApiToken>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{TOKEN_COLUMNS} WHERE a.authority_id = $1 ORDER BY t.created_at DESC, t.id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("listing API tokens", e))?;
        rows.iter().map(token_from).collect()
    }

    async fn revoke_api_token(&self, scope: &AuthorityScope, id: i64, at: DateTime<Utc>) -> Result<StoredApiToken> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL \
             AND account_id IN (SELECT id FROM accounts WHERE authority_id = $2)",
        )
        .bind(id)
        .bind(scope.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("revoking API token {id}"), e))?;
        let token = scoped_token(&mut tx, scope, id).await?;
        commit(tx, || format!("revoking API token {id}")).await?;
        Ok(token)
    }

    async fn api_token(&self, token_hash: &str) -> Result<Option<(StoredApiToken, StoredAccount)>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{TOKEN_COLUMNS} WHERE t.token_hash = $1");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading an API token", e))?
        else {
            return Ok(None);
        };
        let token = token_from(&row)?;
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.id = $1");
        let account_row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token.account)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading an API token's account", e))?;
        let account = load_account(&mut conn, &account_row).await?;
        Ok(Some((token, account)))
    }

    async fn touch_api_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        let mut conn = acquire(self.pool()).await?;
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
        )
        .bind(id)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("marking an API token used", e))?;
        Ok(())
    }

    async fn idempotent_answer(&self, account: i64, key: &str) -> Result<Option<IdempotentAnswer>> {
        let mut conn = acquire(self.pool()).await?;
        let row = sqlx::query(
            "SELECT request_hash, status, response FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2",
        )
        .bind(account)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading an idempotent answer", e))?;
        row.map(|row| {
            Ok(IdempotentAnswer {
                request_hash: col(&row, "request_hash")?,
                status: col(&row, "status")?,
                response: col(&row, "response")?,
            })
        })
        .transpose()
    }

    async fn save_idempotent_answer(
        &self,
        account: i64,
        key: &str,
        answer: &IdempotentAnswer,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut conn = acquire(self.pool()).await?;
        let done = sqlx::query(
            "INSERT INTO idempotency_keys (account_id, idem_key, request_hash, status, response, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, idem_key) DO NOTHING",
        )
        .bind(account)
        .bind(key)
        .bind(&answer.request_hash)
        .bind(answer.status)
        .bind(&answer.response)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("storing an idempotent answer", e))?;
        Ok(done.rows_affected() > 0)
    }
}
