//! The [`OpenIdConnect`] trait in SQL both databases accept, compiled once per backend like
//! `sql_accounts.rs` (see backend.rs for the contract).

use chrono::{DateTime, Utc};
use sqlx::Database;

use super::Backend;
use super::sql_workforce::{acquire, col, commit};
use crate::api::AuthorityScope;
use crate::api::oidc::{NewOidcIdentity, OidcProvider, OpenIdConnect, PendingOidcSignIn, StoredOidcIdentity};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

const IDENTITY_COLUMNS: &str = "SELECT id, authority_id, identity_key, email, name, account_id, first_seen_at, \
     approved_at FROM oidc_identities";

fn authority_of(row: &DbRow) -> Result<pathway_core::workforce::AuthorityId> {
    let authority: String = col(row, "authority_id")?;
    authority
        .parse()
        .map_err(|e| StoreError::database("reading column `authority_id`, which Pathway does not accept", e))
}

fn identity_from(row: &DbRow) -> Result<StoredOidcIdentity> {
    Ok(StoredOidcIdentity {
        id: col(row, "id")?,
        authority: authority_of(row)?,
        identity_key: col(row, "identity_key")?,
        email: col(row, "email")?,
        name: col(row, "name")?,
        account: col(row, "account_id")?,
        first_seen_at: col(row, "first_seen_at")?,
        approved_at: col(row, "approved_at")?,
    })
}

async fn identity_by_key(conn: &mut Conn, scope: &AuthorityScope, key: &str) -> Result<Option<StoredOidcIdentity>> {
    let sql = format!("{IDENTITY_COLUMNS} WHERE authority_id = $1 AND identity_key = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.as_str())
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading an OpenID Connect identity", e))?;
    row.as_ref().map(identity_from).transpose()
}

impl OpenIdConnect for Backend {
    async fn set_oidc_provider(
        &self,
        scope: &AuthorityScope,
        provider: &OidcProvider,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO oidc_providers (authority_id, issuer, client_id, client_secret, redirect_url, tenant_id, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (authority_id) DO UPDATE SET issuer = $2, client_id = $3, client_secret = $4, \
             redirect_url = $5, tenant_id = $6, updated_at = $7",
        )
        .bind(scope.as_str())
        .bind(&provider.issuer)
        .bind(&provider.client_id)
        .bind(&provider.client_secret)
        .bind(&provider.redirect_url)
        .bind(provider.tenant_id.as_deref())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx("setting the OpenID provider", e))?;
        commit(tx, || "setting the OpenID provider".into()).await
    }

    async fn oidc_provider(&self, scope: &AuthorityScope) -> Result<Option<OidcProvider>> {
        let mut conn = acquire(self.pool()).await?;
        let row = sqlx::query(
            "SELECT issuer, client_id, client_secret, redirect_url, tenant_id FROM oidc_providers \
             WHERE authority_id = $1",
        )
        .bind(scope.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading the OpenID provider", e))?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(OidcProvider {
            issuer: col(&row, "issuer")?,
            client_id: col(&row, "client_id")?,
            client_secret: col(&row, "client_secret")?,
            redirect_url: col(&row, "redirect_url")?,
            tenant_id: col(&row, "tenant_id")?,
        }))
    }

    async fn begin_oidc_sign_in(&self, pending: &PendingOidcSignIn) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let context = "recording a sign-in with OpenID Connect";
        sqlx::query("DELETE FROM oidc_pending_sign_ins WHERE expires_at < $1")
            .bind(pending.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context, e))?;
        sqlx::query(
            "INSERT INTO oidc_pending_sign_ins (state_hash, authority_id, nonce, pkce_verifier, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&pending.state_hash)
        .bind(pending.authority.as_str())
        .bind(&pending.nonce)
        .bind(&pending.pkce_verifier)
        .bind(pending.created_at)
        .bind(pending.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context, e))?;
        commit(tx, || context.into()).await
    }

    async fn take_oidc_sign_in(&self, state_hash: &str) -> Result<Option<PendingOidcSignIn>> {
        let mut tx = self.begin_write().await?;
        let context = "taking a sign-in with OpenID Connect";
        let row = sqlx::query(
            "DELETE FROM oidc_pending_sign_ins WHERE state_hash = $1 \
             RETURNING state_hash, authority_id, nonce, pkce_verifier, created_at, expires_at",
        )
        .bind(state_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context, e))?;
        let pending = match row {
            None => None,
            Some(row) => Some(PendingOidcSignIn {
                state_hash: col(&row, "state_hash")?,
                authority: authority_of(&row)?,
                nonce: col(&row, "nonce")?,
                pkce_verifier: col(&row, "pkce_verifier")?,
                created_at: col(&row, "created_at")?,
                expires_at: col(&row, "expires_at")?,
            }),
        };
        commit(tx, || context.into()).await?;
        Ok(pending)
    }

    async fn oidc_identity(&self, scope: &AuthorityScope, identity: &NewOidcIdentity) -> Result<StoredOidcIdentity> {
        let mut tx = self.begin_write().await?;
        let context = "recording an OpenID Connect identity";
        sqlx::query(
            "INSERT INTO oidc_identities (authority_id, identity_key, email, name, first_seen_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (authority_id, identity_key) DO NOTHING",
        )
        .bind(scope.as_str())
        .bind(&identity.identity_key)
        .bind(identity.email.as_deref())
        .bind(identity.name.as_deref())
        .bind(identity.at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context, e))?;
        let stored = identity_by_key(&mut tx, scope, &identity.identity_key)
            .await?
            .ok_or_else(|| scope.not_found("OpenID Connect identity", &identity.identity_key))?;
        commit(tx, || context.into()).await?;
        Ok(stored)
    }

    async fn oidc_identities(&self, scope: &AuthorityScope, pending: bool) -> Result<Vec<StoredOidcIdentity>> {
        let mut conn = acquire(self.pool()).await?;
        let filter = if pending { " AND account_id IS NULL" } else { "" };
        let sql = format!("{IDENTITY_COLUMNS} WHERE authority_id = $1{filter} ORDER BY first_seen_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("listing OpenID Connect identities", e))?;
        rows.iter().map(identity_from).collect()
    }

    async fn link_oidc_identity(
        &self,
        scope: &AuthorityScope,
        identity: i64,
        account: i64,
        at: DateTime<Utc>,
    ) -> Result<StoredOidcIdentity> {
        let mut tx = self.begin_write().await?;
        let context = || format!("linking OpenID Connect identity {identity}");
        // The account must be the same authority's: the subquery finds it only there.
        let done = sqlx::query(
            "UPDATE oidc_identities SET account_id = (SELECT id FROM accounts WHERE id = $3 AND authority_id = $1), \
             approved_at = $4 WHERE authority_id = $1 AND id = $2 \
             AND EXISTS (SELECT 1 FROM accounts WHERE id = $3 AND authority_id = $1)",
        )
        .bind(scope.as_str())
        .bind(identity)
        .bind(account)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            return Err(scope.not_found("OpenID Connect identity", identity));
        }
        let sql = format!("{IDENTITY_COLUMNS} WHERE authority_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(identity)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let linked = identity_from(&row)?;
        commit(tx, context).await?;
        Ok(linked)
    }
}
